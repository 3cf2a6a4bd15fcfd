internal import CharterCore

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

    /// Compares `measured` with `threshold`.
    public init(gate: Gate, check: String, measured: Double?, threshold: Double, bound: Bound, note: String? = nil) {
        self.gate = gate
        self.check = check
        self.measured = measured
        self.threshold = threshold
        self.bound = bound
        self.note = note
        if let measured, measured.isFinite {
            passed = bound == .minimum ? measured >= threshold : measured <= threshold
        } else {
            passed = false
        }
    }

    /// How far the measure misses the threshold (positive), `nil` when it passes or is missing.
    public var shortfall: Double? {
        guard !passed, let measured, measured.isFinite else { return nil }
        return bound == .minimum ? threshold - measured : measured - threshold
    }

    /// `tstr.ratio_min: 0.8123 < 0.9 (short by 0.0877)`, or `… ≥ 0.9 ok`.
    public var summary: String {
        let comparison = bound == .minimum ? "≥" : "≤"
        guard let measured, measured.isFinite else {
            return "\(check): not measured, needs \(comparison) \(Self.format(threshold))"
                + (note.map { " (\($0))" } ?? "")
        }
        if passed {
            return "\(check): \(Self.format(measured)) \(comparison) \(Self.format(threshold))"
        }
        let failed = bound == .minimum ? "<" : ">"
        let by = shortfall.map { Self.format($0) } ?? "?"
        return
            "\(check): \(Self.format(measured)) \(failed) \(Self.format(threshold)) (\(bound == .minimum ? "short" : "over") by \(by))"
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
