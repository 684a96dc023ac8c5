/*
 * smp/blend.h — whether the treated scalp reads as the client's own shaved fringe: the
 * treated area, the fringe and bare skin at any year, as area colours and CIEDE2000.
 *
 * SMP exists to blend: healed, a correct plan makes the bald scalp read, at a conversational
 * distance, like the fringe the client shaves; bare skin reads clearly different from both.
 * This module computes the three area colours in closed form from the same optics as the dots
 * (smp/age.h): the fringe is skin darkened by the hair shafts still in it (each a buried
 * absorber, like a dot) and partly covered by the stubble above it; the treated area is skin
 * darkened by the plan's dots, each session's typical dot at its density; bare skin is the
 * skin's albedo. Colours are linear RGB reflectances under a uniform white light, the mean
 * over a patch large enough (≥ 2 × 2 cm) that single dots and hairs average out. Equations and
 * their sources: docs/MODEL.md §5.
 *
 * The touch-up-due year is defined here once, and used by the viewer, the contact sheet and
 * the docs: the first time after the plan has healed that the treated area, lighter than its
 * reference, differs from it by a perceptible step more than it did when healed (CIEDE2000
 * 0.8 on fair skin, 1.3 on dark: Leow et al. 2006's perceptibility thresholds for skin-coloured
 * patches; between MST 5 and 8 interpolated), or by half the fringe's own difference to bare
 * skin where that is smaller (dark skin, where the whole treatment is barely more than one
 * perceptible step). The reference is the fringe; a client without one (alopecia totalis) is
 * compared with the treated area's own healed colour.
 *
 *   smp_fringe fr;
 *   smp_fringe_eval(&skin, &(smp_fringe_desc){.hairs_per_cm2 = 206, .shaft_diameter_mm = 0.07,
 *                   .stubble_mm = 0.5, .hair_linear = {0.02, 0.02, 0.015}}, &fr, &err);
 *   smp_blend b;
 *   smp_blend_eval(model, &fr, SMP_TISSUE_SKIN, t_years, &b, &err); // b.delta_e_treated_fringe
 *   smp_blend_touch_up_due(model, &fr, SMP_TISSUE_SKIN, &due, &err);
 *
 * Does NOT: render (the renderer draws the same optics dot by dot and hair by hair; `smpsim
 * measure` checks the pictures against this), place dots, or model hair growth beyond the
 * stubble length it is given.
 */
#ifndef SMP_BLEND_H
#define SMP_BLEND_H

#include "smp/age.h"
#include "smp/skin.h"
#include "smp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Hair growth after shaving, mm per day (widely quoted 0.35–0.4; the middle). */
#define SMP_HAIR_GROWTH_MM_PER_DAY 0.375
/* Length of a hair's keratinised shaft inside the skin, mm (assumption: docs/MODEL.md §5.1). */
#define SMP_SHAFT_IN_SKIN_MM 3.0
/* Hairs leave the skin 25°–50° above its plane (an assumption: docs/MODEL.md §5.5). */
#define SMP_HAIR_ELEVATION_MIN_DEG 25.0
#define SMP_HAIR_ELEVATION_MAX_DEG 50.0

typedef struct smp_fringe_desc {
    double hairs_per_cm2;     /* native hairs (not units) per cm² in the fringe, 0..600 */
    double shaft_diameter_mm; /* 0.02..0.2 */
    double stubble_mm;        /* length above the skin, 0..4 (0: razor-shaved) */
    double hair_linear[3];    /* the hair's colour, linear RGB 0..1 */
} smp_fringe_desc;

/* A fringe's optics, on normal skin. */
typedef struct smp_fringe {
    int present;                           /* 0: no fringe (no hair) */
    double shaft_alpha[SMP_BANDS];         /* share of the light meeting a shaft that it absorbs */
    double shaft_sigma_eff_mm2[SMP_BANDS]; /* one shaft in the skin, mean over its angles */
    double stubble_cover; /* share of the area the stubble covers, seen from above */
    double hair_linear[SMP_BANDS];
    double hairs_per_mm2;
} smp_fringe;

/* The share of the light meeting a hair shaft in the skin that the shaft absorbs, per band:
 * 1 − exp(−τ), τ the melanin optical depth across the fibre, proportional to its diameter and
 * to −ln of the hair's luminance (a darker hair holds more melanin: assumption), with
 * eumelanin's spectrum (Jacques 1998). SMP_HAIR_TAU_PER_MM is fitted so that dark hair on light
 * skin, freshly shaved, darkens the fringe by 15 % (docs/MODEL.md §5.1). */
#define SMP_HAIR_TAU_PER_MM 0.9
extern const double smp_eumelanin_relative[SMP_BANDS]; /* R, G, B over G */
void smp_hair_shaft_alpha(const double hair_linear[3], double diameter_mm, double alpha[SMP_BANDS]);

/* σ_eff of one shaft of this diameter leaving the skin at this elevation, in the skin for
 * SMP_SHAFT_IN_SKIN_MM (a tilted black cylinder: its side's area times the depth weight along
 * it, smp/age.h), times alpha, on normal skin. */
void smp_shaft_sigma_eff(const smp_skin *skin, double diameter_mm, double elevation_rad,
                         const double alpha[SMP_BANDS], double sigma_eff_mm2[SMP_BANDS]);

/* Validates desc (fields named with their ranges) and computes the fringe's optics. A fringe
 * with no hairs is returned with present = 0. */
smp_status smp_fringe_eval(const smp_skin *skin, const smp_fringe_desc *desc, smp_fringe *out,
                           smp_error *err);

/* The fringe's reflectance on normal skin: the skin darkened by the shafts in it, partly
 * covered by the stubble above it. */
void smp_fringe_linear(const smp_skin *skin, const smp_fringe *fringe, double rgb[SMP_BANDS]);

/* The three areas at year t (after the first session), reflectances in linear RGB under a
 * uniform white light, and how they differ: the treated area on the given tissue (bare skin is
 * that tissue's albedo; the fringe is on normal skin). A missing fringe (NULL or present = 0)
 * leaves its fields at 0 and its differences NaN. */
typedef struct smp_blend {
    double bare_linear[SMP_BANDS], treated_linear[SMP_BANDS], fringe_linear[SMP_BANDS];
    double treated_darkening, fringe_darkening; /* 1 − Y / Y_bare */
    double delta_e_treated_fringe, delta_e_treated_bare, delta_e_fringe_bare;
} smp_blend;
smp_status smp_blend_eval(const smp_age_model *model, const smp_fringe *fringe, smp_tissue tissue,
                          double t_years, smp_blend *out, smp_error *err);

/* The perceptibility threshold (CIEDE2000) for this skin tone, MST 1..10. */
double smp_blend_threshold(int mst);

/* The touch-up-due year (after the first session): see the header's paragraph. INFINITY if
 * the blend does not worsen that much in the 100 years after healing. Cost: a few hundred
 * smp_blend_eval. */
smp_status smp_blend_touch_up_due(const smp_age_model *model, const smp_fringe *fringe,
                                  smp_tissue tissue, double *due_years, smp_error *err);

/* The same definition for any treated area, given as its colour over time (the training score
 * gives its trainee's own dots): the search behind smp_blend_touch_up_due. */
typedef struct smp_touch_up_search {
    int mst;                       /* the client's skin tone, for the threshold */
    double healed_years;           /* when the work has healed (model years) */
    double bare_linear[SMP_BANDS]; /* bare skin where the treated area is */
    const double *fringe_linear;   /* the fringe's colour, or NULL: compare with the healed one */
    /* the treated area's linear RGB at t (model years); called a few hundred times */
    void (*treated)(void *user, double t_years, double rgb[SMP_BANDS]);
    void *user;
} smp_touch_up_search;
smp_status smp_touch_up_due_search(const smp_touch_up_search *desc, double *due_years,
                                   smp_error *err);

#ifdef __cplusplus
}
#endif
#endif
