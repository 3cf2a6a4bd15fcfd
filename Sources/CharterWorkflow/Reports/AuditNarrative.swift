public import CharterCore
public import CharterRegistry

/// The audit chain told in plain sentences, for people who will not read JSON: who registered a
/// budget, reserved and spent it, published and revoked certificates, and managed the signing
/// keys. Made only from a chain that verifies: a tampered chain is refused, never narrated.
public struct AuditNarrative: Sendable {
    /// One sentence, with the record it tells.
    public struct Sentence: Sendable {
        public var seq: Int64
        public var at: String
        public var text: String
    }

    /// What the narrative is about.
    public enum Scope: Sendable, Equatable {
        case everything
        /// One source: its budget events and the certificates issued from it.
        case source(String)
        /// One certificate: its record and revocation, and, when its plan digest is known (from
        /// the certificate file), the budget events of that plan.
        case certificate(String, plan: String?)
    }

    public let scope: Scope
    public let sentences: [Sentence]
    /// The verified chain's head, which the narrative is as of.
    public let head: (seq: Int64, hash: String)

    /// Why no narrative was told.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var findings: [AuditFinding]
        public var description: String { message }
    }

    /// Verifies `registry`'s chain and tells the records in `scope`.
    public init(registry: any RegistryStore, scope: Scope) throws(Refusal) {
        let verification: AuditVerification
        let records: [AuditRecord]
        do {
            verification = try registry.verifyAudit()
            records = try registry.auditRecords()
        } catch {
            throw Refusal(message: "cannot read the audit chain: \(error)", findings: [])
        }
        guard verification.isIntact else {
            throw Refusal(
                message: "the audit chain does not verify (\(verification.findings.count) findings): nothing is narrated from it",
                findings: verification.findings)
        }
        self.scope = scope
        head = (verification.headSeq, verification.headHash)
        let relevant = Self.select(records, scope: scope)
        sentences = relevant.map { Sentence(seq: $0.seq, at: $0.at, text: Self.sentence(for: $0)) }
    }

    /// The records `scope` covers, in chain order.
    static func select(_ records: [AuditRecord], scope: Scope) -> [AuditRecord] {
        switch scope {
        case .everything: return records
        case .source(let source):
            let certificates = Set(
                records.filter { $0.action == "certificate.record" && $0.detailsValue?["source"]?.stringValue == source }
                    .map(\.subject))
            return records.filter {
                $0.subject == source || certificates.contains($0.subject) || $0.subject == "source:\(source)"
                    || incidentRevokes($0, certificates)
            }
        case .certificate(let id, let plan):
            let events = Set(
                records.filter { $0.action == "budget.reserve" && plan != nil && $0.detailsValue?["run"]?.stringValue == plan }
                    .compactMap { integer($0.detailsValue?["event"]) })
            return records.filter { other in
                other.subject == id || other.subject == "certificate:\(id)" || incidentRevokes(other, [id])
                    || (other.action.hasPrefix("budget.") && integer(other.detailsValue?["event"]).map(events.contains) == true)
            }
        }
    }

    /// Whether `record` is an incident that revoked one of `certificates`.
    static func incidentRevokes(_ record: AuditRecord, _ certificates: Set<String>) -> Bool {
        guard record.action == "lifecycle.incident",
            let revoked = record.detailsValue?["summary"]?["revoked"]?.arrayValue?.compactMap(\.stringValue)
        else { return false }
        return revoked.contains(where: certificates.contains)
    }

    /// A lifecycle record (revalidation, access, incident, retirement, publication) as a sentence.
    static func lifecycleSentence(_ record: AuditRecord) -> String {
        let details = record.detailsValue
        let summary = details?["summary"]
        func list(_ key: String) -> [String] { summary?[key]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        func text(_ key: String) -> String { summary?[key]?.stringValue ?? "?" }
        func count(_ key: String) -> String { summary?[key]?.doubleValue.map { String(Int($0)) } ?? "?" }
        let who = record.actor
        let outcome = details?["outcome"]?.stringValue ?? "?"
        switch record.action {
        case "lifecycle.publication":
            return "\(who) recorded what certificate \(record.subject) was published with: its plan, its "
                + "\(count("files")) files and their digests, and its source's profile."
        case "lifecycle.revalidation":
            var sentence = "\(who) revalidated certificate \(record.subject) against "
                + (summary?["source_changed"] == .bool(true) ? "a changed source" : "its unchanged source")
                + ": it \(outcome)"
            let drifted = list("drifted_columns")
            let failed = list("failed_checks")
            if !drifted.isEmpty { sentence += "; drifted: \(drifted.joined(separator: ", "))" }
            if !failed.isEmpty { sentence += "; failed checks: \(failed.joined(separator: ", "))" }
            return sentence + "."
        case "lifecycle.access":
            let reasons = list("reasons")
            if outcome == "allowed" {
                return "\(text("by")) used certificate \(record.subject)'s data for consumer \(text("consumer")), purpose \(text("purpose")) (allowed)."
            }
            return "\(text("by")) was refused certificate \(record.subject)'s data for consumer \(text("consumer")), purpose \(text("purpose")): "
                + reasons.joined(separator: "; ") + "."
        case "lifecycle.incident":
            let revoked = list("revoked")
            let consumers = list("consumers")
            var sentence = "\(who) responded to an incident on \(text("scope")) (\(text("reason"))): "
                + (revoked.isEmpty ? "no certificate left to revoke" : "revoked \(revoked.joined(separator: ", "))")
            if let key = summary?["revoked_key"]?.stringValue { sentence += "; revoked signing key \(key)" }
            if let key = summary?["activated_key"]?.stringValue { sentence += " and activated \(key)" }
            sentence += consumers.isEmpty ? "; no consumer to notify" : "; consumers to notify: \(consumers.joined(separator: ", "))"
            return sentence + "."
        case "lifecycle.retirement":
            return "\(who) retired certificate \(record.subject): \(count("removed")) published files removed, "
                + "\(count("kept")) kept; the certificate still verifies, as retired."
        default: return "\(who) did \(record.action) on \(record.subject)."
        }
    }

    /// One record as a sentence.
    static func sentence(for record: AuditRecord) -> String {
        let details = record.detailsValue
        func field(_ key: String) -> String { details?[key]?.stringValue ?? details?[key].map { "\($0)" } ?? "?" }
        let event = integer(details?["event"]).map { " (ledger event \($0))" } ?? ""
        let who = record.actor
        switch record.action {
        case "source.register":
            return "\(who) registered source \(record.subject) with a lifetime budget of ε \(field("epsilon_cap")), δ \(field("delta_cap"))."
        case "budget.reserve":
            return "\(who) reserved \(cost(details?["cost"])) of \(record.subject) for plan \(field("run")) — \(field("mechanism"))\(event)."
        case "budget.renew": return "\(who) extended the reservation\(event) until \(field("lease_expires_at"))."
        case "budget.commit": return "\(who) recorded the reservation\(event) as spent: the budget stays spent."
        case "budget.release": return "\(who) gave back the reservation\(event): \(field("reason"))."
        case "budget.lease-expired":
            return "The reservation\(event) was released because its lease ended at \(field("lease_expired_at"))."
        case "certificate.record":
            let consumers = details?["consumers"]?.arrayValue?.compactMap(\.stringValue).joined(separator: ", ") ?? "?"
            return "\(who) published certificate \(record.subject) for source \(field("source")): tier \(field("tier")), "
                + "audience \(field("audience")), consumers \(consumers), valid until \(field("expires_at"))."
        case "certificate.revoke": return "\(who) revoked certificate \(record.subject): \(field("reason"))."
        case "key.activate":
            return "\(who) made \(record.subject) the active signing key (\(field("activation")))"
                + (details?["retires"]?.stringValue.map { ", retiring \($0)" } ?? "") + "."
        case "key.revoke": return "\(who) revoked signing key \(record.subject): \(field("reason"))."
        case _ where record.action.hasPrefix("lifecycle."): return lifecycleSentence(record)
        default: return "\(who) did \(record.action) on \(record.subject)."
        }
    }

    private static func cost(_ value: JSONValue?) -> String {
        guard let value else { return "a cost" }
        if let epsilon = value["epsilon"]?.stringValue, let delta = value["delta"]?.stringValue {
            return "ε \(epsilon), δ \(delta)"
        }
        return "a cost of \(value)"
    }

    /// An audit detail's whole number.
    private static func integer(_ value: JSONValue?) -> Int? {
        if case .integer(let number)? = value { return number }
        return nil
    }

    /// The narrative as Markdown.
    public var markdown: String {
        let title: String
        switch scope {
        case .everything: title = "Audit narrative"
        case .source(let source): title = "Audit narrative: source \(source)"
        case .certificate(let id, _): title = "Audit narrative: certificate \(id)"
        }
        var lines = [
            "# \(title)", "",
            "Told from the registry's audit chain, verified first (head: record \(head.seq), \(head.hash)).", "",
        ]
        if sentences.isEmpty { lines.append("No record concerns it.") }
        lines += sentences.map { "- \($0.at) (#\($0.seq)): \($0.text)" }
        lines += [
            "", "Not in the chain: who requested and who approved (in the request and its signed approvals).",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The narrative as data.
    public var json: JSONValue {
        [
            "head": ["seq": .integer(Int(head.seq)), "hash": .string(head.hash)],
            "sentences": .array(sentences.map { ["seq": .integer(Int($0.seq)), "at": .string($0.at), "text": .string($0.text)] }),
        ]
    }
}
