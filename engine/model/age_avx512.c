/* The ageing model's per-dot kernel (age_kernel.h) on AVX-512: sixteen dots a step, table
 * reads by gather, lane masks in mask registers. Compiled with the AVX-512 F/BW/DQ/VL flags;
 * nothing fuses (-ffp-contract=off). */
#if defined(__x86_64__) || defined(__i386__)
#include "age_internal.h"

#define VF   __m512
#define VI   __m512i
#define VM   __mmask16
#define K_MM _mm512_
#define K_SI si512
#define K_MASK_REGISTERS
#define W              16
#define KERNEL_NAME    smp_age_kernel_avx512
#define K_STREAM_ALIGN 64
#include "age_x86.h"

#define vi_load_u16(p)      _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(p)))
#define vi_load_u8(p)       _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(p)))
#define vi_gt(a, b)         _mm512_cmpgt_epu32_mask(a, b)
#define vi_eq(a, b)         _mm512_cmpeq_epi32_mask(a, b)
#define vm_none()           ((__mmask16)0)
#define vm_or(a, b)         ((__mmask16)((a) | (b)))
#define vm_any(m)           ((m) != 0)
#define vf_floor(a)         _mm512_roundscale_ps(a, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC)
#define vf_gather(table, i) _mm512_i32gather_ps(i, table, 4)

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
