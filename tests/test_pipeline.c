/* The pipeline as a library: what an edit invalidates, and that updating a built pipeline
 * after an edit gives exactly what building the edited scene from scratch gives, while
 * keeping (not rebuilding) what the edit did not touch. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "smp/describe.h"
#include "smp/pipeline.h"

/* The built-in head at a small resolution and a low density, so each build is quick. */
static void load(smp_scene *s, const char *extra) {
    const char *sets[] = {"head.mesh=builtin", "head.resolution=48", "plan.full_density_per_cm2=20",
                          extra};
    smp_scene_source src = {.sets = sets, .set_count = extra ? 4 : 3};
    smp_scene_report rep = {0};
    cr_assert_eq(smp_scene_load(&src, s, &rep), SMP_OK, "%s", rep.messages[0]);
}

static void build(const smp_scene *s, smp_pipeline *p) {
    smp_error err = {0};
    cr_assert_eq(smp_pipeline_build(s, SMP_PIPELINE_ALL, p, &err), SMP_OK, "%s", err.message);
}

static int same_dots(const smp_dots *a, const smp_dots *b) {
    if (a->count != b->count) return 0;
    size_t n = a->count;
    return memcmp(a->x, b->x, n * sizeof *a->x) == 0 && memcmp(a->y, b->y, n * sizeof *a->y) == 0 &&
           memcmp(a->z, b->z, n * sizeof *a->z) == 0 &&
           memcmp(a->triangle, b->triangle, n * sizeof *a->triangle) == 0 &&
           memcmp(a->radius_um, b->radius_um, n * sizeof *a->radius_um) == 0 &&
           memcmp(a->depth_um, b->depth_um, n * sizeof *a->depth_um) == 0 &&
           memcmp(a->session, b->session, n * sizeof *a->session) == 0;
}

static int same_model(const smp_pipeline *a, const smp_pipeline *b) {
    smp_pipeline_frame_model x, y;
    smp_error err = {0};
    for (double t = 0.0; t <= 10.0; t += 2.5) {
        cr_assert_eq(smp_pipeline_model_at(a, t, &x, &err), SMP_OK, "%s", err.message);
        cr_assert_eq(smp_pipeline_model_at(b, t, &y, &err), SMP_OK, "%s", err.message);
        if (memcmp(&x, &y, sizeof x) != 0) return 0;
    }
    return memcmp(a->skin_srgb, b->skin_srgb, sizeof a->skin_srgb) == 0 &&
           memcmp(&a->fringe, &b->fringe, sizeof a->fringe) == 0;
}

typedef struct edit {
    const char *set;
    smp_pipeline_change expect;
} edit;

static const edit k_edits[] = {
    {"name=Another client", SMP_PIPELINE_UNCHANGED},
    {"render.years=[1,3]", SMP_PIPELINE_UNCHANGED},
    {"client.skin.mst=8", SMP_PIPELINE_CHANGED_MODEL},
    {"lifestyle.sunscreen_spf=50", SMP_PIPELINE_CHANGED_MODEL},
    {"lifestyle.outdoor_hours_per_day=6", SMP_PIPELINE_CHANGED_MODEL},
    {"client.hair.color=#101010",
     SMP_PIPELINE_CHANGED_FIELDS}, /* the fields carry it to the hair */
    {"plan.sessions[1].day=28", SMP_PIPELINE_CHANGED_MODEL},
    {"plan.sessions[0].depth_mm=0.6", SMP_PIPELINE_CHANGED_DOTS},
    {"plan.full_density_per_cm2=25", SMP_PIPELINE_CHANGED_DOTS},
    {"plan.technician_skill=0.4", SMP_PIPELINE_CHANGED_DOTS},
    {"plan.rule=poisson", SMP_PIPELINE_CHANGED_DOTS},
    {"plan.hairline.height_mm=90", SMP_PIPELINE_CHANGED_FIELDS},
    {"client.pattern.stage=VI", SMP_PIPELINE_CHANGED_FIELDS},
    {"seed=99", SMP_PIPELINE_CHANGED_FIELDS},
    {"head.resolution=40", SMP_PIPELINE_CHANGED_HEAD},
};

Test(pipeline, edits_invalidate_their_stage_and_no_more) {
    smp_scene before;
    load(&before, NULL);
    for (size_t i = 0; i < sizeof k_edits / sizeof k_edits[0]; ++i) {
        smp_scene after;
        load(&after, k_edits[i].set);
        cr_expect_eq(smp_pipeline_invalidated(&before, &after), k_edits[i].expect,
                     "%s: %d, expected %d", k_edits[i].set,
                     (int)smp_pipeline_invalidated(&before, &after), (int)k_edits[i].expect);
    }
}

/* Each update equals a fresh build of the edited scene, bit for bit, and what it keeps is the
 * very memory it had (the head and fields are not rebuilt for a dots or model edit). */
Test(pipeline, update_equals_a_fresh_build, .timeout = 300) {
    smp_scene before;
    load(&before, NULL);
    for (size_t i = 0; i < sizeof k_edits / sizeof k_edits[0]; ++i) {
        smp_scene after;
        load(&after, k_edits[i].set);
        smp_pipeline p, fresh;
        build(&before, &p);
        const float *positions = p.head.positions;
        const smp_fields *fields = p.fields;
        const float *dots_x = p.dots.x;
        smp_pipeline_change done;
        smp_error err = {0};
        cr_assert_eq(smp_pipeline_update(&before, &after, &p, &done, &err), SMP_OK, "%s: %s",
                     k_edits[i].set, err.message);
        cr_assert_eq(done, k_edits[i].expect, "%s", k_edits[i].set);
        build(&after, &fresh);
        cr_assert(same_dots(&p.dots, &fresh.dots), "%s: dots differ from a fresh build",
                  k_edits[i].set);
        cr_assert(same_model(&p, &fresh), "%s: model differs from a fresh build", k_edits[i].set);
        cr_assert_eq(p.hair.count, fresh.hair.count, "%s", k_edits[i].set);
        if (done <= SMP_PIPELINE_CHANGED_FIELDS)
            cr_assert_eq(p.head.positions, positions, "%s: the head was rebuilt", k_edits[i].set);
        if (done <= SMP_PIPELINE_CHANGED_DOTS)
            cr_assert_eq(p.fields, fields, "%s: the fields were rebuilt", k_edits[i].set);
        if (done <= SMP_PIPELINE_CHANGED_MODEL)
            cr_assert_eq(p.dots.x, dots_x, "%s: the dots were rebuilt", k_edits[i].set);
        smp_pipeline_free(&p);
        smp_pipeline_free(&fresh);
    }
}

/* A refused edit leaves the pipeline as it was, still matching the scene before. */
Test(pipeline, a_failed_update_changes_nothing) {
    smp_scene before, after;
    load(&before, NULL);
    load(&after, "plan.sessions[0].depth_mm=0.6");
    after.plan.sessions[0].depth_mm = -1.0; /* out of range: the scatter core refuses it */
    smp_pipeline p;
    build(&before, &p);
    size_t count = p.dots.count;
    const float *x = p.dots.x;
    const smp_age_model *model = p.model;
    smp_error err = {0};
    cr_assert_neq(smp_pipeline_update(&before, &after, &p, NULL, &err), SMP_OK);
    cr_assert_eq(p.dots.count, count);
    cr_assert_eq(p.dots.x, x);
    cr_assert_eq(p.model, model);
    smp_pipeline_free(&p);
}

/* A scene left untitled is titled from its choices; a named client comes first; a scene's own
 * title is kept. The sheets, the report and the viewer all print this. */
Test(pipeline, an_untitled_scene_is_titled_from_its_choices) {
    smp_scene s;
    char title[1200];
    load(&s, "name=" SMP_SCENE_UNTITLED);
    smp_describe_title(&s, title, sizeof title);
    cr_assert_str_eq(title, "Norwood V · MST 4 · rounded hairline · 3 sessions");
    load(&s, "client.name=Sam Example");
    smp_describe_title(&s, title, sizeof title);
    cr_assert_str_eq(title, "Sam Example · Norwood V, shaved look, three sessions");
    const char *sets[] = {"name=" SMP_SCENE_UNTITLED, "client.pattern.type=totalis",
                          "client.skin.mst=9", "plan.hairline.shape=none"};
    smp_scene_source src = {.sets = sets, .set_count = 4};
    smp_scene_report rep = {0};
    cr_assert_eq(smp_scene_load(&src, &s, &rep), SMP_OK, "%s", rep.messages[0]);
    smp_describe_title(&s, title, sizeof title);
    cr_assert_str_eq(title, "alopecia totalis · MST 9 · no hairline · 3 sessions");
}
