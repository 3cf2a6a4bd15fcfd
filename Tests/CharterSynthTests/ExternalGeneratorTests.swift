import CharterCore
import CharterData
import CharterSynth
import CharterTestSupport
import Foundation
import Testing

/// The external-generator contract, exercised with small shell tools written by the tests. Every
/// tool runs in the sandbox, so these tests need bubblewrap (``Sandbox``).
@Suite struct ExternalGeneratorTests {
    static let schema = TableSchema(types: ["age": .numerical, "sex": .categorical, "nodes": .numerical])

    static let training: Table = {
        let n = 40
        return Table(columns: [
            Column(name: "age", values: .numeric(NumericValues((0..<n).map { Double(30 + $0) }))),
            SynthFixtures.textColumn("sex", (0..<n).map { $0 % 3 == 0 ? "m" : "f" }),
            Column(name: "nodes", values: .numeric(NumericValues((0..<n).map { Double($0 % 7) }))),
        ])
    }()

    static let domains: [String: DeclaredDomain] = [
        "age": .numeric(lower: 0, upper: 120, integral: true), "sex": .categorical(["f", "m"]),
    ]

    /// Resamples rows of input.csv with awk, seeded from params.json, and claims (0.5, 1e-7).
    static let resampler = """
        #!/bin/sh
        set -e
        rows=$(sed -n 's/.*"rows":\\([0-9]*\\).*/\\1/p' params.json)
        seed=$(sed -n 's/.*"seed":\\([0-9]*\\).*/\\1/p' params.json)
        head -n 1 input.csv > output.csv
        tail -n +2 input.csv | awk -v rows="$rows" -v seed="$seed" \\
          'BEGIN { srand(seed) } { line[NR] = $0 } END { for (i = 0; i < rows; i++) print line[int(rand() * NR) + 1] }' \\
          >> output.csv
        printf '{"epsilon": 0.5, "delta": 1e-7, "accountant": "none: this tool resamples rows"}\\n' > privacy.json
        """

    /// A temporary folder holding the tool, removed by the caller.
    static func tool(_ script: String) throws -> (folder: URL, path: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("charter-tool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("tool.sh").path
        try Data(script.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return (folder, path)
    }

    static func run(
        _ script: String, arguments: [String] = [], epsilon: Double? = 1, delta: Double? = 1e-6, rows: Int = 25,
        timeout: Double? = nil, generator: ExternalGenerator = ExternalGenerator()
    ) throws -> Result<GeneratorOutput, GeneratorError> {
        let (folder, path) = try tool(script)
        defer { try? FileManager.default.removeItem(at: folder) }
        var parameters: [String: JSONValue] = [
            // The script as an argument of /bin/sh: pinned and shown to the tool like the program.
            "command": .array((["/bin/sh", path] + arguments).map(JSONValue.string)),
            "tool_parameters": ["note": "passed through"],
        ]
        if let timeout { parameters["timeout_seconds"] = .number(timeout) }
        let settings = GeneratorSettings(
            seed: 17, epsilon: epsilon, delta: delta, schema: schema, domains: domains, parameters: parameters)
        return Result { () throws(GeneratorError) in
            try generator.generate(training: training, rowCount: rows, settings: settings)
        }
    }

    static func code(_ result: Result<GeneratorOutput, GeneratorError>) -> String? {
        if case .failure(let error) = result { return error.code }
        return nil
    }

    @Test(.requiresSandbox()) func resamplingToolFollowsTheContract() throws {
        let output = try Self.run(Self.resampler).get()
        #expect(output.table.columnNames == ["age", "sex", "nodes"])
        #expect(output.table.rowCount == 25)
        let privacy = try #require(output.privacy)
        #expect(privacy.claimedByExternalTool)
        #expect(privacy.epsilon == 0.5 && privacy.delta == 1e-7)
        #expect(privacy.accountant.contains("resamples rows"))
        #expect(output.warnings.contains { $0.contains("claimed by the external tool") })
        #expect(output.lineage.generator == "external")
        #expect(output.lineage.parameters["tool_parameters"]?["note"] == "passed through")
        // Every output row is a training row.
        let trainingRows = Set(
            (0..<Self.training.rowCount).map { row in
                Self.training.columns.map { $0.values.text(at: row) ?? "" }.joined(separator: ",")
            })
        for row in 0..<output.table.rowCount {
            let text = output.table.columns.map { $0.values.text(at: row) ?? "" }.joined(separator: ",")
            #expect(trainingRows.contains(text), "\(text)")
        }
        #expect(SyntheticDataGenerators.generator(named: "external")?.isDifferentiallyPrivate == false)
        // Same seed, same rows.
        let again = try Self.run(Self.resampler).get()
        #expect(again.table == output.table)
    }

    @Test(.requiresSandbox()) func inputsArgumentsAndCleanUp() throws {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("charter-kept-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: parent) }
        let script = """
            #!/bin/sh
            printf '%s' "$1" > argument.txt
            pwd > pwd.txt
            cp input.csv output.csv
            """
        var generator = ExternalGenerator()
        generator.workingDirectoryParent = parent.path
        generator.keepsWorkingDirectory = true
        let output = try Self.run(
            script, arguments: ["a b; echo $HOME `id`"], epsilon: nil, delta: nil, rows: 40, generator: generator
        ).get()
        #expect(output.privacy == nil)
        #expect(output.table == Self.training)
        let kept = try FileManager.default.contentsOfDirectory(atPath: parent.path)
        #expect(kept.count == 1 && kept[0].hasPrefix("charter-external-"))
        let work = parent.appendingPathComponent(kept[0]).appendingPathComponent("work")
        let params = try String(contentsOf: work.appendingPathComponent("params.json"), encoding: .utf8)
        #expect(
            params
                == "{\"delta\":null,\"epsilon\":null,\"rows\":40,\"seed\":17,\"seed_text\":\"17\",\"tool_parameters\":{\"note\":\"passed through\"}}\n"
        )
        let schema = try JSONParser().parse(
            String(contentsOf: work.appendingPathComponent("schema.json"), encoding: .utf8))
        #expect(schema["column_order"] == ["age", "sex", "nodes"])
        #expect(schema["columns"]?["age"]?["sdtype"] == "numerical")
        #expect(schema["columns"]?["age"]?["domain"]?["upper"]?.doubleValue == 120)
        #expect(schema["columns"]?["sex"]?["domain"]?["categories"] == ["f", "m"])
        #expect(schema["columns"]?["nodes"]?["domain"] == nil)
        let argument = try String(contentsOf: work.appendingPathComponent("argument.txt"), encoding: .utf8)
        #expect(argument == "a b; echo $HOME `id`")
        let workingDirectory = try String(contentsOf: work.appendingPathComponent("pwd.txt"), encoding: .utf8)
        #expect(workingDirectory == "/charter/work\n")
        // The lineage pins the shell and the script.
        let pins = try #require(output.lineage.parameters["tool"]?.arrayValue)
        #expect(pins.map { $0["role"]?.stringValue } == ["program", "script"])
        #expect(pins.allSatisfy { $0["sha256"]?.stringValue?.hasPrefix("sha256:") == true })
    }

    @Test(.requiresSandbox()) func workingDirectoryIsRemoved() throws {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("charter-gone-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: parent) }
        var generator = ExternalGenerator()
        generator.workingDirectoryParent = parent.path
        _ = try Self.run(
            "#!/bin/sh\ncp input.csv output.csv\n", epsilon: nil, delta: nil, rows: 40, generator: generator
        )
        .get()
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).isEmpty)
    }

    @Test(.requiresSandbox()) func failingTools() throws {
        let failing = try Self.run("#!/bin/sh\necho 'model diverged' >&2\nexit 3\n")
        guard case .failure(let error) = failing else {
            Issue.record("a failing tool must fail")
            return
        }
        #expect(error.code == "CH716")
        #expect(error.message.contains("status 3") && error.message.contains("model diverged"))
        #expect(Self.code(try Self.run("#!/bin/sh\nkill -9 $$\n")) == "CH716")
        #expect(Self.code(try Self.run("#!/bin/sh\nexit 0\n")) == "CH718")
    }

    @Test(.requiresSandbox()) func timeoutStopsTheToolAndWhatItStarted() throws {
        let start = Date()
        let result = try Self.run("#!/bin/sh\nsleep 30 &\nsleep 30\n", timeout: 0.5)
        #expect(Self.code(result) == "CH717")
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test(.requiresSandbox()) func malformedOutputs() throws {
        let header = "#!/bin/sh\n"
        // A missing column.
        #expect(
            Self.code(
                try Self.run(
                    header + "cut -d, -f1,2 input.csv > output.csv\n"
                        + "echo '{\"epsilon\":1,\"delta\":0}' > privacy.json\n"))
                == "CH719")
        // Text in a numeric column.
        #expect(
            Self.code(
                try Self.run(
                    header
                        + "printf 'age,sex,nodes\\nold,f,1\\n' > output.csv\necho '{\"epsilon\":1,\"delta\":0}' > privacy.json\n",
                    rows: 1))
                == "CH719")
        // The wrong number of rows.
        #expect(
            Self.code(
                try Self.run(
                    header + "head -n 5 input.csv > output.csv\necho '{\"epsilon\":1,\"delta\":0}' > privacy.json\n"))
                == "CH719")
        // Outside the declared domains.
        #expect(
            Self.code(
                try Self.run(
                    header
                        + "printf 'age,sex,nodes\\n130,f,1\\n' > output.csv\necho '{\"epsilon\":1,\"delta\":0}' > privacy.json\n",
                    rows: 1))
                == "CH719")
        #expect(
            Self.code(
                try Self.run(
                    header
                        + "printf 'age,sex,nodes\\n40,x,1\\n' > output.csv\necho '{\"epsilon\":1,\"delta\":0}' > privacy.json\n",
                    rows: 1))
                == "CH719")
        #expect(
            Self.code(
                try Self.run(
                    header
                        + "printf 'age,sex,nodes\\n40.5,f,1\\n' > output.csv\necho '{\"epsilon\":1,\"delta\":0}' > privacy.json\n",
                    rows: 1))
                == "CH719")
        // Columns reordered.
        #expect(
            Self.code(
                try Self.run(
                    header
                        + "printf 'sex,age,nodes\\nf,40,1\\n' > output.csv\necho '{\"epsilon\":1,\"delta\":0}' > privacy.json\n",
                    rows: 1))
                == "CH719")
        // The same row, valid.
        #expect(
            Self.code(
                try Self.run(
                    header
                        + "printf 'age,sex,nodes\\n40,f,1\\n' > output.csv\necho '{\"epsilon\":1,\"delta\":0}' > privacy.json\n",
                    rows: 1))
                == nil)
    }

    @Test(.requiresSandbox()) func privacyClaims() throws {
        let output = "#!/bin/sh\nprintf 'age,sex,nodes\\n40,f,1\\n' > output.csv\n"
        #expect(Self.code(try Self.run(output, rows: 1)) == "CH720")
        #expect(Self.code(try Self.run(output, epsilon: nil, delta: nil, rows: 1)) == nil)
        let notJSON = try Self.run(output + "echo 'not json' > privacy.json\n", rows: 1)
        #expect(Self.code(notJSON) == "CH720", "\(notJSON)")
        #expect(Self.code(try Self.run(output + "echo '{\"delta\": 0}' > privacy.json\n", rows: 1)) == "CH720")
        #expect(
            Self.code(try Self.run(output + "echo '{\"epsilon\": 2, \"delta\": 0}' > privacy.json\n", rows: 1))
                == "CH720")
        #expect(
            Self.code(try Self.run(output + "echo '{\"epsilon\": 1, \"delta\": 1e-3}' > privacy.json\n", rows: 1))
                == "CH720")
        #expect(
            Self.code(try Self.run(output + "echo '{\"epsilon\": -1, \"delta\": 0}' > privacy.json\n", rows: 1))
                == "CH720")
    }

    @Test(.requiresSandbox()) func commands() throws {
        func code(_ parameters: [String: JSONValue]) -> String? {
            SynthFixtures.error { () throws(GeneratorError) in
                try ExternalGenerator().generate(
                    training: Self.training, rowCount: 5,
                    settings: GeneratorSettings(seed: 1, schema: Self.schema, parameters: parameters))
            }?.code
        }
        #expect(code([:]) == "CH715")
        #expect(code(["command": "sh tool.sh"]) == "CH715")
        #expect(code(["command": []]) == "CH715")
        #expect(code(["command": [1, 2]]) == "CH715")
        #expect(code(["command": [""]]) == "CH715")
        #expect(code(["command": .array([.string("charter-no-such-tool-\(UUID().uuidString)")])]) == "CH715")
        #expect(code(["command": ["/bin/true"], "timeout_seconds": 0]) == "CH711")
        #expect(code(["command": ["/bin/true"], "timeout_seconds": "soon"]) == "CH711")
        // Found on PATH, runs, writes nothing.
        #expect(code(["command": ["true"]]) == "CH718")
    }
}
