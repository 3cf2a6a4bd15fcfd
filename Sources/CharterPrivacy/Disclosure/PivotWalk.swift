/// The pivot search that every nearest-record scan here shares (``DistanceToClosestRecord``'s scalar
/// and block scans, ``NearestAuxiliaryRecord``): positions of a range sorted by one column, the
/// *pivot*, visited outwards from a query's pivot value — upwards first, then downwards — each
/// direction ending at the first position whose pivot gap alone proves that no row further out can
/// win.
///
/// A row's distance is a sum of non-negative column terms, so it is at least its pivot term (rounding
/// is monotone), and the pivot term only grows with the gap between pivot values. Once the
/// ``Bound`` of a position's gap reaches the best distance so far, every position further out in that
/// direction has at least that bound too: skipping them leaves the minimum (and, with
/// ``Bound/visitsTies``, the lowest-index row that attains it) exactly as a full scan finds it.
///
/// The caller drives the walk with the best distance it has so far and visits the positions each
/// step returns; nothing here allocates or calls back, so the scans' loops stay plain.
struct PivotWalk {
    /// A lower bound on the distance of any row whose pivot value lies `gap` from the query's:
    /// `(offset + min(gap / scale, cap)) · safety`.
    struct Bound {
        /// What every row of the range adds besides its pivot term (the block scan's mismatching
        /// equality columns).
        var offset = 0.0
        /// The pivot column's range: a gap of `scale` is a term of 1.
        var scale = 1.0
        /// The largest the pivot term can be (SDMetrics caps a numerical term at 1).
        var cap = Double.infinity
        /// A factor just under 1 that covers the rounding of an n-term sum, for scans whose sums may
        /// round below the exact lower bound.
        var safety = 1.0
        /// Whether a row whose bound equals the best is still visited (a tie may have a lower index).
        var visitsTies = false

        /// Whether rows with this pivot gap, and all further out, cannot improve on `best`.
        @inline(__always)
        func excludes(gap: Double, best: Double) -> Bool {
            let term = gap / scale
            let bound = (offset + (term < cap ? term : cap)) * safety
            return visitsTies ? bound > best : bound >= best
        }
    }

    private let values: UnsafeBufferPointer<Double>
    private let start: Int
    private let end: Int
    private let query: Double
    private let step: Int
    private let bound: Bound
    private var up: Int
    private var down: Int
    private var goingUp = true

    /// A walk over `values[range]`, ascending, from `query` (not NaN), `step` positions at a time.
    /// - Complexity: O(log n) to find where the query falls.
    @inline(__always)
    init(sorted values: UnsafeBufferPointer<Double>, in range: Range<Int>, from query: Double, step: Int, bound: Bound) {
        precondition(step > 0, "a pivot walk advances at least one position at a time")
        self.values = values
        self.start = range.lowerBound
        self.end = range.upperBound
        self.query = query
        self.step = step
        self.bound = bound
        // The first position whose pivot value is ≥ the query's.
        var low = range.lowerBound
        var high = range.upperBound
        while low < high {
            let middle = (low + high) / 2
            if values[middle] < query { low = middle + 1 } else { high = middle }
        }
        up = low
        down = low
    }

    /// The next positions to visit (at most `step`, adjacent), or nil when neither direction can hold
    /// a row that beats `best`.
    @inline(__always)
    mutating func next(best: Double) -> Range<Int>? {
        if goingUp {
            if up < end, !bound.excludes(gap: values[up] - query, best: best) {
                let positions = up..<min(up + step, end)
                up = positions.upperBound
                return positions
            }
            goingUp = false
        }
        if down > start, !bound.excludes(gap: query - values[down - 1], best: best) {
            let positions = max(start, down - step)..<down
            down = positions.lowerBound
            return positions
        }
        return nil
    }
}
