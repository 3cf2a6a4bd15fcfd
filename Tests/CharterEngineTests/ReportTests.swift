import CharterCore
import CharterData
import Testing

@testable import CharterEngine

@Suite("Reports: marginals, gate checks, the self-contained HTML page")
struct ReportTests {
    static let real = Table(columns: [
        Column(name: "age", values: .numeric(NumericValues([20, 30, 40, 50, 60, 70]))),
        Column(name: "grade", values: .categorical(CategoricalValues(["I", "II", "II", "III", nil, "II"]))),
    ])
    static let synthetic = Table(columns: [
        Column(name: "age", values: .numeric(NumericValues([25, 35, 45, 55]))),
        Column(name: "grade", values: .categorical(CategoricalValues(["II", "II", "IV", "I"]))),
    ])

    @Test("a numeric marginal bins both tables on their joint range; shares sum to 1")
    func numericMarginal() throws {
        let marginal = try #require(Marginal(column: "age", real: Self.real, synthetic: Self.synthetic))
        #expect(marginal.kind == "numeric")
        #expect(marginal.labels.count == Marginal.binCount)
        #expect(marginal.labels.first == "[20, 22.5)")
        #expect(marginal.labels.last == "[67.5, 70]")
        #expect(abs(marginal.real.reduce(0, +) - 1) < 1e-12)
        #expect(abs(marginal.synthetic.reduce(0, +) - 1) < 1e-12)
        #expect(marginal.real.last == 1.0 / 6)  // 70 falls in the closed last bin
    }

    @Test("a categorical marginal orders categories by real frequency and keeps synthetic-only ones")
    func categoricalMarginal() throws {
        let marginal = try #require(Marginal(column: "grade", real: Self.real, synthetic: Self.synthetic))
        #expect(marginal.labels == ["II", "I", "III", "IV"])
        #expect(marginal.real == [0.6, 0.2, 0.2, 0])  // the missing value is left out of the shares
        #expect(marginal.synthetic == [0.5, 0.25, 0, 0.25])
        #expect(Marginal(column: "nope", real: Self.real, synthetic: Self.synthetic) == nil)
    }

    @Test("gate checks pass and fail on their bound; a missing measure fails closed")
    func gateChecks() {
        let pass = GateCheck(gate: .utility, check: "tstr.ratio_min", measured: 0.95, threshold: 0.9, bound: .minimum)
        #expect(pass.passed && pass.shortfall == nil)
        let fail = GateCheck(gate: .utility, check: "tstr.ratio_min", measured: 0.8123, threshold: 0.9, bound: .minimum)
        #expect(!fail.passed)
        #expect(abs((fail.shortfall ?? 0) - 0.0877) < 1e-12)
        #expect(fail.summary == "tstr.ratio_min: 0.8123 < 0.9 (short by 0.0877)")
        let over = GateCheck(gate: .privacy, check: "membership_inference.accuracy_max", measured: 0.6, threshold: 0.55, bound: .maximum)
        #expect(!over.passed)
        #expect(over.summary.contains("over by 0.05"))
        let missing = GateCheck(gate: .privacy, check: "k_anonymity.k_min", measured: nil, threshold: 5, bound: .minimum, note: "no quasi-identifiers")
        #expect(!missing.passed && missing.shortfall == nil)
        #expect(!GateCheck(gate: .privacy, check: "x", measured: .nan, threshold: 1, bound: .maximum).passed)
    }

    @Test("the HTML page is self-contained, escapes what it shows and draws every plot")
    func html() throws {
        let marginals = ["age", "grade"].compactMap { Marginal(column: $0, real: Self.real, synthetic: Self.synthetic) }
        let report = RunReport(
            requestID: "REQ-<1>", planDigest: "sha256:abc", outcome: .gateFailed,
            gates: [GateCheck(gate: .utility, check: "tstr.ratio_min", measured: 0.5, threshold: 0.9, bound: .minimum)],
            lineage: [("source", "a & b")], privacy: [("ε spent", "1")], marginals: marginals,
            correlationColumns: ["age", "x"], realCorrelations: [[1, 0.5], [0.5, 1]],
            syntheticCorrelations: [[1, nil], [nil, 1]], warnings: ["budget spent"], evaluation: [:], certificateID: nil)
        let page = ReportHTMLRenderer().render(report)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(!page.contains("<script"))
        #expect(!page.contains("http://") || !page.contains("src="))
        #expect(page.contains("REQ-&lt;1&gt;"))
        #expect(page.contains("a &amp; b"))
        #expect(page.components(separatedBy: "<svg").count - 1 == 4)  // two marginals, two heat maps
        #expect(page.contains("Not published"))
        #expect(page.contains("short by 0.4"))
        let json = report.json
        #expect(json["outcome"] == "gate-failed")
        #expect(json["gates"]?[0]?["shortfall"] == .number(0.4))
        #expect(json["correlations"]?["synthetic"]?[0]?[1] == .null)
    }
}
