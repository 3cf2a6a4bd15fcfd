import CharterCore
import Foundation
import Testing

@testable import CharterRegistry

/// The trust store: activation, rotation, revocation, the catalogue's check of a certificate's
/// signer, the audit chain's replay of keys, and the trust bundle.
@Suite("signing keys", .serialized)
struct SigningKeyTests {
    let now = RegistryFixture.now

    /// A registry with the sample key active since ``Sample/keyEpoch`` and source gbsg2.
    private func registry(_ kind: StoreKind) throws -> (RegistryFixture, any RegistryStore) {
        let fixture = try RegistryFixture(kind)
        let registry = try fixture.open()
        try registry.registerSource("gbsg2", cap: Sample.cap, actor: "policy", at: now)
        try Sample.activateKey(registry)
        return (fixture, registry)
    }

    @Test("first use only on an empty registry, init only without keys, rotation only with one", arguments: StoreKind.all)
    func activationModes(_ kind: StoreKind) throws {
        let fixture = try RegistryFixture(kind)
        let registry = try fixture.open()
        #expect(throws: RegistryError.self) {
            try registry.activateSigningKey(publicKey: Sample.signingPublicKey, as: .rotation, actor: "a", at: now)
        }
        let first = try registry.activateSigningKey(
            publicKey: Sample.signingPublicKey, as: .firstUse, actor: "alice", at: now)
        #expect(
            first.active.fingerprint == Sample.signingKeyID && first.active.status == .active && first.retired == nil)
        for activation in [SigningKeyActivation.firstUse, .initial] {
            #expect(throws: RegistryError.self) {
                try registry.activateSigningKey(publicKey: Sample.otherPublicKey, as: activation, actor: "a", at: now)
            }
        }
        // A key is activated once: the same key again is refused, whatever the mode.
        #expect(throws: RegistryError.signingKeyKnown(fingerprint: Sample.signingKeyID, status: .active)) {
            try registry.activateSigningKey(publicKey: Sample.signingPublicKey, as: .rotation, actor: "a", at: now)
        }
        #expect(throws: RegistryError.self) {
            try registry.activateSigningKey(publicKey: "bm90IGEga2V5", as: .rotation, actor: "a", at: now)
        }

        // A registry with certificates from before the trust store adopts no key by itself.
        let older = try RegistryFixture(kind)
        let legacy = try older.open()
        try legacy.registerSource("gbsg2", cap: Sample.cap, actor: "policy", at: now)
        try older.tamperAny(
            "INSERT INTO certificates (id, source, tier, audience, consumers, issued_at, expires_at, digest) VALUES ('OLD', 'gbsg2', 'low', 'internal', '[]', 0, 1, 'sha256:x')"
        )
        #expect(throws: RegistryError.self) {
            try legacy.activateSigningKey(publicKey: Sample.signingPublicKey, as: .firstUse, actor: "a", at: now)
        }
        // Its key may be declared valid from before now, to cover the older certificates; only by init.
        let earlier = now.advanced(by: .seconds(-30 * 86_400))
        #expect(throws: RegistryError.self) {
            try legacy.activateSigningKey(
                publicKey: Sample.signingPublicKey, as: .initial, validFrom: now.advanced(by: .seconds(1)), actor: "a",
                at: now)
        }
        let initial = try legacy.activateSigningKey(
            publicKey: Sample.signingPublicKey, as: .initial, validFrom: earlier, actor: "a", at: now)
        #expect(initial.active.activatedAt == earlier)
        #expect(throws: RegistryError.self) {
            try legacy.activateSigningKey(
                publicKey: Sample.otherPublicKey, as: .rotation, validFrom: earlier, actor: "a", at: now)
        }
        var oldest = Sample.certificate("OLDER", issued: now.advanced(by: .seconds(-86_400)), days: 90)
        oldest.keyID = Sample.signingKeyID
        try legacy.recordCertificate(oldest, actor: "engine", at: now)
        // The replay agrees on the key's earlier start; only the certificate inserted behind its back differs.
        let findings = try legacy.verifyAudit().findings
        #expect(findings.count == 1 && findings.allSatisfy { $0.message.contains("\"OLD\"") }, "\(findings)")
    }

    @Test("rotation retires the active key at the same instant; revocation is final", arguments: StoreKind.all)
    func rotateAndRevoke(_ kind: StoreKind) throws {
        let (_, registry) = try registry(kind)
        let rotated = try registry.activateSigningKey(
            publicKey: Sample.otherPublicKey, as: .rotation, actor: "security", at: now)
        #expect(rotated.retired?.fingerprint == Sample.signingKeyID)
        #expect(rotated.retired?.retiredAt == now && rotated.retired?.status == .retired)
        let keys = try registry.signingKeys()
        #expect(keys.map(\.status) == [.retired, .active])
        #expect(keys.active?.fingerprint == rotated.active.fingerprint)

        let revoked = try registry.revokeSigningKey(Sample.signingKeyID, reason: "laptop stolen", actor: "bob", at: now)
        #expect(revoked.status == .revoked && revoked.retiredAt == now)
        #expect(throws: RegistryError.self) {
            try registry.revokeSigningKey(Sample.signingKeyID, reason: "again", actor: "bob", at: now)
        }
        #expect(throws: RegistryError.unknownSigningKey("sha256:nope")) {
            try registry.revokeSigningKey("sha256:nope", reason: "x", actor: "bob", at: now)
        }
        #expect(try registry.auditRecords().suffix(3).map(\.action) == ["key.activate", "key.activate", "key.revoke"])
        #expect(try registry.verifyAudit().findings == [])
    }

    @Test("the catalogue refuses a certificate signed by a rogue, retired or revoked key, or issued before its key", arguments: StoreKind.all)
    func catalogueRefusesUntrustedSigners(_ kind: StoreKind) throws {
        let (_, registry) = try registry(kind)
        var rogue = Sample.certificate("ROGUE", issued: now, days: 30)
        rogue.keyID = ContentDigest.sha256("a rogue key")
        var unsigned = Sample.certificate("UNSIGNED", issued: now, days: 30)
        unsigned.keyID = nil
        var early = Sample.certificate("EARLY", issued: Sample.keyEpoch.advanced(by: .seconds(-1)), days: 30)
        early.keyID = Sample.signingKeyID
        for certificate in [rogue, unsigned, early] {
            #expect(throws: RegistryError.self) {
                try registry.recordCertificate(certificate, actor: "engine", at: now)
            }
        }
        do {
            try registry.recordCertificate(rogue, actor: "engine", at: now)
        } catch {
            #expect(error.description.contains("not a registry signing key"), "\(error)")
        }
        try registry.recordCertificate(Sample.certificate("GOOD", issued: now, days: 30), actor: "engine", at: now)

        // After a rotation the retired key signs nothing new; after a revocation neither does the other.
        _ = try registry.activateSigningKey(publicKey: Sample.otherPublicKey, as: .rotation, actor: "s", at: now)
        #expect(throws: RegistryError.self) {
            try registry.recordCertificate(Sample.certificate("LATE", issued: now, days: 30), actor: "engine", at: now)
        }
        let otherID = try SigningKeyRecord.fingerprint(ofPublicKey: Sample.otherPublicKey)
        var fresh = Sample.certificate("FRESH", issued: now, days: 30)
        fresh.keyID = otherID
        try registry.recordCertificate(fresh, actor: "engine", at: now)
        _ = try registry.revokeSigningKey(otherID, reason: "leaked", actor: "bob", at: now)
        fresh.id = "FRESH-2"
        #expect(throws: RegistryError.self) { try registry.recordCertificate(fresh, actor: "engine", at: now) }
        #expect(try registry.certificates().map(\.id) == ["FRESH", "GOOD"])
        #expect(try registry.certificate("GOOD")?.keyID == Sample.signingKeyID)
        #expect(try registry.verifyAudit().findings == [])
    }

    @Test("trust at issue time: active since, retired until, revoked never")
    func distrust() throws {
        let key = SigningKeyRecord(
            fingerprint: Sample.signingKeyID, publicKey: Sample.signingPublicKey, status: .retired,
            activatedAt: Sample.keyEpoch, retiredAt: now)
        #expect(key.distrust(issuedAt: Sample.keyEpoch) == nil)
        #expect(key.distrust(issuedAt: now.advanced(by: .seconds(-1))) == nil)
        #expect(key.distrust(issuedAt: now)?.contains("retired") == true)
        #expect(key.distrust(issuedAt: Sample.keyEpoch.advanced(by: .seconds(-1)))?.contains("before") == true)
        var revoked = key
        revoked.status = .revoked
        revoked.revocation = .init(reason: "leaked", actor: "bob", at: now)
        #expect(revoked.distrust(issuedAt: Sample.keyEpoch.advanced(by: .seconds(60)))?.contains("revoked") == true)
    }

    @Test("audit verify replays keys: edits to the keys table or a certificate's signer are state mismatches", arguments: StoreKind.all)
    func auditDetectsTamperedKeys(_ kind: StoreKind) throws {
        let otherID = try SigningKeyRecord.fingerprint(ofPublicKey: Sample.otherPublicKey)
        for sql in [
            // A revoked key marked active again (and the active one retired to make room).
            "UPDATE signing_keys SET status = 'retired', retired_at = 0 WHERE status = 'active'; UPDATE signing_keys SET status = 'active', revoked_at = NULL, revoked_reason = NULL, revoked_by = NULL WHERE fingerprint = '\(Sample.signingKeyID)'",
            // A rogue key inserted as active.
            "UPDATE signing_keys SET status = 'retired', retired_at = 0 WHERE status = 'active'; INSERT INTO signing_keys (fingerprint, public_key, status, activated_at, activated_by) VALUES ('sha256:\(String(repeating: "1", count: 64))', 'AAAA', 'active', 0, 'x')",
            // A key's public half swapped under its fingerprint.
            "UPDATE signing_keys SET public_key = '/FHNjmIYoaONpH7QAjDwWAgW7RO6MwOsXeuRFUiQgCU=' WHERE fingerprint = '\(otherID)'",
            // A key's validity stretched.
            "UPDATE signing_keys SET activated_at = 0 WHERE fingerprint = '\(otherID)'",
            "DELETE FROM signing_keys WHERE fingerprint = '\(Sample.signingKeyID)'",
        ] {
            let (fixture, registry) = try registry(kind)
            try registry.recordCertificate(Sample.certificate("GOOD", issued: now, days: 30), actor: "engine", at: now)
            _ = try registry.activateSigningKey(publicKey: Sample.otherPublicKey, as: .rotation, actor: "s", at: now)
            _ = try registry.revokeSigningKey(Sample.signingKeyID, reason: "leaked", actor: "bob", at: now)
            #expect(try registry.verifyAudit().findings == [])
            try fixture.tamperAny(sql)
            let findings = try registry.verifyAudit().findings
            #expect(!findings.isEmpty, "\(sql)")
            #expect(findings.allSatisfy { $0.kind == .stateMismatch }, "\(sql): \(findings)")
            #expect(findings.contains { $0.message.contains("signing key") }, "\(sql): \(findings)")
        }
    }

    @Test("the trust bundle is deterministic, round-trips, and refuses edits and a wrong pin", arguments: StoreKind.all)
    func trustBundle(_ kind: StoreKind) throws {
        let (_, registry) = try registry(kind)
        _ = try registry.activateSigningKey(publicKey: Sample.otherPublicKey, as: .rotation, actor: "s", at: now)
        _ = try registry.revokeSigningKey(Sample.signingKeyID, reason: "leaked", actor: "bob", at: now)
        let keys = try registry.signingKeys()
        let text = try TrustBundle(keys: keys).fileText()
        #expect(try TrustBundle(keys: keys.reversed()).fileText() == text)
        #expect(!text.contains("bob"))
        let bytes = Array(text.utf8)
        let digest = ContentDigest.sha256(bytes)
        let read = try TrustBundle(bytes: bytes, pinnedDigest: digest)
        #expect(read.keys.map(\.fingerprint) == keys.map(\.fingerprint))
        #expect(read.keys.map(\.status) == [.revoked, .active])
        #expect(try read.fileText() == text)

        // The attack: mark the revoked key active again. The pin catches it; so does the format.
        let edited = text.replacingOccurrences(of: "\"status\": \"revoked\"", with: "\"status\": \"active\"")
        #expect(edited != text)
        #expect(throws: TrustBundle.Failure.self) { try TrustBundle(bytes: Array(edited.utf8), pinnedDigest: digest) }
        let laundered = try TrustBundle(
            keys: keys.map { key in
                var key = key
                if key.status == .revoked {
                    key.status = .retired
                    key.revocation = nil
                }
                return key
            }
        ).fileText()
        #expect(throws: TrustBundle.Failure.self) {
            try TrustBundle(bytes: Array(laundered.utf8), pinnedDigest: digest)
        }
        // A well-formed bundle that lies: only the pinned digest tells it from the real one.
        #expect((try? TrustBundle(bytes: Array(laundered.utf8))) != nil)
        for malformed in [
            "", "[]", "{\"charter_trust_bundle\": 2, \"keys\": []}",
            "{\"charter_trust_bundle\": 1, \"keys\": [], \"x\": 1}",
            text.replacingOccurrences(of: Sample.signingKeyID, with: "sha256:" + String(repeating: "a", count: 64)),
            edited,
        ] {
            #expect(throws: TrustBundle.Failure.self, "\(malformed)") { try TrustBundle(bytes: Array(malformed.utf8)) }
        }
    }
}
