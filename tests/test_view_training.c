/* The viewer's training mode without a window: pointer positions become punctures where the
 * camera shows the head, strokes keep their rate, undo and redo give back the same dot, files
 * round-trip and a bad one leaves the work alone, the score runs on its worker, and replay
 * reveals the punctures in order. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smp/pick.h"
#include "smp/pipeline.h"
#include "smp/scene_args.h"
#include "support.h"
#include "view_training.h"

enum { W = 1280, H = 720 };

static smp_scene scene;
static smp_pipeline p;
static smp_camera cam;

static void open_scene(const char *file) {
    char path[1024];
    snprintf(path, sizeof path, "%s/scenes/training/%s", SMP_SOURCE_DIR, file);
    smp_scene_args a = {
        .path = path, .sets = {"head.mesh=builtin", "head.resolution=48"}, .set_count = 2};
    cr_assert_eq(smp_scene_args_load("test", &a, &scene), 0, "%s does not load", file);
    smp_error err = {0};
    cr_assert_eq(smp_pipeline_build(&scene, SMP_PIPELINE_ALL, &p, &err), SMP_OK, "%s", err.message);
    smp_camera_for_view(SMP_VIEW_TOP, &p.bounds, (float)W / H, &cam);
}

static void crown(void) { open_scene("1-crown-fill.json"); }
static void second_pass(void) { open_scene("4-dark-skin-second-pass.json"); }
static void close_scene(void) { smp_pipeline_free(&p); }

static view_training *begin(void) {
    view_training *t = NULL;
    smp_error err = {0};
    cr_assert_eq(view_training_begin(&p, &scene, 0, &t, &err), SMP_OK, "%s", err.message);
    return t;
}

/* n punctures on a small spiral around the middle of the top view, 100 ms apart. */
static void place(view_training *t, int n, double start_ms) {
    smp_error err = {0};
    for (int i = 0; i < n; ++i) {
        float a = 0.9f * (float)i, r = 4.0f + 3.0f * (float)i;
        int placed = 0;
        cr_assert_eq(view_training_puncture_at(t, &cam, W, H, W / 2.0f + r * cosf(a),
                                               H / 2.0f + r * sinf(a), start_ms + 100.0 * i,
                                               &placed, &err),
                     SMP_OK, "%s", err.message);
        cr_assert(placed, "puncture %d missed the head", i);
    }
}

Test(view_training, a_click_punctures_where_the_pointer_shows_the_head, .init = crown,
     .fini = close_scene) {
    view_training *t = begin();
    view_training_status st;
    view_training_status_get(t, &st);
    cr_assert(st.exercise);
    cr_assert_eq(st.base_dots, 0); /* the exercise is the plan's first session */

    int placed = 0;
    smp_error err = {0};
    cr_assert_eq(view_training_puncture_at(t, &cam, W, H, 700, 330, 50, &placed, &err), SMP_OK);
    cr_assert(placed);
    const smp_dots *d = smp_training_session_dots(view_training_session(t));
    cr_assert_eq(d->count, 1);
    /* the dot is on the triangle the pixel's ray meets, at the exercise's session */
    smp_pick *pk = NULL;
    cr_assert_eq(smp_pick_create(&p.head, &pk, &err), SMP_OK);
    float o[3], dir[3];
    smp_pick_camera_ray(&cam, W, H, 700, 330, o, dir);
    smp_pick_hit hit;
    cr_assert_eq(smp_pick_ray(pk, o, dir, &hit, &err), SMP_OK);
    smp_pick_destroy(pk);
    cr_assert_eq(d->triangle[0], hit.triangle);
    cr_assert(fabsf(d->x[0] - hit.point[0]) < 0.01f && fabsf(d->z[0] - hit.point[2]) < 0.01f);
    cr_assert_eq(d->session[0], scene.training.session);
    cr_assert_eq(view_training_shown(t)->count, 1);
    cr_assert(view_training_poll(t, 60, 0), "the dots on screen changed");
    cr_assert_not(view_training_poll(t, 61, 0), "and only once");

    /* beside the head: nothing, and no error */
    cr_assert_eq(view_training_puncture_at(t, &cam, W, H, 2, 2, 80, &placed, &err), SMP_OK);
    cr_assert_not(placed);
    cr_assert_eq(d->count, 1);
    view_training_end(t);
}

Test(view_training, earlier_sessions_lie_under_the_trainees_dots, .init = second_pass,
     .fini = close_scene) {
    view_training *t = begin();
    view_training_status st;
    view_training_status_get(t, &st);
    cr_assert_eq(scene.training.session, 1);
    cr_assert_eq(st.base_dots, p.session_dots[0]);
    cr_assert_gt(st.base_dots, 100);
    place(t, 3, 0);
    const smp_dots *shown = view_training_shown(t);
    cr_assert_eq(shown->count, st.base_dots + 3);
    cr_assert_eq(memcmp(shown->x, p.dots.x, sizeof(float) * st.base_dots), 0);
    for (size_t i = st.base_dots; i < shown->count; ++i) cr_assert_eq(shown->session[i], 1);
    view_training_end(t);
}

Test(view_training, a_stroke_punctures_at_its_rate, .init = crown, .fini = close_scene) {
    view_training *t = begin();
    smp_error err = {0};
    smp_training_tool tool = *view_training_tool(t);
    cr_assert_eq(view_training_set_tool(t, &tool, 20, &err), SMP_OK, "%s", err.message);
    size_t a = 0, b = 0, c = 0;
    cr_assert_eq(view_training_stroke_begin(t, &cam, W, H, 600, 360, 1000, &a, &err), SMP_OK);
    cr_assert_eq(view_training_stroke_move(t, &cam, W, H, 640, 360, 1490, &b, &err), SMP_OK);
    cr_assert_eq(view_training_stroke_move(t, &cam, W, H, 680, 360, 2000, &c, &err), SMP_OK);
    view_training_stroke_end(t);
    /* 20 Hz over one second: at 1000, 1050, ..., 2000 ms */
    cr_assert_eq(a, 1);
    cr_assert_eq(a + b + c, 21);
    const smp_training_session *s = view_training_session(t);
    const double *times = smp_training_session_times_ms(s);
    cr_assert_float_eq(times[20] - times[0], 1000.0, 1e-9);
    /* along the path: left to right across the top view moves the dots one way */
    const smp_dots *d = smp_training_session_dots(s);
    cr_assert(fabsf(d->x[20] - d->x[0]) > 2.0f, "the stroke did not travel");
    cr_assert_eq(view_training_set_tool(t, &tool, 500, &err), SMP_ERR_INVALID_ARG);
    view_training_end(t);
}

Test(view_training, undo_and_redo_give_back_the_same_dot, .init = crown, .fini = close_scene) {
    view_training *t = begin();
    place(t, 4, 0);
    const smp_dots *d = smp_training_session_dots(view_training_session(t));
    float x = d->x[3], y = d->y[3], z = d->z[3];
    uint16_t r = d->radius_um[3], depth = d->depth_um[3];
    cr_assert(view_training_undo(t));
    d = smp_training_session_dots(view_training_session(t));
    cr_assert_eq(d->count, 3);
    cr_assert_eq(view_training_shown(t)->count, 3);
    int redone = 0;
    smp_error err = {0};
    cr_assert_eq(view_training_redo(t, &redone, &err), SMP_OK, "%s", err.message);
    cr_assert(redone);
    d = smp_training_session_dots(view_training_session(t));
    cr_assert_eq(d->count, 4);
    cr_assert(d->x[3] == x && d->y[3] == y && d->z[3] == z);
    cr_assert(d->radius_um[3] == r && d->depth_um[3] == depth);
    /* nothing left to redo; a new puncture after an undo forgets the undone one */
    cr_assert_eq(view_training_redo(t, &redone, &err), SMP_OK);
    cr_assert_not(redone);
    cr_assert(view_training_undo(t));
    place(t, 1, 1000);
    view_training_status st;
    view_training_status_get(t, &st);
    cr_assert_eq(st.redo_available, 0);
    for (int i = 0; i < 4; ++i) cr_assert(view_training_undo(t));
    cr_assert_not(view_training_undo(t));
    view_training_end(t);
}

Test(view_training, a_bad_file_leaves_the_work_alone, .init = crown, .fini = close_scene) {
    view_training *t = begin();
    place(t, 5, 0);
    const char *dir = test_tmpdir("view-training");
    char good[1200], bad[1200];
    snprintf(good, sizeof good, "%s/s.smpt.json", dir);
    snprintf(bad, sizeof bad, "%s/bad.json", dir);
    smp_error err = {0};
    cr_assert_eq(view_training_save(t, good, &err), SMP_OK, "%s", err.message);
    FILE *f = fopen(bad, "w");
    fputs("{\"format\": \"smpsim-training\", \"version\": 1, \"punctures\": [", f);
    fclose(f);
    place(t, 2, 2000);
    cr_assert_neq(view_training_load(t, bad, &err), SMP_OK);
    cr_assert(strstr(err.message, "bad.json"), "%s", err.message);
    cr_assert_eq(smp_training_session_dots(view_training_session(t))->count, 7);
    cr_assert_eq(view_training_shown(t)->count, 7);

    /* the good file replaces the work, and new punctures continue its clock */
    cr_assert_eq(view_training_load(t, good, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(smp_training_session_dots(view_training_session(t))->count, 5);
    cr_assert_eq(view_training_shown(t)->count, 5);
    place(t, 1, 0);
    const double *times = smp_training_session_times_ms(view_training_session(t));
    cr_assert_geq(times[5], times[4]);
    view_training_end(t);
}

Test(view_training, the_score_runs_on_the_worker, .init = crown, .fini = close_scene,
     .timeout = 300) {
    view_training *t = begin();
    smp_error err = {0};
    place(t, 1, 0);
    cr_assert_neq(view_training_score_now(t, &err), SMP_OK, "one dot cannot be scored");
    cr_assert(strstr(err.message, "at least two"), "%s", err.message);
    place(t, 30, 100);
    /* a pause starts the worker on its own */
    view_training_poll(t, 3400, 0);
    view_training_status st;
    view_training_status_get(t, &st);
    cr_assert(st.scoring);
    view_training_wait(t);
    view_training_poll(t, 3500, 0);
    view_training_status_get(t, &st);
    cr_assert(st.score_valid, "%s", st.score_error);
    cr_assert_eq(st.score.dots, 31);
    cr_assert(st.score.overall >= 0 && st.score.overall <= 100);
    cr_assert(st.expert_valid);
    cr_assert_gt(st.expert.overall, st.score.overall, "the expert's fill beats 31 dots");
    cr_assert_gt(view_training_expert(t)->count, 1000);
    unsigned gen = 0;
    cr_assert_not_null(view_training_heat(t, &gen));
    /* a change makes the score stale until it is scored again */
    cr_assert(view_training_undo(t));
    view_training_status_get(t, &st);
    cr_assert(st.score_stale);
    cr_assert_eq(view_training_score_now(t, &err), SMP_OK, "%s", err.message);
    view_training_status_get(t, &st);
    cr_assert(st.score_valid);
    cr_assert_eq(st.score.dots, 30);
    unsigned gen2 = 0;
    view_training_heat(t, &gen2);
    cr_assert_neq(gen, gen2);

    char path[1200];
    snprintf(path, sizeof path, "%s/score.json", test_tmpdir("view-training-score"));
    cr_assert_eq(view_training_write_score_json(t, path, &err), SMP_OK, "%s", err.message);
    char *text = slurp(path, NULL);
    cr_assert(text && strstr(text, "\"overall\"") && strstr(text, "\"expert\""));
    free(text);
    view_training_end(t);
}

Test(view_training, replay_reveals_the_punctures_in_order, .init = crown, .fini = close_scene) {
    view_training *t = begin();
    place(t, 10, 0); /* at 0, 100, ..., 900 ms */
    view_training_poll(t, 1000, 0);
    view_training_replay(t, 5000);
    view_training_poll(t, 5000, 0);
    cr_assert_eq(view_training_shown(t)->count, 1);
    cr_assert(view_training_poll(t, 5450, 0));
    cr_assert_eq(view_training_shown(t)->count, 5);
    view_training_status st;
    view_training_status_get(t, &st);
    cr_assert(st.replaying);
    view_training_poll(t, 7000, 0);
    cr_assert_eq(view_training_shown(t)->count, 10);
    view_training_status_get(t, &st);
    cr_assert_not(st.replaying);
    view_training_end(t);
}
