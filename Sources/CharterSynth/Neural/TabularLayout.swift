import CharterData
import CharterStats

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a tabular VAE sees a table: each numeric column as one normal score plus a two-way
/// present/missing block, each categorical column as a one-hot block with a last "missing" slot.
/// Every column gets its missing slot whether or not the data has missing values, so that the
/// layout depends on the declared domains only (a differentially private model may not read it from
/// the data).
struct TabularLayout: Sendable {
    /// How a numeric column's values become normal scores and back.
    enum NumericTransform: Sendable {
        /// The declared domain's own quantile transform (uniform on [lower, upper], or on its integers):
        /// a value's mid-cell probability through Φ⁻¹. Reads no data.
        case declared(lower: Double, upper: Double, integral: Bool)
        /// The training column's empirical quantile function (the `gaussian-copula` marginal, with its
        /// bounds and rounding): for the non-private `vae` only.
        case empirical(NumericMarginal)

        var name: String {
            switch self {
            case .declared: "declared-domain-quantile"
            case .empirical: "empirical-quantile"
            }
        }
    }

    enum Slot: Sendable {
        case numeric(name: String, value: Int, missing: Range<Int>, transform: NumericTransform)
        case categorical(name: String, block: Range<Int>, labels: [String], output: CategoricalColumn.Output)
    }

    var slots: [Slot]
    /// The number of encoded columns.
    var width: Int
    /// The softmax blocks, in column order.
    var blocks: [Range<Int>]
    /// The encoded index of each numeric value, in column order.
    var numericIndices: [Int]

    /// The layout of `data`; `empirical` lets numeric columns use their training quantiles (not
    /// allowed under differential privacy, where every numeric column must have a declared domain).
    init(_ data: TrainingData, empirical: Bool) {
        var slots: [Slot] = []
        var width = 0
        var blocks: [Range<Int>] = []
        var numericIndices: [Int] = []
        for column in data.columns {
            switch column {
            case .numeric(let numeric):
                let transform: NumericTransform
                if !empirical, let domain = numeric.domain {
                    transform = .declared(lower: domain.lower, upper: domain.upper, integral: domain.integral)
                } else {
                    precondition(empirical, "a private layout needs a declared numeric domain")
                    let missing = column.missingCount
                    transform = .empirical(GaussianCopulaGenerator.fitNumeric(numeric, missing: missing).0)
                }
                slots.append(
                    .numeric(name: numeric.name, value: width, missing: (width + 1)..<(width + 3), transform: transform)
                )
                numericIndices.append(width)
                blocks.append((width + 1)..<(width + 3))
                width += 3
            case .categorical(let categorical):
                let block = width..<(width + categorical.labels.count + 1)
                slots.append(
                    .categorical(
                        name: categorical.name, block: block, labels: categorical.labels, output: categorical.output))
                blocks.append(block)
                width = block.upperBound
            }
        }
        self.slots = slots
        self.width = width
        self.blocks = blocks
        self.numericIndices = numericIndices
    }

    /// The encoded training rows (`rowCount` × `width`, row-major) and each numeric value's presence
    /// (`rowCount` × numeric columns).
    func encode(_ data: TrainingData) -> (x: [Double], present: [Double]) {
        let n = data.rowCount
        var x = [Double](repeating: 0, count: n * width)
        var present = [Double](repeating: 0, count: n * numericIndices.count)
        var numericIndex = 0
        for (slot, column) in zip(slots, data.columns) {
            switch (slot, column) {
            case (.numeric(_, let value, let missing, let transform), .numeric(let numeric)):
                let scores: [Double]
                switch transform {
                case .declared(let lower, let upper, let integral):
                    scores = numeric.values.values.map {
                        Self.declaredScore($0, lower: lower, upper: upper, integral: integral)
                    }
                case .empirical:
                    scores = GaussianCopulaGenerator.fitNumeric(numeric, missing: column.missingCount).1.values
                }
                for r in 0..<n {
                    if numeric.values.isMissing[r] {
                        x[r * width + missing.lowerBound + 1] = 1
                    } else {
                        x[r * width + value] = scores[r]
                        x[r * width + missing.lowerBound] = 1
                        present[r * numericIndices.count + numericIndex] = 1
                    }
                }
                numericIndex += 1
            case (.categorical(_, let block, _, _), .categorical(let categorical)):
                for r in 0..<n {
                    let code = categorical.codes[r]
                    x[r * width + (code < 0 ? block.upperBound - 1 : block.lowerBound + Int(code))] = 1
                }
            default:
                preconditionFailure("the layout was built from these columns")
            }
        }
        return (x, present)
    }

    /// Φ⁻¹ of the value's mid-cell probability under the uniform distribution on the declared
    /// domain (its integers when integral).
    static func declaredScore(_ x: Double, lower: Double, upper: Double, integral: Bool) -> Double {
        let u: Double
        if integral {
            let low = lower.rounded(.up)
            let cells = upper.rounded(.down) - low + 1
            u = (x.rounded() - low + 0.5) / cells
        } else {
            u = upper > lower ? (x - lower) / (upper - lower) : 0.5
        }
        return Normal.quantile(min(max(u, 1e-6), 1 - 1e-6))
    }

    /// The inverse of ``declaredScore(_:lower:upper:integral:)``: Φ(z) through the declared
    /// domain's quantile function, inside the bounds and integral when the domain is.
    static func declaredValue(_ z: Double, lower: Double, upper: Double, integral: Bool) -> Double {
        let u = Normal.cdf(z)
        if integral {
            let low = lower.rounded(.up)
            let high = upper.rounded(.down)
            return min(max((low + (u * (high - low + 1)).rounded(.down)), low), high)
        }
        return min(max(lower + u * (upper - lower), lower), upper)
    }
}
