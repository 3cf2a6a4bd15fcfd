import CharterCore
import CharterData
import CharterPlan
import CharterPolicy
import CharterRegistry
import CharterSynth
import CharterTestSupport
import Foundation

@testable import CharterEngine

/// A test generator: rows drawn with replacement from the training rows (each column
/// independently when `independent`), numbers jittered. Seeded; no privacy, whatever it claims.
struct ResamplingGenerator: SyntheticDataGenerator {
    var name = "test-resampling"
    var version = "0.0.1"
    var isDifferentiallyPrivate = true
    var independent = false
    var fails = false
    var failure = "CH799"

    func generate(training: Table, rowCount: Int, settings: GeneratorSettings) throws(GeneratorError) -> GeneratorOutput
    {
        if fails { throw GeneratorError(code: failure, message: "the test generator was told to fail") }
        var random = SplitMix64(seed: settings.seed)
        func draw() -> [Int] { (0..<rowCount).map { _ in Int(random.next() % UInt64(training.rowCount)) } }
        let shared = draw()
        let columns = training.columns.map { column -> Column in
            var values = column.values.selecting(independent ? draw() : shared)
            if case .numeric(var numbers) = values, Set(numbers.values).count > 10 {
                for index in numbers.values.indices {
                    numbers.values[index] += (Double(random.next() % 1000) / 1000 - 0.5) * 0.01
                }
                values = .numeric(numbers)
            }
            return Column(name: column.name, values: values)
        }
        return GeneratorOutput(
            table: Table(columns: columns, rowCount: rowCount),
            privacy: isDifferentiallyPrivate
                ? PrivacySpend(
                    epsilon: settings.epsilon ?? 0, delta: settings.delta ?? 0,
                    accountant: "test: claimed, not accounted")
                : nil,
            lineage: GeneratorLineage(
                generator: name, version: version, seed: settings.seed, parameters: ["independent": .bool(independent)]),
            warnings: ["test generator: no privacy"])
    }
}

/// Plans built by hand over a copy of gbsg2, a scratch registry and key.
struct EngineFixture {
    static let sourceFile = Fixtures.url("examples/data/gbsg2.csv")
    static let now = Timestamp(rfc3339: "2026-11-23T10:00:00Z")!

    let directory: URL
    let registry: SQLiteRegistry
    let key = SigningKey.generate()
    let sourcePath: String
    let sourceDigest: String

    init() throws {
        directory = try CertificateFixtures.scratch()
        registry = try SQLiteRegistry(path: directory.appendingPathComponent("registry.sqlite").path, create: true)
        sourcePath = directory.appendingPathComponent("gbsg2.csv").path
        let bytes = try Data(contentsOf: Self.sourceFile)
        try bytes.write(to: URL(fileURLWithPath: sourcePath))
        sourceDigest = ContentDigest.sha256([UInt8](bytes))
        _ = try registry.activateSigningKey(
            publicKey: key.publicKey.base64, as: .initial, actor: "security", at: CertificateFixtures.keyEpoch)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    var outputDirectory: String { directory.appendingPathComponent("out/REQ-T").path }

    static func check(
        _ id: String, _ metric: String, _ bound: PlanCheck.Bound, _ threshold: Decimal,
        _ parameters: [String: JSONValue] = [:]
    )
        -> PlanCheck
    {
        PlanCheck(id: id, metric: metric, bound: bound, threshold: threshold, source: "test", parameters: parameters)
    }

    /// A ready plan with these gate checks.
    func plan(
        privacy: [PlanCheck] = [], utility: [PlanCheck] = [], fairness: [PlanCheck] = [], sha256: String? = nil,
        rows: Int? = 686, generator: String = "test-resampling", epsilon: Decimal? = 1, cap: Decimal = 10,
        expires: CalendarDate? = CalendarDate(year: 2027, month: 2, day: 20), protected: [String] = [],
        publishDirectory: String? = nil, command: [String]? = nil, tool: [PinnedToolFile]? = nil
    ) -> Plan {
        let out = publishDirectory ?? outputDirectory
        var generate = GenerateStage(
            generator: generator, differentiallyPrivate: epsilon != nil, epsilon: epsilon,
            delta: epsilon == nil ? nil : Decimal(string: "0.000001")!, seed: 7, rows: 1000, declaredColumns: [],
            command: command, calibration: "test")
        generate.tool = tool
        var plan = Plan(
            request: RequestSummary(id: "REQ-T", ticket: "GOV-T", requester: "alice@hospital.example"),
            policy: PolicySummary(name: "health-synthetic", version: "1.0.0", tier: "medium"),
            inputs: PlanDigests(
                policy: "sha256:" + String(repeating: "a", count: 64),
                request: "sha256:" + String(repeating: "b", count: 64),
                source: sha256 ?? sourceDigest, ledger: "sha256:" + String(repeating: "c", count: 64)),
            stages: [
                .verifySource(
                    SourceStage(
                        dataset: "gbsg2-test", path: sourcePath, sha256: sha256 ?? sourceDigest, rows: rows,
                        classification: "phi", privacyUnit: "patient", quasiIdentifiers: ["age", "menostat"],
                        sensitive: ["tgrade"], protected: protected, target: "cens", exclude: [])),
                .holdoutSplit(HoldoutStage(fraction: Decimal(string: "0.2")!, seed: 42, stratify: "cens")),
                .generate(generate),
                .privacyGate(GateStage(checks: privacy)),
                .utilityGate(GateStage(checks: utility)),
                .fairnessGate(GateStage(checks: fairness)),
                .certify(
                    CertifyStage(
                        expiresAt: expires, warnDays: 30, revalidateEveryDays: nil, purpose: "model-prototyping",
                        audience: "internal", consumers: ["oncology-ml"], jurisdiction: "EU", signature: "ed25519")),
                .publish(
                    PublishStage(
                        directory: out, synthetic: out + "/synthetic.csv", certificate: out + "/certificate.json",
                        reportJSON: out + "/report.json", reportHTML: out + "/report.html")),
            ],
            budget: BudgetForecast(
                source: "gbsg2-test", draws: epsilon != nil, capEpsilon: cap, capDelta: Decimal(string: "0.00001")!,
                spentEpsilon: 0, spentDelta: 0, runEpsilon: epsilon, runDelta: nil, remainingEpsilon: nil,
                remainingDelta: nil, fits: true, capSource: "policy"),
            warnings: [], approvals: ApprovalStatus(state: .ready, needed: [], rejected: []))
        plan.approvals = ApprovalStatus(state: .ready, needed: [], rejected: [])
        return plan
    }

    /// A request whose content the engine reads besides the plan (declared domains).
    static let request: GenerationRequest = {
        let text = """
            charter: 1
            kind: generation-request
            id: REQ-T
            requester: alice@hospital.example
            purpose: model-prototyping
            audience: internal
            source: {dataset: gbsg2-test, path: gbsg2.csv, classification: phi}
            generator: {type: dp-copula, epsilon: 1.0, delta: 1.0e-6}
            output: {rows: 1000}
            """
        return RequestLoader().load(file: "request.yaml", bytes: Array(text.utf8)).requests[0]
    }()

    /// An engine with `generator` under its name and a stand-in membership-inference attack (the
    /// build's own with `realAttack`).
    func engine(
        _ generator: any SyntheticDataGenerator = ResamplingGenerator(), attack: Bool = true, signingKey: SigningKey? = nil,
        realAttack: Bool = false
    ) -> PlanEngine {
        PlanEngine(
            environment: EngineEnvironment(
                registry: registry, signingKey: signingKey ?? key, now: Self.now, actor: "tester",
                generator: { $0 == generator.name ? generator : nil },
                membershipInference: realAttack
                    ? MembershipInferenceAttack.available
                    : attack
                    ? MembershipInferenceAttack { _, _, _, _, _ in .init(attack: "stand-in", accuracy: 0.5, auc: 0.5) }
                    : nil,
                outputRoot: directory.appendingPathComponent("out").path))
    }
}
