import CharterCore
import CharterStats
import CharterTestSupport
import Foundation
import Testing

@testable import CharterEngine

/// `grammar/certificate.schema.json` accepts the certificates Charter writes and rejects broken
/// ones, judged by Python's jsonschema (Draft 2020-12).
@Suite("Certificate JSON Schema", .requiresPython("jsonschema"))
struct CertificateSchemaTests {
    static let root = Fixtures.packageRoot

    /// The schema's error messages for each document (empty: valid).
    static func errors(_ documents: [JSONValue]) throws -> [String] {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent(
            "charter-cert-\(UUID().uuidString).json")
        try JSONValue.array(documents).canonical().write(to: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: input) }
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1] + "/grammar/certificate.schema.json"))
            jsonschema.Draft202012Validator.check_schema(schema)
            for document in json.load(open(sys.argv[2])):
                errors = sorted(e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(document))
                print(" | ".join(errors) if errors else "valid")
            """
        let (status, output) = try Python.run(script, arguments: [root.path, input.path])
        #expect(status == 0, "\(output)")
        return output.split(separator: "\n").map(String.init)
    }

    @Test("a signed certificate validates; broken ones do not")
    func schema() throws {
        var certificate = CertificateFixtures.certificate()
        // A utility interval widened by the parametric bootstrap of a DP fit records its refits.
        if let index = certificate.gates.firstIndex(where: { $0.check == "tstr.ratio_min" }) {
            certificate.gates[index].uncertainty = Uncertainty(
                estimate: 0.9714, lower: 0.8, upper: 1.14, level: 0.95,
                method: "DeLong; Rubin + parametric bootstrap of the DP fit", draws: 3, seed: 7, replicates: 12)
        }
        let key = SigningKey.generate()
        certificate.signature = .init(
            algorithm: "ed25519", keyID: key.publicKey.id,
            value: try key.sign(CertificateCodec.signingPayload(certificate)))
        let valid = try CertificateCodec.json(certificate)
        var unsigned = valid.objectValue ?? [:]
        unsigned["signature"] = nil
        var badDigest = valid.objectValue ?? [:]
        badDigest["plan_digest"] = "sha256:XYZ"
        var extra = valid.objectValue ?? [:]
        extra["comment"] = "added later"
        let gates = valid.objectValue?["gates"]?.arrayValue ?? []
        #expect(gates.contains { $0.objectValue?["uncertainty"]?.objectValue?["replicates"] == .integer(12) })
        let results = try Self.errors([valid, .object(unsigned), .object(badDigest), .object(extra)])
        #expect(results.count == 4)
        #expect(results.first == "valid")
        for result in results.dropFirst() { #expect(result != "valid") }
    }
}
