import CharterCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One `sources` row as stored; decoded the same way by ``SQLiteRegistry`` and ``RegistryReader``.
struct SourceColumns {
    var source: String
    var epsilonCap: String
    var deltaCap: String
    var registeredAt: Int64

    /// The cap and registration time, or a database error when a cap is not a decimal.
    func cap() throws(RegistryError) -> (cap: BudgetCap, registeredAt: Timestamp) {
        guard let epsilon = Decimal(string: epsilonCap), let delta = Decimal(string: deltaCap) else {
            throw .database("the cap of source \"\(source)\" is not a decimal")
        }
        return (BudgetCap(epsilon: epsilon, delta: delta), Timestamp(millisecondsSinceEpoch: registeredAt))
    }
}
