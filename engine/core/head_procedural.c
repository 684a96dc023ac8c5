/*
 * The built-in head as a star-shaped surface around the head-frame origin (the midpoint
 * between the ear canals). Along each direction the radius is the smooth union of where the
 * ray leaves each anatomical primitive: ellipsoids for cranium, face, jaw, nose, brow, lips,
 * ears and eyes, an elliptic tube for the neck; eye sockets are carved out before
 * the eyeballs are added. Every primitive's interior is reached from the origin through other
 * primitives, so the union stays star-shaped where it matters (cranium and scalp).
 *
 * Dimensions are those of an average adult (ISO/TR 7250-2 and the US Army ANSUR II survey:
 * head length ~196 mm, breadth ~155 mm, tragion–vertex ~130 mm, menton–vertex ~230 mm,
 * bizygomatic ~140 mm, bigonial ~110 mm).
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

/* The union in order of construction; fillet widths grow with the size of the joint. */
static const ellipsoid k_cranium = {{0, 34, -8}, {77, 99, 96}, 0.0f, 0};
static const ellipsoid k_union[] = {
    {{0, -20, 24}, {66, 70, 68}, 0.0f, 26},  /* midface and cheeks */
    {{0, -52, 22}, {56, 44, 58}, 0.0f, 22},  /* mandible, gonial angles */
    {{0, -84, 64}, {20, 14, 18}, 0.0f, 12},  /* chin */
    {{0, 24, 77}, {50, 9, 12}, 0.0f, 10},    /* brow ridge */
    {{0, -10, 93}, {9, 25, 13}, -0.40f, 5},  /* nasal bridge and tip */
    {{0, -27, 98}, {15, 7, 9}, 0.0f, 5},     /* alae */
    {{0, -46, 90}, {20, 5, 7}, 0.0f, 4},     /* upper lip */
    {{0, -57, 88}, {18, 5, 7}, 0.0f, 4},     /* lower lip */
    {{75, 2, -14}, {10, 31, 17}, 0.25f, 6},  /* left ear */
    {{-75, 2, -14}, {10, 31, 17}, 0.25f, 6}, /* right ear */
};
static const ellipsoid k_eyes[] = {
    {{32, 6, 64}, {12, 8, 11}, 0.0f, 3},
    {{-32, 6, 64}, {12, 8, 11}, 0.0f, 3},
};

/* Neck: a vertical elliptic cylinder cut at y_min, its rim rounded over round_mm. */
static const struct {
    float cz, rx, rz, y_min, y_top, round_mm, blend_mm;
} k_neck = {-16, 50, 54, -175, 20, 14, 30};

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

float smp_head_radius_mm(const float dir[3]) {
    float r = ellipsoid_exit(&k_cranium, dir);
    r = smooth_max(r, neck_exit(dir), k_neck.blend_mm);
    for (size_t i = 0; i < sizeof k_union / sizeof k_union[0]; ++i)
        r = smooth_max(r, ellipsoid_exit(&k_union[i], dir), k_union[i].blend_mm);
    /* Orbits: the surface is pulled in around each eye before the eyeball is added back. */
    for (size_t i = 0; i < sizeof k_eyes / sizeof k_eyes[0]; ++i) {
        const float *c = k_eyes[i].c;
        float len = sqrtf(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]);
        float cos_angle = (dir[0] * c[0] + dir[1] * c[1] + dir[2] * c[2]) / len;
        float angle = acosf(fminf(fmaxf(cos_angle, -1.0f), 1.0f));
        float socket = len + 4.0f + 300.0f * angle * angle; /* a bowl around the eye */
        r = smooth_min(r, socket, 10.0f);
        r = smooth_max(r, ellipsoid_exit(&k_eyes[i], dir), k_eyes[i].blend_mm);
    }
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
