extension API {
    /// `measure.define`: a measure of an idea.
    public enum MeasureDefine: ControlMethod {
        public static let name = "measure.define"
        public static let access = ControlAccess.anyone
        public typealias Result = WrittenOp

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["idea", "name", "unit", "better", "target", "kind"]
            public var idea: String
            public var name: String
            public var unit: String
            public var better: String
            public var target: Double?
            public var kind: String?

            public init(idea: String, name: String, unit: String, better: String, target: Double? = nil, kind: String? = nil) {
                self.idea = idea
                self.name = name
                self.unit = unit
                self.better = better
                self.target = target
                self.kind = kind
            }
        }
    }
}
