public import CharterCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A condition compiled into a flat array of operations over request field slots: fields,
/// roles and functions are resolved once, so evaluating it matches no names, builds no lists
/// and allocates nothing unless a trace is asked for.
///
/// It evaluates exactly as ``ConditionEvaluator`` does: the same short-circuits, the same
/// equality and ordering, the same trace steps in the same order. Whatever it cannot take
/// (an unknown field or function, a list built from fields) makes ``compile(_:roles:)`` return
/// `nil`, and whatever fails while it runs (a missing field, operands of the wrong kinds) throws
/// ``Fallback``: the caller then asks ``ConditionEvaluator`` for the answer and its exact error.
///
/// An immutable class, so that a decision reaching it through its ``ProgramCondition`` copies
/// one reference, not its three arrays (measured: those retains and releases showed in the
/// profile, nine conditions a decision).
final class CompiledCondition: Sendable {
    /// How `has_approval` finds its role.
    enum RoleReference: Sendable {
        /// A role of the policy (the first with that name).
        case index(Int)
        /// A name no role of the policy has: never approved.
        case unknown
        /// The argument is computed; its role is looked up by name.
        case dynamic
    }

    /// One operation; operands are indices of earlier operations.
    enum Operation: Sendable {
        case literal(ProgramValue)
        case field(RequestField)
        case not(Int)
        case and(Int, Int)
        case or(Int, Int)
        case comparison(ComparisonOperator, Int, Int)
        /// `element in [literals…]`: the literals are constants `items`, searched in place.
        case memberOfConstants(negated: Bool, element: Int, items: Range<Int>)
        case membership(negated: Bool, element: Int, list: Int)
        case hasApproval(argument: Int, role: RoleReference)
        case length(Int)
        case daysUntil(Int)
    }

    /// What the trace says about an operation.
    struct Step: Sendable {
        var description: String
        var location: SourceLocation
        var depth: Int
        var isConstant: Bool
    }

    /// Thrown when the compiled condition cannot give the answer by itself.
    struct Fallback: Error {}

    /// What a condition reads besides the request: the roles validly approved and the date.
    struct Context {
        /// The request's field values (``LoweredRequest/values``).
        var values: ContiguousArray<ProgramValue?>
        /// Bit `i` set when role `i` of the policy has a valid approval.
        var approvedRoles: UInt64
        /// The policy's role names, for `has_approval` of a computed name.
        var roleNames: [String]
        var now: CalendarDate
    }

    let operations: ContiguousArray<Operation>
    let steps: [Step]
    let constants: ContiguousArray<ProgramValue>
    let root: Int

    private init(
        operations: ContiguousArray<Operation>, steps: [Step], constants: ContiguousArray<ProgramValue>, root: Int
    ) {
        self.operations = operations
        self.steps = steps
        self.constants = constants
        self.root = root
    }

    // MARK: - Compiling

    /// Compiles an expression against the policy's role names (at most 64); `nil` when some part
    /// of it is left to ``ConditionEvaluator``.
    static func compile(_ expression: ConditionExpression, roles: [String]) -> CompiledCondition? {
        var builder = Builder(roles: roles)
        guard let root = builder.add(expression, depth: 0) else { return nil }
        return CompiledCondition(
            operations: builder.operations, steps: builder.steps, constants: builder.constants, root: root)
    }

    private struct Builder {
        let roles: [String]
        var operations: ContiguousArray<Operation> = []
        var steps: [Step] = []
        var constants: ContiguousArray<ProgramValue> = []

        mutating func add(_ expression: ConditionExpression, depth: Int) -> Int? {
            let operation: Operation
            switch expression.kind {
            case .literal(let literal):
                operation = .literal(ProgramValue(literal))
            case .field(let path):
                guard let field = RequestField(path: path) else { return nil }
                operation = .field(field)
            case .not(let operand):
                guard let operand = add(operand, depth: depth + 1) else { return nil }
                operation = .not(operand)
            case .logical(let op, let lhs, let rhs):
                guard let lhs = add(lhs, depth: depth + 1), let rhs = add(rhs, depth: depth + 1) else { return nil }
                operation = op == .and ? .and(lhs, rhs) : .or(lhs, rhs)
            case .comparison(let op, let lhs, let rhs):
                guard let lhs = add(lhs, depth: depth + 1), let rhs = add(rhs, depth: depth + 1) else { return nil }
                operation = .comparison(op, lhs, rhs)
            case .membership(let negated, let lhs, let rhs):
                guard let element = add(lhs, depth: depth + 1) else { return nil }
                if case .list = rhs.kind, rhs.isConstant {
                    // Searched in place and never evaluated, as ConditionEvaluator does.
                    guard let items = literals(rhs) else { return nil }
                    operation = .memberOfConstants(negated: negated, element: element, items: items)
                } else {
                    guard let list = add(rhs, depth: depth + 1) else { return nil }
                    operation = .membership(negated: negated, element: element, list: list)
                }
            case .list:
                guard let items = literals(expression) else { return nil }
                operation = .literal(.constantList(items))
            case .call(let name, let arguments):
                guard let function = ConditionFunction(rawValue: name), arguments.count == 1,
                    let argument = add(arguments[0], depth: depth + 1)
                else { return nil }
                switch function {
                case .hasApproval:
                    let role: RoleReference
                    if case .literal(.string(let name)) = arguments[0].kind {
                        role = roles.firstIndex(of: name).map(RoleReference.index) ?? .unknown
                    } else {
                        role = .dynamic
                    }
                    operation = .hasApproval(argument: argument, role: role)
                case .length: operation = .length(argument)
                case .daysUntil: operation = .daysUntil(argument)
                }
            }
            operations.append(operation)
            steps.append(
                Step(
                    description: expression.description, location: expression.location, depth: depth,
                    isConstant: expression.isConstant))
            return operations.count - 1
        }

        /// A list whose items are all literals, stored as constants; `nil` for any other list.
        mutating func literals(_ expression: ConditionExpression) -> Range<Int>? {
            guard case .list(let items) = expression.kind else { return nil }
            var values: [ProgramValue] = []
            for item in items {
                guard case .literal(let literal) = item.kind else { return nil }
                values.append(ProgramValue(literal))
            }
            let start = constants.count
            constants.append(contentsOf: values)
            return start..<constants.count
        }
    }

    // MARK: - Evaluating

    /// Whether the condition holds; with `tracing`, every sub-expression evaluated is appended
    /// to `trace` (post-order, as ``ConditionEvaluator/holds(_:trace:)`` records it).
    func holds(
        _ context: Context, tracing: Bool, trace: inout [TraceStep]
    ) throws(Fallback) -> Bool {
        try boolean(root, context, tracing, &trace)
    }

    @inline(__always)
    private func boolean(
        _ index: Int, _ context: Context, _ tracing: Bool, _ trace: inout [TraceStep]
    ) throws(Fallback) -> Bool {
        guard case .bool(let value) = try value(index, context, tracing, &trace) else { throw Fallback() }
        return value
    }

    private func value(
        _ index: Int, _ context: Context, _ tracing: Bool, _ trace: inout [TraceStep]
    ) throws(Fallback) -> ProgramValue {
        let result = try compute(index, context, tracing, &trace)
        if tracing {
            let step = steps[index]
            if !step.isConstant {
                trace.append(
                    TraceStep(
                        expression: step.description, location: step.location,
                        value: conditionValue(result, context), error: nil, depth: step.depth))
            }
        }
        return result
    }

    private func compute(
        _ index: Int, _ context: Context, _ tracing: Bool, _ trace: inout [TraceStep]
    ) throws(Fallback) -> ProgramValue {
        switch operations[index] {
        case .literal(let value):
            return value
        case .field(let field):
            guard let value = context.values[field.rawValue] else { throw Fallback() }
            return value
        case .not(let operand):
            return .bool(!(try boolean(operand, context, tracing, &trace)))
        case .and(let lhs, let rhs):
            guard try boolean(lhs, context, tracing, &trace) else { return .bool(false) }
            return .bool(try boolean(rhs, context, tracing, &trace))
        case .or(let lhs, let rhs):
            if try boolean(lhs, context, tracing, &trace) { return .bool(true) }
            return .bool(try boolean(rhs, context, tracing, &trace))
        case .comparison(let op, let lhs, let rhs):
            let left = try value(lhs, context, tracing, &trace)
            let right = try value(rhs, context, tracing, &trace)
            return .bool(try compare(op, left, right, context))
        case .memberOfConstants(let negated, let element, let items):
            let value = try value(element, context, tracing, &trace)
            var found = false
            for item in items where equal(constants[item], value, context) {
                found = true
                break
            }
            return .bool(found != negated)
        case .membership(let negated, let element, let list):
            let value = try value(element, context, tracing, &trace)
            let items = try self.value(list, context, tracing, &trace)
            switch items {
            case .strings(let list):
                guard case .string(let text) = value else { return .bool(negated) }
                let found = list.contains { $0.value == text }
                return .bool(found != negated)
            case .constantList(let range):
                var found = false
                for item in range where equal(constants[item], value, context) {
                    found = true
                    break
                }
                return .bool(found != negated)
            default:
                throw Fallback()
            }
        case .hasApproval(let argument, let role):
            switch role {
            case .index(let bit): return .bool(context.approvedRoles & (1 << UInt64(bit)) != 0)
            case .unknown: return .bool(false)
            case .dynamic:
                guard case .string(let name) = try value(argument, context, tracing, &trace) else {
                    throw Fallback()
                }
                guard let bit = context.roleNames.firstIndex(of: name) else { return .bool(false) }
                return .bool(context.approvedRoles & (1 << UInt64(bit)) != 0)
            }
        case .length(let argument):
            switch try value(argument, context, tracing, &trace) {
            case .strings(let list): return .number(ProgramNumber(list.count))
            case .constantList(let range): return .number(ProgramNumber(range.count))
            case .string(let text): return .number(ProgramNumber(text.count))
            default: throw Fallback()
            }
        case .daysUntil(let argument):
            guard case .date(let date) = try value(argument, context, tracing, &trace) else { throw Fallback() }
            return .number(ProgramNumber(context.now.days(until: date)))
        }
    }

    /// Equality as ``ConditionValue`` has it: the same kind and the same value; lists item by item.
    private func equal(_ lhs: ProgramValue, _ rhs: ProgramValue, _ context: Context) -> Bool {
        switch (lhs, rhs) {
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return ProgramNumber.order(a, b) == 0
        case (.string(let a), .string(let b)): return a == b
        case (.duration(let a), .duration(let b)): return a == b
        case (.date(let a), .date(let b)): return a == b
        case (.strings, _), (.constantList, _):
            guard let a = listCount(lhs, context), let b = listCount(rhs, context), a == b else { return false }
            for offset in 0..<a where !equal(item(lhs, offset, context), item(rhs, offset, context), context) {
                return false
            }
            return true
        default: return false
        }
    }

    private func listCount(_ value: ProgramValue, _ context: Context) -> Int? {
        switch value {
        case .strings(let list): list.count
        case .constantList(let range): range.count
        default: nil
        }
    }

    private func item(_ list: ProgramValue, _ offset: Int, _ context: Context) -> ProgramValue {
        switch list {
        case .strings(let list): .string(list[offset].value)
        case .constantList(let range): constants[range.lowerBound + offset]
        default: preconditionFailure("item of a value that is not a list")
        }
    }

    private func compare(
        _ op: ComparisonOperator, _ lhs: ProgramValue, _ rhs: ProgramValue, _ context: Context
    ) throws(Fallback) -> Bool {
        switch op {
        case .equal: return equal(lhs, rhs, context)
        case .notEqual: return !equal(lhs, rhs, context)
        default: break
        }
        let ordering: Int
        switch (lhs, rhs) {
        case (.number(let a), .number(let b)): ordering = ProgramNumber.order(a, b)
        case (.date(let a), .date(let b)): ordering = a < b ? -1 : (a == b ? 0 : 1)
        case (.duration(let a), .duration(let b)): ordering = a < b ? -1 : (a == b ? 0 : 1)
        default: throw Fallback()
        }
        switch op {
        case .less: return ordering < 0
        case .lessOrEqual: return ordering <= 0
        case .greater: return ordering > 0
        default: return ordering >= 0
        }
    }

    /// A value as the trace shows it.
    private func conditionValue(_ value: ProgramValue, _ context: Context) -> ConditionValue {
        switch value {
        case .bool(let value): .bool(value)
        case .number(let value): .number(value.decimal)
        case .string(let value): .string(value)
        case .duration(let value): .duration(value)
        case .date(let value): .date(value)
        case .strings(let list): .list(list.map { .string($0.value) })
        case .constantList(let range): .list(constants[range].map { conditionValue($0, context) })
        }
    }
}
