public import CharterData

/// An attribute-inference attack in the manner of anonymeter 1.0 (Giomi et al. 2023,
/// `InferenceEvaluator`; `shared/notes/metrics.md` §2.5).
///
/// The attacker knows the auxiliary columns (the quasi-identifiers) of a target and guesses its
/// secret column as the secret of the closest synthetic record. The distance is anonymeter's
/// Gower-like one over the auxiliary columns: a numerical column adds |a/range − b/range|, with the
/// range (max − min) of the synthetic table and the attacked targets together (1 when that range is
/// 0); a categorical, ordinal or boolean column adds 0 when equal and 1 otherwise; a missing value
/// adds 1, also when both are missing. Terms are summed numerical columns first, each group in name
/// order, as anonymeter 1.1 does. Ties go to the lowest synthetic row (anonymeter takes numpy's
/// `argsort` order, which is unspecified for ties).
///
/// A guess is correct when it equals the secret (categorical), or when |g − s| / (|g| + 1e-12) ≤
/// tolerance (numerical, tolerance 0.05 as anonymeter's); a missing guess is correct only for a
/// missing secret.
/// Success rates are Wilson estimates r = (k + z²/2)/(n + z²) with their Wilson intervals, and
/// risk = (r_attack − r_control)/(1 − r_control), the error propagated to first order and the value
/// and interval clipped to [0, 1] (anonymeter's `residual_success` and `bind_value`).
///
/// Where this differs from anonymeter, on purpose:
/// - every train record is attacked, and every holdout record is a control target (anonymeter samples
///   `n_attacks` = 500 of each without replacement): the result is deterministic and the intervals
///   are as tight as the data allow;
/// - the random baseline is the exact expected success of guessing the secret of a uniformly drawn
///   synthetic record, averaged over the train targets, rather than one random draw;
/// - a numerical guess is compared with |g| + 1e-12 (anonymeter divides by g + 1e-12, which turns
///   every negative guess into a hit), and a value missing on one side adds 1 to the distance
///   (anonymeter's numerical term is NaN there, which ranks the record last);
/// - column kinds come from the declared sdtype (numerical is numeric), not from the pandas dtype.
public struct AttributeInference: Sendable, Equatable {
    /// The columns the attacker knows (non-empty, without the secret).
    public var auxiliaryColumns: [String]
    /// The column the attacker guesses.
    public var secret: String
    /// The relative tolerance of a numerical guess, in [0, 1).
    public var tolerance: Double
    /// The confidence level of the intervals, in (0, 1).
    public var confidenceLevel: Double

    /// anonymeter's tolerance for a numerical secret.
    public static let defaultTolerance = 0.05

    /// An attack on `secret` knowing `auxiliaryColumns`.
    public init(
        auxiliaryColumns: [String], secret: String, tolerance: Double = AttributeInference.defaultTolerance,
        confidenceLevel: Double = 0.95
    ) {
        self.auxiliaryColumns = auxiliaryColumns
        self.secret = secret
        self.tolerance = tolerance
        self.confidenceLevel = confidenceLevel
    }

    /// Attacks every train record (members) and every holdout record (control) through `synthetic`.
    /// All three tables need the auxiliary and secret columns and at least one row.
    public func measure(
        train: Table, holdout: Table, synthetic: Table, schema: TableSchema
    ) throws(DisclosureInputError) -> AttributeInferenceResult {
        guard !auxiliaryColumns.isEmpty else {
            throw DisclosureInputError("attribute inference needs at least one auxiliary (quasi-identifier) column")
        }
        guard !auxiliaryColumns.contains(secret) else {
            throw DisclosureInputError("the secret column '\(secret)' cannot also be an auxiliary column")
        }
        guard Set(auxiliaryColumns).count == auxiliaryColumns.count else {
            throw DisclosureInputError("an auxiliary column is named twice")
        }
        guard tolerance >= 0 && tolerance < 1 else {
            throw DisclosureInputError("the tolerance must lie in [0, 1), not \(tolerance)")
        }
        guard confidenceLevel > 0 && confidenceLevel < 1 else {
            throw DisclosureInputError("the confidence level must lie strictly between 0 and 1, not \(confidenceLevel)")
        }
        for (table, role) in [(train, "train"), (holdout, "holdout"), (synthetic, "synthetic")] {
            guard table.rowCount > 0 else { throw DisclosureInputError("the \(role) table has no rows") }
            for name in auxiliaryColumns + [secret] { _ = try DisclosureInputError.column(name, in: table, role: role) }
        }
        let syntheticSecret = try DisclosureInputError.column(secret, in: synthetic, role: "synthetic").values
        let trainSecret = try DisclosureInputError.column(secret, in: train, role: "train").values
        let holdoutSecret = try DisclosureInputError.column(secret, in: holdout, role: "holdout").values
        var numericalSecret: (synthetic: NumericValues, train: NumericValues, holdout: NumericValues)?
        if schema.types[secret] == .numerical, case .numeric(let s) = syntheticSecret,
            case .numeric(let t) = trainSecret,
            case .numeric(let h) = holdoutSecret
        {
            numericalSecret = (s, t, h)
        }
        let tolerance = tolerance

        func successes(targets: Table, truth: ColumnValues, numerical: NumericValues?) throws(DisclosureInputError)
            -> Int
        {
            let nearest = try NearestAuxiliaryRecord(
                synthetic: synthetic, targets: targets, columns: auxiliaryColumns, schema: schema
            ).nearest()
            var hits = 0
            for (row, guess) in nearest.enumerated() {
                if let numerical, let guesses = numericalSecret?.synthetic {
                    if Self.numericalHit(
                        guess: guesses.values[guess], guessMissing: guesses.isMissing[guess],
                        truth: numerical.values[row], truthMissing: numerical.isMissing[row], tolerance: tolerance)
                    {
                        hits += 1
                    }
                } else if DisclosureCell(syntheticSecret, row: guess) == DisclosureCell(truth, row: row) {
                    hits += 1
                }
            }
            return hits
        }
        let attackHits = try successes(targets: train, truth: trainSecret, numerical: numericalSecret?.train)
        let controlHits = try successes(targets: holdout, truth: holdoutSecret, numerical: numericalSecret?.holdout)
        let baselineHits: Double
        if let numericalSecret {
            baselineHits = Self.expectedNumericalHits(
                guesses: numericalSecret.synthetic, truths: numericalSecret.train, tolerance: tolerance)
        } else {
            var counts: [DisclosureCell: Int] = [:]
            for row in 0..<synthetic.rowCount { counts[DisclosureCell(syntheticSecret, row: row), default: 0] += 1 }
            var total = 0
            for row in 0..<train.rowCount { total += counts[DisclosureCell(trainSecret, row: row)] ?? 0 }
            baselineHits = Double(total) / Double(synthetic.rowCount)
        }

        let level = confidenceLevel
        func rate(_ hits: Double, _ trials: Int) -> (AttributeInferenceResult.SuccessRate, Double) {
            let wilson = ConfidenceInterval.wilson(successes: hits, trials: trials, level: level)
            return (
                AttributeInferenceResult.SuccessRate(
                    trials: trials, successes: hits, rate: wilson.centre, interval: wilson.interval),
                wilson.halfWidth
            )
        }
        let (attack, attackError) = rate(Double(attackHits), train.rowCount)
        let (control, controlError) = rate(Double(controlHits), holdout.rowCount)
        let (baseline, _) = rate(baselineHits, train.rowCount)
        // anonymeter `residual_success`: dF = √((∂F/∂a·da)² + (∂F/∂c·dc)²) for F = (a − c)/(1 − c).
        let residual = (attack.rate - control.rate) / (1 - control.rate)
        let derivativeAttack = 1 / abs(1 - control.rate)
        let derivativeControl = (attack.rate - 1) / ((1 - control.rate) * (1 - control.rate))
        let error =
            ((attackError * derivativeAttack) * (attackError * derivativeAttack)
            + (controlError * derivativeControl) * (controlError * derivativeControl)).squareRoot()
        func clip(_ x: Double) -> Double { min(max(x, 0), 1) }
        return AttributeInferenceResult(
            secret: secret, auxiliaryColumns: auxiliaryColumns, secretIsNumerical: numericalSecret != nil,
            tolerance: tolerance, attack: attack, control: control, baseline: baseline, risk: clip(residual),
            riskInterval: ConfidenceInterval(
                lower: clip(residual - error), upper: clip(residual + error), level: level),
            unclippedRisk: residual)
    }

    /// Whether a numerical guess is correct: both missing, or both present with
    /// |g − s| / (|g| + 1e-12) ≤ tolerance (anonymeter's `evaluate_inference_guesses`, with |g|).
    static func numericalHit(
        guess: Double, guessMissing: Bool, truth: Double, truthMissing: Bool, tolerance: Double
    ) -> Bool {
        if guessMissing || truthMissing { return guessMissing && truthMissing }
        return abs(guess - truth) / (abs(guess) + 1e-12) <= tolerance
    }

    /// Σ over the truths of the share of `guesses` that would be a correct guess for it.
    ///
    /// For a present s the correct g form, up to the 1e-12 guard, the interval [s/(1+τ), s/(1−τ)]
    /// (s ≥ 0) or [s/(1−τ), s/(1+τ)] (s < 0). The sorted guesses well inside it are counted by binary
    /// search; those near its ends (a relative 1e-9 plus an absolute margin that covers the guard) are
    /// checked one by one with ``numericalHit``, so the count is exact.
    /// - Complexity: O((n + m) log m) for n truths and m guesses, plus the few values near the ends.
    static func expectedNumericalHits(guesses: NumericValues, truths: NumericValues, tolerance: Double) -> Double {
        let sorted = guesses.present.sorted()
        let missing = guesses.values.count - sorted.count
        func firstIndex(notBelow bound: Double) -> Int {
            var low = 0
            var high = sorted.count
            while low < high {
                let middle = (low + high) / 2
                if sorted[middle] < bound { low = middle + 1 } else { high = middle }
            }
            return low
        }
        func firstIndex(above bound: Double) -> Int {
            var low = 0
            var high = sorted.count
            while low < high {
                let middle = (low + high) / 2
                if sorted[middle] <= bound { low = middle + 1 } else { high = middle }
            }
            return low
        }
        var total = 0
        for row in truths.values.indices {
            if truths.isMissing[row] {
                total += missing
                continue
            }
            let s = truths.values[row]
            let (low, high) =
                s >= 0 ? (s / (1 + tolerance), s / (1 - tolerance)) : (s / (1 - tolerance), s / (1 + tolerance))
            let slack = 1e-9
            let margin = 1e-10 + 4 * tolerance * 1e-12 / (1 - tolerance)
            let outerLow = firstIndex(notBelow: low - abs(low) * slack - margin)
            let outerHigh = firstIndex(above: high + abs(high) * slack + margin)
            let innerLow = firstIndex(notBelow: low + abs(low) * slack + margin)
            let innerHigh = firstIndex(above: high - abs(high) * slack - margin)
            func check(_ range: Range<Int>) -> Int {
                var hits = 0
                for index in range
                where numericalHit(
                    guess: sorted[index], guessMissing: false, truth: s, truthMissing: false, tolerance: tolerance)
                {
                    hits += 1
                }
                return hits
            }
            if innerLow >= innerHigh {
                total += check(outerLow..<max(outerLow, outerHigh))
            } else {
                total += (innerHigh - innerLow) + check(outerLow..<innerLow) + check(innerHigh..<outerHigh)
            }
        }
        return Double(total) / Double(guesses.values.count)
    }
}
