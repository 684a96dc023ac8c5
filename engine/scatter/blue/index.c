/* The accepted dots' index: rows of a packed bulk, sorted along x, plus a chained tail of the
 * dots accepted since the last sort (blue_internal.h, bn_index). */
#include <omp.h>
#include <stdlib.h>

#include "blue_internal.h"

void index_free(bn_index *x) {
    free(x->row_start);
    free(x->row_of_dot);
    free(x->slice_at);
    free(x->xyzr);
    grid_free(&x->tail);
    memset(x, 0, sizeof *x);
}

int index_init(bn_index *x, float reach, size_t cap, int threads, size_t slice_min) {
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

/* The row of p in the bulk's table. */
static size_t row_index(const bn_index *x, const bn_point *p) {
    return (size_t)row_of(p->y, x->inv_row, x->row_lo[0], x->n_rows[0]) +
           (size_t)x->n_rows[0] * (size_t)row_of(p->z, x->inv_row, x->row_lo[1], x->n_rows[1]);
}

/* The bounds of pts[0, n) along y (lo[0], hi[0]) and z (lo[1], hi[1]), on `threads` slices:
 * min and max are exact, so the same on any. */
static void index_bounds(const bn_point *pts, size_t n, int threads, float lo[2], float hi[2]) {
    float lo0 = n ? pts[0].y : 0.0f, lo1 = n ? pts[0].z : 0.0f, hi0 = lo0, hi1 = lo1;
    // clang-format off
#pragma omp parallel for schedule(static) num_threads(threads) reduction(min : lo0, lo1) reduction(max : hi0, hi1)
    // clang-format on
    for (size_t i = 1; i < n; ++i) {
        lo0 = sc_min(lo0, pts[i].y), hi0 = sc_max(hi0, pts[i].y);
        lo1 = sc_min(lo1, pts[i].z), hi1 = sc_max(hi1, pts[i].z);
    }
    lo[0] = lo0, lo[1] = lo1, hi[0] = hi0, hi[1] = hi1;
}

/* The rows' table over the bounds for n dots; returns the number of rows. Rows are 2 × reach
 * wide, or wider where that would make more rows than 4 per dot (a mesh far larger than its
 * spacing): a query then reads more dots, never misses one. */
static size_t index_rows(bn_index *x, const float lo[2], const float hi[2], size_t n) {
    double side = 2.0 * x->reach, budget = 4.0 * (double)n + 4096.0;
    double need = ((double)hi[0] - lo[0] + side) * ((double)hi[1] - lo[1] + side);
    if (need > budget * side * side) side = sqrt(need / budget) * 1.01;
    x->row_side = (float)side;
    x->inv_row = (float)(1.0 / side);
    for (int k = 0; k < 2; ++k) {
        x->row_lo[k] = (int)floorf(lo[k] * x->inv_row);
        x->n_rows[k] = (int)floorf(hi[k] * x->inv_row) - x->row_lo[k] + 1;
    }
    return (size_t)x->n_rows[0] * (size_t)x->n_rows[1];
}

/* A counting sort of pts[0, n) by row into the bulk, on `slices` slices of the dots: slice k
 * counts its dots of row r into at[r × slices + k]; the prefix sum over (row, slice) turns
 * that into where slice k places its first dot of row r. Afterwards row_start[r] ..
 * row_start[r + 1] is row r's run, its dots in index order. */
static void index_place(bn_index *x, const bn_point *pts, size_t n, size_t rows, size_t slices) {
    uint32_t *start = x->row_start, *row = x->row_of_dot, *at = x->slice_at;
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
}

/* Each row's run sorted by x; rows sort alone, each the same way on any thread. */
static void index_sort_rows(bn_index *x, size_t rows, size_t n) {
    const uint32_t *start = x->row_start;
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
}

int index_rebuild(bn_index *x, const bn_point *pts, size_t n) {
    /* Every step below runs on slices of the dots, one per thread, and gives what one thread
     * would: min and max are exact, and a row's dots keep their index order whatever the
     * slices (slice k's go after slice k - 1's). */
    const int threads = n > x->slice_min ? x->threads : 1;
    float lo[2], hi[2];
    index_bounds(pts, n, threads, lo, hi);
    size_t rows = index_rows(x, lo, hi, n);
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
    index_place(x, pts, n, rows, slices);
    index_sort_rows(x, rows, n);
    x->n_bulk = n;
    table_clear(&x->tail.cubes);
    return 1;
}

int index_add(bn_index *x, const bn_point *pts, size_t from, size_t to) {
    size_t tail_after = to - x->n_bulk;
    if (tail_after > x->n_bulk / 8 + 1024 || tail_after > x->tail_cap)
        return index_rebuild(x, pts, to);
    for (size_t i = from; i < to; ++i)
        if (!grid_insert(&x->tail, &pts[i], (uint32_t)(i - x->n_bulk))) return 0;
    return 1;
}

int index_conflicts(const bn_index *x, const bn_point *pts, const bn_point *p) {
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
