import GRDB

/// The database schema. Migrations are immutable once shipped: add a new one, never edit one.
///
/// Local ids: every origin gets a small local index (`origins.id`); an op's row id is
/// `origin index << 40 | seq` (see `RowID`), and anything an op creates (idea, comment, measure, …)
/// is keyed by that same id. These local ids never leave the node; the digest and all wire forms
/// translate them to (origin key, seq).
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE meta(key TEXT PRIMARY KEY NOT NULL, value BLOB NOT NULL);

                -- One row per origin known (held ops, or only referenced so far: seq 0).
                CREATE TABLE origins(
                    id INTEGER PRIMARY KEY,
                    key BLOB NOT NULL UNIQUE,           -- 32-byte Ed25519 public key
                    seq INTEGER NOT NULL DEFAULT 0,     -- highest contiguous seq held
                    head BLOB,                          -- SHA-256 of the op at seq
                    hlc INTEGER NOT NULL DEFAULT 0,     -- highest HLC among its ops held
                    forked INTEGER NOT NULL DEFAULT 0   -- 1 while a fork is unresolved: its ops wait
                );

                -- The op log: bytes verbatim as signed by the origin.
                CREATE TABLE ops(
                    id INTEGER PRIMARY KEY,             -- origin index << 40 | seq
                    bytes BLOB NOT NULL,
                    sig BLOB NOT NULL
                );

                -- A different op at a held (origin, seq): kept here, never applied.
                CREATE TABLE quarantine(
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    origin BLOB NOT NULL,
                    seq INTEGER NOT NULL,
                    held_hash BLOB NOT NULL,
                    bytes BLOB NOT NULL,
                    sig BLOB NOT NULL,
                    reason TEXT NOT NULL,
                    detected_ms INTEGER NOT NULL
                );

                CREATE TABLE ideas(
                    id INTEGER PRIMARY KEY,
                    author TEXT NOT NULL,
                    hlc INTEGER NOT NULL,
                    title TEXT NOT NULL,
                    problem TEXT NOT NULL,
                    solution TEXT NOT NULL,
                    theme TEXT NOT NULL,
                    tags TEXT NOT NULL,
                    status TEXT NOT NULL,               -- displayed status (winner by hlc, origin)
                    conflicts INTEGER NOT NULL DEFAULT 0, -- bit per register with concurrent values
                    adopted_from INTEGER                -- source idea, for adoptions
                );
                CREATE INDEX ideas_adopted_from ON ideas(adopted_from) WHERE adopted_from IS NOT NULL;
                CREATE VIRTUAL TABLE ideas_fts USING fts5(
                    title, problem, solution, tags, content='ideas', content_rowid='id',
                    tokenize='porter unicode61');

                -- Writes of idea fields and status after creation (multi-value registers).
                -- An idea's creation is the implicit first write of each register.
                CREATE TABLE reg_writes(
                    target INTEGER NOT NULL,
                    reg INTEGER NOT NULL,               -- Register raw value
                    writer INTEGER NOT NULL,
                    hlc INTEGER NOT NULL,
                    value TEXT NOT NULL,
                    note TEXT NOT NULL,                 -- status: the reason given
                    author TEXT NOT NULL,
                    live INTEGER NOT NULL,              -- 0 once another write has seen it
                    PRIMARY KEY(target, reg, writer)
                ) WITHOUT ROWID;
                -- (target, reg, writer) was seen by some write: writer is superseded.
                CREATE TABLE reg_seen(
                    target INTEGER NOT NULL,
                    reg INTEGER NOT NULL,
                    writer INTEGER NOT NULL,
                    PRIMARY KEY(target, reg, writer)
                ) WITHOUT ROWID;

                -- Keyed by idea first: counts and lookups are per idea, and one B-tree serves both.
                CREATE TABLE supports(
                    idea INTEGER NOT NULL,
                    id INTEGER NOT NULL,                -- the support op
                    author TEXT NOT NULL,
                    live INTEGER NOT NULL DEFAULT 1,
                    PRIMARY KEY(idea, id)
                ) WITHOUT ROWID;

                CREATE TABLE comments(
                    id INTEGER PRIMARY KEY,
                    idea INTEGER NOT NULL,
                    author TEXT NOT NULL,
                    hlc INTEGER NOT NULL,
                    text TEXT NOT NULL,
                    edited_hlc INTEGER,
                    retracted INTEGER NOT NULL DEFAULT 0,
                    retract_reason TEXT
                );
                CREATE INDEX comments_idea ON comments(idea);
                CREATE VIRTUAL TABLE comments_fts USING fts5(
                    text, content='comments', content_rowid='id', tokenize='porter unicode61');

                CREATE TABLE themes(
                    code TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    description TEXT NOT NULL,
                    archived INTEGER NOT NULL,
                    hlc INTEGER NOT NULL,
                    origin BLOB NOT NULL,               -- winner's origin key (LWW tie-break)
                    writer INTEGER NOT NULL
                );

                CREATE TABLE cycles(
                    id INTEGER PRIMARY KEY,
                    idea INTEGER NOT NULL,
                    author TEXT NOT NULL,
                    hlc INTEGER NOT NULL,
                    plan TEXT NOT NULL,
                    prediction TEXT NOT NULL
                );
                CREATE INDEX cycles_idea ON cycles(idea);
                CREATE TABLE cycle_steps(
                    id INTEGER PRIMARY KEY,
                    cycle INTEGER NOT NULL,
                    phase TEXT NOT NULL,                -- do, study, act
                    decision TEXT,                      -- act: adopt, adapt, abandon
                    notes TEXT NOT NULL,
                    author TEXT NOT NULL,
                    hlc INTEGER NOT NULL
                );
                CREATE INDEX cycle_steps_cycle ON cycle_steps(cycle);

                CREATE TABLE measures(
                    id INTEGER PRIMARY KEY,
                    idea INTEGER NOT NULL,
                    author TEXT NOT NULL,
                    hlc INTEGER NOT NULL,
                    name TEXT NOT NULL,
                    unit TEXT NOT NULL,
                    better TEXT NOT NULL,
                    target REAL
                );
                CREATE INDEX measures_idea ON measures(idea);
                CREATE TABLE observations(
                    id INTEGER PRIMARY KEY,
                    measure INTEGER NOT NULL,
                    day TEXT NOT NULL,
                    value REAL NOT NULL,
                    note TEXT NOT NULL,
                    author TEXT NOT NULL,
                    hlc INTEGER NOT NULL,
                    retracted INTEGER NOT NULL DEFAULT 0,
                    retract_reason TEXT
                );
                CREATE INDEX observations_measure ON observations(measure, day);

                CREATE TABLE links(
                    id INTEGER PRIMARY KEY,
                    src INTEGER NOT NULL,
                    dst INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    author TEXT NOT NULL,
                    hlc INTEGER NOT NULL
                );
                CREATE INDEX links_src ON links(src);
                CREATE INDEX links_dst ON links(dst);
                """)
        }
        // Measure kinds (Protocol/README.md, "Measure kinds"). Measures applied before this were
        // defined by ops without a kind, which read as `other`.
        migrator.registerMigration("v2-measure-kind") { db in
            try db.execute(sql: "ALTER TABLE measures ADD COLUMN kind TEXT NOT NULL DEFAULT 'other'")
        }
        // Ops held without effect (Protocol/README.md, "Content rules", "Body kinds added later").
        migrator.registerMigration("v3-ineffective-ops") { db in
            try db.execute(sql: """
                -- Ops in the log that have no effect here, and why: they break a content rule
                -- ('content'), or their body is one this version cannot read ('unknown': re-read
                -- each time the store opens, and applied once readable).
                CREATE TABLE ineffective_ops(
                    id INTEGER PRIMARY KEY,             -- the op (ops.id)
                    kind TEXT NOT NULL,                 -- 'content' or 'unknown'
                    reason TEXT NOT NULL                -- the rule broken, for people
                );
                """)
        }
        // Held ops (Protocol/README.md, "Clocks"): remote ops stamped too far ahead of this
        // node's clock, in the log (`ops`) but not yet applied to the views. An origin's held ops
        // are the tail of its chain here, released in seq order once the clock has caught up.
        migrator.registerMigration("v4-held-ops") { db in
            try db.execute(sql: """
                CREATE TABLE held(
                    id INTEGER PRIMARY KEY,             -- the op (ops.id); its origin is id >> 40
                    hlc INTEGER NOT NULL,               -- its HLC (the 64 bits, as stored everywhere)
                    hlc_ms INTEGER NOT NULL,            -- its HLC's wall-clock part (48 bits, never negative,
                                                        -- so it compares as it should): due once the wall
                                                        -- clock is within the bound of it
                    held_ms INTEGER NOT NULL            -- wall clock when it was held
                );
                CREATE INDEX held_hlc_ms ON held(hlc_ms);
                """)
        }
        // Display names (Protocol/README.md, "People"): per origin department and staff handle,
        // the latest name the person gave there.
        migrator.registerMigration("v5-people") { db in
            try db.execute(sql: """
                CREATE TABLE people(
                    origin INTEGER NOT NULL,            -- origins.id of the department
                    login TEXT NOT NULL,                -- the staff handle (ops' author)
                    name TEXT NOT NULL,                 -- the display name
                    hlc INTEGER NOT NULL,               -- of the op that set it: the latest wins
                    writer INTEGER NOT NULL,            -- that op (ops.id)
                    PRIMARY KEY(origin, login)
                ) WITHOUT ROWID;
                """)
        }
        // Rights (Protocol/README.md, "Rights"): an idea's fields and status are changed only by
        // its own department. Earlier versions gave such changes from other departments an
        // effect; the views are made again from the log under the new rule (`rebuildViews`).
        migrator.registerMigration("v6-rights") { db in
            try requestRebuild(db)
        }
        // Roles and the status workflow (Protocol/README.md, "Roles and the status workflow"),
        // per department. The workflow's rule applies to every department, so the views are
        // made again under it.
        migrator.registerMigration("v7-governance") { db in
            try db.execute(sql: """
                CREATE TABLE roles(
                    origin INTEGER NOT NULL,            -- origins.id of the department
                    login TEXT NOT NULL,                -- the staff handle
                    role TEXT NOT NULL,                 -- staff, leader, admin
                    hlc INTEGER NOT NULL,
                    writer INTEGER NOT NULL,            -- the role-set op (ops.id)
                    PRIMARY KEY(origin, login)
                ) WITHOUT ROWID;
                CREATE TABLE workflows(
                    origin INTEGER PRIMARY KEY,         -- origins.id of the department
                    moves TEXT NOT NULL,                -- "from>to,from>to,..."
                    hlc INTEGER NOT NULL,
                    writer INTEGER NOT NULL             -- the workflow-set op (ops.id)
                );
                """)
            try requestRebuild(db)
        }
        // Erasure (Protocol/README.md, "Erasure"; Protocol/README.md, "Op format 2"): op format 2 keeps an op's
        // body beside its signed bytes, so that texts can be erased from it in place.
        migrator.registerMigration("v8-erasure") { db in
            try db.execute(sql: """
                ALTER TABLE ops ADD COLUMN body BLOB;          -- op format 2: its Body; NULL in format 1
                ALTER TABLE quarantine ADD COLUMN body BLOB;
                -- What redact ops erase: one row per (op named, redact op). The op named may not
                -- have arrived yet; it is stored erased when it does.
                CREATE TABLE redactions(
                    op INTEGER NOT NULL,                -- ops.id of the op whose text it erases
                    redactor INTEGER NOT NULL,          -- the redact op (ops.id)
                    target INTEGER NOT NULL,            -- the idea or comment (ops.id)
                    field TEXT NOT NULL,                -- title, problem, solution, comment
                    author TEXT NOT NULL,               -- the redact op's author
                    leads INTEGER NOT NULL,             -- its author led its department then
                    hlc INTEGER NOT NULL,
                    reason TEXT NOT NULL,
                    erased INTEGER NOT NULL DEFAULT 0,  -- 1 once it has erased text of that op here
                    PRIMARY KEY(op, redactor)
                ) WITHOUT ROWID;
                CREATE INDEX redactions_target ON redactions(target);
                """)
        }
        return migrator
    }

    /// The meta key that asks the store to make its views again from the log when it opens: set
    /// by a migration that comes with a tightened rule.
    static let rebuildKey = "rebuild_views"

    static func requestRebuild(_ db: Database) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES(?, X'01')", arguments: [rebuildKey])
    }
}

/// The registers of an idea (`reg_writes.reg`, and the bits of `ideas.conflicts`).
public enum Register: Int, CaseIterable, Sendable {
    case title = 0, problem, solution, theme, tags, status

    public var bit: Int { 1 << rawValue }
    var column: String {
        switch self {
        case .title: "title"
        case .problem: "problem"
        case .solution: "solution"
        case .theme: "theme"
        case .tags: "tags"
        case .status: "status"
        }
    }
}

/// Local row ids: origin index << 40 | seq.
enum RowID {
    static let seqBits: Int64 = 40
    static let seqMask: Int64 = (1 << seqBits) - 1
    static let maxSeq = UInt64(seqMask)

    static func make(origin: Int64, seq: UInt64) -> Int64 { origin << seqBits | Int64(seq) }
    static func origin(_ id: Int64) -> Int64 { id >> seqBits }
    static func seq(_ id: Int64) -> UInt64 { UInt64(id & seqMask) }
}
