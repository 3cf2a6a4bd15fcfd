public import CharterCore

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// A value a condition computes at evaluation time.
public enum ConditionValue: Sendable, Hashable, CustomStringConvertible {
    case bool(Bool)
    /// An exact decimal: counts, ε, δ and thresholds compare exactly.
    case number(Decimal)
    case string(String)
    case duration(CalendarDuration)
    case date(CalendarDate)
    case list([ConditionValue])

    init(_ literal: Literal) {
        switch literal {
        case .bool(let value): self = .bool(value)
        case .number(let value): self = .number(value)
        case .string(let value): self = .string(value)
        case .duration(let value): self = .duration(value)
        case .date(let value): self = .date(value)
        }
    }

    public var description: String {
        switch self {
        case .bool(let value): value ? "true" : "false"
        case .number(let value): "\(value)"
        case .string(let value): "\"\(value)\""
        case .duration(let value): value.description
        case .date(let value): value.description
        case .list(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
        }
    }

    /// The value as JSON, numbers exact.
    public var json: JSONValue {
        switch self {
        case .bool(let value): .bool(value)
        case .number(let value): .decimal("\(value)")
        case .string(let value): .string(value)
        case .duration(let value): .string(value.description)
        case .date(let value): .string(value.description)
        case .list(let items): .array(items.map(\.json))
        }
    }
}

/// Why a condition could not be evaluated against a request (a field the request leaves out, or
/// operands of kinds the type checker should have rejected).
public struct ConditionEvaluationError: Error, Sendable, Equatable {
    /// What went wrong, in the diagnostic style.
    public var message: String
    /// The sub-expression at fault.
    public var location: SourceLocation
}

/// One evaluated sub-expression of a condition, for `charter explain`.
public struct TraceStep: Sendable, Equatable {
    /// The sub-expression in canonical form.
    public var expression: String
    /// Where it starts in the policy.
    public var location: SourceLocation
    /// Its value, or `nil` when evaluating it failed.
    public var value: ConditionValue?
    /// Why it failed, when it did.
    public var error: String?
    /// How deep in the expression tree it is (0 for the whole condition).
    public var depth: Int
}
