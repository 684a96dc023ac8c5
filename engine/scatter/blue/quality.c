/* The blue-noise quality metric (smp_scatter_blue_quality): the smallest spacing between two
 * dots against the one asked for, and the share of random surface points where one more dot
 * would still fit. */
#include <omp.h>
#include <stdlib.h>

#include "blue_internal.h"

/* The dots as packing points at scale, in *pts (the caller frees it) and in g, a grid of the
 * largest spacing's reach (zeroed by the caller; the caller frees it). */
static smp_status quality_points(const smp_scatter_desc *desc, const bn_field *f, float scale,
                                 const smp_dots *dots, bn_point **pts, bn_grid *g, smp_error *err) {
    size_t n = dots->count;
    bn_point *p = *pts = smp_big_alloc((n ? n : 1) * sizeof *p);
    if (!p || !grid_init(g, bn_radius(scale, f->min_weight_cm2) * 1.0001f, n))
        return smp_error_set(err, SMP_ERR_NOMEM, "out of memory measuring blue noise");
    for (size_t i = 0; i < n; ++i) {
        if (dots->triangle[i] >= desc->mesh->triangle_count)
            return smp_error_set(err, SMP_ERR_INVALID_ARG, "dot %zu: triangle %u out of range", i,
                                 dots->triangle[i]);
        bn_point_from_dot(f, scale, dots, i, &p[i]);
        if (!grid_insert(g, &p[i], (uint32_t)i))
            return smp_error_set(err, SMP_ERR_NOMEM, "out of memory measuring blue noise");
    }
    return SMP_OK;
}

/* The smallest |p − q| / mean(r_p, r_q) over the pairs of pts[0, n) within g's reach; 2 when
 * no pair is that close. */
static double quality_min_ratio(const bn_grid *g, const bn_point *pts, size_t n, int threads) {
    double min_ratio = 2.0;
#pragma omp parallel for schedule(dynamic, 4096) num_threads(threads) reduction(min : min_ratio)
    for (size_t i = 0; i < n; ++i) {
        const bn_point *p = &pts[i];
        bn_box box = reach_box(g, p);
        FOR_CELLS(g, box, key)
        for (uint32_t q = grid_find(g, key); q != BN_NONE; q = g->next[q]) {
            if (q == i) continue;
            double ddx = (double)p->x - pts[q].x, ddy = (double)p->y - pts[q].y,
                   ddz = (double)p->z - pts[q].z;
            double ratio =
                sqrt(ddx * ddx + ddy * ddy + ddz * ddz) / (0.5 * ((double)p->r + pts[q].r));
            if (ratio < min_ratio) min_ratio = ratio;
        }
    }
    return min_ratio;
}

/* Probes: `probes` surface points drawn by area × weight from desc's seed, kept (*used) only
 * where the full spacing applies; *gaps of them where one more dot would fit. */
static void quality_gaps(const smp_scatter_desc *desc, const bn_field *f, float scale,
                         const bn_grid *g, const bn_point *pts, size_t probes, int threads,
                         size_t *used_out, size_t *gaps_out) {
    uint32_t k1 = smp_rng_key(desc->seed, SC_STREAM_PROBES + 1),
             k2 = smp_rng_key(desc->seed, SC_STREAM_PROBES + 2),
             k3 = smp_rng_key(desc->seed, SC_STREAM_PROBES + 3);
    scatter_kernel_ctx c;
    memset(&c, 0, sizeof c);
    c.tris = &f->tris;
    c.key[KEY_COLUMN] = smp_rng_key(desc->seed, SC_STREAM_PROBES);
    c.key[KEY_COIN] = k1;
    size_t used = 0, gaps = 0;
#pragma omp parallel for schedule(dynamic, 4096) num_threads(threads) reduction(+ : used, gaps)
    for (size_t i = 0; i < probes; ++i) {
        uint32_t h1;
        uint32_t t = sc_pick_triangle(&c, (uint32_t)i, &h1);
        float b[3];
        sc_barycentrics(f->tris.tri[t].c0, f->tris.tri[t].c1, h1 >> 16,
                        smp_rng_hash(k2, (uint32_t)i), smp_rng_hash(k3, (uint32_t)i), b);
        if (bn_density_at(f, t, b) < bn_weight_at(f, t, b)) continue;
        bn_point p;
        bn_point_from_bary(f, scale, t, b, &p);
        ++used;
        gaps += !grid_conflicts(g, pts, &p);
    }
    *used_out = used;
    *gaps_out = gaps;
}

smp_status smp_scatter_blue_quality(const smp_scatter_desc *desc, double spacing_scale,
                                    const smp_dots *dots, size_t probes, smp_blue_quality *out,
                                    smp_error *err) {
    smp_status st = scatter_validate(desc, err);
    if (st != SMP_OK) return st;
    if (!(spacing_scale > 0.0) || !dots)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "blue quality: scale %g must be > 0",
                             spacing_scale);
    bn_field f;
    int threads = desc->threads > 0 ? desc->threads : omp_get_max_threads();
    if ((st = bn_field_build(desc, threads, &f, err)) != SMP_OK) return st;
    float scale = (float)spacing_scale;
    bn_point *pts = NULL;
    bn_grid g = {0};
    if ((st = quality_points(desc, &f, scale, dots, &pts, &g, err)) == SMP_OK) {
        size_t used = 0, gaps = 0;
        out->min_spacing_ratio = quality_min_ratio(&g, pts, dots->count, threads);
        quality_gaps(desc, &f, scale, &g, pts, probes, threads, &used, &gaps);
        out->probes = used;
        out->gap_fraction = used ? (double)gaps / (double)used : 0.0;
    }
    free(pts);
    grid_free(&g);
    bn_field_free(&f);
    return st;
}
