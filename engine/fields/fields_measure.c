/*
 * Areas of the scalp fields on a mesh: every triangle is split into n² sub-triangles and each
 * contributes its area where the field at its centroid says "inside". Triangles are summed in
 * fixed chunks whose partial sums are added in chunk order, so the result does not depend on
 * the thread count.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fields_internal.h"

enum { CHUNK_TRIANGLES = 2048 };

static void accumulate(const smp_fields *f, const float p[3], double area, smp_fields_areas *a) {
    float scalp, hair, natural, scar;
    uint8_t tissue;
    fields_eval_full(f, p, &scalp, &hair, &natural, &scar, &tissue);
    if (scalp >= 0.5f) a->scalp_cm2 += area;
    if (natural >= 0.5f) {
        a->hair_bearing_cm2 += area;
        if (hair < 0.5f) {
            a->bald_cm2 += area;
            if (scalp >= 0.5f) a->bald_in_scalp_cm2 += area;
        } else if (hair < 0.9f) {
            a->thinning_cm2 += area;
        }
    }
    a->tissue_cm2[tissue < SMP_TISSUE_COUNT ? tissue : 0] += area;
    if (!f->scar_count) return;
    float r = sqrtf(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
    if (!(r > 1e-3f)) return;
    float u[3] = {p[0] / r, p[1] / r, p[2] / r};
    int areata = 0;
    for (int i = 0; i < f->scar_count; ++i) {
        const fields_scar *s = &f->scars[i];
        if (u[0] * s->c[0] + u[1] * s->c[1] + u[2] * s->c[2] < s->reach_cos) continue;
        if (fields_scar_weight(s, u, r, 0.0f) < 0.5f) continue;
        a->scar_cm2[i] += area;
        areata |= s->areata;
    }
    if (areata) a->areata_cm2 += area;
}

static void add_into(smp_fields_areas *dst, const smp_fields_areas *src) {
    const double *s = (const double *)src;
    double *d = (double *)dst;
    for (size_t i = 0; i < sizeof *dst / sizeof(double); ++i) d[i] += s[i];
}

smp_status smp_fields_measure(const smp_fields *f, const smp_mesh *head, int subdivisions,
                              smp_fields_areas *out, smp_error *err) {
    if (!f || !head || !out || !head->positions || !head->indices)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "fields: measure needs fields, a mesh and "
                             "an output");
    int n = subdivisions ? subdivisions : 3;
    if (n < 1 || n > 64)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "fields: measure subdivisions = %d: expected 1..64", subdivisions);
    const long tris = (long)head->triangle_count;
    const long chunks = (tris + CHUNK_TRIANGLES - 1) / CHUNK_TRIANGLES;
    smp_fields_areas *part = calloc((size_t)chunks + 1, sizeof *part);
    if (!part) return smp_error_set(err, SMP_ERR_NOMEM, "fields: measure: out of memory");
    const double inv = 1.0 / ((double)n * n);
#pragma omp parallel for schedule(dynamic, 1)
    for (long c = 0; c < chunks; ++c) {
        smp_fields_areas *a = &part[c];
        long t1 = (c + 1) * CHUNK_TRIANGLES < tris ? (c + 1) * CHUNK_TRIANGLES : tris;
        for (long t = c * CHUNK_TRIANGLES; t < t1; ++t) {
            const float *v0 = head->positions + 3 * (size_t)head->indices[3 * t];
            const float *v1 = head->positions + 3 * (size_t)head->indices[3 * t + 1];
            const float *v2 = head->positions + 3 * (size_t)head->indices[3 * t + 2];
            double e1[3], e2[3];
            for (int k = 0; k < 3; ++k) e1[k] = v1[k] - v0[k], e2[k] = v2[k] - v0[k];
            double cx = e1[1] * e2[2] - e1[2] * e2[1], cy = e1[2] * e2[0] - e1[0] * e2[2],
                   cz = e1[0] * e2[1] - e1[1] * e2[0];
            double area_cm2 = 0.5 * sqrt(cx * cx + cy * cy + cz * cz) / 100.0;
            a->mesh_cm2 += area_cm2;
            double sub = area_cm2 * inv;
            /* The n² sub-triangles of a regular split: (i, j) upright and, where it fits,
             * the inverted one beside it; their centroids in barycentric steps of 1/(3n). */
            for (int i = 0; i < n; ++i) {
                for (int j = 0; j + i < n; ++j) {
                    for (int flip = 0; flip < 2; ++flip) {
                        if (flip && i + j + 1 >= n) continue;
                        float b1 = flip ? (3.0f * (float)i + 2.0f) / (3.0f * (float)n)
                                        : (3.0f * (float)i + 1.0f) / (3.0f * (float)n);
                        float b2 = flip ? (3.0f * (float)j + 2.0f) / (3.0f * (float)n)
                                        : (3.0f * (float)j + 1.0f) / (3.0f * (float)n);
                        float p[3];
                        for (int k = 0; k < 3; ++k)
                            p[k] = v0[k] + b1 * (v1[k] - v0[k]) + b2 * (v2[k] - v0[k]);
                        accumulate(f, p, sub, a);
                    }
                }
            }
        }
    }
    memset(out, 0, sizeof *out);
    for (long c = 0; c < chunks; ++c) add_into(out, &part[c]);
    free(part);
    return SMP_OK;
}
