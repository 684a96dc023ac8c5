/* The grid rule's entry points (grid.c), for the core's entry points. */
#ifndef SMP_SCATTER_GRID_H
#define SMP_SCATTER_GRID_H

#include "smp/scatter.h"

/* Appends `draws` Poisson dots of d on the given SIMD path, then snaps the whole set to the
 * lattice: every dot, the earlier ones too (one already on a node stays where it is), moves to
 * its node, and a dot whose node leaves its triangle goes (see grid_snap on dots sharing a
 * node). *added: how much the set grew, 0 if it shrank. desc is validated; its density has
 * area > 0. Fails (SMP_ERR_NOMEM before any dot is written, or the Poisson rule's errors) with
 * dots->count unchanged. O(draws + the set's dots, and their sort). */
smp_status scatter_grid_run(const smp_scatter_desc *d, smp_simd_path path, size_t draws,
                            smp_dots *dots, size_t *added, smp_error *err);

/* The grid rule's working memory for a set that will hold `dots` dots, in bytes. */
double scatter_grid_scratch_bytes(size_t dots);

#endif
