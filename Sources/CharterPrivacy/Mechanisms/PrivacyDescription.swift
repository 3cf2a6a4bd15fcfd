public import CharterCore

/// The noise distributions the mechanisms draw from.
public enum NoiseDistribution: String, Sendable, Hashable, Codable {
    /// The discrete Laplace on ℤ (CKS20 Algorithm 2).
    case discreteLaplace = "discrete-laplace"
    /// The discrete Gaussian on ℤ (CKS20 Algorithm 3).
    case discreteGaussian = "discrete-gaussian"
}

/// How one noise component was drawn: enough to re-derive its privacy from first principles.
public struct NoiseComponent: Sendable, Hashable {
    /// What the noise was added to (`count`, `sum`, `bins`, `vector`).
    public var target: String
    /// The distribution.
    public var distribution: NoiseDistribution
    /// The exact parameter in grid units, as `numerator/denominator`: the scale of the discrete
    /// Laplace, or σ² of the discrete Gaussian.
    public var parameter: String
    /// k, where the values were rounded to the grid 2^k before noise (0 for integer queries).
    public var gridExponent: Int
    /// The sensitivity charged, in grid units, including the rounding to the grid (L1 for Laplace,
    /// L2 for Gaussian).
    public var gridSensitivity: Double

    /// The component as JSON.
    public var jsonValue: JSONValue {
        [
            "target": .string(target), "distribution": .string(distribution.rawValue), "parameter": .string(parameter),
            "grid_exponent": .integer(gridExponent), "grid_sensitivity": .number(gridSensitivity),
        ]
    }
}

/// What a mechanism released and under which guarantee: the record the privacy ledger keeps.
///
/// Serialise it with ``jsonValue`` and `JSONValue.canonical()` (RFC 8785) for a stable byte form.
public struct PrivacyDescription: Sendable, Hashable {
    /// The mechanism (`noisy-count`, `noisy-histogram`, `noisy-sum`, `noisy-mean`, `gaussian-vector`).
    public var mechanism: String
    /// The guarantee, with respect to adding or removing one record.
    public var guarantee: PrivacyGuarantee
    /// The neighbouring relation the guarantee is for.
    public var neighbouring: String = "add-remove-one"
    /// The declared sensitivity in data units before rounding (L1 for Laplace, L2 for Gaussian).
    public var sensitivity: Double
    /// The noise components, in the order they were drawn.
    public var noise: [NoiseComponent]
    /// Where the randomness came from.
    public var randomness: RandomnessProvenance
    /// The sampler implementation, recorded for audits (DP notes §2, item 7).
    public var implementation: String =
        "CKS20 exact samplers (Canonne, Kamath & Steinke 2020), integer arithmetic, power-of-two grid"
    /// What the mechanism protected, in words a reader of the run report understands (`the counts of
    /// 'age' in 21 bins`); set by the generator that ran it. Not part of ``jsonValue``: the ledger's
    /// record and its digest stay as they were.
    public var subject: String?

    /// The description as JSON with sorted keys.
    public var jsonValue: JSONValue {
        [
            "mechanism": .string(mechanism), "guarantee": guarantee.jsonValue, "neighbouring": .string(neighbouring),
            "sensitivity": .number(sensitivity), "noise": .array(noise.map(\.jsonValue)),
            "randomness": .string(randomness.rawValue), "implementation": .string(implementation),
        ]
    }

    /// The canonical JSON bytes (RFC 8785), for the ledger and for digests.
    public func canonicalJSON() throws(JSONEncodingError) -> String {
        try jsonValue.canonical()
    }
}

/// A released value and its privacy description.
public struct NoisyRelease<Value: Sendable & Hashable>: Sendable, Hashable {
    /// The noisy value.
    public var value: Value
    /// How it was made private.
    public var privacy: PrivacyDescription
}

extension PrivacyDescription {
    /// A description for a mechanism implemented outside this module (DP-SGD in CharterSynth).
    package init(
        mechanism: String, guarantee: PrivacyGuarantee, sensitivity: Double, noise: [NoiseComponent],
        randomness: RandomnessProvenance, implementation: String
    ) {
        self.mechanism = mechanism
        self.guarantee = guarantee
        self.sensitivity = sensitivity
        self.noise = noise
        self.randomness = randomness
        self.implementation = implementation
    }
}
