import MeshModel

/// Signals as the control API gives them (CONTROL.md §5.5): snake_case words
/// (`special_cause_improvement`, `outside_limits`, `hit_and_miss`, …).
enum SignalWord {
    /// `specialCauseImprovement` → `special_cause_improvement`.
    static func of(_ camel: String) -> String {
        var out = ""
        for character in camel {
            if character.isUppercase {
                out += "_" + character.lowercased()
            } else {
                out.append(character)
            }
        }
        return out
    }

    static func of(_ side: Side?) -> String? { side?.rawValue }

    /// The variation icon's words: its variation and side.
    static func of(_ icon: MakingDataCount.VariationIcon) -> (variation: String, side: String?) {
        switch icon {
        case .commonCause: ("common_cause", nil)
        case .improvement(let side): ("special_cause_improvement", side.rawValue)
        case .concern(let side): ("special_cause_concern", side.rawValue)
        case .neutral(let side): ("special_cause_neutral", side.rawValue)
        }
    }
}
