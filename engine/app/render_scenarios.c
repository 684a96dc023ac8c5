/* smpsim render --scenario: the same client under two to four plans or lifestyles (SPF 50
 * against none, a touch-up at year 4 against none, two hairlines, two dilutions), side by side
 * at every time and view, as a sheet with one column per scenario, as a chart over the years
 * and as a time-lapse with all of them. Each scenario is the scene with its own --set
 * overrides, built into its own pipeline and renderer on one GL context
 * (smp_gl_session_open_beside), so nothing is re-scattered or uploaded between pictures. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "smp/blend.h"
#include "smp/caption.h"
#include "smp/chart.h"
#include "smp/cli.h"
#include "smp/clock.h"
#include "smp/describe.h"
#include "smp/fsio.h"
#include "smp/scenario.h"
#include "smp/sheet.h"
#include "smp/video.h"

enum {
    CHART_SAMPLES = 81, /* the chart's curves: every quarter year over 20 years */
};

typedef struct scenario {
    smp_scenario spec; /* its label and overrides */
    const char *label; /* spec.label */
    smp_scene scene;
    smp_gl_session h;
    int open;
    double due_after; /* touch-up due, years after completion; INFINITY when never */
} scenario;

typedef struct scenario_run {
    render_job *j;
    scenario s[RENDER_MAX_SCENARIOS + 1];
    int count;
    smp_font *font;
    smp_progress pg;
    int cell_w; /* each scenario's share of the picture's width */
} scenario_run;

/* The scene as the command was given it, then the scenario's overrides ("LABEL: PATH=VALUE;
 * ...", smp/scenario.h). */
static int load_scenario(const render_job *j, scenario *s, const char *spec) {
    smp_error err = {0};
    if (smp_scenario_parse(spec, &s->spec, &err) != SMP_OK)
        return cli_usage_error("render", "--scenario %s", err.message);
    s->label = s->spec.label;
    const char *sets[SCENE_ARGS_MAX_SETS + SMP_SCENARIO_MAX_SETS];
    int n = 0;
    for (int i = 0; i < j->scene_arg.set_count; ++i) sets[n++] = j->scene_arg.sets[i];
    smp_scenario_sets(&s->spec, sets + n);
    n += s->spec.set_count;
    smp_scene_source src = {.path = j->scene_arg.path, .sets = sets, .set_count = n};
    static smp_scene_report rep; /* large; one command at a time */
    smp_status st = smp_scene_load(&src, &s->scene, &rep);
    if (st == SMP_OK) return 0;
    for (int i = 0; i < rep.count; ++i)
        fprintf(stderr, "smpsim render: --scenario '%s': %s\n", spec, rep.messages[i]);
    return smp_status_is_input_error(st) ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
}

static int resolve(scenario_run *r) {
    render_job *j = r->j;
    int first = 0;
    if (j->scenario_count <= 1) { /* the scene as it is, beside the one scenario (or alone) */
        r->s[0].label = "As planned";
        r->s[0].scene = j->scene;
        first = 1;
    }
    for (int i = 0; i < j->scenario_count; ++i) {
        scenario *s = &r->s[first + i];
        int rc = load_scenario(j, s, j->scenario_specs[i]);
        if (rc) return rc;
    }
    r->count = first + j->scenario_count;
    r->cell_w = j->size.width / r->count;
    if (r->cell_w < 16)
        return cli_usage_error("render", "--size: %d px wide leaves %d px for each of %d scenarios",
                               j->size.width, r->cell_w, r->count);
    return 0;
}

/* The treated area against the fringe (or bare skin without one) at a time shown. */
static int blend_at(const scenario *s, double year, smp_blend *b) {
    return smp_pipeline_blend_at(&s->h.p, &s->scene, year, b);
}

static double delta_e(const scenario *s, const smp_blend *b) {
    return s->h.p.fringe.present ? b->delta_e_treated_fringe : b->delta_e_treated_bare;
}

/* "ΔE00 2.1 to the fringe · 18 % darker" at a time, or "" when nothing is treated yet. */
static void figures(const scenario *s, double year, char *out, size_t size) {
    smp_blend b;
    *out = '\0';
    if (blend_at(s, year, &b))
        snprintf(out, size, "ΔE00 %.1f to the %s · %.0f %% darker", delta_e(s, &b),
                 s->h.p.fringe.present ? "fringe" : "bare skin", 100.0 * b.treated_darkening);
}

static void due_years(scenario *s) {
    if (!smp_pipeline_touch_up_due(&s->h.p, &s->scene, &s->due_after)) s->due_after = INFINITY;
}

/* Each scenario's pipeline, and with pictures to draw its renderer on one shared context. */
static smp_status open_sessions(scenario_run *r, int pictures, smp_error *err) {
    render_job *j = r->j;
    for (int i = 0; i < r->count; ++i) {
        scenario *s = &r->s[i];
        smp_status st =
            !pictures ? smp_pipeline_build(&s->scene, SMP_PIPELINE_ALL, &s->h.p, err)
            : i == 0  ? smp_gl_session_open(&s->h, j->gl.backend, j->gl.msaa, &s->scene, err)
                      : smp_gl_session_open_beside(&r->s[0].h, j->gl.msaa, &s->scene, &s->h, err);
        if (st != SMP_OK) {
            smp_error_prefix(err, "scenario '%s'", s->label);
            return st;
        }
        s->open = 1;
        due_years(s);
        if (!j->quiet)
            fprintf(stderr, "smpsim render: scenario '%s': %zu dots, built in %.0f ms\n", s->label,
                    s->h.p.dots.count, s->h.head_build_ms);
    }
    return SMP_OK;
}

/* ---- pictures ------------------------------------------------------------------------- */

/* The scenarios' cells side by side into out, each labelled with its name and figures, a
 * thin divider between them. */
static void side_by_side(scenario_run *r, const smp_image *cells, double year, smp_image *out) {
    for (int i = 0; i < r->count; ++i) {
        int x0 = i * r->cell_w;
        for (int y = 0; y < out->height; ++y)
            memcpy(smp_image_at(out, x0, y), smp_image_at(&cells[i], 0, y), (size_t)r->cell_w * 4);
        if (i)
            for (int y = 0; y < out->height; ++y) memset(smp_image_at(out, x0 - 1, y), 235, 6);
        if (r->j->no_captions) continue;
        char line[160];
        figures(&r->s[i], year, line, sizeof line);
        smp_caption c = {.heading = r->s[i].label, .figures = line, .left = x0, .width = r->cell_w};
        smp_caption_draw(r->font, out, &c);
    }
    /* fill the few pixels integer division left at the right */
    for (int y = 0; y < out->height; ++y)
        for (int x = r->cell_w * r->count; x < out->width; ++x)
            memset(smp_image_at(out, x, y), 0, 3), smp_image_at(out, x, y)[3] = 255;
}

/* Every scenario at one view and time into cells (allocated, cell_w x height). */
static smp_status capture_all(scenario_run *r, smp_view view, double year, smp_image *cells,
                              smp_error *err) {
    for (int i = 0; i < r->count; ++i) {
        smp_status st = render_capture(&r->s[i].h, &r->s[i].scene, view, year, &cells[i], err);
        if (st != SMP_OK) return st;
    }
    return SMP_OK;
}

/* What the scenarios share, at the bottom: the time (a video's counter) and view, the client,
 * and a scale bar on close-ups. */
static void footer(scenario_run *r, smp_image *img, smp_view view, double year, int video) {
    render_job *j = r->j;
    char when[128], time[192], title[1200];
    if (video && year >= 0)
        snprintf(when, sizeof when, "Year %.1f after completion", year);
    else
        smp_year_label(year, when, sizeof when);
    snprintf(time, sizeof time, video ? "%s" : "%s · %s", when, smp_view_name(view));
    smp_describe_title(&j->scene, title, sizeof title);
    smp_camera cam;
    smp_pipeline_camera(&r->s[0].h.p, view, (float)r->cell_w / (float)img->height, &cam);
    smp_caption c = {.time = time,
                     .plan = title,
                     .large_time = 1,
                     .mm_per_px = smp_caption_scale(&cam, r->cell_w, img->height)};
    smp_caption_draw(r->font, img, &c);
}

/* DIR/STEM_VIEW_TIME_scenarios.png for every view and time; the first view's cells kept for
 * the sheet (sheet_cells: times x scenarios, or NULL). */
static int pictures(scenario_run *r, smp_image *sheet_cells) {
    render_job *j = r->j;
    smp_error err = {0};
    smp_image cells[RENDER_MAX_SCENARIOS + 1] = {{0}}, out = {0};
    int rc = CLI_EXIT_OK;
    for (int i = 0; i < r->count && rc == CLI_EXIT_OK; ++i)
        if (smp_image_alloc(&cells[i], r->cell_w, j->size.height, &err) != SMP_OK)
            rc = cli_fail("render", &err);
    if (rc == CLI_EXIT_OK && smp_image_alloc(&out, j->size.width, j->size.height, &err) != SMP_OK)
        rc = cli_fail("render", &err);
    /* with --no-stills only the sheet's view is drawn (when there is a sheet), not written */
    int views = j->no_stills ? (sheet_cells ? 1 : 0) : j->view_count;
    for (int v = 0; rc == CLI_EXIT_OK && v < views; ++v)
        for (int y = 0; rc == CLI_EXIT_OK && y < j->year_count; ++y) {
            char path[SMP_PATH_MAX], tag[32];
            smp_year_tag(j->years[y], tag, sizeof tag);
            if ((size_t)snprintf(path, sizeof path, "%s/%s_%s_%s_scenarios.png", j->out_dir,
                                 j->stem, smp_view_name(j->views[v]), tag) >= sizeof path) {
                rc = cli_usage_error("render", "--out: path too long");
                break;
            }
            if (capture_all(r, j->views[v], j->years[y], cells, &err) != SMP_OK) {
                rc = cli_fail("render", &err);
                break;
            }
            side_by_side(r, cells, j->years[y], &out);
            if (!j->no_captions) footer(r, &out, j->views[v], j->years[y], 0);
            if (!j->no_stills) rc = render_write_png(path, &out);
            for (int i = 0; sheet_cells && v == 0 && i < r->count && rc == CLI_EXIT_OK; ++i) {
                smp_image *keep = &sheet_cells[y * r->count + i];
                if (smp_image_alloc(keep, r->cell_w, j->size.height, &err) != SMP_OK) {
                    rc = cli_fail("render", &err);
                    break;
                }
                memcpy(keep->pixels, cells[i].pixels, (size_t)r->cell_w * j->size.height * 4);
                char line[160];
                figures(&r->s[i], j->years[y], line, sizeof line);
                /* inside the part the sheet keeps: it crops each cell about its centre */
                float keep_w = fminf((float)r->cell_w, SMP_SHEET_CELL_ASPECT * j->size.height);
                float px = smp_caption_px(keep) * 0.8f,
                      margin = ((float)r->cell_w - keep_w) / 2 + px;
                if (*line)
                    smp_caption_plate(r->font, keep, (int)margin, (int)(px * 1.8f), px, line);
            }
            smp_progress_step(&r->pg);
        }
    for (int i = 0; i < r->count; ++i) smp_image_free(&cells[i]);
    smp_image_free(&out);
    return rc;
}

/* ---- the sheet ------------------------------------------------------------------------ */

/* "sunscreen_spf=50, outdoor_hours_per_day=5": each override by its field's own name. */
static void overrides(const scenario *s, char *out, size_t size) {
    size_t n = 0;
    *out = '\0';
    if (!s->spec.set_count) snprintf(out, size, "the scene as it is");
    for (int k = 0; k < s->spec.set_count && n < size; ++k) {
        const char *eq = strchr(s->spec.sets[k], '='), *name = s->spec.sets[k];
        for (const char *p = s->spec.sets[k]; p < eq; ++p)
            if (*p == '.') name = p + 1;
        n += (size_t)snprintf(out + n, size - n, "%s%s", k ? ", " : "", name);
    }
}

static int sheet(scenario_run *r, const smp_image *cells) {
    render_job *j = r->j;
    smp_error err = {0};
    char row_text[MAX_YEARS][96], lines[3][256], times[256];
    char which[RENDER_MAX_SCENARIOS + 1][320];
    const char *rows[MAX_YEARS], *cols[RENDER_MAX_SCENARIOS + 1];
    for (int y = 0; y < j->year_count; ++y) {
        smp_year_label(j->years[y], row_text[y], sizeof row_text[y]);
        rows[y] = row_text[y];
    }
    char title[1200];
    smp_describe_title(&j->scene, title, sizeof title);
    smp_describe_scene(&r->s[0].scene, lines);
    smp_describe_times(&r->s[0].scene, times, sizeof times);
    smp_sheet_desc sd = {.rows = j->year_count,
                         .columns = r->count,
                         .cells = cells,
                         .row_labels = rows,
                         .column_labels = cols,
                         .title = title,
                         .cell_aspect = SMP_SHEET_CELL_ASPECT};
    int line = 0;
    sd.lines[line++] = lines[0];
    sd.lines[line++] = lines[1];
    /* what each scenario changes, and when it needs a touch-up */
    for (int i = 0; i < r->count; ++i) {
        char what[256];
        cols[i] = r->s[i].label;
        overrides(&r->s[i], what, sizeof what);
        if (isfinite(r->s[i].due_after))
            snprintf(which[i], sizeof which[i], "%s: %s · touch-up due %.1f y after completion",
                     r->s[i].label, what, r->s[i].due_after);
        else
            snprintf(which[i], sizeof which[i], "%s: %s · no touch-up due within 100 y",
                     r->s[i].label, what);
        sd.lines[line++] = which[i];
    }
    sd.lines[line++] = times;
    smp_image out = {0};
    int rc = smp_sheet_compose(&sd, r->font, &out, &err) != SMP_OK
                 ? cli_fail("render", &err)
                 : render_write_png(j->sheet_path, &out);
    smp_image_free(&out);
    return rc;
}

/* ---- the chart ------------------------------------------------------------------------ */

static int chart(scenario_run *r) {
    render_job *j = r->j;
    smp_error err = {0};
    float x_max = 20.0f;
    for (int y = 0; y < j->year_count; ++y)
        if (j->years[y] > x_max) x_max = (float)j->years[y];
    static float dark[RENDER_MAX_SCENARIOS + 1][CHART_SAMPLES],
        de[RENDER_MAX_SCENARIOS + 1][CHART_SAMPLES];
    smp_chart_series top[RENDER_MAX_SCENARIOS + 1], bottom[RENDER_MAX_SCENARIOS + 1];
    int fringe = 1;
    for (int i = 0; i < r->count; ++i) {
        for (int k = 0; k < CHART_SAMPLES; ++k) {
            smp_blend b;
            double year = x_max * k / (CHART_SAMPLES - 1.0);
            int ok = blend_at(&r->s[i], year, &b);
            dark[i][k] = ok ? (float)(100.0 * b.treated_darkening) : 0.0f;
            de[i][k] = ok ? (float)delta_e(&r->s[i], &b) : 0.0f;
        }
        fringe &= r->s[i].h.p.fringe.present;
        float due = isfinite(r->s[i].due_after) ? (float)r->s[i].due_after : 0.0f;
        top[i] = (smp_chart_series){r->s[i].label, dark[i], CHART_SAMPLES, due};
        bottom[i] = top[i], bottom[i].values = de[i];
    }
    int w = j->size.width < 640 ? 640 : j->size.width, h = w * 3 / 8;
    smp_image a = {0}, b = {0}, out = {0};
    int rc = CLI_EXIT_OK;
    char threshold_label[64];
    int mst = r->s[0].scene.client.mst;
    snprintf(threshold_label, sizeof threshold_label, "just noticeable on MST %d", mst);
    smp_chart_desc da = {.title = "The treated area, darker than bare skin",
                         .x_label = "years after the completion of treatment",
                         .y_label = "%",
                         .x_max = x_max,
                         .series = top,
                         .series_count = r->count,
                         .mark_label = "touch-up due"};
    smp_chart_desc db = da;
    db.title = fringe ? "Colour difference to the client's shaved fringe (CIEDE2000)"
                      : "Colour difference to bare skin (CIEDE2000)";
    db.y_label = "ΔE00";
    db.series = bottom;
    db.reference_y = (float)smp_blend_threshold(mst);
    db.reference_label = threshold_label;
    if (smp_image_alloc(&a, w, h, &err) != SMP_OK || smp_image_alloc(&b, w, h, &err) != SMP_OK ||
        smp_image_alloc(&out, w, 2 * h, &err) != SMP_OK ||
        smp_chart_draw(&da, r->font, &a, &err) != SMP_OK ||
        smp_chart_draw(&db, r->font, &b, &err) != SMP_OK) {
        rc = cli_fail("render", &err);
    } else {
        memcpy(out.pixels, a.pixels, (size_t)w * h * 4);
        memcpy(out.pixels + (size_t)w * h * 4, b.pixels, (size_t)w * h * 4);
        rc = render_write_png(j->chart_path, &out);
    }
    smp_image_free(&a);
    smp_image_free(&b);
    smp_image_free(&out);
    return rc;
}

/* ---- the time-lapse ------------------------------------------------------------------- */

static int video(scenario_run *r) {
    render_job *j = r->j;
    smp_error err = {0};
    smp_image cells[RENDER_MAX_SCENARIOS + 1] = {{0}}, out = {0};
    smp_video_writer v;
    int frames = (int)(j->seconds * j->fps + 0.5);
    if (frames < 2) frames = 2;
    smp_status st = smp_image_alloc(&out, j->size.width, j->size.height, &err);
    for (int i = 0; st == SMP_OK && i < r->count; ++i)
        st = smp_image_alloc(&cells[i], r->cell_w, j->size.height, &err);
    int opened = 0;
    if (st == SMP_OK && (st = smp_video_open(&v, j->video_path, j->size.width, j->size.height,
                                             j->fps, &err)) == SMP_OK)
        opened = 1;
    double from = smp_year_order(j->from), to = smp_year_order(j->to);
    for (int f = 0; st == SMP_OK && f < frames; ++f) {
        double year = f == 0 ? j->from : from + (to - from) * f / (frames - 1);
        if ((st = capture_all(r, j->views[0], year, cells, &err)) != SMP_OK) break;
        side_by_side(r, cells, year, &out);
        if (!j->no_captions) footer(r, &out, j->views[0], year, 1); /* the year counter */
        st = smp_video_write(&v, &out, &err);
        smp_progress_step(&r->pg);
    }
    if (st != SMP_OK && opened) smp_video_abort(&v);
    if (st == SMP_OK) st = smp_video_close(&v, &err);
    for (int i = 0; i < r->count; ++i) smp_image_free(&cells[i]);
    smp_image_free(&out);
    if (st != SMP_OK) return cli_fail("render", &err);
    printf("%s\n", j->video_path);
    return CLI_EXIT_OK;
}

int render_scenarios(render_job *j) {
    static scenario_run r; /* large: the scenarios' scenes and sessions */
    memset(&r, 0, sizeof r);
    r.j = j;
    int rc = resolve(&r);
    if (rc) return rc;
    double t0 = smp_clock_ms();
    smp_error err = {0};
    /* without scenarios only the chart is this module's (cmd_render.c drew the rest) */
    int draw = j->scenario_count > 0;
    if (open_sessions(&r, draw, &err) != SMP_OK || smp_font_open(NULL, &r.font, &err) != SMP_OK)
        rc = cli_fail("render", &err);
    int pictures_n = !draw          ? 0
                     : j->no_stills ? (j->sheet_path ? j->year_count : 0)
                                    : j->view_count * j->year_count;
    int video_frames = draw && j->video_path ? (int)(j->seconds * j->fps + 0.5) : 0;
    smp_image *sheet_cells = NULL;
    if (rc == CLI_EXIT_OK && draw && j->sheet_path &&
        !(sheet_cells = calloc((size_t)j->year_count * r.count, sizeof *sheet_cells)))
        rc = CLI_EXIT_FAILURE, fprintf(stderr, "smpsim render: out of memory\n");
    if (rc == CLI_EXIT_OK && draw) {
        smp_progress_begin(&r.pg, "rendering scenarios", pictures_n + video_frames, j->quiet);
        rc = pictures(&r, sheet_cells);
        if (rc == CLI_EXIT_OK && j->sheet_path) rc = sheet(&r, sheet_cells);
        if (rc == CLI_EXIT_OK && j->video_path) rc = video(&r);
        smp_progress_end(&r.pg);
    }
    if (rc == CLI_EXIT_OK && j->chart_path) rc = chart(&r);
    for (int i = 0; sheet_cells && i < j->year_count * r.count; ++i)
        smp_image_free(&sheet_cells[i]);
    free(sheet_cells);
    smp_font_close(r.font);
    for (int i = r.count - 1; i >= 0; --i) { /* the context's owner last */
        if (r.s[i].open && draw) smp_gl_session_close(&r.s[i].h);
        if (r.s[i].open && !draw) smp_pipeline_free(&r.s[i].h.p);
    }
    if (rc == CLI_EXIT_OK && !j->quiet && draw)
        fprintf(stderr, "smpsim render: %d scenario(s), %d picture(s)%s%s%s in %.0f ms\n", r.count,
                pictures_n, j->sheet_path ? ", a sheet" : "", j->chart_path ? ", a chart" : "",
                j->video_path ? ", a video" : "", smp_clock_ms() - t0);
    return rc;
}
