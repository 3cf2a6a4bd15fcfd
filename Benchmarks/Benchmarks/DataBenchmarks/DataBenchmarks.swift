import Benchmark
import CharterData
import CharterStats

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Targets (issue 6): CSV read ≥ 100 MB/s; the full quality report on 100k rows × 11 columns ≤ 0.1 s
/// (SDMetrics 0.32 takes 1.1–1.7 s on the same machine).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident], maxDuration: .seconds(10),
        maxIterations: 20)

    let csvPath = "/tmp/charter-bench-\(getpid()).csv"
    let csvBytes = SyntheticTables.writeCSV(rows: 400_000, to: csvPath)

    Benchmark(
        "CSV read (\(csvBytes / 1_000_000) MB, 400k rows x 11 columns)",
        configuration: .init(scalingFactor: .one)
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try CSVReader().read(contentsOf: csvPath))
        }
    }

    let real = SyntheticTables.table(rows: 100_000, seed: 1)
    let synthetic = SyntheticTables.table(rows: 100_000, seed: 2)
    let schema = SyntheticTables.schema
    Benchmark("Quality report (100k rows x 11 columns, real and synthetic)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(QualityReport(real: real, synthetic: synthetic, schema: schema))
        }
    }
}

/// Deterministic tables shaped like the reference fixtures: 6 numerical columns, 3 categorical,
/// 2 ordinal, with some missing values and correlated columns.
enum SyntheticTables {
    static let numericalNames = ["age", "weight", "height", "dose", "lab1", "lab2"]
    static let categoricalNames = ["site", "arm", "sex"]
    static let ordinalNames = ["grade", "flag"]

    static var schema: TableSchema {
        var types: [String: SemanticType] = [:]
        for name in numericalNames { types[name] = .numerical }
        for name in categoricalNames { types[name] = .categorical }
        for name in ordinalNames { types[name] = .ordinal }
        return TableSchema(types: types)
    }

    struct Generator {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
    }

    static func rows(_ count: Int, seed: UInt64) -> [[String]] {
        var g = Generator(state: seed)
        var rows: [[String]] = []
        rows.reserveCapacity(count)
        let sites = (0..<12).map { "site \($0)" }
        for _ in 0..<count {
            let age = (20 + 60 * g.next()).rounded()
            let weight = (50 + 0.4 * age + 30 * g.next() * 10).rounded() / 10
            let height = (150 + 40 * g.next()).rounded()
            let dose = (g.next() * 1000).rounded() / 100
            let lab1 = g.next() < 0.05 ? "" : String((g.next() * 100_000).rounded() / 1000)
            let lab2 = String((age * 2 + 50 * g.next()).rounded())
            let site = sites[Int(g.next() * 12)]
            let arm = g.next() < 0.5 ? "control" : "treated"
            let sex = g.next() < 0.02 ? "" : (g.next() < 0.5 ? "female" : "male")
            let grade = String(1 + Int(g.next() * 3))
            let flag = g.next() < 0.3 ? "1" : "0"
            rows.append([
                String(age), String(weight), String(height), String(dose), lab1, lab2, site, arm, sex, grade, flag,
            ])
        }
        return rows
    }

    static var header: [String] { numericalNames + categoricalNames + ordinalNames }

    static func table(rows count: Int, seed: UInt64) -> Table {
        var text = header.joined(separator: ",") + "\n"
        for row in rows(count, seed: seed) { text += row.joined(separator: ",") + "\n" }
        return (try? CSVReader(columnTypes: schema.columnTypes).read(text: text)) ?? Table(columns: [])
    }

    /// Writes a CSV file and returns its size in bytes.
    static func writeCSV(rows count: Int, to path: String) -> Int {
        var text = header.joined(separator: ",") + "\n"
        for row in rows(count, seed: 3) { text += row.joined(separator: ",") + "\n" }
        let bytes = Array(text.utf8)
        let file = fopen(path, "w")
        _ = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
        fclose(file)
        return bytes.count
    }
}
