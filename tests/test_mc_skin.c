/* Checks of the Monte Carlo reference itself (tests/mc_skin.c): what must hold for any correct
 * transport, before the engine is compared with it. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "mc_skin.h"

static mc_layers homogeneous(double mua, double musp) {
    return (mc_layers){
        .t_epi_mm = 0.0, .mua_epi = mua, .mua_derm = mua, .musp = musp, .g = 0.8, .n = 1.4};
}

static mc_layers light_skin_green(void) {
    smp_skin skin;
    cr_assert_eq(smp_skin_resolve(&(smp_skin_desc){.mst = 4}, &skin, NULL), SMP_OK);
    mc_layers l;
    cr_assert_eq(mc_layers_from_skin(&skin, 1, &l), 0);
    return l;
}

/* Without absorption every photon that enters comes back out: R0 = 1 − specular loss. */
Test(mc_skin, lossless_medium_returns_all_light_that_enters) {
    mc_layers l = homogeneous(0.0, 2.5);
    l.t_epi_mm = 0.1;
    mc_bare bare;
    cr_assert_eq(mc_skin_run(&l, NULL, 0, 20000, 11, 0.0, NULL, &bare), 0);
    double specular = (0.4 / 2.4) * (0.4 / 2.4), want = 1.0 - specular; /* ((n−1)/(n+1))² */
    cr_assert_float_eq(bare.specular, specular, 1e-12);
    cr_assert_lt(fabs(bare.r0 - want), 4.0 * bare.r0_se + 1e-3, "R0 %g ± %g, want %g", bare.r0,
                 bare.r0_se, want);
}

/* Where diffusion holds (reduced albedo ≥ 0.95) the bare remittance is the dipole's. */
Test(mc_skin, bare_remittance_matches_diffusion_theory) {
    const double albedo[2] = {0.99, 0.95}, musp = 2.5;
    for (int i = 0; i < 2; ++i) {
        double mua = musp * (1.0 / albedo[i] - 1.0);
        mc_layers l = homogeneous(mua, musp);
        mc_bare bare;
        cr_assert_eq(mc_skin_run(&l, NULL, 0, 20000, 5, 0.0, NULL, &bare), 0);
        double rd = bare.r0 / (1.0 - bare.specular); /* of the light that entered */
        double want = mc_dipole_reflectance(mua, musp, 1.4);
        cr_assert_lt(fabs(rd / want - 1.0), 0.10, "a' %g: Monte Carlo %g ± %g, dipole %g",
                     albedo[i], rd, bare.r0_se, want);
    }
}

/* A needle-track column shadows far more than a thin disc at its top, and grey ink less than
 * black; an absorber above the skin removes nothing. */
Test(mc_skin, absorbers_order_as_their_geometry_and_ink_say) {
    mc_layers l = light_skin_green();
    mc_absorber a[5] = {
        mc_vertical_cylinder(0.25, 0.10, 0.50, 0.0), /* black column */
        mc_vertical_cylinder(0.25, 0.10, 0.12, 0.0), /* black thin disc at the column's top */
        mc_vertical_cylinder(0.25, 0.10, 0.50, 5.0), /* grey column, 5 /mm */
        mc_vertical_cylinder(0.25, -0.3, -0.1, 0.0), /* above the surface */
        mc_vertical_cylinder(0.25, 0.0, 0.30, 0.0),  /* reaching the surface */
    };
    mc_result r[5];
    cr_assert_eq(mc_skin_run(&l, a, 5, 20000, 3, 0.0, r, NULL), 0);
    double se = hypot(r[0].sigma_eff_se, r[1].sigma_eff_se);
    cr_assert_gt(r[0].sigma_eff_mm2 - r[1].sigma_eff_mm2, 4.0 * se, "column %g, disc %g ± %g",
                 r[0].sigma_eff_mm2, r[1].sigma_eff_mm2, se);
    /* The same photons cross both: grey removes at most what black does, photon by photon. */
    cr_assert_geq(r[0].sigma_eff_mm2, r[2].sigma_eff_mm2);
    cr_assert_gt(r[2].sigma_eff_mm2, 0.0);
    cr_assert_eq(r[3].sigma_eff_mm2, 0.0);
    for (int j = 0; j < 5; ++j) {
        if (j == 3) continue;
        cr_assert_gt(r[j].sigma_eff_mm2, 0.0);
        cr_assert_lt(r[j].sigma_eff_se, 0.1 * r[j].sigma_eff_mm2, "absorber %d: %g ± %g", j,
                     r[j].sigma_eff_mm2, r[j].sigma_eff_se);
        cr_assert_leq(r[j].peak_darkening, 1.0 + 4.0 * r[j].peak_se);
    }
    /* Every photon that leaves through the top of a black column at the surface has crossed
     * it: the darkening there is complete. */
    cr_assert_lt(fabs(r[4].peak_darkening - 1.0), 4.0 * r[4].peak_se + 0.02, "%g ± %g",
                 r[4].peak_darkening, r[4].peak_se);
    double inner = 0.0, area = 0.0; /* r from 0.03 to 0.12 mm, inside its 0.125 mm radius */
    for (int k = 3; k < 12; ++k) {
        double ak = (k + 1) * (k + 1) - k * k;
        inner += ak * r[4].profile[k];
        area += ak;
    }
    cr_assert_lt(fabs(inner / area - 1.0), 0.2, "darkening inside the column's top %g",
                 inner / area);
}

/* Same inputs and seed: the same bits, whatever the thread count; another seed differs. */
Test(mc_skin, results_depend_on_the_seed_only) {
    mc_layers l = light_skin_green();
    mc_absorber a[2] = {mc_vertical_cylinder(0.25, 0.10, 0.30, 0.0),
                        mc_tilted_shaft(0.07, 3.0, 45.0, 2.0)};
    mc_result r1[2], r2[2], r3[2];
    mc_bare b1, b2;
    cr_assert_eq(mc_skin_run(&l, a, 2, 3000, 42, 0.0, r1, &b1), 0);
#ifdef _OPENMP
    int threads = omp_get_max_threads();
    omp_set_num_threads(threads > 1 ? 1 : 2);
#endif
    cr_assert_eq(mc_skin_run(&l, a, 2, 3000, 42, 0.0, r2, &b2), 0);
#ifdef _OPENMP
    omp_set_num_threads(threads);
#endif
    cr_assert_eq(memcmp(r1, r2, sizeof r1), 0);
    cr_assert_eq(memcmp(&b1, &b2, sizeof b1), 0);
    cr_assert_eq(mc_skin_run(&l, a, 2, 3000, 43, 0.0, r3, NULL), 0);
    cr_assert_neq(r1[0].sigma_eff_mm2, r3[0].sigma_eff_mm2);
}

/* The layers are the skin model's: its penetration depth follows from them. */
Test(mc_skin, layers_mirror_the_skin_model) {
    smp_skin skin;
    cr_assert_eq(smp_skin_resolve(&(smp_skin_desc){.mst = 9}, &skin, NULL), SMP_OK);
    for (int b = 0; b < SMP_BANDS; ++b) {
        mc_layers l;
        cr_assert_eq(mc_layers_from_skin(&skin, b, &l), 0);
        double delta = 1.0 / sqrt(3.0 * l.mua_derm * (l.mua_derm + l.musp));
        cr_assert_float_eq(delta, skin.penetration_mm[b], 1e-9 * delta);
        cr_assert_float_eq(l.t_epi_mm, skin.epidermis_mm, 1e-15);
        cr_assert_gt(l.mua_epi, l.mua_derm, "melanin makes the epidermis the stronger absorber");
    }
    mc_layers l;
    cr_assert_eq(mc_layers_from_skin(&skin, 3, &l), -1);
}

Test(mc_skin, invalid_arguments_are_refused) {
    mc_layers l = light_skin_green();
    mc_absorber a = mc_vertical_cylinder(0.25, 0.1, 0.1, 0.0); /* zero length */
    mc_result r;
    cr_assert_eq(mc_skin_run(&l, &a, 1, 100, 1, 0.0, &r, NULL), -1);
    cr_assert_eq(mc_skin_run(&l, NULL, 0, 0, 1, 0.0, NULL, NULL), -1);
    l.g = 1.0;
    cr_assert_eq(mc_skin_run(&l, NULL, 0, 100, 1, 0.0, NULL, NULL), -1);
}
