/// The protocol versions and op formats a node speaks, as its Hello says (PROTOCOL.md §6,
/// "Versioning"), and what two nodes agree on.
///
/// Protocol versions are a range: a node speaks every version from `protocols.lowerBound` to
/// `protocols.upperBound`. Op formats start at 1: a node speaks every format from 1 to
/// `maxOpFormat`. Two nodes use the highest protocol version both speak, if there is one, and the
/// highest op format both speak (there always is one: format 1).
public struct ProtocolVersions: Equatable, Hashable, Sendable, CustomStringConvertible {
    public let protocols: ClosedRange<UInt32>
    public let maxOpFormat: UInt32

    /// Nil unless the lowest protocol version and the highest op format are at least 1.
    public init?(protocols: ClosedRange<UInt32>, maxOpFormat: UInt32 = 1) {
        guard protocols.lowerBound >= 1, maxOpFormat >= 1 else { return nil }
        self.protocols = protocols
        self.maxOpFormat = maxOpFormat
    }

    /// What this build speaks: version 2 (PROTOCOL.md §6) and version 1, for nodes built before
    /// it; op formats 1 and 2 (Protocol/README.md, "Op format 2").
    public static let current = ProtocolVersions(protocols: 1...2, maxOpFormat: SignedOp.formats.upperBound)!
    /// What a node built before version negotiation speaks: protocol 1 only, op format 1. Its
    /// Hello carries `protocol_version` 1 and no max fields.
    public static let version1 = ProtocolVersions(protocols: 1...1)!

    /// "1–2": the protocol versions, as messages and `admin peers` name them.
    public var description: String { "\(protocols.lowerBound)–\(protocols.upperBound)" }

    // MARK: Hello's fields

    /// The versions a Hello's fields say: a max field that is absent (0) reads as what a
    /// version-1 node means (`maxVersion`: `version`; `maxOpFormat`: 1). Nil when the fields
    /// contradict themselves: `version` 0, or a max below it.
    public init?(helloVersion version: UInt32, maxVersion: UInt32, maxOpFormat: UInt32) {
        let max = maxVersion == 0 ? version : maxVersion
        guard version >= 1, max >= version else { return nil }
        self.init(protocols: version...max, maxOpFormat: maxOpFormat == 0 ? 1 : maxOpFormat)
    }

    /// The Hello fields that say these versions. A max field is left out (0) when its absence
    /// says the same, so a node that speaks only what a version-1 node speaks sends the same
    /// Hello as one.
    public var helloFields: (version: UInt32, maxVersion: UInt32, maxOpFormat: UInt32) {
        (protocols.lowerBound, protocols.upperBound == protocols.lowerBound ? 0 : protocols.upperBound, maxOpFormat == 1 ? 0 : maxOpFormat)
    }

    // MARK: Negotiation

    /// What this node (`self`) and a peer use on their connection: the highest protocol version
    /// both speak and the highest op format both speak; or why they cannot talk.
    public func negotiate(with peer: ProtocolVersions) -> Result<NegotiatedVersions, VersionMismatch> {
        let version = min(protocols.upperBound, peer.protocols.upperBound)
        guard protocols.contains(version), peer.protocols.contains(version) else {
            return .failure(VersionMismatch(ours: self, theirs: peer))
        }
        return .success(NegotiatedVersions(protocolVersion: version, opFormat: min(maxOpFormat, peer.maxOpFormat)))
    }

    /// Parses "MIN-MAX" (e.g. "1-2") or "V" (e.g. "2"); op format 1. For the test-only switch
    /// `IDEAMESH_TEST_PROTOCOL`.
    public init?(parsing text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let low = UInt32(parts[0]), let high = UInt32(parts[parts.count - 1]), low <= high else { return nil }
        self.init(protocols: low...high)
    }
}

/// What two nodes use on one connection (PROTOCOL.md §6).
public struct NegotiatedVersions: Equatable, Sendable {
    /// The protocol version whose rules both follow.
    public let protocolVersion: UInt32
    /// The highest op format the peer may be sent (every op of a higher format is held back).
    public let opFormat: UInt32

    public init(protocolVersion: UInt32, opFormat: UInt32) {
        self.protocolVersion = protocolVersion
        self.opFormat = opFormat
    }

    /// The first protocol version whose receivers skip Envelope kinds they do not know (a
    /// version-1 node may close on one).
    public static let skipsUnknownKinds: UInt32 = 2

    /// Whether the peer may be sent an Envelope kind newer than version 1's: it skips what it
    /// does not know.
    public var peerSkipsUnknownKinds: Bool { protocolVersion >= Self.skipsUnknownKinds }
}

/// Two nodes speak no protocol version in common: one is too old for the other.
public struct VersionMismatch: Error, Equatable, Sendable, CustomStringConvertible {
    public let ours: ProtocolVersions
    public let theirs: ProtocolVersions

    public init(ours: ProtocolVersions, theirs: ProtocolVersions) {
        self.ours = ours
        self.theirs = theirs
    }

    /// Whether the peer is the one to upgrade (it speaks only versions below this node's
    /// lowest); otherwise this node is (the peer's lowest is above what this node speaks).
    public var peerTooOld: Bool { theirs.protocols.upperBound < ours.protocols.lowerBound }

    public var description: String {
        "this node speaks protocol \(ours), peer speaks \(theirs): upgrade \(peerTooOld ? "the peer" : "this node")"
    }
}
