import CharterCore
import CharterData
import CharterPrivacy
import CharterStats

/// The disclosure sections of `charter evaluate`, named as in `shared/reference-metrics/*/metrics.json`:
/// `sdmetrics.dcr_overfitting_protection`, `sdmetrics.new_row_synthesis` and `k_anonymity`.
enum DisclosureSections {
    /// `sdmetrics.dcr_overfitting_protection`, or nil when no column qualifies.
    @Sendable static func dcrOverfittingProtection(_ inputs: EvaluationReport.Inputs) -> JSONValue? {
        guard
            let dcr = try? DCROverfittingProtection(
                train: inputs.train, holdout: inputs.holdout, synthetic: inputs.synthetic, schema: inputs.schema)
        else { return nil }
        let record: JSONValue = [
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
        return ["sdmetrics": ["dcr_overfitting_protection": record]]
    }

    /// `sdmetrics.new_row_synthesis` against train.
    @Sendable static func newRowSynthesis(_ inputs: EvaluationReport.Inputs) -> JSONValue? {
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

    private static func count(_ value: Int) -> JSONValue { .number(Double(value)) }
}
