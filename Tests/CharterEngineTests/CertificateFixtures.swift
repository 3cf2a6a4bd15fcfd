import CharterCore
import CharterRegistry
import Foundation

@testable import CharterEngine

/// A certificate with every section filled, and scratch registries for the verification tests.
enum CertificateFixtures {
    static let issued = Timestamp(rfc3339: "2026-11-23T10:00:00Z")!
    static let expires = Timestamp(rfc3339: "2027-02-20T00:00:00Z")!

    static func certificate(id: String = "cert-test-0001") -> Certificate {
        Certificate(
            id: id,
            request: .init(
                id: "REQ-1", ticket: "GOV-1", requester: "alice@hospital.example",
                digest: "sha256:" + String(repeating: "1", count: 64)),
            policy: .init(
                name: "health-synthetic", version: "1.0.0", digest: "sha256:" + String(repeating: "2", count: 64)),
            tier: "medium", planDigest: "sha256:" + String(repeating: "3", count: 64),
            lineage: .init(
                source: .init(
                    dataset: "gbsg2", path: "examples/data/gbsg2.csv",
                    sha256: "sha256:" + String(repeating: "4", count: 64), rows: 686, classification: "phi"),
                split: .init(holdoutFraction: 0.2, seed: 4_503_599_627_370_495, trainRows: 549, holdoutRows: 137),
                generator: .init(
                    name: "dp-copula", version: "1.0.0", seed: 18_446_744_073_709_551_615,
                    parameters: ["split": ["marginals": 0.5, "correlations": 0.5], "bins": 20]),
                synthetic: .init(
                    file: "synthetic.csv", sha256: "sha256:" + String(repeating: "5", count: 64), rows: 5000,
                    columns: ["age", "menostat"])),
            privacy: .init(
                differentiallyPrivate: true, epsilonSpent: 0.9999999, deltaSpent: 1e-6, accountant: "zcdp",
                claimedByExternalTool: false,
                kAnonymity: .init(
                    quasiIdentifiers: ["age", "menostat"], k: 3, kTrain: 1, kSynthetic: 3,
                    syntheticRowsInSmallTrainClasses: 12, smallClassThreshold: 5),
                lDiversity: .init(sensitive: "tgrade", distinctL: 1, entropyL: 1.0),
                membershipInference: .init(attack: "distance", accuracy: 0.51, auc: 0.505),
                distanceToClosestRecord: .init(
                    overfittingProtection: 0.97, closerToTraining: 0.515, medianToTraining: 0.05, medianToHoldout: 0.06),
                newRowSynthesis: 1.0),
            utility: .init(
                columns: [
                    .init(column: "age", metric: "KSComplement", score: 0.91),
                    .init(column: "menostat", metric: "TVComplement", score: nil),
                ],
                pairs: [.init(column1: "age", column2: "menostat", metric: "ContingencySimilarity", score: 0.88)],
                quality: .init(columnShapes: 0.91, columnPairTrends: 0.88, overall: 0.895),
                tstr: .init(
                    target: "cens", positiveLabel: "1", metric: "auc", aucTRTR: 0.7, aucTSTR: 0.68, aucTRTS: 0.72,
                    ratio: 0.9714)),
            fairness: nil,
            usage: .init(purpose: "model-prototyping", audience: "internal", consumers: ["oncology-ml"]),
            gates: [
                GateCheck(gate: .utility, check: "tstr.ratio_min", measured: 0.9714, threshold: 0.9, bound: .minimum)
            ],
            issuedAt: issued.description, expiresAt: expires.description,
            auditHead: .init(seq: 7, hash: "sha256:" + String(repeating: "6", count: 64)))
    }

    /// A scratch directory removed by the caller.
    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("charter-engine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A registry with source `gbsg2` registered.
    static func registry(in directory: URL) throws -> SQLiteRegistry {
        let registry = try SQLiteRegistry(path: directory.appendingPathComponent("registry.sqlite").path, create: true)
        try registry.registerSource(
            "gbsg2", cap: BudgetCap(epsilon: 10, delta: Decimal(string: "0.00001")!), actor: "test", at: issued)
        return registry
    }

    /// When the tests' first key becomes active: before ``issued``.
    static let keyEpoch = Timestamp(rfc3339: "2026-11-01T00:00:00Z")!

    /// Signs `certificate` with `key` and returns the file's bytes, recording nothing.
    static func sign(_ certificate: Certificate, key: SigningKey) throws -> [UInt8] {
        var signed = certificate
        signed.signature = .init(
            algorithm: "ed25519", keyID: key.publicKey.id,
            value: try key.sign(CertificateCodec.signingPayload(certificate)))
        return Array(try CertificateCodec.fileText(signed).utf8)
    }

    /// Signs `certificate`, records it in `registry`, and returns the file's bytes. A registry with
    /// no signing key gets `key` as its active key from ``keyEpoch`` (as `charter keys init`).
    static func issue(_ certificate: Certificate, key: SigningKey, registry: SQLiteRegistry) throws -> [UInt8] {
        if try registry.signingKeys().isEmpty {
            _ = try registry.activateSigningKey(
                publicKey: key.publicKey.base64, as: .initial, actor: "security", at: keyEpoch)
        }
        let signed = try CertificateCodec.decode(String(decoding: try sign(certificate, key: key), as: UTF8.self))
        let bytes = try sign(certificate, key: key)
        try registry.recordCertificate(
            CertificateRecord(
                id: signed.id, source: "gbsg2", tier: signed.tier, audience: signed.usage.audience,
                consumers: signed.usage.consumers,
                issuedAt: Timestamp(rfc3339: signed.issuedAt)!, expiresAt: expires, digest: ContentDigest.sha256(bytes),
                keyID: key.publicKey.id),
            actor: "test", at: Timestamp(rfc3339: signed.issuedAt)!)
        return bytes
    }
}
