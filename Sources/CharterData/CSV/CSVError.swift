public import CharterCore

/// Why a CSV file could not be read into a table, and where.
///
/// Every case carries the byte offset of the problem; ``CSVError/location`` turns it into the
/// 1-based line and column (in Unicode scalars) a person sees in an editor.
public struct CSVError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// The file has no bytes (or only a byte-order mark).
        case emptyFile
        /// A quoted field is still open at the end of the file.
        case unterminatedQuote
        /// Something other than a delimiter or line end follows a closing quote.
        case textAfterClosingQuote
        /// A quote appears inside an unquoted field.
        case quoteInUnquotedField
        /// A record has a different number of fields than the header.
        case raggedRow(expected: Int, found: Int)
        /// A header name is empty.
        case emptyHeaderName(column: Int)
        /// Two header names are the same.
        case duplicateHeaderName(String)
        /// A value cannot be read as the column's type.
        case invalidValue(column: String, value: String, expected: String)
        /// A column override names a column the header does not have.
        case unknownColumn(String)
        /// The bytes are not valid UTF-8.
        case invalidUTF8
        /// The file could not be read at all.
        case unreadable(String)
    }

    /// What went wrong.
    public var kind: Kind
    /// Where: file, line, column and byte offset.
    public var location: SourceLocation

    /// Creates an error at a location.
    public init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }

    /// The message, in Cedar's style: lowercase, one line, user input quoted.
    public var message: String {
        switch kind {
        case .emptyFile: "the file is empty: a CSV table needs at least a header line"
        case .unterminatedQuote: "quoted field is not closed before the end of the file"
        case .textAfterClosingQuote: "unexpected text after a closing quote"
        case .quoteInUnquotedField: "quote inside an unquoted field"
        case .raggedRow(let expected, let found):
            "row has \(found) field\(found == 1 ? "" : "s") but the header has \(expected)"
        case .emptyHeaderName(let column): "header name of column \(column) is empty"
        case .duplicateHeaderName(let name): "header name '\(name)' appears more than once"
        case .invalidValue(let column, let value, let expected):
            "value '\(value)' in column '\(column)' is not \(expected)"
        case .unknownColumn(let name): "column '\(name)' is not in the header"
        case .invalidUTF8: "the file is not valid UTF-8"
        case .unreadable(let reason): "cannot read the file: \(reason)"
        }
    }

    /// Advice on how to fix the problem, when there is some.
    public var help: String? {
        switch kind {
        case .unterminatedQuote: "close the field with '\"'; write a quote inside a quoted field as '\"\"'"
        case .textAfterClosingQuote, .quoteInUnquotedField:
            "quote the whole field and double each quote inside it (RFC 4180)"
        case .raggedRow: "every row needs one field per header column; an empty field means missing"
        case .invalidValue: "fix the value, leave it empty (missing), or declare the column categorical"
        default: nil
        }
    }

    public var description: String { "\(location): \(message)" }

    /// The error as a located diagnostic.
    public var diagnostic: Diagnostic {
        let code: DiagnosticCode =
            switch kind {
            case .invalidValue: .csvInvalidValue
            case .unreadable: .unreadableInput
            default: .csvMalformed
            }
        return .error(code, message, at: location, help: help)
    }
}

extension DiagnosticCode {
    /// A CSV file is not well-formed (RFC 4180) or does not have the shape of a table.
    public static let csvMalformed = DiagnosticCode(
        "CH600", name: "csv-malformed", summary: "a CSV file is not a well-formed table")
    /// A CSV value does not fit its column's type.
    public static let csvInvalidValue = DiagnosticCode(
        "CH601", name: "csv-invalid-value", summary: "a CSV value does not fit its column's type")
    /// A table cannot be evaluated as given (no rows, unknown column, incompatible tables).
    public static let dataUnusable = DiagnosticCode(
        "CH602", name: "data-unusable", summary: "a table cannot be used for the requested computation")
}
