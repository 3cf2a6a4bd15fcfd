import CharterAccounting

/// A Rényi-DP curve: an upper bound on the Rényi divergence of a mechanism at each order of the
/// fixed grid ``orders``.
///
/// Curves over the same grid compose by adding order by order (Mironov 2017, Prop. 1), which is why
/// the ledger fixes one grid: every event that carries a curve carries it on this one.
public struct RDPCurve: Sendable, Hashable {
    /// dp-accounting's `DEFAULT_RDP_ORDERS` (dp_accounting 0.6.0, `rdp_privacy_accountant.py`):
    /// `[1 + x / 10 for x in 1..<100] + Array(11..<64) + [128, 256, 512, 1024]`, 156 orders.
    /// (`shared/notes/privacy-accounting.md` says 155; the list as written has 99 + 53 + 4.)
    public static let orders: [Double] = RDPOrders.dpAccounting.values

    /// The curve's value at each of ``orders``, in the same order.
    public let values: [Double]

    /// Creates a curve from one value per order of ``orders``; `nil` when the count is wrong or a
    /// value is negative, NaN or infinite.
    public init?(values: [Double]) {
        guard values.count == Self.orders.count, values.allSatisfy({ $0.isFinite && $0 >= 0 }) else { return nil }
        self.values = values
    }

    /// The curve of a ρ-zCDP mechanism, `RDP(α) = αρ` (Bun–Steinke 2016, Def. 1.1).
    public init(zeroConcentrated rho: Double) {
        self.values = Self.orders.map { $0 * rho }
    }

    /// The all-zero curve, the identity of composition.
    public static let zero = RDPCurve(uncheckedValues: Array(repeating: 0, count: orders.count))

    private init(uncheckedValues: [Double]) {
        self.values = uncheckedValues
    }

    /// The composition of two mechanisms: the curves added order by order.
    public static func + (lhs: RDPCurve, rhs: RDPCurve) -> RDPCurve {
        RDPCurve(uncheckedValues: zip(lhs.values, rhs.values).map { $0 + $1 })
    }

    /// The curve of `count` runs of this mechanism: each value times `count`, as one product
    /// (`count` 1 gives the curve unchanged).
    func scaled(by count: Int) -> RDPCurve {
        guard count != 1 else { return self }
        let factor = Double(count)
        return RDPCurve(uncheckedValues: values.map { $0 * factor })
    }

    /// Adds a per-order bound to the curve.
    func adding(_ bound: (Double) -> Double) -> RDPCurve {
        RDPCurve(uncheckedValues: zip(Self.orders, values).map { $1 + bound($0) })
    }
}
