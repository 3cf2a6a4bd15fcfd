// Adam's update (Kingma & Ba 2015, Algorithm 1, with PyTorch's L2 weight decay g ← g + λθ) fused
// with the forming of the gradient it applies (the sum of a batch's halves, DP-SGD's noise, the
// division by the batch size): one pass over contiguous parameter storage. Each coordinate takes the
// same operations in the same order as the scalar Swift form it replaces, with no fused multiply-add
// (IEEE division and square root are exact in every lane), so the AVX-512F path and the portable one
// give the same bits.
#include "CharterKernels.h"

#pragma clang fp contract(off)

// One coordinate, scalar: the reference every path matches.
static inline void charter_adam_one(
    ptrdiff_t i, double *theta, double *m, double *v, const double *first, const double *second,
    const double *noise, double stddev, double scale, int divide, double beta1, double beta2, double c2, double size,
    double epsilon, double weight_decay) {
    double sum = first[i];
    if (second) sum = sum + second[i];
    if (noise) sum = sum + stddev * noise[i];
    const double g = (divide ? sum / scale : sum * scale) + weight_decay * theta[i];
    const double mi = beta1 * m[i] + (1 - beta1) * g;
    const double vi = beta2 * v[i] + (1 - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    theta[i] = theta[i] - size * mi / (__builtin_sqrt(vi / c2) + epsilon);
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

__attribute__((target("avx512f"))) static void charter_adam_avx512(
    ptrdiff_t count, double *theta, double *m, double *v, const double *first, const double *second,
    const double *noise, double stddev, double scale, int divide, double beta1, double beta2, double c2, double size,
    double epsilon, double weight_decay) {
    const __m512d b1 = _mm512_set1_pd(beta1), b2 = _mm512_set1_pd(beta2);
    const __m512d a1 = _mm512_set1_pd(1 - beta1), a2 = _mm512_set1_pd(1 - beta2);
    const __m512d c = _mm512_set1_pd(c2), step = _mm512_set1_pd(size), eps = _mm512_set1_pd(epsilon);
    const __m512d decay = _mm512_set1_pd(weight_decay), s = _mm512_set1_pd(scale), sd = _mm512_set1_pd(stddev);
    ptrdiff_t i = 0;
    for (; i + 8 <= count; i += 8) {
        __m512d sum = _mm512_loadu_pd(first + i);
        if (second) sum = _mm512_add_pd(sum, _mm512_loadu_pd(second + i));
        if (noise) sum = _mm512_add_pd(sum, _mm512_mul_pd(sd, _mm512_loadu_pd(noise + i)));
        const __m512d t = _mm512_loadu_pd(theta + i);
        const __m512d g =
            _mm512_add_pd(divide ? _mm512_div_pd(sum, s) : _mm512_mul_pd(sum, s), _mm512_mul_pd(decay, t));
        const __m512d mi = _mm512_add_pd(_mm512_mul_pd(b1, _mm512_loadu_pd(m + i)), _mm512_mul_pd(a1, g));
        const __m512d vi =
            _mm512_add_pd(_mm512_mul_pd(b2, _mm512_loadu_pd(v + i)), _mm512_mul_pd(_mm512_mul_pd(a2, g), g));
        _mm512_storeu_pd(m + i, mi);
        _mm512_storeu_pd(v + i, vi);
        const __m512d denominator = _mm512_add_pd(_mm512_sqrt_pd(_mm512_div_pd(vi, c)), eps);
        _mm512_storeu_pd(theta + i, _mm512_sub_pd(t, _mm512_div_pd(_mm512_mul_pd(step, mi), denominator)));
    }
    for (; i < count; i++)
        charter_adam_one(
            i, theta, m, v, first, second, noise, stddev, scale, divide, beta1, beta2, c2, size, epsilon,
            weight_decay);
}
#endif

void charter_adam_update(
    ptrdiff_t count, double *theta, double *m, double *v, const double *first, const double *second,
    const double *noise, double stddev, double scale, int divide, double beta1, double beta2, double c2, double size,
    double epsilon, double weight_decay, int vectorised) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (vectorised && charter_kernels_avx512_available()) {
        charter_adam_avx512(
            count, theta, m, v, first, second, noise, stddev, scale, divide, beta1, beta2, c2, size, epsilon,
            weight_decay);
        return;
    }
#else
    (void)vectorised;
#endif
    for (ptrdiff_t i = 0; i < count; i++)
        charter_adam_one(
            i, theta, m, v, first, second, noise, stddev, scale, divide, beta1, beta2, c2, size, epsilon,
            weight_decay);
}
