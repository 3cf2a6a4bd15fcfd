#ifndef CHARTER_KERNELS_H
#define CHARTER_KERNELS_H

#include <stddef.h>

/// 1 when this machine runs `charter_broadcast_rows_avx2` (x86-64 with AVX2), 0 otherwise.
int charter_kernels_avx2_available(void);

/// For each r in [row_begin, row_end): C[r·columns + j] += Σ_q (A[r·row_stride + q·shared_stride]·s[q])
/// · B[q·columns + j] for j in [0, columns), the sum taken over q in increasing order and only where
/// the (scaled) left entry is nonzero, each product rounded and then added (no fused multiply-add):
/// the same bits as CharterSynth's portable Swift kernel. `scale` may be NULL (ones); `indices` and
/// `values` are scratch of at least `shared` entries. Does nothing unless
/// `charter_kernels_avx2_available()` returns 1.
void charter_broadcast_rows_avx2(
    const double *a, ptrdiff_t row_stride, ptrdiff_t shared_stride, const double *scale, const double *b,
    double *c, ptrdiff_t shared, ptrdiff_t columns, ptrdiff_t row_begin, ptrdiff_t row_end, ptrdiff_t *indices,
    double *values);

/// 1 when this machine runs `charter_broadcast_rows_avx512` (x86-64 with AVX-512F), 0 otherwise.
int charter_kernels_avx512_available(void);

/// `charter_broadcast_rows_avx2` with eight doubles per instruction: the same arguments, the same
/// sums in the same order, the same bits. Does nothing unless `charter_kernels_avx512_available()`
/// returns 1.
void charter_broadcast_rows_avx512(
    const double *a, ptrdiff_t row_stride, ptrdiff_t shared_stride, const double *scale, const double *b,
    double *c, ptrdiff_t shared, ptrdiff_t columns, ptrdiff_t row_begin, ptrdiff_t row_end, ptrdiff_t *indices,
    double *values);

#endif
