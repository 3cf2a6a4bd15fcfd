internal import CharterPrivacy
internal import CharterStats
internal import CharterSynth

extension GateMeasurements {
    /// The certificate's privacy section.
    func privacyResults(spend: PrivacySpend?, smallClassThreshold: Int) -> Certificate.PrivacyResults {
        var kResult: Certificate.KAnonymityResult?
        var lResult: Certificate.LDiversityResult?
        if case .success(let k)? = kAnonymity {
            kResult = Certificate.KAnonymityResult(
                quasiIdentifiers: k.quasiIdentifiers, k: linkedK, kTrain: k.train.k, kSynthetic: k.synthetic.k,
                syntheticRowsInSmallTrainClasses: k.syntheticRowsInSmallTrainClasses,
                smallClassThreshold: k.smallClassThreshold)
            if let sensitive = k.sensitive, let l = k.synthetic.distinctL, let entropy = k.synthetic.entropyL {
                lResult = Certificate.LDiversityResult(sensitive: sensitive, distinctL: l, entropyL: entropy)
            }
        }
        var mia: Certificate.MembershipInferenceResult?
        if case .success(let outcome) = membershipInference {
            mia = Certificate.MembershipInferenceResult(
                attack: outcome.attack, accuracy: outcome.accuracy, auc: outcome.auc)
        }
        var dcrResult: Certificate.DCRResult?
        if case .success(let results) = dcr, !results.isEmpty {
            let summary = Self.dcrSummary(results)
            dcrResult = Certificate.DCRResult(
                overfittingProtection: summary.score, closerToTraining: summary.closerToTraining,
                medianToTraining: DCROverfittingProtection.median(results.flatMap(\.dcrTrain)),
                medianToHoldout: DCROverfittingProtection.median(results[0].dcrHoldout))
        }
        var newRows: Double?
        if case .success(let n) = newRowSynthesis { newRows = n.score }
        return Certificate.PrivacyResults(
            differentiallyPrivate: spend != nil && spend?.claimedByExternalTool == false,
            epsilonSpent: spend?.epsilon, deltaSpent: spend?.delta, accountant: spend?.accountant,
            claimedByExternalTool: spend?.claimedByExternalTool ?? false, kAnonymity: kResult, lDiversity: lResult,
            membershipInference: mia, distanceToClosestRecord: dcrResult, newRowSynthesis: newRows)
    }

    /// The certificate's utility section.
    func utilityResults() -> Certificate.UtilityResults {
        let quality = evaluation.quality
        var tstr: Certificate.TSTRResult?
        if case .success(let result)? = evaluation.tstr {
            tstr = Certificate.TSTRResult(
                target: result.evaluationProtocol.target, positiveLabel: result.evaluationProtocol.positiveLabel,
                metric: "auc", aucTRTR: result.overall.aucTRTR, aucTSTR: result.overall.aucTSTR,
                aucTRTS: result.overall.aucTRTS, ratio: result.overall.ratio)
        }
        return Certificate.UtilityResults(
            columns: quality.shapes.map {
                Certificate.ColumnScore(column: $0.column, metric: $0.metric, score: $0.score)
            },
            pairs: quality.pairs.map {
                Certificate.PairScore(column1: $0.column1, column2: $0.column2, metric: $0.metric, score: $0.score)
            },
            quality: Certificate.Quality(
                columnShapes: quality.thresholdsDisabled.columnShapes,
                columnPairTrends: quality.thresholdsDisabled.columnPairTrends,
                overall: quality.thresholdsDisabled.overall),
            tstr: tstr)
    }

    /// The certificate's fairness section: the protected attribute with the largest TSTR gap.
    func fairnessResults() -> Certificate.FairnessResults? {
        var best: Certificate.FairnessResults?
        for (attribute, result) in fairness {
            guard case .success(let evaluation) = result else { continue }
            let gap = evaluation.fairnessGap
            let candidate = Certificate.FairnessResults(
                protected: attribute, tstrGap: gap.aucTSTR, ratioGap: gap.ratio,
                subgroups: evaluation.subgroups.map {
                    .init(value: $0.value, aucTSTR: $0.scores.aucTSTR, ratio: $0.scores.ratio)
                })
            if best == nil || (candidate.tstrGap ?? -1) > (best?.tstrGap ?? -1) { best = candidate }
        }
        return best
    }
}
