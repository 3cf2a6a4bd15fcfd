public import CharterCore

extension SourceProfile {
    /// The profile as the registry keeps it.
    public var json: JSONValue {
        [
            "rows": .integer(rows),
            "columns": .array(
                columns.map { column in
                    var object: [String: JSONValue] = [
                        "name": .string(column.name), "present": .integer(column.present),
                        "missing": .integer(column.missing),
                    ]
                    switch column.sketch {
                    case .numeric(let points, let cumulative):
                        object["kind"] = "numeric"
                        object["points"] = .array(points.map(JSONValue.number))
                        object["cumulative"] = .array(cumulative.map(JSONValue.number))
                    case .categorical(let shares):
                        object["kind"] = "categorical"
                        object["shares"] = .object(shares.mapValues(JSONValue.number))
                    }
                    return .object(object)
                }),
        ]
    }

    /// Reads a profile ``json`` wrote; `nil` for anything else.
    public init?(json: JSONValue) {
        guard let rows = json["rows"]?.doubleValue, let columns = json["columns"]?.arrayValue else { return nil }
        var profiles: [ColumnProfile] = []
        for column in columns {
            guard let name = column["name"]?.stringValue, let present = column["present"]?.doubleValue,
                let missing = column["missing"]?.doubleValue
            else { return nil }
            let sketch: Sketch
            switch column["kind"]?.stringValue {
            case "numeric":
                guard let points = column["points"]?.arrayValue?.compactMap(\.doubleValue),
                    let cumulative = column["cumulative"]?.arrayValue?.compactMap(\.doubleValue),
                    points.count == cumulative.count
                else { return nil }
                sketch = .numeric(points: points, cumulative: cumulative)
            case "categorical":
                guard let shares = column["shares"]?.objectValue?.compactMapValues(\.doubleValue) else { return nil }
                sketch = .categorical(shares: shares)
            default: return nil
            }
            profiles.append(ColumnProfile(name: name, sketch: sketch, present: Int(present), missing: Int(missing)))
        }
        self.rows = Int(rows)
        self.columns = profiles
    }
}
