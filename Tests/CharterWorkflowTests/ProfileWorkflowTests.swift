import CharterCore
import CharterData
import CharterPolicy
import CharterProfile
import CharterTestSupport
import CharterWorkflow
import Foundation
import Testing

/// `profile`, `init` and `recommend` as the workflow runs them, on the shared datasets and on hostile input.
@Suite struct ProfileWorkflowTests {
    static let datasets = ["gbsg2", "actg175", "breast_cancer", "nafld1", "covid_testing"]
    static let date = CalendarDate(year: 2026, month: 11, day: 23)!

    static func skeleton(_ dataset: String, domains: [PublicDomain] = [], target: String? = nil) -> RequestSkeleton {
        var options = RequestSkeleton.Options(date: date)
        options.domains = domains
        options.target = target
        return RequestSkeleton(
            dataPath: Fixtures.url("examples/data/\(dataset).csv").path, policyPath: Fixtures.url("policies").path,
            options: options, in: FileSystemInputStore())
    }

    /// The request `init` writes lints clean and, decided against the reference policy, only waits for approvals.
    @Test(arguments: datasets) func initLintsAndOnlyWaitsForApprovals(dataset: String) throws {
        let skeleton = Self.skeleton(dataset)
        #expect(skeleton.status == .clean, "\(skeleton.diagnostics)")
        #expect(skeleton.lint.isEmpty, "\(skeleton.lint.map(\.message))")
        #expect(skeleton.tier == "medium")
        let policy = try #require(
            PolicySelection(path: Fixtures.url("policies").path, in: FileSystemInputStore()).policy)
        let request = try #require(
            RequestLoader().load(file: "r.yaml", bytes: Array(skeleton.yaml.utf8)).requests.first)
        let decision = DecisionEvaluator(policy: policy).decide(request, now: Self.date)
        #expect(decision.outcome == .pending, "\(decision.violations.map(\.message))")
        #expect(
            Set((request.source.exclude?.value ?? []).map(\.value))
                == Set(skeleton.profiling.profile?.directIdentifiers ?? []))
    }

    /// No declared domain value comes from the data: only domains the user supplied are declared,
    /// even when a supplied bound equals the observed one; every other observed range is a comment.
    @Test(arguments: datasets) func noDeclaredDomainIsReadFromTheData(dataset: String) throws {
        let table = try CSVReader().read(contentsOf: Fixtures.url("examples/data/\(dataset).csv").path)
        let numeric = try #require(table.columns.first { $0.type == .numeric && !$0.name.contains("id") })
        guard case .numeric(let values) = numeric.values else { return }
        let low = try #require(values.present.min())
        let high = try #require(values.present.max())
        let supplied = PublicDomain(
            column: numeric.name,
            values: .range(
                lower: Decimal(string: "\(Int(low.rounded(.down)))")!,
                upper: Decimal(string: "\(Int(high.rounded(.up)))")!))
        let skeleton = Self.skeleton(dataset, domains: [supplied])
        let request = try #require(
            RequestLoader().load(file: "r.yaml", bytes: Array(skeleton.yaml.utf8)).requests.first)
        let profile = try #require(skeleton.profiling.profile)
        for domain in request.source.columns {
            if domain.name.value == numeric.name {
                #expect(domain.minimum != nil && domain.maximum != nil)
                continue
            }
            #expect(domain.minimum == nil && domain.maximum == nil && domain.categories == nil, "\(domain.name.value)")
            let observed = profile.column(named: domain.name.value)
            for bound in [domain.minimum?.value, domain.maximum?.value].compactMap({ $0 }) {
                #expect(
                    bound.approximateDouble != observed?.profile.minimum
                        && bound.approximateDouble != observed?.profile.maximum)
            }
        }
        #expect(skeleton.yaml.contains(RequestSkeleton.observedMarker))
    }

    /// On the front-door example, the recommendation keeps its quasi-identifiers and three of its
    /// four dropped columns, and says why it differs on the rest.
    @Test func recommendOnTheFrontDoorExample() throws {
        let run = {
            Recommending(
                file: Fixtures.url("examples/requests/allowed-gbsg2-prototyping.yaml").path,
                policyPath: Fixtures.url("policies").path, date: Self.date,
                in: RootedStore(root: Fixtures.packageRoot.path))
        }
        let first = run()
        #expect(first.status == .clean, "\(first.diagnostics.map(\.message))")
        #expect(first.tier == "medium")
        let verdict = Dictionary(uniqueKeysWithValues: first.items.map { ($0.subject, $0) })
        for column in ["tsize", "progrec", "estrec"] {
            #expect(verdict["column \(column)"]?.recommended == "exclude")
        }
        for column in ["horTh", "menostat"] {
            #expect(verdict["quasi_identifier \(column)"]?.recommended == "declare")
        }
        #expect(verdict["epsilon"]?.recommended == "5")
        #expect(first.items.filter(\.differs).allSatisfy { !$0.reason.isEmpty })
        #expect(try first.json.canonical() == (try run().json.canonical()))
    }

    /// `--target auto` proposes a two-class outcome column, or says it found none.
    @Test(arguments: [("gbsg2", "cens"), ("nafld1", "status"), ("breast_cancer", "diagnosis"), ("covid_testing", nil)])
    func targetProposal(dataset: String, expected: String?) throws {
        let skeleton = Self.skeleton(dataset, target: RequestSkeleton.Options.proposeTarget)
        #expect(skeleton.status == .clean && skeleton.lint.isEmpty)
        let request = try #require(
            RequestLoader().load(file: "r.yaml", bytes: Array(skeleton.yaml.utf8)).requests.first)
        #expect(request.source.target?.value == expected)
        #expect(skeleton.yaml.contains("# target: "))
    }

    /// A declared quasi-identifier that makes k unreachable is advised against, with the class sizes.
    @Test func ageMakesKUnreachableOnGBSG2() throws {
        let table = try CSVReader().read(contentsOf: Fixtures.url("examples/data/gbsg2.csv").path)
        let advice = QuasiIdentifierAdvice(
            table, profile: DatasetProfile(table), declared: ["age", "menostat"], excluded: [], kMin: 5)
        #expect(advice.kept == ["menostat"])
        #expect(advice.entries.first { $0.column == "age" }?.reason.contains("k = 5") == true)
    }

    @Test(arguments: [
        ("", "empty"), ("a,b\n", "no rows"), ("a,b\n1,2\n3\n", "ragged"), ("a,\"b\n1,2\n", "unterminated"),
        ("a,b\u{1B}[31m\n1,2\n", "control character"),
    ])
    func hostileCSVIsUnreadable(text: String, what: String) {
        let profiling = Profiling(file: "/x.csv", in: InMemoryInputStore(["/x.csv": Array(text.utf8)]))
        #expect(profiling.status == .unreadable, "\(what)")
        #expect(profiling.diagnostics.contains { $0.severity == .error }, "\(what)")
    }

    @Test func formulaAndHugeCellsAreProfiledAndEscaped() throws {
        let huge = String(repeating: "z", count: 2_000_000)
        let text = "\"<script>x</script>\",note\n=cmd|' /C calc'!A0,\(huge)\n@SUM(1),b\n"
        let profiling = Profiling(file: "/x.csv", in: InMemoryInputStore(["/x.csv": Array(text.utf8)]))
        let profile = try #require(profiling.profile)
        #expect(profiling.diagnostics.contains { $0.code == .formulaCells })
        let html = ProfileHTMLRenderer().render(profile, file: "/x.csv")
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;"))
        #expect(html.utf8.count < 100_000)
    }
}

/// The file system with relative paths read against `root` (the request's source path is relative
/// to the repository).
struct RootedStore: InputStore {
    var root: String
    let inner = FileSystemInputStore()
    var workingDirectory: String { root }
    func resolve(_ path: String) -> String { path.hasPrefix("/") ? path : root + "/" + path }
    func contents(of path: String) -> [UInt8]? { inner.contents(of: resolve(path)) }
    func kind(of path: String) -> InputKind? { inner.kind(of: resolve(path)) }
    func files(under directory: String) -> [String]? { inner.files(under: resolve(directory)) }
}
