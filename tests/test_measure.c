/* smpsim measure and its module: where the patches are, the JSON's shape, sane numbers on the
 * default scene, a head without a fringe, and bad input. No calibration targets here: the
 * optics are tuned elsewhere, and these tests only hold the measurement itself. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smp/colour.h"
#include "smp/gl_session.h"
#include "smp/measure.h"
#include "smp/scene_args.h"
#include "support.h"

static cJSON *field(const cJSON *o, const char *name) {
    cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    cr_assert(v, "no \"%s\" in the JSON", name);
    return v;
}

static double number(const cJSON *o, const char *name) {
    cJSON *v = field(o, name);
    cr_assert(cJSON_IsNumber(v), "\"%s\" is not a number", name);
    cr_assert(isfinite(v->valuedouble), "\"%s\" is not finite", name);
    return v->valuedouble;
}

/* Runs smpsim measure with args; returns its parsed JSON (exit status 0 asserted). */
static cJSON *measure_json(const char *const *args) {
    char *out = NULL, *err = NULL;
    int rc = run_smpsim(&out, &err, args);
    cr_assert_eq(rc, 0, "exit %d: %s", rc, err);
    cJSON *root = cJSON_Parse(out);
    cr_assert(root, "not JSON: %s", out);
    free(out);
    free(err);
    return root;
}

/* The colour object of a patch: linear RGB, luminance, Lab and darkening, all finite. */
static double darkening_of(const cJSON *c) {
    cr_assert(cJSON_IsObject(c));
    const cJSON *rgb = field(c, "linear_rgb"), *lab = field(c, "lab");
    cr_assert_eq(cJSON_GetArraySize(rgb), 3);
    cr_assert_eq(cJSON_GetArraySize(lab), 3);
    for (int k = 0; k < 3; ++k) {
        double v = cJSON_GetArrayItem(rgb, k)->valuedouble;
        cr_assert(v > 0 && v < 1, "linear rgb[%d] = %g", k, v);
    }
    double y = number(c, "luminance");
    cr_assert(y > 0 && y < 1);
    return number(c, "darkening");
}

Test(measure, default_scene_json_has_every_field_and_sane_numbers) {
    const char *args[] = {"measure", "--json", "-q", "--size", "48", "--years", "healed,5", NULL};
    cJSON *root = measure_json(args);
    cr_assert_float_eq(number(root, "distance_m"), 1.2, 1e-9);
    cr_assert_float_eq(number(root, "patch_mm"), 20, 1e-9);
    cr_assert_float_eq(number(root, "size_px"), 48, 1e-9);
    cr_assert(cJSON_IsString(field(root, "light")) && cJSON_IsString(field(root, "bare")));
    const cJSON *patches = field(root, "patches");
    const char *names[2] = {"treated", "fringe"};
    for (int i = 0; i < 2; ++i) {
        const cJSON *p = field(patches, names[i]);
        cr_assert(cJSON_IsObject(p), "%s patch missing", names[i]);
        cr_assert_eq(cJSON_GetArraySize(field(p, "centre_mm")), 3);
        double az = number(p, "azimuth_deg"), el = number(p, "elevation_deg");
        cr_assert(az >= -180 && az <= 180 && el >= -90 && el <= 90);
        cr_assert_geq(number(p, "margin_mm"), number(p, "required_margin_mm"),
                      "the %s patch reaches its region's edge", names[i]);
        cr_assert_geq(number(p, "dots_per_cm2"), 0);
    }
    cr_assert_gt(number(field(patches, "treated"), "dots_per_cm2"), 0);
    cr_assert_lt(number(field(patches, "treated"), "hair"), 0.1);
    cr_assert_gt(number(field(patches, "fringe"), "hair"), 0.9);
    cr_assert_gt(darkening_of(field(root, "fringe_hair_only")), 0, "hair alone darkens nothing");
    const cJSON *years = field(root, "years");
    cr_assert_eq(cJSON_GetArraySize(years), 2);
    const char *words[2] = {"healed", "5"};
    for (int i = 0; i < 2; ++i) {
        const cJSON *y = cJSON_GetArrayItem(years, i);
        cr_assert_str_eq(field(y, "year")->valuestring, words[i]);
        cr_assert_gt(number(y, "model_years"), 0);
        double treated = darkening_of(field(y, "treated")),
               fringe = darkening_of(field(y, "fringe"));
        cr_assert_gt(treated, 0, "year %s: the treated patch is not darker than bare skin",
                     words[i]);
        cr_assert_lt(treated, 1);
        cr_assert_gt(fringe, 0, "year %s: the fringe is not darker than bare skin", words[i]);
        cr_assert_eq(darkening_of(field(y, "bare")), 0, "bare skin is its own reference");
        const cJSON *de = field(y, "delta_e00");
        cr_assert_gt(number(de, "treated_bare"), 0);
        cr_assert_gt(number(de, "fringe_bare"), 0);
        cr_assert_geq(number(de, "treated_fringe"), 0);
    }
    /* healed is 30 days after the last of the three sessions (day 42) */
    cr_assert_float_eq(number(cJSON_GetArrayItem(years, 0), "model_years"), (42 + 30) / 365.25,
                       1e-3);
    cJSON_Delete(root);
}

Test(measure, untreated_is_bare_skin) {
    const char *args[] = {"measure", "--json", "-q", "--size", "32", "--years", "untreated", NULL};
    cJSON *root = measure_json(args);
    const cJSON *y = cJSON_GetArrayItem(field(root, "years"), 0);
    cr_assert(cJSON_IsNull(field(y, "model_years")));
    cr_assert_eq(darkening_of(field(y, "treated")), 0);
    cr_assert_eq(number(field(y, "delta_e00"), "treated_bare"), 0);
    cJSON_Delete(root);
}

/* Alopecia totalis: no hair, so no fringe; treated against bare skin is still measured. */
Test(measure, a_head_without_hair_has_no_fringe) {
    const char *args[] = {"measure", SMP_SOURCE_DIR "/scenes/alopecia-totalis.json",
                          "--json",  "-q",
                          "--size",  "32",
                          "--years", "healed",
                          NULL};
    cJSON *root = measure_json(args);
    cr_assert(cJSON_IsNull(field(field(root, "patches"), "fringe")));
    cr_assert(cJSON_IsNull(field(root, "fringe_hair_only")));
    const cJSON *y = cJSON_GetArrayItem(field(root, "years"), 0);
    cr_assert(cJSON_IsNull(field(y, "fringe")));
    const cJSON *de = field(y, "delta_e00");
    cr_assert(cJSON_IsNull(field(de, "treated_fringe")) && cJSON_IsNull(field(de, "fringe_bare")));
    cr_assert_gt(number(de, "treated_bare"), 0);
    cr_assert_gt(darkening_of(field(y, "treated")), 0);
    cJSON_Delete(root);
    /* the table says so */
    const char *table[] = {"measure", SMP_SOURCE_DIR "/scenes/alopecia-totalis.json",
                           "-q",      "--size",
                           "32",      "--years",
                           "healed",  NULL};
    char *out = NULL, *err = NULL;
    cr_assert_eq(run_smpsim(&out, &err, table), 0, "%s", err);
    cr_assert(strstr(out, "fringe   none") && strstr(out, "absent"), "%s", out);
    free(out);
    free(err);
}

/* Runs smpsim with args, expecting exit 2, nothing on stdout, and every fragment in stderr. */
static void refused(const char *const *args, const char *const *fragments) {
    char *out = NULL, *err = NULL;
    int rc = run_smpsim(&out, &err, args);
    cr_assert_eq(rc, 2, "exit %d for %s %s: %s", rc, args[1], args[2] ? args[2] : "", err);
    cr_assert_str_empty(out, "wrote: %s", out);
    for (int i = 0; fragments[i]; ++i)
        cr_assert(strstr(err, fragments[i]), "'%s' not in: %s", fragments[i], err);
    free(out);
    free(err);
}

static const char *write_scene(const char *name, const char *json) {
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", test_tmpdir("measure"), name);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs(json, f);
    fclose(f);
    return path;
}

Test(measure, a_scene_without_a_treated_area_is_refused) {
    const char *none = write_scene("none.json", "{\"name\": \"untreated\", \"plan\": "
                                                "{\"sessions\": []}}");
    refused((const char *[]){"measure", none, NULL},
            (const char *[]){"plan.sessions", "no treated area", NULL});
    /* sessions for a bald area on a head that has lost no hair: no dot lands */
    const char *nowhere = write_scene(
        "nowhere.json", "{\"name\": \"nowhere\", \"client\": {\"pattern\": {\"type\": \"none\"}}, "
                        "\"plan\": {\"sessions\": [{\"day\": 0, \"density_fraction\": 1, "
                        "\"regions\": [\"bald\"]}]}}");
    refused((const char *[]){"measure", nowhere, NULL},
            (const char *[]){"plan.sessions", "no dots", NULL});
}

Test(measure, bad_options_are_refused_with_the_option_and_its_range) {
    refused((const char *[]){"measure", "--years", "60", NULL},
            (const char *[]){"--years", "0 to 50", NULL});
    refused((const char *[]){"measure", "--years", "soon", NULL},
            (const char *[]){"--years", "'soon'", "healed", NULL});
    refused((const char *[]){"measure", "--years", "5,1", NULL},
            (const char *[]){"--years", "increasing", NULL});
    refused((const char *[]){"measure", "--years", "1,,3", NULL},
            (const char *[]){"--years", NULL});
    refused((const char *[]){"measure", "--distance", "9", NULL},
            (const char *[]){"--distance", "0.2..5", NULL});
    refused((const char *[]){"measure", "--distance", "far", NULL},
            (const char *[]){"--distance", "far", NULL});
    refused((const char *[]){"measure", "--patch", "10", NULL},
            (const char *[]){"--patch", "20..60", NULL});
    refused((const char *[]){"measure", "--size", "8", NULL},
            (const char *[]){"--size", "16..4096", NULL});
    refused((const char *[]){"measure", "--bogus", NULL}, (const char *[]){"--bogus", NULL});
}

Test(measure, help_describes_the_measurement) {
    char *out = NULL, *err = NULL;
    cr_assert_eq(run_smpsim(&out, &err, (const char *[]){"measure", "--help", NULL}), 0);
    const char *words[] = {"--years", "--distance", "--json", "--set",       "CIEDE2000",
                           "D65",     "untreated",  "healed", "Exit status", NULL};
    for (int i = 0; words[i]; ++i) cr_assert(strstr(out, words[i]), "--help lacks %s", words[i]);
    free(out);
    free(err);
    cr_assert_eq(run_smpsim(&out, &err, (const char *[]){"--help", NULL}), 0);
    cr_assert(strstr(out, "measure"), "smpsim --help does not list measure");
    free(out);
    free(err);
}

/* In process, on the built-in head: the patches lie where the fields say, and under the
 * measurement light bare skin is exactly the client's albedo, whatever way it faces. */
Test(measure, patches_follow_the_fields_and_the_light_is_uniform) {
    smp_scene_args a = {.sets = {"head.mesh=builtin", "head.resolution=48"}, .set_count = 2};
    smp_scene s;
    cr_assert_eq(smp_scene_args_load("test", &a, &s), 0);
    smp_gl_session h;
    smp_error err = {0};
    cr_assert_eq(smp_gl_session_open(&h, SMP_GL_AUTO, 4, &s, &err), SMP_OK, "%s", err.message);
    smp_measure_patch treated, fringe;
    cr_assert_eq(smp_measure_find_patches(&h.p, &s, 20.0, &treated, &fringe, &err), SMP_OK, "%s",
                 err.message);
    cr_assert(treated.found && fringe.found);
    float hair[2], scalp[2];
    float where[6] = {treated.centre[0], treated.centre[1], treated.centre[2],
                      fringe.centre[0],  fringe.centre[1],  fringe.centre[2]};
    smp_fields_out o = {.hair = hair, .scalp = scalp};
    smp_fields_eval(h.p.fields, where, 2, &o);
    cr_assert_lt(hair[0], 0.1f, "treated patch on hair (%.2f)", hair[0]);
    cr_assert_gt(hair[1], 0.9f, "fringe patch on bald scalp (%.2f)", hair[1]);
    cr_assert_gt(scalp[0], 0.5f, "treated patch outside the designed hairline");
    cr_assert_geq(fringe.margin_mm, 20.0, "fringe patch %.1f mm from the transition",
                  fringe.margin_mm);
    cr_assert_gt(treated.planned_per_cm2, 0.95 * 80);
    double dot = 0;
    for (int k = 0; k < 3; ++k) dot += (double)treated.normal[k] * fringe.normal[k];
    cr_assert_lt(dot, 0.9, "both patches face the same way: the light test would prove nothing");

    smp_frame_desc f = smp_frame_default();
    cr_assert_eq(smp_gl_session_frame(&h, 1.0, &f, &err), SMP_OK, "%s", err.message);
    f.lighting = SMP_LIGHTING_MEASURE;
    f.hide_dots = f.hide_hair = 1;
    smp_measure_view v = smp_measure_view_default(1200, 20);
    v.size_px = 32;
    const smp_measure_patch *patches[2] = {&treated, &fringe};
    for (int i = 0; i < 2; ++i) {
        double rgb[3];
        cr_assert_eq(
            smp_measure_mean_rgb(&h, &f, patches[i]->centre, patches[i]->normal, &v, rgb, &err),
            SMP_OK, "%s", err.message);
        for (int k = 0; k < 3; ++k)
            cr_assert(fabs(rgb[k] / h.p.skin.albedo_linear[k] - 1.0) < 0.005,
                      "patch %d channel %d: %.5f under the measurement light, albedo %.5f", i, k,
                      rgb[k], h.p.skin.albedo_linear[k]);
    }

    static smp_measure_result r;
    const double years[2] = {SMP_YEAR_UNTREATED, SMP_YEAR_HEALED};
    cr_assert_eq(smp_measure_run(&h, &s, &v, years, 2, &treated, &fringe, &r, &err), SMP_OK, "%s",
                 err.message);
    cr_assert_eq(r.years[0].treated_shown, 0);
    cr_assert_eq(r.years[0].treated.darkening, 0.0);
    cr_assert_eq(r.years[1].bare.darkening, 0.0);
    cr_assert_gt(r.years[1].treated.darkening, 0.0);
    cr_assert_geq(r.years[1].fringe.darkening, r.fringe_hair_only.darkening - 1e-9,
                  "dots over the fringe made it lighter");
    double de = smp_ciede2000(r.years[1].treated.lab, r.years[1].bare.lab);
    cr_assert_float_eq(r.years[1].de_treated_bare, de, 1e-12);
    smp_gl_session_close(&h);
}
