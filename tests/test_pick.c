/* Ray picking: the hierarchy gives exactly what testing every triangle gives, misses are
 * misses, triangles of zero area never answer, bad input is refused, and the ray through a
 * pixel lands where the camera's matrices draw that point. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "smp/camera.h"
#include "smp/head.h"
#include "smp/pick.h"
#include "support.h"

static smp_mesh head;
static smp_pick *pick;

static void setup(void) {
    smp_error err = {0};
    smp_head_desc hd = {.resolution = 40};
    cr_assert_eq(smp_head_build(&hd, &head, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(smp_pick_create(&head, &pick, &err), SMP_OK, "%s", err.message);
}

static void teardown(void) {
    smp_pick_destroy(pick);
    smp_mesh_free(&head);
}

TestSuite(pick, .init = setup, .fini = teardown);

static uint64_t rng_state;

static double uniform(void) {
    rng_state ^= rng_state << 13, rng_state ^= rng_state >> 7, rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

/* Every triangle in turn, keeping the nearest (lowest index on a tie). */
static smp_pick_hit brute_force(const smp_mesh *m, const float o[3], const float d[3]) {
    smp_pick_hit best = {.triangle = SMP_PICK_MISS, .distance = INFINITY};
    for (uint32_t t = 0; t < m->triangle_count; ++t) {
        const float *c[3];
        for (int j = 0; j < 3; ++j) c[j] = m->positions + 3 * (size_t)m->indices[3 * (size_t)t + j];
        float dist, u, v;
        if (smp_pick_ray_triangle(o, d, c[0], c[1], c[2], &dist, &u, &v) && dist < best.distance)
            best = (smp_pick_hit){.triangle = t, .u = u, .v = v, .distance = dist};
    }
    return best;
}

/* A ray from a sphere around the head: aimed inside the head's box (mostly hits, some
 * grazing) or anywhere (many misses). */
static void random_ray(const smp_bounds *b, float o[3], float d[3], int aimed) {
    double z = 2 * uniform() - 1, phi = 6.283185307179586 * uniform(), s = sqrt(1 - z * z);
    float aim[3];
    for (int k = 0; k < 3; ++k) aim[k] = b->min[k] + (float)uniform() * (b->max[k] - b->min[k]);
    o[0] = (float)(300 * s * cos(phi)), o[1] = (float)(300 * s * sin(phi)), o[2] = (float)(300 * z);
    for (int k = 0; k < 3; ++k)
        d[k] = aimed ? aim[k] - o[k] : (float)(2 * uniform() - 1) * (k == 0 ? 1.0f : 0.7f);
}

Test(pick, agrees_with_every_triangle_tested) {
    smp_bounds b = smp_mesh_bounds(&head);
    smp_error err = {0};
    rng_state = 0x9e3779b97f4a7c15ull;
    int hits = 0, misses = 0;
    for (int i = 0; i < 3000; ++i) {
        float o[3], d[3];
        random_ray(&b, o, d, i % 4 != 3);
        smp_pick_hit h;
        cr_assert_eq(smp_pick_ray(pick, o, d, &h, &err), SMP_OK, "%s", err.message);
        smp_pick_hit r = brute_force(&head, o, d);
        cr_assert_eq(h.triangle, r.triangle, "ray %d: tree says %u, every triangle says %u", i,
                     h.triangle, r.triangle);
        if (r.triangle == SMP_PICK_MISS) {
            ++misses;
            continue;
        }
        ++hits;
        cr_assert(fabsf(h.u - r.u) <= 1e-4f && fabsf(h.v - r.v) <= 1e-4f,
                  "ray %d: barycentrics (%g, %g) vs (%g, %g)", i, h.u, h.v, r.u, r.v);
        cr_assert(fabsf(h.distance - r.distance) <= 1e-4f * r.distance);
        /* the point is where the barycentrics put it on the triangle */
        const uint32_t *ix = head.indices + 3 * (size_t)h.triangle;
        for (int k = 0; k < 3; ++k) {
            float p = (1 - h.u - h.v) * head.positions[3 * (size_t)ix[0] + k] +
                      h.u * head.positions[3 * (size_t)ix[1] + k] +
                      h.v * head.positions[3 * (size_t)ix[2] + k];
            cr_assert(fabsf(p - h.point[k]) < 1e-3f, "ray %d: point[%d] %g, triangle's %g", i, k,
                      h.point[k], p);
        }
    }
    /* both outcomes were exercised in numbers */
    cr_assert_gt(hits, 1500);
    cr_assert_gt(misses, 200);
}

Test(pick, nearest_hit_is_the_near_side) {
    /* straight down onto the crown from above, through the apex on the midline where
     * triangles meet: the top of the head, not the bottom, and no slipping between them */
    smp_bounds b = smp_mesh_bounds(&head);
    float o[3] = {0, b.max[1] + 100, 0}, d[3] = {0, -1, 0};
    smp_pick_hit h;
    cr_assert_eq(smp_pick_ray(pick, o, d, &h, NULL), SMP_OK);
    cr_assert_neq(h.triangle, SMP_PICK_MISS);
    cr_assert(h.point[1] > b.max[1] - 1.0f, "hit at y %g, top of the head at %g", h.point[1],
              b.max[1]);
    cr_assert(fabsf(h.distance - (o[1] - h.point[1])) < 1e-3f);
    cr_assert(h.u >= 0 && h.v >= 0 && h.u + h.v <= 1);

    /* every ray down the midline plane x = 0, where the built-in head has edges, lands */
    for (int i = 0; i <= 40; ++i) {
        float zo[3] = {0, b.max[1] + 100,
                       b.min[2] * 0.6f + (b.max[2] - b.min[2]) * 0.6f * (float)i / 40};
        cr_assert_eq(smp_pick_ray(pick, zo, d, &h, NULL), SMP_OK);
        cr_assert_neq(h.triangle, SMP_PICK_MISS, "midline ray at z %g slipped through", zo[2]);
    }
}

Test(pick, misses_are_misses) {
    smp_bounds b = smp_mesh_bounds(&head);
    smp_pick_hit h;
    /* pointing away from the head, beside it, and starting past it */
    float away_o[3] = {0, 0, 400}, away_d[3] = {0, 0, 1};
    cr_assert_eq(smp_pick_ray(pick, away_o, away_d, &h, NULL), SMP_OK);
    cr_assert_eq(h.triangle, SMP_PICK_MISS);
    float beside_o[3] = {b.max[0] + 5, 0, 400}, beside_d[3] = {0, 0, -1};
    cr_assert_eq(smp_pick_ray(pick, beside_o, beside_d, &h, NULL), SMP_OK);
    cr_assert_eq(h.triangle, SMP_PICK_MISS);
    cr_assert(isinf(h.distance));
}

/* Two triangles stacked along -Z: a real one at z = 0 and one of zero area in front of it
 * (a repeated corner), plus one whose corners lie on a line. */
Test(pick, zero_area_triangles_never_answer) {
    float pos[] = {0, 0, 0, 10, 0, 0, 0, 10, 0,  /* real, z = 0 */
                   1, 1, 5, 1,  1, 5, 4, 4,  5,  /* repeated corner, z = 5 */
                   0, 0, 7, 2,  2, 7, 4, 4,  7}; /* collinear, z = 7 */
    uint32_t idx[] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    smp_mesh m = {.vertex_count = 9, .triangle_count = 3, .positions = pos, .indices = idx};
    smp_pick *pk = NULL;
    smp_error err = {0};
    cr_assert_eq(smp_pick_create(&m, &pk, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(smp_pick_triangle_count(pk), 1);
    float o[3] = {2, 2, 20}, d[3] = {0, 0, -1};
    smp_pick_hit h;
    cr_assert_eq(smp_pick_ray(pk, o, d, &h, &err), SMP_OK);
    cr_assert_eq(h.triangle, 0);
    cr_assert_float_eq(h.distance, 20.0f, 1e-5f);
    cr_assert_float_eq(h.u, 0.2f, 1e-6f);
    cr_assert_float_eq(h.v, 0.2f, 1e-6f);
    smp_pick_destroy(pk);

    /* nothing but zero-area triangles: a picker that always misses */
    m.positions = pos + 9, m.vertex_count = 6, m.triangle_count = 2;
    uint32_t idx2[] = {0, 1, 2, 3, 4, 5};
    m.indices = idx2;
    cr_assert_eq(smp_pick_create(&m, &pk, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(smp_pick_triangle_count(pk), 0);
    cr_assert_eq(smp_pick_ray(pk, o, d, &h, &err), SMP_OK);
    cr_assert_eq(h.triangle, SMP_PICK_MISS);
    smp_pick_destroy(pk);
}

Test(pick, bad_input_is_refused) {
    float pos[] = {0, 0, 0, 10, 0, 0, 0, 10, 0};
    uint32_t idx[] = {0, 1, 3};
    smp_mesh m = {.vertex_count = 3, .triangle_count = 1, .positions = pos, .indices = idx};
    smp_pick *pk = (smp_pick *)&m; /* overwritten with NULL on failure */
    smp_error err = {0};
    cr_assert_eq(smp_pick_create(&m, &pk, &err), SMP_ERR_INVALID_ARG);
    cr_assert_null(pk);
    cr_assert(strstr(err.message, "triangle 0: vertex 3 out of range"), "%s", err.message);

    idx[2] = 2;
    pos[4] = NAN;
    cr_assert_eq(smp_pick_create(&m, &pk, &err), SMP_ERR_INVALID_ARG);
    cr_assert(strstr(err.message, "vertex 1"), "%s", err.message);

    smp_pick_hit h;
    float o[3] = {0, 0, 100}, zero[3] = {0, 0, 0}, nan_d[3] = {0, NAN, -1};
    cr_assert_eq(smp_pick_ray(pick, o, zero, &h, &err), SMP_ERR_INVALID_ARG);
    cr_assert(strstr(err.message, "direction is zero"), "%s", err.message);
    cr_assert_eq(smp_pick_ray(pick, o, nan_d, &h, &err), SMP_ERR_INVALID_ARG);
    cr_assert(strstr(err.message, "not finite"), "%s", err.message);
}

/* The ray through a pixel meets the head where the camera's matrices draw the hit. */
Test(pick, camera_ray_lands_on_its_pixel) {
    smp_bounds b = smp_mesh_bounds(&head);
    const int w = 1280, hgt = 720;
    for (int view = 0; view < SMP_VIEW_COUNT; ++view) {
        smp_camera cam;
        smp_camera_for_view((smp_view)view, &b, (float)w / (float)hgt, &cam);
        float vm[16], pm[16];
        smp_camera_matrices(&cam, (float)w / (float)hgt, vm, pm);
        const float px[3][2] = {{640.5f, 360.5f}, {600.25f, 300.75f}, {700.0f, 420.0f}};
        for (int i = 0; i < 3; ++i) {
            float o[3], d[3];
            smp_pick_camera_ray(&cam, w, hgt, px[i][0], px[i][1], o, d);
            cr_assert_float_eq(d[0] * d[0] + d[1] * d[1] + d[2] * d[2], 1.0f, 1e-5f);
            smp_pick_hit h;
            cr_assert_eq(smp_pick_ray(pick, o, d, &h, NULL), SMP_OK);
            cr_assert_neq(h.triangle, SMP_PICK_MISS, "view %s pixel %d: no hit",
                          smp_view_name((smp_view)view), i);
            /* project: clip = P · V · p */
            double e[4] = {0}, c[4] = {0}, p[4] = {h.point[0], h.point[1], h.point[2], 1};
            for (int r = 0; r < 4; ++r)
                for (int k = 0; k < 4; ++k) e[r] += vm[4 * k + r] * p[k];
            for (int r = 0; r < 4; ++r)
                for (int k = 0; k < 4; ++k) c[r] += pm[4 * k + r] * e[k];
            double sx = (c[0] / c[3] * 0.5 + 0.5) * w, sy = (0.5 - c[1] / c[3] * 0.5) * hgt;
            cr_assert(fabs(sx - px[i][0]) < 0.05 && fabs(sy - px[i][1]) < 0.05,
                      "view %s: pixel (%g, %g) projects back to (%g, %g)",
                      smp_view_name((smp_view)view), px[i][0], px[i][1], sx, sy);
        }
    }
}
