import Foundation

/// A blocking queue of at most `capacity` items between one producer and one consumer thread:
/// the producer waits when it is full, so memory stays bounded.
final class BoundedQueue<Item: Sendable>: @unchecked Sendable {
    // Invariant: `items` and `closed` are only touched with `condition` locked.
    private let condition = NSCondition()
    private var items: [Item] = []
    private var closed = false
    private let capacity: Int

    init(capacity: Int) {
        precondition(capacity >= 1)
        self.capacity = capacity
    }

    func push(_ item: Item) {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !closed { condition.wait() }
        guard !closed else { return }
        items.append(item)
        condition.broadcast()
    }

    /// The next item, or nil once the queue is closed and drained.
    func pop() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed { condition.wait() }
        guard !items.isEmpty else { return nil }
        condition.broadcast()
        return items.removeFirst()
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
