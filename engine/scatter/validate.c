/* Validation of a scatter desc, shared by every rule and entry point: each error names the
 * field and its value. */
#include <math.h>

#include "shared.h"

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
    if (d->rule == SMP_SCATTER_GRID && d->grid_spacing_mm != 0.0f &&
        !(d->grid_spacing_mm >= 0.01f && d->grid_spacing_mm <= 100.0f))
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "scatter grid_spacing_mm = %g: expected 0 (default) or 0.01..100",
                             (double)d->grid_spacing_mm);
    const smp_scatter_session *s = &d->session;
    if (s->index < 0 || s->index > 255)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "scatter session.index = %d: expected 0..255", s->index);
    smp_status st;
    if ((st = check_range("needle_diameter_mm", s->needle_diameter_mm, 0.05f, 1.0f, err)) ||
        (st = check_range("depth_mean_mm", s->depth_mean_mm, SMP_PARAM_LO(SMP_SCATTER_DEPTH_MM),
                          SMP_PARAM_HI(SMP_SCATTER_DEPTH_MM), err)) ||
        (st = check_range("depth_sd_mm", s->depth_sd_mm, SMP_PARAM_LO(SMP_SCATTER_DEPTH_SD_MM),
                          SMP_PARAM_HI(SMP_SCATTER_DEPTH_SD_MM), err)) ||
        (st = check_range("technician_skill", s->technician_skill,
                          SMP_PARAM_LO(SMP_SCATTER_TECHNICIAN_SKILL),
                          SMP_PARAM_HI(SMP_SCATTER_TECHNICIAN_SKILL), err)) ||
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
