import CharterCore
import CharterPolicy
import CharterRegistry
import Foundation
import Testing

@testable import CharterWorkflow

/// The memo a long-running front end decides through: a manifest sent again is answered without
/// being read again, and never with an answer the ledger no longer supports.
@Suite("decision memo", .serialized)
struct DecisionMemoTests {
    static let registeredAt = Timestamp(rfc3339: "2026-11-23T08:00:00Z")!
    static let cap = BudgetCap(epsilon: 10, delta: Decimal.exact("0.00001") ?? -1)

    /// A request in the open tier that spends ε = 5 from source `clinic-2026`.
    static let spending = Array(WorkflowFixture.request(generator: "dp-copula", epsilon: "5").utf8)

    /// A registry in a fresh folder with `clinic-2026` registered at a cap of ε = 10.
    final class Ledger {
        let directory: URL
        let store: SQLiteRegistry
        let live: LiveLedger

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("charter-memo-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let path = directory.appendingPathComponent("registry.sqlite").path
            store = try SQLiteRegistry(path: path, create: true)
            try store.registerSource("clinic-2026", cap: DecisionMemoTests.cap, actor: "policy", at: registeredAt)
            live = LiveLedger(location: RegistryLocation(path: path, isNamed: true))
        }

        deinit { try? FileManager.default.removeItem(at: directory) }

        /// Reserves ε for a new run, committed unless `commit` is false.
        func spend(_ epsilon: Decimal, run: String, commit: Bool = true, lease: Duration = .seconds(3600)) throws {
            let event = try store.reserve(
                ReservationRequest(
                    source: "clinic-2026", run: run, mechanism: "dp-copula", cost: .pure(epsilon: epsilon),
                    lease: lease, actor: "engine"), at: registeredAt)
            if commit { _ = try store.commit(event.id, actor: "engine", at: registeredAt) }
        }
    }

    static func policy() -> LoadedPolicy {
        LoadedPolicy(path: "policies", store: WorkflowFixture.store(requests: [:]))
    }

    static func decide(
        _ bytes: [UInt8], _ policy: LoadedPolicy, _ ledger: LiveLedger, at instant: String = "2026-11-23T09:00:00Z"
    ) -> Deciding {
        Deciding(
            manifests: [("request.yaml", bytes)], policy: policy, ledger: ledger,
            instant: ActingInstant(parsing: instant)!, planDigest: nil, tracing: false)
    }

    @Test("a manifest sent again is answered from the memo with the bytes a fresh decision renders")
    func sameAnswer() throws {
        let ledger = try Ledger()
        let policy = Self.policy()
        let first = Self.decide(Self.spending, policy, ledger.live)
        #expect(first.results.first?.decisions.first?.outcome == .allow)
        #expect(policy.memo.count == 1)
        let again = Self.decide(Self.spending, policy, ledger.live)
        #expect(policy.memo.count == 1)
        // A policy loaded afresh has an empty memo: what it renders is what the memo must answer.
        let fresh = Self.decide(Self.spending, Self.policy(), ledger.live)
        #expect(again.renderedJSON == fresh.renderedJSON)
        #expect(first.renderedJSON == fresh.renderedJSON)
        #expect(again.renderedJSON == (try fresh.json.pretty()))
        #expect(again.results.first?.decisions == fresh.results.first?.decisions)
    }

    @Test("a spend committed by another connection between two decisions changes the answer")
    func spendIsSeen() throws {
        let ledger = try Ledger()
        let policy = Self.policy()
        #expect(Self.decide(Self.spending, policy, ledger.live).results.first?.decisions.first?.outcome == .allow)
        try ledger.spend(8, run: "RUN-A")
        let after = Self.decide(Self.spending, policy, ledger.live)
        #expect(after.results.first?.decisions.first?.outcome == .deny)
        #expect(after.renderedJSON == Self.decide(Self.spending, Self.policy(), ledger.live).renderedJSON)
        #expect(after.renderedJSON.contains("\"deny\""))
    }

    @Test("a reservation whose lease lapses later the same day stops counting, memo or not")
    func leaseLapses() throws {
        let ledger = try Ledger()
        try ledger.spend(8, run: "RUN-LEASED", commit: false, lease: .seconds(3600))
        let policy = Self.policy()
        let held = Self.decide(Self.spending, policy, ledger.live, at: "2026-11-23T08:30:00Z")
        #expect(held.results.first?.decisions.first?.outcome == .deny)
        let lapsed = Self.decide(Self.spending, policy, ledger.live, at: "2026-11-23T10:00:00Z")
        #expect(lapsed.results.first?.decisions.first?.outcome == .allow)
        let heldAgain = Self.decide(Self.spending, policy, ledger.live, at: "2026-11-23T08:30:00Z")
        #expect(heldAgain.results.first?.decisions.first?.outcome == .deny)
    }

    @Test("unreadable and oversized manifests are decided every time and never remembered")
    func notRemembered() throws {
        let ledger = try Ledger()
        let policy = Self.policy()
        let broken = Array("charter: 1\nkind: generation-request\nid: [\n".utf8)
        #expect(Self.decide(broken, policy, ledger.live).status == .unreadable)
        #expect(Self.decide(broken, policy, ledger.live).status == .unreadable)
        let padded = Self.spending + Array(("#" + String(repeating: "x", count: 20_000) + "\n").utf8)
        #expect(Self.decide(padded, policy, ledger.live).results.first?.decisions.first?.outcome == .allow)
        #expect(policy.memo.count == 0)
        // One byte of difference is another manifest.
        _ = Self.decide(Self.spending, policy, ledger.live)
        _ = Self.decide(Self.spending + Array("\n".utf8), policy, ledger.live)
        #expect(policy.memo.count == 2)
    }

    @Test("the memo holds at most its capacity, dropping the oldest first")
    func bounded() {
        let memo = DecisionMemo(capacity: 3, maximumManifestBytes: 64)
        let date = CalendarDate(iso: "2026-11-23")!
        func key(_ index: Int) -> DecisionMemo.Key {
            DecisionMemo.Key(name: "r.yaml", bytes: Array("\(index)".utf8), date: date, planDigest: nil, tracing: false)
        }
        let entry = DecisionMemo.Entry(
            requests: [], statements: [], budgets: [], result: DecidedRequest(file: "r.yaml"), rendered: "{}\n")
        for index in 0..<10 { memo.remember(entry, under: key(index)) }
        #expect(memo.count == 3)
        #expect(memo.entry(key(9)) != nil)
        #expect(memo.entry(key(6)) == nil)
        memo.remember(entry, under: key(9))
        #expect(memo.count == 3)
        let unreadable = DecisionMemo.Entry(
            requests: [], statements: [], budgets: [], result: DecidedRequest(file: "r.yaml", unreadable: true),
            rendered: "{}\n")
        memo.remember(unreadable, under: key(20))
        #expect(memo.entry(key(20)) == nil)
        let huge = DecisionMemo.Entry(
            requests: [], statements: [], budgets: [], result: DecidedRequest(file: "r.yaml"),
            rendered: String(repeating: " ", count: DecisionMemo.maximumRenderedBytes + 1))
        memo.remember(huge, under: key(21))
        #expect(memo.entry(key(21)) == nil)
        #expect(DecisionMemo(capacity: 0).count == 0)
    }
}

/// The roles a server looks up for every bearer token, remembered per identity.
@Suite("policy roles by identity")
struct PolicyRolesByIdentityTests {
    @Test("the remembered roles are the policy's, and an invalid identity holds none")
    func rolesAreThePolicys() throws {
        let policy = DecisionMemoTests.policy()
        let carol = try Identity("carol@hospital.example")
        let expected = Set(try #require(policy.selection.policy).roles(heldBy: carol, groups: policy.selection.identities))
        #expect(expected == ["data_steward"])
        #expect(policy.roles(heldBy: "carol@hospital.example") == expected)
        #expect(policy.roles(heldBy: "carol@hospital.example") == expected)
        #expect(policy.roles(heldBy: "mallory@hospital.example").isEmpty)
        #expect(policy.roles(heldBy: "not an identity").isEmpty)
        #expect(LoadedPolicy(path: "missing", store: InMemoryInputStore([:])).roles(heldBy: "carol@hospital.example").isEmpty)
    }
}
