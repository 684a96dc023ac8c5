/* What the ageing model's evaluation shares between age.c, which builds the tables, and the
 * per-dot kernel (age_kernel.h), instantiated once per instruction set in age_scalar.c,
 * age_sse41.c, age_avx2.c and age_avx512.c: the table layout, the constants of the per-dot
 * equations and the kernels' signatures. */
#ifndef SMP_AGE_INTERNAL_H
#define SMP_AGE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

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

/* Dots [begin, end) on one path, written into out's arrays at the dots' indices; each ORs 1
 * into *bad for any out-of-range dot, whose outputs are then computed from clamped inputs. The
 * vector kernels hand their first dots (while peeling to an alignment) and their last (fewer
 * than a vector) to the scalar one. */
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

/* The kernel's e^-x on one float (age_kernel.h), for the tests. */
float age_expneg(float x);

#endif
