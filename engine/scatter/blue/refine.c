/* Cells and their refinement: each open cell is tested against the dots near it (covered by
 * one dot, or two together: closed), else split in four, its children's darts thrown and
 * tested on the same short list of nearby dots. */
#include <stdlib.h>

#include "blue_internal.h"

/* The corners of the four children cell_split makes, as indices into the parent's corners
 * (0..2) and edge midpoints (3: edge 01, 4: edge 12, 5: edge 20). */
static const uint8_t k_child_corners[4][3] = {{0, 3, 5}, {3, 1, 4}, {5, 4, 2}, {4, 5, 3}};

/* The most dots one neighbour search keeps, and how much wider than a cell needs it looks
 * (in units of the reach) so that the cells after it can reuse it. At half a reach most
 * start cells (about one per triangle at 10^5 dots on the 124k-triangle head) searched anew:
 * 244k searches for 433k cells. At one reach, 131k; paired runs take 0.91–0.96 of the time
 * at 10^5 dots and 0.92–1.0 at 10^6 (2 threads), where a triangle holds several start cells
 * and more searches hit already. Wider (2 and 3 reaches) was slower. */
enum { BN_CACHE_MAX = 256 };
#define BN_CACHE_MARGIN 1.0f

void cell_split(const bn_cell *c, bn_cell out[4]) {
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

static void emit_dart(bn_emit *e, const bn_point *p) {
    if (e->nd == e->dcap && !bn_reserve((void **)&e->dart, &e->dcap, 2 * e->nd + 4096, sizeof *p)) {
        e->oom = 1;
        return;
    }
    e->dart[e->nd++] = *p;
}

static void emit_cell(bn_emit *e, const bn_cell *c) {
    if (e->n == e->cap && !bn_reserve((void **)&e->cell, &e->cap, 2 * e->n + 4096, sizeof *c)) {
        e->oom = 1;
        return;
    }
    e->cell[e->n++] = *c;
}

typedef struct bn_refine {
    const bn_field *f;
    float scale;
    const float (*near)[4];
    float (*d2)[6]; /* per near dot: squared distance to the cell's corners and midpoints */
    int n_near;
    int blind;         /* the list overflowed: split without tests */
    const bn_index *g; /* for a blind split's darts */
    const bn_point *pts;
    uint32_t key; /* the darts' stream */
    bn_emit *out;
} bn_refine;

uint32_t cell_dart_key(uint32_t key, const bn_cell *c) {
    uint32_t w[4];
    memcpy(&w[0], &c->u[0], 4);
    memcpy(&w[1], &c->v[0], 4);
    memcpy(&w[2], &c->u[1], 4);
    memcpy(&w[3], &c->v[1], 4);
    uint32_t h = smp_rng_hash(key, c->t);
    h = smp_rng_hash(h, w[0] ^ c->level);
    for (int i = 1; i < 4; ++i) h = smp_rng_hash(h, w[i]);
    return h;
}

void cell_dart(const bn_field *f, float scale, uint32_t h, const bn_cell *c, uint32_t attempt,
               bn_point *p) {
    uint32_t hu = smp_rng_hash(h, 1u + 2u * attempt);
    float a = smp_rng_unit16(hu & 0xffffu), b = smp_rng_unit16(hu >> 16);
    if (a + b > 1.0f) a = 1.0f - a, b = 1.0f - b;
    float bb[3];
    bb[1] = (c->u[0] + a * (c->u[1] - c->u[0])) + b * (c->u[2] - c->u[0]);
    bb[2] = (c->v[0] + a * (c->v[1] - c->v[0])) + b * (c->v[2] - c->v[0]);
    bb[0] = 1.0f - bb[1] - bb[2];
    bn_point_from_bary(f, scale, c->t, bb, p);
    p->prio = smp_rng_hash(h, 2u + 2u * attempt);
}

/* Whether a dot of the list is too close to p (the list holds every dot that could be). */
static int near_conflicts(const bn_refine *R, const bn_point *p) {
    for (int j = 0; j < R->n_near; ++j) {
        const float *o = R->near[j];
        float dx = p->x - o[0], dy = p->y - o[1], dz = p->z - o[2];
        float lim = 0.5f * (p->r + o[3]);
        if (dx * dx + dy * dy + dz * dz < lim * lim) return 1;
    }
    return 0;
}

static void refine_corner(const bn_field *f, float scale, uint32_t t, float u, float v,
                          bn_point *p) {
    float b[3] = {1.0f - u - v, u, v};
    bn_point_from_bary(f, scale, t, b, p);
}

/* Whether the union of the balls o1 and o2 (at the spacing of r_lo) holds the triangle k.
 * Exact: the radical plane of the two balls splits the triangle into two convex pieces, and
 * a point on ball 1's side is in the union only if it is in ball 1 (its power is the lower),
 * so the union holds the triangle iff ball 1 holds every vertex of its piece and ball 2 of
 * its own. Those vertices are the triangle's corners on each side and the points where its
 * edges cross the radical plane; the power difference is affine along an edge. */
static int pair_covers(const bn_point *const k[3], float r_lo, const float o1[4], const float o2[4],
                       const float d1[3], const float d2[3]) {
    float l1 = 0.5f * (r_lo + o1[3]), l2 = 0.5f * (r_lo + o2[3]);
    float sd[3];
    for (int i = 0; i < 3; ++i) {
        float p1 = d1[i] - l1 * l1, p2 = d2[i] - l2 * l2;
        sd[i] = p1 - p2;
        if (!((sd[i] <= 0.0f ? p1 : p2) < 0.0f)) return 0;
    }
    for (int i = 0; i < 3; ++i) {
        int j = (i + 1) % 3;
        if ((sd[i] <= 0.0f) == (sd[j] <= 0.0f)) continue;
        float t = sd[i] / (sd[i] - sd[j]);
        float x = k[i]->x + t * (k[j]->x - k[i]->x), y = k[i]->y + t * (k[j]->y - k[i]->y),
              z = k[i]->z + t * (k[j]->z - k[i]->z);
        float ax = x - o1[0], ay = y - o1[1], az = z - o1[2];
        float bx = x - o2[0], by = y - o2[1], bz = z - o2[2];
        /* on the plane both powers agree; asking both keeps rounding on the safe side */
        if (!(ax * ax + ay * ay + az * az < l1 * l1) || !(bx * bx + by * by + bz * bz < l2 * l2))
            return 0;
    }
    return 1;
}

static float dist2(const bn_point *p, const float o[4]) {
    float dx = p->x - o[0], dy = p->y - o[1], dz = p->z - o[2];
    return dx * dx + dy * dy + dz * dz;
}

enum { BN_HOLDERS_MAX = 16 };

/* Whether the dots near the cell cover the triangle of points pt[idx[0..2]]: one dot alone,
 * or two together (where most cells between neighbouring dots end up). Never says covered
 * when a point of the triangle is free; it may miss a cover by three or more, which only
 * costs a split. The answer does not depend on the list's order or on dots in it too far to
 * hold a corner. R->d2[j][i] is the squared distance of dot j to pt[i]. */
static int covered(const bn_refine *R, const bn_point *pt, const uint8_t idx[3]) {
    const bn_point *k[3] = {&pt[idx[0]], &pt[idx[1]], &pt[idx[2]]};
    float r_lo = sc_min(sc_min(k[0]->r, k[1]->r), k[2]->r);
    int holder[BN_HOLDERS_MAX];
    unsigned held[BN_HOLDERS_MAX];
    int n = 0;
    for (int j = 0; j < R->n_near; ++j) {
        float lim = 0.5f * (r_lo + R->near[j][3]), lim2 = lim * lim;
        const float *d = R->d2[j];
        unsigned m = (d[idx[0]] < lim2 ? 1u : 0u) | (d[idx[1]] < lim2 ? 2u : 0u) |
                     (d[idx[2]] < lim2 ? 4u : 0u);
        if (m == 7u) return 1;
        if (!m) continue;
        /* the holders are the same dots whatever else the list holds, so giving up on too
         * many is the same answer for every thread */
        if (n == BN_HOLDERS_MAX) return 0;
        holder[n] = j, held[n++] = m;
    }
    for (int a = 0; a < n; ++a)
        for (int b = a + 1; b < n; ++b) {
            if ((held[a] | held[b]) != 7u) continue;
            const float *da = R->d2[holder[a]], *db = R->d2[holder[b]];
            const float d1[3] = {da[idx[0]], da[idx[1]], da[idx[2]]};
            const float d2[3] = {db[idx[0]], db[idx[1]], db[idx[2]]};
            if (pair_covers(k, r_lo, R->near[holder[a]], R->near[holder[b]], d1, d2)) return 1;
        }
    return 0;
}

/* Splits cell c (its corners in pt[0..2]; pt has room for the edges' midpoints) in four and
 * hands on the children no one or two dots cover, each with its dart for the next pass when
 * that lands clear of every dot. */
static void refine_split(const bn_refine *R, const bn_cell *c, bn_point pt[6]) {
    for (int e = 0; e < 3; ++e) {
        int a = e, b = (e + 1) % 3;
        refine_corner(R->f, R->scale, c->t, 0.5f * (c->u[a] + c->u[b]), 0.5f * (c->v[a] + c->v[b]),
                      &pt[3 + e]);
        for (int j = 0; j < R->n_near; ++j) R->d2[j][3 + e] = dist2(&pt[3 + e], R->near[j]);
    }
    bn_cell four[4];
    cell_split(c, four);
    for (int ch = 0; ch < 4; ++ch) {
        if (!R->blind && covered(R, pt, k_child_corners[ch])) continue;
        emit_cell(R->out, &four[ch]);
        /* the next pass's dart in this child, tested now against the same list: its
         * conflicts are all within reach of the parent's middle */
        const uint32_t h = cell_dart_key(R->key, &four[ch]);
        for (uint32_t a = 0; a < BN_DART_TRIES; ++a) {
            bn_point dart;
            cell_dart(R->f, R->scale, h, &four[ch], a, &dart);
            if (!(R->blind ? index_conflicts(R->g, R->pts, &dart) : near_conflicts(R, &dart))) {
                emit_dart(R->out, &dart);
                break;
            }
        }
    }
}

/* A thread's last neighbour search, kept while the searches of the cells after it (the same
 * triangle's, mostly) fall inside it: their lists are filtered from it, with no hashing. */
struct bn_near_cache {
    float c[3], radius;
    int n, valid;
    float dot[BN_CACHE_MAX + 1][4]; /* one spare: gather_near writes every dot it scans */
};

bn_near_cache *near_cache_new(void) {
    bn_near_cache *c = malloc(sizeof *c);
    /* a cell's pieces never depend on what the cache held before it */
    if (c) c->valid = 0;
    return c;
}

/* The dots a cell within the ball (m, radius) may need, into dot[0, BN_CACHE_MAX); their
 * number, or -1 when more. Such a cell keeps a dot o within (r_hi + r_o) / 2 + ext of its
 * middle (cell_refine), which is (reach - r_o) / 2 less than the widest such bound, far; so
 * with |middle - m| + far <= radius, o lies within radius - (reach - r_o) / 2 of m. The
 * cell's filter is a thousandth wide, this one two, so rounding never drops a dot a cell
 * keeps. dot has room for BN_CACHE_MAX + 1: each dot scanned is copied and kept by advancing
 * n, no branch on the distance (about half the dots scanned are kept, a coin toss). */
static int gather_near(const bn_index *g, const bn_point *pts, const float m[3], float radius,
                       float (*dot)[4]) {
    int n = 0;
    /* locals: the stores into dot could alias m as far as the compiler knows */
    const float mx = m[0], my = m[1], mz = m[2], half_reach = 0.5f * g->reach;
    INDEX_FOR_NEAR(g, pts, mx, my, mz, radius, o, {
        float dx = o[0] - mx, dy = o[1] - my, dz = o[2] - mz;
        float lim = (radius - (half_reach - 0.5f * o[3])) * 1.002f;
        memcpy(dot[n], o, sizeof dot[0]);
        n += dx * dx + dy * dy + dz * dz < lim * lim;
        if (n > BN_CACHE_MAX) return -1;
    });
    return n;
}

/* Makes the cache hold every dot a cell with middle m and bound `far` (cell_refine) may need:
 * unless it already does, a search of a ball wider than this cell needs, for the cells after
 * it; if that holds too many dots, one of just this cell's reach, which always fits at a sane
 * spacing. 0 when even that holds too many. */
static int near_cache_cover(bn_near_cache *cache, const bn_index *g, const bn_point *pts,
                            const float m[3], float far) {
    float cdx = m[0] - cache->c[0], cdy = m[1] - cache->c[1], cdz = m[2] - cache->c[2];
    if (cache->valid && sqrtf(cdx * cdx + cdy * cdy + cdz * cdz) + far <= cache->radius) return 1;
    float radius = far + BN_CACHE_MARGIN * g->reach;
    int n = gather_near(g, pts, m, radius, cache->dot);
    if (n < 0) radius = far, n = gather_near(g, pts, m, radius, cache->dot);
    memcpy(cache->c, m, sizeof cache->c);
    cache->radius = radius;
    cache->n = n;
    cache->valid = n >= 0;
    return cache->valid;
}

/* The cell's list from the cache, into near with each dot's squared distances to the corners
 * k[0..2] in d2; returns its length. Each dot by its own spacing, within (r_hi + r_o) / 2 of
 * the middle m plus the extent (a thousandth wider against rounding), not by the reach's
 * bound. Where the density is at its peak the spacing is half the reach: at 10^5 dots on the
 * default head the lists hold 2.3 M dots in all instead of 3.6 M, and the answers are the
 * same. */
static int near_list(const bn_near_cache *cache, const bn_point k[3], const float m[3], float r_hi,
                     float ext, float (*near)[4], float (*d2)[6]) {
    int n = 0;
    for (int j = 0; j < cache->n; ++j) { /* written always, kept by advancing n: no branch */
        const float *o = cache->dot[j];
        float dx = o[0] - m[0], dy = o[1] - m[1], dz = o[2] - m[2];
        float lim = (0.5f * (r_hi + o[3]) + ext) * 1.001f;
        memcpy(near[n], o, sizeof near[0]);
        n += dx * dx + dy * dy + dz * dz < lim * lim;
    }
    for (int j = 0; j < n; ++j)
        for (int i = 0; i < 3; ++i) d2[j][i] = dist2(&k[i], near[j]);
    return n;
}

void cell_refine(const bn_index *g, const bn_point *pts, const bn_field *f, float scale,
                 uint32_t key, const bn_cell *c, bn_near_cache *cache, bn_emit *out) {
    bn_point k[6];
    for (int i = 0; i < 3; ++i) refine_corner(f, scale, c->t, c->u[i], c->v[i], &k[i]);
    float m[3] = {(k[0].x + k[1].x + k[2].x) / 3.0f, (k[0].y + k[1].y + k[2].y) / 3.0f,
                  (k[0].z + k[1].z + k[2].z) / 3.0f};
    float ext = 0.0f, r_hi = 0.0f;
    for (int i = 0; i < 3; ++i) {
        float dx = k[i].x - m[0], dy = k[i].y - m[1], dz = k[i].z - m[2];
        ext = sc_max(ext, sqrtf(dx * dx + dy * dy + dz * dz));
        /* the weight is linear over the cell: no point of it has a larger spacing */
        r_hi = sc_max(r_hi, k[i].r);
    }
    /* a dot o covering a part lies within (r_corner + r_o) / 2 of its corners, and no spacing
     * exceeds the reach, so within that of the middle plus the cell's extent */
    float far = 0.5f * (r_hi + g->reach) + ext;
    if (!near_cache_cover(cache, g, pts, m, far)) {
        /* never at a sane spacing field; splitting blind is always safe */
        bn_refine R = {
            .f = f, .scale = scale, .blind = 1, .g = g, .pts = pts, .key = key, .out = out};
        refine_split(&R, c, k);
        return;
    }
    float near[BN_CACHE_MAX][4], d2[BN_CACHE_MAX][6];
    int n = near_list(cache, k, m, r_hi, ext, near, d2);
    bn_refine R = {.f = f,
                   .scale = scale,
                   .near = (const float(*)[4])near,
                   .d2 = d2,
                   .n_near = n,
                   .key = key,
                   .out = out};
    static const uint8_t corners[3] = {0, 1, 2};
    if (!covered(&R, k, corners)) refine_split(&R, c, k);
}
