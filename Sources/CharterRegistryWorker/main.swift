// A test helper, not a product: runs registry operations in a process of its own, so tests can
// run many writers at once and kill them at random points.
//
// DB is a registry file or a postgres:// URL.
//
//   CharterRegistryWorker reserve DB SOURCE EPSILON NOW_MS RUN [commit]
//       one reservation of pure ε (committed at once with `commit`); prints "reserved ID" and exits 0,
//       or prints "refused" and exits 1. With CHARTER_WORKER_GATE=FILE it opens the registry, then
//       creates FILE.ready-PID and waits for FILE to exist before reserving, so that many processes contend at once.
//   CharterRegistryWorker churn DB SOURCE SEED NOW_MS
//       reserves ε 0.01 again and again, committing, releasing or abandoning each, recording a
//       certificate now and then (signed, as the catalogue sees it, by the registry's active key, which
//       the test activates first); prints one line per change after it is durable; never exits
//   CharterRegistryWorker cycle URL SOURCE SEED LEASE_MS STOPFILE
//       PostgreSQL only, on the database's clock: reserves ε 0.01 with a lease of LEASE_MS, then
//       commits it (or, one time in five, abandons it), until STOPFILE exists; prints "reserved ID",
//       "committed ID", "abandoned ID", "lost ID" (the lease ended first), or "uncertain ID" / "uncertain"
//       when the connection broke while the commit of a commit / reservation was under way; then "done".
//       It rides through a server restart (the registry reconnects), which is what the test does to it.
import CharterCore
import CharterRegistry

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

func say(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    bytes.withUnsafeBytes { buffer in _ = write(1, buffer.baseAddress, buffer.count) }
}

func fail(_ message: String) -> Never {
    say("error: \(message)")
    exit(2)
}

let arguments = CommandLine.arguments
guard arguments.count >= 6 else {
    fail("usage: reserve DB SOURCE EPSILON NOW_MS RUN | churn DB SOURCE SEED NOW_MS | cycle URL SOURCE SEED LEASE_MS STOPFILE")
}
let (command, path, source) = (arguments[1], arguments[2], arguments[3])
guard let nowMillis = Int64(arguments[5]) else { fail("NOW_MS (LEASE_MS) must be an integer") }

/// Whether `error` says the connection broke while a COMMIT was under way (the outcome unknown).
func outcomeUnknown(_ error: RegistryError) -> Bool {
    if case .database(let message) = error { return message.contains("lost while committing") }
    return false
}

do {
    // DB is a registry file or a postgres:// URL.
    let registry: any RegistryStore =
        PostgresLocation.isURL(path)
        ? try PostgresRegistry(
            location: try PostgresLocation(url: path, environment: ProcessInfo.processInfo.environment), mode: .existing,
            clock: command == "cycle" ? .database : .handed)
        : try SQLiteRegistry(path: path, create: false)
    switch command {
    case "cycle":
        guard registry is PostgresRegistry else { fail("cycle needs a postgres:// URL") }
        guard let seed = UInt64(arguments[4]), nowMillis > 0, arguments.count >= 7 else {
            fail("cycle needs an integer SEED, a positive LEASE_MS and a STOPFILE")
        }
        let stop = arguments[6]
        var random = SplitMix64(seed: seed)
        var step = 0
        // The clock handed in is ignored: the registry uses the database's.
        let handed = Timestamp(millisecondsSinceEpoch: 0)
        while !FileManager.default.fileExists(atPath: stop) {
            step += 1
            let request = ReservationRequest(
                source: source, run: "cycle-\(seed)-\(step)", mechanism: "test: laplace counts",
                cost: .pure(epsilon: Decimal(string: "0.01") ?? 0), lease: .milliseconds(nowMillis),
                actor: "worker-\(seed)")
            let event: LedgerEvent
            do {
                event = try registry.reserve(request, at: handed)
            } catch .budgetExceeded {
                say("refused")
                continue
            } catch let error where outcomeUnknown(error) {
                say("uncertain")
                continue
            }
            say("reserved \(event.id)")
            guard Int.random(in: 0..<5, using: &random) > 0 else {
                say("abandoned \(event.id)")
                continue
            }
            do {
                _ = try registry.commit(event.id, actor: "worker-\(seed)", at: handed)
                say("committed \(event.id)")
            } catch .leaseExpired, .notReserved {
                say("lost \(event.id)")
            } catch let error where outcomeUnknown(error) {
                say("uncertain \(event.id)")
            }
        }
        say("done")
    case "reserve":
        if let gate = ProcessInfo.processInfo.environment["CHARTER_WORKER_GATE"] {
            // Say "ready" with a file beside the gate, then wait for the gate to open.
            _ = FileManager.default.createFile(atPath: gate + ".ready-\(getpid())", contents: nil)
            while !FileManager.default.fileExists(atPath: gate) { usleep(500) }
        }
        guard arguments.count >= 7, let epsilon = Decimal(string: arguments[4]) else {
            fail("reserve needs EPSILON and RUN")
        }
        let request = ReservationRequest(
            source: source, run: arguments[6], mechanism: "test: laplace counts", cost: .pure(epsilon: epsilon),
            lease: .seconds(600), actor: "worker-\(getpid())")
        do {
            let event = try registry.reserve(request, at: Timestamp(millisecondsSinceEpoch: nowMillis))
            say("reserved \(event.id)")
            if arguments.count == 8, arguments[7] == "commit" {
                _ = try registry.commit(
                    event.id, actor: request.actor, at: Timestamp(millisecondsSinceEpoch: nowMillis))
                say("committed \(event.id)")
            }
        } catch .budgetExceeded {
            say("refused")
            exit(1)
        }
    case "churn":
        guard let seed = UInt64(arguments[4]) else { fail("churn needs an integer SEED") }
        var random = SplitMix64(seed: seed)
        var step: Int64 = 0
        while true {
            step += 1
            let now = Timestamp(millisecondsSinceEpoch: nowMillis + step)
            let request = ReservationRequest(
                source: source, run: "churn-\(seed)-\(step)", mechanism: "test: laplace counts",
                cost: .pure(epsilon: Decimal(string: "0.01") ?? 0), lease: .seconds(900), actor: "worker-\(seed)")
            let event: LedgerEvent
            do {
                event = try registry.reserve(request, at: now)
            } catch .budgetExceeded {
                say("refused")
                continue
            }
            say("reserved \(event.id)")
            let roll = Int.random(in: 0..<10, using: &random)
            do {
                if roll < 7 {
                    _ = try registry.commit(event.id, actor: "worker-\(seed)", at: now)
                    say("committed \(event.id)")
                } else if roll < 9 {
                    _ = try registry.release(event.id, reason: "run failed", actor: "worker-\(seed)", at: now)
                    say("released \(event.id)")
                } else {
                    say("abandoned \(event.id)")
                }
            } catch .notReserved, .leaseExpired {
                // Another writer, with a later clock, released it as expired.
                say("lost \(event.id)")
            }
            if step % 5 == 0 {
                let id = "CERT-\(seed)-\(step)"
                let certificate = CertificateRecord(
                    id: id, source: source, tier: "medium", audience: "internal", consumers: ["oncology-ml"],
                    issuedAt: now, expiresAt: now.advanced(by: .seconds(90 * 86_400)),
                    digest: "sha256:" + String(repeating: "ab", count: 32),
                    keyID: try registry.signingKeys().active?.fingerprint)
                try registry.recordCertificate(certificate, actor: "worker-\(seed)", at: now)
                say("certificate \(id)")
            }
        }
    default:
        fail("unknown command \"\(command)\"")
    }
} catch {
    fail(error.description)
}
