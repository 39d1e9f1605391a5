import MeshControl
import MeshCRDT
import MeshModel
import MeshStore

/// Staff methods beyond the core ones in ControlHandler.swift (CONTROL.md §5).
extension ControlHandler {
    /// Edits, comments, links, adoption and themes.
    func registerStaffEdits() {
        methods.register(API.IdeaEdit.self) { [unowned self] p, user, reply throws(ControlError) in
            let edits = [
                (IdeaField.title, p.title), (.problem, p.problem), (.solution, p.solution), (.theme, p.theme),
                (.tags, p.tags.map(Tags.join)),
            ].compactMap { field, value in value.map { FieldEdit(field: field, value: $0, seen: []) } }
            guard !edits.isEmpty else { throw ControlError(.invalid, "nothing to change: give title, problem, solution, theme or tags") }
            write(.ideaEdit(idea: try resolve(p.id), edits: edits), author: user.name, reply)
        }
        methods.register(API.CommentEdit.self) { [unowned self] p, user, reply throws(ControlError) in
            write(.commentEdit(comment: try resolve(p.id), text: p.text), author: user.name, reply)
        }
        methods.register(API.CommentRetract.self) { [unowned self] p, user, reply throws(ControlError) in
            write(.commentRetract(comment: try resolve(p.id), reason: p.reason ?? ""), author: user.name, reply)
        }
        methods.register(API.IdeaRedact.self) { [unowned self] p, user, reply throws(ControlError) in
            guard let field = RedactField(rawValue: p.field) else {
                throw ControlError(.invalid, "field must be one of: \(RedactField.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(p.field)\"")
            }
            let reason = p.reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !reason.isEmpty else { throw ControlError(.invalid, "give a reason: it is shown beside the removed text on every node") }
            write(.redact(Redaction(target: try resolve(p.id), field: field, ops: [], reason: reason)), author: user.name, reply)
        }
        methods.register(API.IdeaLink.self) { [unowned self] p, user, reply throws(ControlError) in
            guard let kind = LinkKind(rawValue: p.kind) else {
                throw ControlError(.invalid, "unknown link kind \"\(p.kind)\"; one of: \(LinkKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            write(.link(from: try resolve(p.from), to: try resolve(p.to), kind: kind), author: user.name, reply)
        }
        methods.register(API.IdeaAdopt.self) { [unowned self] p, user, reply throws(ControlError) in
            try adopt(try resolve(p.id), user: user, reply)
        }
        methods.register(API.PersonName.self) { [unowned self] p, user, reply in
            write(.personName(login: user.name, name: p.name.trimmingCharacters(in: .whitespaces)), author: user.name, reply)
        }
        methods.register(API.ThemeDefine.self) { [unowned self] p, user, reply in
            write(.themeDefine(Theme(code: p.code, name: p.name, description: p.description ?? "")), author: user.name, reply)
        }
        methods.register(API.ThemeArchive.self) { [unowned self] p, user, reply in
            read(reply, { store throws(ControlError) in try Self.store { try store.theme(code: p.code) } }) { [self] theme throws(ControlError) in
                guard var theme else { throw ControlError(.notFound, "no theme \"\(p.code)\" here (yet)") }
                guard !theme.archived else { throw ControlError(.notAllowed, "theme \"\(p.code)\" is already archived") }
                theme.archived = true
                write(.themeDefine(theme), author: user.name, reply)
            }
        }
    }

    /// Reading ideas and themes, the digest, export and import.
    func registerStaffReads() {
        methods.register(API.IdeaList.self) { [unowned self] p, user, reply throws(ControlError) in
            try list(p, user: user, reply)
        }
        methods.register(API.IdeaShow.self) { [unowned self] p, _, reply throws(ControlError) in
            let id = try resolve(p.id)
            let departments = departments()
            read(reply) { store throws(ControlError) in
                try Self.store {
                    guard let view = try store.idea(id), let history = try store.history(of: id) else {
                        throw ControlError(.notFound, "no idea \(id.short) here (yet)")
                    }
                    let pdsa = try store.cyclesAndMeasures(of: id)
                    return IdeaDetail(
                        view, links: try store.links(of: id), adoptions: try store.adoptions(of: id), history: history,
                        cycles: pdsa.cycles, measures: pdsa.measures, departments: departments, names: try store.displayNames())
                }
            }
        }
        methods.register(API.ThemesList.self) { [unowned self] p, _, reply in
            read(reply) { store throws(ControlError) in
                let (all, use) = try Self.store { (try store.themes(includeArchived: true), try store.themeUse()) }
                let defined = Set(all.map(\.code))
                return ThemeList(
                    themes: all.filter { p.archived == true || !$0.archived }.map {
                        ThemeList.Theme(code: $0.code, name: $0.name, description: $0.description, archived: $0.archived, ideas: use[$0.code] ?? 0)
                    },
                    undefined: use.filter { !defined.contains($0.key) }.sorted { $0.key < $1.key }.map { ThemeList.Use(code: $0.key, ideas: $0.value) })
            }
        }
        methods.register(API.Digest.self) { [unowned self] p, _, reply in
            let departments = departments(), home = mesh.selfID
            read(reply) { store throws(ControlError) in
                let activity = try Self.store { try store.activity(sinceMillis: p.sinceMs, home: home) }
                let names = try Self.store { try store.displayNames() }
                let results = try Self.store { try store.measures(.observedSince(millis: p.sinceMs)) }.compactMap { record -> MeasureSummary? in
                    guard let analysis = try? MeasureAnalysis.of(record), analysis.latest?.variation == .specialCauseImprovement else { return nil }
                    return MeasureSummary(record, analysis: analysis, departments: departments)
                }
                return DigestReport(
                    newIdeas: activity.newIdeas.map { MeshControl.IdeaSummary($0, departments: departments, names: names) },
                    moved: activity.moved.map { MeshControl.IdeaSummary($0, departments: departments, names: names) },
                    adoptedElsewhere: activity.adoptedElsewhere.map {
                        DigestReport.AdoptedElsewhere(
                            source: $0.source.text, sourceTitle: $0.sourceTitle, adoption: $0.adoption.text,
                            origin: $0.adoption.origin.base32, department: departments[$0.adoption.origin], createdMs: Int($0.hlc.millis))
                    },
                    results: results)
            }
        }
        methods.register(API.PeopleList.self) { [unowned self] _, _, reply in
            let departments = departments(), home = mesh.selfID
            read(reply) { store throws(ControlError) in
                // This department first, then by department name and login.
                let people = try Self.store { try store.people() }.sorted { a, b in
                    (a.origin == home ? 0 : 1, departments[a.origin] ?? a.origin.base32, a.login)
                        < (b.origin == home ? 0 : 1, departments[b.origin] ?? b.origin.base32, b.login)
                }
                return MeshControl.PeopleList(people: people.map {
                    MeshControl.PeopleList.Person(
                        origin: $0.origin.base32, department: departments[$0.origin], login: $0.login, name: $0.name,
                        setMs: Int($0.hlc.millis))
                })
            }
        }
        methods.register(API.Export.self) { [unowned self] _, _, reply in
            let departments = departments()
            read(reply) { store throws(ControlError) in
                try Self.store {
                    let names = try store.displayNames()
                    return ExportResult(ideas: try store.exportIdeas().map { IdeaDetail($0, departments: departments, names: names) })
                }
            }
        }
        methods.register(API.Import.self) { [unowned self] p, user, reply throws(ControlError) in
            try importRows(p, user: user, reply)
        }
    }

    private func list(_ p: API.IdeaList.Params, user: LocalUser, _ reply: Replier<MeshControl.IdeaList>) throws(ControlError) {
        var query = IdeaQuery(theme: p.theme, sinceMillis: p.sinceMs, limit: min(max(p.limit ?? 100, 1), 10_000))
        if let status = p.status {
            guard let parsed = IdeaStatus(rawValue: status) else {
                throw ControlError(.invalid, "unknown status \"\(status)\"; one of: \(IdeaStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            query.status = parsed
        }
        if let sort = p.sort {
            guard let parsed = IdeaSort(rawValue: sort) else {
                throw ControlError(.invalid, "unknown sort \"\(sort)\"; one of: \(IdeaSort.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            query.sort = parsed
        }
        if let origin = p.origin { query.origins = try resolveOrigins(origin) }
        if p.mine == true { query.author = IdeaQuery.Author(origin: mesh.selfID, name: user.name) }
        let departments = departments(), matching = query
        read(reply) { store throws(ControlError) in
            let (page, names) = try Self.store { (try store.ideas(matching: matching), try store.displayNames()) }
            // A theme nobody defined and no idea carries is a typo, not an empty theme.
            if page.total == 0, let theme = matching.theme,
               let problem = try Self.store({ try store.themeProblem(theme, allowArchived: true) }),
               try Self.store({ try store.themeUse()[theme] }) == nil {
                throw ControlError(.invalid, "\(problem)")
            }
            return MeshControl.IdeaList(
                total: page.total, ideas: page.ideas.map { MeshControl.IdeaSummary($0, departments: departments, names: names) })
        }
    }

    /// A copy of another department's idea, made here, with an adopted-from edge to it. Not
    /// this department's own idea, nor a copy (of a copy…) of it, nor one adopted here already.
    private func adopt(_ source: OpID, user: LocalUser, _ reply: Replier<WrittenOp>) throws(ControlError) {
        let home = mesh.selfID
        read(reply, { store throws(ControlError) in
            guard var idea = try Self.store({ try store.summary(of: source) })?.view else {
                throw ControlError(.notFound, "no idea \(source.short) here (yet)")
            }
            guard source.origin != home else {
                throw ControlError(.notAllowed, "\(source.short) is this department's own idea: there is nothing to adopt")
            }
            // Up the adoption lineage: an idea that started here comes back as a copy of itself.
            for _ in 0..<64 {
                guard let parent = idea.adoptedFrom, let view = try Self.store({ try store.summary(of: parent) })?.view else { break }
                if parent.origin == home {
                    throw ControlError(.notAllowed, "\(source.short) is a copy of this department's own idea \(parent.short): there is nothing to adopt")
                }
                idea = view
            }
            return try Self.store { try store.adoptions(of: source).first { $0.idea.origin == home } }
        }) { [self] existing throws(ControlError) in
            if let existing { throw ControlError(.notAllowed, "\(source.short) is already adopted here, as \(existing.idea.short)") }
            let empty = IdeaContent(title: "", problem: "", solution: "")
            write(.adopt(source: source, content: empty), author: user.name, reply)
        }
    }

    /// Every row checked first, then all written in one transaction, or none.
    private func importRows(_ p: API.Import.Params, user: LocalUser, _ reply: Replier<ImportResult>) throws(ControlError) {
        guard !p.rows.isEmpty else { throw ControlError(.invalid, "rows: nothing to import") }
        let keys: Set<String> = ["title", "problem", "solution", "theme", "tags"]
        var bodies = [OpBody]()
        for (index, value) in p.rows.enumerated() {
            func refuse(_ problem: String) -> ControlError { ControlError(.invalid, "row \(index + 1): \(problem)") }
            guard case .object(let row) = value else { throw refuse("must be an object") }
            if let unknown = row.keys.sorted().first(where: { !keys.contains($0) }) {
                throw refuse("unknown field \"\(unknown)\"; known: \(keys.sorted().joined(separator: ", "))")
            }
            func text(_ key: String, required: Bool) throws(ControlError) -> String? {
                switch row[key] {
                case .string(let text)?: return text
                case nil, .null?: if required { throw refuse("missing \(key)") } else { return nil }
                default: throw refuse("\(key) must be a string")
                }
            }
            var tags = [String]()
            switch row["tags"] {
            case nil, .null?: break
            case .array(let items)?:
                for item in items {
                    guard case .string(let tag) = item else { throw refuse("tags must be a list of strings") }
                    tags.append(tag)
                }
            default: throw refuse("tags must be a list of strings")
            }
            let content = IdeaContent(
                title: try text("title", required: true)!, problem: try text("problem", required: true)!,
                solution: try text("solution", required: true)!, theme: try text("theme", required: false) ?? "", tags: tags)
            do throws(ValidationError) { try content.validate() } catch { throw refuse("\(error)") }
            bodies.append(.ideaCreate(content))
        }
        let author = p.anonymous == true ? "" : user.name, rows = bodies
        exclusive(reply) { store throws(ControlError) in
            do {
                return ImportResult(ids: try store.write(rows, author: author).map { try $0.decode().id.text })
            } catch let error as WriteBatchError {
                throw ControlError(.invalid, "row \(error.index + 1): \(Self.controlError(error.error).message)")
            } catch {
                throw ControlError.store(error)
            }
        }
    }
}
