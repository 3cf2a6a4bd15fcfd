import CharterCore
import Dispatch
import Foundation

/// One run the server accepted: where it is and, once finished, how it ended.
struct RunRecord: Sendable, Equatable {
    /// The run's id, `run-` and a UUID.
    var id: String
    /// `queued`, `running`, `published`, `gate-failed`, `failed`, or `interrupted` (the server
    /// stopped before the run finished: killed, or the machine went down).
    var status: String
    /// The stage the engine last reported.
    var stage: String?
    /// Every stage line the engine reported, in order.
    var progress: [String] = []
    /// Who started it (the ledger and audit chain record the same actor).
    var actor: String
    /// The request and plan it runs; the ledger records the run under the plan's digest.
    var requestID: String
    var planDigest: String
    /// The source whose budget it reserves from.
    var source: String
    /// The instant it acts at (the ledger's times for its events).
    var actingAt: String
    /// The outcome's JSON (`run --format json`), once finished; for an interrupted run, what
    /// became of its reservation.
    var result: JSONValue?

    /// Whether the run has ended (published, gate-failed, failed or interrupted).
    var isFinished: Bool { status != "queued" && status != "running" }

    var json: JSONValue {
        [
            "id": .string(id), "status": .string(status), "stage": stage.map { .string($0) } ?? .null,
            "progress": .array(progress.map { .string($0) }), "actor": .string(actor),
            "request_id": .string(requestID), "plan_digest": .string(planDigest), "source": .string(source),
            "acting_at": .string(actingAt), "result": result ?? .null,
        ]
    }

    /// The record a journal file holds, or `nil` when it is not one.
    init?(json value: JSONValue) {
        guard let object = value.objectValue, let id = object["id"]?.stringValue,
            let status = object["status"]?.stringValue, let actor = object["actor"]?.stringValue,
            let requestID = object["request_id"]?.stringValue, let planDigest = object["plan_digest"]?.stringValue
        else { return nil }
        self.id = id
        self.status = status
        self.stage = object["stage"]?.stringValue
        self.progress = object["progress"]?.arrayValue?.compactMap(\.stringValue) ?? []
        self.actor = actor
        self.requestID = requestID
        self.planDigest = planDigest
        self.source = object["source"]?.stringValue ?? ""
        self.actingAt = object["acting_at"]?.stringValue ?? ""
        let result = object["result"]
        self.result = result == .null ? nil : result
    }

    init(
        id: String, status: String, actor: String, requestID: String, planDigest: String, source: String,
        actingAt: String
    ) {
        self.id = id
        self.status = status
        self.actor = actor
        self.requestID = requestID
        self.planDigest = planDigest
        self.source = source
        self.actingAt = actingAt
    }
}

/// The runs a server accepted and a bounded queue that executes them one at a time off the
/// request threads. A full queue refuses (the caller answers 429) rather than growing a backlog.
/// The one-approval-one-run rule and the budget reservation are the workflow's (``RunExecution``),
/// checked inside the ledger's reserving transaction, so two submissions of one plan cannot both run.
///
/// Every change to a run is written to its journal file (``RunJournal``) before the board moves
/// on, so `GET /v1/runs/{id}` answers after a restart, and a run the server was killed during is
/// found unfinished there and reported `interrupted` (``recover(_:)``).
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
    /// Where runs are kept across restarts; `nil` keeps them in memory only.
    let journal: RunJournal?

    /// A board admitting at most `capacity` unfinished runs, remembering the last `retained` in
    /// memory and every run in `journal`.
    init(capacity: Int, journal: RunJournal?, retained: Int = 1000) {
        self.capacity = capacity
        self.journal = journal
        self.retained = retained
    }

    /// Marks every run the journal holds unfinished as interrupted (the server that ran it is
    /// gone), writes each back, and returns them with the status each had, so the caller can say what became of their
    /// reservations (``RunRecord/result``) and audit them.
    /// - Parameter describe: the result an interrupted run is given.
    func recover(_ describe: (RunRecord) -> JSONValue) -> [(record: RunRecord, was: String)] {
        guard let journal else { return [] }
        var interrupted: [(record: RunRecord, was: String)] = []
        for var record in journal.unfinished() {
            let was = record.status
            record.status = "interrupted"
            record.result = describe(record)
            record.progress.append("interrupted: the server stopped while the run was \(was)")
            journal.write(record)
            interrupted.append((record, was))
        }
        return interrupted
    }

    /// Queues `work` as a new run; `nil` when the queue is full or the server is stopping.
    /// `work` receives the run's id and a progress sink and returns the final status and the
    /// outcome's JSON.
    func submit(
        actor: String, requestID: String, planDigest: String, source: String, actingAt: String,
        work:
            @escaping @Sendable (_ id: String, _ progress: @escaping @Sendable (String) -> Void) -> (
                status: String, result: JSONValue
            )
    ) -> RunRecord? {
        let id = "run-" + UUID().uuidString.lowercased()
        let record = RunRecord(
            id: id, status: "queued", actor: actor, requestID: requestID, planDigest: planDigest, source: source,
            actingAt: actingAt)
        let admitted: Bool = lock.withLock {
            guard accepting, unfinished < capacity else { return false }
            unfinished += 1
            records[id] = record
            order.append(id)
            while order.count > retained, let oldest = order.first, records[oldest]?.isFinished != false {
                order.removeFirst()
                records[oldest] = nil
            }
            return true
        }
        guard admitted else { return nil }
        journal?.write(record)
        idle.enter()
        queue.async { [self] in
            update(id) { $0.status = "running" }
            let (status, result) = work(id) { line in
                self.update(id) {
                    $0.stage = line
                    $0.progress.append(line)
                }
            }
            update(id) {
                $0.status = status
                $0.result = result
            }
            lock.withLock { unfinished -= 1 }
            idle.leave()
        }
        return record
    }

    /// The run `id`, from memory or, for one no longer held there, its journal file; `nil` when
    /// there is none.
    func record(_ id: String) -> RunRecord? {
        if let record = lock.withLock({ records[id] }) { return record }
        return journal?.read(id)
    }

    /// Keeps queued runs from starting until ``resumeQueue()``: runs are still admitted up to the
    /// capacity, so a test can fill the queue before any run moves the ledger. Every call must be
    /// balanced by one ``resumeQueue()`` before the board is released (libdispatch traps on
    /// releasing a suspended queue).
    func holdQueue() { queue.suspend() }

    /// Lets held runs start again (``holdQueue()``).
    func resumeQueue() { queue.resume() }

    /// How many runs are queued or running.
    var pending: Int { lock.withLock { unfinished } }

    /// The runs held in memory that are queued or running, oldest first.
    var inProgress: [RunRecord] {
        lock.withLock { order.compactMap { records[$0] }.filter { !$0.isFinished } }
    }

    /// Stops accepting runs and waits until those accepted have finished.
    func drain() async {
        lock.withLock { accepting = false }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            idle.notify(queue: .global()) { continuation.resume() }
        }
    }

    /// Changes the run `id` and writes it to the journal, in the order the changes were made.
    private func update(_ id: String, _ change: (inout RunRecord) -> Void) {
        lock.withLock {
            guard var record = records[id] else { return }
            change(&record)
            records[id] = record
            // Written under the lock: two changes of one run reach the file in the order made.
            journal?.write(record)
        }
    }
}

/// A folder holding one JSON file per run (`run-….json`), each replaced whole on every change
/// (written to a temporary file, flushed, renamed), so a reader or a restart sees the run as it
/// was after some change, never half a change.
public struct RunJournal: Sendable {
    /// The folder.
    let directory: String

    /// A run folder that cannot be used.
    public struct Unusable: Error, CustomStringConvertible {
        /// The folder and why, in Cedar's style.
        public var description: String
    }

    /// The journal in `directory`, created (mode 0700) when missing.
    /// - Throws: ``Unusable`` when the folder cannot be created, is not a folder or cannot be written.
    init(directory: String) throws(Unusable) {
        self.directory = directory
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw Unusable(
                    description: "cannot create the run folder \"\(directory)\": \(error.localizedDescription)")
            }
        } else if !isDirectory.boolValue {
            throw Unusable(description: "the run folder \"\(directory)\" is not a folder")
        }
        guard FileManager.default.isWritableFile(atPath: directory) else {
            throw Unusable(description: "the run folder \"\(directory)\" cannot be written")
        }
    }

    private func path(_ id: String) -> String { directory + "/" + id + ".json" }

    /// Whether `id` could name a journal file: `run-` and a lowercase UUID, nothing that walks a path.
    static func isRunID(_ id: String) -> Bool {
        id.hasPrefix("run-") && id.utf8.count == 40
            && id.utf8.dropFirst(4).allSatisfy {
                ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) || $0 == 0x2D
            }
    }

    /// Writes `record` whole, replacing its file.
    func write(_ record: RunRecord) {
        let text = (try? record.json.pretty()) ?? "{}\n"
        replaceFile(path(record.id), with: Array(text.utf8), temporary: directory + "/." + record.id + ".tmp")
    }

    /// The run `id`, or `nil` when there is no readable file for it.
    func read(_ id: String) -> RunRecord? {
        guard Self.isRunID(id), let data = FileManager.default.contents(atPath: path(id)),
            let value = try? JSONParser().parse(String(decoding: data, as: UTF8.self))
        else { return nil }
        return RunRecord(json: value).flatMap { $0.id == id ? $0 : nil }
    }

    /// Every run whose file says it is queued or running, by id.
    func unfinished() -> [RunRecord] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.sorted().compactMap { name -> RunRecord? in
            guard name.hasSuffix(".json") else { return nil }
            return read(String(name.dropLast(5)))
        }
        .filter { !$0.isFinished }
    }
}

/// Writes `bytes` to `temporary`, flushes it to disk, and renames it over `path`: readers see the
/// old file or the new one, whole. Left as it was when any step fails.
private func replaceFile(_ path: String, with bytes: [UInt8], temporary: String) {
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { return }
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeBytes { buffer -> Int in
            guard let base = buffer.baseAddress else { return -1 }
            return write(descriptor, base + offset, buffer.count - offset)
        }
        guard written > 0 else { break }
        offset += written
    }
    let flushed = fsync(descriptor) == 0
    close(descriptor)
    guard offset == bytes.count, flushed else {
        unlink(temporary)
        return
    }
    rename(temporary, path)
}
