/* smpsim measure: how well the treatment blends, in numbers: the treated scalp against the
 * client's own fringe and bare skin, per year, at a viewing distance (measure.h). */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smp/cli.h"
#include "smp/cli_options.h"
#include "smp/clock.h"
#include "smp/gl_session.h"
#include "smp/measure.h"
#include "smp/scene_args.h"
#include "verbose.h"

static const cli_command k_command = {
    .name = "measure",
    .about =
        "Measures how the treated scalp blends with the client's own shaved fringe and stands\n"
        "apart from bare skin, at each time asked for, as a viewer at a distance sees them:\n"
        "\n"
        "  - three patches of skin: the treated area (the point deepest inside the bald scalp the\n"
        "    plan fills at full density, away from the hairline and scars), the native fringe\n"
        "    (the point deepest inside hair at full native density: the client's shaved hair,\n"
        "    stubble and the shafts under the skin), and bare skin (the treated patch drawn\n"
        "    without dots: the untreated client, darkening 0 by definition);\n"
        "  - each seen straight on from the viewing distance, a pixel being one minute of arc\n"
        "    (what a normal eye resolves), under a uniform, diffuse, white (D65) measurement\n"
        "    light of radiance 1, so every surface shows its albedo times what absorbs in it and\n"
        "    nothing depends on the view's shading;\n"
        "  - the linear-light mean over the central patch (2 x 2 cm unless --patch): luminance\n"
        "    darkening 1 - Y/Y_bare, and CIEDE2000 on CIELAB (D65, white = 1) between treated\n"
        "    and fringe, treated and bare skin, fringe and bare skin.\n"
        "\n"
        "The fringe is measured as the treated head shows it (with any dots the plan lays\n"
        "there); the fringe's hair alone (no dots) is reported too. A head without hair\n"
        "(alopecia totalis) has no fringe: its numbers are absent (null in JSON).\n"
        "\n"
        "Last, the touch-up-due year from the model's blend (smp/blend.h; the viewer's plot\n"
        "and contact sheets give the same): the first time after healing that the treated\n"
        "area, lighter than the fringe, is a perceptible step (CIEDE2000 0.8 on fair skin,\n"
        "1.3 on dark) further from it than when healed.\n",
    .footer = "Exit status: 0 success, 1 rendering failed, 2 bad arguments or a scene with no\n"
              "treated area (a plan with no sessions, or none of whose dots land on the head).\n",
};

_Static_assert((int)CLI_MAX_TIMES <= (int)MEASURE_MAX_YEARS,
               "--years holds more times than a run measures");

typedef struct measure_job {
    smp_scene_args scene_arg;
    cli_times years;
    double distance_m, patch_mm;
    int size_px, json, quiet;
    cli_gl_args gl;
    smp_scene scene;
} measure_job;

static const cli_option k_options[] = {
    CLI_PARSE("years", "LIST",
              "comma-separated times: 'untreated', 'healed' (30 days after the last treatment "
              "session) or years after the completion of treatment, 0..50, in increasing order "
              "(default: healed,1,3,5,10)",
              measure_job, years, cli_parse_times_value),
    CLI_NUMBER("distance", "M", "viewing distance in metres, {range} (default: 1.2)", measure_job,
               distance_m, 0.2, 5.0),
    CLI_NUMBER("patch", "MM", "side of the averaged square patches in mm, {range} (default: 20)",
               measure_job, patch_mm, 20, 60),
    CLI_INT("size", "N",
            "pixels across each patch's view, {range} (default: one minute of arc per pixel at "
            "the distance, at least 64)",
            measure_job, size_px, 16, 4096),
    CLI_FLAG(0, "json", "print one JSON object instead of the table", measure_job, json),
    {0},
};

/* --- output ----------------------------------------------------------------------------- */

/* + 0.0: no "-0" in the output */
static double rounded(double v, double scale) { return round(v * scale) / scale + 0.0; }

static cJSON *number_or_null(double v, double scale) {
    return isfinite(v) ? cJSON_CreateNumber(rounded(v, scale)) : cJSON_CreateNull();
}

static cJSON *triple(const double v[3], double scale) {
    cJSON *a = cJSON_CreateArray();
    for (int k = 0; k < 3; ++k) cJSON_AddItemToArray(a, cJSON_CreateNumber(rounded(v[k], scale)));
    return a;
}

static cJSON *patch_json(const smp_measure_patch *p) {
    if (!p->found) return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    const double c[3] = {p->centre[0], p->centre[1], p->centre[2]};
    const double n[3] = {p->normal[0], p->normal[1], p->normal[2]};
    cJSON_AddItemToObject(o, "centre_mm", triple(c, 10));
    cJSON_AddItemToObject(o, "normal", triple(n, 1000));
    cJSON_AddNumberToObject(o, "azimuth_deg", rounded(p->azimuth_deg, 10));
    cJSON_AddNumberToObject(o, "elevation_deg", rounded(p->elevation_deg, 10));
    cJSON_AddNumberToObject(o, "margin_mm", rounded(p->margin_mm, 10));
    cJSON_AddNumberToObject(o, "required_margin_mm", rounded(p->required_margin_mm, 10));
    cJSON_AddNumberToObject(o, "hair", rounded(p->hair, 1000));
    cJSON_AddNumberToObject(o, "planned_dots_per_cm2", rounded(p->planned_per_cm2, 10));
    cJSON_AddNumberToObject(o, "dots_per_cm2", rounded(p->dots_per_cm2, 10));
    return o;
}

static cJSON *colour_json(const smp_measure_colour *c, int present) {
    if (!present) return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "linear_rgb", triple(c->rgb, 1e6));
    cJSON_AddNumberToObject(o, "luminance", rounded(c->luminance, 1e6));
    cJSON_AddItemToObject(o, "lab", triple(c->lab, 1e4));
    cJSON_AddNumberToObject(o, "darkening", rounded(c->darkening, 1e6));
    return o;
}

static void print_json(const measure_job *j, const smp_measure_result *r, double due) {
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "scene", j->scene.name);
    cJSON_AddNumberToObject(root, "distance_m", j->distance_m);
    cJSON_AddStringToObject(root, "light",
                            "uniform diffuse white (D65), radiance 1: lighting preset 'measure'");
    cJSON_AddNumberToObject(root, "patch_mm", r->view.patch_mm);
    cJSON_AddNumberToObject(root, "field_mm", r->view.field_mm);
    cJSON_AddNumberToObject(root, "size_px", r->view.size_px);
    cJSON_AddNumberToObject(root, "pixel_arcmin",
                            rounded(atan(r->view.field_mm / r->view.size_px / r->view.distance_mm) *
                                        180.0 * 60.0 / 3.14159265358979323846,
                                    1000));
    cJSON_AddStringToObject(root, "bare",
                            "the treated patch drawn without dots: the untreated client");
    cJSON *patches = cJSON_AddObjectToObject(root, "patches");
    cJSON_AddItemToObject(patches, "treated", patch_json(&r->treated));
    cJSON_AddItemToObject(patches, "fringe", patch_json(&r->fringe));
    cJSON_AddItemToObject(root, "fringe_hair_only",
                          colour_json(&r->fringe_hair_only, r->fringe.found));
    /* the model's touch-up-due year (smp/blend.h), years after completion; null if never */
    cJSON_AddItemToObject(root, "touch_up_due_years",
                          number_or_null(isfinite(due) ? due : NAN, 100));
    cJSON *years = cJSON_AddArrayToObject(root, "years");
    for (int i = 0; i < r->year_count; ++i) {
        const smp_measure_year *y = &r->years[i];
        cJSON *o = cJSON_CreateObject();
        char word[32];
        smp_year_word(y->year, word, sizeof word);
        cJSON_AddStringToObject(o, "year", word);
        if (y->treated_shown)
            cJSON_AddNumberToObject(o, "model_years", rounded(y->model_years, 1e4));
        else
            cJSON_AddNullToObject(o, "model_years");
        cJSON_AddItemToObject(o, "treated", colour_json(&y->treated, 1));
        cJSON_AddItemToObject(o, "fringe", colour_json(&y->fringe, r->fringe.found));
        cJSON_AddItemToObject(o, "bare", colour_json(&y->bare, 1));
        cJSON *de = cJSON_AddObjectToObject(o, "delta_e00");
        cJSON_AddItemToObject(de, "treated_fringe", number_or_null(y->de_treated_fringe, 1e4));
        cJSON_AddItemToObject(de, "treated_bare", number_or_null(y->de_treated_bare, 1e4));
        cJSON_AddItemToObject(de, "fringe_bare", number_or_null(y->de_fringe_bare, 1e4));
        cJSON_AddItemToArray(years, o);
    }
    char *text = cJSON_Print(root);
    if (text) printf("%s\n", text);
    free(text);
    cJSON_Delete(root);
}

static void print_patch(const char *name, const smp_measure_patch *p) {
    if (!p->found) {
        printf("  %-8s none: the client has no hair (alopecia totalis, or no hair grown)\n", name);
        return;
    }
    char short_of[64] = "";
    if (p->margin_mm < p->required_margin_mm)
        snprintf(short_of, sizeof short_of, ", short of the %.0f mm asked", p->required_margin_mm);
    printf("  %-8s azimuth %4.0f°, elevation %3.0f° (%.0f, %.0f, %.0f mm); %.0f mm inside its "
           "region%s; hair %.0f %%; dots %.0f/cm² planned, %.0f/cm² placed\n",
           name, p->azimuth_deg, p->elevation_deg, rounded(p->centre[0], 1),
           rounded(p->centre[1], 1), rounded(p->centre[2], 1), p->margin_mm, short_of,
           100.0 * p->hair, p->planned_per_cm2, p->dots_per_cm2);
}

static void print_table(const measure_job *j, const smp_measure_result *r, double due) {
    const smp_measure_view *v = &r->view;
    printf("%s\n", j->scene.name);
    printf("  seen from %.2f m, straight on; %.0f x %.0f mm patches averaged in linear light, "
           "%d px across %.0f mm\n",
           j->distance_m, v->patch_mm, v->patch_mm, v->size_px, v->field_mm);
    printf("  light: uniform diffuse white (D65), radiance 1 (lighting preset 'measure')\n");
    print_patch("treated", &r->treated);
    print_patch("fringe", &r->fringe);
    printf("  bare     the treated patch without dots (the untreated client): darkening 0 by "
           "definition\n");
    if (r->fringe.found)
        printf("  the fringe's hair alone (no dots): darkening %.1f %%\n",
               100.0 * r->fringe_hair_only.darkening);
    printf("\n  %-10s %7s  %-24s  %s\n", "", "model", "darkening (1 - Y/Y_bare)", "CIEDE2000");
    printf("  %-10s %7s  %7s %7s %7s   %9s %9s %9s\n", "time", "years", "treated", "fringe", "bare",
           "tr-fringe", "tr-bare", "fr-bare");
    for (int i = 0; i < r->year_count; ++i) {
        const smp_measure_year *y = &r->years[i];
        char word[32], model[16], fringe[16], d1[16], d3[16];
        smp_year_word(y->year, word, sizeof word);
        if (y->treated_shown)
            snprintf(model, sizeof model, "%.3f", y->model_years);
        else
            snprintf(model, sizeof model, "-");
        if (r->fringe.found) {
            snprintf(fringe, sizeof fringe, "%6.1f%%", 100.0 * y->fringe.darkening);
            snprintf(d1, sizeof d1, "%.2f", y->de_treated_fringe);
            snprintf(d3, sizeof d3, "%.2f", y->de_fringe_bare);
        } else {
            snprintf(fringe, sizeof fringe, "absent");
            snprintf(d1, sizeof d1, "-");
            snprintf(d3, sizeof d3, "-");
        }
        printf("  %-10s %7s  %6.1f%% %7s %6.1f%%   %9s %9.2f %9s\n", word, model,
               100.0 * y->treated.darkening, fringe, 100.0 * y->bare.darkening, d1,
               y->de_treated_bare, d3);
    }
    if (isfinite(due))
        printf("\n  touch-up due %.1f years after completion (the model's blend, smp/blend.h)\n",
               due);
    else if (!isnan(due))
        printf("\n  no touch-up due within 100 years (the model's blend, smp/blend.h)\n");
}

/* The model's touch-up-due year, in years after completion: INFINITY if never, NaN without a
 * model. */
static double touch_up_due(const smp_gl_session *h, const smp_scene *s) {
    double due;
    if (!h->p.model ||
        smp_blend_touch_up_due(h->p.model, &h->p.fringe, SMP_TISSUE_SKIN, &due, NULL) != SMP_OK)
        return NAN;
    return due - smp_scene_completion_years(s);
}

/* --- running ---------------------------------------------------------------------------- */

static int run(measure_job *j) {
    smp_error err = {0};
    double t0 = smp_clock_ms();
    smp_gl_session h;
    if (smp_gl_session_open(&h, j->gl.backend, j->gl.msaa, &j->scene, &err) != SMP_OK)
        return cli_fail("measure", &err);
    app_verbose_gl("measure", h.gl);
    app_verbose_pipeline("measure", &h.p);
    smp_measure_patch treated, fringe;
    int rc = CLI_EXIT_OK;
    if (smp_measure_find_patches(&h.p, &j->scene, j->patch_mm, &treated, &fringe, &err) != SMP_OK) {
        rc = cli_fail("measure", &err);
    } else {
        smp_measure_view v = smp_measure_view_default(j->distance_m * 1000.0, j->patch_mm);
        if (j->size_px) v.size_px = j->size_px;
        static smp_measure_result r;
        if (smp_measure_run(&h, &j->scene, &v, j->years.t, j->years.count, &treated, &fringe, &r,
                            &err) != SMP_OK)
            rc = cli_fail("measure", &err);
        else if (j->json)
            print_json(j, &r, touch_up_due(&h, &j->scene));
        else
            print_table(j, &r, touch_up_due(&h, &j->scene));
        fflush(stdout);
        if (rc == CLI_EXIT_OK && !j->quiet)
            fprintf(stderr, "smpsim measure: %s via %s; %zu dots; %d times in %.0f ms\n",
                    smp_gl_context_renderer(h.gl),
                    smp_gl_backend_name(smp_gl_context_backend(h.gl)), h.p.dots.count,
                    j->years.count, smp_clock_ms() - t0);
    }
    smp_gl_session_close(&h);
    return rc;
}

int cmd_measure(int argc, char **argv) {
    static measure_job j;
    memset(&j, 0, sizeof j);
    j.years = (cli_times){{SMP_YEAR_HEALED, 1, 3, 5, 10}, 5};
    j.distance_m = 1.2, j.patch_mm = 20;
    j.gl = (cli_gl_args)CLI_GL_ARGS_DEFAULT;
    const cli_group groups[] = {{smp_scene_arg_options, &j.scene_arg},
                                {k_options, &j},
                                {cli_msaa_options, &j.gl},
                                {cli_gl_options, &j.gl}};
    int rc = cli_parse(&k_command, groups, 4, argc, argv);
    if (rc != CLI_PARSED) return rc;
    j.quiet = cli_common.quiet;
    if ((rc = smp_scene_args_load("measure", &j.scene_arg, &j.scene))) return rc;
    return run(&j);
}
