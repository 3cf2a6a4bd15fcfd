internal import CharterKernels
internal import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Dense row-major matrix products on contiguous `Double` buffers, the three shapes a multilayer
/// perceptron's forward and backward passes need, split over output rows across the cores when the
/// product is large enough to pay for the threads.
///
/// All three reduce to one kernel, ``broadcastRows(_:)``: for each output row it first lists the
/// nonzero entries of the row's left operand (ReLU activations and their gradients are about half
/// zeros, one-hot inputs mostly zeros), then sweeps 16, 8 and 4 output columns at a time with the
/// partial sums held in SIMD registers, adding one broadcast left entry times a contiguous slice of a
/// right-operand row per listed entry. There are no branches in the inner loop and each output is
/// loaded and stored once per row rather than once per shared index.
///
/// Every output is its starting value plus the products added one at a time in increasing order of
/// the shared index (skipping zero left entries adds nothing), with no fused multiply-add, and each
/// output row is written by exactly one thread: results do not depend on the number of threads, the
/// column block width or the path. Where the CPU has AVX-512F the rows go through CharterKernels' C
/// kernel with eight doubles per instruction (up to 128 columns per sweep over a row's nonzeros, the
/// last vector masked, so a 128- or 30-wide layer is one sweep); where it has AVX2 only, through the
/// C kernel with four (32 columns); elsewhere through the portable Swift one (two doubles per
/// instruction on baseline x86-64). All three give the same bits.
enum MatrixKernels {
    /// Whether ``broadcastRows(_:rows:indices:values:)`` takes the AVX-512F path on this machine.
    static let usesAVX512 = charter_kernels_avx512_available() == 1

    /// Whether ``broadcastRows(_:rows:indices:values:)`` can take the AVX2 path on this machine (it
    /// does when AVX-512F is missing).
    static let usesAVX2 = charter_kernels_avx2_available() == 1

    /// Products with fewer multiply-adds than this run on one thread.
    static let parallelThreshold = 1 << 17

    /// C = A·B (+ C when `accumulate`), A m×k, B k×n, C m×n, on at most `threads` threads (as for
    /// every product here; the bits do not depend on it).
    /// - Complexity: O(m·k·n), O(m·nnz(A)/m·n) multiply-adds for the nonzeros of A.
    static func multiply(
        _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, into c: UnsafeMutablePointer<Double>,
        m: Int, k: Int, n: Int, accumulate: Bool = false, threads: Int = activeCores
    ) {
        let product = BroadcastProduct(
            a: a, rowStride: k, sharedStride: 1, scale: nil, b: b, c: c, shared: k, columns: n)
        forEachRowBlock(rows: m, work: m * k * n, scratch: k, threads: threads) { rows, indices, values in
            if !accumulate { (product.c + rows.lowerBound * n).update(repeating: 0, count: rows.count * n) }
            broadcastRows(product, rows: rows, indices: indices, values: values)
        }
    }

    /// C = Aᵀ·diag(s)·B (+ C when `accumulate`), A m×k, B m×n, C k×n, s of length m or `nil` for
    /// ones: the weight gradient Σᵢ sᵢ·aᵢ ⊗ δᵢ of a dense layer.
    /// - Complexity: O(m·k·n).
    static func multiplyTransposedA(
        _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, rowScale s: UnsafePointer<Double>?,
        into c: UnsafeMutablePointer<Double>, m: Int, k: Int, n: Int, accumulate: Bool = false,
        threads: Int = activeCores
    ) {
        // Output row p reads column p of A (stride k) and its shared index runs over A's m rows.
        let product = BroadcastProduct(
            a: a, rowStride: 1, sharedStride: k, scale: s, b: b, c: c, shared: m, columns: n)
        forEachRowBlock(rows: k, work: m * k * n, scratch: m, threads: threads) { outputs, indices, values in
            if !accumulate { (product.c + outputs.lowerBound * n).update(repeating: 0, count: outputs.count * n) }
            broadcastRows(product, rows: outputs, indices: indices, values: values)
        }
    }

    /// C = A·Bᵀ, A m×n, B k×n, C m×k: the input gradient δ·Wᵀ of a dense layer.
    /// - Complexity: O(m·k·n), plus O(k·n) to transpose B.
    static func multiplyTransposedB(
        _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, into c: UnsafeMutablePointer<Double>,
        m: Int, k: Int, n: Int, threads: Int = activeCores
    ) {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: max(1, k * n)) { transposed in
            guard let bt = transposed.baseAddress else { return }
            // Bᵀ (n×k), so that the kernel reads contiguous rows of it; in 8×8 tiles, so that the strided
            // side of the copy touches eight cache lines per tile rather than one line per element.
            for p0 in stride(from: 0, to: k, by: 8) {
                let p1 = min(p0 + 8, k)
                for j0 in stride(from: 0, to: n, by: 8) {
                    let j1 = min(j0 + 8, n)
                    for p in p0..<p1 {
                        for j in j0..<j1 { bt[j * k + p] = b[p * n + j] }
                    }
                }
            }
            let product = BroadcastProduct(
                a: a, rowStride: n, sharedStride: 1, scale: nil, b: UnsafePointer(bt), c: c, shared: n, columns: k)
            forEachRowBlock(rows: m, work: m * k * n, scratch: n, threads: threads) { rows, indices, values in
                (product.c + rows.lowerBound * k).update(repeating: 0, count: rows.count * k)
                broadcastRows(product, rows: rows, indices: indices, values: values)
            }
        }
    }

    /// For each r in `rows`: C[r, j] += Σ_q (A[r·rowStride + q·sharedStride]·s[q])·B[q·columns + j], the
    /// sum taken over q in increasing order and only where the scaled left entry is nonzero.
    /// `indices` and `values` hold at least `shared` entries each (this thread's own scratch).
    /// - Complexity: O(rows · (shared + nonzeros · columns)).
    static func broadcastRows(
        _ product: BroadcastProduct, rows: Range<Int>, indices: UnsafeMutablePointer<Int>,
        values: UnsafeMutablePointer<Double>
    ) {
        for path in CPath.allCases where broadcastRows(path, product, rows: rows, indices: indices, values: values) {
            return
        }
        broadcastRowsPortable(product, rows: rows, indices: indices, values: values)
    }

    /// The C paths of ``broadcastRows(_:rows:indices:values:)``, fastest first.
    enum CPath: CaseIterable {
        case avx512, avx2

        /// The path's C kernel, or `nil` where the CPU lacks its extension.
        var kernel:
            (@convention(c) (
                UnsafePointer<Double>?, Int, Int, UnsafePointer<Double>?, UnsafePointer<Double>?,
                UnsafeMutablePointer<Double>?, Int, Int, Int, Int, UnsafeMutablePointer<Int>?,
                UnsafeMutablePointer<Double>?
            ) -> Void)?
        {
            switch self {
            case .avx512: usesAVX512 ? charter_broadcast_rows_avx512 : nil
            case .avx2: usesAVX2 ? charter_broadcast_rows_avx2 : nil
            }
        }
    }

    /// The rows through one C path; false (and nothing written) where the CPU lacks its extension.
    static func broadcastRows(
        _ path: CPath, _ product: BroadcastProduct, rows: Range<Int>, indices: UnsafeMutablePointer<Int>,
        values: UnsafeMutablePointer<Double>
    ) -> Bool {
        guard let kernel = path.kernel else { return false }
        kernel(
            product.a, product.rowStride, product.sharedStride, product.scale, product.b, product.c, product.shared,
            product.columns, rows.lowerBound, rows.upperBound, indices, values)
        return true
    }

    /// The portable path, in Swift: 16, 8 and 4 columns at a time in SIMD registers.
    static func broadcastRowsPortable(
        _ product: BroadcastProduct, rows: Range<Int>, indices: UnsafeMutablePointer<Int>,
        values: UnsafeMutablePointer<Double>
    ) {
        let n = product.columns
        let b = product.b
        for r in rows {
            // The nonzero left entries of this row, branch-free: every entry is written and the
            // count advances only past nonzeros.
            var count = 0
            var ap = product.a + r * product.rowStride
            if let s = product.scale {
                for q in 0..<product.shared {
                    let v = ap.pointee * s[q]
                    indices[count] = q * n
                    values[count] = v
                    count &+= v != 0 ? 1 : 0
                    ap += product.sharedStride
                }
            } else {
                for q in 0..<product.shared {
                    let v = ap.pointee
                    indices[count] = q * n
                    values[count] = v
                    count &+= v != 0 ? 1 : 0
                    ap += product.sharedStride
                }
            }
            guard count > 0 else { continue }
            let cr = product.c + r * n
            var j = 0
            while j + 16 <= n {
                var x0 = load8(cr + j)
                var x1 = load8(cr + j + 8)
                let bj = b + j
                for t in 0..<count {
                    let v = SIMD8(repeating: values[t])
                    let row = bj + indices[t]
                    x0 += v * load8(row)
                    x1 += v * load8(row + 8)
                }
                store8(x0, cr + j)
                store8(x1, cr + j + 8)
                j += 16
            }
            if j + 8 <= n {
                var x0 = load8(cr + j)
                let bj = b + j
                for t in 0..<count { x0 += SIMD8(repeating: values[t]) * load8(bj + indices[t]) }
                store8(x0, cr + j)
                j += 8
            }
            if j + 4 <= n {
                var x0 = UnsafeRawPointer(cr + j).loadUnaligned(as: SIMD4<Double>.self)
                let bj = b + j
                for t in 0..<count {
                    let row = UnsafeRawPointer(bj + indices[t])
                    x0 += SIMD4(repeating: values[t]) * row.loadUnaligned(as: SIMD4<Double>.self)
                }
                UnsafeMutableRawPointer(cr + j).storeBytes(of: x0, as: SIMD4<Double>.self)
                j += 4
            }
            while j < n {
                var x = cr[j]
                let bj = b + j
                for t in 0..<count { x += values[t] * bj[indices[t]] }
                cr[j] = x
                j += 1
            }
        }
    }

    @inline(__always)
    static func load8(_ p: UnsafePointer<Double>) -> SIMD8<Double> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Double>.self)
    }

    @inline(__always)
    static func load8(_ p: UnsafeMutablePointer<Double>) -> SIMD8<Double> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Double>.self)
    }

    @inline(__always)
    static func store8(_ v: SIMD8<Double>, _ p: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Double>.self)
    }

    /// Runs `body` over disjoint blocks of `0..<rows`: one block on this thread when `work` is small,
    /// otherwise one block per thread (at most `threads`), each with its own scratch of `scratch`
    /// indices and values.
    static func forEachRowBlock(
        rows: Int, work: Int, scratch: Int, threads limit: Int,
        _ body: @Sendable (Range<Int>, UnsafeMutablePointer<Int>, UnsafeMutablePointer<Double>) -> Void
    ) {
        guard rows > 0 else { return }
        let threads = work >= parallelThreshold ? max(1, min(limit, rows)) : 1
        @Sendable func run(_ block: Range<Int>) {
            withUnsafeTemporaryAllocation(of: Int.self, capacity: max(1, scratch)) { indices in
                withUnsafeTemporaryAllocation(of: Double.self, capacity: max(1, scratch)) { values in
                    guard let indices = indices.baseAddress, let values = values.baseAddress else { return }
                    body(block, indices, values)
                }
            }
        }
        guard threads > 1 else {
            run(0..<rows)
            return
        }
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            run((rows * t / threads)..<(rows * (t + 1) / threads))
        }
    }

    /// The cores the products split across.
    static let activeCores: Int = max(1, min(64, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
}

/// The operands of one ``MatrixKernels/broadcastRows(_:rows:indices:values:)`` call, handed to the
/// worker threads: output row r reads A at r·`rowStride` + q·`sharedStride` for q in 0..<`shared`,
/// scaled by `scale[q]` when given; B and C are row-major with `columns` columns.
// INVARIANT: the pointers outlive the kernel's concurrentPerform (they come from the caller's
// `withUnsafe…` scope, which encloses the call), and each thread writes only its own output rows.
struct BroadcastProduct: @unchecked Sendable {
    let a: UnsafePointer<Double>
    let rowStride: Int
    let sharedStride: Int
    let scale: UnsafePointer<Double>?
    let b: UnsafePointer<Double>
    let c: UnsafeMutablePointer<Double>
    let shared: Int
    let columns: Int
}
