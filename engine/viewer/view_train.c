/* Training mode in the viewer: turning it on and off, the pointer, the Training panel, and
 * keeping the renderer's dots and error map in step with the trainee's work (the work itself
 * lives in view_training.c). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smp/clock.h"
#include "smp/renderer.h"
#include "ui_imgui.h"
#include "view.h"

static const float k_pi = 3.14159265f;

static smp_status upload(viewer *v, int expert, smp_error *err) {
    const smp_dots *d = expert ? view_training_expert(v->training) : NULL;
    if (!d) d = view_training_shown(v->training), expert = 0;
    smp_status st = smp_renderer_set_dots(v->h.renderer, d, err);
    if (st == SMP_OK) v->train_uploaded = expert;
    return st;
}

/* The exercise seen square on: the target's centre (weighted by its density), looked at along
 * its mean normal from far enough that its extent fills 55 % of the window's height (the
 * panels and the timeline take the rest), the skin around it in view. */
static view_orbit exercise_view(const viewer *v) {
    const smp_mesh *m = &v->h.p.head;
    const float *target = view_training_target(v->training);
    double peak = 0, c[3] = {0, 0, 0}, n[3] = {0, 0, 0}, w = 0;
    for (uint32_t i = 0; i < m->vertex_count; ++i) peak = fmax(peak, target[i]);
    for (uint32_t i = 0; peak > 0 && i < m->vertex_count; ++i) {
        if (target[i] < 0.5 * peak) continue;
        for (int k = 0; k < 3; ++k)
            c[k] += target[i] * m->positions[3 * i + k], n[k] += target[i] * m->normals[3 * i + k];
        w += target[i];
    }
    view_orbit o = v->cam;
    if (w <= 0) return o;
    double nl = sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]), extent = 0;
    for (int k = 0; k < 3; ++k) c[k] /= w, n[k] = nl > 0 ? n[k] / nl : (k == 1);
    for (uint32_t i = 0; i < m->vertex_count; ++i) {
        if (target[i] < 0.5 * peak) continue;
        double d2 = 0;
        for (int k = 0; k < 3; ++k)
            d2 += (m->positions[3 * i + k] - c[k]) * (m->positions[3 * i + k] - c[k]);
        extent = fmax(extent, sqrt(d2));
    }
    const float fov = v->cam.fov_y_deg > 0 ? v->cam.fov_y_deg : 30.0f;
    const double distance = fmax(60.0, extent / 0.55 / tan(0.5 * fov * (k_pi / 180.0)));
    const float centre[3] = {(float)c[0], (float)c[1], (float)c[2]};
    const float normal[3] = {(float)n[0], (float)n[1], (float)n[2]};
    return view_orbit_facing(centre, normal, (float)distance, fov);
}

/* Where a hairline exercise is judged: the designed hairline at the midline (the vertex in
 * front, within 6 mm of the midline, nearest the line), seen square on with 40 mm of skin
 * across the view's height, centred 8 mm up the skin behind the line so the fade and the work
 * behind it fill the view, so 1RL dots read in the projection's cells. */
static void hairline_view(viewer *v, const float *hairline) {
    const smp_mesh *m = &v->h.p.head;
    uint32_t best = UINT32_MAX;
    for (uint32_t i = 0; i < m->vertex_count; ++i) {
        const float *p = m->positions + 3 * (size_t)i;
        if (fabsf(p[0]) > 6.0f || p[2] <= 0.0f || p[1] <= 0.0f) continue;
        if (best == UINT32_MAX || fabsf(hairline[i]) < fabsf(hairline[best])) best = i;
    }
    if (best == UINT32_MAX) return;
    const float *p = m->positions + 3 * (size_t)best, *nrm = m->normals + 3 * (size_t)best;
    const float fov = v->cam.fov_y_deg > 0 ? v->cam.fov_y_deg : 30.0f;
    const float distance = 20.0f / tanf(0.5f * fov * (k_pi / 180.0f));
    /* up the skin: +Y with its part along the normal taken out */
    float t[3] = {-nrm[1] * nrm[0], 1.0f - nrm[1] * nrm[1], -nrm[1] * nrm[2]}, centre[3];
    float tl = sqrtf(t[0] * t[0] + t[1] * t[1] + t[2] * t[2]);
    for (int k = 0; k < 3; ++k) centre[k] = p[k] + (tl > 1e-3f ? 8.0f * t[k] / tl : 0.0f);
    v->train_projection_view = view_orbit_facing(centre, nrm, distance, fov);
    v->train_projection_framed = 1;
}

/* The target's edge (half its peak density) and, when the plan designs one, the frontal and
 * temporal hairline (the scalp's edge in front of the ear canals, above the eye corners), as
 * a trainer marks them on a client. */
static smp_status upload_marks(viewer *v, smp_error *err) {
    const smp_mesh *m = &v->h.p.head;
    const float *target = view_training_target(v->training);
    size_t n = m->vertex_count;
    float *outline = malloc(sizeof(float) * (n ? n : 1));
    float *hairline = malloc(sizeof(float) * (n ? n : 1));
    float *mask = malloc(sizeof(float) * (n ? n : 1));
    smp_status st = outline && hairline && mask
                        ? SMP_OK
                        : smp_error_set(err, SMP_ERR_NOMEM, "out of memory for the marks");
    float peak = 0;
    for (size_t i = 0; st == SMP_OK && i < n; ++i) peak = fmaxf(peak, target[i]);
    for (size_t i = 0; st == SMP_OK && i < n; ++i)
        outline[i] = peak > 0 ? target[i] / peak - 0.5f : -1.0f;
    int designed = v->shown.plan.hairline != SMP_HAIRLINE_NONE && v->h.p.fields;
    if (st == SMP_OK && designed) {
        smp_fields_out out = {.scalp = hairline};
        smp_fields_eval(v->h.p.fields, m->positions, n, &out);
        const float eye_y = v->h.p.landmarks.p[SMP_LM_CANTHUS_LEFT][1];
        for (size_t i = 0; i < n; ++i) {
            hairline[i] -= 0.5f;
            mask[i] = m->positions[3 * i + 2] > 0.0f && m->positions[3 * i + 1] > eye_y;
        }
        if (v->shown.training.hairline) hairline_view(v, hairline);
    }
    if (st == SMP_OK)
        st = smp_renderer_set_marks(v->h.renderer, outline, designed ? hairline : NULL, mask, n,
                                    err);
    free(outline);
    free(hairline);
    free(mask);
    return st;
}

void view_train_go_to_exercise(viewer *v) {
    if (v->training) view_glide_to(v, v->train_view);
}

smp_status view_train_start(viewer *v, smp_error *err) {
    if (v->training) return SMP_OK;
    if (view_building(v, NULL))
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "training: wait until the scene's dots are in, then turn it on");
    view_training *t = NULL;
    smp_status st = view_training_begin(&v->h.p, &v->shown, smp_clock_ms(), &t, err);
    if (st != SMP_OK) {
        view_message(v, 1, "%s", err->message);
        return st;
    }
    v->training = t;
    view_training_status s;
    view_training_status_get(t, &s);
    v->train_saved_generation = s.work_generation;
    v->train_confirm_stop = 0;
    v->train_projection = v->train_show_expert = v->train_stroking = 0;
    v->train_heat_generation = 0;
    v->heat_ready = 0;
    v->compare = VIEW_COMPARE_OFF;
    if (!v->session_path[0]) snprintf(v->session_path, sizeof v->session_path, "session.smpt.json");
    v->train_projection_framed = 0;
    if ((st = upload(v, 0, err)) != SMP_OK || (st = upload_marks(v, err)) != SMP_OK) {
        view_train_stop(v);
        return st;
    }
    v->train_marks = 1;
    v->train_view = exercise_view(v);
    if (!v->train_projection_framed) { /* the target fills 80 % of a cell's height */
        v->train_projection_view = v->train_view;
        v->train_projection_view.distance *= 0.55f / 0.8f;
    }
    view_train_go_to_exercise(v);
    view_message(v, 0, "training on: %s; left click or drag punctures, right drag orbits",
                 v->shown.training.enabled ? v->shown.name : "free practice");
    return SMP_OK;
}

void view_train_stop(viewer *v) {
    if (!v->training) return;
    view_training_end(v->training);
    v->training = NULL;
    v->train_confirm_stop = 0;
    view_frame_release(v);
    smp_error marks_err = {0};
    smp_renderer_set_marks(v->h.renderer, NULL, NULL, NULL, 0, &marks_err);
    v->train_projection = v->train_show_expert = v->train_stroking = 0;
    v->heat_ready = 0;
    smp_error err = {0};
    if (smp_renderer_set_dots(v->h.renderer, &v->h.p.dots, &err) != SMP_OK)
        view_message(v, 1, "%s", err.message);
}

void view_train_frame(viewer *v) {
    if (!v->training) return;
    int changed = view_training_poll(v->training, smp_clock_ms(), 0);
    smp_error err = {0};
    /* the projection uploads per cell; the main view keeps whichever set it shows */
    int want = v->train_show_expert && view_training_expert(v->training);
    if (want != v->train_uploaded) v->heat_ready = 0; /* the map follows the dots shown */
    if (!v->train_projection && (changed || want != v->train_uploaded) &&
        upload(v, want, &err) != SMP_OK)
        view_message(v, 1, "%s", err.message);
    unsigned gen = 0;
    if (view_training_heat(v->training, &gen) && gen != v->train_heat_generation) {
        v->train_heat_generation = gen;
        v->heat_ready = 0; /* view_frame.c uploads the new map when the overlay is on */
    }
}

static smp_camera camera(const viewer *v) { return view_orbit_camera(&v->cam); }

static smp_status refused_off(smp_error *err) {
    return smp_error_set(err, SMP_ERR_INVALID_ARG, "training mode is off (turn it on first)");
}

smp_status view_train_puncture(viewer *v, float x, float y, smp_error *err) {
    if (!v->training) return refused_off(err);
    smp_camera c = camera(v);
    int placed = 0;
    smp_status st = view_training_puncture_at(v->training, &c, v->width, v->height, x, y,
                                              smp_clock_ms(), &placed, err);
    if (st == SMP_OK && !placed)
        view_message(v, 0, "no skin under (%.0f, %.0f): nothing placed", x, y);
    return st;
}

smp_status view_train_stroke(viewer *v, float x0, float y0, float x1, float y1, double ms,
                             smp_error *err) {
    if (!v->training) return refused_off(err);
    smp_camera c = camera(v);
    double start = smp_clock_ms();
    int steps = (int)ceil(ms / (1000.0 / 60.0));
    smp_status st =
        view_training_stroke_begin(v->training, &c, v->width, v->height, x0, y0, start, NULL, err);
    for (int i = 1; st == SMP_OK && i <= steps; ++i) {
        float f = (float)i / (float)steps;
        st = view_training_stroke_move(v->training, &c, v->width, v->height, x0 + f * (x1 - x0),
                                       y0 + f * (y1 - y0), start + ms * f, NULL, err);
    }
    view_training_stroke_end(v->training);
    return st;
}

void view_train_pointer_down(viewer *v, float x, float y) {
    if (!v->training || v->train_projection) return;
    smp_camera c = camera(v);
    smp_error err = {0};
    v->train_stroking = 1;
    if (view_training_stroke_begin(v->training, &c, v->width, v->height, x, y, smp_clock_ms(), NULL,
                                   &err) != SMP_OK)
        view_message(v, 1, "%s", err.message);
}

void view_train_pointer_move(viewer *v, float x, float y) {
    if (!v->training || !v->train_stroking) return;
    smp_camera c = camera(v);
    smp_error err = {0};
    if (view_training_stroke_move(v->training, &c, v->width, v->height, x, y, smp_clock_ms(), NULL,
                                  &err) != SMP_OK) {
        view_message(v, 1, "%s", err.message);
        view_train_pointer_up(v);
    }
}

void view_train_pointer_up(viewer *v) {
    if (v->training) view_training_stroke_end(v->training);
    v->train_stroking = 0;
}

void view_train_undo(viewer *v) {
    if (v->training && !view_training_undo(v->training)) view_message(v, 0, "nothing to undo");
}

void view_train_redo(viewer *v) {
    if (!v->training) return;
    smp_error err = {0};
    int redone = 0;
    if (view_training_redo(v->training, &redone, &err) != SMP_OK)
        view_message(v, 1, "%s", err.message);
    else if (!redone)
        view_message(v, 0, "nothing to redo");
}

smp_status view_train_save(viewer *v, const char *path, smp_error *err) {
    if (!v->training) return refused_off(err);
    view_training_status s;
    view_training_status_get(v->training, &s);
    smp_status st = view_training_save(v->training, path, err);
    if (st != SMP_OK) {
        view_message(v, 1, "%s", err->message);
    } else {
        view_message(v, 0, "saved %s", path);
        v->train_saved_generation = s.work_generation;
    }
    return st;
}

smp_status view_train_load(viewer *v, const char *path, smp_error *err) {
    if (!v->training) return refused_off(err);
    smp_status st = view_training_load(v->training, path, err);
    if (st != SMP_OK) {
        view_message(v, 1, "%s", err->message);
        view_message(v, 1, "session not loaded; your work stays as it was");
    } else {
        view_message(v, 0, "loaded %s", path);
        view_training_status s;
        view_training_status_get(v->training, &s);
        v->train_saved_generation = s.work_generation;
    }
    return st;
}

smp_status view_train_set_projection(viewer *v, int on, smp_error *err) {
    if (!v->training) return refused_off(err);
    if (on && !view_training_expert(v->training)) {
        /* the expert version comes with the first score; blocking here once beats showing
         * half a projection */
        smp_error ignored = {0};
        view_training_score_now(v->training, &ignored);
        if (!view_training_expert(v->training))
            return smp_error_set(err, SMP_ERR_INVALID_ARG,
                                 "training: the expert version could not be made for this scene");
    }
    v->train_projection = on;
    if (!on) { /* the main view's dots come back */
        smp_status st = upload(v, v->train_show_expert, err);
        if (st != SMP_OK) return st;
    }
    return SMP_OK;
}

/* --- the panel -------------------------------------------------------------------------- */

static void tool_section(viewer *v) {
    smp_training_tool tool = *view_training_tool(v->training);
    float rate = (float)view_training_rate_hz(v->training);
    int changed = 0;
    if (ui_radio("1RL", tool.needle_points == 1)) tool.needle_points = 1, changed = 1;
    ui_same_line();
    if (ui_radio("3RL", tool.needle_points == 3)) tool.needle_points = 3, changed = 1;
    static const char *const gauges[] = {"#04 0.18 mm", "#06 0.20 mm", "#08 0.25 mm",
                                         "#10 0.30 mm"};
    static const float gauge_mm[] = {0.18f, 0.20f, 0.25f, 0.30f};
    int g = 2;
    for (int i = 0; i < 4; ++i)
        if (fabsf(tool.needle_diameter_mm - gauge_mm[i]) < 0.005f) g = i;
    if (ui_combo("Gauge", &g, gauges, 4)) tool.needle_diameter_mm = gauge_mm[g], changed = 1;
    changed |= ui_slider_float("Dilution", &tool.dilution, 0.0f, 0.95f, "%.2f");
    changed |= ui_slider_float("Depth mm", &tool.depth_mm, 0.1f, 1.5f, "%.2f");
    changed |= ui_slider_float("Steadiness", &tool.steadiness, 0.01f, 1.0f, "%.2f");
    changed |= ui_slider_float("Stroke Hz", &rate, 1.0f, 60.0f, "%.0f");
    smp_error err = {0};
    if (changed && view_training_set_tool(v->training, &tool, rate, &err) != SMP_OK)
        view_message(v, 1, "%s", err.message);
}

static void score_section(const view_training_status *s) {
    if (s->scoring) ui_text_muted("scoring...");
    if (!s->score_valid && !s->score_stale) {
        ui_text_wrapped("%s", s->score_error[0] ? s->score_error : "scored when you pause");
        return;
    }
    const smp_score *sc = &s->score;
    ui_text("Overall %.0f / 100  (%c)%s", sc->overall, sc->grade,
            s->score_stale ? "  - updating" : "");
    if (s->expert_valid) ui_text_muted("expert %.0f / 100", s->expert.overall);
    for (int k = 0; k < SMP_SCORE_ITEM_COUNT; ++k) {
        if (isnan(sc->item[k])) continue;
        ui_text("%-12s %3.0f", smp_score_item_name((smp_score_item)k), sc->item[k]);
        ui_text_wrapped("%s", sc->hint[k]);
    }
}

smp_status view_train_set_trainee(viewer *v, const char *name, smp_error *err) {
    if (!v->training) return refused_off(err);
    smp_status st = view_training_set_trainee(v->training, name, err);
    if (st != SMP_OK)
        view_message(v, 1, "%s", err->message);
    else
        view_message(v, 0, "trainee: %s (saved with the session)", name[0] ? name : "none");
    return st;
}

int view_train_unsaved(const viewer *v) {
    if (!v->training) return 0;
    view_training_status s;
    view_training_status_get(v->training, &s);
    return s.punctures > 0 && s.work_generation != v->train_saved_generation;
}

int view_train_leave(viewer *v) {
    if (!v->training) return 1;
    if (view_train_unsaved(v)) {
        v->train_confirm_stop = 1;
        view_message(v, 0, "the punctures are not saved: save them, or leave without them");
        return 0;
    }
    view_train_stop(v);
    return 1;
}

/* Asked after Done or T with unsaved work. Returns 1 once training has ended. */
static int leave_question(viewer *v, const view_training_status *s) {
    ui_text_error("%zu punctures are not saved", s->punctures);
    smp_error err = {0};
    if (ui_button("Save and leave")) {
        if (v->session_path[0] && view_train_save(v, v->session_path, &err) == SMP_OK) {
            view_train_stop(v);
            return 1;
        }
    }
    ui_same_line();
    int discard = ui_button("Leave without saving");
    ui_item_rect(v->widget_rect[VIEW_WIDGET_TRAIN_DISCARD]);
    if (discard) {
        size_t n = s->punctures;
        view_train_stop(v);
        view_message(v, 0, "training off; %zu punctures discarded", n);
        return 1;
    }
    ui_same_line();
    if (ui_button("Keep working")) v->train_confirm_stop = 0;
    ui_item_rect(v->widget_rect[VIEW_WIDGET_TRAIN_KEEP]);
    return 0;
}

void view_train_panel(viewer *v) {
    float height = (float)v->height - 150.0f;
    if (ui_begin_fixed("Training", 12, 12, 340, height > 200 ? height : 200)) {
        view_training_status s;
        view_training_status_get(v->training, &s);
        ui_text_wrapped("%s", s.exercise ? v->shown.name : "Free practice");
        if (s.exercise) {
            ui_text_wrapped("%s", v->shown.description);
            if (ui_section("What is graded", 1)) {
                char brief[1536];
                smp_training_brief(&v->shown, brief, sizeof brief);
                ui_text_wrapped("%s", brief);
            }
        }
        ui_text("%zu punctures", s.punctures);
        if (s.base_dots) ui_text_muted("over %zu dots of earlier sessions", s.base_dots);
        if (ui_button("Undo")) view_train_undo(v);
        ui_same_line();
        ui_disabled_begin(s.redo_available == 0);
        if (ui_button("Redo")) view_train_redo(v);
        ui_disabled_end();
        ui_same_line();
        if (ui_button(s.replaying ? "Stop replay" : "Replay"))
            view_training_replay(v->training, smp_clock_ms());
        ui_same_line();
        int done = ui_button("Done");
        ui_item_rect(v->widget_rect[VIEW_WIDGET_TRAIN_DONE]);
        if (done && view_train_leave(v)) {
            ui_end();
            return;
        }
        if (v->train_confirm_stop && leave_question(v, &s)) {
            ui_end();
            return;
        }
        if (s.replaying) ui_progress((float)s.replay_fraction, "replay");
        smp_error err = {0};
        int projection = v->train_projection;
        if (ui_checkbox("Projection, years 5 and 10 (P)", &projection) &&
            view_train_set_projection(v, projection, &err) != SMP_OK)
            view_message(v, 1, "%s", err.message);
        ui_disabled_begin(!s.expert_valid);
        ui_checkbox("Show the expert version", &v->train_show_expert);
        ui_disabled_end();
        ui_checkbox("Target and hairline marked (M)", &v->train_marks);
        if (ui_button("Go to the exercise (G)")) view_train_go_to_exercise(v);
        view_panel_view_buttons(v);
        ui_checkbox("Density error map", &v->heat_map);
        if (ui_section("Tool", 1)) tool_section(v);
        if (ui_section("Score", 1)) score_section(&s);
        if (ui_section("Session file", 1)) {
            int typing = 0;
            ui_item_width(-70);
            int named = ui_input_text_committed("Trainee", v->trainee_text, sizeof v->trainee_text,
                                                &typing);
            ui_item_rect(v->widget_rect[VIEW_WIDGET_TRAINEE]);
            if (named) view_train_set_trainee(v, v->trainee_text, &err);
            if (!typing) /* follows the session (a loaded one brings its own) */
                snprintf(v->trainee_text, sizeof v->trainee_text, "%s",
                         view_training_trainee(v->training));
            ui_item_width(-1);
            ui_input_text("##session", v->session_path, sizeof v->session_path);
            if (ui_button("Save") && v->session_path[0]) view_train_save(v, v->session_path, &err);
            ui_same_line();
            if (ui_button("Load") && v->session_path[0]) view_train_load(v, v->session_path, &err);
        }
    }
    ui_end();
}

void view_train_labels(viewer *v) {
    if (!v->training || !v->train_projection) return;
    /* the cells as view_frame.c lays them: between the panels, or the whole window */
    float x0 = 364, top = 0, rw = (float)v->width - 376, rh = (float)v->height - 138;
    if (rw < 400 || rh < 240) x0 = 0, rw = (float)v->width, rh = (float)v->height;
    float cw = floorf(rw / 2), ch = floorf(rh / 2);
    ui_label(x0 + 10, top + 10, "yours, year 5");
    ui_label(x0 + cw + 10, top + 10, "yours, year 10");
    ui_label(x0 + 10, top + ch + 10, "expert, year 5");
    ui_label(x0 + cw + 10, top + ch + 10, "expert, year 10");
}
