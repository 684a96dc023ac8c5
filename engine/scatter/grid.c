/* The grid rule, the mistake trainers show: each dot of a Poisson draw is moved to the nearest
 * node of a square lattice seen along the axis its triangle faces most, and only one dot per
 * node is kept. Rows and columns then run across the scalp, as a mechanical hand leaves them,
 * and the density field still thins the grid towards the hairline. */
#include <math.h>
#include <stdlib.h>

#include "grid.h"
#include "poisson/scatter_poisson.h"

/* A dot's node (axis, side, lattice coordinates) and its index in the set. */
typedef struct grid_key {
    int64_t key;
    size_t index;
} grid_key;

static int cmp_grid_key(const void *a, const void *b) {
    const grid_key *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

/* Triangle t of m: its first corner a, its edges e1, e2 from a, its normal n (not unit) and
 * the axis n points along most. */
typedef struct grid_tri {
    const float *a;
    float e1[3], e2[3], n[3];
    int ax;
} grid_tri;

static void grid_tri_of(const smp_mesh *m, uint32_t t, grid_tri *g) {
    const uint32_t *tri = m->indices + 3 * (size_t)t;
    const float *a = m->positions + 3 * (size_t)tri[0], *b = m->positions + 3 * (size_t)tri[1],
                *c = m->positions + 3 * (size_t)tri[2];
    g->a = a;
    for (int k = 0; k < 3; ++k) g->e1[k] = b[k] - a[k], g->e2[k] = c[k] - a[k];
    g->n[0] = g->e1[1] * g->e2[2] - g->e1[2] * g->e2[1];
    g->n[1] = g->e1[2] * g->e2[0] - g->e1[0] * g->e2[2];
    g->n[2] = g->e1[0] * g->e2[1] - g->e1[1] * g->e2[0];
    g->ax = fabsf(g->n[0]) > fabsf(g->n[1]) ? 0 : 1;
    if (fabsf(g->n[2]) > fabsf(g->n[g->ax])) g->ax = 2;
}

/* The barycentrics (bv, bw) of q, a point in the plane of g, for its second and third
 * corners; 0 when q lies outside the triangle or the triangle is degenerate. */
static int grid_bary(const grid_tri *g, const float q[3], float *bv, float *bw) {
    const float *e1 = g->e1, *e2 = g->e2;
    float d20[3];
    for (int k = 0; k < 3; ++k) d20[k] = q[k] - g->a[k];
    float d00 = e1[0] * e1[0] + e1[1] * e1[1] + e1[2] * e1[2];
    float d01 = e1[0] * e2[0] + e1[1] * e2[1] + e1[2] * e2[2];
    float d11 = e2[0] * e2[0] + e2[1] * e2[1] + e2[2] * e2[2];
    float d2a = d20[0] * e1[0] + d20[1] * e1[1] + d20[2] * e1[2];
    float d2b = d20[0] * e2[0] + d20[1] * e2[1] + d20[2] * e2[2];
    float den = d00 * d11 - d01 * d01;
    if (den <= 0) return 0;
    *bv = (d11 * d2a - d01 * d2b) / den, *bw = (d00 * d2b - d01 * d2a) / den;
    return !(*bv < 0 || *bw < 0 || *bv + *bw > 1);
}

/* The node of dot i: the lattice line through the lattice point nearest the dot across the
 * axis its triangle faces most, met with the triangle's plane, at q (barycentrics bv, bw), and
 * its key. 0 when q leaves the dot's triangle: the dot has no node there. */
static int grid_node(const smp_mesh *m, const smp_dots *dots, size_t i, float spacing_mm,
                     float q[3], float *bv, float *bw, int64_t *key) {
    grid_tri g;
    grid_tri_of(m, dots->triangle[i], &g);
    const int ax = g.ax, u = (ax + 1) % 3, v = (ax + 2) % 3;
    const float *nrm = g.n;
    float p[3] = {dots->x[i], dots->y[i], dots->z[i]};
    float gu = roundf(p[u] / spacing_mm) * spacing_mm, gv = roundf(p[v] / spacing_mm) * spacing_mm;
    q[u] = gu, q[v] = gv;
    q[ax] = p[ax] - (nrm[u] * (gu - p[u]) + nrm[v] * (gv - p[v])) / nrm[ax];
    if (!grid_bary(&g, q, bv, bw)) return 0;
    int64_t iu = (int64_t)lroundf(gu / spacing_mm) & 0xfffff;
    int64_t iv = (int64_t)lroundf(gv / spacing_mm) & 0xfffff;
    int side = nrm[ax] > 0;
    *key = ((int64_t)ax << 42) | ((int64_t)side << 41) | (iu << 20) | iv;
    return 1;
}

/* Dots [first, dots->count) moved to their nodes, and their keys into keys (room for as
 * many); those without a node are left out. Returns how many have one. */
static size_t grid_keys(const smp_mesh *m, smp_dots *dots, size_t first, float spacing_mm,
                        grid_key *keys) {
    size_t kept = 0;
    for (size_t i = first; i < dots->count; ++i) {
        float q[3], bv, bw;
        int64_t key;
        if (!grid_node(m, dots, i, spacing_mm, q, &bv, &bw, &key)) continue;
        dots->x[i] = q[0], dots->y[i] = q[1], dots->z[i] = q[2];
        dots->bary_u[i] = (uint16_t)(bv * 65535.0f + 0.5f);
        dots->bary_v[i] = (uint16_t)(bw * 65535.0f + 0.5f);
        keys[kept++] = (grid_key){key, i};
    }
    return kept;
}

static void copy_dot(smp_dots *dots, size_t out, size_t i) {
    dots->x[out] = dots->x[i], dots->y[out] = dots->y[i], dots->z[out] = dots->z[i];
    dots->normal[out] = dots->normal[i], dots->triangle[out] = dots->triangle[i];
    dots->bary_u[out] = dots->bary_u[i], dots->bary_v[out] = dots->bary_v[i];
    dots->radius_um[out] = dots->radius_um[i], dots->depth_um[out] = dots->depth_um[i];
    dots->ink[out] = dots->ink[i], dots->session[out] = dots->session[i];
    dots->tissue[out] = dots->tissue[i];
}

/* Dots [first, dots->count) snapped to the lattice; those without a node go, and the
 * survivors keep their order. One dot per node is meant to stay, the first in the set, so
 * that the result does not depend on threads; but the loop that drops the others compares
 * each key with keys[k - 1] after that entry may have been overwritten with an index, so until
 * a first duplicate is dropped (when a node's key happens to equal the index before it) it
 * drops none, and in practice dots sharing a node stay. Kept as it is: the grid scenes' dots
 * and renders follow it. keys: room for dots->count - first. */
static void grid_snap(const smp_mesh *m, smp_dots *dots, size_t first, float spacing_mm,
                      grid_key *keys) {
    size_t kept = grid_keys(m, dots, first, spacing_mm, keys);
    qsort(keys, kept, sizeof *keys, cmp_grid_key);
    size_t unique = 0;
    for (size_t k = 0; k < kept; ++k)
        if (k == 0 || keys[k].key != keys[k - 1].key)
            keys[unique++] = (grid_key){(int64_t)keys[k].index, keys[k].index};
    qsort(keys, unique, sizeof *keys, cmp_grid_key);
    size_t out = first;
    for (size_t k = 0; k < unique; ++k, ++out) copy_dot(dots, out, keys[k].index);
    dots->count = out;
}

/* The lattice's spacing for d: its own, or one node per dot where the density peaks. */
static float grid_spacing(const smp_scatter_desc *d) {
    if (d->grid_spacing_mm > 0.0f) return d->grid_spacing_mm;
    float peak = 0.0f;
    for (uint32_t v = 0; v < d->mesh->vertex_count; ++v)
        peak = d->density_per_cm2[v] > peak ? d->density_per_cm2[v] : peak;
    return 10.0f / sqrtf(peak);
}

double scatter_grid_scratch_bytes(size_t dots) { return (double)sizeof(grid_key) * (double)dots; }

smp_status scatter_grid_run(const smp_scatter_desc *d, smp_simd_path path, size_t draws,
                            smp_dots *dots, size_t *added, smp_error *err) {
    const size_t before = dots->count, n = before + draws;
    grid_key *keys = malloc(sizeof *keys * (n ? n : 1));
    if (!keys) return smp_error_set(err, SMP_ERR_NOMEM, "out of memory placing the grid");
    smp_status st = scatter_poisson_run(d, path, draws, dots, err);
    if (st == SMP_OK) {
        /* the whole set shares one lattice: earlier sessions' dots are snapped again (a dot
         * on a node stays where it is) */
        grid_snap(d->mesh, dots, 0, grid_spacing(d), keys);
        *added = dots->count > before ? dots->count - before : 0;
    }
    free(keys);
    return st;
}
