public import CharterCore

/// What a mechanism promises, in the unit its analysis gives.
public enum PrivacyGuarantee: Sendable, Hashable {
    /// Pure ε-differential privacy.
    case pure(epsilon: Double)
    /// Approximate (ε, δ)-differential privacy.
    case approximate(epsilon: Double, delta: Double)
    /// ρ-zero-concentrated differential privacy (Bun & Steinke 2016).
    case zeroConcentrated(rho: Double)

    /// The guarantee as JSON: `{"kind": "pure", "epsilon": …}`, `{"kind": "approximate", "epsilon": …,
    /// "delta": …}` or `{"kind": "zcdp", "rho": …}`.
    public var jsonValue: JSONValue {
        switch self {
        case .pure(let epsilon): ["kind": "pure", "epsilon": .number(epsilon)]
        case .approximate(let epsilon, let delta):
            ["kind": "approximate", "epsilon": .number(epsilon), "delta": .number(delta)]
        case .zeroConcentrated(let rho): ["kind": "zcdp", "rho": .number(rho)]
        }
    }

    /// Reads the JSON form back.
    public init(json: JSONValue) throws(PrivacyDescriptionError) {
        func number(_ key: String) throws(PrivacyDescriptionError) -> Double {
            guard let value = json[key]?.doubleValue, value.isFinite, value >= 0 else {
                throw .invalidField("guarantee.\(key)")
            }
            return value
        }
        switch json["kind"]?.stringValue {
        case "pure": self = .pure(epsilon: try number("epsilon"))
        case "approximate": self = .approximate(epsilon: try number("epsilon"), delta: try number("delta"))
        case "zcdp": self = .zeroConcentrated(rho: try number("rho"))
        default: throw .invalidField("guarantee.kind")
        }
    }

    /// The sum of two guarantees of the same kind (basic composition for ε and δ, additivity of ρ).
    /// `nil` when the kinds differ: convert first (CharterAccounting's `ZeroConcentratedDP`, `RDPAccountant`).
    public func composed(with other: PrivacyGuarantee) -> PrivacyGuarantee? {
        switch (self, other) {
        case (.pure(let a), .pure(let b)): .pure(epsilon: a + b)
        case (.approximate(let a, let d), .approximate(let b, let e)): .approximate(epsilon: a + b, delta: d + e)
        case (.zeroConcentrated(let a), .zeroConcentrated(let b)): .zeroConcentrated(rho: a + b)
        default: nil
        }
    }
}

/// A privacy description that could not be read back.
public enum PrivacyDescriptionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A field is missing or has the wrong type or range.
    case invalidField(String)

    public var description: String {
        switch self {
        case .invalidField(let path): "privacy description field '\(path)' is missing or invalid"
        }
    }
}
