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

/* The midline profile: the cut segments, and the front of the profile sampled every `step`
 * mm from y_lo up to the vertex (NaN where the plane misses). */
typedef struct profile {
    segment *seg;
    size_t n;
    double x_mid, y_lo, step;
    double vy, vz; /* the profile's highest point */
    int samples;
    double *zf; /* NULL when the plane barely meets the mesh */
} profile;

/* One estimation: what is given, what is found, and what had to be guessed. */
typedef struct estimate {
    const smp_mesh *mesh;
    smp_bounds b;
    profile pr;
    const smp_landmarks *given;
    unsigned given_mask;
    int guess;
    unsigned guessed;
    smp_landmarks *out;
    smp_error *err;
} estimate;

static int is_given(const estimate *e, smp_landmark_id id) {
    return e->given && (e->given_mask >> id & 1u);
}

/* A landmark the shape gives no estimate of. Without guessing, the error names it; with
 * guessing, the first such message is kept and the caller's fallback is used. */
static smp_status fail(estimate *e, smp_landmark_id id, const char *why) {
    if (!e->guess || !e->guessed)
        smp_error_set(e->err, SMP_ERR_FORMAT, "cannot estimate the %s: %s", smp_landmark_name(id),
                      why);
    if (!e->guess) return SMP_ERR_FORMAT;
    e->guessed |= 1u << id;
    return SMP_OK;
}

static void profile_free(profile *pr) {
    free(pr->zf);
    free(pr->seg);
}

static double profile_front(const profile *pr, double y) {
    return pr->zf ? profile_z(pr->seg, pr->n, y, 1) : NAN;
}

static smp_status profile_build(estimate *e) {
    profile *pr = &e->pr;
    const smp_bounds *b = &e->b;
    memset(pr, 0, sizeof *pr);
    pr->x_mid = is_given(e, SMP_LM_NASION) ? e->given->p[SMP_LM_NASION][0]
                                           : 0.5 * ((double)b->min[0] + b->max[0]);
    pr->seg = slice_x(e->mesh, pr->x_mid, &pr->n);
    if (!pr->seg) return smp_error_set(e->err, SMP_ERR_NOMEM, "out of memory estimating landmarks");
    pr->vy = b->max[1], pr->vz = 0.5 * ((double)b->min[2] + b->max[2]);
    if (pr->n < 8) return SMP_OK; /* no profile: each landmark that needs one says so */
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
    if (!pr->zf) return smp_error_set(e->err, SMP_ERR_NOMEM, "out of memory estimating landmarks");
    for (int i = 0; i < pr->samples; ++i)
        pr->zf[i] = profile_z(pr->seg, pr->n, pr->y_lo + i * pr->step, 1);
    return SMP_OK;
}

/* The profile sample nearest the height y, clamped to the profile. */
static int sample_at(const profile *pr, double y) {
    int i = (int)lround((y - pr->y_lo) / pr->step);
    return i < 0 ? 0 : i >= pr->samples ? pr->samples - 1 : i;
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

/* A point on the front of the head on the midline at height y, or the nearest one up to 40 mm
 * above where the face has a hole there (a lost nose); else the front of the bounding box.
 * For guesses only: a guess is to be clicked on, so it should lie on the skin. */
static void front_guess(const estimate *e, double y, float out[3]) {
    const double centre_z = 0.5 * ((double)e->b.min[2] + e->b.max[2]);
    for (double dy = 0.0; dy <= 40.0; dy += 1.0) {
        double z = profile_front(&e->pr, y + dy);
        if (!isnan(z) && z > centre_z) {
            set_point(out, e->pr.x_mid, y + dy, z);
            return;
        }
    }
    set_point(out, e->pr.x_mid, y, e->b.max[2]);
}

/* Typical nasion-to-vertex height of an adult head (about 115 mm), for guesses only. */
#define GUESS_NASION_BELOW_VERTEX_MM 115.0

static smp_status find_vertex(estimate *e) {
    smp_status s = SMP_OK;
    if (!e->pr.zf) s = fail(e, SMP_LM_VERTEX, "the midline plane barely meets the mesh");
    if (s == SMP_OK) set_point(e->out->p[SMP_LM_VERTEX], e->pr.x_mid, e->pr.vy, e->pr.vz);
    return s;
}

static smp_status find_nasion_point(estimate *e) {
    const profile *pr = &e->pr;
    int tip = -1;
    for (int i = 0; pr->zf && i < pr->samples; ++i)
        if (!isnan(pr->zf[i]) && (tip < 0 || pr->zf[i] > pr->zf[tip])) tip = i;
    int nasion = tip < 0 ? -1 : find_nasion(pr, tip);
    if (nasion >= 0) {
        set_point(e->out->p[SMP_LM_NASION], pr->x_mid, pr->y_lo + nasion * pr->step,
                  pr->zf[nasion]);
        return SMP_OK;
    }
    smp_status s = fail(e, SMP_LM_NASION,
                        tip < 0 ? "the midline profile has no front"
                                : "no hollow above the nose tip on the midline profile");
    if (s != SMP_OK) return s;
    double y = fmax(e->out->p[SMP_LM_VERTEX][1] - GUESS_NASION_BELOW_VERTEX_MM,
                    0.5 * ((double)e->b.min[1] + e->b.max[1]));
    front_guess(e, y, e->out->p[SMP_LM_NASION]);
    return SMP_OK;
}

/* Glabella: the most forward point of the brow within 40 mm above the nasion. */
static smp_status find_glabella(estimate *e) {
    const profile *pr = &e->pr;
    const double ny = e->out->p[SMP_LM_NASION][1];
    int best = -1;
    if (pr->zf) {
        const int from = sample_at(pr, ny);
        best = from;
        for (int j = from + 1; j < pr->samples && (j - from) * pr->step <= 40.0; ++j)
            if (!isnan(pr->zf[j]) && (isnan(pr->zf[best]) || pr->zf[j] > pr->zf[best])) best = j;
        if (best == from || isnan(pr->zf[best])) best = -1;
    }
    if (best >= 0) {
        set_point(e->out->p[SMP_LM_GLABELLA], pr->x_mid, pr->y_lo + best * pr->step, pr->zf[best]);
        return SMP_OK;
    }
    smp_status s = fail(e, SMP_LM_GLABELLA, "nothing rises above the nasion on the profile");
    if (s == SMP_OK) front_guess(e, ny + 12.0, e->out->p[SMP_LM_GLABELLA]);
    return s;
}

/* Inion: the back of the profile at the ear canals' height. */
static smp_status find_inion(estimate *e, double ty) {
    double back_z = e->pr.zf ? profile_z(e->pr.seg, e->pr.n, ty, 0) : NAN;
    smp_status s = SMP_OK;
    if (isnan(back_z)) {
        s = fail(e, SMP_LM_INION, "the profile has no back at the ear-canal height");
        back_z = e->b.min[2];
    }
    if (s == SMP_OK) set_point(e->out->p[SMP_LM_INION], e->pr.x_mid, ty, back_z);
    return s;
}

/* A ray from outside the head, else (guessing) the point the ray started from moved onto the
 * bounding box. */
static smp_status ray_landmark(estimate *e, smp_landmark_id id, const double o[3],
                               const double d[3], const char *why) {
    double hit[3];
    if (cast_ray(e->mesh, o, d, hit)) {
        set_point(e->out->p[id], hit[0], hit[1], hit[2]);
        return SMP_OK;
    }
    smp_status s = fail(e, id, why);
    if (s != SMP_OK) return s;
    double p[3];
    for (int k = 0; k < 3; ++k) p[k] = fmin(fmax(o[k], (double)e->b.min[k]), (double)e->b.max[k]);
    set_point(e->out->p[id], p[0], p[1], p[2]);
    return SMP_OK;
}

/* The lateral eye corner: the ray in front of where proportions put it, or, where that ray
 * finds no skin in front of the face (an open eye in a scan, a hole), the nearest ray up to
 * 16 mm further out that does: the corner is the skin at the eye's outer edge. */
static smp_status canthus(estimate *e, smp_landmark_id id, double o[3], const double d[3],
                          double outward, double front_z) {
    double hit[3];
    for (int step = 0; step <= 8; ++step) {
        double at[3] = {o[0] + outward * 2.0 * step, o[1], o[2]};
        if (cast_ray(e->mesh, at, d, hit) && hit[2] > front_z) {
            set_point(e->out->p[id], hit[0], hit[1], hit[2]);
            return SMP_OK;
        }
    }
    o[2] = front_z; /* last, from inside the head forwards: the first skin in front */
    return ray_landmark(e, id, o, (const double[3]){0, 0, 1.0}, "no skin in front of the eye");
}

/* Ear canals and eye corners: placed by head proportions measured from the profile, then
 * dropped onto the surface by rays from outside the head. */
static smp_status find_sides(estimate *e) {
    const smp_bounds *b = &e->b;
    float *p[SMP_LM_COUNT];
    for (int i = 0; i < SMP_LM_COUNT; ++i) p[i] = e->out->p[i];
    const double ny = p[SMP_LM_NASION][1], vy = p[SMP_LM_VERTEX][1], x_mid = e->pr.x_mid;
    const double ty = ny - TRAGION_BELOW_NASION * (vy - ny);
    smp_status s = SMP_OK;
    if (!is_given(e, SMP_LM_INION) && (s = find_inion(e, ty)) != SMP_OK) return s;
    const double tz = 0.5 * ((double)p[SMP_LM_GLABELLA][2] + p[SMP_LM_INION][2]);
    const double margin = 10.0;
    for (int side = 0; side < 2; ++side) {
        smp_landmark_id id = side ? SMP_LM_TRAGION_RIGHT : SMP_LM_TRAGION_LEFT;
        if (is_given(e, id)) continue;
        double o[3] = {side ? b->min[0] - margin : b->max[0] + margin, ty, tz};
        double d[3] = {side ? 1.0 : -1.0, 0.0, 0.0};
        if ((s = ray_landmark(e, id, o, d, "no surface at the side of the head at ear height")))
            return s;
    }
    const double cy = ny - CANTHUS_BELOW_NASION * (vy - ny);
    /* A hit behind this depth went through a hole (a scan's open eye) to the back of the head. */
    const double front_z = tz + 0.5 * ((double)p[SMP_LM_GLABELLA][2] - tz);
    for (int side = 0; side < 2; ++side) {
        smp_landmark_id id = side ? SMP_LM_CANTHUS_RIGHT : SMP_LM_CANTHUS_LEFT;
        if (is_given(e, id)) continue;
        double tx = p[side ? SMP_LM_TRAGION_RIGHT : SMP_LM_TRAGION_LEFT][0];
        double o[3] = {x_mid + CANTHUS_OF_TRAGION_X * (tx - x_mid), cy, b->max[2] + margin};
        double d[3] = {0.0, 0.0, -1.0};
        if ((s = canthus(e, id, o, d, tx > x_mid ? 1.0 : -1.0, front_z))) return s;
    }
    return SMP_OK;
}

static smp_status estimate_all(estimate *e) {
    for (int i = 0; i < SMP_LM_COUNT; ++i)
        if (is_given(e, (smp_landmark_id)i)) memcpy(e->out->p[i], e->given->p[i], sizeof(float[3]));
    smp_status s = profile_build(e);
    if (s == SMP_OK && !is_given(e, SMP_LM_VERTEX)) s = find_vertex(e);
    if (s == SMP_OK && !is_given(e, SMP_LM_NASION)) s = find_nasion_point(e);
    if (s == SMP_OK && !is_given(e, SMP_LM_GLABELLA)) s = find_glabella(e);
    if (s != SMP_OK) return s;
    if (e->out->p[SMP_LM_VERTEX][1] - e->out->p[SMP_LM_NASION][1] < 40.0f) {
        s = fail(e, is_given(e, SMP_LM_VERTEX) ? SMP_LM_NASION : SMP_LM_VERTEX,
                 "the top of the head is less than 40 mm above the nasion; the mesh is not a "
                 "head in mm, +Y up");
        if (s != SMP_OK) return s;
    }
    return find_sides(e);
}

smp_status smp_landmarks_estimate_given(const smp_mesh *mesh, const smp_landmarks *given,
                                        unsigned given_mask, int guess, smp_landmarks *out,
                                        unsigned *guessed, smp_error *err) {
    if (guessed) *guessed = 0;
    if (!mesh || !out || !mesh->positions || !mesh->indices || mesh->triangle_count == 0)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "landmarks: no mesh to estimate them on");
    estimate e = {.mesh = mesh,
                  .b = smp_mesh_bounds(mesh),
                  .given = given,
                  .given_mask = given ? given_mask & ((1u << SMP_LM_COUNT) - 1u) : 0u,
                  .guess = guess,
                  .out = out,
                  .err = err};
    smp_status s = estimate_all(&e);
    profile_free(&e.pr);
    if (guessed) *guessed = e.guessed;
    return s;
}

smp_status smp_landmarks_estimate(const smp_mesh *mesh, smp_landmarks *out, smp_error *err) {
    return smp_landmarks_estimate_given(mesh, NULL, 0, 0, out, NULL, err);
}
