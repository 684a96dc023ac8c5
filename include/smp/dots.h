/*
 * smp/dots.h — the dot set: every pigment dot of a treatment, as structure-of-arrays.
 *
 * The scatter core (smp/scatter.h) writes a dot set once per plan; the model (smp/age.h)
 * reads it to say how each dot looks at any year; the renderer uploads it. Nothing here changes
 * with time: a dot's static attributes are where it was placed, how large and deep the needle
 * left it, how much ink it took, in which session and in which tissue.
 *
 *   smp_dots dots = {0};
 *   smp_dots_alloc(&dots, capacity, 0, &err); // refuses what it cannot hold, before allocating
 *   ... smp_scatter(...) fills dots.count entries ...
 *   smp_dots_free(&dots);
 *
 * Bytes per dot: 31 (SMP_DOT_BYTES): position 12, octahedral normal 4, triangle 4,
 * barycentrics 4, radius 2, depth 2, ink 1, session 1, tissue 1.
 *
 * Does NOT: decide where dots go (scatter), or how they look over time (age).
 */
#ifndef SMP_DOTS_H
#define SMP_DOTS_H

#include <stddef.h>
#include <stdint.h>

#include "smp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a dot was placed into. Scar tissue is paler, fades faster and spreads more; the model
 * (smp/age.h) holds the numbers, the scalp fields (smp/fields.h) say where each class is. */
typedef enum smp_tissue {
    SMP_TISSUE_SKIN = 0,      /* normal scalp skin, with or without hair */
    SMP_TISSUE_SCAR_LINEAR,   /* flat linear scar: FUT strip, craniotomy, scalp reduction */
    SMP_TISSUE_SCAR_PUNCTATE, /* small round pale FUE donor scars */
    SMP_TISSUE_SCAR_BURN,     /* burn or graft scar: atrophic, irregular, palest */
    SMP_TISSUE_COUNT
} smp_tissue;

/* "skin", "scar_linear", "scar_punctate", "scar_burn"; NULL out of range. */
const char *smp_tissue_name(smp_tissue t);

enum { SMP_DOT_BYTES = 31 };

typedef struct smp_dots {
    size_t count;        /* dots written */
    size_t capacity;     /* dots the arrays hold */
    float *x, *y, *z;    /* position on the skin surface, mm, head frame */
    uint32_t *normal;    /* unit surface normal, octahedral, two snorm16 (x low, y high) */
    uint32_t *triangle;  /* mesh triangle the dot lies in */
    uint16_t *bary_u;    /* barycentric weight of the triangle's 2nd vertex, unorm16 */
    uint16_t *bary_v;    /* barycentric weight of the triangle's 3rd vertex, unorm16 */
    uint16_t *radius_um; /* healed base radius of the pigment deposit, micrometres */
    uint16_t *depth_um;  /* depth of the deposit's centre below the surface, micrometres */
    uint8_t *ink;        /* ink load, 0..255 for 0..1 of an undiluted full deposit */
    uint8_t *session;    /* index of the plan's session that placed it */
    uint8_t *tissue;     /* smp_tissue */
} smp_dots;

/* Allocates arrays for capacity dots (>= 1). Refuses, with SMP_ERR_NOMEM and the byte count it
 * would need, any capacity whose arrays would exceed max_bytes (0 = no limit but the address
 * space), before allocating anything. */
smp_status smp_dots_alloc(smp_dots *dots, size_t capacity, size_t max_bytes, smp_error *err);
void smp_dots_free(smp_dots *dots);

/* Octahedral normal encoding: exact round trip to within 1e-4 per component for unit input. */
uint32_t smp_normal_encode_oct(const float n[3]);
void smp_normal_decode_oct(uint32_t packed, float n[3]);

#ifdef __cplusplus
}
#endif
#endif
