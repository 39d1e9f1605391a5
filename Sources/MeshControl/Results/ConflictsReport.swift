/// `admin.conflicts`: registers with concurrent values.
public struct ConflictsReport: Codable, Sendable {
    public let ideas: [Idea]

    public struct Idea: Codable, Sendable {
        public let id: String
        public let title: String
        public let registers: [Register]

        public init(id: String, title: String, registers: [Register]) {
            self.id = id
            self.title = title
            self.registers = registers
        }
    }

    public struct Register: Codable, Sendable {
        public let register: String
        public let values: [Value]

        public init(register: String, values: [Value]) {
            self.register = register
            self.values = values
        }
    }

    public struct Value: Codable, Sendable {
        public let value: LenientText
        public let author: String?
        /// The author's display name at the origin department, when they gave one (shown instead of `author`).
        public let authorName: String?
        /// The writing op (or its origin).
        public let writer: String?
        public let createdMs: Int?
        /// A status change's reason, when given.
        public let note: String?

        public init(
            value: LenientText, author: String?, authorName: String? = nil, writer: String?, createdMs: Int?, note: String?
        ) {
            self.value = value
            self.author = author
            self.authorName = authorName
            self.writer = writer
            self.createdMs = createdMs
            self.note = note
        }
    }

    public init(ideas: [Idea]) {
        self.ideas = ideas
    }
}
