import CharterCore
import CharterTestSupport
import Foundation
import Testing

/// `charter evaluate`'s disclosure sections on a reference fixture, diffed against its metrics.json.
@Suite(.serialized) struct EvaluateDisclosureTests {
    static let reference = Fixtures.url("Tests/Fixtures/reference-metrics/gbsg2")

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
        for key in [
            "score", "closer_to_training", "closer_to_holdout", "n_closer_to_training", "median_dcr_train",
            "median_dcr_holdout", "n_synthetic", "n_train", "n_holdout",
        ] {
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

    /// The two attacks appear under their names, with definitions, coherent intervals and the seed.
    @Test func inferenceAttacksAreReported() throws {
        let result = try CLIRunner.run(
            Self.arguments(["--quasi-identifier", "age", "--quasi-identifier", "menostat", "--sensitive", "cens"]))
        #expect(result.status == 0, "\(result.stderr)")
        let ours = try JSONParser().parse(result.stdout)
        let mia = try #require(ours["membership_inference"])
        for (value, interval) in [("auc", "auc_interval"), ("accuracy", "accuracy_interval")] {
            let point = try #require(mia[value]?.doubleValue)
            let lower = try #require(mia[interval]?["lower"]?.doubleValue)
            let upper = try #require(mia[interval]?["upper"]?.doubleValue)
            #expect(lower <= point && point <= upper && lower >= 0 && upper <= 1)
        }
        #expect(mia["auc_interval"]?["method"]?.stringValue == "DeLong")
        #expect(mia["n_members"]?.doubleValue == 480 && mia["n_non_members"]?.doubleValue == 206)
        #expect(mia["n_balanced"]?.doubleValue == 412)
        #expect(mia["seed"]?.doubleValue == 20_261_122)
        let attribute = try #require(ours["attribute_inference"])
        #expect(attribute["secret"]?.stringValue == "cens")
        #expect(attribute["auxiliary_columns"] == .array([.string("age"), .string("menostat")]))
        #expect(attribute["attack"]?["n_targets"]?.doubleValue == 480)
        #expect(attribute["control"]?["n_targets"]?.doubleValue == 206)
        let risk = try #require(attribute["risk"]?.doubleValue)
        #expect(risk >= 0 && risk <= 1)
        #expect(ours["definitions"]?["membership_inference"]?.stringValue?.contains("DeLong") == true)
        #expect(ours["definitions"]?["attribute_inference"]?.stringValue?.contains("anonymeter") == true)

        // Another seed changes the balanced sample and folds, never the AUC.
        let reseeded = try CLIRunner.run(Self.arguments(["--attack-seed", "7"]))
        let other = try JSONParser().parse(reseeded.stdout)
        #expect(other["membership_inference"]?["auc"] == mia["auc"])
        #expect(other["membership_inference"]?["seed"]?.doubleValue == 7)
        #expect(other["attribute_inference"] == nil, "no attribute inference without --sensitive")
        let largest = try CLIRunner.run(Self.arguments(["--attack-seed", "18446744073709551615"]))
        #expect(largest.status == 0, "\(largest.stderr)")
        #expect(largest.stdout.contains("\"seed\": 18446744073709551615"))
    }

    @Test func textOutputHasTheDisclosureSections() throws {
        var arguments = Self.arguments(["--quasi-identifier", "age", "--sensitive", "cens"])
        let format = try #require(arguments.firstIndex(of: "--format"))
        arguments[format + 1] = "text"
        let result = try CLIRunner.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        for heading in [
            "Disclosure", "DCR overfitting protection", "new row synthesis", "membership inference",
            "k-anonymity on age",
            "l-diversity distinct", "attribute inference", "baseline success",
        ] {
            #expect(result.stdout.contains(heading), "missing \(heading)")
        }
    }

    @Test func aSecretThatIsAlsoAQuasiIdentifierIsAnError() throws {
        let result = try CLIRunner.run(
            Self.arguments(["--quasi-identifier", "age", "--quasi-identifier", "cens", "--sensitive", "cens"]))
        #expect(result.status == 2)
        #expect(result.stdout.contains("attribute inference"))
        let badSeed = try CLIRunner.run(Self.arguments(["--attack-seed", "-1"]))
        #expect(badSeed.status == 2, "\(badSeed.status)")
    }
}
