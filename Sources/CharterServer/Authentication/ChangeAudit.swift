import CharterCore
import CharterRegistry
import CharterWorkflow
import Logging
import Synchronization

/// Writes what callers asked to change into the registry's audit chain (``AuditNote``): every
/// refused request to change state, with the caller's identity (`anonymous` without a valid
/// token), and the approvals and runs accepted. The changes themselves (a reservation, a
/// revocation) are audited by the registry, with the same caller as actor.
///
/// Refusals cost an unauthenticated caller nothing, so their records are rate-limited: a token
/// bucket admits ``burst`` at once and ``perSecond`` after that; refusals past it are counted and
/// the next record says how many were not written (`suppressed`). With no registry yet there is no
/// chain to write to, and the refusal is only logged.
final class ChangeAudit: Sendable {
    let registry: RegistryLocation
    let logger: Logger
    /// The most refusal records written at once.
    let burst: Double
    /// Refusal records admitted per second once the burst is spent.
    let perSecond: Double
    private let bucket: Mutex<Bucket>

    private struct Bucket {
        var tokens: Double
        var last: ContinuousClock.Instant
        var suppressed = 0
    }

    init(registry: RegistryLocation, logger: Logger, burst: Double = 100, perSecond: Double = 20) {
        self.registry = registry
        self.logger = logger
        self.burst = burst
        self.perSecond = perSecond
        bucket = Mutex(Bucket(tokens: burst, last: .now))
    }

    /// Records that `actor` was refused `operation` on `subject` with `error`.
    func refused(operation: String, subject: String, actor: String, error: APIError, at instant: Timestamp) {
        let admitted: (Bool, Int) = bucket.withLock { bucket in
            let now = ContinuousClock.now
            let elapsed = now - bucket.last
            bucket.last = now
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            bucket.tokens = min(burst, bucket.tokens + seconds * perSecond)
            guard bucket.tokens >= 1 else {
                bucket.suppressed += 1
                return (false, 0)
            }
            bucket.tokens -= 1
            let suppressed = bucket.suppressed
            bucket.suppressed = 0
            return (true, suppressed)
        }
        guard admitted.0 else { return }
        var details: [String: JSONValue] = [
            "operation": .string(operation), "status": .integer(error.status.code), "reason": .string(error.message),
        ]
        details.merge(error.auditDetails) { recorded, _ in recorded }
        if admitted.1 > 0 { details["suppressed"] = .integer(admitted.1) }
        note(.requestRefused, subject: subject, details: .object(details), actor: actor, at: instant)
    }

    /// Appends `note` when the registry exists; a failure is logged, never the caller's answer.
    func note(_ note: AuditNote, subject: String, details: JSONValue, actor: String, at instant: Timestamp) {
        do {
            try registry.openExisting().recordNote(
                note, subject: Self.name(subject), details: details, actor: Self.name(actor), at: instant)
        } catch {
            logger.warning(
                "audit note not written",
                metadata: ["action": "\(note.rawValue)", "subject": "\(Self.name(subject))", "error": "\(error)"])
        }
    }

    /// `text` as a registry name: control characters replaced, spaces trimmed, at most 200
    /// characters, `-` for nothing.
    static func name(_ text: String) -> String {
        let cleaned = String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }
            )
        ).trimmingWhitespace()
        return cleaned.isEmpty ? "-" : String(cleaned.prefix(200))
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while slice.first?.isWhitespace == true { slice = slice.dropFirst() }
        while slice.last?.isWhitespace == true { slice = slice.dropLast() }
        return String(slice)
    }
}
