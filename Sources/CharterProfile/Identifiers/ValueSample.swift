import CharterData

/// A column's distinct present values as text, with how often each occurs: what the identifier
/// rules look at. Numbers are written as the CSV writer writes them (`70`, `5.5`).
struct ValueSample: Sendable {
    /// The distinct present values.
    var texts: [String]
    /// How many rows hold each of ``texts``.
    var counts: [Int]
    /// The number of present rows.
    var present: Int
    /// Whether the column was read as numbers.
    var isNumeric: Bool
    /// Whether every present value is an integer (numeric columns only).
    var allIntegers: Bool

    /// Distinct present values ÷ present rows (0 for an empty column).
    var uniqueness: Double { present == 0 ? 0 : Double(texts.count) / Double(present) }

    /// - Complexity: O(rows) plus a sort of the distinct numbers.
    init(_ column: Column) {
        switch column.values {
        case .numeric(let values):
            var counts: [Double: Int] = [:]
            for (value, missing) in zip(values.values, values.isMissing) where !missing {
                counts[value, default: 0] += 1
            }
            let sorted = counts.keys.sorted()
            texts = sorted.map { value in
                value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
            }
            self.counts = sorted.map { counts[$0] ?? 0 }
            present = values.values.count - values.isMissing.reduce(0) { $0 + ($1 ? 1 : 0) }
            isNumeric = true
            allIntegers = sorted.allSatisfy { $0 == $0.rounded() }
        case .categorical(let values):
            var counts = [Int](repeating: 0, count: values.levels.count)
            for code in values.codes where code >= 0 { counts[Int(code)] += 1 }
            let kept = counts.indices.filter { counts[$0] > 0 }
            texts = kept.map { values.levels[$0] }
            self.counts = kept.map { counts[$0] }
            present = self.counts.reduce(0, +)
            isNumeric = false
            allIntegers = false
        case .boolean(let values):
            var counts = [0, 0]
            for (value, missing) in zip(values.values, values.isMissing) where !missing { counts[value ? 1 : 0] += 1 }
            texts = ["false", "true"].enumerated().filter { counts[$0.offset] > 0 }.map(\.element)
            self.counts = counts.filter { $0 > 0 }
            present = self.counts.reduce(0, +)
            isNumeric = false
            allIntegers = false
        }
    }

    /// The share of present rows whose value satisfies `predicate` (0 for an empty column).
    func share(where predicate: (String) -> Bool) -> Double {
        guard present > 0 else { return 0 }
        var matched = 0
        for (text, count) in zip(texts, counts) where predicate(text) { matched += count }
        return Double(matched) / Double(present)
    }
}
