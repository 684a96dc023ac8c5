/* The Poisson rule, triangle by triangle.
 *
 * N dots from a density are a binomial process: each dot independent, on triangle t with
 * probability w_t / Σw (w = area × corner density sum). Drawing a triangle per dot costs a
 * random read of the triangle per dot; instead the counts come first, as the multinomial
 * they are, split down a binary tree over the triangles (a node's left half gets
 * Binomial(n, w_left / w_node) of its n dots, keyed by the node), and then every triangle's
 * dots are written one after another with its data in registers. The dots come out grouped
 * by triangle, in mesh order; which positions they take is the same as with a draw per dot.
 *
 * Dot o of the call (0 .. N − 1) takes counter o for its draws, so it depends only on the
 * seed, the session and o, not on threads or SIMD path. Work is cut into blocks of
 * POISSON_BLOCK dots; a thread writes a block into a small staging area that stays in cache
 * (vector kernels may round each triangle up to whole vectors there), then copies it out,
 * with streaming stores when the dot set is far larger than the caches. */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "../shared.h"
#include "scatter_poisson.h"
#include "smp/bigalloc.h"

enum {
    POISSON_BLOCK = 2048,        /* dots per block: a multiple of 64, so blocks start on lines */
    POISSON_SLACK = 16,          /* the widest vector */
    POISSON_TASK_MIN = 4096,     /* a subtree of the count split this large is its own task */
    POISSON_EACH_MAX = 16,       /* a node with this few dots places them one by one */
    POISSON_STREAM_MIN = 8 << 20 /* bytes of output above which stores bypass the caches */
};

/* The kernel of each SIMD path, in the order of smp_simd_path: a path this build has no kernel
 * for runs the scalar one (smp_scatter_path refuses a path the CPU lacks before this). */
// clang-format off
static const scatter_poisson_fn k_kernels[] = {
    [SMP_SIMD_SCALAR] = scatter_poisson_scalar,
#if defined(__x86_64__) || defined(__i386__)
    [SMP_SIMD_SSE41]  = scatter_poisson_sse41,
    [SMP_SIMD_AVX2]   = scatter_poisson_avx2,
    [SMP_SIMD_AVX512] = scatter_poisson_avx512,
#else
    [SMP_SIMD_SSE41]  = scatter_poisson_scalar,
    [SMP_SIMD_AVX2]   = scatter_poisson_scalar,
    [SMP_SIMD_AVX512] = scatter_poisson_scalar,
#endif
#if defined(__aarch64__)
    [SMP_SIMD_NEON]   = scatter_poisson_neon,
#else
    [SMP_SIMD_NEON]   = scatter_poisson_scalar,
#endif
};
// clang-format on
_Static_assert(sizeof k_kernels / sizeof k_kernels[0] == SMP_SIMD_COUNT,
               "one Poisson kernel per smp_simd_path");

static scatter_poisson_fn poisson_kernel(smp_simd_path path) {
    return (unsigned)path < SMP_SIMD_COUNT ? k_kernels[path] : scatter_poisson_scalar;
}

void scatter_poisson_scalar(const scatter_kernel_ctx *c, const scatter_tri *T, uint32_t t,
                            uint32_t first, size_t n, const smp_dots *d, size_t o) {
    for (size_t i = 0; i < n; ++i) sc_poisson_dot(c, T, t, first + (uint32_t)i, d, o + i);
}

/* ---- the counts --------------------------------------------------------------------------- */

typedef struct poisson_plan {
    const smp_mesh *mesh;
    uint32_t count;         /* triangles with weight > 0 */
    uint32_t *tri;          /* their indices, ascending */
    double *cum;            /* count + 1 prefix sums of their weights */
    uint32_t *start;        /* count + 1: triangle k's dots are [start[k], start[k + 1]) */
    uint32_t key, key_each; /* the split's binomials; single dots' choices */
    void *mem;              /* one block for the arrays above */
} poisson_plan;

static void plan_free(poisson_plan *P) { free(P->mem); }

/* Gives triangles [lo, hi) their n dots one at a time: each dot picks its triangle by
 * weight (one uniform, a binary search of cum). Cheaper than splitting further when few dots
 * spread over many triangles. */
static void place_each(const poisson_plan *P, uint32_t lo, uint32_t hi, uint32_t n, uint32_t node) {
    double base = P->cum[lo], span = P->cum[hi] - P->cum[lo];
    for (uint32_t j = 0; j < n; ++j) {
        double target = base + smp_rng_unit53(P->key_each, node, j) * span;
        uint32_t a = lo, b = hi; /* cum[a] <= target, and the answer is below b */
        while (b - a > 1) {
            uint32_t mid = a + (b - a) / 2;
            if (P->cum[mid] <= target)
                a = mid;
            else
                b = mid;
        }
        P->start[a + 1] += 1;
    }
}

/* Gives triangles [lo, hi) their n dots: start[k + 1] holds triangle k's count afterwards.
 * Each node of the split is keyed by its split point mid, which no other node shares. */
static void split_counts(const poisson_plan *P, uint32_t lo, uint32_t hi, uint32_t n) {
    while (n && hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (n <= POISSON_EACH_MAX) {
            place_each(P, lo, hi, n, mid);
            return;
        }
        double p = (P->cum[mid] - P->cum[lo]) / (P->cum[hi] - P->cum[lo]);
        uint32_t left = smp_rng_binomial(P->key, mid, n, p);
        if (mid - lo >= POISSON_TASK_MIN) {
#pragma omp task default(none) firstprivate(P, lo, mid, left)
            split_counts(P, lo, mid, left);
        } else {
            split_counts(P, lo, mid, left);
        }
        lo = mid;
        n -= left;
    }
    if (n) P->start[lo + 1] = n;
}

static smp_status plan_build(const smp_scatter_desc *d, size_t count, int threads, poisson_plan *P,
                             smp_error *err) {
    const smp_mesh *m = d->mesh;
    uint32_t nt = m->triangle_count;
    memset(P, 0, sizeof *P);
    P->mesh = m;
    /* One block, in huge pages when large: fresh pages are most of this set-up's cost on
     * virtual machines. */
    size_t n1 = (size_t)nt + 1;
    P->mem = smp_big_alloc(n1 * (sizeof *P->cum + sizeof *P->tri + sizeof *P->start));
    if (!P->mem)
        return smp_error_set(err, SMP_ERR_NOMEM, "out of memory preparing %u triangles", nt);
    P->cum = P->mem;
    P->start = (uint32_t *)(void *)(P->cum + n1);
    P->tri = P->start + n1;
    /* Triangle t's weight goes to cum[t + 1] first; the prefix sum then packs the triangles
     * with weight in place (slot k <= t). */
    const float *dens = d->density_per_cm2;
    double *w = P->cum + 1;
#pragma omp parallel for schedule(static) num_threads(threads)
    for (uint32_t t = 0; t < nt; ++t) {
        const uint32_t *ix = m->indices + 3 * (size_t)t;
        double ws = (double)dens[ix[0]] + dens[ix[1]] + dens[ix[2]];
        w[t] = ws > 0.0 ? scatter_triangle_area_mm2(m, t) * ws : 0.0;
    }
    /* Sequential, so the sums are the same for any thread count. */
    uint32_t k = 0;
    P->cum[0] = 0.0;
    for (uint32_t t = 0; t < nt; ++t)
        if (w[t] > 0.0) {
            P->tri[k] = t;
            P->cum[k + 1] = P->cum[k] + w[t];
            ++k;
        }
    P->count = k;
    if (k == 0 || !(P->cum[k] > 0.0)) {
        plan_free(P);
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "no area with density > 0: nothing to scatter on");
    }
    memset(P->start, 0, ((size_t)k + 1) * sizeof *P->start);
    const int s = d->session.index;
    P->key = smp_rng_key(d->seed, sc_stream(SC_STREAM_POISSON, s, KEY_COLUMN));
    P->key_each = smp_rng_key(d->seed, sc_stream(SC_STREAM_POISSON, s, KEY_COLUMN + KEY_COUNT));
#pragma omp parallel num_threads(threads)
#pragma omp single
    split_counts(P, 0, k, (uint32_t)count);
    for (uint32_t j = 0; j < k; ++j) P->start[j + 1] += P->start[j];
    return SMP_OK;
}

/* The triangle slot whose dots include dot o: the last k with start[k] <= o. */
static uint32_t plan_find(const poisson_plan *P, uint32_t o) {
    uint32_t lo = 0, hi = P->count; /* start[lo] <= o < start[hi] */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (P->start[mid] <= o)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* ---- writing ------------------------------------------------------------------------------ */

/* One block's dots before they go out: the dot arrays' layout, cache-resident. */
typedef struct stage {
    smp_dots dots;
    void *mem;
} stage;

static int stage_alloc(stage *s, uint8_t session) {
    size_t n = POISSON_BLOCK + POISSON_SLACK;
    s->mem = aligned_alloc(64, n * 32);
    if (!s->mem) return 0;
    unsigned char *p = s->mem;
    smp_dots *d = &s->dots;
    memset(d, 0, sizeof *d);
    d->capacity = n;
    d->x = (float *)(void *)p;
    d->y = (float *)(void *)(p += 4 * n);
    d->z = (float *)(void *)(p += 4 * n);
    d->normal = (uint32_t *)(void *)(p += 4 * n);
    d->triangle = (uint32_t *)(void *)(p += 4 * n);
    d->bary_u = (uint16_t *)(void *)(p += 4 * n);
    d->bary_v = (uint16_t *)(void *)(p += 2 * n);
    d->radius_um = (uint16_t *)(void *)(p += 2 * n);
    d->depth_um = (uint16_t *)(void *)(p += 2 * n);
    d->ink = p += 2 * n;
    d->session = p += n;
    d->tissue = p += n;
    memset(d->session, session, n);
    return 1;
}

/* memcpy, or with streaming stores for the whole 64-byte lines of dst: the dot set is written
 * once and read much later, so filling the caches with it (and reading each line before
 * writing it) only costs bandwidth. */
static void copy_out(void *dst, const void *src, size_t bytes, int stream) {
#if defined(__SSE2__)
    if (stream) {
        unsigned char *d = dst;
        const unsigned char *s = src;
        size_t head = (size_t)(-(uintptr_t)d & 63u);
        if (head > bytes) head = bytes;
        memcpy(d, s, head);
        d += head, s += head, bytes -= head;
        for (; bytes >= 64; bytes -= 64, d += 64, s += 64) {
            __m128i a = _mm_loadu_si128((const __m128i *)(const void *)s);
            __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(s + 16));
            __m128i c = _mm_loadu_si128((const __m128i *)(const void *)(s + 32));
            __m128i e = _mm_loadu_si128((const __m128i *)(const void *)(s + 48));
            _mm_stream_si128((__m128i *)(void *)d, a);
            _mm_stream_si128((__m128i *)(void *)(d + 16), b);
            _mm_stream_si128((__m128i *)(void *)(d + 32), c);
            _mm_stream_si128((__m128i *)(void *)(d + 48), e);
        }
        memcpy(d, s, bytes);
        return;
    }
#endif
    (void)stream;
    memcpy(dst, src, bytes);
}

static void stage_out(const smp_dots *s, const smp_dots *out, size_t o, size_t n, int stream) {
    copy_out(out->x + o, s->x, 4 * n, stream);
    copy_out(out->y + o, s->y, 4 * n, stream);
    copy_out(out->z + o, s->z, 4 * n, stream);
    copy_out(out->normal + o, s->normal, 4 * n, stream);
    copy_out(out->triangle + o, s->triangle, 4 * n, stream);
    copy_out(out->bary_u + o, s->bary_u, 2 * n, stream);
    copy_out(out->bary_v + o, s->bary_v, 2 * n, stream);
    copy_out(out->radius_um + o, s->radius_um, 2 * n, stream);
    copy_out(out->depth_um + o, s->depth_um, 2 * n, stream);
    copy_out(out->ink + o, s->ink, n, stream);
    copy_out(out->session + o, s->session, n, stream);
    copy_out(out->tissue + o, s->tissue, n, stream);
}

/* Dots [o0, o1) of the call into s, from triangle slot k on. */
static void write_block(const scatter_kernel_ctx *c, scatter_poisson_fn fn, const poisson_plan *P,
                        const smp_scatter_desc *d, uint32_t o0, uint32_t o1, const smp_dots *s) {
    uint32_t k = plan_find(P, o0);
    for (uint32_t o = o0; o < o1; ++k) {
        uint32_t end = P->start[k + 1] < o1 ? P->start[k + 1] : o1;
        if (end == o) continue;
        scatter_tri T;
        scatter_tri_fill(P->mesh, d->density_per_cm2, d->tissue, P->tri[k], &T);
        /* A few dots are cheaper without the vector kernel's set-up (sparse sets). */
        (end - o < 4 ? scatter_poisson_scalar : fn)(c, &T, P->tri[k], o, end - o, s, o - o0);
        o = end;
    }
}

smp_status scatter_poisson_run(const smp_scatter_desc *d, smp_simd_path path, size_t count,
                               smp_dots *dots, smp_error *err) {
    int threads = d->threads > 0 ? d->threads : omp_get_max_threads();
    poisson_plan P;
    smp_status st = plan_build(d, count, threads, &P, err);
    if (st != SMP_OK) return st;
    scatter_kernel_ctx c;
    scatter_kernel_setup(d, NULL, SC_STREAM_POISSON, &c);
    scatter_poisson_fn fn = poisson_kernel(path);
    size_t base = dots->count;
    long blocks = (long)((count + POISSON_BLOCK - 1) / POISSON_BLOCK);
    int stream = count * SMP_DOT_BYTES >= (size_t)POISSON_STREAM_MIN;
    stage *stages = calloc((size_t)threads, sizeof *stages);
    int ok = stages != NULL;
    for (int i = 0; ok && i < threads; ++i) ok = stage_alloc(&stages[i], c.session);
    if (ok) {
        const smp_dots *out = dots;
#pragma omp parallel num_threads(threads)
        {
            const smp_dots *s = &stages[omp_get_thread_num()].dots;
#pragma omp for schedule(static)
            for (long b = 0; b < blocks; ++b) {
                size_t o0 = (size_t)b * POISSON_BLOCK;
                size_t n = count - o0 < POISSON_BLOCK ? count - o0 : POISSON_BLOCK;
                write_block(&c, fn, &P, d, (uint32_t)o0, (uint32_t)(o0 + n), s);
                stage_out(s, out, base + o0, n, stream);
            }
#if defined(__SSE2__)
            _mm_sfence(); /* streaming stores are weakly ordered: drain them before the join */
#endif
        }
    }
    for (int i = 0; stages && i < threads; ++i) free(stages[i].mem);
    free(stages);
    plan_free(&P);
    if (!ok) return smp_error_set(err, SMP_ERR_NOMEM, "out of memory for the Poisson staging area");
    dots->count = base + count;
    return SMP_OK;
}
