/* The benchmarks behind `smpsim bench`: each parses its own options (argv[0] is its name) and
 * returns the process exit code. */
#ifndef SMP_BENCH_H
#define SMP_BENCH_H

#include <stddef.h>

#include "smp/bench_report.h"
#include "smp/cli_options.h"
#include "smp/mesh.h"
#include "smp/scatter.h"
#include "smp/scene_args.h"

/* ---- What the benchmarks share (bench_common.c) ------------------------------------------ */

enum {
    BENCH_MAX_THREAD_COUNTS = 8,
    BENCH_SIMD_DEFAULT = 0x100, /* not given: the benchmark's own default */
    BENCH_SIMD_AUTO = -1,       /* the path this CPU would use (smp_simd_active) */
    BENCH_SIMD_ALL = -2,        /* every path this CPU runs */
};

typedef struct bench_threads {
    int n[BENCH_MAX_THREAD_COUNTS];
    int count; /* 0: not given */
} bench_threads;

typedef struct bench_common {
    int simd; /* BENCH_SIMD_DEFAULT, _AUTO, _ALL or an smp_simd_path */
    bench_threads threads;
    long runs; /* 0: the benchmark's default */
    int json;
    const char *csv; /* "-": stdout */
} bench_common;
#define BENCH_COMMON_DEFAULT                                                                       \
    { .simd = BENCH_SIMD_DEFAULT }

/* --simd PATH and --threads LIST; --runs N; --json and --csv FILE. */
extern const cli_option bench_cpu_options[];
extern const cli_option bench_runs_options[];
extern const cli_option bench_output_options[];

/* After cli_parse: refuses --csv - with --json, an unwritable --csv and a SIMD path this CPU
 * lacks (exit 2, said); fills the defaults: --simd all (default_all) or auto, --threads 1 and
 * every logical core. Returns 0 or the exit code. */
int bench_check_common(const char *cmd, bench_common *c, int default_all);

/* The SIMD paths to time, into paths (SMP_SIMD_COUNT at most); returns their number. */
int bench_simd_paths(const bench_common *c, smp_simd_path *paths);

/* The context's mesh (its file, or "built-in head"), mesh_kind (the MakeHuman head, another
 * imported mesh, or the built-in procedural head) and mesh_triangles. */
void bench_context_mesh(smp_bench_report *r, const char *head_source, int imported,
                        unsigned triangles);

/* The context's simd_used: the paths timed. */
void bench_context_simd(smp_bench_report *r, const bench_common *c);

/* Checks the figures (the warnings go to stderr unless -q), then prints the table (without
 * its context under -q) or the JSON, and writes the CSV. Returns the exit code. */
int bench_finish(const char *cmd, smp_bench_report *r, const bench_common *c);

int bench_render(int argc, char **argv);
int bench_scatter(int argc, char **argv);
int bench_age(int argc, char **argv);

/* What a scene asks of the scatter besides its head and density. */
typedef struct scatter_scene_plan {
    smp_scatter_rule rule;
    size_t dot_count; /* plan.dot_count: exactly this many dots when > 0 */
    unsigned long seed;
    char head_source[SMP_SCENE_PATH_MAX]; /* the head: "built-in head" or its mesh file */
    int imported;                         /* the head was read from its mesh file */
} scatter_scene_plan;

/* Shared by `scatter` and `bench scatter` (defined in cmd_scatter.c; cmd names the command for
 * -v): the scene's head and
 * the density its plan reaches (density_override dots/cm² over the plan's regions when > 0),
 * its rule, count and seed, and the machine's physical memory, the most a run may take (0 if
 * unknown). */
smp_status scatter_scene_input(const char *cmd, const smp_scene_args *args, double density_override,
                               smp_mesh *head, float **density, scatter_scene_plan *plan,
                               smp_error *err);
size_t scatter_memory_limit_bytes(void);

/* Surface points a blue-noise quality check probes (`scatter --quality`, `bench scatter`): a
 * gap share resolved to 0.0005 %. */
#define SCATTER_QUALITY_PROBES 200000

#endif
