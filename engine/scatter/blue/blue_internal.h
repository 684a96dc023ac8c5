/* What the blue-noise rule's files share: the packing point; the spatial indexes (cubes.c: the
 * cube table and the hash grid; index.c: the accepted dots' index); the spacing field
 * (field.c); the cells and their refinement (refine.c); the resolver of a pass's greedy
 * packing (resolve.c); one packing at a given scale (pack.c); thinning (thin.c); the
 * exact-count search (count.c). Small functions the hot loops call are inline here. */
#ifndef SMP_SCATTER_BLUE_INTERNAL_H
#define SMP_SCATTER_BLUE_INTERNAL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "scatter_blue.h"
#include "smp/bigalloc.h"

/* Point density of a saturated random disk packing: ρ r² ≈ 0.6965 (disk coverage 0.547). */
#define BN_JAMMING 0.6965
enum { BN_NONE = 0xffffffffu };

typedef struct bn_point {
    float x, y, z, r;
    float b[3];
    uint32_t t;
    uint32_t prio; /* a dart's priority; once it joins, the pass it joined in (for the trim) */
} bn_point;

/* Grows *p to hold n elements of size elem (never shrinks). 0 when out of memory. */
static inline int bn_reserve(void **p, size_t *cap, size_t n, size_t elem) {
    return smp_big_reserve(p, cap, n, elem);
}

/* ---- the cube table (cubes.c): cube key → two words, open addressing, grown at half full - */

static inline uint64_t cell_key(int ix, int iy, int iz) {
    return (uint64_t)(uint32_t)(ix + (1 << 20)) | (uint64_t)(uint32_t)(iy + (1 << 20)) << 21 |
           (uint64_t)(uint32_t)(iz + (1 << 20)) << 42;
}

/* The key of the cube of side 1 / inv_h holding (x, y, z). */
static inline uint64_t cube_key(float inv_h, float x, float y, float z) {
    return cell_key((int)floorf(x * inv_h), (int)floorf(y * inv_h), (int)floorf(z * inv_h));
}

/* Key and payload share a slot, so a lookup costs one cache line; the table is sized by the
 * cubes the surface occupies (a fraction of the points), so it stays in cache. */
typedef struct bn_slot {
    uint64_t key;
    uint32_t a, b;
} bn_slot;

typedef struct bn_table {
    bn_slot *slot;
    uint32_t bits;
    size_t used;
} bn_table;

static inline uint32_t table_home(const bn_table *t, uint64_t key) {
    return (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> (64 - t->bits));
}

static inline const bn_slot *table_find(const bn_table *t, uint64_t key) {
    uint32_t mask = (1u << t->bits) - 1u;
    for (uint32_t s = table_home(t, key);; s = (s + 1) & mask) {
        if (t->slot[s].key == key) return &t->slot[s];
        if (t->slot[s].key == UINT64_MAX) return NULL;
    }
}

/* An empty table with room for about `cubes` keys before it grows; 0 when out of memory. */
int table_init(bn_table *t, size_t cubes);
void table_free(bn_table *t);
/* Empties t, keeping its size. */
void table_clear(bn_table *t);
/* The slot of key, created with payload (a, b) if new; NULL when out of memory. */
bn_slot *table_get(bn_table *t, uint64_t key, uint32_t a, uint32_t b);

/* A counting sort of points by cube over the table's payload: table_count_points (b: each
 * cube's points), then table_starts_along (a: where its run starts) from each point's slot. */
int table_count_points(bn_table *t, float inv_h, const bn_point *pts, size_t n);

/* slot_of[i]: the slot of pts[i]'s cube. The table is only read, so threads share it. */
void table_slots_of(const bn_table *t, float inv_h, const bn_point *pts, size_t n, int threads,
                    uint32_t *slot_of);

/* The runs in the order their cubes are first met along the points, not in the table's
 * (hashed, so random) order: points arrive in mesh order, so cubes near in space get runs
 * near in memory, and a neighbour search reading 8 cubes touches a few nearby cache lines
 * instead of 8 random ones. */
void table_starts_along(bn_table *t, const uint32_t *slot_of, size_t n);

/* ---- the hash grid (cubes.c): cube key → chain of point indices -------------------------- */

typedef struct bn_grid {
    float inv_h, reach;
    bn_table cubes; /* a: first point of the chain */
    uint32_t *next; /* per point */
    size_t cap_points;
} bn_grid;

/* The cubes [lo, hi] per axis that the reach around p touches. */
typedef struct bn_box {
    int lo[3], hi[3];
} bn_box;

static inline bn_box reach_box_r(const bn_grid *g, const bn_point *p, float reach) {
    bn_box b;
    const float v[3] = {p->x, p->y, p->z};
    for (int k = 0; k < 3; ++k) {
        b.lo[k] = (int)floorf((v[k] - reach) * g->inv_h);
        b.hi[k] = (int)floorf((v[k] + reach) * g->inv_h);
    }
    return b;
}

static inline bn_box reach_box(const bn_grid *g, const bn_point *p) {
    return reach_box_r(g, p, g->reach);
}

#define FOR_CELLS(g, box, key)                                                                     \
    for (int cz_ = (box).lo[2]; cz_ <= (box).hi[2]; ++cz_)                                         \
        for (int cy_ = (box).lo[1]; cy_ <= (box).hi[1]; ++cy_)                                     \
            for (int cx_ = (box).lo[0]; cx_ <= (box).hi[0]; ++cx_)                                 \
                for (uint64_t key = cell_key(cx_, cy_, cz_); key != UINT64_MAX; key = UINT64_MAX)

static inline uint32_t grid_find(const bn_grid *g, uint64_t key) {
    const bn_slot *s = table_find(&g->cubes, key);
    return s ? s->a : BN_NONE;
}

/* Cubes twice the search reach wide: a query's reach spans at most 2 cubes per axis, so 8
 * hash lookups instead of 27, for the same number of distance tests. */
int grid_init(bn_grid *g, float reach, size_t cap_points);
void grid_free(bn_grid *g);
/* Single-threaded; index < cap_points. 0 when out of memory. */
int grid_insert(bn_grid *g, const bn_point *p, uint32_t index);

/* Whether any point of the grid conflicts with p. */
int grid_conflicts(const bn_grid *g, const bn_point *pts, const bn_point *p);

/* ---- the accepted dots' index (index.c): rows of a packed bulk plus a chained tail -------- */

/* The accepted dots in rows: a row is one square column of (y, z) space, 2 × reach wide (or
 * wider, see index_rebuild), running along x; its dots lie contiguous as {x, y, z, r}, sorted
 * by x. The rows form a dense table over the dots' bounding box, so a query reads, for each
 * row its ball crosses, the one run of dots within the ball's x-extent in that row, found by
 * binary search: a few rows instead of tens of hashed cubes, and hardly a dot outside the
 * ball. Dots accepted since the last sort sit in a small chained grid; the bulk is re-sorted
 * once that tail grows past an eighth of it, so sorting costs O(n log n) over the packing. */
typedef struct bn_index {
    float reach;
    float row_side, inv_row;
    int row_lo[2], n_rows[2]; /* along y and z: the first row's index and the rows' number */
    uint32_t *row_start;      /* n_rows[0] × n_rows[1] + 1: where each row's run starts */
    size_t row_cap;
    uint32_t *row_of_dot, *slice_at; /* a rebuild's: each dot's row; each slice's row cursors */
    size_t row_of_dot_cap, slice_at_cap;
    float (*xyzr)[4];
    size_t n_bulk, cap;
    bn_grid tail; /* dots n_bulk.. (indices relative to n_bulk) */
    size_t tail_cap;
    int threads;      /* for a rebuild's sorting */
    size_t slice_min; /* dots from which a rebuild runs on slices (scatter_blue_tuning) */
} bn_index;

/* Row coordinate of v: its row's index, less the first row's, clamped to [0, n). */
static inline int row_of(float v, float inv_row, int lo, int n) {
    float f = floorf(v * inv_row) - (float)lo;
    return f < 0.0f ? 0 : f >= (float)n ? n - 1 : (int)f;
}

/* How far v lies outside the row interval [i, i + 1) × side, widened by a thousandth of a row
 * on each side so that rounding never leaves out a dot of the row. */
static inline float row_gap(float v, int i, float side) {
    float a = ((float)i - 0.001f) * side, b = ((float)i + 1.001f) * side;
    return v < a ? a - v : v > b ? v - b : 0.0f;
}

/* Runs the statement after O for every accepted dot O (a float[4]: x, y, z, r) that may lie
 * within REACH of (PX, PY, PZ) (none further is left out; a few further may be run), bulk
 * first in row order, then the tail; leave it with goto. The relative order of two dots never
 * depends on the query. */
#define INDEX_FOR_NEAR(IDX, PTS, PX, PY, PZ, REACH, O, ...)                                        \
    do {                                                                                           \
        const bn_index *ix_ = (IDX);                                                               \
        /* a thousandth wider: no rounding below leaves out a dot within REACH */                  \
        const float px_ = (PX), py_ = (PY), pz_ = (PZ), rr_ = (REACH)*1.001f;                      \
        const float(*const xs_)[4] = ix_->xyzr;                                                    \
        if (ix_->n_bulk) {                                                                         \
            const int y0_ = row_of(py_ - rr_, ix_->inv_row, ix_->row_lo[0], ix_->n_rows[0]),       \
                      y1_ = row_of(py_ + rr_, ix_->inv_row, ix_->row_lo[0], ix_->n_rows[0]),       \
                      z0_ = row_of(pz_ - rr_, ix_->inv_row, ix_->row_lo[1], ix_->n_rows[1]),       \
                      z1_ = row_of(pz_ + rr_, ix_->inv_row, ix_->row_lo[1], ix_->n_rows[1]);       \
            for (int rz_ = z0_; rz_ <= z1_; ++rz_) {                                               \
                const float gz_ = row_gap(pz_, rz_ + ix_->row_lo[1], ix_->row_side);               \
                for (int ry_ = y0_; ry_ <= y1_; ++ry_) {                                           \
                    const float gy_ = row_gap(py_, ry_ + ix_->row_lo[0], ix_->row_side);           \
                    const float w2_ = rr_ * rr_ - gy_ * gy_ - gz_ * gz_;                           \
                    if (w2_ < 0.0f) continue;                                                      \
                    const float wx_ = sqrtf(w2_), xlo_ = px_ - wx_, xhi_ = px_ + wx_;              \
                    const uint32_t *st_ = ix_->row_start + ry_ + (size_t)ix_->n_rows[0] * rz_;     \
                    const uint32_t e_ = st_[1];                                                    \
                    uint32_t a_ = st_[0], n_ = e_ - a_;                                            \
                    /* the first dot at or past xlo, by a binary search without branches */        \
                    while (n_ > 1) {                                                               \
                        const uint32_t h_ = n_ / 2;                                                \
                        a_ = xs_[a_ + h_ - 1][0] < xlo_ ? a_ + h_ : a_;                            \
                        n_ -= h_;                                                                  \
                    }                                                                              \
                    a_ += n_ == 1 && xs_[a_][0] < xlo_;                                            \
                    for (uint32_t j_ = a_; j_ < e_ && xs_[j_][0] <= xhi_; ++j_) {                  \
                        const float *O = xs_[j_];                                                  \
                        __VA_ARGS__                                                                \
                    }                                                                              \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
        if (ix_->tail.cubes.used) {                                                                \
            const bn_point p_ = {.x = px_, .y = py_, .z = pz_};                                    \
            const bn_box box_ = reach_box_r(&ix_->tail, &p_, rr_);                                 \
            FOR_CELLS(&ix_->tail, box_, key_)                                                      \
            for (uint32_t q_ = grid_find(&ix_->tail, key_); q_ != BN_NONE;                         \
                 q_ = ix_->tail.next[q_]) {                                                        \
                const bn_point *t_ = &(PTS)[ix_->n_bulk + q_];                                     \
                const float O[4] = {t_->x, t_->y, t_->z, t_->r};                                   \
                __VA_ARGS__                                                                        \
            }                                                                                      \
        }                                                                                          \
    } while (0)

/* An empty index for dots of spacing up to reach, room for cap of them; its rebuilds run on
 * `threads` threads from slice_min dots (scatter_blue_tuning). 0 when out of memory. */
int index_init(bn_index *x, float reach, size_t cap, int threads, size_t slice_min);
void index_free(bn_index *x);
/* Sorts pts[0, n) into the bulk's rows (a counting sort by row, then each row by x) and
 * empties the tail. 0 when out of memory. */
int index_rebuild(bn_index *x, const bn_point *pts, size_t n);

/* Adds pts[from, to) (pts[0, from) already in): into the tail, or a re-sort when the tail
 * would outgrow an eighth of the bulk. 0 when out of memory. */
int index_add(bn_index *x, const bn_point *pts, size_t from, size_t to);

/* Whether any accepted dot conflicts with p. */
int index_conflicts(const bn_index *x, const bn_point *pts, const bn_point *p);

/* ---- the spacing field (field.c) -------------------------------------------------------- */

typedef struct bn_field {
    const smp_mesh *mesh;
    const float *density; /* per vertex, dots/cm² */
    float *weight;        /* per vertex: density raised to the floor where > 0 */
    float floor_cm2;      /* a quarter of the largest density: spacing stops growing below */
    float min_weight_cm2; /* smallest positive weight: sets the largest spacing */
    float extent_mm;      /* the largest |coordinate| of a vertex */
    double *tri_expect;   /* per triangle: dots at scale 1 (area × mean weight) */
    scatter_tris tris;    /* sampled by weight */
} bn_field;

/* The field of d (its weights, expectations and sampling tables) on `threads` threads.
 * SMP_ERR_NOMEM, or scatter_tris_build's errors. O(V + T). */
smp_status bn_field_build(const smp_scatter_desc *d, int threads, bn_field *f, smp_error *err);
void bn_field_free(bn_field *f);

/* The weight (dots/cm²) that sets the spacing at barycentrics b of triangle t: interpolated,
 * never below the smallest positive vertex weight, so a triangle whose density falls to zero
 * at one corner keeps a bounded spacing there (thinning then lowers the density). */
static inline float bn_weight_at(const bn_field *f, uint32_t t, const float b[3]) {
    const uint32_t *ix = f->mesh->indices + 3 * (size_t)t;
    float w = (b[0] * f->weight[ix[0]] + b[1] * f->weight[ix[1]]) + b[2] * f->weight[ix[2]];
    return w > f->min_weight_cm2 ? w : f->min_weight_cm2;
}

static inline float bn_density_at(const bn_field *f, uint32_t t, const float b[3]) {
    const uint32_t *ix = f->mesh->indices + 3 * (size_t)t;
    return (b[0] * f->density[ix[0]] + b[1] * f->density[ix[1]]) + b[2] * f->density[ix[2]];
}

static inline float bn_radius(float scale, float weight_cm2) {
    return scale * sqrtf((float)(BN_JAMMING * 100.0) / weight_cm2);
}

static inline void bn_point_from_bary(const bn_field *f, float scale, uint32_t t, const float b[3],
                                      bn_point *p) {
    const scatter_tri *T = &f->tris.tri[t];
    p->x = (T->p0[0] + b[1] * T->e1[0]) + b[2] * T->e2[0];
    p->y = (T->p0[1] + b[1] * T->e1[1]) + b[2] * T->e2[1];
    p->z = (T->p0[2] + b[1] * T->e1[2]) + b[2] * T->e2[2];
    p->b[0] = b[0];
    p->b[1] = b[1];
    p->b[2] = b[2];
    p->t = t;
    p->r = bn_radius(scale, bn_weight_at(f, t, b));
}

/* An existing dot as a packing point: its stored position, the spacing at its barycentrics. */
void bn_point_from_dot(const bn_field *f, float scale, const smp_dots *d, size_t i, bn_point *p);

/* Dots at spacing scale 1 over d's mesh, O(T) and allocation-free: *packed, those the
 * packing holds (it follows the weight: the density raised to a quarter of its peak), and
 * *kept, those left after thinning keeps density / weight of them (the density's integral). */
void bn_totals(const smp_scatter_desc *d, double *packed, double *kept);

/* ---- cells and their refinement (refine.c) ---------------------------------------------- */

/* A piece of a mesh triangle still possibly holding room for a dot: its corners as the
 * barycentric weights (of vertices 1 and 2) in triangle t. */
typedef struct bn_cell {
    uint32_t t, level;
    float u[3], v[3];
} bn_cell;

enum { BN_MAX_LEVEL = 20 };

/* Darts a cell tries before giving up on it for the pass; the first clear of every dot known
 * is its dart. Rejection sampling: that dart is uniform over the part of the cell still free,
 * so a cell with a little room finds it now instead of after one more split. At 10^5 dots
 * this refines 430k cells instead of 600k. */
enum { BN_DART_TRIES = 4 };

/* Open cells a pass hands on: a growable run per thread. */
typedef struct bn_emit {
    bn_cell *cell;
    size_t n, cap;
    bn_point *dart; /* the darts of those cells that landed clear of every dot */
    size_t nd, dcap;
    int oom;
} bn_emit;

/* Splits c into its four children (corners, edge midpoints; level + 1). */
void cell_split(const bn_cell *c, bn_cell out[4]);

/* A cell's darts are keyed by the cell itself (triangle, level, corners), so a cell gets the
 * same darts whichever pass and position it has: this is the key they share. */
uint32_t cell_dart_key(uint32_t key, const bn_cell *c);

/* The cell's dart number `attempt` (h from cell_dart_key): uniform in it, with its priority. */
void cell_dart(const bn_field *f, float scale, uint32_t h, const bn_cell *c, uint32_t attempt,
               bn_point *p);

/* A thread's last neighbour search, reused by the cells after it (refine.c). */
typedef struct bn_near_cache bn_near_cache;

/* An empty cache (free() it); NULL when out of memory. */
bn_near_cache *near_cache_new(void);

/* Hands on the pieces of cell c that may still hold room for a dot: none when the dots near
 * it cover it; otherwise its four children less those covered (after the first pass most
 * are). One neighbour search gathers the dots near the cell and every test runs on that
 * short list. */
void cell_refine(const bn_index *g, const bn_point *pts, const bn_field *f, float scale,
                 uint32_t key, const bn_cell *c, bn_near_cache *cache, bn_emit *out);

/* ---- a pass's greedy packing (resolve.c) ------------------------------------------------ */

/* The resolver's work arrays, kept across passes. */
typedef struct bn_resolver bn_resolver;

/* An empty resolver; NULL when out of memory. */
bn_resolver *resolver_new(void);
void resolver_free(bn_resolver *R);

/* The greedy packing of surv[0, ns) with spacing reach h: joined[i] = 1 for those that join;
 * by sweeps from sweep_min survivors on (scatter_blue_tuning). 0 when out of memory. */
int bn_resolve(bn_resolver *R, const bn_point *surv, size_t ns, float h, int threads,
               size_t sweep_min, uint8_t *joined);

/* ---- one packing at a given scale (pack.c) ---------------------------------------------- */

typedef struct bn_run {
    bn_point *acc; /* existing dots first, then new ones in acceptance order */
    size_t n_acc, cap_acc, n_existing;
    int passes;
    size_t candidates;
} bn_run;

/* Room for the points of a packing expecting `expect` new ones among n_old existing: the
 * densest packing holds 1.66× a saturated random one. A double, so that absurd fields are
 * refused instead of overflowing. */
static inline double bn_points_bound(double expect, size_t n_old) {
    return (double)n_old + floor(expect * 1.7) + 1024.0;
}

/* The packing of d's field f at spacing scale `scale` around the dots of existing (NULL:
 * none) into run (run->acc: the existing dots, then the new ones in order of joining, each
 * with the pass it joined in as prio). Refuses (SMP_ERR_INVALID_ARG, with the reason) a
 * packing out of range, an existing dot on a triangle the mesh lacks and a packing whose gaps
 * do not close (tuning->runaway); SMP_ERR_NOMEM. run is empty after an error. */
smp_status bn_pack(const smp_scatter_desc *d, const bn_field *f, float scale,
                   const smp_dots *existing, int threads, const scatter_blue_tuning *tuning,
                   bn_run *run, smp_error *err);

/* ---- thinning (thin.c) and the exact-count search (count.c) ------------------------------ */

/* Where the density is below the spacing's weight (under the floor, or where the density
 * falls to zero inside a triangle), keep a new dot with probability density / weight, so soft
 * edges fade in number at a bounded spacing. */
void bn_thin(const smp_scatter_desc *d, const bn_field *f, bn_run *run);

/* The packing, thinned, that d's count asks for (any, for count 0) around the n_old dots of
 * dots: the spacing scale s is searched until a packing holds count to count + slack dots.
 * *scale and *runs say where it ended. Refuses (SMP_ERR_INVALID_ARG) a count no scale fits,
 * besides bn_pack's errors. */
smp_status bn_search(const smp_scatter_desc *d, const bn_field *f, const smp_dots *dots,
                     int threads, const scatter_blue_tuning *tuning, bn_run *run, double *scale,
                     int *runs, smp_error *err);

/* Removes the new dots of run above d->count, those that joined last first; returns how
 * many. */
size_t bn_trim(const smp_scatter_desc *d, bn_run *run);

#endif
