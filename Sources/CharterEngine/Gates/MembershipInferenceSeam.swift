internal import CharterCore
public import CharterData
internal import CharterPrivacy

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

        public init(attack: String, accuracy: Double, auc: Double?) {
            self.attack = attack
            self.accuracy = accuracy
            self.auc = auc
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
        let results = try MembershipInference(seed: seed).measure(
            train: train, holdout: holdout, synthetic: synthetic, schema: schema, repetitions: Int(repetitions))
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
            accuracy: accuracy, auc: auc)
    }
}
