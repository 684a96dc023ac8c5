/* The blue-noise rule's entry points (blue/), for the core's entry points and the tests. */
#ifndef SMP_SCATTER_BLUE_H
#define SMP_SCATTER_BLUE_H

#include "../shared.h"
#include "smp/scatter.h"

/* Thresholds that choose between ways of computing a packing that give the same dots, and
 * the limit that refuses a runaway one: passed down to every stage that reads them. The public
 * entry points run with scatter_blue_tuning_default(); tests pass their own (to
 * scatter_path_tuned) to reach the other ways and the refusal. */
typedef struct scatter_blue_tuning {
    /* Survivors of a pass from which they are resolved by dominator sweeps rather than the
     * sequential greedy. Fewer (a few MiB) resolve faster by the sequential greedy, whose
     * random visits still hit the cache; more, and the sweeps win even on one thread (1.9M
     * survivors: 1.1 s against 2.1 s). */
    size_t sweep_min;
    /* Dots in the neighbour index from which its rebuild counts and places them on slices, one
     * per thread; below, the slices would cost more than they save. */
    size_t slice_min;
    /* Open cells per point the packing may hold above which it is refused as a packing whose
     * gaps do not close. A healthy packing's open cells peak at about twice its dots, in the
     * second pass. */
    double runaway;
} scatter_blue_tuning;

static inline scatter_blue_tuning scatter_blue_tuning_default(void) {
    return (scatter_blue_tuning){.sweep_min = 32768, .slice_min = 65536, .runaway = 16.0};
}

/* smp_scatter_path (scatter.c) with blue noise's tuning given: the same validation, the same
 * dots for any tuning, unless `runaway` refuses the packing. */
smp_status scatter_path_tuned(const smp_scatter_desc *desc, smp_simd_path path,
                              const scatter_blue_tuning *tuning, smp_dots *dots,
                              smp_scatter_info *info, smp_error *err);

/* The blue-noise rule: appends to dots, fills info (added, spacing_scale, runs, passes,
 * candidates, trimmed). desc is validated; ∫ density dA > 0. */
smp_status scatter_blue_run(const smp_scatter_desc *d, const scatter_blue_tuning *tuning,
                            smp_dots *dots, smp_scatter_info *info, smp_error *err);

/* The most points blue noise's packing may hold for d with n_old dots already in the set (at
 * the first run's scale): its scratch memory goes by this. desc is validated. */
double scatter_blue_points_estimate(const smp_scatter_desc *d, size_t n_old);

#endif
