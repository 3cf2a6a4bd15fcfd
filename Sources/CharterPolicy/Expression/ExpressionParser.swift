import CharterCore

/// Parses a condition (`grammar/expr.ebnf`) into an ``ConditionExpression`` whose nodes carry file
/// positions, through a map from byte offsets of the condition's text to the policy file.
///
/// Recursive descent with one function per precedence level, lowest first: `or`, `and`, `not`,
/// comparison (which does not chain), primary. Nesting is limited to ``maximumDepth`` so that a
/// hostile condition cannot exhaust the stack.
struct ExpressionParser {
    /// The deepest nesting of parentheses, lists, calls and `not` a condition may have.
    static let maximumDepth = 64

    private let tokens: [ExpressionToken]
    private let locate: (Int) -> SourceLocation
    private let locateEnd: (Int) -> SourceLocation
    private var index = 0
    private var depth = 0

    /// Parses `text`; `locate` maps a byte offset of `text` to its place in the file, and
    /// `locateEnd` the offset just past a token to the place just past it.
    static func parse(
        _ text: String, locate: @escaping (Int) -> SourceLocation, locateEnd: @escaping (Int) -> SourceLocation
    ) throws(ExpressionSyntaxError) -> ConditionExpression {
        var parser = ExpressionParser(
            tokens: try ExpressionLexer.tokens(of: text), locate: locate, locateEnd: locateEnd)
        guard parser.current.kind != .end else {
            throw ExpressionSyntaxError(
                message: "the condition is empty", offset: 0, help: "write a condition, or `true`")
        }
        let expression = try parser.orExpression()
        guard parser.current.kind == .end else {
            throw ExpressionSyntaxError(
                message: "expected 'and', 'or' or the end of the condition, found \(parser.current.kind.spelling)",
                offset: parser.current.start)
        }
        return expression
    }

    private init(
        tokens: [ExpressionToken], locate: @escaping (Int) -> SourceLocation,
        locateEnd: @escaping (Int) -> SourceLocation
    ) {
        self.tokens = tokens
        self.locate = locate
        self.locateEnd = locateEnd
    }

    private var current: ExpressionToken { tokens[index] }

    private mutating func advance() -> ExpressionToken {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    private func node(_ kind: ConditionExpression.Kind, from start: Int, to end: Int) -> ConditionExpression {
        ConditionExpression(kind, location: locate(start), end: locateEnd(end))
    }

    private mutating func orExpression() throws(ExpressionSyntaxError) -> ConditionExpression {
        let start = current.start
        var lhs = try andExpression()
        while current.kind == .keyword(.or) {
            _ = advance()
            let rhs = try andExpression()
            lhs = node(.logical(.or, lhs, rhs), from: start, to: tokens[index - 1].end)
        }
        return lhs
    }

    private mutating func andExpression() throws(ExpressionSyntaxError) -> ConditionExpression {
        let start = current.start
        var lhs = try notExpression()
        while current.kind == .keyword(.and) {
            _ = advance()
            let rhs = try notExpression()
            lhs = node(.logical(.and, lhs, rhs), from: start, to: tokens[index - 1].end)
        }
        return lhs
    }

    private mutating func notExpression() throws(ExpressionSyntaxError) -> ConditionExpression {
        guard current.kind == .keyword(.not) else { return try comparison() }
        let start = advance().start
        try enter(at: start)
        defer { depth -= 1 }
        let operand = try notExpression()
        return node(.not(operand), from: start, to: tokens[index - 1].end)
    }

    private mutating func comparison() throws(ExpressionSyntaxError) -> ConditionExpression {
        let start = current.start
        let lhs = try primary()
        let kind: ConditionExpression.Kind
        switch current.kind {
        case .symbol(let symbol) where ComparisonOperator(rawValue: symbol.rawValue) != nil:
            _ = advance()
            let rhs = try primary()
            // A symbol whose raw value is an operator's always maps to that operator.
            kind = .comparison(ComparisonOperator(rawValue: symbol.rawValue) ?? .equal, lhs, rhs)
        case .keyword(.in):
            _ = advance()
            kind = .membership(negated: false, lhs, try primary())
        case .keyword(.not) where tokens[index + 1].kind == .keyword(.in):
            _ = advance()
            _ = advance()
            kind = .membership(negated: true, lhs, try primary())
        default:
            return lhs
        }
        if case .symbol(let symbol) = current.kind, ComparisonOperator(rawValue: symbol.rawValue) != nil {
            throw ExpressionSyntaxError(
                message: "comparisons do not chain", offset: current.start, help: "join two comparisons with 'and'")
        }
        return node(kind, from: start, to: tokens[index - 1].end)
    }

    private mutating func primary() throws(ExpressionSyntaxError) -> ConditionExpression {
        let token = current
        switch token.kind {
        case .literal(let literal):
            _ = advance()
            return node(.literal(literal), from: token.start, to: token.end)
        case .identifier(let name):
            _ = advance()
            if current.kind == .symbol(.openParen) {
                let arguments = try sequence(closing: .closeParen, opening: token.start)
                return node(.call(name, arguments), from: token.start, to: tokens[index - 1].end)
            }
            var path = [name]
            while current.kind == .symbol(.dot) {
                _ = advance()
                guard case .identifier(let part) = current.kind else {
                    throw ExpressionSyntaxError(
                        message: "expected a field name after '.', found \(current.kind.spelling)",
                        offset: current.start)
                }
                _ = advance()
                path.append(part)
            }
            return node(.field(path), from: token.start, to: tokens[index - 1].end)
        case .symbol(.openParen):
            _ = advance()
            try enter(at: token.start)
            defer { depth -= 1 }
            let inner = try orExpression()
            guard current.kind == .symbol(.closeParen) else {
                throw ExpressionSyntaxError(
                    message: "expected ')' to close '(', found \(current.kind.spelling)",
                    offset: current.start, help: "every '(' needs a matching ')'")
            }
            _ = advance()
            return inner
        case .symbol(.openBracket):
            let items = try sequence(closing: .closeBracket, opening: token.start)
            return node(.list(items), from: token.start, to: tokens[index - 1].end)
        default:
            throw ExpressionSyntaxError(
                message: "expected a value, a field or '(', found \(token.kind.spelling)", offset: token.start)
        }
    }

    /// `( a, b )` or `[ a, b, ]`, the opening symbol being the current token.
    private mutating func sequence(
        closing: ExpressionToken.Symbol, opening: Int
    ) throws(ExpressionSyntaxError) -> [ConditionExpression] {
        _ = advance()
        try enter(at: opening)
        defer { depth -= 1 }
        var items: [ConditionExpression] = []
        while current.kind != .symbol(closing) {
            items.append(try orExpression())
            if current.kind == .symbol(.comma) {
                _ = advance()
            } else if current.kind != .symbol(closing) {
                throw ExpressionSyntaxError(
                    message: "expected ',' or '\(closing.rawValue)', found \(current.kind.spelling)",
                    offset: current.start)
            }
        }
        _ = advance()
        return items
    }

    private mutating func enter(at offset: Int) throws(ExpressionSyntaxError) {
        depth += 1
        guard depth <= Self.maximumDepth else {
            throw ExpressionSyntaxError(
                message: "the condition nests deeper than \(Self.maximumDepth) levels", offset: offset,
                help: "split it into several rules or tiers")
        }
    }
}

extension ExpressionToken.Kind {
    /// How an error message names the token.
    var spelling: String {
        switch self {
        case .identifier(let name): "'\(name)'"
        case .keyword(let keyword): "'\(keyword.rawValue)'"
        case .literal(let literal): literal.description
        case .symbol(let symbol): "'\(symbol.rawValue)'"
        case .end: "the end of the condition"
        }
    }
}
