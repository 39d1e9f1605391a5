/// `people.list`.
public struct PeopleList: Codable, Sendable {
    /// By department (origin), then login.
    public let people: [Person]

    public struct Person: Codable, Sendable {
        /// The node id of their department.
        public let origin: String
        /// That department's name, when known here.
        public let department: String?
        /// Their login at that department: the `author` of their ops.
        public let login: String
        public let name: String
        /// When they last set it.
        public let setMs: Int?

        public init(origin: String, department: String?, login: String, name: String, setMs: Int?) {
            self.origin = origin
            self.department = department
            self.login = login
            self.name = name
            self.setMs = setMs
        }
    }

    public init(people: [Person]) {
        self.people = people
    }
}
