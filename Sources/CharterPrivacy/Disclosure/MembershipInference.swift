public import CharterData

/// A distance-based membership-inference attack on train against holdout.
///
/// The attacker holds the synthetic table and a candidate record, and guesses "member of the training
/// data" when the record lies close to some synthetic record: the score is −DCR, the record's distance
/// to its closest synthetic record. The distance is the one of ``DistanceToClosestRecord`` (SDMetrics
/// 0.32 DCR: numerical, categorical and boolean columns; numerical terms scaled by the range of the
/// *synthetic* table, which is the table searched), so train and holdout records are measured alike.
///
/// - AUC: the Mann–Whitney AUC of −DCR with members = every train record and non-members = every
///   holdout record, ties ½, with DeLong's confidence interval (``MannWhitneyAUC``).
/// - Accuracy: a balanced sample (all records of the smaller table, as many drawn without replacement
///   from the larger one with ``seed``) is split into two folds, each with half the members and half
///   the non-members. On each fold the threshold t of "member iff DCR ≤ t" that maximises accuracy is
///   found (t runs over −∞ and the midpoints between consecutive distinct distances; the smallest best
///   t wins), then scored on the other fold. The accuracy is the share of correct guesses over both
///   folds, with a Wilson score interval. No record is judged by a threshold fitted on it.
///
/// Charter's definition: `shared/notes/metrics.md` names the attack (§2.3 NeMo, DESIGN §6) but does
/// not fix it, and the reference `metrics.json` files carry no membership-inference numbers.
public struct MembershipInference: Sendable, Equatable {
    /// The seed of the balanced sample and the fold split.
    public var seed: UInt64
    /// The confidence level of both intervals, in (0, 1).
    public var confidenceLevel: Double

    /// The default seed (the split seed of `Tests/Fixtures/reference-metrics`).
    public static let defaultSeed: UInt64 = 20_261_122

    /// An attack with an explicit seed and level.
    public init(seed: UInt64 = MembershipInference.defaultSeed, confidenceLevel: Double = 0.95) {
        self.seed = seed
        self.confidenceLevel = confidenceLevel
    }

    /// Runs the attack. Train and holdout need at least two records each and the DCR columns of
    /// `synthetic`; `synthetic` needs a row and a numerical, categorical or boolean column.
    public func measure(
        train: Table, holdout: Table, synthetic: Table, schema: TableSchema
    ) throws(DisclosureInputError) -> MembershipInferenceResult {
        try measure(train: train, holdout: holdout, synthetic: synthetic, schema: schema, repetitions: 1)[0]
    }

    /// Runs the attack with each of `repetitions` consecutive seeds (``seed``, ``seed`` + 1, …), in
    /// that order: element i is what `MembershipInference(seed: seed + i).measure(…)` returns. The
    /// distances to the synthetic rows, which do not depend on the seed, are measured once; only the
    /// balanced sample and the fold split are drawn again. `repetitions` must lie in 1…65,536.
    public func measure(
        train: Table, holdout: Table, synthetic: Table, schema: TableSchema, repetitions: Int
    ) throws(DisclosureInputError) -> [MembershipInferenceResult] {
        try measure(
            distances(train: train, holdout: holdout, synthetic: synthetic, schema: schema), repetitions: repetitions)
    }

    /// What the attack scores: each record's distance to its closest synthetic record.
    public struct Distances: Sendable, Equatable {
        /// The train records' distances, in table order.
        public var members: [Double]
        /// The holdout records' distances, in table order.
        public var nonMembers: [Double]
        /// The columns the distance is measured over.
        public var columns: [String]
    }

    /// The distances of every train (member) and holdout (non-member) record to its closest synthetic
    /// record, which the attack's score is (negated): for its statistics, and for an ROC curve.
    /// Needs what ``measure(train:holdout:synthetic:schema:)`` needs.
    public func distances(
        train: Table, holdout: Table, synthetic: Table, schema: TableSchema
    ) throws(DisclosureInputError) -> Distances {
        guard confidenceLevel > 0 && confidenceLevel < 1 else {
            throw DisclosureInputError("the confidence level must lie strictly between 0 and 1, not \(confidenceLevel)")
        }
        let columns = DistanceToClosestRecord.columns(of: synthetic, schema: schema).used
        guard !columns.isEmpty else {
            throw DisclosureInputError(
                "membership inference needs a numerical, categorical or boolean column; there is none")
        }
        guard synthetic.rowCount > 0 else { throw DisclosureInputError("the synthetic table has no rows") }
        guard train.rowCount >= 2, holdout.rowCount >= 2 else {
            throw DisclosureInputError(
                "membership inference needs at least two train and two holdout records, not \(train.rowCount) and \(holdout.rowCount)"
            )
        }
        let members = try DistanceToClosestRecord.perRow(
            synthetic: train, reference: synthetic, columns: columns, schema: schema)
        let nonMembers = try DistanceToClosestRecord.perRow(
            synthetic: holdout, reference: synthetic, columns: columns, schema: schema)
        return Distances(members: members, nonMembers: nonMembers, columns: columns)
    }

    /// The attack's statistics from ``distances(train:holdout:synthetic:schema:)``, with each of
    /// `repetitions` consecutive seeds, as ``measure(train:holdout:synthetic:schema:repetitions:)``.
    public func measure(_ distances: Distances, repetitions: Int) throws(DisclosureInputError)
        -> [MembershipInferenceResult]
    {
        guard (1...65_536).contains(repetitions) else {
            throw DisclosureInputError("membership inference needs 1 to 65536 repetitions, not \(repetitions)")
        }
        guard distances.members.count >= 2, distances.nonMembers.count >= 2 else {
            throw DisclosureInputError("membership inference needs at least two members and two non-members")
        }
        return (0..<UInt64(repetitions)).map { offset in
            Self.result(
                members: distances.members, nonMembers: distances.nonMembers, seed: seed &+ offset,
                level: confidenceLevel, columns: distances.columns)
        }
    }

    /// The statistics of the attack from the per-record distances.
    static func result(
        members: [Double], nonMembers: [Double], seed: UInt64, level: Double, columns: [String]
    ) -> MembershipInferenceResult {
        let auc = MannWhitneyAUC(positives: members.map { -$0 }, negatives: nonMembers.map { -$0 })
        var selection = SeededSelection(seed: seed)
        let size = min(members.count, nonMembers.count)
        // Both lists in a random order: the first `size` of the larger are its sample, and the first
        // half of each list is fold 0.
        let memberOrder = selection.sample(size, from: members.count)
        let nonMemberOrder = selection.sample(size, from: nonMembers.count)
        let half = size / 2
        func fold(_ range: Range<Int>) -> [(distance: Double, member: Bool)] {
            range.map { (members[memberOrder[$0]], true) } + range.map { (nonMembers[nonMemberOrder[$0]], false) }
        }
        let folds = [fold(0..<half), fold(half..<size)]
        var correct = 0
        for (fit, score) in [(folds[0], folds[1]), (folds[1], folds[0])] {
            let threshold = bestThreshold(fit)
            for record in score where (record.distance <= threshold) == record.member { correct += 1 }
        }
        let records = 2 * size
        let wilson = ConfidenceInterval.wilson(successes: Double(correct), trials: records, level: level)
        return MembershipInferenceResult(
            auc: auc.auc, aucInterval: auc.interval(level: level), aucVariance: auc.variance,
            accuracy: Double(correct) / Double(records),
            accuracyInterval: ConfidenceInterval(
                lower: max(0, wilson.interval.lower), upper: min(1, wilson.interval.upper), level: level),
            correctCount: correct, balancedRecordCount: records, memberCount: members.count,
            nonMemberCount: nonMembers.count, medianMemberDistance: DCROverfittingProtection.median(members),
            medianNonMemberDistance: DCROverfittingProtection.median(nonMembers), seed: seed, columnsUsed: columns)
    }

    /// The t of "member iff distance ≤ t" with the most correct guesses on `records`: −∞ (nobody is a
    /// member) or the midpoint between two consecutive distinct distances (the largest distance itself
    /// when everybody is); the smallest such t on ties.
    static func bestThreshold(_ records: [(distance: Double, member: Bool)]) -> Double {
        let sorted = records.sorted { $0.distance < $1.distance }
        var correct = sorted.reduce(0) { $0 + ($1.member ? 0 : 1) }  // t = −∞
        var best = correct
        var threshold = -Double.infinity
        var start = 0
        while start < sorted.count {
            let value = sorted[start].distance
            var end = start
            while end < sorted.count && sorted[end].distance == value {
                correct += sorted[end].member ? 1 : -1
                end += 1
            }
            if correct > best {
                best = correct
                threshold = value
                if end < sorted.count {
                    let next = sorted[end].distance
                    let middle = value + (next - value) / 2
                    if middle < next { threshold = middle }
                }
            }
            start = end
        }
        return threshold
    }
}
