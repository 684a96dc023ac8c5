#include "view_script.h"

#include <SDL.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smp/cli.h"
#include "smp/cli_options.h"
#include "smp/clock.h"
#include "smp/fsio.h"
#include "smp/renderer.h"

/* A script command: its name, what its arguments look like (for the help and the errors), how
 * a line's arguments are read (parse) and what it does before a frame (run). */
typedef struct verb verb;

/* What a command does once run: go on with the next, wait for frames, or stop the script. */
typedef enum step { STEP_NEXT, STEP_WAIT, STEP_FAILED } step;

struct view_command {
    const verb *verb;
    int line;
    double a, b;              /* year, years, fraction, speed */
    int mode;                 /* view, compare mode, on/off, lighting, heat map */
    int untreated;            /* compare: the untreated head on the left */
    int width, height;        /* screenshot at this size; 0 = the window */
    long frames;              /* frames */
    double at[5];             /* puncture X Y, stroke X0 Y0 X1 Y1 MS, focus X Y */
    char text[VIEW_PATH_MAX]; /* file, or PATH=VALUE */
};

/* A line being read: its words so far, and where it is, for the errors. */
typedef struct reader {
    char *cursor;
    const char *path;
    int line;
} reader;

/* A number an argument takes: its name in the errors (after the command's) and its range. */
typedef struct number_arg {
    const char *name; /* NULL: the command's name alone */
    double lo, hi;
} number_arg;

struct verb {
    const char *name;
    const char *args; /* "Y", "on|off", "X Y"; "" when it takes none */
    const char *help;
    int (*parse)(const verb *vb, reader *r, view_command *c); /* 0 or an exit code */
    step (*run)(view_script *s, viewer *v, const view_command *c, smp_error *err);
    const number_arg *numbers; /* parse_numbers: in order, number_count of them */
    int number_count;
    int param; /* run's own value: which layer a show command switches */
};

static int bad_line(const reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int bad_line(const reader *r, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "smpsim view: %s:%d: ", r->path, r->line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return CLI_EXIT_USAGE;
}

/* Splits off the next whitespace-separated word; returns NULL at the end of the line. */
static char *word(reader *r) {
    char *p = r->cursor;
    while (isspace((unsigned char)*p)) ++p;
    if (!*p) return NULL;
    char *start = p;
    while (*p && !isspace((unsigned char)*p)) ++p;
    if (*p) *p++ = '\0';
    r->cursor = p;
    return start;
}

/* The rest of the line, without surrounding blanks (paths may hold spaces). */
static char *rest(reader *r) {
    char *p = r->cursor;
    while (isspace((unsigned char)*p)) ++p;
    size_t n = strlen(p);
    while (n && isspace((unsigned char)p[n - 1])) p[--n] = '\0';
    r->cursor = p + n;
    return n ? p : NULL;
}

/* ---- Reading arguments ------------------------------------------------------------------- */

/* text (NULL when the line ended) as a number within [lo, hi]. */
static int number_of(reader *r, const char *what, const char *text, double lo, double hi,
                     double *out) {
    smp_error err = {0};
    if (!text) return bad_line(r, "%s needs a number", what);
    if (cli_parse_number(what, text, lo, hi, out, &err) != SMP_OK)
        return bad_line(r, "%s", err.message);
    return 0;
}

/* A time on the timeline: 'healed' or years after the completion of treatment, 0..20 (kept as a
 * time shown, smp/scene.h: the scene's completion may change before the line runs). */
static int time_shown(reader *r, const char *what, double *out) {
    smp_error err = {0};
    const char *text = word(r);
    if (!text) return bad_line(r, "%s needs a time: 'healed' or years", what);
    if (smp_year_parse(text, out, &err) != SMP_OK) return bad_line(r, "%s: %s", what, err.message);
    if (*out == SMP_YEAR_UNTREATED || *out > VIEW_MAX_YEARS)
        return bad_line(r,
                        "%s: found '%s', expected 'healed' or years after the completion of "
                        "treatment, 0 to %d",
                        what, text, VIEW_MAX_YEARS);
    return 0;
}

static int parse_none(const verb *vb, reader *r, view_command *c) {
    (void)vb, (void)r, (void)c;
    return 0;
}

static int parse_time(const verb *vb, reader *r, view_command *c) {
    return time_shown(r, vb->name, &c->a);
}

/* The verb's numbers, into c->at (several) or c->a (one). */
static int parse_numbers(const verb *vb, reader *r, view_command *c) {
    for (int i = 0; i < vb->number_count; ++i) {
        const number_arg *n = &vb->numbers[i];
        char what[48];
        snprintf(what, sizeof what, "%s%s%s", vb->name, n->name ? " " : "", n->name ? n->name : "");
        double *out = vb->number_count == 1 ? &c->a : &c->at[i];
        int rc = number_of(r, what, word(r), n->lo, n->hi, out);
        if (rc) return rc;
    }
    return 0;
}

/* on or off, into c->mode. */
static int parse_switch(const verb *vb, reader *r, view_command *c) {
    const char *m = word(r);
    if (!m || (strcmp(m, "on") != 0 && strcmp(m, "off") != 0))
        return bad_line(r, "%s: expected on or off, got '%s'", vb->name, m ? m : "");
    c->mode = strcmp(m, "on") == 0;
    return 0;
}

static int parse_view(const verb *vb, reader *r, view_command *c) {
    const char *name = word(r);
    smp_view view;
    smp_error err = {0};
    if (!name) return bad_line(r, "%s needs a name", vb->name);
    if (smp_view_parse(name, &view, &err) != SMP_OK)
        return bad_line(r, "%s: %s", vb->name, err.message);
    c->mode = (int)view;
    return 0;
}

static int parse_lighting(const verb *vb, reader *r, view_command *c) {
    const char *name = word(r);
    smp_lighting lighting;
    smp_error err = {0};
    if (!name) return bad_line(r, "%s needs a preset name", vb->name);
    if (smp_lighting_parse(name, &lighting, &err) != SMP_OK)
        return bad_line(r, "%s: %s", vb->name, err.message);
    c->mode = (int)lighting;
    return 0;
}

static const char *const k_heat_maps[] = {"off", "density", "contrast"};

static int parse_heat(const verb *vb, reader *r, view_command *c) {
    const char *m = word(r);
    c->mode = -1;
    for (int i = 0; m && i < 3; ++i)
        if (strcmp(m, k_heat_maps[i]) == 0) c->mode = i;
    if (c->mode < 0)
        return bad_line(r, "%s: expected off, density or contrast, got '%s'", vb->name, m ? m : "");
    return 0;
}

static int parse_count(const verb *vb, reader *r, view_command *c) {
    smp_error err = {0};
    const char *n = word(r);
    if (!n || cli_parse_int(vb->name, n, 1, 100000, &c->frames, &err) != SMP_OK)
        return bad_line(r, "%s: expected a count 1..100000, got '%s'", vb->name, n ? n : "");
    return 0;
}

/* The rest of the line: a file name, or PATH=VALUE. */
static int parse_text(const verb *vb, reader *r, view_command *c) {
    int assignment = strcmp(vb->args, "PATH=VALUE") == 0;
    char *arg = rest(r);
    if (!arg) return bad_line(r, "%s needs %s", vb->name, vb->args);
    if (assignment && !strchr(arg, '='))
        return bad_line(r, "%s: expected PATH=VALUE, got '%s'", vb->name, arg);
    if (strlen(arg) >= sizeof c->text) return bad_line(r, "%s: argument too long", vb->name);
    snprintf(c->text, sizeof c->text, "%s", arg);
    return 0;
}

/* FILE [WxH]: a size after the file name renders the head alone at that size. */
static int parse_screenshot(const verb *vb, reader *r, view_command *c) {
    char *save = r->cursor;
    char *arg = rest(r);
    char *space = arg ? strrchr(arg, ' ') : NULL;
    smp_error err = {0};
    if (space && cli_parse_size(space + 1, &c->width, &c->height, &err) == SMP_OK) *space = '\0';
    r->cursor = arg ? arg : save;
    return parse_text(vb, r, c);
}

/* off | split [A B] | side [A B] | untreated [F] */
static int parse_compare(const verb *vb, reader *r, view_command *c) {
    const char *m = word(r);
    int rc = 0;
    if (m && strcmp(m, "off") == 0) {
        c->mode = VIEW_COMPARE_OFF;
    } else if (m && (strcmp(m, "split") == 0 || strcmp(m, "side") == 0)) {
        c->mode = strcmp(m, "split") == 0 ? VIEW_COMPARE_SPLIT : VIEW_COMPARE_SIDE;
        const char *rest = r->cursor;
        while (*rest == ' ' || *rest == '\t') ++rest;
        if (!*rest) /* the years as they are (a scenario is compared at the timeline's year) */
            c->untreated = -1;
        else if (!(rc = time_shown(r, "compare: year A", &c->a)))
            rc = time_shown(r, "compare: year B", &c->b);
    } else if (m && strcmp(m, "untreated") == 0) {
        c->mode = VIEW_COMPARE_SPLIT;
        c->untreated = 1;
        c->b = 0.5;
        const char *f = word(r);
        if (f) rc = number_of(r, "compare untreated", f, 0, 1, &c->b);
    } else {
        rc = bad_line(r, "%s: expected off, split A B, side A B or untreated [F], got '%s'",
                      vb->name, m ? m : "");
    }
    return rc;
}

/* ---- Running ----------------------------------------------------------------------------- */

static step run_year(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)s, (void)err;
    v->year = view_model_year(v, c->a);
    v->playing = 0;
    return STEP_NEXT;
}

static step run_view(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)s, (void)err;
    view_go_to(v, (smp_view)c->mode);
    v->cam = v->goal; /* no easing: the next frame shows the view */
    v->animating = 0;
    return STEP_NEXT;
}

static step run_compare(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)s, (void)err;
    v->compare = (view_compare)c->mode;
    if (c->untreated < 0) return STEP_NEXT; /* the years kept */
    v->compare_untreated = c->untreated;
    if (v->compare_untreated)
        v->split = (float)c->b;
    else if (v->compare != VIEW_COMPARE_OFF)
        v->year_a = view_model_year(v, c->a), v->year_b = view_model_year(v, c->b);
    return STEP_NEXT;
}

static step run_split(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)s, (void)err;
    v->split = (float)c->a;
    return STEP_NEXT;
}

enum { LAYER_DOTS, LAYER_HAIR, LAYER_SKIN, LAYER_PANELS };

static step run_show(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)s, (void)err;
    switch (c->verb->param) {
    case LAYER_DOTS: v->show_dots = c->mode; break;
    case LAYER_HAIR: v->show_hair = c->mode; break;
    case LAYER_SKIN: v->show_skin = c->mode; break;
    default: v->hide_panels = !c->mode;
    }
    return STEP_NEXT;
}

static step run_lighting(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)s, (void)err;
    v->lighting = c->mode;
    return STEP_NEXT;
}

static step run_heat(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)s, (void)err;
    if (v->heat_map != c->mode) v->heat_ready = 0;
    v->heat_map = c->mode;
    return STEP_NEXT;
}

static step run_orbit(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)s, (void)err;
    v->orbit_deg_per_frame = (float)c->a;
    return STEP_NEXT;
}

static step run_play(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)s, (void)err;
    v->playing = c->verb->param;
    return STEP_NEXT;
}

static step run_speed(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)s, (void)err;
    v->speed = (float)c->a;
    return STEP_NEXT;
}

static step run_set(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)s;
    return view_set(v, c->text, err) == SMP_OK ? STEP_NEXT : STEP_FAILED;
}

/* A scene that does not load is shown in the window; the script goes on with the previous
 * scene, as a user would. */
static step run_open(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)s;
    view_open_file(v, c->text, err);
    return STEP_NEXT;
}

/* The writes print the path written, as the commands do. */
static step written(smp_status st, const view_command *c) {
    if (st != SMP_OK) return STEP_FAILED;
    printf("%s\n", c->text);
    return STEP_NEXT;
}

static step run_save(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)s;
    return written(view_save_file(v, c->text, err), c);
}

static step run_sheet(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)s;
    return written(view_export_sheet(v, c->text, err), c);
}

/* SPEC | on | off: a scenario set (waits until it is on screen), shown or hidden. */
static step run_scenario(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)s;
    if (strcmp(c->text, "off") == 0) {
        v->compare_scenario = 0;
        view_update_plot(v);
        return STEP_NEXT;
    }
    if (strcmp(c->text, "on") == 0) {
        if (!v->has_scenario)
            return smp_error_set(err, SMP_ERR_INVALID_ARG, "scenario on: no scenario set yet"),
                   STEP_FAILED;
        v->compare_scenario = 1;
        if (v->compare == VIEW_COMPARE_OFF) v->compare = VIEW_COMPARE_SIDE;
        view_update_plot(v);
        return STEP_NEXT;
    }
    return view_scenario_set(v, c->text, err) == SMP_OK ? STEP_NEXT : STEP_FAILED;
}

/* FROM TO: the time-lapse's years after completion (0: healed). */
static step run_video_years(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)s;
    if (!(c->at[1] > c->at[0]))
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "video-years: TO (%g) must be after FROM (%g)", c->at[1], c->at[0]),
               STEP_FAILED;
    v->video_from = (float)c->at[0], v->video_to = (float)c->at[1];
    return STEP_NEXT;
}

/* As a file manager drops a file on the window: an SDL drop event, handled with the input of
 * the next frame. */
static step run_drop(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)s, (void)v;
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_DROPFILE;
    e.drop.file = SDL_strdup(c->text);
    if (!e.drop.file || SDL_PushEvent(&e) != 1) {
        SDL_free(e.drop.file);
        return smp_error_set(err, SMP_ERR_NOMEM, "drop %s: the event could not be queued", c->text),
               STEP_FAILED;
    }
    return STEP_WAIT;
}

/* The report, as the Files panel's button writes it; waits until it is written. */
static step run_report(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)s;
    snprintf(v->report_path, sizeof v->report_path, "%s", c->text);
    if (view_report_start(v, c->text, err) != SMP_OK) return STEP_FAILED;
    view_report_poll(v, 1);
    if (!v->message_is_error) return written(SMP_OK, c);
    return smp_error_set(err, SMP_ERR_IO, "%s", v->messages[v->message_count - 1]), STEP_FAILED;
}

static step run_video_length(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)s, (void)err;
    v->video_seconds = (float)c->a;
    return STEP_NEXT;
}

static step run_video(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)s;
    snprintf(v->video_path, sizeof v->video_path, "%s", c->text);
    return view_video_start(v, c->text, err) == SMP_OK ? STEP_NEXT : STEP_FAILED;
}

static step run_frames(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)v, (void)err;
    s->frames_left = c->frames - 1;
    return STEP_WAIT;
}

/* Taken after the frame is drawn, panels included (view_script_after_frame). */
static step run_screenshot(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)v, (void)err;
    s->shot = (int)(c - s->commands);
    return STEP_WAIT;
}

static step run_train(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)s;
    if (!c->mode) {
        view_train_stop(v);
        return STEP_NEXT;
    }
    return view_train_start(v, err) == SMP_OK ? STEP_NEXT : STEP_FAILED;
}

static step run_puncture(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)s;
    smp_status st = view_train_puncture(v, (float)c->at[0], (float)c->at[1], err);
    return st == SMP_OK ? STEP_NEXT : STEP_FAILED;
}

/* A stroke takes the time it says, as a hand does: the next command starts once it is over,
 * so strokes one after another never overlap in the session's time. */
static step run_stroke(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    double now = smp_clock_ms();
    if (s->stroke_until_ms == 0.0) {
        if (view_train_stroke(v, (float)c->at[0], (float)c->at[1], (float)c->at[2], (float)c->at[3],
                              c->at[4], err) != SMP_OK)
            return STEP_FAILED;
        s->stroke_until_ms = now + c->at[4];
    }
    if (now < s->stroke_until_ms) {
        --s->next;
        return STEP_WAIT;
    }
    s->stroke_until_ms = 0.0;
    return STEP_NEXT;
}

static step run_focus(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)s;
    return view_focus_at(v, (float)c->at[0], (float)c->at[1], err) < 0 ? STEP_FAILED : STEP_NEXT;
}

static step run_undo(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)s, (void)err;
    if (c->verb->param)
        view_train_redo(v);
    else
        view_train_undo(v);
    return STEP_NEXT;
}

static step run_trainee(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)s;
    return view_train_set_trainee(v, c->text, err) == SMP_OK ? STEP_NEXT : STEP_FAILED;
}

static step run_save_session(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)s;
    return written(view_train_save(v, c->text, err), c);
}

static step training_off(const view_command *c, smp_error *err) {
    smp_error_set(err, SMP_ERR_INVALID_ARG, "%s: training mode is off", c->verb->name);
    return STEP_FAILED;
}

/* As open: a file that does not load is shown, and the work goes on as it was. */
static step run_load_session(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)s;
    if (!v->training) return training_off(c, err);
    view_train_load(v, c->text, err);
    return STEP_NEXT;
}

static step run_score_json(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)s;
    if (!v->training) return training_off(c, err);
    return written(view_training_write_score_json(v->training, c->text, err), c);
}

static step run_projection(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)s;
    return view_train_set_projection(v, c->mode, err) == SMP_OK ? STEP_NEXT : STEP_FAILED;
}

/* ---- Handing over to a program that drives the window ---------------------------------- */

enum {
    WAIT_FOR_MS = 120000, /* wait-for gives up after two minutes */
    STATE_QUIET_MS = 250, /* state: no input event for this long first */
};

/* An empty file, created atomically: the window is up and the script has reached this line. */
static step run_touch(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)s, (void)v;
    smp_atomic_file f;
    if (smp_atomic_file_open(&f, c->text, err) != SMP_OK) return STEP_FAILED;
    return smp_atomic_file_commit(&f, err) == SMP_OK ? STEP_NEXT : STEP_FAILED;
}

/* Frames go on, and the window takes its input, until the file exists. */
static step run_wait_for(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    (void)v;
    double now = smp_clock_ms();
    if (access(c->text, F_OK) == 0) {
        s->wait_since_ms = 0;
        return STEP_NEXT;
    }
    if (s->wait_since_ms == 0) s->wait_since_ms = now;
    if (now - s->wait_since_ms > WAIT_FOR_MS) {
        smp_error_set(err, SMP_ERR_IO, "wait-for %s: no such file after %d s", c->text,
                      WAIT_FOR_MS / 1000);
        return STEP_FAILED;
    }
    --s->next; /* this line again next frame */
    return STEP_WAIT;
}

static const char *const k_compare_names[] = {"off", "split", "side"};

/* text as a JSON string: quotes, backslashes and control characters escaped. */
static void put_json_string(FILE *out, const char *text) {
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)text; *p; ++p) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

/* What the window shows and how it is set, as one JSON object, written atomically. */
static step run_state(view_script *s, viewer *v, const view_command *c, smp_error *err) {
    /* the input sent so far is part of the state asked for: wait until it is handled and the
     * display server has been quiet a moment (what a program sent may still be on its way) */
    if (v->input_pending || smp_clock_ms() - v->last_input_event_ms < STATE_QUIET_MS) {
        --s->next;
        return STEP_WAIT;
    }
    smp_atomic_file f;
    if (smp_atomic_file_open(&f, c->text, err) != SMP_OK) return STEP_FAILED;
    const view_orbit *o = &v->cam;
    const smp_dots *punctures = v->training ? view_training_shown(v->training) : NULL;
    fprintf(f.stream,
            "{\n  \"view\": \"%s\",\n"
            "  \"camera\": {\"yaw\": %.4f, \"pitch\": %.4f, \"distance\": %.2f, "
            "\"target\": [%.2f, %.2f, %.2f]},\n"
            "  \"years_after_completion\": %.4f,\n  \"playing\": %s,\n",
            v->view_named >= 0 ? smp_view_name((smp_view)v->view_named) : "free", o->yaw, o->pitch,
            o->distance, o->target[0], o->target[1], o->target[2], v->year - view_completion(v),
            v->playing ? "true" : "false");
    fprintf(f.stream,
            "  \"dots\": %s,\n  \"hair\": %s,\n  \"skin\": %s,\n  \"panels\": %s,\n"
            "  \"help\": %s,\n  \"compare\": \"%s\",\n  \"split\": %.4f,\n",
            v->show_dots ? "true" : "false", v->show_hair ? "true" : "false",
            v->show_skin ? "true" : "false", v->hide_panels ? "false" : "true",
            v->show_help ? "true" : "false", k_compare_names[v->compare], v->split);
    fprintf(f.stream,
            "  \"training\": %s,\n  \"projection\": %s,\n  \"punctures\": %zu,\n"
            "  \"messages\": %d,\n  \"undo_steps\": %d,\n  \"redo_steps\": %d,\n"
            "  \"mst\": %d,\n  \"fitzpatrick\": %d,\n  \"sunscreen_spf\": %g,\n"
            "  \"build_ms\": %.0f,\n  \"edit_to_screen_ms\": %.0f,\n  \"edit_frame_draft\": %s,\n"
            "  \"scene_draft\": %s,\n"
            "  \"widgets\": {",
            v->training ? "true" : "false", v->train_projection ? "true" : "false",
            punctures ? punctures->count : (size_t)0, v->message_count, v->undo_count,
            v->redo_count, v->scene.client.mst, v->scene.client.fitzpatrick, v->scene.sunscreen_spf,
            v->build_ms, v->edit_to_screen_ms, v->edit_frame_draft ? "true" : "false",
            v->scene_draft ? "true" : "false");
    static const char *const names[VIEW_WIDGET_COUNT] = {
        "timeline_slider",   "save_field",     "dots_checkbox",  "spf_slider",  "case_header",
        "client_field",      "scenario_combo", "scenario_field", "open_button", "save_as_button",
        "browser_last_file", "browser_name",   "report_field",   "train_done",  "train_keep",
        "train_discard",     "trainee_field"};
    for (int i = 0; i < VIEW_WIDGET_COUNT; ++i) {
        const float *r = v->widget_rect[i];
        fprintf(f.stream, "%s\"%s\": [%.0f, %.0f, %.0f, %.0f]", i ? ", " : "", names[i], r[0], r[1],
                r[2], r[3]);
    }
    fputs("},\n  \"scene_file\": ", f.stream);
    put_json_string(f.stream, v->scene_path);
    fputs(",\n  \"save_field_text\": ", f.stream);
    put_json_string(f.stream, v->save_path);
    fputs(",\n  \"client_name\": ", f.stream);
    put_json_string(f.stream, v->scene.client.name);
    fputs(",\n  \"case_title\": ", f.stream);
    put_json_string(f.stream, v->scene.name);
    fputs(",\n  \"scenario\": ", f.stream);
    put_json_string(f.stream, v->has_scenario ? v->scenario.label : "");
    fprintf(f.stream, ",\n  \"scenario_shown\": %s", view_scenario_ready(v) ? "true" : "false");
    static const char *const browse_names[] = {"off", "open", "save", "mesh"};
    fprintf(f.stream, ",\n  \"browser\": \"%s\",\n  \"browser_entries\": %d",
            browse_names[v->browse], v->browse_count);
    fputs(",\n  \"browser_dir\": ", f.stream);
    put_json_string(f.stream, v->browse_dir);
    fprintf(f.stream, ",\n  \"recent_count\": %d,\n  \"recent_first\": ", v->recent_count);
    put_json_string(f.stream, v->recent_count ? v->recent[0] : "");
    fputs(",\n  \"head_mesh\": ", f.stream);
    put_json_string(f.stream, v->shown.head.mesh);
    fprintf(f.stream, ",\n  \"training_unsaved\": %s,\n  \"training_asks_before_leaving\": %s",
            view_train_unsaved(v) ? "true" : "false", v->train_confirm_stop ? "true" : "false");
    fputs(",\n  \"heat_legend\": ", f.stream);
    put_json_string(f.stream, v->heat_legend);
    fprintf(f.stream, ",\n  \"marks\": %s", v->training && v->train_marks ? "true" : "false");
    fputs(",\n  \"landmark_placing\": ", f.stream);
    put_json_string(f.stream, v->landmark_placing >= 0
                                  ? smp_landmark_name((smp_landmark_id)v->landmark_placing)
                                  : "");
    fprintf(f.stream, ",\n  \"landmarks_frame\": \"%s\"",
            v->scene.head.landmarks_frame == SMP_LANDMARKS_FILE_FRAME ? "file" : "head");
    /* one key per landmark, flat: "landmark_nasion": "guessed", "landmark_nasion_at": [x, y] */
    for (int i = 0; i < SMP_LM_COUNT; ++i) {
        const char *name = smp_landmark_name((smp_landmark_id)i);
        const float *at = v->landmark_at[i], *b = v->landmark_button[i];
        fprintf(f.stream,
                ",\n  \"landmark_%s\": \"%s\", \"landmark_%s_at\": [%.1f, %.1f, %.0f], "
                "\"landmark_%s_button\": [%.0f, %.0f, %.0f, %.0f]",
                name, view_landmark_source(v, i), name, (double)at[0], (double)at[1], (double)at[2],
                name, (double)b[0], (double)b[1], (double)b[2], (double)b[3]);
    }
    fputs(",\n  \"status\": ", f.stream);
    put_json_string(f.stream, v->message_count ? v->messages[v->message_count - 1] : "");
    fputs("\n}\n", f.stream);
    return written(smp_atomic_file_commit(&f, err), c);
}

/* ---- The commands ------------------------------------------------------------------------ */

static const number_arg k_fraction[] = {{NULL, 0, 1}};
static const number_arg k_speed[] = {{NULL, 0.05, 20}};
static const number_arg k_degrees[] = {{NULL, -90, 90}};
static const number_arg k_pixel[] = {{"X", 0, 100000}, {"Y", 0, 100000}};
static const number_arg k_stroke[] = {
    {"X0", 0, 100000}, {"Y0", 0, 100000}, {"X1", 0, 100000}, {"Y1", 0, 100000}, {"MS", 0, 600000}};

static const number_arg k_video_years[] = {{"FROM", 0, 49}, {"TO", 0.5, 50}};
static const number_arg k_video_length[] = {{NULL, 0.1, 60}};

#define NUMBERS(list) .numbers = list, .number_count = sizeof list / sizeof list[0]

static const verb k_verbs[] = {
    {.name = "year",
     .args = "Y",
     .help =
         "go to year Y after the completion of treatment (0..20), or 'healed' (30 days after the "
         "last session)",
     .parse = parse_time,
     .run = run_year},
    {.name = "view",
     .args = "NAME",
     .help = "front, back, left, right, top, three-quarter, closeup",
     .parse = parse_view,
     .run = run_view},
    {.name = "compare",
     .args = "off | split [A B] | side [A B] | untreated [F]",
     .help =
         "no comparison; year A left of a divider and B right of it; A and B side by side (each as "
         "year Y; without them the years, or the scenario, as they are); untreated left of the "
         "divider at F (0..1) of the width, the current year right",
     .parse = parse_compare,
     .run = run_compare},
    {.name = "split",
     .args = "F",
     .help = "move the divider to F (0..1) of the width",
     .parse = parse_numbers,
     .run = run_split,
     NUMBERS(k_fraction)},
    {.name = "dots",
     .args = "on|off",
     .help = "show or hide the dots",
     .parse = parse_switch,
     .run = run_show,
     .param = LAYER_DOTS},
    {.name = "hair",
     .args = "on|off",
     .help = "show or hide the client's hair",
     .parse = parse_switch,
     .run = run_show,
     .param = LAYER_HAIR},
    {.name = "skin",
     .args = "on|off",
     .help = "show or hide the skin colour",
     .parse = parse_switch,
     .run = run_show,
     .param = LAYER_SKIN},
    {.name = "panels",
     .args = "on|off",
     .help = "show or hide the panels, as Tab",
     .parse = parse_switch,
     .run = run_show,
     .param = LAYER_PANELS},
    {.name = "lighting",
     .args = "NAME",
     .help = "clinic, overhead, daylight or flash",
     .parse = parse_lighting,
     .run = run_lighting},
    {.name = "heat",
     .args = "off|density|contrast",
     .help =
         "the planned dot density, or the contrast at the year drawn, as a heat map on the scalp",
     .parse = parse_heat,
     .run = run_heat},
    {.name = "play",
     .args = "",
     .help = "play the timeline",
     .parse = parse_none,
     .run = run_play,
     .param = 1},
    {.name = "pause",
     .args = "",
     .help = "pause the timeline",
     .parse = parse_none,
     .run = run_play,
     .param = 0},
    {.name = "speed",
     .args = "S",
     .help = "the timeline's speed, S years per second (0.05..20)",
     .parse = parse_numbers,
     .run = run_speed,
     NUMBERS(k_speed)},
    {.name = "orbit",
     .args = "D",
     .help =
         "turn the camera D degrees (-90..90) about the head every frame, as a drag does (0 stops)",
     .parse = parse_numbers,
     .run = run_orbit,
     NUMBERS(k_degrees)},
    {.name = "set",
     .args = "PATH=VALUE",
     .help = "edit the scene, as --set (waits for any rebuild)",
     .parse = parse_text,
     .run = run_set},
    {.name = "open",
     .args = "FILE",
     .help = "load a scene (a failure shows its errors, the scene stays)",
     .parse = parse_text,
     .run = run_open},
    {.name = "save",
     .args = "FILE",
     .help = "save the scene",
     .parse = parse_text,
     .run = run_save},
    {.name = "sheet",
     .args = "FILE",
     .help = "the scene's contact sheet, as `smpsim render --sheet`",
     .parse = parse_text,
     .run = run_sheet},
    {.name = "video",
     .args = "FILE",
     .help = "a time-lapse over the video's years (video-years; healed to year 20 unless set), "
             "what the window compares beside it (MP4; waits until written)",
     .parse = parse_text,
     .run = run_video},
    {.name = "scenario",
     .args = "SPEC|on|off",
     .help = "compare with a scenario, 'LABEL: PATH=VALUE; ...' as render --scenario (waits until "
             "it is built), or show or hide the one set",
     .parse = parse_text,
     .run = run_scenario},
    {.name = "video-years",
     .args = "FROM TO",
     .help = "the time-lapse's years after completion, 0..50 (FROM 0: healed)",
     .parse = parse_numbers,
     NUMBERS(k_video_years),
     .run = run_video_years},
    {.name = "report",
     .args = "FILE",
     .help = "the consultation report of the scene as edited, with the scenario shown (PDF, as "
             "`smpsim report`; waits until written)",
     .parse = parse_text,
     .run = run_report},
    {.name = "drop",
     .args = "FILE",
     .help = "as a file dropped on the window: a scene opens, a mesh becomes the head, anything "
             "else is refused",
     .parse = parse_text,
     .run = run_drop},
    {.name = "video-length",
     .args = "S",
     .help = "the time-lapse's length in seconds, 0.1..60 (30 frames a second)",
     .parse = parse_numbers,
     NUMBERS(k_video_length),
     .run = run_video_length},
    {.name = "frames",
     .args = "N",
     .help = "draw N frames (1..100000)",
     .parse = parse_count,
     .run = run_frames},
    {.name = "screenshot",
     .args = "FILE [WxH]",
     .help = "the window with its panels, or the head alone at WxH",
     .parse = parse_screenshot,
     .run = run_screenshot},
    {.name = "train",
     .args = "on|off",
     .help = "training mode on the scene on screen (waits for its dots)",
     .parse = parse_switch,
     .run = run_train},
    {.name = "puncture",
     .args = "X Y",
     .help = "one puncture at drawable pixel (X, Y) through the camera",
     .parse = parse_numbers,
     .run = run_puncture,
     NUMBERS(k_pixel)},
    {.name = "stroke",
     .args = "X0 Y0 X1 Y1 MS",
     .help = "a held stroke from one pixel to another over MS milliseconds (the next command "
             "waits until it is over)",
     .parse = parse_numbers,
     .run = run_stroke,
     NUMBERS(k_stroke)},
    {.name = "undo",
     .args = "",
     .help = "take back the last puncture",
     .parse = parse_none,
     .run = run_undo,
     .param = 0},
    {.name = "redo",
     .args = "",
     .help = "put back the last puncture taken back",
     .parse = parse_none,
     .run = run_undo,
     .param = 1},
    {.name = "trainee",
     .args = "NAME",
     .help = "who does the training work: saved with the session (the Trainee field)",
     .parse = parse_text,
     .run = run_trainee},
    {.name = "save-session",
     .args = "FILE",
     .help = "the training session, atomically",
     .parse = parse_text,
     .run = run_save_session},
    {.name = "load-session",
     .args = "FILE",
     .help = "a session for this scene (a bad file is shown; the work stays)",
     .parse = parse_text,
     .run = run_load_session},
    {.name = "score-json",
     .args = "FILE",
     .help = "score the work now and write the scores as JSON",
     .parse = parse_text,
     .run = run_score_json},
    {.name = "projection",
     .args = "on|off",
     .help = "the trainee's work and the expert's at years 5 and 10 after completion",
     .parse = parse_switch,
     .run = run_projection},
    {.name = "focus",
     .args = "X Y",
     .help = "glide the camera to the head's point at drawable pixel (X, Y), as a double click",
     .parse = parse_numbers,
     .run = run_focus,
     NUMBERS(k_pixel)},
    {.name = "touch",
     .args = "FILE",
     .help = "create an empty FILE (tells a program driving the window that it is ready)",
     .parse = parse_text,
     .run = run_touch},
    {.name = "wait-for",
     .args = "FILE",
     .help = "draw frames and take keyboard and mouse input until FILE exists (at most 2 min)",
     .parse = parse_text,
     .run = run_wait_for},
    {.name = "state",
     .args = "FILE",
     .help = "once the input received is handled, write what the window shows (view, year, "
             "layers, compare, training, where some widgets are) as JSON",
     .parse = parse_text,
     .run = run_state},
};
enum { VERB_COUNT = sizeof k_verbs / sizeof k_verbs[0] };

void view_script_print_help(FILE *out) {
    fputs("Script commands (--script FILE): one a line; blank lines and lines starting with '#'\n"
          "are skipped. The whole file is checked before the window opens: a bad line exits 2\n"
          "naming the line.\n",
          out);
    for (int i = 0; i < VERB_COUNT; ++i) {
        char usage[96];
        snprintf(usage, sizeof usage, "%s%s%s", k_verbs[i].name, *k_verbs[i].args ? " " : "",
                 k_verbs[i].args);
        cli_print_row(out, usage, k_verbs[i].help, 24);
    }
}

/* "year, view, ... or focus" */
static void verb_names(char *out, size_t size) {
    size_t n = 0;
    for (int i = 0; i < VERB_COUNT && n < size; ++i)
        n += (size_t)snprintf(out + n, size - n, "%s%s",
                              i == 0                ? ""
                              : i + 1 == VERB_COUNT ? " or "
                                                    : ", ",
                              k_verbs[i].name);
}

static int parse_line(char *text, int line, const char *path, view_command *c) {
    reader r = {text, path, line};
    const char *name = word(&r);
    memset(c, 0, sizeof *c);
    c->line = line;
    for (int i = 0; i < VERB_COUNT && !c->verb; ++i)
        if (strcmp(name, k_verbs[i].name) == 0) c->verb = &k_verbs[i];
    if (!c->verb) {
        char names[512];
        verb_names(names, sizeof names);
        return bad_line(&r, "unknown command '%s' (expected %s)", name, names);
    }
    int rc = c->verb->parse(c->verb, &r, c);
    if (rc) return rc;
    const char *extra = word(&r);
    if (extra) return bad_line(&r, "unexpected '%s' after %s", extra, name);
    return 0;
}

int view_script_load(const char *path, view_script *s) {
    memset(s, 0, sizeof *s);
    s->shot = -1;
    snprintf(s->path, sizeof s->path, "%s", path);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "smpsim view: --script %s: %s\n", path, strerror(errno));
        return CLI_EXIT_USAGE;
    }
    char text[4096];
    int line = 0, cap = 0, rc = 0;
    while (!rc && fgets(text, sizeof text, f)) {
        ++line;
        size_t n = strlen(text);
        if (n == sizeof text - 1 && text[n - 1] != '\n') {
            rc = bad_line(&(reader){NULL, path, line}, "line longer than %d characters",
                          (int)sizeof text - 2);
            break;
        }
        char *p = text;
        while (isspace((unsigned char)*p)) ++p;
        if (!*p || *p == '#') continue;
        if (s->count == cap) {
            cap = cap ? cap * 2 : 16;
            view_command *grown = realloc(s->commands, sizeof *grown * (size_t)cap);
            if (!grown) {
                fprintf(stderr, "smpsim view: out of memory reading %s\n", path);
                rc = CLI_EXIT_FAILURE;
                break;
            }
            s->commands = grown;
        }
        rc = parse_line(p, line, path, &s->commands[s->count]);
        if (!rc) ++s->count;
    }
    fclose(f);
    if (rc) view_script_free(s);
    return rc;
}

void view_script_free(view_script *s) {
    free(s->commands);
    s->commands = NULL;
    s->count = s->next = 0;
}

/* Work a command waits for: a build of the plan or of the scenario, a video. */
static int busy(const viewer *v) {
    return view_building(v, NULL) || view_scenario_building(v) || view_scenario_wanted(v) ||
           v->video;
}

int view_script_before_frame(view_script *s, viewer *v, int *exit_code) {
    /* each command sees the previous one's result */
    if (busy(v)) return 1;
    if (s->frames_left > 0) {
        --s->frames_left;
        return 1;
    }
    while (s->next < s->count) {
        const view_command *c = &s->commands[s->next++];
        smp_error err = {0};
        step st = c->verb->run(s, v, c, &err);
        if (st == STEP_WAIT) return 1;
        if (st == STEP_FAILED) {
            fprintf(stderr, "smpsim view: %s:%d: %s\n", s->path, c->line, err.message);
            *exit_code = smp_status_is_input_error(err.status) ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
            return 0;
        }
        if (busy(v)) return 1;
    }
    return 0;
}

int view_script_after_frame(view_script *s, viewer *v) {
    if (s->shot < 0) return 0;
    const view_command *c = &s->commands[s->shot];
    s->shot = -1;
    smp_error err = {0};
    smp_status st = c->width ? view_screenshot_render(v, c->text, c->width, c->height, &err)
                             : view_screenshot_window(v, c->text, &err);
    if (st != SMP_OK) {
        fprintf(stderr, "smpsim view: %s:%d: %s\n", s->path, c->line, err.message);
        return CLI_EXIT_FAILURE;
    }
    printf("%s\n", c->text);
    return 0;
}
