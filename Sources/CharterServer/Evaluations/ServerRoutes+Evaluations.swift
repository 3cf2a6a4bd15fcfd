import CharterCore
import CharterStats
import CharterWorkflow
import Dispatch
import Hummingbird

extension ServerRoutes {
    /// The names the posted tables are evaluated under (and that the report's `inputs` record).
    static let evaluationFiles = Evaluation.Files(
        train: "real.csv", holdout: "holdout.csv", synthetic: "synthetic.csv")

    /// `POST /v1/evaluations`: `{real, holdout, synthetic}` as CSV text, with `charter evaluate`'s
    /// options (`schema`, `only`, `target`, `positive`, `exclude`, `drop_target_values`,
    /// `protected`, `quasi_identifiers`, `sensitive`, `small_class`, `attack_seed`) → the JSON
    /// `charter evaluate --format json` prints (``Evaluation``). Reads the posted bytes only, never
    /// the file system, and changes nothing, so it is a read (``Access/deciding``).
    ///
    /// A body that is not such an object is 400; tables that cannot be evaluated (bad CSV,
    /// different columns, past ``EvaluationLimits``) are 422 with the CLI's diagnostics; when
    /// ``ServerConfiguration/concurrentEvaluations`` are already running the answer is 429 at
    /// once, with `Retry-After`.
    func evaluate(_ request: Request) async throws -> Response {
        _ = try authorize(request, .deciding)
        let object = try await input.object(of: request)
        let (store, options, files) = try Self.evaluationInputs(object)
        guard evaluations.enter() else {
            var error = APIError(
                status: .tooManyRequests,
                message: "\(evaluations.capacity) evaluations are already running; try again later")
            error.headers = [("Retry-After", "5")]
            throw error
        }
        defer { evaluations.leave() }
        // CPU-bound for seconds: measured off the cooperative pool, which serves every other request.
        let evaluation = await withCheckedContinuation { (continuation: CheckedContinuation<Evaluation, Never>) in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(returning: Evaluation(files, options: options, in: store))
            }
        }
        guard let report = evaluation.report else {
            throw APIError.unprocessable("the tables cannot be evaluated", diagnostics: evaluation.diagnostics)
        }
        return Reply.json(report.json())
    }

    /// The store holding the posted tables, the options and the files named, from the body.
    /// - Throws: ``APIError`` 400 naming the first field missing, of the wrong type, or unknown.
    static func evaluationInputs(_ object: [String: JSONValue]) throws(APIError) -> (
        InMemoryInputStore, Evaluation.Options, Evaluation.Files
    ) {
        let known: Set<String> = [
            "real", "holdout", "synthetic", "schema", "only", "target", "positive", "exclude", "drop_target_values",
            "protected", "quasi_identifiers", "sensitive", "small_class", "attack_seed",
        ]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw APIError.badRequest(
                "unknown field \"\(unknown)\"; the body takes \(known.sorted().map { "\"\($0)\"" }.joined(separator: ", "))"
            )
        }
        func text(_ name: String) throws(APIError) -> String? {
            guard let value = object[name], value != .null else { return nil }
            guard let text = value.stringValue else { throw APIError.badRequest("\"\(name)\" must be a string") }
            return text
        }
        func table(_ name: String) throws(APIError) -> [UInt8] {
            guard let csv = try text(name) else {
                throw APIError.badRequest("the body needs \"\(name)\", the table as CSV text")
            }
            return Array(csv.utf8)
        }
        func texts(_ name: String) throws(APIError) -> [String] {
            guard let value = object[name], value != .null else { return [] }
            guard let array = value.arrayValue else {
                throw APIError.badRequest("\"\(name)\" must be an array of strings")
            }
            var strings: [String] = []
            for element in array {
                guard let string = element.stringValue else {
                    throw APIError.badRequest("\"\(name)\" must be an array of strings")
                }
                strings.append(string)
            }
            return strings
        }
        func integer(_ name: String, minimum: Int) throws(APIError) -> Int? {
            guard let value = object[name], value != .null else { return nil }
            guard case .integer(let number) = value, number >= minimum else {
                throw APIError.badRequest("\"\(name)\" must be an integer of at least \(minimum)")
            }
            return number
        }

        var files = evaluationFiles
        var store = InMemoryInputStore([
            files.train: try table("real"), files.holdout: try table("holdout"),
            files.synthetic: try table("synthetic"),
        ])
        switch object["schema"] {
        case nil, .null?: break
        case .string(let schema)?:
            files.schema = "schema.json"
            store["schema.json"] = Array(schema.utf8)
        case .object?:
            files.schema = "schema.json"
            store["schema.json"] = Array(((try? object["schema"]?.canonical()) ?? "").utf8)
        default:
            throw APIError.badRequest("\"schema\" must be SDV metadata: a JSON object, or its text")
        }

        var options = Evaluation.Options()
        options.target = try text("target")
        options.positive = try text("positive")
        options.protected = try text("protected")
        options.sensitive = try text("sensitive")
        options.excluded = try texts("exclude")
        options.dropTargetValues = try texts("drop_target_values")
        options.quasiIdentifiers = try texts("quasi_identifiers")
        if let threshold = try integer("small_class", minimum: 1) { options.smallClassThreshold = threshold }
        if let seed = try integer("attack_seed", minimum: 0) { options.attackSeed = UInt64(seed) }
        if let only = object["only"], only != .null {
            switch EvaluationReport.Sections.named(try texts("only")) {
            case .success(let sections): options.sections = sections
            case .failure(let unknown):
                throw APIError.badRequest(
                    "\"only\" takes \"fidelity\", \"utility\" and \"disclosure\"; not \"\(unknown.name)\"")
            }
        }
        return (store, options, files)
    }
}
