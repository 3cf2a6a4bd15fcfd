import CharterCore
import CharterPrivacyTestSupport
import Foundation
import Testing

@testable import CharterPrivacy

@Suite("mechanisms")
struct MechanismTests {
    @Test("a Laplace count's noise is exactly discrete Laplace with scale 1/ε (χ²)")
    func laplaceCount() throws {
        let mechanism = try NoisyCount(budget: .laplace(epsilon: 0.5))
        var random = SeededTestRandomness(seed: 1)
        let samples = (0..<40_000).map { _ in mechanism.releaseWithAnySource(count: 100, using: &random).value - 100 }
        let fit = ChiSquareFit(samples: samples, pmf: SamplerTests.laplacePMF(scale: 2), support: -200...200)
        #expect(fit.passes, "χ² = \(fit.statistic)")
        #expect(mechanism.noise.parameter == ExactRational(2, 1))
    }

    @Test("a Gaussian count's noise is exactly discrete Gaussian with σ² = 1/(2ρ) (χ²)")
    func gaussianCount() throws {
        let mechanism = try NoisyCount(budget: .gaussian(rho: 0.125))
        var random = SeededTestRandomness(seed: 2)
        let samples = (0..<40_000).map { _ in mechanism.releaseWithAnySource(count: 7, using: &random).value - 7 }
        let fit = ChiSquareFit(samples: samples, pmf: SamplerTests.gaussianPMF(variance: 4), support: -100...100)
        #expect(fit.passes, "χ² = \(fit.statistic)")
        #expect(mechanism.noise.parameter == ExactRational(4, 1))
    }

    @Test("the privacy description serialises to canonical JSON, and records the randomness")
    func descriptionJSON() throws {
        let mechanism = try NoisyCount(budget: .laplace(epsilon: 0.5))
        var secure = SecureRandomness()
        let release = mechanism.release(count: 3, using: &secure)
        #expect(
            try release.privacy.canonicalJSON()
                == #"{"guarantee":{"epsilon":0.5,"kind":"pure"},"implementation":"CKS20 exact samplers (Canonne, Kamath & Steinke 2020), integer arithmetic, power-of-two grid","mechanism":"noisy-count","neighbouring":"add-remove-one","noise":[{"distribution":"discrete-laplace","grid_exponent":0,"grid_sensitivity":1,"parameter":"2/1","target":"count"}],"randomness":"system-csprng","sensitivity":1}"#
        )
        var seeded = SeededTestRandomness(seed: 3)
        #expect(mechanism.releaseWithAnySource(count: 3, using: &seeded).privacy.randomness == .deterministicTestOnly)
        let guarantee = release.privacy.guarantee
        #expect(try PrivacyGuarantee(json: guarantee.jsonValue) == guarantee)
        #expect(try PrivacyGuarantee(json: ["kind": "zcdp", "rho": 0.25]) == .zeroConcentrated(rho: 0.25))
        #expect(throws: PrivacyDescriptionError.self) { try PrivacyGuarantee(json: ["kind": "zcdp", "rho": -1]) }
        #expect(PrivacyGuarantee.pure(epsilon: 1).composed(with: .pure(epsilon: 0.5)) == .pure(epsilon: 1.5))
        #expect(PrivacyGuarantee.pure(epsilon: 1).composed(with: .zeroConcentrated(rho: 0.5)) == nil)
    }

    @Test("a histogram releases every declared bin in order and ignores values outside the domain")
    func histogram() throws {
        let mechanism = try NoisyHistogram(domain: ["c", "a", "b"], budget: .laplace(epsilon: 1e6))
        var random = SeededTestRandomness(seed: 4)
        let release = mechanism.releaseWithAnySource(values: ["a", "a", "b", "z", "a"], using: &random)
        #expect(release.value == [0, 3, 1])  // scale 1e-6: the noise is zero with overwhelming probability
        #expect(release.privacy.guarantee == .pure(epsilon: 1e6))
        #expect(throws: MechanismError.invalidDomain("'a' appears twice")) {
            try NoisyHistogram(domain: ["a", "a"], budget: .laplace(epsilon: 1))
        }
        #expect(throws: MechanismError.invalidDomain("it is empty")) {
            try NoisyHistogram(domain: [], budget: .laplace(epsilon: 1))
        }
    }

    @Test("a clamped sum lies on its power-of-two grid, charges the rounding, and realises at most the ε asked for")
    func sumGrid() throws {
        let mechanism = try NoisySum(lower: -2, upper: 10, budget: .laplace(epsilon: 0.7))
        var random = SeededTestRandomness(seed: 5)
        let values = [1.5, 3.25, 100, -7, 0.1]
        let g = mechanism.grid.spacing
        // The nominal scale 10/0.7 ≈ 14.3 = 2^3.8: the grid is 2^(3−20).
        #expect(mechanism.grid.exponent == -17)
        #expect(mechanism.gridSensitivity == UInt64((10 / g).rounded(.up)) + 1)
        for _ in 0..<100 {
            let release = try mechanism.releaseWithAnySource(values: values, using: &random)
            #expect((release.value / g).rounded() == release.value / g)
        }
        // Realised ε = Δ_grid / scale ≤ 0.7, and not much below it.
        let scale = mechanism.noise.parameter
        let realised = Double(mechanism.gridSensitivity) * Double(scale.denominator) / Double(scale.numerator)
        #expect(realised <= 0.7 && realised > 0.7 * (1 - 1e-9))
        // The exact integer sum of the clamped values.
        let exact = 1.5 + 3.25 + 10 - 2 + 0.1
        #expect(abs(Double(try mechanism.gridSum(values)) * g - exact) <= 3 * g)
    }

    @Test("a Gaussian sum realises at most the ρ asked for; a mean stays within its bounds")
    func gaussianSumAndMean() throws {
        let sum = try NoisySum(lower: 0, upper: 5, budget: .gaussian(rho: 0.1))
        let variance = sum.noise.parameter
        let delta = Double(sum.gridSensitivity)
        let realised = delta * delta * Double(variance.denominator) / (2 * Double(variance.numerator))
        #expect(realised <= 0.1 && realised > 0.1 * (1 - 1e-9))
        let mean = try NoisyMean(lower: 0, upper: 5, budget: .gaussian(rho: 0.1))
        var random = SeededTestRandomness(seed: 6)
        let values = (0..<1000).map { Double($0 % 6) }
        let release = try mean.releaseWithAnySource(values: values, using: &random)
        #expect(release.value >= 0 && release.value <= 5)
        #expect(abs(release.value - 2.5) < 0.5)
        #expect(release.privacy.guarantee == .zeroConcentrated(rho: 0.1))
        #expect(release.privacy.noise.map(\.target) == ["sum", "count"])
    }

    @Test("a Gaussian vector charges Δ/2^k + √d, lands on the grid and has the right spread")
    func gaussianVector() throws {
        let mechanism = try GaussianVector(sensitivity: 1, dimension: 4, rho: 0.5)
        var random = SeededTestRandomness(seed: 7)
        let g = mechanism.grid.spacing
        #expect(mechanism.gridSensitivity >= 1 / g + 2)
        var squares = 0.0
        let rounds = 2000
        for _ in 0..<rounds {
            let release = try mechanism.releaseWithAnySource(vector: [0, 1, 2, 3], using: &random)
            for (value, truth) in zip(release.value, [0.0, 1, 2, 3]) {
                #expect((value / g).rounded() == value / g)
                squares += (value - truth) * (value - truth)
            }
        }
        // σ in data units is (1 + 2g)/√(2ρ) ≈ 1.
        let variance = squares / Double(4 * rounds)
        #expect(abs(variance - 1) < 0.1)
        #expect(throws: MechanismError.self) { try mechanism.releaseWithAnySource(vector: [1, 2], using: &random) }
        #expect(throws: MechanismError.nonFiniteValue(index: 2)) {
            try mechanism.releaseWithAnySource(vector: [1, 2, .nan, 4], using: &random)
        }
    }

    @Test("bad parameters and data are rejected with typed errors")
    func badInput() throws {
        #expect(throws: MechanismError.self) { try NoisyCount(budget: .laplace(epsilon: 0)) }
        #expect(throws: MechanismError.self) { try NoisyCount(budget: .laplace(epsilon: .nan)) }
        #expect(throws: MechanismError.self) { try NoisyCount(budget: .gaussian(rho: -1)) }
        #expect(throws: MechanismError.self) { try NoisySum(lower: 1, upper: 1, budget: .laplace(epsilon: 1)) }
        #expect(throws: MechanismError.self) { try NoisySum(lower: 0, upper: .infinity, budget: .laplace(epsilon: 1)) }
        #expect(throws: MechanismError.self) { try GaussianVector(sensitivity: 0, dimension: 2, rho: 1) }
        // A denormal sensitivity puts the grid below the smallest double: an error, not a trap.
        #expect(throws: MechanismError.self) { try GaussianVector(sensitivity: 0x1p-1063, dimension: 2, rho: 1) }
        #expect(throws: MechanismError.self) { try GaussianVector(sensitivity: 1e300, dimension: 2, rho: 0x1p-80) }
        let sum = try NoisySum(lower: 0, upper: 1, budget: .laplace(epsilon: 1))
        var random = SecureRandomness()
        #expect(throws: MechanismError.nonFiniteValue(index: 1)) {
            try sum.release(values: [0.5, .infinity], using: &random)
        }
    }

    @Test("exact rationals round the noise up, never down")
    func roundingUp() throws {
        // 1/ε for ε = 0.1 (not a dyadic fraction) is rounded up to a fraction ≥ 10.
        let (m, e) = ExactRational.decompose(0.1)
        let scale = try #require(ExactRational.roundingUp(1, over: UInt128(m), timesPowerOfTwo: -e))
        #expect(UInt128(scale.numerator) * UInt128(m) >= UInt128(scale.denominator) << -e)
        #expect(abs(scale.doubleValue - 10) < 1e-9)
        // Huge numerators are shifted with rounding up.
        let big = try #require(ExactRational.roundingUp((UInt128(1) << 100) + 1, over: 3, timesPowerOfTwo: -90))
        #expect(big.doubleValue >= (0x1p100 + 1) / 3 * 0x1p-90)
        #expect(ExactRational.roundingUp(1, over: 1, timesPowerOfTwo: 70) == nil)
        #expect(ExactRational.integerSquareRoot(99) == 9)
        #expect(ExactRational.integerSquareRoot(UInt64.max) == 4_294_967_295)
    }
}
