public import CharterCore

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// What one mechanism costs, in the accounting unit its privacy analysis gives.
///
/// Exact quantities (ε, δ, ρ) are decimals; an RDP curve is binary floating point, because it is the
/// output of a numerical analysis (see ``RDPCurve``).
public enum PrivacyCost: Sendable, Hashable {
    /// Pure ε-differential privacy.
    case pure(epsilon: Decimal)
    /// Approximate (ε, δ)-differential privacy.
    case approximate(epsilon: Decimal, delta: Decimal)
    /// ρ-zero-concentrated differential privacy (Bun–Steinke 2016).
    case zeroConcentrated(rho: Decimal)
    /// A Rényi-DP curve over the ledger's fixed order grid (Mironov 2017).
    case renyi(RDPCurve)

    /// What a generator's run reserves from its source: nothing when the generator is not
    /// differentially private and states no ε; else (ε, δ) when it states a δ, and pure ε otherwise
    /// (an ε not stated counts as 0). The engine reserves this, and decisions compose it onto the
    /// ledger, so both ask here.
    public static func ofRun(epsilon: Decimal?, delta: Decimal?, differentiallyPrivate: Bool) -> PrivacyCost? {
        guard differentiallyPrivate || epsilon != nil else { return nil }
        return delta.map { .approximate(epsilon: epsilon ?? 0, delta: $0) } ?? .pure(epsilon: epsilon ?? 0)
    }

    /// Checks the numbers: ε ≥ 0, 0 ≤ δ < 1, ρ ≥ 0. (Curves are checked when made.)
    public func validate() throws(RegistryError) {
        switch self {
        case .pure(let epsilon):
            guard epsilon.isFinite, epsilon >= 0 else {
                throw .invalidCost("epsilon must be a number >= 0, got \(epsilon)")
            }
        case .approximate(let epsilon, let delta):
            guard epsilon.isFinite, epsilon >= 0 else {
                throw .invalidCost("epsilon must be a number >= 0, got \(epsilon)")
            }
            guard delta.isFinite, delta >= 0, delta < 1 else {
                throw .invalidCost("delta must be in [0, 1), got \(delta)")
            }
        case .zeroConcentrated(let rho):
            guard rho.isFinite, rho >= 0 else { throw .invalidCost("rho must be a number >= 0, got \(rho)") }
        case .renyi:
            break
        }
    }

    /// A short human form: `ε=1`, `ε=1 δ=0.000001`, `ρ=0.5`, `RDP(156 orders)`.
    public var summary: String {
        switch self {
        case .pure(let epsilon): "ε=\(epsilon)"
        case .approximate(let epsilon, let delta): "ε=\(epsilon) δ=\(delta)"
        case .zeroConcentrated(let rho): "ρ=\(rho)"
        case .renyi(let curve): "RDP(\(curve.values.count) orders)"
        }
    }

    /// The cost as JSON: `{"kind": "pure"|"approximate"|"zcdp"|"rdp", ...}`, exact numbers as
    /// decimal strings, an RDP curve as `{"orders": "dp-accounting-default", "rdp": [...]}`.
    public var json: JSONValue {
        switch self {
        case .pure(let epsilon):
            ["kind": "pure", "epsilon": .string(epsilon.description)]
        case .approximate(let epsilon, let delta):
            ["kind": "approximate", "epsilon": .string(epsilon.description), "delta": .string(delta.description)]
        case .zeroConcentrated(let rho):
            ["kind": "zcdp", "rho": .string(rho.description)]
        case .renyi(let curve):
            ["kind": "rdp", "orders": .string(Self.gridName), "rdp": .array(curve.values.map { .number($0) })]
        }
    }

    /// The name the JSON form gives the order grid.
    static let gridName = "dp-accounting-default"

    /// Reads the JSON form back; throws ``RegistryError/invalidCost(_:)`` for anything else.
    public init(json: JSONValue) throws(RegistryError) {
        func decimal(_ key: String) throws(RegistryError) -> Decimal {
            guard let text = json[key]?.stringValue, let value = Decimal(string: text), value.isFinite,
                JSONNumberFormat.isJSONNumber(text)
            else { throw .invalidCost("\"\(key)\" must be a decimal number written as a string") }
            return value
        }
        switch json["kind"]?.stringValue {
        case "pure": self = .pure(epsilon: try decimal("epsilon"))
        case "approximate": self = .approximate(epsilon: try decimal("epsilon"), delta: try decimal("delta"))
        case "zcdp": self = .zeroConcentrated(rho: try decimal("rho"))
        case "rdp":
            guard json["orders"]?.stringValue == Self.gridName else {
                throw .invalidCost("an RDP curve must be on the \"\(Self.gridName)\" order grid")
            }
            guard let values = json["rdp"]?.arrayValue?.compactMap(\.doubleValue),
                let curve = RDPCurve(values: values), values.count == json["rdp"]?.arrayValue?.count
            else {
                throw .invalidCost("an RDP curve needs \(RDPCurve.orders.count) finite values >= 0, one per order")
            }
            self = .renyi(curve)
        default:
            throw .invalidCost("\"kind\" must be one of \"pure\", \"approximate\", \"zcdp\", \"rdp\"")
        }
        try validate()
    }
}
