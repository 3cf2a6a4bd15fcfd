package import CharterData

/// One block of a differentially private fit's released statistics: values that received
/// independent noise of one known scale.
package struct ReleasedBlock: Sendable, Equatable {
    /// What the values are, for people (`the counts of 'age'`).
    package var subject: String
    /// The values as released (noisy), before any post-processing.
    package var values: [Double]
    /// The standard deviation of the noise each value received.
    package var noiseSD: Double
    /// Whether the released values are integers (a histogram's counts): re-noised copies are
    /// rounded to integers too.
    package var integral: Bool

    /// Creates a block.
    package init(subject: String, values: [Double], noiseSD: Double, integral: Bool) {
        self.subject = subject
        self.values = values
        self.noiseSD = noiseSD
        self.integral = integral
    }
}

/// What a differentially private generator released about the data, and how it turns released
/// statistics into a model: the seam of the parametric bootstrap (``ParametricBootstrap``).
///
/// A generator that conforms exposes only values it already released (noisy statistics) and the
/// known scales of their noise; nothing that still depends on the data. Refitting from other
/// statistics of the same shape is post-processing: it spends no privacy budget.
package protocol ReleasedStatistics: Sendable {
    /// The released statistics, in blocks that share a noise scale.
    var blocks: [ReleasedBlock] { get }

    /// Fits the model from `blocks` (shaped like ``blocks``) exactly as the generator post-processes
    /// its own release, and samples `rowCount` rows with the model's seeded randomness.
    func sample(refittedFrom blocks: [ReleasedBlock], rowCount: Int, seed: UInt64) throws(GeneratorError) -> Table
}
