/* The Poisson kernel on AVX2: eight dots per step. Compiled with -mavx2
 * -mfma (the CPU has FMA but -ffp-contract=off keeps every multiply and add separate). */
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#include <string.h>

#include "../scatter_internal.h"

#define VF          __m256
#define VI          __m256i
#define VM          __m256
#define W           8
#define KERNEL_NAME scatter_poisson_avx2

#define vi_set1(a)     _mm256_set1_epi32(a)
#define vi_add(a, b)   _mm256_add_epi32(a, b)
#define vi_xor(a, b)   _mm256_xor_si256(a, b)
#define vi_and(a, b)   _mm256_and_si256(a, b)
#define vi_srli(a, n)  _mm256_srli_epi32(a, n)
#define vi_mullo(a, b) _mm256_mullo_epi32(a, b)
#define vi_iota()      _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)
#define vi_sel(m, a, b)                                                                            \
    _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(b), _mm256_castsi256_ps(a), m))
#define vi_store(p, v)     _mm256_storeu_si256((__m256i *)(void *)(p), v)
#define vi_from_f_trunc(a) _mm256_cvttps_epi32(a)

#define vf_set1(a)      _mm256_set1_ps(a)
#define vf_add(a, b)    _mm256_add_ps(a, b)
#define vf_sub(a, b)    _mm256_sub_ps(a, b)
#define vf_mul(a, b)    _mm256_mul_ps(a, b)
#define vf_min(a, b)    _mm256_min_ps(a, b)
#define vf_max(a, b)    _mm256_max_ps(a, b)
#define vf_ge(a, b)     _mm256_cmp_ps(a, b, _CMP_GE_OQ)
#define vf_gt(a, b)     _mm256_cmp_ps(a, b, _CMP_GT_OQ)
#define vf_sel(m, a, b) _mm256_blendv_ps(b, a, m)
#define vf_from_i(a)    _mm256_cvtepi32_ps(a)
#define vf_store(p, v)  _mm256_storeu_ps(p, v)

/* Bytes times 1 added in pairs to 16 bits, then 16-bit pairs to 32: exact. */
static inline __m256i vi_bytesum(__m256i h) {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(h, _mm256_set1_epi8(1)), _mm256_set1_epi16(1));
}

static inline void store_u16(uint16_t *p, __m256i v) {
    __m256i packed = _mm256_packus_epi32(v, v); /* per 128-bit half: 4 words, twice */
    packed = _mm256_permute4x64_epi64(packed, 0x08);
    _mm_storeu_si128((__m128i *)(void *)p, _mm256_castsi256_si128(packed));
}

static inline void store_u8(uint8_t *p, __m256i v) {
    __m256i w16 = _mm256_packus_epi32(v, v);
    __m256i w8 = _mm256_packus_epi16(w16, w16); /* bytes 0-3 and 16-19 hold the lanes */
    uint32_t lo = (uint32_t)_mm_cvtsi128_si32(_mm256_castsi256_si128(w8));
    uint32_t hi = (uint32_t)_mm_cvtsi128_si32(_mm256_extracti128_si256(w8, 1));
    memcpy(p, &lo, 4);
    memcpy(p + 4, &hi, 4);
}

#include "scatter_kernel.h"
#else
typedef int scatter_avx2_unused;
#endif
