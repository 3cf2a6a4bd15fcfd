public import CharterCore

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// What a tier (or a rule's `require`) demands of a run. Every control is optional; an absent
/// control demands nothing.
public struct Controls: Sendable, Equatable {
    public var differentialPrivacy: DifferentialPrivacyControl?
    public var kAnonymity: MinimumControl<Int>?
    public var lDiversity: MinimumControl<Int>?
    public var membershipInference: MembershipInferenceControl?
    public var distanceToClosestRecord: ThresholdSet?
    public var fidelity: ThresholdSet?
    public var tstr: UtilityRatioControl?
    public var trts: UtilityRatioControl?
    public var fairness: ThresholdSet?
    /// `diversity: { distinct_rows_min, missing_categories_max, minority_recall_min }`: mode-collapse checks.
    public var diversity: ThresholdSet?
    public var generators: Located<[Located<String>]>?
    public var approvals: ApprovalControl?
    public var expiry: ExpiryControl?
    public var access: AccessControl?
    /// Where the controls are written.
    public var location: SourceLocation

    /// No controls, at a location.
    public init(location: SourceLocation) {
        self.location = location
    }
}

/// `differential_privacy: { required, epsilon_max, delta_max }`.
public struct DifferentialPrivacyControl: Sendable, Equatable {
    public var required: Located<Bool>?
    public var epsilonMax: Located<Decimal>?
    public var deltaMax: Located<Decimal>?
    public var location: SourceLocation
    /// Whether `epsilon_max` was written, even if it was invalid (so that a bad value is not also
    /// reported as a missing one).
    var epsilonMaxWritten = false
}

/// A control with one lower bound, such as `k_anonymity: { k_min: 10 }`.
public struct MinimumControl<Value: Sendable & Comparable>: Sendable, Equatable where Value: Equatable {
    public var minimum: Located<Value>
    public var location: SourceLocation
}

/// `membership_inference: { accuracy_max, auc_max }`.
public struct MembershipInferenceControl: Sendable, Equatable {
    public var accuracyMax: Located<Decimal>?
    public var aucMax: Located<Decimal>?
    public var location: SourceLocation
}

/// A set of named thresholds, each a minimum (`*_min`) or a maximum (`*_max`), such as
/// `fidelity: { ks_complement_min: 0.8 }`.
public struct ThresholdSet: Sendable, Equatable {
    /// Thresholds in the order written.
    public var thresholds: [Threshold]
    public var location: SourceLocation

    /// The threshold with this key.
    public func threshold(_ key: String) -> Threshold? { thresholds.first { $0.key == key } }
}

/// One named bound.
public struct Threshold: Sendable, Equatable {
    /// The key as written (`ks_complement_min`).
    public var key: String
    /// The bound.
    public var value: Located<Decimal>
    /// Whether the bound is a minimum (the measured value must be at least it).
    public var isMinimum: Bool { key.hasSuffix("_min") }
}

/// `tstr: { ratio_min, metric }` and `trts: { ratio_min }`.
public struct UtilityRatioControl: Sendable, Equatable {
    /// The metric the ratio compares.
    public enum Metric: String, Sendable, Equatable, CaseIterable {
        case auc
        case f1
        case accuracy
    }

    public var ratioMin: Located<Decimal>?
    public var metric: Located<Metric>?
    public var location: SourceLocation
}

/// `approvals: { all_of, any_of, quorum }`: every role of `all_of` approves, and at least
/// `quorum` (default 1) distinct roles of `any_of`. The requester never approves their own request.
public struct ApprovalControl: Sendable, Equatable {
    public var allOf: [Located<String>]
    public var anyOf: [Located<String>]
    public var quorum: Located<Int>?
    public var location: SourceLocation

    /// The number of `any_of` roles that must approve.
    public var effectiveQuorum: Int { anyOf.isEmpty ? 0 : quorum?.value ?? 1 }
}

/// `expiry: { max, warn, revalidate_every }`.
public struct ExpiryControl: Sendable, Equatable {
    public var max: Located<CalendarDuration>?
    public var warn: Located<CalendarDuration>?
    public var revalidateEvery: Located<CalendarDuration>?
    public var location: SourceLocation
}

/// `access: { audiences, consumers }`.
public struct AccessControl: Sendable, Equatable {
    public var audiences: [Located<String>]?
    public var consumers: [Located<String>]?
    public var location: SourceLocation
}
