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
        .library(name: "CharterPrivacy", targets: ["CharterPrivacy"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
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
            name: "CharterPrivacy",
            dependencies: ["CharterCore"],
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
                "CharterCore",
                "CharterYAML",
                "CharterPrivacy",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        // libFuzzer entry point for the YAML layer. A normal build gets a replay `main` that runs the
        // inputs named on the command line; `-DCHARTER_FUZZING` swaps it for libFuzzer's (README).
        .executableTarget(
            name: "CharterYAMLFuzz",
            dependencies: ["CharterYAML"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CharterCoreTests",
            dependencies: ["CharterCore"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CharterYAMLTests",
            dependencies: ["CharterYAML", "CharterCore"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CharterPrivacyTests",
            dependencies: ["CharterPrivacy", "CharterPrivacyTestSupport", "CharterCore"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "charterTests",
            dependencies: ["charter", "CharterCore"],
            swiftSettings: strictSettings
        ),
    ]
)
