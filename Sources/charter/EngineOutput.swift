import CharterCore
import CharterEngine
import CharterPlan

/// How `apply` and `run` print an engine outcome: a summary for people, or one JSON object.
enum EngineOutput {
    static func gateTable(_ checks: [GateCheck]) -> String {
        guard !checks.isEmpty else { return "  gates: no checks\n" }
        let width = checks.map(\.check.count).max() ?? 0
        var text = ""
        for check in checks {
            let mark = check.passed ? "pass" : "FAIL"
            let padded = check.check.padding(toLength: width, withPad: " ", startingAt: 0)
            let measured = check.measured.map { GateCheck.format($0) } ?? "—"
            let bound = check.bound == .minimum ? "≥" : "≤"
            text += "    \(mark)  \(check.gate.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(padded)  "
            text += "\(measured) (\(bound) \(GateCheck.format(check.threshold)))"
            if let shortfall = check.shortfall {
                text += ", \(check.bound == .minimum ? "short" : "over") by \(GateCheck.format(shortfall))"
            }
            if check.measured == nil, let note = check.note { text += ": \(note)" }
            text += "\n"
        }
        return text
    }

    static func publishedText(_ run: PublishedRun, plan: Plan, verification: CertificateVerification) -> String {
        let certificate = run.certificate
        var text = "Published \(plan.request.id) (tier \(plan.policy.tier), plan \(plan.digest))\n"
        text += "  gates: all \(certificate.gates.count) checks passed\n" + gateTable(certificate.gates)
        text +=
            "  synthetic data  \(run.syntheticPath) (\(certificate.lineage.synthetic.rows) rows, \(certificate.lineage.synthetic.sha256))\n"
        text += "  certificate     \(run.certificatePath) (\(certificate.id), expires \(certificate.expiresAt))\n"
        text += "  reports         \(run.reportJSONPath), \(run.reportHTMLPath)\n"
        if let spent = certificate.privacy.epsilonSpent {
            text +=
                "  privacy         ε \(GateCheck.format(spent)), δ \(certificate.privacy.deltaSpent.map { "\($0)" } ?? "0") "
                + "(\(certificate.privacy.accountant ?? "?"))\n"
        } else {
            text += "  privacy         no differential-privacy guarantee (\(certificate.lineage.generator.name))\n"
        }
        if verification.isValid {
            text += "  verified        signature (key \(verification.keyID ?? "?")), expiry and catalogue: valid\n"
        } else {
            text +=
                "  verification FAILED:\n"
                + verification.findings.map { "    \($0.kind.rawValue): \($0.message)\n" }.joined()
        }
        text += run.notes.map { "note: \($0)\n" }.joined()
        return text
    }

    static func failedText(_ run: FailedRun, plan: Plan) -> String {
        var text =
            "Not published: \(run.failed.count) of \(run.report.gates.count) checks failed for \(plan.request.id) "
        text += "(tier \(plan.policy.tier), plan \(plan.digest))\n"
        text += run.failed.map { "  ✗ \($0.gate.rawValue) \($0.summary)\n" }.joined()
        text += "  all checks:\n" + gateTable(run.report.gates)
        if case .publish(let publish)? = plan.stage(.publish) {
            text += "  nothing was written to \(publish.directory): no synthetic data, no certificate\n"
        }
        text += run.notes.map { "note: \($0)\n" }.joined()
        return text
    }
}
