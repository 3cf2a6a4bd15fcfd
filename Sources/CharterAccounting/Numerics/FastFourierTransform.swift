#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An in-place iterative radix-2 complex FFT over split real and imaginary arrays.
///
/// Twiddle factors are computed directly as cos/sin(2πk/N) for each k (no recurrence), so the
/// error stays near machine precision times log N.
package struct FastFourierTransform: Sendable {
    /// The transform length, a power of two.
    package let count: Int
    private let cosines: [Double]
    private let sines: [Double]

    /// A transform of length `count`.
    ///
    /// - Precondition: `count` is a power of two, at least 2.
    package init(count: Int) {
        precondition(count >= 2 && count & (count - 1) == 0, "the FFT length must be a power of two")
        self.count = count
        let half = count / 2
        var cosines = [Double](repeating: 0, count: half)
        var sines = [Double](repeating: 0, count: half)
        for k in 0..<half {
            let angle = 2 * Double.pi * Double(k) / Double(count)
            cosines[k] = cos(angle)
            sines[k] = sin(angle)
        }
        self.cosines = cosines
        self.sines = sines
    }

    /// Transforms in place: forward computes X_k = Σ x_j e^{−2πijk/N}; inverse uses e^{+…} and
    /// divides by N.
    ///
    /// - Complexity: O(N log N).
    package func transform(real: inout [Double], imaginary: inout [Double], inverse: Bool) {
        precondition(real.count == count && imaginary.count == count, "arrays must have the FFT length")
        let n = count
        // Bit-reversal permutation.
        var j = 0
        for i in 1..<n {
            var bit = n >> 1
            while j & bit != 0 {
                j ^= bit
                bit >>= 1
            }
            j |= bit
            if i < j {
                real.swapAt(i, j)
                imaginary.swapAt(i, j)
            }
        }
        let sign: Double = inverse ? 1 : -1
        real.withUnsafeMutableBufferPointer { re in
            imaginary.withUnsafeMutableBufferPointer { im in
                cosines.withUnsafeBufferPointer { c in
                    sines.withUnsafeBufferPointer { s in
                        var length = 2
                        while length <= n {
                            let halfLength = length / 2
                            let stride = n / length
                            var start = 0
                            while start < n {
                                for k in 0..<halfLength {
                                    let wr = c[k * stride]
                                    let wi = sign * s[k * stride]
                                    let a = start + k
                                    let b = a + halfLength
                                    let tr = re[b] * wr - im[b] * wi
                                    let ti = re[b] * wi + im[b] * wr
                                    re[b] = re[a] - tr
                                    im[b] = im[a] - ti
                                    re[a] += tr
                                    im[a] += ti
                                }
                                start += length
                            }
                            length <<= 1
                        }
                    }
                }
            }
        }
        if inverse {
            let scale = 1 / Double(n)
            for index in 0..<n {
                real[index] *= scale
                imaginary[index] *= scale
            }
        }
    }
}
