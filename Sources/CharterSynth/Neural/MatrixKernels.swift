internal import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Dense row-major matrix products on contiguous `Double` buffers, the three shapes a multilayer
/// perceptron's forward and backward passes need, tiled over the shared dimension and split over
/// output rows across the cores when the product is large enough to pay for the threads.
///
/// Every kernel accumulates in the order i → p → j, so the innermost loop walks both the output
/// row and a row of the right operand contiguously (the compiler vectorises it), and each output
/// row is written by exactly one thread: results do not depend on the number of threads.
enum MatrixKernels {
    /// Products with fewer multiply-adds than this run on one thread.
    static let parallelThreshold = 1 << 17
    /// Rows of the shared dimension per tile (keeps a tile of the right operand in L1/L2).
    static let tile = 64

    /// C = A·B (+ C when `accumulate`), A m×k, B k×n, C m×n.
    /// - Complexity: O(m·k·n).
    static func multiply(
        _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, into c: UnsafeMutablePointer<Double>,
        m: Int, k: Int, n: Int, accumulate: Bool = false
    ) {
        let shared = SharedPointers(a: a, b: b, c: c, s: nil)
        forEachRowBlock(rows: m, work: m * k * n) { rows in
            let a = shared.a
            let b = shared.b
            let c = shared.c
            for i in rows {
                let ci = c + i * n
                if !accumulate { ci.update(repeating: 0, count: n) }
            }
            var p0 = 0
            while p0 < k {
                let p1 = min(p0 + tile, k)
                for i in rows {
                    let ci = c + i * n
                    let ai = a + i * k
                    for p in p0..<p1 {
                        let x = ai[p]
                        if x == 0 { continue }
                        let bp = b + p * n
                        for j in 0..<n { ci[j] += x * bp[j] }
                    }
                }
                p0 = p1
            }
        }
    }

    /// C = Aᵀ·diag(s)·B (+ C when `accumulate`), A m×k, B m×n, C k×n, s of length m or `nil` for
    /// ones: the weight gradient Σᵢ sᵢ·aᵢ ⊗ δᵢ of a dense layer.
    /// - Complexity: O(m·k·n).
    static func multiplyTransposedA(
        _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, rowScale s: UnsafePointer<Double>?,
        into c: UnsafeMutablePointer<Double>, m: Int, k: Int, n: Int, accumulate: Bool = false
    ) {
        let shared = SharedPointers(a: a, b: b, c: c, s: s)
        forEachRowBlock(rows: k, work: m * k * n) { outputs in
            let a = shared.a
            let b = shared.b
            let c = shared.c
            let s = shared.s
            if !accumulate {
                for p in outputs { (c + p * n).update(repeating: 0, count: n) }
            }
            var i0 = 0
            while i0 < m {
                let i1 = min(i0 + tile, m)
                for p in outputs {
                    let cp = c + p * n
                    for i in i0..<i1 {
                        var x = a[i * k + p]
                        if let s { x *= s[i] }
                        if x == 0 { continue }
                        let bi = b + i * n
                        for j in 0..<n { cp[j] += x * bi[j] }
                    }
                }
                i0 = i1
            }
        }
    }

    /// C = A·Bᵀ, A m×n, B k×n, C m×k: the input gradient δ·Wᵀ of a dense layer.
    /// - Complexity: O(m·k·n).
    static func multiplyTransposedB(
        _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, into c: UnsafeMutablePointer<Double>,
        m: Int, k: Int, n: Int
    ) {
        let shared = SharedPointers(a: a, b: b, c: c, s: nil)
        forEachRowBlock(rows: m, work: m * k * n) { rows in
            let a = shared.a
            let b = shared.b
            let c = shared.c
            for i in rows {
                let ai = a + i * n
                let ci = c + i * k
                for p in 0..<k {
                    let bp = b + p * n
                    var s0 = SIMD4<Double>()
                    var j = 0
                    while j + 4 <= n {
                        s0 +=
                            SIMD4(ai[j], ai[j + 1], ai[j + 2], ai[j + 3])
                            * SIMD4(bp[j], bp[j + 1], bp[j + 2], bp[j + 3])
                        j += 4
                    }
                    var sum = s0.sum()
                    while j < n {
                        sum += ai[j] * bp[j]
                        j += 1
                    }
                    ci[p] = sum
                }
            }
        }
    }

    /// Runs `body` over disjoint blocks of `0..<rows`: one block on this thread when `work` is small,
    /// otherwise one block per active core.
    static func forEachRowBlock(rows: Int, work: Int, _ body: @Sendable (Range<Int>) -> Void) {
        let threads = work >= parallelThreshold ? min(activeCores, rows) : 1
        guard threads > 1 else {
            body(0..<rows)
            return
        }
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            body((rows * t / threads)..<(rows * (t + 1) / threads))
        }
    }

    /// The cores the products split across.
    static let activeCores: Int = max(1, min(64, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
}

/// Raw pointers handed to the worker threads of one kernel call.
// INVARIANT: the pointers outlive the kernel's concurrentPerform (they come from the caller's
// `withUnsafe…` scope, which encloses the call), and each thread writes only its own output rows.
struct SharedPointers: @unchecked Sendable {
    let a: UnsafePointer<Double>
    let b: UnsafePointer<Double>
    let c: UnsafeMutablePointer<Double>
    let s: UnsafePointer<Double>?
}
