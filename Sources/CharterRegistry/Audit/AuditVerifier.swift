import CharterCore

/// The ledger and catalogue as their tables hold them, reduced to what the audit chain pins.
struct RegistrySnapshot: Sendable, Equatable {
    struct Event: Sendable, Equatable {
        var source: String
        var cost: String
        var state: String
    }

    struct Certificate: Sendable, Equatable {
        var source: String
        var digest: String
        var expiresAt: String
        var revokedReason: String?
        var keyID: String?
    }

    struct Key: Sendable, Equatable {
        var publicKey: String
        var status: String
        var activatedAt: String
        var retiredAt: String?
        var revokedAt: String?
        var revokedReason: String?
    }

    /// Source id → `"<epsilon cap> <delta cap>"`.
    var sources: [String: String] = [:]
    var events: [Int64: Event] = [:]
    var certificates: [String: Certificate] = [:]
    /// Fingerprint → the signing key.
    var keys: [String: Key] = [:]

    struct Lifecycle: Sendable, Equatable {
        var kind: String
        var certificate: String?
        var outcome: String
        /// `sha256:` of the stored details text.
        var detailsDigest: String
    }

    /// Lifecycle event id → what its audit record pins.
    var lifecycle: [Int64: Lifecycle] = [:]
}

/// Checks an audit chain: every record's hash, the links between records, the head, and that
/// replaying the chain gives the ledger and catalogue the tables hold.
///
/// The chain check stops at the first broken record and names it, because nothing after a break
/// can be trusted; the replay runs only on an intact chain.
struct AuditVerifier {
    var records: [AuditRecord]
    var headSeq: Int64
    var headHash: String
    var snapshot: RegistrySnapshot

    func verify() -> [AuditFinding] {
        if let broken = firstChainBreak() { return [broken] }
        return replay()
    }

    private func describe(_ record: AuditRecord) -> String {
        "\(record.action) \"\(record.subject)\" at \(record.at)"
    }

    /// The first edited, deleted or reordered record, or a head that disagrees.
    func firstChainBreak() -> AuditFinding? {
        let maxSeq = max(headSeq, records.last?.seq ?? 0)
        // The position a record was written at, found by trying each: O(n) per call, made only once.
        func writtenSeq(_ record: AuditRecord) -> Int64? {
            guard maxSeq >= 1 else { return nil }
            return (1...maxSeq).first { record.computedHash(seq: $0) == record.hash }
        }
        var previousHash = AuditRecord.genesisHash
        var expected: Int64 = 1
        for record in records {
            if record.seq != expected {
                if let moved = records.first(where: { $0.seq != expected && $0.computedHash(seq: expected) == $0.hash })
                {
                    return AuditFinding(
                        .reordered, seq: expected,
                        "audit record \(expected) was moved to position \(moved.seq) (\(describe(moved)))")
                }
                let range = expected == record.seq - 1 ? "\(expected)" : "\(expected) to \(record.seq - 1)"
                return AuditFinding(
                    .deleted, seq: expected,
                    "audit record \(range) deleted: the chain goes from \(expected - 1) to \(record.seq)",
                    notes: ["the record after the gap is \(describe(record))"])
            }
            let computed = record.computedHash(seq: record.seq)
            if computed == record.hash {
                if record.previousHash != previousHash {
                    return AuditFinding(
                        .deleted, seq: record.seq,
                        "audit record \(record.seq) does not follow record \(record.seq - 1): a record before it was deleted and the rest renumbered",
                        notes: ["record \(record.seq) is \(describe(record))"])
                }
            } else if let original = writtenSeq(record), original != record.seq {
                return AuditFinding(
                    .reordered, seq: record.seq,
                    "audit record \(record.seq) is out of order: it was written as record \(original) (\(describe(record)))"
                )
            } else {
                return AuditFinding(
                    .edited, seq: record.seq,
                    "audit record \(record.seq) was edited: its content no longer matches its hash",
                    notes: ["record \(record.seq) reads \(describe(record))", "stored hash \(record.hash)"]
                        + (computed == nil ? ["its details are not canonical JSON"] : []))
            }
            previousHash = record.hash
            expected += 1
        }
        let lastSeq = records.last?.seq ?? 0
        if headSeq > lastSeq {
            let range = headSeq == lastSeq + 1 ? "\(headSeq)" : "\(lastSeq + 1) to \(headSeq)"
            return AuditFinding(
                .deleted, seq: lastSeq + 1,
                "audit record \(range) deleted: the chain head records \(headSeq) records, the log holds \(lastSeq)")
        }
        if headSeq != lastSeq || headHash != previousHash {
            return AuditFinding(
                .headMismatch, seq: lastSeq,
                "the audit chain head (record \(headSeq), \(headHash)) does not match the last record (\(lastSeq), \(previousHash))"
            )
        }
        return nil
    }

    /// Replays the chain into the state it records and compares it with the tables.
    func replay() -> [AuditFinding] {
        var findings: [AuditFinding] = []
        var state = RegistrySnapshot()
        func mismatch(_ record: AuditRecord, _ message: String) {
            findings.append(AuditFinding(.stateMismatch, seq: record.seq, message))
        }
        for record in records {
            guard let details = record.detailsValue else { continue }
            let event = details["event"].flatMap { value -> Int64? in
                if case .integer(let id) = value { return Int64(id) }
                return nil
            }
            switch record.action {
            case AuditAction.registerSource:
                let cap = (details["epsilon_cap"]?.stringValue ?? "") + " " + (details["delta_cap"]?.stringValue ?? "")
                state.sources[record.subject] = cap
            case AuditAction.reserve:
                guard let event, state.events[event] == nil else {
                    mismatch(
                        record,
                        "audit record \(record.seq) reserves ledger event \(event.map(String.init) ?? "?") twice")
                    continue
                }
                let cost = (try? details["cost"]?.canonical()) ?? ""
                state.events[event] = .init(
                    source: record.subject, cost: cost, state: LedgerEvent.State.reserved.rawValue)
            case AuditAction.renew, AuditAction.commit, AuditAction.release, AuditAction.leaseExpired:
                guard let event, let current = state.events[event], current.state == LedgerEvent.State.reserved.rawValue
                else {
                    mismatch(
                        record,
                        "audit record \(record.seq) settles ledger event \(event.map(String.init) ?? "?"), which is not reserved"
                    )
                    continue
                }
                switch record.action {
                case AuditAction.commit: state.events[event]?.state = LedgerEvent.State.committed.rawValue
                case AuditAction.release, AuditAction.leaseExpired:
                    state.events[event]?.state = LedgerEvent.State.released.rawValue
                default: break
                }
            case AuditAction.recordCertificate:
                state.certificates[record.subject] = .init(
                    source: details["source"]?.stringValue ?? "", digest: details["digest"]?.stringValue ?? "",
                    expiresAt: details["expires_at"]?.stringValue ?? "", revokedReason: nil,
                    keyID: details["key_id"]?.stringValue)
            case AuditAction.revokeCertificate:
                guard state.certificates[record.subject]?.revokedReason == nil else {
                    mismatch(record, "audit record \(record.seq) revokes certificate \"\(record.subject)\" twice")
                    continue
                }
                state.certificates[record.subject]?.revokedReason = details["reason"]?.stringValue ?? ""
            case AuditAction.activateSigningKey:
                guard state.keys[record.subject] == nil else {
                    mismatch(record, "audit record \(record.seq) activates signing key \(record.subject) twice")
                    continue
                }
                let active = state.keys.filter { $0.value.status == SigningKeyRecord.Status.active.rawValue }.keys
                    .sorted()
                let retires = details["retires"]?.stringValue
                guard active == (retires.map { [$0] } ?? []) else {
                    mismatch(
                        record,
                        "audit record \(record.seq) activates signing key \(record.subject) retiring \(retires ?? "none"), but the active key was \(active.first ?? "none")"
                    )
                    continue
                }
                if let retires {
                    state.keys[retires]?.status = SigningKeyRecord.Status.retired.rawValue
                    state.keys[retires]?.retiredAt = record.at
                }
                state.keys[record.subject] = .init(
                    publicKey: details["public_key"]?.stringValue ?? "",
                    status: SigningKeyRecord.Status.active.rawValue,
                    activatedAt: details["valid_from"]?.stringValue ?? record.at)
            case AuditAction.revokeSigningKey:
                guard let key = state.keys[record.subject], key.revokedAt == nil else {
                    mismatch(
                        record,
                        "audit record \(record.seq) revokes signing key \(record.subject), which is unknown or revoked")
                    continue
                }
                state.keys[record.subject]?.status = SigningKeyRecord.Status.revoked.rawValue
                state.keys[record.subject]?.revokedAt = record.at
                state.keys[record.subject]?.revokedReason = details["reason"]?.stringValue ?? ""
            case _ where record.action.hasPrefix("lifecycle."):
                guard let event, state.lifecycle[event] == nil,
                    let kind = LifecycleEvent.Kind(rawValue: String(record.action.dropFirst("lifecycle.".count))),
                    details["kind"]?.stringValue == kind.rawValue
                else {
                    mismatch(
                        record,
                        "audit record \(record.seq) records lifecycle event \(event.map(String.init) ?? "?") twice or with no kind"
                    )
                    continue
                }
                state.lifecycle[event] = .init(
                    kind: kind.rawValue, certificate: details["certificate"]?.stringValue,
                    outcome: details["outcome"]?.stringValue ?? "",
                    detailsDigest: details["details_sha256"]?.stringValue ?? "")
            case _ where AuditNote(rawValue: record.action) != nil:
                continue
            default:
                mismatch(record, "audit record \(record.seq) has unknown action \"\(record.action)\"")
            }
        }
        findings += compare(recorded: state)
        return findings
    }

    private func compare(recorded: RegistrySnapshot) -> [AuditFinding] {
        var findings: [AuditFinding] = []
        for id in Set(recorded.sources.keys).union(snapshot.sources.keys).sorted()
        where recorded.sources[id] != snapshot.sources[id] {
            findings.append(
                AuditFinding(
                    .stateMismatch, seq: nil,
                    "source \"\(id)\" has cap \(snapshot.sources[id].map { "\"\($0)\"" } ?? "none") in the ledger but \(recorded.sources[id].map { "\"\($0)\"" } ?? "none") in the audit chain"
                ))
        }
        for id in Set(recorded.events.keys).union(snapshot.events.keys).sorted()
        where recorded.events[id] != snapshot.events[id] {
            func text(_ event: RegistrySnapshot.Event?) -> String {
                event.map { "\($0.state) \($0.cost) on \"\($0.source)\"" } ?? "absent"
            }
            findings.append(
                AuditFinding(
                    .stateMismatch, seq: nil,
                    "ledger event \(id) is \(text(snapshot.events[id])) in the ledger but \(text(recorded.events[id])) in the audit chain"
                ))
        }
        for id in Set(recorded.certificates.keys).union(snapshot.certificates.keys).sorted()
        where recorded.certificates[id] != snapshot.certificates[id] {
            func text(_ certificate: RegistrySnapshot.Certificate?) -> String {
                guard let certificate else { return "absent" }
                return "\(certificate.digest) expiring \(certificate.expiresAt)"
                    + (certificate.keyID.map { " signed by \($0)" } ?? "")
                    + (certificate.revokedReason.map { ", revoked (\($0))" } ?? "")
            }
            findings.append(
                AuditFinding(
                    .stateMismatch, seq: nil,
                    "certificate \"\(id)\" is \(text(snapshot.certificates[id])) in the catalogue but \(text(recorded.certificates[id])) in the audit chain"
                ))
        }
        for fingerprint in Set(recorded.keys.keys).union(snapshot.keys.keys).sorted()
        where recorded.keys[fingerprint] != snapshot.keys[fingerprint] {
            func text(_ key: RegistrySnapshot.Key?) -> String {
                guard let key else { return "absent" }
                return "\(key.status) (public key \(key.publicKey), active from \(key.activatedAt)"
                    + (key.retiredAt.map { " until \($0)" } ?? "")
                    + (key.revokedAt.map { ", revoked at \($0)" } ?? "")
                    + (key.revokedReason.map { ": \($0)" } ?? "") + ")"
            }
            findings.append(
                AuditFinding(
                    .stateMismatch, seq: nil,
                    "signing key \(fingerprint) is \(text(snapshot.keys[fingerprint])) in the registry but \(text(recorded.keys[fingerprint])) in the audit chain"
                ))
        }
        for id in Set(recorded.lifecycle.keys).union(snapshot.lifecycle.keys).sorted()
        where recorded.lifecycle[id] != snapshot.lifecycle[id] {
            func text(_ event: RegistrySnapshot.Lifecycle?) -> String {
                guard let event else { return "absent" }
                return "\(event.kind) \(event.outcome)" + (event.certificate.map { " of \"\($0)\"" } ?? "")
                    + " (details \(event.detailsDigest))"
            }
            findings.append(
                AuditFinding(
                    .stateMismatch, seq: nil,
                    "lifecycle event \(id) is \(text(snapshot.lifecycle[id])) in the registry but \(text(recorded.lifecycle[id])) in the audit chain"
                ))
        }
        return findings
    }
}
