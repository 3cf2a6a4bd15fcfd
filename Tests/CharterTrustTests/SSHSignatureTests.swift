import CharterCore
import CharterTestSupport
import Foundation
import Testing

@testable import CharterTrust

/// SSHSIG, OpenSSH keys and allowed-signers files, checked against what OpenSSH's `ssh-keygen`
/// wrote (`Fixtures/README.md`).
@Suite struct SSHSignatureTests {
    static func fixture(_ name: String) throws -> String {
        try String(contentsOf: Fixtures.url("Tests/CharterTrustTests/Fixtures/\(name)"), encoding: .utf8)
    }

    static let message = Array("charter-approval test message\n".utf8)
    static let carol = try! Identity("carol@hospital.example")
    static let bob = try! Identity("bob@hospital.example")
    static let day = Timestamp(secondsSinceEpoch: 1_795_000_000)

    @Test func verifiesOpenSSHEd25519AndECDSASignatures() throws {
        let signers = try AllowedSigners(text: try Self.fixture("allowed-signers"))
        for (file, person) in [("message.carol.sig", Self.carol), ("message.bob.sig", Self.bob)] {
            let signature = try SSHSignature(armoured: try Self.fixture(file))
            #expect(signature.hashAlgorithm == "sha512")
            #expect(signature.isValid(for: Self.message, namespace: "charter-approval"))
            #expect(!signature.isValid(for: Self.message + [0x0A], namespace: "charter-approval"))
            #expect(!signature.isValid(for: Self.message, namespace: "charter-policy"))
            #expect(
                signers.refusal(of: signature.publicKey, for: person, namespace: "charter-approval", at: [Self.day]) == nil)
        }
    }

    @Test func fingerprintMatchesSSHKeygen() throws {
        let key = try SSHPublicKey(openSSH: try Self.fixture("carol-ed25519.pub"))
        // `ssh-keygen -Y verify` printed this fingerprint for the key (Fixtures/README.md).
        #expect(key.fingerprint == "SHA256:NFwNDie0zYgjON8OCmG08NZsZxkjeDi/0ApjlO98Ay0")
    }

    @Test func aKeyMaySignOnlyForItsPrincipalsAndNamespaces() throws {
        let signers = try AllowedSigners(text: try Self.fixture("allowed-signers"))
        let carolSignature = try SSHSignature(armoured: try Self.fixture("message.carol.sig"))
        #expect(
            signers.refusal(of: carolSignature.publicKey, for: Self.bob, namespace: "charter-approval", at: [Self.day])
                == .keyNotAllowed(signer: Self.bob, fingerprint: carolSignature.publicKey.fingerprint))
        let otherNamespace = try SSHSignature(armoured: try Self.fixture("message.carol-file-namespace.sig"))
        #expect(otherNamespace.namespace == "file")
        #expect(!otherNamespace.isValid(for: Self.message, namespace: "charter-approval"))
        #expect(
            signers.refusal(of: otherNamespace.publicKey, for: Self.carol, namespace: "file", at: [Self.day])
                == .namespaceNotAllowed(namespace: "file"))
    }

    @Test func signsAsSSHKeygenDoesWithAnUnencryptedKey() throws {
        let key = try SSHPrivateKey(openSSH: try Self.fixture("carol-ed25519"))
        #expect(key.publicKey == (try SSHPublicKey(openSSH: try Self.fixture("carol-ed25519.pub"))))
        let signature = try SSHSignature.sign(Self.message, namespace: "charter-approval", with: key)
        // Ed25519 is deterministic: the same key, namespace, hash and message give OpenSSH's bytes.
        #expect(signature.armoured.filter { !$0.isWhitespace } == (try Self.fixture("message.carol.sig")).filter { !$0.isWhitespace })
        let reread = try SSHSignature(armoured: signature.armoured)
        #expect(reread.isValid(for: Self.message, namespace: "charter-approval"))
    }

    @Test func refusesEncryptedUnsupportedAndTamperedInput() throws {
        #expect(throws: SSHFormatError.self) { try SSHPrivateKey(openSSH: try Self.fixture("encrypted-ed25519")) }
        do {
            _ = try SSHPrivateKey(openSSH: try Self.fixture("encrypted-ed25519"))
        } catch let error as SSHFormatError {
            #expect(error.message.contains("ssh-keygen -Y sign"))
        }
        #expect(throws: SSHFormatError.self) { try SSHPublicKey(openSSH: try Self.fixture("rsa-unsupported.pub")) }
        #expect(throws: SSHFormatError.self) { try SSHSignature(armoured: "not a signature") }
        // One flipped byte in the signature bytes: still parses, no longer verifies.
        let armoured = try Self.fixture("message.carol.sig")
        var blob = try SSHArmour.decode(armoured, label: "SSH SIGNATURE")
        blob[blob.count - 5] ^= 0x01
        let tampered = try SSHSignature(armoured: SSHArmour.encode(blob, label: "SSH SIGNATURE"))
        #expect(!tampered.isValid(for: Self.message, namespace: "charter-approval"))
        // Truncated and hostile lengths are errors, never crashes.
        for cut in [6, 10, 40, blob.count - 1] {
            #expect(throws: SSHFormatError.self) {
                try SSHSignature(armoured: SSHArmour.encode(Array(blob.prefix(cut)), label: "SSH SIGNATURE"))
            }
        }
        var huge = Array("SSHSIG".utf8) + [0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF]
        huge += [UInt8](repeating: 0, count: 16)
        #expect(throws: SSHFormatError.self) { try SSHSignature(armoured: SSHArmour.encode(huge, label: "SSH SIGNATURE")) }
    }

    @Test func allowedSignersRefusesPatternsCertificateAuthoritiesAndLookAlikes() throws {
        let key = try Self.fixture("carol-ed25519.pub").split(separator: " ").prefix(2).joined(separator: " ")
        for bad in [
            "*@hospital.example \(key)", "carol@hospital.example cert-authority \(key)",
            "carol@hospital.example frobnicate=\"1\" \(key)", "\u{0441}arol@hospital.example \(key)",
            "group:risk-committee \(key)", "carol@hospital.example valid-before=\"2026\" \(key)",
        ] {
            #expect(throws: SSHFormatError.self, "\(bad)") { try AllowedSigners(text: bad) }
        }
        let signers = try AllowedSigners(
            text: "# comment\n\n Carol+ci@Hospital.Example. valid-after=\"20260101\",valid-before=\"20261201Z\" \(key)\n")
        let entry = try #require(signers.entries.first)
        #expect(entry.principals == [Self.carol])
        let inside = Timestamp(secondsSinceEpoch: 1_780_000_000)  // 2026-05-28
        let after = Timestamp(secondsSinceEpoch: 1_796_000_000)  // 2026-11-30 … 2026-12-01 is the bound
        #expect(signers.refusal(of: entry.key, for: Self.carol, namespace: "charter-approval", at: [inside]) == nil)
        #expect(
            signers.refusal(of: entry.key, for: Self.carol, namespace: "charter-approval", at: [inside, after.advanced(by: .seconds(200_000))])
                == .notValid(at: after.advanced(by: .seconds(200_000)), line: 3))
    }

    @Test func matchesSSHKeygenLiveWhenInstalled() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-keygen") else {
            #expect(
                ProcessInfo.processInfo.environment["CHARTER_REQUIRE_SSH_KEYGEN"] != "1",
                "CHARTER_REQUIRE_SSH_KEYGEN=1 but /usr/bin/ssh-keygen is not installed")
            print("skipped: /usr/bin/ssh-keygen is not installed (the committed signatures still ran)")
            return
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("charter-sshsig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let keyFile = folder.appendingPathComponent("key")
        try run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "live", "-f", keyFile.path])
        let message = folder.appendingPathComponent("statement")
        try Data("a statement with ümlauts\n".utf8).write(to: message)
        try run("/usr/bin/ssh-keygen", ["-Y", "sign", "-q", "-f", keyFile.path, "-n", "charter-approval", message.path])
        let theirs = try SSHSignature(armoured: String(contentsOf: URL(fileURLWithPath: message.path + ".sig"), encoding: .utf8))
        #expect(theirs.isValid(for: Array(try Data(contentsOf: message)), namespace: "charter-approval"))
        // And OpenSSH verifies what Charter signs.
        let key = try SSHPrivateKey(openSSH: String(contentsOf: keyFile, encoding: .utf8))
        let ours = try SSHSignature.sign(Array(try Data(contentsOf: message)), namespace: "charter-approval", with: key)
        try Data(ours.armoured.utf8).write(to: URL(fileURLWithPath: message.path + ".ours"))
        try Data("live@hospital.example \(key.publicKey.openSSH)\n".utf8).write(to: folder.appendingPathComponent("signers"))
        try run(
            "/usr/bin/ssh-keygen",
            ["-Y", "verify", "-f", folder.appendingPathComponent("signers").path, "-I", "live@hospital.example",
             "-n", "charter-approval", "-s", message.path + ".ours"], stdin: message)
    }

    private func run(_ tool: String, _ arguments: [String], stdin: URL? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        if let stdin { process.standardInput = try FileHandle(forReadingFrom: stdin) }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(tool) \(arguments.joined(separator: " "))")
    }
}
