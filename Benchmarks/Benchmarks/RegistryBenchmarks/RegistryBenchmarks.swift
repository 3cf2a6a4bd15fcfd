import Benchmark
import CharterCore
import CharterRegistry
import Foundation

/// A registry in a fresh temporary file with one source and `events` committed reservations.
private func registry(events: Int) throws -> SQLiteRegistry {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
        "charter-bench-\(UUID().uuidString).sqlite"
    ).path
    let registry = try SQLiteRegistry(path: path, create: true)
    let now = Timestamp(secondsSinceEpoch: 1_790_000_000)
    try registry.registerSource("gbsg2", cap: BudgetCap(epsilon: 1_000_000, delta: 0.00001), actor: "bench", at: now)
    for index in 0..<events {
        let cost: PrivacyCost = index % 2 == 0 ? .pure(epsilon: 0.01) : .zeroConcentrated(rho: 0.001)
        let request = ReservationRequest(
            source: "gbsg2", run: "RUN-\(index)", mechanism: "bench", cost: cost, lease: .seconds(600), actor: "bench")
        _ = try registry.commit(try registry.reserve(request, at: now).id, actor: "bench", at: now)
    }
    return registry
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .throughput], maxDuration: .seconds(3))

    // One reservation and its commit: two BEGIN IMMEDIATE transactions with fsync (synchronous=FULL),
    // each composing the source's ledger (100 events, half zCDP, so one RDP conversion per check).
    Benchmark("reserve+commit (ledger of 100 events)") { benchmark in
        let store = try registry(events: 100)
        var clock: Int64 = 1_790_000_000_000
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            clock += 1
            let now = Timestamp(millisecondsSinceEpoch: clock)
            let request = ReservationRequest(
                source: "gbsg2", run: "RUN", mechanism: "bench", cost: .pure(epsilon: 0.01), lease: .seconds(600),
                actor: "bench")
            blackHole(try store.commit(try store.reserve(request, at: now).id, actor: "bench", at: now))
        }
    }

    // Verifying a chain of about 2,000 records: hashes, links, head and the replay against the tables.
    Benchmark("audit verify (about 2,000 records)") { benchmark in
        let store = try registry(events: 1_000)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try store.verifyAudit())
        }
    }

    // What `charter check` and `explain` do with the registry: open it read-only (schema check
    // only, nothing written) and read one source's budget.
    Benchmark("read-only open + budget (ledger of 100 events)") { benchmark in
        let path = try registry(events: 100).path
        let now = Timestamp(secondsSinceEpoch: 1_790_000_000)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try RegistryReader(path: path).budget(for: "gbsg2", at: now))
        }
    }

    // The same through the read-write store, as `check` did before: GRDB's WAL setup writes a
    // table and drops it, the migrator runs, and the close checkpoints (with fsyncs).
    Benchmark("read-write open + budget (ledger of 100 events)") { benchmark in
        let path = try registry(events: 100).path
        let now = Timestamp(secondsSinceEpoch: 1_790_000_000)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try SQLiteRegistry(path: path, create: false).budget(for: "gbsg2", at: now))
        }
    }

    // Composing a ledger of 1,000 mixed events into one (ε, δ), without the database.
    Benchmark("compose 1,000 mixed events") { benchmark in
        let costs: [PrivacyCost] = (0..<1_000).map {
            $0 % 2 == 0 ? .pure(epsilon: 0.01) : .zeroConcentrated(rho: 0.001)
        }
        for _ in benchmark.scaledIterations {
            blackHole(BudgetComposition.compose(costs, deltaCap: 0.00001))
        }
    }
}
