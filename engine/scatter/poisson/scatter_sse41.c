/* The Poisson kernel on SSE4.1: four dots per step. Compiled with -msse4.1. */
#if defined(__x86_64__) || defined(__i386__)
#include <smmintrin.h>
#include <string.h>

#include "../scatter_internal.h"

#define VF          __m128
#define VI          __m128i
#define VM          __m128
#define W           4
#define KERNEL_NAME scatter_poisson_sse41

#define vi_set1(a)         _mm_set1_epi32(a)
#define vi_add(a, b)       _mm_add_epi32(a, b)
#define vi_xor(a, b)       _mm_xor_si128(a, b)
#define vi_and(a, b)       _mm_and_si128(a, b)
#define vi_srli(a, n)      _mm_srli_epi32(a, n)
#define vi_mullo(a, b)     _mm_mullo_epi32(a, b)
#define vi_iota()          _mm_setr_epi32(0, 1, 2, 3)
#define vi_sel(m, a, b)    _mm_castps_si128(_mm_blendv_ps(_mm_castsi128_ps(b), _mm_castsi128_ps(a), m))
#define vi_store(p, v)     _mm_storeu_si128((__m128i *)(void *)(p), v)
#define vi_from_f_trunc(a) _mm_cvttps_epi32(a)

#define vf_set1(a)      _mm_set1_ps(a)
#define vf_add(a, b)    _mm_add_ps(a, b)
#define vf_sub(a, b)    _mm_sub_ps(a, b)
#define vf_mul(a, b)    _mm_mul_ps(a, b)
#define vf_min(a, b)    _mm_min_ps(a, b)
#define vf_max(a, b)    _mm_max_ps(a, b)
#define vf_ge(a, b)     _mm_cmpge_ps(a, b)
#define vf_gt(a, b)     _mm_cmpgt_ps(a, b)
#define vf_sel(m, a, b) _mm_blendv_ps(b, a, m)
#define vf_from_i(a)    _mm_cvtepi32_ps(a)
#define vf_store(p, v)  _mm_storeu_ps(p, v)

/* Bytes times 1 added in pairs to 16 bits, then 16-bit pairs to 32: exact. */
static inline __m128i vi_bytesum(__m128i h) {
    return _mm_madd_epi16(_mm_maddubs_epi16(h, _mm_set1_epi8(1)), _mm_set1_epi16(1));
}

static inline void store_u16(uint16_t *p, __m128i v) {
    _mm_storel_epi64((__m128i *)(void *)p, _mm_packus_epi32(v, v));
}

static inline void store_u8(uint8_t *p, __m128i v) {
    __m128i w16 = _mm_packus_epi32(v, v);
    uint32_t b = (uint32_t)_mm_cvtsi128_si32(_mm_packus_epi16(w16, w16));
    memcpy(p, &b, 4);
}

#include "scatter_kernel.h"
#else
typedef int scatter_sse41_unused;
#endif
