import Benchmark
import CharterData
import CharterSynth
import Foundation

/// Targets (issue 8), on 100,000 rows resampled with a fixed seed from `examples/data/gbsg2.csv`
/// (10 columns: 6 numerical, 3 categorical, 1 ordinal): gaussian-copula fit ≥ 500k rows/s, sample
/// ≥ 2M rows/s, peak memory < 100 MB (SDV on the same machine: fit about 5k rows/s, sample about
/// 63k rows/s, about 500 MB).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident], maxDuration: .seconds(10),
        maxIterations: 30)

    let rows = 100_000
    let training = ResampledTable.gbsg2(rows: rows, seed: 20_261_122)
    let settings = GeneratorSettings(seed: 1, schema: ResampledTable.gbsg2Schema)
    let generator = GaussianCopulaGenerator()

    // Rows per second = rows per iteration / wall-clock time per iteration.
    Benchmark("gaussian-copula fit (100k rows x 10 columns)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try generator.fit(training: training, settings: settings))
        }
    }

    let fitted = try? generator.fit(training: training, settings: settings)
    Benchmark("gaussian-copula sample (100k rows x 10 columns)") { benchmark in
        guard let fitted else { return }
        for iteration in benchmark.scaledIterations {
            blackHole(try fitted.sample(rowCount: rows, seed: UInt64(iteration)))
        }
    }

    Benchmark("gaussian-copula sample (1M rows x 10 columns)") { benchmark in
        guard let fitted else { return }
        for iteration in benchmark.scaledIterations {
            blackHole(try fitted.sample(rowCount: 1_000_000, seed: UInt64(iteration)))
        }
    }

    Benchmark("gaussian-copula generate, fit and sample (100k rows x 10 columns)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try generator.generate(training: training, rowCount: rows, settings: settings))
        }
    }
}

/// The example gbsg2 table resampled with replacement to any size, with a fixed seed.
enum ResampledTable {
    static let gbsg2Schema = TableSchema(types: [
        "horTh": .categorical, "age": .numerical, "menostat": .categorical, "tsize": .numerical,
        "tgrade": .categorical, "pnodes": .numerical, "progrec": .numerical, "estrec": .numerical,
        "time": .numerical, "cens": .ordinal,
    ])

    /// `examples/data/gbsg2.csv`, found from this file's path.
    static var gbsg2Path: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/data/gbsg2.csv").path
    }

    static func gbsg2(rows: Int, seed: UInt64) -> Table {
        guard let source = try? CSVReader(columnTypes: gbsg2Schema.columnTypes).read(contentsOf: gbsg2Path) else {
            fatalError("cannot read \(gbsg2Path)")
        }
        var state = seed
        var indices: [Int] = []
        indices.reserveCapacity(rows)
        for _ in 0..<rows {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            indices.append(Int((state >> 33) % UInt64(source.rowCount)))
        }
        return source.selectingRows(indices)
    }
}
