// Measured comparison of the deep generators with the copulas (issue 19) on the bundled datasets
// with at least 1,500 rows: ACTG 175 and covid_testing on their reference splits
// (Tests/Fixtures/reference-metrics: 1,497/642 and 10,866/4,658 rows) and nafld1 (17,549 rows, split
// 70/30 here with a fixed seed). For each generator: the SDMetrics quality score (Charter's
// QualityReport, which matches SDMetrics 0.32 in the reference-metrics tests), the TSTR ratio on the
// real holdout and the membership-inference attack's AUC. It also writes, per dataset, the train and
// holdout rows, SDV metadata and every synthetic table to <out>/<dataset>/ so that
// scripts/compare-tvae.py can fit SDV's TVAE at the same epochs and score every table with SDMetrics
// itself. Then the time of one vae and one dp-vae epoch on 10,000 rows × 10 columns with a 2×128
// network, and the peak resident memory. Release build only:
//
//   cd Benchmarks && swift run -c release SynthComparison [out-folder] [datasets…] [--speed-only]
//       [--repeats N] [--generator vae|dp-vae] [--dp-vae-only | --dp-copula-only]
//
// dp-vae runs with the epochs, batch size and clipping norm a plan fixes (DPSGDPlanning: 50 epochs,
// 5% batches, C = 1, or validate-config's recommendation when that is not "good"). Privacy noise
// comes from the system's secure generator, so dp rows vary from run to run.
//
// The declared domains here are the variables' public ranges; the category lists of covid_testing's
// clinic names are taken from its rows (a benchmark shortcut a real request must not take: a
// request declares them from a code list).
import CharterAccounting
import CharterCore
import CharterData
import CharterPrivacy
import CharterStats
import CharterSynth
import Foundation

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
let arguments = Array(CommandLine.arguments.dropFirst())
let speedOnly = arguments.contains("--speed-only")
// --dp-vae-only: only dp-vae, with DPVAE_EPOCHS / DPVAE_BATCH / DPVAE_LR overriding the plan's settings.
let dpVAEOnly = arguments.contains("--dp-vae-only")
// --dp-copula-only: only dp-copula (its noise is not seeded: repeat the run for a mean).
let dpCopulaOnly = arguments.contains("--dp-copula-only")
let environment = ProcessInfo.processInfo.environment
// Options with a value (--repeats N, --generator NAME) take the next argument with them.
let positional = arguments.indices.filter { index in
    !arguments[index].hasPrefix("--")
        && !(index > 0 && ["--repeats", "--generator"].contains(arguments[index - 1]))
}.map { arguments[$0] }
let outRoot = URL(fileURLWithPath: positional.first ?? "/tmp/charter-synth-comparison")
let chosen = Set(positional.dropFirst())

struct Dataset {
    var name: String
    var train: Table
    var holdout: Table
    var schema: TableSchema
    var domains: [String: DeclaredDomain]
    var tstr: TSTRProtocol
    var epochs: Int
}

func read(_ path: URL, _ schema: TableSchema, drop: Set<String> = []) throws -> Table {
    let table = try CSVReader(columnTypes: schema.columnTypes).read(contentsOf: path.path)
    return Table(columns: table.columns.filter { !drop.contains($0.name) }, rowCount: table.rowCount)
}

func actg175() throws -> Dataset {
    let fixture = root.appendingPathComponent("Tests/Fixtures/reference-metrics/actg175")
    let binary = [
        "hemo", "homo", "drugs", "oprior", "z30", "zprior", "race", "gender", "str2", "symptom", "treat", "offtrt",
        "r", "cens",
    ]
    var types: [String: SemanticType] = [:]
    var domains: [String: DeclaredDomain] = [:]
    for name in binary {
        types[name] = .ordinal
        domains[name] = .categorical(["0", "1"])
    }
    types["strat"] = .ordinal
    domains["strat"] = .categorical(["1", "2", "3"])
    types["arms"] = .ordinal
    domains["arms"] = .categorical(["0", "1", "2", "3"])
    // Declared from what the variables are (years, kg, Karnofsky score, days, cells/mm³), not the data.
    let numeric: [(String, Double, Double, Bool)] = [
        ("age", 0, 120, true), ("wtkg", 20, 250, false), ("karnof", 0, 100, true), ("preanti", 0, 5000, true),
        ("cd40", 0, 2000, true), ("cd420", 0, 2000, true), ("cd496", 0, 2000, true), ("cd80", 0, 10000, true),
        ("cd820", 0, 10000, true), ("days", 0, 1500, true),
    ]
    for (name, lower, upper, integral) in numeric {
        types[name] = .numerical
        domains[name] = .numeric(lower: lower, upper: upper, integral: integral)
    }
    let schema = TableSchema(types: types)
    return Dataset(
        name: "actg175", train: try read(fixture.appendingPathComponent("train.csv"), schema),
        holdout: try read(fixture.appendingPathComponent("holdout.csv"), schema), schema: schema, domains: domains,
        tstr: TSTRProtocol(target: "cens", positiveLabel: "1", excludedColumns: ["days"]), epochs: 300)
}

func covid() throws -> Dataset {
    let fixture = root.appendingPathComponent("Tests/Fixtures/reference-metrics/covid_testing")
    var types: [String: SemanticType] = [:]
    for name in ["gender", "test_id", "clinic_name", "result", "demo_group", "payor_group", "patient_class"] {
        types[name] = .categorical
    }
    for name in ["pan_day", "age", "ct_result", "col_rec_tat", "rec_ver_tat"] { types[name] = .numerical }
    for name in ["drive_thru_ind", "orderset"] { types[name] = .ordinal }
    let schema = TableSchema(types: types)
    let train = try read(fixture.appendingPathComponent("train.csv"), schema)
    let holdout = try read(fixture.appendingPathComponent("holdout.csv"), schema)
    var domains: [String: DeclaredDomain] = [
        "pan_day": .numeric(lower: 0, upper: 366, integral: true), "age": .numeric(lower: 0, upper: 150, integral: false),
        "ct_result": .numeric(lower: 0, upper: 50, integral: false),
        "col_rec_tat": .numeric(lower: 0, upper: 2000, integral: false),
        "rec_ver_tat": .numeric(lower: 0, upper: 500, integral: false),
        "drive_thru_ind": .categorical(["0", "1"]), "orderset": .categorical(["0", "1"]),
    ]
    for name in ["gender", "test_id", "clinic_name", "result", "demo_group", "payor_group", "patient_class"] {
        var labels = Set<String>()
        for table in [train, holdout] {
            guard let column = table.column(named: name) else { continue }
            for row in 0..<table.rowCount { if let text = column.values.text(at: row) { labels.insert(text) } }
        }
        domains[name] = .categorical(labels.sorted())
    }
    return Dataset(
        name: "covid_testing", train: train, holdout: holdout, schema: schema, domains: domains,
        tstr: TSTRProtocol(
            target: "result", positiveLabel: "positive", droppedTargetLabels: ["invalid"],
            excludedColumns: ["ct_result"]), epochs: 100)
}

func nafld1() throws -> Dataset {
    var types: [String: SemanticType] = [:]
    for name in ["age", "weight", "height", "bmi", "futime"] { types[name] = .numerical }
    for name in ["male", "status"] { types[name] = .ordinal }
    let schema = TableSchema(types: types)
    let all = try read(
        root.appendingPathComponent("examples/data/nafld1.csv"), schema, drop: ["id", "case.id"])
    var order = Array(0..<all.rowCount)
    var state: UInt64 = 20_261_203
    for i in stride(from: order.count - 1, to: 0, by: -1) {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        order.swapAt(i, Int((state >> 33) % UInt64(i + 1)))
    }
    let cut = 7 * all.rowCount / 10
    let domains: [String: DeclaredDomain] = [
        "age": .numeric(lower: 18, upper: 110, integral: true), "weight": .numeric(lower: 20, upper: 300, integral: false),
        "height": .numeric(lower: 100, upper: 230, integral: false), "bmi": .numeric(lower: 5, upper: 100, integral: false),
        "futime": .numeric(lower: 0, upper: 10000, integral: true), "male": .categorical(["0", "1"]),
        "status": .categorical(["0", "1"]),
    ]
    return Dataset(
        name: "nafld1", train: all.selectingRows(order[..<cut].sorted()),
        holdout: all.selectingRows(order[cut...].sorted()), schema: schema, domains: domains,
        tstr: TSTRProtocol(target: "status", positiveLabel: "1", excludedColumns: ["futime"]), epochs: 100)
}

/// The DP-SGD settings a plan fixes for `rows` training rows (CharterPlan's DPSGDPlanning).
func planned(rows: Int, epsilon: Double) -> (epochs: Int, batch: Int) {
    let start = DPSGDConfiguration(
        rows: rows, batchSize: max(1, Int((0.05 * Double(rows)).rounded())), epochs: 50, targetEpsilon: epsilon,
        delta: 1e-6)
    var check = DPSGDConfigurationCheck(start)
    if check.findings.contains(where: { $0.severity != .good }), let recommended = check.recommended {
        let alternative = DPSGDConfigurationCheck(recommended.configuration, recommend: false)
        if !alternative.isRefused { check = alternative }
    }
    return (check.configuration.epochs, check.configuration.batchSize)
}

struct Row {
    var dataset: String
    var name: String
    var seconds: Double
    var quality: Double
    var tstrRatio: Double
    var miaAUC: Double
    var epsilon: String
}

func measure(
    _ data: Dataset, _ name: String, _ generator: any SyntheticDataGenerator, epsilon: Double?,
    parameters: [String: JSONValue], folder: URL
) throws -> Row {
    let settings = GeneratorSettings(
        seed: 7, epsilon: epsilon, delta: epsilon == nil ? nil : 1e-6, schema: data.schema, domains: data.domains,
        parameters: parameters)
    let start = Date()
    let output = try generator.generate(training: data.train, rowCount: data.train.rowCount, settings: settings)
    let seconds = Date().timeIntervalSince(start)
    try CSVWriter().write(output.table).write(
        to: folder.appendingPathComponent("synthetic-\(name.replacingOccurrences(of: " ", with: "-")).csv"),
        atomically: true, encoding: .utf8)
    let quality = QualityReport(real: data.train, synthetic: output.table, schema: data.schema).defaultThresholds
        .overall ?? .nan
    let evaluation = try TSTREvaluation(
        train: data.train, holdout: data.holdout, synthetic: output.table, schema: data.schema, protocol: data.tstr)
    let ratio = evaluation.overall.ratio ?? .nan
    let mia = try MembershipInference().measure(
        train: data.train, holdout: data.holdout, synthetic: output.table, schema: data.schema)
    let row = Row(
        dataset: data.name, name: name, seconds: seconds, quality: quality, tstrRatio: ratio, miaAUC: mia.auc,
        epsilon: output.privacy.map { String(format: "%.4f", $0.epsilon) } ?? "-")
    print(format(row))
    return row
}

func format(_ row: Row) -> String {
    row.dataset.padding(toLength: 14, withPad: " ", startingAt: 0)
        + row.name.padding(toLength: 17, withPad: " ", startingAt: 0)
        + row.epsilon.padding(toLength: 9, withPad: " ", startingAt: 0)
        + String(format: "%8.2f  %7.4f  %10.4f  %7.4f", row.seconds, row.quality, row.tstrRatio, row.miaAUC)
}

func metadata(_ data: Dataset) -> String {
    let columns = data.train.columnNames.map { name in
        "\"\(name)\": {\"sdtype\": \"\(data.schema.types[name]?.rawValue ?? "categorical")\"}"
    }
    return "{\"METADATA_SPEC_VERSION\": \"SINGLE_TABLE_V1\", \"columns\": {" + columns.joined(separator: ", ")
        + "}, \"tstr\": {\"target\": \"\(data.tstr.target)\", \"positive\": \"\(data.tstr.positiveLabel)\", "
        + "\"drop_labels\": [\(data.tstr.droppedTargetLabels.map { "\"\($0)\"" }.joined(separator: ", "))], "
        + "\"exclude\": [\(data.tstr.excludedColumns.map { "\"\($0)\"" }.joined(separator: ", "))]}, "
        + "\"epochs\": \(data.epochs)}\n"
}

if !speedOnly {
    print("generator columns: dataset, generator, epsilon spent, seconds, quality, tstr_ratio, mia_auc")
    var rows: [Row] = []
    for make in [actg175, covid, nafld1] {
        let data = try make()
        if !chosen.isEmpty, !chosen.contains(data.name) { continue }
        let folder = outRoot.appendingPathComponent(data.name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try CSVWriter().write(data.train).write(
            to: folder.appendingPathComponent("train.csv"), atomically: true, encoding: .utf8)
        try CSVWriter().write(data.holdout).write(
            to: folder.appendingPathComponent("holdout.csv"), atomically: true, encoding: .utf8)
        try metadata(data).write(to: folder.appendingPathComponent("metadata.json"), atomically: true, encoding: .utf8)
        print("\(data.name): \(data.train.rowCount) train, \(data.holdout.rowCount) holdout rows; vae epochs \(data.epochs)")
        if !dpVAEOnly && !dpCopulaOnly {
            rows.append(try measure(data, "gaussian-copula", GaussianCopulaGenerator(), epsilon: nil, parameters: [:], folder: folder))
            rows.append(try measure(data, "vae", VAEGenerator(), epsilon: nil, parameters: ["epochs": .integer(data.epochs), "batch_size": 500], folder: folder))
        }
        for epsilon in [1.0, 5.0] {
            // The parameters a plan hands dp-copula: the default split, and the target's own release.
            if !dpVAEOnly { rows.append(
                try measure(
                    data, "dp-copula eps=\(Int(epsilon))", DPCopulaGenerator(), epsilon: epsilon,
                    parameters: [
                        "marginal_share": .number(DPCopulaBudgetSplit.marginalShare), "target": .string(data.tstr.target),
                        "target_share": .number(DPCopulaBudgetSplit.targetShare),
                    ], folder: folder)) }
            if dpCopulaOnly { continue }
            var (epochs, batch) = planned(rows: data.train.rowCount, epsilon: epsilon)
            epochs = environment["DPVAE_EPOCHS"].flatMap { Int($0) } ?? epochs
            batch = environment["DPVAE_BATCH"].flatMap { Int($0) } ?? batch
            var parameters: [String: JSONValue] = [
                "epochs": .integer(epochs), "batch_size": .integer(batch), "clip_norm": 1,
            ]
            if let rate = environment["DPVAE_LR"].flatMap({ Double($0) }) { parameters["learning_rate"] = .number(rate) }
            print("dp-vae eps=\(Int(epsilon)): epochs \(epochs), batch \(batch)")
            rows.append(
                try measure(
                    data, "dp-vae eps=\(Int(epsilon))", DPVAEGenerator(), epsilon: epsilon, parameters: parameters,
                    folder: folder))
        }
    }
    print("\nsummary")
    print("dataset       generator        epsilon   seconds  quality  tstr_ratio  mia_auc")
    for row in rows { print(format(row)) }
}

if dpVAEOnly || dpCopulaOnly { exit(0) }
// One epoch on 10,000 rows × 10 columns (the first ten ACTG 175 columns resampled with a fixed seed).
let speed = try actg175()
let ten = Array(speed.train.columns.prefix(10))
var state: UInt64 = 20_261_203
var picks: [Int] = []
for _ in 0..<10_000 {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    picks.append(Int((state >> 33) % UInt64(speed.train.rowCount)))
}
let big = Table(columns: ten, rowCount: speed.train.rowCount).selectingRows(picks)
// Three repeats by default (--repeats N): other builds share this machine's cores, so the spread
// and the load average are printed with the times.
func option(_ name: String) -> String? {
    guard let index = arguments.firstIndex(of: name), arguments.indices.contains(index + 1) else { return nil }
    return arguments[index + 1]
}
let repeats = option("--repeats").flatMap { Int($0) } ?? 3
// --generator vae|dp-vae: time one of them only (for a profiler).
let onlyGenerator = option("--generator")
func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3)
        .joined(separator: " ") ?? "unknown"
}
func cpuSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}
print("speed: load average before \(loadAverage()), \(repeats) repeats")
func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    return sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}
func seconds(_ value: Double) -> String { String(format: "%.3f", value) }
// Per generator and epoch count (2 and 6), each repeat's wall and CPU seconds. One epoch is the
// difference between 6 and 2 epochs over 4, so the set-up (encoding, calibration, sampling one row)
// cancels. Other processes only ever add time, so the wall figure takes the fastest of the repeats at
// each epoch count; the CPU figure (all threads) takes medians.
var wall: [String: [Int: [Double]]] = [:]
var cpu: [String: [Int: [Double]]] = [:]
for repeatIndex in 1...max(1, repeats) {
    for (name, generator, epsilon) in [
        ("vae", VAEGenerator() as any SyntheticDataGenerator, nil as Double?), ("dp-vae", DPVAEGenerator(), 50.0),
    ] where onlyGenerator == nil || onlyGenerator == name {
        for epochCount in [2, 6] {
            let settings = GeneratorSettings(
                seed: 1, epsilon: epsilon, delta: epsilon == nil ? nil : 1e-6, schema: speed.schema,
                domains: speed.domains.filter { name, _ in ten.contains { $0.name == name } },
                parameters: ["epochs": .integer(epochCount), "batch_size": 500, "hidden": [128, 128], "latent": 128])
            let start = Date()
            let startCPU = cpuSeconds()
            _ = try generator.generate(training: big, rowCount: 1, settings: settings)
            wall[name, default: [:]][epochCount, default: []].append(Date().timeIntervalSince(start))
            cpu[name, default: [:]][epochCount, default: []].append(cpuSeconds() - startCPU)
        }
        let w = wall[name]?.mapValues { $0.last ?? .nan } ?? [:]
        let c = cpu[name]?.mapValues { $0.last ?? .nan } ?? [:]
        print(
            "repeat \(repeatIndex) \(name): one epoch on 10000 rows x 10 columns, 2x128 hidden: "
                + "\(seconds(((w[6] ?? .nan) - (w[2] ?? .nan)) / 4)) s wall, "
                + "\(seconds(((c[6] ?? .nan) - (c[2] ?? .nan)) / 4)) s CPU (all threads)")
    }
}
var wallEpoch: [String: Double] = [:]
var cpuEpoch: [String: Double] = [:]
for name in ["vae", "dp-vae"] where onlyGenerator == nil || onlyGenerator == name {
    let w = wall[name] ?? [:]
    let c = cpu[name] ?? [:]
    wallEpoch[name] = ((w[6]?.min() ?? .nan) - (w[2]?.min() ?? .nan)) / 4
    cpuEpoch[name] = (median(c[6] ?? []) - median(c[2] ?? [])) / 4
    print(
        "\(name) s/epoch: \(seconds(wallEpoch[name] ?? .nan)) wall (fastest repeats), "
            + "\(seconds(cpuEpoch[name] ?? .nan)) CPU (medians, all threads)")
}
if let vae = wallEpoch["vae"], let dp = wallEpoch["dp-vae"], let vaeCPU = cpuEpoch["vae"],
    let dpCPU = cpuEpoch["dp-vae"]
{
    print(
        "dp-vae / vae per epoch: \(String(format: "%.2f", dp / vae))x wall, "
            + "\(String(format: "%.2f", dpCPU / vaeCPU))x CPU")
}
var usage = rusage()
getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
print("peak resident memory: \(usage.ru_maxrss / 1024) MB")
print("speed: load average after \(loadAverage())")
