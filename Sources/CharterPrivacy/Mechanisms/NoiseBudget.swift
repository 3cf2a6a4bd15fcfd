/// The privacy a mechanism is asked for, which also picks its noise.
public enum NoiseBudget: Sendable, Hashable {
    /// Pure ε-DP with discrete Laplace noise.
    case laplace(epsilon: Double)
    /// ρ-zCDP with discrete Gaussian noise.
    case gaussian(rho: Double)

    /// The budget split evenly in two (for a mean: half for the sum, half for the count).
    var halved: NoiseBudget {
        switch self {
        case .laplace(let epsilon): .laplace(epsilon: epsilon / 2)
        case .gaussian(let rho): .gaussian(rho: rho / 2)
        }
    }

    var guarantee: PrivacyGuarantee {
        switch self {
        case .laplace(let epsilon): .pure(epsilon: epsilon)
        case .gaussian(let rho): .zeroConcentrated(rho: rho)
        }
    }

    func validated() throws(MechanismError) -> NoiseBudget {
        switch self {
        case .laplace(let epsilon):
            guard epsilon > 0, epsilon.isFinite, epsilon >= 0x1p-40, epsilon <= 0x1p20 else {
                throw .invalidParameter("epsilon", epsilon, "must lie in [2^-40, 2^20]")
            }
        case .gaussian(let rho):
            guard rho > 0, rho.isFinite, rho >= 0x1p-80, rho <= 0x1p40 else {
                throw .invalidParameter("rho", rho, "must lie in [2^-80, 2^40]")
            }
        }
        return self
    }
}

/// Bad parameters or data handed to a mechanism.
public enum MechanismError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A parameter is out of range.
    case invalidParameter(String, Double, String)
    /// A data value is NaN or infinite.
    case nonFiniteValue(index: Int)
    /// A value is too large for the noise grid the budget implies.
    case valueOutOfRange(index: Int)
    /// A histogram domain is empty or repeats a value.
    case invalidDomain(String)

    public var description: String {
        switch self {
        case .invalidParameter(let name, let value, let reason): "\(name) \(value) \(reason)"
        case .nonFiniteValue(let index): "value at index \(index) is not a finite number"
        case .valueOutOfRange(let index): "value at index \(index) is too large for the noise grid"
        case .invalidDomain(let reason): "invalid histogram domain: \(reason)"
        }
    }
}
