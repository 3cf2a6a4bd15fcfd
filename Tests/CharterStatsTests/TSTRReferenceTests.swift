import CharterCore
import CharterData
import CharterStats
import CharterTestSupport
import Testing

/// The TSTR/TRTS numbers of the reference fixtures, under the protocol each fixture records.
@Suite struct TSTRReferenceTests {
    /// The protocol a fixture pins: target and positive class from `tstr.target`
    /// (`result == 'positive' (rows with result 'invalid' are left out ...)`), leakage columns from
    /// `tstr.primary.excluded_columns`, subgroups from `tstr.primary.subgroups.column`.
    static func protocolOf(_ fixture: ReferenceFixture, primary: Bool) throws -> TSTRProtocol {
        let text = try #require(fixture.value("tstr.target")?.stringValue)
        let parts = text.split(separator: " ", maxSplits: 3)
        #expect(parts.count >= 3 && parts[1] == "==")
        let target = String(parts[0])
        let positive = String(parts[2]).trimmingCharacters(in: "'")
        var dropped: [String] = []
        if let range = text.range(of: "rows with \(target) '") {
            let rest = text[range.upperBound...]
            if let end = rest.firstIndex(of: "'") { dropped.append(String(rest[..<end])) }
        }
        let key = primary ? "tstr.primary" : "tstr.all_other_columns"
        let excluded = try #require(fixture.value("\(key).excluded_columns")?.arrayValue).compactMap(\.stringValue)
        return TSTRProtocol(
            target: target, positiveLabel: positive, droppedTargetLabels: dropped,
            excludedColumns: excluded.filter { $0 != target },
            subgroupColumn: fixture.value("tstr.primary.subgroups.column")?.stringValue)
    }

    static func evaluate(_ fixture: ReferenceFixture, primary: Bool) throws -> TSTREvaluation {
        try TSTREvaluation(
            train: fixture.train, holdout: fixture.holdout, synthetic: fixture.synthetic, schema: fixture.schema,
            protocol: protocolOf(fixture, primary: primary))
    }

    @Test(arguments: ReferenceFixture.names)
    func primaryProtocol(_ name: String) throws {
        let fixture = try ReferenceFixture.load(name)
        let result = try Self.evaluate(fixture, primary: true)
        let want = try #require(fixture.value("tstr.primary"))
        #expect(.array(result.features.map(JSONValue.string)) == want["features"])
        #expect(.array(result.numericFeatures.map(JSONValue.string)) == want["numeric_features"])
        #expect(.array(result.oneHotFeatures.map(JSONValue.string)) == want["one_hot_features"])
        #expect(.integer(result.nTrain) == want["n_train"])
        #expect(.integer(result.overall.nHoldout) == want["n_holdout"])
        #expect(.integer(result.overall.nSynthetic) == want["n_synthetic"])
        #expect(.integer(result.positivesTrain) == want["positives"]?["train"])
        #expect(.integer(result.overall.positivesHoldout) == want["positives"]?["holdout"])
        #expect(.integer(result.overall.positivesSynthetic) == want["positives"]?["synthetic"])
        let optimum = want["at_optimum"]
        expectClose(result.overall.aucTRTR, optimum?["auc_trtr"], absolute: 1e-9, "\(name) TRTR at optimum")
        expectClose(result.overall.aucTSTR, optimum?["auc_tstr"], absolute: 1e-9, "\(name) TSTR at optimum")
        expectClose(result.overall.aucTRTS, optimum?["auc_trts"], absolute: 1e-9, "\(name) TRTS at optimum")
        expectClose(result.overall.ratio, optimum?["tstr_over_trtr"], absolute: 1e-9, "\(name) ratio at optimum")
        expectClose(result.overall.aucTRTR, want["auc_trtr"], absolute: 1e-6, "\(name) TRTR")
        expectClose(result.overall.aucTSTR, want["auc_tstr"], absolute: 1e-6, "\(name) TSTR")
        expectClose(result.overall.aucTRTS, want["auc_trts"], absolute: 1e-6, "\(name) TRTS")
        expectClose(result.overall.ratio, want["tstr_over_trtr"], absolute: 1e-6, "\(name) ratio")
        for (model, key) in [
            (result.modelFitOnRealTrain, "model_fit_on_real_train"),
            (result.modelFitOnSynthetic, "model_fit_on_synthetic"),
        ] {
            let fit = try #require(want[key])
            let names = model.encoder.featureNames
            #expect(.array(names.map(JSONValue.string)) == fit["preprocessing"]?["feature_names"], "\(name) \(key)")
            for feature in model.encoder.numeric {
                let stats = fit["preprocessing"]?["numeric"]?[feature.column]
                expectRelative(
                    feature.median, stats?["median"], relative: 1e-12, "\(name) \(key) median \(feature.column)")
                expectRelative(feature.mean, stats?["mean"], relative: 1e-12, "\(name) \(key) mean \(feature.column)")
                expectRelative(feature.std, stats?["std"], relative: 1e-12, "\(name) \(key) std \(feature.column)")
            }
            for feature in model.encoder.oneHot {
                let levels = feature.levels + (feature.hasMissingLevel ? [FeatureEncoder.missingLevel] : [])
                #expect(
                    .array(levels.map(JSONValue.string)) == fit["preprocessing"]?["one_hot_levels"]?[feature.column])
            }
            let refined = fit["newton_refined"]
            for (feature, coefficient) in zip(names, model.regression.coefficients) {
                expectClose(
                    coefficient, refined?["coefficients"]?[feature], absolute: 1e-7, "\(name) \(key) \(feature)")
            }
            expectClose(model.regression.intercept, refined?["intercept"], absolute: 1e-7, "\(name) \(key) intercept")
            expectRelative(
                model.regression.objective, refined?["objective"], relative: 1e-12, "\(name) \(key) objective")
            #expect(model.regression.maxAbsGradient <= 1e-10)
        }
        if let groups = want["subgroups"]?["by_value"]?.objectValue {
            #expect(result.subgroups.map(\.value) == groups.keys.sorted())
            for (value, scores) in result.subgroups {
                let g = try #require(groups[value])
                let label = "\(name) subgroup \(value)"
                expectClose(scores.aucTRTR, g["at_optimum"]?["auc_trtr"], absolute: 1e-9, "\(label) TRTR")
                expectClose(scores.aucTSTR, g["at_optimum"]?["auc_tstr"], absolute: 1e-9, "\(label) TSTR")
                expectClose(scores.aucTRTS, g["at_optimum"]?["auc_trts"], absolute: 1e-9, "\(label) TRTS")
                expectClose(scores.ratio, g["at_optimum"]?["tstr_over_trtr"], absolute: 1e-9, "\(label) ratio")
                expectClose(scores.aucTRTR, g["auc_trtr"], absolute: 1e-6, "\(label) sklearn TRTR")
                expectClose(scores.aucTRTS, g["auc_trts"], absolute: 1e-6, "\(label) sklearn TRTS")
                #expect(.integer(scores.nHoldout) == g["n_holdout"] && .integer(scores.nSynthetic) == g["n_synthetic"])
                #expect(.integer(scores.positivesHoldout) == g["positives_holdout"])
                #expect(.integer(scores.positivesSynthetic) == g["positives_synthetic"])
            }
            #expect(result.fairnessGap.aucTSTR != nil)
        } else {
            #expect(result.subgroups.isEmpty)
        }
    }

    @Test(arguments: ReferenceFixture.names)
    func allOtherColumnsProtocol(_ name: String) throws {
        let fixture = try ReferenceFixture.load(name)
        guard let want = fixture.value("tstr.all_other_columns") else { return }
        let result = try Self.evaluate(fixture, primary: false)
        #expect(.array(result.features.map(JSONValue.string)) == want["features"])
        let optimum = want["at_optimum"]
        expectClose(result.overall.aucTRTR, optimum?["auc_trtr"], absolute: 1e-9, "\(name) TRTR")
        expectClose(result.overall.aucTSTR, optimum?["auc_tstr"], absolute: 1e-9, "\(name) TSTR")
        expectClose(result.overall.aucTRTS, optimum?["auc_trts"], absolute: 1e-9, "\(name) TRTS")
        expectClose(result.overall.ratio, optimum?["tstr_over_trtr"], absolute: 1e-9, "\(name) ratio")
        expectClose(result.overall.aucTRTS, want["auc_trts"], absolute: 1e-6, "\(name) sklearn TRTS")
    }
}

extension String {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        var text = Substring(self)
        while text.first == character { text = text.dropFirst() }
        while text.last == character { text = text.dropLast() }
        return String(text)
    }
}
