/* The greedy packing of one pass's survivors, by the sequential greedy or by sweeps of the
 * local rule over every survivor's dominators, which give the same dots on any number of
 * threads.
 *
 * The survivors of a pass join in priority order unless too close to one that joined before:
 * the greedy packing. Its result is the one fixed point of a local rule: a survivor joins
 * once every conflicting survivor ahead of it (its dominators) is out, and is out once one
 * of them is in. So the rule can be applied in any order, by any number of threads, and
 * always gives the dots the sequential greedy gives. The survivors are sorted by cube first,
 * so that both the neighbour search and the sweeps walk memory in order; the sequential
 * greedy, visiting them in priority order, jumps across all of memory instead. */
#include <omp.h>
#include <stdlib.h>

#include "blue_internal.h"

/* The survivors sorted by cube, as columns (padded by BN_LANES) for 4-wide tests. */
typedef struct bn_sv_cols {
    float *x, *y, *z, *r;
    uint32_t *prio, *id;
} bn_sv_cols;

enum { BN_DOM_SLOTS = 7 };

struct bn_resolver {
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
};

enum { BN_UNDECIDED = 0, BN_IN = 1, BN_OUT = 2 };

/* Survivors per cube above which listing dominators costs more than the sequential greedy
 * saves, even on several threads: the darts of a mesh finer than the spacing (one per
 * triangle) crowd like that. The sequential greedy's tests meet only survivors already in. */
enum { BN_CROWDED_CUBE = 16 };

bn_resolver *resolver_new(void) { return calloc(1, sizeof(bn_resolver)); }

void resolver_free(bn_resolver *R) {
    if (!R) return;
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
    free(R);
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

/* Room for ns survivors in R's columns, dominator lists, states and slots. 0 when out of
 * memory. */
static int resolver_reserve(bn_resolver *R, size_t ns) {
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
    return bn_reserve((void **)&R->dom_n, &R->dom_n_cap, ns, sizeof *R->dom_n) &&
           bn_reserve((void **)&R->dom, &R->dom_cap, ns * BN_DOM_SLOTS, sizeof *R->dom) &&
           bn_reserve((void **)&R->state, &R->state_cap, ns, 1) &&
           bn_reserve((void **)&R->slot_of, &R->slot_of_cap, ns, sizeof *R->slot_of);
}

/* The survivors into R's columns, sorted by cube (R->cubes holds their counts). Placement on
 * one slice of the survivors per thread: slice k counts its survivors of each cube into
 * at[slot × slices + k], and a sum over each cube's slices says where slice k places its
 * first. A cube's survivors keep their pass order, as on one thread. 0 when out of memory. */
static int resolver_place(bn_resolver *R, const bn_point *surv, size_t ns, float inv_h,
                          int threads) {
    table_slots_of(&R->cubes, inv_h, surv, ns, threads, R->slot_of);
    table_starts_along(&R->cubes, R->slot_of, ns);
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
    return 1;
}

/* Every survivor's dominators: up to BN_DOM_SLOTS per survivor in one neighbour search; the
 * rare one with more is searched again, alone, into an overflow list. Those with none are in.
 * 0 when out of memory. */
static int resolver_dominators(bn_resolver *R, size_t ns, float inv_h, float h, int threads) {
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
    return 1;
}

/* Sweeps of the local rule until every survivor is decided; a state, once decided, never
 * changes, so threads may read each other's (relaxed atomics keep that well defined). */
static void resolver_sweep(bn_resolver *R, size_t ns, int threads) {
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
}

int bn_resolve(bn_resolver *R, const bn_point *surv, size_t ns, float h, int threads,
               size_t sweep_min, uint8_t *joined) {
    const float inv_h = 1.0f / (2.0f * h);
    if (!R->cubes.slot && !table_init(&R->cubes, ns / 8 + 64)) return 0;
    if (!table_count_points(&R->cubes, inv_h, surv, ns)) return 0;
    if (ns < sweep_min || ns > BN_CROWDED_CUBE * R->cubes.used)
        return resolve_sequential(R, surv, ns, h, joined);
    if (!resolver_reserve(R, ns) || !resolver_place(R, surv, ns, inv_h, threads) ||
        !resolver_dominators(R, ns, inv_h, h, threads))
        return 0;
    resolver_sweep(R, ns, threads);
    for (size_t i = 0; i < ns; ++i) joined[R->sv.id[i]] = R->state[i] == BN_IN;
    return 1;
}
