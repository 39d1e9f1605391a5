import Testing

/// Replaced by the CLI's tests.
struct CLIPlaceholderTests {}
