/* The ageing model's per-dot kernel (age_kernel.h) on AVX2: eight dots a step, table reads
 * by gather. Compiled with -mavx2 but never -mfma, so nothing can fuse. */
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#include "age_internal.h"

#define VF             __m256
#define VI             __m256i
#define VM             __m256i
#define W              8
#define KERNEL_NAME    smp_age_kernel_avx2
#define K_STREAM_ALIGN 32

#define vi_set1(a)         _mm256_set1_epi32(a)
#define vi_add(a, b)       _mm256_add_epi32(a, b)
#define vi_and(a, b)       _mm256_and_si256(a, b)
#define vi_slli(a, n)      _mm256_slli_epi32(a, n)
#define vi_min_u(a, b)     _mm256_min_epu32(a, b)
#define vi_from_f_trunc(a) _mm256_cvttps_epi32(a)
#define vi_load_u16(p)     _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(p)))
#define vi_load_u8(p)      _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(p)))
#define vi_gt(a, b)        _mm256_cmpgt_epi32(a, b)
#define vi_eq(a, b)        _mm256_cmpeq_epi32(a, b)
#define vm_none()          _mm256_setzero_si256()
#define vm_or(a, b)        _mm256_or_si256(a, b)
#define vm_any(m)          (_mm256_movemask_epi8(m) != 0)

#define vf_set1(a)          _mm256_set1_ps(a)
#define vf_add(a, b)        _mm256_add_ps(a, b)
#define vf_sub(a, b)        _mm256_sub_ps(a, b)
#define vf_mul(a, b)        _mm256_mul_ps(a, b)
#define vf_div(a, b)        _mm256_div_ps(a, b)
#define vf_min(a, b)        _mm256_min_ps(a, b)
#define vf_max(a, b)        _mm256_max_ps(a, b)
#define vf_sqrt(a)          _mm256_sqrt_ps(a)
#define vf_floor(a)         _mm256_floor_ps(a)
#define vf_from_i(a)        _mm256_cvtepi32_ps(a)
#define vf_from_bits(a)     _mm256_castsi256_ps(a)
#define vf_gather(table, i) _mm256_i32gather_ps(table, i, 4)
#define k_fence()           _mm_sfence()

static inline void vf_put(float *p, __m256 v, int stream) {
    if (stream)
        _mm256_stream_ps(p, v);
    else
        _mm256_storeu_ps(p, v);
}

/* With up to four sessions the (session, tissue) factors fit 16 lanes: two permutes and a
 * blend replace each gather. */
#define K_SK_IN_REGISTERS
typedef struct sk_state {
    int small;
    __m256 lo[AGE_SK_COUNT], hi[AGE_SK_COUNT];
} sk_state;

static inline void sk_init(sk_state *c, const age_tables *t) {
    c->small = t->session_count <= 4;
    for (int f = 0; f < AGE_SK_COUNT; ++f) {
        c->lo[f] = _mm256_loadu_ps(t->sk[f]);
        c->hi[f] = _mm256_loadu_ps(t->sk[f] + 8);
    }
}

static inline __m256 sk_get(const sk_state *c, const age_tables *t, int f, __m256i sk) {
    if (!c->small) return vf_gather(t->sk[f], sk);
    __m256 a = _mm256_permutevar8x32_ps(c->lo[f], sk);
    __m256 b = _mm256_permutevar8x32_ps(c->hi[f], sk);
    return _mm256_blendv_ps(a, b, _mm256_castsi256_ps(_mm256_cmpgt_epi32(sk, vi_set1(7))));
}

#include "age_kernel.h"
#else
typedef int age_avx2_unused;
#endif
