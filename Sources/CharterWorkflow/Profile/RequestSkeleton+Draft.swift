import CharterCore
import CharterData
import CharterProfile

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension RequestSkeleton {
    /// The comment every observed range or category list carries.
    public static let observedMarker =
        "observed: replace with a public range; a range read from the data is not private"

    /// The request text for one generator choice.
    struct Draft {
        var dataPath: String
        var table: Table
        var profile: DatasetProfile
        var sha256: String
        var options: Options
        var purpose: String
        /// Why the target was proposed, or that none was (`--target auto`).
        var targetNote: String?

        func render(generator: GeneratorChoice, kMin: Int?, expiresAt: CalendarDate?) -> String {
            let identifiers = profile.columns.filter { $0.directIdentifier != nil }
            let excluded = Set(identifiers.map(\.name))
            let advice = QuasiIdentifierAdvice(
                table, profile: profile, declared: nil, excluded: excluded.union([options.target].compactMap { $0 }),
                kMin: kMin)
            let dataset = options.dataset ?? Self.datasetKey(dataPath)
            var out = """
                # Request skeleton written by `charter init` from \(YAMLText.comment(dataPath)) (\(table.rowCount) rows, \(table.columns.count) columns).
                # Review every line before asking for approvals. No value read from the data is declared as a
                # domain: observed ranges are comments only.
                charter: 1
                kind: generation-request
                id: \(YAMLText.scalar(options.id))
                requester: \(YAMLText.scalar(options.requester))
                purpose: \(YAMLText.scalar(purpose))
                audience: \(YAMLText.scalar(options.audience))
                jurisdiction: \(YAMLText.scalar(options.jurisdiction))
                high_risk_ai: false
                source:
                  dataset: \(YAMLText.scalar(dataset))
                  path: \(YAMLText.scalar(dataPath))
                  sha256: "\(sha256)"
                  rows: \(table.rowCount)
                  classification: \(YAMLText.scalar(options.classification))
                  jurisdiction: \(YAMLText.scalar(options.jurisdiction))
                  privacy_unit: patient

                """
            for entry in advice.entries {
                out +=
                    "  # quasi-identifier \(entry.keep ? "proposed" : "left out"): \(YAMLText.comment(entry.column)): \(YAMLText.comment(entry.reason))\n"
            }
            out += "  quasi_identifiers: \(YAMLText.list(advice.kept))\n"
            if let targetNote { out += "  # target: \(YAMLText.comment(targetNote))\n" }
            if let target = options.target { out += "  target: \(YAMLText.scalar(target))\n" }
            for entry in identifiers {
                if let identifier = entry.directIdentifier {
                    out +=
                        "  # direct identifier \(YAMLText.comment(entry.name)) (\(identifier.kind.rawValue)): \(YAMLText.comment(identifier.evidence))\n"
                }
            }
            out += "  exclude: \(YAMLText.list(identifiers.map(\.name)))\n"
            out += "  columns:\n"
            let domains = Dictionary(options.domains.map { ($0.column, $0) }, uniquingKeysWith: { $1 })
            for entry in profile.columns where !excluded.contains(entry.name) {
                out += "    " + column(entry, domain: domains[entry.name]) + "\n"
            }
            out += "generator:\n  type: \(generator.type)\n"
            if let epsilon = generator.epsilon { out += "  epsilon: \(epsilon)\n" }
            if let delta = generator.delta { out += "  delta: \(Self.decimalText(delta))\n" }
            out += "  # \(YAMLText.comment(generator.reason))\n"
            out += "output:\n  rows: \(table.rowCount)\n"
            if let expiresAt { out += "expires_at: \(expiresAt)  # the longest validity the tier allows\n" }
            return out
        }

        /// One `columns:` line: the type, a public domain when one was supplied, the observed values as a comment.
        func column(_ entry: DatasetProfile.ColumnEntry, domain: PublicDomain?) -> String {
            let profile = entry.profile
            let integral: Bool
            if case .numeric(let values)? = table.column(named: entry.name)?.values {
                integral = values.present.allSatisfy { $0 == $0.rounded() }
            } else {
                integral = false
            }
            let type: String =
                switch profile.type {
                case .numeric: integral ? "integer" : "numeric"
                case .categorical: "categorical"
                case .boolean: "boolean"
                }
            var fields = "type: \(type)"
            switch domain?.values {
            case .range(let lower, let upper)?:
                fields += ", min: \(lower), max: \(upper)"
            case .categories(let categories)?:
                fields += ", categories: \(YAMLText.list(categories))"
            case nil: break
            }
            let observed: String
            if let minimum = profile.minimum, let maximum = profile.maximum {
                observed = "\(ProfileNumber.format(minimum))..\(ProfileNumber.format(maximum))"
            } else if profile.histogram.count <= 12 {
                observed = profile.histogram.compactMap(\.label).map { ProfileText.clipped($0, to: 30) }.joined(
                    separator: "|")
            } else {
                observed = "\(profile.distinctCount) categories"
            }
            let note =
                domain == nil
                ? "\(RequestSkeleton.observedMarker) (\(observed))" : "public domain supplied with --domain"
            return "\(YAMLText.scalar(entry.name)): { \(fields) }  # \(YAMLText.comment(note))"
        }

        /// `gbsg2` for `examples/data/gbsg2.csv`.
        static func datasetKey(_ path: String) -> String {
            let name = path.split(separator: "/").last.map(String.init) ?? path
            let stem = name.split(separator: ".").first.map(String.init) ?? name
            let key = String(stem.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
            return key.isEmpty ? "dataset" : key
        }

        /// `1.0e-6` style text for δ (a plain decimal for values at or above 0.001).
        static func decimalText(_ value: Decimal) -> String {
            var exponent = 0
            var mantissa = value
            while mantissa < 1, exponent > -30 {
                mantissa *= 10
                exponent -= 1
            }
            return exponent >= -3 ? "\(value)" : "\(mantissa)e\(exponent)"
        }
    }
}

/// YAML text for the skeleton: plain scalars where YAML reads them back as the same string,
/// double-quoted with escapes otherwise; comments on one line.
enum YAMLText {
    static let reserved: Set<String> = [
        "true", "false", "yes", "no", "on", "off", "null", "y", "n", "~",
    ]

    static func scalar(_ text: String) -> String {
        let plain =
            !text.isEmpty && !reserved.contains(text.lowercased())
            && text.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || "0123456789_-./@".unicodeScalars.contains($0))
            }
            && text.unicodeScalars.first.map { $0.properties.isAlphabetic } == true
        if plain { return text }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case let c where c.properties.generalCategory == .control || c.value == 0x2028 || c.value == 0x2029:
                out +=
                    "\\u" + String(repeating: "0", count: 4 - String(c.value, radix: 16).count)
                    + String(c.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func list(_ items: [String]) -> String { "[" + items.map(scalar).joined(separator: ", ") + "]" }

    static func comment(_ text: String) -> String {
        ProfileText.printable(text)
    }
}
