// swift-tools-version: 6.1
// Benchmarks live in their own package so that CI, which builds only the main package, never
// builds them. Run: cd Benchmarks && swift package benchmark
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
            name: "PrivacyBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "CharterPrivacy", package: "Charter"),
            ],
            path: "Benchmarks/PrivacyBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
