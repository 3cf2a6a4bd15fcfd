/// Turns a column's raw text into typed values: inference, or a declared type.
enum ColumnConversion {
    struct Problem: Error {
        enum Reason {
            case invalidUTF8
            case notA(String)
        }
        var row: Int
        var reason: Reason
    }

    static func convert(_ arena: FieldArena, as declared: ColumnType?) -> Result<ColumnValues, Problem> {
        switch declared {
        case .numeric:
            return numeric(arena).map { .numeric($0) }
        case .boolean:
            return boolean(arena).map { .boolean($0) }
        case .categorical:
            return categorical(arena).map { .categorical($0) }
        case nil where arena.anyQuoted:
            return categorical(arena).map { .categorical($0) }
        case nil:
            if case .success(let values) = numeric(arena) { return .success(.numeric(values)) }
            if case .success(let values) = boolean(arena) { return .success(.boolean(values)) }
            return categorical(arena).map { .categorical($0) }
        }
    }

    static func numeric(_ arena: FieldArena) -> Result<NumericValues, Problem> {
        let count = arena.count
        var values = [Double](repeating: 0, count: count)
        let failure: Int? = arena.store.bytes.withUnsafeBufferPointer { bytes in
            for row in 0..<count where !arena.isMissing(row) {
                guard let value = NumberParsing.parse(UnsafeBufferPointer(rebasing: bytes[arena.range(row)])) else {
                    return row
                }
                values[row] = value
            }
            return nil
        }
        if let failure { return .failure(Problem(row: failure, reason: .notA("a finite decimal number"))) }
        return .success(NumericValues(values: values, isMissing: arena.missingMask))
    }

    static func boolean(_ arena: FieldArena) -> Result<BooleanValues, Problem> {
        var values = [Bool](repeating: false, count: arena.count)
        for row in 0..<arena.count where !arena.isMissing(row) {
            let parsed: Bool? = arena.withField(row) { bytes in
                // ASCII case folding in place: no allocation per row.
                func matches(_ word: StaticString) -> Bool {
                    guard bytes.count == word.utf8CodeUnitCount else { return false }
                    let expected = word.utf8Start
                    for i in 0..<bytes.count where bytes[i] | 0x20 != expected[i] { return false }
                    return true
                }
                if matches("true") { return true }
                if matches("false") { return false }
                return nil
            }
            guard let parsed else { return .failure(Problem(row: row, reason: .notA("true or false"))) }
            values[row] = parsed
        }
        return .success(BooleanValues(values: values, isMissing: arena.missingMask))
    }

    static func categorical(_ arena: FieldArena) -> Result<CategoricalValues, Problem> {
        var interner = ByteStringInterner()
        var codes = [Int32](repeating: -1, count: arena.count)
        var firstRow: [Int] = []
        arena.store.bytes.withUnsafeBufferPointer { bytes in
            for row in 0..<arena.count where !arena.isMissing(row) {
                let code = interner.code(for: UnsafeBufferPointer(rebasing: bytes[arena.range(row)]))
                if Int(code) == firstRow.count { firstRow.append(row) }
                codes[row] = code
            }
        }
        var levels: [String] = []
        levels.reserveCapacity(interner.count)
        for code in 0..<interner.count {
            guard let text = String(validating: interner.levelBytes(code), as: UTF8.self) else {
                return .failure(Problem(row: firstRow[code], reason: .invalidUTF8))
            }
            levels.append(text)
        }
        return .success(CategoricalValues(codes: codes, levels: levels))
    }
}
