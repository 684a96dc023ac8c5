/*
 * Weld, clean, cut and refine meshes. Everything that needs to find "the same edge" or "the
 * same place" goes through one open-addressing table keyed by 64-bit integers: an undirected
 * edge packs its two vertex indices, a weld cell packs its three grid coordinates.
 */
#include "smp/mesh_ops.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- u64 -> u32 hash table ------------------------------------------------------------- */

#define KEY_EMPTY UINT64_MAX

typedef struct u64_map {
    uint64_t *keys;
    uint32_t *vals;
    size_t mask;
} u64_map;

/* Room for up to 2 * half_max distinct keys with at least one slot always free, so probing
 * ends; the load stays at or below one half when half_max is the typical count. */
static int map_init(u64_map *h, size_t half_max) {
    size_t cap = 16;
    while (cap < 2 * half_max + 1) cap <<= 1;
    h->keys = malloc(cap * sizeof *h->keys);
    h->vals = malloc(cap * sizeof *h->vals);
    h->mask = cap - 1;
    if (!h->keys || !h->vals) {
        free(h->keys);
        free(h->vals);
        return 0;
    }
    memset(h->keys, 0xff, cap * sizeof *h->keys);
    return 1;
}

static void map_free(u64_map *h) {
    free(h->keys);
    free(h->vals);
}

static size_t map_slot(const u64_map *h, uint64_t key) {
    uint64_t x = key * 0x9E3779B97F4A7C15ull; /* Fibonacci hashing spreads packed indices */
    size_t i = (size_t)(x ^ (x >> 29)) & h->mask;
    while (h->keys[i] != KEY_EMPTY && h->keys[i] != key) i = (i + 1) & h->mask;
    return i;
}

/* The slot for key; *found says whether it was already there. The table never fills because
 * callers size it for at least half the most keys they can insert. */
static uint32_t *map_get(u64_map *h, uint64_t key, int *found) {
    size_t i = map_slot(h, key);
    *found = h->keys[i] == key;
    h->keys[i] = key;
    return &h->vals[i];
}

static uint64_t edge_key(uint32_t a, uint32_t b) {
    return a < b ? ((uint64_t)a << 32) | b : ((uint64_t)b << 32) | a;
}

/* ---- array management ------------------------------------------------------------------ */

static smp_status nomem(smp_error *err, const char *what) {
    return smp_error_set(err, SMP_ERR_NOMEM, "out of memory while %s", what);
}

/* Replaces m's arrays by fresh ones of the given sizes, keeping the first min(old, new)
 * elements of each. */
static int resize(smp_mesh *m, uint32_t vertex_count, uint32_t triangle_count) {
    float *p = realloc(m->positions, sizeof(float) * 3 * (size_t)vertex_count + 1);
    if (p) m->positions = p;
    float *n = realloc(m->normals, sizeof(float) * 3 * (size_t)vertex_count + 1);
    if (n) m->normals = n;
    float *uv = realloc(m->uvs, sizeof(float) * 2 * (size_t)vertex_count + 1);
    if (uv) m->uvs = uv;
    uint32_t *ix = realloc(m->indices, sizeof(uint32_t) * 3 * (size_t)triangle_count + 1);
    if (ix) m->indices = ix;
    if (!p || !n || !uv || !ix) return 0;
    m->vertex_count = vertex_count;
    m->triangle_count = triangle_count;
    return 1;
}

/* Drops vertices no triangle references, keeping the order of the rest. */
static smp_status compact_vertices(smp_mesh *m, smp_error *err) {
    uint32_t *remap = malloc(sizeof(uint32_t) * (size_t)m->vertex_count + 1);
    if (!remap) return nomem(err, "compacting vertices");
    memset(remap, 0xff, sizeof(uint32_t) * m->vertex_count);
    for (size_t i = 0; i < 3 * (size_t)m->triangle_count; ++i) remap[m->indices[i]] = 0;
    uint32_t next = 0;
    for (uint32_t v = 0; v < m->vertex_count; ++v) {
        if (remap[v] == UINT32_MAX) continue;
        remap[v] = next;
        memmove(m->positions + 3 * (size_t)next, m->positions + 3 * (size_t)v, 3 * sizeof(float));
        memmove(m->normals + 3 * (size_t)next, m->normals + 3 * (size_t)v, 3 * sizeof(float));
        memmove(m->uvs + 2 * (size_t)next, m->uvs + 2 * (size_t)v, 2 * sizeof(float));
        ++next;
    }
    for (size_t i = 0; i < 3 * (size_t)m->triangle_count; ++i) m->indices[i] = remap[m->indices[i]];
    free(remap);
    resize(m, next, m->triangle_count);           /* shrinking cannot fail to leave valid arrays */
    assert(smp_mesh_validate(m, NULL) == SMP_OK); /* every index names a kept vertex */
    return SMP_OK;
}

static double tri_area(const smp_mesh *m, const uint32_t *t) {
    const float *a = m->positions + 3 * (size_t)t[0], *b = m->positions + 3 * (size_t)t[1],
                *c = m->positions + 3 * (size_t)t[2];
    double e1[3] = {(double)b[0] - a[0], (double)b[1] - a[1], (double)b[2] - a[2]};
    double e2[3] = {(double)c[0] - a[0], (double)c[1] - a[1], (double)c[2] - a[2]};
    double x = e1[1] * e2[2] - e1[2] * e2[1], y = e1[2] * e2[0] - e1[0] * e2[2],
           z = e1[0] * e2[1] - e1[1] * e2[0];
    return 0.5 * sqrt(x * x + y * y + z * z);
}

/* ---- weld ------------------------------------------------------------------------------ */

enum { CELL_BITS = 21 };

static uint64_t cell_key(const int64_t c[3]) {
    const int64_t mask = (1 << CELL_BITS) - 1;
    return ((uint64_t)(c[0] & mask) << (2 * CELL_BITS)) | ((uint64_t)(c[1] & mask) << CELL_BITS) |
           (uint64_t)(c[2] & mask);
}

smp_status smp_mesh_weld(smp_mesh *m, float epsilon, uint32_t *merged_out, smp_error *err) {
    if (merged_out) *merged_out = 0;
    if (!(epsilon > 0.0f) || !isfinite(epsilon))
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "weld epsilon %g is not > 0",
                             (double)epsilon);
    smp_bounds b = smp_mesh_bounds(m);
    /* Cells are at least epsilon wide, and few enough per axis that the packed key cannot
     * alias two cells that are both looked at for one vertex. */
    double cell = epsilon;
    for (int k = 0; k < 3; ++k) {
        double extent = (double)b.max[k] - b.min[k];
        if (extent / cell > (double)((1 << CELL_BITS) - 4)) cell = extent / ((1 << CELL_BITS) - 4);
    }
    const double eps2 = (double)epsilon * epsilon;
    u64_map cells;
    uint32_t *next = malloc(sizeof(uint32_t) * (size_t)m->vertex_count + 1);
    uint32_t *remap = malloc(sizeof(uint32_t) * (size_t)m->vertex_count + 1);
    if (!next || !remap || !map_init(&cells, m->vertex_count)) {
        free(next);
        free(remap);
        return nomem(err, "welding vertices");
    }
    uint32_t merged = 0;
    for (uint32_t v = 0; v < m->vertex_count; ++v) {
        const float *p = m->positions + 3 * (size_t)v;
        int64_t c[3];
        for (int k = 0; k < 3; ++k) c[k] = (int64_t)floor(((double)p[k] - b.min[k]) / cell);
        /* A vertex within epsilon of an earlier one is snapped onto it, so the surface is
         * closed bit for bit; it merges only if the UVs agree too, so UV seams survive as
         * pairs of vertices at one position. */
        uint32_t same = UINT32_MAX, snapped = 0;
        const float *uv = m->uvs + 2 * (size_t)v;
        for (int dz = -1; dz <= 1 && same == UINT32_MAX; ++dz)
            for (int dy = -1; dy <= 1 && same == UINT32_MAX; ++dy)
                for (int dx = -1; dx <= 1 && same == UINT32_MAX; ++dx) {
                    int64_t n[3] = {c[0] + dx, c[1] + dy, c[2] + dz};
                    if (n[0] < 0 || n[1] < 0 || n[2] < 0) continue;
                    size_t slot = map_slot(&cells, cell_key(n));
                    if (cells.keys[slot] == KEY_EMPTY) continue;
                    for (uint32_t r = cells.vals[slot]; r != UINT32_MAX; r = next[r]) {
                        const float *q = m->positions + 3 * (size_t)r;
                        double d0 = (double)p[0] - q[0], d1 = (double)p[1] - q[1],
                               d2 = (double)p[2] - q[2];
                        if (d0 * d0 + d1 * d1 + d2 * d2 > eps2) continue;
                        const float *quv = m->uvs + 2 * (size_t)r;
                        if (uv[0] == quv[0] && uv[1] == quv[1]) {
                            same = r;
                            break;
                        }
                        if (!snapped) {
                            memcpy(m->positions + 3 * (size_t)v, q, 3 * sizeof(float));
                            snapped = 1;
                        }
                    }
                }
        if (same != UINT32_MAX) {
            remap[v] = same;
            ++merged;
            continue;
        }
        /* Snapping may have moved p into a neighbouring cell: file it where it now is. */
        for (int k = 0; k < 3; ++k) c[k] = (int64_t)floor(((double)p[k] - b.min[k]) / cell);
        int found;
        uint32_t *head = map_get(&cells, cell_key(c), &found);
        next[v] = found ? *head : UINT32_MAX;
        *head = v;
        remap[v] = v;
    }
    map_free(&cells);
    free(next);
    for (size_t i = 0; i < 3 * (size_t)m->triangle_count; ++i) m->indices[i] = remap[m->indices[i]];
    free(remap);
    if (merged_out) *merged_out = merged;
    return compact_vertices(m, err);
}

/* ---- degenerate triangles --------------------------------------------------------------- */

smp_status smp_mesh_drop_degenerate(smp_mesh *m, double min_area, uint32_t *dropped_out,
                                    smp_error *err) {
    uint32_t kept = 0;
    for (uint32_t t = 0; t < m->triangle_count; ++t) {
        const uint32_t *tri = m->indices + 3 * (size_t)t;
        if (tri[0] == tri[1] || tri[1] == tri[2] || tri[2] == tri[0]) continue;
        if (!(tri_area(m, tri) > min_area)) continue;
        memmove(m->indices + 3 * (size_t)kept, tri, 3 * sizeof(uint32_t));
        ++kept;
    }
    if (dropped_out) *dropped_out = m->triangle_count - kept;
    if (kept == 0)
        return smp_error_set(err, SMP_ERR_FORMAT,
                             "all %u triangles are degenerate (zero area); nothing is left",
                             m->triangle_count);
    m->triangle_count = kept;
    return compact_vertices(m, err);
}

/* ---- topology ----------------------------------------------------------------------------- */

typedef struct pos_ref {
    const float *p;
    uint32_t index;
} pos_ref;

static int cmp_pos_ref(const void *pa, const void *pb) {
    const pos_ref *a = pa, *b = pb;
    int c = memcmp(a->p, b->p, 3 * sizeof(float));
    return c ? c : (a->index > b->index) - (a->index < b->index);
}

/* For each vertex, the lowest index of a vertex at the bit-identical position: the two sides
 * of a UV seam become one for counting edges. */
static uint32_t *position_ids(const smp_mesh *m) {
    pos_ref *refs = malloc(sizeof(pos_ref) * (size_t)m->vertex_count + 1);
    uint32_t *ids = malloc(sizeof(uint32_t) * (size_t)m->vertex_count + 1);
    if (!refs || !ids) {
        free(refs);
        free(ids);
        return NULL;
    }
    for (uint32_t v = 0; v < m->vertex_count; ++v)
        refs[v] = (pos_ref){m->positions + 3 * (size_t)v, v};
    qsort(refs, m->vertex_count, sizeof *refs, cmp_pos_ref);
    for (uint32_t i = 0, first = 0; i < m->vertex_count; ++i) {
        if (i == 0 || memcmp(refs[i].p, refs[first].p, 3 * sizeof(float)) != 0) first = i;
        ids[refs[i].index] = refs[first].index;
    }
    free(refs);
    return ids;
}

smp_status smp_mesh_topology_stats(const smp_mesh *m, smp_mesh_topology *out, smp_error *err) {
    memset(out, 0, sizeof *out);
    u64_map edges;
    uint32_t *ids = position_ids(m);
    /* At most 3T distinct edges (a soup); a closed mesh has 1.5T. */
    if (!ids || !map_init(&edges, 3 * (size_t)m->triangle_count / 2 + 1)) {
        free(ids);
        return nomem(err, "counting edges");
    }
    double sum = 0.0;
    float lo = FLT_MAX, hi = 0.0f;
    for (size_t t = 0; t < m->triangle_count; ++t)
        for (int k = 0; k < 3; ++k) {
            uint32_t a = ids[m->indices[3 * t + k]], b = ids[m->indices[3 * t + (k + 1) % 3]];
            int found;
            uint32_t *count = map_get(&edges, edge_key(a, b), &found);
            if (found) {
                ++*count;
                continue;
            }
            *count = 1;
            ++out->edge_count;
            const float *pa = m->positions + 3 * (size_t)a, *pb = m->positions + 3 * (size_t)b;
            float d0 = pa[0] - pb[0], d1 = pa[1] - pb[1], d2 = pa[2] - pb[2];
            float len = sqrtf(d0 * d0 + d1 * d1 + d2 * d2);
            sum += len;
            if (len < lo) lo = len;
            if (len > hi) hi = len;
        }
    for (size_t i = 0; i <= edges.mask; ++i) {
        if (edges.keys[i] == KEY_EMPTY) continue;
        if (edges.vals[i] == 1) ++out->boundary_edge_count;
        if (edges.vals[i] > 2) ++out->nonmanifold_edge_count;
    }
    map_free(&edges);
    free(ids);
    if (out->edge_count) {
        out->min_edge = lo;
        out->max_edge = hi;
        out->mean_edge = (float)(sum / out->edge_count);
    }
    return SMP_OK;
}

/* ---- plane cut ------------------------------------------------------------------------- */

/* Appends a vertex interpolated between a and b at parameter t (positions and UVs). */
static void lerp_vertex(smp_mesh *m, uint32_t dst, uint32_t a, uint32_t b, double t) {
    for (int k = 0; k < 3; ++k) {
        double pa = m->positions[3 * (size_t)a + k], pb = m->positions[3 * (size_t)b + k];
        m->positions[3 * (size_t)dst + k] = (float)(pa + t * (pb - pa));
        m->normals[3 * (size_t)dst + k] = 0.0f;
    }
    for (int k = 0; k < 2; ++k) {
        double ua = m->uvs[2 * (size_t)a + k], ub = m->uvs[2 * (size_t)b + k];
        m->uvs[2 * (size_t)dst + k] = (float)(ua + t * (ub - ua));
    }
}

smp_status smp_mesh_cut_plane(smp_mesh *m, const float normal[3], float offset,
                              uint32_t *removed_out, smp_error *err) {
    const uint32_t nv = m->vertex_count, nt = m->triangle_count;
    double *side = malloc(sizeof(double) * (size_t)nv + 1);
    uint32_t *out_idx = malloc(sizeof(uint32_t) * 6 * (size_t)nt + 1);
    u64_map cuts;
    if (!side || !out_idx || !map_init(&cuts, nt)) {
        free(side);
        free(out_idx);
        return nomem(err, "cutting the mesh");
    }
    for (uint32_t v = 0; v < nv; ++v) {
        const float *p = m->positions + 3 * (size_t)v;
        side[v] =
            (double)normal[0] * p[0] + (double)normal[1] * p[1] + (double)normal[2] * p[2] - offset;
    }
    /* First pass: count crossing edges so the vertex arrays grow once. */
    uint32_t crossings = 0;
    for (size_t t = 0; t < nt; ++t)
        for (int k = 0; k < 3; ++k) {
            uint32_t a = m->indices[3 * t + k], b = m->indices[3 * t + (k + 1) % 3];
            if ((side[a] >= 0) == (side[b] >= 0)) continue;
            int found;
            uint32_t *slot = map_get(&cuts, edge_key(a, b), &found);
            if (!found) *slot = nv + crossings++;
        }
    if (!resize(m, nv + crossings, nt)) {
        free(side);
        free(out_idx);
        map_free(&cuts);
        return nomem(err, "cutting the mesh");
    }
    for (size_t i = 0; i <= cuts.mask; ++i) {
        if (cuts.keys[i] == KEY_EMPTY) continue;
        uint32_t a = (uint32_t)(cuts.keys[i] >> 32), b = (uint32_t)cuts.keys[i];
        /* Interpolate from the endpoint with the smaller position, not index, so the two
         * sides of a UV seam get bit-identical cut points and the seam stays closed. */
        if (memcmp(m->positions + 3 * (size_t)a, m->positions + 3 * (size_t)b, 3 * sizeof(float)) >
            0) {
            uint32_t tmp = a;
            a = b, b = tmp;
        }
        lerp_vertex(m, cuts.vals[i], a, b, side[a] / (side[a] - side[b]));
    }
    uint32_t out_count = 0, removed = 0;
    for (size_t t = 0; t < nt; ++t) {
        const uint32_t *tri = m->indices + 3 * t;
        int inside = (side[tri[0]] >= 0) + (side[tri[1]] >= 0) + (side[tri[2]] >= 0);
        if (inside == 3) {
            memcpy(out_idx + 3 * (size_t)out_count++, tri, 3 * sizeof(uint32_t));
            continue;
        }
        ++removed;
        if (inside == 0) continue;
        /* Walk the triangle's boundary keeping inside corners and edge crossings, in order:
         * a convex polygon of 3 or 4 corners, fanned from its first corner. */
        uint32_t poly[4];
        int n = 0;
        for (int k = 0; k < 3; ++k) {
            uint32_t a = tri[k], b = tri[(k + 1) % 3];
            if (side[a] >= 0) poly[n++] = a;
            if ((side[a] >= 0) != (side[b] >= 0))
                poly[n++] = cuts.vals[map_slot(&cuts, edge_key(a, b))];
        }
        for (int k = 1; k + 1 < n; ++k) {
            uint32_t *o = out_idx + 3 * (size_t)out_count++;
            o[0] = poly[0], o[1] = poly[k], o[2] = poly[k + 1];
        }
    }
    map_free(&cuts);
    free(side);
    if (removed_out) *removed_out = removed;
    if (out_count == 0) {
        free(out_idx);
        return smp_error_set(err, SMP_ERR_FORMAT, "cutting the mesh left no triangles");
    }
    if (!resize(m, m->vertex_count, out_count)) {
        free(out_idx);
        return nomem(err, "cutting the mesh");
    }
    memcpy(m->indices, out_idx, sizeof(uint32_t) * 3 * (size_t)out_count);
    free(out_idx);
    /* Clipping can leave slivers where the plane grazes a corner. */
    uint32_t slivers;
    return smp_mesh_drop_degenerate(m, 0.0, &slivers, err);
}

/* ---- subdivision ----------------------------------------------------------------------- */

static float edge_len2(const smp_mesh *m, uint32_t a, uint32_t b) {
    const float *pa = m->positions + 3 * (size_t)a, *pb = m->positions + 3 * (size_t)b;
    float d0 = pa[0] - pb[0], d1 = pa[1] - pb[1], d2 = pa[2] - pb[2];
    return d0 * d0 + d1 * d1 + d2 * d2;
}

/* The midpoint of the cubic PN-triangle edge between a and b: the chord midpoint pulled along
 * the normals by how much the chord leaves each end's tangent plane. It depends only on the
 * edge, so both triangles that share it agree and the surface stays watertight. The offset is
 * capped at a quarter of the chord so a sharp crease (ear rim, cut edge) cannot fold over. */
static void pn_midpoint(const smp_mesh *m, uint32_t a, uint32_t b, float out[3]) {
    const float *pa = m->positions + 3 * (size_t)a, *pb = m->positions + 3 * (size_t)b;
    const float *na = m->normals + 3 * (size_t)a, *nb = m->normals + 3 * (size_t)b;
    double d[3] = {(double)pb[0] - pa[0], (double)pb[1] - pa[1], (double)pb[2] - pa[2]};
    double wa = d[0] * na[0] + d[1] * na[1] + d[2] * na[2];
    double wb = -(d[0] * nb[0] + d[1] * nb[1] + d[2] * nb[2]);
    double off[3], off2 = 0.0, chord2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
    for (int k = 0; k < 3; ++k) {
        off[k] = -(wa * na[k] + wb * nb[k]) / 8.0;
        off2 += off[k] * off[k];
    }
    double scale = off2 > chord2 / 16.0 ? sqrt(chord2 / 16.0 / off2) : 1.0;
    for (int k = 0; k < 3; ++k) out[k] = (float)(0.5 * ((double)pa[k] + pb[k]) + scale * off[k]);
}

static void emit(uint32_t *o, uint32_t a, uint32_t b, uint32_t c) { o[0] = a, o[1] = b, o[2] = c; }

smp_status smp_mesh_subdivide(smp_mesh *m, float target_edge, uint32_t max_triangles,
                              uint32_t *passes_out, smp_error *err) {
    if (passes_out) *passes_out = 0;
    if (!(target_edge > 0.0f) || !isfinite(target_edge))
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "target edge length %g is not > 0",
                             (double)target_edge);
    if (max_triangles == 0) max_triangles = 4000000u;
    const float limit2 = target_edge * target_edge;
    for (uint32_t pass = 0; pass < 24; ++pass) {
        smp_mesh_compute_normals(m);
        const uint32_t nv = m->vertex_count, nt = m->triangle_count;
        /* Size the table by the long half-edges, not all of them: late passes split few. */
        size_t long_half_edges = 0;
        for (size_t t = 0; t < nt; ++t)
            for (int k = 0; k < 3; ++k)
                long_half_edges +=
                    edge_len2(m, m->indices[3 * t + k], m->indices[3 * t + (k + 1) % 3]) > limit2;
        if (long_half_edges == 0) break;
        u64_map mids;
        if (!map_init(&mids, long_half_edges)) return nomem(err, "subdividing the mesh");
        uint32_t new_vertices = 0;
        uint64_t new_triangles = 0;
        for (size_t t = 0; t < nt; ++t) {
            int splits = 0;
            for (int k = 0; k < 3; ++k) {
                uint32_t a = m->indices[3 * t + k], b = m->indices[3 * t + (k + 1) % 3];
                if (edge_len2(m, a, b) <= limit2) continue;
                ++splits;
                int found;
                uint32_t *slot = map_get(&mids, edge_key(a, b), &found);
                if (!found) *slot = nv + new_vertices++;
            }
            new_triangles += (uint64_t)splits + 1;
        }
        if (new_vertices == 0) {
            map_free(&mids);
            break;
        }
        if (new_triangles > max_triangles) {
            map_free(&mids);
            return smp_error_set(err, SMP_ERR_INVALID_ARG,
                                 "refining to edges of %g would need more than %u triangles; "
                                 "ask for a longer target edge",
                                 (double)target_edge, max_triangles);
        }
        uint32_t *out_idx = malloc(sizeof(uint32_t) * 3 * (size_t)new_triangles);
        if (!out_idx || !resize(m, nv + new_vertices, nt)) {
            free(out_idx);
            map_free(&mids);
            return nomem(err, "subdividing the mesh");
        }
        for (size_t i = 0; i <= mids.mask; ++i) {
            if (mids.keys[i] == KEY_EMPTY) continue;
            uint32_t a = (uint32_t)(mids.keys[i] >> 32), b = (uint32_t)mids.keys[i],
                     v = mids.vals[i];
            pn_midpoint(m, a, b, m->positions + 3 * (size_t)v);
            for (int k = 0; k < 2; ++k)
                m->uvs[2 * (size_t)v + k] =
                    0.5f * (m->uvs[2 * (size_t)a + k] + m->uvs[2 * (size_t)b + k]);
        }
        uint32_t out_count = 0;
        for (size_t t = 0; t < nt; ++t) {
            const uint32_t *tri = m->indices + 3 * t;
            uint32_t mid[3];
            int splits = 0;
            for (int k = 0; k < 3; ++k) {
                uint32_t a = tri[k], b = tri[(k + 1) % 3];
                mid[k] = UINT32_MAX;
                if (edge_len2(m, a, b) > limit2) {
                    mid[k] = mids.vals[map_slot(&mids, edge_key(a, b))];
                    ++splits;
                }
            }
            uint32_t *o = out_idx + 3 * (size_t)out_count;
            if (splits == 0) {
                emit(o, tri[0], tri[1], tri[2]);
            } else if (splits == 3) {
                emit(o + 0, tri[0], mid[0], mid[2]);
                emit(o + 3, mid[0], tri[1], mid[1]);
                emit(o + 6, mid[2], mid[1], tri[2]);
                emit(o + 9, mid[0], mid[1], mid[2]);
            } else if (splits == 1) {
                int k = mid[0] != UINT32_MAX ? 0 : mid[1] != UINT32_MAX ? 1 : 2;
                uint32_t a = tri[k], b = tri[(k + 1) % 3], c = tri[(k + 2) % 3];
                emit(o + 0, a, mid[k], c);
                emit(o + 3, mid[k], b, c);
            } else {
                /* Rotate so edges a-b and b-c are split and c-a is not; the corner triangle at
                 * b is fixed, the remaining quad a, m_ab, m_bc, c is cut along its shorter
                 * diagonal to avoid slivers. */
                int k = mid[2] == UINT32_MAX ? 0 : mid[0] == UINT32_MAX ? 1 : 2;
                uint32_t a = tri[k], b = tri[(k + 1) % 3], c = tri[(k + 2) % 3];
                uint32_t mab = mid[k], mbc = mid[(k + 1) % 3];
                emit(o + 0, mab, b, mbc);
                if (edge_len2(m, a, mbc) <= edge_len2(m, mab, c)) {
                    emit(o + 3, a, mab, mbc);
                    emit(o + 6, a, mbc, c);
                } else {
                    emit(o + 3, a, mab, c);
                    emit(o + 6, mab, mbc, c);
                }
            }
            out_count += (uint32_t)splits + 1;
        }
        map_free(&mids);
        free(m->indices);
        m->indices = out_idx;
        m->triangle_count = out_count;
        if (passes_out) *passes_out = pass + 1;
    }
    smp_mesh_compute_normals(m);
    assert(smp_mesh_validate(m, NULL) == SMP_OK); /* split edges name existing vertices */
    return SMP_OK;
}

/* ---- transforms and UVs ----------------------------------------------------------------- */

void smp_mesh_transform(smp_mesh *m, const float rotation[9], float scale,
                        const float translation[3]) {
    const float *r = rotation;
    for (uint32_t v = 0; v < m->vertex_count; ++v) {
        float *p = m->positions + 3 * (size_t)v, *n = m->normals + 3 * (size_t)v;
        float x = p[0], y = p[1], z = p[2];
        for (int k = 0; k < 3; ++k)
            p[k] = scale * (r[3 * k] * x + r[3 * k + 1] * y + r[3 * k + 2] * z) + translation[k];
        x = n[0], y = n[1], z = n[2];
        for (int k = 0; k < 3; ++k) n[k] = r[3 * k] * x + r[3 * k + 1] * y + r[3 * k + 2] * z;
    }
}

void smp_mesh_spherical_uvs(smp_mesh *m, const float centre[3]) {
    const double pi = 3.14159265358979323846;
    for (uint32_t v = 0; v < m->vertex_count; ++v) {
        const float *p = m->positions + 3 * (size_t)v;
        double x = (double)p[0] - centre[0], y = (double)p[1] - centre[1],
               z = (double)p[2] - centre[2];
        double r = sqrt(x * x + y * y + z * z);
        m->uvs[2 * (size_t)v + 0] = (float)(0.5 + atan2(x, z) / (2.0 * pi));
        m->uvs[2 * (size_t)v + 1] = r > 0.0 ? (float)(1.0 - acos(y / r) / pi) : 0.5f;
    }
}
