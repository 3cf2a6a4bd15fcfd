public import CharterCore

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// One check a gate makes: a measured quantity against a threshold from the policy.
public struct PlanCheck: Sendable, Equatable {
    /// Which side of the threshold passes.
    public enum Bound: String, Sendable, Equatable, CaseIterable {
        /// The measured value must be at least the threshold (`*_min`).
        case atLeast = "min"
        /// The measured value must be at most the threshold (`*_max`).
        case atMost = "max"
    }

    /// The control and key (`k_anonymity.k_min`, `fidelity.column_shapes_min`, `epsilon_spent.max`).
    public var id: String
    /// The quantity measured (`k_anonymity`, `fidelity.column_shapes`, `tstr.ratio`).
    public var metric: String
    /// Which side passes.
    public var bound: Bound
    /// The threshold, exact as the policy (or request) writes it.
    public var threshold: Decimal
    /// Where the threshold comes from (`tier medium`, `rule cross-border-needs-legal`, `request`).
    public var source: String
    /// What the measurement needs (columns, protocol), as JSON; no data values.
    public var parameters: [String: JSONValue]

    /// Creates a check.
    public init(
        id: String, metric: String, bound: Bound, threshold: Decimal, source: String,
        parameters: [String: JSONValue] = [:]
    ) {
        self.id = id
        self.metric = metric
        self.bound = bound
        self.threshold = threshold
        self.source = source
        self.parameters = parameters
    }

    /// Whether a measured value passes (a NaN never does).
    public func passes(_ value: Double) -> Bool {
        guard !value.isNaN else { return false }
        let limit = threshold.approximateDouble
        return bound == .atLeast ? value >= limit : value <= limit
    }

    /// `≥ 0.9` or `≤ 0.55`.
    public var comparison: String { (bound == .atLeast ? "≥ " : "≤ ") + threshold.jsonText }
}
