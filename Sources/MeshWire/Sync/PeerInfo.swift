import Foundation
import MeshCRDT

/// A node, where it accepts connections and its department's name, as told in a `Peers` message
/// (PROTOCOL.md §3). The address is not checked beyond its length here: it is a claim the
/// receiver may try; the department is a label the sender learned from the node's handshake.
public struct PeerInfo: Hashable, Sendable {
    public var nodeID: NodeID
    /// "host:port", an IPv6 host in brackets ("[fd00::7]:7400").
    public var address: String
    /// The node's department name; empty when the sender does not know it.
    public var department: String

    /// Longest address on the wire, in UTF-8 bytes (a DNS name is at most 253).
    public static let maxAddressBytes = 300
    /// Longest department name on the wire, in UTF-8 bytes (80 characters of up to 4 bytes), in
    /// `Peers`, `Hello` and the handshake payload alike.
    public static let maxDepartmentBytes = 320

    public init(nodeID: NodeID, address: String, department: String = "") {
        self.nodeID = nodeID
        self.address = address
        self.department = department
    }

    /// True when a receiver accepts this entry: the address is 1 to `maxAddressBytes` UTF-8 bytes
    /// and the department at most `maxDepartmentBytes`. A sender leaves out entries that are not.
    public var isValid: Bool {
        !address.isEmpty && address.utf8.count <= Self.maxAddressBytes && department.utf8.count <= Self.maxDepartmentBytes
    }

    var wire: WirePeerInfo {
        var wire = WirePeerInfo()
        wire.nodeID = Data(nodeID.bytes)
        wire.address = address
        wire.department = department
        return wire
    }

    init(wire: WirePeerInfo) throws(SyncDecodingError) {
        guard let node = wire.nodeID.withUnsafeBytes({ NodeID(raw: $0) }) else { throw .malformed("peer: node id is not 32 bytes") }
        self.init(nodeID: node, address: wire.address, department: wire.department)
        guard !address.isEmpty else { throw .malformed("peer \(node.short): empty address") }
        guard address.utf8.count <= Self.maxAddressBytes else {
            throw .malformed("peer \(node.short): address of \(address.utf8.count) bytes exceeds \(Self.maxAddressBytes)")
        }
        guard department.utf8.count <= Self.maxDepartmentBytes else {
            throw .malformed("peer \(node.short): department of \(department.utf8.count) bytes exceeds \(Self.maxDepartmentBytes)")
        }
    }
}
