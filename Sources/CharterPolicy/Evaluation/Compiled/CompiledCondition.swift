internal import CharterCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A condition compiled into a flat array of operations over request fields: fields, roles and
/// functions are resolved once, so evaluating it matches no names, copies no strings, builds no
/// lists and allocates nothing unless a trace is asked for.
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
        /// Constant `index`: a literal, or a list of literals.
        case constant(Int)
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
        /// Bit `i` set when role `i` of the policy has a valid approval.
        var approvedRoles: UInt64
        /// The policy's role names, for `has_approval` of a computed name.
        var roleNames: [String]
        var now: CalendarDate
    }

    let operations: ContiguousArray<Operation>
    let steps: [Step]
    /// The literals (a list of literals is a run of them, and a constant of its own).
    let constants: ContiguousArray<ProgramValue>
    /// Each constant as the trace shows it.
    let constantValues: [ConditionValue]
    /// The string literals, which ``ProgramString/constant(_:)`` indexes.
    let strings: [String]
    let root: Int

    private init(_ builder: Builder, root: Int) {
        operations = builder.operations
        steps = builder.steps
        constants = builder.constants
        constantValues = builder.constantValues
        strings = builder.strings
        self.root = root
    }

    // MARK: - Compiling

    /// Compiles an expression against the policy's role names (at most 64); `nil` when some part
    /// of it is left to ``ConditionEvaluator``.
    static func compile(_ expression: ConditionExpression, roles: [String]) -> CompiledCondition? {
        var builder = Builder(roles: roles)
        guard let root = builder.add(expression, depth: 0) else { return nil }
        return CompiledCondition(builder, root: root)
    }

    private struct Builder {
        let roles: [String]
        var operations: ContiguousArray<Operation> = []
        var steps: [Step] = []
        var constants: ContiguousArray<ProgramValue> = []
        var constantValues: [ConditionValue] = []
        var strings: [String] = []

        mutating func add(_ expression: ConditionExpression, depth: Int) -> Int? {
            let operation: Operation
            switch expression.kind {
            case .literal(let literal):
                guard let value = constant(literal) else { return nil }
                operation = .constant(constants.count)
                constants.append(value)
                constantValues.append(ConditionValue(literal))
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
            case .list(let items):
                guard let run = literals(expression) else { return nil }
                operation = .constant(constants.count)
                constants.append(.constantList(run))
                constantValues.append(.list(items.compactMap { item in
                    if case .literal(let literal) = item.kind { ConditionValue(literal) } else { nil }
                }))
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
            var shown: [ConditionValue] = []
            for item in items {
                guard case .literal(let literal) = item.kind, let value = constant(literal) else { return nil }
                values.append(value)
                shown.append(ConditionValue(literal))
            }
            let start = constants.count
            constants.append(contentsOf: values)
            constantValues.append(contentsOf: shown)
            return start..<constants.count
        }

        /// A literal as a value; `nil` for a number without an integer form (left to the
        /// interpreter).
        mutating func constant(_ literal: Literal) -> ProgramValue? {
            switch literal {
            case .bool(let value): return .bool(value)
            case .number(let value): return ProgramNumber(value).map(ProgramValue.number)
            case .string(let value):
                strings.append(value)
                return .string(.constant(strings.count - 1))
            case .duration(let value): return .duration(value)
            case .date(let value): return .date(value)
            }
        }
    }

    // MARK: - Evaluating

    /// Whether the condition holds for `request`; with `tracing`, every sub-expression evaluated
    /// is appended to `trace` (post-order, as ``ConditionEvaluator/holds(_:trace:)`` records it).
    func holds(
        _ request: borrowing GenerationRequest, _ context: Context, tracing: Bool, trace: inout [TraceStep]
    ) throws(Fallback) -> Bool {
        try boolean(root, request, context, tracing, &trace)
    }

    @inline(__always)
    private func boolean(
        _ index: Int, _ request: borrowing GenerationRequest, _ context: Context, _ tracing: Bool,
        _ trace: inout [TraceStep]
    ) throws(Fallback) -> Bool {
        guard case .bool(let value) = try value(index, request, context, tracing, &trace) else { throw Fallback() }
        return value
    }

    @inline(__always)
    private func value(
        _ index: Int, _ request: borrowing GenerationRequest, _ context: Context, _ tracing: Bool,
        _ trace: inout [TraceStep]
    ) throws(Fallback) -> ProgramValue {
        if !tracing {
            // Leaves (a constant, a field) are read here rather than through another call: they
            // are half of a condition's operations.
            switch operations[index] {
            case .constant(let constant): return constants[constant]
            case .field(let field):
                guard let value = Self.read(field, request) else { throw Fallback() }
                return value
            default: return try compute(index, request, context, tracing, &trace)
            }
        }
        let result = try compute(index, request, context, tracing, &trace)
        if tracing {
            let step = steps[index]
            if !step.isConstant {
                trace.append(
                    TraceStep(
                        expression: step.description, location: step.location,
                        value: conditionValue(result, of: index, request), error: nil, depth: step.depth))
            }
        }
        return result
    }

    private func compute(
        _ index: Int, _ request: borrowing GenerationRequest, _ context: Context, _ tracing: Bool,
        _ trace: inout [TraceStep]
    ) throws(Fallback) -> ProgramValue {
        switch operations[index] {
        case .constant(let constant):
            return constants[constant]
        case .field(let field):
            guard let value = Self.read(field, request) else { throw Fallback() }
            return value
        case .not(let operand):
            return .bool(!(try boolean(operand, request, context, tracing, &trace)))
        case .and(let lhs, let rhs):
            guard try boolean(lhs, request, context, tracing, &trace) else { return .bool(false) }
            return .bool(try boolean(rhs, request, context, tracing, &trace))
        case .or(let lhs, let rhs):
            if try boolean(lhs, request, context, tracing, &trace) { return .bool(true) }
            return .bool(try boolean(rhs, request, context, tracing, &trace))
        case .comparison(let op, let lhs, let rhs):
            let left = try value(lhs, request, context, tracing, &trace)
            let right = try value(rhs, request, context, tracing, &trace)
            return .bool(try compare(op, left, right, request))
        case .memberOfConstants(let negated, let element, let items):
            let value = try value(element, request, context, tracing, &trace)
            var found = false
            for item in items where equal(constants[item], value, request) {
                found = true
                break
            }
            return .bool(found != negated)
        case .membership(let negated, let element, let list):
            let value = try value(element, request, context, tracing, &trace)
            let items = try self.value(list, request, context, tracing, &trace)
            guard let count = count(items, request) else { throw Fallback() }
            var found = false
            for offset in 0..<count where equal(item(items, offset), value, request) {
                found = true
                break
            }
            return .bool(found != negated)
        case .hasApproval(let argument, let role):
            switch role {
            case .index(let bit): return .bool(context.approvedRoles & (1 << UInt64(bit)) != 0)
            case .unknown: return .bool(false)
            case .dynamic:
                guard case .string(let name) = try value(argument, request, context, tracing, &trace) else {
                    throw Fallback()
                }
                guard let bit = context.roleNames.firstIndex(of: string(name, request)) else { return .bool(false) }
                return .bool(context.approvedRoles & (1 << UInt64(bit)) != 0)
            }
        case .length(let argument):
            let value = try value(argument, request, context, tracing, &trace)
            if case .string(let text) = value { return .number(ProgramNumber(string(text, request).count)) }
            guard let count = count(value, request) else { throw Fallback() }
            return .number(ProgramNumber(count))
        case .daysUntil(let argument):
            guard case .date(let date) = try value(argument, request, context, tracing, &trace) else {
                throw Fallback()
            }
            return .number(ProgramNumber(context.now.days(until: date)))
        }
    }

    /// A request field as a value, read in place; `nil` when the request leaves it out and it has
    /// no default, or for a number without an integer form (the interpreter then answers).
    @inline(__always)
    private static func read(_ field: RequestField, _ request: borrowing GenerationRequest) -> ProgramValue? {
        switch field {
        case .requestID, .requester, .purpose, .audience, .sourceDataset, .sourceClassification, .generatorType:
            return .string(.field(field))
        case .ticket, .jurisdiction, .sourceJurisdiction, .sourcePrivacyUnit, .sourceTarget:
            return request.string(of: field) == nil ? nil : .string(.field(field))
        case .consumers, .sourceQuasiIdentifiers, .sourceSensitive, .sourceProtected, .sourceExclude:
            return .strings(field)
        case .highRiskAI: return .bool(request.highRiskAI?.value ?? false)
        case .expiresAt: return request.expiresAt.map { .date($0.value) }
        case .sourceRows: return request.source.rows.map { .number(ProgramNumber($0.value)) }
        case .generatorEpsilon: return request.generator.epsilon.flatMap { ProgramNumber($0) }.map(ProgramValue.number)
        case .generatorDelta: return request.generator.delta.flatMap { ProgramNumber($0) }.map(ProgramValue.number)
        case .outputRows: return .number(ProgramNumber(request.output.rows.value))
        }
    }

    /// The text of a string value.
    @inline(__always)
    private func string(_ value: ProgramString, _ request: borrowing GenerationRequest) -> String {
        switch value {
        case .constant(let index): strings[index]
        case .field(let field): request.string(of: field) ?? ""
        case .item(let field, let offset): request.strings(of: field)[offset].value
        }
    }

    /// Equality as ``ConditionValue`` has it: the same kind and the same value; lists item by item.
    private func equal(_ lhs: ProgramValue, _ rhs: ProgramValue, _ request: borrowing GenerationRequest) -> Bool {
        switch (lhs, rhs) {
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return ProgramNumber.order(a, b) == 0
        case (.string(let a), .string(let b)):
            if a == b { return true }
            // A field against a constant, the common case, compares in place (no copies).
            switch (a, b) {
            case (.field(let field), .constant(let index)), (.constant(let index), .field(let field)):
                return request.string(of: field, equals: strings[index])
            default: return string(a, request) == string(b, request)
            }
        case (.duration(let a), .duration(let b)): return a == b
        case (.date(let a), .date(let b)): return a == b
        case (.strings, _), (.constantList, _):
            guard let a = count(lhs, request), let b = count(rhs, request), a == b else { return false }
            for offset in 0..<a where !equal(item(lhs, offset), item(rhs, offset), request) {
                return false
            }
            return true
        default: return false
        }
    }

    /// The number of items of a list; `nil` for a value that is not a list.
    private func count(_ value: ProgramValue, _ request: borrowing GenerationRequest) -> Int? {
        switch value {
        case .strings(let field): request.strings(of: field).count
        case .constantList(let range): range.count
        default: nil
        }
    }

    private func item(_ list: ProgramValue, _ offset: Int) -> ProgramValue {
        switch list {
        case .strings(let field): .string(.item(field, offset))
        case .constantList(let range): constants[range.lowerBound + offset]
        default: preconditionFailure("item of a value that is not a list")
        }
    }

    private func compare(
        _ op: ComparisonOperator, _ lhs: ProgramValue, _ rhs: ProgramValue, _ request: borrowing GenerationRequest
    ) throws(Fallback) -> Bool {
        switch op {
        case .equal: return equal(lhs, rhs, request)
        case .notEqual: return !equal(lhs, rhs, request)
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

    /// The value operation `index` computed, as the trace shows it: a field as the request
    /// gives it (numbers as written), a constant as the policy writes it.
    private func conditionValue(
        _ value: ProgramValue, of index: Int, _ request: borrowing GenerationRequest
    ) -> ConditionValue {
        switch operations[index] {
        case .field(let field):
            if let value = request.conditionValue(of: field) { return value }
        case .constant(let constant):
            return constantValues[constant]
        default: break
        }
        switch value {
        case .bool(let value): return .bool(value)
        case .number(let value): return .number(value.decimal)
        case .string(let value): return .string(string(value, request))
        case .duration(let value): return .duration(value)
        case .date(let value): return .date(value)
        case .strings(let field): return request.conditionValue(of: field) ?? .list([])
        case .constantList(let range): return .list(Array(constantValues[range]))
        }
    }
}
