// swift-tools-version: 6.1
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Charter",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "charter", targets: ["charter"]),
        .library(name: "CharterCore", targets: ["CharterCore"]),
        .library(name: "CharterYAML", targets: ["CharterYAML"]),
        .library(name: "CharterPolicy", targets: ["CharterPolicy"]),
        .library(name: "CharterRegistry", targets: ["CharterRegistry"]),
        .library(name: "CharterData", targets: ["CharterData"]),
        .library(name: "CharterStats", targets: ["CharterStats"]),
        .library(name: "CharterPrivacy", targets: ["CharterPrivacy"]),
        .library(name: "CharterSynth", targets: ["CharterSynth"]),
        .library(name: "CharterEngine", targets: ["CharterEngine"]),
        .library(name: "CharterPlan", targets: ["CharterPlan"]),
        .library(name: "CharterAccounting", targets: ["CharterAccounting"]),
        .library(name: "CharterWorkflow", targets: ["CharterWorkflow"]),
        .library(name: "CharterTrust", targets: ["CharterTrust"]),
        .library(name: "CharterProfile", targets: ["CharterProfile"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // Named only for the products CharterRegistry imports directly; postgres-nio pulls them anyway.
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.25.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // `charter serve`: the HTTP front end (it brings swift-log, swift-metrics, service-lifecycle and NIO).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Prometheus text exposition from a per-server registry; its dependencies come with hummingbird.
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // Named for their products only; hummingbird already depends on both.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(
            name: "CharterCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "CharterYAML",
            dependencies: ["CYAML", "CharterCore"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "CharterPolicy",
            dependencies: ["CharterCore", "CharterYAML"],
            swiftSettings: strictSettings
        ),
        // OpenSSH keys, SSHSIG signatures and allowed-signers files, verified with swift-crypto: who
        // signed an approval or a policy bundle, and whether that key may sign for that person.
        .target(
            name: "CharterTrust",
            dependencies: ["CharterCore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        // Privacy accounting: RDP, zCDP, PLD, conversions to (ε, δ), noise calibration. Pure math on
        // Double with no dependency at all, so Privacy, Registry and Plan can all use it (DESIGN §3).
        .target(
            name: "CharterAccounting",
            swiftSettings: strictSettings
        ),
        // The privacy-budget ledger, certificate catalogue and audit chain, on SQLite (GRDB) or on
        // PostgreSQL (postgres-nio) for a ledger many machines share. One module: both stores append
        // the same audit records, replay them with the same verifier and decode the same columns.
        .target(
            name: "CharterRegistry",
            dependencies: [
                "CharterCore",
                // The RDP accountant's order grid and its (ε, δ) conversion, for composed budgets.
                "CharterAccounting",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The SQLite C API GRDB links, for the read-only RegistryReader.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // A test helper: one registry operation (or a loop of them) per process, for the
        // multi-process reservation and kill tests.
        .executableTarget(
            name: "CharterRegistryWorker",
            dependencies: ["CharterRegistry", "CharterCore"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "CharterData",
            dependencies: ["CharterCore"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "CharterStats",
            dependencies: ["CharterData", "CharterCore"],
            swiftSettings: strictSettings
        ),
        // DP mechanisms and exact samplers, disclosure metrics and attacks. The accountants that convert
        // a mechanism's guarantee live in CharterAccounting, which nothing here needs.
        .target(
            name: "CharterPrivacy",
            dependencies: ["CharterData", "CharterCore"],
            swiftSettings: strictSettings
        ),
        // Synthetic-data generators: gaussian-copula, dp-copula, the external adapter. CharterAccounting
        // for dp-copula's zCDP budget (ρ from ε and δ, and the ε it spends).
        .target(
            name: "CharterSynth",
            dependencies: [
                "CharterKernels", "CharterPrivacy", "CharterAccounting", "CharterStats", "CharterData", "CharterCore",
            ],
            swiftSettings: strictSettings
        ),
        // The AVX-512F and AVX2 paths of the deep generators' matrix kernel, in C because Swift cannot
        // build one function for an extension and dispatch on the CPU at run time; same sums in the
        // same order as the portable Swift kernel (no FMA), so results do not depend on the path taken.
        .target(name: "CharterKernels"),
        // The engine: runs a plan's stages, gates, signs the certificate, writes the reports.
        .target(
            name: "CharterEngine",
            dependencies: [
                "CharterPlan", "CharterSynth", "CharterStats", "CharterPrivacy", "CharterData", "CharterPolicy",
                "CharterRegistry", "CharterCore", .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // Profiling a table for `charter profile`, `init` and `recommend`: direct identifiers with their
        // evidence, quasi-identifier candidates, the recommendation rules. Pure: tables in, values out.
        .target(
            name: "CharterProfile",
            dependencies: ["CharterStats", "CharterAccounting", "CharterData", "CharterCore"],
            swiftSettings: strictSettings
        ),
        // The plan a request compiles to: pure, no I/O, knows nothing of data files (DESIGN §3).
        // CharterAccounting only for the noise calibration (zCDP ρ from ε and δ): pure math.
        .target(
            name: "CharterPlan",
            dependencies: ["CharterPolicy", "CharterAccounting", "CharterCore"],
            swiftSettings: strictSettings
        ),
        // The operations every front end calls (lint, decide, test, plan, apply, run, evaluate, verify,
        // the registry's reads): values in, values out; no printing, no clock, no environment, no exit.
        .target(
            name: "CharterWorkflow",
            dependencies: [
                "CharterEngine", "CharterPlan", "CharterRegistry", "CharterSynth", "CharterStats", "CharterPrivacy",
                "CharterData", "CharterPolicy", "CharterTrust", "CharterCore", "CharterProfile", "CharterAccounting",
            ],
            swiftSettings: strictSettings
        ),
        // `charter serve`: HTTP routes over CharterWorkflow, bearer-token roles, the run queue and metrics.
        // A thin front end (CONVENTIONS 16): it decides nothing itself.
        .target(
            name: "CharterServer",
            dependencies: [
                "CharterWorkflow", "CharterEngine", "CharterPlan", "CharterRegistry", "CharterPolicy", "CharterYAML",
                "CharterTrust", "CharterStats", "CharterCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                // Only to run Swift concurrency's jobs on the server's event loops (no thread hop per request).
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            // The OpenAPI document, one copy (grammar/openapi.json links to it).
            resources: [.embedInCode("OpenAPI/openapi.json")],
            swiftSettings: strictSettings
        ),
        // A seeded generator for the privacy tests only; no library or executable depends on it.
        .target(
            name: "CharterPrivacyTestSupport",
            dependencies: ["CharterPrivacy"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "charter",
            dependencies: [
                "CharterWorkflow",
                "CharterCore",
                "CharterYAML",
                "CharterPolicy",
                "CharterRegistry",
                "CharterData",
                "CharterStats",
                "CharterPrivacy",
                "CharterAccounting",
                "CharterPlan",
                "CharterEngine",
                "CharterSynth",
                "CharterTrust",
                "CharterProfile",
                "CharterServer",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // Release builds link the Swift runtime and Foundation statically through SwiftPM's own
            // `swift build -c release --static-swift-stdlib` (README), not through flags here, which
            // would make the package unusable as a dependency.
            swiftSettings: strictSettings
        ),
        // libFuzzer entry point for the YAML layer. A normal build gets a replay `main` that runs the
        // inputs named on the command line; `-DCHARTER_FUZZING` swaps it for libFuzzer's (README).
        .executableTarget(
            name: "CharterYAMLFuzz",
            dependencies: ["CharterYAML"],
            swiftSettings: strictSettings
        ),
        // Helpers shared by the test targets (reference implementations run out of process).
        .target(
            name: "CharterTestSupport",
            dependencies: ["CharterCore", "CharterData", "CharterSynth"],
            path: "Tests/CharterTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CharterCoreTests",
            dependencies: ["CharterCore", "CharterTestSupport"],
            exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CharterYAMLTests",
            dependencies: ["CharterYAML", "CharterCore", "CharterTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CharterPolicyTests",
            dependencies: ["CharterPolicy", "CharterYAML", "CharterCore", "CharterTestSupport"],
            exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CharterRegistryTests",
            dependencies: [
                "CharterRegistry", "CharterCore", "CharterRegistryWorker", "CharterTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CharterDataTests",
            dependencies: ["CharterData", "CharterCore", "CharterTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CharterStatsTests",
            dependencies: ["CharterStats", "CharterData", "CharterCore", "CharterTestSupport"],
            exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CharterAccountingTests",
            dependencies: ["CharterAccounting", "CharterTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CharterPrivacyTests",
            dependencies: [
                "CharterTestSupport", "CharterPrivacy", "CharterAccounting", "CharterPrivacyTestSupport", "CharterData",
                "CharterCore",
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CharterProfileTests",
            dependencies: ["CharterProfile", "CharterData", "CharterCore", "CharterTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CharterPlanTests",
            dependencies: [
                "CharterPlan", "CharterPolicy", "CharterYAML", "CharterCore", "CharterTestSupport", "CharterAccounting",
            ],
            exclude: ["Golden"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CharterEngineTests",
            dependencies: [
                "CharterEngine", "CharterPlan", "CharterSynth", "CharterRegistry", "CharterData", "CharterPolicy",
                "CharterCore", "CharterPrivacyTestSupport", "CharterTestSupport",
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CharterSynthTests",
            dependencies: [
                "CharterSynth", "CharterPrivacy", "CharterAccounting", "CharterPrivacyTestSupport", "CharterStats",
                "CharterData", "CharterCore", "CharterTestSupport",
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CharterWorkflowTests",
            dependencies: [
                "CharterWorkflow", "CharterEngine", "CharterPlan", "CharterRegistry", "CharterPolicy", "CharterData",
                "CharterStats", "CharterCore", "CharterTestSupport", "CharterProfile",
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CharterTrustTests",
            dependencies: ["CharterTrust", "CharterCore", "CharterTestSupport"],
            exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CharterServerTests",
            dependencies: [
                "CharterServer", "CharterWorkflow", "CharterRegistry", "CharterCore", "CharterTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "charterTests",
            dependencies: [
                "charter", "CharterCore", "CharterRegistry", "CharterTestSupport", "CharterPlan",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),
    ]
)
