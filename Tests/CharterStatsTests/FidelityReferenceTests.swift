import CharterCore
import CharterData
import CharterStats
import CharterTestSupport
import Testing

/// Every SDMetrics and scipy number in the reference fixtures, reproduced at the stated tolerances.
@Suite struct FidelityReferenceTests {
    @Test func fixturesArePresent() {
        #expect(ReferenceFixture.names.count >= 3)
    }

    @Test(arguments: ReferenceFixture.names)
    func columnShapes(_ name: String) throws {
        let fixture = try ReferenceFixture.load(name)
        let report = QualityReport(real: fixture.train, synthetic: fixture.synthetic, schema: fixture.schema)
        let expected = try #require(fixture.value("sdmetrics.column_shapes")?.objectValue)
        #expect(report.shapes.count == expected.count)
        for shape in report.shapes {
            let want = try #require(expected[shape.column])
            #expect(shape.metric == want["metric"]?.stringValue, "\(name).\(shape.column)")
            #expect(shape.semanticType.rawValue == want["sdtype"]?.stringValue)
            expectClose(shape.score, want["score"], absolute: 1e-9, "\(name).\(shape.column)")
        }
    }

    @Test(arguments: ReferenceFixture.names)
    func columnPairs(_ name: String) throws {
        let fixture = try ReferenceFixture.load(name)
        let report = QualityReport(real: fixture.train, synthetic: fixture.synthetic, schema: fixture.schema)
        let expected = try #require(fixture.value("sdmetrics.column_pairs")?.arrayValue)
        #expect(report.pairs.count == expected.count)
        for (pair, want) in zip(report.pairs, expected) {
            let label = "\(name).\(pair.column1)×\(pair.column2)"
            #expect(pair.column1 == want["column_1"]?.stringValue && pair.column2 == want["column_2"]?.stringValue)
            #expect(pair.metric == want["metric"]?.stringValue, "\(label)")
            expectClose(pair.score, want["score"], absolute: 1e-9, "\(label) score")
            expectClose(
                pair.scoreDefaultThresholds, want["score_default_thresholds"], absolute: 1e-9, "\(label) default")
            #expect(.bool(pair.meetsDefaultThreshold) == want["meets_default_threshold"], "\(label)")
            if pair.metric == "CorrelationSimilarity" {
                expectClose(pair.realCorrelation, want["real_correlation"], absolute: 1e-9, "\(label) r_R")
                expectClose(pair.syntheticCorrelation, want["synthetic_correlation"], absolute: 1e-9, "\(label) r_S")
            } else {
                expectClose(pair.realCramersV, want["real_cramers_v"], absolute: 1e-9, "\(label) V")
            }
        }
    }

    @Test(arguments: ReferenceFixture.names)
    func binEdges(_ name: String) throws {
        let fixture = try ReferenceFixture.load(name)
        let report = QualityReport(real: fixture.train, synthetic: fixture.synthetic, schema: fixture.schema)
        let expected = try #require(fixture.value("sdmetrics.numerical_bin_edges_for_mixed_pairs")?.objectValue)
        #expect(Set(report.binEdges.keys) == Set(expected.keys))
        for (column, edges) in report.binEdges {
            let train = try #require(expected[column]?["train"]?.arrayValue)
            let synthetic = try #require(expected[column]?["synthetic"]?.arrayValue)
            #expect(edges.real == train.compactMap(\.doubleValue), "\(name).\(column) train edges")
            #expect(edges.synthetic == synthetic.compactMap(\.doubleValue), "\(name).\(column) synthetic edges")
        }
    }

    @Test(arguments: ReferenceFixture.names)
    func qualityScores(_ name: String) throws {
        let fixture = try ReferenceFixture.load(name)
        let report = QualityReport(real: fixture.train, synthetic: fixture.synthetic, schema: fixture.schema)
        for (key, scores) in [
            ("default_thresholds", report.defaultThresholds), ("thresholds_disabled", report.thresholdsDisabled),
        ] {
            let want = try #require(fixture.value("sdmetrics.quality_report.\(key)"))
            expectClose(scores.overall, want["overall_score"], absolute: 1e-9, "\(name) \(key) overall")
            expectClose(scores.columnShapes, want["column_shapes"], absolute: 1e-9, "\(name) \(key) shapes")
            expectClose(scores.columnPairTrends, want["column_pair_trends"], absolute: 1e-9, "\(name) \(key) trends")
            #expect(.integer(scores.contributingPairCount) == want["n_pairs_contributing"], "\(name) \(key)")
            #expect(.integer(scores.pairCount) == want["n_pairs"])
            #expect(.integer(scores.columnCount) == want["n_columns"])
        }
    }

    @Test(arguments: ReferenceFixture.names)
    func kolmogorovSmirnov(_ name: String) throws {
        let fixture = try ReferenceFixture.load(name)
        let tests = ColumnTests(real: fixture.train, synthetic: fixture.synthetic, schema: fixture.schema)
        let expected = try #require(fixture.value("scipy.ks_2samp")?.objectValue)
        #expect(tests.ks.count == expected.count)
        for ks in tests.ks {
            let want = try #require(expected[ks.column])
            let test = try #require(ks.test)
            let label = "\(name).\(ks.column)"
            expectClose(test.statistic, want["statistic"], absolute: 1e-9, "\(label) D")
            expectRelative(test.pValue, want["pvalue"], relative: 1e-6, "\(label) p")
            #expect(test.method.rawValue == want["method"]?.stringValue, "\(label)")
            expectClose(test.statisticLocation, want["statistic_location"], absolute: 0, "\(label) location")
            #expect(.integer(test.statisticSign) == want["statistic_sign"], "\(label) sign")
            #expect(.integer(test.n1) == want["n_train"] && .integer(test.n2) == want["n_synthetic"])
            #expect(.integer(ks.realMissing) == want["n_train_missing"])
            #expect(.integer(ks.syntheticMissing) == want["n_synthetic_missing"])
        }
    }

    @Test(arguments: ReferenceFixture.names)
    func chiSquared(_ name: String) throws {
        let fixture = try ReferenceFixture.load(name)
        let tests = ColumnTests(real: fixture.train, synthetic: fixture.synthetic, schema: fixture.schema)
        let expected = try #require(fixture.value("scipy.chi2_contingency")?.objectValue)
        #expect(tests.chiSquared.count == expected.count)
        for chi in tests.chiSquared {
            let want = try #require(expected[chi.column])
            let test = try #require(chi.test)
            let label = "\(name).\(chi.column)"
            #expect(.array(chi.categories.map(JSONValue.string)) == want["categories"], "\(label)")
            #expect(.array(chi.realCounts.map(JSONValue.integer)) == want["counts_train"], "\(label)")
            #expect(.array(chi.syntheticCounts.map(JSONValue.integer)) == want["counts_synthetic"], "\(label)")
            #expect(.integer(chi.realMissing) == want["n_train_missing"])
            #expect(.integer(chi.syntheticMissing) == want["n_synthetic_missing"])
            expectClose(test.statistic, want["statistic"], absolute: 1e-9, "\(label) χ²")
            expectRelative(test.pValue, want["pvalue"], relative: 1e-6, "\(label) p")
            #expect(.integer(test.degreesOfFreedom) == want["dof"])
            #expect(.bool(test.correctionApplied) == want["yates_correction_applied"])
            if let uncorrected = chi.uncorrected {
                expectClose(uncorrected.statistic, want["statistic_uncorrected"], absolute: 1e-9, "\(label) χ² raw")
                expectRelative(uncorrected.pValue, want["pvalue_uncorrected"], relative: 1e-6, "\(label) p raw")
            } else {
                #expect(want["statistic_uncorrected"] == nil)
            }
        }
    }

    @Test(arguments: ReferenceFixture.names)
    func correlationMatrices(_ name: String) throws {
        let fixture = try ReferenceFixture.load(name)
        let columns = CorrelationMatrices.basis(real: fixture.train, schema: fixture.schema)
        #expect(.array(columns.map(JSONValue.string)) == fixture.value("correlations.columns"))
        for (table, key) in [(fixture.train, "train"), (fixture.synthetic, "synthetic")] {
            let matrices = CorrelationMatrices(table, columns: columns)
            for (method, matrix) in [("pearson", matrices.pearson), ("spearman", matrices.spearman)] {
                let want = try #require(fixture.value("correlations.\(key).\(method)")?.arrayValue)
                for (i, row) in matrix.enumerated() {
                    let wantRow = try #require(want[i].arrayValue)
                    for (j, value) in row.enumerated() {
                        expectClose(
                            value, wantRow[j], absolute: 1e-9, "\(name) \(key) \(method) [\(columns[i]), \(columns[j])]"
                        )
                    }
                }
            }
        }
    }
}
