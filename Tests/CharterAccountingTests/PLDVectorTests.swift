import Foundation
import Testing

@testable import CharterAccounting

/// The PLD rows of the reference vectors. A debug build composes a long run in a few seconds, so the
/// default run checks a spread of cases (single steps, full batches, q from 0.001 to 1, up to 10,000
/// steps, δ down to 1e−9); `CHARTER_FULL_PLD=1` checks every row (`swift test -c release` takes
/// seconds for all of them).
@Suite("privacy loss distributions")
struct PLDVectorTests {
    static let full = ProcessInfo.processInfo.environment["CHARTER_FULL_PLD"] == "1"
    static let quick: Set<String> = ["SGM-06", "SGM-10", "SGM-12", "SGM-32", "SGM-38", "SGM-40", "SGM-44"]

    static let epsilonRows = DPVector.rows(family: "sgm_epsilon", method: "pld_dpacc").filter {
        full || quick.contains($0.caseID)
    }

    @Test("DP-SGD ε by PLD is within 1e-5 of dp-accounting's PLD and below the RDP ε", arguments: epsilonRows)
    func epsilon(row: DPVector) {
        let (q, sigma, steps, delta) = (
            row.double("q")!, row.double("noise_multiplier")!, row.int("steps")!, row.double("delta")!
        )
        let epsilon = PLDAccountant.epsilon(samplingRate: q, noiseMultiplier: sigma, steps: steps, delta: delta)
        // The notes ask for 1e-3 at a 1e-4 grid; the two discretisations agree far closer.
        #expect(abs(epsilon - row.resultValue) <= 1e-5, "\(row): \(epsilon) vs \(row.resultValue)")
        var rdp = RDPAccountant()
        rdp.composePoissonSubsampledGaussian(samplingRate: q, noiseMultiplier: sigma, steps: steps)
        #expect(epsilon <= rdp.epsilon(delta: delta).epsilon, "\(row)")
    }

    @Test("with q = 1 the PLD is pessimistic: never below the exact Gaussian ε, and within 1e-6 of it")
    func pessimisticGaussian() {
        for row in DPVector.rows(family: "sgm_epsilon", method: "gaussian_exact_analytic") {
            let (sigma, steps, delta) = (row.double("noise_multiplier")!, row.int("steps")!, row.double("delta")!)
            let epsilon = PLDAccountant.epsilon(samplingRate: 1, noiseMultiplier: sigma, steps: steps, delta: delta)
            #expect(
                epsilon >= row.resultValue && epsilon - row.resultValue < 1e-6,
                "\(row): \(epsilon) vs \(row.resultValue)")
        }
    }

    /// LAP-06 (1000 releases, ε ≈ 173) needs a 2^22-point FFT: full runs only.
    static let laplaceRows = DPVector.rows(family: "laplace_composition", method: "pld_laplace_dpacc").filter {
        full || $0.caseID != "LAP-06"
    }

    @Test(
        "k-fold Laplace by PLD matches dp-accounting's Laplace PLD to 1e-6 and is no worse than KOV-optimal",
        arguments: laplaceRows)
    func laplace(row: DPVector) {
        let (epsilon0, k, delta) = (row.double("eps0")!, row.int("k")!, row.double("delta")!)
        let epsilon = PrivacyLossDistribution.laplace(epsilon0: epsilon0).selfComposed(k).epsilon(delta: delta)
        #expect(
            abs(epsilon - row.resultValue) <= 1e-6 * max(1, row.resultValue), "\(row): \(epsilon) vs \(row.resultValue)"
        )
        #expect(epsilon <= PureDPComposition.optimal(epsilon0: epsilon0, count: k, delta: delta) + 1e-3)
    }

    /// One single Gaussian by default (each calibration composes a PLD some 30 times); all in full mode.
    static let inverseRows = DPVector.rows(family: "sgm_inverse", method: "pld_dpacc").filter {
        full || $0.caseID == "INV-16"
    }

    @Test(
        "σ for a target ε by PLD lies within dp-accounting's 1e-4 tolerance and meets the target",
        arguments: inverseRows)
    func inverse(row: DPVector) {
        let (target, q, steps, delta) = (
            row.double("target_epsilon")!, row.double("q")!, row.int("steps")!, row.double("delta")!
        )
        let sigma = NoiseCalibration.noiseMultiplierPLD(
            targetEpsilon: target, samplingRate: q, steps: steps, delta: delta, tolerance: 1e-5)
        #expect(
            abs(sigma - row.resultValue) <= 2e-4 * max(1, row.resultValue), "\(row): \(sigma) vs \(row.resultValue)")
        #expect(PLDAccountant.epsilon(samplingRate: q, noiseMultiplier: sigma, steps: steps, delta: delta) <= target)
    }

    @Test("δ(ε) by PLD matches dp-accounting to 1e-4 relative", .enabled(if: full))
    func delta() {
        for row in DPVector.rows(family: "sgm_delta", method: "pld_dpacc") {
            let delta = PLDAccountant.delta(
                samplingRate: row.double("q")!, noiseMultiplier: row.double("noise_multiplier")!,
                steps: row.int("steps")!,
                epsilon: row.double("target_epsilon")!)
            #expect(relativelyClose(delta, row.resultValue, 1e-4), "\(row): \(delta) vs \(row.resultValue)")
        }
    }

    @Test(
        "one PLD step: masses sum to one; the discrete δ meets the exact Gaussian δ at grid points and lies above it between them"
    )
    func connectTheDots() {
        let sigma = 1.3
        let pld = PrivacyLossDistribution.poissonSubsampledGaussian(
            samplingRate: 1, noiseMultiplier: sigma, direction: .remove, discretization: 1e-3)
        #expect(abs(pld.masses.reduce(0, +) + pld.infinityMass - 1) < 1e-12)
        for grid in [0, 250, 500, 1000, 2000] {
            let epsilon = Double(grid) * 1e-3
            let exact = AnalyticGaussian.delta(sigma: sigma, epsilon: epsilon)
            #expect(abs(pld.delta(epsilon: epsilon) - exact) < 1e-12, "ε = \(epsilon)")
            let between = epsilon + 4e-4
            #expect(
                pld.delta(epsilon: between) >= AnalyticGaussian.delta(sigma: sigma, epsilon: between), "ε = \(between)")
        }
        // Subsampled, both directions: a 10× finer grid is never above the coarse one.
        for direction in PrivacyLossDistribution.Direction.allCases {
            let coarse = PrivacyLossDistribution.poissonSubsampledGaussian(
                samplingRate: 0.05, noiseMultiplier: sigma, direction: direction, discretization: 1e-3)
            let fine = PrivacyLossDistribution.poissonSubsampledGaussian(
                samplingRate: 0.05, noiseMultiplier: sigma, direction: direction, discretization: 1e-4)
            #expect(abs(coarse.masses.reduce(0, +) + coarse.infinityMass - 1) < 1e-10)
            for epsilon in [0.0, 0.0105, 0.05, 0.2, 0.5] {
                #expect(
                    coarse.delta(epsilon: epsilon) >= fine.delta(epsilon: epsilon) - 1e-15,
                    "\(direction) ε = \(epsilon)")
            }
        }
    }
}
