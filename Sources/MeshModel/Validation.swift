import MeshCRDT

/// Why a local write was refused, or which content rule a remote op breaks. Carries what to fix,
/// for the person at the CLI.
public struct ValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    public let field: String
    public let problem: String

    public init(field: String, problem: String) {
        self.field = field
        self.problem = problem
    }

    public var description: String { "\(field): \(problem)" }
}

/// Limits of the content rules (Protocol/README.md, "Content rules"). Every node applies them to
/// every op, local or remote, so changing one changes which ops have an effect: a version that
/// relaxes a limit must not do so before every node runs it.
public enum Limits {
    public static let title = 200
    public static let text = 20_000
    public static let tag = 40
    public static let tags = 20
    public static let author = 64
    public static let themeCode = 32
    public static let seen = 64
    public static let displayName = 100
}

// MARK: - Content rules

extension OpBody {
    /// The content rule this body, written by `author`, breaks; nil when it breaks none.
    ///
    /// The one place the content rules live (Protocol/README.md, "Content rules"). They depend
    /// only on the op's own bytes (its author and body) and, for an observation, on the kind of
    /// its measure: an op of the same origin (an observation of another origin's measure has no
    /// effect anyway), so always held, and applied or not, before the observation on every node.
    /// A local write that breaks a rule is refused; a remote op that breaks one is stored,
    /// chained and relayed, and has no effect, on every node alike (`ApplySession`).
    ///
    /// Rules that depend on other state or arrival order (a theme must be defined and not
    /// archived, a support counts once, a comment is changed only while it is not retracted) are
    /// local-write rules only (`ApplySession.prepareLocal`).
    ///
    /// - Parameter measure: for an observation, its measure, when held with effect; nil otherwise
    ///   (then the observation has no effect for that reason, not for a content rule).
    /// - Returns: nil for `.unknown`: a body this version cannot read is not judged.
    public func contentViolation(author: String, measure: MeasureDefinition? = nil) -> ValidationError? {
        if let problem = authorViolation(author) { return problem }
        if case .unknown = self { return nil }
        do throws(ValidationError) {
            try checkBody()
            if case .observationRecord(_, _, let value, _) = self, let measure { try measure.check(value: value) }
            return nil
        } catch {
            return error
        }
    }

    /// The content rule the author of this body breaks: a handle of at most `Limits.author`
    /// characters without control characters, and not empty for supports and comments (they are
    /// counted and changed per author). Part of `contentViolation`; on its own for a writer that
    /// checks the author before completing the body.
    public func authorViolation(_ author: String) -> ValidationError? {
        if author.unicodeScalars.count > Limits.author || author.unicodeScalars.contains(where: { $0.value < 0x20 }) {
            return ValidationError(field: "author", problem: "not a valid staff handle")
        }
        switch self {
        case .support, .unsupport, .commentAdd, .commentEdit, .commentRetract, .personName, .roleSet, .workflowSet, .redact:
            if author.isEmpty { return ValidationError(field: "author", problem: "\(kind) needs an author") }
        default:
            break
        }
        if case .personName(let login, _) = self, login != author {
            return ValidationError(field: "name", problem: "a person sets only their own display name")
        }
        return nil
    }

    /// Checks a body before it is written locally: the content rules of the body alone (see
    /// `contentViolation`), and it must be one this version knows.
    public func validate() throws(ValidationError) {
        if case .unknown = self { throw ValidationError(field: "op", problem: "unknown operation") }
        try checkBody()
    }

    /// The content rules of the body alone.
    private func checkBody() throws(ValidationError) {
        switch self {
        case .ideaCreate(let content), .adopt(_, let content):
            try content.validate()
        case .ideaEdit(_, let edits):
            guard !edits.isEmpty else { throw ValidationError(field: "edit", problem: "nothing to change") }
            guard Set(edits.map(\.field)).count == edits.count else {
                throw ValidationError(field: "edit", problem: "a field is edited twice in one op")
            }
            for edit in edits {
                try Self.checkSeen(edit.seen)
                switch edit.field {
                case .title: try Self.check(edit.value, "title", max: Limits.title, required: true)
                case .problem: try Self.check(edit.value, "problem", max: Limits.text, required: true)
                case .solution: try Self.check(edit.value, "solution", max: Limits.text, required: true)
                case .theme: try Self.check(edit.value, "theme", max: Limits.themeCode, required: false)
                case .tags: try Self.checkTags(Tags.split(edit.value))
                }
            }
        case .statusSet(_, _, let reason, let seen):
            try Self.check(reason, "reason", max: Limits.text, required: false)
            try Self.checkSeen(seen)
        case .support:
            break
        case .unsupport(_, let supports):
            guard !supports.isEmpty else { throw ValidationError(field: "unsupport", problem: "no support to remove") }
        case .commentAdd(_, let text), .commentEdit(_, let text):
            try Self.check(text, "comment", max: Limits.text, required: true)
        case .commentRetract(_, let reason), .observationRetract(_, let reason):
            try Self.check(reason, "reason", max: Limits.text, required: false)
        case .themeDefine(let theme):
            try Self.check(theme.code, "theme code", max: Limits.themeCode, required: true)
            guard theme.code.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }) else {
                throw ValidationError(field: "theme code", problem: "use letters, digits, '-' and '_' only")
            }
            try Self.check(theme.name, "theme name", max: Limits.title, required: true)
            try Self.check(theme.description, "theme description", max: Limits.text, required: false)
        case .pdsaStart(_, let plan, let prediction):
            try Self.check(plan, "plan", max: Limits.text, required: true)
            try Self.check(prediction, "prediction", max: Limits.text, required: true)
        case .pdsaDo(_, let notes), .pdsaStudy(_, let notes), .pdsaAct(_, _, let notes):
            try Self.check(notes, "notes", max: Limits.text, required: false)
        case .measureDefine(_, let measure):
            try Self.check(measure.name, "measure name", max: Limits.title, required: true)
            try Self.check(measure.unit, "unit", max: Limits.tag, required: true)
            if let target = measure.target, !target.isFinite {
                throw ValidationError(field: "target", problem: "must be a finite number")
            }
            if let target = measure.target, !measure.kind.allowsTarget(target) {
                throw ValidationError(
                    field: "target", problem: "\(target.formatted) is outside what a \(measure.kind.rawValue) measure takes (\(measure.kind.allowedValues))")
            }
        case .observationRecord(_, _, let value, let note):
            guard value.isFinite else { throw ValidationError(field: "value", problem: "must be a finite number") }
            try Self.check(note, "note", max: Limits.text, required: false)
        case .link(let from, let to, _):
            guard from != to else { throw ValidationError(field: "link", problem: "an idea cannot link to itself") }
        case .personName(_, let name):
            try Self.check(name, "name", max: Limits.displayName, required: true)
            if name.contains("\n") || name.contains("\t") {
                throw ValidationError(field: "name", problem: "must be one line, without tabs")
            }
        case .roleSet(let login, _):
            if login.isEmpty { throw ValidationError(field: "login", problem: "must not be empty") }
            if login.unicodeScalars.count > Limits.author || login.unicodeScalars.contains(where: { $0.value < 0x20 || $0.properties.isWhitespace }) {
                throw ValidationError(field: "login", problem: "must be a login name: at most \(Limits.author) characters, without spaces")
            }
        case .workflowSet(let workflow):
            guard !workflow.moves.isEmpty else { throw ValidationError(field: "workflow", problem: "lists no move") }
            guard workflow.moves.count <= Workflow.maxMoves else {
                throw ValidationError(field: "workflow", problem: "more than \(Workflow.maxMoves) moves")
            }
            if let same = workflow.moves.first(where: { $0.from == $0.to }) {
                throw ValidationError(field: "workflow", problem: "\(same) is not a move (setting the status an idea has is always allowed)")
            }
            var seen = Set<StatusMove>()
            for move in workflow.moves where !seen.insert(move).inserted {
                throw ValidationError(field: "workflow", problem: "lists \(move) twice")
            }
        case .redact(let redaction):
            guard !redaction.ops.isEmpty else { throw ValidationError(field: "redact", problem: "names no op whose text to remove") }
            if redaction.ops.count > Limits.seen {
                throw ValidationError(field: "redact", problem: "names more than \(Limits.seen) ops")
            }
            try Self.check(redaction.reason, "reason", max: Limits.text, required: true)
        case .unknown:
            break
        }
    }

    /// Lengths count Unicode scalar values, not user-perceived characters: how a string breaks
    /// into the latter changes with the Unicode version, and every version must reach the same
    /// verdict on an op.
    /// Every node runs this on every op it applies (the content rules), so the common case is
    /// decided from the UTF-8 bytes: a text that starts with a printable ASCII character is not
    /// blank, one of at most `max` bytes has at most `max` characters, and a control character
    /// is a byte below 0x20 (UTF-8 never uses those bytes within a longer character). The
    /// verdict is the one the scalar-by-scalar reading gives.
    static func check(_ text: String, _ field: String, max: Int, required: Bool) throws(ValidationError) {
        let printableStart = text.utf8.first.map { $0 > 0x20 && $0 < 0x7F } ?? false
        if required && !printableStart && text.trimmed.isEmpty { throw ValidationError(field: field, problem: "must not be empty") }
        if text.utf8.count > max && text.unicodeScalars.count > max {
            throw ValidationError(field: field, problem: "longer than \(max) characters")
        }
        guard text.utf8.contains(where: { $0 < 0x20 && $0 != 0x0A && $0 != 0x09 }) else { return }
        if let index = text.unicodeScalars.firstIndex(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" }) {
            let scalar = text.unicodeScalars[index]
            let name = scalar == "\r" ? "a carriage return" : "a control character"
            let position = text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: index) + 1
            throw ValidationError(
                field: field,
                problem: "contains \(name) (U+\(String(repeating: "0", count: Swift.max(0, 4 - String(scalar.value, radix: 16).count)) + String(scalar.value, radix: 16, uppercase: true))) at character \(position); only line breaks and tabs may be used")
        }
    }

    static func checkTags(_ tags: [String]) throws(ValidationError) {
        if tags.count > Limits.tags { throw ValidationError(field: "tags", problem: "more than \(Limits.tags) tags") }
        for tag in tags {
            try check(tag, "tag", max: Limits.tag, required: true)
            if tag.contains(",") { throw ValidationError(field: "tag", problem: "must not contain ','") }
        }
    }

    static func checkSeen(_ seen: [OpID]) throws(ValidationError) {
        if seen.count > Limits.seen { throw ValidationError(field: "seen", problem: "more than \(Limits.seen) predecessors") }
    }
}

extension IdeaContent {
    public func validate() throws(ValidationError) {
        try OpBody.check(title, "title", max: Limits.title, required: true)
        try OpBody.check(problem, "problem", max: Limits.text, required: true)
        try OpBody.check(solution, "solution", max: Limits.text, required: true)
        try OpBody.check(theme, "theme", max: Limits.themeCode, required: false)
        try OpBody.checkTags(tags)
    }
}
