/* The per-dot equations of the ageing model, shared by the scalar reference (age.c) and the
 * vector kernels (age_sse41.c, age_avx2.c, age_avx512.c). Every path performs the same IEEE
 * single-precision operations in the same order (no fused multiply-add: engine/core builds
 * with -ffp-contract=off and the kernels use separate multiply and add intrinsics), so all give
 * bit-identical results. shaders/model.glsl mirrors these lines. */
#ifndef SMP_AGE_INTERNAL_H
#define SMP_AGE_INTERNAL_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "smp/age.h"

/* Per-(session, tissue) factors at one year, structure of arrays, index session·4 + tissue. */
enum {
    AGE_SK_POWN,   /* own deposit's retention: healing · early loss · fading · ink class */
    AGE_SK_PH,     /* POWN times the fraction of the shed clock that has run */
    AGE_SK_ADD,    /* touch-up re-deposits, in full deposits */
    AGE_SK_ADDH,   /* the same, times their shed clocks */
    AGE_SK_D2T,    /* 2 · age · tissue and client spread factors, years (times D(z)) */
    AGE_SK_SWELL2, /* (fresh-mark size / healed size)² − 1 */
    AGE_SK_FS,     /* share of the pigment still in the scab, at the surface */
    AGE_SK_QF_R,   /* dermal share of the tissue's remittance · (1 − FS), per band */
    AGE_SK_QF_G,
    AGE_SK_QF_B,
    AGE_SK_COUNT
};

/* Per-micrometre depth tables, 0..SMP_AGE_MAX_DEPTH_UM. */
enum {
    AGE_Z_LSHED, /* fraction shed with the epidermis */
    AGE_Z_VBLOW, /* immediate lateral spread of a too-deep deposit, mm² */
    AGE_Z_D,     /* pigment diffusion coefficient, mm²/year */
    AGE_Z_BLUR,  /* the core's optical blur variance, mm² */
    AGE_Z_HALO2, /* the halo's extra lateral variance, mm² */
    AGE_Z_W_R,   /* core: depth weight of the deposit's top face, per band */
    AGE_Z_W_G,
    AGE_Z_W_B,
    AGE_Z_WB_R, /* halo: depth weight of the deposit's bottom face, per band */
    AGE_Z_WB_G,
    AGE_Z_WB_B,
    AGE_Z_I_R, /* halo: the depth weight integrated down the deposit's side, mm, per band */
    AGE_Z_I_G,
    AGE_Z_I_B,
    AGE_Z_COUNT
};
enum { AGE_Z_LEN = SMP_AGE_MAX_DEPTH_UM + 1 };

#define AGE_SIGMA_PER_UM 0.000849321800f /* 1e-3 / √(2 ln 2): half-max radius → σ, mm */
#define AGE_INK_SCALE    0.003921568627f /* 1 / 255 */
#define AGE_KAPPA        2.4f            /* peak optical depth of a full healed deposit */

typedef struct age_tables {
    const float *z[AGE_Z_COUNT];
    const float *sk[AGE_SK_COUNT];
    int session_count;
    int stream; /* 1: outputs are far larger than the caches; vector paths bypass them */
} age_tables;

/* e^-x for x >= 0 (NaN reads as large), relative error < 2e-7: 2^n by the exponent bits times
 * a degree-6 Taylor polynomial on |u| <= ln2/2. */
static inline float age_expneg(float x) {
    x = x < 87.0f ? x : 87.0f;
    float y = x * -1.442695041f;
    float n = floorf(y + 0.5f);
    float u = (y - n) * 0.6931471806f;
    float p = 0.001388888889f;
    p = p * u + 0.008333333333f;
    p = p * u + 0.04166666667f;
    p = p * u + 0.1666666667f;
    p = p * u + 0.5f;
    p = p * u + 1.0f;
    p = p * u + 1.0f;
    int32_t bits = ((int32_t)n + 127) * 8388608;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

/* One dot's look: the core (top face) and the halo (bottom face and side), see smp_dot_look. */
typedef struct age_look {
    float sigma_mm, pigment, trans[3];
    float halo_sigma_mm, halo_trans[3];
} age_look;

/* One dot. Out-of-range inputs set *bad and are read clamped so nothing reads out of bounds.
 * The deposit is a column of pigment whose plan footprint has variance sd2 (radius √(2·sd2)
 * for the disc of the same second moment); a buried black surface removes remitted light in
 * proportion to its area times the depth weight where it lies (docs/MODEL.md §3), scaled by
 * the deposit's opacity apig and the tissue's dermal share. */
static inline void age_dot(const age_tables *t, uint16_t radius_um, uint16_t depth_um, uint8_t ink8,
                           uint8_t session, uint8_t tissue, age_look *o, unsigned *bad) {
    unsigned s = session, k = tissue, z = depth_um;
    *bad |= (z > SMP_AGE_MAX_DEPTH_UM) | (radius_um == 0) | (s >= (unsigned)t->session_count) |
            (k >= SMP_TISSUE_COUNT);
    z = z < SMP_AGE_MAX_DEPTH_UM ? z : SMP_AGE_MAX_DEPTH_UM;
    s = s < (unsigned)t->session_count ? s : (unsigned)t->session_count - 1;
    unsigned sk = s * 4 + (k & 3);

    float sigma0 = (float)radius_um * AGE_SIGMA_PER_UM;
    float s02 = sigma0 * sigma0;
    float ink = (float)ink8 * AGE_INK_SCALE;
    float lz = t->z[AGE_Z_LSHED][z];
    float m = ink * t->sk[AGE_SK_POWN][sk] + t->sk[AGE_SK_ADD][sk] -
              lz * (ink * t->sk[AGE_SK_PH][sk] + t->sk[AGE_SK_ADDH][sk]);
    m = m > 0.0f ? m : 0.0f; /* rounding only: the shed share never exceeds the deposit */
    float sd2 = s02 + t->z[AGE_Z_VBLOW][z] + t->sk[AGE_SK_D2T][sk] * t->z[AGE_Z_D][z];
    float x = AGE_KAPPA * m * s02 / sd2;
    float apig = 1.0f - age_expneg(x);
    float so2 = sd2 + t->z[AGE_Z_BLUR][z];
    float a = apig * sd2 / so2;
    float swell = s02 * t->sk[AGE_SK_SWELL2][sk];
    float sv2 = so2 + swell;
    float sh2 = so2 + t->z[AGE_Z_HALO2][z];
    float side = sqrtf(sd2 + sd2);
    float ah = apig / sh2;
    float fs = t->sk[AGE_SK_FS][sk];
    o->sigma_mm = sqrtf(sv2);
    o->pigment = m;
    o->halo_sigma_mm = sqrtf(sh2 + swell);
    for (int b = 0; b < 3; ++b) {
        float q = t->sk[AGE_SK_QF_R + b][sk];
        float tr = 1.0f - a * (t->z[AGE_Z_W_R + b][z] * q + fs);
        float h = sd2 * t->z[AGE_Z_WB_R + b][z] + side * t->z[AGE_Z_I_R + b][z];
        float th = 1.0f - ah * (h * q);
        /* a face takes more than its own area; right above it no more than all the light */
        o->trans[b] = tr > 0.0f ? tr : 0.0f;
        o->halo_trans[b] = th > 0.0f ? th : 0.0f;
    }
}

/* Dots [begin, end) on one path; each ORs 1 into *bad for any out-of-range dot. */
typedef void (*age_kernel_fn)(const age_tables *t, const smp_dot_attrs *in, size_t begin,
                              size_t end, const smp_dot_look *out, unsigned *bad);

void smp_age_kernel_scalar(const age_tables *t, const smp_dot_attrs *in, size_t begin, size_t end,
                           const smp_dot_look *out, unsigned *bad);
void smp_age_kernel_sse41(const age_tables *t, const smp_dot_attrs *in, size_t begin, size_t end,
                          const smp_dot_look *out, unsigned *bad);
void smp_age_kernel_avx2(const age_tables *t, const smp_dot_attrs *in, size_t begin, size_t end,
                         const smp_dot_look *out, unsigned *bad);
void smp_age_kernel_avx512(const age_tables *t, const smp_dot_attrs *in, size_t begin, size_t end,
                           const smp_dot_look *out, unsigned *bad);

#endif
