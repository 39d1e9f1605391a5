import MeshCharts
import ArgumentParser

/// A number typed on the command line that may be negative (`measure record M -2`,
/// `--target -1`). ArgumentParser reads a word starting with "-" as an option name, so `main`
/// protects negative numbers first (`protect`: "-2" becomes "−2", with U+2212, which no option
/// starts with) and this type reads either sign.
struct SignedNumber: ExpressibleByArgument, Equatable, Sendable {
    let value: Double

    static let minus: Character = "\u{2212}"

    init?(argument: String) {
        let text = argument.first == Self.minus ? "-" + argument.dropFirst() : argument
        guard let value = Double(text), value.isFinite else { return nil }
        self.value = value
    }

    /// The command line with each negative number written with U+2212, up to a "--" (after
    /// which everything is a value anyway).
    static func protect(_ arguments: [String]) -> [String] {
        var out = [String]()
        var rest = false
        for argument in arguments {
            if argument == "--" { rest = true }
            if !rest, argument.count > 1, argument.first == "-", Double(argument) != nil {
                out.append(String(minus) + argument.dropFirst())
            } else {
                out.append(argument)
            }
        }
        return out
    }
}
