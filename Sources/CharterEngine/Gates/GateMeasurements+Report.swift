internal import CharterPrivacy
internal import CharterStats

extension GateMeasurements {
    /// The equivalence classes behind the k-anonymity measure; `nil` without quasi-identifiers or
    /// when they could not be measured.
    var kAnonymityClasses: RunReport.KAnonymityClasses? {
        guard case .success(let k)? = kAnonymity else { return nil }
        func table(_ t: KAnonymity.TableMeasures) -> RunReport.KAnonymityClasses.Table {
            .init(
                rows: t.rowCount, classes: t.classCount, k: t.k, singletons: t.singletonClasses,
                classesBelowThreshold: t.classesBelowThreshold,
                rowsInClassesBelowThreshold: t.rowsInClassesBelowThreshold)
        }
        return RunReport.KAnonymityClasses(
            quasiIdentifiers: k.quasiIdentifiers, threshold: k.smallClassThreshold, train: table(k.train),
            synthetic: table(k.synthetic), syntheticRowsInSmallTrainClasses: k.syntheticRowsInSmallTrainClasses,
            syntheticRowsInTrainSingletons: k.syntheticRowsInTrainSingletonClasses,
            syntheticRowsAbsentFromTrain: k.syntheticRowsAbsentFromTrain)
    }

    /// Each synthetic row's distance to its closest row of the first training sample and of the
    /// holdout (the sample is as large as the holdout, so the two curves compare like with like).
    var distanceHistogram: RunReport.DistanceHistogram? {
        guard case .success(let results) = dcr, let first = results.first else { return nil }
        return RunReport.DistanceHistogram(toTraining: first.dcrTrain, toHoldout: first.dcrHoldout)
    }

    /// The attribute-inference attacks that ran.
    var attributeInferenceSummaries: [RunReport.AttributeInferenceSummary] {
        attributeInference.compactMap { _, result in
            guard case .success(let r) = result else { return nil }
            return RunReport.AttributeInferenceSummary(
                secret: r.secret, auxiliaryColumns: r.auxiliaryColumns, attackRate: r.attack.rate,
                controlRate: r.control.rate, baselineRate: r.baseline.rate, targets: r.attack.trials, risk: r.risk,
                riskLower: r.riskInterval.lower, riskUpper: r.riskInterval.upper, level: r.riskInterval.level)
        }
    }

    /// Why a privacy measure is missing: the report says so where the measure would be.
    var privacyNotes: [(measure: String, note: String)] {
        var notes: [(measure: String, note: String)] = []
        switch kAnonymity {
        case .failure(let error)?: notes.append(("k-anonymity", error.message))
        case nil: notes.append(("k-anonymity", "no quasi-identifiers declared"))
        case .success?: break
        }
        if case .failure(let error) = dcr { notes.append(("distance to closest record", error.message)) }
        if case .failure(let failure) = membershipInference { notes.append(("membership inference", failure.message)) }
        for (secret, result) in attributeInference {
            if case .failure(let error) = result { notes.append(("attribute inference on '\(secret)'", error.message)) }
        }
        if attributeInference.isEmpty {
            notes.append(
                ("attribute inference", "not run: it needs quasi-identifiers and a sensitive column or a target"))
        }
        return notes
    }

    /// The subgroup scores of every protected attribute that could be measured, in the request's order.
    func allFairnessResults() -> [Certificate.FairnessResults] {
        fairness.compactMap { attribute, result in
            guard case .success(let evaluation) = result else { return nil }
            let gap = evaluation.fairnessGap
            return Certificate.FairnessResults(
                protected: attribute, tstrGap: gap.aucTSTR, ratioGap: gap.ratio,
                subgroups: evaluation.subgroups.map {
                    .init(value: $0.value, aucTSTR: $0.scores.aucTSTR, ratio: $0.scores.ratio)
                })
        }
    }
}
