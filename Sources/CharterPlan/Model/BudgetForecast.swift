#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// The source's privacy budget before and after the planned run.
///
/// After-run figures add this run's (ε, δ) to what the ledger holds (basic composition): an upper
/// bound whatever the ledger's composition, so a forecast that fits always fits. The ledger's own
/// accounting (e.g. RDP) may spend less; it decides at reservation time.
public struct BudgetForecast: Sendable, Equatable {
    /// The source dataset.
    public var source: String
    /// Whether this run draws on the budget (a differentially private generator).
    public var draws: Bool
    /// The lifetime ε cap: the registry's, or the policy's `budgets.per_source` for a new source.
    public var capEpsilon: Decimal?
    /// The lifetime δ cap.
    public var capDelta: Decimal?
    /// ε spent or held before this run (`nil`: no finite ε).
    public var spentEpsilon: Decimal?
    /// δ spent or held before this run.
    public var spentDelta: Decimal
    /// This run's ε (`nil` when it does not draw).
    public var runEpsilon: Decimal?
    /// This run's δ.
    public var runDelta: Decimal?
    /// ε left after this run, never below zero (`nil` when unknown: no cap or no finite spend).
    public var remainingEpsilon: Decimal?
    /// δ left after this run, never below zero.
    public var remainingDelta: Decimal?
    /// Whether the run fits the cap (always `true` when it does not draw or there is no cap).
    public var fits: Bool
    /// Where the cap comes from: `registry`, `policy`, or `none`.
    public var capSource: String

    /// Creates a forecast.
    public init(
        source: String, draws: Bool, capEpsilon: Decimal?, capDelta: Decimal?, spentEpsilon: Decimal?,
        spentDelta: Decimal, runEpsilon: Decimal?, runDelta: Decimal?, remainingEpsilon: Decimal?,
        remainingDelta: Decimal?, fits: Bool, capSource: String
    ) {
        self.source = source
        self.draws = draws
        self.capEpsilon = capEpsilon
        self.capDelta = capDelta
        self.spentEpsilon = spentEpsilon
        self.spentDelta = spentDelta
        self.runEpsilon = runEpsilon
        self.runDelta = runDelta
        self.remainingEpsilon = remainingEpsilon
        self.remainingDelta = remainingDelta
        self.fits = fits
        self.capSource = capSource
    }
}
