import CharterAccounting
import Foundation
import Testing

/// Every row of the shared reference vectors that names a quantity CharterAccounting computes, at the
/// tolerances of `notes/privacy-accounting.md` §3.
@Suite("reference vectors")
struct AccountantVectorTests {
    @Test("the vector file is present and complete")
    func vectorsLoad() {
        #expect(DPVector.all.count == 273)
    }

    // MARK: RDP per step

    @Test("integer-order RDP matches the 60-digit mpmath sums and both libraries to 1e-9")
    func integerOrders() {
        let rows = DPVector.rows(family: "sgm_rdp_per_step").filter {
            ($0.double("order") ?? 0).rounded() == $0.double("order")
        }
        #expect(rows.count >= 12)
        for row in rows {
            let value = SubsampledGaussianRDP.rdp(
                samplingRate: row.double("q")!, noiseMultiplier: row.double("noise_multiplier")!,
                order: row.double("order")!)
            #expect(relativelyClose(value, row.resultValue, 1e-9), "\(row): \(value) vs \(row.resultValue)")
        }
    }

    @Test("fractional-order RDP (signed series) matches mpmath quadrature and Opacus to 1e-8")
    func fractionalOrdersSigned() {
        let rows = DPVector.rows(family: "sgm_rdp_per_step").filter {
            ($0.double("order") ?? 0).rounded() != $0.double("order")
                && ($0.method == "rdp_exact_quadrature_mpmath" || $0.method == "rdp_opacus")
        }
        #expect(rows.count >= 16)
        for row in rows {
            let value = SubsampledGaussianRDP.rdp(
                samplingRate: row.double("q")!, noiseMultiplier: row.double("noise_multiplier")!,
                order: row.double("order")!, series: .signed)
            #expect(relativelyClose(value, row.resultValue, 1e-8), "\(row): \(value) vs \(row.resultValue)")
        }
    }

    @Test("fractional-order RDP in dp-accounting mode matches dp-accounting 0.6.0 to 1e-8, and bounds the signed one")
    func fractionalOrdersDPAccounting() {
        let rows = DPVector.rows(family: "sgm_rdp_per_step", method: "rdp_dpacc").filter {
            ($0.double("order") ?? 0).rounded() != $0.double("order")
        }
        #expect(rows.count >= 8)
        for row in rows {
            let (q, sigma, alpha) = (row.double("q")!, row.double("noise_multiplier")!, row.double("order")!)
            let value = SubsampledGaussianRDP.rdp(
                samplingRate: q, noiseMultiplier: sigma, order: alpha, series: .dpAccounting)
            #expect(relativelyClose(value, row.resultValue, 1e-8), "\(row): \(value) vs \(row.resultValue)")
            let signed = SubsampledGaussianRDP.rdp(
                samplingRate: q, noiseMultiplier: sigma, order: alpha, series: .signed)
            #expect(signed <= value * (1 + 1e-12), "\(row): the unsigned series must bound the signed one")
        }
    }

    // MARK: ε of DP-SGD

    private func accountant(_ row: DPVector, orders: RDPOrders, series: FractionalOrderSeries) -> RDPAccountant {
        var accountant = RDPAccountant(orders: orders, series: series)
        accountant.composePoissonSubsampledGaussian(
            samplingRate: row.double("q")!, noiseMultiplier: row.double("noise_multiplier")!, steps: row.int("steps")!)
        return accountant
    }

    @Test("improved-RDP ε on the dp-accounting grid matches dp-accounting to 1e-8, with its optimal order")
    func epsilonDPAccounting() {
        let rows = DPVector.rows(family: "sgm_epsilon", method: "rdp_improved_dpacc")
        #expect(rows.count == 22)
        for row in rows {
            let delta = row.double("delta")!
            let (epsilon, order) = accountant(row, orders: .dpAccounting, series: .dpAccounting).epsilon(delta: delta)
            #expect(relativelyClose(epsilon, row.resultValue, 1e-8), "\(row): \(epsilon) vs \(row.resultValue)")
            #expect(order == row.double("optimal_order"), "\(row): order \(String(describing: order))")
            // The exact (signed) curve can only be lower, and agrees wherever the optimum is an integer order.
            let (signedEpsilon, signedOrder) = accountant(row, orders: .dpAccounting, series: .signed).epsilon(
                delta: delta)
            #expect(signedEpsilon <= epsilon * (1 + 1e-12), "\(row)")
            if let signedOrder, signedOrder.rounded() == signedOrder, signedOrder == order {
                #expect(relativelyClose(signedEpsilon, row.resultValue, 1e-8), "\(row): \(signedEpsilon)")
            }
        }
    }

    @Test("improved-RDP ε on the Opacus grid (signed series) matches Opacus 1.6 to 1e-8")
    func epsilonOpacus() {
        let rows = DPVector.rows(family: "sgm_epsilon", method: "rdp_improved_opacus")
        #expect(rows.count == 22)
        for row in rows {
            let (epsilon, order) = accountant(row, orders: .opacus, series: .signed).epsilon(
                delta: row.double("delta")!)
            #expect(relativelyClose(epsilon, row.resultValue, 1e-8), "\(row): \(epsilon) vs \(row.resultValue)")
            #expect(order == row.double("optimal_order"), "\(row): order \(String(describing: order))")
        }
    }

    @Test("classic-conversion ε on the same curve matches to 1e-8")
    func epsilonClassic() {
        let rows = DPVector.rows(family: "sgm_epsilon", method: "rdp_classic_dpacc_curve")
        #expect(rows.count == 22)
        for row in rows {
            let (epsilon, order) = accountant(row, orders: .dpAccounting, series: .dpAccounting)
                .classicEpsilon(delta: row.double("delta")!)
            #expect(relativelyClose(epsilon, row.resultValue, 1e-8), "\(row): \(epsilon) vs \(row.resultValue)")
            #expect(order == row.double("optimal_order"), "\(row): order \(String(describing: order))")
        }
    }

    @Test("T full-batch Gaussians compose exactly to one Gaussian with σ/√T (Balle–Wang ε)")
    func epsilonExactGaussian() {
        let rows = DPVector.rows(family: "sgm_epsilon", method: "gaussian_exact_analytic")
        #expect(rows.count == 4)
        for row in rows {
            let sigma = row.double("noise_multiplier")! / Double(row.int("steps")!).squareRoot()
            let epsilon = AnalyticGaussian.epsilon(sigma: sigma, delta: row.double("delta")!)
            #expect(relativelyClose(epsilon, row.resultValue, 1e-9), "\(row): \(epsilon) vs \(row.resultValue)")
        }
    }

    @Test("δ(ε) by RDP matches dp-accounting to 1e-8")
    func deltaFromEpsilon() {
        let rows = DPVector.rows(family: "sgm_delta", method: "rdp_improved_dpacc")
        #expect(rows.count == 2)
        for row in rows {
            let (delta, order) = accountant(row, orders: .dpAccounting, series: .dpAccounting)
                .delta(epsilon: row.double("target_epsilon")!)
            #expect(relativelyClose(delta, row.resultValue, 1e-8), "\(row): \(delta) vs \(row.resultValue)")
            #expect(order == row.double("optimal_order"), "\(row)")
        }
    }

    // MARK: Inverse problems

    @Test("σ for a target ε (dp-accounting mode) lies within the row's 1e-7 of dp-accounting and meets the target")
    func inverseDPAccounting() {
        let rows = DPVector.rows(family: "sgm_inverse", method: "rdp_improved_dpacc")
        #expect(rows.count == 12)
        for row in rows {
            let (target, q, steps, delta) = (
                row.double("target_epsilon")!, row.double("q")!, row.int("steps")!, row.double("delta")!
            )
            let sigma = NoiseCalibration.noiseMultiplier(
                targetEpsilon: target, samplingRate: q, steps: steps, delta: delta, series: .dpAccounting)
            #expect(
                abs(sigma - row.resultValue) <= 1e-7 * max(1, row.resultValue), "\(row): \(sigma) vs \(row.resultValue)"
            )
            var check = RDPAccountant(series: .dpAccounting)
            check.composePoissonSubsampledGaussian(samplingRate: q, noiseMultiplier: sigma, steps: steps)
            #expect(check.epsilon(delta: delta).epsilon <= target, "\(row)")
            // The exact series never needs more noise.
            let signed = NoiseCalibration.noiseMultiplier(
                targetEpsilon: target, samplingRate: q, steps: steps, delta: delta)
            #expect(signed <= sigma * (1 + 1e-12), "\(row)")
        }
    }

    @Test(
        "Opacus's coarse bisection answer has ε within its 0.01 tolerance below the target, and ours needs no more noise"
    )
    func inverseOpacus() {
        let rows = DPVector.rows(family: "sgm_inverse", method: "rdp_opacus_get_noise_multiplier")
        #expect(rows.count == 7)
        for row in rows {
            let (target, q, steps, delta) = (
                row.double("target_epsilon")!, row.double("q")!, row.int("steps")!, row.double("delta")!
            )
            var theirs = RDPAccountant(orders: .opacus)
            theirs.composePoissonSubsampledGaussian(samplingRate: q, noiseMultiplier: row.resultValue, steps: steps)
            let epsilon = theirs.epsilon(delta: delta).epsilon
            #expect(epsilon <= target && epsilon >= target - 0.01, "\(row): ε(σ_opacus) = \(epsilon)")
            let ours = NoiseCalibration.noiseMultiplier(
                targetEpsilon: target, samplingRate: q, steps: steps, delta: delta, orders: .opacus)
            #expect(ours <= row.resultValue, "\(row): \(ours)")
        }
    }

    @Test("σ for a target ε of T full-batch Gaussians is √T times the analytic calibration")
    func inverseExactGaussian() {
        let rows = DPVector.rows(family: "sgm_inverse", method: "gaussian_exact_analytic")
        #expect(rows.count == 5)
        for row in rows {
            let sigma =
                Double(row.int("steps")!).squareRoot()
                * AnalyticGaussian.sigma(epsilon: row.double("target_epsilon")!, delta: row.double("delta")!)
            #expect(relativelyClose(sigma, row.resultValue, 1e-9), "\(row): \(sigma) vs \(row.resultValue)")
        }
    }

    // MARK: Gaussian calibration

    @Test("analytic Gaussian σ matches the 50-digit mpmath solve and dp-accounting to 1e-10, with δ(σ) ≤ target")
    func analyticGaussianSigma() {
        let rows = DPVector.rows(family: "gaussian_calibration").filter {
            $0.method.hasPrefix("analytic") && $0.fields["result_name"] == "sigma"
        }
        #expect(rows.count == 20)
        for row in rows {
            let (epsilon, delta, sensitivity) = (
                row.double("target_epsilon")!, row.double("delta")!, row.double("sensitivity")!
            )
            let sigma = AnalyticGaussian.sigma(epsilon: epsilon, delta: delta, sensitivity: sensitivity)
            #expect(relativelyClose(sigma, row.resultValue, 1e-10), "\(row): \(sigma) vs \(row.resultValue)")
            #expect(AnalyticGaussian.delta(sigma: sigma, epsilon: epsilon, sensitivity: sensitivity) <= delta)
        }
    }

    @Test("analytic Gaussian ε for a given σ matches dp-accounting to 1e-9")
    func analyticGaussianEpsilon() {
        let rows = DPVector.rows(family: "gaussian_calibration").filter { $0.fields["result_name"] == "epsilon" }
        #expect(rows.count == 2)
        for row in rows {
            let epsilon = AnalyticGaussian.epsilon(
                sigma: row.double("noise_multiplier")! * row.double("sensitivity")!, delta: row.double("delta")!,
                sensitivity: row.double("sensitivity")!)
            #expect(relativelyClose(epsilon, row.resultValue, 1e-9), "\(row): \(epsilon) vs \(row.resultValue)")
        }
    }

    @Test("the classic formula is reproduced, and is flagged unsafe where it under-noises (ε ≥ 1)")
    func classicGaussian() {
        let rows = DPVector.rows(family: "gaussian_calibration", method: "classic_dwork_roth")
        #expect(rows.count == 10)
        for row in rows {
            let (epsilon, delta, sensitivity) = (
                row.double("target_epsilon")!, row.double("delta")!, row.double("sensitivity")!
            )
            let sigma = AnalyticGaussian.classicSigma(epsilon: epsilon, delta: delta, sensitivity: sensitivity)
            #expect(relativelyClose(sigma, row.resultValue, 1e-12), "\(row)")
            if AnalyticGaussian.delta(sigma: sigma, epsilon: epsilon, sensitivity: sensitivity) > delta {
                #expect(epsilon >= 1 && row.fields["settings"]!.contains("NOT VALID"), "\(row)")
            }
        }
        // GAU-16: at ε = 10 the classic σ is below the exact one.
        #expect(
            AnalyticGaussian.classicSigma(epsilon: 10, delta: 1e-5) < AnalyticGaussian.sigma(epsilon: 10, delta: 1e-5))
    }

    // MARK: zCDP

    @Test("zCDP → (ε, δ): Bun–Steinke, CKS20 over continuous α (OpenDP), and on the dp-accounting grid")
    func zeroConcentrated() {
        let rows = DPVector.rows(family: "zcdp_conversion")
        #expect(rows.count == 24)
        for row in rows {
            let (rho, delta) = (row.double("rho")!, row.double("delta")!)
            let value: Double
            switch row.method {
            case "classic_bs16":
                value = ZeroConcentratedDP.epsilonBunSteinke(rho: rho, delta: delta)
            case "cks20_continuous_alpha", "opendp_zCDP_to_approxDP":
                value = ZeroConcentratedDP.epsilon(rho: rho, delta: delta).epsilon
            case "rdp_zcdp_event_dpacc":
                var accountant = RDPAccountant()
                accountant.composeZeroConcentrated(rho: rho)
                let (epsilon, order) = accountant.epsilon(delta: delta)
                #expect(order == row.double("optimal_order"), "\(row)")
                value = epsilon
            default:
                Issue.record("unknown method \(row.method)")
                continue
            }
            #expect(relativelyClose(value, row.resultValue, 1e-9), "\(row): \(value) vs \(row.resultValue)")
        }
    }

    // MARK: Pure-ε composition

    @Test("Laplace composition: basic, advanced, KOV-optimal and Laplace RDP on the grid")
    func laplaceComposition() {
        let rows = DPVector.rows(family: "laplace_composition").filter { $0.method != "pld_laplace_dpacc" }
        #expect(rows.count == 16)
        for row in rows {
            let (epsilon0, k, delta) = (row.double("eps0")!, row.int("k")!, row.double("delta")!)
            let value: Double
            switch row.method {
            case "basic": value = PureDPComposition.basic(epsilon0: epsilon0, count: k)
            case "advanced_drv10": value = PureDPComposition.advanced(epsilon0: epsilon0, count: k, delta: delta)
            case "optimal_generic_kov15": value = PureDPComposition.optimal(epsilon0: epsilon0, count: k, delta: delta)
            case "rdp_laplace_dpacc":
                var accountant = RDPAccountant()
                accountant.composeLaplace(epsilon0: epsilon0, count: k)
                let (epsilon, order) = accountant.epsilon(delta: delta)
                #expect(order == row.double("optimal_order"), "\(row)")
                value = epsilon
            default:
                Issue.record("unknown method \(row.method)")
                continue
            }
            #expect(relativelyClose(value, row.resultValue, 1e-9), "\(row): \(value) vs \(row.resultValue)")
        }
    }
}
