/*
 * smp/score.h — grades a dot set against an exercise's target, as a trainer would.
 *
 * A trainee's hand-placed dots (smp/training.h) or any scattered set (smp/scatter.h) is judged
 * on what makes SMP look natural and last: density against the target per area of the scalp
 * (a number per zone and a per-vertex map for a heat map), spacing (nearest neighbours against
 * the blue-noise ideal: clumps and grid-like rows both cost), the frontal hairline's softness
 * and irregularity, how consistent dot size and depth are, how many dots will touch a
 * neighbour once they have spread (years 5 and 10), contrast against the client's skin at
 * year 0 (healed) and year 5, and when a touch-up falls due. Every item has a 0..100 score and
 * one plain-language hint ("dots at the left temple are 40 % too dense").
 *
 *   smp_score_desc d = {0};
 *   d.head = &head; d.target_density_per_cm2 = target; d.model = model; d.skin = &skin;
 *   d.hairline = 1;                              // the exercise designs a frontal hairline
 *   smp_score_ctx *ctx = NULL;
 *   smp_score_create(&d, &ctx, &err);            // once per exercise: O(V) set-up
 *   smp_score s;
 *   smp_score_eval(ctx, &dots, &s, &err);        // as often as the dots change
 *   smp_score_density_map(ctx, &dots, heat, &err);  // head.vertex_count floats
 *   smp_score_destroy(ctx);
 *
 * Zones are fixed areas of the scalp seen from the head-frame origin (smp/landmarks.h): the
 * top (within 30° of +Y), the crown (30–60° down, towards the back), the back,
 * the front, both temples and both sides. Every number is computed in a fixed order on one
 * thread (the model's batch is bit-identical for any thread count), so a dot set always gets
 * the same score, to the bit.
 *
 * The weights and thresholds are modelling choices stated in docs/TRAINING.md, not measured
 * grading standards.
 *
 * Does NOT: place dots, read files, or decide what the target is (the caller turns the
 * exercise into a per-vertex density: see smp/training.h and the scene's `training` object).
 */
#ifndef SMP_SCORE_H
#define SMP_SCORE_H

#include <stddef.h>

#include "smp/age.h"
#include "smp/dots.h"
#include "smp/mesh.h"
#include "smp/skin.h"
#include "smp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
    SMP_SCORE_ZONE_COUNT = 9,
    SMP_SCORE_HINT_MAX = 192,
    /* fewer dots than this and spacing (nearest neighbours, rows) is not judged */
    SMP_SCORE_MIN_SPACING_DOTS = 200,
    /* fewer dots than this within 12 mm behind the hairline's edge and it is not judged */
    SMP_SCORE_MIN_HAIRLINE_DOTS = 60,
};

/* Grade bands of the overall score: A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, F below; an overall capped
 * because density or spacing fails (under SMP_SCORE_GATE) is at most SMP_SCORE_GATE_CAP. */
#define SMP_SCORE_GATE     50.0
#define SMP_SCORE_GATE_CAP 59.0

/* The scored items, in report order. */
typedef enum smp_score_item {
    SMP_SCORE_DENSITY = 0,
    SMP_SCORE_SPACING,
    SMP_SCORE_HAIRLINE,
    SMP_SCORE_CONSISTENCY,
    SMP_SCORE_MERGE,
    SMP_SCORE_CONTRAST,
    SMP_SCORE_TOUCH_UP,
    SMP_SCORE_ITEM_COUNT
} smp_score_item;

/* "density", "spacing", "hairline", "consistency", "merge", "contrast", "touch_up"; NULL out of
 * range. */
const char *smp_score_item_name(smp_score_item item);

/* The item's weight in the overall, in per cent of it (docs/TRAINING.md; the seven sum to
 * 100): placement (density, spacing, hairline)
 * carries three quarters; items scored NaN drop out and the rest are renormalised. */
double smp_score_item_weight(smp_score_item item);

/* 'A'..'D' or 'F' for an overall score (bands above). */
char smp_score_grade_of(double overall);

/* The zone a point of the head frame lies in (directions from the origin, as below). */
int smp_score_zone_of(const float p[3]);

/* "top", "crown", "back", "front", "left temple", "right temple", "left side",
 * "right side", "lower head" (below the ear-canal plane); NULL out of range. */
const char *smp_score_zone_name(int zone);

typedef struct smp_score_desc {
    const smp_mesh *head;                /* required, head frame, mm */
    const float *target_density_per_cm2; /* required: head->vertex_count values, ≥ 0 */
    const smp_age_model *model;          /* required: every dot's session must be in it */
    const smp_skin *skin;                /* required: the client's skin (tissue albedos) */
    int hairline;                        /* 1 = score the frontal hairline */
    float hairline_softness_mm;          /* the design's softness; 0 = 6 */
    float depth_mm;                      /* intended pigment depth; 0 = 0.4 */
    double healed_years;                 /* "year 0": when the work has healed; 0 = 0.25 */
    double contrast_reference;           /* healed contrast to aim for (e.g. the expert's);
                                            0 = judge contrast by what survives to year 5 */
    float kernel_mm;                     /* radius of the density map's disk; 0 = 5; 1..30 */
} smp_score_desc;

typedef struct smp_score_zone {
    double target_dots; /* ∫ target density over the zone */
    double dots;        /* dots placed in it where the target asks for some */
    double outside;     /* dots placed in it where the target asks for none */
    double error;       /* (dots − target) / target; NaN when the target asks < 10 dots there */
} smp_score_zone;

typedef struct smp_score {
    size_t dots;
    double overall;                    /* weighted mean of the scored items, 0..100, capped at
                                          SMP_SCORE_GATE_CAP when density or spacing fails */
    char grade;                        /* 'A'..'D', 'F' (smp_score_grade_of) */
    int capped_by;                     /* the failing item that capped overall, or -1 */
    double item[SMP_SCORE_ITEM_COUNT]; /* 0..100, NaN = not scored */
    char hint[SMP_SCORE_ITEM_COUNT][SMP_SCORE_HINT_MAX];
    /* density */
    smp_score_zone zone[SMP_SCORE_ZONE_COUNT];
    double target_dots;   /* ∫ target density over the head */
    double density_error; /* target-weighted mean |zone error| */
    double outside_share; /* dots where the target asks for none */
    double patchy_share;  /* target-weighted share of its area off by over half (the map) */
    /* spacing: nearest-neighbour (NN) distance and neighbour directions */
    double nn_mean_mm;    /* over all dots */
    double nn_cv;         /* of NN / blue-noise spacing, where the target is ≥ 75 % of its peak */
    double clump_share;   /* dots whose NN is closer than half the blue-noise spacing */
    double lattice_order; /* 0 (directions independent) .. 1 (rows run through the area);
                             NaN under SMP_SCORE_MIN_SPACING_DOTS dots */
    /* hairline (NaN when not scored); the dots within 12 mm behind the edge, in the columns;
     * offset: how far the fade's middle lies behind the design's (mm along the skin; negative:
     * in front of it, towards the brow) */
    double hairline_softness_mm, hairline_irregularity_mm, hairline_offset_mm;
    size_t hairline_dots;
    /* consistency */
    double radius_mean_um, radius_cv, depth_mean_mm, depth_sd_mm;
    /* merge risk: share of dots whose footprint (half maximum) touches its NN's */
    double merge_share_5, merge_share_10;
    /* mean centre luminance contrast of the dots against their tissue: healed, year 5 */
    double contrast_0, contrast_5;
    double touch_up_due_years; /* smp/blend.h's definition on these dots; INFINITY if never */
} smp_score;

typedef struct smp_score_ctx smp_score_ctx;

/* Validates desc (the error names the field) and prepares the target: per-vertex areas, the
 * target averaged over each vertex's disk, zones. Keeps pointers to head, model and skin (they
 * must outlive the context) and a copy of the target. Cost: O(V · disk vertices), ≈ 40 bytes
 * per vertex. */
smp_status smp_score_create(const smp_score_desc *desc, smp_score_ctx **out, smp_error *err);
void smp_score_destroy(smp_score_ctx *ctx);

/* Scores dots (at least 2). Refuses dots off the head (triangle out of range, barycentrics
 * outside the triangle) or outside the model (session, depth, radius, tissue), naming the
 * first such dot. Cost: O(n) hash-grid queries (≈ 60 neighbours per dot), three model
 * evaluations of every dot and up to ≈ 210 of a 4096-dot sample (the touch-up search);
 * allocates ≈ 60 bytes per dot, freed before returning. */
smp_status smp_score_eval(const smp_score_ctx *ctx, const smp_dots *dots, smp_score *out,
                          smp_error *err);

/* The density heat map: per vertex, (measured − target) / reference, where both densities are
 * averaged over the kernel_mm disk around the vertex and the reference is the larger of the
 * local target and a quarter of the largest target (so stray dots far from the target show
 * against the full density). 0 where neither target nor dots are. heat holds
 * head->vertex_count floats. Cost: O(n · disk vertices). */
smp_status smp_score_density_map(const smp_score_ctx *ctx, const smp_dots *dots, float *heat,
                                 smp_error *err);

/* Checks every dot lies on head: triangle in range, barycentrics (u, v, 1 − u − v) ≥ 0 within
 * unorm16 rounding, and the stored position within tolerance_mm of the point they give (0 =
 * 0.01 mm). The message names what and the first dot ("dot 17: triangle 99999 out of range
 * (head has 5000)"). O(n). */
smp_status smp_dots_check_on_mesh(const smp_mesh *head, const smp_dots *dots, float tolerance_mm,
                                  smp_error *err);

/* The score as a cJSON object (the caller owns it; NULL when out of memory): overall,
 * items.<item>.score/hint and the measured values (density with its zones, spacing, hairline,
 * consistency, merge, contrast, touch_up_due_years); values that could not be measured are
 * null. What `smpsim score --json` prints for the trainee and the expert. */
struct cJSON;
struct cJSON *smp_score_json(const smp_score *s);

#ifdef __cplusplus
}
#endif
#endif
