/* Training mode's state: the session, punctures from the pointer, undo and redo, the dots on
 * screen, replay, and the score on a worker thread. */
#include "view_training.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smp/fsio.h"
#include "smp/pick.h"

/* A puncture undo set aside: redo adds it again with the same time, tool and point, which
 * gives the same dot (its variation is keyed by its index, which is the same again). */
typedef struct redo_entry {
    double t_ms;
    smp_training_tool tool;
    uint32_t triangle;
    float u, v;
} redo_entry;

/* What the worker reads and writes while it runs; the render thread touches it only between
 * a join and the next start, so no lock is needed. */
typedef struct score_job {
    smp_dots dots; /* base + the trainee's, copied when the job starts */
    unsigned generation;
    int make_expert;
    smp_training_tool tool; /* the trainee's when the job started */
    /* results */
    smp_status status;
    smp_error err;
    smp_score score;
    float *heat;        /* per vertex */
    float *expert_heat; /* the expert version's, made with it */
    int expert_made;
    smp_dots expert;
    smp_score expert_score;
    smp_score_ctx *ctx; /* the trainee's scorer, made once (with the expert as reference) */
} score_job;

struct view_training {
    const smp_pipeline *p;
    smp_scene scene;
    int exercise;
    float *target;
    uint8_t *tissue;
    uint64_t fingerprint;
    size_t base_count;
    smp_training_tool tool;
    double rate_hz;
    smp_training_session *session;
    smp_pick *pick;
    double origin_ms; /* the clock's value at session time 0 */

    float *uv; /* exact barycentrics of each puncture, 2 per puncture: redo's source */
    size_t uv_cap;
    redo_entry *redo;
    size_t redo_count, redo_cap;

    int stroking;
    float stroke_x, stroke_y; /* the previous pointer sample */
    double stroke_ms;         /* its session time */
    double last_puncture_ms;  /* of this stroke; −∞ before the first */

    smp_dots shown;
    int shown_changed;
    unsigned work_generation; /* bumped by every change of the trainee's dots */
    double changed_ms;

    int replaying;
    double replay_start_ms, replay_speed, replay_end_ms;
    size_t replay_count;

    pthread_t thread;
    int running;
    atomic_int done;
    score_job job;
    int force_score;

    /* the latest results, owned by the render thread */
    int score_valid;
    unsigned score_generation;
    smp_score score;
    char score_error[SMP_ERROR_MESSAGE_MAX];
    float *heat;
    unsigned heat_generation;
    int expert_valid;
    smp_dots expert;
    smp_score expert_score;
    float *expert_heat; /* the expert version's density error, per vertex */
};

static smp_status nomem(smp_error *err, const char *what) {
    return smp_error_set(err, SMP_ERR_NOMEM, "training: out of memory for %s", what);
}

/* A view of the first n dots of d (no copy). */
static smp_dots prefix(const smp_dots *d, size_t n) {
    smp_dots v = *d;
    v.count = n;
    return v;
}

static smp_status reserve_dots(smp_dots *d, size_t need, smp_error *err) {
    if (d->capacity >= need && d->x) return SMP_OK;
    size_t cap = d->capacity ? d->capacity : 1024;
    while (cap < need) cap *= 2;
    smp_dots grown = {0};
    smp_status st = smp_dots_alloc(&grown, cap, 0, err);
    if (st != SMP_OK) return st;
    smp_dots_append(&grown, d);
    smp_dots_free(d);
    *d = grown;
    return SMP_OK;
}

static size_t trainee_count(const view_training *t) {
    return smp_training_session_dots(t->session)->count;
}

/* Base, then the first n of the trainee's dots. */
static smp_status rebuild_shown(view_training *t, size_t n, smp_error *err) {
    smp_status st = reserve_dots(&t->shown, t->base_count + n + 1, err);
    if (st != SMP_OK) return st;
    t->shown.count = 0;
    smp_dots base = prefix(&t->p->dots, t->base_count);
    smp_dots mine = prefix(smp_training_session_dots(t->session), n);
    smp_dots_append(&t->shown, &base);
    smp_dots_append(&t->shown, &mine);
    t->shown_changed = 1;
    return SMP_OK;
}

static void work_changed(view_training *t, double now_ms) {
    t->replaying = 0;
    ++t->work_generation;
    t->changed_ms = now_ms;
}

/* --- begin / end ---------------------------------------------------------------------- */

/* Free practice: the plan's first session's needle, shade and depth, a trainee's hand. */
static void free_practice_tool(const smp_scene *s, smp_training_tool *tool) {
    memset(tool, 0, sizeof *tool);
    if (s->plan.session_count < 1) return;
    const smp_scene_session *ss = &s->plan.sessions[0];
    tool->needle_points = ss->needle_points;
    tool->needle_diameter_mm = (float)ss->needle_diameter_mm;
    tool->dilution = (float)ss->dilution;
    tool->depth_mm = (float)ss->depth_mm;
    tool->steadiness = 0.75f;
}

smp_status view_training_begin(const smp_pipeline *p, const smp_scene *scene, double now_ms,
                               view_training **out, smp_error *err) {
    *out = NULL;
    if (!p->fields || !p->model)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "training: the scene is still being built; try again when the dots "
                             "are on screen");
    view_training *t = calloc(1, sizeof *t);
    if (!t) return nomem(err, "its state");
    t->p = p;
    t->scene = *scene;
    t->exercise = scene->training.enabled;
    t->origin_ms = now_ms;
    t->changed_ms = now_ms;
    size_t nv = p->head.vertex_count;
    t->target = malloc(sizeof(float) * nv);
    t->tissue = malloc(nv);
    smp_status st = t->target && t->tissue ? SMP_OK : nomem(err, "the target");
    if (st == SMP_OK && t->exercise) {
        st = smp_training_target(scene, p->fields, &p->head, t->target, t->tissue, err);
        smp_training_tool_of_scene(scene, &t->tool);
        int k = scene->training.session;
        for (int i = 0; i < k && i < SMP_SCENE_MAX_SESSIONS; ++i)
            t->base_count += p->session_dots[i];
        t->rate_hz = scene->training.stroke_rate_hz;
    } else if (st == SMP_OK) {
        float *density = malloc(sizeof(float) * nv);
        st = density ? smp_pipeline_session_density(p, scene, 0, density, t->tissue, err)
                     : nomem(err, "the target");
        free(density);
        if (st == SMP_OK) st = smp_pipeline_plan_density(p, scene, 0, t->target, err);
        free_practice_tool(scene, &t->tool);
    }
    if (t->base_count > p->dots.count) t->base_count = p->dots.count;
    if (!(t->rate_hz >= 1 && t->rate_hz <= 200)) t->rate_hz = 10;
    if (st == SMP_OK) st = smp_training_tool_resolve(&t->tool, &t->tool, err);
    if (st == SMP_OK) {
        t->fingerprint = smp_training_fingerprint(&p->head, t->target);
        st =
            smp_training_session_create(scene->name, t->fingerprint, scene->seed, &t->session, err);
    }
    if (st == SMP_OK) st = smp_pick_create(&p->head, &t->pick, err);
    if (st == SMP_OK) st = rebuild_shown(t, 0, err);
    if (st != SMP_OK) {
        smp_error_prefix(err, "training");
        view_training_end(t);
        return st;
    }
    *out = t;
    return SMP_OK;
}

static void join_worker(view_training *t);

void view_training_end(view_training *t) {
    if (!t) return;
    join_worker(t);
    smp_score_destroy(t->job.ctx);
    smp_dots_free(&t->job.dots);
    smp_dots_free(&t->job.expert);
    free(t->job.heat);
    free(t->job.expert_heat);
    free(t->expert_heat);
    smp_dots_free(&t->shown);
    smp_dots_free(&t->expert);
    smp_training_session_destroy(t->session);
    smp_pick_destroy(t->pick);
    free(t->target);
    free(t->tissue);
    free(t->uv);
    free(t->redo);
    free(t->heat);
    free(t);
}

/* --- tool ----------------------------------------------------------------------------- */

const smp_training_tool *view_training_tool(const view_training *t) { return &t->tool; }
double view_training_rate_hz(const view_training *t) { return t->rate_hz; }

smp_status view_training_set_tool(view_training *t, const smp_training_tool *tool, double rate_hz,
                                  smp_error *err) {
    if (!(rate_hz >= 1 && rate_hz <= 200))
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "training: stroke rate %g Hz out of range (expected 1..200)", rate_hz);
    smp_training_tool resolved, wanted = *tool;
    wanted.session = t->tool.session; /* the model knows the dots by the exercise's session */
    smp_status st = smp_training_tool_resolve(&wanted, &resolved, err);
    if (st != SMP_OK) return st;
    t->tool = resolved;
    t->rate_hz = rate_hz;
    return SMP_OK;
}

/* --- punctures ------------------------------------------------------------------------ */

static double session_ms(const view_training *t, double now_ms) {
    size_t n = trainee_count(t);
    double at = now_ms - t->origin_ms;
    const double *times = smp_training_session_times_ms(t->session);
    if (n && at < times[n - 1]) at = times[n - 1]; /* a clock never runs backwards in the file */
    return at;
}

static smp_status add(view_training *t, double t_ms, const smp_training_tool *tool,
                      uint32_t triangle, float u, float v, smp_error *err) {
    size_t n = trainee_count(t);
    if (2 * (n + 1) > t->uv_cap) {
        size_t cap = t->uv_cap ? 2 * t->uv_cap : 256;
        float *grown = realloc(t->uv, sizeof(float) * cap);
        if (!grown) return nomem(err, "the punctures");
        t->uv = grown, t->uv_cap = cap;
    }
    smp_status st =
        smp_training_add(t->session, &t->p->head, t->tissue, tool, t_ms, triangle, u, v, err);
    if (st != SMP_OK) return st;
    t->uv[2 * n] = u, t->uv[2 * n + 1] = v;
    return rebuild_shown(t, n + 1, err);
}

/* The head under window pixel (x, y), or 0. */
static int pick_at(const view_training *t, const smp_camera *cam, int width, int height, float x,
                   float y, smp_pick_hit *hit) {
    float o[3], d[3];
    smp_pick_camera_ray(cam, width, height, x, y, o, d);
    return smp_pick_ray(t->pick, o, d, hit, NULL) == SMP_OK && hit->triangle != SMP_PICK_MISS;
}

static smp_status puncture_pixel(view_training *t, const smp_camera *cam, int width, int height,
                                 float x, float y, double t_ms, double now_ms, int *placed,
                                 smp_error *err) {
    *placed = 0;
    smp_pick_hit hit;
    if (!pick_at(t, cam, width, height, x, y, &hit)) return SMP_OK;
    smp_status st = add(t, t_ms, &t->tool, hit.triangle, hit.u, hit.v, err);
    if (st != SMP_OK) return st;
    t->redo_count = 0; /* a new puncture forks history: what was undone is gone */
    work_changed(t, now_ms);
    *placed = 1;
    return SMP_OK;
}

smp_status view_training_puncture_at(view_training *t, const smp_camera *cam, int width, int height,
                                     float x, float y, double now_ms, int *placed, smp_error *err) {
    int dummy;
    return puncture_pixel(t, cam, width, height, x, y, session_ms(t, now_ms), now_ms,
                          placed ? placed : &dummy, err);
}

smp_status view_training_stroke_begin(view_training *t, const smp_camera *cam, int width,
                                      int height, float x, float y, double now_ms, size_t *placed,
                                      smp_error *err) {
    t->stroking = 1;
    t->stroke_x = x, t->stroke_y = y;
    t->stroke_ms = session_ms(t, now_ms);
    t->last_puncture_ms = -INFINITY;
    if (placed) *placed = 0;
    return view_training_stroke_move(t, cam, width, height, x, y, now_ms, placed, err);
}

smp_status view_training_stroke_move(view_training *t, const smp_camera *cam, int width, int height,
                                     float x, float y, double now_ms, size_t *placed,
                                     smp_error *err) {
    if (placed) *placed = 0;
    if (!t->stroking) return SMP_OK;
    double t0 = t->stroke_ms, t1 = session_ms(t, now_ms);
    if (t1 < t0) t1 = t0;
    double due[64];
    for (;;) {
        size_t n = smp_training_stroke_times(t->last_puncture_ms, t0, t1, t->rate_hz, due, 64);
        for (size_t i = 0; i < n; ++i) {
            /* The pen travels across the image: interpolating the pointer in the window and
             * casting a ray costs microseconds and follows what the trainee sees. */
            float f = t1 > t0 ? (float)((due[i] - t0) / (t1 - t0)) : 1.0f;
            float px = t->stroke_x + f * (x - t->stroke_x),
                  py = t->stroke_y + f * (y - t->stroke_y);
            int hit = 0;
            smp_status st =
                puncture_pixel(t, cam, width, height, px, py, due[i], now_ms, &hit, err);
            if (st != SMP_OK) return st;
            if (placed) *placed += (size_t)hit;
            t->last_puncture_ms = due[i]; /* the needle keeps its rhythm off the head too */
        }
        if (n < 64) break;
    }
    t->stroke_x = x, t->stroke_y = y;
    t->stroke_ms = t1;
    return SMP_OK;
}

void view_training_stroke_end(view_training *t) { t->stroking = 0; }

/* --- undo / redo ---------------------------------------------------------------------- */

int view_training_undo(view_training *t) {
    size_t n = trainee_count(t);
    if (!n) return 0;
    if (t->redo_count == t->redo_cap) {
        size_t cap = t->redo_cap ? 2 * t->redo_cap : 64;
        redo_entry *grown = realloc(t->redo, sizeof *grown * cap);
        if (!grown) return 0; /* nothing lost: the puncture stays */
        t->redo = grown, t->redo_cap = cap;
    }
    const smp_dots *d = smp_training_session_dots(t->session);
    redo_entry *r = &t->redo[t->redo_count];
    r->t_ms = smp_training_session_times_ms(t->session)[n - 1];
    r->tool =
        *smp_training_session_tool(t->session, smp_training_session_tool_index(t->session)[n - 1]);
    r->triangle = d->triangle[n - 1];
    r->u = t->uv[2 * (n - 1)], r->v = t->uv[2 * (n - 1) + 1];
    if (!smp_training_undo(t->session)) return 0;
    ++t->redo_count;
    smp_error ignored;
    rebuild_shown(t, n - 1, &ignored); /* shrinking needs no memory */
    work_changed(t, t->changed_ms);
    return 1;
}

smp_status view_training_redo(view_training *t, int *redone, smp_error *err) {
    if (redone) *redone = 0;
    if (!t->redo_count) return SMP_OK;
    const redo_entry *r = &t->redo[t->redo_count - 1];
    smp_status st = add(t, r->t_ms, &r->tool, r->triangle, r->u, r->v, err);
    if (st != SMP_OK) return st;
    --t->redo_count;
    work_changed(t, t->changed_ms);
    if (redone) *redone = 1;
    return SMP_OK;
}

/* --- files ---------------------------------------------------------------------------- */

/* A save is dated today (the session keeps the trainee's name it was given or loaded with). */
smp_status view_training_set_trainee(view_training *t, const char *name, smp_error *err) {
    return smp_training_session_set_trainee(t->session, name, err);
}

const char *view_training_trainee(const view_training *t) {
    return smp_training_session_trainee(t->session);
}

smp_status view_training_save(const view_training *t, const char *path, smp_error *err) {
    char today[SMP_TRAINING_DATE_MAX];
    smp_training_date_today(today);
    smp_status st = smp_training_session_set_date(t->session, today, err);
    return st != SMP_OK ? st : smp_training_save(t->session, path, err);
}

smp_status view_training_load(view_training *t, const char *path, smp_error *err) {
    smp_training_session *s = NULL;
    smp_status st = smp_training_load(path, &t->p->head, t->scene.name, t->fingerprint, &s, err);
    if (st != SMP_OK) return st;
    const smp_dots *d = smp_training_session_dots(s);
    float *uv = malloc(sizeof(float) * 2 * (d->count + 1));
    if (!uv) {
        smp_training_session_destroy(s);
        return nomem(err, path);
    }
    /* the file keeps unorm16 barycentrics: redo of a loaded puncture uses those */
    for (size_t i = 0; i < d->count; ++i)
        uv[2 * i] = d->bary_u[i] / 65535.0f, uv[2 * i + 1] = d->bary_v[i] / 65535.0f;
    smp_training_session *old = t->session;
    t->session = s;
    if ((st = rebuild_shown(t, d->count, err)) != SMP_OK) {
        t->session = old;
        smp_training_session_destroy(s);
        free(uv);
        smp_error ignored;
        rebuild_shown(t, trainee_count(t), &ignored);
        return st;
    }
    smp_training_session_destroy(old);
    free(t->uv);
    t->uv = uv, t->uv_cap = 2 * (d->count + 1);
    t->redo_count = 0;
    t->stroking = 0;
    /* new punctures continue the loaded clock */
    double last = d->count ? smp_training_session_times_ms(s)[d->count - 1] : 0;
    t->origin_ms = t->changed_ms - last;
    work_changed(t, t->changed_ms);
    return SMP_OK;
}

/* --- replay --------------------------------------------------------------------------- */

void view_training_replay(view_training *t, double now_ms) {
    size_t n = trainee_count(t);
    if (t->replaying || !n) {
        view_training_replay_stop(t);
        return;
    }
    double last = smp_training_session_times_ms(t->session)[n - 1];
    t->replaying = 1;
    t->replay_start_ms = now_ms;
    t->replay_speed = last > VIEW_TRAINING_REPLAY_MS ? last / VIEW_TRAINING_REPLAY_MS : 1.0;
    t->replay_end_ms = last;
    t->replay_count = (size_t)-1;
}

void view_training_replay_stop(view_training *t) {
    if (!t->replaying) return;
    t->replaying = 0;
    smp_error ignored;
    rebuild_shown(t, trainee_count(t), &ignored);
}

/* --- scoring -------------------------------------------------------------------------- */

static smp_score_desc score_desc(const view_training *t, const smp_training_tool *tool,
                                 const smp_score *reference) {
    const smp_scene *s = &t->scene;
    int k = t->exercise ? s->training.session : 0;
    smp_score_desc d = {
        .head = &t->p->head,
        .target_density_per_cm2 = t->target,
        .model = t->p->model,
        .skin = &t->p->skin,
        .hairline = t->exercise && s->training.hairline,
        .hairline_softness_mm = (float)s->plan.hairline_softness_mm,
        .depth_mm = t->exercise ? (float)s->training.depth_mm : tool->depth_mm,
        .healed_years = (s->plan.session_count > k ? s->plan.sessions[k].day : 0) / 365.25 + 0.25,
    };
    /* as `smpsim score`: the expert's measured shade is what the trainee is held to */
    if (reference) d.contrast_reference = reference->contrast_0;
    return d;
}

/* The expert version and its score, scored against itself as `smpsim score` does. */
static smp_status make_expert(view_training *t, score_job *j, smp_error *err) {
    smp_training_tool tool = j->tool;
    if (t->exercise) smp_training_tool_of_scene(&t->scene, &tool);
    tool.steadiness = 0.95f;
    smp_dots base = prefix(&t->p->dots, t->base_count);
    smp_status st = smp_training_expert(&t->p->head, t->target, t->tissue, &tool, t->scene.seed,
                                        &base, &j->expert, err);
    for (int pass = 0; st == SMP_OK && pass < 2; ++pass) {
        smp_score_desc d = score_desc(t, &j->tool, pass ? &j->expert_score : NULL);
        smp_score_ctx *ctx = NULL;
        st = smp_score_create(&d, &ctx, err);
        if (st == SMP_OK) st = smp_score_eval(ctx, &j->expert, &j->expert_score, err);
        if (st == SMP_OK && pass == 1) {
            size_t nv = t->p->head.vertex_count;
            if (!j->expert_heat && !(j->expert_heat = malloc(sizeof(float) * (nv ? nv : 1))))
                st = nomem(err, "the expert's error map");
            else
                st = smp_score_density_map(ctx, &j->expert, j->expert_heat, err);
        }
        smp_score_destroy(ctx);
    }
    if (st == SMP_OK) j->expert_made = 1;
    return st;
}

static void *score_worker(void *arg) {
    view_training *t = arg;
    score_job *j = &t->job;
    j->status = SMP_OK;
    if (j->make_expert) {
        smp_error expert_err = {0};
        /* without an expert the trainee is still scored, against the design alone */
        if (make_expert(t, j, &expert_err) != SMP_OK) smp_dots_free(&j->expert);
    }
    if (!j->ctx) {
        smp_score_desc d = score_desc(t, &j->tool, j->expert_made ? &j->expert_score : NULL);
        j->status = smp_score_create(&d, &j->ctx, &j->err);
    }
    if (j->status == SMP_OK && j->dots.count < 2)
        j->status =
            smp_error_set(&j->err, SMP_ERR_INVALID_ARG, "place at least two dots to be scored");
    if (j->status == SMP_OK) j->status = smp_score_eval(j->ctx, &j->dots, &j->score, &j->err);
    if (j->status == SMP_OK) j->status = smp_score_density_map(j->ctx, &j->dots, j->heat, &j->err);
    atomic_store(&t->done, 1);
    return NULL;
}

/* Collects a finished job's results (the render thread's side of the hand-over). */
static void join_worker(view_training *t) {
    if (!t->running) return;
    pthread_join(t->thread, NULL);
    t->running = 0;
    score_job *j = &t->job;
    if (j->expert_made && !t->expert_valid) {
        t->expert = j->expert;
        memset(&j->expert, 0, sizeof j->expert);
        t->expert_score = j->expert_score;
        t->expert_heat = j->expert_heat;
        j->expert_heat = NULL;
        t->expert_valid = 1;
    }
    t->score_generation = j->generation;
    if (j->status == SMP_OK) {
        t->score = j->score;
        t->score_valid = 1;
        t->score_error[0] = 0;
        float *swap = t->heat;
        t->heat = j->heat;
        j->heat = swap;
        ++t->heat_generation;
    } else {
        t->score_valid = 0;
        snprintf(t->score_error, sizeof t->score_error, "%s", j->err.message);
    }
}

static smp_status start_worker(view_training *t, smp_error *err) {
    score_job *j = &t->job;
    size_t nv = t->p->head.vertex_count;
    if (!j->heat && !(j->heat = malloc(sizeof(float) * (nv ? nv : 1))))
        return nomem(err, "the heat map");
    smp_dots all = prefix(&t->shown, t->shown.count);
    if (t->replaying) { /* score the whole work, not the replay's frame */
        smp_status st = rebuild_shown(t, trainee_count(t), err);
        if (st != SMP_OK) return st;
        all = t->shown;
    }
    smp_status st = reserve_dots(&j->dots, all.count + 1, err);
    if (st != SMP_OK) return st;
    j->dots.count = 0;
    smp_dots_append(&j->dots, &all);
    j->generation = t->work_generation;
    j->tool = t->tool;
    j->make_expert = !t->expert_valid && !j->expert_made;
    atomic_store(&t->done, 0);
    if (pthread_create(&t->thread, NULL, score_worker, t) != 0)
        return smp_error_set(err, SMP_ERR_NOMEM, "training: could not start the scoring thread");
    t->running = 1;
    return SMP_OK;
}

void view_training_wait(view_training *t) { join_worker(t); }

int view_training_poll(view_training *t, double now_ms, int force_score) {
    if (t->replaying) {
        size_t n = smp_training_session_count_at(t->session,
                                                 (now_ms - t->replay_start_ms) * t->replay_speed);
        if (n != t->replay_count) {
            smp_error ignored;
            rebuild_shown(t, n, &ignored);
            t->replay_count = n;
        }
        if ((now_ms - t->replay_start_ms) * t->replay_speed > t->replay_end_ms + 500)
            t->replaying = 0;
    }
    if (t->running && atomic_load(&t->done)) join_worker(t);
    if (force_score) t->force_score = 1;
    int stale =
        t->score_generation != t->work_generation || (!t->score_valid && !t->score_error[0]);
    if (!t->running && !t->replaying && stale &&
        (t->force_score || now_ms - t->changed_ms >= VIEW_TRAINING_PAUSE_MS)) {
        smp_error err = {0};
        if (start_worker(t, &err) != SMP_OK) {
            snprintf(t->score_error, sizeof t->score_error, "%s", err.message);
            t->score_generation = t->work_generation;
        }
        t->force_score = 0;
    }
    int changed = t->shown_changed;
    t->shown_changed = 0;
    return changed;
}

smp_status view_training_score_now(view_training *t, smp_error *err) {
    view_training_replay_stop(t);
    join_worker(t);
    if (t->score_generation != t->work_generation || (!t->score_valid && !t->score_error[0])) {
        smp_status st = start_worker(t, err);
        if (st != SMP_OK) return st;
        join_worker(t);
    }
    if (!t->score_valid)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "training: %s", t->score_error);
    return SMP_OK;
}

/* --- views of the state ---------------------------------------------------------------- */

const smp_dots *view_training_shown(const view_training *t) { return &t->shown; }
const smp_dots *view_training_expert(const view_training *t) {
    return t->expert_valid ? &t->expert : NULL;
}
const float *view_training_target(const view_training *t) { return t->target; }

const float *view_training_expert_heat(const view_training *t) {
    return t->expert_valid ? t->expert_heat : NULL;
}

const float *view_training_heat(const view_training *t, unsigned *generation) {
    if (generation) *generation = t->heat_generation;
    return t->heat_generation ? t->heat : NULL;
}
const smp_training_session *view_training_session(const view_training *t) { return t->session; }

void view_training_status_get(view_training *t, view_training_status *out) {
    memset(out, 0, sizeof *out);
    out->exercise = t->exercise;
    out->punctures = trainee_count(t);
    out->base_dots = t->base_count;
    out->redo_available = t->redo_count;
    out->scoring = t->running;
    out->score_valid = t->score_valid && t->score_generation == t->work_generation;
    out->score_stale = t->score_valid && t->score_generation != t->work_generation;
    if (t->score_valid) out->score = t->score;
    out->expert_valid = t->expert_valid;
    if (t->expert_valid) out->expert = t->expert_score;
    snprintf(out->score_error, sizeof out->score_error, "%s", t->score_error);
    out->work_generation = t->work_generation;
    out->replaying = t->replaying;
    if (t->replaying && out->punctures)
        out->replay_fraction = (double)t->replay_count / (double)out->punctures;
}

/* --- the score as JSON ------------------------------------------------------------------ */

smp_status view_training_write_score_json(view_training *t, const char *path, smp_error *err) {
    smp_status st = view_training_score_now(t, err);
    if (st != SMP_OK) return st;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "scene", t->scene.name);
    cJSON_AddNumberToObject(root, "punctures", (double)trainee_count(t));
    cJSON_AddItemToObject(root, "trainee", smp_score_json(&t->score));
    cJSON_AddItemToObject(root, "expert",
                          t->expert_valid ? smp_score_json(&t->expert_score) : cJSON_CreateNull());
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text) return nomem(err, "the score");
    smp_atomic_file f;
    st = smp_atomic_file_open(&f, path, err);
    if (st == SMP_OK) {
        fputs(text, f.stream);
        fputc('\n', f.stream);
        st = smp_atomic_file_commit(&f, err);
    }
    free(text);
    return st;
}
