/*
 * Landmark names, the landmarks of the procedural head, and the check that landmarks lie on a
 * mesh.
 *
 * The procedural landmarks are found on smp_head_radius_mm itself rather than written down as
 * numbers, so they follow the head when its shape is tuned: the vertex, glabella and nasion are
 * extrema of the midline profile, the tragions are where the head frame's X axis meets the
 * surface (the frame is defined by them), and the inion and eye corners, which no extremum
 * marks, come from directions the shape defines (smp_head_feature_dirs). Every point is a
 * direction scaled by the radius along it, so it is on the analytic surface to float rounding.
 */
#include "smp/landmarks.h"

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "smp/head.h"

#define SMP_PI 3.14159265358979323846

static const char *const k_names[SMP_LM_COUNT] = {
    [SMP_LM_GLABELLA] = "glabella",
    [SMP_LM_NASION] = "nasion",
    [SMP_LM_VERTEX] = "vertex",
    [SMP_LM_INION] = "inion",
    [SMP_LM_TRAGION_LEFT] = "tragion_left",
    [SMP_LM_TRAGION_RIGHT] = "tragion_right",
    [SMP_LM_CANTHUS_LEFT] = "canthus_left",
    [SMP_LM_CANTHUS_RIGHT] = "canthus_right",
};

const char *smp_landmark_name(smp_landmark_id id) {
    return (unsigned)id < SMP_LM_COUNT ? k_names[id] : NULL;
}

smp_landmark_id smp_landmark_from_name(const char *name) {
    if (!name) return SMP_LM_COUNT;
    for (int i = 0; i < SMP_LM_COUNT; ++i)
        if (strcmp(name, k_names[i]) == 0) return (smp_landmark_id)i;
    return SMP_LM_COUNT;
}

/* ---- procedural head ------------------------------------------------------------------- */

/* A midline direction at angle a (radians) in the sagittal plane, measured from +Z (front)
 * towards +Y (up); a past pi/2 runs over the top to the back. */
static void midline_dir(double a, float d[3]) {
    d[0] = 0.0f;
    d[1] = (float)sin(a);
    d[2] = (float)cos(a);
}

static void surface_point(const float d[3], float p[3]) {
    float r = smp_head_radius_mm(d);
    for (int k = 0; k < 3; ++k) p[k] = d[k] * r;
}

typedef enum { COORD_Y = 1, COORD_Z = 2 } coord;

/* The coordinate `axis` of the midline surface point at angle a, with sign: maximising it
 * finds the highest or most forward point, minimising the deepest. */
static double midline_coord(double a, coord axis, double sign) {
    float d[3], p[3];
    midline_dir(a, d);
    surface_point(d, p);
    return sign * (double)p[axis];
}

/* Golden-section search for the maximum of sign * coord on [lo, hi], which the caller has
 * bracketed to one sample spacing around a sampled maximum, so the function is unimodal there. */
static double refine_max(double lo, double hi, coord axis, double sign) {
    const double g = 0.5 * (sqrt(5.0) - 1.0);
    double x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo);
    double f1 = midline_coord(x1, axis, sign), f2 = midline_coord(x2, axis, sign);
    for (int it = 0; it < 48 && hi - lo > 1e-9; ++it) {
        if (f1 < f2) {
            lo = x1, x1 = x2, f1 = f2;
            x2 = lo + g * (hi - lo), f2 = midline_coord(x2, axis, sign);
        } else {
            hi = x2, x2 = x1, f2 = f1;
            x1 = hi - g * (hi - lo), f1 = midline_coord(x1, axis, sign);
        }
    }
    return 0.5 * (lo + hi);
}

enum { PROFILE_STEPS = 480 };

void smp_landmarks_procedural(smp_landmarks *out) {
    const double deg = SMP_PI / 180.0;

    /* Vertex: the highest point of the midline, searched over the top of the head. */
    {
        double lo = 30 * deg, hi = 150 * deg, step = (hi - lo) / PROFILE_STEPS, best = lo;
        double best_y = -DBL_MAX;
        for (int i = 0; i <= PROFILE_STEPS; ++i) {
            double y = midline_coord(lo + i * step, COORD_Y, 1.0);
            if (y > best_y) best_y = y, best = lo + i * step;
        }
        float d[3];
        midline_dir(refine_max(best - step, best + step, COORD_Y, 1.0), d);
        surface_point(d, out->p[SMP_LM_VERTEX]);
    }

    /* Face profile from below the nose to the forehead: the nose tip is its most forward point
     * low down; walking up from it, the first hollow is the nasion, and the most forward point
     * above that is the glabella (the forehead recedes above the brow). */
    {
        double lo = -40 * deg, hi = 60 * deg, step = (hi - lo) / PROFILE_STEPS;
        double z[PROFILE_STEPS + 1];
        for (int i = 0; i <= PROFILE_STEPS; ++i) z[i] = midline_coord(lo + i * step, COORD_Z, 1);
        int tip = 0;
        for (int i = 0; lo + i * step <= 15 * deg; ++i)
            if (z[i] > z[tip]) tip = i;
        int nasion = tip;
        while (nasion < PROFILE_STEPS && z[nasion + 1] <= z[nasion]) ++nasion;
        int glabella = nasion;
        for (int i = nasion; i <= PROFILE_STEPS; ++i)
            if (z[i] > z[glabella]) glabella = i;
        double a_n = refine_max(lo + (nasion - 1) * step, lo + (nasion + 1) * step, COORD_Z, -1);
        double a_g = refine_max(lo + (glabella - 1) * step, lo + (glabella + 1) * step, COORD_Z, 1);
        float d[3];
        midline_dir(a_n, d);
        surface_point(d, out->p[SMP_LM_NASION]);
        midline_dir(a_g, d);
        surface_point(d, out->p[SMP_LM_GLABELLA]);
    }

    /* The head frame's origin is the mid-tragion point and +X runs through the left one, so
     * the tragions are where the X axis leaves the surface: symmetric by construction. */
    {
        const float left[3] = {1, 0, 0}, right[3] = {-1, 0, 0};
        surface_point(left, out->p[SMP_LM_TRAGION_LEFT]);
        surface_point(right, out->p[SMP_LM_TRAGION_RIGHT]);
    }

    {
        float inion[3], canthus[3];
        smp_head_feature_dirs(inion, canthus);
        surface_point(inion, out->p[SMP_LM_INION]);
        surface_point(canthus, out->p[SMP_LM_CANTHUS_LEFT]);
        canthus[0] = -canthus[0];
        surface_point(canthus, out->p[SMP_LM_CANTHUS_RIGHT]);
    }
}

/* ---- distance to a mesh ---------------------------------------------------------------- */

static double dot3(const double a[3], const double b[3]) {
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/* Squared distance from p to triangle abc: the closest point is found by deciding which
 * Voronoi region of the triangle (a vertex, an edge or the face) p projects into, using the
 * barycentric signs; degenerate triangles fall through to an edge or vertex. */
static double point_triangle_dist2(const double p[3], const float *fa, const float *fb,
                                   const float *fc) {
    double a[3], ab[3], ac[3], ap[3];
    for (int k = 0; k < 3; ++k) {
        a[k] = fa[k];
        ab[k] = (double)fb[k] - fa[k];
        ac[k] = (double)fc[k] - fa[k];
        ap[k] = p[k] - fa[k];
    }
    double q[3];
    double d1 = dot3(ab, ap), d2 = dot3(ac, ap);
    if (d1 <= 0 && d2 <= 0) {
        memcpy(q, a, sizeof q);
    } else {
        double bp[3], cp[3];
        for (int k = 0; k < 3; ++k) bp[k] = p[k] - fb[k], cp[k] = p[k] - fc[k];
        double d3 = dot3(ab, bp), d4 = dot3(ac, bp), d5 = dot3(ab, cp), d6 = dot3(ac, cp);
        double vc = d1 * d4 - d3 * d2, vb = d5 * d2 - d1 * d6, va = d3 * d6 - d5 * d4;
        if (d3 >= 0 && d4 <= d3) {
            for (int k = 0; k < 3; ++k) q[k] = fb[k];
        } else if (d6 >= 0 && d5 <= d6) {
            for (int k = 0; k < 3; ++k) q[k] = fc[k];
        } else if (vc <= 0 && d1 >= 0 && d3 <= 0) {
            double v = d1 / (d1 - d3);
            for (int k = 0; k < 3; ++k) q[k] = a[k] + v * ab[k];
        } else if (vb <= 0 && d2 >= 0 && d6 <= 0) {
            double w = d2 / (d2 - d6);
            for (int k = 0; k < 3; ++k) q[k] = a[k] + w * ac[k];
        } else if (va <= 0 && d4 - d3 >= 0 && d5 - d6 >= 0) {
            double w = (d4 - d3) / ((d4 - d3) + (d5 - d6));
            for (int k = 0; k < 3; ++k) q[k] = fb[k] + w * ((double)fc[k] - fb[k]);
        } else {
            double denom = 1.0 / (va + vb + vc);
            double v = vb * denom, w = vc * denom;
            for (int k = 0; k < 3; ++k) q[k] = a[k] + ab[k] * v + ac[k] * w;
        }
    }
    double e[3] = {p[0] - q[0], p[1] - q[1], p[2] - q[2]};
    return dot3(e, e);
}

smp_status smp_landmarks_check_on_surface(const smp_mesh *mesh, const smp_landmarks *lm,
                                          float tolerance_mm, smp_error *err) {
    if (!mesh || !lm || !mesh->positions || !mesh->indices || mesh->triangle_count == 0)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "landmarks: no mesh with triangles to check them against");
    if (!(tolerance_mm >= 0.0f) || !isfinite(tolerance_mm))
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "landmarks: tolerance %g mm is not a finite distance >= 0",
                             (double)tolerance_mm);
    for (int i = 0; i < SMP_LM_COUNT; ++i) {
        const float *pf = lm->p[i];
        if (!isfinite(pf[0]) || !isfinite(pf[1]) || !isfinite(pf[2]))
            return smp_error_set(err, SMP_ERR_INVALID_ARG,
                                 "landmark %s is not a finite point (%g, %g, %g)", k_names[i],
                                 (double)pf[0], (double)pf[1], (double)pf[2]);
        double p[3] = {pf[0], pf[1], pf[2]}, best = DBL_MAX;
        for (uint32_t t = 0; t < mesh->triangle_count; ++t) {
            const uint32_t *tri = mesh->indices + 3 * (size_t)t;
            if (tri[0] >= mesh->vertex_count || tri[1] >= mesh->vertex_count ||
                tri[2] >= mesh->vertex_count)
                return smp_error_set(err, SMP_ERR_INVALID_ARG,
                                     "landmarks: triangle %u indexes past the %u vertices", t,
                                     mesh->vertex_count);
            double d2 = point_triangle_dist2(p, mesh->positions + 3 * (size_t)tri[0],
                                             mesh->positions + 3 * (size_t)tri[1],
                                             mesh->positions + 3 * (size_t)tri[2]);
            if (d2 < best) best = d2;
        }
        double dist = sqrt(best);
        if (dist > tolerance_mm)
            return smp_error_set(err, SMP_ERR_INVALID_ARG,
                                 "landmark %s at (%.1f, %.1f, %.1f) mm is %.2f mm from the head "
                                 "surface (tolerance %.2f mm)",
                                 k_names[i], p[0], p[1], p[2], dist, (double)tolerance_mm);
    }
    return SMP_OK;
}
