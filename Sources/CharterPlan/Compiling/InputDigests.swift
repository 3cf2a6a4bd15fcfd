public import CharterCore
public import CharterPolicy

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The pure digests a plan pins its inputs with. Reading the files is the caller's job.
public enum InputDigests {
    /// The digest of a policy set: `{"files": [{"path", "sha256"}]}` sorted by path, in canonical
    /// JSON. Paths should be relative to the policy root the user named, so that `policies`,
    /// `./policies` and `policies/` give the same digest; any byte of any file changes it.
    public static func policySet(_ files: [(path: String, bytes: [UInt8])]) -> String {
        let entries = files.sorted { $0.path < $1.path }.map { file -> JSONValue in
            ["path": .string(file.path), "sha256": .string(ContentDigest.sha256(file.bytes))]
        }
        return (try? ContentDigest.sha256(["files": .array(entries)] as JSONValue)) ?? "sha256:unencodable"
    }

    /// The digest of a request's content without its approvals: every field's value (locations,
    /// comments and formatting do not count) in canonical JSON.
    ///
    /// Approvals are left out because they name the plan digest, which covers this digest: an
    /// approval bound to a plan must not change the plan. Any other edit changes it.
    public static func request(_ request: GenerationRequest) -> String {
        (try? ContentDigest.sha256(requestContent(request))) ?? "sha256:unencodable"
    }

    /// The canonical content ``request(_:)`` digests.
    public static func requestContent(_ r: GenerationRequest) -> JSONValue {
        func strings(_ list: Located<[Located<String>]>?) -> JSONValue {
            list.map { .array($0.value.map { .string($0.value) }) } ?? .null
        }
        func text(_ value: Located<String>?) -> JSONValue { value.map { .string($0.value) } ?? .null }
        func number(_ value: Located<Decimal>?) -> JSONValue { value.map { .decimal($0.value.jsonText) } ?? .null }
        let source = r.source
        let columns: [JSONValue] = source.columns.map { column in
            [
                "name": .string(column.name.value), "type": text(column.type),
                "minimum": number(column.minimum), "maximum": number(column.maximum),
                "categories": column.categories.map { .array($0.map { .string($0.value) }) } ?? .null,
            ]
        }
        return [
            "id": .string(r.id.value), "ticket": text(r.ticket), "requester": .string(r.requester.value),
            "purpose": .string(r.purpose.value), "audience": .string(r.audience.value),
            "consumers": strings(r.consumers),
            "jurisdiction": text(r.jurisdiction), "high_risk_ai": r.highRiskAI.map { .bool($0.value) } ?? .null,
            "expires_at": r.expiresAt.map { .string($0.value.description) } ?? .null,
            "source": [
                "dataset": .string(source.dataset.value), "path": .string(source.path.value),
                "sha256": text(source.sha256),
                "rows": source.rows.map { .integer($0.value) } ?? .null,
                "classification": .string(source.classification.value), "jurisdiction": text(source.jurisdiction),
                "privacy_unit": text(source.privacyUnit), "quasi_identifiers": strings(source.quasiIdentifiers),
                "sensitive": strings(source.sensitive), "protected": strings(source.protected),
                "target": text(source.target), "exclude": strings(source.exclude), "columns": .array(columns),
            ],
            "generator": [
                "type": .string(r.generator.type.value), "epsilon": number(r.generator.epsilon),
                "delta": number(r.generator.delta), "seed": r.generator.seed.map { .integer($0.value) } ?? .null,
                "command": r.generator.command.map { .array($0.map { .string($0.value) }) } ?? .null,
            ],
            "output": .object(output(r.output)),
        ]
    }

    /// The output section; `class_mix` only when asked, so that requests without one keep their digests.
    static func output(_ output: GenerationRequest.Output) -> [String: JSONValue] {
        var content: [String: JSONValue] = [
            "rows": .integer(output.rows.value), "path": output.path.map { .string($0.value) } ?? .null,
        ]
        if !output.classMix.isEmpty {
            content["class_mix"] = .array(
                output.classMix.map { .array([.string($0.category.value), .decimal($0.share.value.jsonText)]) })
        }
        return content
    }

    /// The digest of the ledger state of a source (``LedgerState/digest``).
    public static func ledger(_ state: LedgerState) -> String { state.digest }

    /// A seed derived from a digest and a purpose: the first 52 bits of
    /// sha256(`charter-seed:<purpose>:<digest>`), so that it survives any JSON reader exactly.
    public static func seed(from digest: String, purpose: String) -> Int {
        let hash = ContentDigest.sha256("charter-seed:\(purpose):\(digest)")
        let hex = hash.dropFirst("sha256:".count).prefix(13)
        return Int(hex, radix: 16) ?? 0
    }
}
