/* The ageing model's per-dot equations, 8 dots at a time with AVX2 gathers. Mirrors age_dot in
 * age_internal.h operation for operation (this file is built with -mavx2 but never -mfma). */
#include "age_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

static inline __m256 gather(const float *table, __m256i idx) {
    return _mm256_i32gather_ps(table, idx, 4);
}

/* With up to four sessions the (session, tissue) factors fit 16 lanes: two permutes and a
 * blend replace each gather. */
typedef struct sk_regs {
    __m256 lo[AGE_SK_COUNT], hi[AGE_SK_COUNT];
} sk_regs;

static inline __m256 sk_get(const age_tables *t, int f, __m256i sk, int small, const sk_regs *r) {
    if (!small) return gather(t->sk[f], sk);
    __m256 a = _mm256_permutevar8x32_ps(r->lo[f], sk);
    __m256 b = _mm256_permutevar8x32_ps(r->hi[f], sk);
    return _mm256_blendv_ps(a, b,
                            _mm256_castsi256_ps(_mm256_cmpgt_epi32(sk, _mm256_set1_epi32(7))));
}

static inline __m256 expneg8(__m256 x) {
    x = _mm256_min_ps(x, _mm256_set1_ps(87.0f));
    __m256 y = _mm256_mul_ps(x, _mm256_set1_ps(-1.442695041f));
    __m256 n = _mm256_floor_ps(_mm256_add_ps(y, _mm256_set1_ps(0.5f)));
    __m256 u = _mm256_mul_ps(_mm256_sub_ps(y, n), _mm256_set1_ps(0.6931471806f));
    __m256 p = _mm256_set1_ps(0.001388888889f);
    p = _mm256_add_ps(_mm256_mul_ps(p, u), _mm256_set1_ps(0.008333333333f));
    p = _mm256_add_ps(_mm256_mul_ps(p, u), _mm256_set1_ps(0.04166666667f));
    p = _mm256_add_ps(_mm256_mul_ps(p, u), _mm256_set1_ps(0.1666666667f));
    p = _mm256_add_ps(_mm256_mul_ps(p, u), _mm256_set1_ps(0.5f));
    p = _mm256_add_ps(_mm256_mul_ps(p, u), _mm256_set1_ps(1.0f));
    p = _mm256_add_ps(_mm256_mul_ps(p, u), _mm256_set1_ps(1.0f));
    __m256i bits =
        _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvttps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(bits));
}

/* Streams only when every output array is aligned alike at this dot. */
static int can_stream(const smp_dot_look *out, size_t i) {
    const float *p[9] = {out->sigma_mm,      out->pigment, out->trans_r, out->trans_g, out->trans_b,
                         out->halo_sigma_mm, out->halo_r,  out->halo_g,  out->halo_b};
    for (int k = 0; k < 9; ++k)
        if (p[k] && ((uintptr_t)(p[k] + i) & 31)) return 0;
    return 1;
}

static inline void put(float *dst, __m256 v, int stream) {
    if (stream)
        _mm256_stream_ps(dst, v);
    else
        _mm256_storeu_ps(dst, v);
}

void smp_age_kernel_avx2(const age_tables *t, const smp_dot_attrs *in, size_t begin, size_t end,
                         const smp_dot_look *out, unsigned *bad) {
    const __m256i zmax = _mm256_set1_epi32(SMP_AGE_MAX_DEPTH_UM);
    const __m256i smax = _mm256_set1_epi32(t->session_count - 1);
    const __m256i kmax = _mm256_set1_epi32(SMP_TISSUE_COUNT - 1);
    const __m256 one = _mm256_set1_ps(1.0f), zero = _mm256_setzero_ps();
    __m256i badv = _mm256_setzero_si256();
    size_t i = begin;
    int stream = 0;
    const int small = t->session_count <= 4;
    sk_regs regs;
    for (int f = 0; f < AGE_SK_COUNT; ++f) {
        regs.lo[f] = _mm256_loadu_ps(t->sk[f]);
        regs.hi[f] = _mm256_loadu_ps(t->sk[f] + 8);
    }
    if (t->stream) { /* peel to the vector alignment, then stream if every array agrees */
        size_t head = i;
        while (head < end && ((uintptr_t)(out->sigma_mm + head) & 31)) ++head;
        if (head + 8 <= end && can_stream(out, head)) {
            smp_age_kernel_scalar(t, in, i, head, out, bad);
            i = head;
            stream = 1;
        }
    }
    for (; i + 8 <= end; i += 8) {
        __m256i r = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(in->radius_um + i)));
        __m256i z = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(in->depth_um + i)));
        __m256i ink8 = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(in->ink + i)));
        __m256i s = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(in->session + i)));
        __m256i k = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(in->tissue + i)));
        badv = _mm256_or_si256(badv, _mm256_cmpgt_epi32(z, zmax));
        badv = _mm256_or_si256(badv, _mm256_cmpeq_epi32(r, _mm256_setzero_si256()));
        badv = _mm256_or_si256(badv, _mm256_cmpgt_epi32(s, smax));
        badv = _mm256_or_si256(badv, _mm256_cmpgt_epi32(k, kmax));
        z = _mm256_min_epu32(z, zmax);
        s = _mm256_min_epu32(s, smax);
        __m256i sk =
            _mm256_add_epi32(_mm256_slli_epi32(s, 2), _mm256_and_si256(k, _mm256_set1_epi32(3)));

        __m256 sigma0 = _mm256_mul_ps(_mm256_cvtepi32_ps(r), _mm256_set1_ps(AGE_SIGMA_PER_UM));
        __m256 s02 = _mm256_mul_ps(sigma0, sigma0);
        __m256 ink = _mm256_mul_ps(_mm256_cvtepi32_ps(ink8), _mm256_set1_ps(AGE_INK_SCALE));
        __m256 lz = gather(t->z[AGE_Z_LSHED], z);
        __m256 m = _mm256_add_ps(_mm256_mul_ps(ink, sk_get(t, AGE_SK_POWN, sk, small, &regs)),
                                 sk_get(t, AGE_SK_ADD, sk, small, &regs));
        __m256 shed = _mm256_add_ps(_mm256_mul_ps(ink, sk_get(t, AGE_SK_PH, sk, small, &regs)),
                                    sk_get(t, AGE_SK_ADDH, sk, small, &regs));
        m = _mm256_sub_ps(m, _mm256_mul_ps(lz, shed));
        m = _mm256_max_ps(m, zero);
        __m256 sd2 = _mm256_add_ps(
            _mm256_add_ps(s02, gather(t->z[AGE_Z_VBLOW], z)),
            _mm256_mul_ps(sk_get(t, AGE_SK_D2T, sk, small, &regs), gather(t->z[AGE_Z_D], z)));
        __m256 x =
            _mm256_div_ps(_mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(AGE_KAPPA), m), s02), sd2);
        __m256 apig = _mm256_sub_ps(one, expneg8(x));
        __m256 so2 = _mm256_add_ps(sd2, gather(t->z[AGE_Z_BLUR], z));
        __m256 a = _mm256_div_ps(_mm256_mul_ps(apig, sd2), so2);
        __m256 swell = _mm256_mul_ps(s02, sk_get(t, AGE_SK_SWELL2, sk, small, &regs));
        __m256 sv2 = _mm256_add_ps(so2, swell);
        __m256 sh2 = _mm256_add_ps(so2, gather(t->z[AGE_Z_HALO2], z));
        __m256 side = _mm256_sqrt_ps(_mm256_add_ps(sd2, sd2));
        __m256 ah = _mm256_div_ps(apig, sh2);
        __m256 fs = sk_get(t, AGE_SK_FS, sk, small, &regs);
        put(out->sigma_mm + i, _mm256_sqrt_ps(sv2), stream);
        if (out->pigment) put(out->pigment + i, m, stream);
        if (out->halo_sigma_mm)
            put(out->halo_sigma_mm + i, _mm256_sqrt_ps(_mm256_add_ps(sh2, swell)), stream);
        float *dst[3] = {out->trans_r, out->trans_g, out->trans_b};
        float *halo[3] = {out->halo_r, out->halo_g, out->halo_b};
        for (int b = 0; b < 3; ++b) {
            __m256 w = gather(t->z[AGE_Z_W_R + b], z);
            __m256 q = sk_get(t, (AGE_SK_QF_R + b), sk, small, &regs);
            __m256 tr =
                _mm256_sub_ps(one, _mm256_mul_ps(a, _mm256_add_ps(_mm256_mul_ps(w, q), fs)));
            put(dst[b] + i, _mm256_max_ps(tr, zero), stream);
            if (!out->halo_sigma_mm) continue;
            __m256 h = _mm256_add_ps(_mm256_mul_ps(sd2, gather(t->z[AGE_Z_WB_R + b], z)),
                                     _mm256_mul_ps(side, gather(t->z[AGE_Z_I_R + b], z)));
            put(halo[b] + i,
                _mm256_max_ps(_mm256_sub_ps(one, _mm256_mul_ps(ah, _mm256_mul_ps(h, q))), zero),
                stream);
        }
    }
    if (_mm256_movemask_epi8(badv)) *bad |= 1u;
    if (stream) _mm_sfence();
    smp_age_kernel_scalar(t, in, i, end, out, bad);
}
#endif
