/* The ageing model's per-dot kernel (age_kernel.h) on SSE4.1: four dots a step. There is no
 * gather instruction, so table reads are lane-by-lane loads. Compiled with -msse4.1. */
#if defined(__x86_64__) || defined(__i386__)
#include <smmintrin.h>
#include <string.h>

#include "age_internal.h"

#define VF             __m128
#define VI             __m128i
#define VM             __m128i
#define W              4
#define KERNEL_NAME    smp_age_kernel_sse41
#define K_STREAM_ALIGN 0

#define vi_set1(a)         _mm_set1_epi32(a)
#define vi_add(a, b)       _mm_add_epi32(a, b)
#define vi_and(a, b)       _mm_and_si128(a, b)
#define vi_slli(a, n)      _mm_slli_epi32(a, n)
#define vi_min_u(a, b)     _mm_min_epu32(a, b)
#define vi_from_f_trunc(a) _mm_cvttps_epi32(a)
#define vi_load_u16(p)     _mm_cvtepu16_epi32(_mm_loadl_epi64((const __m128i *)(p)))
#define vi_gt(a, b)        _mm_cmpgt_epi32(a, b)
#define vi_eq(a, b)        _mm_cmpeq_epi32(a, b)
#define vm_none()          _mm_setzero_si128()
#define vm_or(a, b)        _mm_or_si128(a, b)
#define vm_any(m)          (_mm_movemask_epi8(m) != 0)

#define vf_set1(a)           _mm_set1_ps(a)
#define vf_add(a, b)         _mm_add_ps(a, b)
#define vf_sub(a, b)         _mm_sub_ps(a, b)
#define vf_mul(a, b)         _mm_mul_ps(a, b)
#define vf_div(a, b)         _mm_div_ps(a, b)
#define vf_min(a, b)         _mm_min_ps(a, b)
#define vf_max(a, b)         _mm_max_ps(a, b)
#define vf_sqrt(a)           _mm_sqrt_ps(a)
#define vf_floor(a)          _mm_floor_ps(a)
#define vf_from_i(a)         _mm_cvtepi32_ps(a)
#define vf_from_bits(a)      _mm_castsi128_ps(a)
#define vf_put(p, v, stream) (_mm_storeu_ps(p, v), (void)(stream))
#define k_fence()            ((void)0)

static inline __m128i vi_load_u8(const uint8_t *p) {
    int32_t v;
    memcpy(&v, p, sizeof v);
    return _mm_cvtepu8_epi32(_mm_cvtsi32_si128(v));
}

static inline __m128 vf_gather(const float *table, __m128i idx) {
    return _mm_setr_ps(table[_mm_extract_epi32(idx, 0)], table[_mm_extract_epi32(idx, 1)],
                       table[_mm_extract_epi32(idx, 2)], table[_mm_extract_epi32(idx, 3)]);
}

#include "age_kernel.h"
#else
typedef int age_sse41_unused;
#endif
