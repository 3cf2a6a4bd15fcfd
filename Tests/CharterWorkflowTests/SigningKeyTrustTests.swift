import CharterCore
import CharterEngine
import CharterRegistry
import CharterWorkflow
import Foundation
import Testing

/// `SigningKeyTrust`: the key a run signs with (first use), init, rotation of the key file, revocation
/// and the exported bundle, called as the command line calls them.
@Suite("signing key trust", .serialized)
struct SigningKeyTrustTests {
    let now = Timestamp(rfc3339: "2026-11-23T10:00:00Z")!

    private final class Scratch {
        let directory: URL
        let registry: SQLiteRegistry

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "charter-keys-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            registry = try SQLiteRegistry(
                path: directory.appendingPathComponent("registry.sqlite").path, create: true)
        }

        deinit { try? FileManager.default.removeItem(at: directory) }

        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
    }

    @Test("first use adopts the run's key, audited; later a missing key file is refused, never created")
    func firstUse() throws {
        let scratch = try Scratch()
        let keyPath = scratch.path("state/signing-key")
        let first = try SigningKeyTrust.runKey(registry: scratch.registry, keyPath: keyPath, actor: "alice", at: now)
        #expect(first.createdFile)
        #expect(first.adopted?.fingerprint == first.key.publicKey.id)
        #expect(try scratch.registry.signingKeys().active?.fingerprint == first.key.publicKey.id)
        let record = try #require(try scratch.registry.auditRecords().last)
        #expect(record.action == "key.activate" && record.details.contains("\"activation\":\"first-use\""))

        let again = try SigningKeyTrust.runKey(registry: scratch.registry, keyPath: keyPath, actor: "alice", at: now)
        #expect(!again.createdFile && again.adopted == nil)
        let missing = scratch.path("elsewhere/signing-key")
        #expect(throws: SigningKeyTrust.Failure.self) {
            try SigningKeyTrust.runKey(registry: scratch.registry, keyPath: missing, actor: "alice", at: now)
        }
        #expect(!FileManager.default.fileExists(atPath: missing))
        // Another existing key is loaded but not adopted: the engine refuses it before reserving.
        let rogue = scratch.path("rogue-key")
        _ = try SigningKey.loadOrCreate(at: rogue)
        let rogueKey = try SigningKeyTrust.runKey(registry: scratch.registry, keyPath: rogue, actor: "mallory", at: now)
        #expect(rogueKey.adopted == nil)
        #expect(try scratch.registry.signingKeys().count == 1)
    }

    @Test(
        "rotation replaces the key file with the new active key and never overwrites a key the registry does not know")
    func rotation() throws {
        let scratch = try Scratch()
        let keyPath = scratch.path("signing-key")
        #expect(throws: SigningKeyTrust.Failure.self) {
            try SigningKeyTrust.rotate(registry: scratch.registry, keyPath: keyPath, actor: "sec", at: now)
        }
        let initial = try SigningKeyTrust.initialise(
            registry: scratch.registry, keyPath: keyPath, actor: "sec", at: now)
        #expect(initial.createdFile)
        let later = now.advanced(by: .seconds(60))
        let rotation = try SigningKeyTrust.rotate(registry: scratch.registry, keyPath: keyPath, actor: "sec", at: later)
        #expect(rotation.retired?.fingerprint == initial.active.fingerprint && rotation.retired?.retiredAt == later)
        let onDisk = try SigningKey.load(at: keyPath)
        #expect(onDisk.publicKey.id == rotation.active.fingerprint)
        #expect(try VerificationKey.load(at: keyPath + ".pub") == onDisk.publicKey)
        let mode = try FileManager.default.attributesOfItem(atPath: keyPath)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(!FileManager.default.fileExists(atPath: keyPath + ".next"))

        let stranger = scratch.path("stranger-key")
        let strangerKey = try SigningKey.loadOrCreate(at: stranger).key
        #expect(throws: SigningKeyTrust.Failure.self) {
            try SigningKeyTrust.rotate(registry: scratch.registry, keyPath: stranger, actor: "sec", at: later)
        }
        #expect(try SigningKey.load(at: stranger).publicKey == strangerKey.publicKey)
        #expect(try scratch.registry.signingKeys().count == 2)
        #expect(try scratch.registry.verifyAudit().isIntact)
    }

    @Test("the exported bundle verifies against its own digest and lists every key")
    func export() throws {
        let scratch = try Scratch()
        let keyPath = scratch.path("signing-key")
        let initial = try SigningKeyTrust.initialise(
            registry: scratch.registry, keyPath: keyPath, actor: "sec", at: now)
        _ = try SigningKeyTrust.rotate(
            registry: scratch.registry, keyPath: keyPath, actor: "sec", at: now.advanced(by: .seconds(60)))
        _ = try SigningKeyTrust.revoke(
            registry: scratch.registry, fingerprint: initial.active.fingerprint, reason: "leaked", actor: "bob", at: now
        )
        let exported = try SigningKeyTrust.export(registry: scratch.registry)
        #expect(try SigningKeyTrust.export(registry: scratch.registry).text == exported.text)
        let bundle = try TrustBundle(bytes: Array(exported.text.utf8), pinnedDigest: exported.digest)
        #expect(bundle.keys.map(\.status) == [.revoked, .active])
    }
}
