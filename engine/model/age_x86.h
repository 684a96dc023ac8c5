/* The part of age_kernel.h's vector vocabulary that the x86 kernels (age_sse41.c, age_avx2.c,
 * age_avx512.c) share. Their intrinsics name most operations alike (_mm_add_ps, _mm256_add_ps,
 * _mm512_add_ps), so a file defines
 *
 *   VF VI     its float and integer vector types
 *   K_MM      the intrinsics' prefix: _mm_, _mm256_ or _mm512_
 *   K_SI      its integer vector's suffix: si128, si256 or si512
 *   K_MASK_REGISTERS  when lane masks live in mask registers (AVX-512), which it then defines
 *
 * includes this header, and defines what differs: loads, table gathers, and with mask
 * registers the lane masks and the floor. */
#include <immintrin.h>

#define K_PASTE_(a, b) a##b
#define K_PASTE(a, b)  K_PASTE_(a, b)
#define K_X(op)        K_PASTE(K_MM, op)

#define vi_set1(a)         K_X(set1_epi32)(a)
#define vi_add(a, b)       K_X(add_epi32)(a, b)
#define vi_and(a, b)       K_X(K_PASTE(and_, K_SI))(a, b)
#define vi_slli(a, n)      K_X(slli_epi32)(a, n)
#define vi_min_u(a, b)     K_X(min_epu32)(a, b)
#define vi_from_f_trunc(a) K_X(cvttps_epi32)(a)

#define vf_set1(a)      K_X(set1_ps)(a)
#define vf_add(a, b)    K_X(add_ps)(a, b)
#define vf_sub(a, b)    K_X(sub_ps)(a, b)
#define vf_mul(a, b)    K_X(mul_ps)(a, b)
#define vf_div(a, b)    K_X(div_ps)(a, b)
#define vf_min(a, b)    K_X(min_ps)(a, b)
#define vf_max(a, b)    K_X(max_ps)(a, b)
#define vf_sqrt(a)      K_X(sqrt_ps)(a)
#define vf_from_i(a)    K_X(cvtepi32_ps)(a)
#define vf_from_bits(a) K_X(K_PASTE(K_PASTE(cast, K_SI), _ps))(a)
#define k_fence()       _mm_sfence()

/* A store, streamed around the caches when asked (only on paths with K_STREAM_ALIGN). */
static inline void vf_put(float *p, VF v, int stream) {
    if (stream)
        K_X(stream_ps)(p, v);
    else
        K_X(storeu_ps)(p, v);
}

/* Lane masks in vector registers, all ones where true (SSE4.1, AVX2). */
#ifndef K_MASK_REGISTERS
#define VM          VI
#define vi_gt(a, b) K_X(cmpgt_epi32)(a, b)
#define vi_eq(a, b) K_X(cmpeq_epi32)(a, b)
#define vm_none()   K_X(K_PASTE(setzero_, K_SI))()
#define vm_or(a, b) K_X(K_PASTE(or_, K_SI))(a, b)
#define vm_any(m)   (K_X(movemask_epi8)(m) != 0)
#define vf_floor(a) K_X(floor_ps)(a)
#endif
