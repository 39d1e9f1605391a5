/// Idea and op ids as people see them (CONTROL.md §4): `<first 10 characters of the origin>-<seq>`.
package enum IdeaIDs {
    /// The short form of a full id (`<52 base32>-<seq>`); other text is returned as it is.
    package static func short(_ id: String) -> String {
        guard let dash = id.lastIndex(of: "-") else { return id }
        let origin = id[..<dash]
        guard origin.count > 10 else { return id }
        return String(origin.prefix(10)) + String(id[dash...])
    }

    /// The short form of a node id: its first 10 characters.
    package static func shortNode(_ node: String) -> String { String(node.prefix(10)) }

    /// For tables: the department's name, or the short node id when it is unknown.
    package static func departmentName(_ name: String?, node: String?) -> String {
        if let name, !name.isEmpty { return name }
        return node.map(shortNode) ?? "?"
    }

    /// "Renal Ward (25njqamcwe)", or the short node id alone when the department is unknown.
    package static func department(_ name: String?, node: String?) -> String {
        let short = node.map(shortNode)
        switch (name?.isEmpty == false ? name : nil, short) {
        case let (name?, short?): return "\(name) (\(short))"
        case let (name?, nil): return name
        case let (nil, short?): return short
        case (nil, nil): return "?"
        }
    }
}
