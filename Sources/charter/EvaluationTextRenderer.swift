import CharterCore
import CharterStats

/// The human-readable summary of `charter evaluate`.
enum EvaluationTextRenderer {
    static func render(_ report: EvaluationReport) -> String {
        var lines: [String] = []
        func score(_ value: Double?) -> String {
            value.map { DecimalText.fixed($0) } ?? "n/a"
        }
        func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
        }
        if report.sections.contains(.fidelity) {
            let q = report.quality
            lines.append("Quality (SDMetrics \(SDMetrics.version))")
            lines.append(
                "  overall score           \(score(q.defaultThresholds.overall))   (thresholds disabled: \(score(q.thresholdsDisabled.overall)))"
            )
            lines.append("  column shapes           \(score(q.defaultThresholds.columnShapes))")
            lines.append(
                "  column pair trends      \(score(q.defaultThresholds.columnPairTrends))   (\(q.defaultThresholds.contributingPairCount) of \(q.defaultThresholds.pairCount) pairs count; disabled: \(score(q.thresholdsDisabled.columnPairTrends)))"
            )
            lines.append("")
            lines.append("Column shapes")
            let width = max(8, (q.shapes.map(\.column.count).max() ?? 0) + 2)
            for shape in q.shapes {
                var line = "  \(pad(shape.column, width))\(pad(shape.metric, 14))\(score(shape.score))"
                if let ks = report.columnTests.ks.first(where: { $0.column == shape.column }), let test = ks.test {
                    line += "   KS D=\(score(test.statistic)) p=\(test.pValue) (\(test.method.rawValue))"
                }
                if let chi = report.columnTests.chiSquared.first(where: { $0.column == shape.column }), let test = chi.test
                {
                    line += "   chi2=\(score(test.statistic)) p=\(test.pValue) dof=\(test.degreesOfFreedom)"
                }
                if let note = shape.note { line += "   (\(note))" }
                lines.append(line)
            }
            let undefinedPairs = q.pairs.filter { $0.score == nil }
            if !undefinedPairs.isEmpty {
                lines.append("")
                lines.append("Column pairs without a score")
                for pair in undefinedPairs { lines.append("  \(pair.column1) x \(pair.column2): \(pair.note ?? "")") }
            }
        }
        if let tstr = report.tstr {
            lines.append("")
            switch tstr {
            case .failure(let failure):
                lines.append("TSTR: not computed: \(failure.description)")
            case .success(let result):
                let p = result.evaluationProtocol
                lines.append("Utility (target \(p.target) == \(p.positiveLabel); L2 logistic regression, AUC)")
                lines.append(
                    "  TRTR \(score(result.overall.aucTRTR))   TSTR \(score(result.overall.aucTSTR))   TRTS \(score(result.overall.aucTRTS))   TSTR/TRTR \(score(result.overall.ratio))"
                )
                if let column = p.subgroupColumn {
                    for (value, s) in result.subgroups {
                        lines.append(
                            "  \(column)=\(value): TRTR \(score(s.aucTRTR))   TSTR \(score(s.aucTSTR))   TRTS \(score(s.aucTRTS))   ratio \(score(s.ratio))"
                        )
                    }
                    let gap = result.fairnessGap
                    lines.append("  fairness gap: TSTR AUC \(score(gap.aucTSTR)), ratio \(score(gap.ratio))")
                }
                if case .success(let wide)? = report.tstrAllOtherColumns {
                    lines.append("  with excluded columns kept: TSTR/TRTR \(score(wide.overall.ratio))")
                }
            }
        }
        lines += DisclosureTextRenderer.lines(report.json())
        return lines.joined(separator: "\n") + "\n"
    }
}
