internal import CharterCore
public import CharterData
internal import CharterPrivacy
public import CharterStats

/// The membership-inference attack the privacy gate runs: members are the training rows,
/// non-members the holdout rows, and the attacker holds the synthetic rows.
///
/// A seam, so that tests can stand in an attack and a build without one fails every
/// `membership_inference.*` check closed, with a note that says so. This build runs CharterPrivacy's
/// ``MembershipInference``.
public struct MembershipInferenceAttack: Sendable {
    /// One attack's outcome.
    public struct Outcome: Sendable, Equatable {
        /// The attack's name and definition, for the certificate.
        public var attack: String
        public var accuracy: Double
        public var auc: Double?
        /// DeLong's variance of ``auc``, when the attack gives one.
        public var aucVariance: Double?
        /// The records each accuracy was measured on, for its Wilson interval; `nil` when unknown.
        public var accuracyRecords: Int?
        /// The attack's ROC curve over every member and non-member, for the report; `nil` when the
        /// attack gives none.
        public var roc: ROCCurve?

        public init(
            attack: String, accuracy: Double, auc: Double?, aucVariance: Double? = nil, accuracyRecords: Int? = nil,
            roc: ROCCurve? = nil
        ) {
            self.attack = attack
            self.accuracy = accuracy
            self.auc = auc
            self.aucVariance = aucVariance
            self.accuracyRecords = accuracyRecords
            self.roc = roc
        }

        /// The accuracy's Wilson interval over one balanced sample's records, centred on the mean
        /// correct count: the repetitions average out the choice of sample, not the holdout's own
        /// sampling error, which the records bound.
        public func accuracyInterval(level: Double) -> Uncertainty? {
            guard let accuracyRecords, accuracyRecords > 0 else { return nil }
            var interval = Uncertainty.wilson(
                successes: min(Double(accuracyRecords), max(0, accuracy * Double(accuracyRecords))),
                trials: accuracyRecords, level: level)
            interval.estimate = accuracy
            interval.method = "Wilson score over \(accuracyRecords) balanced records (mean correct count)"
            return interval
        }

        /// The AUC's DeLong interval, clipped to [0, 1].
        public func aucInterval(level: Double) -> Uncertainty? {
            guard let auc, let aucVariance else { return nil }
            let half = Uncertainty.z(level: level) * max(0, aucVariance).squareRoot()
            return Uncertainty(
                estimate: auc, lower: max(0, auc - half), upper: min(1, auc + half), level: level,
                method: "DeLong (Mann-Whitney over every member and non-member)")
        }
    }

    /// Runs the attack; throws a one-line reason when the tables do not allow it.
    public var run:
        @Sendable (_ train: Table, _ holdout: Table, _ synthetic: Table, _ schema: TableSchema, _ seed: UInt64) throws
            -> Outcome

    public init(
        run:
            @escaping @Sendable (
                _ train: Table, _ holdout: Table, _ synthetic: Table, _ schema: TableSchema, _ seed: UInt64
            )
            throws -> Outcome
    ) {
        self.run = run
    }

    /// How many balanced samples and fold splits the accuracy is averaged over.
    public static let repetitions: UInt64 = 256

    /// The attack this build has: CharterPrivacy's distance-based attack (−DCR to the synthetic rows;
    /// Mann–Whitney AUC over every member and non-member; accuracy of a cross-validated threshold on
    /// a balanced sample). With far more training rows than holdout rows, one balanced sample uses a
    /// fraction of the members and one fold split, so the accuracy is averaged over
    /// ``repetitions`` seeds (seed, seed + 1, …): a Monte Carlo estimate of the attack's expected
    /// accuracy over balanced samples and fold splits, the same attack with less sampling noise in
    /// the gate. A handful of samples is not enough: with the split seed fixed by the request, the
    /// same few member samples are drawn on every run, and their own luck stays in every result.
    /// The distances are measured once, so the repetitions cost little. The AUC uses every record
    /// and does not depend on the seed.
    public static let available: MembershipInferenceAttack? = MembershipInferenceAttack {
        train, holdout, synthetic, schema, seed in
        let attack = MembershipInference(seed: seed)
        let distances = try attack.distances(train: train, holdout: holdout, synthetic: synthetic, schema: schema)
        let results = try attack.measure(distances, repetitions: Int(repetitions))
        let accuracies = results.map(\.accuracy)
        let auc = results.first?.auc
        let records = results.first?.balancedRecordCount ?? 0
        let accuracy = accuracies.reduce(0, +) / Double(accuracies.count)
        let low = accuracies.min() ?? accuracy
        let high = accuracies.max() ?? accuracy
        return Outcome(
            attack:
                "distance to closest synthetic record (CharterPrivacy MembershipInference): accuracy averaged over "
                + "\(repetitions) balanced samples of \(records) records from seed \(seed) "
                + "(range \(DecimalText.fixed(low, places: 4))–\(DecimalText.fixed(high, places: 4)))",
            accuracy: accuracy, auc: auc, aucVariance: results.first?.aucVariance, accuracyRecords: records,
            roc: ROCCurve(positives: distances.members.map { -$0 }, negatives: distances.nonMembers.map { -$0 }))
    }
}
