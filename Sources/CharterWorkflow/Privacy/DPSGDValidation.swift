public import CharterAccounting
public import CharterCore

/// `charter privacy validate-config` and `POST /v1/dp/validate-config`: a DP-SGD configuration
/// checked before any data is read — the noise multiplier the target needs, the sampling rate and
/// steps, a verdict per check, and a recommended configuration (``DPSGDConfigurationCheck``, the
/// checks a `dp-vae` plan makes).
///
/// Sizes past ``limits`` are refused before any arithmetic, so no input can overflow the step
/// count (epochs × ⌈rows / batch⌉) or make the calibration run long.
public struct DPSGDValidation: Sendable {
    /// The largest rows, batch size and epochs taken.
    public static let limits = (rows: 1_000_000_000, epochs: 1_000_000)

    /// The check, or `nil` when the sizes were refused (``problems``).
    public let check: DPSGDConfigurationCheck?
    /// Sizes past the limits, in Cedar's style.
    public let problems: [String]

    /// Checks the configuration.
    /// - Complexity: one noise calibration and up to four more for the recommendation.
    public init(rows: Int, batchSize: Int, epochs: Int, targetEpsilon: Double, delta: Double) {
        var problems: [String] = []
        if rows > Self.limits.rows { problems.append("rows must be at most \(Self.limits.rows), got \(rows)") }
        if batchSize > Self.limits.rows {
            problems.append("the batch size must be at most \(Self.limits.rows), got \(batchSize)")
        }
        if epochs > Self.limits.epochs {
            problems.append("epochs must be at most \(Self.limits.epochs), got \(epochs)")
        }
        self.problems = problems
        check =
            problems.isEmpty
            ? DPSGDConfigurationCheck(
                DPSGDConfiguration(
                    rows: rows, batchSize: batchSize, epochs: epochs, targetEpsilon: targetEpsilon, delta: delta))
            : nil
    }

    /// Whether the configuration is refused: sizes past the limits, or any finding an error.
    public var isRefused: Bool { check?.isRefused ?? true }

    /// The verdict, the sampling rate, steps, noise multiplier and ε, the findings and the
    /// recommended configuration, in the order the text output lists them.
    public var fields: [(String, JSONValue)] {
        guard let check else {
            return [
                ("verdict", "refused"), ("sampling_rate", .null), ("steps", .null), ("noise_multiplier", .null),
                ("epsilon", .null),
                (
                    "findings",
                    .array(
                        problems.map {
                            ["check": "parameters", "severity": "error", "message": .string($0)]
                        })
                ),
                ("recommended", .null),
            ]
        }
        let c = check.configuration
        let findings = JSONValue.array(
            check.findings.map {
                ["check": .string($0.check), "severity": .string($0.severity.rawValue), "message": .string($0.message)]
            })
        let recommended: JSONValue =
            check.recommended.map {
                [
                    "batch_size": .integer($0.configuration.batchSize), "epochs": .integer($0.configuration.epochs),
                    "sampling_rate": .number($0.configuration.samplingRate), "steps": .integer($0.configuration.steps),
                    "noise_multiplier": .number($0.noiseMultiplier),
                ]
            } ?? .null
        return [
            ("verdict", .string(check.isRefused ? "refused" : "accepted")), ("sampling_rate", .number(c.samplingRate)),
            ("steps", .integer(c.steps)),
            ("noise_multiplier", check.noiseMultiplier.isFinite ? .number(check.noiseMultiplier) : .null),
            ("epsilon", check.epsilon.map { .number($0) } ?? .null), ("findings", findings),
            ("recommended", recommended),
        ]
    }

    /// ``fields`` as one JSON object (`validate-config --format json`).
    public var json: JSONValue {
        .object(Dictionary(fields, uniquingKeysWith: { _, last in last }))
    }
}
