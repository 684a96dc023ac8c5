/* Blue noise: maximal Poisson-disk sampling on a triangle mesh, deterministic for any thread
 * count. This file is the rule's entry point: the spacing field, the packing that gives the
 * count asked for, and the dots written out.
 *
 * The result is the greedy packing ("random sequential adsorption") of a stream of candidate
 * points in priority order: a candidate joins unless it is too close to a dot already in.
 *
 *   1. The surface is cut into cells (pieces of triangles about the area one dot keeps for
 *      itself); each open cell gets one dart with a random 32-bit priority, both keyed by
 *      (seed, session, the cell itself). Darts too close to a dot already in are dropped
 *      (pack.c).
 *   2. The surviving darts join in priority order unless too close to one that joined
 *      before (resolve.c: the same dots on any number of threads).
 *   3. A cell the dots cover (one dot alone, or two together) is closed; any other is split
 *      in four, the children the dots cover are closed too, and each open child gets its
 *      dart (the first of a few tries clear of the dots), tested on the same short list of
 *      nearby dots, in parallel (refine.c). Passes repeat until no cell is open: the gaps
 *      shrink geometrically and none is left.
 *
 * Where the density is below the spacing's weight, dots are then thinned (thin.c); an exact
 * count searches the spacing scale and trims the surplus (count.c).
 *
 * The dots found so far are kept in rows along x, sorted by x, for neighbour searches that
 * read a few contiguous runs (index.c); a pass's darts are hashed into cubes twice as wide as
 * the largest spacing, so every conflict of a dart is in at most 8 cubes (cubes.c). The
 * surface is nearly flat at a spacing of ~1 mm on a head of ~90 mm radius, so Euclidean
 * distance stands for distance on the surface. */
#include <omp.h>
#include <stdlib.h>

#include "blue_internal.h"

/* The new dots of run, from dots->count on, with their session's size, depth and ink. */
static void write_dots(const smp_scatter_desc *d, const bn_field *f, const bn_run *run, int threads,
                       smp_dots *dots) {
    const size_t n_old = run->n_existing, got = run->n_acc - n_old;
    scatter_kernel_ctx c;
    scatter_kernel_setup(d, &f->tris, SC_STREAM_BLUE, &c);
    const smp_dots *out = dots;
#pragma omp parallel for schedule(static) num_threads(threads)
    for (size_t k = 0; k < got; ++k) {
        const bn_point *p = &run->acc[n_old + k];
        sc_write_dot(&c, &c.tris->tri[p->t], p->t, (uint32_t)k, p->b, out, n_old + k);
    }
    dots->count = n_old + got;
}

smp_status scatter_blue_run(const smp_scatter_desc *d, const scatter_blue_tuning *tuning,
                            smp_dots *dots, smp_scatter_info *info, smp_error *err) {
    int threads = d->threads > 0 ? d->threads : omp_get_max_threads();
    bn_field f;
    smp_status st = bn_field_build(d, threads, &f, err);
    if (st != SMP_OK) return st;
    bn_run run = {0};
    double scale = 1.0;
    int runs = 0;
    st = bn_search(d, &f, dots, threads, tuning, &run, &scale, &runs, err);
    if (st == SMP_OK) {
        size_t trimmed = bn_trim(d, &run);
        size_t got = run.n_acc - run.n_existing;
        if (dots->capacity - dots->count < got) {
            st = smp_error_set(err, SMP_ERR_INVALID_ARG,
                               "the dot set holds %zu more dots but blue noise placed %zu "
                               "(capacity needed: %zu; smp_scatter_capacity gives a safe bound)",
                               dots->capacity - dots->count, got, dots->count + got);
        } else {
            write_dots(d, &f, &run, threads, dots);
            info->added = got;
            info->spacing_scale = scale;
            info->runs = runs;
            info->passes = run.passes;
            info->candidates = run.candidates;
            info->trimmed = trimmed;
        }
    }
    free(run.acc);
    bn_field_free(&f);
    return st;
}
