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
        run: @escaping @Sendable (_ train: Table, _ holdout: Table, _ synthetic: Table, _ schema: TableSchema, _ seed: UInt64)
            throws -> Outcome
    ) {
        self.run = run
    }

    /// The attack this build has: CharterPrivacy's distance-based attack (−DCR to the synthetic rows;
    /// Mann–Whitney AUC over every member and non-member; accuracy of a cross-validated threshold on
    /// a balanced sample).
    public static let available: MembershipInferenceAttack? = MembershipInferenceAttack {
        train, holdout, synthetic, schema, seed in
        let result = try MembershipInference(seed: seed).measure(
            train: train, holdout: holdout, synthetic: synthetic, schema: schema)
        return Outcome(
            attack:
                "distance to closest synthetic record (CharterPrivacy MembershipInference, seed \(seed)): "
                + "accuracy \(String(format4: result.accuracy)) [\(String(format4: result.accuracyInterval.lower)), "
                + "\(String(format4: result.accuracyInterval.upper))] on \(result.balancedRecordCount) records",
            accuracy: result.accuracy, auc: result.auc)
    }
}
