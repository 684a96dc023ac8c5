/* The spatial hashing blue noise's searches share: the cube table (cube key → two words, open
 * addressing, grown at half full; also a counting sort of points by cube) and the hash grid
 * on it (each cube's points in a chain). */
#include <stdlib.h>

#include "blue_internal.h"

static int table_alloc(bn_table *t, uint32_t bits) {
    size_t n = (size_t)1 << bits;
    t->slot = smp_big_alloc(n * sizeof *t->slot);
    if (!t->slot) return 0;
    t->bits = bits;
    t->used = 0;
    for (size_t i = 0; i < n; ++i) t->slot[i].key = UINT64_MAX;
    return 1;
}

int table_init(bn_table *t, size_t cubes) {
    uint32_t bits = 8;
    while (((size_t)1 << bits) < 2 * cubes) ++bits;
    return table_alloc(t, bits);
}

void table_free(bn_table *t) {
    free(t->slot);
    memset(t, 0, sizeof *t);
}

void table_clear(bn_table *t) {
    for (size_t i = 0, n = (size_t)1 << t->bits; i < n; ++i) t->slot[i].key = UINT64_MAX;
    t->used = 0;
}

bn_slot *table_get(bn_table *t, uint64_t key, uint32_t a, uint32_t b) {
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

int table_count_points(bn_table *t, float inv_h, const bn_point *pts, size_t n) {
    table_clear(t);
    for (size_t i = 0; i < n; ++i) {
        bn_slot *s = table_get(t, cube_key(inv_h, pts[i].x, pts[i].y, pts[i].z), 0, 0);
        if (!s) return 0;
        ++s->b;
    }
    return 1;
}

void table_slots_of(const bn_table *t, float inv_h, const bn_point *pts, size_t n, int threads,
                    uint32_t *slot_of) {
#pragma omp parallel for schedule(static) num_threads(threads) if (n > 65536)
    for (size_t i = 0; i < n; ++i)
        slot_of[i] =
            (uint32_t)(table_find(t, cube_key(inv_h, pts[i].x, pts[i].y, pts[i].z)) - t->slot);
}

void table_starts_along(bn_table *t, const uint32_t *slot_of, size_t n) {
    for (size_t i = 0, slots = (size_t)1 << t->bits; i < slots; ++i) t->slot[i].a = BN_NONE;
    uint32_t at = 0;
    for (size_t i = 0; i < n; ++i) {
        bn_slot *s = &t->slot[slot_of[i]];
        if (s->a != BN_NONE) continue;
        s->a = at;
        at += s->b;
    }
}

int grid_init(bn_grid *g, float reach, size_t cap_points) {
    memset(g, 0, sizeof *g);
    g->reach = reach;
    g->inv_h = 1.0f / (2.0f * reach);
    g->next = smp_big_alloc((cap_points ? cap_points : 1) * sizeof *g->next);
    g->cap_points = cap_points;
    return g->next && table_init(&g->cubes, cap_points / 8 + 64);
}

void grid_free(bn_grid *g) {
    table_free(&g->cubes);
    free(g->next);
    memset(g, 0, sizeof *g);
}

int grid_insert(bn_grid *g, const bn_point *p, uint32_t index) {
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

int grid_conflicts(const bn_grid *g, const bn_point *pts, const bn_point *p) {
    bn_box box = reach_box(g, p);
    FOR_CELLS(g, box, key)
    for (uint32_t q = grid_find(g, key); q != BN_NONE; q = g->next[q])
        if (too_close(p, &pts[q])) return 1;
    return 0;
}
