public import CharterCore

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// A request to generate synthetic data (`kind: generation-request`, DESIGN §5). Every value
/// keeps the place it was written, so that a decision can point at the request node it is about.
public struct GenerationRequest: Sendable, Equatable {
    /// The request's id (`REQ-2026-0142`).
    public var id: Located<String>
    /// The governance ticket it belongs to.
    public var ticket: Located<String>?
    /// Who asks; never an approver of their own request.
    public var requester: Located<String>
    /// What the synthetic data is for; must be one of the policy's purposes.
    public var purpose: Located<String>
    /// `internal`, `partner` or `public`.
    public var audience: Located<String>
    /// The teams or systems that will read the data.
    public var consumers: Located<[Located<String>]>?
    /// Where the synthetic data will be used.
    public var jurisdiction: Located<String>?
    /// Whether this is an EU AI Act Annex III use.
    public var highRiskAI: Located<Bool>?
    /// The source dataset.
    public var source: Source
    /// The generator and its privacy parameters.
    public var generator: Generator
    /// What is produced.
    public var output: Output
    /// When the synthetic data's certificate should expire.
    public var expiresAt: Located<CalendarDate>?
    /// Approvals attached so far, in the order written.
    public var approvals: [Approval]
    /// Where the `approvals` list is written, if it is.
    public var approvalsLocation: SourceLocation?
    /// Where the document starts.
    public var location: SourceLocation

    /// The source dataset of a request.
    public struct Source: Sendable, Equatable {
        /// The ledger's key for the privacy budget.
        public var dataset: Located<String>
        /// Where the data is, relative to the repository.
        public var path: Located<String>
        /// The expected sha256 of the file.
        public var sha256: Located<String>?
        /// The expected number of rows.
        public var rows: Located<Int>?
        /// `phi`, `pii`, `confidential`, `internal` or `public`.
        public var classification: Located<String>
        /// Where the source data lives.
        public var jurisdiction: Located<String>?
        /// What one row is about (`patient`).
        public var privacyUnit: Located<String>?
        public var quasiIdentifiers: Located<[Located<String>]>?
        public var sensitive: Located<[Located<String>]>?
        public var protected: Located<[Located<String>]>?
        /// The label for TSTR / TRTS.
        public var target: Located<String>?
        public var exclude: Located<[Located<String>]>?
        /// Declared column domains, in the order written.
        public var columns: [ColumnDomain]
        public var location: SourceLocation
    }

    /// A declared column domain: bounds for numbers, categories for the rest.
    public struct ColumnDomain: Sendable, Equatable {
        public var name: Located<String>
        /// `numeric`, `integer`, `categorical` or `boolean`.
        public var type: Located<String>?
        public var minimum: Located<Decimal>?
        public var maximum: Located<Decimal>?
        /// Categories written as text.
        public var categories: [Located<String>]?
    }

    /// The generator of a request.
    public struct Generator: Sendable, Equatable {
        /// `gaussian-copula`, `dp-copula` or `external`.
        public var type: Located<String>
        /// The target ε, exact as written.
        public var epsilon: Located<Decimal>?
        /// The target δ, exact as written.
        public var delta: Located<Decimal>?
        public var seed: Located<Int>?
        /// The command of an `external` generator.
        public var command: [Located<String>]?
        public var location: SourceLocation
    }

    /// What a request produces.
    public struct Output: Sendable, Equatable {
        public var rows: Located<Int>
        public var path: Located<String>?
        /// `class_mix`: the share of the synthetic rows each named class of `source.target` must have
        /// (category text → share in (0, 1], shares summing to at most 1), in the order written; the
        /// classes not named share what is left as the model draws them. Empty when not asked.
        public var classMix: [ClassShare] = []
        public var location: SourceLocation

        /// Creates an output section.
        public init(rows: Located<Int>, path: Located<String>?, classMix: [ClassShare] = [], location: SourceLocation) {
            self.rows = rows
            self.path = path
            self.classMix = classMix
            self.location = location
        }
    }

    /// One class of `output.class_mix`.
    public struct ClassShare: Sendable, Equatable {
        /// The class as its CSV text.
        public var category: Located<String>
        /// Its share of the synthetic rows, exact as written.
        public var share: Located<Decimal>
    }

    /// One approval attached to a request.
    public struct Approval: Sendable, Equatable {
        /// The role approved in.
        public var role: Located<String>
        /// Who approved.
        public var by: Located<String>
        /// When.
        public var at: Located<CalendarDate>
        /// The plan digest (`sha256:…`) the approval is bound to.
        public var plan: Located<String>?
        /// The soft-mandatory rule this approval overrides.
        public var override: Located<String>?
        /// The approver's SSH signature (`-----BEGIN SSH SIGNATURE-----` …) over the approval's
        /// statement, when signed.
        public var signature: Located<String>?
        public var location: SourceLocation

        /// An approval with every part given.
        public init(
            role: Located<String>, by: Located<String>, at: Located<CalendarDate>, plan: Located<String>?,
            override: Located<String>?, signature: Located<String>?, location: SourceLocation
        ) {
            self.role = role
            self.by = by
            self.at = at
            self.plan = plan
            self.override = override
            self.signature = signature
            self.location = location
        }
    }
}
