/* Scene files: defaults, ranges, round trips, --set, and every class of error message. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scene_schema.h" /* private: the tests walk the same table the parser does */
#include "smp/camera.h"
#include "smp/scenario.h"
#include "smp/scene.h"
#include "support.h"

static smp_scene_report rep;

static smp_status load_text(const char *text, smp_scene *s) {
    smp_scene_source src = {.path = "t.json", .text = text, .text_size = strlen(text)};
    return smp_scene_load(&src, s, &rep);
}

static smp_status load_set(const char *set, smp_scene *s) {
    const char *sets[] = {set};
    smp_scene_source src = {
        .path = "t.json", .text = "{}", .text_size = 2, .sets = sets, .set_count = 1};
    return smp_scene_load(&src, s, &rep);
}

/* Some message of the report contains every needle. */
static int reported(const char *a, const char *b) {
    for (int i = 0; i < rep.count; ++i)
        if (strstr(rep.messages[i], a) && (!b || strstr(rep.messages[i], b))) return 1;
    return 0;
}

static void dump(void) {
    for (int i = 0; i < rep.count; ++i) fprintf(stderr, "  %s\n", rep.messages[i]);
}

/* Byte-for-byte comparison, ignoring where each scene came from. */
static int same_scene(smp_scene *a, smp_scene *b) {
    memset(a->source, 0, sizeof a->source);
    memset(b->source, 0, sizeof b->source);
    return memcmp(a, b, sizeof *a) == 0;
}

Test(scene, empty_object_gives_the_documented_defaults) {
    smp_scene s, d;
    cr_assert_eq(load_text("{}", &s), SMP_OK);
    smp_scene_defaults(&d);
    cr_assert(same_scene(&s, &d));
    cr_assert_eq(s.client.mst, 4);
    cr_assert_eq(s.client.fitzpatrick, 3);
    cr_assert(isnan(s.client.melanin_fraction));
    cr_assert_eq(s.client.pattern, SMP_PATTERN_NORWOOD);
    cr_assert_str_eq(s.client.stage, "V");
    cr_assert_str_eq(s.head.mesh, "auto");
    cr_assert_eq(s.plan.session_count, 3);
    cr_assert_eq(s.plan.sessions[1].day, 21);
    cr_assert_float_eq(s.plan.sessions[0].density_fraction, 0.3, 1e-12);
    cr_assert_float_eq(s.plan.sessions[2].density_fraction, 1.0, 1e-12);
    cr_assert_float_eq(s.plan.hairline_height_mm, 80, 1e-12);
    cr_assert_float_eq(s.sunscreen_spf, 1, 1e-12);
    /* the clinic set: untreated, healed, then years after the completion of treatment, from
     * the five clinic views */
    const double years[] = {SMP_YEAR_UNTREATED, SMP_YEAR_HEALED, 1, 3, 5, 10};
    cr_assert_eq(s.year_count, 6);
    for (int i = 0; i < 6; ++i) cr_assert_eq(s.years[i], years[i], "years[%d]", i);
    const smp_view views[] = {SMP_VIEW_FRONT, SMP_VIEW_TOP, SMP_VIEW_BACK, SMP_VIEW_LEFT,
                              SMP_VIEW_RIGHT};
    cr_assert_eq(s.view_count, 5);
    for (int i = 0; i < 5; ++i) cr_assert_eq(s.views[i], (int)views[i], "views[%d]", i);
}

/* The built-in default scene shows what the schema does by default. */
Test(scene, the_default_scene_shows_the_clinic_times_and_views) {
    smp_scene s, d;
    smp_scene_source src = {0};
    cr_assert_eq(smp_scene_load(&src, &s, &rep), SMP_OK, "%s", rep.first.message);
    smp_scene_defaults(&d);
    cr_assert_eq(s.year_count, d.year_count);
    cr_assert_eq(memcmp(s.years, d.years, sizeof s.years), 0);
    cr_assert_eq(s.view_count, d.view_count);
    cr_assert_eq(memcmp(s.views, d.views, sizeof s.views), 0);
}

/* render.years: the words "untreated" and "healed" among years after completion, in time
 * order, printed back as words. */
Test(scene, years_take_untreated_healed_and_years_after_completion) {
    smp_scene s;
    cr_assert_eq(load_text("{\"render\":{\"years\":[\"untreated\",\"healed\",0.5,3]}}", &s), SMP_OK,
                 "%s", rep.first.message);
    cr_assert_eq(s.year_count, 4);
    cr_assert_eq(s.years[0], SMP_YEAR_UNTREATED);
    cr_assert_eq(s.years[1], SMP_YEAR_HEALED);
    cr_assert_eq(s.years[2], 0.5);
    char *json = smp_scene_to_json(&s);
    cr_assert_not_null(strstr(json, "\"years\": [\"untreated\", \"healed\", 0.5, 3]"), "%s", json);
    free(json);
    /* the day of the last session comes before healed; so does untreated */
    cr_assert_eq(load_text("{\"render\":{\"years\":[0,\"healed\"]}}", &s), SMP_OK);
    cr_assert_eq(load_text("{\"render\":{\"years\":[\"healed\",0]}}", &s), SMP_ERR_FORMAT);
    cr_assert(reported("render.years[1]", "found 0 after healed"), "%s", rep.first.message);
    cr_assert_eq(load_text("{\"render\":{\"years\":[1,\"untreated\"]}}", &s), SMP_ERR_FORMAT);
    cr_assert(reported("render.years[1]", "untreated after 1"), "%s", rep.first.message);
    cr_assert_eq(load_text("{\"render\":{\"years\":[\"healed\",\"healed\"]}}", &s), SMP_ERR_FORMAT);
    cr_assert_eq(load_text("{\"render\":{\"years\":[\"cured\",-1,51]}}", &s), SMP_ERR_FORMAT);
    for (int i = 0; i < 3; ++i) {
        char path[32];
        snprintf(path, sizeof path, "render.years[%d]", i);
        cr_assert(reported(path, "\"untreated\" or \"healed\""), "%s", rep.first.message);
    }
    cr_assert(reported("render.years[0]", "found \"cured\""), "%s", rep.first.message);
    /* --set takes the words bare; the default list starts untreated, healed */
    cr_assert_eq(load_set("render.years[0]=healed", &s), SMP_ERR_FORMAT);
    cr_assert(reported("render.years[1]", "found healed after healed"), "%s", rep.first.message);
    cr_assert_eq(load_set("render.years[2]=0.5", &s), SMP_OK, "%s", rep.first.message);
    cr_assert_eq(s.years[2], 0.5);
}

/* Times shown count from the completion of treatment, the day of the last treatment session
 * (touch-ups come later); the ageing model counts from the first session. */
Test(scene, times_shown_convert_to_the_model_time_at_completion) {
    smp_scene s;
    cr_assert_eq(load_text("{\"plan\":{\"sessions\":[{\"day\":0},{\"day\":21},{\"day\":56},"
                           "{\"day\":1200,\"kind\":\"touch_up\"}]}}",
                           &s),
                 SMP_OK, "%s", rep.first.message);
    double done = 56 / 365.25, t = -1;
    cr_assert_float_eq(smp_scene_completion_years(&s), done, 1e-12);
    cr_assert_eq(smp_scene_model_years(&s, 3, &t), 1);
    cr_assert_float_eq(t, done + 3, 1e-12);
    cr_assert_eq(smp_scene_model_years(&s, SMP_YEAR_HEALED, &t), 1);
    cr_assert_float_eq(t, (56 + SMP_HEALED_DAYS) / 365.25, 1e-12);
    cr_assert_eq(smp_scene_model_years(&s, SMP_YEAR_UNTREATED, &t), 0, "untreated: no dots");
    cr_assert_eq(load_text("{\"plan\":{\"sessions\":[]}}", &s), SMP_OK);
    cr_assert_float_eq(smp_scene_completion_years(&s), 0.0, 1e-12);
}

Test(scene, year_words_parse_and_name_what_time_counts_from) {
    double y;
    smp_error err = {0};
    cr_assert_eq(smp_year_parse("untreated", &y, &err), SMP_OK);
    cr_assert_eq(y, SMP_YEAR_UNTREATED);
    cr_assert_eq(smp_year_parse("healed", &y, &err), SMP_OK);
    cr_assert_eq(y, SMP_YEAR_HEALED);
    cr_assert_eq(smp_year_parse("2.5", &y, &err), SMP_OK);
    cr_assert_eq(y, 2.5);
    const char *bad[] = {"", "Healed", "-1", "51", "3x", "nan", "inf"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
        cr_assert_eq(smp_year_parse(bad[i], &y, &err), SMP_ERR_INVALID_ARG, "'%s'", bad[i]);
        char quoted[16];
        snprintf(quoted, sizeof quoted, "'%s'", bad[i]);
        cr_assert_not_null(strstr(err.message, quoted), "%s", err.message);
    }
    const struct {
        double year;
        const char *label, *tag, *word;
    } names[] = {
        {SMP_YEAR_UNTREATED, "Untreated", "untreated", "untreated"},
        {SMP_YEAR_HEALED, "Healed (30 days after the last session)", "healed", "healed"},
        {3, "Year 3 after completion", "y3", "3"},
        {0.5, "Year 0.5 after completion", "y0.5", "0.5"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i) {
        char text[64];
        smp_year_label(names[i].year, text, sizeof text);
        cr_assert_str_eq(text, names[i].label);
        smp_year_tag(names[i].year, text, sizeof text);
        cr_assert_str_eq(text, names[i].tag);
        smp_year_word(names[i].year, text, sizeof text);
        cr_assert_str_eq(text, names[i].word);
        cr_assert_eq(smp_year_parse(text, &y, &err), SMP_OK);
        cr_assert_eq(y, names[i].year);
    }
}

Test(scene, view_words_match_the_camera_names) {
    for (int v = 0; v < SMP_VIEW_COUNT; ++v) {
        char set[64];
        snprintf(set, sizeof set, "render.views=[\"%s\"]", smp_view_name((smp_view)v));
        smp_scene s;
        cr_assert_eq(load_set(set, &s), SMP_OK, "%s", rep.first.message);
        cr_assert_eq(s.views[0], v);
    }
}

/* Walks every numeric leaf of the schema: the default is what the table says, both ends of
 * the range are accepted, and just outside either end is refused naming the path. */
static void check_leaves(const field *obj, const char *prefix, int *checked) {
    for (const field *f = obj->children; f->key; ++f) {
        char path[256];
        snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", f->key);
        if (f->kind == K_OBJECT) {
            check_leaves(f, path, checked);
            continue;
        }
        if (f->kind == K_ARRAY) {
            char elem[300];
            snprintf(elem, sizeof elem, "%s[0]", path);
            field e = {.kind = K_OBJECT, .children = f->children};
            /* scars default to none: make one so its fields exist to be set */
            check_leaves(&e, elem, checked);
            continue;
        }
        if (f->kind != K_NUMBER && f->kind != K_INT) continue;
        if (strstr(path, "scars[0]")) continue; /* covered by scar_fields_have_ranges */
        double span = f->hi - f->lo;
        double eps = f->kind == K_INT ? 1 : span * 1e-3;
        struct {
            double v;
            int ok;
        } cases[] = {{f->lo, 1}, {f->hi, 1}, {f->lo - eps, 0}, {f->hi + eps, 0}};
        for (int i = 0; i < 4; ++i) {
            char set[400];
            snprintf(set, sizeof set, "%s=%.17g", path, cases[i].v);
            smp_scene s;
            smp_status st = load_set(set, &s);
            if (cases[i].ok) {
                /* an end of one range may break a rule across fields; only range errors count */
                cr_assert(st == SMP_OK || !reported(path, "number from"), "%s refused: %s", set,
                          rep.first.message);
            } else {
                cr_assert_neq(st, SMP_OK, "%s accepted", set);
                cr_assert(reported(path, "expected"), "%s: %s", set, rep.first.message);
            }
        }
        ++*checked;
    }
}

Test(scene, every_numeric_field_has_its_range_enforced) {
    int checked = 0;
    check_leaves(&scene_schema_root, "", &checked);
    cr_assert_geq(checked, 30, "only %d numeric fields walked", checked);
}

Test(scene, scar_fields_have_ranges) {
    smp_scene s;
    cr_assert_eq(load_text("{\"client\":{\"scars\":[{\"type\":\"fut\",\"width_mm\":8}]}}", &s),
                 SMP_OK, "%s", rep.first.message);
    cr_assert_eq(s.client.scar_count, 1);
    cr_assert_float_eq(s.client.scars[0].width_mm, 8, 1e-12);
    cr_assert(isnan(s.client.scars[0].length_mm)); /* null: the scar type's usual length */
    cr_assert(isnan(s.client.scars[0].center_deg[0]));
    cr_assert_neq(load_text("{\"client\":{\"scars\":[{\"type\":\"fut\",\"width_mm\":0}]}}", &s),
                  SMP_OK);
    cr_assert(reported("t.json:1: client.scars[0].width_mm", "found 0"), "%s", rep.first.message);
}

Test(scene, resolved_json_round_trips_bit_exactly) {
    const char *text =
        "{\"seed\": 4000000000, \"client\": {\"skin\": {\"melanin_fraction\": 0.1234567890123,"
        " \"mst\": 9}, \"scars\": [{\"type\": \"burn\", \"points_deg\": [[10, 20], [30, 40.5],"
        " [20, 60]]}]}, \"head\": {\"landmarks\": {\"vertex\": [0.1, 120.3, -5]}},"
        " \"plan\": {\"sessions\": [{\"day\": 0, \"density_fraction\": 0.1}, {\"day\": 1900,"
        " \"kind\": \"touch_up\", \"regions\": [\"bald\", \"scars\"]}]},"
        " \"render\": {\"years\": [0, 0.1, 2.5, 30]}}";
    smp_scene a, b, c;
    cr_assert_eq(load_text(text, &a), SMP_OK, "%s", rep.first.message);
    char *json = smp_scene_to_json(&a);
    cr_assert_not_null(json);
    cr_assert_eq(load_text(json, &b), SMP_OK, "%s\n%s", rep.first.message, json);
    char *again = smp_scene_to_json(&b);
    cr_assert_str_eq(json, again);
    cr_assert(same_scene(&a, &b));
    cr_assert_eq(b.seed, 4000000000UL);
    cr_assert_eq(b.head.landmark_set[SMP_LM_VERTEX], 1);
    cr_assert_eq(b.head.landmark_set[SMP_LM_INION], 0);
    cr_assert_eq(b.plan.sessions[1].region_count, 2);
    /* and through a file on disk, written atomically */
    char path[512];
    snprintf(path, sizeof path, "%s/saved.json", test_tmpdir("scene"));
    smp_error err = {0};
    cr_assert_eq(smp_scene_save(&a, path, &err), SMP_OK, "%s", err.message);
    smp_scene_source src = {.path = path};
    cr_assert_eq(smp_scene_load(&src, &c, &rep), SMP_OK, "%s", rep.first.message);
    cr_assert(same_scene(&a, &c));
    free(json);
    free(again);
}

Test(scene, embedded_default_is_scenes_default_json) {
    size_t size = 0;
    const char *embedded = smp_scene_embedded("default.json", &size);
    cr_assert_not_null(embedded);
    size_t file_size = 0;
    char *file = slurp(SMP_SOURCE_DIR "/scenes/default.json", &file_size);
    cr_assert_not_null(file);
    cr_assert_eq(size, file_size);
    cr_assert_eq(memcmp(embedded, file, size), 0);
    free(file);
    smp_scene s;
    smp_scene_source src = {0};
    cr_assert_eq(smp_scene_load(&src, &s, &rep), SMP_OK, "%s", rep.first.message);
    cr_assert_str_eq(s.client.stage, "V");
    cr_assert_eq(s.plan.session_count, 3);
}

Test(scene, syntax_error_names_line_and_column) {
    smp_scene s;
    cr_assert_eq(load_text("{\n  \"seed\": 1,\n  \"name\": \"x\"\n  \"plan\": {}\n}", &s),
                 SMP_ERR_FORMAT);
    cr_assert(reported("t.json:4:", "not valid JSON"), "%s", rep.first.message);
    cr_assert_eq(load_text("{\"seed\": ", &s), SMP_ERR_FORMAT);
    cr_assert(reported("t.json:1:", "not valid JSON"), "%s", rep.first.message);
    cr_assert_eq(load_text("", &s), SMP_ERR_FORMAT);
}

Test(scene, root_must_be_an_object_and_text) {
    smp_scene s;
    cr_assert_eq(load_text("[1, 2]", &s), SMP_ERR_FORMAT);
    cr_assert(reported("expected a JSON object", NULL), "%s", rep.first.message);
    smp_scene_source src = {.path = "bin.json", .text = "{}\0{}", .text_size = 5};
    cr_assert_eq(smp_scene_load(&src, &s, &rep), SMP_ERR_FORMAT);
    cr_assert(reported("bin.json:1:3", "NUL"), "%s", rep.first.message);
}

Test(scene, unknown_fields_suggest_the_close_or_misplaced_name) {
    smp_scene s;
    cr_assert_eq(load_text("{\"client\": {\"skin\": {\"fitzpatric\": 2}}}", &s), SMP_ERR_FORMAT);
    cr_assert(reported("client.skin.fitzpatric", "did you mean \"fitzpatrick\""), "%s",
              rep.first.message);
    cr_assert_eq(load_text("{\"client\": {\"mts\": 2}}", &s), SMP_ERR_FORMAT);
    cr_assert(reported("client.mts", "client.skin.mst"), "%s", rep.first.message);
    cr_assert_eq(load_text("{\"zebra\": 2}", &s), SMP_ERR_FORMAT);
    cr_assert(reported("zebra", "expected one of: name, description, seed"), "%s",
              rep.first.message);
}

Test(scene, wrong_types_name_the_value_found_and_expected) {
    smp_scene s;
    cr_assert_eq(load_text("{\"seed\": \"one\"}", &s), SMP_ERR_FORMAT);
    cr_assert(reported("seed: found \"one\"", "expected a whole number"), "%s", rep.first.message);
    cr_assert_eq(load_text("{\"client\": {\"skin\": {\"mst\": 4.5}}}", &s), SMP_ERR_FORMAT);
    cr_assert(reported("found 4.5", "whole number from 1 to 10"), "%s", rep.first.message);
    cr_assert_eq(load_text("{\"client\": {\"pattern\": {\"frontal_accentuation\": 1}}}", &s),
                 SMP_ERR_FORMAT);
    cr_assert(reported("found 1", "true or false"), "%s", rep.first.message);
    cr_assert_eq(load_text("{\"plan\": {\"rule\": \"hexagonal\"}}", &s), SMP_ERR_FORMAT);
    cr_assert(reported("plan.rule: found \"hexagonal\"", "\"poisson\" or \"grid\""), "%s",
              rep.first.message);
    cr_assert_eq(load_text("{\"head\": {\"landmarks\": {\"vertex\": [1, 2]}}}", &s),
                 SMP_ERR_FORMAT);
    cr_assert(reported("head.landmarks.vertex", "[x, y, z]"), "%s", rep.first.message);
    cr_assert_eq(load_text("{\"plan\": {\"sessions\": {}}}", &s), SMP_ERR_FORMAT);
    cr_assert(reported("plan.sessions: found an object", "array of objects"), "%s",
              rep.first.message);
    cr_assert_eq(load_text("{\"client\": {\"hair\": {\"color\": \"#12345g\"}}}", &s),
                 SMP_ERR_FORMAT);
    cr_assert(reported("client.hair.color", "#rrggbb"), "%s", rep.first.message);
}

/* An unknown key that reads like an index ("[7777…]") once overflowed the line finder's index
 * (UBSan stopped the run); its error must name the key like any unknown field. */
Test(scene, a_key_like_a_huge_index_is_an_unknown_field_not_an_overflow) {
    smp_scene s;
    cr_assert_eq(load_text("{\n\"[77777777777777777777777777]\": 1}", &s), SMP_ERR_FORMAT);
    cr_assert(reported("[77777777777777777777777777]", "expected one of"), "%s", rep.first.message);
}

Test(scene, several_errors_are_reported_at_once_with_their_lines) {
    const char *text = "{\n"
                       "  \"seed\": -1,\n"
                       "  \"client\": {\n"
                       "    \"skin\": { \"mst\": 0 },\n"
                       "    \"hair\": { \"stubble_mm\": -2 }\n"
                       "  },\n"
                       "  \"plan\": { \"sessions\": [ {},\n"
                       "    { \"day\": 5, \"depth_mm\": 9 } ] },\n"
                       "  \"seed\": 2\n"
                       "}\n";
    smp_scene s;
    cr_assert_eq(load_text(text, &s), SMP_ERR_FORMAT);
    dump();
    cr_assert_eq(rep.count, 5);
    cr_assert(reported("t.json:2: seed", NULL));
    cr_assert(reported("t.json:4: client.skin.mst", NULL));
    cr_assert(reported("t.json:5: client.hair.stubble_mm", NULL));
    cr_assert(reported("t.json:8: plan.sessions[1].depth_mm", "found 9"));
    cr_assert(reported("t.json:9: seed", "duplicate"));
}

Test(scene, rules_across_fields) {
    smp_scene s;
    cr_assert_eq(load_text("{\"client\":{\"pattern\":{\"type\":\"ludwig\",\"stage\":\"V\"}}}", &s),
                 SMP_ERR_FORMAT);
    cr_assert(reported("client.pattern.stage", "Ludwig stage"), "%s", rep.first.message);
    cr_assert_eq(load_text("{\"client\":{\"pattern\":{\"frontal_accentuation\":true}}}", &s),
                 SMP_ERR_FORMAT);
    cr_assert_eq(load_text("{\"plan\":{\"sessions\":[{\"day\":3}]}}", &s), SMP_ERR_FORMAT);
    cr_assert(reported("plan.sessions[0].day", "expected 0"), "%s", rep.first.message);
    cr_assert_eq(load_text("{\"plan\":{\"sessions\":[{},{\"day\":30},{\"day\":30}]}}", &s),
                 SMP_ERR_FORMAT);
    cr_assert(reported("plan.sessions[2].day", "more than 30"), "%s", rep.first.message);
    cr_assert_eq(load_text("{\"plan\":{\"sessions\":[{\"kind\":\"touch_up\"}]}}", &s),
                 SMP_ERR_FORMAT);
    cr_assert_eq(load_text("{\"plan\":{\"sessions\":[{\"density_fraction\":0.8},"
                           "{\"day\":20,\"density_fraction\":0.5}]}}",
                           &s),
                 SMP_ERR_FORMAT);
    cr_assert(reported("plan.sessions[1].density_fraction", "cumulative"), "%s", rep.first.message);
    cr_assert_eq(load_text("{\"render\":{\"years\":[0,5,5]}}", &s), SMP_ERR_FORMAT);
    cr_assert(reported("render.years[2]", NULL), "%s", rep.first.message);
    cr_assert_eq(
        load_text("{\"client\":{\"scars\":[{\"type\":\"burn\",\"points_deg\":[[0,1]]}]}}", &s),
        SMP_ERR_FORMAT);
    cr_assert(reported("client.scars[0].points_deg", "at least 3"), "%s", rep.first.message);
    cr_assert_eq(load_text("{\"plan\":{\"sessions\":[]}}", &s), SMP_OK); /* untreated */
    cr_assert_eq(s.plan.session_count, 0);
}

Test(scene, array_sizes_are_bounded) {
    char text[4096] = "{\"render\":{\"years\":[";
    for (int i = 0; i <= SMP_SCENE_MAX_YEARS; ++i)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%s%d", i ? "," : "", i);
    strcat(text, "]}}");
    smp_scene s;
    cr_assert_eq(load_text(text, &s), SMP_ERR_FORMAT);
    cr_assert(reported("render.years", "at most 16"), "%s", rep.first.message);
}

Test(scene, set_overrides_any_field) {
    const char *sets[] = {"client.skin.mst=8",
                          "client.pattern.stage=VI",
                          "plan.sessions[1].depth_mm=0.5",
                          "render.years=[0, 1, 2]",
                          "name=2024",
                          "plan.sessions[3]={\"day\":1900, "
                          "\"kind\":\"touch_up\"}",
                          "head.landmarks.vertex=[0, 130, 0]"};
    smp_scene_source src = {.sets = sets, .set_count = 7};
    smp_scene s;
    cr_assert_eq(smp_scene_load(&src, &s, &rep), SMP_OK, "%s", rep.first.message);
    cr_assert_eq(s.client.mst, 8);
    cr_assert_str_eq(s.client.stage, "VI");
    cr_assert_float_eq(s.plan.sessions[1].depth_mm, 0.5, 1e-12);
    cr_assert_float_eq(s.plan.sessions[0].depth_mm, 0.4, 1e-12);
    cr_assert_eq(s.year_count, 3);
    cr_assert_str_eq(s.name, "2024");
    cr_assert_eq(s.plan.session_count, 4);
    cr_assert_eq(s.plan.sessions[3].kind, SMP_SESSION_TOUCH_UP);
    cr_assert_float_eq(s.plan.sessions[3].depth_mm, 0.4, 1e-12); /* appended with defaults */
    cr_assert_eq(s.head.landmark_set[SMP_LM_VERTEX], 1);
}

Test(scene, bad_set_is_reported_with_the_option) {
    smp_scene s;
    cr_assert_eq(load_set("client.skin.mst=12", &s), SMP_ERR_FORMAT);
    cr_assert(reported("--set 'client.skin.mst=12': client.skin.mst", "from 1 to 10"), "%s",
              rep.first.message);
    cr_assert_eq(load_set("client.skin.mts=3", &s), SMP_ERR_FORMAT);
    cr_assert(reported("did you mean \"mst\"", NULL), "%s", rep.first.message);
    cr_assert_eq(load_set("plan.sessions[9].day=3", &s), SMP_ERR_FORMAT);
    cr_assert(reported("index 9 out of range", NULL), "%s", rep.first.message);
    cr_assert_eq(load_set("client.skin.mst.deep=3", &s), SMP_ERR_FORMAT);
    cr_assert_eq(load_set("no-equals-sign", &s), SMP_ERR_FORMAT);
    cr_assert(reported("PATH=VALUE", NULL), "%s", rep.first.message);
    cr_assert_eq(load_set("client.skin.mst[0]=3", &s), SMP_ERR_FORMAT);
}

/* Found by fuzzing: a value for a field of a freshly appended array element (whose object has
 * no keys yet) was dropped and leaked, and "[3]regions" with no dot was read as "[3].regions". */
Test(scene, set_on_a_new_array_element_sets_the_field) {
    smp_scene s;
    cr_assert_eq(load_set("plan.sessions[3].day=1900", &s), SMP_OK, "%s", rep.first.message);
    cr_assert_eq(s.plan.session_count, 4);
    cr_assert_eq(s.plan.sessions[3].day, 1900);
    cr_assert_float_eq(s.plan.sessions[3].depth_mm, 0.4, 1e-12); /* the rest from defaults */
    cr_assert_eq(load_set("plan.sessions[3]depth_mm=0.7", &s), SMP_ERR_FORMAT);
    cr_assert(reported("plan.sessions[3]", "malformed path"), "%s", rep.first.message);
}

Test(scene, missing_file_is_an_input_error_naming_it) {
    smp_scene_source src = {.path = "/nonexistent/dir/scene.json"};
    smp_scene s;
    smp_status st = smp_scene_load(&src, &s, &rep);
    cr_assert(smp_status_is_input_error(st));
    cr_assert(reported("/nonexistent/dir/scene.json", NULL), "%s", rep.first.message);
}

Test(scene, save_into_a_missing_directory_fails_and_writes_nothing) {
    smp_scene s;
    smp_scene_defaults(&s);
    char path[512];
    snprintf(path, sizeof path, "%s/no/such/dir/s.json", test_tmpdir("scene-save"));
    smp_error err = {0};
    cr_assert_neq(smp_scene_save(&s, path, &err), SMP_OK);
    cr_assert(!file_exists(path));
}

Test(scene, docs_scene_md_holds_the_generated_reference) {
    char *md = smp_scene_schema_markdown();
    cr_assert_not_null(md);
    char *doc = slurp(SMP_SOURCE_DIR "/docs/SCENE.md", NULL);
    cr_assert_not_null(doc, "docs/SCENE.md is missing");
    cr_assert_not_null(strstr(doc, md), "docs/SCENE.md is out of date: regenerate its table with "
                                        "'smpsim check --schema'");
    free(md);
    free(doc);
}

Test(scene, every_library_scene_is_valid_and_described) {
    DIR *dir = opendir(SMP_SOURCE_DIR "/scenes");
    cr_assert_not_null(dir);
    int count = 0;
    for (struct dirent *e; (e = readdir(dir));) {
        size_t n = strlen(e->d_name);
        if (n < 6 || strcmp(e->d_name + n - 5, ".json") != 0) continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/scenes/%s", SMP_SOURCE_DIR, e->d_name);
        smp_scene_source src = {.path = path};
        smp_scene s;
        cr_assert_eq(smp_scene_load(&src, &s, &rep), SMP_OK, "%s", rep.first.message);
        cr_assert_gt(strlen(s.description), 40, "%s needs a description", e->d_name);
        cr_assert_str_neq(s.name, "Untitled scene", "%s needs a name", e->d_name);
        ++count;
    }
    closedir(dir);
    cr_assert_geq(count, 25, "only %d scenes in the library", count);
}

Test(scene, training_is_off_by_default_and_checked_against_the_plan) {
    smp_scene s;
    cr_assert_eq(load_text("{}", &s), SMP_OK);
    cr_assert_eq(s.training.enabled, 0);
    cr_assert_eq(s.training.region_count, 1);
    cr_assert_eq(s.training.regions[0], SMP_REGION_BALD);
    cr_assert_eq(load_text("{\"training\":{\"enabled\":true,\"session\":3}}", &s), SMP_ERR_FORMAT);
    cr_assert(reported("training.session", "a session of the plan (0..2)"), "%s",
              rep.first.message);
    cr_assert_eq(load_text("{\"plan\":{\"sessions\":[{},{\"day\":900,\"kind\":\"touch_up\"}]},"
                           "\"training\":{\"enabled\":true,\"session\":1}}",
                           &s),
                 SMP_ERR_FORMAT);
    cr_assert(reported("training.session", "touch-up"), "%s", rep.first.message);
    cr_assert_eq(load_text("{\"training\":{\"regions\":[]}}", &s), SMP_ERR_FORMAT);
    cr_assert(reported("training.regions", "at least one region"), "%s", rep.first.message);
    cr_assert_eq(load_text("{\"training\":{\"dilution\":0.99}}", &s), SMP_ERR_FORMAT);
    cr_assert(reported("training.dilution", NULL), "%s", rep.first.message);
    cr_assert_eq(load_text("{\"training\":{\"enabled\":true,\"session\":1,\"regions\":[\"scars\"],"
                           "\"hairline\":true,\"stroke_rate_hz\":12}}",
                           &s),
                 SMP_OK);
    cr_assert(s.training.enabled && s.training.hairline && s.training.session == 1);
    cr_assert_eq(s.training.regions[0], SMP_REGION_SCARS);
    cr_assert_eq(s.training.stroke_rate_hz, 12.0);
    /* the resolved text carries the exercise and loads back to the same scene */
    char *json = smp_scene_to_json(&s);
    smp_scene back;
    cr_assert_eq(load_text(json, &back), SMP_OK);
    free(json);
    cr_assert(same_scene(&s, &back));
}

Test(scene, every_training_scene_is_a_valid_exercise) {
    DIR *dir = opendir(SMP_SOURCE_DIR "/scenes/training");
    cr_assert_not_null(dir);
    int count = 0;
    for (struct dirent *e; (e = readdir(dir));) {
        size_t n = strlen(e->d_name);
        if (n < 6 || strcmp(e->d_name + n - 5, ".json") != 0) continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/scenes/training/%s", SMP_SOURCE_DIR, e->d_name);
        smp_scene_source src = {.path = path};
        smp_scene s;
        cr_assert_eq(smp_scene_load(&src, &s, &rep), SMP_OK, "%s", rep.first.message);
        cr_assert(s.training.enabled, "%s is an exercise", e->d_name);
        cr_assert_gt(strlen(s.description), 40, "%s needs a description", e->d_name);
        ++count;
    }
    closedir(dir);
    cr_assert_geq(count, 4, "only %d training scenes", count);
}

/* A file of many errors: the first SMP_SCENE_MAX_MESSAGES are kept, located and worded, the
 * rest only counted (each kept one costs a scan of the text; the others cost nothing, so
 * 40,000 unknown keys take milliseconds, not the half minute they took when every one was
 * located). Unknown keys and repeats of a known one alike. */
Test(scene, many_errors_are_counted_past_the_kept_ones) {
    enum { UNKNOWN = 20000, REPEATS = 20000 };
    size_t cap = 64 * (UNKNOWN + REPEATS) + 64, used = 0;
    char *text = malloc(cap);
    cr_assert_not_null(text);
    used += (size_t)snprintf(text + used, cap - used, "{\n");
    for (int i = 0; i < UNKNOWN; ++i)
        used += (size_t)snprintf(text + used, cap - used, "  \"k%05d\": 1,\n", i);
    for (int i = 0; i < REPEATS; ++i)
        used += (size_t)snprintf(text + used, cap - used, "  \"seed\": %d,\n", i);
    used += (size_t)snprintf(text + used, cap - used, "  \"name\": \"x\"\n}\n");
    smp_scene_source src = {.path = "many.json", .text = text, .text_size = used};
    smp_scene s;
    smp_scene_report many = {0};
    cr_assert_eq(smp_scene_load(&src, &s, &many), SMP_ERR_FORMAT);
    cr_assert_eq(many.count, SMP_SCENE_MAX_MESSAGES);
    cr_assert_eq(many.count + many.dropped, UNKNOWN + REPEATS - 1, "%d kept + %d dropped",
                 many.count, many.dropped);
    cr_assert_not_null(strstr(many.messages[0], "many.json:2: k00000: unknown field"), "%s",
                       many.messages[0]);
    free(text);
}

/* No sunscreen is written as a client says it: "none" or 0 as well as SPF 1, in a file and on
 * --set; it is saved as "none" and loads back the same; anything else below 1 is refused. */
Test(scene, no_sunscreen_is_none_or_0_or_1) {
    smp_scene s;
    const char *ways[] = {"lifestyle.sunscreen_spf=none", "lifestyle.sunscreen_spf=0",
                          "lifestyle.sunscreen_spf=1"};
    for (int i = 0; i < 3; ++i) {
        cr_assert_eq(load_set(ways[i], &s), SMP_OK, "%s", ways[i]);
        cr_assert_float_eq(s.sunscreen_spf, 1.0, 1e-12, "%s", ways[i]);
    }
    cr_assert_eq(load_text("{\"lifestyle\": {\"sunscreen_spf\": \"none\"}}", &s), SMP_OK);
    cr_assert_float_eq(s.sunscreen_spf, 1.0, 1e-12);
    char *json = smp_scene_to_json(&s);
    cr_assert_not_null(strstr(json, "\"sunscreen_spf\": \"none\""), "%s", json);
    smp_scene back;
    cr_assert_eq(load_text(json, &back), SMP_OK);
    cr_assert(same_scene(&s, &back), "a scene with no sunscreen does not load back the same");
    free(json);
    cr_assert_eq(load_set("lifestyle.sunscreen_spf=50", &s), SMP_OK);
    cr_assert_float_eq(s.sunscreen_spf, 50.0, 1e-12);
    const char *bad[] = {"lifestyle.sunscreen_spf=0.5", "lifestyle.sunscreen_spf=nothing",
                         "lifestyle.sunscreen_spf=-1"};
    for (int i = 0; i < 3; ++i) {
        cr_assert_eq(load_set(bad[i], &s), SMP_ERR_FORMAT, "%s accepted", bad[i]);
        cr_assert(reported("lifestyle.sunscreen_spf", "0 or \"none\""), "%s", bad[i]);
    }
}

/* ---- scenarios (smp/scenario.h) ------------------------------------------------------------ */

Test(scene, a_scenario_is_a_label_and_set_overrides) {
    smp_scenario sc;
    smp_error e = {0};
    cr_assert_eq(smp_scenario_parse(" SPF 50 : lifestyle.sunscreen_spf=50 ;; lifestyle"
                                    ".outdoor_hours_per_day=5 ",
                                    &sc, &e),
                 SMP_OK, "%s", e.message);
    cr_assert_str_eq(sc.label, "SPF 50");
    cr_assert_eq(sc.set_count, 2);
    cr_assert_str_eq(sc.sets[0], "lifestyle.sunscreen_spf=50");
    cr_assert_str_eq(sc.sets[1], "lifestyle.outdoor_hours_per_day=5");
    /* no label: the first override names it; a colon inside a value is not a label's end */
    cr_assert_eq(smp_scenario_parse("client.name=Dr: Who", &sc, &e), SMP_OK, "%s", e.message);
    cr_assert_str_eq(sc.label, "client.name=Dr: Who");
    cr_assert_eq(sc.set_count, 1);
    /* what is refused says what it found */
    const char *bad[] = {"SPF 50:", "SPF 50: sunscreen", "=5", "",
                         "x: a=1; b=2; c=3; d=4; e=5; "
                         "f=6; g=7; h=8; i=9; j=10; k=11; l=12; m=13; n=14; o=15; p=16; q=17"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
        e = (smp_error){0};
        cr_assert_eq(smp_scenario_parse(bad[i], &sc, &e), SMP_ERR_INVALID_ARG, "'%s'", bad[i]);
        cr_assert(strstr(e.message, "expected") || strstr(e.message, "more than"), "%s", e.message);
    }
    char long_spec[700];
    memset(long_spec, 'a', sizeof long_spec - 1);
    long_spec[sizeof long_spec - 1] = '\0';
    cr_assert_eq(smp_scenario_parse(long_spec, &sc, &e), SMP_ERR_INVALID_ARG);
    cr_assert(strstr(e.message, "longer than"), "%s", e.message);
}

Test(scene, a_scenario_applies_to_a_scene_and_names_the_field_it_cannot_set) {
    smp_scene base, out;
    smp_scene_source src = {0};
    cr_assert_eq(smp_scene_load(&src, &base, &rep), SMP_OK);
    smp_scenario sc;
    smp_error e = {0};
    cr_assert_eq(smp_scenario_parse("No sunscreen, outdoors: lifestyle.sunscreen_spf=none; "
                                    "lifestyle.outdoor_hours_per_day=6",
                                    &sc, &e),
                 SMP_OK);
    cr_assert_eq(smp_scenario_apply(&base, &sc, &out, &rep), SMP_OK, "%s", rep.first.message);
    cr_assert_float_eq(out.sunscreen_spf, 1.0, 0.0);
    cr_assert_float_eq(out.outdoor_hours_per_day, 6.0, 0.0);
    cr_assert_eq(out.plan.session_count, base.plan.session_count); /* the rest as it was */
    cr_assert_float_eq(out.plan.full_density_per_cm2, base.plan.full_density_per_cm2, 0.0);
    /* a touch-up appended after the plan's sessions */
    char spec[256];
    snprintf(spec, sizeof spec, "Touch-up: plan.sessions[%d]={\"kind\":\"touch_up\",\"day\":1600}",
             base.plan.session_count);
    cr_assert_eq(smp_scenario_parse(spec, &sc, &e), SMP_OK);
    cr_assert_eq(smp_scenario_apply(&base, &sc, &out, &rep), SMP_OK, "%s", rep.first.message);
    cr_assert_eq(out.plan.session_count, base.plan.session_count + 1);
    /* an unknown field and a value out of range are refused, naming them */
    cr_assert_eq(smp_scenario_parse("x: lifestyle.sunblock=50", &sc, &e), SMP_OK);
    cr_assert_neq(smp_scenario_apply(&base, &sc, &out, &rep), SMP_OK);
    cr_assert(strstr(rep.first.message, "sunblock"), "%s", rep.first.message);
    cr_assert_eq(smp_scenario_parse("x: lifestyle.outdoor_hours_per_day=30", &sc, &e), SMP_OK);
    cr_assert_neq(smp_scenario_apply(&base, &sc, &out, &rep), SMP_OK);
    cr_assert(strstr(rep.first.message, "outdoor_hours_per_day"), "%s", rep.first.message);
}

/* Scenes are JSON as RFC 8259 writes it: what cJSON alone would take is refused with its line
 * and column; --set values are read as JSON as strictly (a leading zero makes a word). */
Test(scene, text_the_json_standard_refuses_is_refused_where_it_is) {
    smp_scene s;
    const struct {
        const char *text, *where, *what;
    } bad[] = {
        {"{\n  \"name\": \"tab\there\"\n}", "t.json:2:15", "control character"},
        {"{\n  \"seed\": 0042\n}", "t.json:2:11", "leading zero"},
        {"{\"name\": \"\xc3\x28\"}", "t.json:1:11", "not UTF-8"},
        {"{\"name\": \"x\"} {}", "t.json:1:15", "more after the value"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
        cr_assert_eq(load_text(bad[i].text, &s), SMP_ERR_FORMAT, "'%s' loaded", bad[i].text);
        cr_assert_not_null(strstr(rep.messages[0], bad[i].where), "%s", rep.messages[0]);
        cr_assert_not_null(strstr(rep.messages[0], bad[i].what), "%s", rep.messages[0]);
    }
    const char *sets[] = {"client.skin.mst=007"};
    smp_scene_source src = {.sets = sets, .set_count = 1};
    cr_assert_neq(smp_scene_load(&src, &s, &rep), SMP_OK);
    cr_assert_not_null(strstr(rep.messages[0], "found \"007\""), "%s", rep.messages[0]);
    /* a text that is not UTF-8 would make a scene file no reader takes (found by fuzzing:
     * it loaded, then its own printed JSON was refused) */
    sets[0] = "name=ab\xff\xfe";
    cr_assert_neq(smp_scene_load(&src, &s, &rep), SMP_OK);
    cr_assert_not_null(strstr(rep.messages[0], "not UTF-8 text (byte 0xff at 2)"), "%s",
                       rep.messages[0]);
}

/* Memory that runs out while a valid scene is read is said to be that, with the size, not
 * blamed on the file. The scene is read in a child process whose address space is capped. */
Test(scene, running_out_of_memory_is_reported_as_such) {
#if defined(__SANITIZE_ADDRESS__)
    cr_skip_test("no address-space limit under AddressSanitizer");
#endif
    /* 1.5 million numbers: 6 MB of text, a cJSON tree of about 100 MB */
    size_t n = 1500000, cap = n * 4 + 64;
    char *text = malloc(cap);
    cr_assert_not_null(text);
    size_t k = (size_t)snprintf(text, cap, "{\"x\": [");
    for (size_t i = 0; i < n; ++i) memcpy(text + k, i ? ",10" : "10", i ? 3 : 2), k += i ? 3 : 2;
    k += (size_t)snprintf(text + k, cap - k, "]}");
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        struct rlimit lim = {64u << 20, 64u << 20}; /* above what is mapped, below the tree */
        struct rlimit now;
        getrlimit(RLIMIT_AS, &now);
        FILE *maps = fopen("/proc/self/statm", "r");
        unsigned long pages = 0;
        if (maps && fscanf(maps, "%lu", &pages) == 1)
            lim.rlim_cur = lim.rlim_max =
                pages * (unsigned long)sysconf(_SC_PAGESIZE) + (48u << 20);
        if (maps) fclose(maps);
        if (setrlimit(RLIMIT_AS, &lim) != 0) _exit(3);
        smp_scene s;
        smp_scene_source src = {.path = "big.json", .text = text, .text_size = k};
        smp_status st = smp_scene_load(&src, &s, &rep);
        _exit(st == SMP_ERR_NOMEM && strstr(rep.messages[0], "big.json: out of memory reading")
                  ? 0
                  : 4);
    }
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
    free(text);
}
