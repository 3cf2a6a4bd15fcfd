import CharterCore
import CharterYAML

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Reads typed values out of YAML nodes for a loader, collecting a located diagnostic for every
/// problem and carrying on, so that one run reports every mistake in a file.
///
/// Not `Sendable`: one reader belongs to one load.
final class DocumentReader {
    /// The text being read, to place diagnostics inside scalars.
    let source: YAMLSource
    /// Every finding so far, in the order found.
    private(set) var diagnostics: [Diagnostic] = []

    init(source: YAMLSource) {
        self.source = source
    }

    func report(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }

    /// YAML 1.1 booleans, which YAML 1.2 (and so Charter) reads as strings.
    static let yaml11Booleans: [String: Bool] = [
        "y": true, "Y": true, "yes": true, "Yes": true, "YES": true, "on": true, "On": true, "ON": true,
        "n": false, "N": false, "no": false, "No": false, "NO": false, "off": false, "Off": false, "OFF": false,
    ]

    // MARK: - Mappings

    /// The pairs of a mapping, checking keys against `known` (unknown keys are reported with a
    /// suggestion) and `required` (missing ones are reported at the mapping). `nil` when the node
    /// is not a mapping.
    func mapping(
        _ node: YAMLNode, _ context: String, known: [String], required: [String] = []
    ) -> MappingFields? {
        guard let pairs = node.mapping else {
            wrongType(node, expected: "a mapping", context: context)
            return nil
        }
        var fields = MappingFields(location: node.location)
        for pair in pairs {
            guard case .string(let key) = pair.key.scalar?.value else {
                report(
                    .error(
                        .policyWrongType, "keys of \(context) are names, not a \(pair.key.kindName)",
                        at: pair.key.location))
                continue
            }
            guard known.contains(key) else {
                let suggestion = Suggestion.closest(to: key, among: known)
                var diagnostic = Diagnostic.error(
                    .policyUnknownKey, "unknown key '\(key)' in \(context)", at: pair.key.location,
                    help: suggestion.map { "did you mean '\($0)'?" })
                if let suggestion {
                    diagnostic.fix = .init(
                        summary: "rename '\(key)' to '\(suggestion)'", location: pair.key.location,
                        length: key.unicodeScalars.count, replacement: suggestion)
                }
                diagnostic.notes = ["\(context) takes: " + known.joined(separator: ", ")]
                report(diagnostic)
                continue
            }
            fields.values[key] = pair
        }
        for key in required where fields.values[key] == nil {
            report(.error(.policyMissingField, "\(context) is missing '\(key)'", at: node.location))
        }
        return fields
    }

    // MARK: - Scalars

    func string(_ node: YAMLNode, _ context: String) -> Located<String>? {
        guard let scalar = node.scalar else {
            wrongType(node, expected: "a string", context: context)
            return nil
        }
        guard case .string(let text) = scalar.value else {
            wrongType(node, expected: "a string", context: context, help: "quote it: \"\(scalar.text)\"")
            return nil
        }
        guard !text.isEmpty else {
            report(.error(.policyOutOfRange, "\(context) is empty", at: node.location))
            return nil
        }
        return Located(text, at: node.location)
    }

    func bool(_ node: YAMLNode, _ context: String) -> Located<Bool>? {
        guard let scalar = node.scalar else {
            wrongType(node, expected: "true or false", context: context)
            return nil
        }
        if case .bool(let value) = scalar.value { return Located(value, at: node.location) }
        if scalar.style == .plain, let meant = Self.yaml11Booleans[scalar.text] {
            report(yaml11Boolean(scalar.text, meant: meant, at: node.location, context: context))
            return nil
        }
        wrongType(node, expected: "true or false", context: context)
        return nil
    }

    func yaml11Boolean(_ text: String, meant: Bool, at location: SourceLocation, context: String) -> Diagnostic {
        Diagnostic.error(
            .policyYAML11Boolean, "'\(text)' is the string \"\(text)\" in YAML 1.2, not a boolean, in \(context)",
            at: location, notes: ["YAML 1.1 read yes/no/on/off as booleans; YAML 1.2 and Charter do not"],
            help: "write \(meant)",
            fix: .init(
                summary: "replace '\(text)' with '\(meant)'", location: location, length: text.unicodeScalars.count,
                replacement: "\(meant)"))
    }

    /// An exact decimal, from an integer or float scalar.
    func decimal(_ node: YAMLNode, _ context: String) -> Located<Decimal>? {
        guard let scalar = node.scalar else {
            wrongType(node, expected: "a number", context: context)
            return nil
        }
        switch scalar.value {
        case .int, .float:
            guard let value = Decimal.exact(scalar.text) else {
                report(
                    .error(
                        .policyOutOfRange, "\(context) must be a finite decimal number, not '\(scalar.text)'",
                        at: node.location))
                return nil
            }
            return Located(value, at: node.location, source: scalar.text)
        default:
            wrongType(node, expected: "a number", context: context)
            return nil
        }
    }

    func integer(_ node: YAMLNode, _ context: String) -> Located<Int>? {
        guard let scalar = node.scalar else {
            wrongType(node, expected: "a whole number", context: context)
            return nil
        }
        guard case .int(let value) = scalar.value else {
            wrongType(node, expected: "a whole number", context: context)
            return nil
        }
        return Located(value, at: node.location)
    }

    func duration(_ node: YAMLNode, _ context: String) -> Located<CalendarDuration>? {
        guard let scalar = node.scalar, scalar.value != .null else {
            wrongType(node, expected: "a duration such as 90d or 12w", context: context)
            return nil
        }
        do {
            let duration = try CalendarDuration.parse(scalar.text)
            guard duration.days > 0 else {
                report(.error(.policyOutOfRange, "\(context) must be longer than 0 days", at: node.location))
                return nil
            }
            return Located(duration, at: node.location)
        } catch .negative {
            report(.error(.policyOutOfRange, "\(context) cannot be negative ('\(scalar.text)')", at: node.location))
        } catch {
            var help = "write a whole number of days or weeks: 90d, 12w"
            if case .int(let days) = scalar.value { help = "add a unit: \(days)d" }
            report(
                .error(
                    .policyInvalidDuration, "'\(scalar.text)' is not a duration, in \(context)", at: node.location,
                    help: help))
        }
        return nil
    }

    func date(_ node: YAMLNode, _ context: String) -> Located<CalendarDate>? {
        guard let scalar = node.scalar, let date = CalendarDate(iso: scalar.text) else {
            report(
                .error(
                    .policyInvalidDuration, "\(context) must be a date written YYYY-MM-DD", at: node.location))
            return nil
        }
        return Located(date, at: node.location)
    }

    /// One value of a closed set.
    func enumeration(_ node: YAMLNode, _ context: String, values: [String]) -> Located<String>? {
        if let scalar = node.scalar, scalar.style == .plain, !values.contains(scalar.text),
            let meant = Self.yaml11Booleans[scalar.text]
                ?? (scalar.value == .bool(true) ? true : scalar.value == .bool(false) ? false : nil)
        {
            var diagnostic = yaml11Boolean(scalar.text, meant: meant, at: node.location, context: context)
            diagnostic.message =
                "'\(scalar.text)' reads as a \(scalar.value == .bool(meant) ? "boolean" : "YAML 1.1 boolean") where \(context) expects one of: \(values.joined(separator: ", "))"
            diagnostic.fix = nil
            diagnostic.help = "write one of: " + values.joined(separator: ", ")
            report(diagnostic)
            return nil
        }
        guard let text = string(node, context) else { return nil }
        guard values.contains(text.value) else {
            let suggestion = Suggestion.closest(to: text.value, among: values)
            var diagnostic = Diagnostic.error(
                .policyUnknownEnumValue, "'\(text.value)' is not a valid value for \(context)", at: node.location,
                notes: ["\(context) takes one of: " + values.joined(separator: ", ")],
                help: suggestion.map { "did you mean '\($0)'?" })
            if let suggestion, node.scalar?.style == .plain {
                diagnostic.fix = .init(
                    summary: "replace '\(text.value)' with '\(suggestion)'", location: node.location,
                    length: text.value.unicodeScalars.count, replacement: suggestion)
            }
            report(diagnostic)
            return nil
        }
        return text
    }

    /// A sequence of strings (a single string is not accepted: `[a]` and `a` mean different things
    /// to a reader, and lists grow). Duplicates are reported.
    func stringList(_ node: YAMLNode, _ context: String, values: [String]? = nil) -> [Located<String>]? {
        guard let items = node.sequence else {
            wrongType(node, expected: "a list", context: context, help: node.scalar.map { "write [\($0.text)]" })
            return nil
        }
        var result: [Located<String>] = []
        for item in items {
            let read = values.map { enumeration(item, context, values: $0) } ?? string(item, "an entry of \(context)")
            guard let read else { continue }
            if let first = result.first(where: { $0.value == read.value }) {
                report(
                    .warning(
                        .policyDuplicateEntry, "'\(read.value)' appears twice in \(context)", at: read.location,
                        related: [.init(first.location, "first listed here")]))
                continue
            }
            result.append(read)
        }
        return result
    }

    func wrongType(_ node: YAMLNode, expected: String, context: String, help: String? = nil) {
        let found: String
        switch node.content {
        case .scalar(let scalar):
            switch scalar.value {
            case .null: found = "nothing (null)"
            case .bool: found = "a boolean"
            case .int: found = "a whole number"
            case .float: found = "a number"
            case .string: found = "the string \"\(scalar.text)\""
            }
        case .sequence: found = "a list"
        case .mapping: found = "a mapping"
        }
        report(.error(.policyWrongType, "\(context) must be \(expected), not \(found)", at: node.location, help: help))
    }
}

/// The recognised pairs of one mapping, by key.
struct MappingFields {
    var location: SourceLocation
    var values: [String: YAMLPair] = [:]

    subscript(key: String) -> YAMLNode? { values[key]?.value }

    /// Where the key was written (for diagnostics about the field as a whole).
    func keyLocation(_ key: String) -> SourceLocation? { values[key]?.key.location }
}
