/*
 * The built-in head as a star-shaped surface around the head-frame origin (the midpoint
 * between the ear canals). Along each direction the radius is the smooth union of where the
 * ray leaves each anatomical primitive: a superquadric skull, ellipsoids for face, cheeks,
 * jaw, chin, brow, nose, lips, ears, eyeballs and lids, an elliptic tube for the neck; the
 * orbits and the ears' conchae are pressed in as bowls before the eyeballs are added. Every
 * primitive's interior is reached from the origin through other primitives, so the union stays
 * star-shaped where it matters (cranium and scalp).
 *
 * Dimensions are those of an average adult (ISO/TR 7250-2 and the US Army ANSUR II survey),
 * measured on the default mesh: head length 194 mm (glabella to opisthocranion), breadth
 * 156 mm, horizontal circumference 574 mm, tragion-vertex 128 mm, menton-vertex ~230 mm,
 * bitragion 153 mm. Landmark heights follow the Frankfort horizontal through the ear canals:
 * eye corners ~14 mm above it, nasion ~24 mm, glabella ~33 mm, so a hairline 5-7 cm above the
 * glabella lands on the forehead well below the vertex.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "smp/head.h"

#define SMP_PI 3.14159265358979323846

typedef struct ellipsoid {
    float c[3];     /* centre, mm */
    float a[3];     /* semi-axes in its own frame, mm */
    float pitch;    /* rotation about +X, radians (tilts the +Y axis towards +Z) */
    float blend_mm; /* width of the smooth fillet where it joins what came before */
} ellipsoid;

/* The cranium: a superquadric around its own centre, fuller than an ellipsoid in plan view
 * (a skull's horizontal section is closer to a rounded box than an ellipse, which is what
 * puts the circumference at ~570 mm for a 195 x 155 mm head) and egg-shaped: narrower at the
 * forehead, widest over the parietals. Front and back, top and bottom have their own
 * semi-axes; the pieces meet with a common tangent. */
static const struct {
    double c[3]; /* centre, mm */
    double ax, ay_top, ay_bot, az_front, az_back;
    double taper;            /* breadth change from back to front, fraction */
    double m_plan, n_height; /* exponents: plan-view section, vertical profile */
} k_skull = {{0, 30, -2}, 77.5, 98, 80, 94, 93, 0.07, 2.6, 2.2};

/* The union in order of construction; fillet widths grow with the size of the joint. */
static const ellipsoid k_union[] = {
    {{0, -25, 0}, {66, 85, 92}, 0.0f, 34},     /* face: forehead to jaw */
    {{0, -42, 55}, {32, 26, 36}, 0.0f, 24},    /* maxilla and teeth under the lips */
    {{33, -20, 52}, {18, 20, 16}, 0.0f, 30},   /* left cheek */
    {{-33, -20, 52}, {18, 20, 16}, 0.0f, 30},  /* right cheek */
    {{0, -62, 4}, {54, 34, 74}, 0.0f, 26},     /* mandible, gonial angles */
    {{0, -80, 66}, {22, 16, 21}, 0.0f, 26},    /* chin */
    {{0, 33, 84}, {46, 10, 12}, 0.0f, 16},     /* brow ridge */
    {{0, 8, 95}, {6, 18, 8}, -0.58f, 10},      /* nasal bones, narrow at the root */
    {{0, -5, 101}, {10, 20, 10}, -0.58f, 12},  /* cartilage, wider towards the tip */
    {{0, -14, 109}, {9.5f, 8.5f, 9}, 0.0f, 9}, /* tip */
    {{12, -20, 97}, {6.5f, 6, 7}, 0.0f, 12},   /* left ala */
    {{-12, -20, 97}, {6.5f, 6, 7}, 0.0f, 12},  /* right ala */
    {{0, -41, 76}, {24, 5, 20}, 0.0f, 8},      /* upper lip */
    {{0, -51, 75}, {21, 5.5f, 19}, 0.0f, 8},   /* lower lip */
    {{76, -1, -20}, {9, 29, 16}, -0.30f, 6},   /* left ear */
    {{-76, -1, -20}, {9, 29, 16}, -0.30f, 6},  /* right ear */
};
/* Eyes: the orbit is carved first (a bowl, below), then the eyeball and the two lids are
 * added back; the lids are slightly wider than the ball and offset up and down, so they meet
 * in a fold across it and close over it at the corners, as on a relaxed face. Left eye
 * first, right eye mirrored. */
static const ellipsoid k_eyeballs[] = {
    {{32, 13, 61}, {13.5f, 11, 12}, 0.0f, 3},
    {{-32, 13, 61}, {13.5f, 11, 12}, 0.0f, 3},
};
static const ellipsoid k_lids[] = {
    {{32, 17, 61}, {15, 9, 12.6f}, 0.0f, 3}, /* upper */
    {{32, 8, 61}, {15, 8, 12.3f}, 0.0f, 3},  /* lower */
    {{-32, 17, 61}, {15, 9, 12.6f}, 0.0f, 3},
    {{-32, 8, 61}, {15, 8, 12.3f}, 0.0f, 3},
};

/* Hollows pressed into the union: a paraboloid around the direction of c, its floor depth_mm
 * beyond c and its curvature radii rx_mm across and ry_mm up, joined over blend_mm. */
typedef struct bowl {
    float c[3];
    float depth_mm, rx_mm, ry_mm, blend_mm;
} bowl;
static const bowl k_bowls[] = {
    {{32, 13, 61}, 6, 14, 7, 12},   /* left orbit */
    {{-32, 13, 61}, 6, 14, 7, 12},  /* right orbit */
    {{74, 2, -12}, 1.5f, 5, 7, 4},  /* left concha, the ear's hollow */
    {{-74, 2, -12}, 1.5f, 5, 7, 4}, /* right concha */
};

/* Neck: a vertical elliptic cylinder cut at y_min, its rim rounded over round_mm. */
static const struct {
    float cz, rx, rz, y_min, y_top, round_mm, blend_mm;
} k_neck = {-15, 57, 60, -165, 10, 22, 20};

/* Where the ray origin + t*d leaves an ellipsoid, continued smoothly past its silhouette.
 * With tc the ray parameter closest to the centre and q the squared half-chord (negative
 * when the ray misses), the exact exit is tc + sqrt(q). Inside, sqrt(q) becomes
 * q / sqrt(q + w²), the same for q >> w² but with slope 1/w instead of infinity at the
 * silhouette, where a star-shaped union would otherwise show a wall; outside, the line
 * tc + q / w continues it with that slope and drops away fast, so a thin feature (a lip, the
 * brow) does not smear sideways across the face. */
static float ellipsoid_exit(const ellipsoid *e, const float d[3]) {
    float cs = cosf(e->pitch), sn = sinf(e->pitch);
    float o[3] = {-e->c[0], -e->c[1], -e->c[2]};
    /* Into the ellipsoid's frame (inverse pitch), then scaled to the unit sphere. */
    float ol[3] = {o[0], cs * o[1] + sn * o[2], -sn * o[1] + cs * o[2]};
    float dl[3] = {d[0], cs * d[1] + sn * d[2], -sn * d[1] + cs * d[2]};
    float A = 0, B = 0, C = -1;
    for (int k = 0; k < 3; ++k) {
        float os = ol[k] / e->a[k], ds = dl[k] / e->a[k];
        A += ds * ds;
        B += 2 * os * ds;
        C += os * os;
    }
    float tc = -B / (2 * A);
    float q = tc * tc - C / A;
    float w = 0.5f * e->blend_mm;
    float t = q >= 0 ? tc + q / sqrtf(q + w * w) : tc + q / w;
    return t > 0 ? t : 0;
}

static float smooth_min(float a, float b, float k);

/* The skull's implicit function: < 1 inside, 1 on the surface. */
static double skull_f(const double p[3]) {
    double x = p[0] - k_skull.c[0], y = p[1] - k_skull.c[1], z = p[2] - k_skull.c[2];
    double Z = z / (z >= 0 ? k_skull.az_front : k_skull.az_back);
    double X = x / (k_skull.ax * (1.0 - k_skull.taper * fmin(fmax(Z, -1.0), 1.0)));
    double Y = y / (y >= 0 ? k_skull.ay_top : k_skull.ay_bot);
    double plan = pow(fabs(X), k_skull.m_plan) + pow(fabs(Z), k_skull.m_plan);
    return pow(plan, k_skull.n_height / k_skull.m_plan) + pow(fabs(Y), k_skull.n_height);
}

/* The skull's gauge along the ray minus one: the implicit function to the power 1/n is
 * homogeneous of degree one about the centre, so it grows almost linearly along a ray and
 * the secant steps below land close to the root from the first one. */
static double skull_along(const float d[3], double t) {
    double p[3] = {t * d[0], t * d[1], t * d[2]};
    return pow(skull_f(p), 1.0 / k_skull.n_height) - 1.0;
}

/* Where the ray t*d leaves the skull. The origin is well inside and the solid is convex in
 * all but the gentle taper, so the ray crosses the surface once, within 150 mm: refine that
 * bracket by regula falsi with the Illinois fix (superlinear, never leaves the bracket) to
 * well below float resolution. */
static float skull_exit(const float d[3]) {
    double a = 0, b = 150, fa = skull_along(d, a), fb = skull_along(d, b);
    int side = 0;
    for (int it = 0; it < 64 && b - a > 1e-5; ++it) {
        double t = (a * fb - b * fa) / (fb - fa), ft = skull_along(d, t);
        if (fabs(ft) < 1e-9) return (float)t;
        if (ft > 0) {
            b = t, fb = ft;
            if (side == 1) fa *= 0.5;
            side = 1;
        } else {
            a = t, fa = ft;
            if (side == -1) fb *= 0.5;
            side = -1;
        }
    }
    return (float)(0.5 * (a + b));
}

/* The neck's radius along d: where the ray leaves the tube or crosses the cut, whichever
 * comes first (smoothly, so the rim is round). */
static float neck_exit(const float d[3]) {
    float dx = d[0] / k_neck.rx, dz = d[2] / k_neck.rz, oz = -k_neck.cz / k_neck.rz;
    float A = dx * dx + dz * dz, B = 2 * oz * dz, C = oz * oz - 1;
    float t_side = A > 1e-12f ? (-B + sqrtf(B * B - 4 * A * C)) / (2 * A) : 1e6f;
    /* Cut below; above, the tube ends inside the skull at y_top > 0, so that as the ray turns
     * horizontal from either side the cut runs off to infinity and only the wall is left. */
    float t_cut = d[1] < -1e-6f ? k_neck.y_min / d[1] : d[1] > 1e-6f ? k_neck.y_top / d[1] : 1e6f;
    return smooth_min(t_side, t_cut, k_neck.round_mm);
}

/* Polynomial smooth maximum: equals max(a, b) once they differ by more than k. */
static float smooth_max(float a, float b, float k) {
    if (k <= 0) return fmaxf(a, b);
    float h = fmaxf(k - fabsf(a - b), 0.0f) / k;
    return fmaxf(a, b) + h * h * k * 0.25f;
}

static float smooth_min(float a, float b, float k) { return -smooth_max(-a, -b, k); }

/* The bowl's radius along d: where the ray crosses the plane through c facing the origin, the
 * in-plane offset (u across, v up) raises the floor parabolically. Rays that run away from c
 * see no bowl. */
static float bowl_radius(const bowl *b, const float d[3]) {
    float len = sqrtf(b->c[0] * b->c[0] + b->c[1] * b->c[1] + b->c[2] * b->c[2]);
    float n[3] = {b->c[0] / len, b->c[1] / len, b->c[2] / len};
    float cos_angle = d[0] * n[0] + d[1] * n[1] + d[2] * n[2];
    if (cos_angle < 0.5f) return 1e6f;
    /* Across: horizontal and in the plane; up: completes the frame. */
    float h = sqrtf(n[0] * n[0] + n[2] * n[2]);
    float ex[3] = {n[2] / h, 0, -n[0] / h};
    float ey[3] = {n[1] * ex[2] - n[2] * ex[1], n[2] * ex[0] - n[0] * ex[2],
                   n[0] * ex[1] - n[1] * ex[0]};
    float t = len / cos_angle, q[3];
    for (int k = 0; k < 3; ++k) q[k] = d[k] * t - b->c[k];
    float u = q[0] * ex[0] + q[1] * ex[1] + q[2] * ex[2];
    float v = q[0] * ey[0] + q[1] * ey[1] + q[2] * ey[2];
    return len + b->depth_mm + u * u / (2 * b->rx_mm) + v * v / (2 * b->ry_mm);
}

float smp_head_radius_mm(const float dir[3]) {
    float r = skull_exit(dir);
    r = smooth_max(r, neck_exit(dir), k_neck.blend_mm);
    for (size_t i = 0; i < sizeof k_union / sizeof k_union[0]; ++i)
        r = smooth_max(r, ellipsoid_exit(&k_union[i], dir), k_union[i].blend_mm);
    for (size_t i = 0; i < sizeof k_bowls / sizeof k_bowls[0]; ++i)
        r = smooth_min(r, bowl_radius(&k_bowls[i], dir), k_bowls[i].blend_mm);
    for (size_t i = 0; i < sizeof k_eyeballs / sizeof k_eyeballs[0]; ++i)
        r = smooth_max(r, ellipsoid_exit(&k_eyeballs[i], dir), k_eyeballs[i].blend_mm);
    for (size_t i = 0; i < sizeof k_lids / sizeof k_lids[0]; ++i)
        r = smooth_max(r, ellipsoid_exit(&k_lids[i], dir), k_lids[i].blend_mm);
    return r;
}

/* Cube-face frames with s x t = n, so (i, j) grid cells wind counter-clockwise outside. */
static const float k_faces[6][3][3] = {
    {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, {{-1, 0, 0}, {0, 0, 1}, {0, 1, 0}},
    {{0, 1, 0}, {0, 0, 1}, {1, 0, 0}}, {{0, -1, 0}, {1, 0, 0}, {0, 0, 1}},
    {{0, 0, 1}, {1, 0, 0}, {0, 1, 0}}, {{0, 0, -1}, {0, 1, 0}, {1, 0, 0}},
};

/* Equal-angle warp of the cube face so cells are near-uniform on the sphere. k runs -n..n;
 * tan is odd and -k*c is exactly -(k*c), so two faces sharing an edge compute bit-identical
 * coordinates there and the edge vertices coincide exactly. */
static float warp(int k, int n) {
    if (k == n) return 1.0f;
    if (k == -n) return -1.0f;
    return (float)tan((double)k * (SMP_PI / 4.0) / (double)n);
}

smp_status smp_head_build(const smp_head_desc *desc, smp_mesh *out, smp_error *err) {
    int n = desc && desc->resolution ? desc->resolution : 96;
    if (n < 4 || n > 1024)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "head resolution %d out of range 4..1024",
                             n);
    uint32_t per_face_v = (uint32_t)((n + 1) * (n + 1));
    uint32_t per_face_t = (uint32_t)(2 * n * n);
    smp_status s = smp_mesh_alloc(out, 6 * per_face_v, 6 * per_face_t, err);
    if (s != SMP_OK) return s;

    for (int f = 0; f < 6; ++f) {
        const float *nrm = k_faces[f][0], *sa = k_faces[f][1], *ta = k_faces[f][2];
        /* UV atlas: the six faces in a 3 x 2 grid of cells, so no triangle straddles a seam. */
        float u0 = (float)(f % 3) / 3.0f, v0 = (float)(f / 3) / 2.0f;
        /* Each vertex depends only on its own direction, so rows can go to any thread and the
         * mesh is the same bits whatever the thread count. */
#pragma omp parallel for schedule(static)
        for (int j = 0; j <= n; ++j) {
            for (int i = 0; i <= n; ++i) {
                float a = warp(2 * i - n, n), b = warp(2 * j - n, n);
                float d[3];
                for (int k = 0; k < 3; ++k) d[k] = nrm[k] + a * sa[k] + b * ta[k];
                float len = sqrtf(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
                for (int k = 0; k < 3; ++k) d[k] /= len;
                float r = smp_head_radius_mm(d);
                size_t v = (size_t)f * per_face_v + (size_t)j * (size_t)(n + 1) + (size_t)i;
                for (int k = 0; k < 3; ++k) out->positions[3 * v + k] = d[k] * r;
                out->uvs[2 * v + 0] = u0 + (float)i / (float)n / 3.0f;
                out->uvs[2 * v + 1] = v0 + (float)j / (float)n / 2.0f;
            }
        }
        for (int j = 0; j < n; ++j) {
            for (int i = 0; i < n; ++i) {
                uint32_t base = (uint32_t)f * per_face_v;
                uint32_t v00 = base + (uint32_t)(j * (n + 1) + i), v10 = v00 + 1;
                uint32_t v01 = v00 + (uint32_t)(n + 1), v11 = v01 + 1;
                uint32_t *t = out->indices + 3 * ((size_t)f * per_face_t + 2 * (size_t)(j * n + i));
                /* Split each cell along the diagonal that alternates like a checkerboard, so
                 * no diagonal direction dominates the shading. */
                if ((i + j) & 1) {
                    t[0] = v00, t[1] = v10, t[2] = v11;
                    t[3] = v00, t[4] = v11, t[5] = v01;
                } else {
                    t[0] = v00, t[1] = v10, t[2] = v01;
                    t[3] = v10, t[4] = v11, t[5] = v01;
                }
            }
        }
    }
    smp_mesh_compute_normals(out);
    return SMP_OK;
}

static void normalize_into(const float v[3], float out[3]) {
    float len = sqrtf(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    for (int k = 0; k < 3; ++k) out[k] = v[k] / len;
}

void smp_head_feature_dirs(float inion_dir[3], float canthus_left_dir[3]) {
    /* Under the scalp the external occipital protuberance is too slight to model (a bump reads
     * as a lump in renders); it lies on the back midline level with the ear canals. */
    const float inion[3] = {0, 0, -1};
    /* The lateral end of the left eye's opening. */
    const ellipsoid *eye = &k_eyeballs[0];
    const float canthus[3] = {eye->c[0] + eye->a[0], eye->c[1], eye->c[2]};
    normalize_into(inion, inion_dir);
    normalize_into(canthus, canthus_left_dir);
}
