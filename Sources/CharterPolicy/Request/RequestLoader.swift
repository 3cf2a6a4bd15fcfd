public import CharterCore
public import CharterYAML

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Builds a ``GenerationRequest`` from the YAML of a `kind: generation-request` document
/// (`grammar/request.schema.json`), reporting every unknown key (with a suggestion), wrong type,
/// missing field, malformed date, digest or number with its location.
///
/// ε and δ are read as exact decimals, as written, so that `1.0e-6 <= 1.0e-6` holds exactly.
public struct RequestLoader: Sendable {
    static let requestKeys = [
        "charter", "kind", "id", "ticket", "requester", "purpose", "audience", "consumers", "jurisdiction",
        "high_risk_ai", "source", "generator", "output", "expires_at", "approvals",
    ]
    static let requiredKeys = ["id", "requester", "purpose", "audience", "source", "generator", "output"]
    static let sourceKeys = [
        "dataset", "path", "sha256", "rows", "classification", "jurisdiction", "privacy_unit", "quasi_identifiers",
        "sensitive", "protected", "target", "exclude", "columns",
    ]
    static let generatorKeys = ["type", "epsilon", "delta", "seed", "command", "parameters"]
    static let outputKeys = ["rows", "path", "class_mix"]
    /// The most classes `output.class_mix` may name.
    static let maximumClassMixClasses = 256
    static let approvalKeys = ["role", "by", "at", "plan", "override", "signature"]
    static let columnKeys = ["type", "min", "max", "categories"]
    static let columnTypes = ["numeric", "integer", "categorical", "boolean"]

    /// A loader.
    public init() {}

    /// The request in `document` and the findings; the request is `nil` when a required part is
    /// missing or unreadable (a diagnostic says which).
    public func load(_ document: YAMLNode, source: YAMLSource) -> (
        request: GenerationRequest?, diagnostics: [Diagnostic]
    ) {
        let reader = DocumentReader(source: source)
        let request = RequestBuilder(reader: reader).request(document)
        if let request { RequestFieldChecks.check(request, report: reader.report) }
        return (request, reader.diagnostics)
    }

    /// Parses `bytes` and loads every `kind: generation-request` document in them.
    public func load(file: String, bytes: [UInt8], limits: YAMLLimits = .default) -> (
        requests: [GenerationRequest], diagnostics: [Diagnostic]
    ) {
        let stream: YAMLStream
        do {
            stream = try YAMLParser(limits: limits).parse(bytes, file: file)
        } catch {
            return ([], [error.diagnostic])
        }
        var diagnostics = stream.warnings
        var requests: [GenerationRequest] = []
        for document in stream.documents {
            guard let kind = PolicyLinter.documentKind(document.root, &diagnostics) else { continue }
            guard kind == "generation-request" else {
                diagnostics.append(
                    .error(
                        .policyDocument, "expected a generation-request, found kind '\(kind)'",
                        at: document.root["kind"]?.location ?? document.root.location))
                continue
            }
            let (request, found) = load(document.root, source: stream.source)
            diagnostics += found
            if let request { requests.append(request) }
        }
        if stream.documents.isEmpty {
            diagnostics.append(.error(.policyDocument, "the file holds no document", at: .file(file)))
        }
        return (requests, diagnostics.sorted())
    }
}

/// The recursive part of loading, over one reader.
private struct RequestBuilder {
    let reader: DocumentReader

    /// The longest id a request may have: it names the run's output folder (`out/ID/`, one path
    /// component, well under the 255 bytes a file name may take) and is recorded in the ledger.
    static let maximumIDLength = 128

    /// `id` when it can name the run's output folder; else a diagnostic, so that such a request is
    /// refused before anything runs rather than after its budget is spent, at publish.
    func checkedID(_ id: Located<String>) -> Located<String>? {
        if id.value.utf8.count > Self.maximumIDLength {
            reader.report(
                .error(
                    .requestInvalidID,
                    "id is \(id.value.utf8.count) bytes long; an id names the run's output folder and may have at most \(Self.maximumIDLength)",
                    at: id.location, help: "use a short id, e.g. the ticket's"))
            return nil
        }
        if id.value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            reader.report(
                .error(.requestInvalidID, "id contains a control character", at: id.location))
            return nil
        }
        return id
    }

    /// `person` when it is one well-formed person (``Identity``: not malformed, not a look-alike,
    /// not a group); else a diagnostic, so that separation of duties never compares a spelling.
    func checkedPerson(_ person: Located<String>, _ context: String) -> Located<String>? {
        // Control characters are the field checks' to report (CH245), once.
        if TerminalText.firstControlCharacter(in: person.value) != nil { return person }
        do {
            let identity = try Identity(person.value)
            guard !identity.isGroup else {
                reader.report(
                    .error(
                        .requestInvalidIdentity, "\(context) '\(person.value)' is a group; a person approves",
                        at: person.location, help: "each member of the group approves in their own name"))
                return nil
            }
        } catch {
            reader.report(
                .error(
                    .requestInvalidIdentity, "\(context) '\(person.value)' \(error.message)",
                    at: person.location))
            return nil
        }
        return person
    }

    func request(_ node: YAMLNode) -> GenerationRequest? {
        guard
            let fields = reader.mapping(
                node, "the request", known: RequestLoader.requestKeys, required: RequestLoader.requiredKeys)
        else { return nil }
        let id = fields["id"].flatMap { reader.string($0, "id") }.flatMap(checkedID)
        let ticket = fields["ticket"].flatMap { reader.string($0, "ticket") }
        let requester = fields["requester"].flatMap { reader.string($0, "requester") }.flatMap {
            checkedPerson($0, "requester")
        }
        let purpose = fields["purpose"].flatMap { reader.string($0, "purpose") }
        let audience = fields["audience"].flatMap {
            reader.enumeration($0, "audience", values: RequestSchema.audiences)
        }
        let consumers = fields["consumers"].flatMap { list($0, "consumers") }
        let jurisdiction = fields["jurisdiction"].flatMap { reader.string($0, "jurisdiction") }
        let highRiskAI = fields["high_risk_ai"].flatMap { reader.bool($0, "high_risk_ai") }
        let source = fields["source"].flatMap(source)
        let generator = fields["generator"].flatMap(generator)
        let output = fields["output"].flatMap(output)
        let expiresAt = fields["expires_at"].flatMap { reader.date($0, "expires_at") }
        var approvals: [GenerationRequest.Approval] = []
        if let node = fields["approvals"] {
            if let items = node.sequence {
                approvals = items.compactMap(approval)
                reportDuplicates(approvals)
            } else {
                reader.wrongType(node, expected: "a list", context: "approvals")
            }
        }
        guard let id, let requester, let purpose, let audience, let source, let generator, let output else {
            return nil
        }
        return GenerationRequest(
            id: id, ticket: ticket, requester: requester, purpose: purpose, audience: audience, consumers: consumers,
            jurisdiction: jurisdiction, highRiskAI: highRiskAI, source: source, generator: generator, output: output,
            expiresAt: expiresAt, approvals: approvals, approvalsLocation: fields["approvals"]?.location,
            location: node.location)
    }

    private func list(_ node: YAMLNode, _ context: String) -> Located<[Located<String>]>? {
        reader.stringList(node, context).map { Located($0, at: node.location) }
    }

    private func source(_ node: YAMLNode) -> GenerationRequest.Source? {
        guard
            let fields = reader.mapping(
                node, "source", known: RequestLoader.sourceKeys, required: ["dataset", "path", "classification"])
        else { return nil }
        let dataset = fields["dataset"].flatMap { reader.string($0, "source.dataset") }
        let path = fields["path"].flatMap { reader.string($0, "source.path") }
        let sha256 = fields["sha256"].flatMap { reader.string($0, "source.sha256") }.flatMap {
            digest($0, "source.sha256", prefixRequired: false)
        }
        let rows = fields["rows"].flatMap { positive($0, "source.rows") }
        let classification = fields["classification"].flatMap {
            reader.enumeration($0, "source.classification", values: RequestSchema.classifications)
        }
        let columns = fields["columns"].map(columns) ?? []
        guard let dataset, let path, let classification else { return nil }
        return GenerationRequest.Source(
            dataset: dataset, path: path, sha256: sha256, rows: rows, classification: classification,
            jurisdiction: fields["jurisdiction"].flatMap { reader.string($0, "source.jurisdiction") },
            privacyUnit: fields["privacy_unit"].flatMap { reader.string($0, "source.privacy_unit") },
            quasiIdentifiers: fields["quasi_identifiers"].flatMap { list($0, "source.quasi_identifiers") },
            sensitive: fields["sensitive"].flatMap { list($0, "source.sensitive") },
            protected: fields["protected"].flatMap { list($0, "source.protected") },
            target: fields["target"].flatMap { reader.string($0, "source.target") },
            exclude: fields["exclude"].flatMap { list($0, "source.exclude") },
            columns: columns, location: node.location)
    }

    private func columns(_ node: YAMLNode) -> [GenerationRequest.ColumnDomain] {
        guard let pairs = node.mapping else {
            reader.wrongType(node, expected: "a mapping of column names to domains", context: "source.columns")
            return []
        }
        return pairs.compactMap { pair in
            guard case .string(let name) = pair.key.scalar?.value else {
                reader.report(.error(.policyWrongType, "a column's name must be a string", at: pair.key.location))
                return nil
            }
            let context = "column '\(name)'"
            guard let fields = reader.mapping(pair.value, context, known: RequestLoader.columnKeys) else { return nil }
            var categories: [Located<String>]?
            if let node = fields["categories"] {
                if let items = node.sequence {
                    categories = items.compactMap { item in
                        guard let scalar = item.scalar, scalar.value != .null else {
                            reader.wrongType(
                                item, expected: "a string, number or boolean", context: "a category of \(context)")
                            return nil
                        }
                        return Located(scalar.text, at: item.location)
                    }
                } else {
                    reader.wrongType(node, expected: "a list", context: "\(context).categories")
                }
            }
            let minimum = fields["min"].flatMap { reader.decimal($0, "\(context).min") }
            let maximum = fields["max"].flatMap { reader.decimal($0, "\(context).max") }
            if let minimum, let maximum, minimum.value > maximum.value {
                reader.report(
                    .error(
                        .policyOutOfRange, "\(context).min \(minimum.value) is above its max \(maximum.value)",
                        at: minimum.location, related: [.init(maximum.location, "max written here")]))
            }
            return GenerationRequest.ColumnDomain(
                name: Located(name, at: pair.key.location),
                type: fields["type"].flatMap {
                    reader.enumeration($0, "\(context).type", values: RequestLoader.columnTypes)
                },
                minimum: minimum, maximum: maximum, categories: categories)
        }
    }

    private func generator(_ node: YAMLNode) -> GenerationRequest.Generator? {
        guard let fields = reader.mapping(node, "generator", known: RequestLoader.generatorKeys, required: ["type"])
        else {
            return nil
        }
        let type = fields["type"].flatMap {
            reader.enumeration($0, "generator.type", values: RequestSchema.generatorTypes)
        }
        var epsilon = fields["epsilon"].flatMap { reader.decimal($0, "generator.epsilon") }
        if let value = epsilon, value.value <= 0 {
            reader.report(
                .error(
                    .policyOutOfRange, "generator.epsilon must be greater than 0, not \(value.value)",
                    at: value.location))
            epsilon = nil
        }
        var delta = fields["delta"].flatMap { reader.decimal($0, "generator.delta") }
        if let value = delta, value.value < 0 || value.value >= 1 {
            reader.report(
                .error(
                    .policyOutOfRange, "generator.delta must be at least 0 and below 1, not \(value.value)",
                    at: value.location))
            delta = nil
        }
        var seed = fields["seed"].flatMap { reader.integer($0, "generator.seed") }
        if let value = seed, value.value < 0 {
            reader.report(
                .error(.policyOutOfRange, "generator.seed cannot be negative, not \(value.value)", at: value.location))
            seed = nil
        }
        var command: [Located<String>]?
        if let node = fields["command"] {
            if let items = node.sequence, !items.isEmpty {
                command = items.compactMap { reader.string($0, "an argument of generator.command") }
            } else {
                reader.wrongType(node, expected: "a non-empty list", context: "generator.command")
            }
        }
        if let node = fields["parameters"] {
            // Refused, not ignored: a request must not look as if it tuned what the plan fixes.
            reader.report(
                .error(
                    .requestUnsupportedParameters,
                    "generator.parameters is not read: the plan fixes each generator's settings (dp-copula splits "
                        + "its budget half and half; an external tool gets a 600 s timeout and no tool_parameters)",
                    at: node.location, help: "remove generator.parameters; the plan shows the settings a run uses"))
        }
        if type?.value == "external", fields["command"] == nil {
            reader.report(
                .error(
                    .policyMissingField, "generator is missing 'command', which an external generator needs",
                    at: node.location))
        }
        guard let type else { return nil }
        return GenerationRequest.Generator(
            type: type, epsilon: epsilon, delta: delta, seed: seed, command: command, location: node.location)
    }

    private func output(_ node: YAMLNode) -> GenerationRequest.Output? {
        guard let fields = reader.mapping(node, "output", known: RequestLoader.outputKeys, required: ["rows"]) else {
            return nil
        }
        let rows = fields["rows"].flatMap { positive($0, "output.rows") }
        let path = fields["path"].flatMap { reader.string($0, "output.path") }
        let classMix = fields["class_mix"].map(classMix) ?? []
        guard let rows else { return nil }
        return GenerationRequest.Output(rows: rows, path: path, classMix: classMix, location: node.location)
    }

    /// `class_mix: { <class>: <share>, … }`: each class once, each share in (0, 1], at most 1 in all.
    private func classMix(_ node: YAMLNode) -> [GenerationRequest.ClassShare] {
        let context = "output.class_mix"
        guard let pairs = node.mapping else {
            reader.wrongType(node, expected: "a mapping of class to share", context: context)
            return []
        }
        guard !pairs.isEmpty, pairs.count <= RequestLoader.maximumClassMixClasses else {
            reader.report(
                .error(
                    .policyOutOfRange,
                    "\(context) must name 1 to \(RequestLoader.maximumClassMixClasses) classes, not \(pairs.count)",
                    at: node.location))
            return []
        }
        var shares: [GenerationRequest.ClassShare] = []
        var total = Decimal(0)
        for pair in pairs {
            guard let key = pair.key.scalar, key.value != .null, !key.text.isEmpty else {
                reader.report(
                    .error(
                        .policyWrongType, "keys of \(context) are classes of source.target, not a \(pair.key.kindName)",
                        at: pair.key.location))
                continue
            }
            guard !shares.contains(where: { $0.category.value == key.text }) else {
                reader.report(
                    .error(.policyOutOfRange, "\(context) names class '\(key.text)' twice", at: pair.key.location))
                continue
            }
            guard let share = reader.decimal(pair.value, "\(context).\(key.text)") else { continue }
            guard share.value > 0, share.value <= 1 else {
                reader.report(
                    .error(
                        .policyOutOfRange, "\(context).\(key.text) must be a share in (0, 1], not \(share.value)",
                        at: share.location))
                continue
            }
            total += share.value
            shares.append(.init(category: Located(key.text, at: pair.key.location), share: share))
        }
        if total > 1 {
            reader.report(
                .error(
                    .policyOutOfRange, "the shares of \(context) add up to \(total), more than 1", at: node.location,
                    help: "lower the shares so that they add up to at most 1"))
            return []
        }
        return shares
    }

    private func approval(_ node: YAMLNode) -> GenerationRequest.Approval? {
        guard
            let fields = reader.mapping(
                node, "an approval", known: RequestLoader.approvalKeys, required: ["role", "by", "at"])
        else { return nil }
        let role = fields["role"].flatMap { reader.string($0, "an approval's role") }
        let by = fields["by"].flatMap { reader.string($0, "an approval's by") }.flatMap {
            checkedPerson($0, "an approval's by")
        }
        let signature = fields["signature"].flatMap { reader.string($0, "an approval's signature") }
        let at = fields["at"].flatMap(approvalDate)
        let plan = fields["plan"].flatMap { reader.string($0, "an approval's plan") }.flatMap {
            digest($0, "an approval's plan", prefixRequired: true)
        }
        let override = fields["override"].flatMap { reader.string($0, "an approval's override") }
        guard let role, let by, let at else { return nil }
        return GenerationRequest.Approval(
            role: role, by: by, at: at, plan: plan, override: override, signature: signature,
            location: node.location)
    }

    /// `at` is a date, or a timestamp whose first ten characters are one (the schema's pattern).
    private func approvalDate(_ node: YAMLNode) -> Located<CalendarDate>? {
        if let scalar = node.scalar, scalar.text.count > 10 {
            let index = scalar.text.index(scalar.text.startIndex, offsetBy: 10)
            if scalar.text[index] == "T" || scalar.text[index] == " ",
                let date = CalendarDate(iso: String(scalar.text[..<index]))
            {
                return Located(date, at: node.location)
            }
        }
        return reader.date(node, "an approval's at")
    }

    private func positive(_ node: YAMLNode, _ context: String) -> Located<Int>? {
        guard let value = reader.integer(node, context) else { return nil }
        guard value.value >= 1 else {
            reader.report(
                .error(.policyOutOfRange, "\(context) must be at least 1, not \(value.value)", at: value.location))
            return nil
        }
        return value
    }

    /// `sha256:` and 64 lowercase hex digits (the prefix optional where the schema allows).
    private func digest(_ text: Located<String>, _ context: String, prefixRequired: Bool) -> Located<String>? {
        let value = text.value
        let hex = value.hasPrefix("sha256:") ? String(value.dropFirst(7)) : (prefixRequired ? "" : value)
        let valid = hex.utf8.count == 64 && hex.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
        guard valid else {
            reader.report(
                .error(
                    .requestInvalidDigest, "\(context) '\(value)' is not a sha256 digest", at: text.location,
                    help: "write \(prefixRequired ? "sha256:" : "") followed by 64 lowercase hexadecimal digits"))
            return nil
        }
        return Located(prefixRequired || value.hasPrefix("sha256:") ? value : "sha256:" + value, at: text.location)
    }

    private func reportDuplicates(_ approvals: [GenerationRequest.Approval]) {
        for (index, approval) in approvals.enumerated() {
            if let first = approvals[..<index].first(where: {
                $0.role.value == approval.role.value
                    && Identity.canonical($0.by.value) == Identity.canonical(approval.by.value)
            }) {
                reader.report(
                    .warning(
                        .requestDuplicateApproval,
                        "'\(approval.by.value)' approves twice in role '\(approval.role.value)'", at: approval.location,
                        related: [.init(first.location, "first approval here")]))
            }
        }
    }
}
