/* The ageing model's per-dot kernel (age_kernel.h) on AVX-512: sixteen dots a step, table
 * reads by gather. Compiled with the AVX-512 F/BW/DQ/VL flags; nothing fuses
 * (-ffp-contract=off). */
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#include "age_internal.h"

#define VF             __m512
#define VI             __m512i
#define VM             __mmask16
#define W              16
#define KERNEL_NAME    smp_age_kernel_avx512
#define K_STREAM_ALIGN 64

#define vi_set1(a)         _mm512_set1_epi32(a)
#define vi_add(a, b)       _mm512_add_epi32(a, b)
#define vi_and(a, b)       _mm512_and_si512(a, b)
#define vi_slli(a, n)      _mm512_slli_epi32(a, n)
#define vi_min_u(a, b)     _mm512_min_epu32(a, b)
#define vi_from_f_trunc(a) _mm512_cvttps_epi32(a)
#define vi_load_u16(p)     _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(p)))
#define vi_load_u8(p)      _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(p)))
#define vi_gt(a, b)        _mm512_cmpgt_epu32_mask(a, b)
#define vi_eq(a, b)        _mm512_cmpeq_epi32_mask(a, b)
#define vm_none()          ((__mmask16)0)
#define vm_or(a, b)        ((__mmask16)((a) | (b)))
#define vm_any(m)          ((m) != 0)

#define vf_set1(a)          _mm512_set1_ps(a)
#define vf_add(a, b)        _mm512_add_ps(a, b)
#define vf_sub(a, b)        _mm512_sub_ps(a, b)
#define vf_mul(a, b)        _mm512_mul_ps(a, b)
#define vf_div(a, b)        _mm512_div_ps(a, b)
#define vf_min(a, b)        _mm512_min_ps(a, b)
#define vf_max(a, b)        _mm512_max_ps(a, b)
#define vf_sqrt(a)          _mm512_sqrt_ps(a)
#define vf_floor(a)         _mm512_roundscale_ps(a, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC)
#define vf_from_i(a)        _mm512_cvtepi32_ps(a)
#define vf_from_bits(a)     _mm512_castsi512_ps(a)
#define vf_gather(table, i) _mm512_i32gather_ps(i, table, 4)
#define k_fence()           _mm_sfence()

static inline void vf_put(float *p, __m512 v, int stream) {
    if (stream)
        _mm512_stream_ps(p, v);
    else
        _mm512_storeu_ps(p, v);
}

/* With up to four sessions the (session, tissue) factors fit one register: a permute replaces
 * each gather. */
#define K_SK_IN_REGISTERS
typedef struct sk_state {
    int small;
    __m512 tbl[AGE_SK_COUNT];
} sk_state;

static inline void sk_init(sk_state *c, const age_tables *t) {
    c->small = t->session_count <= 4;
    for (int f = 0; f < AGE_SK_COUNT; ++f) c->tbl[f] = _mm512_loadu_ps(t->sk[f]);
}

static inline __m512 sk_get(const sk_state *c, const age_tables *t, int f, __m512i sk) {
    return c->small ? _mm512_permutexvar_ps(sk, c->tbl[f]) : vf_gather(t->sk[f], sk);
}

#include "age_kernel.h"
#else
typedef int age_avx512_unused;
#endif
