/* Blue noise: maximal Poisson-disk sampling on a triangle mesh, deterministic for any thread
 * count.
 *
 * The result is the greedy packing ("random sequential adsorption") of a stream of candidate
 * points in priority order: a candidate joins unless it is too close to a dot already in.
 *
 *   1. The surface is cut into cells (pieces of triangles about the area one dot keeps for
 *      itself); each open cell gets one dart with a random 32-bit priority, both keyed by
 *      (seed, session, the cell itself). Darts too close to a dot already in are dropped.
 *   2. The surviving darts join in priority order unless too close to one that joined
 *      before (bn_resolve: the same dots on any number of threads).
 *   3. A cell the dots cover (one dot alone, or two together) is closed; any other is split
 *      in four, the children the dots cover are closed too, and each open child gets its
 *      dart (the first of a few tries clear of the dots), tested on the same short list of
 *      nearby dots, in parallel. Passes repeat until no cell is open: the gaps shrink
 *      geometrically and none is left.
 *
 * The dots found so far are kept in rows along x, sorted by x, for neighbour searches that
 * read a few contiguous runs; a pass's darts are hashed into cubes twice as wide as the
 * largest spacing, so every conflict of a dart is in at most 8 cubes. The surface is nearly
 * flat at a spacing of ~1 mm on a head of ~90 mm radius, so Euclidean distance stands for
 * distance on the surface. */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
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

/* ---- cube table: cube key → two words, open addressing, grown at half full -------------- */

static uint64_t cell_key(int ix, int iy, int iz) {
    return (uint64_t)(uint32_t)(ix + (1 << 20)) | (uint64_t)(uint32_t)(iy + (1 << 20)) << 21 |
           (uint64_t)(uint32_t)(iz + (1 << 20)) << 42;
}

/* The key of the cube of side 1 / inv_h holding (x, y, z). */
static uint64_t cube_key(float inv_h, float x, float y, float z) {
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

static int table_alloc(bn_table *t, uint32_t bits) {
    size_t n = (size_t)1 << bits;
    t->slot = smp_big_alloc(n * sizeof *t->slot);
    if (!t->slot) return 0;
    t->bits = bits;
    t->used = 0;
    for (size_t i = 0; i < n; ++i) t->slot[i].key = UINT64_MAX;
    return 1;
}

static int table_init(bn_table *t, size_t cubes) {
    uint32_t bits = 8;
    while (((size_t)1 << bits) < 2 * cubes) ++bits;
    return table_alloc(t, bits);
}

static void table_free(bn_table *t) {
    free(t->slot);
    memset(t, 0, sizeof *t);
}

static void table_clear(bn_table *t) {
    for (size_t i = 0, n = (size_t)1 << t->bits; i < n; ++i) t->slot[i].key = UINT64_MAX;
    t->used = 0;
}

static uint32_t table_home(const bn_table *t, uint64_t key) {
    return (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> (64 - t->bits));
}

static const bn_slot *table_find(const bn_table *t, uint64_t key) {
    uint32_t mask = (1u << t->bits) - 1u;
    for (uint32_t s = table_home(t, key);; s = (s + 1) & mask) {
        if (t->slot[s].key == key) return &t->slot[s];
        if (t->slot[s].key == UINT64_MAX) return NULL;
    }
}

/* The slot of key, created with payload (a, b) if new; NULL when out of memory. */
static bn_slot *table_get(bn_table *t, uint64_t key, uint32_t a, uint32_t b) {
    if (2 * (t->used + 1) > ((size_t)1 << t->bits)) {
        bn_table big;
        if (!table_alloc(&big, t->bits + 1)) return NULL;
        for (size_t i = 0, n = (size_t)1 << t->bits; i < n; ++i) {
            if (t->slot[i].key == UINT64_MAX) continue;
            uint32_t s = table_home(&big, t->slot[i].key), mask = (1u << big.bits) - 1u;
            while (big.slot[s].key != UINT64_MAX) s = (s + 1) & mask;
            big.slot[s] = t->slot[i];
        }
        big.used = t->used;
        free(t->slot);
        *t = big;
    }
    uint32_t mask = (1u << t->bits) - 1u, s = table_home(t, key);
    while (t->slot[s].key != key && t->slot[s].key != UINT64_MAX) s = (s + 1) & mask;
    if (t->slot[s].key == UINT64_MAX) {
        t->slot[s] = (bn_slot){key, a, b};
        ++t->used;
    }
    return &t->slot[s];
}

/* A counting sort of points by cube over the table's payload: table_count_points (b: each
 * cube's points), then table_starts_along (a: where its run starts) from each point's slot. */
static int table_count_points(bn_table *t, float inv_h, const bn_point *pts, size_t n) {
    table_clear(t);
    for (size_t i = 0; i < n; ++i) {
        bn_slot *s = table_get(t, cube_key(inv_h, pts[i].x, pts[i].y, pts[i].z), 0, 0);
        if (!s) return 0;
        ++s->b;
    }
    return 1;
}

/* slot_of[i]: the slot of pts[i]'s cube. The table is only read, so threads share it. */
static void table_slots_of(const bn_table *t, float inv_h, const bn_point *pts, size_t n,
                           int threads, uint32_t *slot_of) {
#pragma omp parallel for schedule(static) num_threads(threads) if (n > 65536)
    for (size_t i = 0; i < n; ++i)
        slot_of[i] =
            (uint32_t)(table_find(t, cube_key(inv_h, pts[i].x, pts[i].y, pts[i].z)) - t->slot);
}

/* The runs in the order their cubes are first met along the points, not in the table's
 * (hashed, so random) order: points arrive in mesh order, so cubes near in space get runs
 * near in memory, and a neighbour search reading 8 cubes touches a few nearby cache lines
 * instead of 8 random ones. */
static void table_starts_along(bn_table *t, const uint32_t *slot_of, size_t n) {
    for (size_t i = 0, slots = (size_t)1 << t->bits; i < slots; ++i) t->slot[i].a = BN_NONE;
    uint32_t at = 0;
    for (size_t i = 0; i < n; ++i) {
        bn_slot *s = &t->slot[slot_of[i]];
        if (s->a != BN_NONE) continue;
        s->a = at;
        at += s->b;
    }
}

/* ---- hash grid: cube key → chain of point indices --------------------------------------- */

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

/* Cubes twice the search reach wide: a query's reach spans at most 2 cubes per axis, so 8
 * hash lookups instead of 27, for the same number of distance tests. */
static int grid_init(bn_grid *g, float reach, size_t cap_points) {
    memset(g, 0, sizeof *g);
    g->reach = reach;
    g->inv_h = 1.0f / (2.0f * reach);
    g->next = smp_big_alloc((cap_points ? cap_points : 1) * sizeof *g->next);
    g->cap_points = cap_points;
    return g->next && table_init(&g->cubes, cap_points / 8 + 64);
}

static void grid_free(bn_grid *g) {
    table_free(&g->cubes);
    free(g->next);
    memset(g, 0, sizeof *g);
}

static uint32_t grid_find(const bn_grid *g, uint64_t key) {
    const bn_slot *s = table_find(&g->cubes, key);
    return s ? s->a : BN_NONE;
}

/* Single-threaded; index < cap_points. 0 when out of memory. */
static int grid_insert(bn_grid *g, const bn_point *p, uint32_t index) {
    bn_slot *s = table_get(&g->cubes, cube_key(g->inv_h, p->x, p->y, p->z), BN_NONE, 0);
    if (!s) return 0;
    g->next[index] = s->a;
    s->a = index;
    return 1;
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

/* ---- the accepted dots' index: rows of a packed bulk plus a chained tail ---------------- */

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

static void index_free(bn_index *x) {
    free(x->row_start);
    free(x->row_of_dot);
    free(x->slice_at);
    free(x->xyzr);
    grid_free(&x->tail);
    memset(x, 0, sizeof *x);
}

static int index_init(bn_index *x, float reach, size_t cap, int threads, size_t slice_min) {
    memset(x, 0, sizeof *x);
    x->reach = reach;
    x->threads = threads;
    x->slice_min = slice_min;
    x->cap = cap;
    x->tail_cap = cap / 8 + 4096;
    x->xyzr = smp_big_alloc((cap ? cap : 1) * sizeof *x->xyzr);
    return x->xyzr && grid_init(&x->tail, reach, x->tail_cap);
}

static int cmp_x(const void *a, const void *b) {
    float xa = ((const float *)a)[0], xb = ((const float *)b)[0];
    return (xa > xb) - (xa < xb);
}

/* Row coordinate of v: its row's index, less the first row's, clamped to [0, n). */
static int row_of(float v, float inv_row, int lo, int n) {
    float f = floorf(v * inv_row) - (float)lo;
    return f < 0.0f ? 0 : f >= (float)n ? n - 1 : (int)f;
}

/* The row of p in the bulk's table. */
static size_t row_index(const bn_index *x, const bn_point *p) {
    return (size_t)row_of(p->y, x->inv_row, x->row_lo[0], x->n_rows[0]) +
           (size_t)x->n_rows[0] * (size_t)row_of(p->z, x->inv_row, x->row_lo[1], x->n_rows[1]);
}

/* Sorts pts[0, n) into the bulk's rows (a counting sort by row, then each row by x) and
 * empties the tail. 0 when out of memory. */
static int index_rebuild(bn_index *x, const bn_point *pts, size_t n) {
    /* Every step below runs on slices of the dots, one per thread, and gives what one thread
     * would: min and max are exact, and a row's dots keep their index order whatever the
     * slices (slice k's go after slice k - 1's). */
    const int threads = n > x->slice_min ? x->threads : 1;
    float lo0 = n ? pts[0].y : 0.0f, lo1 = n ? pts[0].z : 0.0f, hi0 = lo0, hi1 = lo1;
    // clang-format off
#pragma omp parallel for schedule(static) num_threads(threads) reduction(min : lo0, lo1) reduction(max : hi0, hi1)
    // clang-format on
    for (size_t i = 1; i < n; ++i) {
        lo0 = sc_min(lo0, pts[i].y), hi0 = sc_max(hi0, pts[i].y);
        lo1 = sc_min(lo1, pts[i].z), hi1 = sc_max(hi1, pts[i].z);
    }
    const float lo[2] = {lo0, lo1}, hi[2] = {hi0, hi1};
    /* rows 2 × reach wide, or wider where that would make more rows than 4 per dot (a mesh
     * far larger than its spacing): a query then reads more dots, never misses one */
    double side = 2.0 * x->reach, budget = 4.0 * (double)n + 4096.0;
    double need = ((double)hi[0] - lo[0] + side) * ((double)hi[1] - lo[1] + side);
    if (need > budget * side * side) side = sqrt(need / budget) * 1.01;
    x->row_side = (float)side;
    x->inv_row = (float)(1.0 / side);
    for (int k = 0; k < 2; ++k) {
        x->row_lo[k] = (int)floorf(lo[k] * x->inv_row);
        x->n_rows[k] = (int)floorf(hi[k] * x->inv_row) - x->row_lo[k] + 1;
    }
    size_t rows = (size_t)x->n_rows[0] * (size_t)x->n_rows[1];
    /* each slice counts into a column of rows × slices counters: no more slices than keep
     * those within 8 bytes a dot (a mesh far larger than its spacing has up to 4 rows per
     * dot, and then one slice) */
    size_t slices = (size_t)threads;
    while (slices > 1 && rows * slices > 2 * n + 4096) --slices;
    if (!smp_big_reserve((void **)&x->row_start, &x->row_cap, rows + 1, sizeof *x->row_start) ||
        !smp_big_reserve((void **)&x->row_of_dot, &x->row_of_dot_cap, n + 1,
                         sizeof *x->row_of_dot) ||
        !smp_big_reserve((void **)&x->slice_at, &x->slice_at_cap, rows * slices + 1,
                         sizeof *x->slice_at))
        return 0;
    uint32_t *start = x->row_start, *row = x->row_of_dot, *at = x->slice_at;
    /* a counting sort by row: slice k counts its dots of row r into at[r × slices + k]; the
     * prefix sum over (row, slice) turns that into where slice k places its first dot of row r */
    memset(at, 0, rows * slices * sizeof *at);
#pragma omp parallel num_threads((int)slices)
    {
        /* the team may be smaller than asked for: its slices, in at's first columns */
        const size_t k = (size_t)omp_get_thread_num(), team = (size_t)omp_get_num_threads();
        const size_t from = n * k / team, to = n * (k + 1) / team;
        for (size_t i = from; i < to; ++i) {
            row[i] = (uint32_t)row_index(x, &pts[i]);
            ++at[(size_t)row[i] * slices + k];
        }
#pragma omp barrier
#pragma omp single
        {
            uint32_t sum = 0;
            for (size_t r = 0; r < rows; ++r) {
                start[r] = sum;
                for (size_t j = r * slices; j < (r + 1) * slices; ++j) {
                    uint32_t c = at[j];
                    at[j] = sum;
                    sum += c;
                }
            }
            start[rows] = sum;
        }
        for (size_t i = from; i < to; ++i) {
            float *o = x->xyzr[at[(size_t)row[i] * slices + k]++];
            o[0] = pts[i].x, o[1] = pts[i].y, o[2] = pts[i].z, o[3] = pts[i].r;
        }
    }
    /* now start[r] .. start[r + 1] is row r's run; rows sort alone, each the same way on any
     * thread */
#pragma omp parallel for schedule(dynamic, 1024) num_threads(x->threads) if (n > 65536)
    for (size_t r = 0; r < rows; ++r) {
        float(*run)[4] = x->xyzr + start[r];
        size_t len = start[r + 1] - start[r];
        if (len > 32) {
            qsort(run, len, sizeof *run, cmp_x);
            continue;
        }
        for (size_t i = 1; i < len; ++i) { /* short rows: insertion sort */
            float v[4];
            memcpy(v, run[i], sizeof v);
            size_t j = i;
            for (; j > 0 && run[j - 1][0] > v[0]; --j) memcpy(run[j], run[j - 1], sizeof v);
            memcpy(run[j], v, sizeof v);
        }
    }
    x->n_bulk = n;
    table_clear(&x->tail.cubes);
    return 1;
}

/* Adds pts[from, to) (pts[0, from) already in): into the tail, or a re-sort when the tail
 * would outgrow an eighth of the bulk. 0 when out of memory. */
static int index_add(bn_index *x, const bn_point *pts, size_t from, size_t to) {
    size_t tail_after = to - x->n_bulk;
    if (tail_after > x->n_bulk / 8 + 1024 || tail_after > x->tail_cap)
        return index_rebuild(x, pts, to);
    for (size_t i = from; i < to; ++i)
        if (!grid_insert(&x->tail, &pts[i], (uint32_t)(i - x->n_bulk))) return 0;
    return 1;
}

/* How far v lies outside the row interval [i, i + 1) × side, widened by a thousandth of a row
 * on each side so that rounding never leaves out a dot of the row. */
static float row_gap(float v, int i, float side) {
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

/* Whether any accepted dot conflicts with p. */
static int index_conflicts(const bn_index *x, const bn_point *pts, const bn_point *p) {
    int hit = 0;
    /* no spacing exceeds the reach, so no conflict is further than this */
    INDEX_FOR_NEAR(x, pts, p->x, p->y, p->z, 0.5f * (p->r + x->reach), o, {
        float dx = p->x - o[0], dy = p->y - o[1], dz = p->z - o[2];
        float lim = 0.5f * (p->r + o[3]);
        if (dx * dx + dy * dy + dz * dz < lim * lim) {
            hit = 1;
            goto out;
        }
    });
out:
    return hit;
}

/* ---- the spacing field ------------------------------------------------------------------ */

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

static void bn_field_free(bn_field *f) {
    free(f->weight);
    free(f->tri_expect);
    scatter_tris_free(&f->tris);
}

static smp_status bn_field_build(const smp_scatter_desc *d, int threads, bn_field *f,
                                 smp_error *err) {
    memset(f, 0, sizeof *f);
    const smp_mesh *m = d->mesh;
    f->mesh = m;
    f->density = d->density_per_cm2;
    float dmax = 0.0f;
    for (uint32_t v = 0; v < m->vertex_count; ++v)
        dmax = d->density_per_cm2[v] > dmax ? d->density_per_cm2[v] : dmax;
    f->floor_cm2 = 0.25f * dmax;
    f->weight = smp_big_alloc((m->vertex_count ? m->vertex_count : 1) * sizeof(float));
    f->tri_expect = smp_big_alloc((m->triangle_count ? m->triangle_count : 1) * sizeof(double));
    if (!f->weight || !f->tri_expect) {
        bn_field_free(f);
        return smp_error_set(err, SMP_ERR_NOMEM, "out of memory preparing the spacing field");
    }
    f->min_weight_cm2 = dmax;
    for (uint32_t v = 0; v < m->vertex_count; ++v)
        for (int k = 0; k < 3; ++k)
            f->extent_mm = sc_max(f->extent_mm, fabsf(m->positions[3 * v + k]));
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
    smp_status st = scatter_tris_build(m, f->weight, d->tissue, threads, &f->tris, err);
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

/* A piece of a mesh triangle still possibly holding room for a dot: its corners as the
 * barycentric weights (of vertices 1 and 2) in triangle t. */
typedef struct bn_cell {
    uint32_t t, level;
    float u[3], v[3];
} bn_cell;

enum { BN_MAX_LEVEL = 20 };

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

/* Grows *p to hold n elements of size elem (never shrinks). 0 when out of memory. */
static int bn_reserve(void **p, size_t *cap, size_t n, size_t elem) {
    return smp_big_reserve(p, cap, n, elem);
}

/* Open cells a pass hands on: a growable run per thread. */
typedef struct bn_emit {
    bn_cell *cell;
    size_t n, cap;
    bn_point *dart; /* the darts of those cells that landed clear of every dot */
    size_t nd, dcap;
    int oom;
} bn_emit;

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

/* Darts a cell tries before giving up on it for the pass; the first clear of every dot known
 * is its dart. Rejection sampling: that dart is uniform over the part of the cell still free,
 * so a cell with a little room finds it now instead of after one more split. At 10^5 dots
 * this refines 430k cells instead of 600k. */
enum { BN_DART_TRIES = 4 };

/* A cell's darts are keyed by the cell itself (triangle, level, corners), so a cell gets the
 * same darts whichever pass and position it has: this is the key they share. */
static uint32_t cell_dart_key(uint32_t key, const bn_cell *c) {
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

/* The cell's dart number `attempt` (h from cell_dart_key): uniform in it, with its priority. */
static void cell_dart(const bn_field *f, float scale, uint32_t h, const bn_cell *c,
                      uint32_t attempt, bn_point *p) {
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
typedef struct bn_near_cache {
    float c[3], radius;
    int n, valid;
    float dot[BN_CACHE_MAX + 1][4]; /* one spare: gather_near writes every dot it scans */
} bn_near_cache;

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

/* Hands on the pieces of cell c that may still hold room for a dot: none when the dots near
 * it cover it; otherwise its four children less those covered (after the first pass most
 * are). One neighbour search gathers the dots near the cell and every test runs on that
 * short list. */
static void cell_refine(const bn_index *g, const bn_point *pts, const bn_field *f, float scale,
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
    float cdx = m[0] - cache->c[0], cdy = m[1] - cache->c[1], cdz = m[2] - cache->c[2];
    if (!cache->valid || !(sqrtf(cdx * cdx + cdy * cdy + cdz * cdz) + far <= cache->radius)) {
        /* search a ball wider than this cell needs, for the cells after it; if that holds too
         * many dots, one of just this cell's reach, which always fits at a sane spacing */
        float radius = far + BN_CACHE_MARGIN * g->reach;
        int n = gather_near(g, pts, m, radius, cache->dot);
        if (n < 0) radius = far, n = gather_near(g, pts, m, radius, cache->dot);
        memcpy(cache->c, m, sizeof m);
        cache->radius = radius;
        cache->n = n;
        cache->valid = n >= 0;
        if (n < 0) {
            /* never at a sane spacing field; splitting blind is always safe */
            bn_refine R = {
                .f = f, .scale = scale, .blind = 1, .g = g, .pts = pts, .key = key, .out = out};
            refine_split(&R, c, k);
            return;
        }
    }
    /* The cell's list: each dot by its own spacing, within (r_hi + r_o) / 2 of the middle
     * plus the extent (a thousandth wider against rounding), not by the reach's bound. Where
     * the density is at its peak the spacing is half the reach: at 10^5 dots on the default
     * head the lists hold 2.3 M dots in all instead of 3.6 M, and the answers are the same. */
    float near[BN_CACHE_MAX][4], d2[BN_CACHE_MAX][6];
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

/* ---- one pass's greedy packing ----------------------------------------------------------- */

/* The survivors of a pass join in priority order unless too close to one that joined before:
 * the greedy packing. Its result is the one fixed point of a local rule: a survivor joins
 * once every conflicting survivor ahead of it (its dominators) is out, and is out once one
 * of them is in. So the rule can be applied in any order, by any number of threads, and
 * always gives the dots the sequential greedy gives. The survivors are sorted by cube first,
 * so that both the neighbour search and the sweeps walk memory in order; the sequential
 * greedy, visiting them in priority order, jumps across all of memory instead. */

/* The survivors sorted by cube, as columns (padded by BN_LANES) for 4-wide tests. */
typedef struct bn_sv_cols {
    float *x, *y, *z, *r;
    uint32_t *prio, *id;
} bn_sv_cols;

enum { BN_DOM_SLOTS = 7 };

typedef struct bn_resolver {
    bn_table cubes; /* a: first survivor of the cube in sv, b: its survivors */
    bn_sv_cols sv;
    void *sv_block;
    /* sv[i]'s dom_n[i] dominators: dom[i * BN_DOM_SLOTS ..] when they fit, else
     * dom_more[dom[i * BN_DOM_SLOTS] ..] */
    uint32_t *dom_n, *dom, *dom_more;
    uint8_t *state;
    uint32_t *slot_of;  /* per survivor (in pass order): its cube's slot */
    uint32_t *slice_at; /* per (slot, slice): where the slice places its next survivor */
    size_t sv_cap, dom_n_cap, dom_cap, dom_more_cap, state_cap, slot_of_cap, slice_at_cap;
    /* the sequential greedy */
    uint32_t *order, *order_tmp;
    bn_point *in;
    bn_grid in_grid;
    size_t order_cap, order_tmp_cap, in_cap;
} bn_resolver;

enum { BN_UNDECIDED = 0, BN_IN = 1, BN_OUT = 2 };

/* Survivors per cube above which listing dominators costs more than the sequential greedy
 * saves, even on several threads: the darts of a mesh finer than the spacing (one per
 * triangle) crowd like that. The sequential greedy's tests meet only survivors already in. */
enum { BN_CROWDED_CUBE = 16 };

static void resolver_free(bn_resolver *R) {
    table_free(&R->cubes);
    free(R->sv_block);
    free(R->dom_n);
    free(R->dom);
    free(R->dom_more);
    free(R->state);
    free(R->slot_of);
    free(R->slice_at);
    free(R->order);
    free(R->order_tmp);
    free(R->in);
    grid_free(&R->in_grid);
    memset(R, 0, sizeof *R);
}

/* Survivor indices by ascending (priority, index): an LSD radix sort, 11 bits a digit; being
 * stable, equal priorities keep index order. */
static void sort_by_priority(const bn_point *pts, size_t n, uint32_t *order, uint32_t *tmp) {
    for (size_t i = 0; i < n; ++i) order[i] = (uint32_t)i;
    for (int shift = 0; shift < 32; shift += 11) {
        size_t count[2049] = {0};
        for (size_t i = 0; i < n; ++i) ++count[((pts[i].prio >> shift) & 2047u) + 1];
        for (int k = 0; k < 2048; ++k) count[k + 1] += count[k];
        for (size_t i = 0; i < n; ++i)
            tmp[count[(pts[order[i]].prio >> shift) & 2047u]++] = order[i];
        uint32_t *swap = order;
        order = tmp;
        tmp = swap;
    }
    /* three digits: the sorted indices ended in tmp's buffer, the caller's order array */
    memcpy(tmp, order, n * sizeof *order);
}

/* The greedy packing the plain way: survivors in (priority, index) order, each in unless one
 * already in is too close. */
static int resolve_sequential(bn_resolver *R, const bn_point *surv, size_t ns, float h,
                              uint8_t *joined) {
    if (!bn_reserve((void **)&R->order, &R->order_cap, ns, sizeof *R->order) ||
        !bn_reserve((void **)&R->order_tmp, &R->order_tmp_cap, ns, sizeof *R->order_tmp) ||
        !bn_reserve((void **)&R->in, &R->in_cap, ns, sizeof *R->in))
        return 0;
    grid_free(&R->in_grid);
    if (!grid_init(&R->in_grid, h, ns)) return 0;
    sort_by_priority(surv, ns, R->order, R->order_tmp);
    memset(joined, 0, ns);
    uint32_t n_in = 0;
    for (size_t j = 0; j < ns; ++j) {
        const bn_point *p = &surv[R->order[j]];
        if (grid_conflicts(&R->in_grid, R->in, p)) continue;
        R->in[n_in] = *p;
        if (!grid_insert(&R->in_grid, p, n_in++)) return 0;
        joined[R->order[j]] = 1;
    }
    return 1;
}

/* Four lanes of floats or words in GCC's portable vector types (SSE2 on x86-64, NEON on
 * ARM): the same IEEE operations in the same order as the scalar code, so the same answers. */
enum { BN_LANES = 4 };
typedef float bn_v4f __attribute__((vector_size(16)));
typedef uint32_t bn_v4u __attribute__((vector_size(16)));
typedef int32_t bn_v4i __attribute__((vector_size(16)));

static inline bn_v4f v4f_load(const float *p) {
    bn_v4f v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline bn_v4u v4u_load(const uint32_t *p) {
    bn_v4u v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline int v4i_any(bn_v4i m) { return (m[0] | m[1] | m[2] | m[3]) != 0; }

/* The survivors that conflict with survivor i and are ahead of it in (priority, index)
 * order: its dominators. Writes the first cap of them to out; returns how many there are. */
static uint32_t dominators(const bn_resolver *R, float inv_h, float h, size_t i, uint32_t *out,
                           uint32_t cap) {
    const bn_sv_cols *c = &R->sv;
    const float px = c->x[i], py = c->y[i], pz = c->z[i], pr = c->r[i];
    const uint32_t pp = c->prio[i], pid = c->id[i];
    const float reach = 0.5f * (pr + h);
    const float v[3] = {px, py, pz};
    int lo[3], hi[3];
    for (int k = 0; k < 3; ++k) {
        lo[k] = (int)floorf((v[k] - reach) * inv_h);
        hi[k] = (int)floorf((v[k] + reach) * inv_h);
    }
    const bn_v4f vx = {px, px, px, px}, vy = {py, py, py, py}, vz = {pz, pz, pz, pz},
                 vr = {pr, pr, pr, pr}, half = {0.5f, 0.5f, 0.5f, 0.5f};
    const bn_v4u vp = {pp, pp, pp, pp}, vid = {pid, pid, pid, pid};
    const bn_v4u lane = {0, 1, 2, 3};
    uint32_t n = 0;
    for (int cz = lo[2]; cz <= hi[2]; ++cz)
        for (int cy = lo[1]; cy <= hi[1]; ++cy)
            for (int cx = lo[0]; cx <= hi[0]; ++cx) {
                const bn_slot *s = table_find(&R->cubes, cell_key(cx, cy, cz));
                if (!s) continue;
                for (uint32_t j = s->a; j < s->a + s->b; j += BN_LANES) {
                    bn_v4f dx = vx - v4f_load(c->x + j), dy = vy - v4f_load(c->y + j),
                           dz = vz - v4f_load(c->z + j);
                    bn_v4f lim = half * (vr + v4f_load(c->r + j));
                    bn_v4u qp = v4u_load(c->prio + j), qid = v4u_load(c->id + j);
                    bn_v4u rest = (bn_v4u){s->b, s->b, s->b, s->b} - (j - s->a);
                    bn_v4i hit = (dx * dx + dy * dy + dz * dz < lim * lim) &
                                 ((bn_v4i)(qp < vp) | ((bn_v4i)(qp == vp) & (bn_v4i)(qid < vid))) &
                                 (bn_v4i)(lane < rest);
                    if (!v4i_any(hit)) continue;
                    for (int k = 0; k < BN_LANES; ++k) {
                        if (!hit[k]) continue;
                        if (n < cap) out[n] = j + (uint32_t)k;
                        ++n;
                    }
                }
            }
    return n;
}

/* The greedy packing of surv[0, ns) with spacing reach h: joined[i] = 1 for those that join;
 * by sweeps from sweep_min survivors on (scatter_blue_tuning). 0 when out of memory. */
static int bn_resolve(bn_resolver *R, const bn_point *surv, size_t ns, float h, int threads,
                      size_t sweep_min, uint8_t *joined) {
    const float inv_h = 1.0f / (2.0f * h);
    if (!R->cubes.slot && !table_init(&R->cubes, ns / 8 + 64)) return 0;
    if (!table_count_points(&R->cubes, inv_h, surv, ns)) return 0;
    if (ns < sweep_min || ns > BN_CROWDED_CUBE * R->cubes.used)
        return resolve_sequential(R, surv, ns, h, joined);
    if (ns + BN_LANES > R->sv_cap) {
        size_t cap = ns + ns / 4 + BN_LANES;
        free(R->sv_block);
        R->sv_cap = 0;
        if (!(R->sv_block = smp_big_alloc(cap * 6 * sizeof(float)))) return 0;
        R->sv_cap = cap;
        float *f = R->sv_block;
        R->sv = (bn_sv_cols){.x = f,
                             .y = f + cap,
                             .z = f + 2 * cap,
                             .r = f + 3 * cap,
                             .prio = (uint32_t *)(f + 4 * cap),
                             .id = (uint32_t *)(f + 5 * cap)};
    }
    if (!bn_reserve((void **)&R->dom_n, &R->dom_n_cap, ns, sizeof *R->dom_n) ||
        !bn_reserve((void **)&R->dom, &R->dom_cap, ns * BN_DOM_SLOTS, sizeof *R->dom) ||
        !bn_reserve((void **)&R->state, &R->state_cap, ns, 1) ||
        !bn_reserve((void **)&R->slot_of, &R->slot_of_cap, ns, sizeof *R->slot_of))
        return 0;
    table_slots_of(&R->cubes, inv_h, surv, ns, threads, R->slot_of);
    table_starts_along(&R->cubes, R->slot_of, ns);
    /* Placement on one slice of the survivors per thread: slice k counts its survivors of each
     * cube into at[slot × slices + k], and a sum over each cube's slices says where slice k
     * places its first. A cube's survivors keep their pass order, as on one thread. */
    const size_t n_slots = (size_t)1 << R->cubes.bits;
    size_t slices = (size_t)threads; /* no more than keep the counters within 8 bytes a survivor */
    while (slices > 1 && n_slots * slices > 2 * ns + 4096) --slices;
    if (!bn_reserve((void **)&R->slice_at, &R->slice_at_cap, n_slots * slices, sizeof *R->slice_at))
        return 0;
    uint32_t *at = R->slice_at;
    const uint32_t *slot_of = R->slot_of;
    bn_sv_cols *c = &R->sv;
    memset(at, 0, n_slots * slices * sizeof *at);
#pragma omp parallel num_threads((int)slices)
    {
        /* the team may be smaller than asked for: its slices, in at's first columns */
        const size_t k = (size_t)omp_get_thread_num(), team = (size_t)omp_get_num_threads();
        const size_t from = ns * k / team, to = ns * (k + 1) / team;
        for (size_t i = from; i < to; ++i) ++at[(size_t)slot_of[i] * slices + k];
#pragma omp barrier
#pragma omp for schedule(static)
        for (size_t sl = 0; sl < n_slots; ++sl) {
            if (R->cubes.slot[sl].key == UINT64_MAX) continue;
            uint32_t next = R->cubes.slot[sl].a;
            for (size_t j = sl * slices; j < (sl + 1) * slices; ++j) {
                uint32_t count = at[j];
                at[j] = next;
                next += count;
            }
        }
        for (size_t i = from; i < to; ++i) {
            uint32_t to_at = at[(size_t)slot_of[i] * slices + k]++;
            c->x[to_at] = surv[i].x, c->y[to_at] = surv[i].y, c->z[to_at] = surv[i].z;
            c->r[to_at] = surv[i].r, c->prio[to_at] = surv[i].prio, c->id[to_at] = (uint32_t)i;
        }
    }
    /* the padding lanes are read (and masked off); keep them defined */
    for (size_t i = ns; i < ns + BN_LANES; ++i)
        c->x[i] = c->y[i] = c->z[i] = c->r[i] = 0.0f, c->prio[i] = c->id[i] = 0;

    /* dominators: up to BN_DOM_SLOTS per survivor in one neighbour search; the rare one
     * with more is searched again, alone, into an overflow list */
    size_t overflow = 0;
#pragma omp parallel for schedule(dynamic, 4096) num_threads(threads) reduction(+ : overflow)
    for (size_t i = 0; i < ns; ++i) {
        uint32_t n = dominators(R, inv_h, h, i, R->dom + i * BN_DOM_SLOTS, BN_DOM_SLOTS);
        R->dom_n[i] = n;
        R->state[i] = n == 0 ? BN_IN : BN_UNDECIDED;
        overflow += n > BN_DOM_SLOTS;
    }
    size_t extra = 0;
    for (size_t i = 0; overflow && i < ns; ++i)
        if (R->dom_n[i] > BN_DOM_SLOTS) extra += R->dom_n[i];
    if (!bn_reserve((void **)&R->dom_more, &R->dom_more_cap, extra, sizeof *R->dom_more)) return 0;
    for (size_t i = 0, w = 0; overflow && i < ns; ++i) {
        if (R->dom_n[i] <= BN_DOM_SLOTS) continue;
        R->dom[i * BN_DOM_SLOTS] = (uint32_t)w; /* where its list starts in dom_more */
        w += dominators(R, inv_h, h, i, R->dom_more + w, R->dom_n[i]);
    }

    /* sweeps of the local rule until every survivor is decided; a state, once decided, never
     * changes, so threads may read each other's (relaxed atomics keep that well defined) */
    for (size_t undecided = ns; undecided;) {
        undecided = 0;
#pragma omp parallel for schedule(static) num_threads(threads) reduction(+ : undecided)
        for (size_t i = 0; i < ns; ++i) {
            if (__atomic_load_n(&R->state[i], __ATOMIC_RELAXED) != BN_UNDECIDED) continue;
            int all_out = 1, any_in = 0;
            uint32_t n = R->dom_n[i];
            const uint32_t *list = n <= BN_DOM_SLOTS ? R->dom + i * BN_DOM_SLOTS
                                                     : R->dom_more + R->dom[i * BN_DOM_SLOTS];
            for (uint32_t k = 0; k < n && !any_in; ++k) {
                uint8_t s = __atomic_load_n(&R->state[list[k]], __ATOMIC_RELAXED);
                any_in = s == BN_IN;
                all_out &= s == BN_OUT;
            }
            if (any_in)
                __atomic_store_n(&R->state[i], (uint8_t)BN_OUT, __ATOMIC_RELAXED);
            else if (all_out)
                __atomic_store_n(&R->state[i], (uint8_t)BN_IN, __ATOMIC_RELAXED);
            else
                ++undecided;
        }
    }
    for (size_t i = 0; i < ns; ++i) joined[c->id[i]] = R->state[i] == BN_IN;
    return 1;
}

/* A pass's cells come in units, each refined by one thread: the start cells in runs of
 * BN_CHUNK, later the open pieces one unit handed on, read where its thread wrote them. */
typedef struct bn_unit {
    uint32_t src; /* BN_START_CELLS, or the thread whose bn_emit holds them */
    size_t from, count;
} bn_unit;

enum { BN_START_CELLS = 0xffffffffu };

/* Where one unit put its pieces: a run of a thread's bn_emit. */
typedef struct bn_chunk {
    uint32_t thread;
    size_t from, count;   /* cells */
    size_t dfrom, dcount; /* darts */
    size_t dto;           /* where the darts go in the next pass's survivors */
} bn_chunk;

enum { BN_CHUNK = 2048 };

static size_t sc_min_size(size_t a, size_t b) { return a < b ? a : b; }

/* Room for the points of a packing expecting `expect` new ones among n_old existing: the
 * densest packing holds 1.66× a saturated random one. A double, so that absurd fields are
 * refused instead of overflowing. */
static double bn_points_bound(double expect, size_t n_old) {
    return (double)n_old + floor(expect * 1.7) + 1024.0;
}

static smp_status bn_pack(const smp_scatter_desc *d, const bn_field *f, float scale,
                          const smp_dots *existing, int threads, const scatter_blue_tuning *tuning,
                          bn_run *run, smp_error *err) {
    const smp_mesh *m = f->mesh;
    const uint32_t T = m->triangle_count;
    double expect = 0.0;
    for (uint32_t t = 0; t < T; ++t) expect += f->tri_expect[t];
    expect /= (double)scale * scale;
    size_t n_old = existing ? existing->count : 0;
    /* Interpolated weights never go below the smallest vertex weight, so no spacing exceeds
     * this: the grid's reach. */
    float h = bn_radius(scale, f->min_weight_cm2) * 1.0001f;
    float r_min = bn_radius(scale, f->floor_cm2 * 4.0f);
    memset(run, 0, sizeof *run);
    /* Refused before anything is allocated: a packing whose size or spacings leave the
     * ranges below (32-bit candidate numbers, float distances, 21-bit cube coordinates). */
    double points = bn_points_bound(expect, n_old);
    if (!(points <= (double)SMP_SCATTER_MAX_DOTS))
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "blue noise: the packing would hold %.3g points, more than %d: the "
                             "density (peak %g dots/cm²) is packed at the spacing of a quarter "
                             "of its peak and thinned below that, so a field with a far higher "
                             "peak than the rest asks for that many",
                             points, SMP_SCATTER_MAX_DOTS, 4.0 * (double)f->floor_cm2);
    if (!(isfinite(h) && h > 0.0f && h < 1e6f))
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "blue noise: a spacing of %g mm (density %g dots/cm²) is out of "
                             "range (0 … 1 km)",
                             (double)h, (double)f->min_weight_cm2);
    if (!((double)f->extent_mm / (2.0 * h) < (double)((1 << 20) - 4)))
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "blue noise: the mesh reaches %g mm from the origin, more than "
                             "2^20 cubes of twice the largest spacing (%g mm); move it nearer "
                             "the origin",
                             (double)f->extent_mm, 2.0 * h);
    size_t cap = (size_t)points;

    bn_index acc = {0};
    bn_resolver resolver = {0};
    run->acc = smp_big_alloc(cap * sizeof *run->acc);
    /* Work arrays live across passes and grow only: a pass allocates nothing new. */
    bn_cell *cells = NULL; /* the start cells */
    size_t cells_cap = 0;
    bn_unit *units = NULL, *next_units = NULL;
    size_t units_cap = 0, next_units_cap = 0;
    bn_point *surv = NULL;
    size_t surv_cap = 0;
    uint8_t *keep = NULL, *joined = NULL;
    size_t keep_cap = 0, joined_cap = 0;
    bn_chunk *chunk = NULL;
    size_t chunk_cap = 0;
    /* two sets of per-thread runs: a pass reads its cells from one and writes the next
     * pass's into the other */
    bn_emit *emit = calloc(2 * (size_t)threads, sizeof *emit);
    smp_status st = SMP_OK;
    if (!run->acc || !emit || !index_init(&acc, h, cap, threads, tuning->slice_min)) goto nomem;
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
    }
    run->n_acc = run->n_existing = n_old;
    if (!index_rebuild(&acc, run->acc, n_old)) goto nomem;

    /* Start cells: each triangle cut into 4^L pieces of at most 3 r² at the smallest spacing
     * r, about twice the area one dot keeps for itself (1.44 r²). Smaller pieces would throw
     * more darts than the first pass needs: most would land in the spacing of an earlier one
     * (at 10⁶ dots, 2 r² cost 4 % more instructions, 4 r² saved no more). */
    uint8_t *levels = malloc(T ? T : 1);
    size_t *first = smp_big_alloc((T ? T : 1) * sizeof *first);
    if (!levels || !first) {
        free(levels);
        free(first);
        goto nomem;
    }
#pragma omp parallel for schedule(static) num_threads(threads)
    for (uint32_t t = 0; t < T; ++t) {
        levels[t] = 0xff;
        if (!(f->tri_expect[t] > 0.0)) continue;
        float area = (float)scatter_triangle_area_mm2(m, t);
        int L = 0;
        while (L < 8 && area > 3.0f * r_min * r_min) area *= 0.25f, ++L;
        levels[t] = (uint8_t)L;
    }
    size_t n_cells = 0;
    for (uint32_t t = 0; t < T; ++t) { /* each triangle's cells start at first[t] */
        first[t] = n_cells;
        n_cells += levels[t] == 0xff ? 0 : (size_t)1 << (2 * levels[t]);
    }
    if (!bn_reserve((void **)&cells, &cells_cap, n_cells, sizeof *cells)) {
        free(levels);
        free(first);
        goto nomem;
    }
#pragma omp parallel for schedule(dynamic, 4096) num_threads(threads)
    for (uint32_t t = 0; t < T; ++t) {
        if (levels[t] == 0xff) continue;
        size_t start = first[t], w = start;
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
    free(levels);
    free(first);

    /* The darts of the start cells, clear of the existing dots. Later darts come from the
     * split that makes their cells (refine_split), tested on the list it already holds. */
    const uint32_t key = smp_rng_key(d->seed, sc_stream(SC_STREAM_DARTS, d->session.index, 0));
    if (!bn_reserve((void **)&surv, &surv_cap, n_cells, sizeof *surv) ||
        !bn_reserve((void **)&keep, &keep_cap, n_cells, 1))
        goto nomem;
#pragma omp parallel for schedule(dynamic, 4096) num_threads(threads)
    for (size_t i = 0; i < n_cells; ++i) {
        const uint32_t dk = cell_dart_key(key, &cells[i]);
        keep[i] = 0;
        for (uint32_t a = 0; a < (n_old ? BN_DART_TRIES : 1u) && !keep[i]; ++a) {
            cell_dart(f, scale, dk, &cells[i], a, &surv[i]);
            keep[i] = n_old == 0 || !index_conflicts(&acc, run->acc, &surv[i]);
        }
    }
    size_t n_units = (n_cells + BN_CHUNK - 1) / BN_CHUNK;
    if (!bn_reserve((void **)&units, &units_cap, n_units, sizeof *units)) goto nomem;
    for (size_t u = 0; u < n_units; ++u)
        units[u] = (bn_unit){.src = BN_START_CELLS,
                             .from = u * BN_CHUNK,
                             .count = sc_min_size(BN_CHUNK, n_cells - u * BN_CHUNK)};
    size_t ns = n_cells;
    if (n_old) { /* in place: ns never passes i */
        ns = 0;
        for (size_t i = 0; i < n_cells; ++i)
            if (keep[i]) surv[ns++] = surv[i];
    }

    for (int pass = 0; n_cells; ++pass) {
        if (n_cells > 0xffffffffu) { /* survivors are numbered in 32 bits */
            st = smp_error_set(err, SMP_ERR_INVALID_ARG,
                               "blue noise: %zu open cells in one pass, too many", n_cells);
            goto done;
        }
        run->passes = pass + 1;
        run->candidates += n_cells;
        if (ns) {
            /* the greedy packing of the survivors in priority order: each joins unless a
             * survivor that joined before it is too close (earlier passes' dots were ruled
             * out with the darts); see bn_resolve */
            if (!bn_reserve((void **)&joined, &joined_cap, ns, 1) ||
                !bn_resolve(&resolver, surv, ns, h, threads, tuning->sweep_min, joined))
                goto nomem;
            uint32_t n_pass = 0;
            for (size_t i = 0; i < ns; ++i) n_pass += joined[i];
            /* dots join the set in candidate order, which follows the triangles */
            for (size_t i = 0; i < ns; ++i) {
                if (!joined[i]) continue;
                if (run->n_acc == run->cap_acc) {
                    st = smp_error_set(err, SMP_ERR_NOMEM,
                                       "blue noise: more dots than the densest packing allows");
                    goto done;
                }
                run->acc[run->n_acc] = surv[i];
                run->acc[run->n_acc++].prio = (uint32_t)pass; /* from now on: its pass */
            }
            if (!index_add(&acc, run->acc, run->n_acc - n_pass, run->n_acc)) goto nomem;
        }

        /* Cells the dots cover are done; the rest are split for the next pass, with their
         * darts. Each thread appends the pieces of whole units to its own runs, in the set
         * this pass writes; the next pass reads them there, unit by unit in order, so nothing
         * depends on threads. */
        bn_emit *in = emit + (size_t)threads * (size_t)(pass & 1),
                *out = emit + (size_t)threads * (size_t)(~pass & 1);
        if (!bn_reserve((void **)&chunk, &chunk_cap, n_units, sizeof *chunk)) goto nomem;
        for (int k = 0; k < threads; ++k) {
            /* room for what a pass usually hands on, so threads rarely grow their runs */
            out[k].n = out[k].nd = 0;
            size_t share = n_cells / (size_t)threads + 4096;
            if (!bn_reserve((void **)&out[k].cell, &out[k].cap, share + share / 2,
                            sizeof *out[k].cell) ||
                !bn_reserve((void **)&out[k].dart, &out[k].dcap, share / 2, sizeof *out[k].dart))
                goto nomem;
        }
        /* a pass of a few units runs on one thread: the others would only wait at its end,
         * and on a busy machine a waiting thread can cost a scheduler slice (10–20 ms) */
        const int team = n_units >= 4 ? threads : 1;
#pragma omp parallel num_threads(team)
        {
            bn_emit *e = &out[omp_get_thread_num()];
            /* a cell's pieces never depend on what the cache held before it */
            bn_near_cache *cache = malloc(sizeof *cache);
            if (cache)
                cache->valid = 0;
            else
                e->oom = 1;
#pragma omp for schedule(dynamic, 1)
            for (size_t u = 0; u < n_units; ++u) {
                size_t from = e->n, dfrom = e->nd;
                const bn_cell *c =
                    (units[u].src == BN_START_CELLS ? cells : in[units[u].src].cell) +
                    units[u].from;
                for (size_t i = 0; cache && i < units[u].count; ++i)
                    if (c[i].level < BN_MAX_LEVEL)
                        cell_refine(&acc, run->acc, f, scale, key, &c[i], cache, e);
                chunk[u] = (bn_chunk){.thread = (uint32_t)omp_get_thread_num(),
                                      .from = from,
                                      .count = e->n - from,
                                      .dfrom = dfrom,
                                      .dcount = e->nd - dfrom};
            }
            free(cache);
        }
        for (int k = 0; k < threads; ++k)
            if (out[k].oom) goto nomem;
        if (pass == 0) { /* the start cells are all refined */
            free(cells);
            cells = NULL;
            cells_cap = 0;
        }
        /* the next pass's units: each unit's open pieces, where its thread wrote them */
        if (!bn_reserve((void **)&next_units, &next_units_cap, n_units, sizeof *next_units))
            goto nomem;
        size_t n_next = 0, n_next_units = 0;
        ns = 0;
        for (size_t u = 0; u < n_units; ++u) {
            chunk[u].dto = ns;
            ns += chunk[u].dcount;
            if (!chunk[u].count) continue;
            next_units[n_next_units++] =
                (bn_unit){.src = chunk[u].thread, .from = chunk[u].from, .count = chunk[u].count};
            n_next += chunk[u].count;
        }
        /* Open cells shrink geometrically in a healthy packing; a runaway (cells the dots
         * never cover) is refused here rather than exhausting memory or leaving gaps. */
        if ((double)n_next > tuning->runaway * (double)cap) {
            st = smp_error_set(err, SMP_ERR_INVALID_ARG,
                               "blue noise: %zu cells still open after pass %d, more than %g "
                               "per point the packing may hold (%zu): its gaps are not "
                               "closing, so no dots were added",
                               n_next, pass + 1, tuning->runaway, cap);
            goto done;
        }
        if (!bn_reserve((void **)&surv, &surv_cap, ns, sizeof *surv)) goto nomem;
#pragma omp parallel for schedule(static) num_threads(threads) if (ns > 65536)
        for (size_t u = 0; u < n_units; ++u)
            memcpy(surv + chunk[u].dto, out[chunk[u].thread].dart + chunk[u].dfrom,
                   chunk[u].dcount * sizeof *surv);
        bn_unit *tmp = units;
        units = next_units;
        next_units = tmp;
        size_t tmp_cap = units_cap;
        units_cap = next_units_cap;
        next_units_cap = tmp_cap;
        n_units = n_next_units;
        n_cells = n_next;
    }
    goto done;
nomem:
    st = smp_error_set(err, SMP_ERR_NOMEM, "out of memory in the blue-noise packing");
done:
    free(cells);
    free(units);
    free(next_units);
    free(surv);
    free(keep);
    free(joined);
    free(chunk);
    for (int k = 0; emit && k < 2 * threads; ++k) {
        free(emit[k].cell);
        free(emit[k].dart);
    }
    free(emit);
    index_free(&acc);
    resolver_free(&resolver);
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
    uint32_t key = smp_rng_key(d->seed, sc_stream(SC_STREAM_THIN, d->session.index, 0));
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

/* Dots at spacing scale 1 over d's mesh, O(T) and allocation-free: *packed, those the
 * packing holds (it follows the weight: the density raised to a quarter of its peak), and
 * *kept, those left after thinning keeps density / weight of them (the density's integral). */
static void bn_totals(const smp_scatter_desc *d, double *packed, double *kept) {
    const smp_mesh *m = d->mesh;
    float dmax = 0.0f;
    for (uint32_t v = 0; v < m->vertex_count; ++v)
        dmax = d->density_per_cm2[v] > dmax ? d->density_per_cm2[v] : dmax;
    const double floor_cm2 = 0.25 * dmax;
    *packed = *kept = 0.0;
    for (uint32_t t = 0; t < m->triangle_count; ++t) {
        const uint32_t *ix = m->indices + 3 * (size_t)t;
        double w = 0.0, dens = 0.0;
        for (int k = 0; k < 3; ++k) {
            double dv = d->density_per_cm2[ix[k]];
            dens += dv;
            w += dv > 0.0 ? (dv > floor_cm2 ? dv : floor_cm2) : 0.0;
        }
        if (w > 0.0) {
            double area = scatter_triangle_area_mm2(m, t);
            *packed += area * w / 300.0;
            *kept += area * dens / 300.0;
        }
    }
}

/* Dots counted by pass for an exact count's trim; passes past the last slot share it. */
enum { BN_PASS_SLOTS = 64 };

static int bn_pass_slot(const bn_point *p) {
    return p->prio < BN_PASS_SLOTS ? (int)p->prio : BN_PASS_SLOTS - 1;
}

/* The new dots an exact count aims for among n_old existing: 0.5 % high, the surplus trimmed. */
static double bn_want(const smp_scatter_desc *d, size_t n_old) {
    return (double)d->count * 1.005 + (double)n_old;
}

double scatter_blue_points_estimate(const smp_scatter_desc *d, size_t n_old) {
    double packed, kept;
    bn_totals(d, &packed, &kept);
    /* an exact count sets the scale s so that the kept dots number count: s² = kept / want */
    if (d->count && kept > 0.0) packed *= bn_want(d, n_old) / kept;
    return bn_points_bound(packed, n_old);
}

smp_status scatter_blue_run(const smp_scatter_desc *d, const scatter_blue_tuning *tuning,
                            smp_dots *dots, smp_scatter_info *info, smp_error *err) {
    int threads = d->threads > 0 ? d->threads : omp_get_max_threads();
    bn_field f;
    smp_status st = bn_field_build(d, threads, &f, err);
    if (st != SMP_OK) return st;
    size_t n_old = dots->count;
    /* Dots kept at scale 1: what remains after thinning follows the density itself. */
    double packed, at_unit;
    bn_totals(d, &packed, &at_unit);

    bn_run run = {0};
    double scale = 1.0;
    int runs = 0;
    if (d->count) scale = sqrt(at_unit / bn_want(d, n_old));
    /* An exact count: aim 0.5 % high, accept 0..1 % surplus, trim it. A packing's count
     * varies by itself by about its square root, which at a thousand dots is wider than that
     * window: each run after a miss accepts half a per cent more surplus, so small counts
     * take two or three packings, not eight. */
    for (;;) {
        if (run.acc) free(run.acc);
        if ((st = bn_pack(d, &f, (float)scale, dots, threads, tuning, &run, err)) != SMP_OK)
            goto out;
        bn_thin(d, &f, &run);
        ++runs;
        size_t got = run.n_acc - n_old;
        if (!d->count) break;
        size_t slack = d->count / 100 + 2 + (size_t)(runs - 1) * (d->count / 200 + 2);
        if (got >= d->count && (got <= d->count + slack || runs >= 8)) break;
        if (runs >= 12) {
            st = smp_error_set(err, SMP_ERR_INVALID_ARG,
                               "blue noise: could not fit %zu dots (got %zu at spacing scale "
                               "%.3g); the area is too small or already full",
                               d->count, got, scale);
            goto out;
        }
        double have = (double)got + (double)n_old, want = bn_want(d, n_old);
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
        /* Remove the surplus from the dots that joined last. A late pass's dot filled a gap
         * just wide enough for it, so taking it out reopens only that small gap; a first
         * pass's dot holds a dot's whole room. Whole passes go from the last back, and the
         * pass where the surplus runs out loses the rest evenly along its order, which
         * follows the triangles, so the holes spread over the whole surface. */
        size_t surplus = got - d->count, w = n_old;
        size_t in_pass[BN_PASS_SLOTS] = {0};
        for (size_t j = n_old; j < run.n_acc; ++j) ++in_pass[bn_pass_slot(&run.acc[j])];
        int last = BN_PASS_SLOTS - 1;
        size_t later = 0; /* dots of passes after `last` */
        while (later + in_pass[last] <= surplus) later += in_pass[last--];
        size_t share = surplus - later, seen = 0; /* share < in_pass[last] */
        for (size_t j = n_old; j < run.n_acc; ++j) {
            int slot = bn_pass_slot(&run.acc[j]);
            if (slot > last) continue;
            if (slot == last) {
                size_t a = (seen * share) / in_pass[last], b = ((seen + 1) * share) / in_pass[last];
                ++seen;
                if (b > a) continue;
            }
            run.acc[w++] = run.acc[j];
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
    scatter_kernel_setup(d, &f.tris, SC_STREAM_BLUE, &c);
    const smp_dots *out = dots;
#pragma omp parallel for schedule(static) num_threads(threads)
    for (size_t k = 0; k < got; ++k) {
        const bn_point *p = &run.acc[n_old + k];
        sc_write_dot(&c, &c.tris->tri[p->t], p->t, (uint32_t)k, p->b, out, n_old + k);
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
    int threads = desc->threads > 0 ? desc->threads : omp_get_max_threads();
    if ((st = bn_field_build(desc, threads, &f, err)) != SMP_OK) return st;
    float scale = (float)spacing_scale;
    size_t n = dots->count;
    bn_point *pts = smp_big_alloc((n ? n : 1) * sizeof *pts);
    bn_grid g = {0};
    if (!pts || !grid_init(&g, bn_radius(scale, f.min_weight_cm2) * 1.0001f, n)) {
        free(pts);
        grid_free(&g);
        bn_field_free(&f);
        return smp_error_set(err, SMP_ERR_NOMEM, "out of memory measuring blue noise");
    }
    for (size_t i = 0; i < n; ++i) {
        int bad = dots->triangle[i] >= desc->mesh->triangle_count;
        if (!bad) bn_point_from_dot(&f, scale, dots, i, &pts[i]);
        if (bad || !grid_insert(&g, &pts[i], (uint32_t)i)) {
            free(pts);
            grid_free(&g);
            bn_field_free(&f);
            return bad ? smp_error_set(err, SMP_ERR_INVALID_ARG,
                                       "dot %zu: triangle %u out of range", i, dots->triangle[i])
                       : smp_error_set(err, SMP_ERR_NOMEM, "out of memory measuring blue noise");
        }
    }
    double min_ratio = 2.0;
#pragma omp parallel for schedule(dynamic, 4096) num_threads(threads) reduction(min : min_ratio)
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
    uint32_t k1 = smp_rng_key(desc->seed, SC_STREAM_PROBES + 1),
             k2 = smp_rng_key(desc->seed, SC_STREAM_PROBES + 2),
             k3 = smp_rng_key(desc->seed, SC_STREAM_PROBES + 3);
    scatter_kernel_ctx c;
    memset(&c, 0, sizeof c);
    c.tris = &f.tris;
    c.key[KEY_COLUMN] = smp_rng_key(desc->seed, SC_STREAM_PROBES);
    c.key[KEY_COIN] = k1;
    size_t used = 0, gaps = 0;
#pragma omp parallel for schedule(dynamic, 4096) num_threads(threads) reduction(+ : used, gaps)
    for (size_t i = 0; i < probes; ++i) {
        uint32_t h1;
        uint32_t t = sc_pick_triangle(&c, (uint32_t)i, &h1);
        float b[3];
        sc_barycentrics(f.tris.tri[t].c0, f.tris.tri[t].c1, h1 >> 16, smp_rng_hash(k2, (uint32_t)i),
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
