import CharterCore
import CharterStats
import Testing

@testable import CharterWorkflow

/// `evaluate --only`: the sections asked for and nothing else; row and cell limits refused before
/// anything is measured.
@Suite("evaluate sections and size limits")
struct EvaluationSectionsTests {
    static let files = Evaluation.Files(train: "train.csv", holdout: "holdout.csv", synthetic: "synthetic.csv")

    static func table(_ offset: Int, rows: Int = 60) -> [UInt8] {
        var text = "x,y,label\n"
        for row in 0..<rows {
            text +=
                "\((row * 7 + offset) % 11),\(Double((row * 13 + offset) % 29) / 4),\(["a", "b"][(row + offset) % 2])\n"
        }
        return Array(text.utf8)
    }

    static var store: InMemoryInputStore {
        InMemoryInputStore(["train.csv": table(0), "holdout.csv": table(1), "synthetic.csv": table(2)])
    }

    static func evaluate(_ sections: EvaluationReport.Sections, target: String? = "label") -> Evaluation {
        var options = Evaluation.Options()
        options.target = target
        options.sections = sections
        return Evaluation(files, options: options, in: store)
    }

    @Test func fidelityOnlyHasNoUtilityOrDisclosure() throws {
        let json = try #require(Self.evaluate(.fidelity).report?.json())
        #expect(json["sections"] == .array(["fidelity"]))
        #expect(json["sdmetrics"] != nil && json["scipy"] != nil && json["correlations"] != nil)
        #expect(json["tstr"] == nil && json["membership_inference"] == nil)
        #expect(json["sdmetrics"]?["dcr_overfitting_protection"] == nil)
    }

    @Test func utilityOnlyHasNoFidelity() throws {
        let evaluation = Self.evaluate(.utility)
        let json = try #require(evaluation.report?.json())
        #expect(json["sdmetrics"] == nil && json["scipy"] == nil && json["membership_inference"] == nil)
        #expect(json["tstr"] != nil)
        // Without a target, utility alone has nothing to compute: refused.
        let none = Self.evaluate(.utility, target: nil)
        #expect(none.report == nil)
        #expect(none.diagnostics.first?.message == "the utility section needs a target column")
    }

    @Test func allSectionsByDefault() throws {
        let json = try #require(Self.evaluate(.all).report?.json())
        #expect(json["sections"] == .array(["fidelity", "utility", "disclosure"]))
        #expect(json["sdmetrics"] != nil && json["tstr"] != nil && json["membership_inference"] != nil)
        let disclosure = try #require(Self.evaluate(.disclosure).report?.json())
        #expect(disclosure["sdmetrics"]?["dcr_overfitting_protection"] != nil)
        #expect(disclosure["sdmetrics"]?["column_shapes"] == nil && disclosure["tstr"] == nil)
    }

    /// The DCR section carries intervals that hold the reference tables' composition, seeded by
    /// `--attack-seed`; the score itself (SDMetrics') does not depend on the seed.
    @Test func dcrCarriesItsSeededInterval() throws {
        func dcr(seed: UInt64) throws -> JSONValue {
            var options = Evaluation.Options()
            options.sections = .disclosure
            options.attackSeed = seed
            let json = try #require(Evaluation(Self.files, options: options, in: Self.store).report?.json())
            return try #require(json["sdmetrics"]?["dcr_overfitting_protection"])
        }
        let first = try dcr(seed: 1)
        let share = try #require(first["closer_to_training"]?.doubleValue)
        let interval = try #require(first["closer_to_training_interval"])
        let lower = try #require(interval["lower"]?.doubleValue)
        let upper = try #require(interval["upper"]?.doubleValue)
        #expect(lower <= share && share <= upper && upper - lower > 0)
        #expect(interval["method"]?.stringValue?.contains("delete-d jackknife") == true)
        #expect(interval["seed"] == .decimal("1"))
        let score = try #require(first["score_interval"])
        #expect(score["estimate"] == first["score"])
        let second = try dcr(seed: 2)
        #expect(second["score"] == first["score"])
        #expect(second["closer_to_training_interval"] != interval, "another seed draws other subsamples")
        #expect(try dcr(seed: 1) == first, "the same seed gives the same bytes")
    }

    @Test func progressIsReportedWhenAsked() {
        final class Lines: @unchecked Sendable {
            // INVARIANT: the evaluation runs on this thread; nothing else touches it.
            var all: [String] = []
        }
        let lines = Lines()
        var options = Evaluation.Options()
        options.target = "label"
        options.progress = { lines.all.append($0) }
        _ = Evaluation(Self.files, options: options, in: Self.store)
        #expect(lines.all.first == "fidelity: column shapes and pair trends")
        #expect(lines.all.contains("utility: TSTR/TRTS on label"))
        #expect(lines.all.contains("disclosure: membership inference"))
    }

    @Test func rowAndCellLimits() throws {
        #expect(EvaluationLimits.sizeLimit(rows: 100_000, columns: 11, role: "train", file: "t.csv") == nil)
        let rows = try #require(EvaluationLimits.sizeLimit(rows: 2_000_001, columns: 2, role: "train", file: "t.csv"))
        #expect(rows.message.contains("2000001 rows"))
        let cells = try #require(
            EvaluationLimits.sizeLimit(rows: 1_000_000, columns: 21, role: "synthetic", file: "s.csv"))
        #expect(cells.message.hasPrefix("the synthetic table has 1000000 rows × 21 columns"))
        #expect(cells.location?.file == "s.csv")
    }
}
