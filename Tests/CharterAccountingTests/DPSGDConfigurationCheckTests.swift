import CharterAccounting
import Testing

/// validate-config: the verdicts of issue 19, the refusal, the recommendation, and the accountant
/// dp-vae spends with against the DP vectors.
@Suite struct DPSGDConfigurationCheckTests {
    static func check(rows: Int, batch: Int, epochs: Int, epsilon: Double, delta: Double = 1e-5)
        -> DPSGDConfigurationCheck
    {
        DPSGDConfigurationCheck(
            DPSGDConfiguration(rows: rows, batchSize: batch, epochs: epochs, targetEpsilon: epsilon, delta: delta))
    }

    static func severity(_ check: DPSGDConfigurationCheck, _ name: String) -> DPSGDFinding.Severity? {
        check.findings.first { $0.check == name }?.severity
    }

    @Test func goodConfiguration() {
        // 10,000 rows, batch 500 (5%), 10 epochs = 200 steps, ε = 5.
        let check = Self.check(rows: 10_000, batch: 500, epochs: 10, epsilon: 5)
        #expect(check.configuration.samplingRate == 0.05)
        #expect(check.configuration.steps == 200)
        #expect(Self.severity(check, "batch-share") == .good)
        #expect(Self.severity(check, "steps") == .good)
        #expect(!check.isRefused)
        let epsilon = check.epsilon ?? .infinity
        #expect(epsilon <= 5 && epsilon > 4.99)
        #expect(
            check.noiseMultiplier
                == NoiseCalibration.noiseMultiplier(
                    targetEpsilon: 5, samplingRate: 0.05, steps: 200, delta: 1e-5))
    }

    @Test func moderateBatchShareAndSteps() {
        // 15% of the rows, 7 steps per epoch × 100 epochs = 700 steps.
        let check = Self.check(rows: 1000, batch: 150, epochs: 100, epsilon: 8)
        #expect(Self.severity(check, "batch-share") == .moderate)
        #expect(check.configuration.steps == 700)
        #expect(Self.severity(check, "steps") == .moderate)
    }

    @Test func warningBatchShareAndSteps() {
        // 30% of the rows; 4 steps per epoch × 300 epochs = 1200 steps.
        let check = Self.check(rows: 1000, batch: 300, epochs: 300, epsilon: 10)
        #expect(Self.severity(check, "batch-share") == .warning)
        #expect(Self.severity(check, "steps") == .warning)
        #expect(check.findings.first { $0.check == "steps" }?.message.contains("fewer epochs") == true)
    }

    @Test func unreachableTargetIsRefusedWithRemediesAndARecommendation() {
        // ε = 0.05 over 2,000 steps at q = 0.05 needs σ far above 10.
        let check = Self.check(rows: 2000, batch: 100, epochs: 100, epsilon: 0.05)
        #expect(check.isRefused)
        #expect(check.noiseMultiplier > DPSGDConfigurationCheck.maximumNoiseMultiplier)
        let message = check.findings.first { $0.severity == .error }?.message ?? ""
        #expect(message.contains("raise the batch size"))
        #expect(message.contains("fewer epochs"))
        #expect(message.contains("higher epsilon"))
        #expect(check.recommended != nil)
        #expect((check.recommended?.noiseMultiplier ?? .infinity) < check.noiseMultiplier)
    }

    @Test func recommendationIsGoodWhenOneExists() throws {
        let check = Self.check(rows: 10_000, batch: 5000, epochs: 300, epsilon: 3)
        let recommended = try #require(check.recommended)
        #expect(recommended.configuration.samplingRate <= 0.10)
        #expect(recommended.configuration.steps < 500)
        #expect(recommended.noiseMultiplier <= DPSGDConfigurationCheck.recommendedNoiseMultiplier)
    }

    @Test func invalidInputsAreErrors() {
        let check = Self.check(rows: 100, batch: 200, epochs: 0, epsilon: -1)
        #expect(check.isRefused)
        #expect(check.findings.count == 3)
        #expect(check.findings.allSatisfy { $0.check == "parameters" })
    }

    @Test("dp-vae's accountant on Opacus's orders reproduces Opacus 1.6's DP-SGD ε rows to 1e-6")
    func opacusRows() {
        let rows = DPVector.rows(family: "sgm_epsilon", method: "rdp_improved_opacus")
        #expect(rows.count == 22)
        for row in rows {
            let epsilon = DPSGDConfigurationCheck.epsilon(
                samplingRate: row.double("q")!, noiseMultiplier: row.double("noise_multiplier")!,
                steps: row.int("steps")!, delta: row.double("delta")!, orders: .opacus
            ).epsilon
            #expect(relativelyClose(epsilon, row.resultValue, 1e-6), "\(row): \(epsilon) vs \(row.resultValue)")
        }
    }

    @Test("the ε printed by charter privacy epsilon for MNIST DP-SGD is what dp-vae would spend")
    func matchesPrivacyEpsilon() {
        let epsilon = DPSGDConfigurationCheck.epsilon(
            samplingRate: 0.004266666666666667, noiseMultiplier: 1.1, steps: 14063, delta: 1e-5)
        #expect(abs(epsilon.epsilon - 2.5966555286811426) < 1e-9)
        #expect(epsilon.order == 8.1)
    }
}
