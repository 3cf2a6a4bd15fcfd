import CharterCore
import CharterData
import CharterStats
import CharterTestSupport
import Foundation
import Testing

@testable import CharterEngine

/// The run report as an HTML document: valid HTML5 by an independent parser (Python's html5lib in
/// strict mode), every string from a request, a policy or the data escaped, nothing that runs or
/// fetches. The hostile report puts an attack in every text field the page shows.
@Suite("The run report's HTML: valid, escaped, inert")
struct ReportHTMLTests {
    /// Strings that break out of text, attributes, `<style>` or SVG when not escaped.
    static let attacks = [
        "<script>alert(1)</script>", "\"><img src=x onerror=alert(2)>", "</style><script>alert(3)</script>",
        "' onmouseover='alert(4)", "]]><!--", "</title></svg><iframe src=javascript:alert(5)>",
    ]
    /// Control characters, C1 controls and noncharacters: no HTML parser accepts them raw.
    static let controls =
        "bell\u{7}esc\u{1B}[31mnul\u{0}cr\r\nnel\u{85}non"
        + [0xFFFE, 0xFDD0, 0x1FFFF].compactMap { Unicode.Scalar(UInt32($0)).map { String(Character($0)) } }.joined()

    static func hostile(_ index: Int) -> String { attacks[index % attacks.count] + controls }

    /// A report with every section filled and an attack in every string it shows.
    static func hostileReport(outcome: RunReport.Outcome = .gateFailed) -> RunReport {
        let columns = [hostile(0), hostile(1), "age"]
        let real = Table(columns: [
            Column(
                name: columns[0], values: .categorical(CategoricalValues([hostile(2), hostile(3), hostile(2), nil]))),
            Column(name: columns[1], values: .numeric(NumericValues([1, 2, 3, 4]))),
            Column(name: "age", values: .numeric(NumericValues([20, 35, 50, 65]))),
        ])
        let marginals = columns.compactMap { Marginal(column: $0, real: real, synthetic: real) }
        let uncertainty = Uncertainty(
            estimate: 0.8, lower: 0.7, upper: 0.9, level: 0.95, method: hostile(4), draws: 200, seed: 7)
        var report = RunReport(
            requestID: hostile(0), planDigest: hostile(1), outcome: outcome,
            gates: [
                GateCheck(
                    gate: .utility, check: hostile(2), measured: 0.8, threshold: 0.9, bound: .minimum,
                    note: hostile(3), rule: .lowerBound, uncertainty: uncertainty),
                GateCheck(gate: .privacy, check: "k_anonymity.k_min", measured: nil, threshold: 5, bound: .minimum),
            ],
            marginals: marginals, correlationColumns: columns,
            realCorrelations: [[1, 0.5, nil], [0.5, 1, -0.3], [nil, -0.3, 1]],
            syntheticCorrelations: [[1, 0.4, 0.1], [0.4, 1, -0.9], [0.1, -0.9, 1]], warnings: [hostile(5)],
            evaluation: [:], certificateID: outcome == .published ? hostile(0) : nil)
        var context = RunReport.Context()
        context.ticket = hostile(1)
        context.requester = hostile(2)
        context.requestDigest = hostile(3)
        context.policyName = hostile(4)
        context.policyVersion = hostile(5)
        context.policyDigest = hostile(0)
        context.tier = hostile(1)
        context.purpose = hostile(2)
        context.audience = hostile(3)
        context.consumers = [hostile(4), hostile(5)]
        context.issuedAt = hostile(0)
        context.expiresAt = hostile(1)
        context.ledgerDigest = hostile(2)
        context.approvals = [
            .init(role: hostile(3), by: hostile(4), at: hostile(5), counted: true, reason: nil, signed: true),
            .init(role: hostile(0), by: hostile(1), at: hostile(2), counted: false, reason: hostile(3), signed: false),
        ]
        report.context = context
        report.budget = .init(
            source: hostile(4), capSource: hostile(5), capEpsilon: "10", capDelta: "0.00001", spentEpsilonBefore: "2",
            spentDeltaBefore: "0", runEpsilon: "5", runDelta: "0.000001")
        report.spend = .init(
            epsilon: 4.9, delta: 1e-6, accountant: hostile(0), claimedByExternalTool: false,
            mechanisms: [
                .init(
                    name: hostile(1), subject: hostile(2), guaranteeKind: "zcdp", guaranteeValue: 0.1,
                    guaranteeDelta: nil, share: 0.5, sensitivity: 1, noise: hostile(3), randomness: hostile(4),
                    implementation: hostile(5), record: [:]),
                .init(
                    name: "noisy-histogram", subject: nil, guaranteeKind: "approximate", guaranteeValue: 1,
                    guaranteeDelta: 1e-6, share: nil, sensitivity: 1, noise: "discrete-gaussian", randomness: "os",
                    implementation: hostile(0), record: [:]),
            ])
        var lineage = RunReport.Lineage()
        lineage.dataset = hostile(0)
        lineage.sourcePath = hostile(1)
        lineage.sourceDigest = hostile(2)
        lineage.classification = hostile(3)
        lineage.excludedColumns = [hostile(4)]
        lineage.quasiIdentifiers = [hostile(5)]
        lineage.sensitive = [hostile(0)]
        lineage.protected = [hostile(1)]
        lineage.target = hostile(2)
        lineage.holdoutFraction = hostile(3)
        lineage.splitSeed = hostile(4)
        lineage.generator = hostile(5)
        lineage.generatorVersion = hostile(0)
        lineage.generatorSeed = hostile(1)
        lineage.parameters = .object([
            hostile(2): .object([hostile(3): .string(hostile(4)), "list": .array([.string(hostile(5)), .integer(1)])]),
            "deep": .object(["a": .object(["b": .object(["c": .object(["d": .object(["e": .string(hostile(0))])])])])]),
        ])
        lineage.syntheticColumns = columns
        lineage.syntheticFile = hostile(1)
        lineage.syntheticDigest = hostile(2)
        report.lineage = lineage
        report.privacy = Certificate.PrivacyResults(
            differentiallyPrivate: true, epsilonSpent: 4.9, deltaSpent: 1e-6, accountant: hostile(3),
            claimedByExternalTool: false,
            kAnonymity: .init(
                quasiIdentifiers: [hostile(4)], k: 3, kTrain: 1, kSynthetic: 2, syntheticRowsInSmallTrainClasses: 4,
                smallClassThreshold: 5),
            lDiversity: .init(sensitive: hostile(5), distinctL: 2, entropyL: 1.5),
            membershipInference: .init(attack: hostile(0), accuracy: 0.52, auc: 0.51),
            distanceToClosestRecord: .init(
                overfittingProtection: 0.98, closerToTraining: 0.51, medianToTraining: 0.1, medianToHoldout: 0.11),
            newRowSynthesis: 0.99)
        report.privacyNotes = [(hostile(1), hostile(2))]
        report.kAnonymityClasses = .init(
            quasiIdentifiers: [hostile(3)], threshold: 5,
            train: .init(
                rows: 100, classes: 10, k: 1, singletons: 2, classesBelowThreshold: 3, rowsInClassesBelowThreshold: 6),
            synthetic: .init(
                rows: 90, classes: 9, k: 2, singletons: 0, classesBelowThreshold: 1, rowsInClassesBelowThreshold: 2),
            syntheticRowsInSmallTrainClasses: 4, syntheticRowsInTrainSingletons: 1, syntheticRowsAbsentFromTrain: 3)
        report.distances = RunReport.DistanceHistogram(toTraining: [0, 0.1, 0.2, 0.5], toHoldout: [0.1, 0.3, 0.4, 2])
        report.membershipROC = ROCCurve(positives: [0.1, 0.4, 0.35, 0.8], negatives: [0.2, 0.3, 0.7])
        report.membershipAccuracyInterval = Uncertainty(
            estimate: 0.52, lower: 0.45, upper: 0.59, level: 0.95, method: hostile(3))
        report.attributeInference = [
            .init(
                secret: hostile(4), auxiliaryColumns: [hostile(5)], attackRate: 0.4, controlRate: 0.38,
                baselineRate: 0.3, targets: 100, risk: 0.03, riskLower: 0, riskUpper: 0.1, level: 0.95)
        ]
        report.utility = Certificate.UtilityResults(
            columns: [
                .init(column: hostile(0), metric: hostile(1), score: 0.9),
                .init(column: "age", metric: "KSComplement", score: nil),
            ],
            pairs: [.init(column1: hostile(2), column2: hostile(3), metric: hostile(4), score: 0.7)],
            quality: .init(columnShapes: 0.9, columnPairTrends: 0.7, overall: 0.8),
            tstr: .init(
                target: hostile(5), positiveLabel: hostile(0), metric: "auc", aucTRTR: 0.7, aucTSTR: 0.65,
                aucTRTS: 0.72,
                ratio: 0.93))
        report.tstrProtocol = [(hostile(1), hostile(2))]
        report.fairness = [
            .init(
                protected: hostile(3), tstrGap: 0.1, ratioGap: 0.2,
                subgroups: [
                    .init(value: hostile(4), aucTSTR: 0.6, ratio: 0.9),
                    .init(value: hostile(5), aucTSTR: nil, ratio: nil),
                ])
        ]
        return report
    }

    @Test("no attack survives: no element or attribute it could add, no raw control character")
    func escaping() {
        for outcome in [RunReport.Outcome.published, .gateFailed] {
            let page = ReportHTMLRenderer().render(Self.hostileReport(outcome: outcome))
            #expect(!page.lowercased().contains("<script"))
            #expect(!page.lowercased().contains("<img"))
            #expect(!page.lowercased().contains("<iframe"))
            #expect(page.components(separatedBy: "</style>").count == 2)  // the page's own, once
            #expect(page.components(separatedBy: "<title>").count == page.components(separatedBy: "</title>").count)
            #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(page.contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"))
            #expect(page.contains("&apos; onmouseover=&apos;alert(4)"))
            // No C0 control but line feeds, no DEL or C1 control, no noncharacter.
            let unwanted = page.unicodeScalars.filter { scalar in
                let v = scalar.value
                return (v < 0x20 && v != 0x0A) || (0x7F...0x9F).contains(v) || (0xFDD0...0xFDEF).contains(v)
                    || v & 0xFFFE == 0xFFFE
            }
            #expect(unwanted.isEmpty, "\(unwanted.map { String($0.value, radix: 16) })")
            #expect(!page.contains("&#13;"))  // HTML may not reference a carriage return by number
            #expect(page.contains("Content-Security-Policy"))
        }
    }

    @Test("every section is there, in order, and long tables are not cut")
    func sections() {
        let page = ReportHTMLRenderer().render(Self.hostileReport(outcome: .gateFailed))
        let order = ["id=\"summary\"", "id=\"privacy\"", "id=\"utility\"", "id=\"lineage\""].map {
            page.range(of: $0)?.lowerBound
        }
        #expect(order.allSatisfy { $0 != nil })
        #expect(order.compactMap { $0 } == order.compactMap { $0 }.sorted())
        #expect(page.contains("Not released: 2 of 2 checks failed"))
        #expect(page.contains("@media print"))
        #expect(page.contains("break-before: page"))
        #expect(page.contains("[0.7, 0.9] 95%"))  // the gate's interval
        #expect(page.contains("lower bound"))  // and its rule
        #expect(page.contains(">−0.2<"))  // the margin the lower end misses by
        #expect(page.contains("200 draws; seed 7"))
        #expect(page.contains("50% of this run&apos;s privacy budget"))
        #expect(page.contains("ρ = 0.1 (zCDP)"))
        #expect(page.contains("colour scale"))
        #expect(page.contains("−0.90</text>") || page.contains("−0.9"))
        #expect(page.contains(">0.40</text>") || page.contains("+0.40"))  // a value printed in its cell
        #expect(page.contains("deep.a.b.c"))  // nested parameters flattened, deeper ones as JSON
        #expect(!page.contains("<script"))
    }

    @Test(
        "html5lib parses the hostile report with no error and finds the attacks as text only",
        .requiresPython("html5lib"))
    func html5lib() throws {
        for outcome in [RunReport.Outcome.published, .gateFailed] {
            let page = ReportHTMLRenderer().render(Self.hostileReport(outcome: outcome))
            let result = try ReportValidator.validate(page, expectingText: Array(Self.attacks.prefix(3)))
            #expect(result.status == 0, "\(result.output)")
        }
    }
}

/// Python's html5lib as an independent judge of a page: strict parsing (the first parse error
/// fails), then a walk of the tree for anything that could run or fetch.
enum ReportValidator {
    static let script = """
        import sys, html5lib
        data = open(sys.argv[1], "rb").read()
        parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
        try:
            document = parser.parse(data)
        except Exception as error:
            print("parse error:", error, parser.errors[:5])
            sys.exit(1)
        forbidden = []
        styles = 0
        for element in document.iter():
            if not isinstance(element.tag, str):
                continue
            name = element.tag.split("}")[-1].lower()
            if name in ("script", "img", "iframe", "object", "embed", "link", "base", "form", "foreignobject", "a"):
                forbidden.append(name)
            if name == "style":
                styles += 1
            for attribute in element.attrib:
                local = attribute.split("}")[-1].lower()
                if local.startswith("on") or local in ("href", "src", "srcdoc", "action"):
                    forbidden.append(name + "@" + local)
        if forbidden or styles != 1:
            print("forbidden:", sorted(set(forbidden)), "style elements:", styles)
            sys.exit(2)
        text = "".join(document.itertext())
        for needle in sys.argv[2:]:
            if needle not in text:
                print("not shown as text:", repr(needle))
                sys.exit(3)
        print("valid:", len(list(document.iter())), "elements")
        """

    /// Writes `page` to a temporary file and judges it.
    static func validate(_ page: String, expectingText: [String] = []) throws -> (status: Int32, output: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "charter-report-\(UUID().uuidString).html")
        try Data(page.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try Python.run(script, arguments: [file.path] + expectingText)
    }

    /// Judges a file.
    static func validate(file: String) throws -> (status: Int32, output: String) {
        try Python.run(script, arguments: [file])
    }
}
