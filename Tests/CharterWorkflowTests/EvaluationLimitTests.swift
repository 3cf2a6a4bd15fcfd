import CharterCore
import CharterWorkflow
import Testing

/// `evaluate` on wide and odd tables: a clear refusal past the column limit instead of a quadratic
/// allocation, and a warning when NaN or infinity spellings turn a numeric column categorical.
@Suite("evaluate limits and odd values")
struct EvaluationLimitTests {
    static let files = Evaluation.Files(train: "train.csv", holdout: "holdout.csv", synthetic: "synthetic.csv")

    /// `columns` numeric columns × `rows` rows, values varying by `offset`.
    static func wide(columns: Int, rows: Int, offset: Int) -> [UInt8] {
        var text = (0..<columns).map { "c\($0)" }.joined(separator: ",") + "\n"
        for row in 0..<rows {
            text += (0..<columns).map { String(($0 * 31 + row * 7 + offset) % 97) }.joined(separator: ",") + "\n"
        }
        return Array(text.utf8)
    }

    @Test func tenThousandColumnsAreRefusedWithTheCount() {
        let store = InMemoryInputStore([
            "train.csv": Self.wide(columns: 10_000, rows: 20, offset: 0),
            "holdout.csv": Self.wide(columns: 10_000, rows: 20, offset: 1),
            "synthetic.csv": Self.wide(columns: 10_000, rows: 20, offset: 2),
        ])
        let evaluation = Evaluation(Self.files, in: store)
        #expect(evaluation.report == nil)
        let errors = evaluation.diagnostics.filter { $0.severity == .error }
        #expect(errors.count == 1)
        #expect(
            errors.first?.message
                == "the tables have 10000 columns; evaluate scores every column pair (49995000 pairs) and accepts at most 1000 columns"
        )
        #expect(errors.first?.location?.file == "train.csv")
    }

    @Test func aThousandColumnsAreAccepted() {
        let store = InMemoryInputStore([
            "train.csv": Self.wide(columns: 1_000, rows: 3, offset: 0),
            "holdout.csv": Self.wide(columns: 1_000, rows: 3, offset: 1),
            "synthetic.csv": Self.wide(columns: 1_000, rows: 3, offset: 2),
        ])
        #expect(!Evaluation(Self.files, in: store).diagnostics.contains { $0.message.contains("accepts at most") })
    }

    @Test func nonFiniteSpellingsWarnInsteadOfSilentlyTurningCategorical() throws {
        func table(_ offset: Int, odd: [Int: String]) -> [UInt8] {
            var text = "x,y,label\n"
            for row in 0..<40 {
                let y = odd[row] ?? String(Double((row * 13 + offset) % 29) / 4)
                text += "\(row % 7),\(y),\(["a", "b"][(row + offset) % 2])\n"
            }
            return Array(text.utf8)
        }
        let store = InMemoryInputStore([
            "train.csv": table(0, odd: [3: "NaN", 9: "inf"]), "holdout.csv": table(1, odd: [:]),
            "synthetic.csv": table(2, odd: [5: "NaN"]),
        ])
        let evaluation = Evaluation(Self.files, in: store)
        #expect(evaluation.report != nil)
        let warnings = evaluation.diagnostics.filter { $0.severity == .warning }
        #expect(warnings.count == 1, "\(evaluation.diagnostics)")
        let warning = try #require(warnings.first)
        #expect(
            warning.message
                == "column 'y' is numbers except 'NaN' (2 rows), 'inf' (1 rows), so it was read as categorical and is scored by TVComplement"
        )
        #expect(warning.location?.file == "train.csv")
        // A column of words is categorical and needs no warning; nor does a clean numeric one.
        #expect(!warnings.contains { $0.message.contains("'label'") || $0.message.contains("'x'") })
    }
}
