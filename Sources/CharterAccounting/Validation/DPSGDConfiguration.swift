/// A DP-SGD training configuration as a plan states it, before any data is read: the number of rows
/// (public, as Opacus treats it), the expected batch size, the epochs and the (ε, δ) target.
public struct DPSGDConfiguration: Sendable, Hashable {
    /// The number of training rows n.
    public var rows: Int
    /// The expected batch size B (Poisson sampling at q = B/n).
    public var batchSize: Int
    /// The number of passes over the data.
    public var epochs: Int
    /// The target ε.
    public var targetEpsilon: Double
    /// The target δ.
    public var delta: Double

    /// Creates a configuration.
    public init(rows: Int, batchSize: Int, epochs: Int, targetEpsilon: Double, delta: Double) {
        self.rows = rows
        self.batchSize = batchSize
        self.epochs = epochs
        self.targetEpsilon = targetEpsilon
        self.delta = delta
    }

    /// The Poisson sampling rate q = min(1, B/n).
    public var samplingRate: Double { rows > 0 ? min(1, Double(batchSize) / Double(rows)) : 1 }
    /// Steps per epoch, ⌈n/B⌉ (the length of Opacus's data loader).
    public var stepsPerEpoch: Int { rows > 0 && batchSize > 0 ? (rows + batchSize - 1) / batchSize : 0 }
    /// The number of DP-SGD steps: epochs · ⌈n/B⌉ (Opacus's `make_private_with_epsilon`).
    public var steps: Int { epochs * stepsPerEpoch }
}

/// One finding about a DP-SGD configuration.
public struct DPSGDFinding: Sendable, Hashable {
    /// How serious it is.
    public enum Severity: String, Sendable, Hashable, Codable {
        /// Fine as it is.
        case good
        /// Works, but not where DP-SGD does best.
        case moderate
        /// Likely to give poor utility; the run may still go ahead.
        case warning
        /// The run cannot go ahead.
        case error
    }

    /// What was checked (`batch-share`, `steps`, `noise-multiplier`, `parameters`).
    public var check: String
    /// The verdict.
    public var severity: Severity
    /// One line, lowercase, no final period.
    public var message: String
}
