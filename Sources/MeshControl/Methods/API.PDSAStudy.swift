extension API {
    /// `pdsa.study`: a cycle's Study step.
    public enum PDSAStudy: ControlMethod {
        public static let name = "pdsa.study"
        public static let access = ControlAccess.anyone
        public typealias Result = WrittenOp
        public typealias Params = API.CycleStepParams
    }
}
