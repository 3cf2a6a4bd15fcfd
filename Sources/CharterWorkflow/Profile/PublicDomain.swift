import CharterCore

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// A column domain the user vouches is public (a clinical range, a code list): the only values
/// `init` writes as a declared domain. Written `NAME=LOW..HIGH` or `NAME=a|b|c`.
public struct PublicDomain: Sendable, Equatable {
    /// The column.
    public var column: String
    /// The bounds or categories.
    public var values: Values

    /// A range or a list.
    public enum Values: Sendable, Equatable {
        /// A closed numeric range.
        case range(lower: Decimal, upper: Decimal)
        /// A list of categories.
        case categories([String])
    }

    /// Creates a domain.
    public init(column: String, values: Values) {
        self.column = column
        self.values = values
    }

    /// Reads `age=18..90` or `menostat=Pre|Post`.
    /// - Throws: a message in Cedar's style when the text is neither.
    public static func parse(_ text: String) throws(DiagnosticError) -> PublicDomain {
        func failure(_ message: String) -> DiagnosticError {
            DiagnosticError(
                .error(
                    .profileArgument, message, at: nil,
                    help: "write NAME=LOW..HIGH for a public range or NAME=a|b|c for public categories"))
        }
        guard let equals = text.firstIndex(of: "=") else { throw failure("domain '\(text)' has no '='") }
        let column = String(text[..<equals])
        let body = String(text[text.index(after: equals)...])
        guard !column.isEmpty, !body.isEmpty else { throw failure("domain '\(text)' needs a column and values") }
        if let dots = body.range(of: "..") {
            let lowText = String(body[..<dots.lowerBound])
            let highText = String(body[dots.upperBound...])
            guard let lower = Decimal(string: lowText, locale: Locale(identifier: "en_US_POSIX")),
                let upper = Decimal(string: highText, locale: Locale(identifier: "en_US_POSIX")),
                lowText.allSatisfy({ "0123456789.-+".contains($0) }),
                highText.allSatisfy({ "0123456789.-+".contains($0) })
            else { throw failure("domain '\(text)' has bounds that are not numbers") }
            guard lower <= upper else { throw failure("domain '\(text)' has its lower bound above its upper bound") }
            return PublicDomain(column: column, values: .range(lower: lower, upper: upper))
        }
        let categories = body.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard !categories.contains(where: \.isEmpty) else { throw failure("domain '\(text)' has an empty category") }
        return PublicDomain(column: column, values: .categories(categories))
    }
}
