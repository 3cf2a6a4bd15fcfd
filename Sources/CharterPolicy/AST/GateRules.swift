public import CharterCore

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// `gate_rules`: how each gate check decides with its measure's confidence interval.
///
/// ```yaml
/// gate_rules:
///   confidence: 0.95
///   checks:
///     membership_inference.accuracy_max: lower-bound
///     tstr.ratio_min: not-worse
/// ```
///
/// A check not listed decides on the estimate. Measures without an interval (k, l, ε, δ) always
/// decide on the estimate.
///
/// Three optional settings say how the engine measures and what the plan does about power:
/// `draws` (synthetic draws from the fitted model averaged by the utility and fidelity measures,
/// default ``defaultDraws``), `underpowered: warn | refuse` (what the plan does when a ruled check's
/// predicted interval is too wide to decide it at the source's size) and
/// `regenerate: { max_attempts: N }` (further draws from the same fitted model when a gate fails).
public struct GateRules: Sendable, Equatable {
    /// What a plan does when a ruled check cannot be decided at the planned size.
    public enum Underpowered: String, Sendable, Equatable, CaseIterable {
        /// A plan warning naming the size that would decide it; the run goes ahead.
        case warn
        /// A blocking plan warning; the engine refuses the run before any budget is reserved.
        case refuse
    }

    /// How a check decides.
    public enum Rule: String, Sendable, Equatable, CaseIterable {
        /// The estimate meets the threshold; the interval is reported, not used.
        case estimate
        /// The interval's conservative end meets the threshold (its lower end for a `_min`, its
        /// upper end for a `_max`): passing means meeting it with the stated confidence.
        case lowerBound = "lower-bound"
        /// Fail only when the whole interval misses (its upper end below a `_min`, its lower end
        /// above a `_max`): failing means missing it with the stated confidence.
        case notWorse = "not-worse"

        /// Strictness for overlays: not-worse < estimate < lower-bound.
        public var strictness: Int {
            switch self {
            case .notWorse: 0
            case .estimate: 1
            case .lowerBound: 2
            }
        }
    }

    /// One check's rule.
    public struct Entry: Sendable, Equatable {
        /// The check, as the plan names it (`tstr.ratio_min`).
        public var check: Located<String>
        public var rule: Located<Rule>

        /// Pairs a check with its rule.
        public init(check: Located<String>, rule: Located<Rule>) {
            self.check = check
            self.rule = rule
        }
    }

    /// The two-sided level of every interval a rule reads; ``defaultConfidence`` when absent.
    public var confidence: Located<Decimal>?
    /// The listed checks, in order.
    public var entries: [Entry]
    /// Where `gate_rules` is written.
    public var location: SourceLocation
    /// `underpowered`; ``Underpowered/warn`` when absent.
    public var underpowered: Located<Underpowered>? = nil
    /// `draws`: synthetic draws averaged; ``defaultDraws`` when absent.
    public var draws: Located<Int>? = nil
    /// `regenerate.max_attempts`: attempts at passing the gates; 1 (no regeneration) when absent.
    public var maxAttempts: Located<Int>? = nil

    /// Rules with the given entries.
    public init(confidence: Located<Decimal>? = nil, entries: [Entry] = [], location: SourceLocation) {
        self.confidence = confidence
        self.entries = entries
        self.location = location
    }

    /// The level used when `confidence` is absent.
    public static let defaultConfidence: Decimal = Decimal.exact("0.95") ?? 0

    /// Draws averaged when `draws` is absent: three halve the synthetic side's share of a measure's
    /// variance for a sampling cost of three tables.
    public static let defaultDraws = 3
    /// The most draws a policy may ask for.
    public static let maxDraws = 20
    /// The most attempts `regenerate.max_attempts` may allow.
    public static let maxAttemptsLimit = 10

    /// The draws in effect.
    public var effectiveDraws: Int { draws?.value ?? Self.defaultDraws }
    /// The attempts in effect (1: no regeneration).
    public var effectiveMaxAttempts: Int { maxAttempts?.value ?? 1 }
    /// The underpowered behaviour in effect.
    public var effectiveUnderpowered: Underpowered { underpowered?.value ?? .warn }

    /// The level in effect.
    public var effectiveConfidence: Decimal { confidence?.value ?? Self.defaultConfidence }

    /// The rule for a check, `nil` when it is not listed.
    public func rule(for check: String) -> Rule? {
        entries.last { $0.check.value == check }?.rule.value
    }

    /// The checks a plan can hold, as `gate_rules.checks` may name them.
    public static let checkNames: [String] =
        ["epsilon_spent.max", "delta_spent.max", "k_anonymity.k_min", "l_diversity.l_min"]
        + ["membership_inference.accuracy_max", "membership_inference.auc_max"]
        + ["overfitting_protection_min", "baseline_protection_min", "new_row_synthesis_min"].map {
            "distance_to_closest_record.\($0)"
        }
        + [
            "ks_complement_min", "tv_complement_min", "correlation_similarity_min", "contingency_similarity_min",
            "column_shapes_min", "column_pair_trends_min", "quality_min",
        ].map { "fidelity.\($0)" }
        + ["tstr.ratio_min", "trts.ratio_min", "fairness.tstr_gap_max", "fairness.quality_gap_max"]
}
