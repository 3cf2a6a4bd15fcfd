import CharterCore
import CharterTestSupport
import CharterYAML
import Foundation
import Testing

/// `grammar/policy.schema.json` and `grammar/request.schema.json` (for editors, through
/// yaml-language-server) accept every policy and request we ship, and reject broken ones. Judged by
/// Python's jsonschema (Draft 2020-12), an independent implementation.
@Suite("JSON Schemas", .requiresPython("jsonschema"))
struct JSONSchemaTests {
    static let root = Fixtures.packageRoot

    /// Every YAML file under the folders, relative to the package root.
    static func yamlFiles(under folders: [String]) -> [String] {
        folders.flatMap { folder -> [String] in
            let enumerator = FileManager.default.enumerator(atPath: root.appendingPathComponent(folder).path)
            var files: [String] = []
            while let path = enumerator?.nextObject() as? String {
                if path.hasSuffix(".yaml") || path.hasSuffix(".yml") { files.append("\(folder)/\(path)") }
            }
            return files.sorted()
        }
    }

    /// Validates each (schema, document) pair; returns the files that failed, with the reasons.
    static func validate(_ files: [String]) throws -> [String: String] {
        var cases: [JSONValue] = []
        for file in files {
            let stream = try YAMLParser().parse(
                try [UInt8](Data(contentsOf: root.appendingPathComponent(file))), file: file)
            for document in stream.documents {
                let json = try #require(document.root.jsonValue)
                guard case .string(let kind) = json["kind"] else { continue }
                let schema = kind == "policy" ? "policy" : kind == "generation-request" ? "request" : nil
                guard let schema else { continue }
                cases.append(.array([.string(file), .string("grammar/\(schema).schema.json"), json]))
            }
        }
        let input = FileManager.default.temporaryDirectory.appendingPathComponent(
            "charter-schema-\(UUID().uuidString).json")
        try JSONValue.array(cases).canonical().write(to: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: input) }
        let script = """
            import json, sys, jsonschema
            root, cases = sys.argv[1], json.load(open(sys.argv[2]))
            for file, schema_path, document in cases:
                schema = json.load(open(root + "/" + schema_path))
                jsonschema.Draft202012Validator.check_schema(schema)
                errors = sorted(e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(document))
                if errors: print(file + "\\t" + " | ".join(errors))
            """
        let (status, output) = try Python.run(script, arguments: [root.path, input.path])
        #expect(status == 0, "\(output)")
        var failures: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 1)
            if parts.count == 2 { failures[String(parts[0])] = String(parts[1]) }
        }
        return failures
    }

    @Test("every policy and request under policies/ and examples/ validates")
    func shippedFilesValidate() throws {
        let files = Self.yamlFiles(under: ["policies", "examples"])
        #expect(files.count >= 3)
        let failures = try Self.validate(files)
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test("broken policies are rejected by the schema too")
    func brokenFilesFail() throws {
        let broken = [
            "unknown-top-key", "unknown-control", "wrong-type-epsilon-string", "k-one", "unknown-generator",
            "epsilon-zero",
            "ratio-above-one", "negative-duration", "duration-without-unit", "unknown-enforcement", "rule-two-effects",
            "empty-role", "yaml11-boolean-required",
        ].map { "Tests/CharterPolicyTests/Fixtures/broken/\($0).yaml" }
        let failures = try Self.validate(broken)
        for file in broken {
            #expect(failures[file] != nil, "\(file) passed the schema")
        }
    }
}
