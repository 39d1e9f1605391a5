/// A multi-value register with explicit causality.
///
/// Every write names the writes it has seen (its predecessors). The register's current values are
/// the writes no other write has seen: one value when writers saw each other, several when they
/// wrote concurrently (a conflict to show, never silently resolved). `winner` picks one for
/// display by (HLC, origin), so LWW reads are deterministic too.
///
/// The state is a pure function of the set of writes, whatever order they arrive in, which is what
/// makes it a CRDT. MeshStore keeps the same state in SQLite with the same rules.
public struct MultiValueRegister<Value: Hashable & Sendable>: Hashable, Sendable {
    public struct Write: Hashable, Sendable {
        public let id: OpID
        public let stamp: WriteStamp
        public let value: Value
        public let predecessors: Set<OpID>

        public init(id: OpID, stamp: WriteStamp, value: Value, predecessors: Set<OpID>) {
            self.id = id
            self.stamp = stamp
            self.value = value
            self.predecessors = predecessors
        }
    }

    public private(set) var writes: [OpID: Write] = [:]
    /// Ids seen as predecessors by some write (they may not have arrived yet).
    public private(set) var superseded: Set<OpID> = []

    public init() {}

    public mutating func apply(_ write: Write) {
        writes[write.id] = write
        superseded.formUnion(write.predecessors)
    }

    /// The concurrent current writes, best first.
    public var current: [Write] {
        // Ties in (hlc, origin) only come from a misbehaving node; the later op id wins them.
        writes.values.filter { !superseded.contains($0.id) }.sorted { ($0.stamp, $0.id) > ($1.stamp, $1.id) }
    }

    public var winner: Write? { current.first }
    public var isConflict: Bool { current.count > 1 }
    /// What a new local write must name as predecessors.
    public var heads: Set<OpID> { Set(current.map(\.id)) }
}
