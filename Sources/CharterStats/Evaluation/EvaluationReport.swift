public import CharterCore
public import CharterData

/// Every fidelity and utility metric on a train, holdout and synthetic table, as one JSON document
/// whose keys are the ones `Tests/Fixtures/reference-metrics/*/metrics.json` uses for the same quantities
/// (`sdmetrics.column_shapes`, `sdmetrics.quality_report`, `scipy.ks_2samp`, `tstr.primary`, …),
/// so that the two can be diffed.
///
/// Undefined values are JSON `null` with a line in `notes` saying why — never NaN. Other modules
/// (privacy and disclosure metrics) add their sections with ``merging(_:)``.
public struct EvaluationReport: Sendable {
    /// The three tables and their schema.
    public struct Inputs: Sendable {
        public var train: Table
        public var holdout: Table
        public var synthetic: Table
        public var schema: TableSchema
        /// `train`/`holdout`/`synthetic` → {path, rows, sha256}, recorded under `inputs.files`.
        public var files: [String: JSONValue]

        public init(
            train: Table, holdout: Table, synthetic: Table, schema: TableSchema, files: [String: JSONValue] = [:]
        ) {
            self.train = train
            self.holdout = holdout
            self.synthetic = synthetic
            self.schema = schema
            self.files = files
        }
    }

    /// The versions of the definitions this report follows.
    public static let versions: [String: JSONValue] = [
        "sdmetrics": .string(SDMetrics.version), "scipy": "1.17.1", "scikit-learn": "1.9.1", "pandas": "2.3.3",
        "numpy": "1.26.4",
    ]

    /// The sections an evaluation can compute (`charter evaluate --only`).
    public struct Sections: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// SDMetrics quality report, scipy column tests, correlation matrices.
        public static let fidelity = Sections(rawValue: 1)
        /// TSTR/TRTS (needs a target).
        public static let utility = Sections(rawValue: 2)
        /// DCR, new-row synthesis, the membership attack, k-anonymity, attribute inference.
        public static let disclosure = Sections(rawValue: 4)
        /// Every section.
        public static let all: Sections = [.fidelity, .utility, .disclosure]
        /// The names, in order, as `--only` spells them.
        public static let names: [(String, Sections)] = [
            ("fidelity", .fidelity), ("utility", .utility), ("disclosure", .disclosure),
        ]
        /// The sections' names, in order.
        public var spelled: [String] { Self.names.filter { contains($0.1) }.map(\.0) }

        /// The sections `names` spell, or the first name that spells none (`--only`, and the
        /// server's `only`).
        public static func named(_ names: some Sequence<String>) -> Result<Sections, UnknownSection> {
            var sections: Sections = []
            for name in names {
                guard let section = Self.names.first(where: { $0.0 == name })?.1 else {
                    return .failure(UnknownSection(name: name))
                }
                sections.insert(section)
            }
            return .success(sections)
        }

        /// A name that is not a section's.
        public struct UnknownSection: Error, Sendable {
            /// The name as given.
            public var name: String
        }
    }

    public var inputs: Inputs
    /// The sections computed; a section left out is absent from ``json()``.
    public var sections: Sections = .all
    /// Empty when ``Sections/fidelity`` was not asked for.
    public var quality: QualityReport
    public var columnTests: ColumnTests
    public var correlationColumns: [String]
    public var trainCorrelations: CorrelationMatrices
    public var syntheticCorrelations: CorrelationMatrices
    /// The primary protocol's result, or why it could not run; `nil` when no target was given.
    public var tstr: Result<TSTREvaluation, TSTREvaluation.Failure>?
    /// The same protocol keeping the excluded columns as features (`nil` when nothing is excluded).
    public var tstrAllOtherColumns: Result<TSTREvaluation, TSTREvaluation.Failure>?
    /// Sections added by other modules, deep-merged into the document.
    public private(set) var extraSections: [JSONValue] = []

    /// Computes every metric. The tables must share column names and order (``Inputs``'s caller
    /// checks that and reports located errors).
    ///
    /// `sections` limits the work: without ``Sections/fidelity`` the quality report, column tests
    /// and correlations are computed over no columns; without ``Sections/utility`` TSTR is not run.
    /// `progress` hears one line as each part starts.
    public init(
        _ inputs: Inputs, protocol tstrProtocol: TSTRProtocol?, sections: Sections = .all,
        progress: (@Sendable (String) -> Void)? = nil
    ) {
        self.inputs = inputs
        self.sections = sections
        let fidelity = sections.contains(.fidelity)
        let real = fidelity ? inputs.train : Table(columns: [], rowCount: 0)
        let synthetic = fidelity ? inputs.synthetic : Table(columns: [], rowCount: 0)
        if fidelity { progress?("fidelity: column shapes and pair trends") }
        quality = QualityReport(real: real, synthetic: synthetic, schema: inputs.schema)
        if fidelity { progress?("fidelity: column tests and correlations") }
        columnTests = ColumnTests(real: real, synthetic: synthetic, schema: inputs.schema)
        correlationColumns = CorrelationMatrices.basis(real: real, schema: inputs.schema)
        trainCorrelations = CorrelationMatrices(real, columns: correlationColumns)
        syntheticCorrelations = CorrelationMatrices(synthetic, columns: correlationColumns)
        if let tstrProtocol, sections.contains(.utility) {
            progress?("utility: TSTR/TRTS on \(tstrProtocol.target)")
            tstr = Self.run(inputs, tstrProtocol)
            if !tstrProtocol.excludedColumns.isEmpty {
                var wider = tstrProtocol
                wider.excludedColumns = []
                tstrAllOtherColumns = Self.run(inputs, wider)
            }
        }
    }

    private static func run(_ inputs: Inputs, _ p: TSTRProtocol) -> Result<TSTREvaluation, TSTREvaluation.Failure> {
        Result { () throws(TSTREvaluation.Failure) in
            try TSTREvaluation(
                train: inputs.train, holdout: inputs.holdout, synthetic: inputs.synthetic, schema: inputs.schema,
                protocol: p)
        }
    }

    /// Adds a section computed elsewhere (an object, deep-merged into the document).
    public mutating func merging(_ section: JSONValue) {
        extraSections.append(section)
    }

    /// The report as JSON.
    public func json() -> JSONValue {
        var notes: [String] = []
        var document: [String: JSONValue] = [:]
        let names = inputs.train.columnNames
        document["columns"] = .array(names.map(JSONValue.string))
        document["metadata"] = [
            "columns": .object(
                Dictionary(
                    uniqueKeysWithValues: names.map {
                        ($0, ["sdtype": .string((inputs.schema.types[$0] ?? .categorical).rawValue)] as JSONValue)
                    }))
        ]
        document["inputs"] = ["files": .object(inputs.files)]
        document["versions"] = .object(Self.versions)
        document["sections"] = .array(sections.spelled.map(JSONValue.string))
        if sections.contains(.fidelity) { fidelityJSON(into: &document, notes: &notes) }
        tstrJSON(into: &document, notes: &notes)
        document["definitions"] = Self.definitions
        document["notes"] = .array(notes.sorted().map(JSONValue.string))
        var result = JSONValue.object(document)
        for section in extraSections { result = Self.merge(result, section) }
        return result
    }

    private func fidelityJSON(into document: inout [String: JSONValue], notes: inout [String]) {
        var shapes: [String: JSONValue] = [:]
        for shape in quality.shapes {
            shapes[shape.column] = [
                "metric": .string(shape.metric), "sdtype": .string(shape.semanticType.rawValue),
                "score": Self.number(shape.score),
            ]
            if let note = shape.note { notes.append("sdmetrics.column_shapes.\(shape.column): \(note)") }
        }
        var pairs: [JSONValue] = []
        for pair in quality.pairs {
            var record: [String: JSONValue] = [
                "column_1": .string(pair.column1), "column_2": .string(pair.column2), "metric": .string(pair.metric),
                "score": Self.number(pair.score), "score_default_thresholds": Self.number(pair.scoreDefaultThresholds),
                "meets_default_threshold": .bool(pair.meetsDefaultThreshold),
            ]
            if pair.metric == "CorrelationSimilarity" {
                record["real_correlation"] = Self.number(pair.realCorrelation)
                record["synthetic_correlation"] = Self.number(pair.syntheticCorrelation)
            } else {
                record["real_cramers_v"] = Self.number(pair.realCramersV)
            }
            pairs.append(.object(record))
            if let note = pair.note {
                notes.append("sdmetrics.column_pairs[\(pair.column1), \(pair.column2)]: \(note)")
            }
        }
        var edges: [String: JSONValue] = [:]
        for (column, pair) in quality.binEdges {
            edges[column] = ["train": Self.numbers(pair.real), "synthetic": Self.numbers(pair.synthetic)]
        }
        func scores(_ s: QualityReport.Scores) -> JSONValue {
            [
                "overall_score": Self.number(s.overall), "column_shapes": Self.number(s.columnShapes),
                "column_pair_trends": Self.number(s.columnPairTrends), "n_columns": .integer(s.columnCount),
                "n_pairs": .integer(s.pairCount), "n_pairs_contributing": .integer(s.contributingPairCount),
                "real_correlation_threshold": .number(s.realCorrelationThreshold),
                "real_association_threshold": .number(s.realAssociationThreshold),
            ]
        }
        if quality.defaultThresholds.columnPairTrends == nil {
            notes.append(
                "sdmetrics.quality_report.default_thresholds: no pair meets the default thresholds, so the overall score equals Column Shapes"
            )
        }
        document["sdmetrics"] = [
            "column_shapes": .object(shapes), "column_pairs": .array(pairs),
            "numerical_bin_edges_for_mixed_pairs": .object(edges),
            "quality_report": [
                "default_thresholds": scores(quality.defaultThresholds),
                "thresholds_disabled": scores(quality.thresholdsDisabled),
            ],
        ]

        var ks: [String: JSONValue] = [:]
        for item in columnTests.ks {
            var record: [String: JSONValue] = [
                "n_train_missing": .integer(item.realMissing), "n_synthetic_missing": .integer(item.syntheticMissing),
            ]
            if let test = item.test {
                record["statistic"] = .number(test.statistic)
                record["pvalue"] = .number(test.pValue)
                record["method"] = .string(test.method.rawValue)
                record["statistic_location"] = .number(test.statisticLocation)
                record["statistic_sign"] = .integer(test.statisticSign)
                record["n_train"] = .integer(test.n1)
                record["n_synthetic"] = .integer(test.n2)
            } else {
                record["statistic"] = .null
                record["pvalue"] = .null
            }
            if let note = item.note { notes.append("scipy.ks_2samp.\(item.column): \(note)") }
            ks[item.column] = .object(record)
        }
        var chi: [String: JSONValue] = [:]
        for item in columnTests.chiSquared {
            var record: [String: JSONValue] = [
                "categories": .array(item.categories.map(JSONValue.string)),
                "counts_train": .array(item.realCounts.map(JSONValue.integer)),
                "counts_synthetic": .array(item.syntheticCounts.map(JSONValue.integer)),
                "n_train_missing": .integer(item.realMissing), "n_synthetic_missing": .integer(item.syntheticMissing),
                "statistic": Self.number(item.test?.statistic), "pvalue": Self.number(item.test?.pValue),
                "dof": item.test.map { .integer($0.degreesOfFreedom) } ?? .null,
                "yates_correction_applied": .bool(item.test?.correctionApplied ?? false),
            ]
            if let raw = item.uncorrected {
                record["statistic_uncorrected"] = .number(raw.statistic)
                record["pvalue_uncorrected"] = .number(raw.pValue)
            }
            if let note = item.note { notes.append("scipy.chi2_contingency.\(item.column): \(note)") }
            chi[item.column] = .object(record)
        }
        document["scipy"] = ["ks_2samp": .object(ks), "chi2_contingency": .object(chi)]

        func matrix(_ m: [[Double?]]) -> JSONValue { .array(m.map { .array($0.map(Self.number)) }) }
        document["correlations"] = [
            "columns": .array(correlationColumns.map(JSONValue.string)),
            "train": ["pearson": matrix(trainCorrelations.pearson), "spearman": matrix(trainCorrelations.spearman)],
            "synthetic": [
                "pearson": matrix(syntheticCorrelations.pearson), "spearman": matrix(syntheticCorrelations.spearman),
            ],
        ]
        for (matrices, key) in [(trainCorrelations, "train"), (syntheticCorrelations, "synthetic")] {
            for (i, row) in matrices.pearson.enumerated() where row[i] == nil {
                notes.append(
                    "correlations.\(key).\(correlationColumns[i]): constant or without values; correlations are null")
            }
        }

    }

    private func tstrJSON(into document: inout [String: JSONValue], notes: inout [String]) {
        if let tstr {
            var section: [String: JSONValue] = [:]
            switch tstr {
            case .success(let result):
                section["target"] = .string(
                    "\(result.evaluationProtocol.target) == \(result.evaluationProtocol.positiveLabel)")
                section["primary"] = Self.tstrJSON(result, name: "primary", full: true)
            case .failure(let failure):
                section["primary"] = ["error": .string(failure.description)]
                notes.append("tstr.primary: \(failure.description)")
            }
            if case .success(let result)? = tstrAllOtherColumns {
                section["all_other_columns"] = Self.tstrJSON(
                    result, name: "all_other_columns (excluded columns kept as features)", full: false)
            }
            document["tstr"] = .object(section)
        }
    }

    static let definitions: JSONValue = [
        "sdmetrics.column_shapes": .string(
            "KSComplement (numerical) / TVComplement (categorical, ordinal, boolean), SDMetrics \(SDMetrics.version)"
        ),
        "sdmetrics.column_pairs": .string(
            "CorrelationSimilarity (numerical pairs, Pearson) / ContingencySimilarity (other pairs, numerical binned into 10 bins per table), SDMetrics \(SDMetrics.version)"
        ),
        "sdmetrics.quality_report": .string(QualityReport.definition),
        "scipy.ks_2samp": .string(KolmogorovSmirnovTest.definition),
        "scipy.chi2_contingency": .string(ChiSquaredContingencyTest.definition),
        "correlations": .string(
            "pandas 2.3.3 DataFrame.corr pearson/spearman, pairwise-complete, null where constant"),
        "tstr": .string(TSTRProtocol.definition),
    ]

    static func tstrJSON(_ result: TSTREvaluation, name: String, full: Bool) -> JSONValue {
        let p = result.evaluationProtocol
        var record: [String: JSONValue] = [
            "protocol": .string(name),
            "auc_trtr": number(result.overall.aucTRTR), "auc_tstr": number(result.overall.aucTSTR),
            "auc_trts": number(result.overall.aucTRTS), "tstr_over_trtr": number(result.overall.ratio),
            "features": .array(result.features.map(JSONValue.string)),
            "numeric_features": .array(result.numericFeatures.map(JSONValue.string)),
            "one_hot_features": .array(result.oneHotFeatures.map(JSONValue.string)),
            "excluded_columns": .array((p.excludedColumns + [p.target]).sorted().map(JSONValue.string)),
            "n_train": .integer(result.nTrain), "n_holdout": .integer(result.overall.nHoldout),
            "n_synthetic": .integer(result.overall.nSynthetic),
            "positives": [
                "train": .integer(result.positivesTrain), "holdout": .integer(result.overall.positivesHoldout),
                "synthetic": .integer(result.overall.positivesSynthetic),
            ],
            "auc_score":
                "ROC AUC on the linear score z = x.w + b; ties count 1/2; model solved to the exact optimum (compare with at_optimum)",
        ]
        record["intervals"] = intervalsJSON(result.overall, level: intervalLevel)
        guard full else { return .object(record) }
        record["min_pos_neg_score_gap"] = [
            "trtr": number(result.minPositiveNegativeGap.trtr), "tstr": number(result.minPositiveNegativeGap.tstr),
            "trts": number(result.minPositiveNegativeGap.trts),
        ]
        func model(_ m: TSTREvaluation.Model) -> JSONValue {
            let names = m.encoder.featureNames
            var numeric: [String: JSONValue] = [:]
            for f in m.encoder.numeric {
                numeric[f.column] = ["mean": .number(f.mean), "median": .number(f.median), "std": .number(f.std)]
            }
            var levels: [String: JSONValue] = [:]
            for f in m.encoder.oneHot {
                levels[f.column] = .array(
                    (f.levels + (f.hasMissingLevel ? [FeatureEncoder.missingLevel] : [])).map(JSONValue.string))
            }
            return [
                "coefficients": .object(
                    Dictionary(uniqueKeysWithValues: zip(names, m.regression.coefficients.map(JSONValue.number)))),
                "intercept": .number(m.regression.intercept), "objective": .number(m.regression.objective),
                "max_abs_gradient": .number(m.regression.maxAbsGradient), "n_iter": .integer(m.regression.iterations),
                "preprocessing": [
                    "feature_names": .array(names.map(JSONValue.string)), "numeric": .object(numeric),
                    "one_hot_levels": .object(levels),
                ],
            ]
        }
        record["model_fit_on_real_train"] = model(result.modelFitOnRealTrain)
        record["model_fit_on_synthetic"] = model(result.modelFitOnSynthetic)
        if let column = p.subgroupColumn {
            var byValue: [String: JSONValue] = [:]
            for (value, s) in result.subgroups {
                byValue[value] = [
                    "auc_trtr": number(s.aucTRTR), "auc_tstr": number(s.aucTSTR), "auc_trts": number(s.aucTRTS),
                    "tstr_over_trtr": number(s.ratio), "n_holdout": .integer(s.nHoldout),
                    "n_synthetic": .integer(s.nSynthetic), "positives_holdout": .integer(s.positivesHoldout),
                    "positives_synthetic": .integer(s.positivesSynthetic),
                ]
            }
            let gap = result.fairnessGap
            record["subgroups"] = [
                "column": .string(column), "by_value": .object(byValue),
                "rule": "scores from the full-population models, AUC restricted to rows with that value",
                "fairness_gap": [
                    "auc_tstr": number(gap.aucTSTR), "tstr_over_trtr": number(gap.ratio),
                    "rule": "largest minus smallest subgroup value, over subgroups where it is defined",
                ],
            ]
        }
        return .object(record)
    }

    /// The level of the intervals the report carries.
    public static let intervalLevel = 0.95

    /// `{auc_trtr, auc_tstr, auc_trts, tstr_over_trtr, trts_over_trtr}` → interval records (null where undefined).
    static func intervalsJSON(_ scores: TSTREvaluation.Scores, level: Double) -> JSONValue {
        let aucs = scores.aucIntervals(level: level)
        return [
            "auc_trtr": aucs.trtr.map(\.json) ?? .null, "auc_tstr": aucs.tstr.map(\.json) ?? .null,
            "auc_trts": aucs.trts.map(\.json) ?? .null,
            "tstr_over_trtr": scores.ratioInterval(level: level).map(\.json) ?? .null,
            "trts_over_trtr": scores.trtsRatioInterval(level: level).map(\.json) ?? .null,
            "note": "the holdout's sampling error with the synthetic table held fixed",
        ]
    }

    static func number(_ value: Double?) -> JSONValue {
        guard let value, value.isFinite else { return .null }
        return .number(value)
    }

    static func numbers(_ values: [Double]?) -> JSONValue {
        values.map { .array($0.map(number)) } ?? .null
    }

    /// Deep-merges `addition` into `base`: objects merge key by key, anything else is replaced.
    public static func merge(_ base: JSONValue, _ addition: JSONValue) -> JSONValue {
        guard case .object(var left) = base, case .object(let right) = addition else { return addition }
        for (key, value) in right { left[key] = left[key].map { merge($0, value) } ?? value }
        return .object(left)
    }
}
