/* smpsim bench age: dots per second of the skin, ink and ageing model, and the plots of
 * docs/MODEL.md (--plot DIR), drawn here as SVG so the docs come from the model itself. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "smp/age.h"
#include "smp/blend.h"
#include "smp/cli.h"
#include "smp/cli_options.h"
#include "smp/clock.h"
#include "smp/fsio.h"
#include "smp/gl_session.h"
#include "smp/pipeline.h"
#include "smp/progress.h"
#include "smp/scene_args.h"
#include "smp/simd.h"
#include "verbose.h"

static const cli_command k_command = {
    .name = "bench age",
    .about = "Evaluates the skin, ink and ageing model for a synthetic dot set (default plan,\n"
             "MST 4 skin, realistic radii and depths, a few scar dots), or with SCENE (or --set)\n"
             "that scene's own dots and model, at one year, per SIMD path and thread count: after "
             "one warm-up run, the statistics of the\n"
             "timed runs (7 by default), and from the median the dots per second and the memory\n"
             "traffic it implies (7 bytes read and 20 written per dot). The context (machine,\n"
             "build, date, load) comes first; a warning says when the figures are not to be\n"
             "trusted (bench/README.md). With --plot it instead writes the contrast-over-years\n"
             "charts of docs/MODEL.md as SVG files.\n",
};

typedef struct bench_args {
    smp_scene_args scene;
    bench_common c;
    long dots; /* 0: not given */
    double year;
    const char *plot_dir;
} bench_args;

static const cli_option k_options[] = {
    CLI_INT("dots", "N",
            "dots of the synthetic set, {range} (default: 10000000; not with SCENE, whose own "
            "dots are timed)",
            bench_args, dots, 1, 200000000),
    CLI_NUMBER("years", "Y", "the year evaluated, {range} (default: 1)", bench_args, year, 0, 200),
    CLI_STRING("plot", "DIR", "write the model's charts into DIR and exit", bench_args, plot_dir),
    {0},
};

/* ---- The default plan, shared by the benchmark and the plots ---------------------------- */

typedef struct scenario {
    int mst, fitzpatrick;
    double hours, spf, depth_mm;
    smp_tissue tissue;
} scenario;

static const scenario k_default = {4, 3, 1.0, 1.0, 0.4, SMP_TISSUE_SKIN};

static smp_status make_model(const scenario *sc, smp_skin *skin, smp_age_model **m,
                             smp_error *err) {
    smp_status st = smp_skin_resolve(
        &(smp_skin_desc){.mst = sc->mst, .fitzpatrick = sc->fitzpatrick}, skin, err);
    if (st != SMP_OK) return st;
    smp_age_session s[3];
    const double dilution[3] = {0.6, 0.45, 0.35};
    for (int i = 0; i < 3; ++i)
        s[i] = (smp_age_session){.t_years = 21.0 * i / 365.25,
                                 .dilution = dilution[i],
                                 .density_per_cm2 = (i == 0 ? 24.0 : 32.0),
                                 .depth_mm = sc->depth_mm};
    smp_age_desc d = {.skin = skin,
                      .sessions = s,
                      .session_count = 3,
                      .outdoor_hours_per_day = sc->hours,
                      .sunscreen_spf = sc->spf};
    return smp_age_create(&d, m, err);
}

/* ---- Plots ------------------------------------------------------------------------------- */

enum { PLOT_POINTS = 601, PLOT_MAX_SERIES = 4 };
#define PLOT_YEARS 15.0

typedef struct series {
    const char *label, *colour;
    scenario sc;
    double y[PLOT_POINTS];
    double due;
} series;

typedef struct chart {
    const char *file, *title, *y_label;
    int spread; /* 1: plot the footprint's full width at half maximum, not contrast */
    int count;
    series s[PLOT_MAX_SERIES];
} chart;

static smp_status fill_series(series *se, int spread, smp_error *err) {
    smp_skin skin;
    smp_age_model *m = NULL;
    if (make_model(&se->sc, &skin, &m, err) != SMP_OK) return err->status;
    for (int i = 0; i < PLOT_POINTS; ++i) {
        smp_area_state a;
        smp_age_area(m, PLOT_YEARS * i / (PLOT_POINTS - 1), se->sc.tissue, &a, NULL);
        se->y[i] = spread ? 2.3548 * a.sigma_mm : 100.0 * a.dot_contrast;
    }
    smp_blend_touch_up_due(m, NULL, se->sc.tissue, &se->due, NULL);
    smp_age_destroy(m);
    return SMP_OK;
}

static double nice_top(double v) {
    const double steps[] = {0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100};
    for (size_t i = 0; i < sizeof steps / sizeof *steps; ++i)
        if (v <= steps[i] * 5.0) return steps[i] * ceil(v / steps[i]);
    return ceil(v);
}

static smp_status write_chart(const char *dir, chart *c, smp_error *err) {
    double top = 0.0;
    for (int k = 0; k < c->count; ++k) {
        if (fill_series(&c->s[k], c->spread, err) != SMP_OK) return err->status;
        for (int i = 0; i < PLOT_POINTS; ++i)
            if (c->s[k].y[i] > top) top = c->s[k].y[i];
    }
    top = nice_top(top * 1.05);
    char path[SMP_PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, c->file);
    smp_atomic_file f;
    if (smp_atomic_file_open(&f, path, err) != SMP_OK) return err->status;
    FILE *o = f.stream;
    const double W = 720, H = 420, L = 70, R = 20, T = 48, B = 56;
    const double pw = W - L - R, ph = H - T - B;
    fprintf(o,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" "
            "viewBox=\"0 0 %g %g\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" "
            "font-size=\"13\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n"
            "<text x=\"%g\" y=\"26\" font-size=\"16\" font-weight=\"bold\">%s</text>\n",
            W, H, W, H, L, c->title);
    for (int i = 0; i <= 5; ++i) { /* horizontal grid and y ticks */
        double v = top * i / 5.0, y = T + ph - ph * i / 5.0;
        fprintf(o,
                "<line x1=\"%g\" y1=\"%.1f\" x2=\"%g\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>\n"
                "<text x=\"%g\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n",
                L, y, L + pw, y, L - 8, y + 4, v);
    }
    for (int yr = 0; yr <= (int)PLOT_YEARS; yr += 1) { /* x ticks every year, labels every 3 */
        double x = L + pw * yr / PLOT_YEARS;
        fprintf(o, "<line x1=\"%.1f\" y1=\"%g\" x2=\"%.1f\" y2=\"%g\" stroke=\"%s\"/>\n", x, T, x,
                T + ph, yr % 3 ? "#f2f2f2" : "#e4e4e4");
        if (yr % 3 == 0)
            fprintf(o, "<text x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">%d</text>\n", x,
                    T + ph + 18, yr);
    }
    fprintf(o,
            "<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" fill=\"none\" stroke=\"#444\"/>\n"
            "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">years after the first session</text>\n"
            "<text transform=\"translate(18 %g) rotate(-90)\" text-anchor=\"middle\">%s</text>\n",
            L, T, pw, ph, L + pw / 2, H - 14, T + ph / 2, c->y_label);
    for (int k = 0; k < c->count; ++k) {
        const series *s = &c->s[k];
        fprintf(o, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", s->colour);
        for (int i = 0; i < PLOT_POINTS; ++i)
            fprintf(o, "%.1f,%.1f ", L + pw * i / (PLOT_POINTS - 1), T + ph - ph * s->y[i] / top);
        fprintf(o, "\"/>\n");
        if (!c->spread && s->due <= PLOT_YEARS) { /* touch-up due: a dashed mark */
            double x = L + pw * s->due / PLOT_YEARS;
            fprintf(o,
                    "<line x1=\"%.1f\" y1=\"%g\" x2=\"%.1f\" y2=\"%g\" stroke=\"%s\" "
                    "stroke-dasharray=\"4 4\"/>\n",
                    x, T, x, T + ph, s->colour);
        }
        /* legend where the curves are not: top right for falling ones, lower right for rising */
        double ly = c->spread ? T + ph - 14 - 18 * (c->count - 1 - k) : T + 18 + 18 * k;
        fprintf(o,
                "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"%s\" "
                "stroke-width=\"2\"/>\n<text x=\"%g\" y=\"%g\">%s",
                L + pw - 250, ly, L + pw - 226, ly, s->colour, L + pw - 220, ly + 4, s->label);
        if (!c->spread) {
            if (isfinite(s->due))
                fprintf(o, " (touch-up %.1f y)", s->due);
            else
                fprintf(o, " (no touch-up)");
        }
        fprintf(o, "</text>\n");
    }
    fprintf(o, "</svg>\n");
    if (ferror(o)) {
        smp_atomic_file_abort(&f);
        return smp_error_set(err, SMP_ERR_IO, "%s: write failed", path);
    }
    return smp_atomic_file_commit(&f, err);
}

static int run_plots(const char *dir) {
    smp_error err = {0};
    if (smp_mkdir_p(dir, &err) != SMP_OK || smp_check_writable_dir(dir, &err) != SMP_OK)
        return cli_usage_error("bench age", "--plot: %s", err.message);
    scenario d = k_default;
    scenario light = d, medium = d, dark = d, indoor = d, sun = d, spf = d, lin = d, burn = d,
             deep = d, shallow = d, mid = d;
    light.mst = 2;
    dark.mst = 8;
    dark.fitzpatrick = 5;
    indoor.hours = 0;
    sun.hours = 3;
    spf.hours = 3;
    spf.spf = 30;
    lin.tissue = SMP_TISSUE_SCAR_LINEAR;
    burn.tissue = SMP_TISSUE_SCAR_BURN;
    deep.depth_mm = 1.2;
    mid.depth_mm = 0.8;
    shallow.depth_mm = 0.2;
    const char *c0 = "#1b6ca8", *c1 = "#d9822b", *c2 = "#2e8b57", *c3 = "#8e44ad";
    chart charts[] = {
        {"contrast_skin.svg",
         "Dot contrast by skin tone (1 h/day outdoors, no sunscreen)",
         "dot contrast, %",
         0,
         3,
         {{"MST 2, Fitzpatrick III", c0, light, {0}, 0},
          {"MST 4, Fitzpatrick III", c1, medium, {0}, 0},
          {"MST 8, Fitzpatrick V", c2, dark, {0}, 0}}},
        {"contrast_sun.svg",
         "Sun and sunscreen (MST 4, Fitzpatrick III)",
         "dot contrast, %",
         0,
         3,
         {{"indoors", c0, indoor, {0}, 0},
          {"3 h/day outdoors, no sunscreen", c1, sun, {0}, 0},
          {"3 h/day outdoors, SPF 30", c2, spf, {0}, 0}}},
        {"contrast_scar.svg",
         "Scar tissue vs normal scalp (MST 4)",
         "dot contrast, %",
         0,
         3,
         {{"normal scalp", c0, d, {0}, 0},
          {"linear scar (FUT strip)", c1, lin, {0}, 0},
          {"burn scar", c2, burn, {0}, 0}}},
        {"contrast_depth.svg",
         "Pigment depth (MST 4)",
         "dot contrast, %",
         0,
         4,
         {{"0.2 mm", c3, shallow, {0}, 0},
          {"0.4 mm (correct)", c0, d, {0}, 0},
          {"0.8 mm", c1, mid, {0}, 0},
          {"1.2 mm (too deep)", c2, deep, {0}, 0}}},
        {"spread_depth.svg",
         "Dot width over the years (MST 4)",
         "dot width (FWHM), mm",
         1,
         3,
         {{"0.4 mm deep (correct)", c0, d, {0}, 0},
          {"1.2 mm deep (too deep)", c2, deep, {0}, 0},
          {"0.4 mm, linear scar", c1, lin, {0}, 0}}},
    };
    for (size_t i = 0; i < sizeof charts / sizeof *charts; ++i) {
        if (write_chart(dir, &charts[i], &err) != SMP_OK) return cli_fail("bench age", &err);
        printf("%s/%s\n", dir, charts[i].file);
    }
    return CLI_EXIT_OK;
}

/* ---- Benchmark --------------------------------------------------------------------------- */

typedef struct dot_arrays {
    uint16_t *radius, *depth;
    uint8_t *ink, *session, *tissue;
    float *out[5];
} dot_arrays;

static void free_arrays(dot_arrays *a) {
    free(a->radius);
    free(a->depth);
    free(a->ink);
    free(a->session);
    free(a->tissue);
    for (int i = 0; i < 5; ++i) free(a->out[i]);
}

static int alloc_arrays(dot_arrays *a, size_t n) {
    *a = (dot_arrays){0};
    a->radius = malloc(n * 2);
    a->depth = malloc(n * 2);
    a->ink = malloc(n);
    a->session = malloc(n);
    a->tissue = malloc(n);
    int ok = a->radius && a->depth && a->ink && a->session && a->tissue;
    for (int i = 0; i < 5; ++i) ok = (a->out[i] = malloc(n * sizeof(float))) && ok;
    if (!ok) return 0;
    uint64_t x = 0x2545f4914f6cdd1dull; /* fixed seed: every run times the same dots */
    for (size_t i = 0; i < n; ++i) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        a->radius[i] = (uint16_t)(60 + (x >> 8) % 31);
        a->depth[i] = (uint16_t)(300 + (x >> 16) % 201);
        a->session[i] = (uint8_t)((x >> 32) % 3);
        a->ink[i] = (uint8_t)(a->session[i] == 0 ? 102 : a->session[i] == 1 ? 140 : 166);
        a->tissue[i] = (uint8_t)((x >> 40) % 20 == 0 ? SMP_TISSUE_SCAR_LINEAR : SMP_TISSUE_SKIN);
        for (int k = 0; k < 5; ++k) a->out[k][i] = 0.0f; /* fault the pages in before timing */
    }
    return 1;
}

/* The scene's pipeline: its dots and model (p->model), built once, untimed. */
static int scene_input(const bench_args *ba, smp_pipeline *p) {
    static smp_scene scene;
    int rc = smp_scene_args_load("bench age", &ba->scene, &scene);
    if (rc) return rc;
    smp_error err = {0};
    if (smp_pipeline_build(&scene, SMP_PIPELINE_ALL, p, &err) != SMP_OK)
        return cli_fail("bench age", &err);
    app_verbose_pipeline("bench age", p);
    if (p->dots.count == 0 || !p->model) {
        smp_pipeline_free(p);
        return cli_usage_error("bench age", "the scene has no dots to evaluate (its plan places "
                                            "none)");
    }
    return 0;
}

static int run_bench(const bench_args *ba) {
    const char *cmd = "bench age";
    int from_scene = ba->scene.path || ba->scene.set_count;
    static smp_pipeline pipe;
    smp_error err = {0};
    smp_skin skin;
    smp_age_model *m = NULL;
    int rc = from_scene ? scene_input(ba, &pipe) : 0;
    if (rc) return rc;
    if (!from_scene && make_model(&k_default, &skin, &m, &err) != SMP_OK)
        return cli_fail(cmd, &err);
    size_t n = from_scene ? pipe.dots.count : (size_t)ba->dots;
    dot_arrays a;
    if (!alloc_arrays(&a, n)) {
        free_arrays(&a);
        if (from_scene)
            smp_pipeline_free(&pipe);
        else
            smp_age_destroy(m);
        fprintf(stderr, "smpsim bench age: out of memory for %zu dots\n", n);
        return CLI_EXIT_FAILURE;
    }
    smp_dot_attrs in = {a.radius, a.depth, a.ink, a.session, a.tissue};
    if (from_scene) {
        in = smp_dot_attrs_of(&pipe.dots);
        m = pipe.model;
    }
    smp_dot_look out = {.sigma_mm = a.out[0],
                        .pigment = a.out[1],
                        .trans_r = a.out[2],
                        .trans_g = a.out[3],
                        .trans_b = a.out[4]};
    int runs = (int)ba->c.runs;
    smp_simd_path paths[SMP_SIMD_COUNT];
    int path_count = bench_simd_paths(&ba->c, paths);
    const bench_threads *threads = &ba->c.threads;
    static smp_bench_report r;
    smp_bench_begin(&r, "age");
    if (from_scene) {
        smp_bench_context_text(&r, "scene", ba->scene.path ? ba->scene.path : "(built-in default)");
        bench_context_mesh(&r, pipe.head_source, pipe.imported, pipe.head.triangle_count);
        smp_bench_context_text(&r, "model", "the scene's skin, plan and lifestyle, its own dots");
    } else {
        smp_bench_context_text(&r, "model",
                               "synthetic: MST 4, Fitzpatrick III skin, 3 sessions at "
                               "0.4 mm, 1 h/day outdoors");
    }
    smp_bench_context_number(&r, "bytes_per_dot", 27, 0);
    bench_context_simd(&r, &ba->c);
    double *ms = malloc(sizeof(double) * (size_t)runs);
    rc = ms ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
    smp_progress pg;
    smp_progress_begin(&pg, cmd, path_count * threads->count * (runs + 1), cli_common.quiet);
    for (int p = 0; p < path_count && rc == CLI_EXIT_OK; ++p)
        for (int k = 0; k < threads->count && rc == CLI_EXIT_OK; ++k) {
            for (int i = -1; i < runs && rc == CLI_EXIT_OK; ++i) { /* one warm-up run */
                double t0 = smp_clock_ms();
                if (smp_age_eval_path(m, ba->year, &in, 0, n, &out, threads->n[k], paths[p],
                                      &err) != SMP_OK)
                    rc = cli_fail(cmd, &err);
                double t = smp_clock_ms() - t0;
                if (i >= 0) ms[i] = t;
                if (cli_common.verbose)
                    fprintf(stderr, "smpsim bench age: %s %d thread%s %s %d: %.3f ms\n",
                            smp_simd_name(paths[p]), threads->n[k], threads->n[k] == 1 ? "" : "s",
                            i < 0 ? "warm-up" : "run", i + 1, t);
                smp_progress_step(&pg);
            }
            if (rc != CLI_EXIT_OK) break;
            smp_bench_row *row = smp_bench_row_add(&r);
            if (!row) break;
            smp_bench_param_text(row, "simd", smp_simd_name(paths[p]));
            smp_bench_param_number(row, "threads", threads->n[k], 0);
            smp_bench_param_number(row, "dots", (double)n, 0);
            smp_bench_param_number(row, "year", ba->year, 2);
            smp_bench_stats_of(ms, runs, &row->ms);
            double rate = (double)n / (row->ms.median * 1e-3);
            smp_bench_figure(row, "dots_per_s", rate, 0);
            smp_bench_figure(row, "gb_per_s", 27.0 * rate / 1e9, 2);
        }
    smp_progress_end(&pg);
    free(ms);
    free_arrays(&a);
    if (from_scene)
        smp_pipeline_free(&pipe);
    else
        smp_age_destroy(m);
    return rc == CLI_EXIT_OK ? bench_finish(cmd, &r, &ba->c) : rc;
}

int bench_age(int argc, char **argv) {
    static bench_args a;
    memset(&a, 0, sizeof a);
    a.c = (bench_common)BENCH_COMMON_DEFAULT;
    a.year = 1.0;
    const cli_group groups[] = {{smp_scene_arg_options, &a.scene},
                                {k_options, &a},
                                {bench_cpu_options, &a.c},
                                {bench_runs_options, &a.c},
                                {bench_output_options, &a.c}};
    int rc = cli_parse(&k_command, groups, 5, argc, argv);
    if (rc != CLI_PARSED) return rc;
    if (a.plot_dir) return run_plots(a.plot_dir);
    if ((rc = bench_check_common("bench age", &a.c, 0))) return rc;
    if (a.c.runs == 0) a.c.runs = 7;
    if (a.dots && (a.scene.path || a.scene.set_count))
        return cli_usage_error("bench age", "--dots sizes the synthetic dot set: with a scene its "
                                            "own dots are timed (set plan.dot_count instead)");
    if (!a.dots) a.dots = 10000000;
    return run_bench(&a);
}
