import ArgumentParser
import CharterCore
import CharterPolicy
import CharterWorkflow
import Foundation

/// `charter test [DIR]`: runs the `kind: policy-test` files under a folder against their policy,
/// with behavioural coverage (the workflow's ``PolicyTestRun``), and renders the result.
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

    @Option(
        name: .long,
        help: "The evaluation date for files without `now:`: \(ActingInstant.syntax) (default: today, UTC).")
    var now: String?

    @Option(name: .long, help: "Output format: text, json or junit.")
    var format: OutputFormat = .text

    func validate() throws {
        guard [.text, .json, .junit].contains(format) else {
            throw ValidationError("charter test writes text, json or junit")
        }
        if let coverageMin {
            guard let value = Decimal(string: coverageMin, locale: Locale(identifier: "en_US_POSIX")), value >= 0,
                value <= 1
            else { throw ValidationError("--coverage-min must be a number from 0 to 1") }
        }
    }

    func run() throws {
        let minimum = coverageMin.flatMap { Decimal(string: $0, locale: Locale(identifier: "en_US_POSIX")) }
        let run = PolicyTestRun(
            path: directory, defaultNow: try CommandLineContext.instant(now).date, in: FileSystemInputStore())
        switch format {
        case .json: Terminal.write(try run.json(minimum: minimum).pretty())
        case .junit: Terminal.write(run.junit())
        default: Terminal.write(run.text(minimum: minimum))
        }
        if !run.diagnostics.isEmpty {
            let report = DiagnosticReport(
                tool: .charter, command: "test", files: run.files, diagnostics: run.diagnostics, sources: run.sources)
            Terminal.writeError(try report.rendered(as: .text, colors: false))
            throw ExitStatus.usageError.exitCode
        }
        if !run.failed.isEmpty || !run.meetsCoverage(minimum) { throw ExitStatus.denied.exitCode }
    }
}

extension PolicyTestRun {
    /// The text report: PASS/FAIL per case, the totals, then each policy's coverage.
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
        out += "\n\(results.count - failed.count) passed, \(failed.count) failed\n"
        for covered in coverages {
            let (policy, coverage) = (covered.policy, covered.coverage)
            out += "\ncoverage of \(policy):\n"
            out +=
                "  tiers \(coverage.tiers)"
                + (coverage.unselectedTiers.isEmpty
                    ? "" : " (never selected: \(coverage.unselectedTiers.joined(separator: ", ")))") + "\n"
            out +=
                "  rules \(coverage.rules)"
                + (coverage.unfiredRules.isEmpty
                    ? "" : " (never applied: \(coverage.unfiredRules.joined(separator: ", ")))") + "\n"
            out += "  branches per condition (each and/or operand seen true and false):\n"
            for condition in coverage.conditions {
                out += "    \(condition.subject): \(condition.branches)"
                out +=
                    condition.unobserved.isEmpty
                    ? "\n" : " (not seen: \(condition.unobserved.joined(separator: "; ")))\n"
            }
            if let minimum {
                out +=
                    "  tier and rule coverage \(covered.meets(minimum) ? "meets" : "is below") --coverage-min \(minimum)\n"
            }
        }
        return out
    }
}
