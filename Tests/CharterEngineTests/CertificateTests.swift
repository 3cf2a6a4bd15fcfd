import CharterCore
import CharterRegistry
import Foundation
import Testing

@testable import CharterEngine

@Suite("Certificates: canonical form, Ed25519 signature, expiry and the catalogue")
struct CertificateTests {
    let now = Timestamp(rfc3339: "2026-12-01T00:00:00Z")!

    @Test("the file round-trips: decoding gives the same certificate and the same bytes")
    func roundTrip() throws {
        let certificate = CertificateFixtures.certificate()
        let text = try CertificateCodec.fileText(certificate)
        let decoded = try CertificateCodec.decode(text)
        #expect(decoded == certificate)
        #expect(try CertificateCodec.fileText(decoded) == text)
        #expect(decoded.lineage.generator.seed == "18446744073709551615")
        #expect(text.contains("\"charter_certificate\": 1"))
    }

    @Test("the signing payload is canonical JSON without the signature")
    func payload() throws {
        var certificate = CertificateFixtures.certificate()
        let unsigned = try CertificateCodec.signingPayload(certificate)
        certificate.signature = .init(algorithm: "ed25519", keyID: "sha256:x", value: "AAAA")
        #expect(try CertificateCodec.signingPayload(certificate) == unsigned)
        let text = String(decoding: unsigned, as: UTF8.self)
        #expect(!text.contains("signature"))
        #expect(!text.contains("\n"))
        #expect(try JSONParser().parse(text).canonical() == text)
    }

    @Test("a signed, catalogued, unexpired certificate verifies")
    func valid() throws {
        let directory = try CertificateFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let registry = try CertificateFixtures.registry(in: directory)
        let key = SigningKey.generate()
        let bytes = try CertificateFixtures.issue(CertificateFixtures.certificate(), key: key, registry: registry)
        let result = CertificateVerifier(signingKeys: try registry.signingKeys(), now: now).verify(
            fileBytes: bytes, registry: registry)
        #expect(result.findings.isEmpty, "\(result.findings)")
        #expect(result.isValid)
        #expect(result.keyID == key.publicKey.id)
    }

    @Test("changing any single byte of the file makes verification fail")
    func editedBytes() throws {
        let directory = try CertificateFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let registry = try CertificateFixtures.registry(in: directory)
        let key = SigningKey.generate()
        let bytes = try CertificateFixtures.issue(CertificateFixtures.certificate(), key: key, registry: registry)
        let verifier = CertificateVerifier(signingKeys: try registry.signingKeys(), now: now)
        // Every 7th byte, plus the digits of a score: each edit must be caught.
        var positions = Array(stride(from: 0, to: bytes.count, by: 7))
        let text = String(decoding: bytes, as: UTF8.self)
        let score = try #require(text.range(of: "0.9714"))
        positions.append(text.utf8.distance(from: text.startIndex, to: score.lowerBound) + 5)
        for position in positions {
            var edited = bytes
            edited[position] = edited[position] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
            let result = verifier.verify(fileBytes: edited, registry: registry)
            #expect(!result.isValid, "byte \(position) edited but the certificate still verifies")
        }
        // A value edit that keeps the JSON valid fails the signature and the catalogue digest.
        var edited = bytes
        edited[positions.last!] = UInt8(ascii: "9")
        let result = verifier.verify(fileBytes: edited, registry: registry)
        #expect(result.findings.map(\.kind).contains(.signature))
        #expect(result.findings.map(\.kind).contains(.catalogue))
        #expect(!result.isUnreadable)
    }

    @Test("a certificate signed by a rogue key is refused by the catalogue and fails verification, online and offline")
    func rogueKey() throws {
        let directory = try CertificateFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let registry = try CertificateFixtures.registry(in: directory)
        let trusted = SigningKey.generate()
        let rogue = SigningKey.generate()
        _ = try CertificateFixtures.issue(CertificateFixtures.certificate(), key: trusted, registry: registry)
        let forged = CertificateFixtures.certificate(id: "cert-rogue")
        let bytes = try CertificateFixtures.sign(forged, key: rogue)
        #expect {
            try registry.recordCertificate(
                CertificateRecord(
                    id: forged.id, source: "gbsg2", tier: forged.tier, audience: "internal", consumers: ["oncology-ml"],
                    issuedAt: CertificateFixtures.issued, expiresAt: CertificateFixtures.expires,
                    digest: ContentDigest.sha256(bytes), keyID: rogue.publicKey.id),
                actor: "test", at: CertificateFixtures.issued)
        } throws: { error in
            (error as? RegistryError)?.description.contains("not a registry signing key") == true
        }
        let online = CertificateVerifier(signingKeys: try registry.signingKeys(), now: now)
            .verify(fileBytes: bytes, registry: registry)
        #expect(online.findings.map(\.kind) == [.unknownKey, .catalogue])
        let offline = CertificateVerifier(signingKeys: TrustBundle(keys: try registry.signingKeys()).keys, now: now)
            .verify(fileBytes: bytes, registry: nil)
        #expect(offline.findings.map(\.kind) == [.unknownKey])
        #expect(!offline.catalogueChecked)

        // A certificate signed by the trusted key but never catalogued is unknown to the catalogue.
        let stranger = try CertificateFixtures.sign(
            CertificateFixtures.certificate(id: "cert-never-recorded"), key: trusted)
        let unknown = CertificateVerifier(signingKeys: try registry.signingKeys(), now: now)
            .verify(fileBytes: stranger, registry: registry)
        #expect(unknown.findings.map(\.kind) == [.catalogue])
        #expect(unknown.findings.first?.message.contains("not in the catalogue") == true)
    }

    @Test("rotation keeps older certificates verifiable; revoking their key fails them, online and offline")
    func rotationAndRevocation() throws {
        let directory = try CertificateFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let registry = try CertificateFixtures.registry(in: directory)
        let first = SigningKey.generate()
        let older = try CertificateFixtures.issue(CertificateFixtures.certificate(), key: first, registry: registry)
        let rotatedAt = CertificateFixtures.issued.advanced(by: .seconds(3600))
        let second = SigningKey.generate()
        _ = try registry.activateSigningKey(
            publicKey: second.publicKey.base64, as: .rotation, actor: "security", at: rotatedAt)
        var laterCertificate = CertificateFixtures.certificate(id: "cert-test-0002")
        laterCertificate.issuedAt = rotatedAt.advanced(by: .seconds(60)).description
        let newer = try CertificateFixtures.issue(laterCertificate, key: second, registry: registry)

        func findings(_ bytes: [UInt8], offline: Bool) throws -> [CertificateFinding.Kind] {
            let keys = try registry.signingKeys()
            let verifier = CertificateVerifier(signingKeys: offline ? TrustBundle(keys: keys).keys : keys, now: now)
            return verifier.verify(fileBytes: bytes, registry: offline ? nil : registry).findings.map(\.kind)
        }
        for offline in [false, true] {
            #expect(try findings(older, offline: offline) == [], "offline \(offline)")
            #expect(try findings(newer, offline: offline) == [], "offline \(offline)")
        }
        // A retired key's signature on a certificate dated after its retirement is not trusted.
        var backdated = CertificateFixtures.certificate(id: "cert-after-retirement")
        backdated.issuedAt = rotatedAt.advanced(by: .seconds(60)).description
        let afterRetirement = try CertificateFixtures.sign(backdated, key: first)
        #expect(try findings(afterRetirement, offline: true) == [.untrustedKey])

        _ = try registry.revokeSigningKey(first.publicKey.id, reason: "key leaked", actor: "bob", at: now)
        for offline in [false, true] {
            #expect(try findings(older, offline: offline) == [.untrustedKey], "offline \(offline)")
            #expect(try findings(newer, offline: offline) == [], "offline \(offline)")
        }
        #expect(try registry.verifyAudit().isIntact)
    }

    @Test("the data file must be the one the certificate covers: an appended row fails")
    func dataDigest() throws {
        let directory = try CertificateFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let registry = try CertificateFixtures.registry(in: directory)
        let key = SigningKey.generate()
        let csv = "age,menostat\n52,post\n41,pre\n"
        var certificate = CertificateFixtures.certificate()
        certificate.lineage.synthetic.sha256 = ContentDigest.sha256(csv)
        let bytes = try CertificateFixtures.issue(certificate, key: key, registry: registry)
        let verifier = CertificateVerifier(signingKeys: try registry.signingKeys(), now: now)
        let good = verifier.verify(fileBytes: bytes, registry: registry, data: Array(csv.utf8))
        #expect(good.isValid && good.dataChecked, "\(good.findings)")
        let appended = verifier.verify(fileBytes: bytes, registry: registry, data: Array((csv + "60,post\n").utf8))
        #expect(appended.findings.map(\.kind) == [.data])
        #expect(appended.findings.first?.message.contains(certificate.lineage.synthetic.sha256) == true)
    }

    @Test("a revoked certificate fails, naming who revoked it and why")
    func revoked() throws {
        let directory = try CertificateFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let registry = try CertificateFixtures.registry(in: directory)
        let key = SigningKey.generate()
        let bytes = try CertificateFixtures.issue(CertificateFixtures.certificate(), key: key, registry: registry)
        _ = try registry.revokeCertificate(
            "cert-test-0001", reason: "source withdrawn", actor: "bob@hospital.example", at: now)
        let result = CertificateVerifier(signingKeys: try registry.signingKeys(), now: now).verify(
            fileBytes: bytes, registry: registry)
        #expect(result.findings.map(\.kind) == [.revoked])
        #expect(result.findings.first?.message.contains("source withdrawn") == true)
    }

    @Test("an expired certificate fails; one not yet issued fails")
    func expiry() throws {
        let directory = try CertificateFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let registry = try CertificateFixtures.registry(in: directory)
        let key = SigningKey.generate()
        let bytes = try CertificateFixtures.issue(CertificateFixtures.certificate(), key: key, registry: registry)
        let atExpiry = CertificateVerifier(signingKeys: try registry.signingKeys(), now: CertificateFixtures.expires)
            .verify(fileBytes: bytes, registry: registry)
        #expect(atExpiry.findings.map(\.kind) == [.expired])
        let before = CertificateVerifier(
            signingKeys: try registry.signingKeys(), now: Timestamp(rfc3339: "2026-11-01T00:00:00Z")!
        ).verify(fileBytes: bytes, registry: registry)
        #expect(before.findings.map(\.kind) == [.validity])
    }

    @Test("unsigned, non-JSON and non-certificate files are reported, not crashed on")
    func malformed() throws {
        let directory = try CertificateFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let registry = try CertificateFixtures.registry(in: directory)
        let verifier = CertificateVerifier(signingKeys: try registry.signingKeys(), now: now)
        for bytes in [
            [], Array("{".utf8), Array("[1,2]".utf8), Array("{\"charter_certificate\": 2}".utf8), [0xFF, 0xFE],
        ] {
            let result = verifier.verify(fileBytes: bytes, registry: registry)
            #expect(result.isUnreadable, "\(bytes)")
        }
        let missing = verifier.verify(
            fileBytes: Array("{\"charter_certificate\": 1, \"id\": \"x\"}".utf8), registry: registry)
        #expect(missing.isUnreadable)
        #expect(missing.findings.first?.message.contains("missing") == true)
        let unsigned = Array(try CertificateCodec.fileText(CertificateFixtures.certificate()).utf8)
        #expect(verifier.verify(fileBytes: unsigned, registry: registry).findings.map(\.kind).contains(.signature))
    }

    @Test("the signing key is created 0600 with its public key beside it, then read back; an open key is refused")
    func keyFile() throws {
        let directory = try CertificateFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("keys/signing-key").path
        let (created, isNew) = try SigningKey.loadOrCreate(at: path)
        #expect(isNew)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let (again, isNewAgain) = try SigningKey.loadOrCreate(at: path)
        #expect(!isNewAgain)
        #expect(again.publicKey == created.publicKey)
        #expect(try VerificationKey.load(at: path + ".pub") == created.publicKey)
        #expect(created.publicKey.id.hasPrefix("sha256:"))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(throws: SigningKey.Failure.self) { try SigningKey.load(at: path) }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        try Data("not base64!".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: SigningKey.Failure.self) { try SigningKey.load(at: path) }
        #expect(throws: SigningKey.Failure.self) { try SigningKey(rawRepresentation: [1, 2, 3]) }
    }
}
