import CharterSynth
import Foundation
public import Testing

/// Whether bubblewrap can contain an external tool on this machine, asked once per process.
public enum Sandbox {
    /// Why it cannot, or `nil` when it can.
    public static let problem: String? = ExternalGenerator.sandboxProblem()

    /// Whether a sandbox that cannot run fails the tests that need it (`CHARTER_REQUIRE_SANDBOX=1`,
    /// which `.ci/run` sets after installing bubblewrap) instead of skipping them.
    public static var required: Bool {
        ProcessInfo.processInfo.environment["CHARTER_REQUIRE_SANDBOX"] == "1"
    }
}

/// The sandbox a test needs cannot run, while `CHARTER_REQUIRE_SANDBOX=1`.
public struct MissingSandbox: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { "\(reason), and CHARTER_REQUIRE_SANDBOX=1" }
}

extension Trait where Self == ConditionTrait {
    /// Runs the test only where bubblewrap can build the external generators' sandbox. Elsewhere
    /// it is skipped and the runner prints why; with `CHARTER_REQUIRE_SANDBOX=1` it fails instead.
    public static func requiresSandbox(sourceLocation: SourceLocation = #_sourceLocation) -> Self {
        .enabled(
            Comment(
                rawValue: "the external-generator sandbox cannot run here (\(Sandbox.problem ?? "")); "
                    + "install bubblewrap and allow user namespaces (CHARTER_REQUIRE_SANDBOX=1 makes this a failure)"),
            sourceLocation: sourceLocation
        ) {
            guard let problem = Sandbox.problem else { return true }
            if Sandbox.required { throw MissingSandbox(reason: problem) }
            return false
        }
    }
}
