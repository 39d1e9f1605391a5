import MeshClient
import MeshCharts
import MeshControl

/// The `ideamesh admin …` reports for people.
enum AdminViews {
    static func status(_ status: AdminStatus, context: RenderContext) -> String {
        var pairs = [
            ("Department", status.department),
            ("Node", status.nodeId),
            ("Listening", status.listen ?? "no (dials out only)"),
            ("Up", TimeText.duration(seconds: status.uptimeSeconds)),
            ("Ops stored", String(status.ops)),
            ("Origins", String(status.origins)),
            ("Store", TimeText.bytes(status.dbBytes)),
            ("Peers connected", String(status.peersConnected)),
            ("Writes", status.writesPaused == nil ? "accepted" : "PAUSED (below)"),
            ("Without effect", "\(status.opsBreakingRules) breaking content rules, \(status.opsUnknown) of unknown kinds"),
        ]
        if status.searchIndexReady == false {
            pairs.append(("Search", "not ready: the index is built once the large history coming in is all here"))
        }
        let held = status.heldBack ?? []
        if let heldBack = status.heldBack {
            let ops = heldBack.reduce(0) { $0 + $1.ops }
            pairs.append(("Held back", held.isEmpty ? "none" : "\(ops) op\(ops == 1 ? "" : "s") of \(held.count) origin\(held.count == 1 ? "" : "s") (below)"))
        }
        var text = keyValues(pairs)
        if let paused = status.writesPaused {
            text += "\n" + TextWrap.lines("Writes are paused: " + paused + ".", width: min(context.width, 100)).joined(separator: "\n") + "\n"
        }
        if !held.isEmpty {
            text += "\n" + context.heading("Held back: stamped ahead of this node's clock") + "\n"
            var table = Table([
                .fixed("ORIGIN"), .flexible("DEPT", min: 10), .fixed("OPS", .right), .fixed("FROM SEQ", .right).droppable(1),
                .fixed("AHEAD", .right), .fixed("APPLIED IN", .right),
            ])
            for origin in held {
                table.append([
                    Table.Cell(IdeaIDs.shortNode(origin.origin)), Table.Cell(origin.department ?? ""), Table.Cell(String(origin.ops)),
                    Table.Cell(String(origin.fromSeq)), Table.Cell(TimeText.duration(seconds: origin.aheadMs / 1000)),
                    Table.Cell(TimeText.duration(seconds: max(0, origin.dueMs - context.nowMs) / 1000)),
                ])
            }
            text += context.render(table)
            text += TextWrap.lines(
                "Their ops are kept and passed on, and take effect here once this node's clock catches up with them. "
                    + "Check the clock of each origin's department (or this node's, if every origin is listed).",
                width: min(context.width, 100)).joined(separator: "\n") + "\n"
        }
        return text
    }

    static func peers(_ report: PeersReport, context: RenderContext) -> String {
        let style = context.style
        var out = context.heading("Connections (\(report.peers.count))") + "\n"
        if report.peers.isEmpty {
            out += "  none\n"
        } else {
            var table = Table([
                .fixed("NODE"), .flexible("DEPT", min: 10), .fixed("ADDRESS").droppable(5), .fixed("DIR").droppable(2), .fixed("STATE"),
                .fixed("RTT", .right).droppable(3), .fixed("BEHIND", .right), .fixed("SEEN", .right).droppable(1), .fixed("REFUSED", .right).droppable(4),
                .fixed("PROTO").droppable(0),
            ])
            for peer in report.peers {
                let state: ANSIStyle? = peer.state == "syncing" ? .green : .yellow
                table.append([
                    Table.Cell(peer.nodeId.map(IdeaIDs.shortNode) ?? "?"), Table.Cell(peer.department ?? ""), Table.Cell(peer.address),
                    Table.Cell(peer.direction), Table.Cell(peer.state, state), Table.Cell(peer.rttMs.map { "\($0) ms" } ?? "-"),
                    Table.Cell(peer.opsBehind.map(String.init) ?? "-"),
                    Table.Cell(peer.lastSeenMsAgo.map { TimeText.duration(seconds: $0 / 1000) + " ago" } ?? "-"),
                    Table.Cell(String(peer.batchesRefused ?? 0), (peer.batchesRefused ?? 0) > 0 ? .red : nil),
                    Table.Cell(peer.protocolVersion.map { "v\($0)" } ?? "-"),
                ])
            }
            out += context.render(table)
        }
        out += "\n" + context.heading("Addresses dialled (\(report.addresses.count))") + "\n"
        if report.addresses.isEmpty {
            out += "  none (no seeds, and no trusted peer has told this node an address yet)\n"
        } else {
            var table = Table([
                .fixed("ADDRESS"), .fixed("NODE"), .fixed("SEED").droppable(1), .fixed("CONNECTED"), .fixed("FAILURES", .right).droppable(3),
                .fixed("RETRY IN", .right).droppable(2), .flexible("LAST ERROR", min: 10),
            ])
            for address in report.addresses {
                table.append([
                    Table.Cell(address.address), Table.Cell(address.nodeId.map(IdeaIDs.shortNode) ?? "?"),
                    Table.Cell(address.seed ? "yes" : "no"), Table.Cell(address.connected ? "yes" : "no", address.connected ? .green : .yellow),
                    Table.Cell(String(address.failures)),
                    Table.Cell(address.retryInMs.flatMap { $0 > 0 ? TimeText.duration(seconds: ($0 + 999) / 1000) : nil } ?? "-"),
                    Table.Cell(address.lastError ?? ""),
                ])
            }
            out += context.render(table)
        }
        if let incompatible = report.incompatible, !incompatible.isEmpty {
            out += "\n" + context.heading("No protocol version in common (\(incompatible.count))") + "\n"
            var table = Table([
                .fixed("NODE"), .flexible("DEPT", min: 10), .fixed("ADDRESS").droppable(3), .fixed("PEER SPEAKS"), .fixed("THIS NODE"),
                .fixed("UPGRADE"), .fixed("LAST", .right).droppable(2), .fixed("TIMES", .right).droppable(1),
            ])
            for peer in incompatible {
                table.append([
                    Table.Cell(IdeaIDs.shortNode(peer.nodeId)), Table.Cell(peer.department ?? ""), Table.Cell(peer.address),
                    Table.Cell(peer.peerProtocols), Table.Cell(peer.protocols), Table.Cell(peer.upgrade, .red),
                    Table.Cell(context.relative(peer.lastMs)), Table.Cell(String(peer.count)),
                ])
            }
            out += context.render(table)
        }
        return out
    }

    /// Origins down, peers across; a cell is how many of that origin's ops the peer lacks.
    static func replication(_ report: ReplicationReport, context: RenderContext) -> String {
        guard !report.origins.isEmpty else { return "This node holds no ops yet.\n" }
        var columns: [Table.Column] = [.flexible("ORIGIN", min: 10), .fixed("HELD", .right)]
        for peer in report.peers {
            columns.append(.fixed(peer.department.map { context.cut($0, to: 14) } ?? IdeaIDs.shortNode(peer.nodeId), .right))
        }
        var table = Table(columns)
        for origin in report.origins {
            var row = [Table.Cell(IdeaIDs.department(origin.department, node: origin.origin)), Table.Cell(String(origin.seq))]
            for peer in report.peers {
                let behind = peer.behind[origin.origin] ?? 0
                row.append(behind == 0 ? Table.Cell("✓", .green) : Table.Cell("-\(behind)", .yellow))
            }
            table.append(row)
        }
        var out = context.render(table)
        if report.peers.isEmpty {
            out += context.note("No peer is connected: nothing to compare with.")
        } else {
            out += context.note("HELD: the highest seq of each origin here. ✓: the peer has all of it; -N: it lacks N ops.")
        }
        return out
    }

    static func whereIs(_ report: WhereReport, context: RenderContext) -> String {
        let out = "Idea \(IdeaIDs.short(report.idea))" + (report.latest.map { ", latest change \(IdeaIDs.short($0))" } ?? "") + ":\n"
        guard !report.peers.isEmpty else { return out + "No peers known: only this node is known to hold it.\n" }
        var table = Table([.fixed("NODE"), .flexible("DEPT", min: 8), .fixed("CONNECTED").droppable(1), .fixed("HAS IDEA"), .fixed("HAS LATEST")])
        func yesNo(_ value: Bool) -> Table.Cell { value ? Table.Cell("yes", .green) : Table.Cell("no", .yellow) }
        for peer in report.peers {
            table.append([
                Table.Cell(IdeaIDs.shortNode(peer.nodeId)), Table.Cell(peer.department ?? ""),
                Table.Cell(peer.connected ? "yes" : "no"), yesNo(peer.hasIdea), yesNo(peer.hasLatest),
            ])
        }
        return out + context.render(table)
    }

    static func conflicts(_ report: ConflictsReport, context: RenderContext) -> String {
        guard !report.ideas.isEmpty else { return "No conflicts: no idea has a field with concurrent values.\n" }
        let style = context.style
        var out = ""
        for (index, idea) in report.ideas.enumerated() {
            if index > 0 { out += "\n" }
            out += style.bold(context.cut("\(IdeaIDs.short(idea.id))  \(TextWidth.singleLine(idea.title))", to: context.width)) + "\n"
            for register in idea.registers {
                out += "  \(register.register): \(register.values.count) concurrent values\n"
                let notes = register.values.contains { !($0.note ?? "").isEmpty }
                var columns: [Table.Column] = [
                    .flexible("VALUE", min: 12, priority: 1), .flexible("BY", min: 6), .fixed("WRITER").droppable(1), .fixed("WHEN").droppable(2),
                ]
                if notes { columns.append(.flexible("NOTE", min: 8)) }
                var table = Table(columns)
                for value in register.values {
                    var row = [
                        Table.Cell(value.value.text), Table.Cell(RenderContext.author(value.author, name: value.authorName)),
                        Table.Cell(value.writer.map(IdeaIDs.short) ?? "?"), Table.Cell(context.absolute(value.createdMs)),
                    ]
                    if notes { row.append(Table.Cell(value.note ?? "")) }
                    table.append(row)
                }
                out += context.render(table, inset: 4)
                    .split(separator: "\n").map { "    " + $0 + "\n" }.joined()
                let settle = "To settle it, set it again: \(settleCommand(register: register.register, idea: IdeaIDs.short(idea.id)))"
                out += TextWrap.lines(settle, width: context.width, indent: "    ").map { style.dim($0) + "\n" }.joined()
            }
        }
        out += context.note("A conflict ends when someone sets the field again; every value is kept until then.")
        return out
    }

    /// The command that sets `register` of an idea again, which ends its conflict.
    static func settleCommand(register: String, idea: String) -> String {
        switch register {
        case "status": "`ideamesh status \(idea) STATUS --reason TEXT`"
        case "tags": "`ideamesh edit \(idea) --tags TAGS`"
        case "title", "problem", "solution", "theme": "`ideamesh edit \(idea) --\(register) TEXT`"
        default: "`ideamesh edit \(idea)`"
        }
    }

    static func forks(_ report: ForksReport, context: RenderContext) -> String {
        guard !report.forks.isEmpty else { return "No forks.\n" }
        var table = Table([
            .fixed("ORIGIN"), .flexible("DEPT", min: 8), .fixed("SEQ", .right), .fixed("DETECTED").droppable(1), .flexible("REASON", min: 10, priority: 1),
        ])
        for fork in report.forks {
            table.append([
                Table.Cell(IdeaIDs.shortNode(fork.origin)), Table.Cell(fork.department ?? ""), Table.Cell(String(fork.seq)),
                Table.Cell(fork.detectedMs.map { context.absolute($0) } ?? "?"), Table.Cell(fork.reason ?? ""),
            ])
        }
        return context.render(table) + context.note(
            "An origin with a fork is blocked: its further ops wait. To keep the chain this node holds and drop the quarantined op(s): `ideamesh admin forks resolve ORIGIN`.")
    }

    static func trust(_ list: TrustList, context: RenderContext) -> String {
        guard !list.nodes.isEmpty else { return "No trusted nodes: no other department may connect.\n" }
        var table = Table([.fixed("NODE"), .flexible("DEPT", min: 8), .fixed("SOURCE")])
        for node in list.nodes { table.append([Table.Cell(node.nodeId), Table.Cell(node.department ?? ""), Table.Cell(node.source)]) }
        return context.render(table)
            + context.note("config: listed under [trust] in the daemon's config (edit it, then SIGHUP); admin: added with `ideamesh admin trust add`.")
    }

    static func verify(_ result: VerifyResult, context: RenderContext) -> String {
        if result.equal {
            return "\(IdeaIDs.shortNode(result.peer)): " + context.style.paint("same state", .green) + " as this node.\n"
        }
        var out = "\(IdeaIDs.shortNode(result.peer)): " + context.style.paint("different state", .red)
        if let origin = result.firstDifferingOrigin {
            out += "; first difference in origin \(IdeaIDs.shortNode(origin)).\n"
            out += context.note("Ops may still be on their way: verify again once `ideamesh admin replication` shows nothing behind.")
        } else {
            out += ".\n"
            out += context.note("Every origin's head agrees, yet the states differ: check both stores (`ideamesh admin digest` on each).")
        }
        return out
    }

    static func digest(_ digest: StateDigest, context: RenderContext) -> String {
        var out = keyValues([("Digest", digest.digest), ("Ops", String(digest.ops))])
        if !digest.heads.isEmpty {
            var table = Table([.fixed("ORIGIN"), .fixed("SEQ", .right)])
            for (origin, seq) in digest.heads.sorted(by: { $0.key < $1.key }) { table.append([Table.Cell(origin), Table.Cell(String(seq))]) }
            out += "\n" + context.render(table)
        }
        return out
    }

    static func keyValues(_ pairs: [(String, String)]) -> String {
        let width = pairs.map { TextWidth.of($0.0) }.max() ?? 0
        return pairs.map { TextWidth.pad($0.0 + ":", to: width + 1) + "  " + $0.1 + "\n" }.joined()
    }
}
