import CharterData
import CharterProfile

/// `charter profile`'s text: one block per column, then the direct identifiers and the
/// quasi-identifier candidates. Data text is made printable (control characters escaped) and clipped.
enum ProfileTextRenderer {
    static func render(_ profile: DatasetProfile, file: String) -> String {
        var out =
            "Profile of \(ProfileText.printable(file)): \(profile.rowCount) rows, \(profile.columns.count) columns\n\n"
        for column in profile.columns {
            let p = column.profile
            out += "\(ProfileText.clipped(column.name, to: 60))  \(p.type.rawValue) (\(column.semanticType.rawValue))"
            out += "  missing \(ProfileNumber.percent(p.missingShare))  distinct \(p.distinctCount)"
            out += "  unique \(ProfileNumber.percent(column.uniqueness))\n"
            if column.valuesWithheld {
                out += "    values withheld: a direct identifier\n"
            } else if let minimum = p.minimum, let maximum = p.maximum {
                out += "    range \(ProfileNumber.format(minimum)) – \(ProfileNumber.format(maximum))\n"
            } else if !p.histogram.isEmpty {
                let top = p.histogram.prefix(6).map { "\(ProfileText.clipped($0.label ?? "", to: 30)) \($0.count)" }
                out += "    top " + top.joined(separator: ", ")
                out += p.histogram.count > 6 ? ", … \(p.histogram.count - 6) more\n" : "\n"
            }
            if let identifier = column.directIdentifier {
                out +=
                    "    DIRECT IDENTIFIER (\(identifier.kind.rawValue)): \(ProfileText.printable(identifier.evidence))\n"
            }
        }
        out += "\nDirect identifiers: "
        out +=
            profile.directIdentifiers.isEmpty
            ? "none found\n"
            : profile.directIdentifiers.map { ProfileText.clipped($0, to: 60) }.joined(separator: ", ") + "\n"
        out += "\nQuasi-identifier candidates (rows alone in their class):\n"
        for set in profile.quasiIdentifierCandidates {
            out += "  \(set.columns.map { ProfileText.clipped($0, to: 40) }.joined(separator: " + "))"
            out +=
                "  unique \(set.uniqueRows) (\(ProfileNumber.percent(set.uniqueShare)))  smallest class \(set.smallestClass)\n"
        }
        return out
    }
}
