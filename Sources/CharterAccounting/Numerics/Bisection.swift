/// Root finding for monotone predicates on the positive reals.
package enum Bisection {
    /// The smallest positive x (to the last bit) for which `holds(x)` is true, given that `holds` is
    /// false below some threshold and true above it.
    ///
    /// The bracket is found by doubling and halving from `start`, then bisected until its ends are
    /// adjacent doubles; the upper end, for which the predicate holds, is returned. Returns +∞ if the
    /// predicate never holds below 2^1000.
    package static func smallestSatisfying(
        start: Double, relativeTolerance: Double = 0, _ holds: (Double) -> Bool
    ) -> Double {
        precondition(start > 0 && start.isFinite, "start must be positive")
        var high = start
        var low = start
        if holds(start) {
            low = start / 2
            while holds(low) {
                high = low
                low /= 2
                if low < 0x1p-1000 { return high }
            }
        } else {
            high = start * 2
            while !holds(high) {
                low = high
                high *= 2
                if high > 0x1p1000 { return .infinity }
            }
        }
        return refine(low: low, high: high, relativeTolerance: relativeTolerance, holds)
    }

    /// Bisects a bracket with `holds(low) == false` and `holds(high) == true` down to adjacent doubles,
    /// or until it is narrower than `relativeTolerance` times its upper end.
    package static func refine(
        low: Double, high: Double, relativeTolerance: Double = 0, _ holds: (Double) -> Bool
    ) -> Double {
        var low = low
        var high = high
        while high - low > relativeTolerance * high {
            let middle = low + (high - low) / 2
            if middle <= low || middle >= high { return high }
            if holds(middle) { high = middle } else { low = middle }
        }
        return high
    }
}
