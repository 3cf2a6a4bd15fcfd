import ArgumentParser
import CharterAccounting
import CharterCore
import CharterWorkflow

/// `charter privacy`: sizing a differentially private run before asking for it.
struct PrivacyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privacy",
        abstract: "Compute privacy budgets and noise levels.",
        discussion: """
            Accounting for DP-SGD (the Poisson-subsampled Gaussian) by Rényi DP on dp-accounting's 156 orders \
            with the improved conversion to (ε, δ), or by privacy loss distributions (--accountant pld), and the \
            exact Gaussian calibration of Balle and Wang (2018).
            """,
        subcommands: [Epsilon.self, NoiseMultiplier.self, GaussianSigma.self, ValidateConfig.self]
    )
}

/// `--format json|text` for the privacy commands, which print numbers rather than diagnostics.
enum PrivacyOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}

/// The accountants `charter privacy epsilon` offers.
enum PrivacyAccountantChoice: String, ExpressibleByArgument, CaseIterable {
    /// Rényi DP on dp-accounting's orders, improved conversion; reports the optimal order.
    case rdp
    /// Privacy loss distributions (grid 1e-4, pessimistic connect-the-dots); no order to report.
    case pld
}

extension PrivacyCommand {
    /// Writes a flat result: JSON with sorted keys, or one `name: value` line per member.
    static func emit(_ members: [(String, JSONValue)], format: PrivacyOutputFormat) throws {
        switch format {
        case .json:
            let object = JSONValue.object(Dictionary(members, uniquingKeysWith: { _, last in last }))
            Terminal.write(try object.canonical() + "\n")
        case .text:
            let lines = members.map { name, value in
                let text =
                    switch value {
                    case .number(let number): (try? JSONValue.number(number).canonical()) ?? "\(number)"
                    case .null: "none"
                    case .string(let string): string
                    default: (try? value.canonical()) ?? ""
                    }
                return "\(name): \(text)"
            }
            Terminal.write(lines.joined(separator: "\n") + "\n")
        }
    }

    static func requireSamplingRate(_ q: Double) throws {
        guard q.isFinite, q > 0, q <= 1 else {
            throw ValidationError("--sampling-rate must lie in (0, 1], got \(q)")
        }
    }

    static func requireDelta(_ delta: Double) throws {
        guard delta.isFinite, delta > 0, delta < 1 else {
            throw ValidationError("--delta must lie in (0, 1), got \(delta)")
        }
    }

    static func requirePositive(_ value: Double, _ name: String) throws {
        guard value.isFinite, value > 0 else {
            throw ValidationError("\(name) must be a positive finite number, got \(value)")
        }
    }

    static func requireSteps(_ steps: Int, allowZero: Bool) throws {
        guard steps >= (allowZero ? 0 : 1) else {
            throw ValidationError("--steps must be \(allowZero ? "non-negative" : "at least 1"), got \(steps)")
        }
    }
}

extension PrivacyCommand {
    /// `charter privacy epsilon`: ε spent by DP-SGD.
    struct Epsilon: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "epsilon",
            abstract: "The ε of T steps of the Poisson-subsampled Gaussian at a given δ.")

        @Option(help: "Poisson sampling rate q, in (0, 1].")
        var samplingRate: Double

        @Option(help: "Noise standard deviation over L2 sensitivity (clipping norm).")
        var noiseMultiplier: Double

        @Option(help: "Number of steps (non-negative).")
        var steps: Int

        @Option(help: "Target δ, in (0, 1).")
        var delta: Double

        @Option(help: "Accountant: \(PrivacyAccountantChoice.allCases.map(\.rawValue).joined(separator: ", ")).")
        var accountant: PrivacyAccountantChoice = .rdp

        @Option(help: "Output format: text, json.")
        var format: PrivacyOutputFormat = .text

        func validate() throws {
            try PrivacyCommand.requireSamplingRate(samplingRate)
            try PrivacyCommand.requirePositive(noiseMultiplier, "--noise-multiplier")
            try PrivacyCommand.requireSteps(steps, allowZero: true)
            try PrivacyCommand.requireDelta(delta)
        }

        func run() throws {
            let epsilon: Double
            let order: Double?
            switch accountant {
            case .rdp:
                var rdp = RDPAccountant()
                rdp.composePoissonSubsampledGaussian(
                    samplingRate: samplingRate, noiseMultiplier: noiseMultiplier, steps: steps)
                (epsilon, order) = rdp.epsilon(delta: delta)
            case .pld:
                epsilon = PLDAccountant.epsilon(
                    samplingRate: samplingRate, noiseMultiplier: noiseMultiplier, steps: steps, delta: delta)
                order = nil
            }
            guard epsilon.isFinite else {
                throw ValidationError("no order gives a finite ε for these parameters")
            }
            try PrivacyCommand.emit(
                [("epsilon", .number(epsilon)), ("optimal_order", order.map { .number($0) } ?? .null)], format: format)
        }
    }

    /// `charter privacy noise-multiplier`: the noise DP-SGD needs for a target ε.
    struct NoiseMultiplier: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "noise-multiplier",
            abstract: "The smallest noise multiplier whose ε is at most the target (RDP accountant).")

        @Option(help: "Target ε (positive).")
        var targetEpsilon: Double

        @Option(help: "Poisson sampling rate q, in (0, 1].")
        var samplingRate: Double

        @Option(help: "Number of steps (at least 1).")
        var steps: Int

        @Option(help: "Target δ, in (0, 1).")
        var delta: Double

        @Option(help: "Output format: text, json.")
        var format: PrivacyOutputFormat = .text

        func validate() throws {
            try PrivacyCommand.requirePositive(targetEpsilon, "--target-epsilon")
            try PrivacyCommand.requireSamplingRate(samplingRate)
            try PrivacyCommand.requireSteps(steps, allowZero: false)
            try PrivacyCommand.requireDelta(delta)
        }

        func run() throws {
            let sigma = NoiseCalibration.noiseMultiplier(
                targetEpsilon: targetEpsilon, samplingRate: samplingRate, steps: steps, delta: delta)
            guard sigma.isFinite else { throw ValidationError("no noise multiplier reaches ε = \(targetEpsilon)") }
            try PrivacyCommand.emit([("noise_multiplier", .number(sigma))], format: format)
        }
    }

    /// `charter privacy gaussian-sigma`: the exact Gaussian calibration.
    struct GaussianSigma: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gaussian-sigma",
            abstract: "The smallest σ for which Gaussian noise is (ε, δ)-DP (Balle and Wang 2018).")

        @Option(help: "ε (positive).")
        var epsilon: Double

        @Option(help: "δ, in (0, 1).")
        var delta: Double

        @Option(help: "L2 sensitivity of the query (positive).")
        var sensitivity: Double = 1

        @Option(help: "Output format: text, json.")
        var format: PrivacyOutputFormat = .text

        func validate() throws {
            try PrivacyCommand.requirePositive(epsilon, "--epsilon")
            try PrivacyCommand.requireDelta(delta)
            try PrivacyCommand.requirePositive(sensitivity, "--sensitivity")
        }

        func run() throws {
            let sigma = AnalyticGaussian.sigma(epsilon: epsilon, delta: delta, sensitivity: sensitivity)
            try PrivacyCommand.emit([("sigma", .number(sigma))], format: format)
        }
    }
}

extension PrivacyCommand {
    /// `charter privacy validate-config`: a DP-SGD configuration checked before any data is read.
    struct ValidateConfig: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate-config",
            abstract: "Check a DP-SGD configuration (dp-vae) before training: noise, batch share, steps.",
            discussion: """
                Prints the noise multiplier the target needs (the RDP accountant of privacy epsilon), the \
                sampling rate and steps (epochs × ⌈rows/batch⌉), a verdict per check (batch share ≤ 10% good, \
                ≤ 20% moderate; steps < 500 good, ≤ 1000 moderate; a noise multiplier above 10 refused) and a \
                recommended configuration. Exits 1 when the configuration is refused.
                """)

        @Option(help: "Number of training rows (at least 1).")
        var rows: Int

        @Option(help: "Expected batch size (Poisson sampling at batch/rows).")
        var batchSize: Int

        @Option(help: "Number of epochs (at least 1).")
        var epochs: Int

        @Option(help: "Target ε (positive).")
        var targetEpsilon: Double

        @Option(help: "Target δ, in (0, 1).")
        var delta: Double

        @Option(help: "Output format: text, json.")
        var format: PrivacyOutputFormat = .text

        func run() throws {
            let validation = DPSGDValidation(
                rows: rows, batchSize: batchSize, epochs: epochs, targetEpsilon: targetEpsilon, delta: delta)
            switch format {
            case .json:
                try PrivacyCommand.emit(validation.fields, format: .json)
            case .text:
                guard let check = validation.check else {
                    var lines = ["verdict: refused"]
                    for problem in validation.problems { lines.append("error[parameters]: \(problem)") }
                    Terminal.write(lines.joined(separator: "\n") + "\n")
                    throw ExitCode.failure
                }
                let c = check.configuration
                var lines = [
                    "verdict: \(check.isRefused ? "refused" : "accepted")",
                    "sampling_rate: \(DPSGDText.number(c.samplingRate))", "steps: \(c.steps)",
                    "noise_multiplier: \(check.noiseMultiplier.isFinite ? DPSGDText.number(check.noiseMultiplier) : "none")",
                ]
                for finding in check.findings {
                    lines.append("\(finding.severity.rawValue)[\(finding.check)]: \(finding.message)")
                }
                if let r = check.recommended {
                    lines.append(
                        "recommended: --batch-size \(r.configuration.batchSize) --epochs \(r.configuration.epochs) "
                            + "(q = \(DPSGDText.number(r.configuration.samplingRate)), \(r.configuration.steps) steps, "
                            + "noise multiplier \(DPSGDText.number(r.noiseMultiplier)))")
                }
                Terminal.write(lines.joined(separator: "\n") + "\n")
            }
            if validation.isRefused { throw ExitCode.failure }
        }
    }
}

/// Numbers in validate-config's text output.
enum DPSGDText {
    static func number(_ x: Double) -> String {
        (try? JSONValue.number((x * 10000).rounded() / 10000).canonical()) ?? "\(x)"
    }
}
