import MeshCRDT

extension OpID {
    /// The full text form used by the control API: `<origin base32>-<seq>`.
    var text: String { "\(origin.base32)-\(seq)" }
}
