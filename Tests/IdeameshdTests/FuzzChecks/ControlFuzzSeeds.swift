extension ControlFuzzCheck {
    /// Seed inputs: well-formed request lines, several in one input, and each kind of malformed
    /// line (CONTROL.md §2–3).
    package static func seeds() -> [FuzzSeed] {
        func seed(_ name: String, _ text: String) -> FuzzSeed { FuzzSeed(name, Array(text.utf8)) }
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        return [
            seed("accept-ping", #"{"id":1,"method":"ping"}"#),
            seed("accept-null-params", #"{"id":"x","method":"admin.status","params":null}"#),
            seed("accept-pipelined", "{\"id\":1,\"method\":\"ping\"}\n\n  \r\n{\"method\":\"idea.list\",\"params\":{}}\n"),
            seed("refuse-params-for-a-method-without", #"{"id":7,"method":"idea.submit","params":{"title":"t","problem":"p","solution":"s","tags":["a","b"],"anonymous":true,"n":1.5e3}}"#),
            seed("refuse-not-json", "this is not json {"),
            seed("refuse-not-an-object", "[1,2,3]"),
            seed("refuse-method-not-a-string", #"{"id":2,"method":5}"#),
            seed("refuse-id-an-object", #"{"id":{"a":1},"method":"ping"}"#),
            seed("refuse-unknown-key", #"{"method":"ping","extra":true}"#),
            seed("refuse-params-a-list", #"{"method":"ping","params":[]}"#),
            seed("refuse-truncated", #"{"id":3,"method":"pi"#),
            seed("refuse-deep-nesting", deep),
            seed("seed-huge-number", #"{"id":1e999,"method":"ping"}"#),
            seed("seed-escapes", #"{"id":"\u0000\n\"","method":"\ud800"}"#),
            FuzzSeed("refuse-not-utf8", [0x7B, 0x22, 0x6D, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D]),
        ]
    }
}
