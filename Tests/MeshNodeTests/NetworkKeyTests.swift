import Foundation
@testable import MeshNode
import Testing

/// The network key file (PROTOCOL.md §2, "The network key file"): what is read, what is refused.
struct NetworkKeyTests {
    static let hex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
    static let key = Array(UInt8(0)...UInt8(31))

    @Test(arguments: [
        "ideamesh-network-key:\(hex)\n",
        "ideamesh-network-key:\(hex)",  // no final newline
        "# comment\n\nideamesh-network-key:\(hex)\n\n",
        "ideamesh-network-key:\(hex.uppercased())\n",
        "ideamesh-network-key: \t\(hex) \n",  // spaces and tabs around the digits
        "# comment\r\nideamesh-network-key:\(hex)\r\n",  // CRLF line ends
        "other: 1\nideamesh-network-key:\(hex)\nideamesh-network-key:\(String(repeating: "f", count: 64))\n",  // the first key line counts
    ])
    func readsTheKeyLine(_ text: String) {
        #expect(NetworkKey.parse(text) == Self.key)
    }

    @Test(arguments: [
        "",
        "# only a comment\n",
        "ideamesh-network-key:\(hex.dropLast())\n",  // 63 digits
        "ideamesh-network-key:\(hex)0\n",  // 65
        "ideamesh-network-key:+\(hex.dropFirst())\n",  // a sign is not a digit (UInt8("+0", radix: 16) would take it)
        "ideamesh-network-key:\(hex.prefix(32)) \(hex.suffix(32))\n",  // inner space
        "ideamesh-network-key:\(hex.dropLast(2))zz\n",
        " ideamesh-network-key:\(hex)\n",  // not in column 1
        "IDEAMESH-NETWORK-KEY:\(hex)\n",
        "ideamesh-network-key:\n",
        "ideamesh-network-key:\(String(repeating: "f", count: 63))\nideamesh-network-key:\(hex)\n",  // the first key line is bad
    ])
    func refusesAnythingElse(_ text: String) {
        #expect(NetworkKey.parse(text) == nil)
    }

    @Test func whatInitWritesReadsBack() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netkey-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("network.key").path
        let key = NetworkKey.generate()
        try key.write(to: path)
        #expect(try NetworkKey.load(path: path) == key)
        #expect(throws: NetworkKeyError.exists(path: path)) { try key.write(to: path) }
        // Owner-only: 0400 is fine, any group or other bit is refused.
        chmod(path, 0o400)
        #expect(try NetworkKey.load(path: path) == key)
        for mode: mode_t in [0o640, 0o604, 0o610] {
            chmod(path, mode)
            #expect(throws: NetworkKeyError.permissions(path: path, mode: Int(mode))) { try NetworkKey.load(path: path) }
        }
    }
}
