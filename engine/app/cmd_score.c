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
    .usage = "SCENE --dots FILE [options]",
    .about = "Scores a training session's dots (saved by the viewer's training mode) against the\n"
             "exercise of a training scene (its `training` object): density per area against the\n"
             "target, spacing, hairline, size and depth consistency, merge risk at years 5 and\n"
             "10, contrast at years 0 and 5 and the touch-up-due year, each with a hint, beside\n"
             "the expert version of the same exercise. docs/TRAINING.md explains every score.\n",
    .footer =
        "Exit status: 0 scored, 2 bad arguments, scene or dots file (malformed, from another\n"
        "scene, dots off the head), 1 a file could not be written.\n",
};

typedef struct score_args {
    const char *dots_path, *expert_out;
    int json, no_expert;
} score_args;

static const cli_option k_options[] = {
    CLI_STRING("dots", "FILE", "the training session to score", score_args, dots_path),
    CLI_FLAG(0, "json", "print one JSON object instead of the table", score_args, json),
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

/* The expert's measured contrast and hairline softness, when known, are what the trainee is
 * held to: the design's softness reads differently on heads the chart distorts. */
typedef struct reference {
    double contrast, softness_mm;
} reference;

static smp_status score_set(const smp_scene *s, const exercise *e, const smp_dots *trainee,
                            reference ref, smp_score *out, smp_error *err) {
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
        .hairline_softness_mm =
            (float)(ref.softness_mm > 0.5 ? ref.softness_mm : s->plan.hairline_softness_mm),
        .depth_mm = (float)tr->depth_mm,
        .healed_years = s->plan.sessions[tr->session].day / 365.25 + 0.25,
        .contrast_reference = ref.contrast,
    };
    smp_score_ctx *ctx = NULL;
    st = smp_score_create(&d, &ctx, err);
    if (st == SMP_OK) st = smp_score_eval(ctx, &all, out, err);
    smp_score_destroy(ctx);
    smp_dots_free(&all);
    return st;
}

static void print_table(const smp_scene *s, const char *dots_path, const smp_score *t,
                        const smp_score *x) {
    printf("%s: %s\n", s->source, s->name);
    printf("dots: %s, %zu scored (expert %s)\n\n", dots_path, t->dots, x ? "beside" : "skipped");
    printf("%-12s %7s %7s  %s\n", "score", "trainee", x ? "expert" : "", "hint");
    for (int k = 0; k < SMP_SCORE_ITEM_COUNT; ++k) {
        char a[16], b[16] = "";
        snprintf(a, sizeof a, isnan(t->item[k]) ? "-" : "%.0f", t->item[k]);
        if (x) snprintf(b, sizeof b, isnan(x->item[k]) ? "-" : "%.0f", x->item[k]);
        printf("%-12s %7s %7s  %s\n", smp_score_item_name((smp_score_item)k), a, b, t->hint[k]);
    }
    char b[16] = "";
    if (x) snprintf(b, sizeof b, "%.0f", x->overall);
    printf("%-12s %7.0f %7s\n\n", "overall", t->overall, b);
    printf("density by area (dots placed / target):\n");
    for (int z = 0; z < SMP_SCORE_ZONE_COUNT; ++z)
        if (t->zone[z].target_dots >= 1 || t->zone[z].dots >= 1)
            printf("  %-13s %7.0f / %7.0f  %+5.0f %%\n", smp_score_zone_name(z), t->zone[z].dots,
                   t->zone[z].target_dots, isnan(t->zone[z].error) ? 0 : 100 * t->zone[z].error);
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
    reference none = {0, 0};
    smp_status st = score_set(s, e, only, none, out, err);
    if (st == SMP_OK)
        st = score_set(s, e, only, (reference){out->contrast_0, out->hairline_softness_mm}, out,
                       err);
    return st;
}

static int print_json(const smp_scene *s, const char *dots_path, const smp_score *t,
                      const smp_score *x) {
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "scene", s->name);
    cJSON_AddStringToObject(root, "dots_file", dots_path);
    cJSON_AddItemToObject(root, "trainee", smp_score_json(t));
    cJSON_AddItemToObject(root, "expert", x ? smp_score_json(x) : cJSON_CreateNull());
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

/* Scores the trainee's session (when given) beside the expert version (unless skipped), and
 * writes the expert version when asked. */
static int score_exercise(const score_args *a, const smp_scene *s, const exercise *e) {
    smp_error err = {0};
    smp_training_session *trainee = NULL;
    smp_dots expert_dots = {0}, only = {0};
    smp_score ts, xs;
    int rc = CLI_EXIT_OK, expert = !a->no_expert;
    if (a->dots_path && smp_training_load(a->dots_path, &e->p.head, s->name, e->fingerprint,
                                          &trainee, &err) != SMP_OK) {
        /* a file that is missing or unreadable is the user's input too */
        if (err.status == SMP_ERR_IO) err.status = SMP_ERR_FORMAT;
        rc = cli_fail("score", &err);
    } else if ((expert || a->expert_out) &&
               (expert_version(s, e, a->expert_out, &expert_dots, &only, &err) != SMP_OK ||
                (expert && score_expert(s, e, &only, &xs, &err) != SMP_OK))) {
        rc = cli_fail("score", &err);
    } else if (trainee) {
        reference ref =
            expert ? (reference){xs.contrast_0, xs.hairline_softness_mm} : (reference){0, 0};
        if (score_set(s, e, smp_training_session_dots(trainee), ref, &ts, &err) != SMP_OK) {
            smp_error_prefix(&err, "%s", a->dots_path);
            rc = cli_fail("score", &err);
        } else if (a->json) {
            rc = print_json(s, a->dots_path, &ts, expert ? &xs : NULL);
        } else {
            print_table(s, a->dots_path, &ts, expert ? &xs : NULL);
        }
    }
    smp_dots_free(&expert_dots);
    smp_training_session_destroy(trainee);
    return rc;
}

int cmd_score(int argc, char **argv) {
    smp_scene_args scene = {0};
    score_args a = {0};
    const cli_group groups[] = {{k_options, &a}, {smp_scene_arg_options, &scene}};
    int rc = cli_parse(&k_command, groups, 2, argc, argv);
    if (rc != CLI_PARSED) return rc;
    if (!scene.path) return cli_usage_error("score", "a training SCENE is required");
    if (!a.dots_path && !a.expert_out)
        return cli_usage_error("score", "--dots FILE is required (or --write-expert FILE)");
    smp_error err = {0};
    char target[SMP_PATH_MAX];
    if (a.expert_out && smp_output_path_check(a.expert_out, target, sizeof target, &err))
        return cli_usage_error("score", "--write-expert: %s", err.message);
    smp_scene s;
    if ((rc = smp_scene_args_load("score", &scene, &s))) return rc;
    exercise e;
    if (build_exercise(&s, &e, &err) != SMP_OK)
        rc = cli_fail("score", &err);
    else
        rc = score_exercise(&a, &s, &e);
    exercise_free(&e);
    return rc;
}
