/* How well the treatment blends, measured on the rendered head: the treated bald scalp, the
 * client's own shaved fringe and bare skin, each the linear-light mean of a square patch of
 * skin seen straight on from a viewing distance, under a uniform white measurement light
 * (SMP_LIGHTING_MEASURE: every surface shows its albedo times what absorbs in it, so the
 * numbers do not depend on the view's shading). From those means: the luminance darkening
 * against bare skin, and CIEDE2000 between each pair (smp/colour.h), the terms of the blend
 * and its calibration (docs/MODEL.md §5). `smpsim measure` prints them; tests call the same
 * functions.
 *
 *   smp_measure_patch treated, fringe;
 *   smp_measure_find_patches(&h.p, &scene, 20.0, &treated, &fringe, &err);   // no GL
 *   smp_measure_view v = smp_measure_view_default(1200.0, 20.0);                 // 1.2 m, 2 x 2 cm
 *   smp_measure_result r;
 *   smp_measure_run(&h, &scene, &v, years, n, &treated, &fringe, &r, &err);  // GL: h is open
 *
 * Bare skin is the treated patch rendered without dots: the client before treatment, with
 * whatever hair still grows there. Its darkening is 0 by definition; the other darkenings are
 * 1 - Y / Y_bare.
 *
 * Does NOT: judge the numbers against targets (the optics are calibrated elsewhere), look at
 * the head from a named view, or write files.
 */
#ifndef SMP_MEASURE_H
#define SMP_MEASURE_H

#include "pipeline.h"
#include "smp/gl_session.h"
#include "smp/scene.h"

enum { MEASURE_MAX_YEARS = 32 };

/* A square patch of skin: where it is and what the scalp fields say there. */
typedef struct smp_measure_patch {
    int found;                 /* 0: the head has no such region (no fringe) */
    float centre[3];           /* mm, head frame: a vertex of the head */
    float normal[3];           /* the mean normal of the skin within half a patch */
    double azimuth_deg;        /* from the head-frame origin, as scars are placed: (-180, */
    double elevation_deg;      /* 180], 0 front, +90 the client's left; above the ear canals */
    double margin_mm;          /* to the nearest point outside the patch's region */
    double required_margin_mm; /* what the region asks: less means the patch reaches its edge */
    double hair;               /* the client's hair there, a share of full native density */
    double planned_per_cm2;    /* dots/cm² the whole plan asks for there */
    double dots_per_cm2;       /* dots placed within half a patch of the centre */
} smp_measure_patch;

/* Picks the patches on a pipeline built to SMP_PIPELINE_ALL (no GL). The treated patch is the
 * point deepest inside the region the plan fills at its full density (at least 95 % of its
 * highest), on scalp with at most 10 % of the native hair (or, where the plan fills only
 * hair-bearing scalp, any), away from scars: the point farthest from that region's edge. The
 * fringe patch is the point deepest inside the hair-bearing scalp at ≥ 90 % of native density,
 * away from scars; found = 0 without the client's hair (alopecia totalis, or no hair grown).
 * Each patch's required margin: half its diagonal (the treated patch), at least 20 mm (the
 * fringe, away from the transition). patch_mm: side of the averaged square (≥ 1).
 * Errors (SMP_ERR_INVALID_ARG, naming the scene field): a plan with no sessions, or that
 * places no dots on this head. Cost: O(V · B) for V vertices and B of them on region edges
 * (≈ 0.1 s on the MakeHuman head). */
smp_status smp_measure_find_patches(const smp_pipeline *p, const smp_scene *scene, double patch_mm,
                                    smp_measure_patch *treated, smp_measure_patch *fringe,
                                    smp_error *err);

/* How a patch is seen: from distance_mm along its normal, field_mm of skin across a square
 * image of size_px pixels, the central patch_mm square averaged (pixels weighted by how much
 * of each lies inside it), msaa as the renderer was opened with. */
typedef struct smp_measure_view {
    double distance_mm, field_mm, patch_mm;
    int size_px;
} smp_measure_view;

/* A view from distance_mm of a patch_mm square: a field of twice the patch, and a pixel of one
 * minute of arc at that distance (what a normal eye resolves), at least 64 pixels across. */
smp_measure_view smp_measure_view_default(double distance_mm, double patch_mm);

/* The camera of a view of a patch (square frames). */
void smp_measure_camera(const float centre[3], const float normal[3], const smp_measure_view *v,
                        smp_camera *cam);

/* Renders frame (its camera replaced by the view's, everything else as given: year, model,
 * lighting, hidden layers) and returns the weighted mean linear RGB of the central patch.
 * Allocates one float image of the view's size per call. */
smp_status smp_measure_mean_rgb(smp_gl_session *h, const smp_frame_desc *frame,
                                const float centre[3], const float normal[3],
                                const smp_measure_view *v, double rgb[3], smp_error *err);

/* One patch's colour at one time. */
typedef struct smp_measure_colour {
    double rgb[3];    /* mean linear sRGB, white = 1 */
    double luminance; /* Y, white = 1 */
    double lab[3];    /* CIELAB, D65 */
    double darkening; /* 1 - Y / Y_bare */
} smp_measure_colour;

typedef struct smp_measure_year {
    double year;        /* as smp_year_parse gives it: years after completion, or named */
    int treated_shown;  /* 0 for "untreated": no dots drawn */
    double model_years; /* the ageing model's time (after the first session) */
    smp_measure_colour treated, fringe, bare;
    double de_treated_fringe, de_treated_bare, de_fringe_bare; /* NAN without a fringe */
} smp_measure_year;

typedef struct smp_measure_result {
    smp_measure_view view;
    smp_measure_patch treated, fringe;
    smp_measure_colour fringe_hair_only; /* the fringe without dots: the client's hair alone */
    int year_count;
    smp_measure_year years[MEASURE_MAX_YEARS];
} smp_measure_result;

/* Measures the patches (from smp_measure_find_patches) at each of years (smp_year_parse's values;
 * at most MEASURE_MAX_YEARS) on the open session h of scene, under SMP_LIGHTING_MEASURE.
 * Cost: 2 + 2 × years renders of the view. */
smp_status smp_measure_run(smp_gl_session *h, const smp_scene *scene, const smp_measure_view *v,
                           const double *years, int year_count, const smp_measure_patch *treated,
                           const smp_measure_patch *fringe, smp_measure_result *out,
                           smp_error *err);

#endif
