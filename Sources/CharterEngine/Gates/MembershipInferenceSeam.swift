public import CharterData

/// The membership-inference attack the privacy gate runs: members are the training rows,
/// non-members the holdout rows, and the attacker holds the synthetic rows.
///
/// A seam: CharterPrivacy's attack is wired here where the build has one. Without one, every
/// `membership_inference.*` check fails closed with a note that says so.
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

    /// The attack this build has, if any.
    public static let available: MembershipInferenceAttack? = nil
}
