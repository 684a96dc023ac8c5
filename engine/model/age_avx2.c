/* The ageing model's per-dot kernel (age_kernel.h) on AVX2: eight dots a step, table reads
 * by gather. Compiled with -mavx2 but never -mfma, so nothing can fuse. */
#if defined(__x86_64__) || defined(__i386__)
#include "age_internal.h"

#define VF             __m256
#define VI             __m256i
#define K_MM           _mm256_
#define K_SI           si256
#define W              8
#define KERNEL_NAME    smp_age_kernel_avx2
#define K_STREAM_ALIGN 32
#include "age_x86.h"

#define vi_load_u16(p)      _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(p)))
#define vi_load_u8(p)       _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(p)))
#define vf_gather(table, i) _mm256_i32gather_ps(table, i, 4)

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
