import CharterCore
import CharterTestSupport
import Foundation
import GRDB

@testable import CharterRegistry

/// A registry in a fresh temporary directory, removed when the fixture is.
final class RegistryFixture {
    let directory: URL
    let path: String

    /// 2026-11-20T10:00:00Z, the tests' "now".
    static let now = Timestamp(rfc3339: "2026-11-20T10:00:00Z") ?? Timestamp(millisecondsSinceEpoch: 0)

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "charter-registry-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("registry.sqlite").path
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    func open() throws -> SQLiteRegistry {
        try SQLiteRegistry(path: path, create: true)
    }

    /// Runs raw SQL against the file, as someone editing it behind Charter's back would: with the
    /// append-only triggers dropped first.
    func tamper(_ sql: String, arguments: StatementArguments = []) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "DROP TRIGGER IF EXISTS audit_log_no_update")
            try db.execute(sql: "DROP TRIGGER IF EXISTS audit_log_no_delete")
            try db.execute(sql: "DROP TRIGGER IF EXISTS ledger_events_no_delete")
            try db.execute(sql: "DROP TRIGGER IF EXISTS signing_keys_no_delete")
            try db.execute(sql: sql, arguments: arguments)
        }
    }

    /// One value from the file.
    func scalar<T: DatabaseValueConvertible>(_ sql: String, as type: T.Type = T.self) throws -> T? {
        try DatabaseQueue(path: path).read { db in try T.fetchOne(db, sql: sql) }
    }
}

/// Small values tests share.
enum Sample {
    static func decimal(_ text: String) -> Decimal {
        Decimal(string: text) ?? .nan
    }

    static let cap = BudgetCap(epsilon: decimal("10"), delta: decimal("0.00001"))

    static func request(
        _ epsilon: String, source: String = "gbsg2", run: String = "RUN-1", lease: Duration = .seconds(600)
    )
        -> ReservationRequest
    {
        ReservationRequest(
            source: source, run: run, mechanism: "dp-copula: laplace marginals", cost: .pure(epsilon: decimal(epsilon)),
            lease: lease, actor: "alice@hospital.example")
    }

    static func certificate(_ id: String, source: String = "gbsg2", issued: Timestamp, days: Int64) -> CertificateRecord
    {
        CertificateRecord(
            id: id, source: source, tier: "medium", audience: "internal", consumers: ["oncology-ml", "radiology"],
            issuedAt: issued, expiresAt: issued.advanced(by: .seconds(days * 86_400)),
            digest: ContentDigest.sha256("certificate \(id)"), keyID: signingKeyID)
    }

    /// An Ed25519 public key (RFC 8032, test 1) in base64, and its fingerprint.
    static let signingPublicKey = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
    static let signingKeyID = "sha256:21fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9"
    /// Another (RFC 8032, test 2).
    static let otherPublicKey = "PUAXw+hDiVqStwqnTRt+vJyYLM8uxJaMwM1V8Sr0Zgw="
    /// When the sample key is activated: before every certificate the tests issue.
    static let keyEpoch = Timestamp(rfc3339: "2026-01-01T00:00:00Z") ?? Timestamp(millisecondsSinceEpoch: 0)

    /// Makes ``signingPublicKey`` the registry's active key at ``keyEpoch``, as `charter keys init` would.
    static func activateKey(_ registry: SQLiteRegistry) throws {
        _ = try registry.activateSigningKey(publicKey: signingPublicKey, as: .initial, actor: "security", at: keyEpoch)
    }

    /// The package root, from this file's path.
    static let packageRoot = Fixtures.packageRoot

    /// The test-helper executable SwiftPM built beside this test bundle.
    static let worker: URL = {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleDirectory, bundleDirectory.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("CharterRegistryWorker")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return packageRoot.appendingPathComponent(".build/debug/CharterRegistryWorker")
    }()
}
