public import CharterCore
public import CharterRegistry

/// `charter access`: a consumer's use of a certificate's data, checked against the certificate's
/// usage — consumers, purpose, audience, issue and expiry, revocation, retirement, revalidation —
/// and recorded in the audit chain whether allowed or refused.
///
/// The check runs inside the registry's write transaction (``RegistryStore/recordLifecycle(certificate:actor:at:_:)``):
/// an incident that revokes the certificate either commits first, and the access is refused, or
/// after, and it finds this access in the log and names the consumer to notify.
public struct AccessDecision: Sendable {
    public var certificateID: String
    /// The consumer, as the certificate names it when it does.
    public var consumer: String
    public var purpose: String
    /// The identity that accessed, canonical (``Identity``).
    public var by: String
    /// Why it was refused; empty when allowed.
    public var reasons: [String]
    /// The recorded event.
    public var event: LifecycleEvent

    public var allowed: Bool { reasons.isEmpty }

    /// The audiences, narrowest first: data certified for an audience may go to it or any narrower one.
    static let audiences = ["internal", "partner", "public"]

    /// Checks and records one access.
    /// - Parameters:
    ///   - reference: the certificate's id or file.
    ///   - audience: the audience the consumer belongs to, when stated: it must be the certificate's
    ///     or a narrower one (`internal` ⊂ `partner` ⊂ `public`).
    /// - Throws: ``LifecycleFailure`` for an unknown certificate, a tampered file, a malformed
    ///   identity, consumer, purpose or audience (bad input is refused unrecorded; a refusal of a
    ///   well-formed request is recorded and returned).
    public static func check(
        _ reference: String, consumer: String, purpose: String, by: String, audience: String? = nil,
        registry: any RegistryStore, store: any InputStore, actor: String, instant: ActingInstant
    ) throws(LifecycleFailure) -> AccessDecision {
        let identity: Identity
        do {
            identity = try Identity(by)
        } catch {
            throw LifecycleFailure("--by \"\(LifecycleCertificate.escaped(by))\": \(error.message)")
        }
        guard !identity.isGroup else {
            throw LifecycleFailure("--by names a group (\(identity)): an access is recorded for one person or service")
        }
        for (value, what) in [(consumer, "consumer"), (purpose, "purpose")] {
            guard !value.isEmpty, value.count <= 200, value.trimmingSpaces == value,
                !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            else {
                throw LifecycleFailure(
                    "--\(what) must be 1 to 200 characters without control characters or surrounding spaces, got \"\(LifecycleCertificate.escaped(value))\""
                )
            }
        }
        if let audience, !audiences.contains(audience) {
            throw LifecycleFailure(
                "--audience must be one of \(audiences.joined(separator: ", ")), got \"\(LifecycleCertificate.escaped(audience))\""
            )
        }
        let named = try LifecycleCertificate(reference, registry: registry, store: store)
        let id = named.record.id
        let now = instant.timestamp
        var reasons: [String] = []
        var matchedConsumer = consumer
        let recorded = try lifecycleRead { () throws(RegistryError) in
            try registry.recordLifecycle(certificate: id, actor: actor, at: now) {
                (context) throws(RegistryError) -> LifecycleEntry? in
                reasons = Self.refusals(
                    context, consumer: consumer, purpose: purpose, audience: audience, at: now,
                    matched: &matchedConsumer)
                var details: [String: JSONValue] = [
                    "consumer": .string(matchedConsumer), "purpose": .string(purpose),
                    "by": .string(identity.canonical), "reasons": .array(reasons.map(JSONValue.string)),
                ]
                if let audience { details["audience"] = .string(audience) }
                let outcome = reasons.isEmpty ? "allowed" : "refused"
                return LifecycleEntry(
                    kind: .access, outcome: outcome, details: .object(details),
                    summary: [
                        "consumer": .string(matchedConsumer), "purpose": .string(purpose),
                        "by": .string(identity.canonical), "reasons": .array(reasons.map(JSONValue.string)),
                    ])
            }
        }
        guard let event = recorded.event else { preconditionFailure("an access is always recorded") }
        return AccessDecision(
            certificateID: id, consumer: matchedConsumer, purpose: purpose, by: identity.canonical, reasons: reasons,
            event: event)
    }

    /// Every reason to refuse, in a fixed order; empty when the access is allowed.
    static func refusals(
        _ context: LifecycleContext, consumer: String, purpose: String, audience: String?, at now: Timestamp,
        matched: inout String
    ) -> [String] {
        let certificate = context.certificate
        var reasons: [String] = []
        if let revocation = certificate.revocation {
            reasons.append(
                "the certificate was revoked at \(revocation.at) by \(revocation.actor): \(revocation.reason)")
        }
        if let retired = context.retirement {
            reasons.append("the certificate was retired at \(retired.at) by \(retired.actor)")
        }
        if now < certificate.issuedAt { reasons.append("the certificate is not issued until \(certificate.issuedAt)") }
        if now >= certificate.expiresAt { reasons.append("the certificate expired at \(certificate.expiresAt)") }
        if let known = certificate.consumers.first(where: { Self.sameConsumer($0, consumer) }) {
            matched = known
        } else {
            reasons.append(
                "consumer \"\(consumer)\" is not one the certificate allows (\(certificate.consumers.joined(separator: ", ")))"
            )
        }
        let publication = try? context.readPublication()
        if let certified = publication?.certify?.purpose {
            if certified != purpose {
                reasons.append("purpose \"\(purpose)\" is not the certified purpose \"\(certified)\"")
            }
        } else {
            reasons.append("the registry recorded no certified purpose for this certificate: access fails closed")
        }
        if let audience, let allowed = audiences.firstIndex(of: certificate.audience),
            let asked = audiences.firstIndex(of: audience), asked > allowed
        {
            reasons.append("audience \"\(audience)\" is wider than the certified \"\(certificate.audience)\"")
        }
        let status = RevalidationStatus(context, at: now)
        if status.terms.enforce, let problem = status.problem {
            reasons.append("the policy enforces revalidation and \(problem)")
        }
        return reasons
    }

    /// Consumers compare as identities when both are (e-mail-like), else case-insensitively after NFKC.
    static func sameConsumer(_ certified: String, _ asked: String) -> Bool {
        if let left = Identity.canonical(certified), let right = Identity.canonical(asked) { return left == right }
        return certified.lowercased() == asked.lowercased()
    }

    /// The decision as JSON.
    public var json: JSONValue {
        [
            "certificate": .string(certificateID), "allowed": .bool(allowed), "consumer": .string(consumer),
            "purpose": .string(purpose), "by": .string(by), "reasons": .array(reasons.map(JSONValue.string)),
            "event": .integer(Int(event.id)), "at": .string(event.at.description),
        ]
    }

    /// The decision in plain text.
    public var text: String {
        if allowed {
            return
                "allowed: \(by) for \(consumer) may use \(certificateID) for \(purpose) (recorded as event \(event.id))\n"
        }
        return
            "refused: \(by) for \(consumer), purpose \(purpose), on \(certificateID) (recorded as event \(event.id))\n"
            + reasons.map { "  - \($0)\n" }.joined()
    }
}

extension String {
    /// The string without leading and trailing white space.
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text = text.dropFirst() }
        while text.last?.isWhitespace == true { text = text.dropLast() }
        return String(text)
    }
}

/// `charter catalog access-log`: the recorded accesses, allowed and refused.
public enum AccessLog {
    /// Every access event (of one certificate, or all), in the order recorded.
    public static func events(certificate: String?, registry: any RegistryStore, store: any InputStore)
        throws(LifecycleFailure) -> [LifecycleEvent]
    {
        let id = try certificate.map { (reference) throws(LifecycleFailure) in
            try LifecycleCertificate(reference, registry: registry, store: store).record.id
        }
        return try lifecycleRead { () throws(RegistryError) in try registry.lifecycleEvents(certificate: id) }
            .filter { $0.kind == .access }
    }

    /// One line per access.
    public static func text(_ events: [LifecycleEvent]) -> String {
        guard !events.isEmpty else { return "no accesses recorded\n" }
        return events.map { event in
            let d = event.details
            let reasons = d["reasons"]?.arrayValue?.compactMap(\.stringValue) ?? []
            return
                "\(event.at)  \(event.outcome.uppercased())  \(event.certificate ?? "?")  consumer \(d["consumer"]?.stringValue ?? "?")  "
                + "purpose \(d["purpose"]?.stringValue ?? "?")  by \(d["by"]?.stringValue ?? "?")"
                + (reasons.isEmpty ? "" : "  (\(reasons.joined(separator: "; ")))") + "\n"
        }.joined()
    }

    /// The events as JSON.
    public static func json(_ events: [LifecycleEvent]) -> JSONValue {
        .array(events.map(\.json))
    }
}

extension LifecycleEvent {
    /// The event as JSON.
    public var json: JSONValue {
        [
            "event": .integer(Int(id)), "kind": .string(kind.rawValue),
            "certificate": certificate.map(JSONValue.string) ?? .null, "outcome": .string(outcome),
            "actor": .string(actor), "at": .string(at.description), "details": details,
        ]
    }
}
