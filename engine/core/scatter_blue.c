/* Blue noise: maximal Poisson-disk sampling on a triangle mesh, parallel and deterministic.
 *
 * The result is defined as the sequential greedy packing ("random sequential adsorption") of a
 * stream of candidate points in priority order: a candidate joins unless it is too close to a
 * dot already in. Computing exactly that, in parallel, keeps it identical for any thread count:
 *
 *   1. Candidates are drawn per triangle, in proportion to area × density, keyed by
 *      (seed, pass, candidate id), each with a random 32-bit priority.
 *   2. Candidates too close to dots of earlier passes (or earlier sessions) are dropped.
 *   3. Among the survivors, a candidate joins iff every conflicting survivor of higher
 *      priority is out, and is out iff one of them joined. That fixed point is unique (it is
 *      the greedy result) and any update order reaches it, so threads sweep it in place.
 *   4. Passes repeat with twice the candidate density on the triangles where a survivor
 *      was found, until a pass finds no room: gaps shrink geometrically.
 *
 * Space is hashed into cubes as wide as the largest spacing: every conflict of a point is in
 * its own cube or one of the 26 around it. The surface is nearly flat at a spacing of ~1 mm on
 * a head of ~90 mm radius, so Euclidean distance stands for distance on the surface. */
#include <math.h>
#include <omp.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "scatter_blue.h"

/* Point density of a saturated random disk packing: ρ r² ≈ 0.6965 (disk coverage 0.547). */
#define BN_JAMMING 0.6965
enum { BN_NONE = 0xffffffffu };

typedef struct bn_point {
    float x, y, z, r;
    float b[3];
    uint32_t t;
    uint32_t prio;
} bn_point;

/* ---- hash grid: cube key → chain of point indices --------------------------------------- */

typedef struct bn_grid {
    float inv_h, reach;
    uint64_t *keys;
    uint32_t *head;
    uint32_t bits;
    uint32_t *next; /* per point */
    size_t cap_points, used_slots;
} bn_grid;

static void cell_of(const bn_grid *g, float x, float y, float z, int *ix, int *iy, int *iz) {
    *ix = (int)floorf(x * g->inv_h);
    *iy = (int)floorf(y * g->inv_h);
    *iz = (int)floorf(z * g->inv_h);
}

/* The cubes [lo, hi] per axis that the reach around p touches. */
typedef struct bn_box {
    int lo[3], hi[3];
} bn_box;

static bn_box reach_box_r(const bn_grid *g, const bn_point *p, float reach) {
    bn_box b;
    const float v[3] = {p->x, p->y, p->z};
    for (int k = 0; k < 3; ++k) {
        b.lo[k] = (int)floorf((v[k] - reach) * g->inv_h);
        b.hi[k] = (int)floorf((v[k] + reach) * g->inv_h);
    }
    return b;
}

static bn_box reach_box(const bn_grid *g, const bn_point *p) { return reach_box_r(g, p, g->reach); }

#define FOR_CELLS(g, box, key)                                                                     \
    for (int cz_ = (box).lo[2]; cz_ <= (box).hi[2]; ++cz_)                                         \
        for (int cy_ = (box).lo[1]; cy_ <= (box).hi[1]; ++cy_)                                     \
            for (int cx_ = (box).lo[0]; cx_ <= (box).hi[0]; ++cx_)                                 \
                for (uint64_t key = cell_key(cx_, cy_, cz_); key != UINT64_MAX; key = UINT64_MAX)

static uint64_t cell_key(int ix, int iy, int iz) {
    return (uint64_t)(uint32_t)(ix + (1 << 20)) | (uint64_t)(uint32_t)(iy + (1 << 20)) << 21 |
           (uint64_t)(uint32_t)(iz + (1 << 20)) << 42;
}

static uint32_t slot_of(const bn_grid *g, uint64_t key) {
    return (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> (64 - g->bits));
}

/* Cubes twice the search reach wide: a query's reach spans at most 2 cubes per axis, so 8
 * hash lookups instead of 27, for the same number of distance tests. */
static int grid_init(bn_grid *g, float reach, size_t cap_points) {
    memset(g, 0, sizeof *g);
    g->reach = reach;
    g->inv_h = 1.0f / (2.0f * reach);
    g->bits = 10;
    while (((size_t)1 << g->bits) < 2 * cap_points + 1024) ++g->bits;
    size_t slots = (size_t)1 << g->bits;
    g->keys = malloc(slots * sizeof *g->keys);
    g->head = malloc(slots * sizeof *g->head);
    g->next = malloc((cap_points ? cap_points : 1) * sizeof *g->next);
    g->cap_points = cap_points;
    if (!g->keys || !g->head || !g->next) return 0;
    memset(g->keys, 0xff, slots * sizeof *g->keys);
    return 1;
}

static void grid_free(bn_grid *g) {
    free(g->keys);
    free(g->head);
    free(g->next);
    memset(g, 0, sizeof *g);
}

static uint32_t grid_find(const bn_grid *g, uint64_t key) {
    uint32_t mask = (1u << g->bits) - 1u;
    for (uint32_t s = slot_of(g, key);; s = (s + 1) & mask) {
        if (g->keys[s] == key) return g->head[s];
        if (g->keys[s] == UINT64_MAX) return BN_NONE;
    }
}

/* Single-threaded; at most cap_points points ever, so the table never fills past half. */
static void grid_insert(bn_grid *g, const bn_point *p, uint32_t index) {
    int ix, iy, iz;
    cell_of(g, p->x, p->y, p->z, &ix, &iy, &iz);
    uint64_t key = cell_key(ix, iy, iz);
    uint32_t mask = (1u << g->bits) - 1u;
    uint32_t s = slot_of(g, key);
    while (g->keys[s] != key && g->keys[s] != UINT64_MAX) s = (s + 1) & mask;
    if (g->keys[s] == UINT64_MAX) {
        g->keys[s] = key;
        g->head[s] = BN_NONE;
    }
    g->next[index] = g->head[s];
    g->head[s] = index;
}

static int too_close(const bn_point *p, const bn_point *q) {
    float dx = p->x - q->x, dy = p->y - q->y, dz = p->z - q->z;
    float lim = 0.5f * (p->r + q->r);
    return dx * dx + dy * dy + dz * dz < lim * lim;
}

/* Whether any point of the grid conflicts with p. */
static int grid_conflicts(const bn_grid *g, const bn_point *pts, const bn_point *p) {
    bn_box box = reach_box(g, p);
    FOR_CELLS(g, box, key)
    for (uint32_t q = grid_find(g, key); q != BN_NONE; q = g->next[q])
        if (too_close(p, &pts[q])) return 1;
    return 0;
}

/* ---- the spacing field ------------------------------------------------------------------ */

typedef struct bn_field {
    const smp_mesh *mesh;
    const float *density; /* per vertex, dots/cm² */
    float *weight;        /* per vertex: density raised to the floor where > 0 */
    float floor_cm2;      /* a quarter of the largest density: spacing stops growing below */
    float min_weight_cm2; /* smallest positive weight: sets the largest spacing */
    double *tri_expect;   /* per triangle: dots at scale 1 (area × mean weight) */
    scatter_tris tris;    /* sampled by weight */
} bn_field;

static void bn_field_free(bn_field *f) {
    free(f->weight);
    free(f->tri_expect);
    scatter_tris_free(&f->tris);
}

static smp_status bn_field_build(const smp_scatter_desc *d, bn_field *f, smp_error *err) {
    memset(f, 0, sizeof *f);
    const smp_mesh *m = d->mesh;
    f->mesh = m;
    f->density = d->density_per_cm2;
    float dmax = 0.0f;
    for (uint32_t v = 0; v < m->vertex_count; ++v)
        dmax = d->density_per_cm2[v] > dmax ? d->density_per_cm2[v] : dmax;
    f->floor_cm2 = 0.25f * dmax;
    f->weight = malloc((size_t)m->vertex_count * sizeof(float));
    f->tri_expect = malloc((size_t)m->triangle_count * sizeof(double));
    if (!f->weight || !f->tri_expect) {
        bn_field_free(f);
        return smp_error_set(err, SMP_ERR_NOMEM, "out of memory preparing the spacing field");
    }
    f->min_weight_cm2 = dmax;
    for (uint32_t v = 0; v < m->vertex_count; ++v) {
        float dv = d->density_per_cm2[v];
        f->weight[v] = dv > 0.0f ? (dv > f->floor_cm2 ? dv : f->floor_cm2) : 0.0f;
        if (dv > 0.0f && f->weight[v] < f->min_weight_cm2) f->min_weight_cm2 = f->weight[v];
    }
    for (uint32_t t = 0; t < m->triangle_count; ++t) {
        const uint32_t *ix = m->indices + 3 * (size_t)t;
        double w = (double)f->weight[ix[0]] + f->weight[ix[1]] + f->weight[ix[2]];
        f->tri_expect[t] = w > 0.0 ? scatter_triangle_area_mm2(m, t) * w / 300.0 : 0.0;
    }
    smp_status st = scatter_tris_build(m, f->weight, d->tissue, &f->tris, err);
    if (st != SMP_OK) {
        free(f->weight);
        free(f->tri_expect);
        memset(f, 0, sizeof *f);
    }
    return st;
}

/* The weight (dots/cm²) that sets the spacing at barycentrics b of triangle t: interpolated,
 * never below the smallest positive vertex weight, so a triangle whose density falls to zero
 * at one corner keeps a bounded spacing there (thinning then lowers the density). */
static float bn_weight_at(const bn_field *f, uint32_t t, const float b[3]) {
    const uint32_t *ix = f->mesh->indices + 3 * (size_t)t;
    float w = (b[0] * f->weight[ix[0]] + b[1] * f->weight[ix[1]]) + b[2] * f->weight[ix[2]];
    return w > f->min_weight_cm2 ? w : f->min_weight_cm2;
}

static float bn_density_at(const bn_field *f, uint32_t t, const float b[3]) {
    const uint32_t *ix = f->mesh->indices + 3 * (size_t)t;
    return (b[0] * f->density[ix[0]] + b[1] * f->density[ix[1]]) + b[2] * f->density[ix[2]];
}

static float bn_radius(float scale, float weight_cm2) {
    return scale * sqrtf((float)(BN_JAMMING * 100.0) / weight_cm2);
}

static void bn_point_from_bary(const bn_field *f, float scale, uint32_t t, const float b[3],
                               bn_point *p) {
    const scatter_tris *T = &f->tris;
    p->x = (T->p0x[t] + b[1] * T->e1x[t]) + b[2] * T->e2x[t];
    p->y = (T->p0y[t] + b[1] * T->e1y[t]) + b[2] * T->e2y[t];
    p->z = (T->p0z[t] + b[1] * T->e1z[t]) + b[2] * T->e2z[t];
    p->b[0] = b[0];
    p->b[1] = b[1];
    p->b[2] = b[2];
    p->t = t;
    p->r = bn_radius(scale, bn_weight_at(f, t, b));
}

/* An existing dot as a packing point: its stored position, the spacing at its barycentrics. */
static void bn_point_from_dot(const bn_field *f, float scale, const smp_dots *d, size_t i,
                              bn_point *p) {
    float b[3] = {0.0f, d->bary_u[i] / 65535.0f, d->bary_v[i] / 65535.0f};
    b[0] = 1.0f - b[1] - b[2];
    b[0] = b[0] > 0.0f ? b[0] : 0.0f;
    p->x = d->x[i];
    p->y = d->y[i];
    p->z = d->z[i];
    memcpy(p->b, b, sizeof b);
    p->t = d->triangle[i];
    p->r = bn_radius(scale, bn_weight_at(f, p->t, b));
    p->prio = 0;
}

/* ---- one packing at a given scale ------------------------------------------------------- */

typedef struct bn_run {
    bn_point *acc; /* existing dots first, then new ones in acceptance order */
    size_t n_acc, cap_acc, n_existing;
    int passes;
    size_t candidates;
} bn_run;

enum { ST_UNDECIDED = 0, ST_IN = 1, ST_OUT = 2 };

/* A piece of a mesh triangle still possibly holding room for a dot: its corners as the
 * barycentric weights (of vertices 1 and 2) in triangle t. */
typedef struct bn_cell {
    uint32_t t, level;
    float u[3], v[3];
} bn_cell;

static void cell_corner(const bn_field *f, float scale, const bn_cell *c, int k, bn_point *p) {
    float b[3] = {0.0f, c->u[k], c->v[k]};
    b[0] = 1.0f - b[1] - b[2];
    bn_point_from_bary(f, scale, c->t, b, p);
}

/* Whether one accepted dot covers the whole cell: every corner (and so, by convexity of the
 * ball, every point) lies within the conflict distance taken with the cell's smallest
 * spacing. */
static int cell_covered(const bn_grid *g, const bn_point *pts, const bn_field *f, float scale,
                        const bn_cell *c) {
    bn_point k[3];
    for (int i = 0; i < 3; ++i) cell_corner(f, scale, c, i, &k[i]);
    /* The weight is linear over the cell, so its largest value (the smallest spacing) is at
     * a corner. */
    float r_lo = sc_min(sc_min(k[0].r, k[1].r), k[2].r);
    bn_point mid = k[0];
    mid.x = (k[0].x + k[1].x + k[2].x) / 3.0f;
    mid.y = (k[0].y + k[1].y + k[2].y) / 3.0f;
    mid.z = (k[0].z + k[1].z + k[2].z) / 3.0f;
    float ext = 0.0f;
    for (int i = 0; i < 3; ++i) {
        float dx = k[i].x - mid.x, dy = k[i].y - mid.y, dz = k[i].z - mid.z;
        ext = sc_max(ext, sqrtf(dx * dx + dy * dy + dz * dz));
    }
    bn_box box = reach_box_r(g, &mid, g->reach + ext);
    FOR_CELLS(g, box, key)
    for (uint32_t q = grid_find(g, key); q != BN_NONE; q = g->next[q]) {
        const bn_point *o = &pts[q];
        float lim = 0.5f * (r_lo + o->r);
        int all = 1;
        for (int i = 0; i < 3 && all; ++i) {
            float dx = k[i].x - o->x, dy = k[i].y - o->y, dz = k[i].z - o->z;
            all = dx * dx + dy * dy + dz * dz < lim * lim;
        }
        if (all) return 1;
    }
    return 0;
}

static void cell_split(const bn_cell *c, bn_cell out[4]) {
    float mu[3], mv[3]; /* midpoints of edges 01, 12, 20 */
    for (int e = 0; e < 3; ++e) {
        int a = e, b = (e + 1) % 3;
        mu[e] = 0.5f * (c->u[a] + c->u[b]);
        mv[e] = 0.5f * (c->v[a] + c->v[b]);
    }
    const float cu[4][3] = {{c->u[0], mu[0], mu[2]},
                            {mu[0], c->u[1], mu[1]},
                            {mu[2], mu[1], c->u[2]},
                            {mu[1], mu[2], mu[0]}};
    const float cv[4][3] = {{c->v[0], mv[0], mv[2]},
                            {mv[0], c->v[1], mv[1]},
                            {mv[2], mv[1], c->v[2]},
                            {mv[1], mv[2], mv[0]}};
    for (int i = 0; i < 4; ++i) {
        out[i].t = c->t;
        out[i].level = c->level + 1;
        memcpy(out[i].u, cu[i], sizeof cu[i]);
        memcpy(out[i].v, cv[i], sizeof cv[i]);
    }
}

enum { BN_MAX_LEVEL = 20 };

static smp_status bn_pack(const smp_scatter_desc *d, const bn_field *f, float scale,
                          const smp_dots *existing, int threads, bn_run *run, smp_error *err) {
    const smp_mesh *m = f->mesh;
    const uint32_t T = m->triangle_count;
    double expect = 0.0;
    for (uint32_t t = 0; t < T; ++t) expect += f->tri_expect[t];
    expect /= (double)scale * scale;
    size_t n_old = existing ? existing->count : 0;
    /* The densest packing holds 1.66× a saturated random one; leave room for that. */
    size_t cap = n_old + (size_t)(expect * 1.7) + 1024;
    /* Interpolated weights never go below the smallest vertex weight, so no spacing exceeds
     * this: the grid's reach. */
    float h = bn_radius(scale, f->min_weight_cm2) * 1.0001f;
    float r_min = bn_radius(scale, f->floor_cm2 * 4.0f);

    memset(run, 0, sizeof *run);
    bn_grid acc_grid = {0}, sv_grid = {0};
    run->acc = malloc(cap * sizeof *run->acc);
    bn_cell *cells = NULL, *next_cells = NULL;
    uint8_t *split = NULL;
    size_t *offs = NULL;
    bn_point *cand = NULL, *surv = NULL;
    uint32_t *preds = NULL, *pred_start = NULL, *undecided = NULL;
    _Atomic unsigned char *state = NULL;
    smp_status st = SMP_OK;
    if (!run->acc || !grid_init(&acc_grid, h, cap)) goto nomem;
    run->cap_acc = cap;
    for (size_t i = 0; i < n_old; ++i) {
        if (existing->triangle[i] >= T) {
            st = smp_error_set(err, SMP_ERR_INVALID_ARG,
                               "existing dot %zu lies in triangle %u, but the mesh has %u: "
                               "layered sessions must use the same mesh",
                               i, existing->triangle[i], T);
            goto done;
        }
        bn_point_from_dot(f, scale, existing, i, &run->acc[i]);
        grid_insert(&acc_grid, &run->acc[i], (uint32_t)i);
    }
    run->n_acc = run->n_existing = n_old;

    /* Start cells: each triangle cut into 4^L pieces of at most r²/2 at the smallest spacing
     * r, about a third of the area a dot keeps free, so few pieces have room for two. */
    size_t n_cells = 0;
    uint8_t *levels = malloc(T);
    if (!levels) goto nomem;
    for (uint32_t t = 0; t < T; ++t) {
        levels[t] = 0xff;
        if (!(f->tri_expect[t] > 0.0)) continue;
        float area = (float)scatter_triangle_area_mm2(m, t);
        int L = 0;
        while (L < 8 && area > 0.5f * r_min * r_min) area *= 0.25f, ++L;
        levels[t] = (uint8_t)L;
        n_cells += (size_t)1 << (2 * L);
    }
    cells = malloc((n_cells ? n_cells : 1) * sizeof *cells);
    if (!cells) {
        free(levels);
        goto nomem;
    }
    {
        size_t w = 0;
        for (uint32_t t = 0; t < T; ++t) {
            if (levels[t] == 0xff) continue;
            size_t start = w;
            cells[w++] = (bn_cell){.t = t, .u = {0, 1, 0}, .v = {0, 0, 1}};
            for (int L = 0; L < levels[t]; ++L) {
                size_t end = w;
                for (size_t i = start; i < end; ++i) {
                    bn_cell four[4];
                    cell_split(&cells[i], four);
                    cells[i] = four[0];
                    cells[w++] = four[1];
                    cells[w++] = four[2];
                    cells[w++] = four[3];
                }
            }
        }
        n_cells = w;
    }
    free(levels);

    for (int pass = 0; n_cells; ++pass) {
        if (n_cells > 0xffffffffu) {
            st = smp_error_set(err, SMP_ERR_INVALID_ARG,
                               "blue noise: %zu open cells in one pass, too many", n_cells);
            goto done;
        }
        run->passes = pass + 1;
        run->candidates += n_cells;
        /* 1. one dart per open cell, uniform in it */
        free(cand);
        cand = malloc(n_cells * sizeof *cand);
        if (!cand) goto nomem;
        uint64_t stream = 0x4000 + ((uint64_t)d->session.index << 8) + (uint64_t)pass * 4;
        uint32_t ku = smp_rng_key(d->seed, stream), kprio = smp_rng_key(d->seed, stream + 1);
#pragma omp parallel for schedule(static) num_threads(threads)
        for (size_t i = 0; i < n_cells; ++i) {
            const bn_cell *c = &cells[i];
            uint32_t hu = smp_rng_hash(ku, (uint32_t)i);
            float a = smp_rng_unit16(hu & 0xffffu), b = smp_rng_unit16(hu >> 16);
            if (a + b > 1.0f) a = 1.0f - a, b = 1.0f - b;
            float bb[3];
            bb[1] = (c->u[0] + a * (c->u[1] - c->u[0])) + b * (c->u[2] - c->u[0]);
            bb[2] = (c->v[0] + a * (c->v[1] - c->v[0])) + b * (c->v[2] - c->v[0]);
            bb[0] = 1.0f - bb[1] - bb[2];
            bn_point_from_bary(f, scale, c->t, bb, &cand[i]);
            cand[i].prio = smp_rng_hash(kprio, (uint32_t)i);
        }

        /* 2. drop darts in the spacing of accepted dots */
        uint8_t *keep = malloc(n_cells);
        if (!keep) goto nomem;
#pragma omp parallel for schedule(dynamic, 4096) num_threads(threads)
        for (size_t i = 0; i < n_cells; ++i)
            keep[i] = !grid_conflicts(&acc_grid, run->acc, &cand[i]);
        size_t ns = 0;
        for (size_t i = 0; i < n_cells; ++i) ns += keep[i];
        free(surv);
        surv = malloc((ns ? ns : 1) * sizeof *surv);
        if (!surv) {
            free(keep);
            goto nomem;
        }
        ns = 0;
        for (size_t i = 0; i < n_cells; ++i)
            if (keep[i]) surv[ns++] = cand[i];
        free(keep);

        if (ns) {
            /* 3. survivors' conflicts with higher-priority survivors, as lists */
            grid_free(&sv_grid);
            if (!grid_init(&sv_grid, h, ns)) goto nomem;
            for (size_t i = 0; i < ns; ++i) grid_insert(&sv_grid, &surv[i], (uint32_t)i);
            free(pred_start);
            pred_start = malloc((ns + 1) * sizeof *pred_start);
            if (!pred_start) goto nomem;
            for (int fill = 0; fill < 2; ++fill) {
#pragma omp parallel for schedule(dynamic, 4096) num_threads(threads)
                for (size_t i = 0; i < ns; ++i) {
                    const bn_point *p = &surv[i];
                    bn_box box = reach_box(&sv_grid, p);
                    uint32_t cnt = 0;
                    uint32_t *out = fill ? preds + pred_start[i] : NULL;
                    FOR_CELLS(&sv_grid, box, key)
                    for (uint32_t q = grid_find(&sv_grid, key); q != BN_NONE; q = sv_grid.next[q]) {
                        const bn_point *o = &surv[q];
                        int before = o->prio < p->prio || (o->prio == p->prio && q < i);
                        if (before && too_close(p, o)) {
                            if (out) out[cnt] = q;
                            ++cnt;
                        }
                    }
                    if (!fill) pred_start[i] = cnt;
                }
                if (!fill) {
                    uint32_t sum = 0;
                    for (size_t i = 0; i < ns; ++i) {
                        uint32_t c = pred_start[i];
                        pred_start[i] = sum;
                        sum += c;
                    }
                    pred_start[ns] = sum;
                    free(preds);
                    preds = malloc(((size_t)sum + 1) * sizeof *preds);
                    if (!preds) goto nomem;
                }
            }

            /* 4. the greedy fixed point, swept in place */
            free((void *)state);
            free(undecided);
            state = malloc(ns);
            undecided = malloc(ns * sizeof *undecided);
            if (!state || !undecided) goto nomem;
            for (size_t i = 0; i < ns; ++i) {
                atomic_init(&state[i], ST_UNDECIDED);
                undecided[i] = (uint32_t)i;
            }
            size_t nu = ns;
            while (nu) {
#pragma omp parallel for schedule(dynamic, 4096) num_threads(threads)
                for (size_t j = 0; j < nu; ++j) {
                    uint32_t i = undecided[j];
                    unsigned char s = ST_IN;
                    for (uint32_t e = pred_start[i]; e < pred_start[i + 1]; ++e) {
                        unsigned char o =
                            atomic_load_explicit(&state[preds[e]], memory_order_relaxed);
                        if (o == ST_IN) {
                            s = ST_OUT;
                            break;
                        }
                        if (o == ST_UNDECIDED) s = ST_UNDECIDED;
                    }
                    if (s != ST_UNDECIDED)
                        atomic_store_explicit(&state[i], s, memory_order_relaxed);
                }
                size_t left = 0;
                for (size_t j = 0; j < nu; ++j)
                    if (atomic_load_explicit(&state[undecided[j]], memory_order_relaxed) ==
                        ST_UNDECIDED)
                        undecided[left++] = undecided[j];
                nu = left;
            }
            for (size_t i = 0; i < ns; ++i) {
                if (atomic_load_explicit(&state[i], memory_order_relaxed) != ST_IN) continue;
                if (run->n_acc == run->cap_acc) {
                    st = smp_error_set(err, SMP_ERR_NOMEM,
                                       "blue noise: more dots than the densest packing allows");
                    goto done;
                }
                run->acc[run->n_acc] = surv[i];
                grid_insert(&acc_grid, &run->acc[run->n_acc], (uint32_t)run->n_acc);
                ++run->n_acc;
            }
        }

        /* 5. cells one dot covers are done; the rest split in four for the next pass */
        free(split);
        split = malloc(n_cells);
        free(offs);
        offs = malloc((n_cells + 1) * sizeof *offs);
        if (!split || !offs) goto nomem;
#pragma omp parallel for schedule(dynamic, 4096) num_threads(threads)
        for (size_t i = 0; i < n_cells; ++i)
            split[i] = cells[i].level < BN_MAX_LEVEL &&
                       !cell_covered(&acc_grid, run->acc, f, scale, &cells[i]);
        size_t n_next = 0;
        for (size_t i = 0; i < n_cells; ++i) {
            offs[i] = n_next;
            n_next += split[i] ? 4 : 0;
        }
        /* Open cells shrink geometrically in a healthy packing; a runaway (cells no single
         * dot can cover, forever) stops here rather than exhausting memory. */
        if (n_next > 16 * cap) n_next = 0;
        free(next_cells);
        next_cells = malloc((n_next ? n_next : 1) * sizeof *next_cells);
        if (!next_cells) goto nomem;
#pragma omp parallel for schedule(static) num_threads(threads)
        for (size_t i = 0; i < n_cells; ++i)
            if (split[i]) cell_split(&cells[i], next_cells + offs[i]);
        bn_cell *tmp = cells;
        cells = next_cells;
        next_cells = tmp;
        n_cells = n_next;
    }
    goto done;
nomem:
    st = smp_error_set(err, SMP_ERR_NOMEM, "out of memory in the blue-noise packing");
done:
    free(cells);
    free(next_cells);
    free(split);
    free(offs);
    free(cand);
    free(surv);
    free(preds);
    free(pred_start);
    free(undecided);
    free((void *)state);
    grid_free(&acc_grid);
    grid_free(&sv_grid);
    if (st != SMP_OK) {
        free(run->acc);
        memset(run, 0, sizeof *run);
    }
    return st;
}

/* Where the density is below the spacing's weight (under the floor, or where the density
 * falls to zero inside a triangle), keep a new dot with probability density / weight, so soft
 * edges fade in number at a bounded spacing. */
static void bn_thin(const smp_scatter_desc *d, const bn_field *f, bn_run *run) {
    uint32_t key = smp_rng_key(d->seed, 0x5000 + ((uint64_t)d->session.index << 8));
    size_t w = run->n_existing;
    for (size_t i = run->n_existing; i < run->n_acc; ++i) {
        bn_point *p = &run->acc[i];
        float dens = bn_density_at(f, p->t, p->b), wt = bn_weight_at(f, p->t, p->b);
        int keep = 1;
        if (dens < wt) {
            float u = smp_rng_unit16(smp_rng_hash(key, (uint32_t)(i - run->n_existing)) >> 16);
            keep = u * wt < dens;
        }
        if (keep) run->acc[w++] = *p;
    }
    run->n_acc = w;
}

smp_status scatter_blue_run(const smp_scatter_desc *d, double expected, smp_dots *dots,
                            smp_scatter_info *info, smp_error *err) {
    (void)expected;
    int threads = d->threads > 0 ? d->threads : omp_get_max_threads();
    bn_field f;
    smp_status st = bn_field_build(d, &f, err);
    if (st != SMP_OK) return st;
    size_t n_old = dots->count;
    double at_unit = 0.0; /* packing points at scale 1 */
    for (uint32_t t = 0; t < d->mesh->triangle_count; ++t) at_unit += f.tri_expect[t];

    bn_run run = {0};
    double scale = 1.0;
    int runs = 0;
    if (d->count) {
        double want = (double)d->count + (double)n_old;
        scale = sqrt(at_unit / want);
    }
    /* An exact count: aim 0.4 % high, accept 0..0.8 % surplus, trim it. */
    for (;;) {
        if (run.acc) free(run.acc);
        if ((st = bn_pack(d, &f, (float)scale, dots, threads, &run, err)) != SMP_OK) goto out;
        bn_thin(d, &f, &run);
        ++runs;
        size_t got = run.n_acc - n_old;
        if (!d->count) break;
        if (got >= d->count && (got <= d->count + d->count / 125 + 2 || runs >= 8)) break;
        if (runs >= 12) {
            st = smp_error_set(err, SMP_ERR_INVALID_ARG,
                               "blue noise: could not fit %zu dots (got %zu at spacing scale "
                               "%.3g); the area is too small or already full",
                               d->count, got, scale);
            goto out;
        }
        double have = (double)got + (double)n_old, want = (double)d->count * 1.004 + (double)n_old;
        if (got == 0)
            scale *= 0.5;
        else if (runs < 6)
            scale *= sqrt(have / want);
        else
            scale *= got < d->count ? 0.97 : 1.002;
    }
    size_t got = run.n_acc - n_old;
    size_t trimmed = 0;
    if (d->count && got > d->count) {
        /* Remove the surplus evenly along the acceptance order (spatially spread: it follows
         * the triangles within each pass). */
        size_t surplus = got - d->count, w = n_old;
        for (size_t j = 0; j < got; ++j) {
            size_t a = (j * surplus) / got, b = ((j + 1) * surplus) / got;
            if (b > a) continue;
            run.acc[w++] = run.acc[n_old + j];
        }
        trimmed = got - (w - n_old);
        run.n_acc = w;
        got = w - n_old;
    }
    if (dots->capacity - dots->count < got) {
        st = smp_error_set(err, SMP_ERR_INVALID_ARG,
                           "the dot set holds %zu more dots but blue noise placed %zu "
                           "(capacity needed: %zu; smp_scatter_capacity gives a safe bound)",
                           dots->capacity - dots->count, got, dots->count + got);
        goto out;
    }
    scatter_kernel_ctx c;
    scatter_kernel_setup(d, &f.tris, 0x2000, &c);
    const smp_dots *out = dots;
#pragma omp parallel for schedule(static) num_threads(threads)
    for (size_t k = 0; k < got; ++k) {
        const bn_point *p = &run.acc[n_old + k];
        sc_write_dot(&c, (uint32_t)k, p->t, p->b, out, n_old + k);
    }
    dots->count = n_old + got;
    info->added = got;
    info->spacing_scale = scale;
    info->runs = runs;
    info->passes = run.passes;
    info->candidates = run.candidates;
    info->trimmed = trimmed;
out:
    free(run.acc);
    bn_field_free(&f);
    return st;
}

/* ---- quality ---------------------------------------------------------------------------- */

smp_status smp_scatter_blue_quality(const smp_scatter_desc *desc, double spacing_scale,
                                    const smp_dots *dots, size_t probes, smp_blue_quality *out,
                                    smp_error *err) {
    smp_status st = scatter_validate(desc, err);
    if (st != SMP_OK) return st;
    if (!(spacing_scale > 0.0) || !dots)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "blue quality: scale %g must be > 0",
                             spacing_scale);
    bn_field f;
    if ((st = bn_field_build(desc, &f, err)) != SMP_OK) return st;
    float scale = (float)spacing_scale;
    size_t n = dots->count;
    bn_point *pts = malloc((n ? n : 1) * sizeof *pts);
    bn_grid g;
    if (!pts || !grid_init(&g, bn_radius(scale, f.min_weight_cm2) * 1.0001f, n)) {
        free(pts);
        grid_free(&g);
        bn_field_free(&f);
        return smp_error_set(err, SMP_ERR_NOMEM, "out of memory measuring blue noise");
    }
    for (size_t i = 0; i < n; ++i) {
        if (dots->triangle[i] >= desc->mesh->triangle_count) {
            free(pts);
            grid_free(&g);
            bn_field_free(&f);
            return smp_error_set(err, SMP_ERR_INVALID_ARG, "dot %zu: triangle %u out of range", i,
                                 dots->triangle[i]);
        }
        bn_point_from_dot(&f, scale, dots, i, &pts[i]);
        grid_insert(&g, &pts[i], (uint32_t)i);
    }
    double min_ratio = 2.0;
#pragma omp parallel for schedule(dynamic, 4096) reduction(min : min_ratio)
    for (size_t i = 0; i < n; ++i) {
        const bn_point *p = &pts[i];
        bn_box box = reach_box(&g, p);
        FOR_CELLS(&g, box, key)
        for (uint32_t q = grid_find(&g, key); q != BN_NONE; q = g.next[q]) {
            if (q == i) continue;
            double ddx = (double)p->x - pts[q].x, ddy = (double)p->y - pts[q].y,
                   ddz = (double)p->z - pts[q].z;
            double ratio =
                sqrt(ddx * ddx + ddy * ddy + ddz * ddz) / (0.5 * ((double)p->r + pts[q].r));
            if (ratio < min_ratio) min_ratio = ratio;
        }
    }
    /* Probes: area × weight distributed, kept only where the full spacing applies. */
    uint32_t k1 = smp_rng_key(desc->seed, 0x6001), k2 = smp_rng_key(desc->seed, 0x6002),
             k3 = smp_rng_key(desc->seed, 0x6003);
    scatter_kernel_ctx c;
    memset(&c, 0, sizeof c);
    c.tris = &f.tris;
    c.key[KEY_COLUMN] = smp_rng_key(desc->seed, 0x6000);
    c.key[KEY_COIN] = k1;
    size_t used = 0, gaps = 0;
#pragma omp parallel for schedule(dynamic, 4096) reduction(+ : used, gaps)
    for (size_t i = 0; i < probes; ++i) {
        uint32_t h1;
        uint32_t t = sc_pick_triangle(&c, (uint32_t)i, &h1);
        float b[3];
        sc_barycentrics(f.tris.c0[t], f.tris.c1[t], h1 >> 16, smp_rng_hash(k2, (uint32_t)i),
                        smp_rng_hash(k3, (uint32_t)i), b);
        if (bn_density_at(&f, t, b) < bn_weight_at(&f, t, b)) continue;
        bn_point p;
        bn_point_from_bary(&f, scale, t, b, &p);
        ++used;
        gaps += !grid_conflicts(&g, pts, &p);
    }
    out->min_spacing_ratio = min_ratio;
    out->probes = used;
    out->gap_fraction = used ? (double)gaps / (double)used : 0.0;
    free(pts);
    grid_free(&g);
    bn_field_free(&f);
    return SMP_OK;
}
