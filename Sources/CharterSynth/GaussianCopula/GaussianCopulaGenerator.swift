public import CharterCore
public import CharterData
internal import CharterStats

/// `gaussian-copula`: a Gaussian copula fitted on the training data, without differential privacy.
///
/// - **Marginals**: numeric columns get their empirical quantile function, linear between order
///   statistics (so sampled values stay within the training minimum and maximum, and inside the
///   declared bounds when a domain is given), rounded to whole numbers when the domain is integral,
///   otherwise to the decimals the training values use (SDV's `enforce_rounding`). Categorical,
///   ordinal and boolean columns get frequency intervals on the probability scale (SDV's frequency
///   encoding): category k covers [p₀+…+p_{k−1}, p₀+…+p_k).
/// - **Missing values**: a rate per column, drawn independently at sampling.
/// - **Dependence**: each value's normal score is the mean of a standard normal over its block (a
///   tie block or a category interval); the Pearson correlation of the scores on pairwise-complete
///   rows, corrected for the coarseness of each column (``ScoreCorrelation``), is projected to the
///   nearest valid correlation matrix (Higham 2002) and sampled through its Cholesky factor.
/// - **Determinism**: the same training table, settings and seed give the same rows.
///
/// Parameters (`settings.parameters`): `target` (a column that must hold two classes),
/// `attenuation_correction` (boolean, default `true`).
public struct GaussianCopulaGenerator: SyntheticDataGenerator {
    public let name = "gaussian-copula"
    public let version = "1.0.0"
    public let isDifferentiallyPrivate = false

    /// Creates the generator.
    public init() {}

    public func generate(training: Table, rowCount: Int, settings: GeneratorSettings) throws(GeneratorError)
        -> GeneratorOutput
    {
        guard rowCount >= 1, rowCount <= TrainingData.maximumRowCount else {
            throw GeneratorError(
                .generatorInvalidRowCount,
                "cannot sample \(rowCount) rows; ask for 1 to \(TrainingData.maximumRowCount)")
        }
        let fitted = try fit(training: training, settings: settings)
        let (table, mix) = try ClassMix.sampling(rowCount: rowCount, settings: settings) {
            (rows, attempt) throws(GeneratorError) in
            try fitted.sample(rowCount: rows, seed: ClassMix.seed(settings.seed, attempt: attempt))
        }
        let lineage = GeneratorLineage(
            generator: name, version: version, seed: settings.seed,
            parameters: fitted.lineageParameters.addingClassMix(mix))
        return GeneratorOutput(table: table, privacy: nil, lineage: lineage, warnings: fitted.warnings)
    }

    /// Fits the model without sampling, for sampling several times (this generator has no privacy
    /// guarantee, so its fitted model may be kept).
    /// - Complexity: O(n·d) plus a radix sort per numeric column and O(n·d²) for the correlation.
    public func fit(training: Table, settings: GeneratorSettings) throws(GeneratorError) -> FittedGaussianCopula {
        let data = try TrainingData.prepare(training: training, rowCount: 1, settings: settings, requireDomains: false)
        var correct = true
        if let value = settings.parameters["attenuation_correction"] {
            guard case .bool(let flag) = value else {
                throw GeneratorError(.generatorInvalidParameter, "parameter 'attenuation_correction' must be a boolean")
            }
            correct = flag
        }
        let target = settings.parameters["target"]?.stringValue
        let (model, warnings) = Self.fit(Self.orderedByTarget(data, target: target), correctAttenuation: correct)
        return FittedGaussianCopula(
            model: model, warnings: warnings,
            lineageParameters: Self.lineageParameters(data, model: model, correct: correct))
    }

    /// Fits the copula: marginals, missing rates and the projected score correlation.
    static func fit(_ data: TrainingData, correctAttenuation: Bool) -> (CopulaModel, [String]) {
        var columns: [CopulaModel.ModelColumn] = []
        var scores: [ScoreCorrelation.Scores] = []
        var warnings: [String] = []
        let n = data.rowCount
        for column in data.columns {
            let missing = column.missingCount
            if missing == n {
                warnings.append("column '\(column.name)' has no values; every sampled value is missing")
            }
            let rate = Double(missing) / Double(n)
            switch column {
            case .numeric(let numeric):
                let (marginal, columnScores) = fitNumeric(numeric, missing: missing)
                columns.append(.init(name: numeric.name, marginal: .numeric(marginal), missingRate: rate))
                scores.append(columnScores)
            case .categorical(let categorical):
                let (marginal, columnScores) = fitCategorical(categorical, missing: missing)
                columns.append(
                    .init(
                        name: categorical.name,
                        marginal: .categorical(marginal, labels: categorical.labels, output: categorical.output),
                        missingRate: rate))
                scores.append(columnScores)
            }
        }
        let estimate = ScoreCorrelation.estimate(scores, correct: correctAttenuation)
        let (correlation, usedIdentity) = CopulaModel.validCorrelation(estimate)
        if usedIdentity {
            warnings.append(
                "the correlation estimate could not be made positive definite; columns are sampled independently")
        }
        return (CopulaModel(columns: columns, correlation: correlation), warnings)
    }

    /// The training data with each unordered categorical column (more than two categories, no
    /// declared order) ordered by the mean normal score of the target within each category, so
    /// that the one latent correlation a copula has per pair carries the category–target relation
    /// as well as it can. Without a target the frequency order stays.
    static func orderedByTarget(_ data: TrainingData, target: String?) -> TrainingData {
        guard let target, let targetIndex = data.columns.firstIndex(where: { $0.name == target }) else { return data }
        let targetScores: ScoreCorrelation.Scores
        switch data.columns[targetIndex] {
        case .numeric(let column): targetScores = fitNumeric(column, missing: data.columns[targetIndex].missingCount).1
        case .categorical(let column):
            targetScores = fitCategorical(column, missing: data.columns[targetIndex].missingCount).1
        }
        var result = data
        for (index, encoded) in data.columns.enumerated() where index != targetIndex {
            guard case .categorical(let column) = encoded, !column.declared, column.labels.count > 2,
                case .text = column.output
            else { continue }
            var sums = [Double](repeating: 0, count: column.labels.count)
            var counts = [Double](repeating: 0, count: column.labels.count)
            for (row, code) in column.codes.enumerated() where code >= 0 && (targetScores.present?[row] ?? true) {
                sums[Int(code)] += targetScores.values[row]
                counts[Int(code)] += 1
            }
            let keys = sums.indices.map { counts[$0] > 0 ? sums[$0] / counts[$0] : 0 }
            let order = keys.indices.sorted { keys[$0] < keys[$1] || (keys[$0] == keys[$1] && $0 < $1) }
            var map = [Int32](repeating: -1, count: order.count)
            for (position, level) in order.enumerated() { map[level] = Int32(position) }
            var reordered = column
            reordered.labels = order.map { column.labels[$0] }
            reordered.codes = column.codes.map { $0 < 0 ? -1 : map[Int($0)] }
            result.columns[index] = .categorical(reordered)
        }
        return result
    }

    /// The empirical quantile marginal and each row's normal score.
    static func fitNumeric(_ column: NumericColumn, missing: Int) -> (NumericMarginal, ScoreCorrelation.Scores) {
        let n = column.values.values.count
        let present: [Double]
        let rows: [Int32]
        if missing == 0 {
            present = column.values.values
            rows = []
        } else {
            var values: [Double] = []
            var indices: [Int32] = []
            values.reserveCapacity(n - missing)
            indices.reserveCapacity(n - missing)
            for i in 0..<n where !column.values.isMissing[i] {
                values.append(column.values.values[i])
                indices.append(Int32(i))
            }
            present = values
            rows = indices
        }
        let m = present.count
        var scores = [Double](repeating: 0, count: n)
        guard m > 0 else {
            let zero = column.domain.map { $0.integral ? $0.lower.rounded(.up) : $0.lower } ?? 0
            let marginal = NumericMarginal(
                knotsU: [0, 1], knotsX: [zero, zero], lower: zero, upper: zero, rounding: .none)
            return (marginal, .init(values: scores, present: column.values.isMissing.map { !$0 }))
        }
        let order = RadixSort.order(present)
        var sorted = [Double](repeating: 0, count: m)
        for i in 0..<m { sorted[i] = present[Int(order[i])] }
        // Tie blocks: positions [start, end) share one value and one score.
        var distinct: [Double] = []
        var start = 0
        var alpha = -Double.infinity
        let total = Double(m)
        while start < m {
            var end = start + 1
            while end < m && sorted[end] == sorted[start] { end += 1 }
            let b = Double(end) / total
            let beta = NormalScores.boundary(b)
            let score = NormalScores.blockMean(a: Double(start) / total, b: b, alpha: alpha, beta: beta)
            for p in start..<end {
                let row = missing == 0 ? Int(order[p]) : Int(rows[Int(order[p])])
                scores[row] = score
            }
            distinct.append(sorted[start])
            alpha = beta
            start = end
        }
        // Knots at the order statistics' midpoints, plus the minimum and maximum at 0 and 1.
        var knotsU = [Double](repeating: 0, count: m + 2)
        var knotsX = [Double](repeating: 0, count: m + 2)
        knotsX[0] = sorted[0]
        for i in 0..<m {
            knotsU[i + 1] = (Double(i) + 0.5) / total
            knotsX[i + 1] = sorted[i]
        }
        knotsU[m + 1] = 1
        knotsX[m + 1] = sorted[m - 1]
        var lower = sorted[0]
        var upper = sorted[m - 1]
        let rounding: NumericMarginal.Rounding
        if let domain = column.domain {
            lower = max(lower, domain.lower)
            upper = min(upper, domain.upper)
            rounding =
                domain.integral
                ? .integer : NumericMarginal.learnedDecimals(sortedDistinct: distinct).map { .decimals($0) } ?? .none
        } else {
            rounding =
                NumericMarginal.learnedDecimals(sortedDistinct: distinct).map { $0 == 0 ? .integer : .decimals($0) }
                ?? .none
        }
        let marginal = NumericMarginal(knotsU: knotsU, knotsX: knotsX, lower: lower, upper: upper, rounding: rounding)
        return (marginal, .init(values: scores, present: missing == 0 ? nil : column.values.isMissing.map { !$0 }))
    }

    /// The frequency intervals and each row's normal score.
    static func fitCategorical(_ column: CategoricalColumn, missing: Int) -> (
        CategoricalMarginal, ScoreCorrelation.Scores
    ) {
        let k = column.labels.count
        var counts = [Int](repeating: 0, count: k)
        for code in column.codes where code >= 0 { counts[Int(code)] += 1 }
        let present = column.codes.count - missing
        let probabilities: [Double] =
            present > 0
            ? counts.map { Double($0) / Double(present) }
            : [Double](repeating: 1 / Double(k), count: k)
        var levelScores = [Double](repeating: 0, count: k)
        var a = 0.0
        var alpha = -Double.infinity
        var cumulative = 0
        for level in 0..<k {
            cumulative += counts[level]
            let b = present > 0 ? Double(cumulative) / Double(present) : 0
            let beta = level == k - 1 ? Double.infinity : NormalScores.boundary(b)
            if counts[level] > 0 {
                levelScores[level] = NormalScores.blockMean(a: a, b: b, alpha: alpha, beta: beta)
            }
            a = b
            alpha = beta
        }
        let scores = column.codes.map { $0 < 0 ? 0 : levelScores[Int($0)] }
        return (
            CategoricalMarginal(probabilities: probabilities),
            .init(values: scores, present: missing == 0 ? nil : column.codes.map { $0 >= 0 })
        )
    }

    /// What the lineage records: the model's settings and, per column, how it was modelled (no data
    /// values).
    static func lineageParameters(_ data: TrainingData, model: CopulaModel, correct: Bool) -> JSONValue {
        var columns: [String: JSONValue] = [:]
        for column in model.columns {
            switch column.marginal {
            case .numeric(let marginal):
                columns[column.name] = [
                    "marginal": "empirical-quantile", "rounding": .string(marginal.rounding.description),
                ]
            case .categorical(_, let labels, _):
                columns[column.name] = ["marginal": "frequency-intervals", "categories": .integer(labels.count)]
            }
        }
        return [
            "attenuation_correction": .bool(correct),
            "columns": .object(columns),
            "correlation": "pearson of normal scores, pairwise complete, projected to the nearest correlation matrix",
            "missing_values": "independent rate per column",
            "normal_score_grid": ["cells": .integer(NumericMarginal.cells), "z_max": .number(NumericMarginal.zMax)],
        ]
    }
}

/// A fitted `gaussian-copula` model: sample it as often as needed.
public struct FittedGaussianCopula: Sendable {
    let model: CopulaModel
    /// What a person should know about the fit.
    public let warnings: [String]
    /// The parameters the lineage records.
    public let lineageParameters: JSONValue

    /// `rowCount` rows drawn with the model's own randomness from `seed`; the same seed gives the
    /// same rows.
    /// - Complexity: O(rowCount · d²/2).
    public func sample(rowCount: Int, seed: UInt64) throws(GeneratorError) -> Table {
        guard rowCount >= 1, rowCount <= TrainingData.maximumRowCount else {
            throw GeneratorError(
                .generatorInvalidRowCount,
                "cannot sample \(rowCount) rows; ask for 1 to \(TrainingData.maximumRowCount)")
        }
        return model.sample(rowCount: rowCount, seed: seed)
    }
}
