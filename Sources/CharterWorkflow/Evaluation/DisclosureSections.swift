import CharterCore
import CharterData
import CharterEngine
import CharterPrivacy
import CharterStats

/// The disclosure sections of an ``Evaluation``, named as in `Tests/Fixtures/reference-metrics/*/metrics.json`:
/// `sdmetrics.dcr_overfitting_protection`, `sdmetrics.new_row_synthesis` and `k_anonymity`; and
/// Charter's `membership_inference` and `attribute_inference` (no reference names them).
enum DisclosureSections {
    /// `sdmetrics.dcr_overfitting_protection`, or nil when no column qualifies; with 95% intervals
    /// of the share closer to training and of the score that hold which rows the holdout and the
    /// training table hold (the gates' delete-d jackknife, seeded with `seed`), not only the
    /// synthetic rows' sampling.
    static func dcrOverfittingProtection(_ inputs: EvaluationReport.Inputs, seed: UInt64) -> JSONValue? {
        guard
            let dcr = try? DCROverfittingProtection(
                train: inputs.train, holdout: inputs.holdout, synthetic: inputs.synthetic, schema: inputs.schema)
        else { return nil }
        var record: [String: JSONValue] = [
            "score": .number(dcr.score),
            "closer_to_training": .number(dcr.closerToTraining),
            "closer_to_holdout": .number(dcr.closerToHoldout),
            "n_closer_to_training": count(dcr.closerToTrainingCount),
            "n_synthetic": count(inputs.synthetic.rowCount),
            "n_train": count(inputs.train.rowCount),
            "n_holdout": count(inputs.holdout.rowCount),
            "median_dcr_train": .number(DCROverfittingProtection.median(dcr.dcrTrain)),
            "median_dcr_holdout": .number(DCROverfittingProtection.median(dcr.dcrHoldout)),
            "columns_used": .array(dcr.columnsUsed.map(JSONValue.string)),
            "columns_ignored": .array(dcr.columnsIgnored.map(JSONValue.string)),
        ]
        if let share = GateMeasurements.dcrShareInterval(
            dcr, train: inputs.train, holdout: inputs.holdout, synthetic: inputs.synthetic, schema: inputs.schema,
            seed: seed, level: 0.95)
        {
            record["closer_to_training_interval"] = share.json
            record["score_interval"] = GateMeasurements.dcrScoreInterval(share).json
        }
        return ["sdmetrics": ["dcr_overfitting_protection": .object(record)]]
    }

    /// `sdmetrics.new_row_synthesis` against train.
    static func newRowSynthesis(_ inputs: EvaluationReport.Inputs) -> JSONValue? {
        guard let rows = try? NewRowSynthesis(train: inputs.train, synthetic: inputs.synthetic, schema: inputs.schema)
        else { return nil }
        let record: JSONValue = [
            "score": .number(rows.score),
            "num_new_rows": count(rows.newRows),
            "num_matched_rows": count(rows.matchedRows),
            "numerical_match_tolerance": .number(NewRowSynthesis.numericalTolerance),
            "real_data": "train",
        ]
        return ["sdmetrics": ["new_row_synthesis": record]]
    }

    /// `k_anonymity` over the declared quasi-identifiers (and l-diversity over `sensitive`).
    static func kAnonymity(_ measured: KAnonymity) -> JSONValue {
        func table(_ m: KAnonymity.TableMeasures) -> JSONValue {
            var record: [String: JSONValue] = [
                "k": count(m.k), "n_rows": count(m.rowCount), "n_classes": count(m.classCount),
                "n_classes_size_below_threshold": count(m.classesBelowThreshold),
                "n_rows_in_classes_size_below_threshold": count(m.rowsInClassesBelowThreshold),
                "n_singleton_classes": count(m.singletonClasses),
            ]
            if let distinct = m.distinctL { record["l_diversity_distinct"] = count(distinct) }
            if let entropy = m.entropyL { record["l_diversity_entropy"] = .number(entropy) }
            if let single = m.classesWithSingleSensitiveValue {
                record["n_classes_with_single_sensitive_value"] = count(single)
            }
            return .object(record)
        }
        return [
            "k_anonymity": [
                "quasi_identifiers": .array(measured.quasiIdentifiers.map(JSONValue.string)),
                "sensitive": measured.sensitive.map(JSONValue.string) ?? .null,
                "small_class_threshold": count(measured.smallClassThreshold),
                "train": table(measured.train),
                "synthetic": table(measured.synthetic),
                "synthetic_vs_train": [
                    "n_synthetic_rows_in_train_classes_below_threshold": count(
                        measured.syntheticRowsInSmallTrainClasses),
                    "n_synthetic_rows_in_train_singleton_classes": count(
                        measured.syntheticRowsInTrainSingletonClasses),
                    "n_synthetic_rows_with_qi_absent_from_train": count(measured.syntheticRowsAbsentFromTrain),
                ],
            ]
        ]
    }

    /// `membership_inference`: the distance-based attack of ``MembershipInference`` seeded with `seed`,
    /// with 95% intervals, or nil when no column qualifies or a table is too small.
    static func membershipInference(_ inputs: EvaluationReport.Inputs, seed: UInt64) -> JSONValue? {
        guard
            let result = try? MembershipInference(seed: seed).measure(
                train: inputs.train, holdout: inputs.holdout, synthetic: inputs.synthetic, schema: inputs.schema)
        else { return nil }
        let record: JSONValue = [
            "auc": finite(result.auc),
            "auc_interval": interval(result.aucInterval, method: "DeLong"),
            "accuracy": finite(result.accuracy),
            "accuracy_interval": interval(result.accuracyInterval, method: "Wilson score"),
            "n_correct": count(result.correctCount),
            "n_balanced": count(result.balancedRecordCount),
            "n_members": count(result.memberCount),
            "n_non_members": count(result.nonMemberCount),
            "median_dcr_members": finite(result.medianMemberDistance),
            "median_dcr_non_members": finite(result.medianNonMemberDistance),
            "seed": .decimal(String(result.seed)),
            "columns_used": .array(result.columnsUsed.map(JSONValue.string)),
        ]
        return ["membership_inference": record, "definitions": ["membership_inference": .string(membershipDefinition)]]
    }

    static let membershipDefinition = """
        Charter distance-based membership inference: score = -DCR of a real record to the synthetic table \
        (SDMetrics 0.32 DCR distance, numerical terms scaled by the synthetic range); members = train, \
        non-members = holdout. AUC = Mann-Whitney over all train x holdout pairs, ties 1/2, DeLong interval. \
        Accuracy = threshold attack 'member iff DCR <= t' on a balanced sample (seeded), t fitted by \
        2-fold cross-validation (best midpoint threshold of one fold scored on the other), Wilson score interval. \
        0.5 = no membership signal.
        """

    /// `attribute_inference`: the anonymeter-style attack of ``AttributeInference`` on `secret` knowing
    /// the quasi-identifiers.
    static func attributeInference(_ result: AttributeInferenceResult) -> JSONValue {
        func rate(_ r: AttributeInferenceResult.SuccessRate) -> JSONValue {
            [
                "n_targets": count(r.trials), "n_successes": finite(r.successes), "rate": finite(r.rate),
                "interval": interval(r.interval, method: "Wilson score"),
            ]
        }
        let record: JSONValue = [
            "secret": .string(result.secret),
            "auxiliary_columns": .array(result.auxiliaryColumns.map(JSONValue.string)),
            "secret_is_numerical": .bool(result.secretIsNumerical),
            "numerical_tolerance": finite(result.tolerance),
            "attack": rate(result.attack),
            "control": rate(result.control),
            "baseline": rate(result.baseline),
            "risk": finite(result.risk),
            "risk_interval": interval(
                result.riskInterval, method: "anonymeter error propagation of Wilson half-widths"),
            "risk_unclipped": finite(result.unclippedRisk),
        ]
        return ["attribute_inference": record, "definitions": ["attribute_inference": .string(attributeDefinition)]]
    }

    static let attributeDefinition = """
        anonymeter 1.0 InferenceEvaluator style: the attacker knows a target's quasi-identifiers and guesses the \
        secret of the closest synthetic record (Gower-like distance: numerical |a/range - b/range| with the joint \
        range of synthetic and targets, categories 0/1, a missing value adds 1; lowest synthetic row on ties). Every train record is attacked (attack) and every holdout \
        record (control); baseline = expected success of the secret of a uniformly random synthetic record. \
        Numerical guesses count when |g-s|/(|g|+1e-12) <= 0.05. Rates are Wilson centres (k+z^2/2)/(n+z^2); \
        risk = (attack - control)/(1 - control), clipped to [0, 1], interval by first-order error propagation.
        """

    private static func interval(_ interval: ConfidenceInterval, method: String) -> JSONValue {
        [
            "lower": finite(interval.lower), "upper": finite(interval.upper), "level": finite(interval.level),
            "method": .string(method),
        ]
    }

    private static func finite(_ value: Double) -> JSONValue { value.isFinite ? .number(value) : .null }

    private static func count(_ value: Int) -> JSONValue { .number(Double(value)) }
}
