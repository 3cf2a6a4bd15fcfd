public import CharterCore
public import CharterPolicy

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// `test`: every `kind: policy-test` file under a path run against its policy, with behavioural
/// coverage (tiers selected, rules applied, condition branches seen) per policy.
///
/// Each test file names its policy (`policy:`, relative to the file; default the path tested), read
/// with ``PolicySelection``, and its date (`now:`; default the date handed in). Other YAML files
/// under the path (policies, requests) are skipped.
public struct PolicyTestRun: Sendable {
    /// The coverage of one policy's tests.
    public struct CoveredPolicy: Sendable {
        /// The policy's name and the path it was selected from: `reference (policies)`.
        public var policy: String
        /// What its tests covered.
        public var coverage: PolicyCoverage

        /// Whether tier and rule coverage are at least `minimum` (a fraction from 0 to 1).
        public func meets(_ minimum: Decimal) -> Bool {
            coverage.tiers.meets(minimum) && coverage.rules.meets(minimum)
        }
    }

    /// The policy-test files run, in order.
    public var files: [String] = []
    /// Every case's result, file by file.
    public var results: [PolicyTestResult] = []
    /// Coverage per policy, in the order the policies were first tested.
    public var coverages: [CoveredPolicy] = []
    /// Why files could not be read or run (errors only; exit 2 whatever else happened).
    public var diagnostics: [Diagnostic] = []
    /// The texts read, by path, for rendering diagnostics.
    public var sources: [String: String] = [:]

    /// Runs the policy tests under `path` in `store`; a file without `now:` is run at `defaultNow`.
    public init(path: String, defaultNow: CalendarDate, in store: any InputStore) {
        let inputs = InputFileSet(paths: [path], extensions: ["yaml", "yml"], in: store)
        diagnostics = inputs.problems
        var runners: [(path: String, runner: PolicyTestRunner, results: [PolicyTestResult])] = []
        var selections: [String: PolicySelection] = [:]
        let loader = PolicyTestLoader { file in store.contents(of: file) }
        for file in inputs.files {
            let bytes: [UInt8]
            switch store.read(file) {
            case .failure(let error):
                diagnostics.append(error.diagnostic)
                continue
            case .success(let read): bytes = read
            }
            switch PolicyTestLoader.isPolicyTest(file: file, bytes: bytes) {
            case .failure(let error):
                diagnostics.append(error.diagnostic)
                sources[file] = String(decoding: bytes, as: UTF8.self)
                continue
            case .success(false): continue
            case .success(true): break
            }
            files.append(file)
            sources[file] = String(decoding: bytes, as: UTF8.self)
            let loaded = loader.load(file: file, bytes: bytes)
            let errors = loaded.diagnostics.filter { $0.severity == .error }
            diagnostics += errors
            guard errors.isEmpty else { continue }
            for suite in loaded.suites {
                let policyPath = suite.policy.map { PolicyTestLoader.resolve($0.value, from: file) } ?? path
                let selection = selections[policyPath] ?? PolicySelection(path: policyPath, in: store)
                selections[policyPath] = selection
                guard let policy = selection.policy else {
                    diagnostics += selection.diagnostics
                    sources.merge(selection.sources) { first, _ in first }
                    continue
                }
                let index: Int
                if let known = runners.firstIndex(where: { $0.path == policyPath }) {
                    index = known
                } else {
                    // Cases state approvals, not signatures: they test the policy's logic, with its groups.
                    let runner = PolicyTestRunner(policy: policy, directory: selection.identities.directory)
                    runners.append((policyPath, runner, []))
                    index = runners.count - 1
                }
                let found = runners[index].runner.run(suite, defaultNow: defaultNow)
                runners[index].results += found
                results += found
            }
        }
        if files.isEmpty, diagnostics.isEmpty {
            diagnostics.append(.error(.noInputs, "no kind: policy-test files under \"\(path)\"", at: nil))
        }
        coverages = runners.map { entry in
            CoveredPolicy(
                policy: entry.runner.policy.name.value + " (" + entry.path + ")",
                coverage: entry.runner.coverage(of: entry.results))
        }
    }

    /// The cases that failed.
    public var failed: [PolicyTestResult] { results.filter { !$0.passed } }

    /// Whether every policy's tier and rule coverage is at least `minimum` (always, without one).
    public func meetsCoverage(_ minimum: Decimal?) -> Bool {
        minimum.map { minimum in coverages.allSatisfy { $0.meets(minimum) } } ?? true
    }
}

extension PolicyTestRun {
    /// The run as JSON: each case with its decision and mismatches, each policy's coverage as exact
    /// fractions, and whether it meets `minimum` (`null` without one).
    public func json(minimum: Decimal?) -> JSONValue {
        func fraction(_ value: CoverageFraction) -> JSONValue {
            .object([
                "covered": .integer(value.covered), "total": .integer(value.total),
                "fraction": .string(value.description),
            ])
        }
        return .object([
            "cases": .array(
                results.map { result in
                    .object([
                        "name": .string(result.name), "file": .string(result.file),
                        "location": .string(result.location.description), "passed": .bool(result.passed),
                        "decision": .string(result.decision.outcome.rawValue),
                        "tier": result.decision.tier.map { .string($0.value) } ?? .null,
                        "mismatches": .array(
                            result.mismatches.map {
                                .object([
                                    "field": .string($0.field), "expected": .string($0.expected),
                                    "actual": .string($0.actual), "location": .string($0.location.description),
                                ])
                            }),
                    ])
                }),
            "coverage": .array(
                coverages.map { covered in
                    let coverage = covered.coverage
                    return .object([
                        "policy": .string(covered.policy), "tiers": fraction(coverage.tiers),
                        "rules": fraction(coverage.rules),
                        "conditions": .array(
                            coverage.conditions.map {
                                .object([
                                    "subject": .string($0.subject), "branches": fraction($0.branches),
                                    "unobserved": .array($0.unobserved.map { .string($0) }),
                                ])
                            }),
                        "meets_minimum": minimum.map { .bool(covered.meets($0)) } ?? .null,
                    ])
                }),
            "passed": .integer(results.count - failed.count),
            "failed": .integer(failed.count),
        ])
    }

    /// JUnit XML (Jenkins xUnit schema): one `<testsuite>` per test file, one `<testcase>` per case.
    public func junit() -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml +=
            "<testsuites name=\"charter test\" tests=\"\(results.count)\" failures=\"\(failed.count)\" errors=\"0\">\n"
        for file in files {
            let cases = results.filter { $0.file == file }
            let failures = cases.filter { !$0.passed }.count
            xml += "  <testsuite name=\"\(file.xmlEscaped)\" tests=\"\(cases.count)\" failures=\"\(failures)\""
            xml += " errors=\"0\" skipped=\"0\">\n"
            for result in cases {
                let open = "    <testcase name=\"\(result.name.xmlEscaped)\" classname=\"\(file.xmlEscaped)\""
                if result.passed {
                    xml += open + "/>\n"
                } else {
                    xml += open + ">\n"
                    xml += "      <failure type=\"\(DiagnosticCode.policyTestFailed.id)\""
                    xml += " message=\"\(result.failureMessage.xmlEscaped)\">"
                    xml += ("\(result.location): " + result.failureMessage).xmlEscaped + "</failure>\n"
                    xml += "    </testcase>\n"
                }
            }
            xml += "  </testsuite>\n"
        }
        xml += "</testsuites>\n"
        return xml
    }
}
