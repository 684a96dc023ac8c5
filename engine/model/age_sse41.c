/* The ageing model's per-dot equations, 4 dots at a time with SSE4.1. There is no gather
 * instruction, so table reads are lane-by-lane loads; the arithmetic mirrors age_dot in
 * age_internal.h operation for operation. */
#include "age_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <smmintrin.h>

static inline __m128 gather(const float *table, __m128i idx) {
    return _mm_setr_ps(table[_mm_extract_epi32(idx, 0)], table[_mm_extract_epi32(idx, 1)],
                       table[_mm_extract_epi32(idx, 2)], table[_mm_extract_epi32(idx, 3)]);
}

static inline __m128i load_u8x4(const uint8_t *p) {
    int32_t v;
    memcpy(&v, p, sizeof v);
    return _mm_cvtepu8_epi32(_mm_cvtsi32_si128(v));
}

static inline __m128 expneg4(__m128 x) {
    x = _mm_min_ps(x, _mm_set1_ps(87.0f));
    __m128 y = _mm_mul_ps(x, _mm_set1_ps(-1.442695041f));
    __m128 n = _mm_floor_ps(_mm_add_ps(y, _mm_set1_ps(0.5f)));
    __m128 u = _mm_mul_ps(_mm_sub_ps(y, n), _mm_set1_ps(0.6931471806f));
    __m128 p = _mm_set1_ps(0.001388888889f);
    p = _mm_add_ps(_mm_mul_ps(p, u), _mm_set1_ps(0.008333333333f));
    p = _mm_add_ps(_mm_mul_ps(p, u), _mm_set1_ps(0.04166666667f));
    p = _mm_add_ps(_mm_mul_ps(p, u), _mm_set1_ps(0.1666666667f));
    p = _mm_add_ps(_mm_mul_ps(p, u), _mm_set1_ps(0.5f));
    p = _mm_add_ps(_mm_mul_ps(p, u), _mm_set1_ps(1.0f));
    p = _mm_add_ps(_mm_mul_ps(p, u), _mm_set1_ps(1.0f));
    __m128i bits = _mm_slli_epi32(_mm_add_epi32(_mm_cvttps_epi32(n), _mm_set1_epi32(127)), 23);
    return _mm_mul_ps(p, _mm_castsi128_ps(bits));
}

void smp_age_kernel_sse41(const age_tables *t, const smp_dot_attrs *in, size_t begin, size_t end,
                          const smp_dot_look *out, unsigned *bad) {
    const __m128i zmax = _mm_set1_epi32(SMP_AGE_MAX_DEPTH_UM);
    const __m128i smax = _mm_set1_epi32(t->session_count - 1);
    const __m128i kmax = _mm_set1_epi32(SMP_TISSUE_COUNT - 1);
    const __m128 one = _mm_set1_ps(1.0f), zero = _mm_setzero_ps();
    __m128i badv = _mm_setzero_si128();
    size_t i = begin;
    for (; i + 4 <= end; i += 4) {
        __m128i r = _mm_cvtepu16_epi32(_mm_loadl_epi64((const __m128i *)(in->radius_um + i)));
        __m128i z = _mm_cvtepu16_epi32(_mm_loadl_epi64((const __m128i *)(in->depth_um + i)));
        __m128i ink8 = load_u8x4(in->ink + i);
        __m128i s = load_u8x4(in->session + i);
        __m128i k = load_u8x4(in->tissue + i);
        badv = _mm_or_si128(badv, _mm_cmpgt_epi32(z, zmax));
        badv = _mm_or_si128(badv, _mm_cmpeq_epi32(r, _mm_setzero_si128()));
        badv = _mm_or_si128(badv, _mm_cmpgt_epi32(s, smax));
        badv = _mm_or_si128(badv, _mm_cmpgt_epi32(k, kmax));
        z = _mm_min_epu32(z, zmax);
        s = _mm_min_epu32(s, smax);
        __m128i sk = _mm_add_epi32(_mm_slli_epi32(s, 2), _mm_and_si128(k, _mm_set1_epi32(3)));

        __m128 sigma0 = _mm_mul_ps(_mm_cvtepi32_ps(r), _mm_set1_ps(AGE_SIGMA_PER_UM));
        __m128 s02 = _mm_mul_ps(sigma0, sigma0);
        __m128 ink = _mm_mul_ps(_mm_cvtepi32_ps(ink8), _mm_set1_ps(AGE_INK_SCALE));
        __m128 lz = gather(t->z[AGE_Z_LSHED], z);
        __m128 m = _mm_add_ps(_mm_mul_ps(ink, gather(t->sk[AGE_SK_POWN], sk)),
                              gather(t->sk[AGE_SK_ADD], sk));
        __m128 shed = _mm_add_ps(_mm_mul_ps(ink, gather(t->sk[AGE_SK_PH], sk)),
                                 gather(t->sk[AGE_SK_ADDH], sk));
        m = _mm_sub_ps(m, _mm_mul_ps(lz, shed));
        m = _mm_max_ps(m, zero);
        __m128 sd2 =
            _mm_add_ps(_mm_add_ps(s02, gather(t->z[AGE_Z_VBLOW], z)),
                       _mm_mul_ps(gather(t->sk[AGE_SK_D2T], sk), gather(t->z[AGE_Z_D], z)));
        __m128 x = _mm_div_ps(_mm_mul_ps(_mm_mul_ps(_mm_set1_ps(AGE_KAPPA), m), s02), sd2);
        __m128 apig = _mm_sub_ps(one, expneg4(x));
        __m128 so2 = _mm_add_ps(sd2, gather(t->z[AGE_Z_BLUR], z));
        __m128 a = _mm_div_ps(_mm_mul_ps(apig, sd2), so2);
        __m128 swell = _mm_mul_ps(s02, gather(t->sk[AGE_SK_SWELL2], sk));
        __m128 sv2 = _mm_add_ps(so2, swell);
        __m128 sh2 = _mm_add_ps(so2, gather(t->z[AGE_Z_HALO2], z));
        __m128 side = _mm_sqrt_ps(_mm_add_ps(sd2, sd2));
        __m128 ah = _mm_div_ps(apig, sh2);
        __m128 fs = gather(t->sk[AGE_SK_FS], sk);
        _mm_storeu_ps(out->sigma_mm + i, _mm_sqrt_ps(sv2));
        if (out->pigment) _mm_storeu_ps(out->pigment + i, m);
        if (out->halo_sigma_mm)
            _mm_storeu_ps(out->halo_sigma_mm + i, _mm_sqrt_ps(_mm_add_ps(sh2, swell)));
        float *dst[3] = {out->trans_r, out->trans_g, out->trans_b};
        float *halo[3] = {out->halo_r, out->halo_g, out->halo_b};
        for (int b = 0; b < 3; ++b) {
            __m128 w = gather(t->z[AGE_Z_W_R + b], z);
            __m128 q = gather(t->sk[AGE_SK_QF_R + b], sk);
            __m128 tr = _mm_sub_ps(one, _mm_mul_ps(a, _mm_add_ps(_mm_mul_ps(w, q), fs)));
            _mm_storeu_ps(dst[b] + i, _mm_max_ps(tr, zero));
            if (!out->halo_sigma_mm) continue;
            __m128 h = _mm_add_ps(_mm_mul_ps(sd2, gather(t->z[AGE_Z_WB_R + b], z)),
                                  _mm_mul_ps(side, gather(t->z[AGE_Z_I_R + b], z)));
            _mm_storeu_ps(halo[b] + i,
                          _mm_max_ps(_mm_sub_ps(one, _mm_mul_ps(ah, _mm_mul_ps(h, q))), zero));
        }
    }
    if (_mm_movemask_epi8(badv)) *bad |= 1u;
    smp_age_kernel_scalar(t, in, i, end, out, bad);
}
#endif
