public import CharterCore
import CharterData

extension DatasetProfile {
    /// The profile as `charter profile --format json` prints it.
    ///
    /// `{"file", "sha256", "rows", "columns": [{"name", "type", "semantic_type", "rows", "missing",
    /// "missing_share", "distinct", "uniqueness", "range": {"min", "max"} | null, "categories":
    /// [{"value", "count"}] | null, "histogram": [...], "direct_identifier": {"kind", "evidence"}
    /// (only when flagged), "values_withheld"}], "direct_identifiers": [names], "quasi_identifier_candidates":
    /// [{"columns", "unique_rows", "unique_share", "smallest_class", "classes"}]}`. A flagged column's
    /// values are withheld: no range, categories or histogram, `"values_withheld": true`. Keys are sorted
    /// by the canonical writer; arrays keep table order.
    public func json(file: String, sha256: String) -> JSONValue {
        .object([
            "file": .string(file),
            "sha256": .string(sha256),
            "rows": .integer(rowCount),
            "columns": .array(columns.map(\.json)),
            "direct_identifiers": .array(directIdentifiers.map { .string($0) }),
            "quasi_identifier_candidates": .array(
                quasiIdentifierCandidates.map { set in
                    .object([
                        "columns": .array(set.columns.map { .string($0) }),
                        "unique_rows": .integer(set.uniqueRows),
                        "unique_share": .number(set.uniqueShare),
                        "smallest_class": .integer(set.smallestClass),
                        "classes": .integer(set.classes),
                    ])
                }),
        ])
    }
}

extension DatasetProfile.ColumnEntry {
    /// The number of categories listed for a text column (the most frequent; the histogram has them all).
    public static let categoriesListed = 20

    var json: JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(name),
            "type": .string(profile.type.rawValue),
            "semantic_type": .string(semanticType.rawValue),
            "rows": .integer(profile.rowCount),
            "missing": .integer(profile.missingCount),
            "missing_share": .number(profile.missingShare),
            "distinct": .integer(profile.distinctCount),
            "uniqueness": .number(uniqueness),
            "range": .null,
            "categories": .null,
            "histogram": .array(
                profile.histogram.map { bin in
                    if let label = bin.label {
                        return .object(["value": .string(label), "count": .integer(bin.count)])
                    }
                    return .object([
                        "lower": bin.lower.map(JSONValue.number) ?? .null,
                        "upper": bin.upper.map(JSONValue.number) ?? .null,
                        "count": .integer(bin.count),
                    ])
                }),
        ]
        if let minimum = profile.minimum, let maximum = profile.maximum {
            object["range"] = .object(["min": .number(minimum), "max": .number(maximum)])
        }
        if profile.type != .numeric {
            object["categories"] = .array(
                profile.histogram.prefix(Self.categoriesListed).map {
                    .object(["value": .string($0.label ?? ""), "count": .integer($0.count)])
                })
        }
        if valuesWithheld {
            object["range"] = .null
            object["categories"] = .null
            object["histogram"] = .array([])
        }
        object["values_withheld"] = .bool(valuesWithheld)
        if let directIdentifier {
            object["direct_identifier"] = .object([
                "kind": .string(directIdentifier.kind.rawValue), "evidence": .string(directIdentifier.evidence),
            ])
        }
        return .object(object)
    }
}
