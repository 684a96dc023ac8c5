/* The blue-noise rule's entry points (blue/), for the core's entry points and the tests. */
#ifndef SMP_SCATTER_BLUE_H
#define SMP_SCATTER_BLUE_H

#include "../shared.h"
#include "smp/scatter.h"

/* The blue-noise rule: appends to dots, fills info (added, spacing_scale, runs, passes,
 * candidates, trimmed). desc is validated; expected = ∫ density dA > 0. */
smp_status scatter_blue_run(const smp_scatter_desc *d, double expected, smp_dots *dots,
                            smp_scatter_info *info, smp_error *err);

/* The most points blue noise's packing may hold for d with n_old dots already in the set (at
 * the first run's scale): its scratch memory goes by this. desc is validated. */
double scatter_blue_points_estimate(const smp_scatter_desc *d, size_t n_old);

/* Survivors of a pass from which blue noise resolves them by dominator sweeps rather than the
 * sequential greedy; both give the same dots. Tests move it to compare the two. */
extern size_t scatter_blue_sweep_min;

/* Dots in the neighbour index from which its rebuild counts and places them on slices, one
 * per thread; the same index either way. Tests lower it to compare the two. */
extern size_t scatter_blue_slice_min;

/* Open cells per point the packing may hold above which blue noise gives up with an error
 * (a packing whose gaps do not close). Tests lower it to reach that error. */
extern double scatter_blue_runaway;

#endif
