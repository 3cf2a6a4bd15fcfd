public import CharterCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Evaluates a ``ConditionExpression`` against a request.
///
/// Fields are read as ``RequestSchema`` names them; an optional boolean the request leaves out is
/// `false` and an optional list is empty, while any other missing field is an evaluation error (the
/// caller fails closed). Numbers compare as exact decimals. `has_approval(role)` counts only the
/// approvals that ``ApprovalValidator`` accepts; `days_until(date)` counts from the `now` handed
/// in, never from the system clock. `and` and `or` short-circuit, so an error on a side that does
/// not matter is never raised.
public struct ConditionEvaluator: Sendable {
    /// The request read.
    public let request: GenerationRequest
    /// The evaluation date.
    public let now: CalendarDate
    /// Roles with at least one valid approval.
    let approvedRoles: Set<String>

    /// An evaluator over a request, with the roles validly approved and the date.
    public init(request: GenerationRequest, approvedRoles: Set<String>, now: CalendarDate) {
        self.request = request
        self.approvedRoles = approvedRoles
        self.now = now
    }

    /// Evaluates a condition to a boolean.
    public func holds(_ expression: ConditionExpression) throws(ConditionEvaluationError) -> Bool {
        var trace: [TraceStep]?
        return try boolean(expression, &trace, depth: 0)
    }

    /// Evaluates a condition to a boolean, recording every sub-expression evaluated (post-order:
    /// operands before the expression that uses them).
    public func holds(
        _ expression: ConditionExpression, trace: inout [TraceStep]
    ) throws(ConditionEvaluationError) -> Bool {
        var recorded: [TraceStep]? = []
        defer { trace += recorded ?? [] }
        return try boolean(expression, &recorded, depth: 0)
    }

    private func boolean(
        _ expression: ConditionExpression, _ trace: inout [TraceStep]?, depth: Int
    ) throws(ConditionEvaluationError) -> Bool {
        guard case .bool(let value) = try evaluate(expression, &trace, depth: depth) else {
            throw ConditionEvaluationError(
                message: "'\(expression)' is not true or false", location: expression.location)
        }
        return value
    }

    /// The value of a sub-expression.
    func evaluate(
        _ expression: ConditionExpression, _ trace: inout [TraceStep]?, depth: Int
    ) throws(ConditionEvaluationError) -> ConditionValue {
        do {
            let value = try compute(expression, &trace, depth: depth)
            if trace != nil, !expression.isConstant {
                trace?.append(
                    TraceStep(
                        expression: expression.description, location: expression.location, value: value, error: nil,
                        depth: depth))
            }
            return value
        } catch {
            if trace != nil, error.location == expression.location {
                trace?.append(
                    TraceStep(
                        expression: expression.description, location: expression.location, value: nil,
                        error: error.message, depth: depth))
            }
            throw error
        }
    }

    private func compute(
        _ expression: ConditionExpression, _ trace: inout [TraceStep]?, depth: Int
    ) throws(ConditionEvaluationError) -> ConditionValue {
        switch expression.kind {
        case .literal(let literal):
            return ConditionValue(literal)
        case .field(let path):
            return try field(path, at: expression.location)
        case .not(let operand):
            return .bool(!(try boolean(operand, &trace, depth: depth + 1)))
        case .logical(let op, let lhs, let rhs):
            let left = try boolean(lhs, &trace, depth: depth + 1)
            switch op {
            case .and where !left: return .bool(false)
            case .or where left: return .bool(true)
            default: return .bool(try boolean(rhs, &trace, depth: depth + 1))
            }
        case .comparison(let op, let lhs, let rhs):
            let left = try evaluate(lhs, &trace, depth: depth + 1)
            let right = try evaluate(rhs, &trace, depth: depth + 1)
            return .bool(try compare(op, left, right, at: expression.location))
        case .membership(let negated, let lhs, let rhs):
            let element = try evaluate(lhs, &trace, depth: depth + 1)
            // A written list of literals (`["phi", "pii"]`) is searched in place, without building
            // an array per evaluation; the trace leaves constant lists out anyway.
            if case .list(let literals) = rhs.kind, rhs.isConstant {
                var found = false
                for item in literals {
                    if case .literal(let literal) = item.kind, ConditionValue(literal) == element {
                        found = true
                        break
                    }
                }
                return .bool(found != negated)
            }
            guard case .list(let items) = try evaluate(rhs, &trace, depth: depth + 1) else {
                throw ConditionEvaluationError(message: "'\(rhs)' is not a list", location: rhs.location)
            }
            return .bool(items.contains(element) != negated)
        case .list(let items):
            var values: [ConditionValue] = []
            values.reserveCapacity(items.count)
            for item in items { values.append(try evaluate(item, &trace, depth: depth + 1)) }
            return .list(values)
        case .call(let name, let arguments):
            return try call(name, arguments, &trace, depth: depth, at: expression.location)
        }
    }

    private func compare(
        _ op: ComparisonOperator, _ lhs: ConditionValue, _ rhs: ConditionValue, at location: SourceLocation
    ) throws(ConditionEvaluationError) -> Bool {
        switch op {
        case .equal: return lhs == rhs
        case .notEqual: return lhs != rhs
        default: break
        }
        let ordering: Int
        switch (lhs, rhs) {
        case (.number(let a), .number(let b)): ordering = a < b ? -1 : (a == b ? 0 : 1)
        case (.date(let a), .date(let b)): ordering = a < b ? -1 : (a == b ? 0 : 1)
        case (.duration(let a), .duration(let b)): ordering = a < b ? -1 : (a == b ? 0 : 1)
        default:
            throw ConditionEvaluationError(message: "cannot order \(lhs) and \(rhs)", location: location)
        }
        switch op {
        case .less: return ordering < 0
        case .lessOrEqual: return ordering <= 0
        case .greater: return ordering > 0
        default: return ordering >= 0
        }
    }

    private func call(
        _ name: String, _ arguments: [ConditionExpression], _ trace: inout [TraceStep]?, depth: Int,
        at location: SourceLocation
    ) throws(ConditionEvaluationError) -> ConditionValue {
        guard let function = ConditionFunction(rawValue: name), arguments.count == 1 else {
            throw ConditionEvaluationError(message: "unknown function '\(name)'", location: location)
        }
        let argument = try evaluate(arguments[0], &trace, depth: depth + 1)
        switch (function, argument) {
        case (.hasApproval, .string(let role)): return .bool(approvedRoles.contains(role))
        case (.length, .list(let items)): return .number(Decimal(items.count))
        case (.length, .string(let text)): return .number(Decimal(text.count))
        case (.daysUntil, .date(let date)): return .number(Decimal(now.days(until: date)))
        default:
            throw ConditionEvaluationError(message: "\(function.signature) cannot take \(argument)", location: location)
        }
    }

    /// The value of a request field (``RequestSchema``'s paths).
    func field(_ path: [String], at location: SourceLocation) throws(ConditionEvaluationError) -> ConditionValue {
        guard let field = RequestField(path: path) else {
            throw ConditionEvaluationError(
                message: "unknown field \(path.joined(separator: "."))", location: location)
        }
        guard let value = request.conditionValue(of: field) else {
            throw ConditionEvaluationError(
                message: "the request does not give \(path.joined(separator: "."))", location: location)
        }
        return value
    }
}

extension ConditionExpression {
    /// Whether the node is a literal or a list of literals: its value is what it says, so the
    /// trace leaves it out.
    var isConstant: Bool {
        switch kind {
        case .literal: true
        case .list(let items): items.allSatisfy(\.isConstant)
        default: false
        }
    }
}
