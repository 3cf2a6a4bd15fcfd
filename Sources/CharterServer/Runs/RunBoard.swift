import CharterCore
import CharterPlan
import CharterWorkflow
import Dispatch
import Foundation

/// One run the server accepted: where it is and, once finished, how it ended.
struct RunRecord: Sendable {
    /// `queued`, `running`, `published`, `gate-failed` or `failed`.
    var status: String
    /// The stage the engine last reported.
    var stage: String?
    /// Every stage line the engine reported, in order.
    var progress: [String] = []
    /// Who started it (the ledger and audit chain record the same actor).
    var actor: String
    /// The request and plan it runs.
    var requestID: String
    var planDigest: String
    /// The outcome's JSON (`run --format json`), once finished.
    var result: JSONValue?

    var json: JSONValue {
        [
            "status": .string(status), "stage": stage.map { .string($0) } ?? .null,
            "progress": .array(progress.map { .string($0) }), "actor": .string(actor),
            "request_id": .string(requestID), "plan_digest": .string(planDigest), "result": result ?? .null,
        ]
    }
}

/// The runs a server accepted and a bounded queue that executes them one at a time off the
/// request threads. A full queue refuses (the caller answers 429) rather than growing a backlog.
/// The one-approval-one-run rule and the budget reservation are the workflow's (``RunExecution``),
/// checked inside the ledger's reserving transaction, so two submissions of one plan cannot both run.
final class RunBoard: @unchecked Sendable {
    // INVARIANT: `records`, `order`, `unfinished` and `accepting` are only touched while `lock` is held.
    private let lock = NSLock()
    private var records: [String: RunRecord] = [:]
    private var order: [String] = []
    private var unfinished = 0
    private var accepting = true
    private let capacity: Int
    private let retained: Int
    private let queue = DispatchQueue(label: "charter.serve.runs")
    private let idle = DispatchGroup()

    /// A board admitting at most `capacity` unfinished runs, remembering the last `retained`.
    init(capacity: Int, retained: Int = 1000) {
        self.capacity = capacity
        self.retained = retained
    }

    /// Queues `work` as a new run; `nil` when the queue is full or the server is stopping.
    /// `work` receives a progress sink and returns the outcome's JSON and final status.
    func submit(
        actor: String, requestID: String, planDigest: String,
        work: @escaping @Sendable (_ progress: @escaping @Sendable (String) -> Void) -> (status: String, result: JSONValue)
    ) -> (id: String, record: RunRecord)? {
        let id = "run-" + UUID().uuidString.lowercased()
        let record = RunRecord(status: "queued", actor: actor, requestID: requestID, planDigest: planDigest)
        let admitted: Bool = lock.withLock {
            guard accepting, unfinished < capacity else { return false }
            unfinished += 1
            records[id] = record
            order.append(id)
            while order.count > retained, let oldest = order.first, records[oldest]?.result != nil {
                order.removeFirst()
                records[oldest] = nil
            }
            return true
        }
        guard admitted else { return nil }
        idle.enter()
        queue.async { [self] in
            update(id) { $0.status = "running" }
            let (status, result) = work { line in self.update(id) { $0.stage = line; $0.progress.append(line) } }
            lock.withLock {
                records[id]?.status = status
                records[id]?.result = result
                unfinished -= 1
            }
            idle.leave()
        }
        return (id, record)
    }

    /// The run `id`, or `nil` when there is none (or it was forgotten).
    func record(_ id: String) -> RunRecord? { lock.withLock { records[id] } }

    /// How many runs are queued or running.
    var pending: Int { lock.withLock { unfinished } }

    /// Stops accepting runs and waits until those accepted have finished.
    func drain() async {
        lock.withLock { accepting = false }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            idle.notify(queue: .global()) { continuation.resume() }
        }
    }

    private func update(_ id: String, _ change: (inout RunRecord) -> Void) {
        lock.withLock {
            if var record = records[id] {
                change(&record)
                records[id] = record
            }
        }
    }
}
