import CharterCore

/// The disclosure part of `charter evaluate`'s text output, read from the same JSON document that
/// `--format json` prints, so the two never disagree.
enum DisclosureTextRenderer {
    static func lines(_ document: JSONValue) -> [String] {
        var lines: [String] = []
        func format(_ value: JSONValue?) -> String {
            value?.doubleValue.map { DecimalText.fixed($0) } ?? "n/a"
        }
        func count(_ value: JSONValue?) -> String {
            guard let value = value?.doubleValue, value.isFinite else { return "n/a" }
            return String(Int(value))
        }
        func interval(_ value: JSONValue?) -> String {
            "[\(format(value?["lower"])), \(format(value?["upper"]))]"
        }
        func names(_ value: JSONValue?) -> String {
            (value?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ", ")
        }
        if let dcr = document["sdmetrics"]?["dcr_overfitting_protection"] {
            lines.append(
                "  DCR overfitting protection  \(format(dcr["score"]))   (closer to train \(format(dcr["closer_to_training"])); median DCR train \(format(dcr["median_dcr_train"])), holdout \(format(dcr["median_dcr_holdout"])))"
            )
        }
        if let rows = document["sdmetrics"]?["new_row_synthesis"] {
            lines.append(
                "  new row synthesis           \(format(rows["score"]))   (\(count(rows["num_matched_rows"])) synthetic rows match a train row)"
            )
        }
        if let mia = document["membership_inference"] {
            lines.append(
                "  membership inference        AUC \(format(mia["auc"])) \(interval(mia["auc_interval"])) DeLong;  accuracy \(format(mia["accuracy"])) \(interval(mia["accuracy_interval"])) Wilson, 2-fold threshold on \(count(mia["n_balanced"])) records"
            )
        }
        if let k = document["k_anonymity"] {
            let threshold = count(k["small_class_threshold"])
            lines.append("  k-anonymity on \(names(k["quasi_identifiers"]))")
            for role in ["train", "synthetic"] {
                guard let table = k[role] else { continue }
                var line =
                    "    \(role == "train" ? "train    " : "synthetic") k = \(count(table["k"])), \(count(table["n_classes"])) classes, \(count(table["n_rows_in_classes_size_below_threshold"])) rows in classes below \(threshold)"
                if table["l_diversity_distinct"] != nil {
                    line +=
                        ";  l-diversity distinct \(count(table["l_diversity_distinct"])), entropy \(format(table["l_diversity_entropy"]))"
                }
                lines.append(line)
            }
            if let versus = k["synthetic_vs_train"] {
                lines.append(
                    "    synthetic rows in train classes below \(threshold): \(count(versus["n_synthetic_rows_in_train_classes_below_threshold"])), in train singletons: \(count(versus["n_synthetic_rows_in_train_singleton_classes"]))"
                )
            }
        }
        if let attribute = document["attribute_inference"] {
            lines.append(
                "  attribute inference         risk \(format(attribute["risk"])) \(interval(attribute["risk_interval"]))   (\(names(attribute["auxiliary_columns"])) -> \(attribute["secret"]?.stringValue ?? "?"))"
            )
            for role in ["attack", "control", "baseline"] {
                guard let rate = attribute[role] else { continue }
                lines.append(
                    "    \(role.padding(8)) success \(format(rate["rate"])) \(interval(rate["interval"])) over \(count(rate["n_targets"])) targets"
                )
            }
        }
        guard !lines.isEmpty else { return [] }
        return ["", "Disclosure"] + lines
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
