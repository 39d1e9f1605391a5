/// A value that belongs to one event loop's thread, carried through code that needs `Sendable`
/// (a store worker's completion, `EventLoop.execute`) and unwrapped only back on that thread,
/// as swift-nio's `NIOLoopBound` does. The invariant is checked: making one or reading it off
/// the loop thread is a programmer error and stops the process.
public struct LoopBound<Value>: @unchecked Sendable {
    private let loop: EventLoop
    private let wrapped: Value

    /// Binds `value` to `loop`. Loop thread only.
    public init(_ value: Value, loop: EventLoop, file: StaticString = #fileID, line: UInt = #line) {
        loop.preconditionOnLoopThread(file: file, line: line)
        self.loop = loop
        self.wrapped = value
    }

    /// The value. Loop thread only.
    public func value(file: StaticString = #fileID, line: UInt = #line) -> Value {
        loop.preconditionOnLoopThread(file: file, line: line)
        return wrapped
    }
}
