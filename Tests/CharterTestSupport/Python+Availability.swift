import Foundation
public import Testing

extension Python {
    /// Whether a missing validator fails the tests that need it (`CHARTER_REQUIRE_VALIDATORS=1`, which
    /// `.ci/run` sets after installing them) instead of skipping them.
    public static var validatorsRequired: Bool {
        ProcessInfo.processInfo.environment["CHARTER_REQUIRE_VALIDATORS"] == "1"
    }

    /// Whether `python3` on PATH imports every module in `modules`; asked once per module per process.
    public static func canImport(_ modules: [String]) -> Bool {
        modules.allSatisfy { importable.check($0) }
    }

    private static let importable = ImportCache()
}

/// A validator a test needs that `python3` cannot import, while `CHARTER_REQUIRE_VALIDATORS=1`.
public struct MissingValidator: Error, CustomStringConvertible {
    public let modules: [String]
    public var description: String {
        "python3 cannot import \(modules.joined(separator: ", ")) and CHARTER_REQUIRE_VALIDATORS=1: "
            + "pip install \(modules.joined(separator: " "))"
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs the test (or suite) only where `python3` imports every module in `modules` — the
    /// reference validators it compares against. Elsewhere it is skipped and the runner prints why;
    /// with `CHARTER_REQUIRE_VALIDATORS=1` it fails instead, so CI cannot pass by skipping.
    public static func requiresPython(
        _ modules: String..., sourceLocation: SourceLocation = #_sourceLocation
    ) -> Self {
        let names = modules.joined(separator: ", ")
        let comment = Comment(
            rawValue: "python3 cannot import \(names): pip install \(modules.joined(separator: " ")) to run this check "
                + "(CHARTER_REQUIRE_VALIDATORS=1 makes a missing validator a failure)")
        return .enabled(comment, sourceLocation: sourceLocation) {
            if Python.canImport(modules) { return true }
            if Python.validatorsRequired { throw MissingValidator(modules: modules) }
            return false
        }
    }
}

final class ImportCache: @unchecked Sendable {
    // INVARIANT: `answers` is only touched while `lock` is held.
    private let lock = NSLock()
    private var answers: [String: Bool] = [:]

    func check(_ module: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if let answer = answers[module] { return answer }
        let answer = (try? Python.run("import \(module)", arguments: []).status) == 0
        answers[module] = answer
        return answer
    }
}
