/* The procedural head: anatomical dimensions, a closed outward surface, no seams, determinism. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "smp/head.h"
#include "smp/landmarks.h"

static float radius_towards(float x, float y, float z) {
    float len = sqrtf(x * x + y * y + z * z);
    float d[3] = {x / len, y / len, z / len};
    return smp_head_radius_mm(d);
}

/* The mesh cut by the plane n.p = c: total length of the cut, and the cut's extent along X,
 * counting only segments whose points satisfy y >= y_min. */
typedef struct section {
    double perimeter_mm, half_width_mm, max_z, min_z;
} section;

static section cut(const smp_mesh *m, const double n[3], double c, double y_min) {
    section s = {0, 0, -1e9, 1e9};
    for (uint32_t t = 0; t < m->triangle_count; ++t) {
        const float *v[3];
        double f[3], q[2][3];
        int k = 0;
        for (int i = 0; i < 3; ++i) {
            v[i] = m->positions + 3 * m->indices[3 * t + i];
            f[i] = n[0] * v[i][0] + n[1] * v[i][1] + n[2] * v[i][2] - c;
        }
        for (int i = 0; i < 3 && k < 2; ++i) {
            int j = (i + 1) % 3;
            if ((f[i] < 0) == (f[j] < 0)) continue;
            double a = f[i] / (f[i] - f[j]);
            for (int d = 0; d < 3; ++d) q[k][d] = v[i][d] + a * (v[j][d] - v[i][d]);
            ++k;
        }
        if (k < 2 || q[0][1] < y_min || q[1][1] < y_min) continue;
        double dx = q[0][0] - q[1][0], dy = q[0][1] - q[1][1], dz = q[0][2] - q[1][2];
        s.perimeter_mm += sqrt(dx * dx + dy * dy + dz * dz);
        for (int e = 0; e < 2; ++e) {
            s.half_width_mm = fmax(s.half_width_mm, fabs(q[e][0]));
            s.max_z = fmax(s.max_z, q[e][2]);
            s.min_z = fmin(s.min_z, q[e][2]);
        }
    }
    return s;
}

/* Adult ranges from anthropometric surveys (ANSUR II, ISO/TR 7250-2), measured on the built
 * mesh the way an anthropometrist would: length from the glabella to the farthest point of the
 * back of the skull, breadth across the parietals above the ears, and the circumference in the
 * plane through the glabella and that farthest point (opisthocranion). */
Test(head, cranium_dimensions_are_anatomical) {
    smp_head_desc d = {0};
    smp_mesh m = {0};
    smp_error err = {0};
    cr_assert_eq(smp_head_build(&d, &m, &err), SMP_OK, "%s", err.message);
    smp_landmarks lm;
    smp_landmarks_procedural(&lm);
    const float *g = lm.p[SMP_LM_GLABELLA];

    /* Opisthocranion: the most posterior point of the midline section, above the neck. */
    double op_y = 0, op_z = 1e9;
    for (uint32_t t = 0; t < m.vertex_count; ++t) {
        const float *p = m.positions + 3 * t;
        if (fabsf(p[0]) < 1.5f && p[1] > -20 && p[2] < op_z) op_z = p[2], op_y = p[1];
    }
    double length = g[2] - op_z;
    cr_assert(length >= 190 && length <= 200, "head length %.1f mm", length);

    /* Maximum breadth: the widest horizontal section between the ear tops and the vertex. */
    double breadth = 0;
    for (double y = 40; y < 110; y += 2) {
        const double up[3] = {0, 1, 0};
        breadth = fmax(breadth, 2 * cut(&m, up, y, -1e9).half_width_mm);
    }
    cr_assert(breadth >= 150 && breadth <= 160, "head breadth %.1f mm", breadth);

    double dy = g[1] - op_y, dz = g[2] - op_z, len = sqrt(dy * dy + dz * dz);
    const double n[3] = {0, dz / len, -dy / len};
    section s = cut(&m, n, n[1] * g[1] + n[2] * g[2], -1e9);
    cr_assert(s.perimeter_mm >= 560 && s.perimeter_mm <= 580, "head circumference %.1f mm",
              s.perimeter_mm);
    /* One closed loop round the skull: the plane passes above the ears and the face. */
    cr_assert_float_eq(s.max_z - s.min_z, length, 1.0, "section spans %.1f mm", s.max_z - s.min_z);
    cr_assert_lt(s.half_width_mm, 0.5 * breadth + 5, "section half-width %.1f", s.half_width_mm);
    smp_mesh_free(&m);
}

Test(head, vertex_height_is_anatomical) {
    float vertex = radius_towards(0, 1, 0);
    cr_assert(vertex > 115 && vertex < 135, "tragion-vertex height %.1f mm", vertex);
}

Test(head, mesh_is_valid_closed_and_outward) {
    smp_head_desc d = {.resolution = 48};
    smp_mesh m = {0};
    smp_error err = {0};
    cr_assert_eq(smp_head_build(&d, &m, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(smp_mesh_validate(&m, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(m.vertex_count, 6u * 49u * 49u);
    cr_assert_eq(m.triangle_count, 6u * 2u * 48u * 48u);
    /* Whole head surface of an adult with neck stump: roughly 1000-1600 cm². */
    double area_cm2 = smp_mesh_area_mm2(&m) / 100.0;
    cr_assert(area_cm2 > 900 && area_cm2 < 1700, "area %.0f cm2", area_cm2);
    smp_bounds b = smp_mesh_bounds(&m);
    cr_assert(b.max[1] - b.min[1] > 260 && b.max[1] - b.min[1] < 340, "height %.0f",
              b.max[1] - b.min[1]);
    /* On the cranium the normals point away from the centre: no inverted winding. */
    for (uint32_t v = 0; v < m.vertex_count; ++v) {
        const float *p = m.positions + 3 * v, *n = m.normals + 3 * v;
        cr_assert_float_eq(n[0] * n[0] + n[1] * n[1] + n[2] * n[2], 1.0f, 1e-4);
        if (p[1] > 60.0f) cr_assert_gt(n[0] * p[0] + n[1] * p[1] + n[2] * p[2], 0.0f);
    }
    /* The vector area of a closed surface is zero, so its signed volume is the same from any
     * origin; a hole would make the two sums below differ. Positive volume: outward winding. */
    double vol0 = 0, vol1 = 0;
    for (uint32_t t = 0; t < m.triangle_count; ++t) {
        const float *a = m.positions + 3 * m.indices[3 * t],
                    *bb = m.positions + 3 * m.indices[3 * t + 1],
                    *c = m.positions + 3 * m.indices[3 * t + 2];
        double cx = (double)(bb[1] - a[1]) * (c[2] - a[2]) - (double)(bb[2] - a[2]) * (c[1] - a[1]);
        double cy = (double)(bb[2] - a[2]) * (c[0] - a[0]) - (double)(bb[0] - a[0]) * (c[2] - a[2]);
        double cz = (double)(bb[0] - a[0]) * (c[1] - a[1]) - (double)(bb[1] - a[1]) * (c[0] - a[0]);
        vol0 += (a[0] * cx + a[1] * cy + a[2] * cz) / 6.0;
        vol1 += ((a[0] - 500.0) * cx + (a[1] + 300.0) * cy + (a[2] - 100.0) * cz) / 6.0;
    }
    cr_assert_gt(vol0, 3.0e6, "volume %.0f mm3", vol0); /* a head is 4-6 litres */
    cr_assert_lt(vol0, 8.0e6, "volume %.0f mm3", vol0);
    cr_assert_float_eq(vol0, vol1, vol0 * 1e-6, "surface is not closed");
    smp_mesh_free(&m);
}

Test(head, vertices_on_cube_edges_coincide_and_share_normals) {
    smp_head_desc d = {.resolution = 16};
    smp_mesh m = {0};
    smp_error err = {0};
    cr_assert_eq(smp_head_build(&d, &m, &err), SMP_OK);
    /* Face 0 (+X) column i = n and face 4 (+Z) column i = n both lie on the x = z edge. */
    const uint32_t n = 16, per_face = (n + 1) * (n + 1);
    int matched = 0;
    for (uint32_t a = 0; a < per_face; ++a)
        for (uint32_t b = 4 * per_face; b < 5 * per_face; ++b)
            if (memcmp(m.positions + 3 * a, m.positions + 3 * b, 12) == 0) {
                cr_assert_eq(memcmp(m.normals + 3 * a, m.normals + 3 * b, 12), 0,
                             "normals differ at a seam");
                ++matched;
            }
    cr_assert_eq(matched, (int)n + 1, "cube faces do not meet exactly: %d shared", matched);
    smp_mesh_free(&m);
}

Test(head, build_is_deterministic) {
    smp_head_desc d = {.resolution = 32};
    smp_mesh a = {0}, b = {0};
    smp_error err = {0};
    cr_assert_eq(smp_head_build(&d, &a, &err), SMP_OK);
    cr_assert_eq(smp_head_build(&d, &b, &err), SMP_OK);
    cr_assert_eq(memcmp(a.positions, b.positions, 12 * a.vertex_count), 0);
    cr_assert_eq(memcmp(a.normals, b.normals, 12 * a.vertex_count), 0);
    smp_mesh_free(&a);
    smp_mesh_free(&b);
}

Test(head, resolution_out_of_range_is_rejected) {
    smp_mesh m = {0};
    smp_error err = {0};
    smp_head_desc d = {.resolution = 2};
    cr_assert_eq(smp_head_build(&d, &m, &err), SMP_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.message, "resolution"));
    d.resolution = 5000;
    cr_assert_eq(smp_head_build(&d, &m, &err), SMP_ERR_INVALID_ARG);
    cr_assert_null(m.positions);
}

/* The face reads as a face: the nose stands out of it. (The eye sockets once carved the whole
 * midline flat, nose and brow with it.) */
Test(head, nose_projects_in_front_of_the_cheeks) {
    float tip_z = 0;
    for (int y = -30; y <= 0; ++y) {
        float len = sqrtf((float)(y * y) + 100.0f * 100.0f);
        float z = radius_towards(0, (float)y, 100) * 100.0f / len;
        if (z > tip_z) tip_z = z;
    }
    float cheek_dir_len = sqrtf(35 * 35 + 15 * 15 + 90 * 90);
    float cheek_z = radius_towards(35, -15, 90) * 90 / cheek_dir_len;
    cr_assert(tip_z > 100 && tip_z < 125, "nose tip at z = %.1f mm", tip_z);
    cr_assert(tip_z - cheek_z > 12 && tip_z - cheek_z < 40, "nose projects %.1f mm",
              tip_z - cheek_z);
}
