internal import CharterCore
public import CharterStats

/// One gate check: a measure compared with a policy threshold.
///
/// A check whose measure could not be computed (`measured == nil`) fails: a gate never passes on
/// a missing number.
public struct GateCheck: Sendable, Equatable, Codable {
    /// Which gate: `privacy`, `utility` or `fairness`.
    public enum Gate: String, Sendable, Equatable, Codable, CaseIterable {
        case privacy
        case utility
        case fairness
    }

    /// Whether the measure must reach the threshold from above or stay below it.
    public enum Bound: String, Sendable, Equatable, Codable {
        /// `measured >= threshold`.
        case minimum = "min"
        /// `measured <= threshold`.
        case maximum = "max"
    }

    /// How the interval decides: on the estimate alone, on the interval's conservative end, or
    /// failing only when the whole interval misses.
    public enum Rule: String, Sendable, Equatable, Codable, CaseIterable {
        /// `estimate` meets the threshold (the interval is reported, not used).
        case estimate
        /// The interval's conservative end meets the threshold: its lower end for a minimum, its
        /// upper end for a maximum. A pass means the measure meets the threshold with the stated
        /// confidence; a lucky split cannot pass a release.
        case lowerBound = "lower-bound"
        /// Fail only when the whole interval misses: its upper end is below a minimum, or its lower
        /// end above a maximum. A fail means the measure misses with the stated confidence; an
        /// unlucky split cannot fail a release.
        case notWorse = "not-worse"
    }

    public var gate: Gate
    /// The control it enforces, as the policy names it (`tstr.ratio_min`, `k_anonymity.k_min`).
    public var check: String
    /// The measure; `nil` when it could not be computed.
    public var measured: Double?
    public var threshold: Double
    public var bound: Bound
    /// Whether the measure satisfies the threshold.
    public var passed: Bool
    /// Why the measure is missing, or what it means, one line.
    public var note: String?
    /// The decision rule; `estimate` unless the policy chose another.
    public var rule: Rule
    /// The measure's interval, method, draws and seed; `nil` for exact counts (k, ε) and measures
    /// without one.
    public var uncertainty: Uncertainty?

    enum CodingKeys: String, CodingKey {
        case gate, check, measured, threshold, bound, passed, note, rule, uncertainty
    }

    /// Decodes a check; certificates written before rules existed decided on the estimate.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        gate = try c.decode(Gate.self, forKey: .gate)
        check = try c.decode(String.self, forKey: .check)
        measured = try c.decodeIfPresent(Double.self, forKey: .measured)
        threshold = try c.decode(Double.self, forKey: .threshold)
        bound = try c.decode(Bound.self, forKey: .bound)
        passed = try c.decode(Bool.self, forKey: .passed)
        note = try c.decodeIfPresent(String.self, forKey: .note)
        rule = try c.decodeIfPresent(Rule.self, forKey: .rule) ?? .estimate
        uncertainty = try c.decodeIfPresent(Uncertainty.self, forKey: .uncertainty)
    }

    /// Encodes every field; `rule` always, `uncertainty` and `note` when present.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(gate, forKey: .gate)
        try c.encode(check, forKey: .check)
        try c.encodeIfPresent(measured, forKey: .measured)
        try c.encode(threshold, forKey: .threshold)
        try c.encode(bound, forKey: .bound)
        try c.encode(passed, forKey: .passed)
        try c.encodeIfPresent(note, forKey: .note)
        try c.encode(rule, forKey: .rule)
        try c.encodeIfPresent(uncertainty, forKey: .uncertainty)
    }

    /// Compares `measured` with `threshold` under `rule`. A rule other than `estimate` needs an
    /// interval: without one it decides on the estimate and says so in ``note``.
    public init(
        gate: Gate, check: String, measured: Double?, threshold: Double, bound: Bound, note: String? = nil,
        rule: Rule = .estimate, uncertainty: Uncertainty? = nil
    ) {
        self.gate = gate
        self.check = check
        self.measured = measured
        self.threshold = threshold
        self.bound = bound
        self.note = note
        self.rule = rule
        self.uncertainty = uncertainty
        guard let measured, measured.isFinite else {
            passed = false
            return
        }
        func meets(_ value: Double) -> Bool { bound == .minimum ? value >= threshold : value <= threshold }
        switch (rule, uncertainty) {
        case (.estimate, _):
            passed = meets(measured)
        case (.lowerBound, let u?) where u.lower.isFinite && u.upper.isFinite:
            passed = meets(bound == .minimum ? u.lower : u.upper)
        case (.notWorse, let u?) where u.lower.isFinite && u.upper.isFinite:
            passed = meets(bound == .minimum ? u.upper : u.lower)
        default:
            passed = meets(measured)
            self.note = [note, "no interval, so '\(rule.rawValue)' decided on the estimate"].compactMap { $0 }
                .joined(separator: "; ")
        }
    }

    /// How far the number the rule decides on misses the threshold (positive), `nil` when it passes
    /// or is missing.
    public var shortfall: Double? {
        guard !passed, let decided = decidingValue, decided.isFinite else { return nil }
        return bound == .minimum ? threshold - decided : decided - threshold
    }

    /// The number the rule compares: the estimate, or the interval end the rule names.
    var decidingValue: Double? {
        guard let u = uncertainty, rule != .estimate, u.lower.isFinite, u.upper.isFinite else { return measured }
        switch rule {
        case .estimate: return measured
        case .lowerBound: return bound == .minimum ? u.lower : u.upper
        case .notWorse: return bound == .minimum ? u.upper : u.lower
        }
    }

    /// `[0.71, 0.95] 95% DeLong`: the interval in a few words, `nil` without one.
    public var intervalSummary: String? {
        guard let u = uncertainty else { return nil }
        return "[\(Self.format(u.lower)), \(Self.format(u.upper))] \(Self.format(u.level * 100))%"
    }

    /// `tstr.ratio_min: 0.8123 < 0.9 (short by 0.0877)`, or `… ≥ 0.9 ok`.
    public var summary: String {
        let comparison = bound == .minimum ? "≥" : "≤"
        guard let measured, measured.isFinite else {
            return "\(check): not measured, needs \(comparison) \(Self.format(threshold))"
                + (note.map { " (\($0))" } ?? "")
        }
        // The interval's end the rule decided on is what is compared; the estimate and interval follow.
        var shown = Self.format(measured)
        if rule != .estimate, let interval = intervalSummary, let decided = decidingValue, decided != measured {
            let end = (rule == .lowerBound) == (bound == .minimum) ? "lower" : "upper"
            shown = "\(end) end \(Self.format(decided)) of \(interval) around \(Self.format(measured))"
        }
        if passed {
            return "\(check): \(shown) \(comparison) \(Self.format(threshold))"
        }
        let failed = bound == .minimum ? "<" : ">"
        let by = shortfall.map { Self.format($0) } ?? "?"
        return
            "\(check): \(shown) \(failed) \(Self.format(threshold)) (\(bound == .minimum ? "short" : "over") by \(by))"
    }

    /// Four significant decimals, trailing zeros dropped: `0.8123`, `5`, `0.0001`.
    public static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        if abs(value) < 0.001 { return scientific(value) }
        var text = DecimalText.fixed(value, places: 4)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}

/// `3.362e-4`: four significant digits for magnitudes under 0.001.
func scientific(_ value: Double) -> String {
    guard value != 0, value.isFinite else { return "\(value)" }
    var exponent = 0
    var mantissa = abs(value)
    while mantissa < 1 {
        mantissa *= 10
        exponent -= 1
    }
    var text = DecimalText.fixed((mantissa * 1000).rounded() / 1000, places: 4)
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return (value < 0 ? "-" : "") + text + "e\(exponent)"
}
