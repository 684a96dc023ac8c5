/* Meshes: areas, bounds and outward normals, shared normals, validation messages, allocation. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "smp/mesh.h"

/* An axis-aligned cube of side 2 centred at the origin: 8 vertices, 12 outward triangles. */
static void make_cube(smp_mesh *m) {
    smp_error err = {0};
    cr_assert_eq(smp_mesh_alloc(m, 8, 12, &err), SMP_OK);
    for (uint32_t v = 0; v < 8; ++v) {
        m->positions[3 * v + 0] = (v & 1) ? 1.0f : -1.0f;
        m->positions[3 * v + 1] = (v & 2) ? 1.0f : -1.0f;
        m->positions[3 * v + 2] = (v & 4) ? 1.0f : -1.0f;
        m->uvs[2 * v] = m->uvs[2 * v + 1] = 0.0f;
    }
    static const uint32_t idx[36] = {0, 2, 1, 1, 2, 3, 4, 5, 6, 5, 7, 6, 0, 1, 4, 1, 5, 4,
                                     2, 6, 3, 3, 6, 7, 0, 4, 2, 2, 4, 6, 1, 3, 5, 3, 7, 5};
    memcpy(m->indices, idx, sizeof idx);
}

Test(mesh, cube_area_bounds_and_outward_normals) {
    smp_mesh m;
    make_cube(&m);
    smp_mesh_compute_normals(&m);
    cr_assert_float_eq(smp_mesh_area_mm2(&m), 24.0, 1e-9);
    smp_bounds b = smp_mesh_bounds(&m);
    for (int k = 0; k < 3; ++k) {
        cr_assert_eq(b.min[k], -1.0f);
        cr_assert_eq(b.max[k], 1.0f);
    }
    for (uint32_t v = 0; v < 8; ++v) {
        const float *n = m.normals + 3 * v, *p = m.positions + 3 * v;
        cr_assert_float_eq(n[0] * n[0] + n[1] * n[1] + n[2] * n[2], 1.0f, 1e-5);
        cr_assert_gt(n[0] * p[0] + n[1] * p[1] + n[2] * p[2], 0.5f, "vertex %u normal inward", v);
    }
    smp_error err = {0};
    cr_assert_eq(smp_mesh_validate(&m, &err), SMP_OK, "%s", err.message);
    smp_mesh_free(&m);
}

Test(mesh, coincident_vertices_share_one_normal) {
    /* Two triangles folded at 90 degrees along x = 0, not sharing vertex indices. */
    smp_mesh m;
    smp_error err = {0};
    cr_assert_eq(smp_mesh_alloc(&m, 6, 2, &err), SMP_OK);
    const float p[18] = {0, 0, 0, 0, 1, 0, -1, 0, 0,  /* floor: normal +z */
                         0, 0, 0, 0, 0, 1, 0,  1, 0}; /* wall:  normal +x */
    memcpy(m.positions, p, sizeof p);
    memset(m.uvs, 0, sizeof(float) * 12);
    const uint32_t idx[6] = {0, 1, 2, 3, 5, 4};
    memcpy(m.indices, idx, sizeof idx);
    smp_mesh_compute_normals(&m);
    cr_assert_eq(memcmp(m.normals + 0, m.normals + 9, 12), 0, "seam vertex normals differ");
    cr_assert_float_eq(m.normals[0], (float)(1 / sqrt(2)), 1e-6);
    cr_assert_float_eq(m.normals[2], (float)(1 / sqrt(2)), 1e-6);
    /* The unshared corner of the floor keeps the floor's own normal. */
    cr_assert_float_eq(m.normals[6 + 2], 1.0f, 1e-6);
    smp_mesh_free(&m);
}

Test(mesh, validate_names_the_bad_vertex_or_triangle) {
    smp_mesh m;
    make_cube(&m);
    smp_mesh_compute_normals(&m);
    smp_error err = {0};
    m.positions[3 * 5 + 1] = NAN;
    cr_assert_eq(smp_mesh_validate(&m, &err), SMP_ERR_FORMAT);
    cr_assert_not_null(strstr(err.message, "vertex 5"), "%s", err.message);
    m.positions[3 * 5 + 1] = 1.0f;
    m.indices[3 * 7 + 2] = 8;
    cr_assert_eq(smp_mesh_validate(&m, &err), SMP_ERR_FORMAT);
    cr_assert_not_null(strstr(err.message, "triangle 7"), "%s", err.message);
    smp_mesh_free(&m);
}

Test(mesh, alloc_refuses_empty_meshes) {
    smp_mesh m;
    smp_error err = {0};
    cr_assert_eq(smp_mesh_alloc(&m, 2, 1, &err), SMP_ERR_INVALID_ARG);
    cr_assert_eq(smp_mesh_alloc(&m, 3, 0, &err), SMP_ERR_INVALID_ARG);
    cr_assert_null(m.positions);
}

/* A caller that fills only some of the arrays (the viewer's one-triangle warm-up set only the
 * normals' z) must not hand garbage to smp_mesh_validate: memory freed full of NaNs and handed
 * out again comes back as zeros. */
Test(mesh, alloc_hands_out_zeros_even_in_reused_memory) {
    smp_error err = {0};
    for (int round = 0; round < 2; ++round) {
        smp_mesh m;
        cr_assert_eq(smp_mesh_alloc(&m, 3, 1, &err), SMP_OK);
        for (int i = 0; i < 9; ++i)
            cr_assert(m.positions[i] == 0.0f && m.normals[i] == 0.0f, "round %d, float %d", round,
                      i);
        for (int i = 0; i < 6; ++i) cr_assert(m.uvs[i] == 0.0f, "round %d, uv %d", round, i);
        for (int i = 0; i < 3; ++i) cr_assert_eq(m.indices[i], 0u);
        for (int i = 0; i < 9; ++i) m.positions[i] = m.normals[i] = NAN;
        for (int i = 0; i < 6; ++i) m.uvs[i] = NAN;
        memset(m.indices, 0xff, 3 * sizeof *m.indices);
        smp_mesh_free(&m);
    }
}

Test(mesh, vertex_areas_are_a_third_of_each_triangle_and_sum_to_the_area) {
    smp_mesh m;
    make_cube(&m);
    double share[8];
    smp_mesh_vertex_areas_mm2(&m, share);
    /* every triangle of the cube has area 2: a vertex gets 2/3 per triangle it belongs to */
    double sum = 0.0;
    for (uint32_t v = 0; v < 8; ++v) {
        int tris = 0;
        for (uint32_t i = 0; i < 36; ++i) tris += m.indices[i] == v;
        cr_assert_float_eq(share[v], 2.0 / 3.0 * tris, 1e-12, "vertex %u", v);
        sum += share[v];
    }
    cr_assert_float_eq(sum, smp_mesh_area_mm2(&m), 1e-9);
    smp_mesh_free(&m);
}
