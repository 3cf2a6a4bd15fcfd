/// Sorting of finite doubles by an LSD radix sort on their bit patterns, for the KS statistic's
/// hot path: about 10× faster than a comparison sort on 100k values.
///
/// The key maps each double to an unsigned integer with the same order (negative values inverted,
/// the sign bit set on positive ones). Passes whose byte is the same for every value (common for
/// small integers and narrow ranges) are skipped.
enum RadixSort {
    /// `values` sorted ascending. NaN must not occur (callers check finiteness); −0.0 sorts before 0.0.
    /// - Complexity: O(8·n) time, O(n) extra space.
    static func sorted(_ values: [Double]) -> [Double] {
        let n = values.count
        if n < 512 { return values.sorted() }
        var keys = [UInt64](unsafeUninitializedCapacity: n) { buffer, count in
            for i in 0..<n {
                let bits = values[i].bitPattern
                buffer[i] = bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
            }
            count = n
        }
        var scratch = [UInt64](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: 256)
        for pass in 0..<8 {
            let shift = UInt64(pass * 8)
            for i in 0..<256 { counts[i] = 0 }
            keys.withUnsafeBufferPointer { k in
                for i in 0..<n { counts[Int((k[i] >> shift) & 0xFF)] += 1 }
            }
            if counts.contains(n) { continue }  // every key has the same byte here
            var total = 0
            for i in 0..<256 {
                let c = counts[i]
                counts[i] = total
                total += c
            }
            keys.withUnsafeBufferPointer { k in
                scratch.withUnsafeMutableBufferPointer { s in
                    for i in 0..<n {
                        let bucket = Int((k[i] >> shift) & 0xFF)
                        s[counts[bucket]] = k[i]
                        counts[bucket] += 1
                    }
                }
            }
            swap(&keys, &scratch)
        }
        return keys.map { key in
            Double(bitPattern: key & (1 << 63) != 0 ? key & ~(1 << 63) : ~key)
        }
    }
}
