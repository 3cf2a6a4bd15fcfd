import CharterCore
import Foundation
import CharterTestSupport
import Testing

/// `charter evaluate` end to end: the built binary on a reference fixture, diffed against its
/// metrics.json, and on bad input.
@Suite(.serialized) struct EvaluateCommandTests {
    static let reference = Fixtures.url("Tests/Fixtures/reference-metrics/gbsg2")
    static let fixtures = CLIRunner.fixtures.appendingPathComponent("evaluate")

    static func number(_ value: JSONValue?) -> Double? { value?.doubleValue }

    @Test func jsonMatchesTheReferenceFixture() throws {
        let folder = Self.reference
        let result = try CLIRunner.run([
            "evaluate", "--train", folder.appendingPathComponent("train.csv").path,
            "--holdout", folder.appendingPathComponent("holdout.csv").path,
            "--synthetic", folder.appendingPathComponent("synthetic.csv").path,
            "--schema", folder.appendingPathComponent("metrics.json").path,
            "--target", "cens", "--positive", "1", "--exclude", "time", "--format", "json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let ours = try JSONParser().parse(result.stdout)
        let reference = try JSONParser().parse(
            String(contentsOf: folder.appendingPathComponent("metrics.json"), encoding: .utf8))
        // The same keys hold the same quantities.
        let checks: [(String, Double)] = [
            ("sdmetrics.quality_report.default_thresholds.overall_score", 1e-9),
            ("sdmetrics.quality_report.default_thresholds.column_shapes", 1e-9),
            ("sdmetrics.quality_report.default_thresholds.column_pair_trends", 1e-9),
            ("sdmetrics.quality_report.thresholds_disabled.overall_score", 1e-9),
            ("sdmetrics.quality_report.thresholds_disabled.column_pair_trends", 1e-9),
            ("tstr.primary.auc_trtr", 1e-6), ("tstr.primary.auc_tstr", 1e-6), ("tstr.primary.auc_trts", 1e-6),
            ("tstr.primary.tstr_over_trtr", 1e-6), ("tstr.all_other_columns.auc_tstr", 1e-6),
            ("tstr.primary.model_fit_on_real_train.preprocessing.numeric.age.std", 1e-12),
        ]
        func at(_ value: JSONValue, _ path: String) -> JSONValue? {
            var current: JSONValue? = value
            for key in path.split(separator: ".") { current = current?[String(key)] }
            return current
        }
        for (path, tolerance) in checks {
            let a = try #require(Self.number(at(ours, path)), "\(path) missing")
            let b = try #require(Self.number(at(reference, path)), "\(path) not in reference")
            #expect(abs(a - b) <= tolerance, "\(path): \(a) vs \(b)")
        }
        let shapes = try #require(at(reference, "sdmetrics.column_shapes")?.objectValue)
        for (column, want) in shapes {
            let got = try #require(Self.number(at(ours, "sdmetrics.column_shapes.\(column).score")))
            #expect(abs(got - (Self.number(want["score"]) ?? .nan)) <= 1e-9, "\(column)")
        }
        let ks = try #require(at(reference, "scipy.ks_2samp")?.objectValue)
        for (column, want) in ks {
            let p = try #require(Self.number(at(ours, "scipy.ks_2samp.\(column).pvalue")))
            let expected = Self.number(want["pvalue"]) ?? .nan
            #expect(abs(p - expected) <= 1e-6 * expected, "\(column)")
            #expect(at(ours, "scipy.ks_2samp.\(column).method") == want["method"])
        }
        let pairs = try #require(at(ours, "sdmetrics.column_pairs")?.arrayValue)
        let referencePairs = try #require(at(reference, "sdmetrics.column_pairs")?.arrayValue)
        #expect(pairs.count == referencePairs.count)
        for (a, b) in zip(pairs, referencePairs) {
            #expect(a["column_1"] == b["column_1"] && a["column_2"] == b["column_2"] && a["metric"] == b["metric"])
            #expect(abs((Self.number(a["score"]) ?? .nan) - (Self.number(b["score"]) ?? .nan)) <= 1e-9)
        }
        #expect(at(ours, "correlations.columns") == at(reference, "correlations.columns"))
        #expect(at(ours, "versions.sdmetrics") == .string("0.32.0"))
    }

    @Test func textSummary() throws {
        let folder = Self.reference
        let result = try CLIRunner.run([
            "evaluate", "--train", folder.appendingPathComponent("train.csv").path,
            "--holdout", folder.appendingPathComponent("holdout.csv").path,
            "--synthetic", folder.appendingPathComponent("synthetic.csv").path,
            "--schema", folder.appendingPathComponent("metrics.json").path,
        ])
        #expect(result.status == 0)
        #expect(result.stdout.contains("overall score           0.8482"))
        #expect(result.stdout.contains("Column shapes"))
    }

    @Test func constantAndAllMissingColumnsAreExplicit() throws {
        let result = try CLIRunner.run(
            [
                "evaluate", "--train", "constant-train.csv", "--holdout", "constant-train.csv", "--synthetic",
                "constant-synthetic.csv", "--target", "c", "--format", "json",
            ], in: Self.fixtures)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(!result.stdout.contains("NaN"))
        #expect(result.stderr.contains("note[CH603]: the positive class of target 'c' is '1'"), "\(result.stderr)")
        let json = try JSONParser().parse(result.stdout)
        #expect(json["sdmetrics"]?["column_shapes"]?["e"]?["score"] == .null)
        let notes = try #require(json["notes"]?.arrayValue).compactMap(\.stringValue)
        #expect(notes.contains { $0.hasPrefix("sdmetrics.column_shapes.e") })
        #expect(notes.contains { $0.contains("correlations.train.k") })
        let pair = try #require(
            json["sdmetrics"]?["column_pairs"]?.arrayValue?.first {
                $0["column_1"] == "a" && $0["column_2"] == "k"
            })
        #expect(pair["score"] == .null)
    }

    @Test(arguments: [
        ("unterminated.csv", "unterminated.csv:3:3", "quoted field is not closed"),
        ("ragged.csv", "ragged.csv:3:1", "row has 2 fields but the header has 3"),
        ("text-in-number.csv", "text-in-number.csv:3:1", "value 'five' in column 'a' is not a finite decimal number"),
        ("empty.csv", "empty.csv", "the file is empty"),
        ("header-only.csv", "header-only.csv:1:1", "header but no rows"),
        ("narrow.csv", "narrow.csv:1:1", "schema column 'c' is not in the synthetic table"),
    ])
    func badInputIsLocated(_ file: String, _ location: String, _ message: String) throws {
        let result = try CLIRunner.run(
            [
                "evaluate", "--train", "train.csv", "--holdout", "holdout.csv", "--synthetic", file, "--schema",
                "schema.json",
            ], in: Self.fixtures)
        #expect(result.status == 2, "\(file)")
        #expect(result.stderr.contains(location), "\(file): \(result.stderr)")
        #expect(result.stderr.contains(message), "\(file): \(result.stderr)")
    }

    @Test func differentColumnsAreAnError() throws {
        let result = try CLIRunner.run(
            ["evaluate", "--train", "train.csv", "--holdout", "holdout.csv", "--synthetic", "narrow.csv"],
            in: Self.fixtures)
        #expect(result.status == 2)
        #expect(result.stderr.contains("narrow.csv:1:1: error[CH602]: the columns differ from the train table's"))
    }

    @Test func badOptionsAreUsageErrors() throws {
        let unknownTarget = try CLIRunner.run(
            [
                "evaluate", "--train", "train.csv", "--holdout", "holdout.csv", "--synthetic", "train.csv", "--target",
                "zzz",
            ],
            in: Self.fixtures)
        #expect(unknownTarget.status == 2)
        #expect(unknownTarget.stderr.contains("--target column 'zzz' is not in the tables"))
        let missingSchema = try CLIRunner.run(
            [
                "evaluate", "--train", "train.csv", "--holdout", "holdout.csv", "--synthetic", "train.csv", "--schema",
                "nope.json",
            ],
            in: Self.fixtures)
        #expect(missingSchema.status == 2)
        let json = try CLIRunner.run(
            [
                "evaluate", "--train", "train.csv", "--holdout", "holdout.csv", "--synthetic", "ragged.csv", "--format",
                "json",
            ],
            in: Self.fixtures)
        #expect(json.status == 2)
        let parsed = try JSONParser().parse(json.stdout)
        #expect(parsed["diagnostics"]?.arrayValue?.first?["code"] == "CH600")
    }
}
