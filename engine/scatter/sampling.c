/* What every rule samples from: triangle areas, the prepared triangle table with its alias
 * table (triangles drawn by weight), and the per-dot keys and variation of a session. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "shared.h"
#include "smp/bigalloc.h"

double scatter_triangle_area_mm2(const smp_mesh *m, uint32_t t) {
    const uint32_t *ix = m->indices + 3 * (size_t)t;
    const float *a = m->positions + 3 * (size_t)ix[0], *b = m->positions + 3 * (size_t)ix[1],
                *c = m->positions + 3 * (size_t)ix[2];
    double e1[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
    double e2[3] = {c[0] - a[0], c[1] - a[1], c[2] - a[2]};
    double n[3] = {e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2],
                   e1[0] * e2[1] - e1[1] * e2[0]};
    return 0.5 * sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
}

void scatter_tris_free(scatter_tris *T) {
    free(T->tri);
    free(T->alias);
    memset(T, 0, sizeof *T);
}

double scatter_tri_fill(const smp_mesh *m, const float *vw, const uint8_t *tissue, uint32_t t,
                        scatter_tri *r) {
    const uint32_t *ix = m->indices + 3 * (size_t)t;
    const float *a = m->positions + 3 * (size_t)ix[0], *b = m->positions + 3 * (size_t)ix[1],
                *c = m->positions + 3 * (size_t)ix[2];
    memset(r, 0, sizeof *r);
    for (int k = 0; k < 3; ++k) {
        r->p0[k] = a[k];
        r->e1[k] = b[k] - a[k];
        r->e2[k] = c[k] - a[k];
    }
    float nrm[3] = {r->e1[1] * r->e2[2] - r->e1[2] * r->e2[1],
                    r->e1[2] * r->e2[0] - r->e1[0] * r->e2[2],
                    r->e1[0] * r->e2[1] - r->e1[1] * r->e2[0]};
    r->normal = smp_normal_encode_oct(nrm);
    r->tissue3 = tissue ? (uint32_t)tissue[ix[0]] | (uint32_t)tissue[ix[1]] << 8 |
                              (uint32_t)tissue[ix[2]] << 16
                        : 0u;
    double w0 = vw ? vw[ix[0]] : 1.0, w1 = vw ? vw[ix[1]] : 1.0, w2 = vw ? vw[ix[2]] : 1.0;
    double ws = w0 + w1 + w2;
    /* Equal weights give thresholds 1/3, 2/3; a zero-weight triangle is never drawn. */
    r->c0 = ws > 0.0 ? (float)(w0 / ws) : 1.0f / 3.0f;
    r->c1 = ws > 0.0 ? (float)((w0 + w1) / ws) : 2.0f / 3.0f;
    return ws;
}

/* Vose's alias method over T's n = T->count columns for the weights scaled[] (summing to
 * total; overwritten), work[] being room for n indices: small columns fill from the bottom of
 * work, large from the top. */
static void alias_build(scatter_tris *T, double *scaled, uint32_t *work, double total) {
    const uint32_t n = T->count;
    uint32_t ns = 0, nl = 0;
    for (uint32_t t = 0; t < n; ++t) {
        scaled[t] = scaled[t] * n / total;
        if (scaled[t] < 1.0)
            work[ns++] = t;
        else
            work[n - 1 - nl++] = t;
    }
    uint32_t last_large = nl ? work[n - 1] : 0;
    while (ns && nl) {
        uint32_t s = work[--ns], l = work[n - nl];
        T->alias[2 * (size_t)s] = (uint32_t)(scaled[s] * 65536.0);
        T->alias[2 * (size_t)s + 1] = l;
        last_large = l;
        scaled[l] = (scaled[l] + scaled[s]) - 1.0;
        if (scaled[l] < 1.0) {
            --nl;
            work[ns++] = l;
        }
    }
    while (nl) {
        uint32_t l = work[n - nl--];
        T->alias[2 * (size_t)l] = 65536u;
        T->alias[2 * (size_t)l + 1] = l;
    }
    while (ns) { /* left by rounding: full columns, unless they carry no weight at all */
        uint32_t s = work[--ns];
        int empty = scaled[s] <= 0.0;
        T->alias[2 * (size_t)s] = empty ? 0u : 65536u;
        T->alias[2 * (size_t)s + 1] = empty ? last_large : s;
    }
}

/* Fills T from the mesh with per-vertex sampling weights vw (NULL entries = 0); the alias
 * table draws triangles in proportion to area × mean weight. */
smp_status scatter_tris_build(const smp_mesh *m, const float *vw, const uint8_t *tissue,
                              int threads, scatter_tris *T, smp_error *err) {
    uint32_t n = m->triangle_count;
    if (n >= SC_MAX_TRIANGLES)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "%u triangles: the scatter core takes fewer than %u", n,
                             (unsigned)SC_MAX_TRIANGLES);
    memset(T, 0, sizeof *T);
    /* fresh, written once in full: huge pages spare a page fault per 4 KiB */
    T->tri = smp_big_alloc(((size_t)n ? n : 1) * sizeof *T->tri);
    T->alias = smp_big_alloc(((size_t)n ? n : 1) * 2 * sizeof *T->alias);
    double *scaled = smp_big_alloc(((size_t)n ? n : 1) * sizeof(double));
    uint32_t *work = smp_big_alloc(((size_t)n ? n : 1) * sizeof(uint32_t));
    if (!T->tri || !T->alias || !scaled || !work) {
        scatter_tris_free(T);
        free(scaled);
        free(work);
        return smp_error_set(err, SMP_ERR_NOMEM, "out of memory preparing %u triangles", n);
    }
    T->count = n;

    /* Triangles are independent; the sum below stays sequential so it is the same for any
     * thread count. */
#pragma omp parallel for schedule(static) num_threads(threads)
    for (uint32_t t = 0; t < n; ++t) {
        double ws = scatter_tri_fill(m, vw, tissue, t, &T->tri[t]);
        double w = ws > 0.0 ? scatter_triangle_area_mm2(m, t) * ws : 0.0;
        scaled[t] = w;
    }
    double total = 0.0;
    for (uint32_t t = 0; t < n; ++t) total += scaled[t];
    if (!(total > 0.0)) {
        free(scaled);
        free(work);
        scatter_tris_free(T);
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "no area with density > 0: nothing to scatter on");
    }
    alias_build(T, scaled, work, total);
    free(scaled);
    free(work);
    return SMP_OK;
}

void scatter_kernel_setup(const smp_scatter_desc *d, const scatter_tris *T, uint64_t stream_base,
                          scatter_kernel_ctx *c) {
    const smp_scatter_session *s = &d->session;
    float skill = s->technician_skill > 0.0f
                      ? s->technician_skill
                      : (float)SMP_PARAM_DEFAULT(SMP_SCATTER_TECHNICIAN_SKILL);
    float needle = s->needle_diameter_mm > 0.0f ? s->needle_diameter_mm : 0.25f;
    float depth =
        s->depth_mean_mm > 0.0f ? s->depth_mean_mm : (float)SMP_PARAM_DEFAULT(SMP_SCATTER_DEPTH_MM);
    float depth_sd = s->depth_sd_mm > 0.0f ? s->depth_sd_mm : 0.05f + 0.15f * (1.0f - skill);
    float ink = s->ink_load > 0.0f ? s->ink_load : 1.0f;
    memset(c, 0, sizeof *c);
    c->tris = T;
    for (int k = 0; k < KEY_COUNT; ++k)
        c->key[k] = smp_rng_key(d->seed, sc_stream(stream_base, s->index, (uint64_t)k));
    /* Healed deposit ≈ 60 % of the needle's diameter (an assumption: fresh marks shrink about
     * half while healing, docs/MODEL.md). */
    c->radius_mean_um = 240.0f * needle;
    c->radius_sd_um = c->radius_mean_um * (0.05f + 0.25f * (1.0f - skill));
    c->depth_mean_um = 1000.0f * depth;
    c->depth_sd_um = 1000.0f * depth_sd;
    c->ink_mean = 255.0f * ink;
    c->ink_sd = c->ink_mean * 0.3f * (1.0f - skill);
    c->session = (uint8_t)s->index;
}

void scatter_write_one(const smp_mesh *m, const uint8_t *tissue, const smp_scatter_desc *d,
                       uint64_t stream_base, uint32_t counter, uint32_t t, const float w[3],
                       const smp_dots *dots, size_t o) {
    scatter_tri tri;
    scatter_tri_fill(m, NULL, tissue, t, &tri);
    scatter_kernel_ctx c;
    scatter_kernel_setup(d, NULL, stream_base, &c);
    sc_write_dot(&c, &tri, t, counter, w, dots, o);
}
