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
        let result = CertificateVerifier(trustedKeys: [key.publicKey], now: now).verify(
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
        let verifier = CertificateVerifier(trustedKeys: [key.publicKey], now: now)
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

    @Test("a re-signed edit by another key is an unknown key; a certificate not in the catalogue is unknown")
    func unknownKeyAndID() throws {
        let directory = try CertificateFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let registry = try CertificateFixtures.registry(in: directory)
        let trusted = SigningKey.generate()
        let other = SigningKey.generate()
        let bytes = try CertificateFixtures.issue(CertificateFixtures.certificate(), key: other, registry: registry)
        let result = CertificateVerifier(trustedKeys: [trusted.publicKey], now: now).verify(
            fileBytes: bytes, registry: registry)
        #expect(result.findings.map(\.kind) == [.unknownKey])

        var stranger = CertificateFixtures.certificate(id: "cert-never-recorded")
        stranger.signature = .init(
            algorithm: "ed25519", keyID: trusted.publicKey.id,
            value: try trusted.sign(CertificateCodec.signingPayload(stranger)))
        let unknown = CertificateVerifier(trustedKeys: [trusted.publicKey], now: now)
            .verify(fileBytes: Array(try CertificateCodec.fileText(stranger).utf8), registry: registry)
        #expect(unknown.findings.map(\.kind) == [.catalogue])
        #expect(unknown.findings.first?.message.contains("not in the catalogue") == true)
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
        let result = CertificateVerifier(trustedKeys: [key.publicKey], now: now).verify(
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
        let atExpiry = CertificateVerifier(trustedKeys: [key.publicKey], now: CertificateFixtures.expires)
            .verify(fileBytes: bytes, registry: registry)
        #expect(atExpiry.findings.map(\.kind) == [.expired])
        let before = CertificateVerifier(
            trustedKeys: [key.publicKey], now: Timestamp(rfc3339: "2026-11-01T00:00:00Z")!
        ).verify(fileBytes: bytes, registry: registry)
        #expect(before.findings.map(\.kind) == [.validity])
    }

    @Test("unsigned, non-JSON and non-certificate files are reported, not crashed on")
    func malformed() throws {
        let directory = try CertificateFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let registry = try CertificateFixtures.registry(in: directory)
        let key = SigningKey.generate()
        let verifier = CertificateVerifier(trustedKeys: [key.publicKey], now: now)
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
