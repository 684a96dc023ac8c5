/* The viewer's panels: the scene (client, plan, lifestyle, view), compare, plot and files on
 * the right, the timeline at the bottom, the frame HUD at the top right. Every edit goes
 * through view_edit, so the scene module checks it and the window shows what it refused. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "smp/cli_options.h"
#include "smp/clock.h"
#include "smp/describe.h"
#include "smp/renderer.h"
#include "ui_imgui.h"
#include "view.h"

static const char *const k_roman[] = {"I", "II", "III", "IV", "V", "VI"};
static const char *const k_norwood[] = {"I",  "II",  "IIa", "III", "IIIa", "III-vertex",
                                        "IV", "IVa", "V",   "Va",  "VI",   "VII"};
static const char *const k_ludwig[] = {"I", "II", "III"};

/* --- the keys and the mouse ------------------------------------------------------------- */

typedef enum key_mode { KEYS_ALWAYS, KEYS_CONSULTATION, KEYS_TRAINING } key_mode;

typedef struct key_help {
    key_mode mode;
    const char *keys, *action;
} key_help;

/* Every action a key or the mouse takes, as cmd_view.c handles them: the help overlay and
 * `smpsim view --help` both print this table. */
static const key_help k_keys[] = {
    {KEYS_CONSULTATION, "Left drag", "orbit (moves the split's divider when it grabs it)"},
    {KEYS_CONSULTATION, "Right or middle drag", "pan"},
    {KEYS_CONSULTATION, "Double click", "glide to the point clicked"},
    {KEYS_ALWAYS, "Wheel", "zoom"},
    {KEYS_ALWAYS, "1 to 7", "views: front, back, left, right, top, three-quarter, close-up"},
    {KEYS_ALWAYS, "R", "reset the camera to the three-quarter view"},
    {KEYS_ALWAYS, "Space", "play or pause the years"},
    {KEYS_ALWAYS, "Left, Right", "a year back, a year on"},
    {KEYS_ALWAYS, "D", "dots on or off"},
    {KEYS_ALWAYS, "H", "the client's hair on or off"},
    {KEYS_CONSULTATION, "C", "compare: off, split, side by side"},
    {KEYS_CONSULTATION, "S", "the scenario chosen in Compare beside the plan, or not"},
    {KEYS_CONSULTATION, "Ctrl+Z", "undo a scene edit (a slider's drag is one)"},
    {KEYS_CONSULTATION, "Ctrl+Y, Ctrl+Shift+Z", "redo a scene edit"},
    {KEYS_ALWAYS, "T", "training mode on or off"},
    {KEYS_ALWAYS, "Tab", "hide or show the panels"},
    {KEYS_ALWAYS, "? or F1", "this help"},
    {KEYS_ALWAYS, "Esc",
     "close this help or the file browser, or stop placing a landmark; else quit"},
    {KEYS_CONSULTATION, "Drop a file", "a scene (.json) opens; a mesh becomes the head"},
    {KEYS_TRAINING, "Left click", "a puncture"},
    {KEYS_TRAINING, "Left drag", "punctures at the stroke rate"},
    {KEYS_TRAINING, "Right drag", "orbit"},
    {KEYS_TRAINING, "Middle drag", "pan"},
    {KEYS_TRAINING, "Ctrl+Z", "undo a puncture"},
    {KEYS_TRAINING, "Ctrl+Y, Ctrl+Shift+Z", "redo a puncture"},
    {KEYS_TRAINING, "P", "the projection: your work and the expert's at years 5 and 10"},
    {KEYS_TRAINING, "G", "go to the exercise: its target area, square on"},
    {KEYS_TRAINING, "M", "the target's edge (violet) and the designed hairline (red) marked"},
};
enum { KEY_COUNT = sizeof k_keys / sizeof k_keys[0] };

static const char *const k_key_modes[] = {"Keys and mouse in both modes", "Consultation only",
                                          "Training only"};

void view_keys_print(FILE *out) {
    for (int m = 0; m < 3; ++m) {
        fprintf(out, "%s:\n", k_key_modes[m]);
        for (int i = 0; i < KEY_COUNT; ++i)
            if ((int)k_keys[i].mode == m) cli_print_row(out, k_keys[i].keys, k_keys[i].action, 24);
    }
}

/* The overlay: the mode on screen first, then the keys of both modes. */
static void help_overlay(viewer *v) {
    key_mode shown = v->training ? KEYS_TRAINING : KEYS_CONSULTATION;
    if (ui_begin_overlay("##help")) {
        ui_text("Keys and mouse (? or Esc to close)");
        const key_mode order[] = {shown, KEYS_ALWAYS};
        for (int k = 0; k < 2; ++k) {
            ui_separator();
            ui_text_muted("%s", k_key_modes[order[k]]);
            for (int i = 0; i < KEY_COUNT; ++i)
                if (k_keys[i].mode == order[k]) ui_row(k_keys[i].keys, k_keys[i].action, 190.0f);
        }
    }
    ui_end();
}

/* --- editing one field ------------------------------------------------------------------- */

/* field points into v->scene; the same field of a copy is edited and the copy checked. Edits
 * of one field in a row are one gesture, undone as one step (a slider dragged). */
static smp_scene *draft(viewer *v, const void *field, void **field_in_draft) {
    smp_scene *d = malloc(sizeof *d);
    if (!d) return NULL;
    v->gesture = field;
    *d = v->scene;
    *field_in_draft = (char *)d + ((const char *)field - (const char *)&v->scene);
    return d;
}

static void commit(viewer *v, smp_scene *d) {
    if (!d) return;
    smp_error err = {0};
    view_edit(v, d, &err);
    free(d);
}

static void slider_double(viewer *v, const char *label, const double *field, float lo, float hi,
                          const char *format) {
    float x = (float)*field;
    if (!ui_slider_float(label, &x, lo, hi, format)) return;
    void *at;
    smp_scene *d = draft(v, field, &at);
    if (d) *(double *)at = x;
    commit(v, d);
}

/* The stubble's length, however the scene gives it; an edit sets the length itself. */
static void slider_stubble(viewer *v, const smp_scene_client *c) {
    float x = (float)smp_scene_stubble_mm(c);
    if (!ui_slider_float("Stubble mm", &x, 0, 20, "%.1f")) return;
    void *at;
    smp_scene *d = draft(v, &c->stubble_mm, &at);
    if (d) {
        *(double *)at = x;
        d->client.days_since_shave = NAN;
    }
    commit(v, d);
}

static void slider_int(viewer *v, const char *label, const int *field, int lo, int hi,
                       const char *format) {
    int x = *field;
    if (!ui_slider_int_text(label, &x, lo, hi, format)) return;
    void *at;
    smp_scene *d = draft(v, field, &at);
    if (d) *(int *)at = x;
    commit(v, d);
}

/* enum fields are ints in the scene struct */
static void combo_enum(viewer *v, const char *label, const void *field, const char *const *names,
                       int count) {
    int x = *(const int *)field;
    if (!ui_combo(label, &x, names, count)) return;
    void *at;
    smp_scene *d = draft(v, field, &at);
    if (d) *(int *)at = x;
    commit(v, d);
}

/* --- scene panel ------------------------------------------------------------------------- */

static void client_section(viewer *v) {
    const smp_scene_client *c = &v->scene.client;
    ui_text_muted("Skin tone (Monk scale)");
    for (int m = 1; m <= 10; ++m) {
        char id[16];
        snprintf(id, sizeof id, "MST %d", m);
        if (m != 1 && m != 6) ui_same_line();
        if (ui_swatch(id, v->mst_swatch_srgb[m - 1], c->mst == m, 24.0f) && c->mst != m) {
            void *at;
            smp_scene *d = draft(v, &c->mst, &at);
            if (d) *(int *)at = m;
            commit(v, d);
        }
    }
    ui_text_muted("MST %d", c->mst);
    slider_int(v, "Fitzpatrick", &c->fitzpatrick, 1, 6, k_roman[c->fitzpatrick - 1]);
    /* the type usual for the tone, offered, not imposed: ask the client how he burns */
    static const int usual[10] = {1, 2, 2, 3, 3, 4, 4, 5, 6, 6};
    int suggested = usual[c->mst - 1];
    if (suggested != c->fitzpatrick) {
        char label[64];
        snprintf(label, sizeof label, "Use %s, usual for MST %d", k_roman[suggested - 1], c->mst);
        if (ui_button(label)) {
            void *at;
            smp_scene *d = draft(v, &c->fitzpatrick, &at);
            if (d) *(int *)at = suggested;
            commit(v, d);
        }
    }
    ui_text_muted("MST: the colour drawn · Fitzpatrick: how sun fades ink");
    ui_hover_text("MST is the skin's colour, as drawn. Fitzpatrick is how the skin burns and\n"
                  "tans, which sets how fast sunlight fades the ink. The button offers the\n"
                  "type usual for the tone; ask the client how he burns.");

    float hair[3];
    unsigned rgb = (unsigned)strtoul(c->hair_color + 1, NULL, 16);
    for (int k = 0; k < 3; ++k) hair[k] = (float)((rgb >> (16 - 8 * k)) & 0xffu) / 255.0f;
    if (ui_color("Hair colour", hair)) {
        void *at;
        smp_scene *d = draft(v, c->hair_color, &at);
        if (d)
            snprintf(at, SMP_SCENE_TEXT_MAX, "#%02x%02x%02x", (unsigned)lroundf(hair[0] * 255),
                     (unsigned)lroundf(hair[1] * 255), (unsigned)lroundf(hair[2] * 255));
        commit(v, d);
    }
    slider_double(v, "Hair FU/cm²", &c->hair_density_fu_per_cm2, 20, 150, "%.0f");
    slider_stubble(v, c);

    static const char *const patterns[] = {"none", "Norwood", "Ludwig", "alopecia totalis"};
    int kind = (int)c->pattern;
    if (ui_combo("Pattern", &kind, patterns, 4) && kind != (int)c->pattern) {
        void *at;
        smp_scene *d = draft(v, &c->pattern, &at);
        if (d) {
            d->client.pattern = (smp_pattern_kind)kind;
            /* the other scale's stages do not exist: start from its middle */
            if (kind == SMP_PATTERN_NORWOOD) snprintf(d->client.stage, SMP_SCENE_TEXT_MAX, "V");
            if (kind == SMP_PATTERN_LUDWIG) snprintf(d->client.stage, SMP_SCENE_TEXT_MAX, "II");
        }
        commit(v, d);
    }
    if (c->pattern == SMP_PATTERN_NORWOOD || c->pattern == SMP_PATTERN_LUDWIG) {
        const char *const *stages = c->pattern == SMP_PATTERN_NORWOOD ? k_norwood : k_ludwig;
        int n = c->pattern == SMP_PATTERN_NORWOOD ? 12 : 3, at_stage = 0;
        for (int i = 0; i < n; ++i)
            if (strcmp(stages[i], c->stage) == 0) at_stage = i;
        if (ui_combo("Stage", &at_stage, stages, n)) {
            void *at;
            smp_scene *d = draft(v, c->stage, &at);
            if (d) snprintf(at, SMP_SCENE_TEXT_MAX, "%s", stages[at_stage]);
            commit(v, d);
        }
    }
    static const char *const scars[] = {"FUT strip",    "FUE",       "craniotomy", "burn",
                                        "areata patch", "reduction", "plugs"};
    if (c->scar_count == 0) ui_text_muted("No scars");
    for (int i = 0; i < c->scar_count; ++i)
        ui_text_muted("Scar %d: %s", i + 1, scars[c->scars[i].kind]);
}

/* Session dates in the unit the practitioner picked: days, weeks, months or years. */
static const char *const k_units[] = {"days", "weeks", "months", "years"};
static const double k_unit_days[] = {1.0, 7.0, 365.25 / 12.0, 365.25};
static const char *const k_unit_formats[] = {"day %.0f", "week %.1f", "month %.1f", "year %.2f"};

/* "day 42", "week 6.0", "month 1.4", "year 0.11". */
static void date_text(int unit, int day, char *out, size_t size) {
    double x = day / k_unit_days[unit];
    switch (unit) {
    case 0: snprintf(out, size, "day %.0f", x); break;
    case 1: snprintf(out, size, "week %.1f", x); break;
    case 2: snprintf(out, size, "month %.1f", x); break;
    default: snprintf(out, size, "year %.2f", x);
    }
}

/* The session's date, in the chosen unit, anywhere a scene file allows (0 to 100 years). */
static void session_date(viewer *v, const smp_scene_session *s) {
    int u = v->time_unit;
    float x = (float)(s->day / k_unit_days[u]);
    float speed = (float)(1.0 / k_unit_days[u]); /* a day a pixel */
    if (!ui_drag_float("When", &x, speed, 0.0f, (float)(36500.0 / k_unit_days[u]),
                       k_unit_formats[u]))
        return;
    void *at;
    smp_scene *d = draft(v, &s->day, &at);
    if (d) *(int *)at = (int)lround(x * k_unit_days[u]);
    commit(v, d);
}

static void session_editor(viewer *v, int i) {
    const smp_scene_session *s = &v->scene.plan.sessions[i];
    static const char *const kinds[] = {"session", "touch-up"};
    static const char *const inks[] = {"carbon", "temporary"};
    ui_push_id(i);
    combo_enum(v, "Kind", &s->kind, kinds, 2);
    session_date(v, s);
    slider_double(v, "Density", &s->density_fraction, 0, 1, "%.2f of full");
    combo_enum(v, "Ink", &s->ink, inks, 2);
    slider_double(v, "Dilution", &s->dilution, 0, 0.95f, "%.2f");
    slider_double(v, "Needle mm", &s->needle_diameter_mm, 0.1f, 0.5f, "%.2f");
    slider_int(v, "Points", &s->needle_points, 1, 9, "%d");
    slider_double(v, "Depth mm", &s->depth_mm, 0.05f, 3, "%.2f");
    slider_double(v, "Depth SD mm", &s->depth_sd_mm, 0.005f, 1, "%.3f");
    ui_pop_id();
}

static void plan_section(viewer *v) {
    const smp_scene_plan *p = &v->scene.plan;
    static const char *const rules[] = {"blue noise", "Poisson", "grid"};
    combo_enum(v, "Placement", &p->rule, rules, 3);
    slider_double(v, "Dots/cm²", &p->full_density_per_cm2, 5, 400, "%.0f");
    static const char *const shapes[] = {"none", "straight", "rounded", "widow's peak", "winged"};
    combo_enum(v, "Hairline", &p->hairline, shapes, 5);
    slider_double(v, "Height mm", &p->hairline_height_mm, 40, 130, "%.0f");
    slider_double(v, "Softness mm", &p->hairline_softness_mm, 0.5f, 30, "%.1f");
    slider_double(v, "Fine irreg.", &p->micro_irregularity_mm, 0, 10, "%.1f mm");
    slider_double(v, "Broad irreg.", &p->macro_irregularity_mm, 0, 20, "%.1f mm");
    ui_combo("Dates in", &v->time_unit, k_units, 4);
    for (int i = 0; i < p->session_count; ++i) {
        char title[96], when[32];
        date_text(v->time_unit, p->sessions[i].day, when, sizeof when);
        snprintf(title, sizeof title, "%s %d, %s###session%d",
                 p->sessions[i].kind == SMP_SESSION_TOUCH_UP ? "Touch-up" : "Session", i + 1, when,
                 i);
        if (ui_section(title, 0)) session_editor(v, i);
    }
    if (p->session_count < SMP_SCENE_MAX_SESSIONS && ui_button("Add touch-up")) {
        void *at;
        smp_scene *d = draft(v, &p->session_count, &at);
        if (d) {
            smp_scene_plan *dp = &d->plan;
            smp_scene_session *s = &dp->sessions[dp->session_count];
            *s = dp->session_count ? dp->sessions[dp->session_count - 1]
                                   : (smp_scene_session){.density_fraction = 1,
                                                         .dilution = 0.4,
                                                         .needle_diameter_mm = 0.25,
                                                         .needle_points = 3,
                                                         .depth_mm = 0.4,
                                                         .depth_sd_mm = 0.08,
                                                         .region_count = 1};
            s->kind = SMP_SESSION_TOUCH_UP;
            /* the due year when the model has one, else three years after the last */
            int last = dp->session_count ? dp->sessions[dp->session_count - 1].day : 0;
            int due = v->due_years > 0 ? (int)lround(v->due_years * 365.25) : last + 1096;
            s->day = due > last ? due : last + 1;
            dp->session_count++;
        }
        commit(v, d);
    }
    if (p->session_count > 0) {
        if (p->session_count < SMP_SCENE_MAX_SESSIONS) ui_same_line();
        if (ui_button("Remove last")) {
            void *at;
            smp_scene *d = draft(v, &p->session_count, &at);
            if (d) d->plan.session_count--;
            commit(v, d);
        }
    }
}

static void lifestyle_section(viewer *v) {
    slider_double(v, "Outdoor hours", &v->scene.outdoor_hours_per_day, 0, 16, "%.1f h/day");
    slider_double(v, "Sunscreen SPF", &v->scene.sunscreen_spf, 1, 100,
                  v->scene.sunscreen_spf <= 1 ? "none" : "%.0f");
    ui_item_rect(v->widget_rect[VIEW_WIDGET_SPF]);
}

static void view_section(viewer *v) {
    view_panel_view_buttons(v);
    ui_checkbox("Dots", &v->show_dots);
    ui_item_rect(v->widget_rect[VIEW_WIDGET_DOTS]);
    ui_same_line();
    ui_checkbox("Hair", &v->show_hair);
    ui_same_line();
    ui_checkbox("Skin", &v->show_skin);
    static const char *const lights[] = {"clinic", "overhead", "daylight", "flash", "measure"};
    ui_combo("Lighting", &v->lighting, lights, SMP_LIGHTING_COUNT);
    static const char *const overlays[] = {"none", "dot density", "contrast"};
    int was = v->heat_map;
    ui_combo("Heat map", &v->heat_map, overlays, 3);
    if (v->heat_map != was) v->heat_ready = 0;
}

/* Client name, case title and notes: typed freely, saved in the scene when committed. */
static void case_section(viewer *v) {
    char *fields[3] = {v->scene.client.name, v->scene.name, v->scene.description};
    static const char *const labels[3] = {"Client##case", "Title##case", "Notes##case"};
    for (int i = 0; i < 3; ++i) {
        int active = 0;
        ui_item_width(-60);
        int done =
            ui_input_text_committed(labels[i], v->case_text[i], sizeof v->case_text[i], &active);
        if (i == 0) ui_item_rect(v->widget_rect[VIEW_WIDGET_CLIENT]);
        if (done && strcmp(v->case_text[i], fields[i]) != 0) {
            void *at;
            smp_scene *d = draft(v, fields[i], &at);
            if (d) snprintf(at, SMP_SCENE_TEXT_MAX, "%s", v->case_text[i]);
            commit(v, d);
        }
        if (!active) /* follows the scene (an undo, an opened file) while not typed into */
            snprintf(v->case_text[i], sizeof v->case_text[i], "%s", fields[i]);
    }
}

static void scene_panel(viewer *v) {
    float height = (float)v->height - 150.0f;
    if (ui_begin_fixed("Scene", 12, 12, 340, height > 200 ? height : 200)) {
        int open = ui_section("Case: client, title, notes", 0);
        ui_item_rect(v->widget_rect[VIEW_WIDGET_CASE]);
        if (open) case_section(v);
        char title[1200];
        smp_describe_title(&v->scene, title, sizeof title);
        ui_text_wrapped("%s", title);
        ui_text_muted("%zu dots, scattered in %.0f ms", v->h.p.dots.count, v->h.p.scatter_ms);
        double elapsed;
        if (view_building(v, &elapsed)) {
            char caption[64];
            snprintf(caption, sizeof caption, "rebuilding %.1f s", elapsed / 1000.0);
            ui_progress(view_build_progress(v), caption);
        }
        smp_error err = {0};
        ui_disabled_begin(view_building(v, NULL));
        if (ui_button(v->shown.training.enabled ? "Start the exercise (T)"
                                                : "Practise by hand (T)"))
            view_train_start(v, &err);
        ui_disabled_end();
        if (ui_section("Client", 1)) client_section(v);
        if (ui_section("Plan", 0)) plan_section(v);
        if (ui_section("Lifestyle", 1)) lifestyle_section(v);
        if (ui_section("View", 1)) view_section(v);
        if (v->landmarks_asked) ui_set_next_open();
        if (ui_section("Head", 0)) view_landmarks_section(v);
    }
    ui_end();
}

/* --- right column ------------------------------------------------------------------------ */

/* Scenarios a practitioner reaches for, made from the scene on screen when chosen. */
static void scenario_preset(const viewer *v, int which, char *out, size_t size) {
    const smp_scene *s = &v->shown;
    int n = s->plan.session_count, last = n ? (int)s->plan.sessions[n - 1].day : 0;
    switch (which) {
    case 1: snprintf(out, size, "No sunscreen: lifestyle.sunscreen_spf=none"); break;
    case 2: snprintf(out, size, "SPF 50: lifestyle.sunscreen_spf=50"); break;
    case 3: { /* four years after completion, and after any touch-up planned already */
        int day = (int)(view_completion(v) * 365.25 + 0.5) + 1461;
        snprintf(out, size,
                 "Touch-up at year 4: plan.sessions[%d]={\"kind\":\"touch_up\",\"day\":%d}", n,
                 day > last ? day : last + 1461);
        break;
    }
    case 4: snprintf(out, size, "Outdoors 6 h a day: lifestyle.outdoor_hours_per_day=6"); break;
    case 5:
        snprintf(out, size, "Hairline 10 mm lower: plan.hairline.height_mm=%g",
                 s->plan.hairline_height_mm - 10.0);
        break;
    default: {
        /* a lighter shade in every session */
        size_t k = (size_t)snprintf(out, size, "Lighter ink (dilution +0.2):");
        for (int i = 0; i < n && k < size; ++i) {
            double d = s->plan.sessions[i].dilution + 0.2;
            k += (size_t)snprintf(out + k, size - k, " plan.sessions[%d].ink.dilution=%.2f;", i,
                                  d > 0.95 ? 0.95 : d);
        }
    }
    }
}

static void compare_section(viewer *v) {
    int mode = (int)v->compare;
    if (ui_radio("Off", mode == VIEW_COMPARE_OFF)) v->compare = VIEW_COMPARE_OFF;
    ui_same_line();
    if (ui_radio("Split", mode == VIEW_COMPARE_SPLIT)) v->compare = VIEW_COMPARE_SPLIT;
    ui_same_line();
    if (ui_radio("Side by side", mode == VIEW_COMPARE_SIDE)) v->compare = VIEW_COMPARE_SIDE;

    /* the scenario: the same client under another plan or lifestyle, at the timeline's year */
    static const char *const presets[] = {
        "Scenario...",        "No sunscreen",         "SPF 50",     "Touch-up at year 4",
        "Outdoors 6 h a day", "Hairline 10 mm lower", "Lighter ink"};
    int pick = 0;
    ui_item_width(-1);
    if (ui_combo("##scenario", &pick, presets, 7) && pick > 0) {
        char spec[SMP_SCENARIO_TEXT_MAX];
        scenario_preset(v, pick, spec, sizeof spec);
        smp_error err = {0};
        view_scenario_set(v, spec, &err);
    }
    ui_item_rect(v->widget_rect[VIEW_WIDGET_SCENARIO]);
    static int typing;
    static char typed[SMP_SCENARIO_TEXT_MAX];
    if (!typing) snprintf(typed, sizeof typed, "%s", v->scenario_text);
    ui_item_width(-1);
    if (ui_input_text_committed("##scenario_text", typed, sizeof typed, &typing) && typed[0]) {
        smp_error err = {0};
        view_scenario_set(v, typed, &err);
    }
    ui_item_rect(v->widget_rect[VIEW_WIDGET_SCENARIO_TEXT]);
    if (v->has_scenario) {
        char label[96];
        snprintf(label, sizeof label, "'%s' on the right", v->scenario.label);
        if (ui_checkbox(label, &v->compare_scenario)) {
            if (v->compare_scenario && v->compare == VIEW_COMPARE_OFF)
                v->compare = VIEW_COMPARE_SIDE;
            view_update_plot(v);
        }
        if (v->compare_scenario && (view_scenario_building(v) || view_scenario_wanted(v)))
            ui_text_muted("building the scenario...");
    } else {
        ui_text_muted("LABEL: PATH=VALUE; ... as render --scenario");
    }
    if (v->compare == VIEW_COMPARE_OFF) return;
    if (v->compare == VIEW_COMPARE_SPLIT) {
        if (!v->compare_scenario) ui_checkbox("Untreated on the left", &v->compare_untreated);
        ui_slider_float("Divider", &v->split, 0.0f, 1.0f, "%.2f");
    }
    if (!v->compare_scenario && (v->compare == VIEW_COMPARE_SIDE || !v->compare_untreated)) {
        /* shown after the completion of treatment; before it (negative) during the sessions */
        float done = (float)view_completion(v);
        float a = v->year_a - done, b = v->year_b - done;
        if (ui_slider_float("Year A", &a, -done, VIEW_MAX_YEARS, "%.2f after completion"))
            v->year_a = a + done;
        if (ui_slider_float("Year B", &b, -done, VIEW_MAX_YEARS, "%.2f after completion"))
            v->year_b = b + done;
    }
}

static void plot_section(viewer *v) {
    float done = (float)view_completion(v), after = v->year - done;
    char now[96];
    view_time_label(v, v->year, now, sizeof now);
    if (after >= 0) {
        int i = (int)lroundf(after / VIEW_MAX_YEARS * (VIEW_PLOT_SAMPLES - 1));
        if (i > VIEW_PLOT_SAMPLES - 1) i = VIEW_PLOT_SAMPLES - 1;
        ui_text_muted("Treated area vs skin: %.1f %%", v->contrast[i]);
        /* the same figures as smpsim measure and the contact sheet (smp/blend.h) */
        smp_blend b;
        if (v->h.p.model && v->h.p.fringe.present &&
            smp_blend_eval(v->h.p.model, &v->h.p.fringe, SMP_TISSUE_SKIN, v->year, &b, NULL) ==
                SMP_OK)
            ui_text_muted("Fringe %.1f %%; CIEDE2000 to the fringe %.1f",
                          100.0 * b.fringe_darkening, b.delta_e_treated_fringe);
    } else {
        ui_text_muted("The plot starts at completion");
    }
    ui_text_muted("%s", now);
    ui_chart(v->contrast, v->plot_alt ? v->contrast_alt : NULL, VIEW_PLOT_SAMPLES, VIEW_MAX_YEARS,
             5.0f, after, v->due_years > 0 ? v->due_years - done : 0.0f, v->contrast_max, 90.0f);
    ui_text_muted("0 to %d years after completion; top %.0f %%", VIEW_MAX_YEARS, v->contrast_max);
    char label[96];
    snprintf(label, sizeof label, "Compare %s (blue)", v->alt_label);
    ui_checkbox(label, &v->plot_alt);
    if (v->due_years > 0)
        ui_text_muted("Touch-up due %.1f y after completion (amber)", v->due_years - done);
    else
        ui_text_muted("No touch-up due within %d years", VIEW_MAX_YEARS);
}

/* The browser's choice, made: open the scene or the head, or save (asking once before
 * replacing a file). */
static void browse_choose(viewer *v) {
    smp_error err = {0};
    char path[VIEW_PATH_MAX + 300];
    if (!v->browse_name[0]) return;
    int n = v->browse_name[0] == '/'
                ? snprintf(path, sizeof path, "%s", v->browse_name)
                : snprintf(path, sizeof path, "%s/%s", v->browse_dir, v->browse_name);
    if (v->browse == VIEW_BROWSE_SAVE && view_file_kind_of(path) != VIEW_FILE_SCENE)
        n = snprintf(path + n, sizeof path - (size_t)n, ".json") + n;
    if ((size_t)n >= VIEW_PATH_MAX) {
        view_message(v, 1, "%.60s...: the path is longer than %d bytes", path, VIEW_PATH_MAX - 1);
        return;
    }
    if (v->browse == VIEW_BROWSE_SAVE) {
        struct stat sb;
        /* asked once for this very file: a name typed since is asked about again */
        if (stat(path, &sb) == 0 && !(v->browse_replace && !strcmp(v->browse_asked, path))) {
            v->browse_replace = 1; /* the button now says Replace; Enter again does it */
            v->browse_focus = 1;
            memcpy(v->browse_asked, path, strlen(path) + 1);
            return;
        }
        if (view_save_file(v, path, &err) == SMP_OK) {
            memcpy(v->save_path, path, strlen(path) + 1); /* shorter: checked above */
            view_browse_stop(v);
        }
        return;
    }
    if (view_open_file(v, path, &err) == SMP_OK) {
        if (v->browse == VIEW_BROWSE_OPEN) memcpy(v->open_path, path, strlen(path) + 1);
        view_browse_stop(v);
    }
}

/* The file browser: the folder, Up, its folders and files (a click picks, a double click
 * opens), the name, and the button that does it. */
static void browser(viewer *v) {
    static const char *const titles[] = {"", "Open a scene", "Save the scene as",
                                         "A head mesh for this scene"};
    float w = 560, h = 440;
    if (!ui_begin_dialog(titles[v->browse], ((float)v->width - w) / 2, ((float)v->height - h) / 2,
                         w, h)) {
        ui_end();
        return;
    }
    smp_error err = {0};
    if (ui_button("Up")) {
        char up[VIEW_PATH_MAX + 4];
        snprintf(up, sizeof up, "%s/..", v->browse_dir);
        if (view_browse_list(v, up, &err) != SMP_OK) view_message(v, 1, "%s", err.message);
    }
    ui_same_line();
    ui_text_muted("%s", v->browse_dir);
    char into[VIEW_PATH_MAX] = "";
    if (ui_begin_list("##files", h - 130)) {
        for (int i = 0; i < v->browse_count; ++i) {
            const view_entry *e = &v->browse_entries[i];
            char label[300];
            snprintf(label, sizeof label, "%s%s", e->name, e->is_dir ? "/" : "");
            int twice = 0;
            int clicked =
                ui_selectable(label, !e->is_dir && strcmp(e->name, v->browse_name) == 0, &twice);
            if (!e->is_dir) ui_item_rect(v->widget_rect[VIEW_WIDGET_BROWSE_LAST]);
            if (clicked) {
                if (e->is_dir) {
                    snprintf(into, sizeof into, "%s", e->name);
                } else {
                    snprintf(v->browse_name, sizeof v->browse_name, "%s", e->name);
                    v->browse_replace = 0;
                    if (twice) browse_choose(v);
                }
            }
            if (!v->browse) break; /* chosen: the list is gone */
        }
        if (v->browse_count == 0)
            ui_text_muted(v->browse == VIEW_BROWSE_MESH ? "no folders, scenes or meshes here"
                                                        : "no folders or scenes here");
    }
    ui_end_list();
    if (into[0]) {
        char path[VIEW_PATH_MAX + 300];
        snprintf(path, sizeof path, "%s/%s", v->browse_dir, into);
        if (view_browse_list(v, path, &err) != SMP_OK) view_message(v, 1, "%s", err.message);
    }
    if (v->browse) {
        ui_item_width(-160);
        if (v->browse_focus) ui_focus_next(), v->browse_focus = 0;
        int typed = ui_input_text("##name", v->browse_name, sizeof v->browse_name);
        ui_item_rect(v->widget_rect[VIEW_WIDGET_BROWSE_NAME]);
        if (typed) browse_choose(v);
    }
    if (v->browse) {
        ui_same_line();
        const char *act =
            v->browse == VIEW_BROWSE_SAVE ? (v->browse_replace ? "Replace" : "Save") : "Open";
        if (ui_button(act)) browse_choose(v);
    }
    if (v->browse) {
        ui_same_line();
        if (ui_button("Cancel")) view_browse_stop(v);
    }
    if (v->browse_replace) ui_text_error("%s exists: Replace writes over it", v->browse_name);
    ui_end();
}

static void files_section(viewer *v) {
    smp_error err = {0};
    if (ui_button("Open...")) view_browse_start(v, VIEW_BROWSE_OPEN);
    ui_item_rect(v->widget_rect[VIEW_WIDGET_OPEN_BUTTON]);
    ui_same_line();
    if (ui_button("Save as...")) view_browse_start(v, VIEW_BROWSE_SAVE);
    ui_item_rect(v->widget_rect[VIEW_WIDGET_SAVE_AS]);
    ui_same_line();
    if (ui_button("Head...")) view_browse_start(v, VIEW_BROWSE_MESH);
    if (v->recent_count) {
        const char *names[VIEW_RECENT_MAX + 1] = {"Recent..."};
        for (int i = 0; i < v->recent_count; ++i) names[i + 1] = v->recent[i];
        int pick = 0;
        ui_same_line();
        ui_item_width(-1);
        if (ui_combo("##recent", &pick, names, v->recent_count + 1) && pick > 0) {
            char path[VIEW_PATH_MAX];
            snprintf(path, sizeof path, "%s", v->recent[pick - 1]); /* the list moves */
            view_open_file(v, path, &err);
        }
    }
    ui_item_width(-70);
    int go = ui_input_text("##save", v->save_path, sizeof v->save_path);
    ui_item_rect(v->widget_rect[VIEW_WIDGET_SAVE_PATH]);
    ui_same_line();
    if ((ui_button("Save") || go) && v->save_path[0]) view_save_file(v, v->save_path, &err);
    ui_item_width(-70);
    go = ui_input_text("##open", v->open_path, sizeof v->open_path);
    ui_same_line();
    if ((ui_button("Open") || go) && v->open_path[0]) view_open_file(v, v->open_path, &err);
    ui_item_width(-70);
    go = ui_input_text("##shot", v->shot_path, sizeof v->shot_path);
    ui_same_line();
    if ((ui_button("Image") || go) && v->shot_path[0]) v->shot_requested = 1;
    static const char *const sizes[] = {"window, with panels", "1280x720", "1920x1080",
                                        "3840x2160"};
    ui_combo("Size", &v->shot_size, sizes, 4);
    ui_item_width(-70);
    go = ui_input_text("##video", v->video_path, sizeof v->video_path);
    ui_same_line();
    ui_disabled_begin(v->video != NULL);
    if ((ui_button("Video") || go) && v->video_path[0] && !v->video &&
        view_video_start(v, v->video_path, &err) != SMP_OK)
        view_message(v, 1, "%s", err.message);
    ui_disabled_end();
    ui_item_width(110);
    ui_drag_float("##video_from", &v->video_from, 0.05f, 0.0f, 49.0f,
                  v->video_from > 0 ? "from year %.1f" : "from healed");
    ui_same_line();
    ui_item_width(110);
    ui_drag_float("##video_to", &v->video_to, 0.05f, 0.5f, 50.0f, "to year %.1f");
    ui_same_line();
    ui_item_width(-1);
    ui_drag_float("##video_s", &v->video_seconds, 0.1f, 1.0f, 60.0f, "%.0f s");
    ui_checkbox("Captions on images and videos", &v->captions);
    float done = view_video_progress(v);
    if (done >= 0) {
        char caption[96];
        snprintf(caption, sizeof caption, "%s: %.0f %%",
                 view_scenario_ready(v) ? "the plan and the scenario" : "time-lapse", done * 100);
        ui_progress(done, caption);
    }
    ui_item_width(-70);
    go = ui_input_text("##report", v->report_path, sizeof v->report_path);
    ui_item_rect(v->widget_rect[VIEW_WIDGET_REPORT_PATH]);
    ui_same_line();
    ui_disabled_begin(v->report_pid > 0);
    if ((ui_button("Report") || go) && v->report_path[0] && v->report_pid <= 0)
        view_report_start(v, v->report_path, &err);
    ui_disabled_end();
    if (v->report_pid > 0)
        ui_text_muted(view_scenario_ready(v) ? "writing the report (with the scenario)..."
                                             : "writing the report...");
    ui_item_width(-70);
    go = ui_input_text("##sheet", v->sheet_path, sizeof v->sheet_path);
    ui_same_line();
    if ((ui_button("Sheet") || go) && v->sheet_path[0]) {
        if (view_export_sheet(v, v->sheet_path, &err) != SMP_OK)
            view_message(v, 1, "%s", err.message);
        else
            view_message(v, 0, "saved %s", v->sheet_path);
    }
}

static void side_panel(viewer *v) {
    float x = (float)v->width - 352.0f, height = (float)v->height - 290.0f;
    if (ui_begin_fixed("Compare, plot, files", x, 140, 340, height > 160 ? height : 160)) {
        if (ui_section("Compare", 1)) compare_section(v);
        if (ui_section("Contrast over the years", 1)) plot_section(v);
        if (ui_section("Files", 1)) files_section(v);
    }
    ui_end();
}

static void hud(viewer *v) {
    /* the frames of about the last second, newest first: a frame rate that follows the picture
     * going from rest (frames waiting for input) to motion */
    double sum = 0;
    int n = 0, drawn = 0;
    for (int i = 1; i <= VIEW_FRAME_SAMPLES && sum < 1000.0; ++i) {
        int k =
            ((v->frame_index - i) % VIEW_FRAME_SAMPLES + VIEW_FRAME_SAMPLES) % VIEW_FRAME_SAMPLES;
        if (v->frame_ms[k] <= 0) break;
        sum += v->frame_ms[k], ++n, drawn += v->frame_drew[k];
    }
    double ms = n ? sum / n : 0;
    if (ui_begin("Frame", (float)v->width - 352, 12, 340)) {
        /* at rest the window waits for input between frames: its frame rate says nothing */
        if (v->resting)
            ui_text_muted("at rest, redrawn on input, %dx%d", v->width, v->height);
        else
            ui_text_muted("%.1f fps, %.1f ms, %dx%d", ms > 0 ? 1000.0 / ms : 0.0, ms, v->width,
                          v->height);
        /* frames that only redraw the panels show the kept picture: say how many drew it */
        ui_text_muted("scene drawn %d/%d frames, last %.0f ms, %s", drawn, n, v->scene_ms,
                      v->scene_draft ? "draft" : "full");
        ui_text_muted("%zu dots; scatter %.0f ms, scene %.0f ms", v->h.p.dots.count,
                      v->h.p.scatter_ms, v->build_ms);
        ui_text_muted("%s", smp_gl_context_renderer(v->h.gl));
        if (v->first_frame_ms > 0)
            ui_text_muted("first frame %.0f ms after launch", v->first_frame_ms);
    }
    ui_end();
}

/* The status line: the last report (fading) or the errors, never in a saved image. */
static void status_line(viewer *v) {
    if (v->message_count == 0 || v->capturing) return;
    double age = smp_clock_ms() - v->message_ms;
    if (!v->message_is_error && age > VIEW_REPORT_MS) return;
    const char *last = v->messages[v->message_count - 1];
    if (v->message_is_error) {
        if (ui_button("Dismiss")) view_clear_messages(v);
        ui_same_line();
        if (v->message_count > 1)
            ui_text_error("%d problems: %s (hover for all)", v->message_count, v->messages[0]);
        else
            ui_text_error("%s", last);
        char all[VIEW_MAX_MESSAGES * VIEW_MESSAGE_MAX];
        size_t n = 0;
        for (int i = 0; i < v->message_count && n < sizeof all; ++i)
            n += (size_t)snprintf(all + n, sizeof all - n, "%s%s", i ? "\n" : "", v->messages[i]);
        ui_hover_text(all);
    } else {
        ui_text_faded(1.0f - (float)(age / VIEW_REPORT_MS), "%s", last);
    }
}

static void timeline(viewer *v) {
    const smp_scene_plan *p = &v->scene.plan;
    /* pinned along the bottom at the window's width: it neither moves nor sizes itself */
    if (ui_begin_pinned("Timeline", 12, (float)v->height - 126, (float)v->width - 24, 114)) {
        /* the slider shows years after the completion of treatment; the sessions before it
         * are negative */
        float done = (float)view_completion(v);
        float marks[SMP_SCENE_MAX_SESSIONS];
        int touch_up[SMP_SCENE_MAX_SESSIONS];
        for (int i = 0; i < p->session_count; ++i) {
            marks[i] = (float)p->sessions[i].day / 365.25f - done;
            touch_up[i] = p->sessions[i].kind == SMP_SESSION_TOUCH_UP;
        }
        float shown = v->year - done;
        if (ui_timeline("##year", &shown, -done, VIEW_MAX_YEARS, marks, touch_up, p->session_count,
                        v->due_years > 0 ? v->due_years - done : -done,
                        "%.2f years after completion", v->widget_rect[VIEW_WIDGET_TIMELINE]))
            v->year = shown + done;
        if (ui_button(v->playing ? "Pause" : "Play")) v->playing = !v->playing;
        ui_same_line();
        ui_item_width(220);
        ui_slider_float("years per second", &v->speed, 0.25f, 5.0f, "%.2f");
        ui_same_line();
        char now[96];
        view_time_label(v, v->year, now, sizeof now);
        ui_text_muted("   %s · sessions white, touch-ups blue, touch-up due amber · ? keys", now);
        status_line(v);
    }
    ui_end();
}

static void compare_labels(viewer *v) {
    view_side sides[2];
    if (view_compare_sides(v, sides) < 2) return;
    char a[256], b[256], now[96];
    view_time_label(v, v->year, now, sizeof now);
    if (sides[1].scenario) { /* one time for both */
        snprintf(a, sizeof a, "%s · %s", sides[0].label, now);
        snprintf(b, sizeof b, "%s · %s", sides[1].label, now);
    } else {
        snprintf(a, sizeof a, "%s", sides[0].label);
        snprintf(b, sizeof b, "%s", sides[1].label);
    }
    float x = v->compare == VIEW_COMPARE_SIDE ? (float)v->width * 0.5f : v->split * (float)v->width;
    /* the left label ends a little left of the divider, however long it is */
    ui_label(x - 14.0f - ui_text_width(a), 16.0f, a);
    ui_label(x + 14.0f, 16.0f, b);
}

/* What the colours of the heat map on screen mean. */
static void heat_legend(viewer *v) {
    v->heat_legend[0] = 0;
    if (!v->heat_map || (v->training && v->train_projection)) return;
    float ww, wh;
    ui_display_size(&ww, &wh);
    const float w = 300.0f, x = v->training || !v->hide_panels ? 376.0f : 16.0f;
    const float y = wh - 126.0f - 64.0f;
    if (v->training) {
        int expert = v->train_uploaded;
        const float *map =
            expert ? view_training_expert_heat(v->training) : view_training_heat(v->training, NULL);
        snprintf(v->heat_legend, sizeof v->heat_legend, "%s",
                 !map     ? "Density error: not scored yet (place dots, then pause)"
                 : expert ? "Density error of the expert version"
                          : "Density error of your dots, as last scored");
        ui_ramp_legend(x, y, w, v->heat_legend, "too sparse", "on target", "too dense");
        return;
    }
    char hi[32];
    if (v->heat_map == 2) {
        snprintf(v->heat_legend, sizeof v->heat_legend, "%s",
                 "Contrast at the year shown: the skin darker by");
        ui_ramp_legend(x, y, w, v->heat_legend, "0 %", "12.5 %", "25 % or more");
        return;
    }
    snprintf(hi, sizeof hi, "%g", v->scene.plan.full_density_per_cm2);
    snprintf(v->heat_legend, sizeof v->heat_legend, "%s", "Planned dot density, dots/cm²");
    ui_ramp_legend(x, y, w, v->heat_legend, "0", "", hi);
}

void view_draw_panels(viewer *v) {
    memset(v->widget_rect, 0, sizeof v->widget_rect); /* a widget not drawn has no place */
    memset(v->landmark_button, 0, sizeof v->landmark_button);
    /* Hidden panels leave the head and the timeline; training keeps its panel (the trainee's
     * tool and score). */
    if (v->hide_panels && !v->training) {
        timeline(v);
        compare_labels(v);
        heat_legend(v);
        if (v->show_help) help_overlay(v);
        return;
    }
    /* In a small window the side panels start folded to their title bars, so the head shows;
     * a click on a title opens one. */
    ui_set_next_collapsed_once(v->width < VIEW_ROOMY_WIDTH || v->height < VIEW_ROOMY_HEIGHT);
    if (v->training)
        view_train_panel(v);
    else
        scene_panel(v);
    /* the projection takes the right column's space */
    if (!v->training || !v->train_projection) {
        ui_set_next_collapsed_once(v->width < VIEW_ROOMY_WIDTH || v->height < VIEW_ROOMY_HEIGHT);
        side_panel(v);
        hud(v);
    }
    view_train_labels(v);
    if (!v->training) view_landmarks_overlay(v);
    heat_legend(v);
    timeline(v);
    compare_labels(v);
    if (v->browse) browser(v);
    if (v->show_help) help_overlay(v);
}
