/* The closed-form optics of a buried absorber (smp/age.h, smp/blend.h) against the Monte Carlo
 * of light in skin (tests/mc_skin.c), on the model's own MST 4 and MST 9 skins: a thin disc
 * Ø 0.25 mm at three depths, needle-track columns from the dermal–epidermal region to 0.30 and
 * 0.50 mm, and a hair shaft, all black. Fixed seed, 40 000 photons per skin and band: the Monte
 * Carlo's standard error is 2–6 % on σ_eff (400 000 where profiles are compared).
 *
 * Tolerances: σ_eff within 25 % (the closed form has five fitted constants for thirty cases;
 * the worst measured is 23 %). On MST 4 in green and blue, the darkening right above a column
 * or a shallow disc within 0.15 absolute and its half-maximum radius within 0.07 mm. Not
 * compared: the blue band on MST 9, where almost no light returns through the Monte Carlo's
 * homogeneous epidermis (standard error 10–27 %); the profiles on MST 9, whose closed form
 * keeps the light the epidermis itself scatters back (the model's fitted dermal share) which
 * the Monte Carlo's epidermis does not have; and red profiles, whose centre the Monte Carlo
 * resolves too coarsely (its peak estimate passes 1). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>

#include "mc_skin.h"
#include "smp/age.h"
#include "smp/blend.h"

/* σ_eff converges fast; the darkening right above an absorber, counted in a 0.03 mm disc,
 * needs ten times the photons for a standard error near 0.05. */
enum { PHOTONS = 40000, PROFILE_PHOTONS = 400000, CASES = 6 };
static const double k_pi = 3.14159265358979323846;

typedef struct optics_case {
    const char *name;
    double top, bottom; /* columns; a shaft when bottom < 0 */
} optics_case;

static const optics_case k_cases[CASES] = {
    {"disc @0.15", 0.15, 0.15},       {"disc @0.30", 0.30, 0.30},
    {"disc @0.45", 0.45, 0.45},       {"column 0.10-0.30", 0.10, 0.30},
    {"column 0.10-0.50", 0.10, 0.50}, {"shaft 70 um x 3 mm at 45 deg", 0, -1},
};

static void run_mc(const smp_skin *skin, int band, long photons, mc_result *out) {
    mc_absorber abs[CASES];
    for (int i = 0; i < CASES; ++i) {
        const optics_case *c = &k_cases[i];
        if (c->bottom < 0)
            abs[i] = mc_tilted_shaft(0.07, SMP_SHAFT_IN_SKIN_MM, 45.0, 0.0);
        else
            abs[i] = mc_vertical_cylinder(0.25, c->top,
                                          c->bottom > c->top ? c->bottom : c->top + 0.02, 0.0);
    }
    mc_layers layers;
    cr_assert_eq(mc_layers_from_skin(skin, band, &layers), 0);
    cr_assert_eq(mc_skin_run(&layers, abs, CASES, photons, 20261204u, 0.0, out, NULL), 0);
}

/* Where the closed form's darkening, core times halo, falls to half its value at the centre. */
static double half_max_radius(const smp_absorber_look_out *o, int band) {
    for (double r = 0.0; r < 2.0; r += 0.001) {
        double c = o->core_peak[band] * exp(-r * r / (2.0 * o->core_sigma_mm * o->core_sigma_mm));
        double h = o->halo_peak[band] * exp(-r * r / (2.0 * o->halo_sigma_mm * o->halo_sigma_mm));
        if (1.0 - (1.0 - c) * (1.0 - h) < 0.5 * o->peak[band]) return r;
    }
    return 2.0;
}

/* The closed form for case i in this band: σ_eff, the darkening above the absorber and where
 * it falls to half. */
static void closed_form(const smp_skin *skin, int band, int i, double *sigma, double *peak,
                        double *half_max) {
    const optics_case *c = &k_cases[i];
    if (c->bottom < 0) {
        double alpha[SMP_BANDS] = {1, 1, 1}, s[SMP_BANDS];
        smp_shaft_sigma_eff(skin, 0.07, 45.0 * k_pi / 180.0, alpha, s);
        *sigma = s[band];
        *peak = *half_max = NAN;
        return;
    }
    smp_absorber_look_out o;
    smp_absorber_look(skin, SMP_TISSUE_SKIN, 0.125, c->top, c->bottom, &o);
    *sigma = o.sigma_eff_mm2[band];
    *peak = o.peak[band];
    *half_max = half_max_radius(&o, band);
}

static void compare(int mst, int bands, int profiles) {
    smp_skin skin;
    cr_assert_eq(smp_skin_resolve(&(smp_skin_desc){.mst = mst}, &skin, NULL), SMP_OK);
    for (int band = 0; band < bands; ++band) {
        mc_result mc[CASES];
        run_mc(&skin, band, profiles && band > 0 ? PROFILE_PHOTONS : PHOTONS, mc);
        for (int i = 0; i < CASES; ++i) {
            double sigma, peak, hm;
            closed_form(&skin, band, i, &sigma, &peak, &hm);
            cr_log_info(
                "MST %d band %d %-30s sigma_eff MC %.4f ± %.4f, closed form %.4f (%+.0f %%); "
                "peak MC %.2f, closed form %.2f; half-max radius MC %.3f, closed form %.3f",
                mst, band, k_cases[i].name, mc[i].sigma_eff_mm2, mc[i].sigma_eff_se, sigma,
                100.0 * (sigma / mc[i].sigma_eff_mm2 - 1.0), mc[i].peak_darkening, peak,
                mc[i].half_max_radius_mm, hm);
            cr_expect_lt(fabs(sigma / mc[i].sigma_eff_mm2 - 1.0), 0.25,
                         "MST %d band %d %s: sigma_eff closed form %.4f, Monte Carlo %.4f", mst,
                         band, k_cases[i].name, sigma, mc[i].sigma_eff_mm2);
            if (profiles && band > 0 && (i == 0 || i == 3 || i == 4)) {
                cr_expect_lt(fabs(peak - mc[i].peak_darkening), 0.15,
                             "MST %d band %d %s: peak closed form %.2f, Monte Carlo %.2f", mst,
                             band, k_cases[i].name, peak, mc[i].peak_darkening);
                cr_expect_lt(fabs(hm - mc[i].half_max_radius_mm), 0.07,
                             "MST %d band %d %s: half-max radius closed form %.3f, Monte Carlo "
                             "%.3f mm",
                             mst, band, k_cases[i].name, hm, mc[i].half_max_radius_mm);
            }
        }
        /* what makes a healed dot grey-to-black: the column takes several times what a thin
         * disc at its top does, in the reference and in the closed form alike */
        double disc, col, p, h;
        closed_form(&skin, band, 0, &disc, &p, &h);
        closed_form(&skin, band, 4, &col, &p, &h);
        cr_expect_gt(mc[4].sigma_eff_mm2, 1.8 * mc[0].sigma_eff_mm2);
        cr_expect_gt(col, 1.8 * disc, "band %d: column %.3f, disc %.3f", band, col, disc);
        cr_expect_gt(col, 2.5 * k_pi * 0.125 * 0.125,
                     "band %d: a column takes %.3f mm², its plan area is %.3f", band, col,
                     k_pi * 0.125 * 0.125);
    }
}

Test(optics, closed_form_matches_the_monte_carlo_on_light_skin, .timeout = 600) {
    compare(4, 3, 1);
}

Test(optics, closed_form_matches_the_monte_carlo_on_dark_skin, .timeout = 600) { compare(9, 2, 0); }
