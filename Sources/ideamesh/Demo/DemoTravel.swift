import Foundation
import MeshClient
import MeshCharts
import MeshControl

/// One idea submitted at one department, timed as it travels along a line of others. Each
/// destination has a thread of its own asking `idea.show` over its own connection, again and
/// again, until the idea is there, so one department's answers never delay another's timing.
/// Times count from the submit's acknowledgement (the idea durable at its origin and pushed to
/// its peers).
///
/// A time is when the demo first saw the idea there: an upper bound, late by up to one request's
/// round trip. Along a line, where each department can only get the idea from the one before it
/// (which relays only what it has committed), a later department's time also bounds the earlier
/// ones', and the smaller bound is shown: polling two departments at once can otherwise make the
/// relay look as if it had the idea after the department it passed it to.
struct DemoTravel {
    let id: String
    let shortID: String
    /// Each destination with the time the idea was (at the latest) there, in the order given.
    let arrivals: [(department: DemoDepartment, after: Duration)]

    static let timeout = 15.0

    /// Submits `idea` at `origin` and times its arrival at `line`: departments in the order the
    /// idea must pass them (each trusts only its neighbours).
    static func measure(_ idea: DemoSamples.Idea, from origin: DemoDepartment, along line: [DemoDepartment]) throws -> DemoTravel {
        let destinations = line
        // Connected before the submit, so no connection set-up is timed.
        var watchers = [Watcher]()
        for destination in destinations {
            do { watchers.append(Watcher(connection: try ControlConnection(path: destination.socket, timeoutSeconds: 10))) } catch {
                throw DemoError("\(destination.name): \(error)")
            }
        }
        let submitted = try origin.call(API.IdeaSubmit.self, idea.params)
        let start = ContinuousClock.now
        let id = submitted.id, shortID = submitted.shortId
        let deadline = DemoDeadline(after: timeout)
        let done = DispatchSemaphore(value: 0)
        for watcher in watchers {
            Thread.detachNewThread {
                watcher.watch(id: id, since: start, until: deadline)
                done.signal()
            }
        }
        for _ in watchers { done.wait() }
        try DemoSignals.check()

        var arrivals = [(department: DemoDepartment, after: Duration)]()
        var missing = [DemoDepartment]()
        for (destination, watcher) in zip(destinations, watchers) {
            switch watcher.outcome {
            case .arrived(let after): arrivals.append((destination, after))
            case .failed(let error): throw DemoError("\(destination.name): idea.show: \(error)")
            case .notYet: missing.append(destination)
            }
        }
        guard missing.isEmpty else {
            throw DemoError("""
                the new idea did not reach \(DemoStyle.list(missing.map(\.name))) within \(Int(timeout)) s; \
                read the logs: \(([origin] + destinations).map(\.log).joined(separator: ", "))
                """)
        }
        for index in arrivals.indices.reversed().dropFirst() {
            arrivals[index].after = min(arrivals[index].after, arrivals[index + 1].after)
        }
        return DemoTravel(id: id, shortID: shortID, arrivals: arrivals)
    }

    /// Asks one destination until the idea is there.
    ///
    /// `@unchecked Sendable`: made on the main thread, then used by exactly one watching thread,
    /// then read again on the main thread only after that thread has signalled that it is done
    /// (the semaphore orders the accesses).
    private final class Watcher: @unchecked Sendable {
        enum Outcome {
            case notYet
            case arrived(Duration)
            case failed(ControlClientError)
        }

        private let connection: ControlConnection
        private(set) var outcome = Outcome.notYet

        init(connection: ControlConnection) { self.connection = connection }

        /// Returns once the idea is there, on an error, at `deadline`, or when a signal arrives.
        func watch(id: String, since start: ContinuousClock.Instant, until deadline: DemoDeadline) {
            while !deadline.hasPassed && !DemoSignals.pending {
                do throws(ControlClientError) {
                    _ = try connection.call(API.IdeaShow.self, .init(id: id))
                    outcome = .arrived(start.duration(to: .now))
                    return
                } catch {
                    guard case .refused(_, .notFound?, _, _) = error else {
                        outcome = .failed(error)
                        return
                    }
                }
                usleep(200)
            }
        }
    }
}
