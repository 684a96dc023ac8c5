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
#include "smp/scatter.h"
#include "smp/scene_args.h"

/* From cmd_scatter.c: the stand-in scene both commands share. */

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

typedef struct row {
    smp_scatter_rule rule;
    size_t n;
    smp_simd_path simd;
    int threads;
    double secs;
    double bw; /* bytes per second of the memsets timed between this row's runs (best) */
    double spacing_scale;
    smp_blue_quality quality; /* blue noise, measured once per N */
} row;

static const cli_command k_command = {
    .name = "bench scatter",
    .about = "Dots per second of the scatter core on the default scene's head (80 dots/cm² over\n"
             "its plan's regions) for N = 10^4 ... --max, per rule, SIMD path and thread count;\n"
             "the bytes per dot, the machine's measured write bandwidth (the best memset of\n"
             "256 MiB, timed before the rows and between every row's runs) and the fraction of\n"
             "it reached; each row also shows the best memset between its own runs.\n"
             "Each figure is the best of several runs. Shared machines are noisy: compare ratios\n"
             "measured in one run.\n",
};

enum { MAX_THREAD_COUNTS = 8 };

typedef struct thread_list {
    int n[MAX_THREAD_COUNTS];
    int count;
} thread_list;

typedef struct bench_args {
    long max_n, blue_max;
    int json;
    thread_list threads;
} bench_args;

/* --threads: comma-separated thread counts, each 1..256. */
static smp_status parse_threads(const char *option, const char *text, void *dst, smp_error *err) {
    thread_list *list = dst;
    char buf[128], *items[MAX_THREAD_COUNTS];
    snprintf(buf, sizeof buf, "%s", text);
    int n = cli_split_list(buf, items, MAX_THREAD_COUNTS);
    if (n < 1)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "%s: expected a list like 1,2", option);
    for (int k = 0; k < n; ++k) {
        long t;
        if (cli_parse_int(option, items[k], 1, 256, &t, err) != SMP_OK) return err->status;
        list->n[k] = (int)t;
    }
    list->count = n;
    return SMP_OK;
}

static const cli_option k_options[] = {
    CLI_INT("max", "N", "largest Poisson N, {range} (default 10000000)", bench_args, max_n, 10000,
            100000000),
    CLI_INT("blue-max", "N", "largest blue-noise N, {range} (default 100000)", bench_args, blue_max,
            10000, 100000000),
    CLI_PARSE("threads", "LIST", "thread counts, comma-separated (default 1,2)", bench_args,
              threads, parse_threads),
    CLI_FLAG(0, "json", "one JSON object instead of a table", bench_args, json),
    {0},
};

enum { MAX_ROWS = 256 };

/* One run of the bench: the head, the dots every row reuses, the bandwidth probe, the rows. */
typedef struct bench {
    const bench_args *a;
    smp_mesh head;
    float *density;
    smp_dots dots;
    bw_probe probe;
    double bw[MAX_THREAD_COUNTS]; /* per thread count: the best memset rate of the whole run */
    row rows[MAX_ROWS];
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

/* The default scene's head at a uniform 80 dots/cm² over its plan's regions, the dots for the
 * largest N, and the bandwidth probe with a first bound per thread count. */
static smp_status bench_open(bench *b, smp_error *err) {
    smp_scene_args scene_arg = {0};
    scatter_scene_plan plan;
    smp_status st = scatter_scene_input(&scene_arg, 80.0, &b->head, &b->density, &plan, err);
    size_t cap = (size_t)(b->a->max_n > b->a->blue_max ? b->a->max_n : b->a->blue_max);
    if (st == SMP_OK) st = smp_dots_alloc(&b->dots, cap, 0, err);
    if (st != SMP_OK) return st;
    touch(&b->dots, cap);
    if (!bw_probe_init(&b->probe, (size_t)256 << 20))
        return smp_error_set(err, SMP_ERR_NOMEM, "out of memory for the 256 MiB bandwidth probe");
    for (int k = 0; k < b->a->threads.count; ++k)
        for (int rep = 0; rep < 3; ++rep)
            b->bw[k] = fmax(b->bw[k], bw_probe_rate(&b->probe, b->a->threads.n[k], rep + 2));
    return SMP_OK;
}

static void bench_close(bench *b) {
    free(b->probe.buf);
    smp_dots_free(&b->dots);
    free(b->density);
    smp_mesh_free(&b->head);
}

/* One row: the best of several timed runs of N dots by one rule, path and thread count
 * (thread_list entry k), each run after a memset of the probe. */
static smp_status time_row(bench *b, smp_scatter_rule rule, long n, smp_simd_path path, int k,
                           smp_error *err) {
    smp_scatter_desc d = {.mesh = &b->head,
                          .density_per_cm2 = b->density,
                          .rule = rule,
                          .seed = 1,
                          .count = (size_t)n,
                          .threads = b->a->threads.n[k]};
    int reps = n >= 1000000 || rule == SMP_SCATTER_BLUE ? 2 : 5;
    double best = 1e30, best_bw = 0.0;
    smp_scatter_info info = {0};
    smp_status st = SMP_OK;
    for (int r = 0; r < reps && st == SMP_OK; ++r) {
        best_bw = fmax(best_bw, bw_probe_rate(&b->probe, d.threads, r + 2));
        b->dots.count = 0;
        double t0 = now_s();
        st = smp_scatter_path(&d, path, &b->dots, &info, err);
        best = fmin(best, now_s() - t0);
    }
    row out = {.rule = rule,
               .n = (size_t)n,
               .simd = path,
               .threads = d.threads,
               .secs = best,
               .bw = best_bw,
               .spacing_scale = info.spacing_scale};
    b->bw[k] = fmax(b->bw[k], best_bw);
    /* the packing's quality, untimed: the smallest spacing against the one asked for, and the
     * share of probes where one more dot would fit */
    if (st == SMP_OK && rule == SMP_SCATTER_BLUE)
        st = smp_scatter_blue_quality(&d, info.spacing_scale, &b->dots, SCATTER_QUALITY_PROBES,
                                      &out.quality, err);
    b->rows[b->row_count++] = out;
    return st;
}

static smp_status time_rows(bench *b, smp_error *err) {
    smp_status st = SMP_OK;
    /* the two sampling rules; the grid is Poisson's draws and a sort */
    static const smp_scatter_rule rules[] = {SMP_SCATTER_POISSON, SMP_SCATTER_BLUE};
    for (int r = 0; r < 2 && st == SMP_OK; ++r) {
        const smp_scatter_rule rule = rules[r];
        long top = rule == SMP_SCATTER_POISSON ? b->a->max_n : b->a->blue_max;
        for (long n = 10000; n <= top && st == SMP_OK; n *= 10)
            for (int p = 0; p < SMP_SIMD_COUNT && st == SMP_OK; ++p) {
                if (!smp_simd_supported((smp_simd_path)p)) continue;
                /* blue noise has no vector kernel: one path says it all */
                if (rule == SMP_SCATTER_BLUE && p != (int)smp_simd_best()) continue;
                for (int k = 0; k < b->a->threads.count && b->row_count < MAX_ROWS; ++k)
                    st = time_row(b, rule, n, (smp_simd_path)p, k, err);
            }
    }
    return st;
}

/* The best memset rate of a row's thread count. */
static double row_bw(const bench *b, const row *r) {
    int k = 0;
    while (b->a->threads.n[k] != r->threads) ++k;
    return b->bw[k];
}

static void print_json(const bench *b) {
    printf("{\"bytes_per_dot\": %d, \"write_bandwidth_gb_s\": {", SMP_DOT_BYTES);
    for (int k = 0; k < b->a->threads.count; ++k)
        printf("%s\"%d\": %.2f", k ? ", " : "", b->a->threads.n[k], b->bw[k] / 1e9);
    printf("}, \"results\": [");
    for (int i = 0; i < b->row_count; ++i) {
        const row *r = &b->rows[i];
        double rate = (double)r->n / r->secs;
        printf("%s{\"rule\": \"%s\", \"count\": %zu, \"simd\": \"%s\", \"threads\": %d, "
               "\"time_ms\": %.3f, \"dots_per_s\": %.0f, \"gb_s\": %.4f, "
               "\"memset_gb_s\": %.2f, \"bandwidth_fraction\": %.6f",
               i ? ", " : "", smp_scatter_rule_name(r->rule), r->n, smp_simd_name(r->simd),
               r->threads, r->secs * 1e3, rate, rate * SMP_DOT_BYTES / 1e9, r->bw / 1e9,
               rate * SMP_DOT_BYTES / row_bw(b, r));
        if (r->rule == SMP_SCATTER_BLUE)
            printf(", \"min_spacing_ratio\": %.5f, \"gap_fraction\": %.6f",
                   r->quality.min_spacing_ratio, r->quality.gap_fraction);
        printf("}");
    }
    printf("]}\n");
}

static void print_table(const bench *b) {
    printf("scatter core, built-in head (%u triangles), %d bytes per dot\n", b->head.triangle_count,
           SMP_DOT_BYTES);
    for (int k = 0; k < b->a->threads.count; ++k)
        printf("write bandwidth (memset of 256 MiB), %d thread%s: best %.2f GB/s\n",
               b->a->threads.n[k], b->a->threads.n[k] == 1 ? "" : "s", b->bw[k] / 1e9);
    printf("'of bw' is against the best above; 'memset' the best between the row's own runs\n");
    printf("\n%-8s %10s %-7s %7s %11s %12s %8s %8s %9s %8s %8s\n", "rule", "N", "simd", "threads",
           "time ms", "M dots/s", "GB/s", "memset", "of bw", "min sp", "gaps");
    for (int i = 0; i < b->row_count; ++i) {
        const row *r = &b->rows[i];
        double rate = (double)r->n / r->secs;
        printf("%-8s %10zu %-7s %7d %11.3f %12.2f %8.2f %8.2f %8.1f%%",
               smp_scatter_rule_name(r->rule), r->n, smp_simd_name(r->simd), r->threads,
               r->secs * 1e3, rate / 1e6, rate * SMP_DOT_BYTES / 1e9, r->bw / 1e9,
               100.0 * rate * SMP_DOT_BYTES / row_bw(b, r));
        if (r->rule == SMP_SCATTER_BLUE)
            printf(" %8.4f %7.3f%%", r->quality.min_spacing_ratio, 100.0 * r->quality.gap_fraction);
        printf("\n");
    }
}

int bench_scatter(int argc, char **argv) {
    bench_args a = {.max_n = 10000000, .blue_max = 100000, .threads = {{1, 2}, 2}};
    const cli_group groups[] = {{k_options, &a}};
    int rc = cli_parse(&k_command, groups, 1, argc, argv);
    if (rc != CLI_PARSED) return rc;
    static bench b;
    memset(&b, 0, sizeof b);
    b.a = &a;
    smp_error err = {0};
    if (bench_open(&b, &err) != SMP_OK || time_rows(&b, &err) != SMP_OK)
        rc = cli_fail("bench scatter", &err);
    else
        (a.json ? print_json : print_table)(&b);
    bench_close(&b);
    return rc == CLI_PARSED ? CLI_EXIT_OK : rc;
}
