/*
 * mc_skin — prints the Monte Carlo reference for SMP dots and a shaved hair shaft: σ_eff, its
 * ratio to the absorber's cross-section, the peak darkening above it and the half-maximum
 * radius, per band, for MST 4 and MST 9 skin, and at the settings behind the calibration
 * notes' table of buried absorbers (CALIBRATION.md, "Optics of a buried absorber").
 *
 *   mc_skin [--photons N] [--seed S] [--side MM] [--json]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mc_skin.h"

#define PI 3.14159265358979323846

enum { N_ABS = 6 };

static const char *const k_abs_name[N_ABS] = {
    "disc 0.25 @0.15",  "disc 0.25 @0.30",  "disc 0.25 @0.45",
    "column 0.10-0.30", "column 0.10-0.50", "shaft 70um x3mm 45deg",
};

static void absorbers(mc_absorber a[N_ABS]) {
    const double disc_h = 0.02; /* thin disc: centred on its depth */
    a[0] = mc_vertical_cylinder(0.25, 0.15 - 0.5 * disc_h, 0.15 + 0.5 * disc_h, 0.0);
    a[1] = mc_vertical_cylinder(0.25, 0.30 - 0.5 * disc_h, 0.30 + 0.5 * disc_h, 0.0);
    a[2] = mc_vertical_cylinder(0.25, 0.45 - 0.5 * disc_h, 0.45 + 0.5 * disc_h, 0.0);
    a[3] = mc_vertical_cylinder(0.25, 0.10, 0.30, 0.0);
    a[4] = mc_vertical_cylinder(0.25, 0.10, 0.50, 0.0);
    a[5] = mc_tilted_shaft(0.070, 3.0, 45.0, 0.0);
}

typedef struct row {
    char skin[24], band[8];
    mc_layers lay;
    mc_bare bare;
    mc_result res[N_ABS];
    double seconds;
} row;

static double now_s(void) {
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int run_row(row *r, long photons, uint64_t seed, double side) {
    mc_absorber a[N_ABS];
    absorbers(a);
    double t = now_s();
    int rc = mc_skin_run(&r->lay, a, N_ABS, photons, seed, side, r->res, &r->bare);
    r->seconds = now_s() - t;
    return rc;
}

static void usage(FILE *f) {
    fprintf(f, "usage: mc_skin [--photons N] [--seed S] [--side MM] [--json]\n"
               "  --photons N  photons per skin and band (default 40000)\n"
               "  --seed S     random seed (default 1)\n"
               "  --side MM    side of the lit square, mm (default 12)\n"
               "  --json       JSON instead of a table\n");
}

int main(int argc, char **argv) {
    long photons = 40000;
    unsigned long long seed = 1;
    double side = 12.0;
    int json = 0;
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i];
        if (!strcmp(a, "--json")) {
            json = 1;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (i + 1 < argc && !strcmp(a, "--photons")) {
            photons = strtol(argv[++i], NULL, 10);
        } else if (i + 1 < argc && !strcmp(a, "--seed")) {
            seed = strtoull(argv[++i], NULL, 10);
        } else if (i + 1 < argc && !strcmp(a, "--side")) {
            side = strtod(argv[++i], NULL);
        } else {
            fprintf(stderr, "mc_skin: unknown or incomplete option '%s'\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (photons <= 0 || !(side > 0.0)) {
        fprintf(stderr, "mc_skin: --photons and --side must be positive\n");
        return 2;
    }

    enum { N_ROWS = 2 * SMP_BANDS + 2 };
    static row rows[N_ROWS];
    static const char *const band_name[SMP_BANDS] = {"R650", "G550", "B450"};
    const int mst[2] = {4, 9};
    smp_skin skin[2];
    int n = 0;
    for (int s = 0; s < 2; ++s) {
        smp_skin_desc d = {.mst = mst[s]};
        if (smp_skin_resolve(&d, &skin[s], NULL) != SMP_OK) return 1;
        for (int b = 0; b < SMP_BANDS; ++b, ++n) {
            snprintf(rows[n].skin, sizeof rows[n].skin, "MST%d", mst[s]);
            snprintf(rows[n].band, sizeof rows[n].band, "%s", band_name[b]);
            mc_layers_from_skin(&skin[s], b, &rows[n].lay);
        }
    }
    /* The CALIBRATION page's settings: μs' 2.5/mm at 550 nm, g 0.8, n 1.4, a 0.1 mm scalp
     * epidermis; absorption from the model's MST 4 (and MST 9 for the dark epidermis). */
    for (int s = 0; s < 2; ++s, ++n) {
        snprintf(rows[n].skin, sizeof rows[n].skin, "CALIB-MST%d", mst[s]);
        snprintf(rows[n].band, sizeof rows[n].band, "%s", band_name[1]);
        mc_layers_from_skin(&skin[s], 1, &rows[n].lay);
        rows[n].lay.musp = 2.5;
        rows[n].lay.t_epi_mm = 0.1;
    }

    double t0 = now_s();
    for (int k = 0; k < N_ROWS; ++k)
        if (run_row(&rows[k], photons, seed, side) != 0) {
            fprintf(stderr, "mc_skin: run %s %s failed\n", rows[k].skin, rows[k].band);
            return 1;
        }
    double total = now_s() - t0;

    mc_absorber geo[N_ABS];
    absorbers(geo);
    if (json) {
        printf("{\n  \"photons\": %ld, \"seed\": %llu, \"side_mm\": %g, \"seconds\": %.3f,\n"
               "  \"runs\": [\n",
               photons, seed, side, total);
        for (int k = 0; k < N_ROWS; ++k) {
            const row *r = &rows[k];
            printf(
                "    {\"skin\": \"%s\", \"band\": \"%s\", \"t_epi_mm\": %.4f, \"mua_epi\": %.5f, "
                "\"mua_derm\": %.5f, \"musp\": %.4f, \"g\": %g, \"n\": %g,\n"
                "     \"r0\": %.5f, \"r0_se\": %.5f, \"seconds\": %.3f, \"absorbers\": [\n",
                r->skin, r->band, r->lay.t_epi_mm, r->lay.mua_epi, r->lay.mua_derm, r->lay.musp,
                r->lay.g, r->lay.n, r->bare.r0, r->bare.r0_se, r->seconds);
            for (int j = 0; j < N_ABS; ++j) {
                const mc_result *o = &r->res[j];
                double area = PI * geo[j].radius_mm * geo[j].radius_mm;
                printf("      {\"name\": \"%s\", \"sigma_eff_mm2\": %.5f, \"sigma_eff_se\": %.5f, "
                       "\"ratio_to_area\": %.3f, \"peak_darkening\": %.4f, \"peak_se\": %.4f, "
                       "\"half_max_radius_mm\": %.4f, \"profile\": [",
                       k_abs_name[j], o->sigma_eff_mm2, o->sigma_eff_se, o->sigma_eff_mm2 / area,
                       o->peak_darkening, o->peak_se, o->half_max_radius_mm);
                for (int b = 0; b < MC_PROFILE_BINS; ++b)
                    printf("%s%.4g", b ? ", " : "", o->profile[b]);
                printf("]}%s\n", j + 1 < N_ABS ? "," : "");
            }
            printf("    ]}%s\n", k + 1 < N_ROWS ? "," : "");
        }
        printf("  ]\n}\n");
        return 0;
    }

    printf("smpsim Monte Carlo reference: black absorbers, %ld photons per run, seed %llu, "
           "lit square %g mm\n",
           photons, seed, side);
    printf("%-11s %-5s %-22s %9s %6s %7s %6s %6s %8s\n", "skin", "band", "absorber", "sigma_mm2",
           "se_%", "ratio", "peak", "pk_se", "hm_r_mm");
    for (int k = 0; k < N_ROWS; ++k) {
        const row *r = &rows[k];
        for (int j = 0; j < N_ABS; ++j) {
            const mc_result *o = &r->res[j];
            double area = PI * geo[j].radius_mm * geo[j].radius_mm;
            printf("%-11s %-5s %-22s %9.4f %6.1f %7.2f %6.3f %6.3f %8.3f\n", r->skin, r->band,
                   k_abs_name[j], o->sigma_eff_mm2, 100.0 * o->sigma_eff_se / o->sigma_eff_mm2,
                   o->sigma_eff_mm2 / area, o->peak_darkening, o->peak_se, o->half_max_radius_mm);
        }
        printf("%-11s %-5s R0 %.4f ± %.4f  (t_epi %.3f mm, mua_epi %.4f, mua_derm %.4f, "
               "musp %.3f /mm)  %.2f s, %.0f steps/photon\n",
               r->skin, r->band, r->bare.r0, r->bare.r0_se, r->lay.t_epi_mm, r->lay.mua_epi,
               r->lay.mua_derm, r->lay.musp, r->seconds, r->bare.steps_per_ray);
    }
    printf("total %.2f s\n", total);
    return 0;
}
