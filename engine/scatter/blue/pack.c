/* One packing at a given spacing scale: the start cells cut from the triangles and their
 * darts, then passes until no cell is open. Each pass resolves its surviving darts into dots
 * (resolve.c) and refines its open cells into the next pass's cells and darts (refine.c),
 * the same dots on any number of threads. */
#include <omp.h>
#include <stdlib.h>

#include "blue_internal.h"

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

/* One packing's state: its inputs, the dots accepted so far, and work arrays that live
 * across passes and grow only, so that a pass allocates nothing new. */
typedef struct bn_packer {
    const bn_field *f;
    const scatter_blue_tuning *tuning;
    bn_run *run;
    float scale;
    float h; /* the largest spacing: the neighbour searches' reach */
    int threads;
    size_t cap;   /* points the packing may hold */
    uint32_t key; /* the darts' stream */
    bn_index acc; /* run->acc's dots */
    bn_resolver *resolver;
    bn_cell *cells; /* the start cells, until the first pass has refined them */
    size_t cells_cap;
    size_t n_cells; /* the pass's open cells */
    bn_unit *units, *next_units;
    size_t units_cap, next_units_cap, n_units;
    bn_point *surv; /* the pass's darts clear of the dots of earlier passes */
    size_t surv_cap, ns;
    uint8_t *joined;
    size_t joined_cap;
    bn_chunk *chunk; /* per unit of the pass */
    size_t chunk_cap;
    /* two sets of per-thread runs: a pass reads its cells from one and writes the next
     * pass's into the other */
    bn_emit *emit;
} bn_packer;

static smp_status pack_nomem(smp_error *err) {
    return smp_error_set(err, SMP_ERR_NOMEM, "out of memory in the blue-noise packing");
}

/* P's reach and room, for n_old existing dots; refused before anything is allocated: a
 * packing whose size or spacings leave the ranges below (32-bit candidate numbers, float
 * distances, 21-bit cube coordinates). */
static smp_status pack_check(bn_packer *P, size_t n_old, smp_error *err) {
    const bn_field *f = P->f;
    double expect = 0.0;
    for (uint32_t t = 0; t < f->mesh->triangle_count; ++t) expect += f->tri_expect[t];
    expect /= (double)P->scale * P->scale;
    /* Interpolated weights never go below the smallest vertex weight, so no spacing exceeds
     * this: the grid's reach. */
    float h = bn_radius(P->scale, f->min_weight_cm2) * 1.0001f;
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
    P->h = h;
    P->cap = (size_t)points;
    return SMP_OK;
}

/* The accepted dots, their index, the per-thread runs and the resolver. 0 when out of
 * memory. */
static int pack_alloc(bn_packer *P) {
    bn_run *run = P->run;
    run->acc = smp_big_alloc(P->cap * sizeof *run->acc);
    P->emit = calloc(2 * (size_t)P->threads, sizeof *P->emit);
    if (!run->acc || !P->emit ||
        !index_init(&P->acc, P->h, P->cap, P->threads, P->tuning->slice_min) ||
        !(P->resolver = resolver_new()))
        return 0;
    run->cap_acc = P->cap;
    return 1;
}

/* The n_old dots of existing as the packing's first points, in the index. */
static smp_status pack_existing(bn_packer *P, const smp_dots *existing, size_t n_old,
                                smp_error *err) {
    bn_run *run = P->run;
    const uint32_t T = P->f->mesh->triangle_count;
    for (size_t i = 0; i < n_old; ++i) {
        if (existing->triangle[i] >= T)
            return smp_error_set(err, SMP_ERR_INVALID_ARG,
                                 "existing dot %zu lies in triangle %u, but the mesh has %u: "
                                 "layered sessions must use the same mesh",
                                 i, existing->triangle[i], T);
        bn_point_from_dot(P->f, P->scale, existing, i, &run->acc[i]);
    }
    run->n_acc = run->n_existing = n_old;
    return index_rebuild(&P->acc, run->acc, n_old) ? SMP_OK : pack_nomem(err);
}

/* Start cells: each triangle cut into 4^L pieces of at most 3 r² at the smallest spacing r,
 * about twice the area one dot keeps for itself (1.44 r²). Smaller pieces would throw more
 * darts than the first pass needs: most would land in the spacing of an earlier one (at 10⁶
 * dots, 2 r² cost 4 % more instructions, 4 r² saved no more). levels[t]: L, or 0xff for a
 * triangle without weight. */
static void start_levels(const bn_packer *P, uint8_t *levels) {
    const bn_field *f = P->f;
    const uint32_t T = f->mesh->triangle_count;
    const float r_min = bn_radius(P->scale, f->floor_cm2 * 4.0f);
#pragma omp parallel for schedule(static) num_threads(P->threads)
    for (uint32_t t = 0; t < T; ++t) {
        levels[t] = 0xff;
        if (!(f->tri_expect[t] > 0.0)) continue;
        float area = (float)scatter_triangle_area_mm2(f->mesh, t);
        int L = 0;
        while (L < 8 && area > 3.0f * r_min * r_min) area *= 0.25f, ++L;
        levels[t] = (uint8_t)L;
    }
}

/* Cuts each triangle t into its 4^levels[t] start cells, from P->cells[first[t]] on. */
static void start_cut(bn_packer *P, const uint8_t *levels, const size_t *first) {
    const uint32_t T = P->f->mesh->triangle_count;
    bn_cell *cells = P->cells;
#pragma omp parallel for schedule(dynamic, 4096) num_threads(P->threads)
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
}

/* The start cells, in triangle order: P->cells[0, P->n_cells). 0 when out of memory. */
static int pack_start_cells(bn_packer *P) {
    const uint32_t T = P->f->mesh->triangle_count;
    uint8_t *levels = malloc(T ? T : 1);
    size_t *first = smp_big_alloc((T ? T : 1) * sizeof *first);
    int ok = levels && first;
    if (ok) {
        start_levels(P, levels);
        size_t n_cells = 0;
        for (uint32_t t = 0; t < T; ++t) { /* each triangle's cells start at first[t] */
            first[t] = n_cells;
            n_cells += levels[t] == 0xff ? 0 : (size_t)1 << (2 * levels[t]);
        }
        ok = bn_reserve((void **)&P->cells, &P->cells_cap, n_cells, sizeof *P->cells);
        if (ok) start_cut(P, levels, first);
        P->n_cells = n_cells;
    }
    free(levels);
    free(first);
    return ok;
}

/* The darts of the start cells, clear of the n_old existing dots, as the first pass's
 * survivors, and the start cells as its units. Later darts come from the split that makes
 * their cells (refine_split), tested on the list it already holds. 0 when out of memory. */
static int pack_start_darts(bn_packer *P, size_t n_old) {
    const size_t n_cells = P->n_cells;
    const bn_cell *cells = P->cells;
    uint8_t *keep = NULL;
    size_t keep_cap = 0;
    if (!bn_reserve((void **)&P->surv, &P->surv_cap, n_cells, sizeof *P->surv) ||
        !bn_reserve((void **)&keep, &keep_cap, n_cells, 1))
        goto nomem;
    bn_point *surv = P->surv;
#pragma omp parallel for schedule(dynamic, 4096) num_threads(P->threads)
    for (size_t i = 0; i < n_cells; ++i) {
        const uint32_t dk = cell_dart_key(P->key, &cells[i]);
        keep[i] = 0;
        for (uint32_t a = 0; a < (n_old ? BN_DART_TRIES : 1u) && !keep[i]; ++a) {
            cell_dart(P->f, P->scale, dk, &cells[i], a, &surv[i]);
            keep[i] = n_old == 0 || !index_conflicts(&P->acc, P->run->acc, &surv[i]);
        }
    }
    P->n_units = (n_cells + BN_CHUNK - 1) / BN_CHUNK;
    if (!bn_reserve((void **)&P->units, &P->units_cap, P->n_units, sizeof *P->units)) goto nomem;
    for (size_t u = 0; u < P->n_units; ++u)
        P->units[u] = (bn_unit){.src = BN_START_CELLS,
                                .from = u * BN_CHUNK,
                                .count = sc_min_size(BN_CHUNK, n_cells - u * BN_CHUNK)};
    P->ns = n_cells;
    if (n_old) { /* in place: ns never passes i */
        P->ns = 0;
        for (size_t i = 0; i < n_cells; ++i)
            if (keep[i]) surv[P->ns++] = surv[i];
    }
    free(keep);
    return 1;
nomem:
    free(keep);
    return 0;
}

/* The greedy packing of the pass's survivors in priority order: each joins unless a survivor
 * that joined before it is too close (earlier passes' dots were ruled out with the darts; see
 * bn_resolve). They join the accepted dots in candidate order, which follows the triangles,
 * each marked with its pass. */
static smp_status pack_join(bn_packer *P, int pass, smp_error *err) {
    bn_run *run = P->run;
    const size_t ns = P->ns;
    if (!bn_reserve((void **)&P->joined, &P->joined_cap, ns, 1) ||
        !bn_resolve(P->resolver, P->surv, ns, P->h, P->threads, P->tuning->sweep_min, P->joined))
        return pack_nomem(err);
    uint32_t n_pass = 0;
    for (size_t i = 0; i < ns; ++i) n_pass += P->joined[i];
    for (size_t i = 0; i < ns; ++i) {
        if (!P->joined[i]) continue;
        if (run->n_acc == run->cap_acc)
            return smp_error_set(err, SMP_ERR_NOMEM,
                                 "blue noise: more dots than the densest packing allows");
        run->acc[run->n_acc] = P->surv[i];
        run->acc[run->n_acc++].prio = (uint32_t)pass; /* from now on: its pass */
    }
    return index_add(&P->acc, run->acc, run->n_acc - n_pass, run->n_acc) ? SMP_OK : pack_nomem(err);
}

/* The per-thread runs pass `pass` reads its cells from (writes 0) or writes (writes 1). */
static bn_emit *pass_runs(const bn_packer *P, int pass, int writes) {
    return P->emit + (size_t)P->threads * (size_t)(writes ? ~pass & 1 : pass & 1);
}

/* Empties the runs out, with room for what a pass usually hands on, so threads rarely grow
 * them. 0 when out of memory. */
static int pass_runs_reserve(const bn_packer *P, bn_emit *out) {
    for (int k = 0; k < P->threads; ++k) {
        out[k].n = out[k].nd = 0;
        size_t share = P->n_cells / (size_t)P->threads + 4096;
        if (!bn_reserve((void **)&out[k].cell, &out[k].cap, share + share / 2,
                        sizeof *out[k].cell) ||
            !bn_reserve((void **)&out[k].dart, &out[k].dcap, share / 2, sizeof *out[k].dart))
            return 0;
    }
    return 1;
}

/* Unit u's cells (read from the start cells or the runs in) refined into e, and where the
 * pieces went in P->chunk[u]. Without a cache (out of memory) it refines nothing. */
static void refine_unit(bn_packer *P, const bn_emit *in, size_t u, bn_near_cache *cache,
                        bn_emit *e) {
    const bn_unit *un = &P->units[u];
    size_t from = e->n, dfrom = e->nd;
    const bn_cell *c = (un->src == BN_START_CELLS ? P->cells : in[un->src].cell) + un->from;
    for (size_t i = 0; cache && i < un->count; ++i)
        if (c[i].level < BN_MAX_LEVEL)
            cell_refine(&P->acc, P->run->acc, P->f, P->scale, P->key, &c[i], cache, e);
    P->chunk[u] = (bn_chunk){.thread = (uint32_t)omp_get_thread_num(),
                             .from = from,
                             .count = e->n - from,
                             .dfrom = dfrom,
                             .dcount = e->nd - dfrom};
}

/* Cells the dots cover are done; the rest are split for the next pass, with their darts.
 * Each thread appends the pieces of whole units to its own runs, in the set this pass writes;
 * the next pass reads them there, unit by unit in order, so nothing depends on threads. 0
 * when out of memory. */
static int pack_refine(bn_packer *P, int pass) {
    const bn_emit *in = pass_runs(P, pass, 0);
    bn_emit *out = pass_runs(P, pass, 1);
    const size_t n_units = P->n_units;
    if (!bn_reserve((void **)&P->chunk, &P->chunk_cap, n_units, sizeof *P->chunk) ||
        !pass_runs_reserve(P, out))
        return 0;
    /* a pass of a few units runs on one thread: the others would only wait at its end, and
     * on a busy machine a waiting thread can cost a scheduler slice (10–20 ms) */
    const int team = n_units >= 4 ? P->threads : 1;
#pragma omp parallel num_threads(team)
    {
        bn_emit *e = &out[omp_get_thread_num()];
        bn_near_cache *cache = near_cache_new();
        if (!cache) e->oom = 1;
#pragma omp for schedule(dynamic, 1)
        for (size_t u = 0; u < n_units; ++u) refine_unit(P, in, u, cache, e);
        free(cache);
    }
    for (int k = 0; k < P->threads; ++k)
        if (out[k].oom) return 0;
    if (pass == 0) { /* the start cells are all refined */
        free(P->cells);
        P->cells = NULL;
        P->cells_cap = 0;
    }
    return 1;
}

/* The next pass's units (each unit's open pieces, where its thread wrote them) and survivors
 * (their darts, in unit order). Refuses a runaway packing. */
static smp_status pack_next_pass(bn_packer *P, int pass, smp_error *err) {
    const bn_emit *out = pass_runs(P, pass, 1);
    const size_t n_units = P->n_units;
    bn_chunk *chunk = P->chunk;
    if (!bn_reserve((void **)&P->next_units, &P->next_units_cap, n_units, sizeof *P->next_units))
        return pack_nomem(err);
    size_t n_next = 0, n_next_units = 0, ns = 0;
    for (size_t u = 0; u < n_units; ++u) {
        chunk[u].dto = ns;
        ns += chunk[u].dcount;
        if (!chunk[u].count) continue;
        P->next_units[n_next_units++] =
            (bn_unit){.src = chunk[u].thread, .from = chunk[u].from, .count = chunk[u].count};
        n_next += chunk[u].count;
    }
    /* Open cells shrink geometrically in a healthy packing; a runaway (cells the dots never
     * cover) is refused here rather than exhausting memory or leaving gaps. */
    if ((double)n_next > P->tuning->runaway * (double)P->cap)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "blue noise: %zu cells still open after pass %d, more than %g "
                             "per point the packing may hold (%zu): its gaps are not "
                             "closing, so no dots were added",
                             n_next, pass + 1, P->tuning->runaway, P->cap);
    if (!bn_reserve((void **)&P->surv, &P->surv_cap, ns, sizeof *P->surv)) return pack_nomem(err);
    bn_point *surv = P->surv;
#pragma omp parallel for schedule(static) num_threads(P->threads) if (ns > 65536)
    for (size_t u = 0; u < n_units; ++u)
        memcpy(surv + chunk[u].dto, out[chunk[u].thread].dart + chunk[u].dfrom,
               chunk[u].dcount * sizeof *surv);
    bn_unit *tmp = P->units;
    P->units = P->next_units;
    P->next_units = tmp;
    size_t tmp_cap = P->units_cap;
    P->units_cap = P->next_units_cap;
    P->next_units_cap = tmp_cap;
    P->n_units = n_next_units;
    P->n_cells = n_next;
    P->ns = ns;
    return SMP_OK;
}

/* Passes until no cell is open. */
static smp_status pack_passes(bn_packer *P, smp_error *err) {
    smp_status st = SMP_OK;
    for (int pass = 0; st == SMP_OK && P->n_cells; ++pass) {
        if (P->n_cells > 0xffffffffu) /* survivors are numbered in 32 bits */
            return smp_error_set(err, SMP_ERR_INVALID_ARG,
                                 "blue noise: %zu open cells in one pass, too many", P->n_cells);
        P->run->passes = pass + 1;
        P->run->candidates += P->n_cells;
        if (P->ns) st = pack_join(P, pass, err);
        if (st == SMP_OK && !pack_refine(P, pass)) st = pack_nomem(err);
        if (st == SMP_OK) st = pack_next_pass(P, pass, err);
    }
    return st;
}

/* Everything but run->acc. */
static void pack_free(bn_packer *P) {
    free(P->cells);
    free(P->units);
    free(P->next_units);
    free(P->surv);
    free(P->joined);
    free(P->chunk);
    for (int k = 0; P->emit && k < 2 * P->threads; ++k) {
        free(P->emit[k].cell);
        free(P->emit[k].dart);
    }
    free(P->emit);
    index_free(&P->acc);
    resolver_free(P->resolver);
}

smp_status bn_pack(const smp_scatter_desc *d, const bn_field *f, float scale,
                   const smp_dots *existing, int threads, const scatter_blue_tuning *tuning,
                   bn_run *run, smp_error *err) {
    const size_t n_old = existing ? existing->count : 0;
    bn_packer P = {.f = f, .tuning = tuning, .run = run, .scale = scale, .threads = threads};
    memset(run, 0, sizeof *run);
    smp_status st = pack_check(&P, n_old, err);
    if (st != SMP_OK) return st;
    st = pack_alloc(&P) ? pack_existing(&P, existing, n_old, err) : pack_nomem(err);
    if (st == SMP_OK && !pack_start_cells(&P)) st = pack_nomem(err);
    P.key = smp_rng_key(d->seed, sc_stream(SC_STREAM_DARTS, d->session.index, 0));
    if (st == SMP_OK && !pack_start_darts(&P, n_old)) st = pack_nomem(err);
    if (st == SMP_OK) st = pack_passes(&P, err);
    pack_free(&P);
    if (st != SMP_OK) {
        free(run->acc);
        memset(run, 0, sizeof *run);
    }
    return st;
}
