#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Warnings about a differential-privacy configuration, found from the request alone before
/// anything runs: ε too small for the data size, δ not below 1/n, a budget that will not last.
struct DPConfigurationCheck {
    var warnings: [PlanWarning] = []

    /// The share of the rows one count's noise may reach before the marginals are mostly noise.
    static let noiseShareLimit = Decimal(1) / Decimal(100)
    /// The share of the cap left after the run below which the budget is called low.
    static let lowBudgetShare = Decimal(2) / Decimal(10)

    init(
        generator: String, isPrivate: Bool, epsilon: Decimal?, delta: Decimal?, rows: Int?, declaredColumns: Int,
        budget: BudgetForecast
    ) {
        guard isPrivate else {
            warnings.append(
                PlanWarning(
                    code: generator == "external" ? "privacy-claimed" : "no-dp-guarantee", severity: .note,
                    message: generator == "external"
                        ? "the external generator's ε and δ are claimed by the tool, not accounted by Charter; the budget is not drawn"
                        : "generator '\(generator)' gives no differential-privacy guarantee; the budget is not drawn"))
            return
        }
        if let epsilon, let rows, rows > 0, epsilon > 0 {
            // A count over n rows answered with ε/d (d marginals sharing ε) gets Laplace noise of
            // scale d/ε (Dwork & Roth 2014, §3.3): relative to n, d/(ε·n).
            let columns = max(1, declaredColumns)
            let share = Decimal(columns) / (epsilon * Decimal(rows))
            if share > Self.noiseShareLimit {
                let split = columns > 1 ? " split over \(columns) declared columns" : ""
                warnings.append(
                    PlanWarning(
                        code: "epsilon-infeasible", severity: .warning,
                        message:
                            "ε \(epsilon.jsonText)\(split) is small for \(rows) rows: the noise on one count (Laplace scale \(Self.rounded(Decimal(columns) / epsilon))) is \(Self.percent(share)) of the rows, so marginals will be mostly noise; raise ε or use a larger source"
                    ))
            }
        }
        if let delta, let rows, rows > 0, delta * Decimal(rows) >= 1 {
            warnings.append(
                PlanWarning(
                    code: "delta-above-inverse-rows", severity: .warning,
                    message:
                        "δ \(delta.jsonText) is not below 1/n = \(Self.rounded(Decimal(1) / Decimal(rows))) for \(rows) rows: the guarantee allows exposing a whole record with probability δ; choose δ well below 1/n"
                ))
        }
        if epsilon == nil || delta == nil {
            warnings.append(
                PlanWarning(
                    code: "dp-parameters-missing", severity: .error,
                    message:
                        "the request states no generator.\(epsilon == nil ? "epsilon" : "delta") for a differentially private generator"
                ))
        }
        guard budget.draws else { return }
        guard let cap = budget.capEpsilon else {
            warnings.append(
                PlanWarning(
                    code: "budget-uncapped", severity: .warning,
                    message:
                        "source '\(budget.source)' has no lifetime budget in the registry or the policy: nothing limits repeated runs"
                ))
            return
        }
        if !budget.fits {
            let left = budget.spentEpsilon.map { max(0, cap - $0) }
            warnings.append(
                PlanWarning(
                    code: "budget-exceeded", severity: .error,
                    message:
                        "this run needs ε \(budget.runEpsilon?.jsonText ?? "?"), δ \(budget.runDelta?.jsonText ?? "?"); source '\(budget.source)' has ε \(left?.jsonText ?? "none") of \(cap.jsonText) left (δ cap \(budget.capDelta?.jsonText ?? "none")): the ledger will refuse the reservation"
                ))
        } else if let remaining = budget.remainingEpsilon {
            let low = remaining < cap * Self.lowBudgetShare
            warnings.append(
                PlanWarning(
                    code: low ? "budget-low" : "budget-remaining", severity: low ? .warning : .note,
                    message:
                        "after this run source '\(budget.source)' has at least ε \(remaining.jsonText) of \(cap.jsonText) left (the ledger's own composition may spend less than the sum)"
                ))
        }
    }

    /// Six significant digits at most, as plain text.
    static func rounded(_ value: Decimal) -> String {
        let double = value.approximateDouble
        return double.significant4
    }

    static func percent(_ share: Decimal) -> String { (share * 100).approximateDouble.significant4 + "%" }
}

extension Double {
    /// Four significant digits as plain decimal text (`0.001458`, `15`, `1.458`).
    var significant4: String { significant(4) }

    /// `digits` significant digits as plain decimal text, locale-free, never in exponent form.
    func significant(_ digits: Int) -> String {
        guard isFinite, self != 0 else { return isFinite ? "0" : "\(self)" }
        var magnitude = abs(self)
        var exponent = 0
        while magnitude >= 10 {
            magnitude /= 10
            exponent += 1
        }
        while magnitude < 1 {
            magnitude *= 10
            exponent -= 1
        }
        let decimals = max(0, digits - 1 - exponent)
        guard decimals <= 17 else { return "0" }
        var factor = 1.0
        for _ in 0..<decimals { factor *= 10 }
        var digits = String(Int64((abs(self) * factor).rounded()))
        if decimals > 0 {
            while digits.count <= decimals { digits = "0" + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
            while digits.hasSuffix("0") { digits.removeLast() }
            if digits.hasSuffix(".") { digits.removeLast() }
        }
        return (self < 0 ? "-" : "") + digits
    }
}
