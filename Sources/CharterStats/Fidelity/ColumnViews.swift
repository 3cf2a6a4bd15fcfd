package import CharterData

/// A column seen as categories: one code per row (`-1` = missing) into `labels` (the CSV text).
package struct LabelView: Sendable {
    package var codes: [Int32]
    package var labels: [String]

    /// The column's categories. Numbers are labelled by their shortest text; booleans as pandas
    /// prints them (`False`, `True`).
    package init(_ column: Column) {
        switch column.values {
        case .categorical(let values):
            codes = values.codes
            labels = values.levels
        case .boolean(let values):
            codes = zip(values.values, values.isMissing).map { $1 ? -1 : ($0 ? 1 : 0) }
            labels = ["False", "True"]
        case .numeric(let values):
            var index: [Double: Int32] = [:]
            var labels: [String] = []
            var codes = [Int32](repeating: -1, count: values.values.count)
            for row in values.values.indices where !values.isMissing[row] {
                let value = values.values[row] == 0 ? 0 : values.values[row]  // -0.0 and 0 are one category
                if let code = index[value] {
                    codes[row] = code
                } else {
                    let code = Int32(labels.count)
                    index[value] = code
                    labels.append(ColumnValues.numeric(NumericValues([value])).text(at: 0) ?? "")
                    codes[row] = code
                }
            }
            self.codes = codes
            self.labels = labels
        }
    }
}

/// Two tables' views of the same column on one shared set of category codes: the union of labels,
/// real labels first in order of appearance, then synthetic-only ones.
package struct JointLabels: Sendable {
    package var labels: [String]
    package var real: [Int32]
    package var synthetic: [Int32]
    /// How many joint labels occur in the real table.
    package var realLabelCount: Int

    package init(real realColumn: Column, synthetic syntheticColumn: Column) {
        let r = LabelView(realColumn)
        let s = LabelView(syntheticColumn)
        var index: [String: Int32] = [:]
        var labels: [String] = []
        for label in r.labels where index[label] == nil {
            index[label] = Int32(labels.count)
            labels.append(label)
        }
        let realCount = labels.count
        for label in s.labels where index[label] == nil {
            index[label] = Int32(labels.count)
            labels.append(label)
        }
        let realMap = r.labels.map { index[$0] ?? -1 }
        let syntheticMap = s.labels.map { index[$0] ?? -1 }
        self.labels = labels
        real = r.codes.map { $0 < 0 ? -1 : realMap[Int($0)] }
        synthetic = s.codes.map { $0 < 0 ? -1 : syntheticMap[Int($0)] }
        realLabelCount = realCount
    }
}

extension Column {
    /// The values as numbers: numeric columns directly, categorical columns whose every level is a
    /// number (numeric-coded ordinals), booleans as 0/1. `nil` for text.
    package var numericView: NumericValues? {
        switch values {
        case .numeric(let values): values
        case .categorical(let values): values.numericValues
        case .boolean(let values): NumericValues(values: values.values.map { $0 ? 1 : 0 }, isMissing: values.isMissing)
        }
    }
}
