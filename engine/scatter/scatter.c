/* The scatter core's entry points: validation, the prepared triangle table, the Poisson rule
 * with its thread and SIMD dispatch, and the checksum. Blue noise lives in scatter_blue.c. */
#include "smp/scatter.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "blue/scatter_blue.h"
#include "scatter_internal.h"
#include "smp/bigalloc.h"

static const char *const k_rule_names[SMP_SCATTER_RULE_COUNT] = {"poisson", "blue"};

const char *smp_scatter_rule_name(smp_scatter_rule rule) {
    return (unsigned)rule < SMP_SCATTER_RULE_COUNT ? k_rule_names[rule] : NULL;
}

smp_status smp_scatter_rule_parse(const char *name, smp_scatter_rule *out, smp_error *err) {
    for (int i = 0; i < SMP_SCATTER_RULE_COUNT; ++i)
        if (name && strcmp(name, k_rule_names[i]) == 0) {
            *out = (smp_scatter_rule)i;
            return SMP_OK;
        }
    return smp_error_set(err, SMP_ERR_INVALID_ARG,
                         "unknown placement rule '%s' (expected poisson or blue)",
                         name ? name : "");
}

/* ---- validation ------------------------------------------------------------------------- */

static smp_status check_range(const char *field, float v, float lo, float hi, smp_error *err) {
    if (v == 0.0f) return SMP_OK; /* the default */
    if (!(v >= lo && v <= hi))
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "scatter session.%s = %g: expected 0 (default) or %g..%g", field,
                             (double)v, (double)lo, (double)hi);
    return SMP_OK;
}

smp_status scatter_validate(const smp_scatter_desc *d, smp_error *err) {
    if (!d || !d->mesh || !d->density_per_cm2)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "scatter: mesh and density_per_cm2 are required");
    const smp_mesh *m = d->mesh;
    if (m->vertex_count == 0 || m->triangle_count == 0 || !m->positions || !m->indices)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "scatter: the mesh is empty");
    if ((unsigned)d->rule >= SMP_SCATTER_RULE_COUNT)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "scatter rule %d out of range",
                             (int)d->rule);
    if (d->count > SMP_SCATTER_MAX_DOTS)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "scatter count %zu: at most %d dots per call", d->count,
                             SMP_SCATTER_MAX_DOTS);
    if (d->threads < 0 || d->threads > 256)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "scatter threads = %d: expected 0..256",
                             d->threads);
    const smp_scatter_session *s = &d->session;
    if (s->index < 0 || s->index > 255)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "scatter session.index = %d: expected 0..255", s->index);
    smp_status st;
    if ((st = check_range("needle_diameter_mm", s->needle_diameter_mm, 0.05f, 1.0f, err)) ||
        (st = check_range("depth_mean_mm", s->depth_mean_mm, 0.02f, 3.0f, err)) ||
        (st = check_range("depth_sd_mm", s->depth_sd_mm, 0.0f, 1.0f, err)) ||
        (st = check_range("technician_skill", s->technician_skill, 0.01f, 1.0f, err)) ||
        (st = check_range("ink_load", s->ink_load, 0.01f, 1.0f, err)))
        return st;
    for (uint32_t v = 0; v < m->vertex_count; ++v) {
        float dv = d->density_per_cm2[v];
        if (!(dv >= 0.0f) || isinf(dv))
            return smp_error_set(err, SMP_ERR_INVALID_ARG,
                                 "density_per_cm2[%u] = %g: expected a finite value >= 0", v,
                                 (double)dv);
        for (int k = 0; k < 3; ++k)
            if (!isfinite(m->positions[3 * (size_t)v + k]))
                return smp_error_set(err, SMP_ERR_INVALID_ARG,
                                     "mesh vertex %u has a non-finite position", v);
        if (d->tissue && d->tissue[v] >= SMP_TISSUE_COUNT)
            return smp_error_set(err, SMP_ERR_INVALID_ARG,
                                 "tissue[%u] = %u: expected a class below %d", v, d->tissue[v],
                                 SMP_TISSUE_COUNT);
    }
    for (size_t i = 0; i < 3 * (size_t)m->triangle_count; ++i)
        if (m->indices[i] >= m->vertex_count)
            return smp_error_set(err, SMP_ERR_INVALID_ARG,
                                 "mesh triangle %zu refers to vertex %u of %u", i / 3,
                                 m->indices[i], m->vertex_count);
    return SMP_OK;
}

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

static double expected_dots(const smp_scatter_desc *d) {
    const smp_mesh *m = d->mesh;
    double sum = 0.0;
    for (uint32_t t = 0; t < m->triangle_count; ++t) {
        const uint32_t *ix = m->indices + 3 * (size_t)t;
        double dens = (double)d->density_per_cm2[ix[0]] + d->density_per_cm2[ix[1]] +
                      d->density_per_cm2[ix[2]];
        if (dens > 0.0) sum += scatter_triangle_area_mm2(m, t) * dens / 300.0;
    }
    return sum;
}

smp_status smp_scatter_expected(const smp_scatter_desc *desc, double *dots_out, smp_error *err) {
    smp_status st = scatter_validate(desc, err);
    if (st != SMP_OK) return st;
    *dots_out = expected_dots(desc);
    return SMP_OK;
}

static smp_status planned_count(const smp_scatter_desc *d, double expected, size_t *out,
                                smp_error *err) {
    if (!(expected > 0.0))
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "no area with density > 0: nothing to scatter on (the density "
                             "field is zero everywhere, or only on degenerate triangles)");
    if (d->count) {
        *out = d->count;
        return SMP_OK;
    }
    double n = d->rule == SMP_SCATTER_BLUE ? ceil(expected * 1.66) + 64.0 : floor(expected + 0.5);
    if (n < 1.0)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "the density gives %.3g dots over the whole mesh, which rounds to "
                             "none: raise the density or ask for a count",
                             expected);
    if (n > (double)SMP_SCATTER_MAX_DOTS)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "the density asks for %.0f dots: at most %d per call", n,
                             SMP_SCATTER_MAX_DOTS);
    *out = (size_t)n;
    return SMP_OK;
}

smp_status smp_scatter_capacity(const smp_scatter_desc *desc, size_t *max_new_dots,
                                smp_error *err) {
    smp_status st = scatter_validate(desc, err);
    if (st != SMP_OK) return st;
    return planned_count(desc, expected_dots(desc), max_new_dots, err);
}

smp_status smp_scatter_scratch_bytes(const smp_scatter_desc *desc, size_t existing, double *bytes,
                                     smp_error *err) {
    smp_status st = scatter_validate(desc, err);
    if (st != SMP_OK) return st;
    /* the triangle table and its alias table */
    double b = (double)desc->mesh->triangle_count * (sizeof(scatter_tri) + 16.0);
    if (desc->rule == SMP_SCATTER_BLUE)
        b += (double)desc->mesh->triangle_count * 16.0 + (double)desc->mesh->vertex_count * 4.0 +
             SMP_SCATTER_BLUE_BYTES_PER_POINT * scatter_blue_points_estimate(desc, existing);
    *bytes = b;
    return SMP_OK;
}

/* ---- the prepared triangle table -------------------------------------------------------- */

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
    /* Vose's alias method; small columns fill from the bottom of work, large from the top. */
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
    free(scaled);
    free(work);
    return SMP_OK;
}

void scatter_kernel_setup(const smp_scatter_desc *d, const scatter_tris *T, uint64_t stream_base,
                          scatter_kernel_ctx *c) {
    const smp_scatter_session *s = &d->session;
    float skill = s->technician_skill > 0.0f ? s->technician_skill : 0.75f;
    float needle = s->needle_diameter_mm > 0.0f ? s->needle_diameter_mm : 0.25f;
    float depth = s->depth_mean_mm > 0.0f ? s->depth_mean_mm : 0.4f;
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

void smp_scatter_place_one(const smp_mesh *mesh, const uint8_t *tissue, uint64_t seed,
                           const smp_scatter_session *session, uint32_t index, uint32_t t,
                           const float w[3], smp_dots *dots) {
    smp_scatter_desc d = {.seed = seed, .session = *session};
    scatter_write_one(mesh, tissue, &d, SC_STREAM_HAND, index, t, w, dots, dots->count);
    dots->count++;
}

/* ---- entry points ----------------------------------------------------------------------- */

smp_status smp_scatter_path(const smp_scatter_desc *desc, smp_simd_path path, smp_dots *dots,
                            smp_scatter_info *info, smp_error *err) {
    smp_status st = scatter_validate(desc, err);
    if (st != SMP_OK) return st;
    if ((unsigned)path >= SMP_SIMD_COUNT)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "SIMD path %d out of range", (int)path);
    if (!smp_simd_supported(path))
        return smp_error_set(err, SMP_ERR_UNSUPPORTED, "this CPU cannot run the %s path",
                             smp_simd_name(path));
    if (!dots || (dots->capacity && (!dots->x || !dots->tissue)) || dots->count > dots->capacity)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "scatter: the dot set is not allocated (smp_dots_alloc)");
    double expected = expected_dots(desc);
    size_t planned = 0;
    if ((st = planned_count(desc, expected, &planned, err)) != SMP_OK) return st;
    smp_scatter_info local = {0};
    local.expected = expected;
    if (desc->rule == SMP_SCATTER_POISSON) {
        if (dots->capacity - dots->count < planned)
            return smp_error_set(err, SMP_ERR_INVALID_ARG,
                                 "the dot set holds %zu more dots but this scatter writes %zu "
                                 "(capacity needed: %zu)",
                                 dots->capacity - dots->count, planned, dots->count + planned);
        if ((st = scatter_poisson_run(desc, path, planned, dots, err)) != SMP_OK) return st;
        local.added = planned;
    } else {
        if ((st = scatter_blue_run(desc, expected, dots, &local, err)) != SMP_OK) return st;
    }
    if (info) *info = local;
    return SMP_OK;
}

smp_status smp_scatter(const smp_scatter_desc *desc, smp_dots *dots, smp_error *err) {
    return smp_scatter_path(desc, smp_simd_active(), dots, NULL, err);
}

static uint64_t fnv(uint64_t h, const void *data, size_t bytes) {
    const unsigned char *p = data;
    for (size_t i = 0; i < bytes; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

uint64_t smp_dots_checksum(const smp_dots *d) {
    size_t n = d->count;
    uint64_t h = fnv(0xcbf29ce484222325ull, &n, sizeof n);
    h = fnv(h, d->x, 4 * n);
    h = fnv(h, d->y, 4 * n);
    h = fnv(h, d->z, 4 * n);
    h = fnv(h, d->normal, 4 * n);
    h = fnv(h, d->triangle, 4 * n);
    h = fnv(h, d->bary_u, 2 * n);
    h = fnv(h, d->bary_v, 2 * n);
    h = fnv(h, d->radius_um, 2 * n);
    h = fnv(h, d->depth_um, 2 * n);
    h = fnv(h, d->ink, n);
    h = fnv(h, d->session, n);
    return fnv(h, d->tissue, n);
}
