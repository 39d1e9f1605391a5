/// The simulator's agenda: events ordered by virtual time, and events due at the same time in the
/// order they were scheduled (a sequence number breaks ties), so a run never depends on how a
/// heap happens to order equal keys. A binary min-heap.
struct EventQueue<Payload> {
    struct Entry {
        let time: UInt64
        let sequence: UInt64
        let payload: Payload

        func precedes(_ other: Entry) -> Bool {
            time != other.time ? time < other.time : sequence < other.sequence
        }
    }

    private var heap: [Entry] = []
    private var scheduled: UInt64 = 0

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }
    /// Events scheduled so far.
    var total: UInt64 { scheduled }

    mutating func schedule(_ payload: Payload, at time: UInt64) {
        heap.append(Entry(time: time, sequence: scheduled, payload: payload))
        scheduled += 1
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// The earliest event's time, if any.
    var nextTime: UInt64? { heap.first?.time }

    mutating func pop() -> Entry? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let first = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count && heap[left].precedes(heap[smallest]) { smallest = left }
            if right < heap.count && heap[right].precedes(heap[smallest]) { smallest = right }
            guard smallest != parent else { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return first
    }
}
