import CharterCore
import CharterData
import CharterEngine
import CharterStats
import CharterWorkflow
import Testing

/// `evaluate` as a library call on tables held in memory: no process, no file system.
@Suite("evaluate through the workflow")
struct EvaluationTests {
    /// A CSV of `rows` rows: a number, a category, a 0/1 outcome, a yes/no outcome (yes rarer) and a
    /// three-valued grade; `offset` varies the numbers between tables.
    static func csv(rows: Int, offset: Int = 0) -> String {
        var text = "age,site,y,outcome,grade\n"
        for row in 0..<rows {
            let age = 30 + (row * 7 + offset) % 41
            let site = ["north", "south", "east"][row % 3]
            let y = (row * 5 + offset) % 3 == 0 ? 1 : 0
            let outcome = (row + offset) % 4 == 0 ? "yes" : "no"
            text += "\(age),\(site),\(y),\(outcome),\(["a", "b", "c"][(row + offset) % 3])\n"
        }
        return text
    }

    static func store(_ files: [String: String]) -> InMemoryInputStore {
        InMemoryInputStore(files.mapValues { Array($0.utf8) })
    }

    static let tables = store([
        "train.csv": csv(rows: 60), "holdout.csv": csv(rows: 30, offset: 1),
        "synthetic.csv": csv(rows: 60, offset: 2),
    ])

    static let files = Evaluation.Files(train: "train.csv", holdout: "holdout.csv", synthetic: "synthetic.csv")

    static func options(target: String?, positive: String? = nil) -> Evaluation.Options {
        var options = Evaluation.Options()
        options.target = target
        options.positive = positive
        return options
    }

    static func errors(_ evaluation: Evaluation) -> [String] {
        evaluation.diagnostics.filter { $0.severity == .error }.map(\.message)
    }

    @Test("a report with fidelity, TSTR and disclosure sections, and the files' digests")
    func report() throws {
        let evaluation = Evaluation(Self.files, options: Self.options(target: "y"), in: Self.tables)
        let report = try #require(evaluation.report, "\(evaluation.diagnostics)")
        let json = report.json()
        #expect(json["tstr"]?["target"] == "y == 1")
        #expect(json["sdmetrics"]?["dcr_overfitting_protection"] != nil)
        #expect(json["membership_inference"] != nil)
        #expect(json["k_anonymity"] == nil)
        #expect(json["inputs"]?["files"]?["train"]?["rows"] == .integer(60))
        #expect(
            json["inputs"]?["files"]?["train"]?["sha256"]
                == .string(ContentDigest.sha256(Array(Self.csv(rows: 60).utf8))))
        // 1 of a 0/1 target is the conventional choice; the note says so.
        #expect(evaluation.diagnostics.map(\.code) == [.positiveClassChosen])
        #expect(evaluation.diagnostics.first?.severity == .note)
    }

    @Test("a declared positive class needs no note; disclosure options add their sections")
    func declared() throws {
        var options = Self.options(target: "outcome", positive: "no")
        options.quasiIdentifiers = ["age", "site"]
        options.sensitive = "grade"
        let evaluation = Evaluation(Self.files, options: options, in: Self.tables)
        let json = try #require(evaluation.report).json()
        #expect(evaluation.diagnostics.isEmpty)
        #expect(json["tstr"]?["target"] == "outcome == no")
        #expect(json["k_anonymity"]?["quasi_identifiers"] == ["age", "site"])
        #expect(json["attribute_inference"]?["secret"] == "grade")
    }

    @Test("unreadable and unusable input is a located error and no report")
    func badInput() {
        func evaluate(
            _ replaced: [String: String], options: Evaluation.Options = Evaluation.Options(), schema: String? = nil
        ) -> Evaluation {
            var files = Self.tables
            for (path, text) in replaced { files[path] = Array(text.utf8) }
            var names = Self.files
            names.schema = schema
            return Evaluation(names, options: options, in: files)
        }
        let missing = Evaluation(
            Evaluation.Files(train: "train.csv", holdout: "nope.csv", synthetic: "synthetic.csv"), in: Self.tables)
        #expect(missing.report == nil)
        #expect(missing.diagnostics.map(\.code) == [.unreadableInput])
        #expect(missing.diagnostics.first?.location == .file("nope.csv"))

        let headerOnly = evaluate(["synthetic.csv": "age,site,y,outcome,grade\n"])
        #expect(Self.errors(headerOnly) == ["the synthetic table has a header but no rows"])
        #expect(headerOnly.diagnostics.first?.location == SourceLocation(file: "synthetic.csv", line: 1, column: 1))

        let narrow = evaluate(["holdout.csv": "age,site\n1,x\n"])
        #expect(Self.errors(narrow) == ["the columns differ from the train table's"])
        #expect(narrow.diagnostics.first?.location?.file == "holdout.csv")

        let ragged = evaluate(["train.csv": "a,b\n1,2\n3\n"])
        #expect(ragged.diagnostics.first?.location?.description == "train.csv:3:1")

        #expect(
            Self.errors(evaluate([:], options: Self.options(target: "zzz")))
                == ["--target column 'zzz' is not in the tables"])
        #expect(
            Self.errors(evaluate([:], options: Self.options(target: "grade")))
                == [
                    "cannot tell which value of target 'grade' is positive: it has 3 distinct values in the train table"
                ])
        #expect(
            Self.errors(evaluate([:], options: Self.options(target: "y", positive: "2")))
                == ["--positive '2' is not a value of target 'y' in the train table"])
        #expect(
            Self.errors(evaluate([:], options: Self.options(target: nil, positive: "1")))
                == ["--positive, --exclude and --protected need --target"])

        let schema = evaluate(["schema.json": #"{"columns": {"age": {"sdtype": "numerical"}}}"#], schema: "schema.json")
        #expect(Self.errors(schema).contains("column 'site' is not in the schema"))
        let noSchema = evaluate([:], schema: "missing.json")
        #expect(noSchema.diagnostics.map(\.code) == [.unreadableInput])

        var disclosure = Evaluation.Options()
        disclosure.quasiIdentifiers = ["no_such_column"]
        #expect(Self.errors(evaluate([:], options: disclosure)).first?.hasPrefix("k-anonymity: ") == true)
    }

    @Test("a one-against-the-rest positive class is allowed when declared")
    func oneAgainstTheRest() throws {
        let evaluation = Evaluation(Self.files, options: Self.options(target: "grade", positive: "a"), in: Self.tables)
        #expect(try #require(evaluation.report).json()["tstr"]?["target"] == "grade == a")
    }

    // MARK: One rule, one place: `evaluate` and the engine's gates agree.

    static func table(_ path: String) throws -> Table {
        try CSVReader().read(bytes: try #require(tables[path]), name: path)
    }

    @Test(
        "the engine and evaluate choose the same positive class, the rarer one included", arguments: ["y", "outcome"])
    func positiveClassAgrees(_ target: String) throws {
        let evaluation = Evaluation(Self.files, options: Self.options(target: target), in: Self.tables)
        let report = try #require(evaluation.report)
        let (train, holdout, synthetic) = (
            try Self.table("train.csv"), try Self.table("holdout.csv"), try Self.table("synthetic.csv")
        )
        let gates = GateMeasurements(
            .init(
                train: train, holdout: holdout, synthetic: synthetic,
                schema: TableSchema.inferred(from: [train, holdout, synthetic]), quasiIdentifiers: [], sensitive: [],
                protected: [], target: target, seed: 1, smallClassThreshold: 5),
            attack: nil)
        let engine = try #require(gates.tstrProtocol?.positiveLabel)
        #expect(report.json()["tstr"]?["target"] == .string("\(target) == \(engine)"))
        #expect(engine == (target == "y" ? "1" : "yes"))
        // The rarer-class fallback is named in a note, not applied silently.
        let note = try #require(evaluation.diagnostics.first)
        #expect(note.message.contains("'\(engine)'"))
        #expect(note.message.contains(target == "y" ? "1 of 0/1" : "rarer"))
    }

    @Test("the engine and evaluate infer the same schema: one rule over all three tables")
    func schemaAgrees() throws {
        // `age` is numeric in the real tables and text in the synthetic one: categorical for both.
        var store = Self.tables
        store["synthetic.csv"] = Array(
            Self.csv(rows: 60, offset: 2).replacingOccurrences(of: "\n31,", with: "\nold,").utf8)
        let evaluation = Evaluation(Self.files, in: store)
        let report = try #require(evaluation.report, "\(evaluation.diagnostics)")
        let tables = [
            try Self.table("train.csv"), try Self.table("holdout.csv"),
            try CSVReader().read(bytes: try #require(store["synthetic.csv"])),
        ]
        #expect(report.inputs.schema == TableSchema.inferred(from: tables))
        #expect(report.inputs.schema.types["age"] == .categorical)
        #expect(report.inputs.schema.types["y"] == .numerical)
        #expect(report.inputs.schema.types["site"] == .categorical)
        #expect(TableSchema.inferred(from: [tables[0]]).types["age"] == .numerical)
    }
}
