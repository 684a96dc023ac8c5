/* smpsim bench scatter: dots per second of the scatter core per rule, size, SIMD path and
 * thread count, against the machine's own measured write bandwidth. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "cli.h"
#include "scene_args.h"
#include "smp/dots.h"
#include "smp/scatter.h"

/* From cmd_scatter.c: the stand-in scene both commands share. */

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Best of three memsets of a buffer far larger than any cache, split over `threads`: what
 * this machine can write, in bytes per second. The buffer is touched once first so page
 * faults do not count. */
static double write_bandwidth(size_t bytes, int threads) {
    unsigned char *buf = malloc(bytes);
    if (!buf) return 0.0;
    memset(buf, 1, bytes);
    double best = 1e30;
    for (int rep = 0; rep < 3; ++rep) {
        double t0 = now_s();
#pragma omp parallel num_threads(threads)
        {
            int n = omp_get_num_threads(), i = omp_get_thread_num();
            size_t chunk = bytes / (size_t)n;
            size_t len = i == n - 1 ? bytes - chunk * (size_t)i : chunk;
            memset(buf + chunk * (size_t)i, rep + 2, len);
        }
        double t = now_s() - t0;
        best = t < best ? t : best;
    }
    /* read a byte back so the stores cannot be elided */
    volatile unsigned char sink = buf[bytes / 2];
    (void)sink;
    free(buf);
    return (double)bytes / best;
}

typedef struct row {
    smp_scatter_rule rule;
    size_t n;
    smp_simd_path simd;
    int threads;
    double secs;
    double spacing_scale;
    smp_blue_quality quality; /* blue noise, measured once per N */
} row;

static void print_help(void) {
    printf("Usage: smpsim bench scatter [options]\n"
           "\n"
           "Dots per second of the scatter core on the default scene's head (80 dots/cm² over\n"
           "its plan's regions) for N = 10^4 ... --max, per rule, SIMD path and thread count;\n"
           "the bytes per dot, the machine's measured write bandwidth (memset) and the fraction\n"
           "of it reached.\n"
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
        } else if ((strcmp(a, "--max") == 0 || strcmp(a, "--blue-max") == 0) && val) {
            long *dst = a[2] == 'm' ? &max_n : &blue_max;
            if (cli_parse_int(a, val, 10000, 100000000, dst, &err) != SMP_OK)
                return cli_usage_error(cmd, "%s", err.message);
            ++i;
        } else if (strcmp(a, "--threads") == 0 && val) {
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
    scene_args scene_arg = {0};
    smp_scatter_rule scene_rule;
    if (scatter_scene_input(&scene_arg, 80.0, &head, &dens, &scene_rule, &err) != SMP_OK)
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

    double bw[8];
    for (int k = 0; k < n_threads; ++k) bw[k] = write_bandwidth((size_t)256 << 20, thread_list[k]);

    row rows[256];
    int nrows = 0;
    int rc = CLI_EXIT_OK;
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
                    double best = 1e30;
                    smp_scatter_info info = {0};
                    for (int r = 0; r < reps; ++r) {
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
                               .spacing_scale = info.spacing_scale};
                    /* the packing's quality, untimed: the smallest spacing against the one
                     * asked for, and the share of probes where one more dot would fit */
                    if (rc == CLI_EXIT_OK && rule == SMP_SCATTER_BLUE &&
                        smp_scatter_blue_quality(&d, info.spacing_scale, &dots, 200000,
                                                 &out.quality, &err) != SMP_OK)
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
                   "\"time_ms\": %.3f, \"dots_per_s\": %.0f, \"gb_s\": %.3f, "
                   "\"bandwidth_fraction\": %.3f",
                   i ? ", " : "", smp_scatter_rule_name(r->rule), r->n, smp_simd_name(r->simd),
                   r->threads, r->secs * 1e3, rate, rate * SMP_DOT_BYTES / 1e9,
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
            printf("write bandwidth (memset), %d thread%s: %.2f GB/s\n", thread_list[k],
                   thread_list[k] == 1 ? "" : "s", bw[k] / 1e9);
        printf("\n%-8s %10s %-7s %7s %11s %12s %8s %9s %8s %8s\n", "rule", "N", "simd", "threads",
               "time ms", "M dots/s", "GB/s", "of bw", "min sp", "gaps");
        for (int i = 0; i < nrows; ++i) {
            const row *r = &rows[i];
            double rate = (double)r->n / r->secs;
            int k = 0;
            while (thread_list[k] != r->threads) ++k;
            printf("%-8s %10zu %-7s %7d %11.3f %12.2f %8.2f %8.1f%%",
                   smp_scatter_rule_name(r->rule), r->n, smp_simd_name(r->simd), r->threads,
                   r->secs * 1e3, rate / 1e6, rate * SMP_DOT_BYTES / 1e9,
                   100.0 * rate * SMP_DOT_BYTES / bw[k]);
            if (r->rule == SMP_SCATTER_BLUE)
                printf(" %8.4f %7.3f%%", r->quality.min_spacing_ratio,
                       100.0 * r->quality.gap_fraction);
            printf("\n");
        }
    }
    smp_dots_free(&dots);
    free(dens);
    smp_mesh_free(&head);
    return rc;
}
