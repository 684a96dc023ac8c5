/* The viewer driven as a person drives it: key presses, clicks, drags, the wheel and typing
 * arrive as X events (xdotool's XTEST, the path a keyboard and a mouse take) on a private
 * Xvfb, and the viewer's state is read back between them (tests/support.h, live_view). The
 * window is 1280x720: the scene panel covers x 12..352, the right column x 928..1268 from
 * y 12, the timeline the bottom 126 pixels; the head is drawn around the middle. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scan_mesh.h"
#include "smp/head.h"
#include "support.h"

static live_view g_lv;
static char *g_state;

static void start(const char *setup) {
    char err[4096];
    int rc = live_view_start(&g_lv, setup, NULL, err, sizeof err);
    cr_assert_eq(rc, 0, "%s", err);
}

/* xdotool with these arguments; %w is the window. */
#define XDO(...)                                                                                   \
    do {                                                                                           \
        const char *xdo_args_[] = {__VA_ARGS__, NULL};                                             \
        cr_assert_eq(live_view_xdo(&g_lv, xdo_args_), 0, "xdotool %s %s failed", xdo_args_[0],     \
                     xdo_args_[1] ? xdo_args_[1] : "");                                            \
    } while (0)

/* Presses keys (xdotool key names) and reads the state that follows. */
static const char *after(void) {
    free(g_state);
    g_state = live_view_state(&g_lv);
    cr_assert_not_null(g_state, "the viewer stopped answering");
    return g_state;
}

static const char *keys(const char *names) {
    char list[256];
    snprintf(list, sizeof list, "%s", names);
    const char *args[32] = {"key", "--delay", "30"};
    int n = 3;
    for (char *k = strtok(list, " "); k && n < 31; k = strtok(NULL, " ")) args[n++] = k;
    args[n] = NULL;
    cr_assert_eq(live_view_xdo(&g_lv, args), 0, "xdotool key %s failed", names);
    return after();
}

static void assert_str(const char *json, const char *key, const char *expected, const char *why) {
    char got[64];
    json_string(json, key, got, sizeof got);
    cr_assert_str_eq(got, expected, "%s: %s is '%s', expected '%s'\n%s", why, key, got, expected,
                     json);
}

static void assert_flag(const char *json, const char *key, int expected, const char *why) {
    double got = json_number(json, key);
    cr_assert(got == expected, "%s: %s is %g, expected %d\n%s", why, key, got, expected, json);
}

/* The viewer exits by Esc, with status 0. */
static void quit_with_escape(void) {
    XDO("key", "Escape");
    char *err = NULL;
    int rc = live_view_finish(&g_lv, &err);
    cr_assert_eq(rc, 0, "Esc did not close the viewer cleanly (exit %d)\n%s", rc, err);
    free(err);
    free(g_state);
    g_state = NULL;
}

static void at(int x, int y) {
    char sx[16], sy[16];
    snprintf(sx, sizeof sx, "%d", x);
    snprintf(sy, sizeof sy, "%d", y);
    XDO("mousemove", "--window", "%w", sx, sy);
}

/* A drag with button b from (x0, y0) to (x1, y1) in steps, as a hand moves. */
static void drag(const char *b, int x0, int y0, int x1, int y1) {
    at(x0, y0);
    XDO("mousedown", b);
    for (int i = 1; i <= 8; ++i) {
        at(x0 + (x1 - x0) * i / 8, y0 + (y1 - y0) * i / 8);
        sleep_ms(20);
    }
    XDO("mouseup", b);
}

/* The state once widget (a name in the state's widgets) is in view: the wheel over the right
 * column scrolls it down a notch at a time until it shows. */
static const char *reveal(const char *widget) {
    const char *s = after();
    for (int i = 0; i < 12 && json_array_item(s, widget, 3) <= 0; ++i) {
        at(1100, 400);
        XDO("click", "5");
        s = after();
    }
    cr_assert_gt(json_array_item(s, widget, 3), 0, "%s is not in view\n%s", widget, s);
    return s;
}

TestSuite(view_input, .timeout = 400);

Test(view_input, every_documented_key_works) {
    start("");
    const char *s = after();
    assert_str(s, "view", "three-quarter", "the viewer opens");
    assert_flag(s, "dots", 1, "the viewer opens");
    assert_flag(s, "panels", 1, "the viewer opens");
    at(640, 330);
    assert_str(keys("2"), "view", "back", "key 2");
    assert_str(keys("5"), "view", "top", "key 5");
    assert_str(keys("7"), "view", "closeup", "key 7");
    assert_str(keys("r"), "view", "three-quarter", "key R");
    assert_str(keys("1"), "view", "front", "key 1");
    s = keys("d h");
    assert_flag(s, "dots", 0, "key D");
    assert_flag(s, "hair", 0, "key H");
    s = keys("d h");
    assert_flag(s, "dots", 1, "key D again");
    assert_flag(s, "hair", 1, "key H again");
    assert_flag(keys("Tab"), "panels", 0, "Tab");
    assert_flag(keys("Tab"), "panels", 1, "Tab again");
    assert_str(keys("c"), "compare", "split", "key C");
    assert_str(keys("c"), "compare", "side", "key C twice");
    assert_str(keys("c"), "compare", "off", "key C three times");
    /* healed is a month after completion: Right goes to year 1, then 2; Left back to 1 */
    double y = json_number(keys("Right"), "years_after_completion");
    cr_assert(fabs(y - 1.0) < 1e-3, "Right: year %.3f, expected 1", y);
    y = json_number(keys("Right"), "years_after_completion");
    cr_assert(fabs(y - 2.0) < 1e-3, "Right twice: year %.3f, expected 2", y);
    y = json_number(keys("Left"), "years_after_completion");
    cr_assert(fabs(y - 1.0) < 1e-3, "Left: year %.3f, expected 1", y);
    assert_flag(keys("space"), "playing", 1, "Space");
    assert_flag(keys("space"), "playing", 0, "Space again");
    assert_flag(keys("question"), "help", 1, "?");
    assert_flag(keys("Escape"), "help", 0, "Esc with the help open closes the help only");
    assert_flag(keys("F1"), "help", 1, "F1");
    assert_flag(keys("F1"), "help", 0, "F1 again");
    quit_with_escape();
}

Test(view_input, the_mouse_orbits_pans_zooms_and_focuses) {
    start("");
    const char *s = after();
    double yaw0 = json_number(s, "yaw"), d0 = json_number(s, "distance");
    /* left drag 120 px to the right: the head turns (0.008 rad a pixel) */
    drag("1", 580, 330, 700, 330);
    s = after();
    assert_str(s, "view", "free", "after a left drag");
    double yaw1 = json_number(s, "yaw");
    cr_assert(fabs((yaw1 - yaw0) + 0.96) < 0.15, "left drag turned the yaw by %.3f, expected -0.96",
              yaw1 - yaw0);
    /* three notches of the wheel towards the head: 0.88^3 of the distance */
    at(640, 330);
    XDO("click", "--repeat", "3", "--delay", "40", "4");
    s = after();
    double d1 = json_number(s, "distance");
    cr_assert(fabs(d1 / d0 - 0.88 * 0.88 * 0.88) < 0.02, "wheel: distance %.1f -> %.1f", d0, d1);
    /* the wheel over a panel scrolls the panel, not the camera */
    at(180, 300);
    XDO("click", "--repeat", "3", "--delay", "40", "4");
    s = after();
    cr_assert_float_eq(json_number(s, "distance"), d1, 0.01,
                       "the wheel over a panel zoomed: distance %.2f -> %.2f", d1,
                       json_number(s, "distance"));
    /* right drag pans: the target moves, the yaw stays */
    double tx0 = json_array_item(s, "target", 0), ty0 = json_array_item(s, "target", 1);
    drag("3", 640, 330, 700, 280);
    s = after();
    double tx1 = json_array_item(s, "target", 0), ty1 = json_array_item(s, "target", 1);
    cr_assert(hypot(tx1 - tx0, ty1 - ty0) > 5.0,
              "right drag did not pan: (%.1f, %.1f) -> (%.1f, "
              "%.1f)",
              tx0, ty0, tx1, ty1);
    cr_assert_float_eq(json_number(s, "yaw"), yaw1, 1e-3, "right drag turned the head");
    /* a double click on the head glides a third closer to the point */
    double d2 = json_number(s, "distance");
    at(640, 360);
    XDO("click", "--repeat", "2", "--delay", "60", "1");
    sleep_ms(800); /* the glide: 90 % in a quarter second */
    s = after();
    double d3 = json_number(s, "distance");
    cr_assert(d3 < 0.85 * d2, "double click: distance %.1f -> %.1f", d2, d3);
    quit_with_escape();
}

Test(view_input, typing_goes_to_the_field_and_widgets_answer_clicks) {
    start("");
    const char *s = reveal("save_field");
    double fx = json_array_item(s, "save_field", 0), fy = json_array_item(s, "save_field", 1),
           fw = json_array_item(s, "save_field", 2), fh = json_array_item(s, "save_field", 3);
    cr_assert(fw > 20 && fh > 5, "the Save field is not drawn\n%s", s);
    char path[1200];
    snprintf(path, sizeof path, "%s/typed-dht.json", g_lv.dir);
    /* click into the field, select what is there, type a path full of shortcut letters */
    at((int)(fx + fw / 2), (int)(fy + fh / 2));
    XDO("click", "1");
    XDO("key", "ctrl+a");
    XDO("type", "--delay", "15", path);
    s = after();
    assert_flag(s, "dots", 1, "typing 'd' into a field");
    assert_flag(s, "hair", 1, "typing 'h' into a field");
    assert_flag(s, "training", 0, "typing 't' into a field");
    char typed[1300];
    json_string(s, "save_field_text", typed, sizeof typed);
    cr_assert_str_eq(typed, path, "the Save field holds '%s'", typed);
    XDO("key", "Return");
    s = after();
    cr_assert(file_exists(path), "Enter in the Save field did not save %s\n%s", path, s);
    /* a click on the head leaves the field: keys are shortcuts again */
    at(640, 330);
    XDO("click", "1");
    assert_flag(keys("d"), "dots", 0, "D after leaving the field");
    /* the Dots checkbox, at the foot of the Scene panel: the wheel over the panel scrolls
     * it into view */
    at(180, 300);
    XDO("click", "--repeat", "6", "--delay", "30", "5");
    s = after();
    double cx = json_array_item(s, "dots_checkbox", 0), cy = json_array_item(s, "dots_checkbox", 1),
           ch = json_array_item(s, "dots_checkbox", 3);
    cr_assert(ch > 5, "the Dots checkbox is not drawn\n%s", s);
    at((int)(cx + ch / 2), (int)(cy + ch / 2));
    XDO("click", "1");
    s = after();
    assert_flag(s, "dots", 1, "a click on the Dots checkbox");
    /* a click three quarters along the timeline: the year under the pointer */
    double tx = json_array_item(s, "timeline_slider", 0),
           ty = json_array_item(s, "timeline_slider", 1),
           tw = json_array_item(s, "timeline_slider", 2),
           th = json_array_item(s, "timeline_slider", 3);
    cr_assert(tw > 100, "the timeline is not drawn\n%s", s);
    double y0 = json_number(s, "years_after_completion");
    at((int)(tx + 0.75 * tw), (int)(ty + th / 2));
    XDO("click", "1");
    double y1 = json_number(after(), "years_after_completion");
    /* the slider runs from the first session (a few months before completion) to year 20 */
    cr_assert(y1 > 13.0 && y1 < 16.0, "timeline click at 3/4: year %.2f -> %.2f", y0, y1);
    quit_with_escape();
}

Test(view_input, training_mode_answers_keys_and_clicks) {
    start("");
    at(640, 330);
    assert_flag(keys("t"), "training", 1, "key T");
    keys("5");
    sleep_ms(600); /* the glide to the top view */
    const char *s = after();
    assert_str(s, "view", "top", "key 5 in training");
    /* a left click on the scalp is one puncture */
    at(640, 330);
    XDO("click", "1");
    s = after();
    cr_assert_eq((int)json_number(s, "punctures"), 1, "a click gave %g punctures",
                 json_number(s, "punctures"));
    assert_flag(keys("ctrl+z"), "punctures", 0, "Ctrl+Z");
    assert_flag(keys("ctrl+y"), "punctures", 1, "Ctrl+Y");
    assert_flag(keys("ctrl+z"), "punctures", 0, "Ctrl+Z again");
    assert_flag(keys("ctrl+shift+z"), "punctures", 1, "Ctrl+Shift+Z");
    /* a held left drag punctures along the way (8 a second by default) */
    at(600, 330);
    XDO("mousedown", "1");
    for (int i = 1; i <= 20; ++i) {
        at(600 + 4 * i, 330);
        sleep_ms(50);
    }
    XDO("mouseup", "1");
    s = after();
    double n = json_number(s, "punctures");
    cr_assert(n >= 4, "a 1 s stroke gave %g punctures in all", n);
    /* right drag orbits in training, and punctures nothing */
    drag("3", 640, 330, 720, 330);
    s = after();
    assert_str(s, "view", "free", "right drag in training");
    cr_assert_float_eq(json_number(s, "punctures"), n, 0.5, "right drag punctured");
    assert_flag(keys("p"), "projection", 1, "key P");
    assert_flag(keys("p"), "projection", 0, "key P again");
    /* unsaved punctures: T asks before leaving, Esc keeps working, Done asks again, and
     * Leave without saving ends training */
    s = keys("t");
    assert_flag(s, "training", 1, "T with unsaved punctures");
    assert_flag(s, "training_asks_before_leaving", 1, "T with unsaved punctures");
    s = keys("Escape");
    assert_flag(s, "training", 1, "Esc while asked");
    assert_flag(s, "training_asks_before_leaving", 0, "Esc keeps working");
    double x = json_array_item(s, "train_done", 0), y = json_array_item(s, "train_done", 1),
           h = json_array_item(s, "train_done", 3);
    cr_assert_gt(h, 0, "Done is not drawn\n%s", s);
    at((int)x + 8, (int)(y + h / 2));
    XDO("click", "1");
    s = after();
    assert_flag(s, "training_asks_before_leaving", 1, "Done with unsaved punctures");
    x = json_array_item(s, "train_discard", 0), y = json_array_item(s, "train_discard", 1),
    h = json_array_item(s, "train_discard", 3);
    cr_assert_gt(h, 0, "Leave without saving is not drawn\n%s", s);
    at((int)x + 8, (int)(y + h / 2));
    XDO("click", "1");
    assert_flag(after(), "training", 0, "Leave without saving");
    quit_with_escape();
}

/* Ctrl+Z and Ctrl+Y undo and redo scene edits (a set in the script is one step each). */
Test(view_input, ctrl_z_undoes_scene_edits_and_ctrl_y_redoes_them) {
    start("set client.skin.mst=8\nset lifestyle.sunscreen_spf=50");
    const char *s = after();
    cr_assert_eq((int)json_number(s, "mst"), 8, "\n%s", s);
    cr_assert_eq((int)json_number(s, "undo_steps"), 2, "two accepted edits\n%s", s);
    at(640, 330);
    s = keys("ctrl+z");
    cr_assert_float_eq(json_number(s, "sunscreen_spf"), 1.0, 1e-9, "Ctrl+Z: \n%s", s);
    cr_assert_eq((int)json_number(s, "mst"), 8, "Ctrl+Z took two steps\n%s", s);
    s = keys("ctrl+z");
    cr_assert_eq((int)json_number(s, "mst"), 4, "Ctrl+Z twice\n%s", s);
    cr_assert_eq((int)json_number(s, "redo_steps"), 2, "\n%s", s);
    s = keys("ctrl+y");
    cr_assert_eq((int)json_number(s, "mst"), 8, "Ctrl+Y\n%s", s);
    s = keys("ctrl+shift+z");
    cr_assert_float_eq(json_number(s, "sunscreen_spf"), 50.0, 1e-9, "Ctrl+Shift+Z\n%s", s);
    quit_with_escape();
}

/* A number typed into a slider (Ctrl+click, type, Enter) is checked once, when committed: an
 * out-of-range one is refused by its field (no line of a file nobody wrote) and changes
 * nothing; "45" is one edit, not "4" then "45". */
Test(view_input, a_typed_number_counts_when_committed) {
    start("");
    const char *s = after();
    double x = json_array_item(s, "spf_slider", 0), y = json_array_item(s, "spf_slider", 1),
           w = json_array_item(s, "spf_slider", 2), h = json_array_item(s, "spf_slider", 3);
    cr_assert(w > 20 && h > 5, "the sunscreen slider is not drawn\n%s", s);
    int undo0 = (int)json_number(s, "undo_steps");
    char sx[16], sy[16];
    snprintf(sx, sizeof sx, "%d", (int)(x + w / 2));
    snprintf(sy, sizeof sy, "%d", (int)(y + h / 2));
    XDO("mousemove", "--window", "%w", sx, sy);
    XDO("keydown", "ctrl");
    XDO("click", "1");
    XDO("keyup", "ctrl");
    XDO("key", "ctrl+a");
    XDO("type", "150");
    s = after();
    cr_assert_float_eq(json_number(s, "sunscreen_spf"), 1.0, 1e-9, "changed while typing\n%s", s);
    XDO("key", "Return");
    s = after();
    cr_assert_float_eq(json_number(s, "sunscreen_spf"), 1.0, 1e-9, "150 accepted\n%s", s);
    char status[512];
    json_string(s, "status", status, sizeof status);
    cr_assert_not_null(strstr(status, "lifestyle.sunscreen_spf"), "status: %s", status);
    cr_assert_null(strstr(status, "default.json"), "status: %s", status);
    cr_assert_null(strstr(status, "built-in"), "status: %s", status);
    XDO("keydown", "ctrl");
    XDO("click", "1");
    XDO("keyup", "ctrl");
    XDO("key", "ctrl+a");
    XDO("type", "45");
    XDO("key", "Return");
    s = after();
    cr_assert_float_eq(json_number(s, "sunscreen_spf"), 45.0, 1e-9, "45 not taken\n%s", s);
    cr_assert_eq((int)json_number(s, "undo_steps"), undo0 + 1, "typing 45 made %d steps\n%s",
                 (int)json_number(s, "undo_steps") - undo0, s);
    quit_with_escape();
}

/* The case is the client's: his name typed into the Case section is saved in the scene, and
 * Save starts on a new file, never on the library scene that was opened. */
Test(view_input, the_client_is_named_and_a_library_scene_is_never_the_default_save) {
    char err_text[4096];
    const char *args[] = {SMP_SOURCE_DIR "/scenes/sun-spf50.json", NULL};
    cr_assert_eq(live_view_start(&g_lv, "", args, err_text, sizeof err_text), 0, "%s", err_text);
    const char *s = after();
    char text[1100];
    json_string(s, "save_field_text", text, sizeof text);
    cr_assert_str_eq(text, "sun-spf50-edited.json", "Save starts on '%s'", text);
    json_string(s, "scene_file", text, sizeof text);
    cr_assert_not_null(strstr(text, "scenes/sun-spf50.json"), "%s", text);
    double hx = json_array_item(s, "case_header", 0), hy = json_array_item(s, "case_header", 1),
           hh = json_array_item(s, "case_header", 3);
    cr_assert(hh > 5, "the Case header is not drawn\n%s", s);
    at((int)(hx + 40), (int)(hy + hh / 2)); /* open the section */
    XDO("click", "1");
    s = after();
    double x = json_array_item(s, "client_field", 0), y = json_array_item(s, "client_field", 1),
           w = json_array_item(s, "client_field", 2), h = json_array_item(s, "client_field", 3);
    cr_assert(w > 20 && h > 5, "the client field is not drawn\n%s", s);
    at((int)(x + w / 2), (int)(y + h / 2));
    XDO("click", "1");
    XDO("type", "--delay", "15", "Sam Example");
    XDO("key", "Return");
    s = after();
    json_string(s, "client_name", text, sizeof text);
    cr_assert_str_eq(text, "Sam Example", "the client is '%s'\n%s", text, s);
    cr_assert_eq((int)json_number(s, "dots"), 1, "typing the name toggled dots (D)\n%s", s);
    quit_with_escape();
}

/* A scenario typed into the Compare section's field is built beside the plan; S hides and
 * shows it; one that names an unknown field is refused, naming it, and the last one stays. */
Test(view_input, a_typed_scenario_is_compared_and_s_toggles_it) {
    start("");
    const char *s = after();
    double x = json_array_item(s, "scenario_field", 0), y = json_array_item(s, "scenario_field", 1),
           w = json_array_item(s, "scenario_field", 2), h = json_array_item(s, "scenario_field", 3);
    cr_assert(w > 20 && h > 5, "the scenario field is not drawn\n%s", s);
    at((int)(x + w / 2), (int)(y + h / 2));
    XDO("click", "1");
    XDO("type", "--delay", "10", "SPF 50: lifestyle.sunscreen_spf=50");
    XDO("key", "Return");
    s = after();
    assert_str(s, "scenario", "SPF 50", "typed and committed");
    assert_flag(s, "scenario_shown", 1, "a scenario set is shown");
    assert_str(s, "compare", "side", "a scenario opens the comparison side by side");
    assert_flag(s, "dots", 1, "typing 'd' into the field toggled the dots");
    s = keys("s");
    assert_flag(s, "scenario_shown", 0, "S hides the scenario");
    s = keys("s");
    assert_flag(s, "scenario_shown", 1, "S shows it again");
    /* a refused one: the field is selected whole (Ctrl+A) and typed over */
    at((int)(x + w / 2), (int)(y + h / 2));
    XDO("click", "1");
    XDO("key", "ctrl+a");
    XDO("type", "--delay", "10", "Oops: lifestyle.sunblock=50");
    XDO("key", "Return");
    s = after();
    char status[512];
    json_string(s, "status", status, sizeof status);
    cr_assert_not_null(strstr(status, "sunblock"), "the refusal does not name the field: %s",
                       status);
    assert_str(s, "scenario", "SPF 50", "a refused scenario keeps the last");
    assert_flag(s, "scenario_shown", 1, "a refused scenario keeps the last on screen");
    quit_with_escape();
}

/* The file browser with the mouse and keyboard: Open... lists the scene's folder (folders
 * first), a double click opens a scene; Save as... offers the Save field's name, typed over it
 * saves NAME.json there, and onto a file that exists asks once (Replace) before writing over
 * it; Esc closes the browser, not the window. */
Test(view_input, the_file_browser_opens_and_saves_as_with_clicks_and_typing) {
    char dir[512], a[700], b[700], c[700], sub[700], setup[800];
    snprintf(dir, sizeof dir, "%s", test_tmpdir("browser"));
    snprintf(a, sizeof a, "%s/a.json", dir);
    snprintf(b, sizeof b, "%s/b.json", dir);
    snprintf(c, sizeof c, "%s/c.json", dir);
    snprintf(sub, sizeof sub, "%s/sub", dir);
    cr_assert_eq(mkdir(sub, 0755), 0);
    const char *files[2] = {a, b};
    for (int i = 0; i < 2; ++i) {
        FILE *f = fopen(files[i], "w");
        cr_assert_not_null(f);
        fprintf(f, "{\"name\": \"Scene %c\", \"client\": {\"skin\": {\"mst\": %d}}}\n", 'A' + i,
                3 + 4 * i);
        fclose(f);
    }
    snprintf(setup, sizeof setup, "open %s\n", a);
    start(setup);
    const char *s = reveal("open_button");
    assert_flag(s, "mst", 3, "a.json opened by the setup");
    at((int)(json_array_item(s, "open_button", 0) + 10),
       (int)(json_array_item(s, "open_button", 1) + 8));
    XDO("click", "1");
    s = after();
    assert_str(s, "browser", "open", "Open... opens the browser");
    assert_flag(s, "browser_entries", 3, "sub/, a.json and b.json");
    /* the last file listed is b.json: a double click opens it */
    at((int)(json_array_item(s, "browser_last_file", 0) + 20),
       (int)(json_array_item(s, "browser_last_file", 1) + 6));
    XDO("click", "--repeat", "2", "--delay", "60", "1");
    s = after();
    assert_str(s, "browser", "off", "a double click on a scene opens it and closes the browser");
    assert_flag(s, "mst", 7, "b.json is the scene");
    char value[1200];
    json_string(s, "scene_file", value, sizeof value);
    cr_assert_str_eq(value, b);
    /* Save as...: over the name offered, type c */
    for (int round = 0; round < 2; ++round) {
        at((int)(json_array_item(s, "save_as_button", 0) + 10),
           (int)(json_array_item(s, "save_as_button", 1) + 8));
        XDO("click", "1");
        s = after();
        assert_str(s, "browser", "save", "Save as... opens the browser to save");
        at((int)(json_array_item(s, "browser_name", 0) + 30),
           (int)(json_array_item(s, "browser_name", 1) + 8));
        XDO("click", "1");
        XDO("key", "ctrl+a");
        XDO("type", "c");
        XDO("key", "Return");
        s = after();
        if (round == 1) { /* c.json exists now: asked once */
            assert_str(s, "browser", "save", "saving onto a file asks first");
            XDO("key", "Return");
            s = after();
        }
        assert_str(s, "browser", "off", "saved");
        cr_assert(file_exists(c), "round %d: no %s", round, c);
    }
    /* Esc closes the browser and leaves the window */
    at((int)(json_array_item(s, "open_button", 0) + 10),
       (int)(json_array_item(s, "open_button", 1) + 8));
    XDO("click", "1");
    s = after();
    assert_str(s, "browser", "open", "opened again");
    s = keys("Escape");
    assert_str(s, "browser", "off", "Esc closes the browser");
    quit_with_escape();
}

/* The state once a landmark's source is no longer `from` (a rebuild after a click), up to 90 s. */
static const char *until_not(const char *key, const char *from) {
    const char *s = after();
    char got[64];
    for (int i = 0; i < 90; ++i) {
        json_string(s, key, got, sizeof got);
        if (strcmp(got, from) != 0) break;
        sleep_ms(1000);
        s = after();
    }
    return s;
}

/* A scan whose nasion the shape does not give opens anyway, with the nasion guessed and marked;
 * the window says why and asks for it; Esc puts the question aside without closing the window;
 * Place asks again, and a click on the head places it (in the mesh file's frame), the head is
 * read again around it, and any landmark still guessed is asked for the same way. */
Test(view_input, a_landmark_the_scan_does_not_give_is_placed_with_a_click) {
    const char *dir = test_tmpdir("scan");
    char mesh[1100], scene[1100];
    snprintf(mesh, sizeof mesh, "%s/scan.obj", dir);
    snprintf(scene, sizeof scene, "%s/scan.json", dir);
    smp_head_desc hd = {.resolution = 24};
    smp_mesh head = {0};
    smp_error e = {0};
    cr_assert_eq(smp_head_build(&hd, &head, &e), SMP_OK, "%s", e.message);
    cr_assert_eq(scan_mesh_write(mesh, &head), 0);
    smp_mesh_free(&head);
    FILE *f = fopen(scene, "w");
    cr_assert_not_null(f);
    fputs("{\"head\": {\"mesh\": \"scan.obj\", \"units\": \"cm\", \"up\": \"+y\", "
          "\"facing\": \"-x\", \"edge_mm\": 4}}\n",
          f);
    fclose(f);
    char err_text[4096];
    const char *args[] = {scene, NULL};
    cr_assert_eq(live_view_start(&g_lv, "", args, err_text, sizeof err_text), 0, "%s", err_text);
    const char *s = after();
    assert_str(s, "landmark_nasion", "guessed", "the scan's nasion");
    assert_str(s, "landmark_placing", "nasion", "the window asks for it");
    char status[512];
    json_string(s, "status", status, sizeof status);
    cr_assert_not_null(strstr(status, "click the nasion"), "%s", s);
    cr_assert_eq(json_array_item(s, "landmark_nasion_at", 2), 1.0, "the guess is not drawn\n%s", s);

    s = keys("Escape");
    assert_str(s, "landmark_placing", "", "Esc puts the question aside");
    /* Place, in the Head section (scrolled into view), asks again */
    /* (the first notch that shows the button may show only its top: the rectangle reported is
     * the part that takes clicks) */
    for (int i = 0; i < 16 && json_array_item(s, "landmark_nasion_button", 3) <= 0; ++i) {
        at(180, 400);
        XDO("click", "5");
        s = after();
    }
    double bx = json_array_item(s, "landmark_nasion_button", 0),
           by = json_array_item(s, "landmark_nasion_button", 1),
           bh = json_array_item(s, "landmark_nasion_button", 3);
    cr_assert_gt(bh, 0, "the Place button is not in view\n%s", s);
    at((int)bx + 8, (int)(by + bh / 2));
    XDO("click", "1");
    s = after();
    assert_str(s, "landmark_placing", "nasion", "Place asks again");

    /* click each landmark asked for where it is drawn, until none is guessed */
    char placing[64];
    json_string(s, "landmark_placing", placing, sizeof placing);
    for (int round = 0; round < 4 && placing[0]; ++round) {
        char key[96];
        snprintf(key, sizeof key, "landmark_%s_at", placing);
        cr_assert_eq(json_array_item(s, key, 2), 1.0, "%s is not drawn\n%s", placing, s);
        at((int)json_array_item(s, key, 0), (int)json_array_item(s, key, 1));
        XDO("click", "1");
        snprintf(key, sizeof key, "landmark_%s", placing);
        s = until_not(key, "guessed");
        assert_str(s, key, "given", "a clicked landmark is the scene's");
        json_string(s, "landmark_placing", placing, sizeof placing);
    }
    static const char *const names[] = {"glabella",     "nasion",       "vertex",
                                        "inion",        "tragion_left", "tragion_right",
                                        "canthus_left", "canthus_right"};
    for (int i = 0; i < 8; ++i) {
        char key[64], got[64];
        snprintf(key, sizeof key, "landmark_%s", names[i]);
        json_string(s, key, got, sizeof got);
        cr_assert_str_neq(got, "guessed", "%s is still guessed\n%s", names[i], s);
    }
    assert_str(s, "landmarks_frame", "file", "clicked landmarks are kept in the file's frame");
    json_string(s, "status", status, sizeof status);
    cr_assert_not_null(strstr(status, "every landmark is placed"), "%s", s);
    quit_with_escape();
}
