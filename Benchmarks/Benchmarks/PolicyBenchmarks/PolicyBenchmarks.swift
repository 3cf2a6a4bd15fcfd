import Benchmark
import CharterCore
import CharterPolicy
import Foundation

/// Policy language speed (issue 3): loading and type-checking the reference set ≤ 5 ms; linting
/// 1,000 generated policy files ≤ 1 s. The thresholds fail the run when p90 wall clock passes them.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(3))

    let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let reference =
        (try? [UInt8](Data(contentsOf: root.appendingPathComponent("policies/health-synthetic.yaml")))) ?? []
    let overlay =
        (try? [UInt8](Data(contentsOf: root.appendingPathComponent("examples/policies/oncology-team.yaml")))) ?? []
    let resolve: PolicyLinter.BaseResolver = { _, _ in ("policies/health-synthetic.yaml", reference) }

    // 1,000 distinct policies: the reference with its numbers and names varied per file, so that
    // nothing can be cached between files.
    let text = String(decoding: reference, as: UTF8.self)
    let generated: [[UInt8]] = (0..<1_000).map { index in
        Array(
            text.replacingOccurrences(of: "name: health-synthetic", with: "name: generated-\(index)")
                .replacingOccurrences(of: "source.rows < 200", with: "source.rows < \(200 + index)")
                .replacingOccurrences(of: "epsilon_max: 5.0", with: "epsilon_max: \(1 + index % 5).\(index % 10)")
                .utf8)
    }

    Benchmark(
        "reference set loaded and type-checked",
        configuration: .init(thresholds: [.wallClock: .init(absolute: [.p90: 5_000_000])])
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(PolicyLinter().loadPolicies(file: "policies/health-synthetic.yaml", bytes: reference))
            blackHole(
                PolicyLinter().loadPolicies(
                    file: "examples/policies/oncology-team.yaml", bytes: overlay, resolveBase: resolve))
        }
    }

    Benchmark(
        "1,000 generated policy files linted",
        configuration: .init(
            maxDuration: .seconds(10), maxIterations: 10,
            thresholds: [.wallClock: .init(absolute: [.p90: 1_000_000_000])])
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            let linter = PolicyLinter()
            for (index, bytes) in generated.enumerated() {
                blackHole(linter.lint(file: "generated-\(index).yaml", bytes: bytes))
            }
        }
    }
}
