/* The head's landmarks in the window: where each is (estimated, given by the scene, or guessed
 * because the shape gave no estimate), drawn over the head, and placed by a click.
 *
 * A scan whose landmarks cannot all be estimated still opens: the build guesses the missing
 * ones (smp_pipeline_options.guess_landmarks), the window says which and why, opens
 * Head > Landmarks and waits for a click on the real one. A click writes the point into the
 * scene (smp_pipeline_set_landmark: in the mesh file's own frame for an imported head, so it
 * is used before estimation) and the head is read again around it; the next guessed landmark
 * is asked for until none is left. Saving the scene keeps them. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "smp/pick.h"
#include "ui_imgui.h"
#include "view.h"

static unsigned guessed(const viewer *v) {
    return v->h.p.imported ? v->h.p.import.landmarks_guessed : 0u;
}

const char *view_landmark_source(const viewer *v, int id) {
    if (guessed(v) >> id & 1u) return "guessed";
    if (v->shown.head.landmark_set[id]) return "given";
    return v->h.p.imported ? "estimated" : "built in";
}

static int first_guessed(const viewer *v) {
    for (int i = 0; i < SMP_LM_COUNT; ++i)
        if (guessed(v) >> i & 1u) return i;
    return -1;
}

static void ask_for(viewer *v, int id) {
    v->landmark_placing = id;
    v->landmarks_open = 1;
    if (id >= 0)
        view_message(v, 0, "click the %s on the head (Esc: not now)", smp_landmark_name(id));
}

void view_landmarks_adopted(viewer *v) {
    int next = first_guessed(v);
    if (next < 0) {
        if (v->landmarks_asked)
            view_message(v, 0, "every landmark is placed: save the scene to keep them");
        v->landmarks_asked = 0;
        v->landmark_placing = -1;
        return;
    }
    if (!v->landmarks_asked)
        view_message(v, 1, "%s: %s", v->h.p.head_source, v->h.p.import.landmarks_problem);
    v->landmarks_asked = 1;
    ask_for(v, next);
}

int view_landmarks_click(viewer *v, float x, float y) {
    if (v->landmark_placing < 0 || !v->h.p.head.vertex_count) return 0;
    smp_error err = {0};
    smp_pick_hit hit;
    float o[3];
    int on = view_pick_at(v, x, y, &hit, o, &err);
    if (on < 0) {
        view_message(v, 1, "%s", err.message);
        return 1;
    }
    if (!on) {
        view_message(v, 1, "that is not on the head: click the %s on the skin",
                     smp_landmark_name((smp_landmark_id)v->landmark_placing));
        return 1;
    }
    smp_scene edited = v->scene;
    smp_landmark_id id = (smp_landmark_id)v->landmark_placing;
    smp_pipeline_set_landmark(&edited, &v->h.p, id, hit.point);
    v->landmark_placing = -1;
    if (view_edit(v, &edited, &err) != SMP_OK)
        view_message(v, 1, "%s", err.message);
    else
        view_message(v, 0, "%s placed at [%.1f, %.1f, %.1f] mm; reading the head again around it",
                     smp_landmark_name(id), (double)hit.point[0], (double)hit.point[1],
                     (double)hit.point[2]);
    return 1;
}

void view_landmarks_cancel(viewer *v) {
    if (v->landmark_placing < 0) return;
    v->landmark_placing = -1;
    view_message(v, 0, "placing cancelled");
}

/* Where landmark id is in the window (drawable pixels), and whether the head hides it. */
static int project(viewer *v, int id, float out[2]) {
    const float *p = v->h.p.landmarks.p[id];
    smp_camera c = view_orbit_camera(&v->cam);
    float view[16], proj[16];
    smp_camera_matrices(&c, (float)v->width / (float)v->height, view, proj);
    float e[4], clip[4];
    for (int r = 0; r < 4; ++r)
        e[r] = view[r] * p[0] + view[4 + r] * p[1] + view[8 + r] * p[2] + view[12 + r];
    for (int r = 0; r < 4; ++r)
        clip[r] = proj[r] * e[0] + proj[4 + r] * e[1] + proj[8 + r] * e[2] + proj[12 + r] * e[3];
    if (!(clip[3] > 0.0f)) return 0;
    out[0] = (clip[0] / clip[3] * 0.5f + 0.5f) * (float)v->width;
    out[1] = (0.5f - clip[1] / clip[3] * 0.5f) * (float)v->height;
    /* hidden when the ray from the eye meets the head well before the point */
    smp_error err = {0};
    const smp_pick *pick = view_picker(v, &err);
    if (!pick) return 1;
    float d[3], len = 0.0f;
    for (int k = 0; k < 3; ++k) d[k] = p[k] - c.eye[k], len += d[k] * d[k];
    len = sqrtf(len);
    for (int k = 0; k < 3; ++k) d[k] /= len;
    smp_pick_hit hit;
    if (smp_pick_ray(pick, c.eye, d, &hit, &err) == SMP_OK && hit.triangle != SMP_PICK_MISS &&
        hit.distance < len - 2.0f)
        return 0;
    return 1;
}

void view_landmarks_overlay(viewer *v) {
    for (int i = 0; i < SMP_LM_COUNT; ++i) v->landmark_at[i][2] = 0.0f;
    if (!v->h.p.head.vertex_count || (!v->landmarks_open && !guessed(v))) return;
    float ww, wh;
    ui_display_size(&ww, &wh);
    const float sx = v->width > 0 ? ww / (float)v->width : 1.0f;
    const float sy = v->height > 0 ? wh / (float)v->height : 1.0f;
    for (int i = 0; i < SMP_LM_COUNT; ++i) {
        float at[2];
        if (!project(v, i, at)) continue;
        v->landmark_at[i][0] = at[0], v->landmark_at[i][1] = at[1], v->landmark_at[i][2] = 1.0f;
        int kind = guessed(v) >> i & 1u       ? UI_MARKER_WARN
                   : v->landmark_placing == i ? UI_MARKER_ACTIVE
                                              : UI_MARKER_PLAIN;
        ui_marker(at[0] * sx, at[1] * sy, kind, smp_landmark_name((smp_landmark_id)i));
    }
}

void view_landmarks_section(viewer *v) {
    if (!v->h.p.head.vertex_count) return;
    ui_text_wrapped("%s", v->h.p.head_source);
    if (v->h.p.imported) {
        const smp_mesh_import_report *r = &v->h.p.import;
        ui_text_muted("%s, up %s, facing %s; %.0f x %.0f x %.0f mm", smp_mesh_units_name(r->units),
                      smp_axis_name(r->up), smp_axis_name(r->facing), (double)r->breadth_mm,
                      (double)r->height_mm, (double)r->length_mm);
    }
    ui_checkbox("Show the landmarks", &v->landmarks_open);
    ui_text_muted("Place one: its button, then a click on the head");
    for (int i = 0; i < SMP_LM_COUNT; ++i) {
        ui_push_id(i);
        const char *src = view_landmark_source(v, i);
        int armed = v->landmark_placing == i;
        if (ui_button(armed ? "Click the head" : "Place")) {
            if (armed)
                view_landmarks_cancel(v);
            else
                ask_for(v, i);
        }
        ui_item_rect(v->landmark_button[i]);
        ui_same_line();
        if (strcmp(src, "guessed") == 0)
            ui_text_error("%s: guessed", smp_landmark_name((smp_landmark_id)i));
        else
            ui_text("%s: %s", smp_landmark_name((smp_landmark_id)i), src);
        ui_pop_id();
    }
    if (v->h.p.imported && first_guessed(v) >= 0)
        ui_text_wrapped("%s", v->h.p.import.landmarks_problem);
}
