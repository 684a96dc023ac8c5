/* Internal: what scatter.c, scatter_poisson.c and scatter_blue.c share beyond the per-dot
 * steps. */
#ifndef SMP_SCATTER_BLUE_H
#define SMP_SCATTER_BLUE_H

#include "../scatter_internal.h"
#include "smp/scatter.h"

smp_status scatter_validate(const smp_scatter_desc *d, smp_error *err);
double scatter_triangle_area_mm2(const smp_mesh *m, uint32_t t);
/* The triangles' sampling data on `threads` threads (the result does not depend on them). */
smp_status scatter_tris_build(const smp_mesh *m, const float *vw, const uint8_t *tissue,
                              int threads, scatter_tris *T, smp_error *err);
void scatter_tris_free(scatter_tris *T);
/* The per-dot keys and variation of d's session; T (may be NULL) is kept for blue noise's
 * triangle draws. */
void scatter_kernel_setup(const smp_scatter_desc *d, const scatter_tris *T, uint64_t stream_base,
                          scatter_kernel_ctx *c);

/* One dot on triangle t of m at barycentric weights w, written at dots index o exactly as a
 * scattered dot of d's session is (position, normal, tissue, size, depth, ink), its variation
 * keyed by counter on the streams from stream_base: for dots placed one at a time. d needs
 * only its seed and session. */
void scatter_write_one(const smp_mesh *m, const uint8_t *tissue, const smp_scatter_desc *d,
                       uint64_t stream_base, uint32_t counter, uint32_t t, const float w[3],
                       const smp_dots *dots, size_t o);

/* The Poisson rule: appends exactly count dots on the given SIMD path. desc is validated;
 * its density has area > 0. */
smp_status scatter_poisson_run(const smp_scatter_desc *d, smp_simd_path path, size_t count,
                               smp_dots *dots, smp_error *err);

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
