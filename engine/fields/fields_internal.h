/* Shared between the fields*.c files; not part of the public API. */
#ifndef SMP_FIELDS_INTERNAL_H
#define SMP_FIELDS_INTERNAL_H

#include "smp/fields.h"

#define FIELDS_PI 3.14159265358979323846f

enum {
    CURVE_SEGMENTS = 24,               /* frontal part of a hairline, one side */
    CURVE_POINTS = CURVE_SEGMENTS + 2, /* + the temporal ray's end */
    PROFILE_BINS = 1440,               /* midline profile, 0.25° per bin over 360° */
    PHI_BINS = 721, /* azimuth 0..180° in 0.25° steps: the hairlines are symmetric */
};

/* A hairline-like curve on the top chart, for the cx >= 0 half (the other half mirrors it):
 * a frontal part from the midline to the frontotemporal point, then a temporal ray. */
typedef struct fields_curve {
    float p[CURVE_POINTS][2];       /* (cx, cz), mm */
    float nrm[CURVE_POINTS - 1][2]; /* unit normal of each segment, pointing to the hair side */
    float min_cz;                   /* behind this (minus a margin) the curve is far away */
} fields_curve;

/* One scar, resolved: a frame at its centre and the kind's geometry. */
typedef struct fields_scar {
    smp_scar_desc d; /* resolved (defaults filled) */
    smp_tissue tissue;
    int areata;             /* hairless patch, not scar tissue */
    int keeps_hair;         /* plugs carry hair */
    float c[3], t[3], a[3]; /* centre direction, along and across unit vectors */
    float reach_cos;        /* points whose direction is farther from c are skipped */
    /* Punctate layouts (FUE, plugs): points in (along, across) mm, bucketed on a grid. */
    float *pts;           /* 2 per point */
    uint32_t *cell_start; /* gx * gy + 1 */
    uint32_t *cell_items; /* point indices */
    int gx, gy;
    float cell_mm, origin[2];
    /* Burn: polygon in the gnomonic chart around c (unitless, × |p| for mm). */
    float poly[SMP_FIELDS_MAX_POINTS][2];
    float e2[3], n2[3]; /* tangent basis of that chart */
} fields_scar;

typedef struct fields_stage {
    float mid_cz, corner_cz, corner_cx; /* frontal recession line; mid_cz > 1e3: none */
    float crown_rx, crown_rz;           /* crown patch radii, 0: none */
    float bridge;                       /* baldness of the band between front and crown */
    float fringe_side, fringe_back;     /* elevation (°) of the kept fringe's upper edge */
} fields_stage;

struct smp_fields {
    smp_fields_desc d;
    float scale; /* this head's glabella–inion distance over the reference head's */
    /* Midline: radius around the ear axis and arc length from the coronal plane (forwards +)
     * per sagittal angle atan2(z, y). */
    float prof_r[PROFILE_BINS], prof_s[PROFILE_BINS];
    float glabella_s, vertex_s, native_cz, designed_cz;
    /* Natural hairline: polar angle from +Y (radians) per azimuth, the same with the front
     * opened up (the lower boundary the designed hairline closes), and the chart slope
     * correction turning an angular gap into a distance across the line. */
    float nat_alpha[PHI_BINS], low_alpha[PHI_BINS], nat_cos[PHI_BINS], low_cos[PHI_BINS];
    int has_design;
    fields_curve design;
    float design_soft, micro_amp, micro_inv, macro_amp, macro_inv;
    /* Pattern. */
    int pattern_on;
    fields_curve recession;
    fields_stage st;
    float fringe_alpha[PHI_BINS];
    float crown_cz, transition;
    float ludwig_level, ludwig_front, ludwig_back, ludwig_rx, olsen_apex;
    int scar_count;
    fields_scar scars[SMP_FIELDS_MAX_SCARS];
};

/* Value noise in [-1, 1], smooth, seeded; x and y in lattice units. */
float fields_noise(uint64_t seed, uint32_t salt, float x, float y);
uint64_t fields_hash(uint64_t a, uint64_t b);
float fields_smoothstep01(float x); /* 0 below 0, 1 above 1, C1 between */

/* Everything smp_fields_eval gives, at one point (fields_measure.c). */
void fields_eval_full(const smp_fields *f, const float *p, float *scalp, float *hair,
                      float *natural, float *scar, uint8_t *tissue);

/* Scars: resolve and build (errors name scars[i]), free, evaluate one point. */
smp_status fields_scars_build(smp_fields *f, smp_error *err);
void fields_scars_free(smp_fields *f);
/* Weight in [0, 1] of scar s at p (|p| = r, direction u), its boundary grown by grow_mm. */
float fields_scar_weight(const fields_scar *s, const float u[3], float r, float grow_mm);

#endif
