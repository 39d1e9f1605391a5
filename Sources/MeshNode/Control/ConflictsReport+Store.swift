import MeshControl
import MeshStore

extension ConflictsReport.Idea {
    /// An idea with concurrent values, register by register.
    init(_ report: ConflictReport, names: DisplayNames) {
        self.init(
            id: report.idea.text, title: report.title,
            registers: report.registers.map { conflict in
                ConflictsReport.Register(register: "\(conflict.register)", values: conflict.values.map {
                    ConflictsReport.Value(
                        value: LenientText($0.value), author: $0.author, authorName: names.name(origin: $0.writer.origin, login: $0.author), writer: $0.writer.text, createdMs: Int($0.hlc.millis),
                        note: $0.note.isEmpty ? nil : $0.note)
                })
            })
    }
}
