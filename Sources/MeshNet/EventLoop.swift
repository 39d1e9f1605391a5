// Placeholder until the libuv façade lands (see the README's Status); keeps the target building.
import CLibUV

/// The libuv version this build links against, e.g. "1.44.2".
public enum LibUV {
    public static var version: String { String(cString: uv_version_string()) }
}
