/* Training mode's engine: punctures follow the scatter core's per-dot rule, strokes keep their
 * rate, sessions round-trip bit for bit with their trainee and date, bad files are refused by
 * name and entry, and `smpsim score` grades a session or a class from the command line. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smp/age.h"
#include "smp/head.h"
#include "smp/landmarks.h"
#include "smp/scatter.h"
#include "smp/scene.h"
#include "smp/score.h"
#include "smp/skin.h"
#include "smp/training.h"
#include "support.h"

static smp_mesh head;

static void setup(void) {
    smp_error err = {0};
    smp_head_desc hd = {.resolution = 24};
    cr_assert_eq(smp_head_build(&hd, &head, &err), SMP_OK, "%s", err.message);
}

static void teardown(void) { smp_mesh_free(&head); }

TestSuite(training, .init = setup, .fini = teardown);

/* A triangle on top of the head and a spread of barycentrics inside it, from i. */
static uint32_t top_triangle(void) {
    uint32_t best = 0;
    float best_y = -1e9f;
    for (uint32_t t = 0; t < head.triangle_count; ++t) {
        float y = head.positions[3 * (size_t)head.indices[3 * (size_t)t] + 1];
        if (y > best_y) best_y = y, best = t;
    }
    return best;
}

static void bary_of(uint32_t i, float *u, float *v) {
    *u = (float)((i * 37u) % 50u) / 100.0f;
    *v = (float)((i * 11u) % 50u) / 100.0f;
}

typedef struct stats {
    double mean, sd;
} stats;

static stats depth_stats(const smp_dots *d) {
    double s = 0, s2 = 0;
    for (size_t i = 0; i < d->count; ++i)
        s += d->depth_um[i], s2 += (double)d->depth_um[i] * d->depth_um[i];
    double m = s / (double)d->count;
    return (stats){m / 1000.0, sqrt(s2 / (double)d->count - m * m) / 1000.0};
}

static void punctures(const smp_training_tool *tool, uint64_t seed, size_t n, smp_dots *d) {
    smp_error err = {0};
    cr_assert_eq(smp_dots_alloc(d, n, 0, &err), SMP_OK);
    uint32_t t = top_triangle();
    for (uint32_t i = 0; i < n; ++i) {
        float u, v;
        bary_of(i, &u, &v);
        cr_assert_eq(smp_training_puncture(&head, NULL, tool, seed, i, t, u, v, d, &err), SMP_OK,
                     "%s", err.message);
    }
}

Test(training, a_puncture_is_keyed_by_seed_and_index_and_lies_on_the_head) {
    smp_error err = {0};
    smp_training_tool tool = {0};
    smp_dots a = {0}, b = {0}, c = {0};
    punctures(&tool, 7, 64, &a);
    punctures(&tool, 7, 64, &b);
    punctures(&tool, 8, 64, &c);
    cr_assert_eq(memcmp(a.depth_um, b.depth_um, 2 * 64), 0);
    cr_assert_eq(memcmp(a.radius_um, b.radius_um, 2 * 64), 0);
    cr_assert_eq(memcmp(a.x, b.x, 4 * 64), 0);
    cr_assert_neq(memcmp(a.depth_um, c.depth_um, 2 * 64), 0, "another seed, another hand");
    int differ = 0;
    for (int i = 1; i < 64; ++i) differ += a.depth_um[i] != a.depth_um[0];
    cr_assert_gt(differ, 40, "each puncture varies");
    cr_assert_eq(smp_dots_check_on_mesh(&head, &a, 0, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(a.triangle[3], top_triangle());
    smp_dots_free(&a);
    smp_dots_free(&b);
    smp_dots_free(&c);
}

Test(training, steadiness_needle_and_dilution_follow_the_scatter_rule) {
    smp_dots steady = {0}, shaky = {0}, three = {0}, diluted = {0};
    smp_training_tool t1 = {.steadiness = 1.0f, .depth_mm = 0.5f};
    smp_training_tool t2 = {.steadiness = 0.2f, .depth_mm = 0.5f};
    smp_training_tool t3 = {.needle_points = 3, .steadiness = 1.0f};
    smp_training_tool t4 = {.dilution = 0.5f, .steadiness = 1.0f};
    punctures(&t1, 3, 4000, &steady);
    punctures(&t2, 3, 4000, &shaky);
    punctures(&t3, 3, 4000, &three);
    punctures(&t4, 3, 4000, &diluted);
    stats s = depth_stats(&steady), k = depth_stats(&shaky);
    /* depth sd = 0.05 + 0.15·(1 − steadiness) mm around the intended depth */
    cr_assert_float_eq(s.mean, 0.5, 0.005, "%g", s.mean);
    cr_assert_float_eq(k.mean, 0.5, 0.01, "%g", k.mean);
    cr_assert_float_eq(s.sd, 0.05, 0.005, "%g", s.sd);
    cr_assert_float_eq(k.sd, 0.17, 0.015, "%g", k.sd);
    /* healed radius 0.24 × the grouping's diameter: 60 µm for one #08 needle */
    double r1 = 0, r3 = 0, ink = 0;
    for (size_t i = 0; i < 4000; ++i)
        r1 += steady.radius_um[i], r3 += three.radius_um[i], ink += diluted.ink[i];
    r1 /= 4000, r3 /= 4000, ink /= 4000;
    cr_assert_float_eq(r1, 60.0, 1.0, "%g", r1);
    cr_assert_float_eq(r3 / r1, smp_needle_group_diameter_mm(0.25, 3) / 0.25, 0.03, "%g", r3 / r1);
    cr_assert_float_eq(ink, 127.5, 1.0, "%g", ink);
    smp_dots_free(&steady);
    smp_dots_free(&shaky);
    smp_dots_free(&three);
    smp_dots_free(&diluted);
}

Test(training, bad_punctures_and_tools_are_refused) {
    smp_error err = {0};
    smp_dots d = {0};
    cr_assert_eq(smp_dots_alloc(&d, 1, 0, &err), SMP_OK);
    smp_training_tool tool = {0};
    cr_assert_eq(
        smp_training_puncture(&head, NULL, &tool, 1, 0, head.triangle_count, 0.1f, 0.1f, &d, &err),
        SMP_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.message, "out of range"), "%s", err.message);
    cr_assert_eq(smp_training_puncture(&head, NULL, &tool, 1, 0, 0, 0.7f, 0.7f, &d, &err),
                 SMP_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.message, "barycentrics"), "%s", err.message);
    tool.dilution = 0.99f;
    cr_assert_eq(smp_training_puncture(&head, NULL, &tool, 1, 0, 0, 0.1f, 0.1f, &d, &err),
                 SMP_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.message, "dilution"), "%s", err.message);
    tool = (smp_training_tool){.needle_points = 9, .needle_diameter_mm = 0.3f};
    cr_assert_eq(smp_training_puncture(&head, NULL, &tool, 1, 0, 0, 0.1f, 0.1f, &d, &err),
                 SMP_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.message, "1 mm"), "%s", err.message);
    cr_assert_eq(d.count, 0);
    tool = (smp_training_tool){0};
    cr_assert_eq(smp_training_puncture(&head, NULL, &tool, 1, 0, 0, 0.1f, 0.1f, &d, &err), SMP_OK);
    cr_assert_eq(smp_training_puncture(&head, NULL, &tool, 1, 1, 0, 0.1f, 0.1f, &d, &err),
                 SMP_ERR_INVALID_ARG, "a full set is refused, not overrun");
    smp_dots_free(&d);
}

Test(training, a_held_stroke_punctures_at_its_rate_without_drift) {
    double t[16];
    size_t n = smp_training_stroke_times(-INFINITY, 0, 250, 10, t, 16);
    cr_assert_eq(n, 3);
    cr_assert(t[0] == 0 && t[1] == 100 && t[2] == 200);
    n = smp_training_stroke_times(200, 250, 420, 10, t, 16);
    cr_assert_eq(n, 2);
    cr_assert(t[0] == 300 && t[1] == 400, "%g %g", t[0], t[1]);
    n = smp_training_stroke_times(200, 1000.5, 1150, 10, t, 16);
    cr_assert_eq(n, 1);
    cr_assert_eq(t[0], 1100.0, "%g", t[0]);
    cr_assert_eq(smp_training_stroke_times(0, 0, 10000, 10, t, 4), 4, "cap holds");
    cr_assert_eq(smp_training_stroke_times(0, 0, 100, 0.5, t, 16), 0, "rate out of range");
}

Test(training, the_closest_point_puts_a_point_back_on_the_skin) {
    smp_error err = {0};
    uint32_t t = top_triangle();
    const uint32_t *ix = head.indices + 3 * (size_t)t;
    float p[3], c[3] = {0, 0, 0};
    for (int k = 0; k < 3; ++k) {
        for (int j = 0; j < 3; ++j) c[k] += head.positions[3 * (size_t)ix[j] + k] / 3.0f;
        p[k] = c[k] + 1.0f * head.normals[3 * (size_t)ix[0] + k];
    }
    uint32_t tri;
    float u, v, dist;
    cr_assert_eq(smp_training_closest_point(&head, p, &tri, &u, &v, &dist, &err), SMP_OK);
    cr_assert_float_eq(dist, 1.0f, 0.05f, "%g", dist);
    const uint32_t *jx = head.indices + 3 * (size_t)tri;
    float q[3];
    for (int k = 0; k < 3; ++k)
        q[k] = (1 - u - v) * head.positions[3 * (size_t)jx[0] + k] +
               u * head.positions[3 * (size_t)jx[1] + k] +
               v * head.positions[3 * (size_t)jx[2] + k];
    for (int k = 0; k < 3; ++k) cr_assert_float_eq(q[k], c[k], 0.05f);
    cr_assert(u >= 0 && v >= 0 && u + v <= 1);
}

static smp_training_session *sample_session(size_t n) {
    smp_error err = {0};
    smp_training_session *s = NULL;
    cr_assert_eq(smp_training_session_create("Exercise \"A\"", 0x1234abcdULL, 99, &s, &err),
                 SMP_OK);
    smp_training_tool tools[3] = {{0},
                                  {.needle_points = 3, .dilution = 0.3f, .depth_mm = 0.55f},
                                  {.steadiness = 0.3f, .needle_diameter_mm = 0.18f, .session = 1}};
    uint32_t t = top_triangle();
    for (size_t i = 0; i < n; ++i) {
        float u, v;
        bary_of((uint32_t)i, &u, &v);
        cr_assert_eq(smp_training_add(s, &head, NULL, &tools[i % 3], 1000.0 / 3.0 * (double)i, t, u,
                                      v, &err),
                     SMP_OK, "%s", err.message);
    }
    return s;
}

Test(training, a_saved_session_round_trips_bit_for_bit) {
    smp_error err = {0};
    smp_training_session *s = sample_session(500), *r = NULL;
    char a[512], b[512];
    const char *dir = test_tmpdir("train-rt");
    snprintf(a, sizeof a, "%s/a.json", dir);
    snprintf(b, sizeof b, "%s/b.json", dir);
    cr_assert_eq(smp_training_save(s, a, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(smp_training_load(a, &head, "Exercise \"A\"", 0x1234abcdULL, &r, &err), SMP_OK,
                 "%s", err.message);
    const smp_dots *x = smp_training_session_dots(s), *y = smp_training_session_dots(r);
    cr_assert_eq(y->count, 500);
    cr_assert_eq(memcmp(x->x, y->x, 4 * 500), 0);
    cr_assert_eq(memcmp(x->y, y->y, 4 * 500), 0);
    cr_assert_eq(memcmp(x->z, y->z, 4 * 500), 0);
    cr_assert_eq(memcmp(x->normal, y->normal, 4 * 500), 0);
    cr_assert_eq(memcmp(x->radius_um, y->radius_um, 2 * 500), 0);
    cr_assert_eq(memcmp(x->depth_um, y->depth_um, 2 * 500), 0);
    cr_assert_eq(memcmp(x->ink, y->ink, 500), 0);
    cr_assert_eq(memcmp(x->session, y->session, 500), 0);
    cr_assert_eq(memcmp(smp_training_session_times_ms(s), smp_training_session_times_ms(r),
                        sizeof(double) * 500),
                 0);
    cr_assert_eq(
        memcmp(smp_training_session_tool_index(s), smp_training_session_tool_index(r), 500), 0);
    cr_assert_eq(smp_training_session_tool_count(r), 3);
    for (int i = 0; i < 3; ++i)
        cr_assert_eq(memcmp(smp_training_session_tool(s, i), smp_training_session_tool(r, i),
                            sizeof(smp_training_tool)),
                     0);
    cr_assert_eq(smp_training_session_seed(r), 99);
    cr_assert_str_eq(smp_training_session_scene(r), "Exercise \"A\"");
    cr_assert_eq(smp_training_save(r, b, &err), SMP_OK);
    size_t na, nb;
    char *fa = slurp(a, &na), *fb = slurp(b, &nb);
    cr_assert(na == nb && memcmp(fa, fb, na) == 0, "saving what was loaded gives the same bytes");
    free(fa);
    free(fb);
    smp_training_session_destroy(s);
    smp_training_session_destroy(r);
}

Test(training, undo_drops_the_last_puncture_and_redo_gives_it_back) {
    smp_error err = {0};
    smp_training_session *s = sample_session(4);
    const smp_dots *d = smp_training_session_dots(s);
    uint16_t depth = d->depth_um[3];
    float x = d->x[3];
    cr_assert_eq(smp_training_undo(s), 1);
    cr_assert_eq(d->count, 3);
    smp_training_tool tool = {0};
    float u, v;
    bary_of(3, &u, &v);
    cr_assert_eq(smp_training_add(s, &head, NULL, &tool, 1000.0, top_triangle(), u, v, &err),
                 SMP_OK);
    d = smp_training_session_dots(s);
    cr_assert_eq(d->depth_um[3], depth);
    cr_assert_eq(d->x[3], x);
    cr_assert_eq(smp_training_add(s, &head, NULL, &tool, 10.0, 0, 0.1f, 0.1f, &err),
                 SMP_ERR_INVALID_ARG, "time runs forward");
    smp_training_session_destroy(s);
    smp_training_session *e = NULL;
    cr_assert_eq(smp_training_session_create("e", 1, 1, &e, &err), SMP_OK);
    cr_assert_eq(smp_training_undo(e), 0);
    smp_training_session_destroy(e);
}

Test(training, replay_counts_the_punctures_placed_by_a_time) {
    smp_training_session *s = sample_session(7); /* at 0, 333.3, 666.7, 1000, ... ms */
    cr_assert_eq(smp_training_session_count_at(s, -1), 0);
    cr_assert_eq(smp_training_session_count_at(s, 0), 1);
    cr_assert_eq(smp_training_session_count_at(s, 999.9), 3);
    cr_assert_eq(smp_training_session_count_at(s, 1000.001), 4);
    cr_assert_eq(smp_training_session_count_at(s, 1e9), 7);
    smp_training_session_destroy(s);
}

/* Saves a session holding one good dot then the crafted one, and loads it back. */
static smp_status load_crafted(void (*craft)(smp_dots *), smp_error *err) {
    smp_training_session *s = sample_session(1), *r = NULL;
    smp_dots bad = {0};
    cr_assert_eq(smp_dots_alloc(&bad, 1, 0, err), SMP_OK);
    const smp_dots *good = smp_training_session_dots(s);
    smp_dots_append(&bad, good);
    craft(&bad);
    smp_training_tool tool = {0};
    cr_assert_eq(smp_training_session_add_dots(s, &tool, &bad, 100, err), SMP_OK);
    char path[512];
    snprintf(path, sizeof path, "%s/crafted.json", test_tmpdir("train-bad"));
    cr_assert_eq(smp_training_save(s, path, err), SMP_OK);
    smp_status st = smp_training_load(path, &head, NULL, 0, &r, err);
    cr_assert_null(r);
    cr_assert_not_null(strstr(err->message, "crafted.json: punctures[1]"), "%s", err->message);
    smp_training_session_destroy(s);
    smp_dots_free(&bad);
    return st;
}

static void far_triangle(smp_dots *d) { d->triangle[0] = 4000000000u; }
static void outside_bary(smp_dots *d) { d->bary_u[0] = 50000, d->bary_v[0] = 50000; }
static void off_surface(smp_dots *d) { d->y[0] += 2.0f; }

Test(training, dots_off_the_head_are_refused_naming_file_and_entry) {
    smp_error err = {0};
    cr_assert_eq(load_crafted(far_triangle, &err), SMP_ERR_FORMAT);
    cr_assert_not_null(strstr(err.message, "triangle 4000000000 out of range"), "%s", err.message);
    cr_assert_eq(load_crafted(outside_bary, &err), SMP_ERR_FORMAT);
    cr_assert_not_null(strstr(err.message, "barycentrics"), "%s", err.message);
    cr_assert_eq(load_crafted(off_surface, &err), SMP_ERR_FORMAT);
    cr_assert_not_null(strstr(err.message, "off the head surface"), "%s", err.message);
}

static smp_status load_text(const char *text, const char *scene, uint64_t print, smp_error *err) {
    char path[512];
    snprintf(path, sizeof path, "%s/t.json", test_tmpdir("train-text"));
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    smp_training_session *r = NULL;
    smp_status st = smp_training_load(path, &head, scene, print, &r, err);
    if (st == SMP_OK) {
        cr_assert_not_null(r);
        cr_assert_eq(smp_training_session_dots(r)->count, 0);
        smp_training_session_destroy(r);
        return st;
    }
    cr_assert_null(r);
    cr_assert_not_null(strstr(err->message, "t.json"), "%s", err->message);
    return st;
}

#define HEADER                                                                                     \
    "{\"format\": \"smpsim-training\", \"version\": 1, \"scene\": {\"name\": \"s\", "              \
    "\"fingerprint\": \"00000000000000aa\"}, \"seed\": \"0000000000000001\", \"tools\": "          \
    "[{\"needle_points\": 1, \"needle_diameter_mm\": 0.25, \"dilution\": 0, \"depth_mm\": 0.4, "   \
    "\"steadiness\": 0.75, \"session\": 0}], "

Test(training, malformed_and_foreign_files_are_refused_by_name) {
    smp_error err = {0};
    cr_assert_eq(load_text("{\"format\": ", NULL, 0, &err), SMP_ERR_FORMAT);
    cr_assert_not_null(strstr(err.message, ":1:12: not valid JSON"), "%s", err.message);
    cr_assert_eq(load_text("{\"format\": \"png\"}", NULL, 0, &err), SMP_ERR_FORMAT);
    cr_assert_not_null(strstr(err.message, "not a training session"), "%s", err.message);
    cr_assert_eq(load_text(HEADER "\"punctures\": [[0, 0, 1, 2, 3]]}", NULL, 0, &err),
                 SMP_ERR_FORMAT);
    cr_assert_not_null(strstr(err.message, "punctures[0]: expected 14 numbers"), "%s", err.message);
    cr_assert_eq(load_text(HEADER "\"punctures\": [[0, 5, 1, 2, 3, 0, 0, 0, 0, 75, 400, 255, 0, "
                                  "0]]}",
                           NULL, 0, &err),
                 SMP_ERR_FORMAT);
    cr_assert_not_null(strstr(err.message, "punctures[0]: tool"), "%s", err.message);
    cr_assert_eq(load_text(HEADER "\"punctures\": []}", "another", 0, &err), SMP_ERR_FORMAT);
    cr_assert_not_null(strstr(err.message, "made on scene 's', not on 'another'"), "%s",
                       err.message);
    cr_assert_eq(load_text(HEADER "\"punctures\": []}", "s", 0xbb, &err), SMP_ERR_FORMAT);
    cr_assert_not_null(strstr(err.message, "another head or target"), "%s", err.message);
    cr_assert_eq(load_text(HEADER "\"punctures\": []}", "s", 0xaa, &err), SMP_OK, "%s",
                 err.message);
    /* a scene name longer than a session holds: refused by file and field, not by the engine's
     * own wording (found by scripts/fuzz.sh; tests/fuzz/corpus-session/long-scene-name) */
    char text[2048];
    snprintf(text, sizeof text,
             "{\"format\": \"smpsim-training\", \"version\": 1, \"scene\": {\"name\": \"%0600d\", "
             "\"fingerprint\": \"00000000000000aa\"}, \"seed\": \"0000000000000001\"}",
             0);
    cr_assert_eq(load_text(text, NULL, 0, &err), SMP_ERR_FORMAT);
    cr_assert_not_null(strstr(err.message, "t.json: scene.name: expected at most 511 bytes"), "%s",
                       err.message);
}

/* The rows follow the file's "columns", whatever their order; a column unknown, missing or
 * twice is refused by name, as are a key twice in one object and text the JSON standard
 * refuses (a control character in a string, a leading zero). */
Test(training, rows_follow_the_columns_and_strict_json_is_required) {
    smp_error err = {0};
    const char *in_order = HEADER "\"columns\": [\"t_ms\", \"tool\", \"triangle\", \"bary_u\", "
                                  "\"bary_v\", \"x_mm\", \"y_mm\", \"z_mm\", \"normal\", "
                                  "\"radius_um\", \"depth_um\", \"ink\", \"session\", \"tissue\"], "
                                  "\"punctures\": []}";
    cr_assert_eq(load_text(in_order, NULL, 0, &err), SMP_OK, "%s", err.message);
    /* the tool and the ink swapped: a row with the ink (255) where the tool was written
     * reads right only through the columns */
    const char *swapped =
        HEADER "\"columns\": [\"t_ms\", \"ink\", \"triangle\", \"bary_u\", "
               "\"bary_v\", \"x_mm\", \"y_mm\", \"z_mm\", \"normal\", "
               "\"radius_um\", \"depth_um\", \"tool\", \"session\", \"tissue\"], "
               "\"punctures\": [[0, 255, 0, 0, 0, 0, 0, 0, 0, 75, 400, 0, 0, 0]]}";
    /* read in the written order the tool would be 255, of one tool, and refused as such;
     * through the columns every field is in range and the row gets as far as its place on
     * the head (the origin, which is not on it) */
    cr_assert_eq(load_text(swapped, NULL, 0, &err), SMP_ERR_FORMAT);
    cr_assert_not_null(strstr(err.message, "off the head surface"), "%s", err.message);
    const char *unknown = HEADER "\"columns\": [\"t_ms\", \"tool\", \"triangle\", \"bary_u\", "
                                 "\"bary_v\", \"x_mm\", \"y_mm\", \"z_mm\", \"normal\", "
                                 "\"radius_um\", \"depth_um\", \"colour\", \"session\", "
                                 "\"tissue\"], \"punctures\": []}";
    cr_assert_eq(load_text(unknown, NULL, 0, &err), SMP_ERR_FORMAT);
    cr_assert_not_null(strstr(err.message, "columns[11]: \"colour\" is not a field"), "%s",
                       err.message);
    const char *twice = HEADER "\"columns\": [\"t_ms\", \"tool\", \"triangle\", \"bary_u\", "
                               "\"bary_v\", \"x_mm\", \"y_mm\", \"z_mm\", \"normal\", "
                               "\"radius_um\", \"depth_um\", \"ink\", \"ink\", \"tissue\"], "
                               "\"punctures\": []}";
    cr_assert_eq(load_text(twice, NULL, 0, &err), SMP_ERR_FORMAT);
    cr_assert_not_null(strstr(err.message, "columns[12]: \"ink\" twice"), "%s", err.message);
    cr_assert_eq(load_text(HEADER "\"columns\": [\"t_ms\"], \"punctures\": []}", NULL, 0, &err),
                 SMP_ERR_FORMAT);
    cr_assert_not_null(strstr(err.message, "columns: expected an array of the 14"), "%s",
                       err.message);
    /* a key twice, a control character, a leading zero */
    cr_assert_eq(load_text(HEADER "\"punctures\": [], \"punctures\": []}", NULL, 0, &err),
                 SMP_ERR_FORMAT);
    cr_assert_not_null(strstr(err.message, "\"punctures\" twice"), "%s", err.message);
    cr_assert_eq(load_text(HEADER "\"punctures\": [], \"note\": \"a\tb\"}", NULL, 0, &err),
                 SMP_ERR_FORMAT);
    cr_assert_not_null(strstr(err.message, "control character"), "%s", err.message);
    cr_assert_eq(load_text(HEADER "\"punctures\": [[00, 0, 0, 0, 0, 0, 0, 0, 0, 75, 400, 0, 0, "
                                  "0]]}",
                           NULL, 0, &err),
                 SMP_ERR_FORMAT);
    cr_assert_not_null(strstr(err.message, "leading zero"), "%s", err.message);
}

Test(training, a_failed_save_leaves_the_previous_file) {
    smp_error err = {0};
    smp_training_session *s = sample_session(3);
    char path[512];
    snprintf(path, sizeof path, "%s/no/such/dir/s.json", test_tmpdir("train-save"));
    cr_assert_neq(smp_training_save(s, path, &err), SMP_OK);
    cr_assert(!file_exists(path));
    smp_training_session_destroy(s);
}

/* A class: the trainee's name and the date travel with the session, bit for bit, and a file
 * without them (written before they existed) still loads, with both empty. */
Test(training, the_trainee_and_the_date_round_trip_and_older_files_load) {
    smp_error err = {0};
    smp_training_session *s = sample_session(3), *r = NULL;
    cr_assert_str_eq(smp_training_session_trainee(s), "");
    cr_assert_str_eq(smp_training_session_date(s), "");
    cr_assert_eq(smp_training_session_set_trainee(s, "Zoë \"Z\" Ng", &err), SMP_OK, "%s",
                 err.message);
    cr_assert_eq(smp_training_session_set_date(s, "2024-02-29", &err), SMP_OK, "%s", err.message);
    char a[512], b[512];
    const char *dir = test_tmpdir("train-class");
    snprintf(a, sizeof a, "%s/a.json", dir);
    snprintf(b, sizeof b, "%s/b.json", dir);
    cr_assert_eq(smp_training_save(s, a, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(smp_training_load(a, &head, NULL, 0, &r, &err), SMP_OK, "%s", err.message);
    cr_assert_str_eq(smp_training_session_trainee(r), "Zoë \"Z\" Ng");
    cr_assert_str_eq(smp_training_session_date(r), "2024-02-29");
    cr_assert_eq(smp_training_save(r, b, &err), SMP_OK);
    size_t na, nb;
    char *fa = slurp(a, &na), *fb = slurp(b, &nb);
    cr_assert(na == nb && memcmp(fa, fb, na) == 0, "saving what was loaded gives the same bytes");
    free(fa);
    free(fb);
    smp_training_session_destroy(r);
    /* refused as values: a date that is not a day, a name with a control character */
    cr_assert_eq(smp_training_session_set_date(s, "2023-02-29", &err), SMP_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.message, "YYYY-MM-DD"), "%s", err.message);
    cr_assert_eq(smp_training_session_set_date(s, "4 Dec 2026", &err), SMP_ERR_INVALID_ARG);
    cr_assert_eq(smp_training_session_set_trainee(s, "a\tb", &err), SMP_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.message, "control"), "%s", err.message);
    cr_assert_str_eq(smp_training_session_date(s), "2024-02-29", "a refused value changes nothing");
    char today[SMP_TRAINING_DATE_MAX];
    smp_training_date_today(today);
    cr_assert_eq(smp_training_session_set_date(s, today, &err), SMP_OK, "today: '%s'", today);
    smp_training_session_destroy(s);
}

Test(training, a_bad_trainee_or_date_in_a_file_is_refused_by_name) {
    smp_error err = {0};
    cr_assert_eq(load_text(HEADER "\"punctures\": []}", NULL, 0, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(load_text(HEADER "\"trainee\": \"Ann\", \"date\": \"2026-12-04\", "
                                  "\"punctures\": []}",
                           NULL, 0, &err),
                 SMP_OK, "%s", err.message);
    cr_assert_eq(load_text(HEADER "\"trainee\": 5, \"punctures\": []}", NULL, 0, &err),
                 SMP_ERR_FORMAT);
    cr_assert_not_null(strstr(err.message, "t.json: trainee: expected text"), "%s", err.message);
    cr_assert_eq(load_text(HEADER "\"trainee\": \"a\\u0007b\", \"punctures\": []}", NULL, 0, &err),
                 SMP_ERR_FORMAT);
    cr_assert_not_null(strstr(err.message, "control characters"), "%s", err.message);
    cr_assert_eq(load_text(HEADER "\"date\": \"2026-13-01\", \"punctures\": []}", NULL, 0, &err),
                 SMP_ERR_FORMAT);
    cr_assert_not_null(strstr(err.message, "t.json: date: expected an ISO 8601 date"), "%s",
                       err.message);
}

/* The whole chain: the same positions punctured by a shaky hand too deep score worse than the
 * expert version on consistency and merge risk, and equal on density. */
Test(training, a_shaky_deep_hand_scores_worse_than_the_expert_on_the_same_spots) {
    smp_error err = {0};
    float *target = malloc(sizeof(float) * head.vertex_count);
    for (uint32_t v = 0; v < head.vertex_count; ++v) {
        const float *p = head.positions + 3 * (size_t)v;
        float r = sqrtf(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
        target[v] = p[1] / r > 0.85f ? 60.0f : 0.0f;
    }
    smp_training_tool expert_tool = {.needle_points = 3, .steadiness = 0.95f};
    smp_training_tool shaky = {.needle_points = 3, .steadiness = 0.1f, .depth_mm = 0.9f};
    smp_dots expert = {0}, trainee = {0};
    cr_assert_eq(smp_training_expert(&head, target, NULL, &expert_tool, 3, NULL, &expert, &err),
                 SMP_OK, "%s", err.message);
    cr_assert_gt(expert.count, 500);
    cr_assert_eq(smp_dots_alloc(&trainee, expert.count, 0, &err), SMP_OK);
    for (size_t i = 0; i < expert.count; ++i)
        cr_assert_eq(smp_training_puncture(&head, NULL, &shaky, 3, (uint32_t)i, expert.triangle[i],
                                           expert.bary_u[i] / 65535.0f, expert.bary_v[i] / 65535.0f,
                                           &trainee, &err),
                     SMP_OK, "%s", err.message);
    smp_skin skin;
    smp_skin_desc sd = {.mst = 6};
    cr_assert_eq(smp_skin_resolve(&sd, &skin, &err), SMP_OK);
    smp_age_session session = {.t_years = 0};
    smp_age_desc ad = {.skin = &skin, .sessions = &session, .session_count = 1};
    smp_age_model *model = NULL;
    cr_assert_eq(smp_age_create(&ad, &model, &err), SMP_OK, "%s", err.message);
    smp_score_desc d = {
        .head = &head, .target_density_per_cm2 = target, .model = model, .skin = &skin};
    smp_score_ctx *ctx = NULL;
    cr_assert_eq(smp_score_create(&d, &ctx, &err), SMP_OK, "%s", err.message);
    smp_score se, st;
    cr_assert_eq(smp_score_eval(ctx, &expert, &se, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(smp_score_eval(ctx, &trainee, &st, &err), SMP_OK, "%s", err.message);
    cr_assert_float_eq(st.item[SMP_SCORE_DENSITY], se.item[SMP_SCORE_DENSITY], 1.0);
    cr_assert_gt(st.depth_sd_mm, 2 * se.depth_sd_mm, "%g %g", st.depth_sd_mm, se.depth_sd_mm);
    cr_assert_lt(st.item[SMP_SCORE_CONSISTENCY], se.item[SMP_SCORE_CONSISTENCY] - 30);
    cr_assert_gt(st.merge_share_10, se.merge_share_10);
    cr_assert_lt(st.overall, se.overall);
    smp_score_destroy(ctx);
    smp_age_destroy(model);
    smp_dots_free(&expert);
    smp_dots_free(&trainee);
    free(target);
}

/* The brief says what is graded, with the weights the overall uses and this exercise's own
 * numbers; a hairline is graded only where the exercise asks for one. */
Test(training, the_brief_names_what_is_graded_and_its_weight) {
    smp_scene scene;
    smp_scene_report rep = {0};
    const char *text = "{\"plan\": {\"hairline\": {\"shape\": \"rounded\", \"softness_mm\": 7}},"
                       " \"training\": {\"enabled\": true, \"density_per_cm2\": 64,"
                       " \"hairline\": true, \"depth_mm\": 0.45}}";
    smp_scene_source src = {.path = "t.json", .text = text, .text_size = strlen(text)};
    cr_assert_eq(smp_scene_load(&src, &scene, &rep), SMP_OK, "%s", rep.first.message);
    char brief[1536];
    smp_training_brief(&scene, brief, sizeof brief);
    /* the weights as docs/TRAINING.md states them */
    cr_assert_not_null(strstr(brief, "- density (30 %): 64 dots/cm²"), "%s", brief);
    cr_assert_not_null(strstr(brief, "- spacing (25 %)"), "%s", brief);
    cr_assert_not_null(
        strstr(brief, "- hairline (20 %): on the red line, fading in over 7 mm across it"), "%s",
        brief);
    cr_assert_not_null(strstr(brief, "- merge (10 %)"), "%s", brief);
    cr_assert_not_null(strstr(brief, "(0.45 mm intended)"), "%s", brief);
    cr_assert_not_null(strstr(brief, "at most 59 (F)"), "%s", brief);
    scene.training.hairline = 0;
    smp_training_brief(&scene, brief, sizeof brief);
    cr_assert_not_null(strstr(brief, "- hairline: not graded"), "%s", brief);
    char small[40];
    smp_training_brief(&scene, small, sizeof small); /* cut, still a string */
    cr_assert_lt(strlen(small), sizeof small);
}

Test(training, an_exercise_gives_its_target_and_tool) {
    smp_error err = {0};
    smp_scene scene;
    smp_scene_report rep = {0};
    const char *text = "{\"client\": {\"pattern\": {\"type\": \"norwood\", \"stage\": \"VI\"}},"
                       " \"plan\": {\"hairline\": {\"shape\": \"none\"}, \"sessions\":"
                       " [{\"density_fraction\": 0.5}, {\"day\": 20}]},"
                       " \"training\": {\"enabled\": true, \"session\": 1, \"needle_points\": 1,"
                       " \"dilution\": 0.25}}";
    smp_scene_source src = {.path = "t.json", .text = text, .text_size = strlen(text)};
    cr_assert_eq(smp_scene_load(&src, &scene, &rep), SMP_OK, "%s", rep.first.message);
    smp_landmarks lm;
    smp_landmarks_procedural(&lm);
    smp_fields_desc fd = {.pattern = {.kind = SMP_PATTERN_NORWOOD, .stage = 6}};
    smp_fields *f = NULL;
    cr_assert_eq(smp_fields_create(&fd, &head, &lm, &f, &err), SMP_OK, "%s", err.message);
    float *target = malloc(sizeof(float) * head.vertex_count);
    cr_assert_eq(smp_training_target(&scene, f, &head, target, NULL, &err), SMP_OK, "%s",
                 err.message);
    float peak = 0;
    for (uint32_t v = 0; v < head.vertex_count; ++v) peak = target[v] > peak ? target[v] : peak;
    /* 0 = the plan's density after session 1: the full 80 dots/cm² */
    cr_assert_float_eq(peak, 80.0f, 0.5f, "%g", peak);
    smp_training_tool tool;
    smp_training_tool_of_scene(&scene, &tool);
    cr_assert_eq(tool.session, 1);
    cr_assert_eq(tool.needle_points, 1);
    cr_assert_float_eq(tool.dilution, 0.25f, 1e-6f);
    cr_assert_neq(smp_training_fingerprint(&head, target), smp_training_fingerprint(&head, NULL));
    /* a spot: the target only within 20° (+3° of fade) of straight up, full inside 17° */
    scene.training.spot_deg[0] = 0, scene.training.spot_deg[1] = 90;
    scene.training.spot_radius_deg = 20;
    float *spot = malloc(sizeof(float) * head.vertex_count);
    cr_assert_eq(smp_training_target(&scene, f, &head, spot, NULL, &err), SMP_OK, "%s",
                 err.message);
    int inside = 0;
    for (uint32_t v = 0; v < head.vertex_count; ++v) {
        const float *p = head.positions + 3 * (size_t)v;
        float up = p[1] / sqrtf(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
        float deg = acosf(fminf(1.0f, fmaxf(-1.0f, up))) * (180.0f / 3.14159265f);
        if (deg > 23.05f) cr_assert_eq(spot[v], 0.0f, "vertex %u at %.1f° kept", v, deg);
        if (deg < 16.95f) cr_assert_float_eq(spot[v], target[v], 1e-4f, "vertex %u", v);
        inside += deg < 16.95f && target[v] > 0;
    }
    cr_assert_gt(inside, 10, "the spot holds no target to keep");
    free(spot);
    scene.training.enabled = 0;
    cr_assert_eq(smp_training_target(&scene, f, &head, target, NULL, &err), SMP_ERR_FORMAT);
    cr_assert_not_null(strstr(err.message, "training.enabled"), "%s", err.message);
    free(target);
    smp_fields_destroy(f);
}

/* --- the command ----------------------------------------------------------------------- */

static const char k_scene[] =
    "{\"name\": \"cli crown\", \"seed\": 5, \"head\": {\"mesh\": \"builtin\", \"resolution\": 40},"
    " \"client\": {\"pattern\": {\"type\": \"norwood\", \"stage\": \"III-vertex\"}},"
    " \"plan\": {\"hairline\": {\"shape\": \"none\"}, \"sessions\": [{\"day\": 0,"
    " \"density_fraction\": 1, \"regions\": [\"bald\"]}]},"
    " \"training\": {\"enabled\": true, \"density_per_cm2\": 40}}";

static void write_text(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

Test(training_cli, score_grades_a_session_and_refuses_bad_files) {
    const char *dir = test_tmpdir("train-cli");
    char scene[512], other[512], expert[512], bad[512], missing[512];
    snprintf(scene, sizeof scene, "%s/crown.json", dir);
    snprintf(other, sizeof other, "%s/other.json", dir);
    snprintf(expert, sizeof expert, "%s/expert.json", dir);
    snprintf(bad, sizeof bad, "%s/bad.json", dir);
    snprintf(missing, sizeof missing, "%s/missing.json", dir);
    write_text(scene, k_scene);
    char *o = NULL, *e = NULL;
    int rc = run_smpsim(
        &o, &e,
        (const char *const[]){"score", scene, "--write-expert", expert, "--no-expert", NULL});
    cr_assert_eq(rc, 0, "%s", e);
    free(o), free(e);

    rc =
        run_smpsim(&o, &e, (const char *const[]){"score", scene, "--dots", expert, "--json", NULL});
    cr_assert_eq(rc, 0, "%s", e);
    cJSON *root = cJSON_Parse(o);
    cr_assert_not_null(root, "valid JSON: %s", o);
    const cJSON *tr = cJSON_GetObjectItem(root, "trainee");
    const cJSON *dens = cJSON_GetObjectItem(cJSON_GetObjectItem(tr, "items"), "density");
    cr_assert_gt(cJSON_GetObjectItem(dens, "score")->valuedouble, 90.0);
    cr_assert(cJSON_IsString(cJSON_GetObjectItem(dens, "hint")));
    const cJSON *x = cJSON_GetObjectItem(root, "expert");
    cr_assert_float_eq(cJSON_GetObjectItem(x, "overall")->valuedouble,
                       cJSON_GetObjectItem(tr, "overall")->valuedouble, 1e-9,
                       "the expert's own dots score as the expert");
    cJSON_Delete(root);
    free(o), free(e);

    rc = run_smpsim(&o, &e, (const char *const[]){"score", scene, "--dots", expert, NULL});
    cr_assert_eq(rc, 0, "%s", e);
    cr_assert_not_null(strstr(o, "density"), "%s", o);
    cr_assert_not_null(strstr(o, "touch_up"), "%s", o);
    free(o), free(e);

    write_text(bad, "{\"format\": \"smpsim-training\", \"version\": 1,");
    rc = run_smpsim(&o, &e, (const char *const[]){"score", scene, "--dots", bad, "--json", NULL});
    cr_assert_eq(rc, 2, "%s", e);
    cr_assert_not_null(strstr(e, "bad.json"), "%s", e);
    cr_assert_str_eq(o, "", "nothing on stdout when the input is bad");
    free(o), free(e);

    rc = run_smpsim(&o, &e, (const char *const[]){"score", scene, "--dots", missing, NULL});
    cr_assert_eq(rc, 2, "%s", e);
    cr_assert_not_null(strstr(e, "missing.json"), "%s", e);
    free(o), free(e);

    /* the same exercise on another head: the file does not belong to it */
    write_text(other, k_scene);
    rc = run_smpsim(&o, &e,
                    (const char *const[]){"score", other, "--set", "head.resolution=36", "--dots",
                                          expert, NULL});
    cr_assert_eq(rc, 2, "%s", e);
    cr_assert_not_null(strstr(e, "another head or target"), "%s", e);
    free(o), free(e);

    rc = run_smpsim(&o, &e, (const char *const[]){"score", scene, NULL});
    cr_assert_eq(rc, 2);
    cr_assert_not_null(strstr(e, "--dots"), "%s", e);
    free(o), free(e);
    rc = run_smpsim(&o, &e, (const char *const[]){"score", "--help", NULL});
    cr_assert_eq(rc, 0);
    cr_assert_not_null(strstr(o, "Usage: smpsim score"), "%s", o);
    free(o), free(e);
    rc = run_smpsim(&o, &e, (const char *const[]){"--help", NULL});
    cr_assert_not_null(strstr(o, "score"), "%s", o);
    free(o), free(e);
}

Test(training_cli, score_refuses_a_scene_that_is_no_exercise) {
    char *o = NULL, *e = NULL;
    int rc = run_smpsim(&o, &e,
                        (const char *const[]){"score", SMP_SOURCE_DIR "/scenes/default.json",
                                              "--dots", "x.json", NULL});
    cr_assert_eq(rc, 2, "%s", e);
    cr_assert_not_null(strstr(e, "training.enabled"), "%s", e);
    free(o), free(e);
}

/* Every exercise of the graded set builds, and its expert version scores as an expert should:
 * the scores are calibrated on the exercises trainees meet. */
Test(training_cli, every_training_scene_grades_its_expert_version_highly, .timeout = 300) {
    static const char *const scenes[] = {"1-crown-fill",         "2-soft-hairline",
                                         "3-fut-scar",           "4-dark-skin-second-pass",
                                         "5-hairline-dark-skin", "6-blend-into-thinning",
                                         "7-scar-dark-skin"};
    char dir[512]; /* test_tmpdir's string is reused by every run of smpsim */
    snprintf(dir, sizeof dir, "%s", test_tmpdir("train-scenes"));
    for (int i = 0; i < (int)(sizeof scenes / sizeof scenes[0]); ++i) {
        char scene[1024], expert[1024];
        snprintf(scene, sizeof scene, "%s/scenes/training/%s.json", SMP_SOURCE_DIR, scenes[i]);
        snprintf(expert, sizeof expert, "%s/%s.expert.json", dir, scenes[i]);
        char *o = NULL, *e = NULL;
        int rc = run_smpsim(
            &o, &e,
            (const char *const[]){"score", scene, "--write-expert", expert, "--no-expert", NULL});
        cr_assert_eq(rc, 0, "%s: %s", scenes[i], e);
        free(o), free(e);
        rc = run_smpsim(
            &o, &e,
            (const char *const[]){"score", scene, "--dots", expert, "--json", "--no-expert", NULL});
        cr_assert_eq(rc, 0, "%s: %s", scenes[i], e);
        cJSON *root = cJSON_Parse(o);
        cr_assert_not_null(root, "%s", o);
        const cJSON *tr = cJSON_GetObjectItem(root, "trainee");
        double overall = cJSON_GetObjectItem(tr, "overall")->valuedouble;
        cr_assert_gt(overall, 85.0, "%s: the expert version scores %g", scenes[i], overall);
        const char *grade = cJSON_GetObjectItem(tr, "grade")->valuestring;
        cr_assert(grade[0] == 'A' || grade[0] == 'B', "%s: grade %s", scenes[i], grade);
        if (i == 0) { /* the crown patch: its target lies in the table's top and crown only */
            const cJSON *zones = cJSON_GetObjectItem(cJSON_GetObjectItem(tr, "density"), "zones");
            double total = 0;
            for (const cJSON *z = zones->child; z; z = z->next) {
                const char *name = cJSON_GetObjectItem(z, "zone")->valuestring;
                double want = cJSON_GetObjectItem(z, "target_dots")->valuedouble;
                total += want;
                if (strcmp(name, "top") != 0 && strcmp(name, "crown") != 0)
                    cr_assert_lt(want, 1.0, "exercise 1 asks for %g dots at the %s", want, name);
            }
            /* and only the patch: the temples' recession reaches back into the top, and with
             * it the target was 3,748 dots; the patch alone is about 1,900 */
            cr_assert(total > 1500 && total < 2300, "exercise 1 asks for %g dots", total);
        }
        cr_assert_gt(cJSON_GetObjectItem(tr, "dots")->valuedouble, 500, "%s", scenes[i]);
        cJSON_Delete(root);
        free(o), free(e);
    }
}

/* --- a class ------------------------------------------------------------------------------ */

/* src with "trainee" and "date" added after its seed (as the viewer writes them), keeping only
 * the first keep punctures when keep > 0. */
static void session_copy(const char *src, const char *dst, const char *trainee, const char *date,
                         int keep) {
    char *text = slurp(src, NULL);
    cr_assert_not_null(text, "%s", src);
    char *seed = strstr(text, "\n  \"seed\"");
    cr_assert_not_null(seed);
    char *after = strchr(seed + 1, '\n');
    if (keep > 0) { /* cut after row keep: rows start with "\n    [" */
        char *row = strstr(text, "\"punctures\": [");
        for (int i = 0; row && i <= keep; ++i) row = strstr(row + 1, "\n    [");
        cr_assert_not_null(row, "fewer than %d punctures", keep + 1);
        row[-1] = 0; /* the comma ending the row before */
    }
    FILE *f = fopen(dst, "w");
    cr_assert_not_null(f);
    fwrite(text, 1, (size_t)(after + 1 - text), f);
    if (trainee) fprintf(f, "  \"trainee\": \"%s\",\n", trainee);
    if (date) fprintf(f, "  \"date\": \"%s\",\n", date);
    fputs(after + 1, f);
    if (keep > 0) fputs("\n  ]\n}\n", f);
    fclose(f);
    free(text);
}

typedef struct class_files {
    char dir[512], scene[1024], other_scene[1024], expert[1024], ann[1024], bob[1024];
    char broken[1024], foreign[1024];
} class_files;

/* A class of the CLI exercise: Ann hands in the expert version, Bob 25 clicks, one file is
 * cut off mid-way, and one was made on another exercise. */
static void make_class(class_files *c) {
    snprintf(c->dir, sizeof c->dir, "%s", test_tmpdir("train-class-cli"));
    snprintf(c->scene, sizeof c->scene, "%s/crown.json", c->dir);
    snprintf(c->other_scene, sizeof c->other_scene, "%s/other.json", c->dir);
    snprintf(c->expert, sizeof c->expert, "%s/expert.json", c->dir);
    snprintf(c->ann, sizeof c->ann, "%s/ann.smpt.json", c->dir);
    snprintf(c->bob, sizeof c->bob, "%s/bob.smpt.json", c->dir);
    snprintf(c->broken, sizeof c->broken, "%s/broken.smpt.json", c->dir);
    snprintf(c->foreign, sizeof c->foreign, "%s/foreign.smpt.json", c->dir);
    write_text(c->scene, k_scene);
    char other[sizeof k_scene + 16];
    snprintf(other, sizeof other, "%s", k_scene);
    memcpy(strstr(other, "cli crown"), "cli other", 9); /* another exercise's name */
    write_text(c->other_scene, other);
    char *o = NULL, *e = NULL;
    int rc = run_smpsim(
        &o, &e,
        (const char *const[]){"score", c->scene, "--write-expert", c->expert, "--no-expert", NULL});
    cr_assert_eq(rc, 0, "%s", e);
    free(o), free(e);
    rc = run_smpsim(&o, &e,
                    (const char *const[]){"score", c->other_scene, "--write-expert", c->foreign,
                                          "--no-expert", NULL});
    cr_assert_eq(rc, 0, "%s", e);
    free(o), free(e);
    session_copy(c->expert, c->ann, "Ann, \\\"A\\\" Smith", "2026-12-04", 0);
    session_copy(c->expert, c->bob, "Bob", NULL, 25);
    char *text = slurp(c->expert, NULL);
    text[strlen(text) / 2] = 0;
    write_text(c->broken, text);
    free(text);
}

static int lines_of(const char *text) {
    int n = 0;
    for (const char *p = text; *p; ++p) n += *p == '\n';
    return n;
}

Test(training_cli, a_class_is_scored_in_one_table_csv_and_json, .timeout = 240) {
    class_files c;
    make_class(&c);
    char csv[1024];
    snprintf(csv, sizeof csv, "%s/class.csv", c.dir);
    char *o = NULL, *e = NULL;
    int rc = run_smpsim(
        &o, &e,
        (const char *const[]){"score", c.scene, c.ann, c.bob, c.broken, "--csv", csv, NULL});
    /* the broken file is named with its error, the others are scored, and the exit says so */
    cr_assert_eq(rc, 1, "exit %d\n%s", rc, e);
    cr_assert_not_null(strstr(e, "broken.smpt.json:"), "%s", e);
    cr_assert_not_null(strstr(e, "not valid JSON"), "%s", e);
    cr_assert_not_null(strstr(e, "1 of 3 sessions could not be scored"), "%s", e);
    cr_assert_not_null(strstr(o, "(expert version)"), "%s", o);
    cr_assert_eq(strstr(strstr(o, "(expert version)") + 1, "(expert version)"), NULL,
                 "the expert's row once: %s", o);
    const char *ann = strstr(o, "Ann, \"A\" Smith"), *bob = strstr(o, "\nBob ");
    cr_assert(ann && bob, "%s", o);
    cr_assert_not_null(strstr(o, "not scored: "), "%s", o);
    /* Ann handed in the expert's work: an A; Bob's 25 clicks fail */
    cr_assert_not_null(strstr(ann, " A\n"), "%s", ann);
    cr_assert_not_null(strstr(bob, " F\n"), "%s", bob);
    free(o), free(e);

    char *text = slurp(csv, NULL);
    cr_assert_not_null(text, "the CSV was written");
    cr_assert_eq(lines_of(text), 5, "header, expert and three sessions:\n%s", text);
    cr_assert_eq(strncmp(text,
                         "trainee,date,exercise,file,density,spacing,hairline,consistency,merge,"
                         "contrast,touch_up,overall,grade,error\n",
                         strlen("trainee,date,exercise,file,density,spacing,hairline,consistency,"
                                "merge,contrast,touch_up,overall,grade,error\n")),
                 0, "%s", text);
    cr_assert_not_null(strstr(text, "\n(expert version),,cli crown,,"), "%s", text);
    cr_assert_not_null(strstr(text, "\n\"Ann, \"\"A\"\" Smith\",2026-12-04,cli crown,"), "%s",
                       text);
    const char *bob_row = strstr(text, "\nBob,,cli crown,");
    cr_assert_not_null(bob_row, "%s", text);
    cr_assert_not_null(strstr(bob_row, ",F,\n"), "Bob's row ends with F and no error: %s", text);
    const char *broken_row = strstr(text, "broken.smpt.json,,,,,,,,,,");
    cr_assert_not_null(broken_row, "no scores, no grade: %s", text);
    cr_assert_not_null(strstr(broken_row, "not valid JSON"), "%s", text);
    free(text);

    rc = run_smpsim(&o, &e, (const char *const[]){"score", c.scene, c.ann, c.bob, "--json", NULL});
    cr_assert_eq(rc, 0, "%s", e);
    cJSON *root = cJSON_Parse(o);
    cr_assert_not_null(root, "%s", o);
    const cJSON *list = cJSON_GetObjectItem(root, "sessions");
    cr_assert_eq(cJSON_GetArraySize(list), 2);
    cr_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "trainee")->valuestring,
                     "Ann, \"A\" Smith");
    cr_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "date")->valuestring,
                     "2026-12-04");
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 1), "date")));
    const cJSON *bob_score = cJSON_GetObjectItem(cJSON_GetArrayItem(list, 1), "score");
    cr_assert_str_eq(cJSON_GetObjectItem(bob_score, "grade")->valuestring, "F");
    cr_assert(
        cJSON_IsNull(cJSON_GetObjectItem(
            cJSON_GetObjectItem(cJSON_GetObjectItem(bob_score, "items"), "spacing"), "score")),
        "25 dots are too few to judge spacing");
    cr_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "expert"), "grade")->valuestring,
                     "A");
    cr_assert_eq(cJSON_GetObjectItem(root, "failed")->valuedouble, 0);
    cJSON_Delete(root);
    free(o), free(e);
}

Test(training_cli, a_class_refuses_other_exercises_and_unwritable_outputs, .timeout = 240) {
    class_files c;
    make_class(&c);
    /* a session of another exercise is reported by name; the rest of the class is scored */
    char *o = NULL, *e = NULL;
    int rc = run_smpsim(
        &o, &e, (const char *const[]){"score", c.scene, c.ann, c.foreign, "--no-expert", NULL});
    cr_assert_eq(rc, 1, "%s", e);
    cr_assert_not_null(strstr(e, "foreign.smpt.json: scene.name: made on scene 'cli other', not "
                                 "on 'cli crown'"),
                       "%s", e);
    cr_assert_not_null(strstr(o, "Ann"), "%s", o);
    free(o), free(e);

    /* a CSV that cannot be written is refused before any scoring, with nothing on stdout */
    char csv[1200];
    snprintf(csv, sizeof csv, "%s/ann.smpt.json/class.csv", c.dir); /* under a file */
    rc = run_smpsim(&o, &e, (const char *const[]){"score", c.scene, c.ann, "--csv", csv, NULL});
    cr_assert_eq(rc, 2, "%s", e);
    cr_assert_not_null(strstr(e, "--csv"), "%s", e);
    cr_assert_str_eq(o, "", "refused before scoring: %s", o);
    free(o), free(e);
    rc = run_smpsim(&o, &e, (const char *const[]){"score", c.scene, c.ann, "--csv", c.dir, NULL});
    cr_assert_eq(rc, 2, "%s", e);
    cr_assert_not_null(strstr(e, "is a directory"), "%s", e);
    free(o), free(e);

    /* when no file of the class can be scored, it is bad input: exit 2, nothing on stdout */
    rc = run_smpsim(
        &o, &e, (const char *const[]){"score", c.scene, c.broken, c.foreign, "--no-expert", NULL});
    cr_assert_eq(rc, 2, "%s", e);
    cr_assert_str_eq(o, "");
    cr_assert_not_null(strstr(e, "broken.smpt.json"), "%s", e);
    cr_assert_not_null(strstr(e, "foreign.smpt.json"), "%s", e);
    free(o), free(e);

    /* one session as an operand is the report --dots gives, with the trainee named */
    rc = run_smpsim(&o, &e, (const char *const[]){"score", c.scene, c.ann, "--no-expert", NULL});
    cr_assert_eq(rc, 0, "%s", e);
    cr_assert_not_null(strstr(o, "trainee Ann, \"A\" Smith, 2026-12-04"), "%s", o);
    cr_assert_not_null(strstr(o, "density by area"), "%s", o);
    free(o), free(e);
}
