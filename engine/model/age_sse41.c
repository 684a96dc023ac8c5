/* The ageing model's per-dot kernel (age_kernel.h) on SSE4.1: four dots a step. There is no
 * gather instruction, so table reads are lane-by-lane loads. Compiled with -msse4.1. */
#if defined(__x86_64__) || defined(__i386__)
#include <string.h>

#include "age_internal.h"

#define VF             __m128
#define VI             __m128i
#define K_MM           _mm_
#define K_SI           si128
#define W              4
#define KERNEL_NAME    smp_age_kernel_sse41
#define K_STREAM_ALIGN 0
#include "age_x86.h"

static inline __m128i vi_load_u16(const uint16_t *p) {
    return _mm_cvtepu16_epi32(_mm_loadl_epi64((const __m128i *)p));
}

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
