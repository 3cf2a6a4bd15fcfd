public import CharterCore
public import CharterStats

/// What a run measured and decided, for `report.json` and `report.html`: the document a privacy
/// officer reads before a release, and after a refused one.
///
/// Built from the same numbers as the certificate (``ReportBuilder``), and for a gate failure too,
/// when there is no certificate. Sections a run could not measure are empty or `nil`, and the page
/// says so rather than leaving them out.
public struct RunReport: Sendable {
    /// How the run ended.
    public enum Outcome: String, Sendable {
        /// Every gate passed; the data, certificate and reports were published.
        case published
        /// A gate failed; nothing was published.
        case gateFailed = "gate-failed"
    }

    public var requestID: String
    public var planDigest: String
    public var outcome: Outcome
    /// Every gate check, in the order the gates ran.
    public var gates: [GateCheck]
    /// Real vs synthetic marginals, one per modelled column.
    public var marginals: [Marginal]
    /// The columns of the correlation matrices.
    public var correlationColumns: [String]
    /// Pearson correlations of the real training rows (`nil` where undefined).
    public var realCorrelations: [[Double?]]
    /// Pearson correlations of the synthetic rows.
    public var syntheticCorrelations: [[Double?]]
    /// Things a person should know (generator warnings, budget spent on a failed run).
    public var warnings: [String]
    /// Every metric computed, as `charter evaluate --format json` names them.
    public var evaluation: JSONValue
    /// The certificate's id, when one was issued.
    public var certificateID: String?

    /// Who asked, under which policy, for whom, and who approved.
    public var context = Context()
    /// The source's privacy budget around this run.
    public var budget: Budget?
    /// What the generator spent, mechanism by mechanism; `nil` without a differential-privacy
    /// guarantee.
    public var spend: Spend?
    /// Where the data came from and what made it.
    public var lineage = Lineage()
    /// The privacy measures, as the certificate carries them.
    public var privacy: Certificate.PrivacyResults?
    /// The equivalence classes over the quasi-identifiers, training and synthetic.
    public var kAnonymityClasses: KAnonymityClasses?
    /// Distances from each synthetic row to its closest training and holdout row.
    public var distances: DistanceHistogram?
    /// The membership-inference attack's ROC curve.
    public var membershipROC: ROCCurve?
    /// The attack accuracy's interval, at 95%.
    public var membershipAccuracyInterval: Uncertainty?
    /// The attack AUC's interval, at 95%.
    public var membershipAUCInterval: Uncertainty?
    /// Attribute inference on each sensitive column (or the target), knowing the quasi-identifiers.
    public var attributeInference: [AttributeInferenceSummary] = []
    /// Why a privacy measure is missing, by measure (`membership inference`: the reason).
    public var privacyNotes: [(measure: String, note: String)] = []
    /// The utility measures, as the certificate carries them.
    public var utility: Certificate.UtilityResults?
    /// How TSTR and TRTS were measured: model, split, seed, target; empty without a target.
    public var tstrProtocol: [(label: String, value: String)] = []
    /// Subgroup scores per protected attribute.
    public var fairness: [Certificate.FairnessResults] = []

    /// A report with the gates and plots; the other sections start empty.
    public init(
        requestID: String, planDigest: String, outcome: Outcome, gates: [GateCheck], marginals: [Marginal],
        correlationColumns: [String], realCorrelations: [[Double?]], syntheticCorrelations: [[Double?]],
        warnings: [String], evaluation: JSONValue, certificateID: String?
    ) {
        self.requestID = requestID
        self.planDigest = planDigest
        self.outcome = outcome
        self.gates = gates
        self.marginals = marginals
        self.correlationColumns = correlationColumns
        self.realCorrelations = realCorrelations
        self.syntheticCorrelations = syntheticCorrelations
        self.warnings = warnings
        self.evaluation = evaluation
        self.certificateID = certificateID
    }

    /// The failed checks.
    public var failedGates: [GateCheck] { gates.filter { !$0.passed } }
}

extension RunReport {
    /// The request, the policy, the intended use and the approvals.
    public struct Context: Sendable, Equatable {
        public var ticket: String?
        public var requester = ""
        /// `sha256:` of the request without its approvals, as the plan pins it.
        public var requestDigest = ""
        public var policyName = ""
        public var policyVersion = ""
        /// The policy set's digest, as the plan pins it.
        public var policyDigest = ""
        public var tier = ""
        public var purpose = ""
        public var audience = ""
        public var consumers: [String] = []
        /// When the certificate was issued (RFC 3339); `nil` without one.
        public var issuedAt: String?
        /// When the certificate expires, or the request's expiry date without one.
        public var expiresAt: String?
        /// The approvals attached to the request.
        public var approvals: [Approval] = []
        /// The source's ledger state the plan was made against.
        public var ledgerDigest = ""

        public init() {}
    }

    /// One approval of the request.
    public struct Approval: Sendable, Equatable {
        public var role: String
        public var by: String
        /// The day it was given.
        public var at: String
        /// Whether it counted for this plan; `false` with ``reason`` when it did not.
        public var counted: Bool
        public var reason: String?
        /// Whether the request carries an SSH signature over it.
        public var signed: Bool

        public init(role: String, by: String, at: String, counted: Bool, reason: String?, signed: Bool) {
            self.role = role
            self.by = by
            self.at = at
            self.counted = counted
            self.reason = reason
            self.signed = signed
        }
    }

    /// The source's lifetime budget before and after this run (exact decimals as text, and as
    /// doubles for drawing).
    public struct Budget: Sendable, Equatable {
        /// The ledger's key.
        public var source: String
        /// `registry`, `policy` or `none`.
        public var capSource: String
        public var capEpsilon: String?
        public var capDelta: String?
        /// Spent or held before this run.
        public var spentEpsilonBefore: String?
        public var spentDeltaBefore: String
        /// This run's reservation.
        public var runEpsilon: String?
        public var runDelta: String?

        public init(
            source: String, capSource: String, capEpsilon: String?, capDelta: String?, spentEpsilonBefore: String?,
            spentDeltaBefore: String, runEpsilon: String?, runDelta: String?
        ) {
            self.source = source
            self.capSource = capSource
            self.capEpsilon = capEpsilon
            self.capDelta = capDelta
            self.spentEpsilonBefore = spentEpsilonBefore
            self.spentDeltaBefore = spentDeltaBefore
            self.runEpsilon = runEpsilon
            self.runDelta = runDelta
        }
    }

    /// What the generator spent.
    public struct Spend: Sendable, Equatable {
        public var epsilon: Double
        public var delta: Double
        public var accountant: String
        public var claimedByExternalTool: Bool
        public var mechanisms: [Mechanism]

        public init(
            epsilon: Double, delta: Double, accountant: String, claimedByExternalTool: Bool, mechanisms: [Mechanism]
        ) {
            self.epsilon = epsilon
            self.delta = delta
            self.accountant = accountant
            self.claimedByExternalTool = claimedByExternalTool
            self.mechanisms = mechanisms
        }
    }

    /// One mechanism that touched the data.
    public struct Mechanism: Sendable, Equatable {
        /// `noisy-histogram`, `gaussian-vector`, `dp-sgd`, …
        public var name: String
        /// What it protected, in words; `nil` when the generator did not say.
        public var subject: String?
        /// `zcdp`, `pure` or `approximate`.
        public var guaranteeKind: String
        /// ρ (zCDP) or ε (pure, approximate).
        public var guaranteeValue: Double
        /// δ of an approximate guarantee.
        public var guaranteeDelta: Double?
        /// Its part of the run's total in the guarantee's own unit (ρ adds under zCDP, ε under pure
        /// composition); `nil` when the mechanisms' units differ.
        public var share: Double?
        public var sensitivity: Double
        /// The noise, in a few words (`discrete-gaussian σ² = 1234/5 on 21 bins`).
        public var noise: String
        public var randomness: String
        public var implementation: String
        /// The mechanism's record as the ledger keeps it (canonical JSON).
        public var record: JSONValue

        public init(
            name: String, subject: String?, guaranteeKind: String, guaranteeValue: Double, guaranteeDelta: Double?,
            share: Double?, sensitivity: Double, noise: String, randomness: String, implementation: String,
            record: JSONValue
        ) {
            self.name = name
            self.subject = subject
            self.guaranteeKind = guaranteeKind
            self.guaranteeValue = guaranteeValue
            self.guaranteeDelta = guaranteeDelta
            self.share = share
            self.sensitivity = sensitivity
            self.noise = noise
            self.randomness = randomness
            self.implementation = implementation
            self.record = record
        }
    }

    /// The source, the split, the generator and the synthetic table.
    public struct Lineage: Sendable, Equatable {
        public var dataset = ""
        public var sourcePath = ""
        public var sourceDigest = ""
        public var sourceRows = 0
        public var classification = ""
        public var excludedColumns: [String] = []
        public var quasiIdentifiers: [String] = []
        public var sensitive: [String] = []
        public var protected: [String] = []
        public var target: String?
        public var holdoutFraction = ""
        public var splitSeed = ""
        public var trainRows = 0
        public var holdoutRows = 0
        public var generator = ""
        public var generatorVersion = ""
        public var generatorSeed = ""
        /// The generator's parameters as it reported them (no data values).
        public var parameters: JSONValue = .object([:])
        public var syntheticRows = 0
        public var syntheticColumns: [String] = []
        /// The published file and its digest; `nil` for a run that published nothing.
        public var syntheticFile: String?
        public var syntheticDigest: String?

        public init() {}
    }

    /// Equivalence classes over the quasi-identifiers.
    public struct KAnonymityClasses: Sendable, Equatable {
        /// One table's classes.
        public struct Table: Sendable, Equatable {
            public var rows: Int
            public var classes: Int
            /// The smallest class.
            public var k: Int
            public var singletons: Int
            public var classesBelowThreshold: Int
            public var rowsInClassesBelowThreshold: Int

            public init(
                rows: Int, classes: Int, k: Int, singletons: Int, classesBelowThreshold: Int,
                rowsInClassesBelowThreshold: Int
            ) {
                self.rows = rows
                self.classes = classes
                self.k = k
                self.singletons = singletons
                self.classesBelowThreshold = classesBelowThreshold
                self.rowsInClassesBelowThreshold = rowsInClassesBelowThreshold
            }
        }

        public var quasiIdentifiers: [String]
        /// The class size the policy's `k_min` asks for.
        public var threshold: Int
        public var train: Table
        public var synthetic: Table
        /// Synthetic rows that fall into a training class smaller than ``threshold``.
        public var syntheticRowsInSmallTrainClasses: Int
        /// Synthetic rows that fall into a training class of one person.
        public var syntheticRowsInTrainSingletons: Int
        /// Synthetic rows whose quasi-identifiers match no training row.
        public var syntheticRowsAbsentFromTrain: Int

        public init(
            quasiIdentifiers: [String], threshold: Int, train: Table, synthetic: Table,
            syntheticRowsInSmallTrainClasses: Int, syntheticRowsInTrainSingletons: Int,
            syntheticRowsAbsentFromTrain: Int
        ) {
            self.quasiIdentifiers = quasiIdentifiers
            self.threshold = threshold
            self.train = train
            self.synthetic = synthetic
            self.syntheticRowsInSmallTrainClasses = syntheticRowsInSmallTrainClasses
            self.syntheticRowsInTrainSingletons = syntheticRowsInTrainSingletons
            self.syntheticRowsAbsentFromTrain = syntheticRowsAbsentFromTrain
        }
    }

    /// The distribution of distances from each synthetic row to its closest training row (one sample
    /// as large as the holdout) and to its closest holdout row, on shared bins: if the generator
    /// copied its training rows, the training curve sits left of the holdout curve.
    public struct DistanceHistogram: Sendable, Equatable {
        /// Bin edges, one more than the counts.
        public var edges: [Double]
        public var toTraining: [Int]
        public var toHoldout: [Int]
        /// Distances beyond the last edge (the 99th percentile), counted in the last bin.
        public var clippedAt: Double

        public init(edges: [Double], toTraining: [Int], toHoldout: [Int], clippedAt: Double) {
            self.edges = edges
            self.toTraining = toTraining
            self.toHoldout = toHoldout
            self.clippedAt = clippedAt
        }

        /// Shared bins over both lists: `bins` equal widths from 0 to the 99th percentile of all the
        /// distances, larger ones counted in the last bin. `nil` when both are empty.
        public init?(toTraining train: [Double], toHoldout holdout: [Double], bins: Int = 24) {
            let all = (train + holdout).filter(\.isFinite).sorted()
            guard !all.isEmpty, bins > 0 else { return nil }
            let percentile = all[Int(Double(all.count - 1) * 0.99)]
            let largest = all[all.count - 1]
            let top = percentile > 0 ? percentile : (largest > 0 ? largest : 1)
            let width = top / Double(bins)
            func counts(_ values: [Double]) -> [Int] {
                var result = [Int](repeating: 0, count: bins)
                for value in values where value.isFinite {
                    result[min(bins - 1, max(0, Int(value / width)))] += 1
                }
                return result
            }
            self.init(
                edges: (0...bins).map { Double($0) * width }, toTraining: counts(train), toHoldout: counts(holdout),
                clippedAt: top)
        }
    }

    /// The attribute-inference attack on one secret column.
    public struct AttributeInferenceSummary: Sendable, Equatable {
        public var secret: String
        public var auxiliaryColumns: [String]
        /// Success on training targets, control (holdout) targets, and by a random guess.
        public var attackRate: Double
        public var controlRate: Double
        public var baselineRate: Double
        public var targets: Int
        /// (attack − control)/(1 − control), clipped to [0, 1], with its interval.
        public var risk: Double
        public var riskLower: Double
        public var riskUpper: Double
        public var level: Double

        public init(
            secret: String, auxiliaryColumns: [String], attackRate: Double, controlRate: Double, baselineRate: Double,
            targets: Int, risk: Double, riskLower: Double, riskUpper: Double, level: Double
        ) {
            self.secret = secret
            self.auxiliaryColumns = auxiliaryColumns
            self.attackRate = attackRate
            self.controlRate = controlRate
            self.baselineRate = baselineRate
            self.targets = targets
            self.risk = risk
            self.riskLower = riskLower
            self.riskUpper = riskUpper
            self.level = level
        }
    }
}
