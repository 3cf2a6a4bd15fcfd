// The AVX2 path of CharterSynth's MatrixKernels.broadcastRows: the same sums in the same order as the
// portable Swift kernel, four doubles per instruction instead of two. Compiled for the baseline
// architecture; only the kernel itself is built for AVX2 (a target attribute) and it is called only
// when the CPU reports AVX2. FMA is not enabled, so every product is rounded before it is added.
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

#else

int charter_kernels_avx2_available(void) { return 0; }

void charter_broadcast_rows_avx2(
    const double *a, ptrdiff_t row_stride, ptrdiff_t shared_stride, const double *scale, const double *b,
    double *c, ptrdiff_t shared, ptrdiff_t columns, ptrdiff_t row_begin, ptrdiff_t row_end, ptrdiff_t *indices,
    double *values) {
    (void)a; (void)row_stride; (void)shared_stride; (void)scale; (void)b; (void)c; (void)shared; (void)columns;
    (void)row_begin; (void)row_end; (void)indices; (void)values;
}

#endif
