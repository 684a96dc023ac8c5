#include "smp/blend.h"

#include <assert.h>
#include <math.h>

#include "smp/colour.h"

static const double k_pi = 3.14159265358979323846;
enum { ELEVATION_SAMPLES = 11 }; /* midpoints of the uniform spread of exit angles */

/* Jacques 1998's eumelanin absorption, 6.6e11 · λ^−3.33, at 650 / 550 / 450 nm over 550. */
const double smp_eumelanin_relative[SMP_BANDS] = {0.5728, 1.0, 1.9497};

void smp_hair_shaft_alpha(const double hair_linear[3], double diameter_mm,
                          double alpha[SMP_BANDS]) {
    double y = smp_luminance(hair_linear);
    double darkness = -log(y < 1e-3 ? 1e-3 : y > 1.0 ? 1.0 : y);
    for (int b = 0; b < SMP_BANDS; ++b)
        alpha[b] =
            1.0 - exp(-SMP_HAIR_TAU_PER_MM * smp_eumelanin_relative[b] * darkness * diameter_mm);
}

void smp_shaft_sigma_eff(const smp_skin *skin, double diameter_mm, double elevation_rad,
                         const double alpha[SMP_BANDS], double sigma_eff_mm2[SMP_BANDS]) {
    double s = sin(elevation_rad);
    double deepest = SMP_SHAFT_IN_SKIN_MM * s;
    for (int b = 0; b < SMP_BANDS; ++b) {
        /* side area π d per mm of shaft; a mm of shaft descends s mm */
        double side = k_pi * diameter_mm * smp_depth_weight_integral(skin, b, 0.0, deepest) / s;
        sigma_eff_mm2[b] = alpha[b] * skin->tissue_dermal_share[SMP_TISSUE_SKIN][b] *
                           SMP_OPTICS_SIDE_EFFICIENCY * side;
    }
}

static smp_status range(smp_error *err, const char *field, double v, double lo, double hi) {
    if (v >= lo && v <= hi) return SMP_OK;
    return smp_error_set(err, SMP_ERR_INVALID_ARG, "fringe: %s: found %g, expected %g to %g", field,
                         v, lo, hi);
}

smp_status smp_fringe_eval(const smp_skin *skin, const smp_fringe_desc *d, smp_fringe *out,
                           smp_error *err) {
    *out = (smp_fringe){0};
    smp_status st;
    if ((st = range(err, "hairs_per_cm2", d->hairs_per_cm2, 0.0, 600.0)) ||
        (st = range(err, "shaft_diameter_mm", d->shaft_diameter_mm, 0.02, 0.2)) ||
        (st = range(err, "stubble_mm", d->stubble_mm, 0.0, 4.0)))
        return st;
    for (int b = 0; b < SMP_BANDS; ++b)
        if ((st = range(err, "hair_linear", d->hair_linear[b], 0.0, 1.0))) return st;
    out->present = d->hairs_per_cm2 > 0.0;
    out->hairs_per_mm2 = d->hairs_per_cm2 * 0.01;
    for (int b = 0; b < SMP_BANDS; ++b) out->hair_linear[b] = d->hair_linear[b];
    smp_hair_shaft_alpha(d->hair_linear, d->shaft_diameter_mm, out->shaft_alpha);
    double mean_cos = 0.0;
    const double lo = SMP_HAIR_ELEVATION_MIN_DEG * k_pi / 180.0;
    const double hi = SMP_HAIR_ELEVATION_MAX_DEG * k_pi / 180.0;
    for (int i = 0; i < ELEVATION_SAMPLES; ++i) {
        double e = lo + (hi - lo) * (i + 0.5) / ELEVATION_SAMPLES, sig[SMP_BANDS];
        smp_shaft_sigma_eff(skin, d->shaft_diameter_mm, e, out->shaft_alpha, sig);
        for (int b = 0; b < SMP_BANDS; ++b)
            out->shaft_sigma_eff_mm2[b] += sig[b] / ELEVATION_SAMPLES;
        mean_cos += cos(e) / ELEVATION_SAMPLES;
    }
    /* stubble seen from above: each hair's shadowless projection, overlaps as for random
     * placement (CALIBRATION: cover = n · L · cos(elevation) · d) */
    out->stubble_cover =
        1.0 - exp(-out->hairs_per_mm2 * d->stubble_mm * mean_cos * d->shaft_diameter_mm);
    return SMP_OK;
}

void smp_fringe_linear(const smp_skin *skin, const smp_fringe *f, double rgb[SMP_BANDS]) {
    for (int c = 0; c < SMP_BANDS; ++c) {
        double under = skin->albedo_linear[c] * exp(-f->hairs_per_mm2 * f->shaft_sigma_eff_mm2[c]);
        rgb[c] = under * (1.0 - f->stubble_cover) + f->hair_linear[c] * f->stubble_cover;
    }
}

double smp_blend_threshold(int mst) {
    if (mst <= 5) return 0.8;
    if (mst >= 8) return 1.3;
    return 0.8 + (1.3 - 0.8) * (mst - 5) / 3.0;
}

smp_status smp_blend_eval(const smp_age_model *model, const smp_fringe *fringe, smp_tissue tissue,
                          double t_years, smp_blend *out, smp_error *err) {
    smp_area_state a;
    smp_status st = smp_age_area(model, t_years, tissue, &a, err);
    if (st != SMP_OK) return st;
    const smp_skin *skin = smp_age_skin(model);
    smp_blend b = {0};
    for (int c = 0; c < SMP_BANDS; ++c) {
        b.bare_linear[c] = skin->tissue_albedo_linear[tissue][c];
        assert(a.area_trans[c] >= 0.0 && a.area_trans[c] <= 1.0); /* ink only absorbs */
        b.treated_linear[c] = b.bare_linear[c] * a.area_trans[c];
    }
    double y_bare = smp_luminance(b.bare_linear);
    b.treated_darkening = 1.0 - smp_luminance(b.treated_linear) / y_bare;
    b.delta_e_treated_bare = smp_ciede2000_linear(b.treated_linear, b.bare_linear);
    b.delta_e_treated_fringe = b.delta_e_fringe_bare = NAN;
    if (fringe && fringe->present) {
        smp_fringe_linear(skin, fringe, b.fringe_linear);
        b.fringe_darkening = 1.0 - smp_luminance(b.fringe_linear) / y_bare;
        b.delta_e_treated_fringe = smp_ciede2000_linear(b.treated_linear, b.fringe_linear);
        b.delta_e_fringe_bare = smp_ciede2000_linear(b.fringe_linear, b.bare_linear);
    }
    assert(b.treated_darkening >= -1e-9 && b.delta_e_treated_bare >= 0.0);
    *out = b;
    return SMP_OK;
}

/* How far the treated colour has drifted lighter than its reference, in ΔE00 (negative while it
 * is as dark or darker). */
static double drift(const double treated[3], const double ref[3]) {
    double de = smp_ciede2000_linear(treated, ref);
    return smp_luminance(treated) > smp_luminance(ref) ? de : -de;
}

smp_status smp_touch_up_due_search(const smp_touch_up_search *d, double *due, smp_error *err) {
    if (!d || !d->treated || !(d->healed_years >= 0.0) || d->mst < 1 || d->mst > 10)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "touch-up search: treated colour, healed time and MST 1..10 needed");
    double t0 = d->healed_years < 200.0 ? d->healed_years : 200.0, healed_rgb[3], rgb[3];
    d->treated(d->user, t0, healed_rgb);
    const double *ref = d->fringe_linear ? d->fringe_linear : healed_rgb;
    /* a perceptible step worse than when healed (a plan healed darker than the fringe first
     * fades into it); on skin where the whole treatment is barely perceptible, half of it */
    double healed = drift(healed_rgb, ref);
    double whole =
        smp_ciede2000_linear(d->fringe_linear ? d->fringe_linear : healed_rgb, d->bare_linear);
    double step = smp_blend_threshold(d->mst);
    if (step > 0.5 * whole) step = 0.5 * whole;
    const double goal = (healed > 0.0 ? healed : 0.0) + step;
    *due = INFINITY;
    const double week = 1.0 / 52.0;
    double lo = t0;
    for (double hi = t0 + week; hi <= t0 + 100.0 && hi <= 200.0; lo = hi, hi += week) {
        d->treated(d->user, hi, rgb);
        if (drift(rgb, ref) <= goal) continue;
        for (int i = 0; i < 40; ++i) { /* bisect to well under a day */
            double mid = 0.5 * (lo + hi);
            d->treated(d->user, mid, rgb);
            if (drift(rgb, ref) <= goal)
                lo = mid;
            else
                hi = mid;
        }
        *due = hi;
        break;
    }
    return SMP_OK;
}

typedef struct model_treated {
    const smp_age_model *model;
    smp_tissue tissue;
} model_treated;

static void treated_of_model(void *user, double t, double rgb[3]) {
    const model_treated *u = user;
    smp_blend b;
    smp_blend_eval(u->model, NULL, u->tissue, t, &b, NULL);
    for (int c = 0; c < SMP_BANDS; ++c) rgb[c] = b.treated_linear[c];
}

smp_status smp_blend_touch_up_due(const smp_age_model *m, const smp_fringe *fringe,
                                  smp_tissue tissue, double *due, smp_error *err) {
    smp_blend b;
    smp_status st = smp_blend_eval(m, fringe, tissue, smp_age_healed_years(m), &b, err);
    if (st != SMP_OK) return st;
    model_treated u = {m, tissue};
    smp_touch_up_search d = {.mst = smp_age_skin(m)->mst,
                             .healed_years = smp_age_healed_years(m),
                             .fringe_linear = fringe && fringe->present ? b.fringe_linear : NULL,
                             .treated = treated_of_model,
                             .user = &u};
    for (int c = 0; c < SMP_BANDS; ++c) d.bare_linear[c] = b.bare_linear[c];
    return smp_touch_up_due_search(&d, due, err);
}
