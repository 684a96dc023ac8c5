/* Weld, degenerate removal, topology counts, plane cuts, refinement and transforms. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "smp/mesh_ops.h"

#define SMP_TEST_PI 3.14159265358979323846

/* An octahedron of radius r as a triangle soup: every corner its own vertex (24 of them). */
static void octahedron_soup(smp_mesh *m, float r) {
    static const float corner[6][3] = {{1, 0, 0},  {-1, 0, 0}, {0, 1, 0},
                                       {0, -1, 0}, {0, 0, 1},  {0, 0, -1}};
    smp_error err = {0};
    cr_assert_eq(smp_mesh_alloc(m, 24, 8, &err), SMP_OK);
    int t = 0;
    for (int sx = 0; sx < 2; ++sx)
        for (int sy = 2; sy < 4; ++sy)
            for (int sz = 4; sz < 6; ++sz) {
                int c[3] = {sx, sy, sz};
                /* Outward winding: flip when an odd number of the axes are negative. */
                if ((sx + (sy - 2) + (sz - 4)) % 2) {
                    int tmp = c[1];
                    c[1] = c[2];
                    c[2] = tmp;
                }
                for (int k = 0; k < 3; ++k) {
                    int v = 3 * t + k;
                    for (int q = 0; q < 3; ++q) m->positions[3 * v + q] = r * corner[c[k]][q];
                    m->uvs[2 * v] = m->uvs[2 * v + 1] = 0.0f;
                    m->indices[v] = (uint32_t)v;
                }
                ++t;
            }
    memset(m->normals, 0, sizeof(float) * 3 * 24);
}

static void welded_octahedron(smp_mesh *m, float r) {
    smp_error err = {0};
    octahedron_soup(m, r);
    uint32_t merged;
    cr_assert_eq(smp_mesh_weld(m, 1e-3f, &merged, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(merged, 18u);
}

Test(mesh_ops, weld_merges_coincident_corners_only) {
    smp_mesh m;
    welded_octahedron(&m, 1.0f);
    cr_assert_eq(m.vertex_count, 6u);
    cr_assert_eq(m.triangle_count, 8u);
    smp_mesh_topology topo;
    smp_error err = {0};
    cr_assert_eq(smp_mesh_topology_stats(&m, &topo, &err), SMP_OK);
    cr_assert_eq(topo.edge_count, 12u);
    cr_assert_eq(topo.boundary_edge_count, 0u);
    cr_assert_eq(topo.nonmanifold_edge_count, 0u);
    cr_assert_float_eq(topo.max_edge, sqrtf(2.0f), 1e-6);
    smp_mesh_free(&m);

    /* Corners 1e-4 apart merge at epsilon 1e-3 but not at 1e-5. */
    octahedron_soup(&m, 1.0f);
    m.positions[0] += 1e-4f;
    uint32_t merged;
    cr_assert_eq(smp_mesh_weld(&m, 1e-5f, &merged, &err), SMP_OK);
    cr_assert_eq(m.vertex_count, 7u);
    smp_mesh_free(&m);
    cr_assert_eq(smp_mesh_weld(&m, 0.0f, &merged, &err), SMP_ERR_INVALID_ARG);
}

Test(mesh_ops, degenerate_triangles_dropped) {
    smp_mesh m;
    smp_error err = {0};
    cr_assert_eq(smp_mesh_alloc(&m, 5, 4, &err), SMP_OK);
    const float p[15] = {0, 0, 0, 1, 0, 0, 0, 1, 0, 2, 0, 0, 3, 0, 0};
    memcpy(m.positions, p, sizeof p);
    memset(m.uvs, 0, sizeof(float) * 10);
    memset(m.normals, 0, sizeof(float) * 15);
    const uint32_t idx[12] = {0, 1, 2, /* good */ 0,      0, 2, /* repeated vertex */
                              1, 3, 4, /* collinear */ 0, 1, 2 /* good again */};
    memcpy(m.indices, idx, sizeof idx);
    uint32_t dropped;
    cr_assert_eq(smp_mesh_drop_degenerate(&m, 0.0, &dropped, &err), SMP_OK);
    cr_assert_eq(dropped, 2u);
    cr_assert_eq(m.triangle_count, 2u);
    cr_assert_eq(m.vertex_count, 3u, "unused vertices must go");
    smp_mesh_free(&m);

    cr_assert_eq(smp_mesh_alloc(&m, 3, 1, &err), SMP_OK);
    memset(m.positions, 0, sizeof(float) * 9);
    memset(m.uvs, 0, sizeof(float) * 6);
    memset(m.normals, 0, sizeof(float) * 9);
    for (uint32_t i = 0; i < 3; ++i) m.indices[i] = i;
    cr_assert_eq(smp_mesh_drop_degenerate(&m, 0.0, &dropped, &err), SMP_ERR_FORMAT);
    smp_mesh_free(&m);
}

Test(mesh_ops, nonmanifold_fin_counted) {
    smp_mesh m;
    smp_error err = {0};
    cr_assert_eq(smp_mesh_alloc(&m, 5, 3, &err), SMP_OK);
    const float p[15] = {0, 0, 0, 1, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 1};
    memcpy(m.positions, p, sizeof p);
    const uint32_t idx[9] = {0, 1, 2, 1, 0, 3, 0, 1, 4}; /* three triangles on edge 0-1 */
    memcpy(m.indices, idx, sizeof idx);
    smp_mesh_topology topo;
    cr_assert_eq(smp_mesh_topology_stats(&m, &topo, &err), SMP_OK);
    cr_assert_eq(topo.nonmanifold_edge_count, 1u);
    cr_assert_eq(topo.boundary_edge_count, 6u);
    smp_mesh_free(&m);
}

Test(mesh_ops, plane_cut_is_exact_and_welded) {
    smp_mesh m;
    welded_octahedron(&m, 1.0f);
    smp_error err = {0};
    const float up[3] = {0, 1, 0};
    uint32_t removed;
    cr_assert_eq(smp_mesh_cut_plane(&m, up, 0.25f, &removed, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(removed, 8u, "every face crosses y = 0.25 or lies below");
    smp_bounds b = smp_mesh_bounds(&m);
    cr_assert_float_eq(b.min[1], 0.25f, 1e-6);
    cr_assert_float_eq(b.max[1], 1.0f, 1e-6);
    cr_assert_float_eq(b.max[0], 0.75f, 1e-6);
    /* A pyramid cap: 4 sides of the top half, scaled by 0.75 linearly. */
    double full_half = 4.0 * sqrt(3.0) / 4.0 * 2.0;
    cr_assert_float_eq(smp_mesh_area_mm2(&m), full_half * 0.5625, 1e-5);
    smp_mesh_topology topo;
    cr_assert_eq(smp_mesh_topology_stats(&m, &topo, &err), SMP_OK);
    cr_assert_eq(topo.boundary_edge_count, 4u, "the cut is one welded square loop");
    cr_assert_eq(topo.nonmanifold_edge_count, 0u);
    cr_assert_eq(smp_mesh_cut_plane(&m, up, 2.0f, &removed, &err), SMP_ERR_FORMAT);
    smp_mesh_free(&m);
}

Test(mesh_ops, subdivision_reaches_target_and_rounds_towards_sphere) {
    const float r = 100.0f, target = 5.0f;
    smp_mesh m;
    welded_octahedron(&m, r);
    /* Vertex normals of an octahedron point at its corners, like a sphere's: the curved
     * refinement must approach the sphere, never the flat faces. */
    smp_error err = {0};
    uint32_t passes;
    cr_assert_eq(smp_mesh_subdivide(&m, target, 0, &passes, &err), SMP_OK, "%s", err.message);
    cr_assert_geq(passes, 5u);
    smp_mesh_topology topo;
    cr_assert_eq(smp_mesh_topology_stats(&m, &topo, &err), SMP_OK);
    cr_assert_leq(topo.max_edge, target);
    cr_assert_gt(topo.mean_edge, 0.4f * target);
    cr_assert_eq(topo.boundary_edge_count, 0u, "refinement must stay watertight");
    cr_assert_eq(topo.nonmanifold_edge_count, 0u);
    /* The original corners stay put. */
    int corners = 0;
    for (uint32_t v = 0; v < m.vertex_count; ++v)
        corners += fabsf(m.positions[3 * v + 1] - r) < 1e-4f;
    cr_assert_eq(corners, 1);
    /* Octahedron area is 0.55 of the sphere's; the refined one must come much closer, and no
     * vertex may leave the sphere. */
    double sphere = 4.0 * SMP_TEST_PI * r * r, oct = 4.0 * sqrt(3.0) * r * r;
    double area = smp_mesh_area_mm2(&m);
    cr_assert_gt(area, oct + 0.5 * (sphere - oct), "area %g (octahedron %g, sphere %g)", area, oct,
                 sphere);
    for (uint32_t v = 0; v < m.vertex_count; ++v) {
        const float *p = m.positions + 3 * v;
        cr_assert_leq(sqrtf(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]), r * 1.001f);
    }
    smp_mesh_free(&m);
}

Test(mesh_ops, subdivision_refuses_too_many_triangles) {
    smp_mesh m;
    welded_octahedron(&m, 100.0f);
    smp_error err = {0};
    cr_assert_eq(smp_mesh_subdivide(&m, 0.01f, 100000, NULL, &err), SMP_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.message, "100000"), "%s", err.message);
    cr_assert_eq(smp_mesh_validate(&m, &err), SMP_OK, "the mesh must stay usable");
    cr_assert_eq(smp_mesh_subdivide(&m, -1.0f, 0, NULL, &err), SMP_ERR_INVALID_ARG);
    smp_mesh_free(&m);
}

Test(mesh_ops, transform_and_spherical_uvs) {
    smp_mesh m;
    welded_octahedron(&m, 1.0f);
    smp_mesh_compute_normals(&m);
    const float rot[9] = {0, 0, 1, 0, 1, 0, -1, 0, 0}; /* +X -> -Z, +Z -> +X */
    const float t[3] = {10, 20, 30};
    smp_mesh_transform(&m, rot, 2.0f, t);
    smp_bounds b = smp_mesh_bounds(&m);
    cr_assert_float_eq(b.min[0], 8.0f, 1e-5);
    cr_assert_float_eq(b.max[1], 22.0f, 1e-5);
    for (uint32_t v = 0; v < m.vertex_count; ++v) {
        const float *n = m.normals + 3 * v, *p = m.positions + 3 * v;
        float d = n[0] * (p[0] - t[0]) + n[1] * (p[1] - t[1]) + n[2] * (p[2] - t[2]);
        cr_assert_gt(d, 0.0f, "normal %u no longer outward", v);
    }
    smp_mesh_spherical_uvs(&m, t);
    for (uint32_t v = 0; v < m.vertex_count; ++v) {
        const float *p = m.positions + 3 * v, *uv = m.uvs + 2 * v;
        cr_assert(uv[0] >= 0.0f && uv[0] <= 1.0f && uv[1] >= 0.0f && uv[1] <= 1.0f);
        if (p[1] > 21.5f) cr_assert_float_eq(uv[1], 1.0f, 1e-6, "top is v = 1");
        if (p[2] > 31.5f) cr_assert_float_eq(uv[0], 0.5f, 1e-6, "front is u = 0.5");
    }
    smp_mesh_free(&m);
}

Test(mesh_ops, uv_seams_survive_weld_cut_and_refinement) {
    /* Every face its own UV island: welding snaps corners together but keeps them apart. */
    smp_mesh m;
    smp_error err = {0};
    octahedron_soup(&m, 100.0f);
    for (uint32_t v = 0; v < 24; ++v) m.uvs[2 * v] = (float)(v / 3) / 8.0f;
    m.positions[0] += 1e-4f; /* a corner slightly off: it must be snapped, not left open */
    uint32_t merged;
    cr_assert_eq(smp_mesh_weld(&m, 1e-3f, &merged, &err), SMP_OK);
    cr_assert_eq(merged, 0u);
    cr_assert_eq(m.vertex_count, 24u);
    smp_mesh_topology topo;
    cr_assert_eq(smp_mesh_topology_stats(&m, &topo, &err), SMP_OK);
    cr_assert_eq(topo.edge_count, 12u, "seams must not count as edges of their own");
    cr_assert_eq(topo.boundary_edge_count, 0u, "the snapped corner left a gap");

    cr_assert_eq(smp_mesh_subdivide(&m, 10.0f, 0, NULL, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(smp_mesh_topology_stats(&m, &topo, &err), SMP_OK);
    cr_assert_eq(topo.boundary_edge_count, 0u, "refinement opened a seam");
    cr_assert_eq(topo.nonmanifold_edge_count, 0u);
    for (uint32_t v = 0; v < m.vertex_count; ++v) {
        float island = m.uvs[2 * v] * 8.0f; /* exactly one face's u, never a blend of two */
        cr_assert_eq(island, floorf(island), "UV of vertex %u mixed across a seam", v);
    }

    const float dir[3] = {0.3f, 1.0f, 0.2f};
    cr_assert_eq(smp_mesh_cut_plane(&m, dir, 20.0f, NULL, &err), SMP_OK);
    cr_assert_eq(smp_mesh_topology_stats(&m, &topo, &err), SMP_OK);
    cr_assert_eq(topo.nonmanifold_edge_count, 0u);
    /* The only opening is the cut itself: one loop, as many edges as cut points. */
    uint32_t on_plane = 0;
    smp_mesh_topology before = topo;
    for (uint32_t v = 0; v < m.vertex_count; ++v) {
        const float *p = m.positions + 3 * v;
        on_plane += fabsf(dir[0] * p[0] + dir[1] * p[1] + dir[2] * p[2] - 20.0f) < 1e-3f;
    }
    cr_assert_gt(before.boundary_edge_count, 8u);
    cr_assert_leq(before.boundary_edge_count, on_plane, "boundary %u, cut points %u",
                  before.boundary_edge_count, on_plane);
    smp_mesh_free(&m);
}
