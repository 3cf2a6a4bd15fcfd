import CharterCore
import CharterPolicy

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Power in the plan: before any data is read, the predicted half-width of each ruled check's
/// interval at the planned size, and a warning (or, under `gate_rules.underpowered: refuse`, a
/// blocking one the engine refuses on) when that interval is wider than the distance between the
/// threshold and the value a sound generator would show, naming the size that would decide it.
///
/// A check ruled `estimate` (or given no rule) gets a note instead, never a warning or a refusal:
/// the policy has chosen to decide on the split's number, and the note tells the approvers that
/// the planned size could not have decided it on the interval either. The predictions assume what
/// no plan can know yet, and the message says so:
///
/// - TSTR / TRTS ratio: both AUCs on the same holdout, each with the Hanley & McNeil (1982)
///   variance at AUC 0.75 with balanced classes, correlation 0.5 between the paired AUCs (DeLong's
///   covariance on the bundled examples was 0.4–0.6), delta method on the log ratio at ratio 1. The
///   reference value is 1 (as useful as the real data): the gate can be decided when the half-width
///   is under `|1 − threshold|`. Calibration: 137 holdout rows give ±0.10, the issue's ±0.08–0.10.
/// - Membership-inference accuracy: a Wald half-width at 0.5 over the attack's 2·holdout balanced
///   records; the reference is chance (0.5). AUC: Hanley & McNeil at 0.5 with holdout rows per class.
/// - DCR overfitting protection: SDMetrics' `min(1, 2(1 − share))`; the share's variance at 0.5 is
///   the binomial's over the synthetic rows plus the split's, κ/holdout rows with κ = 1, the largest
///   the engine's interval measured (0.97 on ACTG 175's 24 columns; 0.29 on the front door's six,
///   where the prediction is about 1.8 times the measured half-width: a privacy check errs wide).
///   The reference is 1 (no overfitting). It names holdout rows, which decide it, or `output.rows`
///   when the synthetic rows' binomial alone is wider than the margin.
enum GatePower {
    /// The code of the warning.
    static let code = "underpowered-gate"
    /// The code of the note on a check the policy decides on its estimate, whose interval the
    /// planned size cannot resolve either.
    static let estimateCode = "estimate-decided-gate"

    /// The AUC assumed for the utility model.
    static let assumedAUC = 0.75
    /// The correlation assumed between the two AUCs of a ratio.
    static let assumedCorrelation = 0.5
    /// κ in the DCR share's split variance κ/holdout rows (`docs/measurements/gates.md`).
    static let dcrSplitVariance = 1.0

    /// One check's prediction.
    struct Prediction: Equatable {
        /// The predicted half-width at the planned size.
        var halfWidth: Double
        /// The distance between threshold and reference value the interval must resolve.
        var margin: Double
        /// The fewest holdout rows that resolve it, if any up to 10⁷.
        var needed: Int?
        /// For DCR, when the synthetic rows' binomial variance alone is wider than the margin: the
        /// `output.rows` above which holdout rows could decide it.
        var neededSyntheticRows: Int?
        /// The holdout rows planned.
        var planned: Int
    }

    /// The warnings for the plan's checks.
    static func warnings(
        checks: [PlanCheck], rows: Int?, holdoutFraction: Decimal, syntheticRows: Int, rules: GateRules?
    ) -> [PlanWarning] {
        guard let rules, let rows, rows > 0, holdoutFraction > 0, holdoutFraction < 1 else { return [] }
        let fraction = holdoutFraction.approximateDouble
        let holdout = Int((Double(rows) * fraction).rounded(.down))
        let severity: PlanWarning.Severity = rules.effectiveUnderpowered == .refuse ? .error : .warning
        var warnings: [PlanWarning] = []
        for check in checks {
            let rule = check.parameters["rule"]?.stringValue ?? "estimate"
            let level = check.parameters["confidence"]?.doubleValue ?? 0.95
            guard
                let prediction = predict(
                    metric: check.metric, threshold: check.threshold.approximateDouble, holdout: holdout,
                    synthetic: syntheticRows, level: level),
                prediction.halfWidth > prediction.margin
            else { continue }
            let text = message(
                check: check, rule: rule, level: level, prediction: prediction, rows: rows, fraction: fraction,
                refuse: rule != "estimate" && severity == .error)
            if rule == "estimate" {
                warnings.append(
                    PlanWarning(
                        code: estimateCode, severity: .note,
                        message: text + "; the policy decides it on the estimate, so the verdict is this split's "
                            + "number, and the certificate carries the interval"))
            } else {
                warnings.append(PlanWarning(code: code, severity: severity, message: text))
            }
        }
        return warnings
    }

    /// The prediction for a metric, `nil` when Charter does not predict it.
    static func predict(metric: String, threshold: Double, holdout: Int, synthetic: Int, level: Double)
        -> Prediction?
    {
        let z = NormalDistribution.quantile(0.5 * (1 + level))
        let halfWidth: (Int) -> Double
        let margin: Double
        var neededSyntheticRows: Int?
        switch metric {
        case "tstr.ratio", "trts.ratio":
            margin = abs(1 - threshold)
            halfWidth = { n in
                let a = assumedAUC
                let v = hanleyMcNeil(auc: a, positives: n / 2, negatives: n - n / 2)
                return z * (2 * v * (1 - assumedCorrelation)).squareRoot() / a
            }
        case "membership_inference.accuracy":
            margin = threshold - 0.5
            halfWidth = { n in z * (0.25 / Double(max(1, 2 * n))).squareRoot() }
        case "membership_inference.auc":
            margin = threshold - 0.5
            halfWidth = { n in z * hanleyMcNeil(auc: 0.5, positives: n, negatives: n).squareRoot() }
        case "distance_to_closest_record.overfitting_protection":
            margin = 1 - threshold
            let binomial = 0.25 / Double(max(1, synthetic))
            halfWidth = { n in 2 * z * (binomial + dcrSplitVariance / Double(max(1, n))).squareRoot() }
            if margin > 0, 2 * z * binomial.squareRoot() >= margin {
                let rows = 0.25 * (2 * z / margin) * (2 * z / margin)
                neededSyntheticRows = rows < 1e9 ? Int(rows.rounded(.down)) + 1 : nil
            }
        default:
            return nil
        }
        let planned = holdout
        guard margin > 0 else {
            return Prediction(
                halfWidth: halfWidth(max(1, planned)), margin: 0, needed: nil, neededSyntheticRows: nil, planned: planned)
        }
        // The half-widths fall with n: the smallest n that resolves the margin, by doubling then bisection.
        var needed: Int?
        var high = max(2, planned)
        while high <= 10_000_000, halfWidth(high) > margin { high *= 2 }
        if high <= 10_000_000 {
            var low = max(1, high / 2)
            while low < high {
                let mid = (low + high) / 2
                if halfWidth(mid) > margin { low = mid + 1 } else { high = mid }
            }
            needed = high
        }
        return Prediction(
            halfWidth: halfWidth(max(1, planned)), margin: margin, needed: needed,
            neededSyntheticRows: neededSyntheticRows, planned: planned)
    }

    /// Hanley & McNeil (1982), eq. 2: the variance of an AUC estimate with `positives` and `negatives`.
    static func hanleyMcNeil(auc a: Double, positives: Int, negatives: Int) -> Double {
        let n1 = Double(max(1, positives))
        let n0 = Double(max(1, negatives))
        let q1 = a / (2 - a)
        let q2 = 2 * a * a / (1 + a)
        return (a * (1 - a) + (n1 - 1) * (q1 - a * a) + (n0 - 1) * (q2 - a * a)) / (n1 * n0)
    }

    static func message(
        check: PlanCheck, rule: String, level: Double, prediction p: Prediction, rows: Int, fraction: Double,
        refuse: Bool
    ) -> String {
        let percent = Int((level * 100).rounded())
        let threshold = check.threshold.jsonText
        let sampleText = "\(p.planned) holdout rows (\(format(fraction)) of \(rows))"
        var text =
            "\(check.id) (\(rule) at \(threshold)) cannot be decided at this size: with \(sampleText) its \(percent)% interval is predicted ±\(format(p.halfWidth))"
        if p.margin > 0 {
            text += ", wider than the \(format(p.margin)) between the threshold and \(reference(check.metric))"
        } else {
            text += ", and the threshold leaves no room below \(reference(check.metric))"
        }
        text += ", so the split's luck would decide it"
        if let needed = p.needed {
            let sourceRows = Int((Double(needed) / fraction).rounded(.up))
            text +=
                "; about \(needed) holdout rows would decide it: a source of \(sourceRows) rows at this holdout fraction"
            if Double(needed) <= 0.5 * Double(rows) {
                text += ", or a holdout fraction of \(format(Double(needed) / Double(rows))) of these \(rows)"
            }
        } else if let synthetic = p.neededSyntheticRows {
            text += "; no holdout can decide it until output.rows exceeds \(synthetic - 1)"
        }
        text +=
            " (predicted before reading data, assuming \(assumption(check.metric)))"
        if refuse { text += "; the policy refuses underpowered plans (gate_rules.underpowered: refuse)" }
        return text
    }

    static func reference(_ metric: String) -> String {
        switch metric {
        case "tstr.ratio", "trts.ratio": "a generator as useful as the real data (1)"
        case "distance_to_closest_record.overfitting_protection": "no overfitting (1)"
        default: "an attacker at chance (0.5)"
        }
    }

    static func assumption(_ metric: String) -> String {
        switch metric {
        case "tstr.ratio", "trts.ratio": "AUC 0.75, balanced classes, paired AUCs correlated 0.5"
        case "distance_to_closest_record.overfitting_protection":
            "half the synthetic rows closer to training, the split moving that share with variance 1/holdout rows"
        default: "an attack at chance on balanced members and non-members"
        }
    }

    static func format(_ value: Double) -> String {
        let rounded = (value * 1000).rounded() / 1000
        var text = String(rounded)
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }
}
