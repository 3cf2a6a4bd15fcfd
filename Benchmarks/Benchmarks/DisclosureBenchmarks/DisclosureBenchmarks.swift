import Benchmark
import CharterData
import CharterPrivacy
import Foundation

/// Target (issue 7): DCR at ≥ 50 M row pairs per second on this 2-core machine (SDMetrics: about 1 M).
/// Row pairs per second = (synthetic rows × train rows) / median wall time; covid_testing has
/// 10,866 × 10,866 = 118,069,956 pairs. Reads `Tests/Fixtures/reference-metrics/covid_testing`.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal], timeUnits: .milliseconds, maxDuration: .seconds(10))

    let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Tests/Fixtures/reference-metrics/covid_testing")
    // swift-format-ignore
    let text = try! String(contentsOf: folder.appendingPathComponent("metrics.json"), encoding: .utf8)
    // swift-format-ignore
    let schema = try! TableSchema.parse(json: text)
    let reader = CSVReader(columnTypes: schema.columnTypes)
    // swift-format-ignore
    let train = try! reader.read(contentsOf: folder.appendingPathComponent("train.csv").path)
    // swift-format-ignore
    let holdout = try! reader.read(contentsOf: folder.appendingPathComponent("holdout.csv").path)
    // swift-format-ignore
    let synthetic = try! reader.read(contentsOf: folder.appendingPathComponent("synthetic.csv").path)
    let columns = DistanceToClosestRecord.columns(of: synthetic, schema: schema).used

    Benchmark("DCR covid_testing, synthetic × train = \(synthetic.rowCount * train.rowCount) row pairs") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(
                try DistanceToClosestRecord.perRow(
                    synthetic: synthetic, reference: train, columns: columns, schema: schema))
        }
    }

    Benchmark("DCROverfittingProtection covid_testing (synthetic × train and × holdout)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(
                try DCROverfittingProtection(train: train, holdout: holdout, synthetic: synthetic, schema: schema))
        }
    }

    Benchmark("membership inference covid_testing (train and holdout × synthetic)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(
                try MembershipInference().measure(train: train, holdout: holdout, synthetic: synthetic, schema: schema))
        }
    }

    Benchmark("attribute inference covid_testing (age, gender → result)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(
                try AttributeInference(auxiliaryColumns: ["age", "gender"], secret: "result").measure(
                    train: train, holdout: holdout, synthetic: synthetic, schema: schema))
        }
    }
}
