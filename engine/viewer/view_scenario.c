/* The scenario comparison: the plan on screen against the same client with other overrides
 * (SPF 50 against none, a touch-up against none, two hairlines), built on a worker thread into
 * its own pipeline and renderer on the window's context, and built again whenever the plan on
 * screen changes, so the two sides always differ by the scenario's overrides alone. */
#include <SDL.h>
#include <stdlib.h>
#include <string.h>

#include "smp/clock.h"
#include "view.h"

struct view_scenario_build {
    SDL_Thread *thread;
    SDL_atomic_t done;
    unsigned shown, scenario; /* the generations it was started from */
    smp_scene scene;
    smp_pipeline head; /* the head on screen, copied: not read from its file again */
    smp_pipeline p;
    smp_status status;
    smp_error err;
};

static int build_main(void *arg) {
    view_scenario_build *b = arg;
    const smp_pipeline_options o = {.head = b->head.head.vertex_count ? &b->head : NULL,
                                    .guess_landmarks = 1};
    b->status = smp_pipeline_build_with(&b->scene, SMP_PIPELINE_ALL, &o, &b->p, &b->err);
    SDL_AtomicSet(&b->done, 1);
    return 0;
}

/* The scenario's overrides on the scene on screen; a refusal is shown in the window. */
static smp_status scenario_scene(viewer *v, const smp_scenario *sc, smp_scene *out,
                                 smp_error *err) {
    smp_scene_report *rep = malloc(sizeof *rep);
    if (!rep) return smp_error_set(err, SMP_ERR_NOMEM, "out of memory applying the scenario");
    smp_status st = smp_scenario_apply(&v->shown, sc, out, rep);
    if (st != SMP_OK) {
        *err = rep->first;
        view_message(v, 1, "scenario '%s': %s", sc->label, rep->first.message);
    }
    free(rep);
    return st;
}

smp_status view_scenario_set(viewer *v, const char *spec, smp_error *err) {
    smp_scenario *sc = malloc(sizeof *sc);
    smp_scene *check = malloc(sizeof *check);
    smp_status st =
        sc && check ? SMP_OK : smp_error_set(err, SMP_ERR_NOMEM, "out of memory for a scenario");
    if (st == SMP_OK && (st = smp_scenario_parse(spec, sc, err)) != SMP_OK)
        view_message(v, 1, "scenario %s", err->message);
    if (st == SMP_OK) st = scenario_scene(v, sc, check, err);
    if (st == SMP_OK) {
        v->scenario = *sc;
        v->has_scenario = 1;
        v->compare_scenario = 1;
        if (v->compare == VIEW_COMPARE_OFF) v->compare = VIEW_COMPARE_SIDE;
        snprintf(v->scenario_text, sizeof v->scenario_text, "%s", spec);
        ++v->scenario_generation;
        view_message(v, 0, "building the scenario '%s'", sc->label);
    }
    free(sc);
    free(check);
    return st;
}

int view_scenario_ready(const viewer *v) {
    return v->compare_scenario && v->has_scenario && v->scenario_h.renderer != NULL && !v->training;
}

int view_scenario_building(const viewer *v) { return v->scenario_build != NULL; }

int view_scenario_wanted(const viewer *v) {
    return v->has_scenario && v->compare_scenario &&
           (v->built_shown != v->shown_generation || v->built_scenario != v->scenario_generation);
}

static void free_build(view_scenario_build *b) {
    smp_pipeline_free(&b->p);
    smp_pipeline_free(&b->head);
    free(b);
}

/* Swaps a finished build in: a new renderer the first time, new uploads after. */
static void land(viewer *v, view_scenario_build *b) {
    smp_error err = {0};
    smp_status st = b->status;
    if (st != SMP_OK) {
        view_message(v, 1, "scenario '%s': %s", v->scenario.label, b->err.message);
    } else if (!v->scenario_h.renderer) {
        st = smp_gl_session_adopt_beside(&v->h, v->msaa, &b->p, &v->scenario_h, &err);
    } else {
        smp_renderer *r = v->scenario_h.renderer;
        if ((st = smp_renderer_set_head(r, &b->p.head, &err)) == SMP_OK &&
            (st = smp_renderer_set_dots(r, &b->p.dots, &err)) == SMP_OK &&
            (st = smp_renderer_set_hair(r, &b->p.hair, &err)) == SMP_OK) {
            smp_pipeline_free(&v->scenario_h.p);
            v->scenario_h.p = b->p;
            v->scenario_h.head_bounds = b->p.bounds;
            memset(&b->p, 0, sizeof b->p);
        }
    }
    if (st == SMP_OK) {
        v->scenario_scene = b->scene;
        v->plot_alt = 1; /* its curve beside the plan's */
        if (b->status == SMP_OK && v->message_count && !v->message_is_error)
            view_message(v, 0, "scenario '%s' on the right", v->scenario.label);
    } else if (b->status == SMP_OK) {
        view_message(v, 1, "scenario '%s': %s", v->scenario.label, err.message);
    }
    /* landed or refused: not retried until the plan or the scenario changes */
    v->built_shown = b->shown, v->built_scenario = b->scenario;
    if (st != SMP_OK) v->compare_scenario = 0;
    view_update_plot(v);
}

void view_scenario_frame(viewer *v) {
    view_scenario_build *b = v->scenario_build;
    if (b && SDL_AtomicGet(&b->done)) {
        SDL_WaitThread(b->thread, NULL);
        v->scenario_build = NULL;
        land(v, b);
        free_build(b);
    }
    if (v->scenario_build || !view_scenario_wanted(v) || v->build || !v->built) return;
    b = calloc(1, sizeof *b);
    smp_error err = {0};
    if (!b) {
        view_message(v, 1, "out of memory building the scenario");
        v->compare_scenario = 0;
        return;
    }
    b->shown = v->shown_generation, b->scenario = v->scenario_generation;
    if (scenario_scene(v, &v->scenario, &b->scene, &err) != SMP_OK) {
        /* the plan changed under it (a session it names is gone): off until set again */
        v->compare_scenario = 0;
        v->built_shown = b->shown, v->built_scenario = b->scenario;
        free(b);
        return;
    }
    if (smp_pipeline_same_head(&b->scene, &v->shown) &&
        smp_pipeline_copy_head(&v->h.p, &b->head, &err) != SMP_OK)
        smp_pipeline_free(&b->head); /* out of memory: the worker reads the head again */
    b->thread = SDL_CreateThread(build_main, "smp-scenario", b);
    if (!b->thread) build_main(b); /* no thread: built here, the window waits once */
    v->scenario_build = b;
}

void view_scenario_release(viewer *v) {
    if (v->scenario_build) {
        SDL_WaitThread(v->scenario_build->thread, NULL);
        free_build(v->scenario_build);
        v->scenario_build = NULL;
    }
    if (v->scenario_h.renderer || v->scenario_h.p.head.vertex_count)
        smp_gl_session_close(&v->scenario_h);
}
