import Synchronization

/// How many evaluations may run at once. Measuring every metric on three tables is CPU heavy
/// (the membership attack and DCR are quadratic in rows), so the server runs a few at a time and
/// refuses one more at once (the caller answers 429 with `Retry-After`) rather than queueing work
/// a client may already have given up on, as the run queue refuses when full.
final class EvaluationGate: Sendable {
    /// How many evaluations are running.
    private let running = Mutex(0)
    /// The most evaluations admitted at once.
    let capacity: Int

    /// A gate admitting `capacity` evaluations at once.
    init(capacity: Int) {
        precondition(capacity > 0, "an evaluation gate admits at least one evaluation")
        self.capacity = capacity
    }

    /// Admits one evaluation; `false` when `capacity` are already running. Every `true` must be
    /// followed by one ``leave()``.
    func enter() -> Bool {
        running.withLock { running in
            guard running < capacity else { return false }
            running += 1
            return true
        }
    }

    /// Ends an admitted evaluation.
    func leave() {
        running.withLock { $0 -= 1 }
    }

    /// How many evaluations are running.
    var inProgress: Int { running.withLock { $0 } }
}
