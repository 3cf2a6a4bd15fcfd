public import CharterCore
import CharterEngine
public import CharterPlan
public import CharterRegistry

/// Why a lifecycle command could not do what it was asked (exit 2 for bad input, 1 for a refusal).
public struct LifecycleFailure: OperationFailure, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, in one line.
    public var message: String
    /// `unreadable` for bad input, `denied` for a refusal.
    public var status: OperationStatus

    public var description: String { message }

    /// A failure with its status.
    public init(_ message: String, _ status: OperationStatus = .unreadable) {
        self.message = message
        self.status = status
    }

    init(_ error: RegistryError) {
        self.init(error.description, error.isUsageError ? .unreadable : .denied)
    }
}

/// A certificate a lifecycle command names, by its id or its file, as the catalogue knows it.
///
/// A file is read and must be the very file the catalogue recorded (its SHA-256): an edited or
/// substituted certificate is refused, never acted on.
public struct LifecycleCertificate: Sendable {
    /// The catalogue's entry.
    public var record: CertificateRecord
    /// The file it was named by, if it was.
    public var path: String?

    /// Resolves `reference`: an existing file is read as a certificate, anything else is an id.
    public init(_ reference: String, registry: any RegistryStore, store: any InputStore) throws(LifecycleFailure) {
        if store.kind(of: reference) == .file {
            guard let bytes = store.contents(of: reference) else {
                throw LifecycleFailure("cannot read the certificate \"\(reference)\"")
            }
            let certificate: Certificate
            do {
                certificate = try CertificateCodec.decode(String(decoding: bytes, as: UTF8.self))
            } catch {
                throw LifecycleFailure("\"\(reference)\" is not a certificate: \(error.message)")
            }
            let record = try Self.record(certificate.id, registry)
            let digest = ContentDigest.sha256(bytes)
            guard digest == record.digest else {
                throw LifecycleFailure(
                    "\"\(reference)\" is not the certificate the catalogue recorded as \(record.id): its digest is \(digest), the catalogue's \(record.digest) (edited or replaced)",
                    .denied)
            }
            self.record = record
            self.path = reference
        } else {
            guard !reference.isEmpty, reference.count <= 200,
                !reference.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            else {
                throw LifecycleFailure(
                    "\"\(Self.escaped(reference))\" is neither a certificate file nor a certificate id")
            }
            record = try Self.record(reference, registry)
            path = nil
        }
    }

    private static func record(_ id: String, _ registry: any RegistryStore) throws(LifecycleFailure)
        -> CertificateRecord
    {
        let found: CertificateRecord?
        do {
            found = try registry.certificate(id)
        } catch {
            throw LifecycleFailure(error)
        }
        guard let found else {
            throw LifecycleFailure("no certificate \"\(escaped(id))\" in the catalogue (nor a file of that name)")
        }
        return found
    }

    /// `text` with control characters escaped, for messages.
    static func escaped(_ text: String) -> String {
        text.unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
        }.joined()
    }
}

/// What the registry recorded when a certificate was published (``LifecycleEvent/Kind/publication``),
/// read back: the plan that certified it, the files and their digests, the source's profile.
public struct Publication: Sendable {
    /// A published file.
    public struct File: Sendable, Equatable {
        public var path: String
        public var sha256: String
    }

    public var plan: Plan
    public var files: [File]
    public var directory: String
    public var sourceDigest: String
    public var sourceProfile: JSONValue
    public var columnTypes: [String: String]

    /// Reads a publication event; refuses one whose plan does not decode or was edited.
    init(_ event: LifecycleEvent) throws(LifecycleFailure) {
        let details = event.details
        guard let planValue = details["plan"], let files = details["files"]?.arrayValue else {
            throw LifecycleFailure("the publication record of \(event.certificate ?? "?") is incomplete", .denied)
        }
        do {
            plan = try Plan(json: planValue)
        } catch {
            throw LifecycleFailure(
                "the recorded plan of \(event.certificate ?? "?") does not decode: \(error)", .denied)
        }
        guard plan.isIntact else {
            throw LifecycleFailure(
                "the recorded plan of \(event.certificate ?? "?") does not match its digest", .denied)
        }
        self.files = files.compactMap { file in
            guard let path = file["path"]?.stringValue, let sha256 = file["sha256"]?.stringValue else { return nil }
            return File(path: path, sha256: sha256)
        }
        directory = details["directory"]?.stringValue ?? ""
        sourceDigest = details["source_sha256"]?.stringValue ?? ""
        sourceProfile = details["source_profile"] ?? .null
        columnTypes = details["column_types"]?.objectValue?.compactMapValues(\.stringValue) ?? [:]
    }

    /// The plan's certify stage.
    var certify: CertifyStage? {
        if case .certify(let stage)? = plan.stage(.certify) { return stage }
        return nil
    }

    /// The revalidation terms the plan certified with.
    var terms: RevalidationTerms {
        RevalidationTerms(
            everyDays: certify?.revalidateEveryDays,
            driftThreshold: certify?.revalidation.map { $0.driftThreshold.approximateDouble }
                ?? RevalidationTerms.defaultDriftThreshold,
            enforce: certify?.revalidation?.enforce ?? false)
    }
}

/// How often and how strictly a certificate is revalidated, as its plan set them.
public struct RevalidationTerms: Sendable, Equatable {
    /// `expiry.revalidate_every`, in days; `nil` when the tier sets none.
    public var everyDays: Int?
    /// The largest drift (KS or TV distance) a column may show.
    public var driftThreshold: Double
    /// Whether an overdue or failed revalidation fails `cert verify` and refuses access.
    public var enforce: Bool

    /// The drift threshold when the policy sets none: 0.1, a tenth of the mass moved.
    public static let defaultDriftThreshold = 0.1
}

extension LifecycleContext {
    /// The publication record, read; `nil` when the run recorded none (certificates issued before
    /// the lifecycle was recorded).
    func readPublication() throws(LifecycleFailure) -> Publication? {
        guard let event = publication else { return nil }
        return try Publication(event)
    }
}

/// Reads what a store holds, turning registry errors into lifecycle failures.
func lifecycleRead<T>(_ body: () throws(RegistryError) -> T) throws(LifecycleFailure) -> T {
    do {
        return try body()
    } catch {
        throw LifecycleFailure(error)
    }
}
