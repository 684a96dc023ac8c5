/* The Poisson kernel on AVX-512 (F, BW, DQ, VL): sixteen dots per step, mask registers,
 * narrowing stores. Compiled with -mavx512f -mavx512bw -mavx512dq -mavx512vl. */
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#include <string.h>

#include "../scatter_internal.h"

#define VF          __m512
#define VI          __m512i
#define VM          __mmask16
#define W           16
#define KERNEL_NAME scatter_poisson_avx512

#define vi_set1(a)         _mm512_set1_epi32(a)
#define vi_add(a, b)       _mm512_add_epi32(a, b)
#define vi_xor(a, b)       _mm512_xor_si512(a, b)
#define vi_and(a, b)       _mm512_and_si512(a, b)
#define vi_srli(a, n)      _mm512_srli_epi32(a, n)
#define vi_mullo(a, b)     _mm512_mullo_epi32(a, b)
#define vi_iota()          _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
#define vi_sel(m, a, b)    _mm512_mask_blend_epi32(m, b, a)
#define vi_store(p, v)     _mm512_storeu_si512((void *)(p), v)
#define vi_from_f_trunc(a) _mm512_cvttps_epi32(a)

#define vf_set1(a)      _mm512_set1_ps(a)
#define vf_add(a, b)    _mm512_add_ps(a, b)
#define vf_sub(a, b)    _mm512_sub_ps(a, b)
#define vf_mul(a, b)    _mm512_mul_ps(a, b)
#define vf_min(a, b)    _mm512_min_ps(a, b)
#define vf_max(a, b)    _mm512_max_ps(a, b)
#define vf_ge(a, b)     _mm512_cmp_ps_mask(a, b, _CMP_GE_OQ)
#define vf_gt(a, b)     _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ)
#define vf_sel(m, a, b) _mm512_mask_blend_ps(m, b, a)
#define vf_from_i(a)    _mm512_cvtepi32_ps(a)
#define vf_store(p, v)  _mm512_storeu_ps(p, v)

/* Bytes times 1 added in pairs to 16 bits, then 16-bit pairs to 32: exact. */
static inline __m512i vi_bytesum(__m512i h) {
    return _mm512_madd_epi16(_mm512_maddubs_epi16(h, _mm512_set1_epi8(1)), _mm512_set1_epi16(1));
}

static inline void store_u16(uint16_t *p, __m512i v) {
    _mm256_storeu_si256((__m256i *)(void *)p, _mm512_cvtepi32_epi16(v));
}

static inline void store_u8(uint8_t *p, __m512i v) {
    _mm_storeu_si128((__m128i *)(void *)p, _mm512_cvtepi32_epi8(v));
}

#include "scatter_kernel.h"
#else
typedef int scatter_avx512_unused;
#endif
