import CharterCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A token of the condition language. Offsets count UTF-8 bytes of the condition's text.
struct ExpressionToken: Equatable {
    enum Kind: Equatable {
        case identifier(String)
        case keyword(Keyword)
        case literal(Literal)
        case symbol(Symbol)
        case end
    }

    enum Keyword: String, CaseIterable {
        case and, or, not, `in`, `true`, `false`
    }

    enum Symbol: String {
        case equal = "=="
        case notEqual = "!="
        case lessOrEqual = "<="
        case greaterOrEqual = ">="
        case less = "<"
        case greater = ">"
        case openParen = "("
        case closeParen = ")"
        case openBracket = "["
        case closeBracket = "]"
        case comma = ","
        case dot = "."
    }

    var kind: Kind
    var start: Int
    var end: Int
}

/// A syntax error inside a condition, at a byte offset of the condition's text.
struct ExpressionSyntaxError: Error, Equatable {
    var message: String
    var offset: Int
    var help: String?
}

/// Splits a condition into tokens. Hand-written: conditions are short, but a policy set has
/// hundreds of them and lint runs on every commit.
struct ExpressionLexer {
    private let bytes: [UInt8]
    private var index = 0

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    /// All tokens, ending with `.end`.
    static func tokens(of text: String) throws(ExpressionSyntaxError) -> [ExpressionToken] {
        var lexer = ExpressionLexer(text)
        var tokens: [ExpressionToken] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private mutating func next() throws(ExpressionSyntaxError) -> ExpressionToken {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        let start = index
        guard index < bytes.count else { return ExpressionToken(kind: .end, start: start, end: start) }
        let byte = bytes[index]
        func token(_ kind: ExpressionToken.Kind) -> ExpressionToken {
            ExpressionToken(kind: kind, start: start, end: index)
        }
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            return token(.literal(.string(try string(quote: byte))))
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return token(.literal(try number()))
        case UInt8(ascii: "-") where index + 1 < bytes.count && bytes[index + 1].isDigit:
            index += 1
            let literal = try number()
            guard case .number(let value) = literal else {
                throw ExpressionSyntaxError(message: "a duration or date cannot be negative", offset: start)
            }
            return token(.literal(.number(-value)))
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
            while index < bytes.count, bytes[index].isIdentifierByte { index += 1 }
            let word = String(decoding: bytes[start..<index], as: UTF8.self)
            if let keyword = ExpressionToken.Keyword(rawValue: word) {
                switch keyword {
                case .true: return token(.literal(.bool(true)))
                case .false: return token(.literal(.bool(false)))
                default: return token(.keyword(keyword))
                }
            }
            return token(.identifier(word))
        default:
            return token(.symbol(try symbol()))
        }
    }

    private mutating func symbol() throws(ExpressionSyntaxError) -> ExpressionToken.Symbol {
        let start = index
        let pair = index + 1 < bytes.count ? String(decoding: bytes[index...index + 1], as: UTF8.self) : ""
        if let symbol = ExpressionToken.Symbol(rawValue: pair) {
            index += 2
            return symbol
        }
        let single = String(decoding: bytes[index...index], as: UTF8.self)
        if let symbol = ExpressionToken.Symbol(rawValue: single) {
            index += 1
            return symbol
        }
        switch pair {
        case "&&": throw ExpressionSyntaxError(message: "unexpected '&&'", offset: start, help: "write 'and'")
        case "||": throw ExpressionSyntaxError(message: "unexpected '||'", offset: start, help: "write 'or'")
        default: break
        }
        switch single {
        case "=": throw ExpressionSyntaxError(message: "unexpected '='", offset: start, help: "compare with '=='")
        case "!": throw ExpressionSyntaxError(message: "unexpected '!'", offset: start, help: "write 'not'")
        default:
            let scalar =
                String(decoding: bytes[index...], as: UTF8.self).unicodeScalars.first.map { String($0) } ?? single
            throw ExpressionSyntaxError(message: "unexpected character '\(scalar)'", offset: start)
        }
    }

    private mutating func string(quote: UInt8) throws(ExpressionSyntaxError) -> String {
        let start = index
        index += 1
        var value: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            if byte == quote {
                index += 1
                return String(decoding: value, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") {
                guard index + 1 < bytes.count else { break }
                switch bytes[index + 1] {
                case UInt8(ascii: "n"): value.append(0x0A)
                case UInt8(ascii: "t"): value.append(0x09)
                case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"): value.append(bytes[index + 1])
                default:
                    throw ExpressionSyntaxError(
                        message: "unknown escape '\\\(String(decoding: [bytes[index + 1]], as: UTF8.self))'",
                        offset: index, help: "escapes are \\\" \\' \\\\ \\n \\t")
                }
                index += 2
                continue
            }
            value.append(byte)
            index += 1
        }
        throw ExpressionSyntaxError(
            message: "unterminated string", offset: start, help: "close it with a matching quote")
    }

    /// A number, a duration (`90d`, `12w`) or a date (`2027-02-20`).
    private mutating func number() throws(ExpressionSyntaxError) -> Literal {
        let start = index
        if index + 10 <= bytes.count, bytes[index + 4] == UInt8(ascii: "-"),
            bytes[start..<start + 4].allSatisfy(\.isDigit)
        {
            let text = String(decoding: bytes[start..<start + 10], as: UTF8.self)
            index += 10
            guard let date = CalendarDate(iso: text), index >= bytes.count || !bytes[index].isIdentifierByte else {
                throw ExpressionSyntaxError(
                    message: "'\(text)' is not a date", offset: start, help: "dates are YYYY-MM-DD and must exist")
            }
            return .date(date)
        }
        while index < bytes.count, bytes[index].isDigit { index += 1 }
        if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "."), bytes[index + 1].isDigit {
            index += 1
            while index < bytes.count, bytes[index].isDigit { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            var probe = index + 1
            if probe < bytes.count, bytes[probe] == UInt8(ascii: "+") || bytes[probe] == UInt8(ascii: "-") {
                probe += 1
            }
            if probe < bytes.count, bytes[probe].isDigit {
                index = probe
                while index < bytes.count, bytes[index].isDigit { index += 1 }
            }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if index < bytes.count, bytes[index].isIdentifierByte {
            var end = index
            while end < bytes.count, bytes[end].isIdentifierByte { end += 1 }
            let written = String(decoding: bytes[start..<end], as: UTF8.self)
            index = end
            do {
                return .duration(try CalendarDuration.parse(written))
            } catch {
                throw ExpressionSyntaxError(
                    message: "'\(written)' is not a number or a duration", offset: start,
                    help: "durations are a whole number of days or weeks: 90d, 12w")
            }
        }
        guard let value = Decimal.exact(text) else {
            throw ExpressionSyntaxError(message: "'\(text)' is not a number", offset: start)
        }
        return .number(value)
    }
}

extension UInt8 {
    fileprivate var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    fileprivate var isIdentifierByte: Bool {
        (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "z"))
            || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z"))
            || isDigit || self == UInt8(ascii: "_")
    }
}
