import CharterCore
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The model's own randomness: which rows a copula samples. Seeded and deterministic, so the same
/// seed gives the same synthetic table. Privacy noise never comes from here (it comes from
/// CharterPrivacy's secure generator).
///
/// Reference: D. Blackman and S. Vigna, "Scrambled linear pseudorandom number generators" (2021),
/// xoshiro256**, seeded through SplitMix64 as the authors recommend.
struct ModelRandomness: Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// The generator for a seed.
    init(seed: UInt64) {
        var splitMix = SplitMix64(seed: seed)
        s0 = splitMix.next()
        s1 = splitMix.next()
        s2 = splitMix.next()
        s3 = splitMix.next()
    }

    /// The next 64 random bits.
    @inline(__always)
    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// A uniform double in [0, 1) with 53 random bits.
    @inline(__always)
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Fills `buffer` with independent standard normal draws by the ziggurat method: about 99% of
    /// draws cost one random word, one comparison and one multiplication.
    mutating func fillNormals(_ buffer: UnsafeMutableBufferPointer<Double>) {
        let tables = Ziggurat.tables
        tables.k.withUnsafeBufferPointer { k in
            tables.w.withUnsafeBufferPointer { w in
                for i in 0..<buffer.count {
                    let bits = next()
                    let hz = Int32(truncatingIfNeeded: bits)
                    let iz = Int(bits >> 32) & 127
                    if hz.magnitude < k[iz] {
                        buffer[i] = Double(hz) * w[iz]
                    } else {
                        buffer[i] = Ziggurat.fix(hz: hz, iz: iz, tables: tables, random: &self)
                    }
                }
            }
        }
    }
}

/// The 128-layer ziggurat for the standard normal.
///
/// Reference: G. Marsaglia and W. W. Tsang, "The Ziggurat Method for Generating Random
/// Variables", J. Stat. Softw. 5(8) (2000), RNOR/nfix with their constants. The layer index and
/// the sign-and-magnitude word come from different bits of one 64-bit draw, and the wedge and tail
/// tests draw fresh uniforms (avoiding the correlation Leong et al. 2005 found in the original).
enum Ziggurat {
    struct Tables: Sendable {
        var k: [UInt32]
        var w: [Double]
        var f: [Double]
    }

    static let r = 3.442_619_855_899

    static let tables: Tables = {
        var k = [UInt32](repeating: 0, count: 128)
        var w = [Double](repeating: 0, count: 128)
        var f = [Double](repeating: 0, count: 128)
        let m1 = 2_147_483_648.0
        let vn = 9.912_563_035_262_17e-3
        var dn = r
        var tn = dn
        let q = vn / exp(-0.5 * dn * dn)
        k[0] = UInt32((dn / q) * m1)
        k[1] = 0
        w[0] = q / m1
        w[127] = dn / m1
        f[0] = 1
        f[127] = exp(-0.5 * dn * dn)
        for i in stride(from: 126, through: 1, by: -1) {
            dn = (-2 * log(vn / dn + exp(-0.5 * dn * dn))).squareRoot()
            k[i + 1] = UInt32((dn / tn) * m1)
            tn = dn
            f[i] = exp(-0.5 * dn * dn)
            w[i] = dn / m1
        }
        return Tables(k: k, w: w, f: f)
    }()

    /// The slow path: the wedges and the tail.
    static func fix(hz initialHz: Int32, iz initialIz: Int, tables: Tables, random: inout ModelRandomness) -> Double {
        var hz = initialHz
        var iz = initialIz
        while true {
            let x = Double(hz) * tables.w[iz]
            if iz == 0 {
                var tail: Double
                var y: Double
                repeat {
                    tail = -log(1 - random.unit()) / r
                    y = -log(1 - random.unit())
                } while y + y < tail * tail
                return hz > 0 ? r + tail : -r - tail
            }
            if tables.f[iz] + random.unit() * (tables.f[iz - 1] - tables.f[iz]) < exp(-0.5 * x * x) { return x }
            let bits = random.next()
            hz = Int32(truncatingIfNeeded: bits)
            iz = Int(bits >> 32) & 127
            if hz.magnitude < tables.k[iz] { return Double(hz) * tables.w[iz] }
        }
    }
}
