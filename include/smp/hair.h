/*
 * smp/hair.h — the client's own hair as geometry: every hair a polyline rooted in the scalp.
 *
 * SMP is judged against the hair that is still there: shaved stubble in the fringe is the
 * reference the dots must blend into, and long hair is what density SMP hides between. This
 * module grows that hair on the CPU, once per scene, from the scalp fields: follicular units
 * placed by the scatter core at the density the fields leave, each sprouting a few hairs that
 * follow the scalp's natural growth pattern. Stubble is one straight segment; long hair is a
 * strand of segments that falls under its weight, outside the head, parted at the midline.
 * How it grows, and the assumptions it rests on: docs/MODEL.md §5.5.
 *
 *   smp_hair_grow_desc d = {0};
 *   d.mesh = &head; d.fields = fields; d.landmarks = &lm; d.seed = scene_seed;
 *   smp_hair_set hair = {0};
 *   smp_hair_grow(&d, &hair, &err);              // allocates the set
 *   ... smp_renderer_set_hair(r, &hair, &err) ...
 *   smp_hair_set_free(&hair);
 *
 * Deterministic: the same desc gives bit-identical hair on any thread count.
 *
 * Does NOT: decide where hair grows (smp/fields.h), draw it (smp/renderer.h), simulate
 * collisions between hairs or styling beyond a centre parting, or grow hair over time.
 */
#ifndef SMP_HAIR_H
#define SMP_HAIR_H

#include <stddef.h>
#include <stdint.h>

#include "smp/fields.h"
#include "smp/landmarks.h"
#include "smp/mesh.h"
#include "smp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Hair longer than this is drawn as strands that fall under gravity; up to it, one segment. */
#define SMP_HAIR_STUBBLE_MAX_MM 4.0f
enum { SMP_HAIR_MAX_SEGMENTS = 16 };

typedef struct smp_hair_grow_desc {
    const smp_mesh *mesh;           /* required: the head, mm, head frame, with normals */
    const smp_fields *fields;       /* required: density, colour, diameter and length of hair */
    const smp_landmarks *landmarks; /* required: vertex and inion place the crown whorl */
    uint64_t seed;                  /* any value */
    /* At most this many hairs (0 = 400000 segments' worth: 400000 stubble hairs, 40000 long
     * strands of 10 segments). Above it the units are thinned at random and each
     * remaining shaft is widened by the same factor, so the hair's coverage (and tone at a
     * distance) is kept while the draw stays affordable; close-ups then show fewer, thicker
     * hairs. */
    size_t max_hairs;
    int segments; /* for long hair: segments per strand, 2..SMP_HAIR_MAX_SEGMENTS; 0 = 10 */
} smp_hair_grow_desc;

/* Every hair of a set has the same number of segments; point i of hair h is
 * points[3 * (h * (segments + 1) + i)], the root first. Per-hair arrays hold count values.
 * Bytes per hair: 12 × (segments + 1) + 12. */
typedef struct smp_hair_set {
    size_t count;        /* hairs */
    int segments;        /* segments per hair, 1 for stubble */
    float *points;       /* count × (segments + 1) × 3, mm, head frame, root on the skin */
    float *diameter_mm;  /* shaft diameter */
    uint32_t *normal;    /* skin normal at the root, octahedral (smp_normal_encode_oct) */
    uint8_t *color_srgb; /* count × 3, sRGB bytes */
    double expected;     /* hairs the density asked for, before any max_hairs thinning */
    float width_scale;   /* how much max_hairs widened each shaft (1 = not thinned) */
} smp_hair_set;

/* Grows the hair the fields describe on mesh. An empty set (count 0) where no hair grows
 * (alopecia totalis is passed as a head whose fields give no hair). Fails with the field at
 * fault on a missing mesh, fields or landmarks, or a segment count out of range.
 * Cost: one smp_fields_eval per vertex, the scatter core's Poisson placement of the units,
 * then O(hairs × segments); measured 40–240 ms (busy 2-core machine) for the 95k stubble hairs
 * of the default scene and for 40k long strands of 10 segments. Allocates the set
 * (free it with smp_hair_set_free) and scratch of ≈ 31 bytes per unit. */
smp_status smp_hair_grow(const smp_hair_grow_desc *desc, smp_hair_set *out, smp_error *err);
void smp_hair_set_free(smp_hair_set *hair);

/* The unit tangent direction hair grows towards at a point of the scalp with the given outward
 * normal (before the per-hair jitter and the lift off the skin), for tests and overlays:
 * the natural pattern for short hair, the parted one when long is non-zero. */
void smp_hair_flow(const smp_landmarks *landmarks, const float point[3], const float normal[3],
                   int long_hair, float out[3]);

#ifdef __cplusplus
}
#endif
#endif
