#include "smp/measure.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "smp/colour.h"
#include "smp/pick.h"

#define PI 3.14159265358979323846

/* --- where the patches are -------------------------------------------------------------- */

typedef struct candidate {
    double d2; /* squared distance to the region's edge */
    uint32_t v;
} candidate;

static int by_depth(const void *a, const void *b) {
    const candidate *x = a, *y = b;
    if (x->d2 != y->d2) return x->d2 < y->d2 ? 1 : -1;
    return (x->v > y->v) - (x->v < y->v);
}

/* Whether a viewer straight out along the vertex's normal sees it: the MakeHuman head keeps
 * eyes and a mouth inside it, whose vertices the fields can also count as scalp. */
static int seen_from_outside(const smp_pick *pk, const smp_mesh *m, uint32_t v) {
    const float *p = m->positions + 3 * (size_t)v, *n = m->normals + 3 * (size_t)v;
    float o[3];
    for (int k = 0; k < 3; ++k) o[k] = p[k] + 0.5f * n[k];
    smp_pick_hit hit;
    smp_error err = {0};
    return smp_pick_ray(pk, o, n, &hit, &err) == SMP_OK && hit.triangle == SMP_PICK_MISS;
}

/* The vertex of the region (in[v] != 0) farthest from any vertex outside it that a viewer
 * along its normal sees, and that distance. The edge is the outside vertices that share a
 * triangle with the region: the nearest outside vertex is always one of them. Straight-line
 * distances: across a patch of a few cm on a head of 9 cm radius they are within 1 % of
 * distances along the skin. Returns 1 when found, 0 when no vertex of the region is seen,
 * -1 out of memory. */
static int deepest(const smp_mesh *m, const smp_pick *pk, const uint8_t *in, uint32_t *best,
                   double *margin, smp_error *err) {
    size_t v_count = m->vertex_count;
    uint8_t *edge = calloc(v_count ? v_count : 1, 1);
    uint32_t *edges = malloc(sizeof *edges * (v_count ? v_count : 1));
    candidate *cands = malloc(sizeof *cands * (v_count ? v_count : 1));
    if (!edge || !edges || !cands) {
        free(edge);
        free(edges);
        free(cands);
        smp_error_set(err, SMP_ERR_NOMEM, "out of memory finding the patches");
        return -1;
    }
    for (size_t t = 0; t < m->triangle_count; ++t) {
        const uint32_t *ix = m->indices + 3 * t;
        int inside = in[ix[0]] + in[ix[1]] + in[ix[2]];
        if (inside == 0 || inside == 3) continue;
        for (int k = 0; k < 3; ++k)
            if (!in[ix[k]]) edge[ix[k]] = 1;
    }
    size_t n_edges = 0, n_cands = 0;
    for (uint32_t v = 0; v < v_count; ++v)
        if (edge[v]) edges[n_edges++] = v;
    for (uint32_t v = 0; v < v_count; ++v) {
        if (!in[v]) continue;
        const float *p = m->positions + 3 * (size_t)v;
        double d2 = INFINITY;
        for (size_t e = 0; e < n_edges; ++e) {
            const float *q = m->positions + 3 * (size_t)edges[e];
            double dx = p[0] - q[0], dy = p[1] - q[1], dz = p[2] - q[2];
            double d = dx * dx + dy * dy + dz * dz;
            if (d < d2) d2 = d;
        }
        cands[n_cands++] = (candidate){d2, v};
    }
    qsort(cands, n_cands, sizeof *cands, by_depth);
    int found = 0;
    for (size_t i = 0; i < n_cands && !found; ++i)
        if (seen_from_outside(pk, m, cands[i].v)) {
            *best = cands[i].v;
            *margin = sqrt(cands[i].d2);
            found = 1;
        }
    free(edge);
    free(edges);
    free(cands);
    return found;
}

/* Fills a found patch's place, normal and what lies within half a patch of it. */
static void describe_patch(const smp_pipeline *p, uint32_t v, double margin, double required,
                           double patch_mm, const float *hair_share, const float *planned,
                           smp_measure_patch *out) {
    const smp_mesh *m = &p->head;
    const float *c = m->positions + 3 * (size_t)v;
    double r = 0.5 * patch_mm, r2 = r * r;
    double n[3] = {0, 0, 0};
    for (uint32_t i = 0; i < m->vertex_count; ++i) {
        const float *q = m->positions + 3 * (size_t)i;
        double dx = q[0] - c[0], dy = q[1] - c[1], dz = q[2] - c[2];
        if (dx * dx + dy * dy + dz * dz > r2) continue;
        for (int k = 0; k < 3; ++k) n[k] += m->normals[3 * (size_t)i + k];
    }
    double len = sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
    size_t dots = 0;
    for (size_t i = 0; i < p->dots.count; ++i) {
        double dx = p->dots.x[i] - c[0], dy = p->dots.y[i] - c[1], dz = p->dots.z[i] - c[2];
        dots += dx * dx + dy * dy + dz * dz <= r2;
    }
    out->found = 1;
    for (int k = 0; k < 3; ++k) {
        out->centre[k] = c[k];
        out->normal[k] = len > 0 ? (float)(n[k] / len) : m->normals[3 * (size_t)v + k];
    }
    out->azimuth_deg = atan2(c[0], c[2]) * 180.0 / PI;
    /* the back of the midline reads 180°, also a hair's breadth to the client's right */
    if (out->azimuth_deg < -179.95) out->azimuth_deg += 360.0;
    out->elevation_deg = atan2(c[1], sqrt((double)c[0] * c[0] + (double)c[2] * c[2])) * 180.0 / PI;
    out->margin_mm = margin;
    out->required_margin_mm = required;
    out->hair = hair_share[v];
    out->planned_per_cm2 = planned[v];
    out->dots_per_cm2 = (double)dots / (PI * r2) * 100.0;
}

smp_status smp_measure_find_patches(const smp_pipeline *p, const smp_scene *scene, double patch_mm,
                                    smp_measure_patch *treated, smp_measure_patch *fringe,
                                    smp_error *err) {
    memset(treated, 0, sizeof *treated);
    memset(fringe, 0, sizeof *fringe);
    if (patch_mm < 1.0)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "patch side %g mm: expected at least 1 mm",
                             patch_mm);
    if (scene->plan.session_count == 0)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "plan.sessions: the plan has no sessions, so there is no treated "
                             "area to measure");
    if (p->dots.count == 0)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "plan.sessions: the plan places no dots on this head (its regions "
                             "cover no skin here), so there is no treated area to measure");
    const smp_mesh *m = &p->head;
    size_t v_count = m->vertex_count;
    float *buf = malloc(sizeof(float) * 5 * (v_count ? v_count : 1));
    uint8_t *in = malloc(v_count ? v_count : 1);
    if (!buf || !in) {
        free(buf);
        free(in);
        return smp_error_set(err, SMP_ERR_NOMEM, "out of memory finding the patches");
    }
    float *hair = buf, *native = buf + v_count, *scar = buf + 2 * v_count,
          *planned = buf + 3 * v_count, *share = buf + 4 * v_count;
    smp_pick *pk = NULL;
    smp_status st = smp_pick_create(m, &pk, err);
    smp_fields_out o = {.hair = hair, .native_fu_per_cm2 = native, .scar = scar};
    smp_fields_eval(p->fields, m->positions, v_count, &o);
    if (st == SMP_OK) st = smp_pipeline_plan_density(p, scene, 0.0, planned, err);
    /* Alopecia totalis is a head without a pattern to the fields, but no hair is drawn. */
    int hairless = scene->client.pattern == SMP_PATTERN_TOTALIS || p->hair.count == 0;
    double full_fu = smp_fields_resolved(p->fields)->hair.fu_per_cm2;
    float top = 0;
    for (size_t v = 0; st == SMP_OK && v < v_count; ++v) {
        share[v] = hairless || full_fu <= 0 ? 0.0f : (float)(native[v] / full_fu * hair[v]);
        if (planned[v] > top) top = planned[v];
    }
    uint32_t best = 0;
    double margin = 0;
    int found = 0;
    double half_diagonal = patch_mm * 0.5 * sqrt(2.0);
    /* Treated: full density on bald scalp; where the plan only fills hair-bearing scalp
     * (density SMP between thinning hair), full density alone. */
    for (int pass = 0; st == SMP_OK && pass < 2 && found == 0; ++pass) {
        for (size_t v = 0; v < v_count; ++v)
            in[v] = planned[v] >= 0.95f * top && top > 0 && scar[v] < 0.01f &&
                    (pass == 1 || share[v] <= 0.1f);
        found = deepest(m, pk, in, &best, &margin, err);
        if (found < 0) st = SMP_ERR_NOMEM;
    }
    if (st == SMP_OK && found == 0)
        st = smp_error_set(err, SMP_ERR_INVALID_ARG,
                           "plan.sessions: no skin in view, outside scars, reaches the plan's full "
                           "density, so there is no treated area to measure");
    if (st == SMP_OK) {
        describe_patch(p, best, margin, half_diagonal, patch_mm, share, planned, treated);
        for (size_t v = 0; v < v_count; ++v)
            in[v] = !hairless && share[v] >= 0.9f && scar[v] < 0.01f;
        found = deepest(m, pk, in, &best, &margin, err);
        if (found < 0) st = SMP_ERR_NOMEM;
        if (found > 0)
            describe_patch(p, best, margin, fmax(20.0, half_diagonal), patch_mm, share, planned,
                           fringe);
    }
    smp_pick_destroy(pk);
    free(buf);
    free(in);
    return st;
}

/* --- seeing a patch --------------------------------------------------------------------- */

smp_measure_view smp_measure_view_default(double distance_mm, double patch_mm) {
    smp_measure_view v = {
        .distance_mm = distance_mm, .patch_mm = patch_mm, .field_mm = 2 * patch_mm};
    double pixel_mm = distance_mm * tan(PI / (180.0 * 60.0));
    double size = ceil(v.field_mm / pixel_mm);
    v.size_px = size < 64 ? 64 : size > 4096 ? 4096 : (int)size;
    return v;
}

void smp_measure_camera(const float centre[3], const float normal[3], const smp_measure_view *v,
                        smp_camera *cam) {
    /* up: the head's +Y in the image, or its front on the crown */
    float up[3] = {0, 1, 0};
    if (fabsf(normal[1]) > 0.95f) up[1] = 0, up[2] = -1;
    for (int k = 0; k < 3; ++k) {
        cam->target[k] = centre[k];
        cam->eye[k] = centre[k] + normal[k] * (float)v->distance_mm;
        cam->up[k] = up[k];
    }
    cam->fov_y_deg = (float)(2.0 * atan(0.5 * v->field_mm / v->distance_mm) * 180.0 / PI);
    /* the head is a few hundred mm deep at most: a tight depth range for any distance */
    cam->near_mm = (float)(v->distance_mm * 0.5);
    cam->far_mm = (float)(v->distance_mm + 400.0);
}

/* How much of pixel [i, i + 1) lies in [lo, hi). */
static double overlap(int i, double lo, double hi) {
    double a = fmax(lo, i), b = fmin(hi, i + 1.0);
    return b > a ? b - a : 0.0;
}

smp_status smp_measure_mean_rgb(smp_gl_session *h, const smp_frame_desc *frame,
                                const float centre[3], const float normal[3],
                                const smp_measure_view *v, double rgb[3], smp_error *err) {
    int n = v->size_px;
    if (n < 1 || !(v->distance_mm > 0) || !(v->field_mm > 0) || !(v->patch_mm > 0) ||
        v->patch_mm > v->field_mm)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "a view of %d px, %g mm across from %g mm cannot average %g mm", n,
                             v->field_mm, v->distance_mm, v->patch_mm);
    float *px = malloc(sizeof(float) * 4 * (size_t)n * (size_t)n);
    if (!px) return smp_error_set(err, SMP_ERR_NOMEM, "out of memory measuring a patch");
    smp_frame_desc f = *frame;
    smp_measure_camera(centre, normal, v, &f.camera);
    smp_status st = smp_renderer_capture_linear(h->renderer, &f, n, n, px, err);
    if (st == SMP_OK) {
        /* the patch's square in pixels, centred; edge pixels count by their share inside */
        double half = 0.5 * v->patch_mm / v->field_mm * n;
        double lo = 0.5 * n - half, hi = 0.5 * n + half;
        double sum[3] = {0, 0, 0}, weight = 0;
        for (int y = (int)floor(lo); y < (int)ceil(hi); ++y) {
            double wy = overlap(y, lo, hi);
            for (int x = (int)floor(lo); x < (int)ceil(hi); ++x) {
                double w = wy * overlap(x, lo, hi);
                const float *c = px + 4 * ((size_t)y * (size_t)n + (size_t)x);
                for (int k = 0; k < 3; ++k) sum[k] += w * c[k];
                weight += w;
            }
        }
        for (int k = 0; k < 3; ++k) rgb[k] = sum[k] / weight;
    }
    free(px);
    return st;
}

/* --- the measurement -------------------------------------------------------------------- */

static void colour_of(const double rgb[3], double bare_luminance, smp_measure_colour *out) {
    memcpy(out->rgb, rgb, sizeof out->rgb);
    out->luminance = smp_luminance(rgb);
    smp_linear_to_lab(rgb, out->lab);
    out->darkening = bare_luminance > 0 ? 1.0 - out->luminance / bare_luminance : 0.0;
}

smp_status smp_measure_run(smp_gl_session *h, const smp_scene *scene, const smp_measure_view *v,
                           const double *years, int year_count, const smp_measure_patch *treated,
                           const smp_measure_patch *fringe, smp_measure_result *out,
                           smp_error *err) {
    memset(out, 0, sizeof *out);
    if (year_count < 1 || year_count > MEASURE_MAX_YEARS)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "%d times: expected 1 to %d", year_count,
                             MEASURE_MAX_YEARS);
    if (!treated->found)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "no treated patch to measure");
    out->view = *v;
    out->treated = *treated;
    out->fringe = *fringe;
    out->year_count = year_count;
    smp_frame_desc frame = smp_frame_default();
    smp_status st = smp_gl_session_frame(h, 0.0, &frame, err);
    frame.lighting = SMP_LIGHTING_MEASURE;
    /* Neither the bare skin nor the hair change with the years: each is drawn once. */
    double bare[3], hair_only[3] = {0, 0, 0};
    frame.hide_dots = 1;
    if (st == SMP_OK)
        st = smp_measure_mean_rgb(h, &frame, treated->centre, treated->normal, v, bare, err);
    if (st == SMP_OK && fringe->found)
        st = smp_measure_mean_rgb(h, &frame, fringe->centre, fringe->normal, v, hair_only, err);
    double y_bare = smp_luminance(bare);
    colour_of(hair_only, y_bare, &out->fringe_hair_only);
    for (int i = 0; st == SMP_OK && i < year_count; ++i) {
        smp_measure_year *y = &out->years[i];
        y->year = years[i];
        y->treated_shown = smp_scene_model_years(scene, years[i], &y->model_years);
        double t[3], f[3];
        memcpy(t, bare, sizeof t);
        memcpy(f, hair_only, sizeof f);
        if (y->treated_shown) {
            frame = smp_frame_default();
            st = smp_gl_session_frame(h, y->model_years, &frame, err);
            frame.lighting = SMP_LIGHTING_MEASURE;
            if (st == SMP_OK)
                st = smp_measure_mean_rgb(h, &frame, treated->centre, treated->normal, v, t, err);
            if (st == SMP_OK && fringe->found)
                st = smp_measure_mean_rgb(h, &frame, fringe->centre, fringe->normal, v, f, err);
        }
        colour_of(t, y_bare, &y->treated);
        colour_of(f, y_bare, &y->fringe);
        colour_of(bare, y_bare, &y->bare);
        y->de_treated_bare = smp_ciede2000(y->treated.lab, y->bare.lab);
        y->de_treated_fringe = fringe->found ? smp_ciede2000(y->treated.lab, y->fringe.lab) : NAN;
        y->de_fringe_bare = fringe->found ? smp_ciede2000(y->fringe.lab, y->bare.lab) : NAN;
    }
    return st;
}
