extension Certificate {
    /// Privacy spent (differential privacy) and measured (disclosure metrics) for the release.
    public struct PrivacyResults: Sendable, Equatable, Codable {
        /// Whether the generator gives a differential-privacy guarantee.
        public var differentiallyPrivate: Bool
        /// ε spent; `nil` without a guarantee.
        public var epsilonSpent: Double?
        /// δ spent; `nil` without a guarantee.
        public var deltaSpent: Double?
        /// The accountant and conversion that produced (ε, δ).
        public var accountant: String?
        /// `true` when (ε, δ) is claimed by an external tool, not computed by Charter.
        public var claimedByExternalTool: Bool
        /// k-anonymity over the declared quasi-identifiers, when declared.
        public var kAnonymity: KAnonymityResult?
        /// l-diversity over the first declared sensitive column, when declared.
        public var lDiversity: LDiversityResult?
        /// A membership-inference attack's accuracy and AUC, when one ran.
        public var membershipInference: MembershipInferenceResult?
        /// Distance to closest record (SDMetrics DCROverfittingProtection).
        public var distanceToClosestRecord: DCRResult?
        /// SDMetrics NewRowSynthesis: the share of synthetic rows that copy no training row.
        public var newRowSynthesis: Double?

        enum CodingKeys: String, CodingKey {
            case differentiallyPrivate = "differentially_private"
            case epsilonSpent = "epsilon_spent"
            case deltaSpent = "delta_spent"
            case accountant
            case claimedByExternalTool = "claimed_by_external_tool"
            case kAnonymity = "k_anonymity"
            case lDiversity = "l_diversity"
            case membershipInference = "membership_inference"
            case distanceToClosestRecord = "distance_to_closest_record"
            case newRowSynthesis = "new_row_synthesis"
        }

        public init(
            differentiallyPrivate: Bool, epsilonSpent: Double?, deltaSpent: Double?, accountant: String?,
            claimedByExternalTool: Bool, kAnonymity: KAnonymityResult?, lDiversity: LDiversityResult?,
            membershipInference: MembershipInferenceResult?, distanceToClosestRecord: DCRResult?,
            newRowSynthesis: Double?
        ) {
            self.differentiallyPrivate = differentiallyPrivate
            self.epsilonSpent = epsilonSpent
            self.deltaSpent = deltaSpent
            self.accountant = accountant
            self.claimedByExternalTool = claimedByExternalTool
            self.kAnonymity = kAnonymity
            self.lDiversity = lDiversity
            self.membershipInference = membershipInference
            self.distanceToClosestRecord = distanceToClosestRecord
            self.newRowSynthesis = newRowSynthesis
        }
    }

    /// k-anonymity of the release over the declared quasi-identifiers.
    public struct KAnonymityResult: Sendable, Equatable, Codable {
        public var quasiIdentifiers: [String]
        /// The gate's measure: the smallest training class (over the quasi-identifiers) that a
        /// synthetic row falls into; `nil` when no synthetic row shares a training row's values.
        public var k: Int?
        /// The smallest class of the training table.
        public var kTrain: Int
        /// The smallest class of the synthetic table.
        public var kSynthetic: Int
        /// Synthetic rows whose quasi-identifiers are those of a training class smaller than `k_min`.
        public var syntheticRowsInSmallTrainClasses: Int
        /// The threshold those classes are measured against.
        public var smallClassThreshold: Int

        enum CodingKeys: String, CodingKey {
            case quasiIdentifiers = "quasi_identifiers"
            case k
            case kTrain = "k_train"
            case kSynthetic = "k_synthetic"
            case syntheticRowsInSmallTrainClasses = "synthetic_rows_in_small_train_classes"
            case smallClassThreshold = "small_class_threshold"
        }

        public init(
            quasiIdentifiers: [String], k: Int?, kTrain: Int, kSynthetic: Int, syntheticRowsInSmallTrainClasses: Int,
            smallClassThreshold: Int
        ) {
            self.quasiIdentifiers = quasiIdentifiers
            self.k = k
            self.kTrain = kTrain
            self.kSynthetic = kSynthetic
            self.syntheticRowsInSmallTrainClasses = syntheticRowsInSmallTrainClasses
            self.smallClassThreshold = smallClassThreshold
        }
    }

    /// l-diversity of the synthetic release over one sensitive column.
    public struct LDiversityResult: Sendable, Equatable, Codable {
        public var sensitive: String
        /// The smallest number of distinct sensitive values in a synthetic equivalence class.
        public var distinctL: Int
        /// The smallest exp(entropy) of the sensitive values in a synthetic class.
        public var entropyL: Double

        enum CodingKeys: String, CodingKey {
            case sensitive
            case distinctL = "distinct_l"
            case entropyL = "entropy_l"
        }

        public init(sensitive: String, distinctL: Int, entropyL: Double) {
            self.sensitive = sensitive
            self.distinctL = distinctL
            self.entropyL = entropyL
        }
    }

    /// A membership-inference attack's success.
    public struct MembershipInferenceResult: Sendable, Equatable, Codable {
        /// The attack that ran.
        public var attack: String
        public var accuracy: Double
        public var auc: Double?

        public init(attack: String, accuracy: Double, auc: Double?) {
            self.attack = attack
            self.accuracy = accuracy
            self.auc = auc
        }
    }

    /// Distance to closest record, as SDMetrics 0.32's DCROverfittingProtection defines it, averaged
    /// over disjoint seeded samples of the training rows as large as the holdout.
    public struct DCRResult: Sendable, Equatable, Codable {
        /// `min(1, 2 × (1 − share closer to train))`: 1 means no overfitting.
        public var overfittingProtection: Double
        /// The share of synthetic rows closer to a training row than to any holdout row.
        public var closerToTraining: Double
        /// The median synthetic-to-training DCR.
        public var medianToTraining: Double
        /// The median synthetic-to-holdout DCR.
        public var medianToHoldout: Double

        enum CodingKeys: String, CodingKey {
            case overfittingProtection = "overfitting_protection"
            case closerToTraining = "closer_to_training"
            case medianToTraining = "median_to_training"
            case medianToHoldout = "median_to_holdout"
        }

        public init(
            overfittingProtection: Double, closerToTraining: Double, medianToTraining: Double, medianToHoldout: Double
        ) {
            self.overfittingProtection = overfittingProtection
            self.closerToTraining = closerToTraining
            self.medianToTraining = medianToTraining
            self.medianToHoldout = medianToHoldout
        }
    }

    /// Fidelity and utility measured on the synthetic rows.
    public struct UtilityResults: Sendable, Equatable, Codable {
        /// SDMetrics column shape per column (KSComplement / TVComplement).
        public var columns: [ColumnScore]
        /// SDMetrics column pair trends per pair.
        public var pairs: [PairScore]
        /// SDMetrics quality scores.
        public var quality: Quality
        /// TSTR / TRTS under the pinned protocol, when a target was declared.
        public var tstr: TSTRResult?

        public init(columns: [ColumnScore], pairs: [PairScore], quality: Quality, tstr: TSTRResult?) {
            self.columns = columns
            self.pairs = pairs
            self.quality = quality
            self.tstr = tstr
        }
    }

    /// One column's shape score.
    public struct ColumnScore: Sendable, Equatable, Codable {
        public var column: String
        public var metric: String
        public var score: Double?

        public init(column: String, metric: String, score: Double?) {
            self.column = column
            self.metric = metric
            self.score = score
        }
    }

    /// One pair's trend score.
    public struct PairScore: Sendable, Equatable, Codable {
        public var column1: String
        public var column2: String
        public var metric: String
        public var score: Double?

        enum CodingKeys: String, CodingKey {
            case column1 = "column_1"
            case column2 = "column_2"
            case metric, score
        }

        public init(column1: String, column2: String, metric: String, score: Double?) {
            self.column1 = column1
            self.column2 = column2
            self.metric = metric
            self.score = score
        }
    }

    /// SDMetrics 0.32 quality scores (pairs without thresholds).
    public struct Quality: Sendable, Equatable, Codable {
        public var columnShapes: Double?
        public var columnPairTrends: Double?
        public var overall: Double?

        enum CodingKeys: String, CodingKey {
            case columnShapes = "column_shapes"
            case columnPairTrends = "column_pair_trends"
            case overall
        }

        public init(columnShapes: Double?, columnPairTrends: Double?, overall: Double?) {
            self.columnShapes = columnShapes
            self.columnPairTrends = columnPairTrends
            self.overall = overall
        }
    }

    /// TSTR / TRTS AUCs under the pinned protocol.
    public struct TSTRResult: Sendable, Equatable, Codable {
        public var target: String
        public var positiveLabel: String
        public var metric: String
        /// AUC of a model trained on real training rows, tested on the holdout.
        public var aucTRTR: Double?
        /// AUC of a model trained on synthetic rows, tested on the holdout.
        public var aucTSTR: Double?
        /// AUC of a model trained on real training rows, tested on synthetic rows.
        public var aucTRTS: Double?
        /// TSTR ÷ TRTR.
        public var ratio: Double?

        enum CodingKeys: String, CodingKey {
            case target
            case positiveLabel = "positive_label"
            case metric
            case aucTRTR = "auc_trtr"
            case aucTSTR = "auc_tstr"
            case aucTRTS = "auc_trts"
            case ratio
        }

        public init(
            target: String, positiveLabel: String, metric: String, aucTRTR: Double?, aucTSTR: Double?,
            aucTRTS: Double?, ratio: Double?
        ) {
            self.target = target
            self.positiveLabel = positiveLabel
            self.metric = metric
            self.aucTRTR = aucTRTR
            self.aucTSTR = aucTSTR
            self.aucTRTS = aucTRTS
            self.ratio = ratio
        }
    }

    /// Subgroup gaps of the TSTR metric over a protected attribute.
    public struct FairnessResults: Sendable, Equatable, Codable {
        public var protected: String
        /// The largest difference in TSTR AUC between subgroups.
        public var tstrGap: Double?
        /// The largest difference in the TSTR ratio between subgroups.
        public var ratioGap: Double?
        /// Each subgroup's TSTR AUC.
        public var subgroups: [Subgroup]

        enum CodingKeys: String, CodingKey {
            case protected
            case tstrGap = "tstr_gap"
            case ratioGap = "ratio_gap"
            case subgroups
        }

        public init(protected: String, tstrGap: Double?, ratioGap: Double?, subgroups: [Subgroup]) {
            self.protected = protected
            self.tstrGap = tstrGap
            self.ratioGap = ratioGap
            self.subgroups = subgroups
        }

        /// One subgroup's scores.
        public struct Subgroup: Sendable, Equatable, Codable {
            public var value: String
            public var aucTSTR: Double?
            public var ratio: Double?

            enum CodingKeys: String, CodingKey {
                case value
                case aucTSTR = "auc_tstr"
                case ratio
            }

            public init(value: String, aucTSTR: Double?, ratio: Double?) {
                self.value = value
                self.aucTSTR = aucTSTR
                self.ratio = ratio
            }
        }
    }
}
