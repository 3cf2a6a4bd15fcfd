public import Foundation

/// Finds the files the tests read, all inside this repository: the package root, the conformance
/// suites and reference data under `Tests/Fixtures/` (origins in `Tests/Fixtures/SOURCES.md`), the
/// example requests and datasets under `examples/`, and each test target's own golden folders.
public enum Fixtures {
    /// The package root: this file is `Tests/CharterTestSupport/Fixtures.swift`.
    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A path relative to the package root, e.g. `Tests/Fixtures/dp-vectors/dp-vectors.csv` or
    /// `examples/data/gbsg2.csv`.
    public static func url(_ relativePath: String) -> URL {
        packageRoot.appendingPathComponent(relativePath)
    }
}
