#include "smp/mesh.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

smp_status smp_mesh_alloc(smp_mesh *m, uint32_t vertex_count, uint32_t triangle_count,
                          smp_error *err) {
    memset(m, 0, sizeof *m);
    if (vertex_count < 3 || triangle_count < 1)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "mesh needs at least 3 vertices and 1 triangle (got %u and %u)",
                             vertex_count, triangle_count);
    m->positions = calloc(3 * (size_t)vertex_count, sizeof(float));
    m->normals = calloc(3 * (size_t)vertex_count, sizeof(float));
    m->uvs = calloc(2 * (size_t)vertex_count, sizeof(float));
    m->indices = calloc(3 * (size_t)triangle_count, sizeof(uint32_t));
    if (!m->positions || !m->normals || !m->uvs || !m->indices) {
        smp_mesh_free(m);
        return smp_error_set(err, SMP_ERR_NOMEM, "out of memory for a mesh of %u vertices",
                             vertex_count);
    }
    m->vertex_count = vertex_count;
    m->triangle_count = triangle_count;
    return SMP_OK;
}

void smp_mesh_free(smp_mesh *m) {
    free(m->positions);
    free(m->normals);
    free(m->uvs);
    free(m->indices);
    memset(m, 0, sizeof *m);
}

static void tri_cross(const smp_mesh *m, uint32_t t, double out[3]) {
    const float *a = m->positions + 3 * (size_t)m->indices[3 * (size_t)t + 0];
    const float *b = m->positions + 3 * (size_t)m->indices[3 * (size_t)t + 1];
    const float *c = m->positions + 3 * (size_t)m->indices[3 * (size_t)t + 2];
    double e1[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
    double e2[3] = {c[0] - a[0], c[1] - a[1], c[2] - a[2]};
    out[0] = e1[1] * e2[2] - e1[2] * e2[1];
    out[1] = e1[2] * e2[0] - e1[0] * e2[2];
    out[2] = e1[0] * e2[1] - e1[1] * e2[0];
}

typedef struct keyed_vertex {
    float position[3];
    uint32_t index;
} keyed_vertex;

static int cmp_position(const void *pa, const void *pb) {
    const keyed_vertex *a = pa, *b = pb;
    int c = memcmp(a->position, b->position, sizeof a->position);
    return c ? c : (a->index > b->index) - (a->index < b->index);
}

/* Vertices split only for UVs (same position bits) must shade as one, or the seam shows.
 * Sums the accumulated normals of each group of coincident vertices. O(V log V); if the
 * scratch allocation fails the normals simply stay per vertex. */
static void share_normals_at_seams(smp_mesh *m) {
    keyed_vertex *keys = malloc(sizeof(keyed_vertex) * m->vertex_count);
    if (!keys) return;
    for (uint32_t v = 0; v < m->vertex_count; ++v) {
        memcpy(keys[v].position, m->positions + 3 * (size_t)v, sizeof keys[v].position);
        keys[v].index = v;
    }
    qsort(keys, m->vertex_count, sizeof *keys, cmp_position);
    for (uint32_t lo = 0, hi; lo < m->vertex_count; lo = hi) {
        double sum[3] = {0, 0, 0};
        for (hi = lo; hi < m->vertex_count &&
                      memcmp(keys[hi].position, keys[lo].position, sizeof keys[lo].position) == 0;
             ++hi)
            for (int k = 0; k < 3; ++k) sum[k] += m->normals[3 * (size_t)keys[hi].index + k];
        if (hi - lo > 1)
            for (uint32_t g = lo; g < hi; ++g)
                for (int k = 0; k < 3; ++k)
                    m->normals[3 * (size_t)keys[g].index + k] = (float)sum[k];
    }
    free(keys);
}

void smp_mesh_compute_normals(smp_mesh *m) {
    memset(m->normals, 0, sizeof(float) * 3 * m->vertex_count);
    for (uint32_t t = 0; t < m->triangle_count; ++t) {
        double n[3];
        tri_cross(m, t, n); /* length = 2 * area: area weighting for free */
        for (int k = 0; k < 3; ++k) {
            float *vn = m->normals + 3 * (size_t)m->indices[3 * (size_t)t + k];
            vn[0] += (float)n[0];
            vn[1] += (float)n[1];
            vn[2] += (float)n[2];
        }
    }
    share_normals_at_seams(m);
    for (uint32_t v = 0; v < m->vertex_count; ++v) {
        float *n = m->normals + 3 * (size_t)v;
        float len = sqrtf(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
        if (len > 0.0f) {
            n[0] /= len;
            n[1] /= len;
            n[2] /= len;
        } else { /* unreferenced or fully degenerate: any unit vector keeps shading finite */
            n[0] = 0.0f;
            n[1] = 1.0f;
            n[2] = 0.0f;
        }
    }
}

smp_bounds smp_mesh_bounds(const smp_mesh *m) {
    smp_bounds b = {{FLT_MAX, FLT_MAX, FLT_MAX}, {-FLT_MAX, -FLT_MAX, -FLT_MAX}};
    for (uint32_t v = 0; v < m->vertex_count; ++v)
        for (int k = 0; k < 3; ++k) {
            float x = m->positions[3 * (size_t)v + k];
            if (x < b.min[k]) b.min[k] = x;
            if (x > b.max[k]) b.max[k] = x;
        }
    return b;
}

double smp_mesh_area_mm2(const smp_mesh *m) {
    double area = 0.0;
    for (uint32_t t = 0; t < m->triangle_count; ++t) {
        double n[3];
        tri_cross(m, t, n);
        area += 0.5 * sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
    }
    return area;
}

void smp_mesh_vertex_areas_mm2(const smp_mesh *m, double *area_mm2) {
    memset(area_mm2, 0, (size_t)m->vertex_count * sizeof *area_mm2);
    for (uint32_t t = 0; t < m->triangle_count; ++t) {
        double n[3];
        tri_cross(m, t, n);
        double third = sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]) / 6.0;
        const uint32_t *ix = m->indices + 3 * (size_t)t;
        for (int k = 0; k < 3; ++k) area_mm2[ix[k]] += third;
    }
}

smp_status smp_mesh_validate(const smp_mesh *m, smp_error *err) {
    if (!m->positions || !m->indices || m->vertex_count < 3 || m->triangle_count < 1)
        return smp_error_set(err, SMP_ERR_FORMAT, "mesh is empty");
    for (uint32_t v = 0; v < m->vertex_count; ++v) {
        for (int k = 0; k < 3; ++k) {
            if (!isfinite(m->positions[3 * (size_t)v + k]))
                return smp_error_set(err, SMP_ERR_FORMAT, "vertex %u has a non-finite position", v);
            if (m->normals && !isfinite(m->normals[3 * (size_t)v + k]))
                return smp_error_set(err, SMP_ERR_FORMAT, "vertex %u has a non-finite normal", v);
        }
        for (int k = 0; m->uvs && k < 2; ++k)
            if (!isfinite(m->uvs[2 * (size_t)v + k]))
                return smp_error_set(err, SMP_ERR_FORMAT, "vertex %u has a non-finite UV", v);
    }
    for (uint32_t i = 0; i < 3 * m->triangle_count; ++i)
        if (m->indices[i] >= m->vertex_count)
            return smp_error_set(err, SMP_ERR_FORMAT, "triangle %u refers to vertex %u of %u",
                                 i / 3, m->indices[i], m->vertex_count);
    return SMP_OK;
}
