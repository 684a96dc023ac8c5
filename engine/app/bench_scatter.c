/* smpsim bench scatter: dots per second of the scatter core per rule, size, SIMD path and
 * thread count, against the machine's own measured write bandwidth. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "smp/cli.h"
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

static void print_help(void) {
    printf("Usage: smpsim bench scatter [options]\n"
           "\n"
           "Dots per second of the scatter core on the default scene's head (80 dots/cm² over\n"
           "its plan's regions) for N = 10^4 ... --max, per rule, SIMD path and thread count;\n"
           "the bytes per dot, the machine's measured write bandwidth (the best memset of\n"
           "256 MiB, timed before the rows and between every row's runs) and the fraction of\n"
           "it reached; each row also shows the best memset between its own runs.\n"
           "Each figure is the best of several runs. Shared machines are noisy: compare ratios\n"
           "measured in one run.\n"
           "\n"
           "Options:\n"
           "  --max N        largest Poisson N (default 10000000)\n"
           "  --blue-max N   largest blue-noise N (default 100000)\n"
           "  --threads LIST thread counts, comma-separated (default 1,2)\n"
           "  --json         one JSON object instead of a table\n");
}

int bench_scatter(int argc, char **argv) {
    const char *cmd = "bench scatter";
    long max_n = 10000000, blue_max = 100000;
    int json = 0;
    int thread_list[8] = {1, 2};
    int n_threads = 2;
    smp_error err = {0};
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            print_help();
            return CLI_EXIT_OK;
        } else if (strcmp(a, "--json") == 0) {
            json = 1;
        } else if ((strcmp(a, "--max") == 0 || strcmp(a, "--blue-max") == 0 ||
                    strcmp(a, "--threads") == 0) &&
                   !val) {
            return cli_usage_error(cmd, "%s needs a value", a);
        } else if (strcmp(a, "--max") == 0 || strcmp(a, "--blue-max") == 0) {
            long *dst = a[2] == 'm' ? &max_n : &blue_max;
            if (cli_parse_int(a, val, 10000, 100000000, dst, &err) != SMP_OK)
                return cli_usage_error(cmd, "%s", err.message);
            ++i;
        } else if (strcmp(a, "--threads") == 0) {
            char buf[128];
            snprintf(buf, sizeof buf, "%s", val);
            char *items[8];
            n_threads = cli_split_list(buf, items, 8);
            if (n_threads < 1) return cli_usage_error(cmd, "--threads: expected a list like 1,2");
            for (int k = 0; k < n_threads; ++k) {
                long t;
                if (cli_parse_int("--threads", items[k], 1, 256, &t, &err) != SMP_OK)
                    return cli_usage_error(cmd, "%s", err.message);
                thread_list[k] = (int)t;
            }
            ++i;
        } else {
            return cli_usage_error(cmd, "unknown option '%s'", a);
        }
    }

    smp_mesh head = {0};
    float *dens = NULL;
    /* The default scene's head at a uniform 80 dots/cm² over its plan's regions. */
    smp_scene_args scene_arg = {0};
    scatter_scene_plan plan;
    if (scatter_scene_input(&scene_arg, 80.0, &head, &dens, &plan, &err) != SMP_OK)
        return cli_fail(cmd, &err);
    smp_dots dots = {0};
    size_t cap = (size_t)(max_n > blue_max ? max_n : blue_max);
    if (smp_dots_alloc(&dots, cap, 0, &err) != SMP_OK) {
        free(dens);
        smp_mesh_free(&head);
        return cli_fail(cmd, &err);
    }
    /* touch every page once so no run pays for first-touch faults */
    memset(dots.x, 0, cap * 4);
    memset(dots.y, 0, cap * 4);
    memset(dots.z, 0, cap * 4);
    memset(dots.normal, 0, cap * 4);
    memset(dots.triangle, 0, cap * 4);
    memset(dots.bary_u, 0, cap * 2);
    memset(dots.bary_v, 0, cap * 2);
    memset(dots.radius_um, 0, cap * 2);
    memset(dots.depth_um, 0, cap * 2);
    memset(dots.ink, 0, cap);
    memset(dots.session, 0, cap);
    memset(dots.tissue, 0, cap);

    row rows[256];
    int nrows = 0;
    int rc = CLI_EXIT_OK;
    bw_probe probe;
    double bw[8] = {0}; /* per thread count: the best memset rate of the whole run */
    if (!bw_probe_init(&probe, (size_t)256 << 20)) {
        smp_error_set(&err, SMP_ERR_NOMEM, "out of memory for the 256 MiB bandwidth probe");
        rc = cli_fail(cmd, &err);
    }
    for (int k = 0; k < n_threads && rc == CLI_EXIT_OK; ++k)
        for (int rep = 0; rep < 3; ++rep)
            bw[k] = fmax(bw[k], bw_probe_rate(&probe, thread_list[k], rep + 2));

    for (int rule = 0; rule < SMP_SCATTER_RULE_COUNT && rc == CLI_EXIT_OK; ++rule) {
        long top = rule == SMP_SCATTER_POISSON ? max_n : blue_max;
        for (long n = 10000; n <= top && rc == CLI_EXIT_OK; n *= 10) {
            for (int p = 0; p < SMP_SIMD_COUNT && rc == CLI_EXIT_OK; ++p) {
                if (!smp_simd_supported((smp_simd_path)p)) continue;
                /* blue noise has no vector kernel: one path says it all */
                if (rule == SMP_SCATTER_BLUE && p != (int)smp_simd_best()) continue;
                for (int k = 0; k < n_threads && nrows < 256; ++k) {
                    smp_scatter_desc d = {0};
                    d.mesh = &head;
                    d.density_per_cm2 = dens;
                    d.rule = (smp_scatter_rule)rule;
                    d.seed = 1;
                    d.count = (size_t)n;
                    d.threads = thread_list[k];
                    int reps = n >= 1000000 || rule == SMP_SCATTER_BLUE ? 2 : 5;
                    double best = 1e30, best_bw = 0.0;
                    smp_scatter_info info = {0};
                    for (int r = 0; r < reps; ++r) {
                        best_bw = fmax(best_bw, bw_probe_rate(&probe, thread_list[k], r + 2));
                        dots.count = 0;
                        double t0 = now_s();
                        if (smp_scatter_path(&d, (smp_simd_path)p, &dots, &info, &err) != SMP_OK) {
                            rc = cli_fail(cmd, &err);
                            break;
                        }
                        double t = now_s() - t0;
                        best = t < best ? t : best;
                    }
                    row out = {.rule = (smp_scatter_rule)rule,
                               .n = (size_t)n,
                               .simd = (smp_simd_path)p,
                               .threads = thread_list[k],
                               .secs = best,
                               .bw = best_bw,
                               .spacing_scale = info.spacing_scale};
                    bw[k] = fmax(bw[k], best_bw);
                    /* the packing's quality, untimed: the smallest spacing against the one
                     * asked for, and the share of probes where one more dot would fit */
                    if (rc == CLI_EXIT_OK && rule == SMP_SCATTER_BLUE &&
                        smp_scatter_blue_quality(&d, info.spacing_scale, &dots,
                                                 SCATTER_QUALITY_PROBES, &out.quality,
                                                 &err) != SMP_OK)
                        rc = cli_fail(cmd, &err);
                    rows[nrows++] = out;
                }
            }
        }
    }

    if (rc == CLI_EXIT_OK && json) {
        printf("{\"bytes_per_dot\": %d, \"write_bandwidth_gb_s\": {", SMP_DOT_BYTES);
        for (int k = 0; k < n_threads; ++k)
            printf("%s\"%d\": %.2f", k ? ", " : "", thread_list[k], bw[k] / 1e9);
        printf("}, \"results\": [");
        for (int i = 0; i < nrows; ++i) {
            const row *r = &rows[i];
            double rate = (double)r->n / r->secs;
            int k = 0;
            while (thread_list[k] != r->threads) ++k;
            printf("%s{\"rule\": \"%s\", \"count\": %zu, \"simd\": \"%s\", \"threads\": %d, "
                   "\"time_ms\": %.3f, \"dots_per_s\": %.0f, \"gb_s\": %.4f, "
                   "\"memset_gb_s\": %.2f, \"bandwidth_fraction\": %.6f",
                   i ? ", " : "", smp_scatter_rule_name(r->rule), r->n, smp_simd_name(r->simd),
                   r->threads, r->secs * 1e3, rate, rate * SMP_DOT_BYTES / 1e9, r->bw / 1e9,
                   rate * SMP_DOT_BYTES / bw[k]);
            if (r->rule == SMP_SCATTER_BLUE)
                printf(", \"min_spacing_ratio\": %.5f, \"gap_fraction\": %.6f",
                       r->quality.min_spacing_ratio, r->quality.gap_fraction);
            printf("}");
        }
        printf("]}\n");
    } else if (rc == CLI_EXIT_OK) {
        printf("scatter core, built-in head (%u triangles), %d bytes per dot\n",
               head.triangle_count, SMP_DOT_BYTES);
        for (int k = 0; k < n_threads; ++k)
            printf("write bandwidth (memset of 256 MiB), %d thread%s: best %.2f GB/s\n",
                   thread_list[k], thread_list[k] == 1 ? "" : "s", bw[k] / 1e9);
        printf("'of bw' is against the best above; 'memset' the best between the row's own runs\n");
        printf("\n%-8s %10s %-7s %7s %11s %12s %8s %8s %9s %8s %8s\n", "rule", "N", "simd",
               "threads", "time ms", "M dots/s", "GB/s", "memset", "of bw", "min sp", "gaps");
        for (int i = 0; i < nrows; ++i) {
            const row *r = &rows[i];
            double rate = (double)r->n / r->secs;
            int k = 0;
            while (thread_list[k] != r->threads) ++k;
            printf("%-8s %10zu %-7s %7d %11.3f %12.2f %8.2f %8.2f %8.1f%%",
                   smp_scatter_rule_name(r->rule), r->n, smp_simd_name(r->simd), r->threads,
                   r->secs * 1e3, rate / 1e6, rate * SMP_DOT_BYTES / 1e9, r->bw / 1e9,
                   100.0 * rate * SMP_DOT_BYTES / bw[k]);
            if (r->rule == SMP_SCATTER_BLUE)
                printf(" %8.4f %7.3f%%", r->quality.min_spacing_ratio,
                       100.0 * r->quality.gap_fraction);
            printf("\n");
        }
    }
    free(probe.buf);
    smp_dots_free(&dots);
    free(dens);
    smp_mesh_free(&head);
    return rc;
}
