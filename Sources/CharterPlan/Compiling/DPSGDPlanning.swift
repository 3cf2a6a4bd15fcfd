import CharterAccounting
import CharterCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What a `dp-vae` plan fixes before any data is read: epochs, batch size and clipping norm, and
/// the q, σ and steps they give on the expected training rows (the source's rows less the holdout),
/// with `charter privacy validate-config`'s findings as plan warnings.
///
/// The plan starts from ``defaultEpochs`` and a batch of 5% of the training rows; when
/// ``DPSGDConfigurationCheck`` refuses that or calls it anything but good, the check's recommended
/// configuration is used instead. The generator recalibrates σ on the actual training rows (a
/// stratified holdout may move their count by a row or two), so the certificate's q, σ and steps are
/// the ones that ran; the planned values are recorded as `planned_*`.
enum DPSGDPlanning {
    /// Epochs a plan starts from.
    static let defaultEpochs = 50
    /// The per-example clipping norm C.
    static let clipNorm = 1.0

    static func plan(rows: Int?, holdoutFraction: Decimal, epsilon: Decimal?, delta: Decimal?) -> (
        parameters: [String: JSONValue], warnings: [PlanWarning]
    ) {
        guard let rows, rows >= 2 else {
            return (
                [:],
                [
                    PlanWarning(
                        code: "dp-sgd-rows-unknown", severity: .error,
                        message:
                            "dp-vae needs source.rows to fix its sampling rate, steps and noise before any data is read"
                    )
                ]
            )
        }
        guard let epsilon, let delta else { return ([:], []) }
        let fraction = holdoutFraction.approximateDouble
        let training = max(1, rows - Int((fraction * Double(rows)).rounded()))
        let e = epsilon.approximateDouble
        let d = delta.approximateDouble
        guard e > 0, e.isFinite, d > 0, d < 1 else { return ([:], []) }
        let start = DPSGDConfiguration(
            rows: training, batchSize: max(1, Int((0.05 * Double(training)).rounded())), epochs: defaultEpochs,
            targetEpsilon: e, delta: d)
        var check = DPSGDConfigurationCheck(start)
        if check.findings.contains(where: { $0.severity != .good }), let recommended = check.recommended {
            let alternative = DPSGDConfigurationCheck(recommended.configuration, recommend: false)
            if !alternative.isRefused { check = alternative }
        }
        var warnings: [PlanWarning] = []
        for finding in check.findings where finding.severity == .warning || finding.severity == .error {
            warnings.append(
                PlanWarning(
                    code: "dp-sgd-\(finding.check)", severity: finding.severity == .error ? .error : .warning,
                    message: "dp-vae: " + finding.message))
        }
        let c = check.configuration
        var parameters: [String: JSONValue] = [
            "epochs": .integer(c.epochs), "batch_size": .integer(c.batchSize), "clip_norm": .number(clipNorm),
            "planned_training_rows": .integer(training), "planned_sampling_rate": .number(c.samplingRate),
            "planned_steps": .integer(c.steps),
        ]
        if check.noiseMultiplier.isFinite {
            parameters["planned_noise_multiplier"] = .number(
                Double(check.noiseMultiplier.significant(6)) ?? check.noiseMultiplier)
        }
        return (parameters, warnings)
    }
}
