/// What the distance-based membership-inference attack of ``MembershipInference`` achieved: how well
/// a record's distance to the closest synthetic record tells a training record (member) from a
/// holdout record (non-member). 0.5 (AUC and accuracy) is an attacker who learns nothing.
///
/// A plain value, ready for a certificate: every field is a number, a count or a column name.
public struct MembershipInferenceResult: Sendable, Equatable, Hashable, Codable {
    /// P(d_member < d_non-member) + ½·P(tie) over every train × holdout pair: the Mann–Whitney AUC of
    /// the score −distance, computed on all train and holdout records (the AUC does not depend on
    /// the class sizes, so no subsampling is needed).
    public var auc: Double
    /// DeLong's interval for ``auc`` (normal approximation with DeLong's variance, clipped to [0, 1]).
    public var aucInterval: ConfidenceInterval
    /// DeLong's variance of ``auc``, for intervals at another level.
    public var aucVariance: Double
    /// Accuracy of the threshold attack "member iff distance ≤ t" on a balanced sample, with t chosen
    /// by two-fold cross-validation: the best threshold of one half is scored on the other half and
    /// the other way round, so no record is judged by a threshold fitted on it.
    public var accuracy: Double
    /// The Wilson score interval for ``accuracy`` over the ``balancedRecordCount`` records.
    public var accuracyInterval: ConfidenceInterval
    /// Correct guesses behind ``accuracy``.
    public var correctCount: Int
    /// Records in the balanced sample (as many members as non-members).
    public var balancedRecordCount: Int
    /// Train records scored (members).
    public var memberCount: Int
    /// Holdout records scored (non-members).
    public var nonMemberCount: Int
    /// The median distance of a member to its closest synthetic record.
    public var medianMemberDistance: Double
    /// The median distance of a non-member to its closest synthetic record.
    public var medianNonMemberDistance: Double
    /// The seed of the balanced sample and the fold split.
    public var seed: UInt64
    /// The columns of the distance, in table order.
    public var columnsUsed: [String]

    /// Memberwise; ``MembershipInference/measure(train:holdout:synthetic:schema:)`` computes one.
    public init(
        auc: Double, aucInterval: ConfidenceInterval, aucVariance: Double, accuracy: Double, accuracyInterval: ConfidenceInterval,
        correctCount: Int, balancedRecordCount: Int, memberCount: Int, nonMemberCount: Int,
        medianMemberDistance: Double, medianNonMemberDistance: Double, seed: UInt64, columnsUsed: [String]
    ) {
        self.auc = auc
        self.aucInterval = aucInterval
        self.aucVariance = aucVariance
        self.accuracy = accuracy
        self.accuracyInterval = accuracyInterval
        self.correctCount = correctCount
        self.balancedRecordCount = balancedRecordCount
        self.memberCount = memberCount
        self.nonMemberCount = nonMemberCount
        self.medianMemberDistance = medianMemberDistance
        self.medianNonMemberDistance = medianNonMemberDistance
        self.seed = seed
        self.columnsUsed = columnsUsed
    }
}
