/* What the scatter core's rules and entry points share besides the per-dot steps
 * (scatter_internal.h): the validation of a desc (validate.c) and the sampling data every rule
 * draws from (sampling.c). These depend on no rule, so the entry points depend on the rules and
 * both on these. */
#ifndef SMP_SCATTER_SHARED_H
#define SMP_SCATTER_SHARED_H

#include "scatter_internal.h"
#include "smp/scatter.h"

/* SMP_OK when d can be scattered: mesh and density present and finite, indices in range, the
 * rule, count, threads and session values in range. Otherwise SMP_ERR_INVALID_ARG naming the
 * field and its value. O(V + T). */
smp_status scatter_validate(const smp_scatter_desc *d, smp_error *err);

/* Area of triangle t of m in mm², in double. O(1). */
double scatter_triangle_area_mm2(const smp_mesh *m, uint32_t t);

/* Fills r from triangle t of m: geometry, normal, tissue of each corner, and the vertex
 * choice by the weights vw (NULL: equal). Returns the sum of the corners' weights. */
double scatter_tri_fill(const smp_mesh *m, const float *vw, const uint8_t *tissue, uint32_t t,
                        scatter_tri *r);

/* The triangles' sampling data (scatter_tris) for per-vertex weights vw, on `threads` threads
 * (the result does not depend on them). Fails (SMP_ERR_INVALID_ARG) when no triangle has
 * weight, or when there are too many triangles; SMP_ERR_NOMEM. O(T). */
smp_status scatter_tris_build(const smp_mesh *m, const float *vw, const uint8_t *tissue,
                              int threads, scatter_tris *T, smp_error *err);
void scatter_tris_free(scatter_tris *T);

/* The per-dot keys and variation of d's session on the streams from stream_base; T (may be
 * NULL) is kept for blue noise's triangle draws. */
void scatter_kernel_setup(const smp_scatter_desc *d, const scatter_tris *T, uint64_t stream_base,
                          scatter_kernel_ctx *c);

/* One dot on triangle t of m at barycentric weights w, written at dots index o exactly as a
 * scattered dot of d's session is (position, normal, tissue, size, depth, ink), its variation
 * keyed by counter on the streams from stream_base: for dots placed one at a time. d needs
 * only its seed and session. */
void scatter_write_one(const smp_mesh *m, const uint8_t *tissue, const smp_scatter_desc *d,
                       uint64_t stream_base, uint32_t counter, uint32_t t, const float w[3],
                       const smp_dots *dots, size_t o);

#endif
