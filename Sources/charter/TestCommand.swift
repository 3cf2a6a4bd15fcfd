import ArgumentParser
import CharterCore
import CharterPolicy
import CharterWorkflow
import Foundation

/// `charter test [DIR]`: runs the `kind: policy-test` files under a folder against their policy,
/// with behavioural coverage.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run policy tests (kind: policy-test) and measure tier, rule and branch coverage.",
        discussion: """
            Each test file names its policy (`policy:`, relative to the file; default DIR) and its date \
            (`now:`; default --now, else today). Exit codes: 0 every case passes and coverage is met, \
            1 a case fails or coverage is below --coverage-min, 2 unreadable or malformed input.
            """
    )

    @Argument(help: "The folder (searched recursively) or file holding policy tests.")
    var directory: String = "policies"

    @Option(name: .customLong("coverage-min"), help: "The least tier and rule coverage, a fraction from 0 to 1.")
    var coverageMin: String?

    @Option(name: .long, help: "The evaluation date for files without `now:`, YYYY-MM-DD (default: today, UTC).")
    var now: String?

    @Option(name: .long, help: "Output format: text, json or junit.")
    var format: OutputFormat = .text

    func validate() throws {
        guard [.text, .json, .junit].contains(format) else {
            throw ValidationError("charter test writes text, json or junit")
        }
        if let coverageMin {
            guard let value = Decimal(string: coverageMin, locale: Locale(identifier: "en_US_POSIX")), value >= 0, value <= 1
            else { throw ValidationError("--coverage-min must be a number from 0 to 1") }
        }
    }

    func run() throws {
        let minimum = coverageMin.flatMap { Decimal(string: $0, locale: Locale(identifier: "en_US_POSIX")) }
        let defaultNow = try CommandLineContext.instant(now).date
        let run = PolicyTestRun(directory: directory, defaultNow: defaultNow)
        let coverageMet = minimum.map { min in run.coverages.allSatisfy { $0.coverage.tiers.meets(min) && $0.coverage.rules.meets(min) } } ?? true
        switch format {
        case .json: Terminal.write(try run.json(minimum: minimum).pretty())
        case .junit: Terminal.write(run.junit())
        default: Terminal.write(run.text(minimum: minimum))
        }
        if !run.diagnostics.isEmpty {
            let report = DiagnosticReport(
                tool: .charter, command: "test", files: run.files, diagnostics: run.diagnostics, sources: run.sources)
            FileHandle.standardError.write(Data(try report.rendered(as: .text, colors: false).utf8))
            throw ExitStatus.usageError.exitCode
        }
        if run.results.contains(where: { !$0.passed }) || !coverageMet { throw ExitStatus.denied.exitCode }
    }
}

/// Every test file under a folder loaded and run.
struct PolicyTestRun {
    var files: [String] = []
    var results: [PolicyTestResult] = []
    var coverages: [(policy: String, coverage: PolicyCoverage)] = []
    var diagnostics: [Diagnostic] = []
    var sources: [String: String] = [:]

    init(directory: String, defaultNow: CalendarDate) {
        let inputs = InputFileSet(paths: [directory], extensions: ["yaml", "yml"], in: FileSystemInputStore())
        diagnostics = inputs.problems
        var byPolicy: [String: (runner: PolicyTestRunner, results: [PolicyTestResult])] = [:]
        var policyOrder: [String] = []
        var selections: [String: PolicySelection] = [:]
        let loader = PolicyTestLoader { path in try? FileSystemInputStore().read(path).get() }
        for file in inputs.files {
            let bytes: [UInt8]
            switch FileSystemInputStore().read(file) {
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
                let path = suite.policy.map { PolicyTestLoader.resolve($0.value, from: file) } ?? directory
                let selection = selections[path] ?? PolicySelection(path: path, in: FileSystemInputStore())
                selections[path] = selection
                guard let policy = selection.policy else {
                    diagnostics += selection.diagnostics
                    sources.merge(selection.sources) { first, _ in first }
                    continue
                }
                if byPolicy[path] == nil {
                    byPolicy[path] = (PolicyTestRunner(policy: policy), [])
                    policyOrder.append(path)
                }
                let found = byPolicy[path]!.runner.run(suite, defaultNow: defaultNow)
                byPolicy[path]!.results += found
                results += found
            }
        }
        if files.isEmpty, diagnostics.isEmpty {
            diagnostics.append(.error(.noInputs, "no kind: policy-test files under \"\(directory)\"", at: nil))
        }
        coverages = policyOrder.map { path in
            let entry = byPolicy[path]!
            return (entry.runner.policy.name.value + " (" + path + ")", entry.runner.coverage(of: entry.results))
        }
    }

    func text(minimum: Decimal?) -> String {
        var out = ""
        for result in results {
            if result.passed {
                out += "PASS \(result.name) (\(result.location))\n"
            } else {
                out += "FAIL \(result.name) (\(result.location))\n"
                for mismatch in result.mismatches {
                    out += "  \(mismatch.field): expected \(mismatch.expected), actual \(mismatch.actual)"
                    out += "  [expected at \(mismatch.location)]\n"
                }
            }
        }
        let failed = results.filter { !$0.passed }.count
        out += "\n\(results.count - failed) passed, \(failed) failed\n"
        for (policy, coverage) in coverages {
            out += "\ncoverage of \(policy):\n"
            out += "  tiers \(coverage.tiers)" + (coverage.unselectedTiers.isEmpty ? "" : " (never selected: \(coverage.unselectedTiers.joined(separator: ", ")))") + "\n"
            out += "  rules \(coverage.rules)" + (coverage.unfiredRules.isEmpty ? "" : " (never applied: \(coverage.unfiredRules.joined(separator: ", ")))") + "\n"
            out += "  branches per condition (each and/or operand seen true and false):\n"
            for condition in coverage.conditions {
                out += "    \(condition.subject): \(condition.branches)"
                out += condition.unobserved.isEmpty ? "\n" : " (not seen: \(condition.unobserved.joined(separator: "; ")))\n"
            }
            if let minimum {
                let met = coverage.tiers.meets(minimum) && coverage.rules.meets(minimum)
                out += "  tier and rule coverage \(met ? "meets" : "is below") --coverage-min \(minimum)\n"
            }
        }
        return out
    }

    func json(minimum: Decimal?) throws -> JSONValue {
        func fraction(_ value: CoverageFraction) -> JSONValue {
            .object(["covered": .integer(value.covered), "total": .integer(value.total), "fraction": .string(value.description)])
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
                coverages.map { policy, coverage in
                    .object([
                        "policy": .string(policy), "tiers": fraction(coverage.tiers), "rules": fraction(coverage.rules),
                        "conditions": .array(
                            coverage.conditions.map {
                                .object([
                                    "subject": .string($0.subject), "branches": fraction($0.branches),
                                    "unobserved": .array($0.unobserved.map { .string($0) }),
                                ])
                            }),
                        "meets_minimum": minimum.map { .bool(coverage.tiers.meets($0) && coverage.rules.meets($0)) } ?? .null,
                    ])
                }),
            "passed": .integer(results.filter(\.passed).count),
            "failed": .integer(results.filter { !$0.passed }.count),
        ])
    }

    /// JUnit XML (Jenkins xUnit schema): one `<testsuite>` per test file, one `<testcase>` per case.
    func junit() -> String {
        let failures = results.filter { !$0.passed }.count
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"charter test\" tests=\"\(results.count)\" failures=\"\(failures)\" errors=\"0\">\n"
        for file in files {
            let cases = results.filter { $0.file == file }
            let failed = cases.filter { !$0.passed }.count
            xml += "  <testsuite name=\"\(file.xmlEscaped)\" tests=\"\(cases.count)\" failures=\"\(failed)\" errors=\"0\" skipped=\"0\">\n"
            for result in cases {
                let open = "    <testcase name=\"\(result.name.xmlEscaped)\" classname=\"\(file.xmlEscaped)\""
                if result.passed {
                    xml += open + "/>\n"
                } else {
                    xml += open + ">\n"
                    xml += "      <failure type=\"\(DiagnosticCode.policyTestFailed.id)\" message=\"\(result.failureMessage.xmlEscaped)\">"
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
