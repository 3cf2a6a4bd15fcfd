import Benchmark
import CharterCore
import CharterPolicy
import Foundation

/// Decision speed (issue 4): one decision on the reference policy p50 ≤ 2 µs without trace and
/// ≤ 20 µs with trace. The thresholds fail the run when p50 wall clock passes them.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(3))

    let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let policyBytes = (try? [UInt8](Data(contentsOf: root.appendingPathComponent("policies/health-synthetic.yaml")))) ?? []
    let requestBytes =
        (try? [UInt8](Data(contentsOf: root.appendingPathComponent("examples/requests/allowed-gbsg2-prototyping.yaml")))) ?? []
    guard let policy = PolicyLinter().loadPolicies(file: "policy.yaml", bytes: policyBytes).policies.first,
        let request = RequestLoader().load(file: "request.yaml", bytes: requestBytes).requests.first,
        let now = CalendarDate(year: 2026, month: 11, day: 23)
    else { fatalError("the reference policy and the example request must load") }
    let evaluator = DecisionEvaluator(policy: policy)

    Benchmark(
        "decision without trace",
        configuration: .init(thresholds: [.wallClock: .init(absolute: [.p50: 2_000])])
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(evaluator.decide(request, now: now))
        }
    }

    Benchmark(
        "decision with trace",
        configuration: .init(thresholds: [.wallClock: .init(absolute: [.p50: 20_000])])
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(evaluator.decide(request, now: now, tracing: true))
        }
    }
}
