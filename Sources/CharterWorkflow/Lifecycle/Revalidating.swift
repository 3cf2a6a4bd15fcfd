public import CharterCore
import CharterData
public import CharterEngine
public import CharterRegistry
public import CharterStats

/// Where a certificate stands with its revalidations at an instant.
public struct RevalidationStatus: Sendable, Equatable {
    public var terms: RevalidationTerms
    /// The last revalidation that passed, if any.
    public var lastPassed: Timestamp?
    /// Whether the most recent revalidation failed.
    public var latestFailed: Bool
    /// When the next revalidation is due (`nil` when the policy sets no `revalidate_every`).
    public var dueAt: Timestamp?
    /// Whether it is due or past due at the instant.
    public var isOverdue: Bool
    /// Whether the registry recorded the certificate's publication terms at all.
    public var isRecorded: Bool

    /// Whether the certificate is out of standing: overdue, or its latest revalidation failed.
    public var isOutOfStanding: Bool { isOverdue || latestFailed }

    /// Why it is out of standing, in one line; `nil` when it is not.
    public var problem: String? {
        if latestFailed { return "its latest revalidation failed" }
        if isOverdue, let dueAt, let every = terms.everyDays {
            return "revalidation was due at \(dueAt) (every \(every) days) and "
                + (lastPassed.map { "the last passing one was at \($0)" } ?? "none has passed")
        }
        return nil
    }

    /// The status of the certificate `context` describes, at `now`.
    public init(_ context: LifecycleContext, at now: Timestamp) {
        let publication = try? context.readPublication()
        terms =
            publication?.terms
            ?? RevalidationTerms(
                everyDays: nil, driftThreshold: RevalidationTerms.defaultDriftThreshold, enforce: false)
        isRecorded = publication != nil
        let revalidations = context.events.filter { $0.kind == .revalidation }
        lastPassed = revalidations.last { $0.outcome == "passed" }?.at
        latestFailed = revalidations.last?.outcome == "failed"
        if let every = terms.everyDays {
            let due = (lastPassed ?? context.certificate.issuedAt).advanced(by: .seconds(Int64(every) * 86_400))
            dueAt = due
            isOverdue = now >= due
        } else {
            dueAt = nil
            isOverdue = false
        }
    }

    /// The status as JSON.
    public var json: JSONValue {
        [
            "revalidate_every_days": terms.everyDays.map { .integer($0) } ?? .null,
            "drift_threshold": .number(terms.driftThreshold), "enforce": .bool(terms.enforce),
            "last_passed": lastPassed.map { .string($0.description) } ?? .null,
            "latest_failed": .bool(latestFailed), "due_at": dueAt.map { .string($0.description) } ?? .null,
            "overdue": .bool(isOverdue), "recorded": .bool(isRecorded),
        ]
    }
}

/// `charter revalidate`: a certificate's gates measured again against its source as it is today,
/// and the drift between the source profile it was certified on and today's, recorded in the
/// catalogue and the audit chain as passed or failed.
public struct Revalidation: Sendable {
    /// One column that drifted past the threshold, or every column's drift.
    public var drift: [SourceProfile.ColumnDrift]
    /// Every gate check, measured today.
    public var checks: [GateCheck]
    public var terms: RevalidationTerms
    /// Why it was due: `the source changed since certification`, `revalidate_every came due`, or
    /// `requested`.
    public var reasons: [String]
    public var certificateID: String
    public var sourceDigest: String
    public var certifiedSourceDigest: String
    /// The recorded event.
    public var event: LifecycleEvent

    /// Columns whose drift passed the threshold.
    public var driftedColumns: [SourceProfile.ColumnDrift] { drift.filter { $0.distance > terms.driftThreshold } }
    /// Checks that failed today.
    public var failedChecks: [GateCheck] { checks.filter { !$0.passed } }
    /// Whether it passed: every gate and no column past the drift threshold.
    public var passed: Bool { event.outcome == "passed" }

    /// Revalidates the certificate `reference` names (an id or its file) against `sourceBytes`,
    /// records the result and returns it.
    ///
    /// The certified plan, the published files' digests and the source profile come from the
    /// publication record the run wrote; the synthetic file is read from where it was published and
    /// must still have its certified digest.
    /// - Throws: ``LifecycleFailure`` for an unknown certificate, a tampered file, a certificate
    ///   revoked or retired, one with no publication record, a missing or changed synthetic file,
    ///   an unreadable source.
    public static func revalidate(
        _ reference: String, sourceBytes: [UInt8], sourceName: String, registry: any RegistryStore,
        store: any InputStore, actor: String, instant: ActingInstant,
        attack: MembershipInferenceAttack? = MembershipInferenceAttack.available
    ) throws(LifecycleFailure) -> Revalidation {
        let named = try LifecycleCertificate(reference, registry: registry, store: store)
        let id = named.record.id
        let events = try lifecycleRead { () throws(RegistryError) in try registry.lifecycleEvents(certificate: id) }
        let context = LifecycleContext(certificate: named.record, events: events)
        try refuseEnded(context)
        guard let publication = try context.readPublication() else {
            throw LifecycleFailure(
                "certificate \(id) has no publication record (issued before charter recorded one): it cannot be revalidated; re-certify the data",
                .denied)
        }
        let certificate = try publishedCertificate(publication, record: named.record, store: store)
        let synthetic = try publishedSynthetic(publication, certificate: certificate, store: store)
        let spend = certificate.privacy.epsilonSpent.map { (epsilon: $0, delta: certificate.privacy.deltaSpent ?? 0) }
        let measured: PlanRevalidation.Remeasurement
        do {
            measured = try PlanRevalidation.remeasure(
                plan: publication.plan, sourceBytes: sourceBytes, sourceName: sourceName, synthetic: synthetic,
                columnTypes: publication.columnTypes, spend: spend, attack: attack)
        } catch {
            throw LifecycleFailure("\(sourceName): \(error.message)", error.kind == .unreadable ? .unreadable : .denied)
        }
        let terms = publication.terms
        let drift: [SourceProfile.ColumnDrift]
        if let profile = SourceProfile(json: publication.sourceProfile) {
            drift = profile.drift(of: measured.source)
        } else {
            throw LifecycleFailure("the recorded source profile of \(id) does not decode", .denied)
        }
        let status = RevalidationStatus(context, at: instant.timestamp)
        var reasons: [String] = []
        if measured.sourceDigest != publication.sourceDigest {
            reasons.append("the source changed since certification")
        }
        if status.isOverdue { reasons.append("revalidate_every came due") }
        if reasons.isEmpty { reasons.append("requested") }
        let drifted = drift.filter { $0.distance > terms.driftThreshold }
        let failed = measured.checks.filter { !$0.passed }
        let outcome = drifted.isEmpty && failed.isEmpty ? "passed" : "failed"
        let details: JSONValue = [
            "reasons": .array(reasons.map(JSONValue.string)), "source": .string(sourceName),
            "source_sha256": .string(measured.sourceDigest),
            "certified_source_sha256": .string(publication.sourceDigest),
            "rows": .integer(measured.source.rowCount), "drift_threshold": .number(terms.driftThreshold),
            "drift": .array(drift.map(\.json)), "checks": .array(measured.checks.map(\.json)),
        ]
        let summary: JSONValue = [
            "drifted_columns": .array(drifted.map { .string($0.column) }),
            "failed_checks": .array(failed.map { .string($0.check) }),
            "source_changed": .bool(measured.sourceDigest != publication.sourceDigest),
        ]
        let recorded = try lifecycleRead { () throws(RegistryError) in
            try registry.recordLifecycle(certificate: id, actor: actor, at: instant.timestamp) {
                (now) throws(RegistryError) -> LifecycleEntry? in
                // Checked again under the write lock: an incident or retirement may have come first.
                if let revocation = now.certificate.revocation {
                    throw RegistryError.alreadyRevoked(id: id, revocation: revocation)
                }
                if now.retirement != nil { throw RegistryError.invalidCertificate("certificate \"\(id)\" is retired") }
                return LifecycleEntry(kind: .revalidation, outcome: outcome, details: details, summary: summary)
            }
        }
        guard let event = recorded.event else { preconditionFailure("a revalidation always records") }
        return Revalidation(
            drift: drift, checks: measured.checks, terms: terms, reasons: reasons, certificateID: id,
            sourceDigest: measured.sourceDigest, certifiedSourceDigest: publication.sourceDigest, event: event)
    }

    /// Refuses a certificate that was revoked or retired.
    static func refuseEnded(_ context: LifecycleContext) throws(LifecycleFailure) {
        if let revocation = context.certificate.revocation {
            throw LifecycleFailure(
                "certificate \(context.certificate.id) was revoked at \(revocation.at) by \(revocation.actor) (\(revocation.reason)): there is nothing to revalidate",
                .denied)
        }
        if let retired = context.retirement {
            throw LifecycleFailure(
                "certificate \(context.certificate.id) was retired at \(retired.at) by \(retired.actor): there is nothing to revalidate",
                .denied)
        }
    }

    /// The certificate file as published, which must still be the catalogue's.
    static func publishedCertificate(_ publication: Publication, record: CertificateRecord, store: any InputStore)
        throws(LifecycleFailure) -> Certificate
    {
        guard let file = publication.files.first(where: { $0.sha256 == record.digest }) else {
            throw LifecycleFailure("the publication record of \(record.id) lists no certificate file", .denied)
        }
        guard let bytes = store.contents(of: file.path) else {
            throw LifecycleFailure("cannot read the published certificate \"\(file.path)\"", .denied)
        }
        guard ContentDigest.sha256(bytes) == record.digest else {
            throw LifecycleFailure(
                "the published certificate \"\(file.path)\" is not the one the catalogue recorded (edited or replaced)",
                .denied)
        }
        do {
            return try CertificateCodec.decode(String(decoding: bytes, as: UTF8.self))
        } catch {
            throw LifecycleFailure("\"\(file.path)\": \(error.message)", .denied)
        }
    }

    /// The synthetic data as published, which must still have its certified digest.
    static func publishedSynthetic(_ publication: Publication, certificate: Certificate, store: any InputStore)
        throws(LifecycleFailure) -> Table
    {
        let digest = certificate.lineage.synthetic.sha256
        guard let file = publication.files.first(where: { $0.sha256 == digest }) else {
            throw LifecycleFailure("the publication record lists no synthetic file with digest \(digest)", .denied)
        }
        guard let bytes = store.contents(of: file.path) else {
            throw LifecycleFailure(
                "cannot read the published synthetic data \"\(file.path)\": revalidation measures it", .denied)
        }
        guard ContentDigest.sha256(bytes) == digest else {
            throw LifecycleFailure(
                "the published synthetic data \"\(file.path)\" no longer has its certified digest \(digest)", .denied)
        }
        do {
            return try CSVReader().read(bytes: bytes, name: file.path)
        } catch {
            throw LifecycleFailure("\"\(file.path)\": \(error.diagnostic.message)", .denied)
        }
    }

    /// The result as `charter revalidate --format json` prints it.
    public var json: JSONValue {
        [
            "certificate": .string(certificateID), "outcome": .string(event.outcome), "event": .integer(Int(event.id)),
            "at": .string(event.at.description), "reasons": .array(reasons.map(JSONValue.string)),
            "source_sha256": .string(sourceDigest), "certified_source_sha256": .string(certifiedSourceDigest),
            "drift_threshold": .number(terms.driftThreshold), "drift": .array(drift.map(\.json)),
            "drifted_columns": .array(driftedColumns.map { .string($0.column) }),
            "checks": .array(checks.map(\.json)), "failed_checks": .array(failedChecks.map { .string($0.check) }),
        ]
    }

    /// The result in plain text.
    public var text: String {
        var lines = [
            "revalidation of \(certificateID): \(event.outcome.uppercased()) (event \(event.id), \(event.at); \(reasons.joined(separator: ", ")))",
            "  source \(sourceDigest)\(sourceDigest == certifiedSourceDigest ? " (unchanged)" : " (certified \(certifiedSourceDigest))")",
        ]
        lines.append("  drift (threshold \(GateCheck.format(terms.driftThreshold))):")
        for column in drift {
            let flag = column.distance > terms.driftThreshold ? "DRIFTED" : "ok"
            lines.append(
                "    \(column.column): \(column.measure) \(GateCheck.format(column.distance)) \(flag)"
                    + (column.distance > 0 ? column.location.map { " (largest at \($0))" } ?? "" : "")
                    + (column.note.map { " — \($0)" } ?? ""))
        }
        lines.append("  gates:")
        for check in checks {
            lines.append(
                "    \(check.check): \(check.measured.map(GateCheck.format) ?? "not measured") vs \(GateCheck.format(check.threshold)) \(check.passed ? "ok" : "FAILED")"
                    + (check.note.map { " — \($0)" } ?? ""))
        }
        if !driftedColumns.isEmpty {
            lines.append("  drifted: \(driftedColumns.map(\.column).joined(separator: ", "))")
        }
        if !failedChecks.isEmpty {
            lines.append("  failed: \(failedChecks.map(\.check).joined(separator: ", "))")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension SourceProfile.ColumnDrift {
    /// The drift as JSON.
    public var json: JSONValue {
        [
            "column": .string(column), "measure": .string(measure), "distance": .number(distance),
            "location": location.map(JSONValue.string) ?? .null, "note": note.map(JSONValue.string) ?? .null,
        ]
    }
}

extension RevalidationStatus {
    /// Certificates neither revoked nor retired that are past `revalidate_every` without a passing
    /// revalidation, or whose latest revalidation failed, with their status, sorted by id.
    public static func outOfStanding(registry: any RegistryStore, at now: Timestamp) throws(LifecycleFailure)
        -> [(certificate: CertificateRecord, status: RevalidationStatus)]
    {
        let certificates = try lifecycleRead { () throws(RegistryError) in try registry.certificates() }
        let events = try lifecycleRead { () throws(RegistryError) in try registry.lifecycleEvents(certificate: nil) }
        var grouped: [String: [LifecycleEvent]] = [:]
        for event in events { if let id = event.certificate { grouped[id, default: []].append(event) } }
        return certificates.compactMap { certificate in
            guard certificate.revocation == nil, certificate.expiresAt > now else { return nil }
            let context = LifecycleContext(certificate: certificate, events: grouped[certificate.id] ?? [])
            guard context.retirement == nil else { return nil }
            let status = RevalidationStatus(context, at: now)
            return status.isOutOfStanding ? (certificate, status) : nil
        }
        .sorted { $0.certificate.id < $1.certificate.id }
    }
}
