import Benchmark
import CharterAccounting

/// Targets (issue 7): the RDP accountant for 14,000 steps over the full order grid in ≤ 1 ms; sampler
/// throughput reported as samples per second (one histogram bin = one sample).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal], timeUnits: .microseconds, maxDuration: .seconds(3))

    // MNIST DP-SGD: q = 256/60000, σ = 1.1, 14,000 steps, ε at δ = 1e-5 over dp-accounting's 156 orders.
    for series in FractionalOrderSeries.allCases {
        Benchmark("RDP accountant, 14000 steps, 156 orders, \(series.rawValue) series") { benchmark in
            for _ in benchmark.scaledIterations {
                var accountant = RDPAccountant(orders: .dpAccounting, series: series)
                accountant.composePoissonSubsampledGaussian(
                    samplingRate: 256.0 / 60000, noiseMultiplier: 1.1, steps: 14_000)
                blackHole(accountant.epsilon(delta: 1e-5))
            }
        }
    }

    Benchmark(
        "PLD accountant, MNIST (q = 256/60000, σ = 1.1, 14063 steps), both directions",
        configuration: .init(maxDuration: .seconds(10))
    ) {
        benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(
                PLDAccountant.epsilon(samplingRate: 256.0 / 60000, noiseMultiplier: 1.1, steps: 14_063, delta: 1e-5))
        }
    }

    Benchmark(
        "noise multiplier for ε = 1 (q = 0.01, 5000 steps), bisection to the last bit",
        configuration: .init(maxDuration: .seconds(5))
    ) {
        benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(NoiseCalibration.noiseMultiplier(targetEpsilon: 1, samplingRate: 0.01, steps: 5000, delta: 1e-5))
        }
    }

    let bins = (0..<10_000).map { "bin\($0)" }
    let samplers: [(String, NoiseBudget)] = [
        ("discrete Laplace, scale 1", .laplace(epsilon: 1)),
        ("discrete Laplace, scale 100", .laplace(epsilon: 0.01)),
        ("discrete Gaussian, σ = 1", .gaussian(rho: 0.5)),
        ("discrete Gaussian, σ = 100", .gaussian(rho: 0.00005)),
    ]
    for (name, budget) in samplers {
        // swift-format-ignore
        let histogram = try! NoisyHistogram(domain: bins, budget: budget)
        Benchmark("\(name): 10,000 samples (secure generator)") { benchmark in
            var random = SecureRandomness()
            for _ in benchmark.scaledIterations {
                blackHole(histogram.release(values: [], using: &random))
            }
        }
    }

    // The real-valued path: σ ≈ 2^20 grid steps, 1,000 coordinates.
    // swift-format-ignore
    let vector = try! GaussianVector(sensitivity: 1, dimension: 1000, rho: 0.5)
    let input = (0..<1000).map { Double($0) / 7 }
    Benchmark("Gaussian vector, 1,000 coordinates, σ ≈ 2^20 grid steps") { benchmark in
        var random = SecureRandomness()
        for _ in benchmark.scaledIterations {
            blackHole(try vector.release(vector: input, using: &random))
        }
    }
}
