/* The Poisson rule's entry point (scatter_poisson.c), for the core's entry points. */
#ifndef SMP_SCATTER_POISSON_H
#define SMP_SCATTER_POISSON_H

#include "smp/scatter.h"

/* Appends exactly count dots on the given SIMD path. desc is validated; its density has area
 * > 0. Fails (SMP_ERR_NOMEM, or SMP_ERR_INVALID_ARG when no triangle has weight) with
 * dots->count unchanged. */
smp_status scatter_poisson_run(const smp_scatter_desc *d, smp_simd_path path, size_t count,
                               smp_dots *dots, smp_error *err);

#endif
