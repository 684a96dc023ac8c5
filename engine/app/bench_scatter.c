/* smpsim bench scatter: dots per second of the scatter core per rule, size, SIMD path and
 * thread count, against the machine's own measured write bandwidth. */
#include <math.h>
#include <omp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "smp/cli.h"
#include "smp/cli_options.h"
#include "smp/dots.h"
#include "smp/progress.h"
#include "smp/scatter.h"
#include "smp/scene_args.h"

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The write-bandwidth probe: a buffer far larger than any cache, touched once so page faults
 * do not count. One memset of it, split over `threads`, is what this machine can write. It
 * is timed between every row's runs, not only once up front: a shared machine's speed
 * drifts within a bench, so the bound is the best rate seen over the whole run, and each
 * row also reports the best it saw between its own runs, to show the drift. */
typedef struct bw_probe {
    unsigned char *buf;
    size_t bytes;
} bw_probe;

static int bw_probe_init(bw_probe *b, size_t bytes) {
    b->bytes = bytes;
    b->buf = malloc(bytes);
    if (b->buf) memset(b->buf, 1, bytes);
    return b->buf != NULL;
}

/* Bytes per second of one memset of the probe on `threads` threads. */
static double bw_probe_rate(const bw_probe *b, int threads, int fill) {
    double t0 = now_s();
#pragma omp parallel num_threads(threads)
    {
        int n = omp_get_num_threads(), i = omp_get_thread_num();
        size_t chunk = b->bytes / (size_t)n;
        size_t len = i == n - 1 ? b->bytes - chunk * (size_t)i : chunk;
        memset(b->buf + chunk * (size_t)i, fill, len);
    }
    double t = now_s() - t0;
    /* read a byte back so the stores cannot be elided */
    volatile unsigned char sink = b->buf[b->bytes / 2];
    (void)sink;
    return (double)b->bytes / t;
}

/* One row to time: a rule, a size, a path and a thread count (entry k of --threads). */
typedef struct row {
    smp_scatter_rule rule;
    size_t n;
    smp_simd_path simd;
    int k, runs;
    smp_bench_stats ms;
    double bw; /* bytes per second of the memsets timed between this row's runs (best) */
    smp_blue_quality quality; /* blue noise, measured once per row, untimed */
} row;

static const cli_command k_command = {
    .name = "bench scatter",
    .about =
        "Times the scatter core on a scene's head (the default scene without SCENE) at 80\n"
        "dots/cm² over its plan's regions, for N = 10^4, 10^5, ... up to --max (Poisson) and\n"
        "--blue-max (blue noise), per SIMD path and thread count. Each row gives the statistics\n"
        "of its timed runs (5 by default; 2 for N >= 10^6 and for blue noise), and from the\n"
        "median: dots per second, the bytes written per second and that as a share of the\n"
        "machine's measured write bandwidth (the best memset of 256 MiB, timed before the rows\n"
        "and before every run). Blue-noise rows also give the packing's quality, untimed.\n"
        "The context (machine, build, date, load) comes first; a warning says when the figures\n"
        "are not to be trusted (bench/README.md).\n",
};

typedef struct bench_args {
    smp_scene_args scene;
    bench_common c;
    long max_n, blue_max;
} bench_args;

static const cli_option k_options[] = {
    CLI_INT("max", "N", "largest Poisson N, {range} (default 10000000)", bench_args, max_n, 10000,
            100000000),
    CLI_INT("blue-max", "N", "largest blue-noise N, {range} (default 100000)", bench_args, blue_max,
            10000, 100000000),
    {0},
};

/* One run of the bench: the head, the dots every row reuses, the bandwidth probe, the rows. */
typedef struct bench {
    const bench_args *a;
    smp_mesh head;
    float *density;
    scatter_scene_plan plan;
    smp_dots dots;
    bw_probe probe;
    double bw[BENCH_MAX_THREAD_COUNTS]; /* per thread count: the best memset rate of the run */
    row rows[SMP_BENCH_MAX_ROWS];
    int row_count;
} bench;

/* Touches every page of the dots once so no run pays for first-touch faults. */
static void touch(smp_dots *dots, size_t cap) {
    memset(dots->x, 0, cap * 4);
    memset(dots->y, 0, cap * 4);
    memset(dots->z, 0, cap * 4);
    memset(dots->normal, 0, cap * 4);
    memset(dots->triangle, 0, cap * 4);
    memset(dots->bary_u, 0, cap * 2);
    memset(dots->bary_v, 0, cap * 2);
    memset(dots->radius_um, 0, cap * 2);
    memset(dots->depth_um, 0, cap * 2);
    memset(dots->ink, 0, cap);
    memset(dots->session, 0, cap);
    memset(dots->tissue, 0, cap);
}

/* The scene's head at a uniform 80 dots/cm² over its plan's regions, the dots for the largest
 * N, and the bandwidth probe with a first bound per thread count. */
static smp_status bench_open(bench *b, smp_error *err) {
    smp_status st = scatter_scene_input("bench scatter", &b->a->scene, 80.0, &b->head, &b->density,
                                        &b->plan, err);
    size_t cap = (size_t)(b->a->max_n > b->a->blue_max ? b->a->max_n : b->a->blue_max);
    if (st == SMP_OK) st = smp_dots_alloc(&b->dots, cap, 0, err);
    if (st != SMP_OK) return st;
    touch(&b->dots, cap);
    if (!bw_probe_init(&b->probe, (size_t)256 << 20))
        return smp_error_set(err, SMP_ERR_NOMEM, "out of memory for the 256 MiB bandwidth probe");
    const bench_threads *t = &b->a->c.threads;
    for (int k = 0; k < t->count; ++k)
        for (int rep = 0; rep < 3; ++rep)
            b->bw[k] = fmax(b->bw[k], bw_probe_rate(&b->probe, t->n[k], rep + 2));
    return SMP_OK;
}

static void bench_close(bench *b) {
    free(b->probe.buf);
    smp_dots_free(&b->dots);
    free(b->density);
    smp_mesh_free(&b->head);
}

/* The rows, before any is timed: both rules, each N, each path, each thread count. */
static void plan_rows(bench *b) {
    const bench_args *a = b->a;
    smp_simd_path paths[SMP_SIMD_COUNT];
    int path_count = bench_simd_paths(&a->c, paths);
    static const smp_scatter_rule rules[] = {SMP_SCATTER_POISSON, SMP_SCATTER_BLUE};
    for (int r = 0; r < 2; ++r) {
        long top = rules[r] == SMP_SCATTER_POISSON ? a->max_n : a->blue_max;
        for (long n = 10000; n <= top; n *= 10)
            for (int p = 0; p < path_count; ++p) {
                /* blue noise has no vector kernel: one path says it all */
                if (rules[r] == SMP_SCATTER_BLUE && p != path_count - 1) continue;
                for (int k = 0; k < a->c.threads.count && b->row_count < SMP_BENCH_MAX_ROWS; ++k)
                    b->rows[b->row_count++] = (row){
                        .rule = rules[r],
                        .n = (size_t)n,
                        .simd = paths[p],
                        .k = k,
                        .runs = a->c.runs                                      ? (int)a->c.runs
                                : n >= 1000000 || rules[r] == SMP_SCATTER_BLUE ? 2
                                                                               : 5,
                    };
            }
    }
}

/* Times one row's runs, each after a memset of the probe. */
static smp_status time_row(bench *b, row *out, smp_progress *pg, smp_error *err) {
    smp_scatter_desc d = {.mesh = &b->head,
                          .density_per_cm2 = b->density,
                          .rule = out->rule,
                          .seed = 1,
                          .count = out->n,
                          .threads = b->a->c.threads.n[out->k]};
    double ms[10000], best_bw = 0.0;
    smp_scatter_info info = {0};
    smp_status st = SMP_OK;
    for (int r = 0; r < out->runs && st == SMP_OK; ++r) {
        best_bw = fmax(best_bw, bw_probe_rate(&b->probe, d.threads, r + 2));
        b->dots.count = 0;
        double t0 = now_s();
        st = smp_scatter_path(&d, out->simd, &b->dots, &info, err);
        ms[r] = (now_s() - t0) * 1e3;
        if (cli_common.verbose)
            fprintf(stderr, "smpsim bench scatter: %s N=%zu %s %d thread%s run %d: %.3f ms\n",
                    smp_scatter_rule_name(out->rule), out->n, smp_simd_name(out->simd), d.threads,
                    d.threads == 1 ? "" : "s", r + 1, ms[r]);
        smp_progress_step(pg);
    }
    if (st != SMP_OK) return st;
    smp_bench_stats_of(ms, out->runs, &out->ms);
    out->bw = best_bw;
    b->bw[out->k] = fmax(b->bw[out->k], best_bw);
    /* the packing's quality, untimed: the smallest spacing against the one asked for, and the
     * share of probes where one more dot would fit */
    if (out->rule == SMP_SCATTER_BLUE)
        st = smp_scatter_blue_quality(&d, info.spacing_scale, &b->dots, SCATTER_QUALITY_PROBES,
                                      &out->quality, err);
    return st;
}

static smp_status time_rows(bench *b, smp_error *err) {
    int total = 0;
    for (int i = 0; i < b->row_count; ++i) total += b->rows[i].runs;
    smp_progress pg;
    smp_progress_begin(&pg, "bench scatter", total, cli_common.quiet);
    smp_status st = SMP_OK;
    for (int i = 0; i < b->row_count && st == SMP_OK; ++i) st = time_row(b, &b->rows[i], &pg, err);
    smp_progress_end(&pg);
    return st;
}

static void report(const bench *b, smp_bench_report *r) {
    const bench_args *a = b->a;
    smp_bench_context_text(r, "scene", a->scene.path ? a->scene.path : "(built-in default)");
    bench_context_mesh(r, b->plan.head_source, b->plan.imported, b->head.triangle_count);
    smp_bench_context_number(r, "density_per_cm2", 80, 0);
    smp_bench_context_number(r, "bytes_per_dot", SMP_DOT_BYTES, 0);
    bench_context_simd(r, &a->c);
    for (int k = 0; k < a->c.threads.count; ++k) {
        char key[40];
        snprintf(key, sizeof key, "memset_gb_per_s_%dt", a->c.threads.n[k]);
        smp_bench_context_number(r, key, b->bw[k] / 1e9, 2);
    }
    for (int i = 0; i < b->row_count; ++i) {
        const row *w = &b->rows[i];
        smp_bench_row *out = smp_bench_row_add(r);
        if (!out) break;
        smp_bench_param_text(out, "rule", smp_scatter_rule_name(w->rule));
        smp_bench_param_number(out, "count", (double)w->n, 0);
        smp_bench_param_text(out, "simd", smp_simd_name(w->simd));
        smp_bench_param_number(out, "threads", a->c.threads.n[w->k], 0);
        out->ms = w->ms;
        double rate = (double)w->n / (w->ms.median * 1e-3);
        smp_bench_figure(out, "dots_per_s", rate, 0);
        smp_bench_figure(out, "gb_per_s", rate * SMP_DOT_BYTES / 1e9, 4);
        smp_bench_figure(out, "memset_gb_per_s", w->bw / 1e9, 2);
        smp_bench_figure(out, "bandwidth_fraction", rate * SMP_DOT_BYTES / b->bw[w->k], 6);
        if (w->rule == SMP_SCATTER_BLUE) {
            smp_bench_figure(out, "min_spacing_ratio", w->quality.min_spacing_ratio, 5);
            smp_bench_figure(out, "gap_fraction", w->quality.gap_fraction, 6);
        }
    }
}

int bench_scatter(int argc, char **argv) {
    static bench_args a;
    memset(&a, 0, sizeof a);
    a.max_n = 10000000, a.blue_max = 100000;
    a.c = (bench_common)BENCH_COMMON_DEFAULT;
    const cli_group groups[] = {{smp_scene_arg_options, &a.scene},
                                {k_options, &a},
                                {bench_cpu_options, &a.c},
                                {bench_runs_options, &a.c},
                                {bench_output_options, &a.c}};
    int rc = cli_parse(&k_command, groups, 5, argc, argv);
    if (rc != CLI_PARSED) return rc;
    if ((rc = bench_check_common("bench scatter", &a.c, 1))) return rc;
    static smp_bench_report r;
    smp_bench_begin(&r, "scatter");
    static bench b;
    memset(&b, 0, sizeof b);
    b.a = &a;
    smp_error err = {0};
    plan_rows(&b);
    if (bench_open(&b, &err) != SMP_OK || time_rows(&b, &err) != SMP_OK) {
        rc = cli_fail("bench scatter", &err);
    } else {
        report(&b, &r);
        rc = bench_finish("bench scatter", &r, &a.c);
    }
    bench_close(&b);
    return rc;
}
