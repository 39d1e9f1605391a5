extension API {
    /// `pdsa.do`: a cycle's Do step.
    public enum PDSADo: ControlMethod {
        public static let name = "pdsa.do"
        public static let access = ControlAccess.anyone
        public typealias Result = WrittenOp
        public typealias Params = API.CycleStepParams
    }
}
