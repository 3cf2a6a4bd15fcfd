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

/// One Adam step (Kingma & Ba 2015, with L2 weight decay g ← g + λθ as PyTorch applies it) over
/// `count` parameters, forming each coordinate's gradient in the same pass:
/// sum = first[i] (+ second[i] when `second` is not NULL) (+ stddev·noise[i] when `noise` is not NULL),
/// g = sum / scale when `divide`, sum · scale otherwise, then g + λθᵢ; mᵢ ← β₁mᵢ + (1 − β₁)g,
/// vᵢ ← β₂vᵢ + (1 − β₂)g·g, θᵢ ← θᵢ − size·mᵢ / (√(vᵢ/c2) + ε). No fused multiply-add: the AVX-512F path
/// (taken when `vectorised` is nonzero and the CPU has it) and the scalar one give the same bits.
void charter_adam_update(
    ptrdiff_t count, double *theta, double *m, double *v, const double *first, const double *second,
    const double *noise, double stddev, double scale, int divide, double beta1, double beta2, double c2, double size,
    double epsilon, double weight_decay, int vectorised);

#endif
