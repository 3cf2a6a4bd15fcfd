// Reserve + commit pairs per second on one source, with 1, 8 and 50 concurrent clients, on SQLite and
// (when a server is named) PostgreSQL, in one run. A plain executable rather than a `Benchmark`
// target: the figure is one wall-clock rate of many threads, and each store must be checked for
// over-spend afterwards.
//
//   cd Benchmarks && swift build -c release --product RegistryThroughput
//   .build/release/RegistryThroughput [--postgres URL] [--clients 1,8,50] [--pairs N]
//
// URL defaults to $CHARTER_TEST_POSTGRES_URL (.ci/postgres-cluster prints one); each store and
// client count gets a fresh registry (a new file; a new schema `bench_…`). Every client is a thread
// with its own connection (its own SQLiteRegistry), as a process of its own would have, doing N
// pairs (default 2000 / clients, at least 20). The source's cap is exactly the pairs' total ε, so
// every pair must succeed, the ledger must then hold exactly the cap, and one more reservation must
// be refused: that is the over-spend check. PostgreSQL uses the database's clock, as `charter run`
// does without --now.
import CharterCore
import CharterRegistry
import Foundation
import Synchronization

struct Options {
    var postgres = ProcessInfo.processInfo.environment["CHARTER_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    var clients = [1, 8, 50]
    var pairs: Int?

    init(_ arguments: [String]) {
        var rest = arguments.dropFirst()
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { Self.usage("\(flag) needs a value") }
            switch flag {
            case "--postgres": postgres = value
            case "--clients":
                clients = value.split(separator: ",").compactMap { Int($0) }
                guard !clients.isEmpty, clients.allSatisfy({ $0 > 0 }) else { Self.usage("--clients takes 1,8,50") }
            case "--pairs":
                guard let count = Int(value), count > 0 else { Self.usage("--pairs takes a positive number") }
                pairs = count
            default: Self.usage("unknown option \(flag)")
            }
        }
    }

    static func usage(_ message: String) -> Never {
        FileHandle.standardError.write(
            Data("error: \(message)\nusage: RegistryThroughput [--postgres URL] [--clients 1,8,50] [--pairs N]\n".utf8))
        exit(2)
    }
}

enum Store: CustomStringConvertible {
    case sqlite(String)
    case postgres(PostgresLocation)

    var description: String {
        switch self {
        case .sqlite: "sqlite"
        case .postgres: "postgres"
        }
    }

    func open() throws -> any RegistryStore {
        switch self {
        case .sqlite(let path): try SQLiteRegistry(path: path, create: true)
        case .postgres(let location): try PostgresRegistry(location: location, mode: .create, clock: .database)
        }
    }
}

struct Figure {
    var store: String
    var clients: Int
    var pairs: Int
    var seconds: Double
    var overSpend: String
    var rate: Double { Double(pairs) / seconds }
}

let cost = Decimal(string: "0.001") ?? 0

/// Whether one more reservation is granted once the cap is spent (it must not be).
func grantsBeyondCap(_ registry: any RegistryStore, at now: Timestamp) throws -> Bool {
    let request = ReservationRequest(
        source: "bench", run: "ONE-MORE", mechanism: "bench", cost: .pure(epsilon: cost), lease: .seconds(60),
        actor: "bench")
    let outcome = Result { () throws(RegistryError) in try registry.reserve(request, at: now) }
    switch outcome {
    case .success: return true
    case .failure(let error):
        if case .budgetExceeded = error { return false }
        throw error
    }
}

func measure(_ store: Store, clients: Int, pairsPerClient: Int) throws -> Figure {
    let total = clients * pairsPerClient
    let cap = BudgetCap(epsilon: Decimal(total) * cost, delta: 0)
    let setup = try store.open()
    let start = Timestamp(millisecondsSinceEpoch: 1_790_000_000_000)
    try setup.registerSource("bench", cap: cap, actor: "bench", at: start)
    // Every client connects before the clock starts.
    let registries = try (0..<clients).map { _ in try store.open() }
    let failures = Mutex<[String]>([])
    let group = DispatchGroup()
    let go = DispatchSemaphore(value: 0)
    for (index, registry) in registries.enumerated() {
        group.enter()
        Thread.detachNewThread {
            go.wait()
            for pair in 0..<pairsPerClient {
                let now = start.advanced(by: .milliseconds(Int64(pair)))
                let request = ReservationRequest(
                    source: "bench", run: "RUN-\(index)-\(pair)", mechanism: "bench", cost: .pure(epsilon: cost),
                    lease: .seconds(600), actor: "client-\(index)")
                do {
                    let event = try registry.reserve(request, at: now)
                    _ = try registry.commit(event.id, actor: "client-\(index)", at: now)
                } catch {
                    failures.withLock { $0.append("client \(index), pair \(pair): \(error)") }
                    break
                }
            }
            group.leave()
        }
    }
    let clock = ContinuousClock()
    let began = clock.now
    for _ in 0..<clients { go.signal() }
    group.wait()
    let elapsed = clock.now - began
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let problems = failures.withLock { $0 }
    guard problems.isEmpty else {
        throw RegistryError.database("\(problems.count) clients failed, first: \(problems[0])")
    }
    // Over-spend: the ledger holds exactly the cap in committed pairs, and nothing more fits.
    let statement = try setup.budget(for: "bench", at: start.advanced(by: .seconds(1)))
    let committed = statement.events.filter { $0.state == .committed }.count
    var verdict = "none"
    if committed != total || statement.committed.epsilon != cap.epsilon || statement.remainingEpsilon != 0 {
        verdict = "WRONG: \(committed) of \(total) committed, ε \(statement.committed.epsilon.map { "\($0)" } ?? "∞")"
    }
    if try grantsBeyondCap(setup, at: start.advanced(by: .seconds(2))) {
        verdict = "WRONG: a reservation beyond the cap was granted"
    }
    guard try setup.verifyAudit().isIntact else { throw RegistryError.database("the audit chain does not verify") }
    for registry in registries { (registry as? PostgresRegistry)?.close() }
    return Figure(store: store.description, clients: clients, pairs: total, seconds: seconds, overSpend: verdict)
}

let options = Options(CommandLine.arguments)
var figures: [Figure] = []
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("charter-throughput-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }
if options.postgres == nil {
    print("note: no PostgreSQL named (--postgres or CHARTER_TEST_POSTGRES_URL): SQLite only")
}
do {
    for clients in options.clients {
        let perClient = max(20, (options.pairs ?? 2000) / clients)
        var stores: [Store] = [.sqlite(folder.appendingPathComponent("registry-\(clients).sqlite").path)]
        if let url = options.postgres {
            let schema = "bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let withSchema = url + (url.contains("?") ? "&" : "?") + "schema=\(schema)"
            stores.append(.postgres(try PostgresLocation(url: withSchema, environment: ProcessInfo.processInfo.environment)))
        }
        for store in stores {
            let figure = try measure(store, clients: clients, pairsPerClient: perClient)
            figures.append(figure)
            print(
                "\(figure.store.padding(toLength: 9, withPad: " ", startingAt: 0)) clients \(String(figure.clients).leftPad(3))  pairs \(String(figure.pairs).leftPad(5))  \(String(format: "%8.1f", figure.rate)) pairs/s  over-spend: \(figure.overSpend)"
            )
        }
    }
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
if figures.contains(where: { $0.overSpend != "none" }) { exit(1) }

extension String {
    func leftPad(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
