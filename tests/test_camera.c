/* Named views: names, framing of a box and of the built-in and MakeHuman heads, close-ups. */
#include <cglm/cglm.h>
#include <criterion/criterion.h>
#include <string.h>

#include "smp/camera.h"
#include "smp/head.h"
#include "smp/mesh_import.h"
#include "support.h"

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

/* How much of the frame a camera's picture of the head takes: the projected bounding box of
 * its vertices in normalised device coordinates (each side -1..1). */
static void projected_box(const smp_mesh *m, const smp_camera *cam, float aspect, float lo[2],
                          float hi[2]) {
    mat4 view, proj, vp;
    smp_camera_matrices(cam, aspect, (float *)view, (float *)proj);
    glm_mat4_mul(proj, view, vp);
    lo[0] = lo[1] = INFINITY, hi[0] = hi[1] = -INFINITY;
    for (uint32_t i = 0; i < m->vertex_count; ++i) {
        const float *p = m->positions + 3 * (size_t)i;
        vec4 q;
        glm_mat4_mulv(vp, (vec4){p[0], p[1], p[2], 1.0f}, q);
        cr_assert_gt(q[3], 0.0f, "a vertex is behind the camera");
        for (int k = 0; k < 2; ++k)
            lo[k] = fminf(lo[k], q[k] / q[3]), hi[k] = fmaxf(hi[k], q[k] / q[3]);
    }
}

/* Clinic photographs: in each of the five clinic views the head fills 75–90 % of the frame's
 * height, centred, never cut off, through a moderate telephoto from a photographic distance. */
static void check_clinic_framing(const smp_mesh *m, const char *which) {
    static const smp_view views[] = {SMP_VIEW_FRONT, SMP_VIEW_TOP, SMP_VIEW_BACK, SMP_VIEW_LEFT,
                                     SMP_VIEW_RIGHT};
    const float aspects[] = {16.0f / 9.0f, 1.5f};
    for (size_t a = 0; a < sizeof aspects / sizeof aspects[0]; ++a)
        for (size_t v = 0; v < sizeof views / sizeof views[0]; ++v) {
            smp_camera cam;
            smp_camera_frame_points(views[v], m->positions, m->vertex_count, aspects[a],
                                    SMP_CAMERA_CLINIC_FILL, &cam);
            const char *name = smp_view_name(views[v]);
            cr_assert_float_eq(cam.fov_y_deg, 15.0f, 1e-6f);
            float lo[2], hi[2];
            projected_box(m, &cam, aspects[a], lo, hi);
            float fill = 0.5f * (hi[1] - lo[1]);
            cr_assert(fill >= 0.75f && fill <= 0.90f, "%s head, %s view: fills %.3f of the height",
                      which, name, (double)fill);
            for (int k = 0; k < 2; ++k) {
                cr_assert(lo[k] > -1.0f && hi[k] < 1.0f, "%s head, %s view: cut off (axis %d)",
                          which, name, k);
                cr_assert_float_eq(lo[k] + hi[k], 0.0f, 0.02f, "%s head, %s view: off centre",
                                   which, name);
            }
            float dist = glm_vec3_distance(cam.eye, cam.target);
            cr_assert(dist > 800.0f && dist < 1800.0f, "%s head, %s view: %.0f mm away", which,
                      name, (double)dist);
        }
    /* A portrait frame: the width is the tighter fit, and nothing is cut off either. */
    smp_camera cam;
    smp_camera_frame_points(SMP_VIEW_LEFT, m->positions, m->vertex_count, 0.6f,
                            SMP_CAMERA_CLINIC_FILL, &cam);
    float lo[2], hi[2];
    projected_box(m, &cam, 0.6f, lo, hi);
    cr_assert(lo[0] > -1.0f && hi[0] < 1.0f && lo[1] > -1.0f && hi[1] < 1.0f);
    cr_assert_float_eq(0.5f * (hi[0] - lo[0]), SMP_CAMERA_CLINIC_FILL, 0.01f);
}

Test(camera, clinic_views_fill_most_of_the_frame_height_with_the_built_in_head) {
    smp_mesh m = {0};
    smp_error err = {0};
    cr_assert_eq(smp_head_build(&(smp_head_desc){.resolution = 48}, &m, &err), SMP_OK);
    check_clinic_framing(&m, "built-in");
    smp_mesh_free(&m);
}

Test(camera, clinic_views_fill_most_of_the_frame_height_with_the_makehuman_head) {
    const char *path = "/usr/share/assimp/models/Collada/human.zae";
    if (!file_exists(path))
        cr_skip_test("%s is not installed (Debian package assimp-testmodels)", path);
    if (!smp_mesh_import_available()) cr_skip_test("built without Assimp (SMP_WITH_ASSIMP=OFF)");
    smp_mesh m = {0};
    smp_mesh_import_report rep;
    smp_error err = {0};
    smp_mesh_import_desc d = {.path = path, .target_edge_mm = 3.0f};
    cr_assert_eq(smp_mesh_import(&d, &m, &rep, &err), SMP_OK, "%s", err.message);
    check_clinic_framing(&m, "MakeHuman");
    smp_mesh_free(&m);
}
