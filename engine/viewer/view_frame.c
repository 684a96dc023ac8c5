/* What the viewer draws under its panels: the head alone, a before/after split or two years
 * side by side; and what it writes: screenshots and contact sheets. */
#include <glad/gl.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smp/age.h"
#include "smp/caption.h"
#include "smp/clock.h"
#include "smp/describe.h"
#include "smp/sheet.h"
#include "smp/text.h"
#include "smp/video.h"
#include "view.h"

/* The heat map: the planned density per vertex (once per pipeline) or, in training, the
 * density error of the dots shown (the trainee's as of the last score, zero until there is
 * one, or the expert version's). */
static smp_status upload_heat_map(viewer *v, smp_error *err) {
    size_t n = v->h.p.head.vertex_count;
    const float *error = NULL;
    if (v->training)
        error = v->train_uploaded ? view_training_expert_heat(v->training)
                                  : view_training_heat(v->training, NULL);
    float *density = error ? NULL : calloc(n ? n : 1, sizeof *density);
    if (!error && !density)
        return smp_error_set(err, SMP_ERR_NOMEM, "out of memory for the heat map");
    smp_status st = SMP_OK;
    if (!v->training) st = smp_pipeline_plan_density(&v->h.p, &v->scene, 0, density, err);
    if (st == SMP_OK)
        st = smp_renderer_set_vertex_scalar(v->h.renderer, error ? error : density, n, err);
    free(density);
    v->heat_ready = st == SMP_OK;
    return st;
}

/* Replaces each vertex's value by the sum over the triangles around it of their corners'
 * values, three times: a cheap widening of what a vertex stands for. 0 when out of memory. */
static int ring_sum(const smp_mesh *m, double *value) {
    double *tri = malloc((m->triangle_count ? m->triangle_count : 1) * sizeof *tri);
    if (!tri) return 0;
    for (int round = 0; round < 3; ++round) {
        for (uint32_t t = 0; t < m->triangle_count; ++t) {
            const uint32_t *ix = m->indices + 3 * (size_t)t;
            tri[t] = value[ix[0]] + value[ix[1]] + value[ix[2]];
        }
        memset(value, 0, m->vertex_count * sizeof *value);
        for (uint32_t t = 0; t < m->triangle_count; ++t) {
            const uint32_t *ix = m->indices + 3 * (size_t)t;
            for (int k = 0; k < 3; ++k) value[ix[k]] += tri[t];
        }
    }
    free(tri);
    return 1;
}

/* What the client sees of the dots, vertex by vertex: how much darker the skin is at year t,
 * 1 − T, with T the mean (luminance-weighted) transmittance of the dots over the vertex's
 * share of the skin. A dot's Gaussian footprint of peak absorbance 1 − trans takes
 * (1 − trans)·2πσ² mm² of light away; footprints that overlap multiply, so their shares add
 * in the exponent. */
static smp_status upload_contrast_map(viewer *v, float year, smp_error *err) {
    const smp_pipeline *p = &v->h.p;
    size_t nv = p->head.vertex_count, n = p->dots.count;
    double *area = malloc((nv ? nv : 1) * sizeof *area),
           *taken = calloc(nv ? nv : 1, sizeof *taken);
    float *look = malloc((n ? n : 1) * 4 * sizeof *look),
          *map = malloc((nv ? nv : 1) * sizeof *map);
    smp_status st = SMP_OK;
    if (!area || !taken || !look || !map)
        st = smp_error_set(err, SMP_ERR_NOMEM, "out of memory for the contrast map");
    smp_dot_look out = {
        .sigma_mm = look, .trans_r = look + n, .trans_g = look + 2 * n, .trans_b = look + 3 * n};
    smp_dot_attrs attrs = smp_dot_attrs_of(&p->dots);
    if (st == SMP_OK && n && p->model)
        st = smp_age_eval(p->model, year, &attrs, 0, n, &out, 0, err);
    if (st == SMP_OK) {
        smp_mesh_vertex_areas_mm2(&p->head, area);
        for (size_t i = 0; i < (p->model ? n : 0); ++i) {
            double lum =
                0.2126 * out.trans_r[i] + 0.7152 * out.trans_g[i] + 0.0722 * out.trans_b[i];
            double s = out.sigma_mm[i], gone = (1.0 - lum) * 2.0 * 3.14159265358979 * s * s;
            const uint32_t *ix = p->head.indices + 3 * (size_t)p->dots.triangle[i];
            double bu = p->dots.bary_u[i] / 65535.0, bv = p->dots.bary_v[i] / 65535.0;
            taken[ix[0]] += gone * (1.0 - bu - bv);
            taken[ix[1]] += gone * bu;
            taken[ix[2]] += gone * bv;
        }
        /* A vertex holds a dot or two: pool light taken and area over its neighbourhood (three
         * rings, a few mm) so the map shows regions, not single dots. */
        if (!ring_sum(&p->head, taken) || !ring_sum(&p->head, area))
            st = smp_error_set(err, SMP_ERR_NOMEM, "out of memory for the contrast map");
        for (size_t k = 0; k < nv; ++k)
            map[k] = area[k] > 0 ? (float)(1.0 - exp(-taken[k] / area[k])) : 0.0f;
        if (st == SMP_OK) st = smp_renderer_set_vertex_scalar(v->h.renderer, map, nv, err);
    }
    free(area);
    free(taken);
    free(look);
    free(map);
    v->heat_ready = st == SMP_OK;
    v->heat_year = year;
    return st;
}

static smp_frame_desc frame_of(viewer *v, int untreated) {
    smp_frame_desc f = smp_frame_default();
    f.camera = view_orbit_camera(&v->cam);
    f.hide_dots = untreated || !v->show_dots;
    f.hide_hair = !v->show_hair;
    f.hide_skin = !v->show_skin;
    f.lighting = (smp_lighting)v->lighting;
    f.marks = v->training && v->train_marks;
    /* the projection shows how the dots age, which a map over the skin would hide */
    if (v->heat_map && v->heat_ready && !(v->training && v->train_projection)) {
        f.overlay = SMP_OVERLAY_VERTEX_SCALAR;
        f.overlay_min = 0;
        f.overlay_max = (float)v->scene.plan.full_density_per_cm2;
        if (v->training) /* too sparse (violet) .. on target (middle) .. too dense (yellow) */
            f.overlay_min = -1, f.overlay_max = 1;
        else if (v->heat_map == 2) /* the skin 0 .. 25 % darker */
            f.overlay_max = 0.25f;
    }
    return f;
}

/* --- the picture under the panels ------------------------------------------------------ */

enum { SCENE_MAX_RENDERS = 4 }; /* the projection's four cells */

/* One render of the scene: with the renderer's uploads, everything its pixels depend on. */
typedef struct scene_render {
    int scenario; /* drawn by the scenario's renderer */
    smp_frame_desc frame;
    smp_pipeline_frame_model model;
    int width, height;
} scene_render;

/* What a picture of the scene was (or would be) drawn from: two records that compare equal
 * byte for byte give the same picture. Zeroed before it is filled; padding, were there any,
 * could only make equal inputs compare unequal (one drawing more), never the reverse. */
struct view_scene_record {
    int width, height; /* the window */
    int layout;        /* view_compare, or -1 for the projection */
    int divider_x;
    uint64_t uploads, scenario_uploads; /* smp_renderer_upload_count */
    int heat_pending; /* a map is asked for and not uploaded: the next drawing uploads it */
    int count;
    scene_render render[SCENE_MAX_RENDERS];
};

static size_t record_size(const view_scene_record *r) {
    return offsetof(view_scene_record, render) + sizeof r->render[0] * (size_t)r->count;
}

/* Whether the picture is moving: the camera gliding or dragged, the years playing or scrubbed,
 * the divider dragged, or any of them in the last quarter second. Such frames are drafts when
 * motion_scale allows (a smaller frame scaled up, one sample per pixel, far hair and dots
 * thinned), which keeps a CPU rasteriser interactive; the first frame at rest is full size and
 * full detail again. */
static int in_motion(viewer *v) {
    double now = smp_clock_ms();
    const float seen[4] = {v->year, v->year_a, v->year_b, v->split};
    if (memcmp(seen, v->motion_seen, sizeof seen) != 0) {
        memcpy(v->motion_seen, seen, sizeof seen);
        v->last_input_ms = now;
    }
    return v->animating || v->playing || now - v->last_input_ms < 250.0;
}

/* One render into a renderer's offscreen target (the scenario's when scenario), noted in rec;
 * drawn only when draw. */
static smp_status render_of(viewer *v, view_scene_record *rec, int draw, int scenario, float year,
                            int untreated, int width, int height, smp_error *err) {
    smp_gl_session *h = scenario ? &v->scenario_h : &v->h;
    smp_status st = SMP_OK;
    if (!scenario && draw && v->heat_map == 2 && !v->training && !untreated &&
        (!v->heat_ready || v->heat_year != year))
        st = upload_contrast_map(v, year, err);
    else if (!scenario && draw && v->heat_map && !v->heat_ready && v->h.p.fields)
        st = upload_heat_map(v, err);
    if (st != SMP_OK) return st;
    scene_render *r = &rec->render[rec->count++];
    r->scenario = scenario;
    r->frame = frame_of(v, untreated);
    if (scenario) r->frame.overlay = SMP_OVERLAY_NONE; /* the maps are the plan's */
    r->frame.fast_hair = r->frame.fast_dots = r->frame.single_sample = v->draft;
    r->width = width, r->height = height;
    st = smp_gl_session_frame_state(h, year, &r->frame, &r->model, err);
    if (st == SMP_OK && draw) st = smp_gl_session_set_model(h, &r->model, err);
    if (st == SMP_OK && draw)
        st = smp_renderer_draw_offscreen(h->renderer, &r->frame, width, height, err);
    return st;
}

static smp_status render(viewer *v, view_scene_record *rec, int draw, float year, int untreated,
                         int width, int height, smp_error *err) {
    return render_of(v, rec, draw, 0, year, untreated, width, height, err);
}

/* A light two-pixel divider at x. */
static void divider(int x, int height) {
    glEnable(GL_SCISSOR_TEST);
    glScissor(x - 1, 0, 2, height);
    glClearColor(0.92f, 0.92f, 0.92f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    glDisable(GL_SCISSOR_TEST);
}

/* An RGBA8 framebuffer the size of the window (*fbo, *rbo, *w, *h describe the one there is),
 * made again when the window's size changes. */
static smp_status window_copy(viewer *v, unsigned *fbo, unsigned *rbo, int *w, int *h,
                              const char *what, smp_error *err) {
    if (*fbo && *w == v->width && *h == v->height) return SMP_OK;
    if (*fbo) glDeleteFramebuffers(1, fbo);
    if (*rbo) glDeleteRenderbuffers(1, rbo);
    glGenFramebuffers(1, fbo);
    glGenRenderbuffers(1, rbo);
    glBindRenderbuffer(GL_RENDERBUFFER, *rbo);
    glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, v->width, v->height);
    glBindFramebuffer(GL_FRAMEBUFFER, *fbo);
    glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, *rbo);
    GLenum complete = glCheckFramebufferStatus(GL_FRAMEBUFFER);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    if (complete != GL_FRAMEBUFFER_COMPLETE) {
        glDeleteFramebuffers(1, fbo);
        glDeleteRenderbuffers(1, rbo);
        *fbo = *rbo = 0;
        *w = *h = 0;
        return smp_error_set(err, SMP_ERR_GL, "%s: framebuffer incomplete (0x%x)", what,
                             (unsigned)complete);
    }
    *w = v->width, *h = v->height;
    return SMP_OK;
}

/* Copies the whole window from one framebuffer to another (0: the back buffer). */
static void copy_window(const viewer *v, unsigned from, unsigned to) {
    glBindFramebuffer(GL_READ_FRAMEBUFFER, from);
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, to);
    glBlitFramebuffer(0, 0, v->width, v->height, 0, 0, v->width, v->height, GL_COLOR_BUFFER_BIT,
                      GL_NEAREST);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
}

void view_frame_release(viewer *v) {
    GLuint fbos[2] = {v->train_fbo, v->scene_fbo}, rbos[2] = {v->train_rbo, v->scene_rbo};
    for (int i = 0; i < 2; ++i) {
        if (fbos[i]) glDeleteFramebuffers(1, &fbos[i]);
        if (rbos[i]) glDeleteRenderbuffers(1, &rbos[i]);
    }
    v->train_fbo = v->train_rbo = v->scene_fbo = v->scene_rbo = 0;
    v->train_fbo_w = v->train_fbo_h = v->scene_fbo_w = v->scene_fbo_h = 0;
    free(v->scene_shown);
    v->scene_shown = NULL;
}

/* The projection: the trainee's work on top, the expert's below, years 5 and 10 left and
 * right, in the space between the panels (or the whole window when that is too small). The
 * cells are gathered in an offscreen copy of the window: blitting a cell from the back
 * buffer's corner to its place in the same buffer could overlap itself. */
static smp_status draw_projection(viewer *v, view_scene_record *rec, int draw, smp_error *err) {
    int w = v->width, h = v->height;
    int x0 = 364, y0 = 138, rw = w - 376, rh = h - 138;
    if (rw < 400 || rh < 240) x0 = 0, y0 = 0, rw = w, rh = h;
    int cw = rw / 2, ch = rh / 2;
    smp_status st = SMP_OK;
    if (draw) {
        st = window_copy(v, &v->train_fbo, &v->train_rbo, &v->train_fbo_w, &v->train_fbo_h,
                         "projection", err);
        if (st != SMP_OK) return st;
        glBindFramebuffer(GL_FRAMEBUFFER, v->train_fbo);
        glClearColor(0.2f, 0.21f, 0.22f, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
    }
    /* every cell frames the exercise's target (a hairline exercise's hairline), close enough
     * that the dots read */
    const view_orbit working = v->cam;
    v->cam = v->train_projection_view;
    /* the set the renderer holds goes first: one upload a frame, not two */
    int first = v->train_uploaded;
    for (int pass = 0; pass < 2 && st == SMP_OK; ++pass) {
        int expert = pass ? !first : first;
        const smp_dots *d =
            expert ? view_training_expert(v->training) : view_training_shown(v->training);
        if (!d) continue;
        if (draw && expert != v->train_uploaded) {
            st = smp_renderer_set_dots(v->h.renderer, d, err);
            if (st != SMP_OK) break;
            v->train_uploaded = expert;
        }
        for (int col = 0; col < 2 && st == SMP_OK; ++col) {
            float year = view_model_year(v, col ? 10.0 : 5.0);
            if ((st = render(v, rec, draw, year, 0, cw, ch, err)) != SMP_OK || !draw ||
                (st = smp_renderer_present(v->h.renderer, cw, ch, err)) != SMP_OK)
                continue;
            int x = x0 + col * cw, y = y0 + (expert ? 0 : ch);
            glBindFramebuffer(GL_READ_FRAMEBUFFER, 0);
            glBindFramebuffer(GL_DRAW_FRAMEBUFFER, v->train_fbo);
            glBlitFramebuffer(0, 0, cw, ch, x, y, x + cw, y + ch, GL_COLOR_BUFFER_BIT, GL_NEAREST);
        }
    }
    v->cam = working;
    if (!draw) return st;
    copy_window(v, v->train_fbo, 0);
    if (st == SMP_OK) {
        glEnable(GL_SCISSOR_TEST);
        glScissor(x0 + cw - 1, y0, 2, rh);
        glClearColor(0.92f, 0.92f, 0.92f, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        glScissor(x0, y0 + ch - 1, rw, 2);
        glClear(GL_COLOR_BUFFER_BIT);
        glDisable(GL_SCISSOR_TEST);
    }
    return st;
}

static int scaled(int size, float s) {
    int n = (int)lroundf((float)size * s);
    return n > 16 ? n : 16;
}

/* Draws the scene into the back buffer (draw), or only notes in rec what it would be drawn
 * from: the two walk the same way, so a record made without drawing tells whether the kept
 * picture is still the one to show. */
static smp_status compose(viewer *v, view_scene_record *rec, int draw, smp_error *err) {
    int w = v->width, h = v->height;
    float s = v->draft ? v->motion_scale : 1.0f;
    smp_status st;
    memset(rec, 0, sizeof *rec);
    rec->width = w, rec->height = h;
    rec->uploads = smp_renderer_upload_count(v->h.renderer);
    rec->heat_pending = v->heat_map && !v->heat_ready;
    int scenario = view_scenario_ready(v);
    if (scenario) rec->scenario_uploads = smp_renderer_upload_count(v->scenario_h.renderer);
    if (v->training && v->train_projection) {
        rec->layout = -1;
        return draw_projection(v, rec, draw, err);
    }
    rec->layout = (int)v->compare;
    switch (v->compare) {
    case VIEW_COMPARE_OFF:
        if ((st = render(v, rec, draw, v->year, 0, scaled(w, s), scaled(h, s), err)) != SMP_OK ||
            !draw)
            return st;
        return smp_renderer_present(v->h.renderer, w, h, err);
    case VIEW_COMPARE_SPLIT: {
        /* the same camera twice; the second frame is blitted only right of the divider */
        /* untreated on the left: the right follows the timeline */
        /* a scenario: the plan left, the scenario right, both at the timeline's year */
        int x = rec->divider_x = (int)lroundf(v->split * (float)w);
        int untreated = v->compare_untreated && !scenario;
        float year_a = scenario ? v->year : v->year_a;
        float year_b = scenario || v->compare_untreated ? v->year : v->year_b;
        smp_renderer *right = scenario ? v->scenario_h.renderer : v->h.renderer;
        if ((st = render(v, rec, draw, year_a, untreated, scaled(w, s), scaled(h, s), err)) !=
                SMP_OK ||
            (draw && (st = smp_renderer_present(v->h.renderer, w, h, err)) != SMP_OK) ||
            (st = render_of(v, rec, draw, scenario, year_b, 0, scaled(w, s), scaled(h, s), err)) !=
                SMP_OK ||
            !draw)
            return st;
        glEnable(GL_SCISSOR_TEST);
        glScissor(x, 0, w - x, h);
        st = smp_renderer_present(right, w, h, err);
        glDisable(GL_SCISSOR_TEST);
        if (st == SMP_OK && x > 0 && x < w) divider(x, h);
        return st;
    }
    case VIEW_COMPARE_SIDE: {
        /* present only fills the bottom-left corner: year B goes there first and is moved
         * to the right half of the back buffer, then year A takes the left half */
        int half = rec->divider_x = w / 2;
        float year_a = scenario ? v->year : v->year_a, year_b = scenario ? v->year : v->year_b;
        smp_renderer *right = scenario ? v->scenario_h.renderer : v->h.renderer;
        if ((st = render_of(v, rec, draw, scenario, year_b, 0, scaled(w - half, s), scaled(h, s),
                            err)) != SMP_OK ||
            (draw && (st = smp_renderer_present(right, w - half, h, err)) != SMP_OK))
            return st;
        if (draw) {
            glBindFramebuffer(GL_READ_FRAMEBUFFER, 0);
            glBindFramebuffer(GL_DRAW_FRAMEBUFFER, 0);
            glBlitFramebuffer(0, 0, w - half, h, half, 0, w, h, GL_COLOR_BUFFER_BIT, GL_NEAREST);
        }
        if ((st = render(v, rec, draw, year_a, 0, scaled(half, s), scaled(h, s), err)) != SMP_OK ||
            !draw || (st = smp_renderer_present(v->h.renderer, half, h, err)) != SMP_OK)
            return st;
        divider(half, h);
        return SMP_OK;
    }
    }
    return SMP_OK;
}

int view_drafts(const viewer *v) { return v->motion_scale > 0.0f && v->motion_scale < 1.0f; }

smp_status view_draw_scene(viewer *v, smp_error *err) {
    /* the first frame shows the head soonest as a draft, and the first with an edit's new
     * dots shows them soonest; the full frame follows */
    v->draft = view_drafts(v) && (in_motion(v) || v->first_build || v->dots_landed);
    view_scene_record *now = malloc(sizeof *now);
    if (!now) return smp_error_set(err, SMP_ERR_NOMEM, "out of memory drawing the scene");
    /* a record that cannot be made (a model error) is drawn, which reports it */
    smp_error ignored = {0};
    smp_status st = compose(v, now, 0, &ignored);
    if (st == SMP_OK && v->scene_shown && v->scene_fbo_w == v->width &&
        v->scene_fbo_h == v->height && now->count == v->scene_shown->count &&
        memcmp(now, v->scene_shown, record_size(now)) == 0) {
        free(now);
        copy_window(v, v->scene_fbo, 0);
        v->scene_drawn = 0;
        return SMP_OK;
    }
    free(v->scene_shown);
    v->scene_shown = NULL;
    double t0 = smp_clock_ms();
    st = compose(v, now, 1, err);
    if (st == SMP_OK)
        st = window_copy(v, &v->scene_fbo, &v->scene_rbo, &v->scene_fbo_w, &v->scene_fbo_h,
                         "the kept picture", err);
    if (st == SMP_OK) {
        copy_window(v, 0, v->scene_fbo);
        /* to completion, so the HUD's figure is what drawing cost, not what queuing it did */
        glFinish();
        v->scene_ms = smp_clock_ms() - t0;
        v->scene_draft = v->draft;
        /* noted again after drawing: the draw may have uploaded (a heat map, the projection's
         * dots), and what it drew is what the renderer now holds */
        if (compose(v, now, 0, &ignored) == SMP_OK) v->scene_shown = now, now = NULL;
    }
    free(now);
    v->scene_drawn = st == SMP_OK;
    return st;
}

smp_status view_screenshot_window(viewer *v, const char *path, smp_error *err) {
    smp_image img = {0};
    smp_status st = smp_image_alloc(&img, v->width, v->height, err);
    if (st == SMP_OK) st = smp_renderer_read_window(&img, err);
    if (st == SMP_OK) st = smp_image_write_png(path, &img, err);
    smp_image_free(&img);
    return st;
}

int view_compare_sides(const viewer *v, view_side sides[2]) {
    memset(sides, 0, 2 * sizeof *sides);
    if (v->compare == VIEW_COMPARE_OFF || (v->training && v->train_projection)) {
        sides[0].year = v->year;
        view_time_label(v, v->year, sides[0].label, sizeof sides[0].label);
        return 1;
    }
    if (view_scenario_ready(v)) {
        sides[0].year = sides[1].year = v->year;
        sides[1].scenario = 1;
        snprintf(sides[0].label, sizeof sides[0].label, "As planned");
        snprintf(sides[1].label, sizeof sides[1].label, "%s", v->scenario.label);
    } else if (v->compare == VIEW_COMPARE_SPLIT && v->compare_untreated) {
        sides[0].year = sides[1].year = v->year;
        sides[0].untreated = 1;
        smp_year_label(SMP_YEAR_UNTREATED, sides[0].label, sizeof sides[0].label);
        view_time_label(v, v->year, sides[1].label, sizeof sides[1].label);
    } else {
        sides[0].year = v->year_a, sides[1].year = v->year_b;
        view_time_label(v, v->year_a, sides[0].label, sizeof sides[0].label);
        view_time_label(v, v->year_b, sides[1].label, sizeof sides[1].label);
    }
    return 2;
}

/* The caption of a picture of one side at its model time through camera. Alone (width 0):
 * the client, the time, the blend's figures and the plan, the time large at the bottom in a
 * video. One of a pair (the left at 0, the right beside it, width each): the side's label and
 * figures at its top, and once, with the left, what the two share across the bottom: the
 * client, and the time when both show the same one (same_time: a scenario). A scale bar on
 * close-ups. */
static void caption(viewer *v, smp_font *font, smp_image *img, const view_side *side, int left,
                    int width, int same_time, const smp_camera *camera, int video) {
    const smp_gl_session *h = side->scenario ? &v->scenario_h : &v->h;
    const smp_scene *s = side->scenario ? &v->scenario_scene : &v->shown;
    double after = side->year - view_completion(v);
    smp_picture_words w;
    smp_describe_picture(&h->p, s, after >= 0 ? after : 0, NULL, &w);
    if (after < 0 || side->untreated) w.figures[0] = '\0'; /* no blend to speak of */
    if (video && after >= 0)
        snprintf(w.time, sizeof w.time, "Year %.1f after completion", after);
    else if (side->untreated)
        smp_year_label(SMP_YEAR_UNTREATED, w.time, sizeof w.time);
    else
        view_time_label(v, side->year, w.time, sizeof w.time);
    double mm_per_px = smp_caption_scale(camera, width > 0 ? width : img->width, img->height);
    smp_caption c = {.heading = w.heading,
                     .time = w.time,
                     .figures = w.figures,
                     .plan = w.plan,
                     .mm_per_px = mm_per_px,
                     .large_time = video};
    if (width > 0) {
        c = (smp_caption){
            .heading = side->label, .figures = w.figures, .left = left, .width = width};
        smp_caption_draw(font, img, &c);
        if (left > 0) return;
        smp_describe_title(&v->shown, w.heading, sizeof w.heading);
        c = (smp_caption){.time = same_time ? w.time : w.heading,
                          .plan = same_time ? w.heading : w.plan,
                          .large_time = 1,
                          .mm_per_px = mm_per_px};
    }
    smp_caption_draw(font, img, &c);
}

/* One side at its year into img (the whole of it) through camera. */
static smp_status capture_side(viewer *v, const view_side *side, const smp_camera *camera,
                               smp_image *img, smp_error *err) {
    smp_gl_session *h = side->scenario ? &v->scenario_h : &v->h;
    smp_frame_desc f = frame_of(v, side->untreated);
    if (side->scenario) f.overlay = SMP_OVERLAY_NONE;
    f.camera = *camera;
    smp_status st = smp_gl_session_frame(h, side->year, &f, err);
    return st == SMP_OK ? smp_renderer_capture(h->renderer, &f, img, err) : st;
}

/* Copies cell into img at column x0 (a light divider at its left edge when x0 > 0). */
static void place(smp_image *img, const smp_image *cell, int x0) {
    for (int y = 0; y < img->height && y < cell->height; ++y)
        memcpy(smp_image_at(img, x0, y), smp_image_at(cell, 0, y), (size_t)cell->width * 4);
    if (x0 > 0)
        for (int y = 0; y < img->height; ++y) memset(smp_image_at(img, x0 - 1, y), 235, 6);
}

/* The picture of what the window compares (or of the head alone) at width x height: a pair
 * side by side, half the width each; captioned when font. */
static smp_status capture_compared(viewer *v, const smp_camera *camera, smp_font *font, int video,
                                   smp_image *img, smp_image cells[2], smp_error *err) {
    view_side sides[2];
    int n = view_compare_sides(v, sides);
    if (n == 1) {
        smp_status st = capture_side(v, &sides[0], camera, img, err);
        if (st == SMP_OK && font) caption(v, font, img, &sides[0], 0, 0, 1, camera, video);
        return st;
    }
    int half = img->width / 2;
    smp_camera cam = *camera; /* the same camera, at the half's aspect */
    for (int i = 0; i < 2; ++i) {
        smp_status st = SMP_OK;
        if (cells[i].width != half || cells[i].height != img->height) {
            smp_image_free(&cells[i]);
            st = smp_image_alloc(&cells[i], half, img->height, err);
        }
        if (st == SMP_OK) st = capture_side(v, &sides[i], &cam, &cells[i], err);
        if (st != SMP_OK) return st;
        place(img, &cells[i], i * half);
    }
    for (int i = 0; font && i < 2; ++i)
        caption(v, font, img, &sides[i], i * half, half, sides[1].scenario, &cam, video);
    return SMP_OK;
}

smp_status view_screenshot_render(viewer *v, const char *path, int width, int height,
                                  smp_error *err) {
    smp_image img = {0}, cells[2] = {{0}};
    smp_font *font = NULL;
    smp_camera camera = view_orbit_camera(&v->cam);
    smp_status st = smp_image_alloc(&img, width, height, err);
    if (st == SMP_OK && v->captions) st = smp_font_open(NULL, &font, err);
    if (st == SMP_OK) st = capture_compared(v, &camera, font, 0, &img, cells, err);
    if (st == SMP_OK) st = smp_image_write_png(path, &img, err);
    smp_font_close(font);
    for (int i = 0; i < 2; ++i) smp_image_free(&cells[i]);
    smp_image_free(&img);
    return st;
}

smp_status view_export_sheet(viewer *v, const char *path, smp_error *err) {
    const smp_scene *s = &v->scene;
    int rows = s->year_count > 0 ? s->year_count : 1;
    int columns = s->view_count > 0 ? s->view_count : 1;
    enum { CELL_W = 960, CELL_H = 540 };
    smp_image *cells = calloc((size_t)rows * (size_t)columns, sizeof *cells);
    if (!cells) return smp_error_set(err, SMP_ERR_NOMEM, "out of memory for the sheet");
    char row_text[SMP_SCENE_MAX_YEARS][96], lines[3][256], times[256];
    const char *row_labels[SMP_SCENE_MAX_YEARS], *column_labels[SMP_SCENE_MAX_VIEWS];
    smp_status st = SMP_OK;
    for (int r = 0; st == SMP_OK && r < rows; ++r) {
        /* the scene's times, as `smpsim render --sheet` shows them; without any, the
         * timeline's */
        double t = v->year;
        int dots = 1;
        if (s->year_count > 0) {
            dots = smp_scene_model_years(s, s->years[r], &t);
            smp_year_label(s->years[r], row_text[r], sizeof row_text[r]);
        } else {
            view_time_label(v, v->year, row_text[r], sizeof row_text[r]);
        }
        row_labels[r] = row_text[r];
        for (int c = 0; st == SMP_OK && c < columns; ++c) {
            smp_view view = s->view_count > 0 ? (smp_view)s->views[c] : SMP_VIEW_THREE_QUARTER;
            column_labels[c] = smp_view_name(view);
            smp_frame_desc f = smp_frame_default();
            smp_pipeline_camera(&v->h.p, view, (float)CELL_W / CELL_H, &f.camera);
            f.hide_dots = !dots;
            smp_image *cell = &cells[r * columns + c];
            st = smp_image_alloc(cell, CELL_W, CELL_H, err);
            if (st == SMP_OK) st = smp_gl_session_frame(&v->h, t, &f, err);
            if (st == SMP_OK) st = smp_renderer_capture(v->h.renderer, &f, cell, err);
        }
    }
    smp_font *font = NULL;
    if (st == SMP_OK) st = smp_font_open(NULL, &font, err);
    smp_image sheet = {0};
    if (st == SMP_OK) {
        char title[1200];
        smp_describe_title(s, title, sizeof title);
        smp_describe_scene(s, lines);
        smp_describe_times(s, times, sizeof times);
        smp_sheet_desc d = {.rows = rows,
                            .columns = columns,
                            .cells = cells,
                            .row_labels = row_labels,
                            .column_labels = column_labels,
                            .title = title,
                            .lines = {lines[0], lines[1], lines[2], times},
                            .cell_aspect = SMP_SHEET_CELL_ASPECT};
        st = smp_sheet_compose(&d, font, &sheet, err);
    }
    if (st == SMP_OK) st = smp_image_write_png(path, &sheet, err);
    smp_image_free(&sheet);
    smp_font_close(font);
    for (int i = 0; i < rows * columns; ++i) smp_image_free(&cells[i]);
    free(cells);
    return st;
}

/* --- time-lapse -------------------------------------------------------------------------- */

enum { VIDEO_W = 1280, VIDEO_H = 720, VIDEO_FPS = 30 };

struct view_video {
    smp_video_writer writer;
    smp_image frame, cell[2]; /* a pair: each side, half width */
    smp_font *font;           /* NULL: no captions */
    smp_camera camera; /* fixed when it starts: orbiting meanwhile does not shake the video */
    int next, count;
    double from, to; /* model times */
};

static void video_end(viewer *v) {
    smp_image_free(&v->video->frame);
    for (int i = 0; i < 2; ++i) smp_image_free(&v->video->cell[i]);
    smp_font_close(v->video->font);
    free(v->video);
    v->video = NULL;
}

smp_status view_video_start(viewer *v, const char *path, smp_error *err) {
    if (v->video) return smp_error_set(err, SMP_ERR_INVALID_ARG, "a video is being written");
    if (!(v->video_to > v->video_from))
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "the video's years: 'to' (%.1f) must be after 'from' (%.1f)",
                             v->video_to, v->video_from);
    view_video *vv = calloc(1, sizeof *vv);
    if (!vv) return smp_error_set(err, SMP_ERR_NOMEM, "out of memory for the video");
    v->video = vv;
    smp_status st = smp_video_check_ffmpeg(err);
    if (st == SMP_OK) st = smp_image_alloc(&vv->frame, VIDEO_W, VIDEO_H, err);
    if (st == SMP_OK && v->captions) st = smp_font_open(NULL, &vv->font, err);
    if (st == SMP_OK) st = smp_video_open(&vv->writer, path, VIDEO_W, VIDEO_H, VIDEO_FPS, err);
    if (st != SMP_OK) {
        video_end(v);
        return st;
    }
    vv->camera = view_orbit_camera(&v->cam);
    vv->count = (int)lroundf(VIDEO_FPS * v->video_seconds);
    if (vv->count < 2) vv->count = 2;
    /* 0 after completion means healed: the first picture a client is shown */
    vv->from =
        v->video_from > 0 ? view_model_year(v, v->video_from) : view_model_year(v, SMP_YEAR_HEALED);
    vv->to = view_model_year(v, v->video_to);
    return SMP_OK;
}

/* The video plays the timeline's year: what the window compares follows it (a scenario, or
 * the untreated head beside the treated one); two fixed years do not move, so such a
 * comparison is played as the head alone. */
smp_status view_video_step(viewer *v, smp_error *err) {
    view_video *vv = v->video;
    if (!vv) return SMP_OK;
    float year = v->year, a = v->year_a, b = v->year_b;
    int compare = v->compare;
    v->year = (float)(vv->from + (vv->to - vv->from) * vv->next / (vv->count - 1));
    v->year_a = v->year_b = v->year;
    if (!view_scenario_ready(v) && !(v->compare == VIEW_COMPARE_SPLIT && v->compare_untreated))
        v->compare = VIEW_COMPARE_OFF;
    smp_status st = capture_compared(v, &vv->camera, vv->font, 1, &vv->frame, vv->cell, err);
    v->year = year, v->year_a = a, v->year_b = b, v->compare = (view_compare)compare;
    if (st == SMP_OK) st = smp_video_write(&vv->writer, &vv->frame, err);
    if (st != SMP_OK) {
        smp_video_abort(&vv->writer);
        video_end(v);
        return st;
    }
    if (++vv->next == vv->count) {
        st = smp_video_close(&vv->writer, err);
        video_end(v);
    }
    return st;
}

float view_video_progress(const viewer *v) {
    return v->video ? (float)v->video->next / (float)v->video->count : -1.0f;
}

void view_video_abort(viewer *v) {
    if (!v->video) return;
    smp_video_abort(&v->video->writer);
    video_end(v);
}
