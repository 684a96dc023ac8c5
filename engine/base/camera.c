#include "smp/camera.h"

#include <cglm/cglm.h>
#include <math.h>
#include <string.h>

static const char *const k_view_names[SMP_VIEW_COUNT] = {
    [SMP_VIEW_FRONT] = "front",     [SMP_VIEW_BACK] = "back",
    [SMP_VIEW_LEFT] = "left",       [SMP_VIEW_RIGHT] = "right",
    [SMP_VIEW_TOP] = "top",         [SMP_VIEW_THREE_QUARTER] = "three-quarter",
    [SMP_VIEW_CLOSEUP] = "closeup",
};

const char *smp_view_name(smp_view view) {
    return (unsigned)view < SMP_VIEW_COUNT ? k_view_names[view] : "?";
}

smp_status smp_view_parse(const char *name, smp_view *out, smp_error *err) {
    for (int v = 0; v < SMP_VIEW_COUNT; ++v)
        if (strcmp(name, k_view_names[v]) == 0) {
            *out = (smp_view)v;
            return SMP_OK;
        }
    return smp_error_set(err, SMP_ERR_INVALID_ARG,
                         "unknown view '%s' (expected front, back, left, right, top, "
                         "three-quarter or closeup)",
                         name);
}

void smp_camera_closeup(const float point[3], const float normal[3], float field_mm, float aspect,
                        smp_camera *cam) {
    vec3 n = {normal[0], normal[1], normal[2]};
    glm_vec3_normalize(n);
    const float distance = 40.0f; /* a dermatoscope's working distance, near enough */
    cam->fov_y_deg = glm_deg(2.0f * atanf(0.5f * field_mm / distance));
    if (aspect < 1.0f && aspect > 0.0f) /* keep field_mm across the narrower side */
        cam->fov_y_deg = glm_deg(2.0f * atanf(0.5f * field_mm / distance / aspect));
    /* up: the head's +Y projected into the view plane, or +Z on the crown */
    vec3 up = {0, 1, 0};
    if (fabsf(glm_vec3_dot(up, n)) > 0.95f) glm_vec3_copy((vec3){0, 0, -1}, up);
    for (int k = 0; k < 3; ++k) {
        cam->target[k] = point[k];
        cam->eye[k] = point[k] + n[k] * distance;
        cam->up[k] = up[k];
    }
    cam->near_mm = distance * 0.25f;
    cam->far_mm = distance * 4.0f;
}

/* Direction from the target to the eye, and the up vector, of a head view (head frame: +Y up,
 * +Z facing, +X towards the client's left). */
static const float *view_direction(smp_view view) {
    static const float dirs[SMP_VIEW_CLOSEUP][6] = {
        [SMP_VIEW_FRONT] = {0, 0.08f, 1, 0, 1, 0},
        [SMP_VIEW_BACK] = {0, 0.08f, -1, 0, 1, 0},
        [SMP_VIEW_LEFT] = {1, 0.08f, 0, 0, 1, 0},
        [SMP_VIEW_RIGHT] = {-1, 0.08f, 0, 0, 1, 0},
        [SMP_VIEW_TOP] = {0, 1, 0.02f, 0, 0, -1}, /* forehead at the bottom of the frame */
        [SMP_VIEW_THREE_QUARTER] = {0.62f, 0.35f, 0.78f, 0, 1, 0},
    };
    return dirs[(unsigned)view < SMP_VIEW_CLOSEUP ? view : SMP_VIEW_FRONT];
}

void smp_camera_frame_points(smp_view view, const float *xyz, size_t count, float aspect,
                             float fill, smp_camera *cam) {
    smp_bounds box = {{0, 0, 0}, {0, 0, 0}};
    for (size_t i = 0; i < count; ++i)
        for (int k = 0; k < 3; ++k) {
            float v = xyz[3 * i + k];
            if (i == 0 || v < box.min[k]) box.min[k] = v;
            if (i == 0 || v > box.max[k]) box.max[k] = v;
        }
    smp_camera_for_view(view, &box, aspect, cam);
    if (view == SMP_VIEW_CLOSEUP || count == 0) return;
    if (!(fill >= 0.1f && fill <= 1.0f)) fill = SMP_CAMERA_CLINIC_FILL;
    if (!(aspect > 0.0f)) aspect = 1.0f;

    /* The camera's frame: back (towards the eye), right and up. */
    vec3 back, right, up;
    for (int k = 0; k < 3; ++k) back[k] = cam->eye[k] - cam->target[k];
    glm_vec3_normalize(back);
    glm_vec3_cross((vec3){cam->up[0], cam->up[1], cam->up[2]}, back, right);
    glm_vec3_normalize(right);
    glm_vec3_cross(back, right, up);
    float tan_y = tanf(glm_rad(cam->fov_y_deg) * 0.5f), tan_x = tan_y * aspect;
    vec3 target = {cam->target[0], cam->target[1], cam->target[2]};
    float dist = glm_vec3_distance((vec3){cam->eye[0], cam->eye[1], cam->eye[2]}, target);

    /* The box of the points as seen (tangents of their angles off the axis) is scaled by the
     * distance and moved by shifting the camera sideways; both only approximately, through
     * the perspective, so a few rounds settle it (each round cuts the error about tenfold at
     * these distances). */
    float near = dist, far = dist;
    for (int round = 0; round < 6; ++round) {
        vec3 eye;
        glm_vec3_scale(back, dist, eye);
        glm_vec3_add(target, eye, eye);
        float lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
        near = INFINITY, far = 0.0f;
        for (size_t i = 0; i < count; ++i) {
            vec3 q = {xyz[3 * i] - eye[0], xyz[3 * i + 1] - eye[1], xyz[3 * i + 2] - eye[2]};
            float z = -glm_vec3_dot(q, back);
            if (z <= 1e-3f) continue; /* never behind the lens at these distances */
            float t[2] = {glm_vec3_dot(q, right) / z, glm_vec3_dot(q, up) / z};
            for (int k = 0; k < 2; ++k) lo[k] = fminf(lo[k], t[k]), hi[k] = fmaxf(hi[k], t[k]);
            near = fminf(near, z), far = fmaxf(far, z);
        }
        if (!(hi[0] > lo[0] && hi[1] > lo[1])) break;
        float scale =
            fmaxf((hi[1] - lo[1]) / (2.0f * fill * tan_y), (hi[0] - lo[0]) / (2.0f * fill * tan_x));
        for (int k = 0; k < 3; ++k)
            target[k] +=
                dist * (0.5f * (lo[0] + hi[0]) * right[k] + 0.5f * (lo[1] + hi[1]) * up[k]);
        near += dist * (scale - 1.0f), far += dist * (scale - 1.0f);
        dist *= scale;
    }
    for (int k = 0; k < 3; ++k) {
        cam->target[k] = target[k];
        cam->eye[k] = target[k] + back[k] * dist;
    }
    float depth = far - near;
    cam->near_mm = fmaxf(near - 0.5f * depth, 1.0f);
    cam->far_mm = far + 0.5f * depth;
}

void smp_camera_for_view(smp_view view, const smp_bounds *box, float aspect, smp_camera *cam) {
    if (view == SMP_VIEW_CLOSEUP) {
        /* the front of the crown: 40° up from the box's centre, towards the face */
        float c[3], e[3];
        for (int k = 0; k < 3; ++k)
            c[k] = 0.5f * (box->min[k] + box->max[k]), e[k] = 0.5f * (box->max[k] - box->min[k]);
        float point[3] = {c[0], c[1] + e[1] * 0.64f, c[2] + e[2] * 0.77f};
        float normal[3] = {0, 0.64f, 0.77f};
        smp_camera_closeup(point, normal, 10.0f, aspect, cam);
        return;
    }
    const float *d = view_direction(view);
    vec3 dir = {d[0], d[1], d[2]};
    glm_vec3_normalize(dir);

    vec3 centre, extent;
    for (int k = 0; k < 3; ++k) {
        centre[k] = 0.5f * (box->min[k] + box->max[k]);
        extent[k] = 0.5f * (box->max[k] - box->min[k]);
    }
    float radius = glm_vec3_norm(extent);
    cam->fov_y_deg = SMP_CAMERA_CLINIC_FOV_Y_DEG;
    /* Fit the box's bounding sphere in the narrower of the two fields of view: the box is
     * always whole in frame, and the head (rounder than its box) keeps a margin. */
    float half_fov_y = glm_rad(cam->fov_y_deg) * 0.5f;
    float half_fov_x = atanf(tanf(half_fov_y) * (aspect > 0 ? aspect : 1.0f));
    float half_fov = fminf(half_fov_x, half_fov_y);
    float dist = radius / sinf(half_fov);
    for (int k = 0; k < 3; ++k) {
        cam->target[k] = centre[k];
        cam->eye[k] = centre[k] + dir[k] * dist;
        cam->up[k] = d[3 + k];
    }
    cam->near_mm = fmaxf(dist - 1.5f * radius, 1.0f);
    cam->far_mm = dist + 1.5f * radius;
}

void smp_camera_matrices(const smp_camera *cam, float aspect, float view[16], float proj[16]) {
    mat4 v, p;
    vec3 eye = {cam->eye[0], cam->eye[1], cam->eye[2]};
    vec3 target = {cam->target[0], cam->target[1], cam->target[2]};
    vec3 up = {cam->up[0], cam->up[1], cam->up[2]};
    glm_lookat(eye, target, up, v);
    glm_perspective(glm_rad(cam->fov_y_deg), aspect, cam->near_mm, cam->far_mm, p);
    memcpy(view, v, sizeof v);
    memcpy(proj, p, sizeof p);
}
