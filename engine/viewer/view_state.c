/* The viewer's scene: validated edits, instant model rebuilds, background pipeline rebuilds. */
#include <SDL.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smp/clock.h"
#include "smp/pick.h"
#include "view.h"

struct view_build {
    SDL_Thread *thread;
    SDL_atomic_t done;
    smp_scene scene;   /* the worker's own copy: edits go on while it builds */
    smp_pipeline head; /* the head on screen, when the scene still has it: not read again */
    smp_pipeline_progress progress;
    /* the worker's progress report: the share done and the share done once the step now
     * running ends, in 1/10000, and when that step began (ms after started_ms) */
    SDL_atomic_t done_e4, after_e4, step_ms;
    smp_pipeline p;
    /* an edit of the dots alone (smp_pipeline_invalidated: CHANGED_DOTS) rebuilds only the
     * dots and the model, on the head and fields of the pipeline on screen (read, not
     * written, while the render thread draws it), and uploads only the dots */
    const smp_pipeline *on_screen; /* NULL: a full build */
    smp_pipeline_dots part;
    smp_status status;
    smp_error err;
    double started_ms;
    double expected_ms; /* how long the build should take, from the last one */
};

void view_clear_messages(viewer *v) { v->message_count = 0; }

void view_wake(void) {
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_USEREVENT; /* SDL_PushEvent may be called from any thread */
    SDL_PushEvent(&e);
}

void view_message(viewer *v, int is_error, const char *fmt, ...) {
    /* errors gather (one edit may have several); a report of something done replaces what
     * was shown, and an error ends a report */
    if (!is_error || !v->message_is_error) v->message_count = 0;
    if (v->message_count == VIEW_MAX_MESSAGES) {
        memmove(v->messages[0], v->messages[1], sizeof v->messages[0] * (VIEW_MAX_MESSAGES - 1));
        --v->message_count;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->messages[v->message_count++], VIEW_MESSAGE_MAX, fmt, ap);
    va_end(ap);
    v->message_is_error = is_error;
    v->message_ms = smp_clock_ms();
    if (v->echo_messages) fprintf(stderr, "smpsim view: %s\n", v->messages[v->message_count - 1]);
}

/* A message about an edit without the "FILE:LINE: " of the text it was checked through: the
 * line of a file nobody wrote means nothing; the field path that follows says it all. */
static const char *without_location(const char *message, const char *path) {
    size_t n = path ? strlen(path) : 0;
    if (!n || strncmp(message, path, n) != 0 || message[n] != ':') return message;
    const char *p = message + n + 1;
    while (*p >= '0' && *p <= '9') ++p;
    return p[0] == ':' && p[1] == ' ' ? p + 2 : message;
}

static void show_report_of(viewer *v, const smp_scene_report *rep, const char *checked_as) {
    view_clear_messages(v);
    for (int i = 0; i < rep->count && i < VIEW_MAX_MESSAGES; ++i)
        view_message(v, 1, "%s", without_location(rep->messages[i], checked_as));
    int hidden = rep->count + rep->dropped - VIEW_MAX_MESSAGES;
    if (hidden > 0) view_message(v, 1, "... and %d more", hidden);
}

static void show_report(viewer *v, const smp_scene_report *rep) { show_report_of(v, rep, NULL); }

/* Save never starts on the file that was opened (a library scene, a client's record): it
 * offers "NAME-edited.json" in the working directory, or "scene.json" for the built-in. */
static void suggest_save_path(viewer *v) {
    const char *name = strrchr(v->scene_path, '/');
    name = name ? name + 1 : v->scene_path;
    size_t stem = strcspn(name, ".");
    if (!*name || !stem)
        snprintf(v->save_path, sizeof v->save_path, "scene.json");
    else
        snprintf(v->save_path, sizeof v->save_path, "%.*s-edited.json", (int)stem, name);
}

void view_init(viewer *v) {
    v->shown = v->scene;
    /* where the years and the divider start is not a scrub */
    const float seen[4] = {v->year, v->year_a, v->year_b, v->split};
    memcpy(v->motion_seen, seen, sizeof seen);
    for (int m = 1; m <= 10; ++m) {
        smp_skin_desc d = {.mst = m};
        smp_skin skin;
        smp_error err = {0};
        if (smp_skin_resolve(&d, &skin, &err) != SMP_OK) continue;
        for (int k = 0; k < 3; ++k)
            v->mst_swatch_srgb[m - 1][k] = (float)smp_srgb_encode(skin.albedo_linear[k]);
    }
    snprintf(v->open_path, sizeof v->open_path, "%s", v->scene_path);
    suggest_save_path(v);
    snprintf(v->shot_path, sizeof v->shot_path, "smpsim.png");
    snprintf(v->sheet_path, sizeof v->sheet_path, "sheet.png");
    snprintf(v->report_path, sizeof v->report_path, "report.pdf");
    snprintf(v->video_path, sizeof v->video_path, "timelapse.mp4");
    view_update_plot(v);
}

/* The scene module's own checks, run on the scene as edited: text round trip, then load with
 * the override (if any) applied. */
static smp_status validate(viewer *v, const smp_scene *base, const char *set, smp_scene *out,
                           smp_error *err) {
    char *json = smp_scene_to_json(base);
    if (!json) return smp_error_set(err, SMP_ERR_NOMEM, "out of memory checking the scene");
    const char *sets[1] = {set};
    smp_scene_source src = {.path = base->source,
                            .text = json,
                            .text_size = strlen(json),
                            .sets = sets,
                            .set_count = set ? 1 : 0};
    smp_scene_report *rep = malloc(sizeof *rep);
    smp_status st = rep ? smp_scene_load(&src, out, rep) : SMP_ERR_NOMEM;
    if (!rep)
        smp_error_set(err, st, "out of memory checking the scene");
    else if (st != SMP_OK) {
        show_report_of(v, rep, base->source);
        *err = rep->first;
        snprintf(err->message, sizeof err->message, "%s",
                 without_location(rep->first.message, base->source));
    }
    free(rep);
    free(json);
    return st;
}

/* Whether two scenes say the same thing (their resolved JSON; structs may differ in padding). */
static int same_scene(const smp_scene *a, const smp_scene *b) {
    char *ja = smp_scene_to_json(a), *jb = smp_scene_to_json(b);
    int same = ja && jb && strcmp(ja, jb) == 0;
    free(ja);
    free(jb);
    return same;
}

/* An exercise fixes the client: the session is made and scored against this scene's head,
 * target and model, which the scoring thread is reading. */
static smp_status refuse_while_training(viewer *v, smp_error *err) {
    smp_error_set(err, SMP_ERR_INVALID_ARG,
                  "the scene cannot change while training; save the session and turn training "
                  "off first");
    view_message(v, 1, "%s", err->message);
    return err->status;
}

/* ---- undo and redo of scene edits ----------------------------------------------------- */

static void drop_scenes(smp_scene **stack, int *count) {
    for (int i = 0; i < *count; ++i) free(stack[i]);
    *count = 0;
}

/* Pushes a copy of scene; the oldest goes when the stack is full. */
static void push_scene(smp_scene **stack, int *count, const smp_scene *scene) {
    smp_scene *copy = malloc(sizeof *copy);
    if (!copy) return; /* out of memory: that step cannot be undone, nothing else is lost */
    *copy = *scene;
    if (*count == VIEW_UNDO_MAX) {
        free(stack[0]);
        memmove(stack, stack + 1, sizeof *stack * (VIEW_UNDO_MAX - 1));
        --*count;
    }
    stack[(*count)++] = copy;
}

/* Before an accepted edit: the scene it replaces becomes a step to undo, unless the same
 * gesture is still going on (a slider dragged edits the scene every frame: one step). */
static void remember(viewer *v) {
    double now = smp_clock_ms();
    int same_gesture =
        v->gesture && v->gesture == v->last_gesture && now - v->undo_ms <= VIEW_UNDO_GESTURE_MS;
    if (v->undo_count == 0 || !same_gesture) push_scene(v->undo, &v->undo_count, &v->scene);
    v->undo_ms = now;
    v->last_gesture = v->gesture;
    v->gesture = NULL;
    drop_scenes(v->redo, &v->redo_count);
}

void view_forget_edits(viewer *v) {
    drop_scenes(v->undo, &v->undo_count);
    drop_scenes(v->redo, &v->redo_count);
}

/* What the edit invalidates decides the work (smp_pipeline_invalidated): new dots, fields or
 * a head are built in the background; a model is rebuilt at once; names, views and years need
 * nothing. Measured against the scene being built when a build is in flight. */
static smp_status apply(viewer *v, const smp_scene *checked, smp_error *err) {
    if (same_scene(checked, &v->scene)) return SMP_OK; /* a combo picked its own value again */
    if (v->training) return refuse_while_training(v, err);
    if (!v->restoring) remember(v);
    const smp_scene *base = v->build ? &v->build->scene : &v->shown;
    smp_pipeline_change change = smp_pipeline_invalidated(base, checked);
    if (change >= SMP_PIPELINE_CHANGED_DOTS || v->build) {
        /* a model edit during a build is picked up when the build lands */
        v->scene = *checked;
        if (change >= SMP_PIPELINE_CHANGED_DOTS) view_start_build(v, 0);
        return SMP_OK;
    }
    if (change == SMP_PIPELINE_CHANGED_MODEL) {
        smp_status st = smp_pipeline_rebuild_model(checked, &v->h.p, err);
        if (st != SMP_OK) {
            view_message(v, 1, "%s", err->message);
            return st;
        }
        v->heat_ready = 0; /* the contrast map follows the model */
    }
    v->scene = v->shown = *checked;
    ++v->shown_generation;
    view_update_plot(v);
    return SMP_OK;
}

smp_status view_edit(viewer *v, const smp_scene *edited, smp_error *err) {
    smp_scene *checked = malloc(sizeof *checked);
    if (!checked) return smp_error_set(err, SMP_ERR_NOMEM, "out of memory editing the scene");
    smp_status st = validate(v, edited, NULL, checked, err);
    if (st == SMP_OK) st = apply(v, checked, err);
    if (st == SMP_OK && v->message_is_error) view_clear_messages(v);
    v->gesture = NULL;
    free(checked);
    return st;
}

smp_status view_set(viewer *v, const char *assignment, smp_error *err) {
    smp_scene *checked = malloc(sizeof *checked);
    if (!checked) return smp_error_set(err, SMP_ERR_NOMEM, "out of memory editing the scene");
    v->gesture = NULL; /* a --set of its own: one step */
    smp_status st = validate(v, &v->scene, assignment, checked, err);
    if (st == SMP_OK) st = apply(v, checked, err);
    free(checked);
    return st;
}

/* Moves one step from one stack to the other, through apply (the edit rebuilds what it
 * invalidates, as any edit does). */
static smp_status step_history(viewer *v, smp_scene **from, int *from_count, smp_scene **to,
                               int *to_count, const char *what, smp_error *err) {
    if (v->training) return refuse_while_training(v, err);
    if (*from_count == 0) {
        view_message(v, 0, "nothing to %s", what);
        return SMP_OK;
    }
    smp_scene *target = from[*from_count - 1];
    push_scene(to, to_count, &v->scene);
    v->restoring = 1;
    smp_status st = apply(v, target, err);
    v->restoring = 0;
    if (st != SMP_OK) { /* the step stays where it was */
        free(to[--*to_count]);
        return st;
    }
    free(target);
    --*from_count;
    v->last_gesture = NULL; /* the next edit is a step of its own */
    view_message(v, 0, "%s (%d more)", what[0] == 'u' ? "undone" : "redone", *from_count);
    return SMP_OK;
}

smp_status view_undo(viewer *v, smp_error *err) {
    return step_history(v, v->undo, &v->undo_count, v->redo, &v->redo_count, "undo", err);
}

smp_status view_redo(viewer *v, smp_error *err) {
    return step_history(v, v->redo, &v->redo_count, v->undo, &v->undo_count, "redo", err);
}

smp_status view_open(viewer *v, const char *path, smp_error *err) {
    if (v->training) return refuse_while_training(v, err);
    smp_scene *loaded = malloc(sizeof *loaded);
    smp_scene_report *rep = malloc(sizeof *rep);
    smp_status st = SMP_ERR_NOMEM;
    if (!loaded || !rep) {
        smp_error_set(err, st, "out of memory opening %s", path);
    } else {
        smp_scene_source src = {.path = path};
        st = smp_scene_load(&src, loaded, rep);
        if (st != SMP_OK) {
            show_report(v, rep);
            view_message(v, 1, "%s not opened; the previous scene stays", path);
            *err = rep->first;
        } else {
            v->scene = *loaded;
            view_forget_edits(v); /* another case: its own history starts here */
            snprintf(v->scene_path, sizeof v->scene_path, "%s", path);
            suggest_save_path(v);
            view_clear_messages(v);
            view_message(v, 0, "opened %s", path);
            view_start_build(v, 1);
        }
    }
    free(rep);
    free(loaded);
    return st;
}

smp_status view_save(viewer *v, const char *path, smp_error *err) {
    smp_status st = smp_scene_save(&v->scene, path, err);
    if (st != SMP_OK)
        view_message(v, 1, "%s", err->message);
    else
        view_message(v, 0, "saved %s", path);
    return st;
}

/* --- the worker -------------------------------------------------------------------------- */

static void build_step(void *user, double done, double after) {
    view_build *b = user;
    SDL_AtomicSet(&b->step_ms, (int)(smp_clock_ms() - b->started_ms));
    SDL_AtomicSet(&b->after_e4, (int)lround(after * 1e4));
    SDL_AtomicSet(&b->done_e4, (int)lround(done * 1e4));
}

static int build_main(void *arg) {
    view_build *b = arg;
    if (b->on_screen)
        b->status = smp_pipeline_dots_build(&b->scene, b->on_screen, &b->part, &b->err);
    else {
        const smp_pipeline_options o = {.head = b->head.head.vertex_count ? &b->head : NULL,
                                        .progress = &b->progress,
                                        .guess_landmarks = 1};
        b->status = smp_pipeline_build_with(&b->scene, SMP_PIPELINE_ALL, &o, &b->p, &b->err);
    }
    SDL_AtomicSet(&b->done, 1);
    view_wake();
    return 0;
}

/* The shown pipeline's stage times, as the weights of the next build's progress: only a
 * pipeline built in full has them all. */
static void expected_stages(const viewer *v, view_build *b) {
    const smp_pipeline *p = &v->h.p;
    if (!v->built) return; /* typical shares until a full build has been timed */
    const double ms[5] = {p->head_ms, p->fields_ms, p->scatter_ms, p->model_ms, p->hair_ms};
    memcpy(b->progress.stage_ms, ms, sizeof ms);
    b->expected_ms = v->build_ms;
}

void view_start_build(viewer *v, int reframe) {
    v->reframe |= reframe;
    v->first_build = 0;
    if (v->built && v->edit_ms == 0) v->edit_ms = smp_clock_ms(); /* timed to the screen */
    if (v->build) {
        v->build_again = 1;
        return;
    }
    view_build *b = calloc(1, sizeof *b);
    if (!b) {
        view_message(v, 1, "out of memory starting a rebuild");
        return;
    }
    b->scene = v->scene;
    smp_error err = {0};
    /* v->h.p matches v->shown, and nothing writes it while a build runs */
    if (v->built && smp_pipeline_invalidated(&v->shown, &b->scene) == SMP_PIPELINE_CHANGED_DOTS)
        b->on_screen = &v->h.p;
    else if (v->h.p.head.vertex_count && smp_pipeline_same_head(&b->scene, &v->shown) &&
             smp_pipeline_copy_head(&v->h.p, &b->head, &err) != SMP_OK)
        smp_pipeline_free(&b->head); /* out of memory: the worker reads the head again */
    b->progress = (smp_pipeline_progress){.step = build_step, .user = b};
    b->expected_ms = 1500.0;
    expected_stages(v, b);
    b->started_ms = smp_clock_ms();
    b->thread = SDL_CreateThread(build_main, "smp-build", b);
    if (!b->thread) { /* no thread: build here, the window waits once */
        build_main(b);
    }
    v->build = b;
    v->build_again = 0;
}

int view_building(const viewer *v, double *elapsed_ms) {
    if (!v->build && !v->first_build) return 0;
    if (elapsed_ms) *elapsed_ms = v->build ? smp_clock_ms() - v->build->started_ms : 0;
    return 1;
}

float view_build_progress(const viewer *v) {
    view_build *b = v->build;
    if (!b) return 0.0f;
    /* between the worker's reports, the step now running advances at the pace the last
     * build went, and waits at its end */
    double done = SDL_AtomicGet(&b->done_e4) * 1e-4;
    double after = SDL_AtomicGet(&b->after_e4) * 1e-4;
    double in_step = smp_clock_ms() - b->started_ms - SDL_AtomicGet(&b->step_ms);
    double step_ms = (after - done) * b->expected_ms;
    double f =
        after > done && step_ms > 0 ? done + (after - done) * fmin(in_step / step_ms, 1.0) : after;
    return (float)fmin(f, 0.99);
}

void view_wait_build(viewer *v) {
    if (v->build && v->build->thread) SDL_WaitThread(v->build->thread, NULL), v->build->thread = 0;
}

/* The landed build's scene is on screen; model edits made during the build are applied now
 * (a pending scatter edit brings its own model). */
static void adopt_model_edits(viewer *v, const view_build *b, smp_error *err) {
    v->shown = b->scene;
    ++v->shown_generation;
    if (v->build_again) return;
    if (smp_pipeline_rebuild_model(&v->scene, &v->h.p, err) != SMP_OK)
        view_message(v, 1, "%s", err->message);
    else
        v->shown = v->scene;
}

smp_status view_poll_build(viewer *v, smp_error *err) {
    view_build *b = v->build;
    if (!b || !SDL_AtomicGet(&b->done)) return SMP_OK;
    if (b->thread) SDL_WaitThread(b->thread, NULL);
    v->build = NULL;
    v->build_ms = smp_clock_ms() - b->started_ms;
    smp_status st = b->status;
    if (st != SMP_OK) {
        *err = b->err;
        view_message(v, 1, "%s", b->err.message);
        view_message(v, 1, "back to the last scene that built");
        v->scene = v->shown;
        v->build_again = v->reframe = 0;
    } else if (b->on_screen) { /* the dots and the model alone: the head stays, with its
                                  picker, bounds and hair */
        st = smp_renderer_set_dots(v->h.renderer, &b->part.p.dots, err);
        if (st == SMP_OK) {
            smp_pipeline_dots_take(&v->h.p, &b->part);
            v->heat_ready = 0;
            adopt_model_edits(v, b, err);
            view_update_plot(v);
        }
    } else {
        /* GL uploads happen here, on the thread that owns the context; a head copied from
         * the one on screen is uploaded already, and its picker still holds */
        int same_head = b->head.head.vertex_count > 0;
        st = same_head ? SMP_OK : smp_renderer_set_head(v->h.renderer, &b->p.head, err);
        if (st == SMP_OK) st = smp_renderer_set_dots(v->h.renderer, &b->p.dots, err);
        if (st == SMP_OK) st = smp_renderer_set_hair(v->h.renderer, &b->p.hair, err);
        if (st == SMP_OK) {
            smp_pipeline_free(&v->h.p);
            if (!same_head) {
                smp_pick_destroy(v->focus_pick);
                v->focus_pick = NULL;
            }
            v->h.p = b->p;
            memset(&b->p, 0, sizeof b->p);
            v->h.head_bounds = v->h.p.bounds;
            v->heat_ready = 0;
            adopt_model_edits(v, b, err);
            if (v->reframe && !v->build_again) {
                view_go_to(v, SMP_VIEW_THREE_QUARTER);
                v->cam = v->goal;
                v->animating = 0;
                v->reframe = 0;
            }
            view_update_plot(v);
            v->head_landed |= !same_head; /* its landmarks are looked at by the loop */
        }
    }
    smp_pipeline_free(&b->p);
    smp_pipeline_free(&b->head);
    smp_pipeline_dots_free(&b->part);
    free(b);
    if (v->build_again) view_start_build(v, 0);
    /* A failed build is the scene's fault: it is shown and the viewer goes on, except when
     * automation's very first build fails (a run without dots would pass for a good one). */
    if (st == SMP_OK && v->built && !v->build) v->dots_landed = 1; /* on screen next frame */
    if (st == SMP_OK) v->built = 1;
    return smp_status_is_input_error(st) && (v->built || !v->echo_messages) ? SMP_OK : st;
}

void view_shutdown(viewer *v) {
    view_forget_edits(v);
    smp_pick_destroy(v->focus_pick);
    v->focus_pick = NULL;
    view_wait_build(v);
    if (v->build) {
        smp_pipeline_free(&v->build->p);
        smp_pipeline_free(&v->build->head);
        smp_pipeline_dots_free(&v->build->part);
        free(v->build);
        v->build = NULL;
    }
}

/* --- the contrast plot ------------------------------------------------------------------- */

/* From the completion of treatment (done, model years) to VIEW_MAX_YEARS after it. */
static void contrast_curve(const smp_age_model *m, double done, float *out) {
    smp_error err = {0};
    for (int i = 0; i < VIEW_PLOT_SAMPLES; ++i) {
        smp_area_state a;
        double t = done + VIEW_MAX_YEARS * (double)i / (VIEW_PLOT_SAMPLES - 1);
        out[i] = m && smp_age_area(m, t, SMP_TISSUE_SKIN, &a, &err) == SMP_OK
                     ? (float)(100.0 * a.cover_contrast)
                     : 0.0f;
    }
}

/* The plot's other curve: the scenario compared, when one is on screen; else the other
 * lifestyle, without sunscreen if the client uses it, with SPF 30 if not. */
static void alt_curve(viewer *v, double done) {
    if (v->has_scenario && v->compare_scenario && v->scenario_h.p.model) {
        snprintf(v->alt_label, sizeof v->alt_label, "'%.40s'", v->scenario.label);
        contrast_curve(v->scenario_h.p.model, done, v->contrast_alt);
        return;
    }
    smp_scene alt = v->scene;
    alt.sunscreen_spf = v->scene.sunscreen_spf > 1 ? 1 : 30;
    snprintf(v->alt_label, sizeof v->alt_label, "%s",
             alt.sunscreen_spf > 1 ? "with SPF 30" : "without sunscreen");
    smp_pipeline other;
    memset(&other, 0, sizeof other);
    smp_error err = {0};
    if (v->h.p.model && smp_pipeline_rebuild_model(&alt, &other, &err) == SMP_OK) {
        contrast_curve(other.model, done, v->contrast_alt);
        smp_age_destroy(other.model);
    } else {
        memset(v->contrast_alt, 0, sizeof v->contrast_alt);
    }
}

void view_update_plot(viewer *v) {
    const smp_age_model *m = v->h.p.model;
    double done = view_completion(v);
    contrast_curve(m, done, v->contrast);
    alt_curve(v, done);
    v->contrast_max = 5.0f;
    for (int i = 0; i < VIEW_PLOT_SAMPLES; ++i) {
        if (v->contrast[i] > v->contrast_max) v->contrast_max = v->contrast[i];
        if (v->contrast_alt[i] > v->contrast_max) v->contrast_max = v->contrast_alt[i];
    }
    v->contrast_max = ceilf(v->contrast_max / 5.0f) * 5.0f;
    double due = INFINITY;
    smp_error err = {0};
    v->due_years = 0;
    if (m && smp_blend_touch_up_due(m, &v->h.p.fringe, SMP_TISSUE_SKIN, &due, &err) == SMP_OK &&
        isfinite(due))
        v->due_years = (float)due;
}

/* --- time -------------------------------------------------------------------------------- */

double view_completion(const viewer *v) { return smp_scene_completion_years(&v->scene); }

float view_model_year(const viewer *v, double shown) {
    double t = 0;
    smp_scene_model_years(&v->scene, shown, &t);
    return (float)t;
}

void view_time_label(const viewer *v, double t_years, char *out, size_t size) {
    double done = view_completion(v), after = t_years - done;
    int days = (int)lround(after * 365.25);
    if (days < 0)
        snprintf(out, size, "Day %d of treatment, %d days before completion",
                 (int)lround(t_years * 365.25), -days);
    else if (days == SMP_HEALED_DAYS)
        smp_year_label(SMP_YEAR_HEALED, out, size);
    else if (after < 0.25)
        snprintf(out, size, "Day %d after completion", days);
    else
        snprintf(out, size, "Year %.1f after completion", after);
}
