import MeshCRDT

/// The editable fields of an idea.
public enum IdeaField: String, CaseIterable, Codable, Sendable {
    case title, problem, solution, theme, tags
}

/// An idea's content as submitted (or adopted).
public struct IdeaContent: Hashable, Codable, Sendable {
    public var title: String
    public var problem: String
    public var solution: String
    public var theme: String
    public var tags: [String]

    public init(title: String, problem: String, solution: String, theme: String = "", tags: [String] = []) {
        self.title = title
        self.problem = problem
        self.solution = solution
        self.theme = theme
        self.tags = tags
    }

    /// The value of one field as the register stores it (tags: canonical, comma-joined).
    public func value(of field: IdeaField) -> String {
        switch field {
        case .title: title
        case .problem: problem
        case .solution: solution
        case .theme: theme
        case .tags: Tags.join(tags)
        }
    }
}

/// Tags are stored as one register value: sorted, de-duplicated, lower case, comma-joined.
public enum Tags {
    public static func canonical(_ tags: [String]) -> [String] {
        Array(Set(tags.map { $0.trimmed.lowercased() }.filter { !$0.isEmpty })).sorted()
    }

    public static func join(_ tags: [String]) -> String { canonical(tags).joined(separator: ",") }

    public static func split(_ value: String) -> [String] {
        value.split(separator: ",").map(String.init)
    }
}

/// One field's new value, naming the writes of that field the writer had seen.
public struct FieldEdit: Hashable, Sendable {
    public var field: IdeaField
    /// For `.tags`, the canonical comma-joined list (see `Tags`).
    public var value: String
    public var seen: [OpID]

    public init(field: IdeaField, value: String, seen: [OpID]) {
        self.field = field
        self.value = value
        self.seen = seen
    }
}

extension String {
    var trimmed: Substring {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return Substring(scalars[start...end])
    }
}
