public import CharterCore
public import CharterYAML

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Builds ``PolicyTestSuite``s from `kind: policy-test` documents, with a located diagnostic for
/// every unknown key, wrong type, missing field, unreadable request file and bad override path.
///
/// A case's request is a path (relative to the test file), an inline mapping, or a path plus
/// `overrides` (`{dotted.path: value}`), applied to the request's YAML before it is loaded, so
/// the loaded request has the same checks and locations as any other.
public struct PolicyTestLoader: Sendable {
    static let suiteKeys = ["charter", "kind", "policy", "now", "cases"]
    static let caseKeys = ["name", "request", "overrides", "expect"]
    static let expectKeys = ["decision", "tier", "violations", "missing_approvals"]

    /// Reads a file's bytes, or `nil` when it cannot be read.
    public typealias FileReader = @Sendable (String) -> [UInt8]?

    let readFile: FileReader

    /// A loader that reads request files with `readFile`.
    public init(readFile: @escaping FileReader) {
        self.readFile = readFile
    }

    /// Whether `bytes` hold a `kind: policy-test` document; a file that is not YAML at all is
    /// a failure (its diagnostic), so that a broken test file is never skipped silently.
    public static func isPolicyTest(file: String, bytes: [UInt8]) -> Result<Bool, YAMLError> {
        do {
            let stream = try YAMLParser().parse(bytes, file: file)
            return .success(stream.documents.contains { $0.root["kind"]?.scalar?.value == .string("policy-test") })
        } catch {
            return .failure(error)
        }
    }

    /// Parses `bytes` and loads every `kind: policy-test` document in them.
    public func load(file: String, bytes: [UInt8]) -> (suites: [PolicyTestSuite], diagnostics: [Diagnostic]) {
        let stream: YAMLStream
        do {
            stream = try YAMLParser().parse(bytes, file: file)
        } catch {
            return ([], [error.diagnostic])
        }
        var diagnostics = stream.warnings
        var suites: [PolicyTestSuite] = []
        for document in stream.documents {
            guard let kind = PolicyLinter.documentKind(document.root, &diagnostics) else { continue }
            guard kind == "policy-test" else {
                diagnostics.append(
                    .error(
                        .policyDocument, "expected a policy-test, found kind '\(kind)'",
                        at: document.root["kind"]?.location ?? document.root.location))
                continue
            }
            let reader = DocumentReader(source: stream.source)
            let suite = SuiteBuilder(reader: reader, file: file, readFile: readFile).suite(document.root)
            diagnostics += reader.diagnostics
            if let suite { suites.append(suite) }
        }
        if stream.documents.isEmpty {
            diagnostics.append(.error(.policyDocument, "the file holds no document", at: .file(file)))
        }
        return (suites, diagnostics.sorted())
    }

    /// The path of `reference` written in `file`: absolute as is, else relative to its folder.
    public static func resolve(_ reference: String, from file: String) -> String {
        if reference.hasPrefix("/") { return reference }
        let folder = file.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        return folder.isEmpty ? reference : folder + "/" + reference
    }
}

private struct SuiteBuilder {
    let reader: DocumentReader
    let file: String
    let readFile: PolicyTestLoader.FileReader

    func suite(_ node: YAMLNode) -> PolicyTestSuite? {
        guard
            let fields = reader.mapping(
                node, "the policy test", known: PolicyTestLoader.suiteKeys, required: ["cases"])
        else { return nil }
        let policy = fields["policy"].flatMap { reader.string($0, "policy") }
        let now = fields["now"].flatMap { reader.date($0, "now") }
        var cases: [PolicyTestCase] = []
        if let list = fields["cases"] {
            if let items = list.sequence {
                if items.isEmpty {
                    reader.report(.error(.policyTestCases, "the policy test has no cases", at: list.location))
                }
                var seen: [String: SourceLocation] = [:]
                for item in items {
                    guard let testCase = testCase(item) else { continue }
                    if let first = seen[testCase.name.value] {
                        reader.report(
                            .error(
                                .policyTestCases, "two cases are named '\(testCase.name.value)'",
                                at: testCase.name.location, related: [.init(first, "first named here")]))
                    }
                    seen[testCase.name.value] = testCase.name.location
                    cases.append(testCase)
                }
            } else {
                reader.wrongType(list, expected: "a sequence of cases", context: "cases")
            }
        }
        return PolicyTestSuite(file: file, policy: policy, now: now, cases: cases, location: node.location)
    }

    func testCase(_ node: YAMLNode) -> PolicyTestCase? {
        guard
            let fields = reader.mapping(
                node, "a test case", known: PolicyTestLoader.caseKeys, required: ["name", "request", "expect"])
        else { return nil }
        let name = fields["name"].flatMap { reader.string($0, "name") }
        let expect = fields["expect"].flatMap(expectation)
        let request = fields["request"].flatMap { self.request($0, overrides: fields["overrides"]) }
        guard let name, let expect, let request else { return nil }
        return PolicyTestCase(name: name, request: request, expect: expect, location: node.location)
    }

    func expectation(_ node: YAMLNode) -> PolicyTestExpectation? {
        guard
            let fields = reader.mapping(
                node, "expect", known: PolicyTestLoader.expectKeys, required: ["decision"])
        else { return nil }
        let decision = fields["decision"].flatMap {
            reader.enumeration($0, "expect.decision", values: ["allow", "deny", "pending"])
        }
        let tier = fields["tier"].flatMap { reader.string($0, "expect.tier") }
        let violations = fields["violations"].flatMap { node in
            reader.stringList(node, "expect.violations").map { Located($0.map(\.value), at: node.location) }
        }
        let missing = fields["missing_approvals"].flatMap { node in
            reader.stringList(node, "expect.missing_approvals").map { Located($0.map(\.value), at: node.location) }
        }
        guard let decision, let outcome = Decision.Outcome(rawValue: decision.value) else { return nil }
        return PolicyTestExpectation(
            decision: Located(outcome, at: decision.location), tier: tier, violations: violations,
            missingApprovals: missing)
    }

    /// The request: inline, or read from a file with the overrides applied to its YAML.
    func request(_ node: YAMLNode, overrides: YAMLNode?) -> GenerationRequest? {
        var root: YAMLNode
        var source = reader.source
        if node.mapping != nil {
            root = node
        } else if let path = reader.string(node, "request") {
            let resolved = PolicyTestLoader.resolve(path.value, from: file)
            guard let bytes = readFile(resolved) else {
                reader.report(
                    .error(
                        .policyTestRequestUnreadable, "cannot read the request file \"\(resolved)\"",
                        at: path.location))
                return nil
            }
            let stream: YAMLStream
            do {
                stream = try YAMLParser().parse(bytes, file: resolved)
            } catch {
                reader.report(
                    .error(
                        .policyTestRequestUnreadable, "cannot parse the request file \"\(resolved)\"",
                        at: path.location, notes: [error.diagnostic.message]))
                return nil
            }
            guard stream.documents.count == 1, let document = stream.documents.first else {
                reader.report(
                    .error(
                        .policyTestRequestUnreadable,
                        "the request file \"\(resolved)\" holds \(stream.documents.count) documents; a case takes one",
                        at: path.location))
                return nil
            }
            root = document.root
            source = stream.source
        } else {
            return nil
        }
        if let overrides {
            guard let pairs = overrides.mapping else {
                reader.wrongType(overrides, expected: "a mapping of dotted paths to values", context: "overrides")
                return nil
            }
            for pair in pairs {
                guard case .string(let path) = pair.key.scalar?.value, !path.isEmpty else {
                    reader.report(.error(.policyTestOverridePath, "an override path is a dotted name", at: pair.key.location))
                    return nil
                }
                let components = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                guard !components.contains(""), let replaced = Self.set(components, to: pair.value, in: root) else {
                    reader.report(
                        .error(
                            .policyTestOverridePath,
                            "override '\(path)' does not name a field inside a mapping of the request",
                            at: pair.key.location))
                    return nil
                }
                root = replaced
            }
        }
        let loaded = RequestLoader().load(root, source: source)
        let errors = loaded.diagnostics.filter { $0.severity == .error }
        guard errors.isEmpty, let request = loaded.request else {
            reader.report(
                .error(
                    .policyTestRequestInvalid, "the case's request is not a valid generation request",
                    at: node.location, notes: errors.map { ($0.location.map { "\($0): " } ?? "") + $0.message }))
            return nil
        }
        return request
    }

    /// `root` with the value at `path` replaced (or added, when only the last key is new); `nil`
    /// when a step on the way is not a mapping or does not exist.
    static func set(_ path: [String], to value: YAMLNode, in root: YAMLNode) -> YAMLNode? {
        guard let key = path.first, var pairs = root.mapping else { return nil }
        let index = pairs.firstIndex { $0.key.scalar?.value == .string(key) }
        if path.count == 1 {
            if let index {
                pairs[index].value = value
            } else {
                pairs.append(
                    YAMLPair(key: YAMLNode(.scalar(YAMLScalar(text: key, style: .plain, value: .string(key))), location: value.location), value: value))
            }
        } else {
            guard let index, let inner = set(Array(path.dropFirst()), to: value, in: pairs[index].value) else {
                return nil
            }
            pairs[index].value = inner
        }
        return YAMLNode(.mapping(pairs), tag: root.tag, anchor: root.anchor, location: root.location)
    }
}
