#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// ln Σ e^(tᵢ), accumulated one term at a time without overflow: the largest term so far is kept as
/// the scale and the others are summed relative to it, so no exponential is ever taken of a positive
/// number.
struct LogSumExp {
    /// The largest term so far.
    private var scale = -Double.infinity
    /// Σ e^(tᵢ − scale).
    private var sum = 0.0

    /// Adds the term e^`term`.
    @inline(__always)
    mutating func add(_ term: Double) {
        if term > scale {
            sum = sum * exp(scale - term) + 1
            scale = term
        } else {
            sum += exp(term - scale)
        }
    }

    /// ln of the sum so far (−∞ before any term).
    var value: Double { scale + log(sum) }
}
