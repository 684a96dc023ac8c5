/* The benchmarks behind `smpsim bench`: each parses its own options (argv[0] is its name) and
 * returns the process exit code. */
#ifndef SMP_BENCH_H
#define SMP_BENCH_H

#include <stddef.h>

#include "smp/mesh.h"
#include "smp/scatter.h"
#include "smp/scene_args.h"

int bench_render(int argc, char **argv);
int bench_scatter(int argc, char **argv);
int bench_age(int argc, char **argv);

/* What a scene asks of the scatter besides its head and density. */
typedef struct scatter_scene_plan {
    smp_scatter_rule rule;
    size_t dot_count; /* plan.dot_count: exactly this many dots when > 0 */
    unsigned long seed;
} scatter_scene_plan;

/* Shared by `scatter` and `bench scatter` (defined in cmd_scatter.c): the scene's head and
 * the density its plan reaches (density_override dots/cm² over the plan's regions when > 0),
 * its rule, count and seed, and the machine's physical memory, the most a run may take (0 if
 * unknown). */
smp_status scatter_scene_input(const smp_scene_args *args, double density_override, smp_mesh *head,
                               float **density, scatter_scene_plan *plan, smp_error *err);
size_t scatter_memory_limit_bytes(void);

/* Surface points a blue-noise quality check probes (`scatter --quality`, `bench scatter`): a
 * gap share resolved to 0.0005 %. */
#define SCATTER_QUALITY_PROBES 200000

#endif
