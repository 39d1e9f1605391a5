import Foundation
import MeshClient

/// Control replies as a daemon sends them, for the golden tests of the views: realistic, with
/// the awkward cases (long and wide titles, anonymous authors, conflicts, retracted comments).
enum Fixtures {
    /// 2026-11-30 00:00:00 UTC.
    static let nowMs = 1_795_996_800_000
    static let renal = "k3v9x2b7qa" + String(repeating: "r", count: 42)
    static let cardio = "m7dz4wq2pc" + String(repeating: "c", count: 42)
    static let emergency = "t2hn6ycu5e" + String(repeating: "e", count: 42)

    static func ago(minutes: Int) -> Int { nowMs - minutes * 60_000 }

    static func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]
        return try ControlResult.decode(T.self, from: object, method: "fixture")
    }

    static let list = """
        {"total": 57, "ideas": [
          {"id": "\(renal)-41", "short_id": "k3v9x2b7qa-41", "title": "Double-check insulin doses at every shift handover, with two nurses signing",
           "status": "testing", "theme": "meds", "tags": ["insulin", "handover"], "author": "alice", "origin": "\(renal)",
           "department": "Renal Ward", "created_ms": \(ago(minutes: 5)), "supporters": 12, "comment_count": 4, "conflicts": []},
          {"id": "\(cardio)-7", "short_id": "m7dz4wq2pc-7", "title": "Quiet hours on the ward from 22:00",
           "status": "under-review", "theme": "", "tags": [], "author": "", "origin": "\(cardio)",
           "department": "Cardiology", "created_ms": \(ago(minutes: 60 * 30)), "supporters": 3, "comment_count": 0, "conflicts": ["status"]},
          {"id": "\(emergency)-102", "short_id": "t2hn6ycu5e-102", "title": "救急外来の待ち時間表示",
           "status": "proposed", "theme": "flow", "tags": [], "author": "kenji", "origin": "\(emergency)",
           "created_ms": \(ago(minutes: 60 * 24 * 20)), "supporters": 0, "comment_count": 1, "conflicts": []}
        ]}
        """

    static let show = """
        {"id": "\(renal)-41", "short_id": "k3v9x2b7qa-41", "title": "Double-check insulin doses at every shift handover",
         "problem": "Insulin doses are missed or doubled when shifts change: the outgoing nurse has given it, the incoming one does not know, and the chart is updated late.\\nTwo incidents last month.",
         "solution": "At handover, two nurses read the insulin chart together and both sign.",
         "status": "testing", "theme": "meds", "tags": ["handover", "insulin"], "author": "alice", "origin": "\(renal)",
         "department": "Renal Ward", "created_ms": \(ago(minutes: 60 * 24 * 3)), "supporters": 12, "conflicts": ["status"],
         "comments": [
           {"id": "\(cardio)-9", "author": "bob", "text": "We tried this in Cardiology: it takes two minutes and catches a lot.", "created_ms": \(ago(minutes: 60 * 24 * 2)), "edited": true, "retracted": false},
           {"id": "\(renal)-44", "author": "carol", "text": "", "created_ms": \(ago(minutes: 60 * 5)), "edited": false, "retracted": true}
         ],
         "history": [
           {"id": "\(renal)-41", "kind": "idea-create", "author": "alice", "created_ms": \(ago(minutes: 60 * 24 * 3)), "summary": "submitted \\"Double-check insulin doses at every shift handover\\""},
           {"id": "\(renal)-43", "kind": "status-set", "author": "dave", "created_ms": \(ago(minutes: 60 * 24)), "summary": "moved to testing: pilot on ward 3"},
           {"id": "\(cardio)-12", "kind": "status-set", "author": "erin", "created_ms": \(ago(minutes: 60 * 24)), "summary": "moved to under-review: needs pharmacy"}
         ],
         "links": [
           {"kind": "builds-on", "from": "\(renal)-41", "to": "\(cardio)-3", "title": "Insulin chart redesign"},
           {"kind": "duplicate-of", "from": "\(emergency)-88", "to": "\(renal)-41", "title": "Two-nurse insulin check"}
         ],
         "adoptions": [
           {"id": "\(emergency)-90", "origin": "\(emergency)", "department": "Emergency Department", "created_ms": \(ago(minutes: 60 * 2)), "status": "proposed"}
         ]}
        """

    static let showAnonymous = """
        {"id": "\(cardio)-7", "short_id": "m7dz4wq2pc-7", "title": "Quiet hours", "problem": "Noise at night.", "solution": "Dim the lights at 22:00.",
         "status": "proposed", "theme": "", "tags": [], "author": "", "origin": "\(cardio)", "created_ms": \(ago(minutes: 90)),
         "supporters": 0, "conflicts": [], "adopted_from": "\(renal)-2", "comments": [], "history": [], "links": [], "adoptions": [],
         "cycles": [
           {"id": "\(cardio)-8", "phase": "act", "plan": "Dim lights on bay 2 for two weeks", "prediction": "Half as many patients woken",
            "decision": "adapt", "author": "dan", "created_ms": \(ago(minutes: 80)),
            "steps": [
              {"id": "\(cardio)-9", "phase": "do", "notes": "Lights dimmed at 22:00 on 13 of 14 nights", "author": "dan", "created_ms": \(ago(minutes: 70))},
              {"id": "\(cardio)-11", "phase": "study", "notes": "Woken patients fell from 6 to 4 a night; less than predicted", "author": "eve", "created_ms": \(ago(minutes: 40))},
              {"id": "\(cardio)-12", "phase": "act", "decision": "adapt", "notes": "Add quiet phones", "author": "dan", "created_ms": \(ago(minutes: 30))}
            ]},
           {"id": "\(cardio)-13", "phase": "plan", "plan": "Dim lights and silence phones on bay 2", "prediction": "3 or fewer woken a night",
            "author": "dan", "created_ms": \(ago(minutes: 20)), "steps": []}
         ],
         "measures": [{"id": "\(cardio)-10", "name": "Patients woken at night", "unit": "count", "better": "lower", "target": 2, "author": "dan",
                       "created_ms": \(ago(minutes: 75)), "observations": 14, "latest_date": "2026-11-17", "latest_value": 4}]}
        """

    static let measure = """
        {"id": "\(cardio)-10", "short_id": "m7dz4wq2pc-10", "name": "Patients woken at night", "unit": "count", "better": "lower", "target": 2, "kind": "count",
         "idea": "\(cardio)-7", "idea_title": "Quiet hours", "origin": "\(cardio)", "department": "Cardiology", "created_ms": \(ago(minutes: 75)),
         "observations": 14, "latest_date": "2026-11-17", "latest_value": 4, "signal": "special_cause_improvement", "signal_side": "below",
         "assurance": "hit_and_miss"}
        """

    static let measures = """
        {"measures": [
          \(measure),
          {"id": "\(renal)-60", "short_id": "k3v9x2b7qa-60", "name": "Insulin errors per 1,000 doses", "unit": "per 1,000", "better": "lower",
           "idea": "\(renal)-41", "idea_title": "Double-check insulin doses at every shift handover", "origin": "\(renal)", "department": "Renal Ward",
           "created_ms": \(ago(minutes: 60 * 24 * 9)), "observations": 1, "latest_date": "2026-11-10", "latest_value": 2.5},
          {"id": "\(emergency)-95", "short_id": "eng7pchbar-95", "name": "Minutes to first dose", "unit": "min", "better": "lower", "kind": "time",
           "idea": "\(emergency)-90", "origin": "\(emergency)", "created_ms": \(ago(minutes: 60)), "observations": 0}
        ]}
        """

    static let spread = """
        {"root": {"id": "\(renal)-41", "short_id": "k3v9x2b7qa-41", "title": "Double-check insulin doses at every shift handover", "status": "spread",
          "origin": "\(renal)", "department": "Renal Ward", "created_ms": \(ago(minutes: 60 * 24 * 30)), "cycles": 2, "latest_phase": "act",
          "latest_decision": "adopt",
          "measures": [{"id": "\(renal)-60", "short_id": "k3v9x2b7qa-60", "name": "Insulin errors", "unit": "per 1,000", "better": "lower",
             "idea": "\(renal)-41", "origin": "\(renal)", "observations": 20, "latest_date": "2026-11-16", "latest_value": 0.8,
             "signal": "special_cause_improvement", "signal_side": "below"}],
          "adoptions": [
            {"id": "\(cardio)-3", "short_id": "m7dz4wq2pc-3", "title": "Double-check insulin doses at every shift handover", "status": "testing",
             "origin": "\(cardio)", "department": "Cardiology", "created_ms": \(ago(minutes: 60 * 24 * 10)), "cycles": 1, "latest_phase": "do",
             "measures": [{"id": "\(cardio)-4", "short_id": "m7dz4wq2pc-4", "name": "Insulin errors", "unit": "per 1,000", "better": "lower",
                "idea": "\(cardio)-3", "origin": "\(cardio)", "observations": 6, "latest_date": "2026-11-15", "latest_value": 1.9,
                "signal": "common_cause"}],
             "adoptions": [
               {"id": "\(emergency)-90", "short_id": "eng7pchbar-90", "title": "Double-check insulin doses at every shift handover",
                "status": "proposed", "origin": "\(emergency)", "created_ms": \(ago(minutes: 60 * 2)), "cycles": 0, "measures": [], "adoptions": []}
             ]},
            {"id": "\(emergency)-91", "short_id": "eng7pchbar-91", "title": "Double-check insulin doses at every shift handover", "status": "declined",
             "origin": "\(emergency)", "department": "Emergency Department", "created_ms": \(ago(minutes: 60 * 5)), "cycles": 0, "measures": [], "adoptions": []}
          ]}}
        """

    static let search = """
        {"hits": [
          {"kind": "idea", "idea": "\(renal)-41", "title": "Double-check insulin doses at every shift handover", "snippet": "Double-check [insulin] doses at every shift handover", "rank": -3.2},
          {"kind": "comment", "idea": "\(cardio)-3", "comment": "\(cardio)-5", "title": "Insulin chart redesign", "snippet": "…the [insulin] chart is read twice at the start of the shift, which takes time nobody has on a busy morning…", "rank": -1.1}
        ]}
        """

    static let digest = """
        {"new_ideas": [
          {"id": "\(renal)-50", "short_id": "k3v9x2b7qa-50", "title": "Pre-filled discharge letters", "status": "proposed", "author": "alice", "origin": "\(renal)", "department": "Renal Ward", "created_ms": \(ago(minutes: 60 * 24)), "supporters": 1, "comment_count": 0, "conflicts": []}
         ],
         "moved": [
          {"id": "\(renal)-41", "short_id": "k3v9x2b7qa-41", "title": "Double-check insulin doses at every shift handover", "status": "testing", "author": "alice", "origin": "\(renal)", "department": "Renal Ward", "created_ms": \(ago(minutes: 60 * 24 * 3)), "supporters": 12, "comment_count": 4, "conflicts": []}
         ],
         "adopted_elsewhere": [
          {"source": "\(renal)-41", "source_title": "Double-check insulin doses at every shift handover", "adoption": "\(emergency)-90", "origin": "\(emergency)", "department": "Emergency Department"}
         ],
         "results": [\(measure)]}
        """

    static let themes = """
        {"themes": [
          {"code": "meds", "name": "Medication safety", "description": "Getting the right dose to the right patient at the right time", "archived": false, "ideas": 12},
          {"code": "flow", "name": "Patient flow", "description": "", "archived": false, "ideas": 3},
          {"code": "paper", "name": "Less paper", "description": "Forms we could drop", "archived": true, "ideas": 0}
        ], "undefined": [{"code": "falls", "ideas": 2}]}
        """

    static let adminStatus = """
        {"node_id": "\(renal)", "department": "Renal Ward", "listen": "0.0.0.0:7420", "uptime_seconds": 273600, "ops": 16234, "origins": 3, "db_bytes": 5452595, "peers_connected": 2,
         "ops_breaking_rules": 1, "ops_unknown": 0}
        """

    /// A node holding back the ops of a department whose clock is a year fast, and of one a few
    /// minutes fast.
    static let adminStatusHeld = """
        {"node_id": "\(renal)", "department": "Renal Ward", "listen": "0.0.0.0:7420", "uptime_seconds": 3600, "ops": 16234, "origins": 3, "db_bytes": 5452595, "peers_connected": 2, "ops_breaking_rules": 0, "ops_unknown": 0,
         "held_back": [
          {"origin": "\(cardio)", "department": "Cardiology", "ops": 12, "from_seq": 803, "ahead_ms": 31536000000, "due_ms": \(nowMs + 31_535_700_000)},
          {"origin": "\(emergency)", "ops": 1, "from_seq": 77, "ahead_ms": 420000, "due_ms": \(nowMs + 90_000)}
         ]}
        """

    /// A node restored from a backup, waiting to hear its own history.
    static let adminStatusPaused = """
        {"node_id": "\(renal)", "department": "Renal Ward", "uptime_seconds": 40, "ops": 16000, "origins": 3, "db_bytes": 5452595, "peers_connected": 0, "ops_breaking_rules": 0, "ops_unknown": 0,
         "writes_paused": "this node's store was restored from a backup (renal-2026-12-01.sqlite, holding 812 ops of this node's own); it takes no new writes until a peer has told it how far its own history goes, so that it cannot reuse a number its peers already hold (no peer reached yet). Connect it to a peer, or, if no peer will ever hold its later ops, an admin may run `ideamesh admin resume-writes`, knowing that a write may then fork its history"}
        """

    static let peers = """
        {"peers": [
          {"node_id": "\(cardio)", "department": "Cardiology", "address": "10.1.2.7:7420", "direction": "out", "state": "syncing", "connected_seconds": 3600,
           "last_seen_ms_ago": 1200, "rtt_ms": 3, "bytes_in": 100, "bytes_out": 200, "ops_in": 10, "ops_out": 20, "batches_refused": 0, "ops_behind": 0,
           "protocol_version": 2, "op_format": 1, "messages_skipped": 0},
          {"node_id": "\(emergency)", "department": "Emergency Department", "address": "10.1.3.9:51234", "direction": "in", "state": "hello", "connected_seconds": 4,
           "last_seen_ms_ago": 300, "rtt_ms": 12, "bytes_in": 100, "bytes_out": 200, "ops_in": 0, "ops_out": 0, "batches_refused": 2, "ops_behind": 37}
         ],
         "addresses": [
          {"address": "10.1.2.7:7420", "node_id": "\(cardio)", "seed": true, "connected": true, "failures": 0, "retry_in_ms": 0},
          {"address": "10.1.4.1:7420", "seed": true, "connected": false, "failures": 5, "last_error": "connection refused", "retry_in_ms": 31500}
         ],
         "incompatible": [
          {"node_id": "\(renal)", "department": "Renal Ward", "address": "10.1.5.2:7420", "peer_protocols": "1–1", "peer_max_op_format": 1,
           "protocols": "2–3", "upgrade": "peer", "reason": "this node speaks protocol 2–3, peer speaks 1–1: upgrade the peer",
           "last_ms": \(ago(minutes: 3)), "count": 7}
         ]}
        """

    static let replication = """
        {"origins": [
          {"origin": "\(renal)", "department": "Renal Ward", "seq": 9120},
          {"origin": "\(cardio)", "department": "Cardiology", "seq": 4410},
          {"origin": "\(emergency)", "seq": 2704}
         ],
         "peers": [
          {"node_id": "\(cardio)", "department": "Cardiology", "behind": {}},
          {"node_id": "\(emergency)", "department": "Emergency Department", "behind": {"\(renal)": 37, "\(cardio)": 0}}
         ]}
        """

    static let whereIs = """
        {"idea": "\(renal)-41", "latest": "\(renal)-43", "peers": [
          {"node_id": "\(cardio)", "department": "Cardiology", "has_idea": true, "has_latest": true, "connected": true},
          {"node_id": "\(emergency)", "department": "Emergency Department", "has_idea": true, "has_latest": false, "connected": true}
        ]}
        """

    static let conflicts = """
        {"ideas": [
          {"id": "\(renal)-41", "title": "Double-check insulin doses at every shift handover", "registers": [
            {"register": "status", "values": [
              {"value": "under-review", "author": "erin", "writer": "\(cardio)-12", "created_ms": \(ago(minutes: 60 * 24 - 1)), "note": "needs pharmacy"},
              {"value": "testing", "author": "dave", "writer": "\(renal)-43", "created_ms": \(ago(minutes: 60 * 24)), "note": "pilot on ward 3"}
            ]}
          ]}
        ]}
        """

    static let forks = """
        {"forks": [{"origin": "\(emergency)", "department": "Emergency Department", "seq": 2705, "reason": "a different op at a held seq", "detected_ms": \(ago(minutes: 30))}]}
        """

    static let trust = """
        {"nodes": [{"node_id": "\(cardio)", "source": "config", "department": "Cardiology"}, {"node_id": "\(emergency)", "source": "admin"}]}
        """

    static let verifyEqual = """
        {"peer": "\(cardio)", "equal": true}
        """

    static let verifyDifferent = """
        {"peer": "\(emergency)", "equal": false, "first_differing_origin": "\(renal)", "digest": "1a18", "peer_digest": "9f00"}
        """

    /// A `patient_data` refusal's error, as the daemon sends it (CONTROL.md §5.8).
    static let patientData = """
        {"code": "patient_data", "message": "…", "findings": [
          {"param": "problem", "kind": "nhs_number", "label": "NHS number", "excerpt": "943 476 5919", "explanation": "valid check digit"},
          {"param": "title", "kind": "name_with_title", "label": "name", "excerpt": "Mrs O'Neill", "explanation": "a title followed by a name"},
          {"param": "text", "kind": "date_of_birth", "label": "date of birth", "excerpt": "12/03/1954", "explanation": "next to “DOB”"},
          {"param": "problem", "row": 2, "kind": "date_of_birth", "label": "date of birth", "excerpt": "1/3/54", "explanation": "next to “D.O.B.”"}
        ]}
        """

    static let stateDigest = """
        {"digest": "1a1803c2145915a888bb708962277cee522e9b3da21d30c4c497faf7888c0021", "ops": 16234, "heads": {"\(renal)": 9120, "\(cardio)": 4410, "\(emergency)": 2704}}
        """
}
