/*
 * smp/age.h — how every dot looks at any year: healing, fading, spreading, touch-ups.
 *
 * The model turns a dot's static attributes (smp/dots.h: healed radius, depth, ink load,
 * session, tissue), the plan's sessions and the client's skin and lifestyle into what a renderer
 * draws at year t: a Gaussian footprint of standard deviation sigma_mm in the skin's tangent
 * plane, whose centre multiplies the local skin's linear albedo by trans (per channel), fading
 * to 1 away from it:
 *
 *     colour(r) = albedo_c · (1 − (1 − trans_c) · exp(−r² / (2·sigma²)))
 *
 * Footprints of overlapping dots multiply; each dot is a core and a wider, fainter halo
 * (smp_dot_look). Time is closed form (no stepping): any year costs the same, and the scalar
 * and every vector path give bit-identical results. Equations, defaults and sources, and how
 * the evaluation stays bit-identical: docs/MODEL.md (§1 the outputs, §3 a dot's optics, §4
 * time, §7 evaluation). The same per-dot equations exist in GLSL in shaders/model.glsl.
 *
 *   smp_skin skin;  smp_skin_resolve(&(smp_skin_desc){.mst = 4}, &skin, &err);
 *   smp_age_session s[3] = {{.t_years = 0}, {.t_years = 21 / 365.25}, {.t_years = 42 / 365.25}};
 *   smp_age_desc d = {.skin = &skin, .sessions = s, .session_count = 3,
 *                     .outdoor_hours_per_day = 1, .sunscreen_spf = 30};
 *   smp_age_model *m = NULL;
 *   if (smp_age_create(&d, &m, &err) != SMP_OK) ...;          // err names field and range
 *   smp_dot_attrs in = smp_dot_attrs_of(&dots);
 *   smp_dot_look out = {sigma, pigment, tr, tg, tb};         // caller-owned, count floats each
 *   smp_age_eval(m, 5.0, &in, 0, dots.count, &out, 0, &err); // year 5, all threads
 *   smp_age_destroy(m);
 *
 * Does NOT: place dots (scatter), read scene files (the caller maps a scene's sessions and
 * lifestyle onto smp_age_desc), draw anything, or model hair.
 */
#ifndef SMP_AGE_H
#define SMP_AGE_H

#include <stddef.h>
#include <stdint.h>

#include "smp/dots.h"
#include "smp/param.h"
#include "smp/simd.h"
#include "smp/skin.h"
#include "smp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What an ink is made of: carbon stays, a temporary ink is absorbed over a few years. */
typedef enum { SMP_INK_CARBON, SMP_INK_TEMPORARY } smp_ink_class;

/* Days from a session until its dots count as healed: the ink has settled and the result is
 * judged ("healed" in scenes, sheets and the viewer). */
enum { SMP_HEALED_DAYS = 30 };

enum {
    SMP_AGE_MAX_SESSIONS = 64,   /* dots index sessions with a byte; plans hold far fewer */
    SMP_AGE_MAX_DEPTH_UM = 5000, /* deepest dot the tables cover: 5 mm, past any scalp dermis */
};

/* Ranges and defaults (lo, hi, default: smp/param.h), shared with the scene schema. */
#define SMP_AGE_DILUTION      0, 0.95, 0.4 /* water fraction of the ink */
#define SMP_AGE_OUTDOOR_HOURS 0, 16, 1     /* h/day of scalp in daylight */
#define SMP_AGE_SUNSCREEN_SPF 1, 100, 1    /* 1: none */

/* One session of the plan: a treatment session or a touch-up. Treatment sessions lay their own
 * new dots. A touch-up lays its own new dots too (the scatter gives them its index) and also
 * re-deposits ink into every earlier dot of the tissues it covers: that is how it re-darkens
 * what it touches. The re-deposit heals, sheds and fades on its own clock from the touch-up's
 * date, with the touch-up's ink class. */
typedef struct smp_age_session {
    double t_years;          /* date after the first session (the first is 0), in order */
    int touch_up;            /* 1 = touch-up */
    smp_ink_class ink_class; /* SMP_INK_CARBON (permanent) or SMP_INK_TEMPORARY (absorbable) */
    double dilution;         /* water fraction of the ink (SMP_AGE_DILUTION) */
    double redeposit;        /* touch-ups: ink re-laid into each earlier dot, as a fraction of a
                                full deposit of this ink, 0..1; 0 = 0.6. Sessions: ignored */
    unsigned tissues;        /* touch-ups: bit (1u << smp_tissue) per tissue covered; 0 = all */
    /* A typical dot of this session, for area curves and the touch-up-due year only (the
     * batch reads each dot's own values): */
    double density_per_cm2; /* new dots this session adds, 0..400; 0 = 27 (a third of 80/cm²)
                               for a treatment session, none for a touch-up */
    double radius_mm;       /* healed radius at half maximum, 0.02..0.5; 0 = 0.075 */
    double depth_mm;        /* pigment depth, 0.01..5; 0 = 0.4 */
} smp_age_session;

typedef struct smp_age_desc {
    const smp_skin *skin;            /* required: from smp_skin_resolve */
    const smp_age_session *sessions; /* required: 1..SMP_AGE_MAX_SESSIONS, in date order */
    int session_count;
    double outdoor_hours_per_day; /* scalp exposed outdoors (SMP_AGE_OUTDOOR_HOURS), h/day */
    double sunscreen_spf;         /* SMP_AGE_SUNSCREEN_SPF, 1 = none; 0 = default (none) */
    double spread_factor;         /* individual multiplier on pigment diffusion, 0.1..10; 0 = 1 */
} smp_age_desc;

typedef struct smp_age_model smp_age_model;

/* Validates desc (every field; the error names the field, the value and its range) and builds
 * the depth tables. Cost: O(SMP_AGE_MAX_DEPTH_UM) transcendentals, ≈ 120 KiB allocated. */
smp_status smp_age_create(const smp_age_desc *desc, smp_age_model **out, smp_error *err);
void smp_age_destroy(smp_age_model *model);

/* The per-dot inputs: the dot set's arrays (smp_dots), read-only. */
typedef struct smp_dot_attrs {
    const uint16_t *radius_um; /* healed radius at half maximum, 1..65535 µm */
    const uint16_t *depth_um;  /* 0..SMP_AGE_MAX_DEPTH_UM */
    const uint8_t *ink;        /* ink load, 0..255 for 0..1 of an undiluted full deposit */
    const uint8_t *session;    /* < session_count */
    const uint8_t *tissue;     /* < SMP_TISSUE_COUNT */
} smp_dot_attrs;

static inline smp_dot_attrs smp_dot_attrs_of(const smp_dots *d) {
    smp_dot_attrs a = {d->radius_um, d->depth_um, d->ink, d->session, d->tissue};
    return a;
}

/* The per-dot outputs, caller-owned arrays; pigment and the halo may be NULL when not wanted.
 * A dot is drawn as two Gaussians that multiply the skin: the core, light blocked by the
 * deposit's top face right above it, and the halo, light the deposit's bottom face and sides
 * take from paths that come back to the surface around it. */
typedef struct smp_dot_look {
    float *sigma_mm; /* core footprint standard deviation in the tangent plane */
    float *pigment;  /* pigment in the dot, in full undiluted deposits (0 before its session) */
    float *trans_r, *trans_g, *trans_b; /* core: multiplier on the skin's albedo at its centre */
    float *halo_sigma_mm;               /* halo footprint standard deviation (NULL: skip halo) */
    float *halo_r, *halo_g, *halo_b;    /* halo: multiplier at its centre, 0..1 */
} smp_dot_look;

/* Evaluates dots [first, first + count) at year t_years (0..200) into out's arrays, which
 * must hold first + count entries. threads: 0 = OpenMP's default, else 1..256. Results are
 * bit-identical for any thread count and SIMD path (smp/simd.h). Refuses a dot whose depth,
 * radius, session or tissue is out of range, naming the first; the outputs are then
 * unspecified. Cost: ≈ 27 bytes of memory traffic and ~60 flops per dot. */
smp_status smp_age_eval(const smp_age_model *model, double t_years, const smp_dot_attrs *in,
                        size_t first, size_t count, const smp_dot_look *out, int threads,
                        smp_error *err);

/* Same, forcing one SIMD path (for tests and benchmarks); SMP_ERR_UNSUPPORTED if the CPU
 * lacks it. Paths without a vector kernel in this build run the scalar code. */
smp_status smp_age_eval_path(const smp_age_model *model, double t_years, const smp_dot_attrs *in,
                             size_t first, size_t count, const smp_dot_look *out, int threads,
                             smp_simd_path path, smp_error *err);

/* One dot, the scalar reference. Outputs as smp_dot_look, for one dot. */
typedef struct smp_dot_state {
    float sigma_mm, pigment, trans[SMP_BANDS];
    float halo_sigma_mm, halo_trans[SMP_BANDS];
} smp_dot_state;
smp_status smp_age_dot(const smp_age_model *model, double t_years, unsigned radius_um,
                       unsigned depth_um, unsigned ink, unsigned session, unsigned tissue,
                       smp_dot_state *out, smp_error *err);

/* The treated area at year t on one tissue: each session's typical dot (its radius, depth,
 * dilution and density) evaluated like any dot. dot_contrast is the density-weighted mean of
 * the dots' luminance contrast at their centres (1 − Y_dot/Y_skin); cover_contrast the
 * luminance the whole dot field takes from the skin (Poisson placement: 1 − exp(−Σ n·∫a dA)). */
typedef struct smp_area_state {
    double dot_contrast, cover_contrast;
    double dot_trans[SMP_BANDS];  /* density-weighted mean centre transmittance */
    double area_trans[SMP_BANDS]; /* the whole area's mean multiplier on the skin's albedo */
    double sigma_mm;              /* density-weighted mean footprint */
} smp_area_state;
smp_status smp_age_area(const smp_age_model *model, double t_years, smp_tissue tissue,
                        smp_area_state *out, smp_error *err);

/* When a touch-up is due is defined once, from the blend with the client's fringe:
 * smp_blend_touch_up_due (smp/blend.h). */

/* The per-(session, tissue) factors at year t and the model constants, in the layout
 * shaders/model.glsl takes as uniforms; for the renderer and the GL parity test.
 * sk holds SMP_AGE_SK_FLOATS floats per (session, tissue) pair, index session·4 + tissue,
 * for session_count sessions; consts SMP_AGE_CONST_FLOATS floats. The shader's arrays hold
 * SMP_AGE_GLSL_MAX_SESSIONS sessions (as many as a scene); a model with more is refused with
 * SMP_ERR_UNSUPPORTED. */
enum { SMP_AGE_SK_FLOATS = 12, SMP_AGE_CONST_FLOATS = 20, SMP_AGE_GLSL_MAX_SESSIONS = 16 };
smp_status smp_age_uniforms(const smp_age_model *model, double t_years, float *sk, float *consts,
                            smp_error *err);

/* ---- Optics of a buried absorber (docs/MODEL.md §3) --------------------------------------
 * A black absorber under the surface darkens the skin by an effective cross-section σ_eff, in
 * mm² of fully darkened skin: its faces' and side's areas times the depth weight W(z) where
 * each part lies, times the tissue's dermal share; n absorbers per mm² darken by
 * 1 − exp(−n σ_eff). The constants are fitted to a Monte Carlo of light in skin;
 * tests/test_optics.c holds them to it. */

/* How much of the light meeting them a buried absorber's horizontal faces and its side take,
 * per unit of their area and depth weight (fitted to the Monte Carlo). */
#define SMP_OPTICS_FACE_EFFICIENCY 1.9
#define SMP_OPTICS_SIDE_EFFICIENCY 1.4

/* The length s_c·δ_c in W per band (0 R, 1 G, 2 B), mm; W(z) and its integral over [z0, z1]. */
double smp_depth_weight_length_mm(const smp_skin *skin, int band);
double smp_depth_weight(const smp_skin *skin, int band, double z_mm);
double smp_depth_weight_integral(const smp_skin *skin, int band, double z0_mm, double z1_mm);

/* A vertical column between two depths (a thin disc when equal): the weights of its faces and
 * side with their efficiencies, and how far the light it takes is spread sideways. */
typedef struct smp_column_optics_out {
    double top_mm, bottom_mm;
    double top[SMP_BANDS], bottom[SMP_BANDS]; /* face efficiency × W */
    double side_mm[SMP_BANDS];                /* side efficiency × ∫ W dz */
    double core_blur_mm;                      /* lateral spread of the light above the top face */
    double halo_spread_mm;                    /* lateral spread of the light taken further down */
} smp_column_optics_out;
void smp_column_optics(const smp_skin *skin, double top_mm, double bottom_mm,
                       smp_column_optics_out *out);

/* Where a healed deposit at a needle depth starts: the dermal–epidermal junction, or at most
 * 0.4 mm above the tip of a deeper needle. */
void smp_deposit_column(const smp_skin *skin, double depth_mm, double *top_mm);

/* How a black column of this radius looks on the tissue's skin, per band: its σ_eff and its
 * two Gaussians (core: the top face; halo: bottom face and side) with their peaks, and the
 * darkening right above it. */
typedef struct smp_absorber_look_out {
    double sigma_eff_mm2[SMP_BANDS];
    double core_sigma_mm, halo_sigma_mm;
    double core_peak[SMP_BANDS], halo_peak[SMP_BANDS], peak[SMP_BANDS];
} smp_absorber_look_out;
void smp_absorber_look(const smp_skin *skin, int tissue, double radius_mm, double top_mm,
                       double bottom_mm, smp_absorber_look_out *out);

/* Sessions the model was created with. */
int smp_age_session_count(const smp_age_model *model);

/* The skin the model was created with. */
const smp_skin *smp_age_skin(const smp_age_model *model);

/* When the plan is healed: SMP_HEALED_DAYS after its last session of any kind,
 * a touch-up included, in years after the first session. */
double smp_age_healed_years(const smp_age_model *model);

#ifdef __cplusplus
}
#endif
#endif
