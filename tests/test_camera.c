#include <cglm/cglm.h>
#include <criterion/criterion.h>
#include <string.h>

#include "smp/camera.h"

static const smp_bounds k_box = {{-80, -180, -110}, {80, 135, 120}};

Test(camera, every_view_name_round_trips_and_unknown_names_list_the_valid_ones) {
    smp_error err = {0};
    for (int v = 0; v < SMP_VIEW_COUNT; ++v) {
        smp_view parsed;
        cr_assert_eq(smp_view_parse(smp_view_name((smp_view)v), &parsed, &err), SMP_OK);
        cr_assert_eq(parsed, (smp_view)v);
    }
    smp_view parsed;
    cr_assert_eq(smp_view_parse("sideways", &parsed, &err), SMP_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.message, "sideways"));
    cr_assert_not_null(strstr(err.message, "three-quarter"));
}

/* Every corner of the box projects inside clip space for every view and two aspect ratios:
 * the head is never cut off. */
Test(camera, every_view_frames_the_whole_box) {
    const float aspects[2] = {16.0f / 9.0f, 0.75f};
    for (int a = 0; a < 2; ++a)
        for (int v = 0; v < SMP_VIEW_CLOSEUP; ++v) { /* the close-up shows a patch */
            smp_camera cam;
            smp_camera_for_view((smp_view)v, &k_box, aspects[a], &cam);
            mat4 view, proj, vp;
            smp_camera_matrices(&cam, aspects[a], (float *)view, (float *)proj);
            glm_mat4_mul(proj, view, vp);
            for (int c = 0; c < 8; ++c) {
                vec4 p = {(c & 1) ? k_box.max[0] : k_box.min[0],
                          (c & 2) ? k_box.max[1] : k_box.min[1],
                          (c & 4) ? k_box.max[2] : k_box.min[2], 1.0f};
                vec4 q;
                glm_mat4_mulv(vp, p, q);
                cr_assert_gt(q[3], 0.0f);
                for (int k = 0; k < 3; ++k)
                    cr_assert_leq(fabsf(q[k] / q[3]), 1.0f, "view %s aspect %d corner %d axis %d",
                                  smp_view_name((smp_view)v), a, c, k);
            }
        }
}

Test(camera, front_looks_at_the_face_and_top_looks_down) {
    smp_camera cam;
    smp_camera_for_view(SMP_VIEW_FRONT, &k_box, 1.0f, &cam);
    cr_assert_gt(cam.eye[2] - cam.target[2], 100.0f, "front camera should sit at +Z");
    smp_camera_for_view(SMP_VIEW_TOP, &k_box, 1.0f, &cam);
    cr_assert_gt(cam.eye[1] - cam.target[1], 100.0f, "top camera should sit at +Y");
    smp_camera_for_view(SMP_VIEW_LEFT, &k_box, 1.0f, &cam);
    cr_assert_gt(cam.eye[0] - cam.target[0], 100.0f, "left view looks at the client's left (+X)");
}

/* The close-up shows 10 mm of skin across the frame at the point it looks at, straight on. */
Test(camera, closeup_shows_ten_millimetres_straight_down_the_normal) {
    const float point[3] = {0, 100, 60}, normal[3] = {0, 0.8f, 0.6f};
    smp_camera cam;
    smp_camera_closeup(point, normal, 10.0f, 1.5f, &cam);
    mat4 view, proj, vp;
    smp_camera_matrices(&cam, 1.5f, (float *)view, (float *)proj);
    glm_mat4_mul(proj, view, vp);
    /* 5 mm from the point along the surface, in the frame's vertical: the frame's edge */
    vec3 up_on_skin;
    glm_vec3_cross((vec3){1, 0, 0}, (vec3){0, 0.8f, 0.6f}, up_on_skin);
    vec4 p = {point[0] + 5 * up_on_skin[0], point[1] + 5 * up_on_skin[1],
              point[2] + 5 * up_on_skin[2], 1},
         q;
    glm_mat4_mulv(vp, p, q);
    cr_assert_float_eq(fabsf(q[1] / q[3]), 1.0f, 0.02f, "edge at %f", q[1] / q[3]);
    vec4 c = {point[0], point[1], point[2], 1}, qc;
    glm_mat4_mulv(vp, c, qc);
    cr_assert_float_eq(qc[0] / qc[3], 0.0f, 1e-4f);
    cr_assert_float_eq(qc[1] / qc[3], 0.0f, 1e-4f);
}
