public import CharterCore

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// A node of the condition language (`grammar/expr.ebnf`), with the place in the policy file
/// where it starts and its length in characters. Equality ignores positions, as in Cedar.
public struct ConditionExpression: Sendable, CustomStringConvertible {
    /// What the node is.
    public indirect enum Kind: Sendable, Equatable {
        /// A literal value.
        case literal(Literal)
        /// A field of the request, such as `source.rows`.
        case field([String])
        /// `not e`.
        case not(ConditionExpression)
        /// `a and b`, `a or b`.
        case logical(LogicalOperator, ConditionExpression, ConditionExpression)
        /// `a == b`, `a < b`, ….
        case comparison(ComparisonOperator, ConditionExpression, ConditionExpression)
        /// `a in b`, `a not in b`.
        case membership(negated: Bool, ConditionExpression, ConditionExpression)
        /// `[a, b, …]`.
        case list([ConditionExpression])
        /// `name(arguments…)`.
        case call(String, [ConditionExpression])
    }

    /// What the node is.
    public var kind: Kind
    /// Where the node starts in the policy file.
    public var location: SourceLocation
    /// Where the node ends (just past its last character) in the policy file.
    public var end: SourceLocation

    /// Creates a node.
    public init(_ kind: Kind, location: SourceLocation, end: SourceLocation) {
        self.kind = kind
        self.location = location
        self.end = end
    }

    /// The expression written back in canonical form (single spaces, minimal parentheses kept
    /// where precedence needs them).
    public var description: String {
        switch kind {
        case .literal(let literal): literal.description
        case .field(let path): path.joined(separator: ".")
        case .not(let operand): "not \(operand.parenthesized(above: 3))"
        case .logical(let op, let lhs, let rhs):
            "\(lhs.parenthesized(above: op.precedence)) \(op.rawValue) \(rhs.parenthesized(above: op.precedence + 1))"
        case .comparison(let op, let lhs, let rhs):
            "\(lhs.parenthesized(above: 4)) \(op.rawValue) \(rhs.parenthesized(above: 4))"
        case .membership(let negated, let lhs, let rhs):
            "\(lhs.parenthesized(above: 4)) \(negated ? "not in" : "in") \(rhs.parenthesized(above: 4))"
        case .list(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .call(let name, let arguments): name + "(" + arguments.map(\.description).joined(separator: ", ") + ")"
        }
    }

    /// Binding strength: or 1, and 2, not 3, comparisons 4, primaries 5.
    var precedence: Int {
        switch kind {
        case .logical(let op, _, _): op.precedence
        case .not: 3
        case .comparison, .membership: 4
        default: 5
        }
    }

    private func parenthesized(above level: Int) -> String {
        precedence < level ? "(\(description))" : description
    }
}

extension ConditionExpression: Equatable {
    public static func == (lhs: ConditionExpression, rhs: ConditionExpression) -> Bool { lhs.kind == rhs.kind }
}

/// `and` / `or`.
public enum LogicalOperator: String, Sendable, Equatable {
    case and
    case or

    var precedence: Int { self == .or ? 1 : 2 }
}

/// The comparison operators.
public enum ComparisonOperator: String, Sendable, Equatable, CaseIterable {
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="

    /// Whether the operator needs ordered operands (numbers, durations, dates).
    public var isOrdering: Bool { self != .equal && self != .notEqual }
}

/// A literal value of the condition language.
public enum Literal: Sendable, Hashable, CustomStringConvertible {
    case bool(Bool)
    /// An exact decimal number.
    case number(Decimal)
    case string(String)
    case duration(CalendarDuration)
    case date(CalendarDate)

    public var description: String {
        switch self {
        case .bool(let value): value ? "true" : "false"
        case .number(let value): "\(value)"
        case .string(let value): "\"" + value.replacingEscapes() + "\""
        case .duration(let value): value.description
        case .date(let value): value.description
        }
    }
}

extension String {
    fileprivate func replacingEscapes() -> String {
        var result = ""
        for character in self {
            switch character {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            default: result.append(character)
            }
        }
        return result
    }
}
