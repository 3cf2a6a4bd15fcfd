import CharterCore
public import CharterData

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `external`: runs a user-supplied command (SDV, SmartNoise, a team's own model) under a fixed
/// contract, and validates what it writes like any other generator's output.
///
/// **The contract** (README, "External generators"):
/// - Parameters: `command`, the argv as an array of strings (run directly, never through a
///   shell; a program without a slash is looked up in ``ExternalTool/searchPath``); `timeout_seconds` (default 600);
///   `tool_parameters`, any JSON passed through to the tool.
/// - Charter makes a fresh working directory, the command's current directory, holding
///   `input.csv` (the training table), `schema.json` (`{"columns": {name: {"sdtype": …,
///   "domain": …}}, "column_order": […]}`) and `params.json` (`{"rows", "seed", "epsilon",
///   "delta", "tool_parameters"}`; ε and δ are `null` when the request sets none).
/// - The tool writes `output.csv` (the same header in the same order, exactly `rows` rows) and,
///   when the request sets ε, `privacy.json`: `{"epsilon": …, "delta": …}` and optionally
///   `"accountant"`, the guarantee it claims.
/// - Charter checks exit status 0, the columns, types, row count and declared domains, and that
///   the claimed (ε, δ) is within the request; the spend is recorded with
///   `claimedByExternalTool = true`, since Charter cannot verify it. Past the timeout the
///   command's whole process group is killed (SIGKILL).
/// - stdin is /dev/null; stdout and stderr are kept outside the working directory, and the end of
///   stderr is quoted in errors. Everything is deleted afterwards.
/// - The command runs contained (``ExternalSandbox``): it sees its working directory
///   (`/charter/work`) and the system's programs and libraries, nothing of the project or of
///   `.charter`, no network, no other process, and only ``ExternalSandbox/environment``. Where
///   bubblewrap cannot run, the tool is refused (CH722). Its files are pinned by digest
///   (``ExternalTool``); a plan's pins are handed in ``pinnedToolParameter`` and a tool that no
///   longer matches them is refused (CH723).
public struct ExternalGenerator: SyntheticDataGenerator {
    public let name = "external"
    public let version = "1.0.0"
    /// The tool's guarantee is claimed, not computed by Charter.
    public let isDifferentiallyPrivate = false

    /// The default time limit, in seconds.
    public static let defaultTimeoutSeconds = 600.0

    /// Where the control folder is made (the system's temporary folder when `nil`).
    package var workingDirectoryParent: String?
    /// Keeps the control folder after the run, for tests that inspect what the tool was given.
    package var keepsWorkingDirectory = false

    /// The parameter a plan's pins are handed in: `[{"role", "path", "sha256"}]`
    /// (``ExternalTool/json``). When present the tool's files must have exactly these digests.
    public static let pinnedToolParameter = "pinned_tool"

    /// Creates the generator.
    public init() {}

    public func generate(training: Table, rowCount: Int, settings: GeneratorSettings) throws(GeneratorError)
        -> GeneratorOutput
    {
        let command = try Self.command(settings.parameters)
        let timeout = try Self.timeout(settings.parameters)
        _ = try TrainingData.prepare(training: training, rowCount: rowCount, settings: settings, requireDomains: false)
        if let epsilon = settings.epsilon {
            guard epsilon.isFinite, epsilon > 0, let delta = settings.delta, delta >= 0, delta < 1 else {
                throw GeneratorError(
                    .generatorInvalidPrivacyTarget, "the request's epsilon must be positive and delta in [0, 1)")
            }
        }
        let tool = try ExternalTool.resolve(command)
        try Self.checkPinned(tool, settings.parameters)
        // A class mix: the tool runs once and is asked for more rows, which are then selected by class.
        let mix = try ClassMix(settings.parameters)
        let asked = mix == nil ? rowCount : min(ClassMix.externalDrawFactor * rowCount, TrainingData.maximumRowCount)
        guard let bubblewrap = ExternalSandbox.bubblewrap() else {
            throw GeneratorError(
                .externalSandboxUnavailable,
                "the external generator runs only inside a bubblewrap sandbox and no bwrap is installed "
                    + "(looked in \(ExternalSandbox.bubblewrapLocations.joined(separator: ", "))); install Debian's "
                    + "'bubblewrap' package; Charter never runs a tool unconfined")
        }
        // The control folder holds bubblewrap's files and the tool's logs; only its `work`
        // subfolder is shown to the tool.
        let control = try Self.makeWorkingDirectory(in: workingDirectoryParent)
        defer { if !keepsWorkingDirectory { try? FileManager.default.removeItem(atPath: control) } }
        let directory = control + "/work"
        guard mkdir(directory, 0o700) == 0 else {
            throw GeneratorError(
                .externalWorkingDirectoryFailed,
                "cannot create \(directory): \(String(cString: strerror(errno)))")
        }
        try Self.write(CSVWriter().write(training), to: directory + "/input.csv")
        try Self.write(Self.schemaJSON(training, settings), to: directory + "/schema.json")
        try Self.write(Self.paramsJSON(asked, settings), to: directory + "/params.json")

        let process = ExternalProcess(
            bubblewrap: bubblewrap,
            options: ExternalSandbox.options(
                tool: tool, workDirectory: directory, readOnlyInputs: ["input.csv", "schema.json", "params.json"]),
            command: tool.arguments,
            controlDirectory: control, stdoutPath: control + "/stdout.txt", stderrPath: control + "/stderr.txt",
            timeoutSeconds: timeout)
        let outcome: ExternalProcess.Outcome
        do {
            outcome = try process.run()
        } catch {
            throw GeneratorError(.externalSandboxUnavailable, error.message)
        }
        let program = command[0]
        switch outcome {
        case .exited(0):
            break
        case .exited(let status):
            throw GeneratorError(
                .externalCommandFailed,
                "external generator '\(program)' exited with status \(status)\(Self.stderrTail(control))")
        case .signalled(let signal):
            throw GeneratorError(
                .externalCommandFailed,
                "external generator '\(program)' was killed by signal \(signal)\(Self.stderrTail(control))")
        case .timedOut:
            throw GeneratorError(
                .externalTimeout,
                "external generator '\(program)' ran past its limit of \(NumberFormatting.shortest(timeout)) s "
                    + "and was stopped with everything it started")
        case .sandboxFailed(let reason):
            throw GeneratorError(
                .externalSandboxUnavailable,
                "bubblewrap could not build the sandbox, so the external generator was not run: \(reason)")
        }

        var table = try Self.readOutput(
            directory: directory, training: training, rowCount: asked, settings: settings)
        var mixRecord: JSONValue?
        if let mix {
            let drawn = table
            (table, mixRecord) = try mix.sample(rowCount: rowCount, drawRows: settings.drawRows) {
                (_, attempt) throws(GeneratorError) in
                guard attempt == 0 else {
                    throw GeneratorError(
                        .generatorClassMixUnreachable,
                        "output.class_mix on '\(mix.column)' is unreachable in the \(asked) rows the external tool "
                            + "drew (\(ClassMix.externalDrawFactor)x the \(rowCount) asked; the tool runs once); lower the "
                            + "share of the rare class or ask for fewer rows")
                }
                return drawn
            }
        }
        let privacy = try Self.readPrivacy(directory: directory, settings: settings)
        var warnings: [String] = []
        if let privacy {
            warnings.append(
                "the privacy guarantee (epsilon \(NumberFormatting.shortest(privacy.epsilon)), delta "
                    + "\(NumberFormatting.shortest(privacy.delta))) is claimed by the external tool and not verified by Charter"
            )
        }
        var parameters: [String: JSONValue] = [
            "command": .array(command.map(JSONValue.string)), "timeout_seconds": .number(timeout),
            "tool": tool.json,
        ]
        if let tool = settings.parameters["tool_parameters"] { parameters["tool_parameters"] = tool }
        if let mixRecord { parameters[ClassMix.parameter] = mixRecord }
        return GeneratorOutput(
            table: table, privacy: privacy,
            lineage: GeneratorLineage(
                generator: name, version: version, seed: settings.seed, parameters: .object(parameters)),
            warnings: warnings)
    }

    // MARK: - Parameters

    static func command(_ parameters: [String: JSONValue]) throws(GeneratorError) -> [String] {
        guard let value = parameters["command"] else {
            throw GeneratorError(
                .externalCommandInvalid, "the external generator needs parameter 'command', an array of strings (argv)")
        }
        guard let items = value.arrayValue, !items.isEmpty else {
            throw GeneratorError(
                .externalCommandInvalid,
                "parameter 'command' must be a non-empty array of strings (argv), not a shell line")
        }
        var command: [String] = []
        for item in items {
            guard let text = item.stringValue, !text.utf8.contains(0) else {
                throw GeneratorError(.externalCommandInvalid, "parameter 'command' must hold only strings without NUL")
            }
            command.append(text)
        }
        guard !command[0].isEmpty else {
            throw GeneratorError(.externalCommandInvalid, "parameter 'command' names an empty program")
        }
        return command
    }

    static func timeout(_ parameters: [String: JSONValue]) throws(GeneratorError) -> Double {
        guard let value = parameters["timeout_seconds"] else { return defaultTimeoutSeconds }
        guard let seconds = value.doubleValue, seconds > 0, seconds <= 86_400 else {
            throw GeneratorError(
                .generatorInvalidParameter, "parameter 'timeout_seconds' must be a number in (0, 86400]")
        }
        return seconds
    }

    // MARK: - Working directory

    /// Refuses a tool whose files are not the ones the plan pinned.
    static func checkPinned(_ tool: ExternalTool, _ parameters: [String: JSONValue]) throws(GeneratorError) {
        guard let pinned = parameters[pinnedToolParameter] else { return }
        guard pinned == tool.json else {
            throw GeneratorError(
                .externalToolChanged,
                "the external tool's files are not the ones the plan pinned: "
                    + ExternalTool.differences(pinned: pinned, now: tool.json).joined(separator: "; "))
        }
    }

    static func makeWorkingDirectory(in parent: String?) throws(GeneratorError) -> String {
        var base = parent ?? FileManager.default.temporaryDirectory.path
        if base.hasSuffix("/") { base.removeLast() }
        var template = Array((base + "/charter-external-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> UnsafeMutablePointer<CChar>? in
            guard let start = buffer.baseAddress else { return nil }
            return mkdtemp(start)
        }
        guard made != nil else {
            throw GeneratorError(
                .externalWorkingDirectoryFailed,
                "cannot create a working directory under \(base): \(String(cString: strerror(errno)))")
        }
        return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func write(_ text: String, to path: String) throws(GeneratorError) {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw GeneratorError(.externalWorkingDirectoryFailed, "cannot write \(path): \(error)")
        }
    }

    static func schemaJSON(_ training: Table, _ settings: GeneratorSettings) throws(GeneratorError) -> String {
        var columns: [String: JSONValue] = [:]
        for column in training.columns {
            let semantic = settings.schema.types[column.name] ?? SemanticType.inferred(from: column.type)
            var entry: [String: JSONValue] = ["sdtype": .string(semantic.rawValue)]
            if let domain = settings.domains[column.name] { entry["domain"] = domainJSON(domain) }
            columns[column.name] = .object(entry)
        }
        let value: JSONValue = [
            "column_order": .array(training.columnNames.map(JSONValue.string)), "columns": .object(columns),
        ]
        return try canonical(value)
    }

    static func domainJSON(_ domain: DeclaredDomain) -> JSONValue {
        switch domain {
        case .numeric(let lower, let upper, let integral):
            ["kind": "numeric", "lower": .number(lower), "upper": .number(upper), "integral": .bool(integral)]
        case .categorical(let categories):
            ["kind": "categorical", "categories": .array(categories.map(JSONValue.string))]
        case .boolean:
            ["kind": "boolean"]
        }
    }

    static func paramsJSON(_ rowCount: Int, _ settings: GeneratorSettings) throws(GeneratorError) -> String {
        let value: JSONValue = [
            "rows": .integer(rowCount),
            // JSON integers above 2^53 lose precision in many tools: the seed is passed as a number
            // below 2^53 and as exact text.
            "seed": .integer(Int(settings.seed & ((1 << 53) - 1))), "seed_text": .string(String(settings.seed)),
            "epsilon": settings.epsilon.map(JSONValue.number) ?? .null,
            "delta": settings.delta.map(JSONValue.number) ?? .null,
            "tool_parameters": settings.parameters["tool_parameters"] ?? .object([:]),
        ]
        return try canonical(value)
    }

    static func canonical(_ value: JSONValue) throws(GeneratorError) -> String {
        do {
            return try value.canonical() + "\n"
        } catch {
            throw GeneratorError(.externalWorkingDirectoryFailed, "cannot encode the tool's input: \(error)")
        }
    }

    static func stderrTail(_ directory: String) -> String {
        guard let data = FileManager.default.contents(atPath: directory + "/stderr.txt"), !data.isEmpty else {
            return ""
        }
        let text = String(decoding: data.suffix(400), as: UTF8.self)
        let line = text.split(whereSeparator: \.isNewline).map { $0.filter { !$0.isWhitespace || $0 == " " } }
            .filter { !$0.allSatisfy(\.isWhitespace) }.joined(separator: " / ")
        return line.isEmpty ? "" : "; stderr: \(line)"
    }

    // MARK: - Validation

    static func readOutput(directory: String, training: Table, rowCount: Int, settings: GeneratorSettings)
        throws(GeneratorError) -> Table
    {
        let path = directory + "/output.csv"
        guard FileManager.default.fileExists(atPath: path) else {
            throw GeneratorError(
                .externalOutputMissing, "the external generator exited successfully but wrote no output.csv")
        }
        var types: [String: ColumnType] = [:]
        for column in training.columns { types[column.name] = column.type }
        let header: [String]
        do {
            let bytes = FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
            let firstLine = bytes.prefix { $0 != 10 && $0 != 13 }
            header = try CSVReader.records(bytes: Array(firstLine), name: "output.csv").first ?? []
        } catch {
            throw GeneratorError(.externalOutputInvalid, "output.csv is not valid CSV: \(error)")
        }
        guard header == training.columnNames else {
            let expected = Set(training.columnNames)
            let got = Set(header)
            let missing = training.columnNames.filter { !got.contains($0) }
            let extra = header.filter { !expected.contains($0) }
            var problems: [String] = []
            if !missing.isEmpty { problems.append("missing " + missing.map { "'\($0)'" }.joined(separator: ", ")) }
            if !extra.isEmpty { problems.append("unexpected " + extra.map { "'\($0)'" }.joined(separator: ", ")) }
            if problems.isEmpty { problems.append("columns in a different order") }
            throw GeneratorError(
                .externalOutputInvalid,
                "output.csv must have the training columns in the same order: " + problems.joined(separator: "; "))
        }
        let table: Table
        do {
            table = try CSVReader(columnTypes: types).read(contentsOf: path)
        } catch {
            throw GeneratorError(.externalOutputInvalid, "output.csv: \(error)")
        }
        guard table.rowCount == rowCount else {
            throw GeneratorError(
                .externalOutputInvalid, "output.csv has \(table.rowCount) rows; the request asked for \(rowCount)")
        }
        for column in table.columns {
            guard let domain = settings.domains[column.name] else { continue }
            for row in 0..<table.rowCount {
                guard let text = column.values.text(at: row) else { continue }
                let inside: Bool
                switch (domain, column.values) {
                case (.numeric(let lower, let upper, let integral), .numeric(let values)):
                    let x = values.values[row]
                    inside = x >= lower && x <= upper && (!integral || x == x.rounded())
                case (.categorical(let categories), .numeric(let values)):
                    inside = categories.contains { NumberParsing.parse($0) == values.values[row] }
                case (.categorical(let categories), _):
                    inside = categories.contains(text)
                case (.boolean, .boolean):
                    inside = true
                default:
                    inside = false
                }
                if !inside {
                    throw GeneratorError(
                        .externalOutputInvalid,
                        "output.csv column '\(column.name)' row \(row + 1) holds '\(text)', outside its declared domain"
                    )
                }
            }
        }
        return table
    }

    static func readPrivacy(directory: String, settings: GeneratorSettings) throws(GeneratorError) -> PrivacySpend? {
        let path = directory + "/privacy.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            if let epsilon = settings.epsilon {
                throw GeneratorError(
                    .externalPrivacyClaimInvalid,
                    "the request sets epsilon \(NumberFormatting.shortest(epsilon)) but the external generator wrote "
                        + "no privacy.json")
            }
            return nil
        }
        let value: JSONValue
        do {
            value = try JSONParser().parse(String(decoding: data, as: UTF8.self))
        } catch {
            throw GeneratorError(.externalPrivacyClaimInvalid, "privacy.json is not valid JSON: \(error)")
        }
        guard let epsilon = value["epsilon"]?.doubleValue, epsilon.isFinite, epsilon >= 0 else {
            throw GeneratorError(
                .externalPrivacyClaimInvalid, "privacy.json must hold 'epsilon', a finite number >= 0")
        }
        guard let delta = value["delta"]?.doubleValue, delta >= 0, delta < 1 else {
            throw GeneratorError(.externalPrivacyClaimInvalid, "privacy.json must hold 'delta', a number in [0, 1)")
        }
        if let requested = settings.epsilon, epsilon > requested {
            throw GeneratorError(
                .externalPrivacyClaimInvalid,
                "the external generator claims epsilon \(NumberFormatting.shortest(epsilon)), over the request's "
                    + NumberFormatting.shortest(requested))
        }
        if let requested = settings.delta, settings.epsilon != nil, delta > requested {
            throw GeneratorError(
                .externalPrivacyClaimInvalid,
                "the external generator claims delta \(NumberFormatting.shortest(delta)), over the request's "
                    + NumberFormatting.shortest(requested))
        }
        let accountant = value["accountant"]?.stringValue ?? "not stated"
        return PrivacySpend(
            epsilon: epsilon, delta: delta, accountant: "claimed by the external tool: \(accountant)",
            claimedByExternalTool: true, mechanisms: [])
    }
}
