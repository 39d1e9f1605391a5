import Foundation
import MeshCRDT

/// A node and where it accepts connections, as told in a `Peers` message (PROTOCOL.md §3). The
/// address is not checked beyond its length here: it is a claim the receiver may try.
public struct PeerInfo: Hashable, Sendable {
    public var nodeID: NodeID
    /// "host:port", an IPv6 host in brackets ("[fd00::7]:7400").
    public var address: String

    /// Longest address on the wire, in UTF-8 bytes (a DNS name is at most 253).
    public static let maxAddressBytes = 300

    public init(nodeID: NodeID, address: String) {
        self.nodeID = nodeID
        self.address = address
    }

    /// True when a receiver accepts this entry: the address is 1 to `maxAddressBytes` UTF-8 bytes.
    /// A sender leaves out entries that are not.
    public var isValid: Bool {
        !address.isEmpty && address.utf8.count <= Self.maxAddressBytes
    }

    var wire: WirePeerInfo {
        var wire = WirePeerInfo()
        wire.nodeID = Data(nodeID.bytes)
        wire.address = address
        return wire
    }

    init(wire: WirePeerInfo) throws(SyncDecodingError) {
        guard let node = wire.nodeID.withUnsafeBytes({ NodeID(raw: $0) }) else { throw .malformed("peer: node id is not 32 bytes") }
        self.init(nodeID: node, address: wire.address)
        guard !address.isEmpty else { throw .malformed("peer \(node.short): empty address") }
        guard address.utf8.count <= Self.maxAddressBytes else {
            throw .malformed("peer \(node.short): address of \(address.utf8.count) bytes exceeds \(Self.maxAddressBytes)")
        }
    }
}
