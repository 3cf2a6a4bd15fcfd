import Benchmark
import CharterCore
import CharterYAML
import Foundation

/// Reading speed of the YAML layer, and how fast its limits stop hostile input.
///
/// Targets (issue 2): an alias bomb (9 levels × 10 aliases) and 100,000-deep nesting are rejected
/// in under 100 ms; the thresholds below fail the run when p90 wall clock passes them.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident], maxDuration: .seconds(2))

    let aliasBomb: String = {
        var lines = ["a0: &a0 [lol]"]
        for level in 1...9 {
            lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        return lines.joined(separator: "\n") + "\n"
    }()
    let deepFlow = String(repeating: "[", count: 100_000)
    let deepBlock = String(repeating: "- ", count: 100_000) + "x\n"
    let policyPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("policies/health-synthetic.yaml")
    let policy = (try? [UInt8](Data(contentsOf: policyPath))) ?? []
    // A large, realistic document: 2,000 policy-sized mappings in one sequence.
    let large: [UInt8] = Array((0..<2_000).map { "- id: rule-\($0)\n  when: source.rows < \($0)\n  enforcement: advisory\n  tags: [a, b, c]\n" }.joined().utf8)


    Benchmark(
        "alias bomb rejected",
        configuration: .init(thresholds: [.wallClock: .init(absolute: [.p90: 100_000_000])])
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? YAMLParser().parse(aliasBomb, file: "bomb.yaml"))
        }
    }

    Benchmark(
        "100,000-deep flow nesting rejected",
        configuration: .init(thresholds: [.wallClock: .init(absolute: [.p90: 100_000_000])])
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? YAMLParser().parse(deepFlow, file: "deep.yaml"))
        }
    }

    Benchmark(
        "100,000-deep block nesting rejected",
        configuration: .init(thresholds: [.wallClock: .init(absolute: [.p90: 100_000_000])])
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? YAMLParser().parse(deepBlock, file: "deep.yaml"))
        }
    }

    Benchmark("reference policy parsed") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? YAMLParser().parse(policy, file: "policy.yaml"))
        }
    }

    Benchmark("2,000-rule document parsed (\(large.count / 1024) KiB)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? YAMLParser().parse(large, file: "large.yaml"))
        }
    }

    Benchmark("2,000-rule document as canonical JSON") { benchmark in
        let root = try YAMLParser().parse(large, file: "large.yaml").documents[0].root
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try root.jsonValue?.canonical())
        }
    }
}
