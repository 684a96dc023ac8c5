/* smpsim scatter: runs the dot-scattering core alone and prints count, time, rate, checksum. */
#include <inttypes.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "smp/cli.h"
#include "smp/dots.h"
#include "smp/fsio.h"
#include "smp/pipeline.h"
#include "smp/scatter.h"
#include "smp/scene_args.h"

/* The scene's head and the density its plan reaches (every session's regions, the final
 * cumulative density, or density_override dots/cm² over the same regions). The head moves
 * into *head; *rule is the scene's placement (a grid counts as Poisson here). */
smp_status scatter_scene_input(const smp_scene_args *args, double density_override, smp_mesh *head,
                               float **density, scatter_scene_plan *plan, smp_error *err) {
    static smp_scene scene;
    smp_scene_source src = {.path = args->path, .sets = args->sets, .set_count = args->set_count};
    smp_scene_report rep;
    smp_status st = smp_scene_load(&src, &scene, &rep);
    if (st != SMP_OK) {
        *err = rep.first;
        return st;
    }
    smp_pipeline p;
    if ((st = smp_pipeline_build(&scene, SMP_PIPELINE_FIELDS, &p, err)) != SMP_OK) return st;
    *density = malloc((size_t)p.head.vertex_count * sizeof(float));
    if (!*density) {
        smp_pipeline_free(&p);
        return smp_error_set(err, SMP_ERR_NOMEM, "out of memory for the density field");
    }
    st = smp_pipeline_plan_density(&p, &scene, density_override, *density, err);
    if (st == SMP_OK) {
        *head = p.head; /* the mesh moves to the caller */
        memset(&p.head, 0, sizeof p.head);
        plan->rule = scene.plan.rule == SMP_RULE_BLUE ? SMP_SCATTER_BLUE : SMP_SCATTER_POISSON;
        plan->dot_count = scene.plan.dot_count > 0 ? (size_t)scene.plan.dot_count : 0;
        plan->seed = scene.seed;
    } else {
        free(*density);
        *density = NULL;
    }
    smp_pipeline_free(&p);
    return st;
}

size_t scatter_memory_limit_bytes(void) {
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0) return 0;
    return (size_t)pages * (size_t)page;
}

/* The scene's head as Wavefront OBJ, so peer tools (bench/open3d_compare.py) sample the
 * same mesh. Written atomically. */
static smp_status export_obj(const smp_mesh *m, const char *path, smp_error *err) {
    smp_atomic_file f;
    smp_status st = smp_atomic_file_open(&f, path, err);
    if (st != SMP_OK) return st;
    for (uint32_t v = 0; v < m->vertex_count; ++v)
        fprintf(f.stream, "v %.9g %.9g %.9g\n", (double)m->positions[3 * v],
                (double)m->positions[3 * v + 1], (double)m->positions[3 * v + 2]);
    for (uint32_t t = 0; t < m->triangle_count; ++t)
        fprintf(f.stream, "f %u %u %u\n", m->indices[3 * t] + 1, m->indices[3 * t + 1] + 1,
                m->indices[3 * t + 2] + 1);
    return smp_atomic_file_commit(&f, err);
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void print_help(void) {
    printf("Usage: smpsim scatter [SCENE] [options]\n"
           "\n"
           "Runs the dot-scattering core alone on the head and prints the number of dots, the\n"
           "time, dots per second and (with --checksum) a checksum of every dot array: equal\n"
           "checksums mean identical dots. The head and the density are the scene's (the\n"
           "default scene without SCENE): its plan's regions at its final density, or its\n"
           "plan.dot_count dots when it sets one. A run that would not fit in memory (the\n"
           "dots and the rule's working memory, blue noise's the larger) is refused first.\n"
           "\n"
           "Options:\n"
           "  --count N        exactly N dots (1..%d; default: the scene's plan.dot_count)\n"
           "  --set PATH=VALUE override a scene field (repeatable)\n"
           "  --density D      dots/cm² over the plan's regions instead of the scene's density\n"
           "  --rule R         poisson (independent dots) or blue (minimum spacing); default:\n"
           "                   the scene's rule\n"
           "  --seed S         random seed (default: the scene's seed, 1 unless it says)\n"
           "  --threads N      worker threads, 1..256 (default: all cores)\n"
           "  --simd PATH      scalar, sse41, avx2, avx512 or neon (default: best; also SMP_SIMD)\n"
           "  --checksum       print the checksum of the dot arrays\n"
           "  --json           print one JSON object instead of text\n"
           "  --quality        blue noise: also measure the packing, untimed: the smallest\n"
           "                   spacing against the one asked for (1 = it holds for every\n"
           "                   pair) and the share of %d random surface points where one\n"
           "                   more dot would still fit (0 = maximal)\n"
           "  --export-mesh F  also write the head mesh to F as OBJ (for peer comparisons)\n"
           "\n"
           "Exit status: 0 success, 1 runtime failure, 2 bad option or input.\n",
           SMP_SCATTER_MAX_DOTS, SCATTER_QUALITY_PROBES);
}

int cmd_scatter(int argc, char **argv) {
    const char *cmd = "scatter";
    long count = 0, seed = -1, threads = 0;
    double density = 0.0;
    int json = 0, checksum = 0, quality = 0;
    const char *export_path = NULL;
    smp_scatter_rule rule = SMP_SCATTER_POISSON;
    int rule_given = 0;
    smp_scene_args scene_arg = {0};
    smp_error err = {0};
    if (smp_simd_check_env(&err) != SMP_OK) return cli_usage_error(cmd, "%s", err.message);
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            print_help();
            return CLI_EXIT_OK;
        } else if (strcmp(a, "--json") == 0) {
            json = 1;
        } else if (strcmp(a, "--checksum") == 0) {
            checksum = 1;
        } else if (strcmp(a, "--quality") == 0) {
            quality = 1;
        } else if (a[0] == '-' && a[1] == '-' && !val) {
            return cli_usage_error(cmd, "%s needs a value", a);
        } else if (strcmp(a, "--count") == 0) {
            if (cli_parse_int(a, val, 1, SMP_SCATTER_MAX_DOTS, &count, &err) != SMP_OK)
                return cli_usage_error(cmd, "%s", err.message);
            ++i;
        } else if (strcmp(a, "--density") == 0) {
            if (cli_parse_number(a, val, 1e-3, 1e6, &density, &err) != SMP_OK)
                return cli_usage_error(cmd, "%s", err.message);
            ++i;
        } else if (strcmp(a, "--export-mesh") == 0) {
            export_path = val;
            ++i;
        } else if (strcmp(a, "--rule") == 0) {
            if (smp_scatter_rule_parse(val, &rule, &err) != SMP_OK)
                return cli_usage_error(cmd, "--rule: %s", err.message);
            rule_given = 1;
            ++i;
        } else if (strcmp(a, "--set") == 0) {
            int rc = smp_scene_args_add_set(cmd, &scene_arg, val);
            if (rc) return rc;
            ++i;
        } else if (strcmp(a, "--seed") == 0) {
            if (cli_parse_int(a, val, 0, 0x7fffffffL, &seed, &err) != SMP_OK)
                return cli_usage_error(cmd, "%s", err.message);
            ++i;
        } else if (strcmp(a, "--threads") == 0) {
            if (cli_parse_int(a, val, 1, 256, &threads, &err) != SMP_OK)
                return cli_usage_error(cmd, "%s", err.message);
            ++i;
        } else if (strcmp(a, "--simd") == 0) {
            smp_simd_path p;
            if (smp_simd_parse(val, &p, &err) != SMP_OK)
                return cli_usage_error(cmd, "--simd: %s", err.message);
            if (smp_simd_set(p, &err) != SMP_OK)
                return cli_usage_error(cmd, "--simd: %s", err.message);
            ++i;
        } else if (a[0] == '-') {
            return cli_usage_error(cmd, "unknown option '%s'", a);
        } else if (!scene_arg.path) {
            scene_arg.path = a;
        } else {
            return cli_usage_error(cmd, "unexpected argument '%s'", a);
        }
    }
    if (count && density > 0.0)
        return cli_usage_error(cmd, "--count and --density exclude each other");
    /* Refuse what cannot fit in memory before building or allocating anything. */
    size_t limit = scatter_memory_limit_bytes();
    if (count && limit && (size_t)count * SMP_DOT_BYTES > limit)
        return cli_usage_error(cmd,
                               "--count %ld: the dots alone need %zu bytes (%.1f GiB), more "
                               "than this machine's %.1f GiB of memory",
                               count, (size_t)count * SMP_DOT_BYTES,
                               (double)count * SMP_DOT_BYTES / 1073741824.0,
                               (double)limit / 1073741824.0);

    smp_mesh head = {0};
    float *dens = NULL;
    scatter_scene_plan plan;
    if (scatter_scene_input(&scene_arg, density, &head, &dens, &plan, &err) != SMP_OK)
        return cli_fail(cmd, &err);
    if (!rule_given) rule = plan.rule;
    if (quality && rule != SMP_SCATTER_BLUE) {
        free(dens);
        smp_mesh_free(&head);
        return cli_usage_error(cmd,
                               "--quality measures a blue-noise packing (its spacing and gaps); "
                               "the rule here is %s: add --rule blue",
                               smp_scatter_rule_name(rule));
    }
    /* the scene's count and seed unless the options say otherwise (--density replaces the
     * scene's density, and with it its count) */
    if (!count && !(density > 0.0)) count = (long)plan.dot_count;
    if (seed < 0) seed = (long)plan.seed;
    if (export_path && export_obj(&head, export_path, &err) != SMP_OK) {
        free(dens);
        smp_mesh_free(&head);
        return cli_fail(cmd, &err);
    }
    smp_scatter_desc d = {0};
    d.mesh = &head;
    d.density_per_cm2 = dens;
    d.rule = rule;
    d.seed = (uint64_t)seed;
    d.count = (size_t)count;
    d.threads = (int)threads;
    int rc = CLI_EXIT_OK;
    smp_dots dots = {0};
    size_t need = 0;
    smp_scatter_info info = {0};
    double scratch = 0.0;
    if (smp_scatter_capacity(&d, &need, &err) != SMP_OK ||
        smp_scatter_scratch_bytes(&d, 0, &scratch, &err) != SMP_OK) {
        rc = cli_fail(cmd, &err);
        goto out;
    }
    /* refuse what cannot fit before allocating: the dot set and the rule's working memory */
    double total = (double)need * SMP_DOT_BYTES + scratch;
    if (limit && total > (double)limit) {
        rc = cli_usage_error(cmd,
                             "%zu %s dots need about %.3g bytes (%.1f GiB: the dot set %.1f, "
                             "working memory %.1f), more than this machine's %.1f GiB of memory",
                             need, smp_scatter_rule_name(rule), total, total / 1073741824.0,
                             (double)need * SMP_DOT_BYTES / 1073741824.0, scratch / 1073741824.0,
                             (double)limit / 1073741824.0);
        goto out;
    }
    if (smp_dots_alloc(&dots, need, limit, &err) != SMP_OK) {
        rc = err.status == SMP_ERR_NOMEM ? cli_usage_error(cmd, "%s", err.message)
                                         : cli_fail(cmd, &err);
        goto out;
    }
    smp_simd_path path = smp_simd_active();
    double t0 = now_s();
    if (smp_scatter_path(&d, path, &dots, &info, &err) != SMP_OK) {
        rc = cli_fail(cmd, &err);
        goto out;
    }
    double secs = now_s() - t0;
    int used_threads = threads ? (int)threads : omp_get_max_threads();
    double rate = secs > 0.0 ? (double)dots.count / secs : 0.0;
    char sum[17] = "";
    if (checksum) snprintf(sum, sizeof sum, "%016" PRIx64, smp_dots_checksum(&dots));
    /* Peak resident memory of the whole process (head, fields and dots), to compare with the
     * dot set's own size. */
    smp_blue_quality q = {0};
    if (quality && smp_scatter_blue_quality(&d, info.spacing_scale, &dots, SCATTER_QUALITY_PROBES,
                                            &q, &err) != SMP_OK) {
        rc = cli_fail(cmd, &err);
        goto out;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double peak_mib = (double)ru.ru_maxrss / 1024.0;
    double set_mib = (double)dots.count * SMP_DOT_BYTES / 1048576.0;
    if (json) {
        printf("{\"count\": %zu, \"time_ms\": %.3f, \"dots_per_s\": %.0f, \"bytes_per_dot\": %d, "
               "\"rule\": \"%s\", \"simd\": \"%s\", \"threads\": %d, \"seed\": %ld, "
               "\"dot_set_mib\": %.1f, \"peak_rss_mib\": %.1f",
               dots.count, secs * 1e3, rate, SMP_DOT_BYTES, smp_scatter_rule_name(rule),
               smp_simd_name(path), used_threads, seed, set_mib, peak_mib);
        if (rule == SMP_SCATTER_BLUE)
            printf(", \"spacing_scale\": %.6f, \"runs\": %d, \"passes\": %d, \"trimmed\": %zu",
                   info.spacing_scale, info.runs, info.passes, info.trimmed);
        if (quality)
            printf(", \"min_spacing_ratio\": %.6f, \"gap_fraction\": %.8f, \"probes\": %zu",
                   q.min_spacing_ratio, q.gap_fraction, q.probes);
        if (checksum) printf(", \"checksum\": \"%s\"", sum);
        printf("}\n");
    } else {
        printf("%zu dots (%s) in %.3f ms: %.2f M dots/s, %d bytes/dot, %s, %d thread%s\n",
               dots.count, smp_scatter_rule_name(rule), secs * 1e3, rate / 1e6, SMP_DOT_BYTES,
               smp_simd_name(path), used_threads, used_threads == 1 ? "" : "s");
        if (rule == SMP_SCATTER_BLUE)
            printf("spacing scale %.4f, %d packing run%s, %d passes, %zu trimmed\n",
                   info.spacing_scale, info.runs, info.runs == 1 ? "" : "s", info.passes,
                   info.trimmed);
        if (quality)
            printf("smallest spacing %.4f of the one asked for; one more dot would fit at "
                   "%.4f %% of %zu surface probes\n",
                   q.min_spacing_ratio, 100.0 * q.gap_fraction, q.probes);
        printf("dot set %.1f MiB, peak resident memory %.1f MiB\n", set_mib, peak_mib);
        if (checksum) printf("checksum %s\n", sum);
    }
out:
    smp_dots_free(&dots);
    free(dens);
    smp_mesh_free(&head);
    return rc;
}
