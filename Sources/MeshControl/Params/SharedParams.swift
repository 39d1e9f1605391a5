/// Params several methods take in the same shape, declared once (`Params` of each method that
/// takes them is one of these).
extension API {
    /// `{"id": …}`: the idea (or other target) a method acts on.
    public struct IdParams: ControlParams, Equatable {
        public static let keys: Set<String> = ["id"]
        public var id: String

        public init(id: String) {
            self.id = id
        }
    }

    /// `{"id": …, "text": …}`: a comment's idea (to add) or the comment itself (to edit), and its text.
    public struct IdTextParams: ControlParams, Equatable {
        public static let keys: Set<String> = ["id", "text", "patient_data_ok"]
        public var id: String
        public var text: String
        public var patientDataOk: Bool?

        public init(id: String, text: String, patientDataOk: Bool? = nil) {
            self.id = id
            self.text = text
            self.patientDataOk = patientDataOk
        }
    }

    /// `{"cycle": …, "notes": …}`: a PDSA cycle's Do or Study step.
    public struct CycleStepParams: ControlParams, Equatable {
        public static let keys: Set<String> = ["cycle", "notes", "patient_data_ok"]
        public var cycle: String
        public var notes: String?
        public var patientDataOk: Bool?

        public init(cycle: String, notes: String? = nil, patientDataOk: Bool? = nil) {
            self.cycle = cycle
            self.notes = notes
            self.patientDataOk = patientDataOk
        }
    }

    /// `{"node_id": …}`: a node to trust, or to trust no more.
    public struct NodeParams: ControlParams, Equatable {
        public static let keys: Set<String> = ["node_id"]
        public var nodeId: String

        public init(nodeId: String) {
            self.nodeId = nodeId
        }
    }
}
