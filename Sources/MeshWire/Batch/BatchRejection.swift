import MeshCRDT

/// Why a remote batch was refused. Nothing of a refused batch is applied.
public enum BatchRejection: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case undecodable(index: Int, OpDecodingError)
    case mixedOrigins
    case notContiguous(index: Int)
    /// The batch starts beyond what we hold: the ops between are missing.
    case gap(origin: NodeID, held: UInt64, first: UInt64)
    case brokenChain(origin: NodeID, seq: UInt64)
    case badSignature(origin: NodeID, seq: UInt64)
    /// The op's HLC is not greater than the one of the op before it (the held head, for the
    /// batch's first new op): an origin's HLCs strictly increase.
    case hlcNotIncreasing(origin: NodeID, seq: UInt64)
    /// The origin has an unresolved fork; its ops wait until an admin resolves it.
    case originForked(NodeID)
    case seqTooLarge

    public var description: String {
        switch self {
        case .empty: "empty batch"
        case .undecodable(let index, let error): "op \(index) of the batch: \(error)"
        case .mixedOrigins: "a batch must hold ops of one origin"
        case .notContiguous(let index): "op \(index) of the batch does not follow the one before it"
        case .gap(let origin, let held, let first):
            "gap: hold \(origin.short) up to \(held), batch starts at \(first)"
        case .brokenChain(let origin, let seq): "hash chain broken at \(origin.short)-\(seq)"
        case .badSignature(let origin, let seq): "bad signature on \(origin.short)-\(seq)"
        case .hlcNotIncreasing(let origin, let seq):
            "the HLC of \(origin.short)-\(seq) is not greater than its predecessor's: an origin's HLCs must strictly increase"
        case .originForked(let origin): "origin \(origin.short) has an unresolved fork; its ops wait"
        case .seqTooLarge: "seq beyond the supported range"
        }
    }
}
