import CharterCore
import CharterTestSupport
import Foundation
import GRDB
import Testing

@testable import CharterRegistry

/// The stores the conformance tests run against: SQLite always; PostgreSQL when
/// `CHARTER_TEST_POSTGRES_URL` names a server (`.ci/postgres-cluster` starts one), or whenever
/// `CHARTER_REQUIRE_POSTGRES=1`, so that a missing server fails instead of skipping.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    static let postgresURL = ProcessInfo.processInfo.environment["CHARTER_TEST_POSTGRES_URL"].flatMap {
        $0.isEmpty ? nil : $0
    }
    static let postgresRequired = ProcessInfo.processInfo.environment["CHARTER_REQUIRE_POSTGRES"] == "1"
    /// A second way into the same server (`.ci/postgres-cluster` prints it): another role, which must
    /// log in with the password ``postgresPassword``, over `localhost` rather than 127.0.0.1.
    static let postgresPasswordURL = ProcessInfo.processInfo.environment["CHARTER_TEST_POSTGRES_PASSWORD_URL"]
        .flatMap { $0.isEmpty ? nil : $0 }
    static let postgresPassword = ProcessInfo.processInfo.environment["CHARTER_TEST_POSTGRES_PASSWORD"] ?? ""

    /// The stores to test; says once, visibly, when PostgreSQL is skipped.
    static let all: [StoreKind] = {
        if postgresURL != nil || postgresRequired { return [.sqlite, .postgres] }
        print(
            "note: skipping the PostgreSQL registry tests: CHARTER_TEST_POSTGRES_URL is not set (.ci/postgres-cluster starts a server; CHARTER_REQUIRE_POSTGRES=1 makes this a failure)"
        )
        return [.sqlite]
    }()
}

/// A registry in a fresh temporary directory (SQLite, removed when the fixture is) or a fresh schema
/// `t_…` (PostgreSQL, left in the throwaway test server).
final class RegistryFixture {
    let kind: StoreKind
    let directory: URL
    let path: String
    /// The PostgreSQL registry's location (its own schema); `nil` for SQLite.
    let postgres: PostgresLocation?
    /// The PostgreSQL registry's URL, with its schema.
    let postgresURL: String?
    /// What a worker process opens: the file, or the URL.
    var target: String { postgresURL ?? path }

    /// The same PostgreSQL registry through the second way in (``StoreKind/postgresPasswordURL``:
    /// another role and host name, with a connect timeout of its own), which needs `PGPASSWORD`;
    /// `nil` for SQLite.
    func secondHostURL() throws -> String? {
        guard kind == .postgres, let postgresURL else { return nil }
        guard let url = StoreKind.postgresPasswordURL else {
            throw RegistryError.cannotOpen(
                path: "CHARTER_TEST_POSTGRES_PASSWORD_URL", reason: "no second role is named: run .ci/postgres-cluster")
        }
        let schema = postgresURL.components(separatedBy: "schema=").last ?? ""
        return url + (url.contains("?") ? "&" : "?") + "schema=\(schema)&connect_timeout=7"
    }

    /// The environment the second way in needs.
    static var secondHostEnvironment: [String: String] { ["PGPASSWORD": StoreKind.postgresPassword] }

    /// 2026-11-20T10:00:00Z, the tests' "now".
    static let now = Timestamp(rfc3339: "2026-11-20T10:00:00Z") ?? Timestamp(millisecondsSinceEpoch: 0)

    /// - Parameter server: the PostgreSQL server's URL (default: ``StoreKind/postgresURL``).
    init(_ kind: StoreKind = .sqlite, server: String? = nil) throws {
        self.kind = kind
        if kind == .postgres {
            guard let url = server ?? StoreKind.postgresURL else {
                throw RegistryError.cannotOpen(
                    path: "CHARTER_TEST_POSTGRES_URL",
                    reason: "CHARTER_REQUIRE_POSTGRES=1 but no server is named: run .ci/postgres-cluster")
            }
            let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let withSchema = url + (url.contains("?") ? "&" : "?") + "schema=\(schema)"
            postgres = try PostgresLocation(url: withSchema, environment: ProcessInfo.processInfo.environment)
            postgresURL = withSchema
        } else {
            postgres = nil
            postgresURL = nil
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "charter-registry-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("registry.sqlite").path
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
        // A PostgreSQL schema is left behind: Swift may release the fixture right after its last use,
        // while a registry opened from it is still in use. The server is a throwaway one
        // (.ci/postgres-cluster), removed with everything in it.
    }

    /// The registry, created when missing.
    func open() throws -> any RegistryStore {
        if let postgres { return try PostgresRegistry(location: postgres, mode: .create) }
        return try SQLiteRegistry(path: path, create: true)
    }

    /// The SQLite registry (for the tests about the file).
    func openSQLite() throws -> SQLiteRegistry {
        try SQLiteRegistry(path: path, create: true)
    }

    /// Runs raw SQL without arguments as ``tamper(_:arguments:)`` does, on either store.
    func tamperAny(_ sql: String) throws {
        guard let postgres else { return try tamper(sql) }
        let registry = try PostgresRegistry(location: postgres, mode: .existing)
        defer { registry.close() }
        try registry.executeRaw(
            [
                "DROP TRIGGER IF EXISTS audit_log_no_update ON audit_log",
                "DROP TRIGGER IF EXISTS audit_log_no_delete ON audit_log",
                "DROP TRIGGER IF EXISTS ledger_events_no_delete ON ledger_events",
                "DROP TRIGGER IF EXISTS signing_keys_no_delete ON signing_keys",
            ] + sql.components(separatedBy: "; "))
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
    static func activateKey(_ registry: any RegistryStore) throws {
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
