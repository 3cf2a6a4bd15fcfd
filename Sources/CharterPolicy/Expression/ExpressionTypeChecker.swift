public import CharterCore

/// Checks a condition against the request schema: every field exists, operands have compatible
/// types, string literals compared with an enumeration are among its values, functions exist and
/// get the right arguments, and the whole condition is boolean.
public struct ExpressionTypeChecker: Sendable {
    /// The fields and roles conditions may use.
    public let schema: RequestSchema

    /// A checker for conditions of a policy with this schema.
    public init(schema: RequestSchema) {
        self.schema = schema
    }

    /// The findings for a condition; empty when it is well typed and boolean.
    public func check(_ expression: ConditionExpression) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        if let type = infer(expression, &diagnostics), type != .bool {
            diagnostics.append(
                .error(
                    .expressionTypeMismatch, "a condition must be a bool, but this is a \(type)",
                    at: expression.location,
                    help: type.isOrdered ? "compare it with a value, e.g. `\(expression) > 0`" : nil))
        }
        return diagnostics
    }

    /// The type of `expression`, or `nil` when a finding made it unknowable (so that one mistake
    /// reports once, not at every enclosing node).
    func infer(_ expression: ConditionExpression, _ diagnostics: inout [Diagnostic]) -> ValueType? {
        switch expression.kind {
        case .literal(let literal):
            return literal.type
        case .field(let path):
            return field(path, at: expression, &diagnostics)
        case .not(let operand):
            return expectBool(operand, context: "'not'", &diagnostics) ? .bool : nil
        case .logical(let op, let lhs, let rhs):
            let left = expectBool(lhs, context: "'\(op.rawValue)'", &diagnostics)
            let right = expectBool(rhs, context: "'\(op.rawValue)'", &diagnostics)
            return left && right ? .bool : nil
        case .comparison(let op, let lhs, let rhs):
            return comparison(op, lhs, rhs, &diagnostics)
        case .membership(let negated, let lhs, let rhs):
            return membership(negated: negated, lhs, rhs, &diagnostics)
        case .list(let items):
            return list(items, &diagnostics)
        case .call(let name, let arguments):
            return call(name, arguments, at: expression, &diagnostics)
        }
    }

    private func field(_ path: [String], at expression: ConditionExpression, _ diagnostics: inout [Diagnostic])
        -> ValueType?
    {
        let name = path.joined(separator: ".")
        if let type = schema.type(of: name) { return type }
        let paths = schema.fields.map(\.path)
        let suggestion =
            paths.first { $0.hasSuffix("." + name) } ?? Suggestion.closest(to: name, among: paths)
        var diagnostic = Diagnostic.error(
            .expressionUnknownField, "unknown field '\(name)'", at: expression.location,
            help: suggestion.map { "did you mean '\($0)'?" })
        if let suggestion, let length = expression.length {
            diagnostic.fix = .init(
                summary: "replace '\(name)' with '\(suggestion)'", location: expression.location, length: length,
                replacement: suggestion)
        }
        diagnostic.notes = [
            "conditions read the fields of a generation request: request.*, source.*, generator.*, output.*"
        ]
        diagnostics.append(diagnostic)
        return nil
    }

    private func expectBool(_ expression: ConditionExpression, context: String, _ diagnostics: inout [Diagnostic])
        -> Bool
    {
        guard let type = infer(expression, &diagnostics) else { return false }
        guard type == .bool else {
            diagnostics.append(
                .error(
                    .expressionTypeMismatch, "\(context) needs a bool, but this is a \(type)", at: expression.location))
            return false
        }
        return true
    }

    private func comparison(
        _ op: ComparisonOperator, _ lhs: ConditionExpression, _ rhs: ConditionExpression,
        _ diagnostics: inout [Diagnostic]
    ) -> ValueType? {
        let left = infer(lhs, &diagnostics)
        let right = infer(rhs, &diagnostics)
        guard let left, let right else { return nil }
        guard left.isComparable(with: right) else {
            diagnostics.append(
                .error(
                    .expressionTypeMismatch, "cannot compare a \(left) with a \(right) using '\(op.rawValue)'",
                    at: lhs.location))
            return nil
        }
        if op.isOrdering && !(left.isOrdered && right.isOrdered) {
            diagnostics.append(
                .error(
                    .expressionTypeMismatch, "'\(op.rawValue)' orders numbers, durations and dates, not a \(left)",
                    at: lhs.location, help: "use '==' or '!=', or 'in' with a list"))
            return nil
        }
        let valid = checkEnumeration(left, rhs, &diagnostics) && checkEnumeration(right, lhs, &diagnostics)
        return valid ? .bool : nil
    }

    private func membership(
        negated: Bool, _ lhs: ConditionExpression, _ rhs: ConditionExpression, _ diagnostics: inout [Diagnostic]
    ) -> ValueType? {
        let left = infer(lhs, &diagnostics)
        let right = infer(rhs, &diagnostics)
        guard let left, let right else { return nil }
        let keyword = negated ? "not in" : "in"
        guard case .list(let element) = right else {
            diagnostics.append(
                .error(
                    .expressionTypeMismatch, "'\(keyword)' needs a list on its right, but this is a \(right)",
                    at: rhs.location, help: "write a list: [\"a\", \"b\"]"))
            return nil
        }
        guard left.isComparable(with: element) else {
            diagnostics.append(
                .error(
                    .expressionTypeMismatch, "cannot look for a \(left) in a list of \(element)",
                    at: lhs.location))
            return nil
        }
        var valid = checkEnumeration(element, lhs, &diagnostics)
        if case .list(let items) = rhs.kind {
            for item in items where !checkEnumeration(left, item, &diagnostics) { valid = false }
        }
        return valid ? .bool : nil
    }

    private func list(_ items: [ConditionExpression], _ diagnostics: inout [Diagnostic]) -> ValueType? {
        var element: ValueType?
        var valid = true
        for item in items {
            guard let type = infer(item, &diagnostics) else {
                valid = false
                continue
            }
            if case .list = type {
                diagnostics.append(.error(.expressionTypeMismatch, "lists cannot contain lists", at: item.location))
                valid = false
            } else if let current = element, !current.isComparable(with: type) {
                diagnostics.append(
                    .error(
                        .expressionTypeMismatch, "a list mixes \(current) and \(type) items", at: item.location,
                        help: "every item of a list has the same type"))
                valid = false
            } else if element == nil {
                element = type
            }
        }
        return valid ? .list(element ?? .string) : nil
    }

    private func call(
        _ name: String, _ arguments: [ConditionExpression], at expression: ConditionExpression,
        _ diagnostics: inout [Diagnostic]
    ) -> ValueType? {
        guard let function = ConditionFunction(rawValue: name) else {
            let suggestion = Suggestion.closest(to: name, among: ConditionFunction.allCases.map(\.rawValue))
            var diagnostic = Diagnostic.error(
                .expressionUnknownFunction, "unknown function '\(name)'", at: expression.location,
                help: suggestion.map { "did you mean '\($0)'?" })
            diagnostic.notes = [
                "the functions are " + ConditionFunction.allCases.map(\.signature).joined(separator: ", ")
            ]
            diagnostics.append(diagnostic)
            return nil
        }
        guard arguments.count == 1 else {
            diagnostics.append(
                .error(
                    .expressionUnknownFunction,
                    "'\(name)' takes 1 argument, but \(arguments.count) \(arguments.count == 1 ? "was" : "were") given",
                    at: expression.location, help: function.signature))
            return nil
        }
        let argument = arguments[0]
        switch function {
        case .hasApproval:
            guard case .literal(.string(let role)) = argument.kind else {
                diagnostics.append(
                    .error(
                        .expressionTypeMismatch, "'has_approval' takes a role name as a string literal",
                        at: argument.location, help: "write has_approval(\"privacy_officer\")"))
                return nil
            }
            guard schema.roles.contains(role) else {
                let suggestion = Suggestion.closest(to: role, among: schema.roles)
                diagnostics.append(
                    .error(
                        .policyUndefinedRole, "undefined role '\(role)'", at: argument.location,
                        help: suggestion.map { "did you mean '\($0)'?" } ?? "define it under `roles`"))
                return nil
            }
            return .bool
        case .length:
            guard let type = infer(argument, &diagnostics) else { return nil }
            switch type {
            case .list, .string, .enumeration: return .number
            default:
                diagnostics.append(
                    .error(
                        .expressionTypeMismatch, "'len' takes a list or a string, not a \(type)", at: argument.location)
                )
                return nil
            }
        case .daysUntil:
            guard let type = infer(argument, &diagnostics) else { return nil }
            guard type == .date else {
                diagnostics.append(
                    .error(.expressionTypeMismatch, "'days_until' takes a date, not a \(type)", at: argument.location))
                return nil
            }
            return .number
        }
    }

    /// When `type` is an enumeration and `expression` a string literal, the literal must be one of
    /// its values.
    private func checkEnumeration(
        _ type: ValueType, _ expression: ConditionExpression, _ diagnostics: inout [Diagnostic]
    ) -> Bool {
        guard case .enumeration(let name, let values) = type, case .literal(.string(let value)) = expression.kind,
            !values.contains(value)
        else { return true }
        let suggestion = Suggestion.closest(to: value, among: values)
        var diagnostic = Diagnostic.error(
            .policyUnknownEnumValue, "'\(value)' is not a valid \(name)", at: expression.location,
            help: suggestion.map { "did you mean '\($0)'?" })
        diagnostic.notes = ["\(name) is one of: " + values.joined(separator: ", ")]
        if let suggestion, let length = expression.length {
            diagnostic.fix = .init(
                summary: "replace \"\(value)\" with \"\(suggestion)\"", location: expression.location, length: length,
                replacement: "\"\(suggestion)\"")
        }
        diagnostics.append(diagnostic)
        return false
    }
}

extension Literal {
    var type: ValueType {
        switch self {
        case .bool: .bool
        case .number: .number
        case .string: .string
        case .duration: .duration
        case .date: .date
        }
    }
}

extension ConditionExpression {
    /// The length in characters when the node sits on one line.
    var length: Int? {
        end.line == location.line && end.file == location.file ? end.column - location.column : nil
    }
}
