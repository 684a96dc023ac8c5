/* The ageing model's per-dot equations, 16 dots at a time with AVX-512 gathers. Mirrors
 * age_dot in age_internal.h operation for operation (built with AVX-512 F/BW/DQ/VL flags, never
 * with FMA contraction: engine/core compiles with -ffp-contract=off). */
#include "age_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

static inline __m512 gather(const float *table, __m512i idx) {
    return _mm512_i32gather_ps(idx, table, 4);
}

/* With up to four sessions the (session, tissue) factors fit one register: a permute replaces
 * each gather. */
static inline __m512 sk_get(const age_tables *t, int f, __m512i sk, int small, const __m512 *tbl) {
    return small ? _mm512_permutexvar_ps(sk, tbl[f]) : gather(t->sk[f], sk);
}

static inline __m512 expneg16(__m512 x) {
    x = _mm512_min_ps(x, _mm512_set1_ps(87.0f));
    __m512 y = _mm512_mul_ps(x, _mm512_set1_ps(-1.442695041f));
    __m512 n = _mm512_roundscale_ps(_mm512_add_ps(y, _mm512_set1_ps(0.5f)),
                                    _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    __m512 u = _mm512_mul_ps(_mm512_sub_ps(y, n), _mm512_set1_ps(0.6931471806f));
    __m512 p = _mm512_set1_ps(0.001388888889f);
    p = _mm512_add_ps(_mm512_mul_ps(p, u), _mm512_set1_ps(0.008333333333f));
    p = _mm512_add_ps(_mm512_mul_ps(p, u), _mm512_set1_ps(0.04166666667f));
    p = _mm512_add_ps(_mm512_mul_ps(p, u), _mm512_set1_ps(0.1666666667f));
    p = _mm512_add_ps(_mm512_mul_ps(p, u), _mm512_set1_ps(0.5f));
    p = _mm512_add_ps(_mm512_mul_ps(p, u), _mm512_set1_ps(1.0f));
    p = _mm512_add_ps(_mm512_mul_ps(p, u), _mm512_set1_ps(1.0f));
    __m512i bits =
        _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvttps_epi32(n), _mm512_set1_epi32(127)), 23);
    return _mm512_mul_ps(p, _mm512_castsi512_ps(bits));
}

/* Streams only when every output array is aligned alike at this dot. */
static int can_stream(const smp_dot_look *out, size_t i) {
    const float *p[9] = {out->sigma_mm,      out->pigment, out->trans_r, out->trans_g, out->trans_b,
                         out->halo_sigma_mm, out->halo_r,  out->halo_g,  out->halo_b};
    for (int k = 0; k < 9; ++k)
        if (p[k] && ((uintptr_t)(p[k] + i) & 63)) return 0;
    return 1;
}

static inline void put(float *dst, __m512 v, int stream) {
    if (stream)
        _mm512_stream_ps(dst, v);
    else
        _mm512_storeu_ps(dst, v);
}

void smp_age_kernel_avx512(const age_tables *t, const smp_dot_attrs *in, size_t begin, size_t end,
                           const smp_dot_look *out, unsigned *bad) {
    const __m512i zmax = _mm512_set1_epi32(SMP_AGE_MAX_DEPTH_UM);
    const __m512i smax = _mm512_set1_epi32(t->session_count - 1);
    const __m512i kmax = _mm512_set1_epi32(SMP_TISSUE_COUNT - 1);
    const __m512 one = _mm512_set1_ps(1.0f), zero = _mm512_setzero_ps();
    __mmask16 badm = 0;
    size_t i = begin;
    int stream = 0;
    const int small = t->session_count <= 4;
    __m512 tbl[AGE_SK_COUNT];
    for (int f = 0; f < AGE_SK_COUNT; ++f) tbl[f] = _mm512_loadu_ps(t->sk[f]);
    if (t->stream) { /* peel to the vector alignment, then stream if every array agrees */
        size_t head = i;
        while (head < end && ((uintptr_t)(out->sigma_mm + head) & 63)) ++head;
        if (head + 16 <= end && can_stream(out, head)) {
            smp_age_kernel_scalar(t, in, i, head, out, bad);
            i = head;
            stream = 1;
        }
    }
    for (; i + 16 <= end; i += 16) {
        __m512i r = _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(in->radius_um + i)));
        __m512i z = _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(in->depth_um + i)));
        __m512i ink8 = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(in->ink + i)));
        __m512i s = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(in->session + i)));
        __m512i k = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(in->tissue + i)));
        badm |= _mm512_cmpgt_epu32_mask(z, zmax) |
                _mm512_cmpeq_epi32_mask(r, _mm512_setzero_si512()) |
                _mm512_cmpgt_epu32_mask(s, smax) | _mm512_cmpgt_epu32_mask(k, kmax);
        z = _mm512_min_epu32(z, zmax);
        s = _mm512_min_epu32(s, smax);
        __m512i sk =
            _mm512_add_epi32(_mm512_slli_epi32(s, 2), _mm512_and_si512(k, _mm512_set1_epi32(3)));

        __m512 sigma0 = _mm512_mul_ps(_mm512_cvtepi32_ps(r), _mm512_set1_ps(AGE_SIGMA_PER_UM));
        __m512 s02 = _mm512_mul_ps(sigma0, sigma0);
        __m512 ink = _mm512_mul_ps(_mm512_cvtepi32_ps(ink8), _mm512_set1_ps(AGE_INK_SCALE));
        __m512 lz = gather(t->z[AGE_Z_LSHED], z);
        __m512 m = _mm512_add_ps(_mm512_mul_ps(ink, sk_get(t, AGE_SK_POWN, sk, small, tbl)),
                                 sk_get(t, AGE_SK_ADD, sk, small, tbl));
        __m512 shed = _mm512_add_ps(_mm512_mul_ps(ink, sk_get(t, AGE_SK_PH, sk, small, tbl)),
                                    sk_get(t, AGE_SK_ADDH, sk, small, tbl));
        m = _mm512_sub_ps(m, _mm512_mul_ps(lz, shed));
        m = _mm512_max_ps(m, zero);
        __m512 sd2 = _mm512_add_ps(
            _mm512_add_ps(s02, gather(t->z[AGE_Z_VBLOW], z)),
            _mm512_mul_ps(sk_get(t, AGE_SK_D2T, sk, small, tbl), gather(t->z[AGE_Z_D], z)));
        __m512 x =
            _mm512_div_ps(_mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(AGE_KAPPA), m), s02), sd2);
        __m512 apig = _mm512_sub_ps(one, expneg16(x));
        __m512 so2 = _mm512_add_ps(sd2, gather(t->z[AGE_Z_BLUR], z));
        __m512 a = _mm512_div_ps(_mm512_mul_ps(apig, sd2), so2);
        __m512 swell = _mm512_mul_ps(s02, sk_get(t, AGE_SK_SWELL2, sk, small, tbl));
        __m512 sv2 = _mm512_add_ps(so2, swell);
        __m512 sh2 = _mm512_add_ps(so2, gather(t->z[AGE_Z_HALO2], z));
        __m512 side = _mm512_sqrt_ps(_mm512_add_ps(sd2, sd2));
        __m512 ah = _mm512_div_ps(apig, sh2);
        __m512 fs = sk_get(t, AGE_SK_FS, sk, small, tbl);
        put(out->sigma_mm + i, _mm512_sqrt_ps(sv2), stream);
        if (out->pigment) put(out->pigment + i, m, stream);
        if (out->halo_sigma_mm)
            put(out->halo_sigma_mm + i, _mm512_sqrt_ps(_mm512_add_ps(sh2, swell)), stream);
        float *dst[3] = {out->trans_r, out->trans_g, out->trans_b};
        float *halo[3] = {out->halo_r, out->halo_g, out->halo_b};
        for (int b = 0; b < 3; ++b) {
            __m512 w = gather(t->z[AGE_Z_W_R + b], z);
            __m512 q = sk_get(t, (AGE_SK_QF_R + b), sk, small, tbl);
            __m512 tr =
                _mm512_sub_ps(one, _mm512_mul_ps(a, _mm512_add_ps(_mm512_mul_ps(w, q), fs)));
            put(dst[b] + i, _mm512_max_ps(tr, zero), stream);
            if (!out->halo_sigma_mm) continue;
            __m512 h = _mm512_add_ps(_mm512_mul_ps(sd2, gather(t->z[AGE_Z_WB_R + b], z)),
                                     _mm512_mul_ps(side, gather(t->z[AGE_Z_I_R + b], z)));
            put(halo[b] + i,
                _mm512_max_ps(_mm512_sub_ps(one, _mm512_mul_ps(ah, _mm512_mul_ps(h, q))), zero),
                stream);
        }
    }
    if (badm) *bad |= 1u;
    if (stream) _mm_sfence();
    smp_age_kernel_scalar(t, in, i, end, out, bad);
}
#endif
