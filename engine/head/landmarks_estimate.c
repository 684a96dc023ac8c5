/*
 * Landmarks of an imported head, estimated from its geometry.
 *
 * The head is already upright and facing +Z, and heads are close to mirror-symmetric, so the
 * midsagittal plane is the plane x = centre of the bounding box. Cutting the mesh with that
 * plane gives the profile curve, and the profile gives the landmarks that are extrema of it:
 * the vertex is its highest point, the nose tip its most forward point, the nasion the first
 * hollow above the nose tip and the glabella the most forward point of the brow above that.
 *
 * The ear canals and eye corners are not extrema of anything a scan reliably shows (hair, ear
 * shape and open or closed eyes vary), so they are placed by head proportions measured from
 * the profile (heights as fractions of the nasion-to-vertex height, the canal midway between
 * brow and back of the skull, the eye corner two thirds of the way out to the canal) and then
 * dropped onto the surface by casting a ray from outside the head. Every point returned is on
 * a triangle of the mesh: profile points lie on the cut segments, the others are ray hits.
 */
#include "smp/landmarks.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Proportions of an adult head: ear-canal and eye-corner heights below the nasion as
 * fractions of the nasion-to-vertex height, and the eye corners' spread as a fraction of the
 * ear canals' (biocular breadth about 92 mm against a bitragion breadth of about 148 mm in
 * adult norms). The built-in head (smp_landmarks_procedural) follows the same proportions. */
#define TRAGION_BELOW_NASION 0.23
#define CANTHUS_BELOW_NASION 0.10
#define CANTHUS_OF_TRAGION_X 0.62

enum { PROFILE_MAX_SAMPLES = 8192 };

typedef struct segment {
    double y0, z0, y1, z1;
} segment;

/* The segments where the plane x = x0 cuts the triangles, in (y, z). */
static segment *slice_x(const smp_mesh *m, double x0, size_t *count) {
    segment *s = malloc(sizeof(segment) * (size_t)m->triangle_count + 1);
    if (!s) return NULL;
    size_t n = 0;
    for (size_t t = 0; t < m->triangle_count; ++t) {
        double pts[2][2];
        int found = 0;
        for (int k = 0; k < 3 && found < 2; ++k) {
            const float *a = m->positions + 3 * (size_t)m->indices[3 * t + k];
            const float *b = m->positions + 3 * (size_t)m->indices[3 * t + (k + 1) % 3];
            double sa = a[0] - x0, sb = b[0] - x0;
            if ((sa >= 0) == (sb >= 0)) continue;
            double u = sa / (sa - sb);
            pts[found][0] = a[1] + u * ((double)b[1] - a[1]);
            pts[found][1] = a[2] + u * ((double)b[2] - a[2]);
            ++found;
        }
        if (found == 2) s[n++] = (segment){pts[0][0], pts[0][1], pts[1][0], pts[1][1]};
    }
    *count = n;
    return s;
}

/* The most forward (front = 1) or most backward (front = 0) z where the profile crosses the
 * height y; NAN where it does not. */
static double profile_z(const segment *s, size_t n, double y, int front) {
    double best = NAN;
    for (size_t i = 0; i < n; ++i) {
        double lo = fmin(s[i].y0, s[i].y1), hi = fmax(s[i].y0, s[i].y1);
        if (y < lo || y > hi) continue;
        double z = hi > lo ? s[i].z0 + (y - s[i].y0) / (s[i].y1 - s[i].y0) * (s[i].z1 - s[i].z0)
                           : fmax(s[i].z0, s[i].z1);
        if (isnan(best) || (front ? z > best : z < best)) best = z;
    }
    return best;
}

/* Nearest hit of the ray o + t d (t > 0) with the mesh, Moller-Trumbore in double. */
static int cast_ray(const smp_mesh *m, const double o[3], const double d[3], double hit[3]) {
    double best = DBL_MAX;
    for (size_t t = 0; t < m->triangle_count; ++t) {
        const float *a = m->positions + 3 * (size_t)m->indices[3 * t + 0];
        const float *b = m->positions + 3 * (size_t)m->indices[3 * t + 1];
        const float *c = m->positions + 3 * (size_t)m->indices[3 * t + 2];
        double e1[3], e2[3], s[3];
        for (int k = 0; k < 3; ++k) {
            e1[k] = (double)b[k] - a[k];
            e2[k] = (double)c[k] - a[k];
            s[k] = o[k] - a[k];
        }
        double p[3] = {d[1] * e2[2] - d[2] * e2[1], d[2] * e2[0] - d[0] * e2[2],
                       d[0] * e2[1] - d[1] * e2[0]};
        double det = e1[0] * p[0] + e1[1] * p[1] + e1[2] * p[2];
        if (fabs(det) < 1e-18) continue;
        double inv = 1.0 / det;
        double u = (s[0] * p[0] + s[1] * p[1] + s[2] * p[2]) * inv;
        if (u < 0.0 || u > 1.0) continue;
        double q[3] = {s[1] * e1[2] - s[2] * e1[1], s[2] * e1[0] - s[0] * e1[2],
                       s[0] * e1[1] - s[1] * e1[0]};
        double v = (d[0] * q[0] + d[1] * q[1] + d[2] * q[2]) * inv;
        if (v < 0.0 || u + v > 1.0) continue;
        double tt = (e2[0] * q[0] + e2[1] * q[1] + e2[2] * q[2]) * inv;
        if (tt > 0.0 && tt < best) best = tt;
    }
    if (best == DBL_MAX) return 0;
    for (int k = 0; k < 3; ++k) hit[k] = o[k] + best * d[k];
    return 1;
}

static void set_point(float out[3], double x, double y, double z) {
    out[0] = (float)x, out[1] = (float)y, out[2] = (float)z;
}

static smp_status fail(smp_error *err, smp_landmark_id id, const char *why) {
    return smp_error_set(err, SMP_ERR_FORMAT, "cannot estimate the %s: %s", smp_landmark_name(id),
                         why);
}

/* The midline profile: the cut segments, and the front of the profile sampled every `step`
 * mm from y_lo up to the vertex (NaN where the plane misses). */
typedef struct profile {
    segment *seg;
    size_t n;
    double x_mid, y_lo, step;
    double vy, vz; /* the vertex: the profile's highest point */
    int samples;
    double *zf;
} profile;

static void profile_free(profile *pr) {
    free(pr->zf);
    free(pr->seg);
}

static smp_status profile_build(const smp_mesh *mesh, const smp_bounds *b, profile *pr,
                                smp_error *err) {
    memset(pr, 0, sizeof *pr);
    pr->x_mid = 0.5 * ((double)b->min[0] + b->max[0]);
    pr->seg = slice_x(mesh, pr->x_mid, &pr->n);
    if (!pr->seg) return smp_error_set(err, SMP_ERR_NOMEM, "out of memory estimating landmarks");
    if (pr->n < 8) return fail(err, SMP_LM_VERTEX, "the midline plane barely meets the mesh");
    pr->vy = -DBL_MAX;
    for (size_t i = 0; i < pr->n; ++i) {
        if (pr->seg[i].y0 > pr->vy) pr->vy = pr->seg[i].y0, pr->vz = pr->seg[i].z0;
        if (pr->seg[i].y1 > pr->vy) pr->vy = pr->seg[i].y1, pr->vz = pr->seg[i].z1;
    }
    /* The front of the profile sampled every half millimetre (coarser for huge inputs). */
    pr->y_lo = b->min[1];
    const double height = pr->vy - pr->y_lo;
    pr->step = 0.5;
    if (height / pr->step > PROFILE_MAX_SAMPLES - 1) pr->step = height / (PROFILE_MAX_SAMPLES - 1);
    pr->samples = (int)(height / pr->step) + 1;
    pr->zf = malloc(sizeof(double) * (size_t)pr->samples);
    if (!pr->zf) return smp_error_set(err, SMP_ERR_NOMEM, "out of memory estimating landmarks");
    for (int i = 0; i < pr->samples; ++i)
        pr->zf[i] = profile_z(pr->seg, pr->n, pr->y_lo + i * pr->step, 1);
    return SMP_OK;
}

/* Nasion: walking up from the nose tip (the profile's most forward sample), the first sample
 * that is the lowest within 5 mm either way and that the profile rises from by at least
 * 0.5 mm within 25 mm above: a real hollow, not noise on the slope of the nose. -1: none. */
static int find_nasion(const profile *pr, int tip) {
    const double *zf = pr->zf;
    const int w = (int)ceil(5.0 / pr->step), rise_w = (int)ceil(25.0 / pr->step);
    for (int i = tip + 1; i < pr->samples; ++i) {
        if (isnan(zf[i])) continue;
        int is_min = 1;
        for (int j = i - w; j <= i + w && is_min; ++j)
            if (j >= 0 && j < pr->samples && !isnan(zf[j]) && zf[j] < zf[i]) is_min = 0;
        if (!is_min) continue;
        double rise = 0.0;
        for (int j = i + 1; j <= i + rise_w && j < pr->samples; ++j)
            if (!isnan(zf[j])) rise = fmax(rise, zf[j] - zf[i]);
        if (rise >= 0.5) return i;
    }
    return -1;
}

/* Vertex, nasion and glabella from the profile's extrema; the index of the glabella sample. */
static smp_status profile_landmarks(const profile *pr, smp_landmarks *out, int *glabella_out,
                                    smp_error *err) {
    set_point(out->p[SMP_LM_VERTEX], pr->x_mid, pr->vy, pr->vz);
    int tip = -1;
    for (int i = 0; i < pr->samples; ++i)
        if (!isnan(pr->zf[i]) && (tip < 0 || pr->zf[i] > pr->zf[tip])) tip = i;
    if (tip < 0) return fail(err, SMP_LM_NASION, "the midline profile has no front");
    int nasion = find_nasion(pr, tip);
    if (nasion < 0)
        return fail(err, SMP_LM_NASION,
                    "no hollow above the nose tip on the midline profile (is the face +Z?)");
    const double ny = pr->y_lo + nasion * pr->step;
    set_point(out->p[SMP_LM_NASION], pr->x_mid, ny, pr->zf[nasion]);
    /* Glabella: the most forward point of the brow within 40 mm above the nasion. */
    int glabella = nasion;
    for (int j = nasion + 1; j < pr->samples && (j - nasion) * pr->step <= 40.0; ++j)
        if (!isnan(pr->zf[j]) && pr->zf[j] > pr->zf[glabella]) glabella = j;
    if (glabella == nasion)
        return fail(err, SMP_LM_GLABELLA, "nothing rises above the nasion on the profile");
    set_point(out->p[SMP_LM_GLABELLA], pr->x_mid, pr->y_lo + glabella * pr->step, pr->zf[glabella]);
    if (pr->vy - ny < 40.0)
        return fail(err, SMP_LM_VERTEX,
                    "the top of the head is less than 40 mm above the "
                    "nasion; the mesh is not a head in mm, +Y up");
    *glabella_out = glabella;
    return SMP_OK;
}

/* Inion, ear canals and eye corners: placed by head proportions measured from the profile,
 * then dropped onto the surface by rays from outside the head. */
static smp_status proportional_landmarks(const smp_mesh *mesh, const smp_bounds *b,
                                         const profile *pr, int glabella, smp_landmarks *out,
                                         smp_error *err) {
    const double ny = out->p[SMP_LM_NASION][1], vy = pr->vy, x_mid = pr->x_mid;
    /* Inion and the ear-canal height: the back of the profile at the tragion height. */
    const double ty = ny - TRAGION_BELOW_NASION * (vy - ny);
    const double back_z = profile_z(pr->seg, pr->n, ty, 0);
    if (isnan(back_z))
        return fail(err, SMP_LM_INION, "the profile has no back at the ear-canal height");
    set_point(out->p[SMP_LM_INION], x_mid, ty, back_z);
    const double tz = 0.5 * (pr->zf[glabella] + back_z);
    const double margin = 10.0;
    for (int side = 0; side < 2; ++side) {
        smp_landmark_id id = side ? SMP_LM_TRAGION_RIGHT : SMP_LM_TRAGION_LEFT;
        double o[3] = {side ? b->min[0] - margin : b->max[0] + margin, ty, tz};
        double d[3] = {side ? 1.0 : -1.0, 0.0, 0.0}, hit[3];
        if (!cast_ray(mesh, o, d, hit))
            return fail(err, id, "no surface at the side of the head at ear height");
        set_point(out->p[id], hit[0], hit[1], hit[2]);
    }
    const double cy = ny - CANTHUS_BELOW_NASION * (vy - ny);
    for (int side = 0; side < 2; ++side) {
        smp_landmark_id id = side ? SMP_LM_CANTHUS_RIGHT : SMP_LM_CANTHUS_LEFT;
        double tx = out->p[side ? SMP_LM_TRAGION_RIGHT : SMP_LM_TRAGION_LEFT][0];
        double o[3] = {x_mid + CANTHUS_OF_TRAGION_X * (tx - x_mid), cy, b->max[2] + margin};
        double d[3] = {0.0, 0.0, -1.0}, hit[3];
        if (!cast_ray(mesh, o, d, hit))
            return fail(err, id, "no surface in front of the eye region");
        set_point(out->p[id], hit[0], hit[1], hit[2]);
    }
    return SMP_OK;
}

smp_status smp_landmarks_estimate(const smp_mesh *mesh, smp_landmarks *out, smp_error *err) {
    if (!mesh || !out || !mesh->positions || !mesh->indices || mesh->triangle_count == 0)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "landmarks: no mesh to estimate them on");
    smp_bounds b = smp_mesh_bounds(mesh);
    profile pr;
    int glabella = 0;
    smp_status status = profile_build(mesh, &b, &pr, err);
    if (status == SMP_OK) status = profile_landmarks(&pr, out, &glabella, err);
    if (status == SMP_OK) status = proportional_landmarks(mesh, &b, &pr, glabella, out, err);
    profile_free(&pr);
    return status;
}
