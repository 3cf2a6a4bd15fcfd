public import CharterCore

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// An exact fraction `n/d` of things covered.
public struct CoverageFraction: Sendable, Equatable, CustomStringConvertible {
    /// How many were covered.
    public var covered: Int
    /// How many there are.
    public var total: Int

    /// A fraction.
    public init(_ covered: Int, _ total: Int) {
        self.covered = covered
        self.total = total
    }

    /// `n/d`.
    public var description: String { "\(covered)/\(total)" }

    /// Whether `covered / total ≥ minimum`, exactly (`0/0` meets any minimum).
    public func meets(_ minimum: Decimal) -> Bool {
        total == 0 || Decimal(covered) >= minimum * Decimal(total)
    }
}

/// What one case found: the decision and every field that differs from the expectation.
public struct PolicyTestResult: Sendable {
    /// One field that differs.
    public struct Mismatch: Sendable, Equatable {
        /// `decision`, `tier`, `violations` or `missing_approvals`.
        public var field: String
        /// What the test expects.
        public var expected: String
        /// What the decision says.
        public var actual: String
        /// Where the expectation is written.
        public var location: SourceLocation
    }

    /// The case's name.
    public var name: String
    /// The test file.
    public var file: String
    /// Where the case is written.
    public var location: SourceLocation
    /// The decision made.
    public var decision: Decision
    /// The fields that differ; empty when the case passes.
    public var mismatches: [Mismatch]

    /// Whether the case passes.
    public var passed: Bool { mismatches.isEmpty }

    /// "expected deny, got allow" lines, one per field.
    public var failureMessage: String {
        mismatches.map { "\($0.field): expected \($0.expected), got \($0.actual)" }.joined(separator: "\n")
    }
}

/// Behavioural coverage of a policy by the cases run against it.
///
/// - Tiers: tiers selected by some case / tiers.
/// - Rules: rules whose condition held (so the rule applied) in some case / rules.
/// - Branches, per condition: the branch points are the operands of every `and` / `or` (the
///   whole condition when it has neither); each has two outcomes, true and false, and a branch
///   outcome is covered when some case's trace shows that operand evaluated to it. Operands that
///   short-circuiting skipped are not observed.
public struct PolicyCoverage: Sendable {
    /// One condition's branch coverage.
    public struct ConditionCoverage: Sendable, Equatable {
        /// `tier high` or `rule tiny-source`.
        public var subject: String
        /// Branch outcomes observed / branch outcomes (two per branch point).
        public var branches: CoverageFraction
        /// The branch outcomes never observed (`request.high_risk_ai: true`).
        public var unobserved: [String]
    }

    /// Tiers selected / tiers.
    public var tiers: CoverageFraction
    /// Rules applied / rules.
    public var rules: CoverageFraction
    /// Per condition, in policy order.
    public var conditions: [ConditionCoverage]
    /// Tiers never selected.
    public var unselectedTiers: [String]
    /// Rules never applied.
    public var unfiredRules: [String]
}

/// Runs policy test cases against one policy and measures coverage.
public struct PolicyTestRunner: Sendable {
    /// The policy decided with.
    public let policy: Policy
    private let evaluator: DecisionEvaluator
    /// Approvals as the cases write them, groups through the policy's directory.
    private let approvals: WrittenApprovals

    /// A runner for `policy`, whose `group:` members resolve through `directory`. Cases state
    /// approvals, not signatures: they are taken as written (signatures are checked by `check`,
    /// `plan`, `apply` and `run`).
    public init(policy: Policy, directory: GroupDirectory = .empty) {
        self.policy = policy
        evaluator = DecisionEvaluator(policy: policy)
        approvals = WrittenApprovals(directory: directory)
    }

    /// Decides every case of `suite` on its `now` (or `defaultNow`) and compares with the expectation.
    public func run(_ suite: PolicyTestSuite, defaultNow: CalendarDate) -> [PolicyTestResult] {
        let now = suite.now?.value ?? defaultNow
        return suite.cases.map { testCase in
            let decision = evaluator.decide(
                testCase.request, now: now, tracing: true, budget: nil, authenticator: approvals)
            return PolicyTestResult(
                name: testCase.name.value, file: suite.file, location: testCase.location, decision: decision,
                mismatches: Self.compare(testCase.expect, decision))
        }
    }

    /// The fields where `decision` differs from `expect`.
    static func compare(_ expect: PolicyTestExpectation, _ decision: Decision) -> [PolicyTestResult.Mismatch] {
        var mismatches: [PolicyTestResult.Mismatch] = []
        if expect.decision.value != decision.outcome {
            mismatches.append(
                .init(
                    field: "decision", expected: expect.decision.value.rawValue, actual: decision.outcome.rawValue,
                    location: expect.decision.location))
        }
        if let tier = expect.tier, tier.value != decision.tier?.value {
            mismatches.append(
                .init(field: "tier", expected: tier.value, actual: decision.tier?.value ?? "(none)", location: tier.location))
        }
        if let violations = expect.violations {
            let expected = violations.value.sorted()
            let actual = decision.violations.map(\.id).sorted()
            if expected != actual {
                mismatches.append(
                    .init(field: "violations", expected: list(expected), actual: list(actual), location: violations.location))
            }
        }
        if let missing = expect.missingApprovals {
            let expected = missing.value.sorted()
            let actual = Set(decision.missingApprovals.flatMap(\.roles)).sorted()
            if expected != actual {
                mismatches.append(
                    .init(
                        field: "missing_approvals", expected: list(expected), actual: list(actual),
                        location: missing.location))
            }
        }
        return mismatches
    }

    private static func list(_ items: [String]) -> String { "[" + items.joined(separator: ", ") + "]" }

    /// Coverage of the policy by the decisions in `results` (made with tracing).
    public func coverage(of results: [PolicyTestResult]) -> PolicyCoverage {
        let decisions = results.map(\.decision)
        let selected = Set(decisions.compactMap(\.tier?.value))
        let traces = decisions.flatMap(\.trace)
        let fired = Set(traces.filter { $0.held != false && $0.subject.hasPrefix("rule ") }.map { String($0.subject.dropFirst(5)) })
        let tierNames = policy.tiers.map(\.name.value)
        let ruleIDs = policy.rules.map(\.id.value)
        var conditions: [PolicyCoverage.ConditionCoverage] = []
        let subjects =
            policy.tiers.map { ("tier \($0.name.value)", $0.when) } + policy.rules.map { ("rule \($0.id.value)", $0.when) }
        for (subject, condition) in subjects {
            guard let expression = condition.expression else { continue }
            let points = Self.branchPoints(expression)
            var observed: Set<String> = []
            for trace in traces where trace.subject == subject {
                for step in trace.steps {
                    guard case .bool(let value) = step.value else { continue }
                    observed.insert("\(step.location)|\(step.expression)|\(value)")
                }
                // A condition with no sub-steps (a literal) is observed through its result.
                if trace.steps.isEmpty, let held = trace.held {
                    observed.insert("\(expression.location)|\(expression.description)|\(held)")
                }
            }
            var covered = 0
            var unobserved: [String] = []
            for point in points {
                for value in [true, false] {
                    if observed.contains("\(point.location)|\(point.description)|\(value)") {
                        covered += 1
                    } else {
                        unobserved.append("\(point.description): \(value)")
                    }
                }
            }
            conditions.append(
                .init(subject: subject, branches: CoverageFraction(covered, points.count * 2), unobserved: unobserved))
        }
        return PolicyCoverage(
            tiers: CoverageFraction(tierNames.filter(selected.contains).count, tierNames.count),
            rules: CoverageFraction(ruleIDs.filter(fired.contains).count, ruleIDs.count),
            conditions: conditions,
            unselectedTiers: tierNames.filter { !selected.contains($0) },
            unfiredRules: ruleIDs.filter { !fired.contains($0) })
    }

    /// The operands of every `and` / `or` in `expression` (not the `and`/`or` nodes themselves,
    /// unless they are operands of another), or the expression itself when it has none.
    static func branchPoints(_ expression: ConditionExpression) -> [ConditionExpression] {
        var points: [ConditionExpression] = []
        func walk(_ node: ConditionExpression) {
            switch node.kind {
            case .logical(_, let lhs, let rhs):
                for operand in [lhs, rhs] {
                    if case .logical = operand.kind {} else { points.append(operand) }
                    walk(operand)
                }
            case .not(let operand): walk(operand)
            default: break
            }
        }
        walk(expression)
        return points.isEmpty ? [expression] : points
    }
}
