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
#include "smp/cli_options.h"
#include "smp/dots.h"
#include "smp/fsio.h"
#include "smp/pipeline.h"
#include "smp/scatter.h"
#include "smp/scene_args.h"
#include "verbose.h"

/* The scene's head and the density its plan reaches (every session's regions, the final
 * cumulative density, or density_override dots/cm² over the same regions). The head moves
 * into *head; *rule is the scene's placement. */
smp_status scatter_scene_input(const char *cmd, const smp_scene_args *args, double density_override,
                               smp_mesh *head, float **density, scatter_scene_plan *plan,
                               smp_error *err) {
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
    app_verbose_pipeline(cmd, &p);
    *density = malloc((size_t)p.head.vertex_count * sizeof(float));
    if (!*density) {
        smp_pipeline_free(&p);
        return smp_error_set(err, SMP_ERR_NOMEM, "out of memory for the density field");
    }
    st = smp_pipeline_plan_density(&p, &scene, density_override, *density, err);
    if (st == SMP_OK) {
        *head = p.head; /* the mesh moves to the caller */
        memset(&p.head, 0, sizeof p.head);
        plan->rule = scene.plan.rule;
        plan->dot_count = scene.plan.dot_count > 0 ? (size_t)scene.plan.dot_count : 0;
        plan->seed = scene.seed;
        snprintf(plan->head_source, sizeof plan->head_source, "%s", p.head_source);
        plan->imported = p.imported;
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

#define STRINGIFY_(x) #x
#define STRINGIFY(x)  STRINGIFY_(x)

static const cli_command k_command = {
    .name = "scatter",
    .about = "Runs the dot-scattering core alone on the head and prints the number of dots, the\n"
             "time, dots per second and (with --checksum) a checksum of every dot array: equal\n"
             "checksums mean identical dots. The head and the density are the scene's (the\n"
             "default scene without SCENE): its plan's regions at its final density, or its\n"
             "plan.dot_count dots when it sets one. A run that would not fit in memory (the\n"
             "dots and the rule's working memory, blue noise's the larger) is refused first.\n"
             "\n"
             "The count differs a little from the dots `render` and `view` draw for the same\n"
             "scene: they scatter the plan session by session (each session's share, blue\n"
             "noise filling between the dots already there, with each session's needle and\n"
             "the technician's spread), this command the whole plan at its final density in\n"
             "one run. Both draw the same density; the sampling differs.\n",
    .footer = "Exit status: 0 success, 1 runtime failure, 2 bad option or input.\n",
};

typedef struct scatter_args {
    long count, seed, threads;
    double density;
    int json, checksum, quality;
    const char *export_path;
    int rule; /* smp_scatter_rule, or -1: the scene's */
    int simd; /* smp_simd_path, or -1: the active one */
} scatter_args;

static smp_status parse_rule(const char *option, const char *text, void *dst, smp_error *err) {
    smp_scatter_rule rule;
    if (smp_scatter_rule_parse(text, &rule, err) != SMP_OK) {
        smp_error_prefix(err, "%s", option);
        return err->status;
    }
    *(int *)dst = (int)rule;
    return SMP_OK;
}

static smp_status parse_simd(const char *option, const char *text, void *dst, smp_error *err) {
    smp_simd_path path;
    if (smp_simd_parse(text, &path, err) != SMP_OK) {
        smp_error_prefix(err, "%s", option);
        return err->status;
    }
    *(int *)dst = (int)path;
    return SMP_OK;
}

static const cli_option k_options[] = {
    CLI_INT("count", "N", "exactly N dots ({range}; default: the scene's plan.dot_count)",
            scatter_args, count, 1, SMP_SCATTER_MAX_DOTS),
    CLI_NUMBER("density", "D", "dots/cm² over the plan's regions instead of the scene's density",
               scatter_args, density, 1e-3, 1e6),
    CLI_PARSE("rule", "R",
              "poisson (independent dots), blue (minimum spacing) or grid (Poisson dots snapped "
              "to a square lattice; --count is then the dots drawn before the snap); default: "
              "the scene's rule",
              scatter_args, rule, parse_rule),
    CLI_INT("seed", "S", "random seed (default: the scene's seed, 1 unless it says)", scatter_args,
            seed, 0, 0x7fffffffL),
    CLI_INT("threads", "N", "worker threads, {range} (default: all cores)", scatter_args, threads,
            1, 256),
    CLI_PARSE("simd", "PATH", "scalar, sse41, avx2, avx512 or neon (default: best; also SMP_SIMD)",
              scatter_args, simd, parse_simd),
    CLI_FLAG(0, "checksum", "print the checksum of the dot arrays", scatter_args, checksum),
    CLI_FLAG(0, "json", "print one JSON object instead of text", scatter_args, json),
    CLI_FLAG(0, "quality",
             "blue noise: also measure the packing, untimed: the smallest spacing against the "
             "one asked for (1 = it holds for every pair) and the share of " STRINGIFY(
                 SCATTER_QUALITY_PROBES) " random surface points where one more dot would still "
                                         "fit (0 = maximal)",
             scatter_args, quality),
    CLI_STRING("export-mesh", "F", "also write the head mesh to F as OBJ (for peer comparisons)",
               scatter_args, export_path),
    {0},
};

/* What one run measured. */
typedef struct scatter_result {
    smp_scatter_rule rule;
    smp_simd_path path;
    size_t count;
    long seed;
    int threads;
    double secs, rate, set_mib, peak_mib;
    smp_scatter_info info;
    smp_blue_quality quality;
    char checksum[17];
} scatter_result;

static void print_json(const scatter_args *a, const scatter_result *r) {
    printf("{\"count\": %zu, \"time_ms\": %.3f, \"dots_per_s\": %.0f, \"bytes_per_dot\": %d, "
           "\"rule\": \"%s\", \"simd\": \"%s\", \"threads\": %d, \"seed\": %ld, "
           "\"dot_set_mib\": %.1f, \"peak_rss_mib\": %.1f",
           r->count, r->secs * 1e3, r->rate, SMP_DOT_BYTES, smp_scatter_rule_name(r->rule),
           smp_simd_name(r->path), r->threads, r->seed, r->set_mib, r->peak_mib);
    if (r->rule == SMP_SCATTER_BLUE)
        printf(", \"spacing_scale\": %.6f, \"runs\": %d, \"passes\": %d, \"trimmed\": %zu",
               r->info.spacing_scale, r->info.runs, r->info.passes, r->info.trimmed);
    if (a->quality)
        printf(", \"min_spacing_ratio\": %.6f, \"gap_fraction\": %.8f, \"probes\": %zu",
               r->quality.min_spacing_ratio, r->quality.gap_fraction, r->quality.probes);
    if (a->checksum) printf(", \"checksum\": \"%s\"", r->checksum);
    printf("}\n");
}

static void print_text(const scatter_args *a, const scatter_result *r) {
    printf("%zu dots (%s) in %.3f ms: %.2f M dots/s, %d bytes/dot, %s, %d thread%s\n", r->count,
           smp_scatter_rule_name(r->rule), r->secs * 1e3, r->rate / 1e6, SMP_DOT_BYTES,
           smp_simd_name(r->path), r->threads, r->threads == 1 ? "" : "s");
    if (r->rule == SMP_SCATTER_BLUE)
        printf("spacing scale %.4f, %d packing run%s, %d passes, %zu trimmed\n",
               r->info.spacing_scale, r->info.runs, r->info.runs == 1 ? "" : "s", r->info.passes,
               r->info.trimmed);
    if (a->quality)
        printf("smallest spacing %.4f of the one asked for; one more dot would fit at "
               "%.4f %% of %zu surface probes\n",
               r->quality.min_spacing_ratio, 100.0 * r->quality.gap_fraction, r->quality.probes);
    printf("dot set %.1f MiB, peak resident memory %.1f MiB\n", r->set_mib, r->peak_mib);
    if (a->checksum) printf("checksum %s\n", r->checksum);
}

/* Refuses what cannot fit before allocating (the dot set and the rule's working memory); else
 * allocates the dots. Returns an exit code. */
static int alloc_dots(const char *cmd, const smp_scatter_desc *d, size_t limit, smp_dots *dots) {
    smp_error err = {0};
    size_t need = 0;
    double scratch = 0.0;
    if (smp_scatter_capacity(d, &need, &err) != SMP_OK ||
        smp_scatter_scratch_bytes(d, 0, &scratch, &err) != SMP_OK)
        return cli_fail(cmd, &err);
    double total = (double)need * SMP_DOT_BYTES + scratch;
    if (limit && total > (double)limit)
        return cli_usage_error(cmd,
                               "%zu %s dots need about %.3g bytes (%.1f GiB: the dot set %.1f, "
                               "working memory %.1f), more than this machine's %.1f GiB of memory",
                               need, smp_scatter_rule_name(d->rule), total, total / 1073741824.0,
                               (double)need * SMP_DOT_BYTES / 1073741824.0, scratch / 1073741824.0,
                               (double)limit / 1073741824.0);
    if (smp_dots_alloc(dots, need, limit, &err) != SMP_OK)
        return err.status == SMP_ERR_NOMEM ? cli_usage_error(cmd, "%s", err.message)
                                           : cli_fail(cmd, &err);
    return CLI_EXIT_OK;
}

/* Scatters once, timed, measures what was asked and prints it. */
static int scatter_and_report(const scatter_args *a, const smp_scatter_desc *d, size_t limit) {
    const char *cmd = "scatter";
    smp_error err = {0};
    smp_dots dots = {0};
    scatter_result r = {.rule = d->rule, .path = smp_simd_active(), .seed = (long)d->seed};
    int rc = alloc_dots(cmd, d, limit, &dots);
    double t0 = now_s();
    if (rc == CLI_EXIT_OK && smp_scatter_path(d, r.path, &dots, &r.info, &err) != SMP_OK)
        rc = cli_fail(cmd, &err);
    r.secs = now_s() - t0;
    if (rc == CLI_EXIT_OK && a->quality &&
        smp_scatter_blue_quality(d, r.info.spacing_scale, &dots, SCATTER_QUALITY_PROBES, &r.quality,
                                 &err) != SMP_OK)
        rc = cli_fail(cmd, &err);
    if (rc == CLI_EXIT_OK) {
        r.count = dots.count;
        r.threads = d->threads ? d->threads : omp_get_max_threads();
        r.rate = r.secs > 0.0 ? (double)dots.count / r.secs : 0.0;
        if (a->checksum)
            snprintf(r.checksum, sizeof r.checksum, "%016" PRIx64, smp_dots_checksum(&dots));
        /* Peak resident memory of the whole process (head, fields and dots), to compare with
         * the dot set's own size. */
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        r.peak_mib = (double)ru.ru_maxrss / 1024.0;
        r.set_mib = (double)dots.count * SMP_DOT_BYTES / 1048576.0;
        (a->json ? print_json : print_text)(a, &r);
    }
    smp_dots_free(&dots);
    return rc;
}

/* The options that exclude each other, and a --count that cannot fit, before anything is
 * built or allocated. */
static int check_args(const scatter_args *a, size_t limit) {
    if (a->count && a->density > 0.0)
        return cli_usage_error("scatter", "--count and --density exclude each other");
    if (a->count && limit && (size_t)a->count * SMP_DOT_BYTES > limit)
        return cli_usage_error("scatter",
                               "--count %ld: the dots alone need %zu bytes (%.1f GiB), more "
                               "than this machine's %.1f GiB of memory",
                               a->count, (size_t)a->count * SMP_DOT_BYTES,
                               (double)a->count * SMP_DOT_BYTES / 1073741824.0,
                               (double)limit / 1073741824.0);
    return CLI_EXIT_OK;
}

int cmd_scatter(int argc, char **argv) {
    const char *cmd = "scatter";
    scatter_args a = {.seed = -1, .rule = -1, .simd = -1};
    smp_scene_args scene_arg = {0};
    smp_error err = {0};
    if (smp_simd_check_env(&err) != SMP_OK) return cli_usage_error(cmd, "%s", err.message);
    const cli_group groups[] = {{smp_scene_arg_options, &scene_arg}, {k_options, &a}};
    int rc = cli_parse(&k_command, groups, 2, argc, argv);
    if (rc != CLI_PARSED) return rc;
    if (a.simd >= 0 && smp_simd_set((smp_simd_path)a.simd, &err) != SMP_OK)
        return cli_usage_error(cmd, "--simd: %s", err.message);
    size_t limit = scatter_memory_limit_bytes();
    if ((rc = check_args(&a, limit))) return rc;
    char target[SMP_PATH_MAX];
    if (a.export_path && smp_output_path_check(a.export_path, target, sizeof target, &err))
        return cli_usage_error(cmd, "--export-mesh: %s", err.message);

    smp_mesh head = {0};
    float *dens = NULL;
    scatter_scene_plan plan;
    if (scatter_scene_input(cmd, &scene_arg, a.density, &head, &dens, &plan, &err) != SMP_OK)
        return cli_fail(cmd, &err);
    smp_scatter_rule rule = a.rule >= 0 ? (smp_scatter_rule)a.rule : plan.rule;
    /* the scene's count and seed unless the options say otherwise (--density replaces the
     * scene's density, and with it its count) */
    smp_scatter_desc d = {
        .mesh = &head,
        .density_per_cm2 = dens,
        .rule = rule,
        .seed = (uint64_t)(a.seed >= 0 ? a.seed : (long)plan.seed),
        .count = a.count || a.density > 0.0 ? (size_t)a.count : plan.dot_count,
        .threads = (int)a.threads,
    };
    if (a.quality && rule != SMP_SCATTER_BLUE)
        rc = cli_usage_error(cmd,
                             "--quality measures a blue-noise packing (its spacing and gaps); "
                             "the rule here is %s: add --rule blue",
                             smp_scatter_rule_name(rule));
    else if (a.export_path && export_obj(&head, a.export_path, &err) != SMP_OK)
        rc = cli_fail(cmd, &err);
    else
        rc = scatter_and_report(&a, &d, limit);
    free(dens);
    smp_mesh_free(&head);
    return rc;
}
