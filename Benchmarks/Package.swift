// swift-tools-version: 6.1
// Benchmarks live in their own package so that CI, which builds only the main package, never
// builds them. Run in release: cd Benchmarks && swift package benchmark [--target NAME]
import PackageDescription

let package = Package(
    name: "CharterBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Charter", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "DataBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "CharterData", package: "Charter"),
                .product(name: "CharterStats", package: "Charter"),
            ],
            path: "Benchmarks/DataBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "DecisionBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "CharterPolicy", package: "Charter"),
                .product(name: "CharterCore", package: "Charter"),
            ],
            path: "Benchmarks/DecisionBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "PolicyBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "CharterPolicy", package: "Charter"),
                .product(name: "CharterCore", package: "Charter"),
            ],
            path: "Benchmarks/PolicyBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "DisclosureBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "CharterData", package: "Charter"),
                .product(name: "CharterPrivacy", package: "Charter"),
            ],
            path: "Benchmarks/DisclosureBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "PrivacyBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "CharterAccounting", package: "Charter"),
            ],
            path: "Benchmarks/PrivacyBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "RegistryBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "CharterRegistry", package: "Charter"),
                .product(name: "CharterCore", package: "Charter"),
            ],
            path: "Benchmarks/RegistryBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Not a `Benchmark` target: reserve+commit pairs/s under 1, 8 and 50 concurrent clients, SQLite
        // and PostgreSQL side by side (see its main.swift).
        .executableTarget(
            name: "RegistryThroughput",
            dependencies: [
                .product(name: "CharterRegistry", package: "Charter"),
                .product(name: "CharterCore", package: "Charter"),
            ],
            path: "Benchmarks/RegistryThroughput"
        ),
        .executableTarget(
            name: "SynthBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "CharterSynth", package: "Charter"),
                .product(name: "CharterData", package: "Charter"),
            ],
            path: "Benchmarks/SynthBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Not a Benchmark target: a measured comparison of vae/dp-vae with the copulas (issue 19).
        .executableTarget(
            name: "SynthComparison",
            dependencies: [
                .product(name: "CharterSynth", package: "Charter"),
                .product(name: "CharterStats", package: "Charter"),
                .product(name: "CharterPrivacy", package: "Charter"),
                .product(name: "CharterAccounting", package: "Charter"),
                .product(name: "CharterData", package: "Charter"),
                .product(name: "CharterCore", package: "Charter"),
            ],
            path: "Benchmarks/SynthComparison"
        ),
        .executableTarget(
            name: "YAMLBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "CharterYAML", package: "Charter"),
                .product(name: "CharterCore", package: "Charter"),
            ],
            path: "Benchmarks/YAMLBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
