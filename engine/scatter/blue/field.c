/* The spacing field: per-vertex weights (the density raised to a quarter of its peak), each
 * triangle's expected dots and the triangles' sampling tables; existing dots as packing
 * points; the dots a packing and its thinning give at scale 1. */
#include <stdlib.h>

#include "blue_internal.h"

void bn_field_free(bn_field *f) {
    free(f->weight);
    free(f->tri_expect);
    scatter_tris_free(&f->tris);
}

smp_status bn_field_build(const smp_scatter_desc *d, int threads, bn_field *f, smp_error *err) {
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

void bn_point_from_dot(const bn_field *f, float scale, const smp_dots *d, size_t i, bn_point *p) {
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

void bn_totals(const smp_scatter_desc *d, double *packed, double *kept) {
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
