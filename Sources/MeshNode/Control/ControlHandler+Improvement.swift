import Foundation
import MeshControl
import MeshCRDT
import MeshModel
import MeshStore

/// Tests of change and their measurement (CONTROL.md §5.5–5.7): PDSA cycles, measures and their
/// observations, charts, comparison across departments, and the spread of an idea.
extension ControlHandler {
    /// PDSA steps, measures and observations.
    func registerImprovementWrites() {
        methods.register(API.PDSAStart.self) { [unowned self] p, user, reply throws(ControlError) in
            write(.pdsaStart(idea: try resolve(p.idea), plan: p.plan, prediction: p.prediction), author: user.name, reply)
        }
        methods.register(API.PDSADo.self) { [unowned self] p, user, reply throws(ControlError) in
            write(.pdsaDo(cycle: try resolveCycle(p.cycle), notes: p.notes ?? ""), author: user.name, notFoundHint: Self.cycleHint, reply)
        }
        methods.register(API.PDSAStudy.self) { [unowned self] p, user, reply throws(ControlError) in
            write(.pdsaStudy(cycle: try resolveCycle(p.cycle), notes: p.notes ?? ""), author: user.name, notFoundHint: Self.cycleHint, reply)
        }
        methods.register(API.PDSAAct.self) { [unowned self] p, user, reply throws(ControlError) in
            guard let decision = PDSADecision(rawValue: p.decision) else {
                throw ControlError(.invalid, "unknown decision \"\(p.decision)\"; one of: \(PDSADecision.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            write(.pdsaAct(cycle: try resolveCycle(p.cycle), decision: decision, notes: p.notes ?? ""), author: user.name, notFoundHint: Self.cycleHint, reply)
        }
        methods.register(API.MeasureDefine.self) { [unowned self] p, user, reply throws(ControlError) in
            guard let better = Direction(rawValue: p.better) else {
                throw ControlError(.invalid, "better: \"\(p.better)\" is not one of: \(Direction.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let kind: MeasureKind
            if let text = p.kind {
                guard let parsed = MeasureKind(rawValue: text) else {
                    throw ControlError(.invalid, "kind: \"\(text)\" is not one of: \(MeasureKind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                kind = parsed
            } else {
                kind = .other
            }
            let definition = MeasureDefinition(name: p.name, unit: p.unit, better: better, target: p.target, kind: kind)
            write(.measureDefine(idea: try resolve(p.idea), definition), author: user.name, reply)
        }
        methods.register(API.MeasureRecord.self) { [unowned self] p, user, reply throws(ControlError) in
            let today = Self.today(atMillis: Clock.wallMillis())
            let date: Day
            if let text = p.date {
                guard let parsed = Day(text) else { throw ControlError(.invalid, "date: \"\(text)\" is not a date (YYYY-MM-DD)") }
                date = parsed
            } else {
                date = today
            }
            // One day of slack for a client in a time zone ahead of the daemon's.
            guard date <= today.next else {
                throw ControlError(.invalid, "date: \(date) is in the future (today is \(today) here)")
            }
            write(
                .observationRecord(measure: try resolveMeasure(p.measure), date: date, value: p.value, note: p.note ?? ""), author: user.name,
                notFoundHint: Self.measureHint, reply)
        }
        methods.register(API.MeasureRetract.self) { [unowned self] p, user, reply throws(ControlError) in
            write(
                .observationRetract(observation: try resolve(p.observation, what: "observation", hint: Self.observationHint), reason: p.reason ?? ""),
                author: user.name, notFoundHint: Self.observationHint, reply)
        }
    }

    /// Measures read and charted, and the spread of an idea.
    func registerImprovementReads() {
        methods.register(API.MeasureList.self) { [unowned self] p, _, reply throws(ControlError) in
            var filter = MeasureFilter.all(limit: min(max(p.limit ?? 200, 1), 10_000))
            if let idea = p.idea { filter = .idea(try resolve(idea)) }
            let departments = departments(), chosen = filter
            read(reply) { store throws(ControlError) in
                MeshControl.MeasureList(measures: try Self.store { try store.measures(chosen) }.map { MeasureSummary($0, departments: departments) })
            }
        }
        methods.register(API.MeasureChart.self) { [unowned self] p, _, reply throws(ControlError) in
            let id = try resolveMeasure(p.measure), options = try p.options()
            let departments = departments()
            read(reply) { store throws(ControlError) in
                guard let record = try Self.store({ try store.measures(.measure(id)) }).first else {
                    throw ControlError(.notFound, "no measure \(id.short) here (yet): \(Self.measureHint)")
                }
                let analysis: MeasureAnalysis
                do throws(MeasureAnalysis.OptionError) { analysis = try MeasureAnalysis.of(record, options: options) } catch {
                    throw ControlError(.invalid, error.description)
                }
                let names = try Self.store { try store.displayNames() }
                return MeshControl.MeasureChart(record, analysis: analysis, rules: options.rules, departments: departments, names: names)
            }
        }
        methods.register(API.MeasureCompare.self) { [unowned self] p, _, reply throws(ControlError) in
            let id = try resolveMeasure(p.measure), options = try p.options()
            let departments = departments()
            read(reply) { store throws(ControlError) in
                try Self.store { try Self.comparison(of: id, options: options, store: store, departments: departments) }
            }
        }
        methods.register(API.IdeaSpread.self) { [unowned self] p, _, reply throws(ControlError) in
            let id = try resolve(p.id)
            let departments = departments()
            read(reply) { store throws(ControlError) in
                let root = try Self.store { try Self.root(of: id, store: store) }
                guard let root else { throw ControlError(.notFound, "no idea \(id.short) here (yet)") }
                var budget = Self.spreadLimit
                return SpreadReport(root: try Self.store { try Self.spreadNode(root, store: store, departments: departments, budget: &budget) })
            }
        }
    }

    /// Where measure ids are listed, for refusals naming an unknown one.
    static let measureHint = "`ideamesh measure list IDEA` shows an idea's measures with their ids"
    static let observationHint = "`ideamesh measure show MEASURE` lists a measure's observations with their ids"
    static let cycleHint = "`ideamesh show IDEA` lists an idea's PDSA cycles with their ids"

    func resolveMeasure(_ text: String) throws(ControlError) -> OpID {
        try resolve(text, what: "measure", hint: Self.measureHint)
    }

    func resolveCycle(_ text: String) throws(ControlError) -> OpID {
        try resolve(text, what: "PDSA cycle", hint: Self.cycleHint)
    }

    /// At most this many ideas in a spread tree.
    static let spreadLimit = 1_000

    /// The idea at the root of `id`'s adoption chain (the original), when `id` is held.
    static func root(of id: OpID, store: IdeaStore) throws -> IdeaView? {
        guard var view = try store.idea(id) else { return nil }
        var seen: Set<OpID> = [view.id]
        while let source = view.adoptedFrom, let parent = try store.idea(source), seen.insert(parent.id).inserted {
            view = parent
        }
        return view
    }

    /// `view` and, depth first, the ideas adopted from it.
    private static func spreadNode(_ view: IdeaView, store: IdeaStore, departments: Departments, budget: inout Int) throws -> SpreadReport.Node {
        budget -= 1
        let cycles = try store.cyclesAndMeasures(of: view.id).cycles
        let measures = try store.measures(.idea(view.id)).map { MeasureSummary($0, departments: departments) }
        var children = [SpreadReport.Node]()
        for adoption in try store.adoptions(of: view.id) where budget > 0 {
            guard let child = try store.idea(adoption.idea) else { continue }
            children.append(try spreadNode(child, store: store, departments: departments, budget: &budget))
        }
        return SpreadReport.Node(view, cycles: cycles, measures: measures, adoptions: children, departments: departments)
    }

    /// The measure named like `id` in every idea of its adoption tree, each split at the date its
    /// idea was created (or adopted) in that department.
    private static func comparison(
        of id: OpID, options: MeasureAnalysis.Options, store: IdeaStore, departments: Departments
    ) throws -> MeasureComparison {
        guard let measure = try store.measures(.measure(id)).first else {
            throw ControlError(.notFound, "no measure \(id.short) here (yet): \(measureHint)")
        }
        guard let root = try root(of: measure.idea, store: store) else {
            throw ControlError(.notFound, "the idea of measure \(id.short) is not here (yet)")
        }
        let names = try store.displayNames()
        // Measures of the same name: case and surrounding blanks ignored (CONTROL.md §5.6).
        func key(_ record: MeasureRecord) -> String { record.definition.name.trimmingCharacters(in: .whitespaces).lowercased() }
        let name = key(measure)
        var series = [MeshControl.MeasureChart]()
        var queue = [root], seen: Set<OpID> = [root.id]
        while !queue.isEmpty, seen.count <= spreadLimit {
            let view = queue.removeFirst()
            for adoption in try store.adoptions(of: view.id) where seen.insert(adoption.idea).inserted {
                if let child = try store.idea(adoption.idea) { queue.append(child) }
            }
            // The measure asked for stands for its own idea; elsewhere, the oldest of that name.
            let measures = try store.measures(.idea(view.id))
            guard let record = measures.first(where: { $0.id == id })
                ?? measures.first(where: { key($0) == name })
            else { continue }
            let split = today(atMillis: view.hlc.millis)
            var splitOptions = options
            splitOptions.rebase.append(split)
            var warnings = [String]()
            let analysis: MeasureAnalysis
            if let split = try? MeasureAnalysis.of(record, options: splitOptions) {
                analysis = split
            } else {
                warnings.append("not split at \(split): there must be at least 2 points before and 2 from that date")
                do throws(MeasureAnalysis.OptionError) { analysis = try MeasureAnalysis.of(record, options: options) } catch {
                    throw ControlError(.invalid, error.description)
                }
            }
            series.append(MeshControl.MeasureChart(
                record, analysis: analysis, rules: options.rules, splitDate: split, extraWarnings: warnings, departments: departments,
                names: names))
        }
        return MeasureComparison(idea: root.id.text, ideaTitle: root.content.title, name: measure.definition.name, series: series)
    }

    /// The calendar day at `millis` in the daemon's time zone.
    static func today(atMillis millis: UInt64) -> Day {
        let date = Date(timeIntervalSince1970: Double(millis) / 1000)
        let parts = Calendar.current.dateComponents([.year, .month, .day], from: date)
        return Day(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1) ?? Day(year: 1970, month: 1, day: 1)!
    }
}
