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
    /// The synthetic draws and regeneration attempts behind ``gates``; `nil` when the gates measured
    /// one synthetic table (and in certificates written before draws existed).
    public var gateAttempts: GateAttempts?
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
        case gateAttempts = "gate_attempts"
        case issuedAt = "issued_at"
        case expiresAt = "expires_at"
        case auditHead = "audit_head"
        case signature
    }

    /// Creates an unsigned certificate.
    public init(
        id: String, request: RequestReference, policy: PolicyReference, tier: String, planDigest: String,
        lineage: Lineage, privacy: PrivacyResults, utility: UtilityResults, fairness: FairnessResults?, usage: Usage,
        gates: [GateCheck], gateAttempts: GateAttempts? = nil, issuedAt: String, expiresAt: String,
        auditHead: AuditHead
    ) {
        self.gateAttempts = gateAttempts
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

    /// The synthetic draws the gates measured and every regeneration attempt (issue 21).
    ///
    /// All draws of all attempts are consecutive blocks of rows sampled in one call from the one
    /// fitted model with the generator's seed: attempt `a`'s draws are its `rows` rows from
    /// `first_row`, `rows_per_draw` each, the first of them published when it passes.
    public struct GateAttempts: Sendable, Equatable, Codable {
        /// One attempt at the gates.
        public struct Attempt: Sendable, Equatable, Codable {
            /// 1-based.
            public var attempt: Int
            /// Where its rows begin in the generator's sample (0-based).
            public var firstRow: Int
            /// Its rows: draws × rows per draw.
            public var rows: Int
            /// Whether every check passed.
            public var passed: Bool
            /// The checks that failed, by id.
            public var failed: [String]

            public init(attempt: Int, firstRow: Int, rows: Int, passed: Bool, failed: [String]) {
                self.attempt = attempt
                self.firstRow = firstRow
                self.rows = rows
                self.passed = passed
                self.failed = failed
            }

            enum CodingKeys: String, CodingKey {
                case attempt
                case firstRow = "first_row"
                case rows, passed, failed
            }
        }

        /// Draws averaged per attempt (the first is the one published).
        public var drawsPerAttempt: Int
        /// Rows in each draw.
        public var rowsPerDraw: Int
        /// The attempts the policy allowed (`gate_rules.regenerate.max_attempts`; 1: none).
        public var maxAttempts: Int
        /// The generator's seed: every draw comes from its one sampling stream.
        public var seed: UInt64
        /// Every attempt made, in order; the last is the one the certificate's gates describe.
        public var attempts: [Attempt]
        /// What the privacy guarantee covers and what it does not, in one paragraph.
        public var selection: String?

        public init(
            drawsPerAttempt: Int, rowsPerDraw: Int, maxAttempts: Int, seed: UInt64, attempts: [Attempt],
            selection: String? = nil
        ) {
            self.drawsPerAttempt = drawsPerAttempt
            self.rowsPerDraw = rowsPerDraw
            self.maxAttempts = maxAttempts
            self.seed = seed
            self.attempts = attempts
            self.selection = selection
        }

        enum CodingKeys: String, CodingKey {
            case drawsPerAttempt = "draws_per_attempt"
            case rowsPerDraw = "rows_per_draw"
            case maxAttempts = "max_attempts"
            case seed, attempts, selection
        }

        /// The declaration the certificate makes about choosing among attempts.
        ///
        /// Charter does not account the choice: the gates read the training and holdout rows
        /// without noise, so picking the attempt that passes is a data-dependent selection that
        /// private-selection results (Liu & Talwar 2019; Papernot & Steinke 2022) would cover only
        /// if each score were itself computed with differential privacy. Rather than claim an ε it
        /// has not accounted, the certificate declares the verdict and the choice outside the
        /// guarantee. Every attempt samples the one fitted model, so the ε spent is the one fit's.
        public static func selectionStatement(attempts: Int, differentiallyPrivate: Bool) -> String {
            let guarantee =
                differentiallyPrivate
                ? "The (ε, δ) in privacy covers the one model fit; every draw and attempt is sampled from that fitted model (post-processing, no further budget)."
                : "The generator gives no differential-privacy guarantee."
            let choice =
                attempts > 1
                ? " The gates' verdict, and the choice of the first attempt whose draws passed them, read the training and holdout rows without noise: they lie outside the differential-privacy guarantee and are not accounted (Papernot & Steinke 2022 would need each gate score computed privately)."
                : " The gates' verdict reads the training and holdout rows without noise and lies outside the differential-privacy guarantee."
            return guarantee + choice
        }
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
