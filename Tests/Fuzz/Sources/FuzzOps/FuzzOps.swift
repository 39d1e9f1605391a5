import Foundation
import StoreFuzzChecks

/// Where each input's fresh store goes: a private temp dir (in /dev/shm when there is one, so
/// that the store's fsyncs cost nothing), made once per process.
let scratch: String = {
    let base = FileManager.default.isWritableFile(atPath: "/dev/shm") ? "/dev/shm/" : NSTemporaryDirectory()
    var template = Array((base + "ideamesh-fuzz-ops-XXXXXX").utf8CString)
    guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
        fatalError("cannot make a scratch dir under \(base)")
    }
    let path = String(cString: made)
    // libFuzzer ends with exit(): remove the dir then.
    atexit { try? FileManager.default.removeItem(atPath: scratch) }
    return path
}()

/// libFuzzer entry point: `OpApplyFuzzCheck.run` on each input; a broken invariant traps, so
/// libFuzzer saves the input as a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOps(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    do {
        _ = try OpApplyFuzzCheck.run(Array(UnsafeBufferPointer(start: data, count: size)), directory: scratch)
    } catch {
        fatalError("OpApplyFuzzCheck: \(error)")
    }
    return 0
}

/// libFuzzer calls this once before fuzzing: with IDEAMESH_FUZZ_WRITE_SEEDS set, the target
/// writes its seed corpus there and exits instead (run.sh --seeds).
@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutableRawPointer, _ argv: UnsafeMutableRawPointer) -> CInt {
    FuzzSeed.writeIfAsked(OpApplyFuzzCheck.seeds())
    return 0
}
