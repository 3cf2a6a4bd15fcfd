// swift-tools-version: 6.1
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
                .product(name: "CharterData", package: "Charter"),
                .product(name: "CharterStats", package: "Charter"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/DataBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
