// swift-tools-version: 6.1
import PackageDescription

// Benchmarks, kept apart from the main package so that `swift test` never builds them.
// Run in release: `swift package benchmark --target RegistryBenchmarks`.
let package = Package(
    name: "CharterBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Charter", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "RegistryBenchmarks",
            dependencies: [
                .product(name: "CharterRegistry", package: "Charter"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/RegistryBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
