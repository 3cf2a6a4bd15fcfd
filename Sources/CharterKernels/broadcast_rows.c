// The AVX2 and AVX-512F paths of CharterSynth's MatrixKernels.broadcastRows: the same sums in the same
// order as the portable Swift kernel, four (AVX2) or eight (AVX-512F) doubles per instruction instead of
// two. Compiled for the baseline architecture; only the kernels themselves are built for AVX2 or
// AVX-512F (target attributes) and each is called only when the CPU reports its extension. FMA is not
// enabled, so every product is rounded before it is added.
#include "CharterKernels.h"

#pragma clang fp contract(off)

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

int charter_kernels_avx2_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") ? 1 : 0;
}

__attribute__((target("avx2"))) void charter_broadcast_rows_avx2(
    const double *a, ptrdiff_t row_stride, ptrdiff_t shared_stride, const double *scale, const double *b,
    double *c, ptrdiff_t shared, ptrdiff_t columns, ptrdiff_t row_begin, ptrdiff_t row_end, ptrdiff_t *indices,
    double *values) {
    const ptrdiff_t n = columns;
    for (ptrdiff_t r = row_begin; r < row_end; r++) {
        // The nonzero left entries of this row, branch-free.
        ptrdiff_t count = 0;
        const double *ap = a + r * row_stride;
        for (ptrdiff_t q = 0; q < shared; q++) {
            double v = scale ? ap[q * shared_stride] * scale[q] : ap[q * shared_stride];
            indices[count] = q * n;
            values[count] = v;
            count += v != 0;
        }
        if (count == 0) continue;
        double *cr = c + r * n;
        ptrdiff_t j = 0;
        for (; j + 32 <= n; j += 32) {
            __m256d x0 = _mm256_loadu_pd(cr + j), x1 = _mm256_loadu_pd(cr + j + 4);
            __m256d x2 = _mm256_loadu_pd(cr + j + 8), x3 = _mm256_loadu_pd(cr + j + 12);
            __m256d x4 = _mm256_loadu_pd(cr + j + 16), x5 = _mm256_loadu_pd(cr + j + 20);
            __m256d x6 = _mm256_loadu_pd(cr + j + 24), x7 = _mm256_loadu_pd(cr + j + 28);
            const double *bj = b + j;
            for (ptrdiff_t t = 0; t < count; t++) {
                const __m256d v = _mm256_set1_pd(values[t]);
                const double *row = bj + indices[t];
                x0 = _mm256_add_pd(x0, _mm256_mul_pd(v, _mm256_loadu_pd(row)));
                x1 = _mm256_add_pd(x1, _mm256_mul_pd(v, _mm256_loadu_pd(row + 4)));
                x2 = _mm256_add_pd(x2, _mm256_mul_pd(v, _mm256_loadu_pd(row + 8)));
                x3 = _mm256_add_pd(x3, _mm256_mul_pd(v, _mm256_loadu_pd(row + 12)));
                x4 = _mm256_add_pd(x4, _mm256_mul_pd(v, _mm256_loadu_pd(row + 16)));
                x5 = _mm256_add_pd(x5, _mm256_mul_pd(v, _mm256_loadu_pd(row + 20)));
                x6 = _mm256_add_pd(x6, _mm256_mul_pd(v, _mm256_loadu_pd(row + 24)));
                x7 = _mm256_add_pd(x7, _mm256_mul_pd(v, _mm256_loadu_pd(row + 28)));
            }
            _mm256_storeu_pd(cr + j, x0);
            _mm256_storeu_pd(cr + j + 4, x1);
            _mm256_storeu_pd(cr + j + 8, x2);
            _mm256_storeu_pd(cr + j + 12, x3);
            _mm256_storeu_pd(cr + j + 16, x4);
            _mm256_storeu_pd(cr + j + 20, x5);
            _mm256_storeu_pd(cr + j + 24, x6);
            _mm256_storeu_pd(cr + j + 28, x7);
        }
        for (; j + 8 <= n; j += 8) {
            __m256d x0 = _mm256_loadu_pd(cr + j), x1 = _mm256_loadu_pd(cr + j + 4);
            const double *bj = b + j;
            for (ptrdiff_t t = 0; t < count; t++) {
                const __m256d v = _mm256_set1_pd(values[t]);
                const double *row = bj + indices[t];
                x0 = _mm256_add_pd(x0, _mm256_mul_pd(v, _mm256_loadu_pd(row)));
                x1 = _mm256_add_pd(x1, _mm256_mul_pd(v, _mm256_loadu_pd(row + 4)));
            }
            _mm256_storeu_pd(cr + j, x0);
            _mm256_storeu_pd(cr + j + 4, x1);
        }
        for (; j + 4 <= n; j += 4) {
            __m256d x0 = _mm256_loadu_pd(cr + j);
            const double *bj = b + j;
            for (ptrdiff_t t = 0; t < count; t++) {
                x0 = _mm256_add_pd(x0, _mm256_mul_pd(_mm256_set1_pd(values[t]), _mm256_loadu_pd(bj + indices[t])));
            }
            _mm256_storeu_pd(cr + j, x0);
        }
        for (; j < n; j++) {
            double x = cr[j];
            const double *bj = b + j;
            for (ptrdiff_t t = 0; t < count; t++) x += values[t] * bj[indices[t]];
            cr[j] = x;
        }
    }
}

int charter_kernels_avx512_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") ? 1 : 0;
}

// One block of 8·nv output columns of one row, all of them in zmm registers: the last vector masked by
// `last` (lanes outside it neither read nor written), so any width from 1 to 8·nv columns is one pass
// over the row's nonzero left entries. Each lane is one column's own sum, so masking changes no bits.
// Inlined with a constant nv, the accumulators stay in registers (nv ≤ 16 of the 32).
__attribute__((target("avx512f"), always_inline)) static inline void charter_avx512_block(
    double *cr, const double *bj, const ptrdiff_t *indices, const double *values, ptrdiff_t count, const int nv,
    const __mmask8 last) {
    __m512d x[16];
    for (int i = 0; i < nv - 1; i++) x[i] = _mm512_loadu_pd(cr + 8 * i);
    x[nv - 1] = _mm512_maskz_loadu_pd(last, cr + 8 * (nv - 1));
    for (ptrdiff_t t = 0; t < count; t++) {
        const __m512d v = _mm512_set1_pd(values[t]);
        const double *row = bj + indices[t];
        for (int i = 0; i < nv - 1; i++) x[i] = _mm512_add_pd(x[i], _mm512_mul_pd(v, _mm512_loadu_pd(row + 8 * i)));
        x[nv - 1] = _mm512_add_pd(x[nv - 1], _mm512_mul_pd(v, _mm512_maskz_loadu_pd(last, row + 8 * (nv - 1))));
    }
    for (int i = 0; i < nv - 1; i++) _mm512_storeu_pd(cr + 8 * i, x[i]);
    _mm512_mask_storeu_pd(cr + 8 * (nv - 1), last, x[nv - 1]);
}

// The sweep of one output row over the listed nonzeros: 128 columns per pass (16 accumulators),
// then the rest in one pass of up to 16 vectors with the last one masked, so a 128-wide layer is one
// sweep over the nonzeros and a 30-wide one too.
__attribute__((target("avx512f"))) static void charter_avx512_row(
    double *cr, const double *b, const ptrdiff_t *indices, const double *values, ptrdiff_t count, ptrdiff_t n) {
    ptrdiff_t j = 0;
    for (; j + 128 <= n; j += 128) charter_avx512_block(cr + j, b + j, indices, values, count, 16, 0xFF);
    const ptrdiff_t rest = n - j;
    if (rest == 0) return;
    const int nv = (int)((rest + 7) / 8);
    const __mmask8 last = (__mmask8)(0xFFu >> (8 * nv - rest));
    double *cj = cr + j;
    const double *bj = b + j;
    switch (nv) {
    case 1: charter_avx512_block(cj, bj, indices, values, count, 1, last); break;
    case 2: charter_avx512_block(cj, bj, indices, values, count, 2, last); break;
    case 3: charter_avx512_block(cj, bj, indices, values, count, 3, last); break;
    case 4: charter_avx512_block(cj, bj, indices, values, count, 4, last); break;
    case 5: charter_avx512_block(cj, bj, indices, values, count, 5, last); break;
    case 6: charter_avx512_block(cj, bj, indices, values, count, 6, last); break;
    case 7: charter_avx512_block(cj, bj, indices, values, count, 7, last); break;
    case 8: charter_avx512_block(cj, bj, indices, values, count, 8, last); break;
    case 9: charter_avx512_block(cj, bj, indices, values, count, 9, last); break;
    case 10: charter_avx512_block(cj, bj, indices, values, count, 10, last); break;
    case 11: charter_avx512_block(cj, bj, indices, values, count, 11, last); break;
    case 12: charter_avx512_block(cj, bj, indices, values, count, 12, last); break;
    case 13: charter_avx512_block(cj, bj, indices, values, count, 13, last); break;
    case 14: charter_avx512_block(cj, bj, indices, values, count, 14, last); break;
    case 15: charter_avx512_block(cj, bj, indices, values, count, 15, last); break;
    default: charter_avx512_block(cj, bj, indices, values, count, 16, last); break;
    }
}

// The nonzero (scaled) left entries A[q·shared_stride]·s[q] of one output row for q in [q0, q1), in
// increasing order of q, into `values`, with (q − q0)·stride into `indices`; returns their count. Eight
// at a time: the entries (gathered when strided), the same product per lane as the scalar loop, a
// not-equal-to-zero mask (true for NaN, as `v != 0`), and both compressed into registers and stored
// whole; the lanes past the count are overwritten later or never read, and stay inside the scratch
// (the count never runs ahead of q − q0). The last q1 − q0 mod 8 entries one at a time.
__attribute__((target("avx512f"))) static ptrdiff_t charter_avx512_nonzeros(
    const double *ap, ptrdiff_t shared_stride, const double *scale, ptrdiff_t q0, ptrdiff_t q1, ptrdiff_t stride,
    ptrdiff_t *indices, double *values) {
    ptrdiff_t count = 0;
    ptrdiff_t q = q0;
    const long long g = (long long)shared_stride, h = (long long)stride;
    const __m512i strides = _mm512_set_epi64(7 * g, 6 * g, 5 * g, 4 * g, 3 * g, 2 * g, g, 0);
    const __m512i steps = _mm512_set_epi64(7 * h, 6 * h, 5 * h, 4 * h, 3 * h, 2 * h, h, 0);
    const __m512d zero = _mm512_setzero_pd();
    for (; q + 8 <= q1; q += 8) {
        __m512d v = shared_stride == 1 ? _mm512_loadu_pd(ap + q)
                                       : _mm512_i64gather_pd(strides, ap + q * shared_stride, 8);
        if (scale) v = _mm512_mul_pd(v, _mm512_loadu_pd(scale + q));
        const __mmask8 nonzero = _mm512_cmp_pd_mask(v, zero, _CMP_NEQ_UQ);
        const __m512i at = _mm512_add_epi64(_mm512_set1_epi64((long long)((q - q0) * stride)), steps);
        _mm512_storeu_pd(values + count, _mm512_maskz_compress_pd(nonzero, v));
        _mm512_storeu_si512((void *)(indices + count), _mm512_maskz_compress_epi64(nonzero, at));
        count += __builtin_popcount((unsigned)nonzero);
    }
    for (; q < q1; q++) {
        double v = scale ? ap[q * shared_stride] * scale[q] : ap[q * shared_stride];
        indices[count] = (q - q0) * stride;
        values[count] = v;
        count += v != 0;
    }
    return count;
}

// Doubles of B one block of shared indices holds, packed: 24 KiB, three quarters of a 32 KiB L1 data
// cache.
#ifndef CHARTER_AVX512_PACK_DOUBLES
#define CHARTER_AVX512_PACK_DOUBLES 3072
#endif

__attribute__((target("avx512f"))) void charter_broadcast_rows_avx512(
    const double *a, ptrdiff_t row_stride, ptrdiff_t shared_stride, const double *scale, const double *b,
    double *c, ptrdiff_t shared, ptrdiff_t columns, ptrdiff_t row_begin, ptrdiff_t row_end, ptrdiff_t *indices,
    double *values) {
    const ptrdiff_t n = columns;
    if (n <= 0 || row_end <= row_begin) return;
    // The shared indices in blocks whose rows of B are copied into a 64-byte-aligned buffer on the
    // stack, each row padded to a whole number of vectors, small enough to stay in L1 while every
    // output row of the range is swept over the block: B is then read from L1 with aligned loads
    // rather than from L2 with loads that straddle cache lines (a 128×128 weight matrix is 128 KiB;
    // Swift arrays are 16-byte aligned). Each output row is loaded and stored once per block. Every
    // output still adds its products in increasing order of the shared index, so the bits are those of
    // the unblocked kernel. Rows too wide for the buffer are read in place, 8 shared indices a block.
    _Alignas(64) double packed[CHARTER_AVX512_PACK_DOUBLES];
    const ptrdiff_t padded = (n + 7) / 8 * 8;
    const int packing = padded <= CHARTER_AVX512_PACK_DOUBLES / 8;
    const ptrdiff_t block = packing ? CHARTER_AVX512_PACK_DOUBLES / padded : 8;
    const ptrdiff_t stride = packing ? padded : n;
    for (ptrdiff_t q0 = 0; q0 < shared; q0 += block) {
        const ptrdiff_t q1 = shared - q0 < block ? shared : q0 + block;
        const double *source = b + q0 * n;
        if (packing) {
            for (ptrdiff_t q = q0; q < q1; q++) {
                const double *from = b + q * n;
                double *to = packed + (q - q0) * padded;
                for (ptrdiff_t j = 0; j < n; j++) to[j] = from[j];
            }
            source = packed;
        }
        for (ptrdiff_t r = row_begin; r < row_end; r++) {
            const ptrdiff_t count =
                charter_avx512_nonzeros(a + r * row_stride, shared_stride, scale, q0, q1, stride, indices, values);
            if (count > 0) charter_avx512_row(c + r * n, source, indices, values, count, n);
        }
    }
}

#else

int charter_kernels_avx2_available(void) { return 0; }

int charter_kernels_avx512_available(void) { return 0; }

void charter_broadcast_rows_avx512(
    const double *a, ptrdiff_t row_stride, ptrdiff_t shared_stride, const double *scale, const double *b,
    double *c, ptrdiff_t shared, ptrdiff_t columns, ptrdiff_t row_begin, ptrdiff_t row_end, ptrdiff_t *indices,
    double *values) {
    (void)a; (void)row_stride; (void)shared_stride; (void)scale; (void)b; (void)c; (void)shared; (void)columns;
    (void)row_begin; (void)row_end; (void)indices; (void)values;
}

void charter_broadcast_rows_avx2(
    const double *a, ptrdiff_t row_stride, ptrdiff_t shared_stride, const double *scale, const double *b,
    double *c, ptrdiff_t shared, ptrdiff_t columns, ptrdiff_t row_begin, ptrdiff_t row_end, ptrdiff_t *indices,
    double *values) {
    (void)a; (void)row_stride; (void)shared_stride; (void)scale; (void)b; (void)c; (void)shared; (void)columns;
    (void)row_begin; (void)row_end; (void)indices; (void)values;
}

#endif
