/* Shared between the scatter's rules and its per-ISA kernels: the prepared triangle table and
 * the scalar reference of every per-dot step. Vector kernels (scatter_kernel.h) repeat these
 * steps operation for operation, so every path gives the same bits. */
#ifndef SMP_SCATTER_INTERNAL_H
#define SMP_SCATTER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "smp/dots.h"
#include "smp/mesh.h"
#include "smp/rng.h"

/* The streams of draws; each has its own key. */
enum {
    KEY_COLUMN,  /* blue noise: alias-table column (32 bits); Poisson: the count split */
    KEY_COIN,    /* blue noise: alias coin (low 16); both: vertex choice (high 16) */
    KEY_BETA_AB, /* two of the three uniforms whose median is the chosen vertex's weight */
    KEY_BETA_CS, /* the third, and the split of the rest (high 16) */
    KEY_DEPTH,
    KEY_RADIUS,
    KEY_INK,
    KEY_COUNT
};

/* One triangle's sampling data in one 64-byte cache line: blue noise's darts land on random
 * triangles, so each costs one miss here instead of one per field; the Poisson rule fills one
 * per triangle it visits. */
typedef struct scatter_tri {
    float p0[3];      /* first vertex */
    float e1[3];      /* second minus first */
    float e2[3];      /* third minus first */
    float c0, c1;     /* vertex choice: k = (v >= c0) + (v >= c1) picks vertex k */
    uint32_t normal;  /* face normal, octahedral */
    uint32_t tissue3; /* tissue class of vertex k in byte k */
    uint32_t unused[3];
} scatter_tri;

/* The kinds of draw, each with streams of its own for every session. */
enum {
    SC_STREAM_POISSON = 0x1000, /* Poisson dots */
    SC_STREAM_BLUE = 0x2000,    /* blue-noise dots' size, depth and ink */
    SC_STREAM_HAND = 0x3000,    /* hand punctures */
    SC_STREAM_DARTS = 0x4000,   /* blue-noise darts */
    SC_STREAM_THIN = 0x5000,    /* blue-noise thinning */
    SC_STREAM_PROBES = 0x6000   /* blue-noise quality probes: 4 fixed streams, no session */
};

/* The stream of draw k (< 256) of one session (0..255) of a kind of draw. Sessions 0..15 lie
 * at kind + (session << 8) + k; later sessions would run into the next kind there, so they
 * lie above every kind: no two draws share a stream. */
static inline uint64_t sc_stream(uint64_t kind, int session, uint64_t k) {
    uint64_t s = (uint64_t)session;
    return s < 16 ? kind + (s << 8) + k : 0x100000 + (kind << 4) + (s << 8) + k;
}

enum { SC_MAX_TRIANGLES = 1u << 27 }; /* a table of them stays below 8 GiB */

/* The mesh prepared for blue noise's first darts: the triangles, and the alias table that
 * draws them by weight, its two words per column side by side. */
typedef struct scatter_tris {
    uint32_t count;
    scatter_tri *tri; /* 64-byte aligned */
    uint32_t *alias;  /* per column j: [2j] = threshold 0..65536 (keep j if coin < it),
                         [2j + 1] = the other triangle */
} scatter_tris;

typedef struct scatter_kernel_ctx {
    const scatter_tris *tris;
    uint32_t key[KEY_COUNT];
    float radius_mean_um, radius_sd_um;
    float depth_mean_um, depth_sd_um;
    float ink_mean, ink_sd; /* in 0..255 units */
    uint8_t session;
} scatter_kernel_ctx;

/* Writes the n dots of triangle t (record T) for counters first .. first + n − 1 to the arrays
 * of d from index o. Vector paths round n up to whole vectors: d must have W − 1 writable
 * slots after o + n, which the caller overwrites or ignores. */
typedef void (*scatter_poisson_fn)(const scatter_kernel_ctx *c, const scatter_tri *T, uint32_t t,
                                   uint32_t first, size_t n, const smp_dots *d, size_t o);

void scatter_poisson_scalar(const scatter_kernel_ctx *c, const scatter_tri *T, uint32_t t,
                            uint32_t first, size_t n, const smp_dots *d, size_t o);
#if defined(__x86_64__) || defined(__i386__)
void scatter_poisson_sse41(const scatter_kernel_ctx *c, const scatter_tri *T, uint32_t t,
                           uint32_t first, size_t n, const smp_dots *d, size_t o);
void scatter_poisson_avx2(const scatter_kernel_ctx *c, const scatter_tri *T, uint32_t t,
                          uint32_t first, size_t n, const smp_dots *d, size_t o);
void scatter_poisson_avx512(const scatter_kernel_ctx *c, const scatter_tri *T, uint32_t t,
                            uint32_t first, size_t n, const smp_dots *d, size_t o);
#endif
#if defined(__aarch64__)
void scatter_poisson_neon(const scatter_kernel_ctx *c, const scatter_tri *T, uint32_t t,
                          uint32_t first, size_t n, const smp_dots *d, size_t o);
#endif

/* Spelled as the vector instructions behave (minps/maxps), so results match. */
static inline float sc_min(float a, float b) { return a < b ? a : b; }
static inline float sc_max(float a, float b) { return a > b ? a : b; }

/* Barycentric weights from the vertex-choice uniform v and three more draws: vertex k takes
 * the median of three uniforms (Beta(2, 2)), the other two split the rest. */
static inline void sc_barycentrics(float c0, float c1, uint32_t vsel16, uint32_t hab, uint32_t hcs,
                                   float b[3]) {
    float v = smp_rng_unit16(vsel16);
    float ua = smp_rng_unit16(hab & 0xffffu), ub = smp_rng_unit16(hab >> 16);
    float uc = smp_rng_unit16(hcs & 0xffffu), s = smp_rng_unit16(hcs >> 16);
    float m = sc_max(sc_min(ua, ub), sc_min(sc_max(ua, ub), uc));
    float rest = 1.0f - m;
    float q = rest * s;
    float w = rest - q;
    int ge0 = v >= c0, ge1 = v >= c1;
    b[0] = ge1 ? q : ge0 ? w : m;
    b[1] = ge1 ? w : ge0 ? m : q;
    b[2] = ge1 ? m : ge0 ? q : w;
}

/* Writes dot o from triangle t (record T) and weights b; counter keys its size, depth and
 * ink. */
static inline void sc_write_dot(const scatter_kernel_ctx *c, const scatter_tri *T, uint32_t t,
                                uint32_t counter, const float b[3], const smp_dots *d, size_t o) {
    d->x[o] = (T->p0[0] + b[1] * T->e1[0]) + b[2] * T->e2[0];
    d->y[o] = (T->p0[1] + b[1] * T->e1[1]) + b[2] * T->e2[1];
    d->z[o] = (T->p0[2] + b[1] * T->e1[2]) + b[2] * T->e2[2];
    d->normal[o] = T->normal;
    d->triangle[o] = t;
    d->bary_u[o] = (uint16_t)(uint32_t)(b[1] * 65535.0f + 0.5f);
    d->bary_v[o] = (uint16_t)(uint32_t)(b[2] * 65535.0f + 0.5f);
    int big = b[1] > b[0];
    float bm = sc_max(b[0], b[1]);
    uint32_t shift = b[2] > bm ? 16u : big ? 8u : 0u;
    d->tissue[o] = (uint8_t)((T->tissue3 >> shift) & 0xffu);

    float gd = smp_rng_normal4(smp_rng_hash(c->key[KEY_DEPTH], counter));
    float gr = smp_rng_normal4(smp_rng_hash(c->key[KEY_RADIUS], counter));
    float gi = smp_rng_normal4(smp_rng_hash(c->key[KEY_INK], counter));
    float depth = sc_max(sc_min(c->depth_mean_um + c->depth_sd_um * gd, 5000.0f), 0.0f);
    float radius = sc_max(sc_min(c->radius_mean_um + c->radius_sd_um * gr, 65535.0f), 1.0f);
    float ink = sc_max(sc_min(c->ink_mean + c->ink_sd * gi, 255.0f), 0.0f);
    d->depth_um[o] = (uint16_t)(uint32_t)(depth + 0.5f);
    d->radius_um[o] = (uint16_t)(uint32_t)(radius + 0.5f);
    d->ink[o] = (uint8_t)(uint32_t)(ink + 0.5f);
    d->session[o] = c->session;
}

static inline uint32_t sc_pick_triangle(const scatter_kernel_ctx *c, uint32_t i, uint32_t *h1) {
    const scatter_tris *T = c->tris;
    uint32_t h0 = smp_rng_hash(c->key[KEY_COLUMN], i);
    uint32_t col = (uint32_t)(((uint64_t)h0 * T->count) >> 32);
    *h1 = smp_rng_hash(c->key[KEY_COIN], i);
    return (*h1 & 0xffffu) < T->alias[2 * (size_t)col] ? col : T->alias[2 * (size_t)col + 1];
}

/* The Poisson rule's dot for counter i on triangle t: three draws place it, three more
 * vary it. */
static inline void sc_poisson_dot(const scatter_kernel_ctx *c, const scatter_tri *T, uint32_t t,
                                  uint32_t i, const smp_dots *d, size_t o) {
    float b[3];
    sc_barycentrics(T->c0, T->c1, smp_rng_hash(c->key[KEY_COIN], i) >> 16,
                    smp_rng_hash(c->key[KEY_BETA_AB], i), smp_rng_hash(c->key[KEY_BETA_CS], i), b);
    sc_write_dot(c, T, t, i, b, d, o);
}

#endif
