import MeshWire

/// Switches `ideameshd run` reads from its environment at startup, **for tests only**: they let
/// an end-to-end test run nodes that behave like other builds (older or newer protocol versions)
/// on loopback. A deployed node sets none; an unset or empty variable changes nothing.
struct TestSwitches: Equatable {
    /// `IDEAMESH_TEST_PROTOCOL=MIN-MAX` (e.g. `1-1`, `2-3`): the protocol versions the node
    /// speaks instead of this build's. `1-1` plays a node built before version negotiation: its
    /// Hello carries no max fields.
    var versions: ProtocolVersions?
    /// `IDEAMESH_TEST_SEND_UNKNOWN_KIND=N`: after each peer's Hello, send it an Envelope of kind
    /// (field number) N, as a newer build would; N must be a kind sync.proto does not name.
    var unknownKind: UInt32?

    static let protocolVariable = "IDEAMESH_TEST_PROTOCOL"
    static let unknownKindVariable = "IDEAMESH_TEST_SEND_UNKNOWN_KIND"

    init(versions: ProtocolVersions? = nil, unknownKind: UInt32? = nil) {
        self.versions = versions
        self.unknownKind = unknownKind
    }

    /// The switches `environment` sets; a malformed value is an error that names the variable.
    init(environment: [String: String]) throws(DaemonError) {
        if let text = environment[Self.protocolVariable], !text.isEmpty {
            guard let versions = ProtocolVersions(parsing: text) else {
                throw .testSwitch(variable: Self.protocolVariable, value: text, expected: "MIN-MAX, e.g. 1-2")
            }
            self.versions = versions
        }
        if let text = environment[Self.unknownKindVariable], !text.isEmpty {
            guard let kind = UInt32(text), kind > 8, kind < 1 << 29 else {
                throw .testSwitch(variable: Self.unknownKindVariable, value: text, expected: "a field number sync.proto's Envelope does not use (9 or more)")
            }
            unknownKind = kind
        }
    }
}
