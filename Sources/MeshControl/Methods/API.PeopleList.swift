extension API {
    /// `people.list`: everyone who gave a display name, at every department held here.
    public enum PeopleList: ControlMethod {
        public static let name = "people.list"
        public static let access = ControlAccess.anyone
        public typealias Result = MeshControl.PeopleList
        public typealias Params = NoParams
    }
}
