/* Landmarks of the built-in head: on the surface, anatomical, mirrored, bad input named. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "smp/head.h"
#include "smp/landmarks.h"

Test(landmarks, names_round_trip) {
    for (int i = 0; i < SMP_LM_COUNT; ++i) {
        const char *name = smp_landmark_name((smp_landmark_id)i);
        cr_assert_not_null(name, "landmark %d has no name", i);
        cr_assert_eq(smp_landmark_from_name(name), (smp_landmark_id)i, "%s", name);
        for (int j = 0; j < i; ++j) cr_assert_str_neq(name, smp_landmark_name((smp_landmark_id)j));
    }
    cr_assert_eq(smp_landmark_from_name("tragion_left"), SMP_LM_TRAGION_LEFT);
    cr_assert_eq(smp_landmark_from_name("Glabella"), SMP_LM_COUNT);
    cr_assert_eq(smp_landmark_from_name(""), SMP_LM_COUNT);
    cr_assert_eq(smp_landmark_from_name(NULL), SMP_LM_COUNT);
    cr_assert_null(smp_landmark_name(SMP_LM_COUNT));
    cr_assert_null(smp_landmark_name((smp_landmark_id)-1));
}

static smp_mesh default_head(void) {
    smp_head_desc d = {0};
    smp_mesh m = {0};
    smp_error err = {0};
    cr_assert_eq(smp_head_build(&d, &m, &err), SMP_OK, "%s", err.message);
    return m;
}

Test(landmarks, procedural_landmarks_lie_on_the_default_mesh) {
    smp_mesh m = default_head();
    smp_landmarks lm;
    smp_landmarks_procedural(&lm);
    smp_error err = {0};
    cr_assert_eq(smp_landmarks_check_on_surface(&m, &lm, 0.5f, &err), SMP_OK, "%s", err.message);
    /* and on the analytic surface itself, to float rounding */
    for (int i = 0; i < SMP_LM_COUNT; ++i) {
        const float *p = lm.p[i];
        float len = sqrtf(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
        float d[3] = {p[0] / len, p[1] / len, p[2] / len};
        cr_assert_float_eq(len, smp_head_radius_mm(d), 1e-3f, "%s",
                           smp_landmark_name((smp_landmark_id)i));
    }
    smp_mesh_free(&m);
}

Test(landmarks, vertex_is_the_highest_point_of_the_cranium) {
    smp_mesh m = default_head();
    smp_landmarks lm;
    smp_landmarks_procedural(&lm);
    smp_bounds b = smp_mesh_bounds(&m);
    const float *v = lm.p[SMP_LM_VERTEX];
    cr_assert_float_eq(v[0], 0.0f, 1e-6f);
    /* The mesh's top vertex can only sit below the true top, by a sliver of curvature. */
    cr_assert(v[1] >= b.max[1] - 1e-3f && v[1] < b.max[1] + 0.2f, "vertex y %.2f, mesh top %.2f",
              v[1], b.max[1]);
    for (int i = 0; i < SMP_LM_COUNT; ++i)
        if (i != SMP_LM_VERTEX) cr_assert_lt(lm.p[i][1], v[1] - 50.0f, "%d", i);
    /* Tragion sits about 10-13 cm below the vertex on an adult. */
    float drop = v[1] - lm.p[SMP_LM_TRAGION_LEFT][1];
    cr_assert(drop > 100 && drop < 135, "vertex %.1f mm above tragion", drop);
    smp_mesh_free(&m);
}

Test(landmarks, brow_profile_is_anatomical) {
    smp_landmarks lm;
    smp_landmarks_procedural(&lm);
    const float *g = lm.p[SMP_LM_GLABELLA], *n = lm.p[SMP_LM_NASION];
    cr_assert_eq(g[0], 0.0f);
    cr_assert_eq(n[0], 0.0f);
    cr_assert(g[1] - n[1] > 6 && g[1] - n[1] < 30, "glabella %.1f mm above nasion", g[1] - n[1]);
    cr_assert_gt(g[2], n[2], "the nasion is a hollow behind the brow");
    /* The glabella is the most forward point of the midline from the nasion up over the
     * forehead, and nothing on the midline between them bulges out past it. */
    for (int k = 1; k <= 200; ++k) {
        float y = n[1] + (float)k * (120.0f - n[1]) / 200.0f;
        float d[3] = {0, y, 100.0f};
        float len = sqrtf(d[1] * d[1] + d[2] * d[2]);
        d[1] /= len, d[2] /= len;
        float z = smp_head_radius_mm(d) * d[2];
        cr_assert_leq(z, g[2] + 1e-3f, "midline at y = %.1f is ahead of the glabella", y);
    }
    /* Ear canal roughly level with the nasion and eye corners (within ~2 cm). */
    cr_assert_lt(fabsf(n[1] - lm.p[SMP_LM_TRAGION_LEFT][1]), 25.0f, "nasion y %.1f", n[1]);
    cr_assert_lt(fabsf(lm.p[SMP_LM_CANTHUS_LEFT][1]), 20.0f);
    cr_assert_gt(g[2], 80.0f, "glabella only %.1f mm in front of the ear canals", g[2]);
}

Test(landmarks, sides_mirror_and_order_front_to_back) {
    smp_landmarks lm;
    smp_landmarks_procedural(&lm);
    const float *tl = lm.p[SMP_LM_TRAGION_LEFT], *tr = lm.p[SMP_LM_TRAGION_RIGHT];
    const float *cl = lm.p[SMP_LM_CANTHUS_LEFT], *cr = lm.p[SMP_LM_CANTHUS_RIGHT];
    /* The frame's origin is the mid-tragion point and +X the client's left. */
    cr_assert_gt(tl[0], 60.0f);
    cr_assert_eq(tl[0], -tr[0]);
    for (int k = 0; k < 3; ++k) cr_assert_float_eq(0.5f * (tl[k] + tr[k]), 0.0f, 1e-6f);
    cr_assert_gt(cl[0], 25.0f);
    cr_assert_eq(cl[0], -cr[0]);
    cr_assert_eq(cl[1], cr[1]);
    cr_assert_eq(cl[2], cr[2]);
    cr_assert_lt(cl[0], tl[0] - 10.0f, "eye corners inside the ear canals");
    cr_assert_gt(cl[2], tl[2] + 50.0f, "eye corners forward of the ear canals");
    cr_assert_lt(cl[2], lm.p[SMP_LM_NASION][2], "eye corners behind the nasion");
    cr_assert_lt(cl[1], lm.p[SMP_LM_GLABELLA][1]);
    const float *in = lm.p[SMP_LM_INION];
    cr_assert_eq(in[0], 0.0f);
    cr_assert_lt(in[2], -80.0f, "inion at z = %.1f mm is not at the back", in[2]);
    cr_assert(in[1] > -10 && in[1] < 50, "inion height %.1f mm", in[1]);
}

/* One triangle, every landmark at `base` except landmark `which` at p. */
static smp_status check_one(const float p[3], int which, float tol, smp_error *err) {
    static float pos[9] = {0, 0, 0, 10, 0, 0, 0, 10, 0};
    static uint32_t idx[3] = {0, 1, 2};
    smp_mesh m = {.vertex_count = 3, .triangle_count = 1, .positions = pos, .indices = idx};
    smp_landmarks lm;
    for (int i = 0; i < SMP_LM_COUNT; ++i) lm.p[i][0] = 2, lm.p[i][1] = 2, lm.p[i][2] = 0;
    memcpy(lm.p[which], p, sizeof lm.p[which]);
    return smp_landmarks_check_on_surface(&m, &lm, tol, err);
}

/* Each Voronoi region of a triangle: face, three edges, three corners, with known distances. */
Test(landmarks, point_triangle_distance_is_exact) {
    static const struct {
        float p[3];
        float dist;
    } cases[] = {
        {{2, 2, 3}, 3},           {{2, 2, -4}, 4},  /* over and under the face */
        {{5, -2, 1}, 2.2360680f},                   /* beyond edge ab */
        {{-3, 4, 0}, 3},                            /* beyond edge ac */
        {{6, 6, 1}, 1.7320508f},                    /* beyond edge bc: (5,5,0) */
        {{-3, -4, 0}, 5},         {{13, -4, 0}, 5}, /* beyond corners a, b */
        {{-3, 14, 0}, 5},         {{0, 0, 0}, 0},   /* beyond c; on a corner */
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; ++c) {
        smp_error err = {0};
        float d = cases[c].dist;
        cr_assert_eq(check_one(cases[c].p, SMP_LM_INION, d + 1e-3f, &err), SMP_OK, "case %zu: %s",
                     c, err.message);
        if (d > 0) {
            cr_assert_eq(check_one(cases[c].p, SMP_LM_INION, d - 1e-3f, &err), SMP_ERR_INVALID_ARG,
                         "case %zu passed under its distance", c);
            cr_assert_not_null(strstr(err.message, "inion"), "%s", err.message);
        }
    }
}

Test(landmarks, point_off_the_head_is_named) {
    smp_mesh m = default_head();
    smp_landmarks lm;
    smp_landmarks_procedural(&lm);
    float *g = lm.p[SMP_LM_GLABELLA];
    float len = sqrtf(g[0] * g[0] + g[1] * g[1] + g[2] * g[2]);
    for (int k = 0; k < 3; ++k) g[k] *= (len + 10.0f) / len; /* 10 mm out along its ray */
    smp_error err = {0};
    cr_assert_eq(smp_landmarks_check_on_surface(&m, &lm, 2.0f, &err), SMP_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.message, "landmark glabella"), "%s", err.message);
    /* The message gives the distance: along a slanted ray 10 mm out is 5-10 mm off. */
    const char *is = strstr(err.message, " is ");
    cr_assert_not_null(is, "%s", err.message);
    double dist = strtod(is + 4, NULL);
    cr_assert(dist > 5.0 && dist <= 10.01, "%s", err.message);
    smp_mesh_free(&m);
}

Test(landmarks, bad_arguments_are_errors_not_crashes) {
    smp_landmarks lm;
    smp_landmarks_procedural(&lm);
    smp_error err = {0};
    smp_mesh empty = {0};
    cr_assert_eq(smp_landmarks_check_on_surface(&empty, &lm, 1.0f, &err), SMP_ERR_INVALID_ARG);
    cr_assert_eq(smp_landmarks_check_on_surface(NULL, &lm, 1.0f, &err), SMP_ERR_INVALID_ARG);
    float p[3] = {2, 2, 0};
    cr_assert_eq(check_one(p, 0, -1.0f, &err), SMP_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.message, "tolerance"), "%s", err.message);
    cr_assert_eq(check_one(p, 0, NAN, &err), SMP_ERR_INVALID_ARG);
    float bad[3] = {2, NAN, 0};
    cr_assert_eq(check_one(bad, SMP_LM_CANTHUS_RIGHT, 1.0f, &err), SMP_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.message, "canthus_right"), "%s", err.message);
}
