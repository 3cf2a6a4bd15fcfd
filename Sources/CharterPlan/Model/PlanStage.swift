public import CharterCore

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// One step of a plan, with its concrete parameters.
public enum PlanStage: Sendable, Equatable {
    case verifySource(SourceStage)
    case holdoutSplit(HoldoutStage)
    case generate(GenerateStage)
    case privacyGate(GateStage)
    case utilityGate(GateStage)
    case fairnessGate(GateStage)
    case certify(CertifyStage)
    case publish(PublishStage)

    /// The kinds of stage, in the order a plan lists them.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        case verifySource = "verify-source"
        case holdoutSplit = "holdout-split"
        case generate
        case privacyGate = "privacy-gate"
        case utilityGate = "utility-gate"
        case fairnessGate = "fairness-gate"
        case certify
        case publish
    }

    /// The stage's kind.
    public var kind: Kind {
        switch self {
        case .verifySource: .verifySource
        case .holdoutSplit: .holdoutSplit
        case .generate: .generate
        case .privacyGate: .privacyGate
        case .utilityGate: .utilityGate
        case .fairnessGate: .fairnessGate
        case .certify: .certify
        case .publish: .publish
        }
    }

    /// The checks, when the stage is a gate.
    public var gate: GateStage? {
        switch self {
        case .privacyGate(let gate), .utilityGate(let gate), .fairnessGate(let gate): gate
        default: nil
        }
    }
}

/// `verify-source`: the file the request names must have the declared digest and row count.
public struct SourceStage: Sendable, Equatable {
    /// The ledger's key for the source.
    public var dataset: String
    /// The file, as the request writes it (relative to where `charter` runs).
    public var path: String
    /// The expected `sha256:…` of the file's bytes, when declared or observed.
    public var sha256: String?
    /// The expected number of data rows, when declared.
    public var rows: Int?
    /// `phi`, `pii`, `confidential`, `internal` or `public`.
    public var classification: String
    /// What one row is about.
    public var privacyUnit: String?
    public var quasiIdentifiers: [String]
    public var sensitive: [String]
    public var protected: [String]
    /// The label for TSTR / TRTS.
    public var target: String?
    /// Columns never modelled.
    public var exclude: [String]

    /// Creates the stage.
    public init(
        dataset: String, path: String, sha256: String?, rows: Int?, classification: String, privacyUnit: String?,
        quasiIdentifiers: [String], sensitive: [String], protected: [String], target: String?, exclude: [String]
    ) {
        self.dataset = dataset
        self.path = path
        self.sha256 = sha256
        self.rows = rows
        self.classification = classification
        self.privacyUnit = privacyUnit
        self.quasiIdentifiers = quasiIdentifiers
        self.sensitive = sensitive
        self.protected = protected
        self.target = target
        self.exclude = exclude
    }
}

/// `holdout-split`: real rows set aside, never seen by the generator, for TSTR and the
/// membership-inference and distance checks.
public struct HoldoutStage: Sendable, Equatable {
    /// The share of rows held out.
    public var fraction: Decimal
    /// The seed of the split's permutation.
    public var seed: Int
    /// The column the split is stratified on (the target), if any.
    public var stratify: String?

    /// Creates the stage.
    public init(fraction: Decimal, seed: Int, stratify: String?) {
        self.fraction = fraction
        self.seed = seed
        self.stratify = stratify
    }
}

/// `generate`: the generator and its settings.
public struct GenerateStage: Sendable, Equatable {
    /// `gaussian-copula`, `dp-copula` or `external`.
    public var generator: String
    /// Whether Charter accounts a differential-privacy guarantee for it.
    public var differentiallyPrivate: Bool
    /// The target ε (`nil` for a generator without a guarantee).
    public var epsilon: Decimal?
    /// The target δ.
    public var delta: Decimal?
    /// The seed of the model's own randomness (privacy noise comes from the secure generator).
    public var seed: Int
    /// How many synthetic rows to sample.
    public var rows: Int
    /// The columns whose domains the request declares, in the order written.
    public var declaredColumns: [String]
    /// The command of an `external` generator.
    public var command: [String]?
    /// How the noise is calibrated to (ε, δ): which accountant, and how the budget is split.
    public var calibration: String
    /// Parameters the engine hands to the generator verbatim (`GeneratorSettings.parameters`), such
    /// as dp-copula's `marginal_share`: the plan fixes them, so the budget split is planned.
    public var parameters: [String: JSONValue] = [:]
    /// The budget split the calibration gives, for a generator Charter accounts for.
    public var budgetSplit: BudgetSplit?
    /// The files of an `external` generator's command with their digests (`nil` for any other
    /// generator, or when the tool could not be read; the plan then warns and the engine refuses).
    public var tool: [PinnedToolFile]? = nil
    /// Synthetic draws from the one fitted model that the utility and fidelity measures average
    /// (post-processing: no privacy cost); the first draw is the one published. 1 in a plan written
    /// before draws existed.
    public var draws: Int = 1
    /// Attempts at passing the gates (`gate_rules.regenerate.max_attempts`): each further attempt
    /// is a fresh set of draws from the same fitted model, so no attempt spends budget. 1: none.
    public var attempts: Int = 1

    /// Creates the stage.
    public init(
        generator: String, differentiallyPrivate: Bool, epsilon: Decimal?, delta: Decimal?, seed: Int, rows: Int,
        declaredColumns: [String], command: [String]?, calibration: String, parameters: [String: JSONValue] = [:],
        budgetSplit: BudgetSplit? = nil
    ) {
        self.parameters = parameters
        self.budgetSplit = budgetSplit
        self.generator = generator
        self.differentiallyPrivate = differentiallyPrivate
        self.epsilon = epsilon
        self.delta = delta
        self.seed = seed
        self.rows = rows
        self.declaredColumns = declaredColumns
        self.command = command
        self.calibration = calibration
    }
}

/// How a differentially private generator's (ε, δ) becomes noise: the accountant, the total
/// budget in its own unit, and each mechanism's share of it.
public struct BudgetSplit: Sendable, Equatable {
    /// One mechanism's part.
    public struct Share: Sendable, Equatable {
        /// What the mechanism releases.
        public var mechanism: String
        /// Its fraction of the total.
        public var fraction: Decimal
        /// Its budget, in the accountant's unit (ρ for zCDP), to six significant digits; `nil`
        /// when it depends on the data (the number of modelled columns).
        public var budget: Decimal?

        /// Creates a share.
        public init(mechanism: String, fraction: Decimal, budget: Decimal?) {
            self.mechanism = mechanism
            self.fraction = fraction
            self.budget = budget
        }
    }

    /// The accountant and conversion.
    public var accountant: String
    /// The total budget in the accountant's unit, to six significant digits (the generator
    /// computes the exact value from ε and δ; six digits keep the plan the same on every platform).
    public var total: Decimal
    /// The shares, in the order the mechanisms run.
    public var shares: [Share]

    /// Creates a split.
    public init(accountant: String, total: Decimal, shares: [Share]) {
        self.accountant = accountant
        self.total = total
        self.shares = shares
    }
}

/// A gate: every check must pass, or nothing is published.
public struct GateStage: Sendable, Equatable {
    /// The checks, in policy order.
    public var checks: [PlanCheck]

    /// Creates a gate.
    public init(checks: [PlanCheck]) {
        self.checks = checks
    }
}

/// `certify`: what the signed certificate will say about use.
public struct CertifyStage: Sendable, Equatable {
    /// When the certificate expires.
    public var expiresAt: CalendarDate?
    /// How long before expiry to warn.
    public var warnDays: Int?
    /// How often the data must be revalidated.
    public var revalidateEveryDays: Int?
    /// What the data may be used for.
    public var purpose: String
    /// `internal`, `partner` or `public`.
    public var audience: String
    /// Who may read it.
    public var consumers: [String]
    /// Where it will be used.
    public var jurisdiction: String?
    /// The signature algorithm.
    public var signature: String
    /// The policy's `revalidation` terms; `nil` when it sets none (and then absent from the plan's
    /// JSON, so plans of policies without them keep their digests).
    public var revalidation: Revalidation? = nil

    /// `revalidation: { drift_threshold, enforce }`, as the plan pins it.
    public struct Revalidation: Sendable, Equatable {
        /// The largest per-column drift (KS or TV distance) a revalidation accepts.
        public var driftThreshold: Decimal
        /// Whether an overdue or failed revalidation fails `cert verify` and refuses access.
        public var enforce: Bool

        /// Creates the terms.
        public init(driftThreshold: Decimal, enforce: Bool) {
            self.driftThreshold = driftThreshold
            self.enforce = enforce
        }
    }

    /// Creates the stage.
    public init(
        expiresAt: CalendarDate?, warnDays: Int?, revalidateEveryDays: Int?, purpose: String, audience: String,
        consumers: [String], jurisdiction: String?, signature: String
    ) {
        self.expiresAt = expiresAt
        self.warnDays = warnDays
        self.revalidateEveryDays = revalidateEveryDays
        self.purpose = purpose
        self.audience = audience
        self.consumers = consumers
        self.jurisdiction = jurisdiction
        self.signature = signature
    }
}

/// `publish`: where the outputs go, only once every gate passed.
public struct PublishStage: Sendable, Equatable {
    /// The folder everything is written to.
    public var directory: String
    /// The synthetic CSV.
    public var synthetic: String
    /// The signed certificate.
    public var certificate: String
    /// The machine-readable report.
    public var reportJSON: String
    /// The self-contained HTML report.
    public var reportHTML: String

    /// The folder a request's outputs go under when it names no `output.path`: `out/ID/`.
    public static let defaultRoot = "out"

    /// The stage with the default folder (``defaultRoot``) replaced by `root`: `out/ID/x` becomes
    /// `root/ID/x`, and `out/x` (a request's `output.path` of one component) `root/x`. A stage
    /// outside it (a plan of an older version) is kept; the engine refuses to publish there.
    public func relocated(to root: String) -> PublishStage {
        let prefix = Self.defaultRoot + "/"
        guard directory == Self.defaultRoot || directory.hasPrefix(prefix) else { return self }
        let newPrefix = root.hasSuffix("/") ? root : root + "/"
        func move(_ path: String) -> String {
            path == Self.defaultRoot ? String(newPrefix.dropLast()) : newPrefix + path.dropFirst(prefix.count)
        }
        return PublishStage(
            directory: move(directory), synthetic: move(synthetic), certificate: move(certificate),
            reportJSON: move(reportJSON), reportHTML: move(reportHTML))
    }

    /// Creates the stage.
    public init(directory: String, synthetic: String, certificate: String, reportJSON: String, reportHTML: String) {
        self.directory = directory
        self.synthetic = synthetic
        self.certificate = certificate
        self.reportJSON = reportJSON
        self.reportHTML = reportHTML
    }
}
