/* The orbit camera: between an orbit and the renderer's camera, the clinic views, the glide to
 * a point of the head, and what lies under a pixel. Depends on no other file of the viewer
 * than the panels' C interface (ui_imgui.h), for the row of view buttons. */
#include <math.h>
#include <string.h>

#include "smp/pick.h"
#include "ui_imgui.h"
#include "view.h"

static const float k_pi = 3.14159265f;

view_orbit view_orbit_from_camera(const smp_camera *c) {
    view_orbit o;
    memcpy(o.target, c->target, sizeof o.target);
    float d[3] = {c->eye[0] - c->target[0], c->eye[1] - c->target[1], c->eye[2] - c->target[2]};
    o.distance = sqrtf(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    o.yaw = atan2f(d[0], d[2]);
    o.pitch = asinf(d[1] / o.distance);
    o.fov_y_deg = c->fov_y_deg;
    return o;
}

smp_camera view_orbit_camera(const view_orbit *o) {
    smp_camera c = {0};
    float cp = cosf(o->pitch);
    c.eye[0] = o->target[0] + o->distance * cp * sinf(o->yaw);
    c.eye[1] = o->target[1] + o->distance * sinf(o->pitch);
    c.eye[2] = o->target[2] + o->distance * cp * cosf(o->yaw);
    memcpy(c.target, o->target, sizeof c.target);
    c.up[1] = 1.0f;
    c.fov_y_deg = o->fov_y_deg;
    c.near_mm = o->distance * 0.05f;
    c.far_mm = o->distance * 4.0f + 400.0f;
    return c;
}

view_orbit view_orbit_facing(const float point[3], const float normal[3], float distance,
                             float fov_y_deg) {
    smp_camera cam = {.fov_y_deg = fov_y_deg, .up = {0, 1, 0}};
    for (int k = 0; k < 3; ++k) {
        cam.target[k] = point[k];
        cam.eye[k] = point[k] + normal[k] * distance;
    }
    return view_orbit_from_camera(&cam);
}

void view_glide_to(viewer *v, view_orbit goal) {
    v->goal = goal;
    /* never spin the long way round */
    while (v->goal.yaw - v->cam.yaw > k_pi) v->goal.yaw -= 2.0f * k_pi;
    while (v->goal.yaw - v->cam.yaw < -k_pi) v->goal.yaw += 2.0f * k_pi;
    v->animating = 1;
    v->view_named = -1;
}

void view_go_to(viewer *v, smp_view view) {
    smp_camera c;
    smp_pipeline_camera(&v->h.p, view, (float)v->width / (float)v->height, &c);
    view_glide_to(v, view_orbit_from_camera(&c));
    v->view_named = (int)view;
}

const smp_pick *view_picker(viewer *v, smp_error *err) {
    if (!v->focus_pick && smp_pick_create(&v->h.p.head, &v->focus_pick, err) != SMP_OK) return NULL;
    return v->focus_pick;
}

int view_pick_at(viewer *v, float x, float y, smp_pick_hit *hit, float origin[3], smp_error *err) {
    const smp_pick *pick = view_picker(v, err);
    if (!pick) return -1;
    smp_camera c = view_orbit_camera(&v->cam);
    float d[3];
    smp_pick_camera_ray(&c, v->width, v->height, x, y, origin, d);
    if (smp_pick_ray(pick, origin, d, hit, err) != SMP_OK) return -1;
    return hit->triangle != SMP_PICK_MISS;
}

int view_focus_at(viewer *v, float x, float y, smp_error *err) {
    smp_pick_hit hit;
    float o[3];
    int on = view_pick_at(v, x, y, &hit, o, err);
    if (on <= 0) return on;
    /* orbit about the point from where the camera is, a third closer (not past close-up) */
    v->goal = v->cam;
    memcpy(v->goal.target, hit.point, sizeof hit.point);
    float seen = 0.0f;
    for (int k = 0; k < 3; ++k) seen += (hit.point[k] - o[k]) * (hit.point[k] - o[k]);
    v->goal.distance = fmaxf(15.0f, sqrtf(seen) * 0.67f);
    v->animating = 1;
    v->view_named = -1;
    return 1;
}

void view_panel_view_buttons(viewer *v) {
    static const char *const names[] = {"Front", "Back", "Left", "Right", "Top", "3/4", "Close"};
    for (int i = 0; i < SMP_VIEW_COUNT; ++i) {
        if (i && i != 4) ui_same_line();
        if (ui_button(names[i])) view_go_to(v, (smp_view)i);
    }
}
