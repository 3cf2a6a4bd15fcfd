/// The Rényi orders α at which an ``RDPAccountant`` tracks its curve.
public struct RDPOrders: Sendable, Hashable {
    /// The orders, each greater than 1, in increasing order.
    public let values: [Double]

    /// Orders of your own choosing.
    ///
    /// - Precondition: every order is finite and greater than 1.
    public init(_ values: [Double]) {
        precondition(values.allSatisfy { $0 > 1 && $0.isFinite }, "Rényi orders must be finite and greater than 1")
        self.values = values.sorted()
    }

    /// dp-accounting 0.6.0 `RdpAccountant.DEFAULT_RDP_ORDERS`: 1.1, 1.2, …, 10.9 (computed as
    /// `1 + x/10`, so the doubles are the same), 11…63, 128, 256, 512 and 1024 — 156 orders.
    public static let dpAccounting: RDPOrders = {
        let tenths: [Double] = (1..<100).map { 1.0 + Double($0) / 10.0 }
        let integers: [Double] = (11..<64).map { Double($0) }
        let large: [Double] = [128, 256, 512, 1024]
        return RDPOrders(tenths + integers + large)
    }()

    /// Opacus 1.6 `DEFAULT_ALPHAS`: 1.1, 1.2, …, 10.9 and 12…63 — 151 orders.
    public static let opacus: RDPOrders = {
        let tenths: [Double] = (1..<100).map { 1.0 + Double($0) / 10.0 }
        let integers: [Double] = (12..<64).map { Double($0) }
        return RDPOrders(tenths + integers)
    }()
}
