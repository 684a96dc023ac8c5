/* smpsim render: headless images of a scene at chosen years and views, contact sheets,
 * before/after comparisons and time-lapse video. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "smp/caption.h"
#include "smp/cli.h"
#include "smp/cli_options.h"
#include "smp/clock.h"
#include "smp/describe.h"
#include "smp/fsio.h"
#include "smp/gl_session.h"
#include "smp/image.h"
#include "smp/progress.h"
#include "smp/scene_args.h"
#include "smp/sheet.h"
#include "smp/text.h"
#include "smp/video.h"
#include "verbose.h"

static const cli_command k_command = {
    .name = "render",
    .about =
        "Renders a scene headless (no display needed): one PNG per time and view, named\n"
        "DIR/NAME_VIEW_TIME.png (NAME: the scene file's name, \"default\" without SCENE; TIME:\n"
        "untreated, healed or yN), printing each path. Every file is written atomically: a\n"
        "failed run leaves no partial output.\n"
        "\n"
        "Times count from the completion of treatment, the day of the plan's last treatment\n"
        "session (touch-ups come later): 'untreated' is the client before any session (no\n"
        "dots), 'healed' 30 days after the last session, N (yN) year N after completion.\n",
    .footer =
        "Exit status: 0 success, 1 rendering failed, 2 bad arguments, scene or output path.\n",
};

/* --view: comma-separated view names. */
static smp_status parse_views(const char *option, const char *text, void *dst, smp_error *err) {
    view_list *out = dst;
    char list[256], *names[SMP_VIEW_COUNT];
    int n = snprintf(list, sizeof list, "%s", text) < (int)sizeof list
                ? cli_split_list(list, names, SMP_VIEW_COUNT)
                : -1;
    if (n < 0)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "%s: expected 1 to %d comma-separated names",
                             option, SMP_VIEW_COUNT);
    for (int i = 0; i < n; ++i)
        if (smp_view_parse(names[i], &out->views[i], err) != SMP_OK) {
            smp_error_prefix(err, "%s", option);
            return err->status;
        }
    out->count = n;
    return SMP_OK;
}

/* --from, --to: a time on the video's timeline, healed or years after completion. */
static smp_status parse_video_time(const char *option, const char *text, void *dst,
                                   smp_error *err) {
    double *out = dst;
    if (smp_year_parse(text, out, err) != SMP_OK) {
        smp_error_prefix(err, "%s", option);
        return err->status;
    }
    if (*out == SMP_YEAR_UNTREATED)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "%s: found 'untreated', expected 'healed' or years after the "
                             "completion of treatment (the untreated head has no time)",
                             option);
    return SMP_OK;
}

static const cli_option k_options[] = {
    CLI_STRING("out", "DIR", "output directory, created if missing (default: smpsim-out)",
               render_job, out_dir),
    CLI_PARSE("view", "LIST",
              "comma-separated views: front, back, left, right, top, three-quarter (default: "
              "the scene's render.views)",
              render_job, view_arg, parse_views),
    CLI_PARSE("years", "LIST",
              "comma-separated times in time order: untreated, healed, or years after "
              "completion, 0..50 (default: the scene's render.years; the default scene: "
              "untreated,healed,1,3,5,10)",
              render_job, year_arg, cli_parse_times_value),
    CLI_PARSE("size", "WxH", "image size in pixels, 16..8192 per side (default: 1280x720)",
              render_job, size, cli_parse_size_value),
    CLI_STRING("sheet", "FILE", "also write a labelled contact sheet (rows: times, columns: views)",
               render_job, sheet_path),
    CLI_STRING("compare", "MODE",
               "also write before/after splits: 'untreated' (untreated | each time, per view) "
               "or 'A,B' (time A | time B, per view)",
               render_job, compare),
    CLI_STRING("video", "FILE", "also write a time-lapse MP4 of the first view (needs ffmpeg)",
               render_job, video_path),
    CLI_PARSE("from", "T",
              "the video's first time: healed or years after completion (default: healed)",
              render_job, from, parse_video_time),
    CLI_PARSE("to", "T", "the video's last time (default: 10)", render_job, to, parse_video_time),
    CLI_NUMBER("seconds", "S", "the video's length in seconds, {range} (default: 6)", render_job,
               seconds, 0.1, 600),
    CLI_INT("fps", "N", "the video's frame rate, {range} (default: 30)", render_job, fps, 1, 120),
    CLI_APPEND("scenario", "SPEC",
               "the same client under another plan or lifestyle: SPEC is 'LABEL: PATH=VALUE; "
               "PATH=VALUE', the scene with those --set overrides (repeatable, up to 4; one "
               "given is set beside the scene as it is). Pictures, --sheet and --video then "
               "show the scenarios side by side",
               render_job, scenario_specs, scenario_count),
    CLI_STRING("chart", "FILE",
               "also write a chart of the treated area's darkening and its colour difference to "
               "the fringe over the years, one line per scenario, touch-up due marked",
               render_job, chart_path),
    CLI_FLAG(0, "no-stills",
             "write only what --sheet, --compare, --video and --chart ask for, not a PNG per "
             "time and view",
             render_job, no_stills),
    CLI_FLAG(0, "no-captions",
             "leave pictures and videos bare (by default each carries the client, the time and "
             "view, the blend's figures, the plan, a year counter in videos and a scale bar on "
             "close-ups)",
             render_job, no_captions),
    {0},
};

/* Everything the user asked for is checked here, before any GL work starts. */
static int resolve_job(render_job *j) {
    smp_error err = {0};
    int rc;
    if ((rc = smp_scene_args_load("render", &j->scene_arg, &j->scene))) return rc;
    if (j->view_arg.count) {
        j->view_count = j->view_arg.count;
        memcpy(j->views, j->view_arg.views, sizeof(smp_view) * (size_t)j->view_count);
    } else {
        j->view_count = j->scene.view_count;
        for (int i = 0; i < j->view_count; ++i) j->views[i] = (smp_view)j->scene.views[i];
    }
    const cli_times *years = j->year_arg.count ? &j->year_arg : NULL;
    j->year_count = years ? years->count : j->scene.year_count;
    memcpy(j->years, years ? years->t : j->scene.years, sizeof(double) * (size_t)j->year_count);
    if (j->compare) {
        int n = 0;
        if (strcmp(j->compare, "untreated") == 0)
            j->compare_untreated = 1;
        else if (cli_parse_times("--compare", j->compare, 2, j->compare_years, &n, &err) != SMP_OK)
            return cli_usage_error("render", "%s", err.message);
        else if (n != 2)
            return cli_usage_error("render", "--compare: expected 'untreated' or two times 'A,B'");
    }
    if (smp_year_order(j->to) <= smp_year_order(j->from)) {
        char from[32], to[32];
        smp_year_word(j->from, from, sizeof from);
        smp_year_word(j->to, to, sizeof to);
        return cli_usage_error("render", "--to (%s) must be after --from (%s)", to, from);
    }
    if (j->video_path && smp_video_check_ffmpeg(&err) != SMP_OK)
        return cli_usage_error("render", "%s", err.message);
    if (smp_check_writable_dir(j->out_dir, &err) != SMP_OK)
        return cli_usage_error("render", "--out: %s", err.message);
    if (j->no_stills && !j->sheet_path && !j->compare && !j->video_path && !j->chart_path)
        return cli_usage_error("render", "--no-stills leaves nothing to write: add --sheet, "
                                         "--compare, --video or --chart");
    if (j->scenario_count && j->compare)
        return cli_usage_error("render", "--compare and --scenario do not go together: "
                                         "scenarios are already shown side by side");
    const char *files[3] = {j->sheet_path, j->video_path, j->chart_path};
    const char *names[3] = {"--sheet", "--video", "--chart"};
    for (int i = 0; i < 3; ++i) {
        if (files[i] && smp_check_output_file(files[i], &err) != SMP_OK)
            return cli_usage_error("render", "%s: %s", names[i], err.message);
    }
    smp_scene_args_stem(&j->scene_arg, j->stem, sizeof j->stem);
    return 0;
}

/* Left half from a, right half from b, a thin divider; captioned (when font) with the client,
 * each side's time, the view and the plan. */
static void split(const smp_gl_session *h, const smp_image *a, const smp_image *b, smp_image *out,
                  smp_font *font, const render_job *j, smp_view view, double ya, double yb) {
    int half = out->width / 2;
    for (int y = 0; y < out->height; ++y) {
        memcpy(smp_image_at(out, 0, y), smp_image_at(a, 0, y), (size_t)half * 4);
        memcpy(smp_image_at(out, half, y), smp_image_at(b, half, y),
               (size_t)(out->width - half) * 4);
        for (int x = half - 1; x <= half; ++x) memset(smp_image_at(out, x, y), 235, 3);
    }
    if (!font) return;
    char left[160], right[64], title[1200], plan[600];
    smp_year_label(ya, right, sizeof right);
    snprintf(left, sizeof left, "%s · %s", right, smp_view_name(view));
    smp_year_label(yb, right, sizeof right);
    smp_describe_title(&j->scene, title, sizeof title);
    smp_describe_plan(&j->scene, plan, sizeof plan);
    smp_camera cam;
    smp_pipeline_camera(&h->p, view, (float)out->width / (float)out->height, &cam);
    smp_caption c = {.heading = title,
                     .time = left,
                     .time_right = right,
                     .plan = plan,
                     .mm_per_px = smp_caption_scale(&cam, out->width, out->height)};
    smp_caption_draw(font, out, &c);
}

static int render_compare(smp_gl_session *h, const render_job *j, smp_font *font,
                          smp_progress *pg) {
    smp_image a = {0}, b = {0}, out = {0};
    smp_error err = {0};
    int rc = CLI_EXIT_OK;
    if (smp_image_alloc(&a, j->size.width, j->size.height, &err) != SMP_OK ||
        smp_image_alloc(&b, j->size.width, j->size.height, &err) != SMP_OK ||
        smp_image_alloc(&out, j->size.width, j->size.height, &err) != SMP_OK)
        rc = cli_fail("render", &err);
    int rounds = j->compare_untreated ? j->year_count : 1;
    for (int v = 0; rc == CLI_EXIT_OK && v < j->view_count; ++v)
        for (int y = 0; rc == CLI_EXIT_OK && y < rounds; ++y) {
            double ya = j->compare_untreated ? SMP_YEAR_UNTREATED : j->compare_years[0];
            double yb = j->compare_untreated ? j->years[y] : j->compare_years[1];
            if (yb == SMP_YEAR_UNTREATED) continue; /* the same picture on both sides */
            char path[SMP_PATH_MAX], ta[32], tb[32];
            smp_year_tag(ya, ta, sizeof ta);
            smp_year_tag(yb, tb, sizeof tb);
            if (render_capture(h, &j->scene, j->views[v], ya, &a, &err) != SMP_OK ||
                render_capture(h, &j->scene, j->views[v], yb, &b, &err) != SMP_OK) {
                rc = cli_fail("render", &err);
                break;
            }
            if (j->compare_untreated)
                snprintf(path, sizeof path, "%s/%s_%s_%s_compare.png", j->out_dir, j->stem,
                         smp_view_name(j->views[v]), tb);
            else
                snprintf(path, sizeof path, "%s/%s_%s_%s_vs_%s.png", j->out_dir, j->stem,
                         smp_view_name(j->views[v]), ta, tb);
            split(h, &a, &b, &out, j->no_captions ? NULL : font, j, j->views[v], ya, yb);
            rc = render_write_png(path, &out);
            smp_progress_step(pg);
        }
    smp_image_free(&a);
    smp_image_free(&b);
    smp_image_free(&out);
    return rc;
}

static int render_video(smp_gl_session *h, const render_job *j, smp_font *font, smp_progress *pg) {
    smp_error err = {0};
    smp_image img = {0};
    smp_video_writer v;
    int frames = (int)(j->seconds * j->fps + 0.5);
    if (frames < 2) frames = 2;
    if (smp_image_alloc(&img, j->size.width, j->size.height, &err) != SMP_OK ||
        smp_video_open(&v, j->video_path, j->size.width, j->size.height, j->fps, &err) != SMP_OK) {
        smp_image_free(&img);
        return cli_fail("render", &err);
    }
    double from = smp_year_order(j->from), to = smp_year_order(j->to);
    for (int i = 0; i < frames; ++i) {
        /* the first frame says "healed" when the video starts there, the others their year */
        double year = i == 0 ? j->from : from + (to - from) * i / (frames - 1);
        smp_status st = render_capture(h, &j->scene, j->views[0], year, &img, &err);
        if (st == SMP_OK) {
            if (!j->no_captions)
                render_caption_picture(h, &j->scene, j->views[0], year, 1, font, &img);
            st = smp_video_write(&v, &img, &err);
        }
        if (st != SMP_OK) {
            smp_video_abort(&v);
            smp_image_free(&img);
            return cli_fail("render", &err);
        }
        smp_progress_step(pg);
    }
    smp_image_free(&img);
    if (smp_video_close(&v, &err) != SMP_OK) return cli_fail("render", &err);
    printf("%s\n", j->video_path);
    return CLI_EXIT_OK;
}

/* A still as the client sees it: captioned unless asked not to (the picture kept for the sheet
 * stays bare: the sheet labels its cells). */
static int write_still(const smp_gl_session *h, const render_job *j, smp_view view, double year,
                       smp_font *font, const smp_image *img, const char *path) {
    if (j->no_captions) return render_write_png(path, img);
    smp_image copy = {0};
    smp_error err = {0};
    if (smp_image_alloc(&copy, img->width, img->height, &err) != SMP_OK)
        return cli_fail("render", &err);
    memcpy(copy.pixels, img->pixels, (size_t)img->width * img->height * 4);
    render_caption_picture(h, &j->scene, view, year, 0, font, &copy);
    int rc = render_write_png(path, &copy);
    smp_image_free(&copy);
    return rc;
}

static int run(render_job *j) {
    smp_error err = {0};
    double t0 = smp_clock_ms();
    smp_gl_session h;
    if (smp_gl_session_open(&h, j->gl.backend, j->gl.msaa, &j->scene, &err) != SMP_OK)
        return cli_fail("render", &err);
    app_verbose_gl("render", h.gl);
    app_verbose_pipeline("render", &h.p);
    if (!j->quiet)
        fprintf(stderr,
                "smpsim render: %s via %s; %s, %zu dots; scene built in %.0f ms (head %.0f, "
                "fields %.0f, scatter %.0f, model %.0f)\n",
                smp_gl_context_renderer(h.gl), smp_gl_backend_name(smp_gl_context_backend(h.gl)),
                h.p.head_source, h.p.dots.count, h.head_build_ms, h.p.head_ms, h.p.fields_ms,
                h.p.scatter_ms, h.p.model_ms);
    smp_font *font = NULL;
    if ((j->sheet_path || j->compare || j->video_path || (!j->no_captions && !j->no_stills)) &&
        smp_font_open(NULL, &font, &err) != SMP_OK) {
        smp_gl_session_close(&h);
        return cli_fail("render", &err);
    }
    int images = j->year_count * j->view_count;
    int drawn = j->no_stills && !j->sheet_path ? 0 : images; /* cells drawn */
    int written = j->no_stills ? 0 : images;                 /* stills written */
    int video_frames = j->video_path ? (int)(j->seconds * j->fps + 0.5) : 0;
    int treated = 0;
    for (int y = 0; y < j->year_count; ++y) treated += j->years[y] != SMP_YEAR_UNTREATED;
    int compares = j->compare ? j->view_count * (j->compare_untreated ? treated : 1) : 0;
    smp_progress pg;
    smp_progress_begin(&pg, "rendering", drawn + compares + video_frames, j->quiet);

    int rc = CLI_EXIT_OK;
    smp_image *cells = calloc((size_t)images, sizeof *cells);
    if (!cells) rc = CLI_EXIT_FAILURE, fprintf(stderr, "smpsim render: out of memory\n");
    /* with --no-stills, only what the sheet needs is drawn, and nothing of it is written */
    int draw_cells = !j->no_stills || j->sheet_path;
    for (int y = 0; draw_cells && rc == CLI_EXIT_OK && y < j->year_count; ++y)
        for (int v = 0; rc == CLI_EXIT_OK && v < j->view_count; ++v) {
            smp_image *img = &cells[y * j->view_count + v];
            char path[SMP_PATH_MAX], tag[32];
            smp_year_tag(j->years[y], tag, sizeof tag);
            if ((size_t)snprintf(path, sizeof path, "%s/%s_%s_%s.png", j->out_dir, j->stem,
                                 smp_view_name(j->views[v]), tag) >= sizeof path) {
                rc = cli_usage_error("render", "--out: path too long");
                break;
            }
            if (smp_image_alloc(img, j->size.width, j->size.height, &err) != SMP_OK ||
                render_capture(&h, &j->scene, j->views[v], j->years[y], img, &err) != SMP_OK) {
                rc = cli_fail("render", &err);
                break;
            }
            if (!j->no_stills) rc = write_still(&h, j, j->views[v], j->years[y], font, img, path);
            if (!j->sheet_path) smp_image_free(img);
            smp_progress_step(&pg);
        }
    if (rc == CLI_EXIT_OK && j->sheet_path) {
        char row_text[MAX_YEARS][192], lines[3][256], times[256], due[96];
        const char *rows[MAX_YEARS], *cols[SMP_SCENE_MAX_VIEWS];
        for (int y = 0; y < j->year_count; ++y) {
            smp_describe_blend(&h.p, &j->scene, j->years[y], row_text[y], sizeof row_text[y]);
            rows[y] = row_text[y];
        }
        for (int v = 0; v < j->view_count; ++v) cols[v] = smp_view_name(j->views[v]);
        char title[1200];
        smp_describe_title(&j->scene, title, sizeof title);
        smp_describe_scene(&j->scene, lines);
        smp_describe_times(&j->scene, times, sizeof times);
        smp_describe_due(&h.p, &j->scene, due, sizeof due);
        strncat(lines[2], due, sizeof lines[2] - strlen(lines[2]) - 1);
        smp_sheet_desc sd = {.rows = j->year_count,
                             .columns = j->view_count,
                             .cells = cells,
                             .row_labels = rows,
                             .column_labels = cols,
                             .title = title,
                             .lines = {lines[0], lines[1], lines[2], times},
                             .cell_aspect = SMP_SHEET_CELL_ASPECT};
        smp_image sheet = {0};
        if (smp_sheet_compose(&sd, font, &sheet, &err) != SMP_OK)
            rc = cli_fail("render", &err);
        else
            rc = render_write_png(j->sheet_path, &sheet);
        smp_image_free(&sheet);
    }
    for (int i = 0; cells && i < images; ++i) smp_image_free(&cells[i]);
    free(cells);
    if (rc == CLI_EXIT_OK && j->compare) rc = render_compare(&h, j, font, &pg);
    if (rc == CLI_EXIT_OK && j->video_path) rc = render_video(&h, j, font, &pg);
    smp_progress_end(&pg);
    smp_font_close(font);
    smp_gl_session_close(&h);
    if (rc == CLI_EXIT_OK && !j->quiet)
        fprintf(stderr, "smpsim render: %d image(s) of %dx%d in %.0f ms\n",
                written + compares + (j->sheet_path != NULL), j->size.width, j->size.height,
                smp_clock_ms() - t0);
    return rc;
}

int cmd_render(int argc, char **argv) {
    static render_job j;
    memset(&j, 0, sizeof j);
    j.out_dir = "smpsim-out";
    j.size = (cli_size){1280, 720};
    j.gl = (cli_gl_args)CLI_GL_ARGS_DEFAULT;
    j.fps = 30;
    j.from = SMP_YEAR_HEALED, j.to = 10, j.seconds = 6;
    const cli_group groups[] = {{smp_scene_arg_options, &j.scene_arg},
                                {k_options, &j},
                                {cli_msaa_options, &j.gl},
                                {cli_gl_options, &j.gl}};
    int rc = cli_parse(&k_command, groups, 4, argc, argv);
    if (rc != CLI_PARSED) return rc;
    j.quiet = cli_common.quiet;
    if ((rc = resolve_job(&j))) return rc;
    if (j.scenario_count) return render_scenarios(&j);
    rc = run(&j);
    return rc == CLI_EXIT_OK && j.chart_path ? render_scenarios(&j) : rc;
}
