public import CharterCore
public import CharterData
public import CharterPrivacy

/// The declared domain of one column: what a generator may produce and, for a differentially private
/// generator, what it may assume without spending budget. Domains come from the request or the
/// policy, never from the data.
public enum DeclaredDomain: Sendable, Hashable {
    /// Numbers in `[lower, upper]`; `integral` when only whole numbers are valid.
    case numeric(lower: Double, upper: Double, integral: Bool)
    /// One of these categories (CSV text), in the declared order.
    case categorical([String])
    /// `true` / `false`.
    case boolean
}

/// What a generator is asked to do: everything the plan fixes before any data is read.
public struct GeneratorSettings: Sendable, Equatable {
    /// The seed for the model's own (non-privacy) randomness: sampling rows, splitting. Privacy noise
    /// never comes from this seed; it comes from the system's secure generator.
    public var seed: UInt64
    /// The target ε, when the generator must be differentially private.
    public var epsilon: Double?
    /// The target δ, when the generator must be differentially private.
    public var delta: Double?
    /// The semantic type of each modelled column.
    public var schema: TableSchema
    /// The declared domain of each modelled column (required for a differentially private generator).
    public var domains: [String: DeclaredDomain]
    /// Generator-specific parameters (for example the budget split, or an external command), as JSON.
    public var parameters: [String: JSONValue]
    /// When set, the rows asked for are consecutive draws of this many rows each (the gates' draws
    /// and attempts, sampled from one fit): a class mix holds within each draw, not only over all.
    public var drawRows: Int?

    /// Creates settings.
    public init(
        seed: UInt64, epsilon: Double? = nil, delta: Double? = nil, schema: TableSchema,
        domains: [String: DeclaredDomain] = [:], parameters: [String: JSONValue] = [:], drawRows: Int? = nil
    ) {
        self.seed = seed
        self.epsilon = epsilon
        self.delta = delta
        self.schema = schema
        self.domains = domains
        self.parameters = parameters
        self.drawRows = drawRows
    }
}

/// The privacy a generator spent, as the certificate and the ledger record it.
public struct PrivacySpend: Sendable, Hashable {
    /// ε spent, after conversion to the (ε, δ) the request asked for.
    public var epsilon: Double
    /// δ spent.
    public var delta: Double
    /// The accountant and conversion that produced (ε, δ), for example
    /// `"zcdp (Bun & Steinke 2016), converted with Canonne, Kamath & Steinke 2020"`.
    public var accountant: String
    /// `true` when the numbers are claimed by an external tool and not computed by Charter.
    public var claimedByExternalTool: Bool
    /// Each mechanism that touched the data, in the order it ran.
    public var mechanisms: [PrivacyDescription]

    /// Creates a spend record.
    public init(
        epsilon: Double, delta: Double, accountant: String, claimedByExternalTool: Bool = false,
        mechanisms: [PrivacyDescription] = []
    ) {
        self.epsilon = epsilon
        self.delta = delta
        self.accountant = accountant
        self.claimedByExternalTool = claimedByExternalTool
        self.mechanisms = mechanisms
    }
}

/// What a generator did, for the certificate's lineage.
public struct GeneratorLineage: Sendable, Hashable {
    /// The generator's name (`gaussian-copula`, `dp-copula`, `external`).
    public var generator: String
    /// The implementation's version.
    public var version: String
    /// The seed used for the model's own randomness.
    public var seed: UInt64
    /// The parameters the model was fitted and sampled with, as JSON (no data values).
    public var parameters: JSONValue

    /// Creates a lineage record.
    public init(generator: String, version: String, seed: UInt64, parameters: JSONValue) {
        self.generator = generator
        self.version = version
        self.seed = seed
        self.parameters = parameters
    }
}

/// The synthetic table a generator produced, what it spent and what it did.
public struct GeneratorOutput: Sendable {
    /// The synthetic rows, with the modelled columns in the training table's order.
    public var table: Table
    /// The privacy spent; `nil` for a generator with no differential-privacy guarantee.
    public var privacy: PrivacySpend?
    /// What the generator did.
    public var lineage: GeneratorLineage
    /// Things a person should know (noise that swamps the signal, clamped values, …), one line each.
    public var warnings: [String]
    /// The statistics a differentially private generator released and how it refits from them,
    /// for the parametric bootstrap of its fit (``ParametricBootstrap``); `nil` for generators that
    /// report none (every generator but `dp-copula`).
    package var released: (any ReleasedStatistics)?

    /// Creates an output record.
    public init(table: Table, privacy: PrivacySpend?, lineage: GeneratorLineage, warnings: [String] = []) {
        self.table = table
        self.privacy = privacy
        self.lineage = lineage
        self.warnings = warnings
    }
}

/// Why a generator could not run: each case a user can cause, with a one-line message.
public struct GeneratorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A short stable code (`CH700`…).
    public var code: String
    /// What went wrong, lowercase, one line.
    public var message: String

    /// Creates an error.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}

/// A synthetic-data generator: fits on a table with a declared schema and samples rows.
///
/// Fitting and sampling happen in one call so that a differentially private generator can never
/// release anything but its noisy model's samples.
public protocol SyntheticDataGenerator: Sendable {
    /// The name policies and requests use (`gaussian-copula`, `dp-copula`, `external`).
    var name: String { get }
    /// The implementation's version, recorded in the lineage.
    var version: String { get }
    /// Whether the output carries a differential-privacy guarantee computed by Charter.
    var isDifferentiallyPrivate: Bool { get }

    /// Fits the model on `training` and samples `rowCount` rows.
    func generate(training: Table, rowCount: Int, settings: GeneratorSettings) throws(GeneratorError)
        -> GeneratorOutput
}

extension GeneratorSettings {
    /// The (ε, δ) a differentially private generator calibrates to: ε finite in (0, 10000] and δ
    /// in (0, 1), or the error that names `generator` and what it got.
    func privacyTarget(of generator: String) throws(GeneratorError) -> (epsilon: Double, delta: Double) {
        guard let epsilon, epsilon.isFinite, epsilon > 0, epsilon <= 1e4 else {
            throw GeneratorError(
                .generatorInvalidPrivacyTarget,
                "\(generator) needs a finite epsilon in (0, 10000]; got \(self.epsilon.map { "\($0)" } ?? "none")")
        }
        guard let delta, delta > 0, delta < 1 else {
            throw GeneratorError(
                .generatorInvalidPrivacyTarget,
                "\(generator) needs a delta in (0, 1); got \(self.delta.map { "\($0)" } ?? "none")")
        }
        return (epsilon, delta)
    }
}
