import CharterCore
import CharterData
import Testing

@testable import CharterEngine

@Suite("Reports: marginals, gate checks, the self-contained HTML page")
struct ReportTests {
    static let real = Table(columns: [
        Column(name: "age", values: .numeric(NumericValues(Array(stride(from: 20.0, through: 72.0, by: 4))))),
        Column(
            name: "grade",
            values: .categorical(
                CategoricalValues(["I", "II", "II", "III", nil, "II", "I", "II", "II", "III", "II", "III", "I", nil]))),
        Column(name: "flag", values: .numeric(NumericValues([0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1]))),
    ])
    static let synthetic = Table(columns: [
        Column(name: "age", values: .numeric(NumericValues([25, 35, 45, 55]))),
        Column(name: "grade", values: .categorical(CategoricalValues(["II", "II", "IV", "I"]))),
        Column(name: "flag", values: .numeric(NumericValues([0.1, 0.9, 1, 0.8]))),
    ])

    @Test("a numeric marginal bins both tables on their joint range; shares sum to 1")
    func numericMarginal() throws {
        let marginal = try #require(Marginal(column: "age", real: Self.real, synthetic: Self.synthetic))
        #expect(marginal.kind == "numeric")
        #expect(marginal.labels.count == Marginal.binCount)
        #expect(marginal.labels.first == "[20, 22.6)")
        #expect(marginal.labels.last == "[69.4, 72]")
        #expect(marginal.range?.lower == 20 && marginal.range?.upper == 72)
        #expect(abs(marginal.real.reduce(0, +) - 1) < 1e-12)
        #expect(abs(marginal.synthetic.reduce(0, +) - 1) < 1e-12)
        #expect(marginal.real.last == 1.0 / 14)  // 72 falls in the closed last bin
    }

    @Test("a categorical marginal orders categories by real frequency and keeps synthetic-only ones")
    func categoricalMarginal() throws {
        let marginal = try #require(Marginal(column: "grade", real: Self.real, synthetic: Self.synthetic))
        #expect(marginal.labels == ["II", "I", "III", "IV"])
        #expect(marginal.real == [0.5, 0.25, 0.25, 0])  // missing values are left out of the shares
        #expect(marginal.synthetic == [0.5, 0.25, 0, 0.25])
        // A numeric column with few distinct values is drawn per value, synthetic values rounded to the nearest.
        let flag = try #require(Marginal(column: "flag", real: Self.real, synthetic: Self.synthetic))
        #expect(flag.kind == "categorical" && flag.range == nil)
        #expect(flag.labels == ["1", "0"])
        #expect(flag.synthetic == [0.75, 0.25])
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
        let over = GateCheck(
            gate: .privacy, check: "membership_inference.accuracy_max", measured: 0.6, threshold: 0.55, bound: .maximum)
        #expect(!over.passed)
        #expect(over.summary.contains("over by 0.05"))
        let missing = GateCheck(
            gate: .privacy, check: "k_anonymity.k_min", measured: nil, threshold: 5, bound: .minimum,
            note: "no quasi-identifiers")
        #expect(!missing.passed && missing.shortfall == nil)
        #expect(!GateCheck(gate: .privacy, check: "x", measured: .nan, threshold: 1, bound: .maximum).passed)
    }

    @Test("the HTML page is self-contained, escapes what it shows and draws every plot")
    func html() throws {
        let marginals = ["age", "grade"].compactMap { Marginal(column: $0, real: Self.real, synthetic: Self.synthetic) }
        let report = RunReport(
            requestID: "REQ-<1>", planDigest: "sha256:abc", outcome: .gateFailed,
            gates: [GateCheck(gate: .utility, check: "tstr.ratio_min", measured: 0.5, threshold: 0.9, bound: .minimum)],
            marginals: marginals, correlationColumns: ["age", "x"], realCorrelations: [[1, 0.5], [0.5, 1]],
            syntheticCorrelations: [[1, nil], [nil, 1]], warnings: ["budget spent & more"], evaluation: [:],
            certificateID: nil)
        let page = ReportHTMLRenderer().render(report)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(!page.contains("<script"))
        #expect(!page.contains("http://") || !page.contains("src="))
        #expect(page.contains("REQ-&lt;1&gt;"))
        #expect(page.contains("budget spent &amp; more"))
        // Two marginals; real, synthetic and difference heat maps and their colour scale; no budget bar
        // (no spend), no privacy plots (nothing measured).
        #expect(page.components(separatedBy: "<svg").count - 1 == 6)
        #expect(page.contains(">72</text>"))  // the histogram's upper end on its axis
        #expect(page.contains("Not released"))
        #expect(page.contains("short by 0.4"))
        let json = report.json
        #expect(json["outcome"] == "gate-failed")
        #expect(json["charter_report"] == .integer(RunReport.jsonFormat))
        #expect(json["gates"]?[0]?["rule"] == "estimate")
        #expect(json["gates"]?[0]?["shortfall"] == .number(0.4))
        #expect(json["correlations"]?["synthetic"]?[0]?[1] == .null)
    }
}
