/// The parameters of a method that takes none.
public struct NoParams: ControlParams, Equatable {
    public static let keys: Set<String> = []

    public init() {}
}
