import CharterCore
import Foundation
import CharterTestSupport
import Testing

/// `charter evaluate`'s disclosure sections on a reference fixture, diffed against its metrics.json.
@Suite(.serialized) struct EvaluateDisclosureTests {
    static let reference = CLIRunner.packageRoot.deletingLastPathComponent()
        .appendingPathComponent("shared/reference-metrics/gbsg2")

    static func arguments(_ extra: [String]) -> [String] {
        let folder = reference
        return [
            "evaluate", "--train", folder.appendingPathComponent("train.csv").path,
            "--holdout", folder.appendingPathComponent("holdout.csv").path,
            "--synthetic", folder.appendingPathComponent("synthetic.csv").path,
            "--schema", folder.appendingPathComponent("metrics.json").path, "--format", "json",
        ] + extra
    }

    /// Every number our JSON holds under the reference's names equals the reference's (1e-9; counts exact).
    @Test func disclosureMatchesTheReferenceFixture() throws {
        let reference = try JSONParser().parse(
            String(contentsOf: Self.reference.appendingPathComponent("metrics.json"), encoding: .utf8))
        let kAnonymity = try #require(reference["k_anonymity"])
        let quasiIdentifiers = try #require(kAnonymity["quasi_identifiers"]?.arrayValue).compactMap(\.stringValue)
        let sensitive = try #require(kAnonymity["sensitive"]?.stringValue)
        let result = try CLIRunner.run(
            Self.arguments(quasiIdentifiers.flatMap { ["--quasi-identifier", $0] } + ["--sensitive", sensitive]))
        #expect(result.status == 0, "\(result.stderr)")
        let ours = try JSONParser().parse(result.stdout)
        var compared = 0
        func compare(_ mine: JSONValue?, _ theirs: JSONValue, _ path: String) {
            if let object = theirs.objectValue {
                for (key, value) in object { compare(mine?[key], value, path + "." + key) }
            } else if let number = theirs.doubleValue {
                compared += 1
                guard let value = mine?.doubleValue else {
                    Issue.record("\(path) missing from our output")
                    return
                }
                #expect(abs(value - number) <= 1e-9, "\(path): \(value) vs \(number)")
            }
        }
        compare(ours["k_anonymity"], kAnonymity, "k_anonymity")
        let dcr = try #require(reference["sdmetrics"]?["dcr_overfitting_protection"])
        for key in ["score", "closer_to_training", "closer_to_holdout", "n_closer_to_training", "median_dcr_train",
            "median_dcr_holdout", "n_synthetic", "n_train", "n_holdout"]
        {
            compare(ours["sdmetrics"]?["dcr_overfitting_protection"]?[key], try #require(dcr[key]), key)
        }
        #expect(
            ours["sdmetrics"]?["dcr_overfitting_protection"]?["columns_used"] == dcr["columns_used"])
        compare(
            ours["sdmetrics"]?["new_row_synthesis"], try #require(reference["sdmetrics"]?["new_row_synthesis"]),
            "new_row_synthesis")
        #expect(compared >= 35)
    }

    @Test func unknownQuasiIdentifierIsAnError() throws {
        let result = try CLIRunner.run(Self.arguments(["--quasi-identifier", "no_such_column"]))
        #expect(result.status == 2)
        #expect(result.stdout.contains("no column 'no_such_column'"))
    }

    @Test func withoutQuasiIdentifiersThereIsNoKAnonymity() throws {
        let result = try CLIRunner.run(Self.arguments([]))
        #expect(result.status == 0, "\(result.stderr)")
        let ours = try JSONParser().parse(result.stdout)
        #expect(ours["k_anonymity"] == nil)
        #expect(ours["sdmetrics"]?["new_row_synthesis"]?["score"]?.doubleValue == 1)
    }
}
