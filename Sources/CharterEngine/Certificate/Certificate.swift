public import CharterCore

/// A signed, expiring statement of what a run produced and how it was checked (DESIGN §6).
///
/// The certificate is JSON (`grammar/certificate.schema.json`). Its signature is Ed25519 over the
/// canonical JSON (RFC 8785) of every member except `signature`; the file holds the certificate as
/// ``CertificateCodec/fileText(_:)`` writes it, and the catalogue records the SHA-256 of those bytes.
/// It pins its inputs by digest (source file, plan, policy, request) and the audit chain's head at
/// the moment it was issued, so that none of them can be swapped afterwards.
public struct Certificate: Sendable, Equatable, Codable {
    /// The format version; readers refuse any other.
    public var format: Int
    /// The certificate's id, as the catalogue knows it.
    public var id: String
    /// The request it answers.
    public var request: RequestReference
    /// The policy it was decided under.
    public var policy: PolicyReference
    /// The tier that applied.
    public var tier: String
    /// The digest of the plan that ran.
    public var planDigest: String
    /// Where the data came from and what made it.
    public var lineage: Lineage
    /// Privacy spent and measured.
    public var privacy: PrivacyResults
    /// Utility measured.
    public var utility: UtilityResults
    /// Subgroup gaps, when protected attributes were declared.
    public var fairness: FairnessResults?
    /// Who may use the data, for what.
    public var usage: Usage
    /// Every gate check with its measure and threshold, in the order they ran.
    public var gates: [GateCheck]
    /// When it was issued (RFC 3339, UTC).
    public var issuedAt: String
    /// When it expires (RFC 3339, UTC).
    public var expiresAt: String
    /// The audit chain's last record when the certificate was issued.
    public var auditHead: AuditHead
    /// The Ed25519 signature; `nil` before signing.
    public var signature: Signature?

    /// The format version this build writes and reads.
    public static let currentFormat = 1

    enum CodingKeys: String, CodingKey {
        case format = "charter_certificate"
        case id, request, policy, tier
        case planDigest = "plan_digest"
        case lineage, privacy, utility, fairness, usage, gates
        case issuedAt = "issued_at"
        case expiresAt = "expires_at"
        case auditHead = "audit_head"
        case signature
    }

    /// Creates an unsigned certificate.
    public init(
        id: String, request: RequestReference, policy: PolicyReference, tier: String, planDigest: String,
        lineage: Lineage, privacy: PrivacyResults, utility: UtilityResults, fairness: FairnessResults?, usage: Usage,
        gates: [GateCheck], issuedAt: String, expiresAt: String, auditHead: AuditHead
    ) {
        self.format = Self.currentFormat
        self.id = id
        self.request = request
        self.policy = policy
        self.tier = tier
        self.planDigest = planDigest
        self.lineage = lineage
        self.privacy = privacy
        self.utility = utility
        self.fairness = fairness
        self.usage = usage
        self.gates = gates
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.auditHead = auditHead
        self.signature = nil
    }

    /// The request a certificate answers.
    public struct RequestReference: Sendable, Equatable, Codable {
        public var id: String
        public var ticket: String?
        public var requester: String
        /// `sha256:` of the request file's bytes.
        public var digest: String

        public init(id: String, ticket: String?, requester: String, digest: String) {
            self.id = id
            self.ticket = ticket
            self.requester = requester
            self.digest = digest
        }
    }

    /// The policy a certificate was decided under.
    public struct PolicyReference: Sendable, Equatable, Codable {
        public var name: String
        public var version: String
        /// `sha256:` of the policy set as the plan pinned it.
        public var digest: String

        public init(name: String, version: String, digest: String) {
            self.name = name
            self.version = version
            self.digest = digest
        }
    }

    /// Where the data came from, how it was split and what generated the synthetic rows.
    public struct Lineage: Sendable, Equatable, Codable {
        public var source: SourceFile
        public var split: Split
        public var generator: Generator
        public var synthetic: SyntheticFile

        public init(source: SourceFile, split: Split, generator: Generator, synthetic: SyntheticFile) {
            self.source = source
            self.split = split
            self.generator = generator
            self.synthetic = synthetic
        }
    }

    /// The source file as verified before anything ran.
    public struct SourceFile: Sendable, Equatable, Codable {
        /// The ledger's key for the source's privacy budget.
        public var dataset: String
        public var path: String
        public var sha256: String
        public var rows: Int
        public var classification: String

        public init(dataset: String, path: String, sha256: String, rows: Int, classification: String) {
            self.dataset = dataset
            self.path = path
            self.sha256 = sha256
            self.rows = rows
            self.classification = classification
        }
    }

    /// The seeded holdout split.
    public struct Split: Sendable, Equatable, Codable {
        public var holdoutFraction: Double
        /// The seed, as decimal text: RFC 8785 numbers are doubles, exact only to 2^53.
        public var seed: String
        public var trainRows: Int
        public var holdoutRows: Int

        enum CodingKeys: String, CodingKey {
            case holdoutFraction = "holdout_fraction"
            case seed
            case trainRows = "train_rows"
            case holdoutRows = "holdout_rows"
        }

        public init(holdoutFraction: Double, seed: UInt64, trainRows: Int, holdoutRows: Int) {
            self.holdoutFraction = holdoutFraction
            self.seed = String(seed)
            self.trainRows = trainRows
            self.holdoutRows = holdoutRows
        }
    }

    /// The generator, its version, parameters and seed.
    public struct Generator: Sendable, Equatable, Codable {
        public var name: String
        public var version: String
        /// The seed of the model's own randomness, as decimal text (exact past 2^53).
        public var seed: String
        public var parameters: EmbeddedJSON

        public init(name: String, version: String, seed: UInt64, parameters: JSONValue) {
            self.name = name
            self.version = version
            self.seed = String(seed)
            self.parameters = EmbeddedJSON(CertificateCodec.normalised(parameters))
        }
    }

    /// The synthetic file the certificate covers.
    public struct SyntheticFile: Sendable, Equatable, Codable {
        /// The file name, relative to the output directory.
        public var file: String
        public var sha256: String
        public var rows: Int
        public var columns: [String]
        /// How cells a spreadsheet would execute were neutralised in the file (`CSVWriter.formulaRule`);
        /// absent in certificates written before the rule.
        public var csvSafety: String?

        enum CodingKeys: String, CodingKey {
            case file, sha256, rows, columns
            case csvSafety = "csv_safety"
        }

        public init(file: String, sha256: String, rows: Int, columns: [String], csvSafety: String? = nil) {
            self.file = file
            self.sha256 = sha256
            self.rows = rows
            self.columns = columns
            self.csvSafety = csvSafety
        }
    }

    /// Who may use the data, and for what.
    public struct Usage: Sendable, Equatable, Codable {
        public var purpose: String
        public var audience: String
        public var consumers: [String]

        public init(purpose: String, audience: String, consumers: [String]) {
            self.purpose = purpose
            self.audience = audience
            self.consumers = consumers
        }
    }

    /// The audit chain's head when the certificate was issued: `seq` 0 and the genesis hash for an
    /// empty chain.
    public struct AuditHead: Sendable, Equatable, Codable {
        public var seq: Int64
        public var hash: String

        public init(seq: Int64, hash: String) {
            self.seq = seq
            self.hash = hash
        }
    }

    /// An Ed25519 signature over the canonical JSON of the rest of the certificate.
    public struct Signature: Sendable, Equatable, Codable {
        /// Always `ed25519`.
        public var algorithm: String
        /// `sha256:` of the raw 32-byte public key.
        public var keyID: String
        /// The 64-byte signature, base64.
        public var value: String

        enum CodingKeys: String, CodingKey {
            case algorithm
            case keyID = "key_id"
            case value
        }

        public init(algorithm: String, keyID: String, value: String) {
            self.algorithm = algorithm
            self.keyID = keyID
            self.value = value
        }
    }
}
