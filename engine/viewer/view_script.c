#include "view_script.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smp/cli.h"
#include "smp/renderer.h"

typedef enum command_kind {
    CMD_YEAR,
    CMD_VIEW,
    CMD_COMPARE,
    CMD_SPLIT,
    CMD_SHOW,
    CMD_LIGHTING,
    CMD_HEAT,
    CMD_PLAY,
    CMD_PAUSE,
    CMD_SPEED,
    CMD_SET,
    CMD_OPEN,
    CMD_SAVE,
    CMD_SHEET,
    CMD_VIDEO,
    CMD_FRAMES,
    CMD_SCREENSHOT,
    CMD_TRAIN,
    CMD_PUNCTURE,
    CMD_STROKE,
    CMD_UNDO,
    CMD_REDO,
    CMD_SAVE_SESSION,
    CMD_LOAD_SESSION,
    CMD_SCORE_JSON,
    CMD_PROJECTION,
    CMD_FOCUS,
    CMD_ORBIT,
} command_kind;

struct view_command {
    command_kind kind;
    int line;
    double a, b;              /* year, years, fraction, speed */
    int mode;                 /* view, compare mode, dots on/off */
    int untreated;            /* compare: the untreated head on the left */
    int layer;                /* show: 0 dots, 1 hair, 2 skin */
    int width, height;        /* screenshot at this size; 0 = the window */
    long frames;              /* frames */
    double at[5];             /* puncture X Y, stroke X0 Y0 X1 Y1 MS */
    char text[VIEW_PATH_MAX]; /* file, or PATH=VALUE */
};

static const char *const k_commands =
    "year, view, compare, split, dots, hair, skin, lighting, heat, play, pause, speed, set, open, "
    "save, sheet, video, frames, screenshot, train, puncture, stroke, undo, redo, save-session, "
    "load-session, score-json, projection, focus or orbit";

static int bad_line(const char *path, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int bad_line(const char *path, int line, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "smpsim view: %s:%d: ", path, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return CLI_EXIT_USAGE;
}

/* Splits off the next whitespace-separated word; returns NULL at the end of the line. */
static char *word(char **cursor) {
    char *p = *cursor;
    while (isspace((unsigned char)*p)) ++p;
    if (!*p) return NULL;
    char *start = p;
    while (*p && !isspace((unsigned char)*p)) ++p;
    if (*p) *p++ = '\0';
    *cursor = p;
    return start;
}

/* The rest of the line, without surrounding blanks (paths may hold spaces). */
static char *rest(char **cursor) {
    char *p = *cursor;
    while (isspace((unsigned char)*p)) ++p;
    size_t n = strlen(p);
    while (n && isspace((unsigned char)p[n - 1])) p[--n] = '\0';
    *cursor = p + n;
    return n ? p : NULL;
}

static int number(const char *option, const char *text, double lo, double hi, double *out,
                  const char *path, int line) {
    smp_error err = {0};
    if (!text) return bad_line(path, line, "%s needs a number", option);
    if (cli_parse_number(option, text, lo, hi, out, &err) != SMP_OK)
        return bad_line(path, line, "%s", err.message);
    return 0;
}

/* A time on the timeline: 'healed' or years after the completion of treatment, 0..20 (kept as a
 * time shown, smp/scene.h: the scene's completion may change before the line runs). */
static int time_shown(const char *option, const char *text, double *out, const char *path,
                      int line) {
    smp_error err = {0};
    if (!text) return bad_line(path, line, "%s needs a time: 'healed' or years", option);
    if (smp_year_parse(text, out, &err) != SMP_OK)
        return bad_line(path, line, "%s: %s", option, err.message);
    if (*out == SMP_YEAR_UNTREATED || *out > VIEW_MAX_YEARS)
        return bad_line(path, line,
                        "%s: found '%s', expected 'healed' or years after the completion of "
                        "treatment, 0 to %d",
                        option, text, VIEW_MAX_YEARS);
    return 0;
}

static int parse_line(char *text, int line, const char *path, view_command *c) {
    char *cursor = text;
    char *name = word(&cursor);
    memset(c, 0, sizeof *c);
    c->line = line;
    int rc = 0;
    if (strcmp(name, "year") == 0) {
        c->kind = CMD_YEAR;
        rc = time_shown("year", word(&cursor), &c->a, path, line);
    } else if (strcmp(name, "view") == 0) {
        c->kind = CMD_VIEW;
        const char *v = word(&cursor);
        smp_view view;
        smp_error err = {0};
        if (!v) return bad_line(path, line, "view needs a name");
        if (smp_view_parse(v, &view, &err) != SMP_OK)
            return bad_line(path, line, "view: %s", err.message);
        c->mode = (int)view;
    } else if (strcmp(name, "compare") == 0) {
        c->kind = CMD_COMPARE;
        const char *m = word(&cursor);
        if (m && strcmp(m, "off") == 0) {
            c->mode = VIEW_COMPARE_OFF;
        } else if (m && (strcmp(m, "split") == 0 || strcmp(m, "side") == 0)) {
            c->mode = strcmp(m, "split") == 0 ? VIEW_COMPARE_SPLIT : VIEW_COMPARE_SIDE;
            if ((rc = time_shown("compare: year A", word(&cursor), &c->a, path, line)) ||
                (rc = time_shown("compare: year B", word(&cursor), &c->b, path, line)))
                return rc;
        } else if (m && strcmp(m, "untreated") == 0) {
            c->mode = VIEW_COMPARE_SPLIT;
            c->untreated = 1;
            const char *f = word(&cursor);
            c->b = 0.5;
            if (f && (rc = number("compare untreated", f, 0, 1, &c->b, path, line))) return rc;
        } else {
            return bad_line(path, line,
                            "compare: expected off, split A B, side A B or "
                            "untreated [F], got '%s'",
                            m ? m : "");
        }
    } else if (strcmp(name, "split") == 0) {
        c->kind = CMD_SPLIT;
        rc = number("split", word(&cursor), 0, 1, &c->a, path, line);
    } else if (strcmp(name, "dots") == 0 || strcmp(name, "hair") == 0 ||
               strcmp(name, "skin") == 0 || strcmp(name, "panels") == 0) {
        c->kind = CMD_SHOW;
        c->layer = name[0] == 'd' ? 0 : name[0] == 'h' ? 1 : name[0] == 's' ? 2 : 3;
        const char *m = word(&cursor);
        if (!m || (strcmp(m, "on") != 0 && strcmp(m, "off") != 0))
            return bad_line(path, line, "%s: expected on or off, got '%s'", name, m ? m : "");
        c->mode = strcmp(m, "on") == 0;
    } else if (strcmp(name, "lighting") == 0) {
        c->kind = CMD_LIGHTING;
        const char *m = word(&cursor);
        smp_lighting lighting;
        smp_error err = {0};
        if (!m) return bad_line(path, line, "lighting needs a preset name");
        if (smp_lighting_parse(m, &lighting, &err) != SMP_OK)
            return bad_line(path, line, "lighting: %s", err.message);
        c->mode = (int)lighting;
    } else if (strcmp(name, "heat") == 0) {
        c->kind = CMD_HEAT;
        const char *m = word(&cursor);
        static const char *const maps[] = {"off", "density", "contrast"};
        c->mode = -1;
        for (int i = 0; m && i < 3; ++i)
            if (strcmp(m, maps[i]) == 0) c->mode = i;
        if (c->mode < 0)
            return bad_line(path, line, "heat: expected off, density or contrast, got '%s'",
                            m ? m : "");
    } else if (strcmp(name, "train") == 0 || strcmp(name, "projection") == 0) {
        c->kind = name[0] == 't' ? CMD_TRAIN : CMD_PROJECTION;
        const char *m = word(&cursor);
        if (!m || (strcmp(m, "on") != 0 && strcmp(m, "off") != 0))
            return bad_line(path, line, "%s: expected on or off, got '%s'", name, m ? m : "");
        c->mode = strcmp(m, "on") == 0;
    } else if (strcmp(name, "puncture") == 0 || strcmp(name, "stroke") == 0) {
        c->kind = name[0] == 'p' ? CMD_PUNCTURE : CMD_STROKE;
        static const char *const what[] = {"X", "Y", "X1", "Y1", "MS"};
        int n = c->kind == CMD_PUNCTURE ? 2 : 5;
        for (int i = 0; i < n && !rc; ++i) {
            char option[48];
            snprintf(option, sizeof option, "%s %s", name,
                     c->kind == CMD_STROKE && i < 2 ? (i ? "Y0" : "X0") : what[i]);
            rc = number(option, word(&cursor), 0, i == 4 ? 600000 : 100000, &c->at[i], path, line);
        }
    } else if (strcmp(name, "focus") == 0) {
        c->kind = CMD_FOCUS;
        rc = number("focus X", word(&cursor), 0, 100000, &c->at[0], path, line);
        if (!rc) rc = number("focus Y", word(&cursor), 0, 100000, &c->at[1], path, line);
    } else if (strcmp(name, "undo") == 0) {
        c->kind = CMD_UNDO;
    } else if (strcmp(name, "redo") == 0) {
        c->kind = CMD_REDO;
    } else if (strcmp(name, "orbit") == 0) {
        c->kind = CMD_ORBIT;
        rc = number("orbit", word(&cursor), -90, 90, &c->a, path, line);
    } else if (strcmp(name, "play") == 0) {
        c->kind = CMD_PLAY;
    } else if (strcmp(name, "pause") == 0) {
        c->kind = CMD_PAUSE;
    } else if (strcmp(name, "speed") == 0) {
        c->kind = CMD_SPEED;
        rc = number("speed", word(&cursor), 0.05, 20, &c->a, path, line);
    } else if (strcmp(name, "frames") == 0) {
        c->kind = CMD_FRAMES;
        smp_error err = {0};
        const char *n = word(&cursor);
        if (!n || cli_parse_int("frames", n, 1, 100000, &c->frames, &err) != SMP_OK)
            return bad_line(path, line, "frames: expected a count 1..100000, got '%s'", n ? n : "");
    } else if (strcmp(name, "set") == 0 || strcmp(name, "open") == 0 || strcmp(name, "save") == 0 ||
               strcmp(name, "sheet") == 0 || strcmp(name, "video") == 0 ||
               strcmp(name, "screenshot") == 0 || strcmp(name, "save-session") == 0 ||
               strcmp(name, "load-session") == 0 || strcmp(name, "score-json") == 0) {
        static const struct {
            const char *name;
            command_kind kind;
        } takes_text[] = {{"set", CMD_SET},
                          {"open", CMD_OPEN},
                          {"save", CMD_SAVE},
                          {"sheet", CMD_SHEET},
                          {"video", CMD_VIDEO},
                          {"screenshot", CMD_SCREENSHOT},
                          {"save-session", CMD_SAVE_SESSION},
                          {"load-session", CMD_LOAD_SESSION},
                          {"score-json", CMD_SCORE_JSON}};
        for (size_t i = 0; i < sizeof takes_text / sizeof takes_text[0]; ++i)
            if (strcmp(name, takes_text[i].name) == 0) c->kind = takes_text[i].kind;
        char *arg = rest(&cursor);
        if (!arg)
            return bad_line(path, line, "%s needs %s", name,
                            c->kind == CMD_SET ? "PATH=VALUE" : "a file");
        if (c->kind == CMD_SET && !strchr(arg, '='))
            return bad_line(path, line, "set: expected PATH=VALUE, got '%s'", arg);
        if (c->kind == CMD_SCREENSHOT) {
            /* an optional size after the file name */
            char *space = strrchr(arg, ' ');
            smp_error err = {0};
            if (space && cli_parse_size(space + 1, &c->width, &c->height, &err) == SMP_OK)
                *space = '\0';
        }
        if (strlen(arg) >= sizeof c->text)
            return bad_line(path, line, "%s: argument too long", name);
        snprintf(c->text, sizeof c->text, "%s", arg);
    } else {
        return bad_line(path, line, "unknown command '%s' (expected %s)", name, k_commands);
    }
    if (rc) return rc;
    const char *extra = word(&cursor);
    if (extra) return bad_line(path, line, "unexpected '%s' after %s", extra, name);
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
            rc = bad_line(path, line, "line longer than %d characters", (int)sizeof text - 2);
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

static int failed(const view_script *s, const view_command *c, const smp_error *err,
                  int *exit_code) {
    fprintf(stderr, "smpsim view: %s:%d: %s\n", s->path, c->line, err->message);
    *exit_code = smp_status_is_input_error(err->status) ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
    return 0;
}

int view_script_before_frame(view_script *s, viewer *v, int *exit_code) {
    /* each command sees the previous one's result */
    if (view_building(v, NULL) || v->video) return 1;
    if (s->frames_left > 0) {
        --s->frames_left;
        return 1;
    }
    while (s->next < s->count) {
        const view_command *c = &s->commands[s->next++];
        smp_error err = {0};
        switch (c->kind) {
        case CMD_YEAR:
            v->year = view_model_year(v, c->a);
            v->playing = 0;
            break;
        case CMD_VIEW:
            view_go_to(v, (smp_view)c->mode);
            v->cam = v->goal; /* no easing: the next frame shows the view */
            v->animating = 0;
            break;
        case CMD_COMPARE:
            v->compare = (view_compare)c->mode;
            v->compare_untreated = c->untreated;
            if (v->compare_untreated)
                v->split = (float)c->b;
            else if (v->compare != VIEW_COMPARE_OFF)
                v->year_a = view_model_year(v, c->a), v->year_b = view_model_year(v, c->b);
            break;
        case CMD_SPLIT: v->split = (float)c->a; break;
        case CMD_SHOW:
            if (c->layer == 3)
                v->hide_panels = !c->mode;
            else
                *(c->layer == 0   ? &v->show_dots
                  : c->layer == 1 ? &v->show_hair
                                  : &v->show_skin) = c->mode;
            break;
        case CMD_LIGHTING: v->lighting = c->mode; break;
        case CMD_HEAT:
            if (v->heat_map != c->mode) v->heat_ready = 0;
            v->heat_map = c->mode;
            break;
        case CMD_ORBIT: v->orbit_deg_per_frame = (float)c->a; break;
        case CMD_PLAY: v->playing = 1; break;
        case CMD_PAUSE: v->playing = 0; break;
        case CMD_SPEED: v->speed = (float)c->a; break;
        case CMD_SET:
            if (view_set(v, c->text, &err) != SMP_OK) return failed(s, c, &err, exit_code);
            break;
        case CMD_OPEN:
            /* a scene that does not load is shown in the window; the script goes on with the
             * previous scene, as a user would */
            view_open(v, c->text, &err);
            break;
        case CMD_SAVE:
            if (view_save(v, c->text, &err) != SMP_OK) return failed(s, c, &err, exit_code);
            printf("%s\n", c->text);
            break;
        case CMD_SHEET:
            if (view_export_sheet(v, c->text, &err) != SMP_OK) return failed(s, c, &err, exit_code);
            printf("%s\n", c->text);
            break;
        case CMD_VIDEO:
            snprintf(v->video_path, sizeof v->video_path, "%s", c->text);
            if (view_video_start(v, c->text, &err) != SMP_OK) return failed(s, c, &err, exit_code);
            break;
        case CMD_TRAIN:
            if (c->mode && view_train_start(v, &err) != SMP_OK)
                return failed(s, c, &err, exit_code);
            if (!c->mode) view_train_stop(v);
            break;
        case CMD_PUNCTURE:
            if (view_train_puncture(v, (float)c->at[0], (float)c->at[1], &err) != SMP_OK)
                return failed(s, c, &err, exit_code);
            break;
        case CMD_STROKE:
            if (view_train_stroke(v, (float)c->at[0], (float)c->at[1], (float)c->at[2],
                                  (float)c->at[3], c->at[4], &err) != SMP_OK)
                return failed(s, c, &err, exit_code);
            break;
        case CMD_FOCUS:
            if (view_focus_at(v, (float)c->at[0], (float)c->at[1], &err) < 0)
                return failed(s, c, &err, exit_code);
            break;
        case CMD_UNDO: view_train_undo(v); break;
        case CMD_REDO: view_train_redo(v); break;
        case CMD_SAVE_SESSION:
            if (view_train_save(v, c->text, &err) != SMP_OK) return failed(s, c, &err, exit_code);
            printf("%s\n", c->text);
            break;
        case CMD_LOAD_SESSION:
            /* as open: a file that does not load is shown, and the work goes on as it was */
            if (!v->training)
                return failed(
                    s, c, &(smp_error){SMP_ERR_INVALID_ARG, "load-session: training mode is off"},
                    exit_code);
            view_train_load(v, c->text, &err);
            break;
        case CMD_SCORE_JSON:
            if (!v->training)
                return failed(s, c,
                              &(smp_error){SMP_ERR_INVALID_ARG, "score-json: training mode is off"},
                              exit_code);
            if (view_training_write_score_json(v->training, c->text, &err) != SMP_OK)
                return failed(s, c, &err, exit_code);
            printf("%s\n", c->text);
            break;
        case CMD_PROJECTION:
            if (view_train_set_projection(v, c->mode, &err) != SMP_OK)
                return failed(s, c, &err, exit_code);
            break;
        case CMD_FRAMES: s->frames_left = c->frames - 1; return 1;
        case CMD_SCREENSHOT: s->shot = (int)(c - s->commands); return 1;
        }
        if (view_building(v, NULL) || v->video) return 1;
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
