/* smpsim score: grades a saved set of hand-placed dots against a training scene's exercise,
 * beside the expert version (the scatter core's blue noise for the same target). */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smp/cli.h"
#include "smp/cli_options.h"
#include "smp/fsio.h"
#include "smp/pipeline.h"
#include "smp/scatter.h"
#include "smp/scene_args.h"
#include "smp/score.h"
#include "smp/training.h"

int cmd_score(int argc, char **argv); /* the command table's entry (main.c) */

static const cli_command k_command = {
    .name = "score",
    .usage = "SCENE [SESSION...] [options]",
    .about =
        "Scores training sessions (saved by the viewer's training mode) against the exercise of\n"
        "a training scene (its `training` object): density per area against the target,\n"
        "spacing, hairline, size and depth consistency, merge risk at years 5 and 10, contrast\n"
        "at years 0 and 5 and the touch-up-due year, each with a hint, a weighted overall and a\n"
        "grade (A-D, F), beside the expert version of the same exercise. One SESSION (or --dots\n"
        "FILE) prints its full report; several print one row each, a class, with the expert's\n"
        "row for reference. docs/TRAINING.md explains every score.\n",
    .footer =
        "Exit status: 0 every session scored; 1 some sessions could not be scored (each is\n"
        "named on stderr with its error; the others are still scored and listed) or a file\n"
        "could not be written; 2 bad arguments, a bad scene, an output that cannot be written,\n"
        "or no session could be scored (malformed, from another exercise, dots off the head).\n",
};

enum { SCORE_MAX_SESSIONS = 1024 }; /* a class, in one command */

typedef struct score_args {
    const char *sessions[SCORE_MAX_SESSIONS]; /* the operands after SCENE */
    int session_count;
    const char *dots_path, *expert_out, *csv;
    int json, no_expert;
} score_args;

static const cli_option k_options[] = {
    CLI_OPERANDS("SESSION", score_args, sessions, session_count),
    CLI_STRING("dots", "FILE", "a training session to score (the same as a SESSION operand)",
               score_args, dots_path),
    CLI_FLAG(0, "json", "print one JSON object instead of the table", score_args, json),
    CLI_STRING("csv", "FILE",
               "also write one row per session (and the expert's) as CSV, atomically: trainee, "
               "date, exercise, file, every item, overall, grade, error",
               score_args, csv),
    CLI_FLAG(0, "no-expert", "skip the expert version (it costs one blue-noise scatter)",
             score_args, no_expert),
    CLI_STRING("write-expert", "FILE", "also save the expert version as a session file, atomically",
               score_args, expert_out),
    {0},
};

typedef struct exercise {
    smp_pipeline p;
    float *target;
    uint8_t *tissue;
    smp_dots base; /* dots of the sessions before the exercise's */
    smp_training_tool tool;
    uint64_t fingerprint;
} exercise;

static void exercise_free(exercise *e) {
    free(e->target);
    free(e->tissue);
    smp_dots_free(&e->base);
    smp_pipeline_free(&e->p);
}

/* The sessions before the trainee's, laid as the plan lays them. */
static smp_status scatter_base(const smp_scene *s, exercise *e, smp_error *err) {
    int k = s->training.session;
    size_t v = e->p.head.vertex_count, cap = 0;
    float *density = malloc(sizeof(float) * v * (size_t)(k ? k : 1));
    uint8_t *tissue = malloc(v * (size_t)(k ? k : 1));
    smp_scatter_desc d[SMP_SCENE_MAX_SESSIONS];
    smp_status st = density && tissue ? SMP_OK : smp_error_set(err, SMP_ERR_NOMEM, "out of memory");
    for (int i = 0; st == SMP_OK && i < k; ++i) {
        const smp_scene_session *ss = &s->plan.sessions[i];
        st = smp_pipeline_session_density(&e->p, s, i, density + v * (size_t)i,
                                          tissue + v * (size_t)i, err);
        d[i] = (smp_scatter_desc){
            .mesh = &e->p.head,
            .density_per_cm2 = density + v * (size_t)i,
            .tissue = tissue + v * (size_t)i,
            .rule = s->plan.rule == SMP_SCATTER_POISSON ? SMP_SCATTER_POISSON : SMP_SCATTER_BLUE,
            .seed = s->seed,
            .session = {.index = i,
                        .needle_diameter_mm = (float)smp_needle_group_diameter_mm(
                            ss->needle_diameter_mm, ss->needle_points),
                        .depth_mean_mm = (float)ss->depth_mm,
                        .technician_skill = (float)s->plan.technician_skill,
                        .ink_load = (float)(1.0 - ss->dilution)}};
        double expected = 0;
        if (st == SMP_OK) st = smp_scatter_expected(&d[i], &expected, err);
        if (st == SMP_OK && expected < 0.5) d[i].mesh = NULL; /* a touch-up adds no dots */
        size_t need = 0;
        if (st == SMP_OK && d[i].mesh) st = smp_scatter_capacity(&d[i], &need, err);
        cap += need;
    }
    if (st == SMP_OK) st = smp_dots_alloc(&e->base, cap ? cap : 1, 0, err);
    for (int i = 0; st == SMP_OK && i < k; ++i)
        if (d[i].mesh) st = smp_scatter(&d[i], &e->base, err);
    free(density);
    free(tissue);
    return st;
}

static smp_status build_exercise(const smp_scene *s, exercise *e, smp_error *err) {
    memset(e, 0, sizeof *e);
    const smp_scene_training *tr = &s->training;
    if (!tr->enabled)
        return smp_error_set(err, SMP_ERR_FORMAT,
                             "%s: training.enabled is false: the scene is not an exercise "
                             "(see docs/TRAINING.md)",
                             s->source);
    smp_status st = smp_pipeline_build(s, SMP_PIPELINE_FIELDS, &e->p, err);
    if (st == SMP_OK) st = smp_pipeline_rebuild_model(s, &e->p, err);
    if (st != SMP_OK) return st;
    size_t v = e->p.head.vertex_count;
    e->target = malloc(sizeof(float) * v);
    e->tissue = malloc(v);
    if (!e->target || !e->tissue) return smp_error_set(err, SMP_ERR_NOMEM, "out of memory");
    if ((st = smp_training_target(s, e->p.fields, &e->p.head, e->target, e->tissue, err)))
        return st;
    e->fingerprint = smp_training_fingerprint(&e->p.head, e->target);
    smp_training_tool_of_scene(s, &e->tool);
    return scatter_base(s, e, err);
}

/* contrast_ref: the expert's measured contrast, when known (else 0), is what the trainee is held
 * to: the shade the exercise's ink gives on this skin. The hairline is held to the design's
 * softness, which the measure reads true (smp_score_create calibrates it on the design). */

static smp_status score_set(const smp_scene *s, const exercise *e, const smp_dots *trainee,
                            double contrast_ref, smp_score *out, smp_error *err) {
    const smp_scene_training *tr = &s->training;
    smp_dots all = {0};
    smp_status st = smp_dots_alloc(&all, e->base.count + trainee->count + 1, 0, err);
    if (st != SMP_OK) return st;
    smp_dots_append(&all, &e->base);
    smp_dots_append(&all, trainee);
    smp_score_desc d = {
        .head = &e->p.head,
        .target_density_per_cm2 = e->target,
        .model = e->p.model,
        .skin = &e->p.skin,
        .hairline = tr->hairline,
        .hairline_softness_mm = (float)s->plan.hairline_softness_mm,
        .depth_mm = (float)tr->depth_mm,
        .healed_years = s->plan.sessions[tr->session].day / 365.25 + 0.25,
        .contrast_reference = contrast_ref,
    };
    smp_score_ctx *ctx = NULL;
    st = smp_score_create(&d, &ctx, err);
    if (st == SMP_OK) st = smp_score_eval(ctx, &all, out, err);
    smp_score_destroy(ctx);
    smp_dots_free(&all);
    return st;
}

static void item_text(char *buf, size_t n, double v) {
    snprintf(buf, n, isnan(v) ? "-" : "%.0f", v);
}

/* One session's full report, beside the expert's scores. */
static void print_table(const smp_scene *s, const char *dots_path,
                        const smp_training_session *session, const smp_score *t,
                        const smp_score *x) {
    printf("%s: %s\n", s->source, s->name);
    const char *who = smp_training_session_trainee(session),
               *when = smp_training_session_date(session);
    printf("dots: %s, %zu scored (expert %s)", dots_path, t->dots, x ? "beside" : "skipped");
    if (*who || *when) printf("; trainee %s, %s", *who ? who : "-", *when ? when : "undated");
    printf("\n\n%-12s %7s %7s %6s  %s\n", "score", "trainee", x ? "expert" : "", "weight", "hint");
    for (int k = 0; k < SMP_SCORE_ITEM_COUNT; ++k) {
        char a[16], b[16] = "";
        item_text(a, sizeof a, t->item[k]);
        if (x) item_text(b, sizeof b, x->item[k]);
        printf("%-12s %7s %7s %6.0f  %s\n", smp_score_item_name((smp_score_item)k), a, b,
               smp_score_item_weight((smp_score_item)k), t->hint[k]);
    }
    char b[16] = "";
    if (x) snprintf(b, sizeof b, "%.0f %c", x->overall, x->grade);
    printf("%-12s %5.0f %c %7s", "overall", t->overall, t->grade, b);
    if (t->capped_by >= 0)
        printf("         capped at %.0f: %s fails (under %.0f)", SMP_SCORE_GATE_CAP,
               smp_score_item_name((smp_score_item)t->capped_by), SMP_SCORE_GATE);
    printf("\n\ndensity by area (dots on the target / target; dots outside it):\n");
    for (int z = 0; z < SMP_SCORE_ZONE_COUNT; ++z) {
        const smp_score_zone *o = &t->zone[z];
        if (o->target_dots < 1 && o->dots < 1 && o->outside < 1) continue;
        char err[16] = "";
        if (!isnan(o->error)) snprintf(err, sizeof err, "%+5.0f %%", 100 * o->error);
        printf("  %-13s %7.0f / %7.0f  %7s  %7.0f outside\n", smp_score_zone_name(z), o->dots,
               o->target_dots, err, o->outside);
    }
    printf("merge risk: %.1f %% at year 5, %.1f %% at year 10; contrast %.0f %% healed, %.0f %% "
           "at year 5; touch-up due at year %.1f\n",
           100 * t->merge_share_5, 100 * t->merge_share_10, 100 * t->contrast_0,
           100 * t->contrast_5, t->touch_up_due_years);
}

/* The expert's own punctures within all, without the earlier sessions' dots before them. */
static smp_dots own_dots(const smp_dots *all, size_t earlier) {
    smp_dots only = *all;
    only.x += earlier, only.y += earlier, only.z += earlier;
    only.normal += earlier, only.triangle += earlier;
    only.bary_u += earlier, only.bary_v += earlier;
    only.radius_um += earlier, only.depth_um += earlier;
    only.ink += earlier, only.session += earlier, only.tissue += earlier;
    only.count = all->count - earlier;
    return only;
}

/* The expert version of the exercise, an expert's hand on the same target, into *all (the
 * earlier sessions' dots, then the expert's: *only); saved as a session file to path if given. */
static smp_status expert_version(const smp_scene *s, const exercise *e, const char *path,
                                 smp_dots *all, smp_dots *only, smp_error *err) {
    smp_training_tool t = e->tool;
    t.steadiness = 0.95f; /* an expert's hand */
    smp_status st =
        smp_training_expert(&e->p.head, e->target, e->tissue, &t, s->seed, &e->base, all, err);
    if (st != SMP_OK) return st;
    *only = own_dots(all, e->base.count);
    if (!path) return SMP_OK;
    smp_training_session *session = NULL;
    st = smp_training_session_create(s->name, e->fingerprint, s->seed, &session, err);
    if (st == SMP_OK)
        st = smp_training_session_add_dots(session, &t, only, 1000.0 / s->training.stroke_rate_hz,
                                           err);
    if (st == SMP_OK) st = smp_training_save(session, path, err);
    smp_training_session_destroy(session);
    return st;
}

/* The expert's shade is the reference: scored against itself it matches. */
static smp_status score_expert(const smp_scene *s, const exercise *e, const smp_dots *only,
                               smp_score *out, smp_error *err) {
    smp_status st = score_set(s, e, only, 0, out, err);
    if (st == SMP_OK) st = score_set(s, e, only, out->contrast_0, out, err);
    return st;
}

/* One session of a class: its file, whether it was scored, and its score or error. */
typedef struct entry {
    const char *path;
    smp_training_session *session; /* NULL when it failed to load */
    int scored;
    smp_score score;
    char error[SMP_ERROR_MESSAGE_MAX];
} entry;

static const char *who_of(const entry *e) {
    return e->session ? smp_training_session_trainee(e->session) : "";
}
static const char *when_of(const entry *e) {
    return e->session ? smp_training_session_date(e->session) : "";
}

/* The score object of one session with its file, trainee and date, or its error. */
static cJSON *entry_json(const entry *e) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "file", e->path);
    cJSON_AddStringToObject(o, "trainee", who_of(e));
    if (*when_of(e))
        cJSON_AddStringToObject(o, "date", when_of(e));
    else
        cJSON_AddNullToObject(o, "date");
    if (e->scored)
        cJSON_AddItemToObject(o, "score", smp_score_json(&e->score));
    else
        cJSON_AddStringToObject(o, "error", e->error);
    return o;
}

/* One session: the object of earlier versions, {scene, dots_file, trainee: score, expert},
 * with the trainee's name and date beside it. Several: {scene, exercise, expert, sessions[]}. */
static int print_json(const smp_scene *s, const entry *e, int n, int class_view,
                      const smp_score *x) {
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "scene", s->name);
    if (!class_view) {
        cJSON_AddStringToObject(root, "dots_file", e[0].path);
        cJSON_AddStringToObject(root, "trainee_name", who_of(&e[0]));
        if (*when_of(&e[0]))
            cJSON_AddStringToObject(root, "date", when_of(&e[0]));
        else
            cJSON_AddNullToObject(root, "date");
        cJSON_AddItemToObject(root, "trainee", smp_score_json(&e[0].score));
    } else {
        cJSON_AddStringToObject(root, "source", s->source);
    }
    cJSON_AddItemToObject(root, "expert", x ? smp_score_json(x) : cJSON_CreateNull());
    if (class_view) {
        cJSON *list = cJSON_AddArrayToObject(root, "sessions");
        int failed = 0;
        for (int i = 0; i < n; ++i) {
            cJSON_AddItemToArray(list, entry_json(&e[i]));
            failed += !e[i].scored;
        }
        cJSON_AddNumberToObject(root, "failed", failed);
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text) {
        fprintf(stderr, "smpsim score: out of memory\n");
        return CLI_EXIT_FAILURE;
    }
    puts(text);
    free(text);
    return CLI_EXIT_OK;
}

/* A class: one row per session, the expert's first for reference. */
static void print_class(const smp_scene *s, const entry *e, int n, const smp_score *x) {
    printf("%s: %s\n\n", s->source, s->name);
    printf("%-20s %-10s %-24s", "trainee", "date", "file");
    for (int k = 0; k < SMP_SCORE_ITEM_COUNT; ++k)
        printf(" %11s", smp_score_item_name((smp_score_item)k));
    printf(" %7s %5s\n", "overall", "grade");
    for (int i = -1; i < n; ++i) {
        const smp_score *sc = i < 0 ? x : e[i].scored ? &e[i].score : NULL;
        if (i < 0 && !x) continue;
        const char *who = i < 0 ? "(expert version)" : *who_of(&e[i]) ? who_of(&e[i]) : "-";
        const char *when = i < 0 ? "" : *when_of(&e[i]) ? when_of(&e[i]) : "-";
        printf("%-20.20s %-10s %-24.24s", who, when, i < 0 ? "" : e[i].path);
        if (!sc) {
            printf(" not scored: %s\n", e[i].error);
            continue;
        }
        for (int k = 0; k < SMP_SCORE_ITEM_COUNT; ++k) {
            char a[16];
            item_text(a, sizeof a, sc->item[k]);
            printf(" %11s", a);
        }
        printf(" %7.0f %5c\n", sc->overall, sc->grade);
    }
}

/* A CSV field as RFC 4180 writes it: quoted when it holds a comma, quote or line break. */
static void csv_field(FILE *f, const char *text, int last) {
    if (strpbrk(text, ",\"\r\n")) {
        fputc('"', f);
        for (const char *c = text; *c; ++c) {
            if (*c == '"') fputc('"', f);
            fputc(*c, f);
        }
        fputc('"', f);
    } else {
        fputs(text, f);
    }
    fputc(last ? '\n' : ',', f);
}

static void csv_row(FILE *f, const char *who, const char *when, const char *exercise_name,
                    const char *file, const smp_score *sc, const char *error) {
    csv_field(f, who, 0);
    csv_field(f, when, 0);
    csv_field(f, exercise_name, 0);
    csv_field(f, file, 0);
    char num[32];
    for (int k = 0; k < SMP_SCORE_ITEM_COUNT; ++k) {
        num[0] = 0;
        if (sc && !isnan(sc->item[k])) snprintf(num, sizeof num, "%.1f", sc->item[k]);
        csv_field(f, num, 0);
    }
    num[0] = 0;
    if (sc) snprintf(num, sizeof num, "%.1f", sc->overall);
    csv_field(f, num, 0);
    char grade[2] = {sc ? sc->grade : 0, 0};
    csv_field(f, grade, 0);
    csv_field(f, error ? error : "", 1);
}

/* The class as CSV at path, atomically: the header, the expert's row, a row per session. */
static smp_status write_csv(const char *path, const smp_scene *s, const entry *e, int n,
                            const smp_score *x, smp_error *err) {
    smp_atomic_file f;
    smp_status st = smp_atomic_file_open(&f, path, err);
    if (st != SMP_OK) return st;
    fputs("trainee,date,exercise,file", f.stream);
    for (int k = 0; k < SMP_SCORE_ITEM_COUNT; ++k)
        fprintf(f.stream, ",%s", smp_score_item_name((smp_score_item)k));
    fputs(",overall,grade,error\n", f.stream);
    if (x) csv_row(f.stream, "(expert version)", "", s->name, "", x, NULL);
    for (int i = 0; i < n; ++i)
        csv_row(f.stream, who_of(&e[i]), when_of(&e[i]), s->name, e[i].path,
                e[i].scored ? &e[i].score : NULL, e[i].scored ? NULL : e[i].error);
    if (ferror(f.stream)) {
        smp_atomic_file_abort(&f);
        return smp_error_set(err, SMP_ERR_IO, "%s: write failed", path);
    }
    return smp_atomic_file_commit(&f, err);
}

/* Loads and scores one session; a failure is kept in the entry (and named on stderr), so the
 * others are still scored. */
static void score_entry(const smp_scene *s, const exercise *ex, double contrast_ref, entry *e) {
    smp_error err = {0};
    if (smp_training_load(e->path, &ex->p.head, s->name, ex->fingerprint, &e->session, &err) ==
            SMP_OK &&
        score_set(s, ex, smp_training_session_dots(e->session), contrast_ref, &e->score, &err) ==
            SMP_OK) {
        e->scored = 1;
        return;
    }
    /* the loader names the file; the scorer does not */
    if (strncmp(err.message, e->path, strlen(e->path)) != 0) smp_error_prefix(&err, "%s", e->path);
    snprintf(e->error, sizeof e->error, "%s", err.message);
    fprintf(stderr, "smpsim score: %s\n", err.message);
}

/* Scores every session (when any) beside the expert version (unless skipped), writes the
 * expert version and the CSV when asked, and prints the report. */
static int score_exercise(const score_args *a, const smp_scene *s, const exercise *ex,
                          const char **paths, int n) {
    smp_error err = {0};
    smp_dots expert_dots = {0}, only = {0};
    smp_score xs;
    int rc = CLI_EXIT_OK, expert = !a->no_expert;
    entry *e = calloc((size_t)(n ? n : 1), sizeof *e);
    if (!e) {
        fprintf(stderr, "smpsim score: out of memory\n");
        return CLI_EXIT_FAILURE;
    }
    if ((expert || a->expert_out) &&
        (expert_version(s, ex, a->expert_out, &expert_dots, &only, &err) != SMP_OK ||
         (expert && score_expert(s, ex, &only, &xs, &err) != SMP_OK))) {
        rc = cli_fail("score", &err);
        goto done;
    }
    double contrast_ref = expert ? xs.contrast_0 : 0;
    int scored = 0;
    for (int i = 0; i < n; ++i) {
        e[i].path = paths[i];
        score_entry(s, ex, contrast_ref, &e[i]);
        scored += e[i].scored;
    }
    if (n == 0) goto done;
    if (scored == 0) { /* nothing to report: every file was bad input */
        rc = CLI_EXIT_USAGE;
        goto done;
    }
    int class_view = n > 1;
    if (a->json)
        rc = print_json(s, e, n, class_view, expert ? &xs : NULL);
    else if (class_view)
        print_class(s, e, n, expert ? &xs : NULL);
    else
        print_table(s, e[0].path, e[0].session, &e[0].score, expert ? &xs : NULL);
    if (a->csv && write_csv(a->csv, s, e, n, expert ? &xs : NULL, &err) != SMP_OK) {
        cli_fail("score", &err);
        rc = CLI_EXIT_FAILURE; /* checked writable before scoring: the disk failed since */
    }
    if (rc == CLI_EXIT_OK && scored < n) rc = CLI_EXIT_FAILURE;
    if (scored < n)
        fprintf(stderr, "smpsim score: %d of %d sessions could not be scored\n", n - scored, n);
done:
    for (int i = 0; i < n; ++i) smp_training_session_destroy(e[i].session);
    free(e);
    smp_dots_free(&expert_dots);
    return rc;
}

int cmd_score(int argc, char **argv) {
    smp_scene_args scene = {0};
    score_args a = {0};
    const cli_group groups[] = {{k_options, &a}, {smp_scene_arg_options, &scene}};
    int rc = cli_parse(&k_command, groups, 2, argc, argv);
    if (rc != CLI_PARSED) return rc;
    const char *paths[SCORE_MAX_SESSIONS + 1];
    int n = a.session_count;
    memcpy(paths, a.sessions, sizeof *paths * (size_t)n);
    if (a.dots_path) paths[n++] = a.dots_path;
    smp_error err = {0};
    char target[SMP_PATH_MAX];
    if (!scene.path) return cli_usage_error("score", "a training SCENE is required");
    if (n == 0 && !a.expert_out)
        return cli_usage_error("score", "a SESSION file is required (or --dots FILE, or "
                                        "--write-expert FILE)");
    if (a.expert_out && smp_output_path_check(a.expert_out, target, sizeof target, &err))
        return cli_usage_error("score", "--write-expert: %s", err.message);
    /* an output that cannot be written is refused before any scoring */
    if (a.csv && smp_check_output_file(a.csv, &err))
        return cli_usage_error("score", "--csv: %s", err.message);
    smp_scene s;
    if ((rc = smp_scene_args_load("score", &scene, &s))) return rc;
    exercise e;
    if (build_exercise(&s, &e, &err) != SMP_OK)
        rc = cli_fail("score", &err);
    else
        rc = score_exercise(&a, &s, &e, paths, n);
    exercise_free(&e);
    return rc;
}
