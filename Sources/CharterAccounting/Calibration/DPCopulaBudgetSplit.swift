/// How `dp-copula` (CharterSynth's `DPCopulaGenerator`) splits its zCDP budget ρ between its
/// mechanisms by default: one rule for the generator's defaults, the plan (which fixes the split
/// and shows it) and the column advice of `charter recommend` (which predicts the noise).
///
/// ``marginalShare`` of ρ goes to the d marginal histograms in equal parts; the rest goes to the
/// correlation. With a target, ``targetShare`` of the correlation's part goes to the target's own
/// correlations with the other columns (a vector of sensitivity max|s_target|·R instead of the
/// pairs' R²/√2) and the rest to the other columns' pairs.
public enum DPCopulaBudgetSplit {
    /// The share of ρ the marginal histograms get.
    public static let marginalShare = 0.5
    /// With a target, the share of the correlation's ρ the target's correlations get.
    public static let targetShare = 0.5

    /// The ρ of one histogram of `columns` histograms, at the default split.
    public static func marginalRho(_ rho: Double, columns: Int) -> Double {
        columns >= 2 ? rho * marginalShare / Double(columns) : rho
    }

    /// The ρ of the other columns' pair vector (all pairs without a target), at the default split.
    public static func pairsRho(_ rho: Double, target: Bool) -> Double {
        rho * (1 - marginalShare) * (target ? 1 - targetShare : 1)
    }
}
