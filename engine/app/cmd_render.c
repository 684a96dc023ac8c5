/* smpsim render: headless images of a scene at chosen years and views, contact sheets,
 * before/after comparisons and time-lapse video. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "headless.h"
#include "progress.h"
#include "scene_args.h"
#include "smp/fsio.h"
#include "smp/image.h"
#include "smp/sheet.h"
#include "smp/text.h"
#include "video.h"

static void print_help(void) {
    printf("Usage: smpsim render [SCENE] [options]\n"
           "\n"
           "Renders a scene headless (no display needed): one PNG per year and view, named\n"
           "DIR/NAME_VIEW_yYEAR.png (NAME: the scene file's name, \"default\" without SCENE),\n"
           "printing each path. Every file is written atomically: a failed run leaves no partial\n"
           "output.\n"
           "\n"
           "Options:\n"
           "  --set PATH=VALUE  override a scene field (repeatable; see 'smpsim check --help')\n"
           "  --out DIR         output directory, created if missing (default: smpsim-out)\n"
           "  --view LIST       comma-separated views: front, back, left, right, top,\n"
           "                    three-quarter (default: the scene's render.views)\n"
           "  --years LIST      comma-separated years after the first session, 0..50\n"
           "                    (default: the scene's render.years)\n"
           "  --size WxH        image size in pixels, 16..8192 per side (default: 1280x720)\n"
           "  --sheet FILE      also write a labelled contact sheet (rows: years, columns: views)\n"
           "  --compare MODE    also write before/after splits: 'untreated' (skin without dots |\n"
           "                    treated, per year and view) or 'A,B' (year A | year B, per view)\n"
           "  --video FILE      also write a time-lapse MP4 of the first view (needs ffmpeg)\n"
           "  --from Y, --to Y  the video's first and last year (default: 0 and 10)\n"
           "  --seconds S       the video's length (default: 6); --fps N its frame rate (30)\n"
           "  --msaa N          samples per pixel for anti-aliasing, 1..16 (default: 4)\n"
           "  --gl BACKEND      auto, egl or sdl-offscreen (default: auto = EGL, then SDL)\n"
           "  -q, --quiet       print only the written paths\n"
           "  -h, --help        show this help\n"
           "\n"
           "Exit status: 0 success, 1 rendering failed, 2 bad arguments, scene or output path.\n");
}

enum { MAX_YEARS = 32 };

typedef struct render_job {
    scene_args scene_arg;
    const char *out_dir, *sheet_path, *video_path, *compare;
    char view_list[256], year_list[512];
    int width, height, msaa, quiet, fps;
    double from, to, seconds;
    smp_gl_backend backend;
    /* resolved */
    smp_scene scene;
    smp_view views[SMP_SCENE_MAX_VIEWS];
    int view_count;
    double years[MAX_YEARS];
    int year_count;
    int compare_untreated;
    double compare_years[2];
    char stem[256];
} render_job;

static int parse_years(render_job *j, char *text, const char *option, double *out, int max,
                       int *count) {
    char *items[MAX_YEARS];
    smp_error err = {0};
    int n = cli_split_list(text, items, max);
    if (n < 0)
        return cli_usage_error("render", "%s: expected 1 to %d comma-separated years", option, max);
    for (int i = 0; i < n; ++i) {
        if (cli_parse_number(option, items[i], 0, 50, &out[i], &err) != SMP_OK)
            return cli_usage_error("render", "%s", err.message);
        if (i > 0 && out[i] <= out[i - 1])
            return cli_usage_error("render", "%s: years must increase (%g after %g)", option,
                                   out[i], out[i - 1]);
    }
    (void)j;
    *count = n;
    return 0;
}

/* Everything the user asked for is checked here, before any GL work starts. */
static int resolve_job(render_job *j) {
    smp_error err = {0};
    int rc;
    if ((rc = scene_args_load("render", &j->scene_arg, &j->scene))) return rc;
    if (*j->view_list) {
        char *names[SMP_VIEW_COUNT];
        j->view_count = cli_split_list(j->view_list, names, SMP_VIEW_COUNT);
        if (j->view_count < 0)
            return cli_usage_error("render", "--view: expected 1 to %d comma-separated names",
                                   SMP_VIEW_COUNT);
        for (int i = 0; i < j->view_count; ++i)
            if (smp_view_parse(names[i], &j->views[i], &err) != SMP_OK)
                return cli_usage_error("render", "--view: %s", err.message);
    } else {
        j->view_count = j->scene.view_count;
        for (int i = 0; i < j->view_count; ++i) j->views[i] = (smp_view)j->scene.views[i];
    }
    if (*j->year_list) {
        if ((rc = parse_years(j, j->year_list, "--years", j->years, MAX_YEARS, &j->year_count)))
            return rc;
    } else {
        j->year_count = j->scene.year_count;
        memcpy(j->years, j->scene.years, sizeof(double) * (size_t)j->year_count);
    }
    if (j->compare) {
        char text[128];
        int n = 0;
        if (strcmp(j->compare, "untreated") == 0) {
            j->compare_untreated = 1;
        } else if (snprintf(text, sizeof text, "%s", j->compare) >= (int)sizeof text ||
                   (rc = parse_years(j, text, "--compare", j->compare_years, 2, &n)) || n != 2) {
            return rc ? rc
                      : cli_usage_error("render",
                                        "--compare: expected 'untreated' or two years 'A,B'");
        }
    }
    if (j->to <= j->from)
        return cli_usage_error("render", "--to (%g) must be after --from (%g)", j->to, j->from);
    if (j->video_path && video_check_ffmpeg(&err) != SMP_OK)
        return cli_usage_error("render", "%s", err.message);
    if (smp_check_writable_dir(j->out_dir, &err) != SMP_OK)
        return cli_usage_error("render", "--out: %s", err.message);
    const char *files[2] = {j->sheet_path, j->video_path};
    const char *names[2] = {"--sheet", "--video"};
    for (int i = 0; i < 2; ++i) {
        if (!files[i]) continue;
        char dir[SMP_PATH_MAX];
        const char *slash = strrchr(files[i], '/');
        snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - files[i]) : 1,
                 slash ? files[i] : ".");
        if (!*dir) snprintf(dir, sizeof dir, "/");
        if (smp_check_writable_dir(dir, &err) != SMP_OK)
            return cli_usage_error("render", "%s: %s", names[i], err.message);
    }
    scene_args_stem(&j->scene_arg, j->stem, sizeof j->stem);
    return 0;
}

static void year_tag(double year, char *out, size_t size) { snprintf(out, size, "%g", year); }

static smp_status capture(headless *h, const render_job *j, smp_view view, double year,
                          int hide_dots, smp_image *img, smp_error *err) {
    smp_frame_desc frame = smp_frame_default();
    pipeline_camera(&h->p, view, (float)j->width / (float)j->height, &frame.camera);
    frame.hide_dots = hide_dots;
    smp_status s = headless_frame(h, year, &frame, err);
    return s == SMP_OK ? smp_renderer_capture(h->renderer, &frame, img, err) : s;
}

static int write_png(const char *path, const smp_image *img) {
    smp_error err = {0};
    if (smp_image_write_png(path, img, &err) != SMP_OK) return cli_fail("render", &err);
    printf("%s\n", path);
    fflush(stdout);
    return CLI_EXIT_OK;
}

/* Left half from a, right half from b, a thin divider, and a label on each side. */
static void split(const smp_image *a, const smp_image *b, smp_image *out, smp_font *font,
                  const char *left, const char *right) {
    int half = out->width / 2;
    for (int y = 0; y < out->height; ++y) {
        memcpy(smp_image_at(out, 0, y), smp_image_at(a, 0, y), (size_t)half * 4);
        memcpy(smp_image_at(out, half, y), smp_image_at(b, half, y),
               (size_t)(out->width - half) * 4);
        for (int x = half - 1; x <= half; ++x) memset(smp_image_at(out, x, y), 235, 3);
    }
    if (!font) return;
    float px = out->height / 28.0f < 12 ? 12 : out->height / 28.0f;
    const uint8_t ink[4] = {240, 240, 236, 255};
    int w = smp_text_width(font, px, right);
    smp_text_draw(font, out, (int)px, (int)(px * 1.8f), px, ink, left);
    smp_text_draw(font, out, out->width - w - (int)px, (int)(px * 1.8f), px, ink, right);
}

static int render_compare(headless *h, const render_job *j, smp_font *font, progress *pg) {
    smp_image a = {0}, b = {0}, out = {0};
    smp_error err = {0};
    int rc = CLI_EXIT_OK;
    if (smp_image_alloc(&a, j->width, j->height, &err) != SMP_OK ||
        smp_image_alloc(&b, j->width, j->height, &err) != SMP_OK ||
        smp_image_alloc(&out, j->width, j->height, &err) != SMP_OK)
        rc = cli_fail("render", &err);
    int rounds = j->compare_untreated ? j->year_count : 1;
    for (int v = 0; rc == CLI_EXIT_OK && v < j->view_count; ++v)
        for (int y = 0; rc == CLI_EXIT_OK && y < rounds; ++y) {
            double ya = j->compare_untreated ? j->years[y] : j->compare_years[0];
            double yb = j->compare_untreated ? j->years[y] : j->compare_years[1];
            char left[64], right[64], path[SMP_PATH_MAX], ta[32], tb[32];
            year_tag(ya, ta, sizeof ta);
            year_tag(yb, tb, sizeof tb);
            if (capture(h, j, j->views[v], ya, j->compare_untreated, &a, &err) != SMP_OK ||
                capture(h, j, j->views[v], yb, 0, &b, &err) != SMP_OK) {
                rc = cli_fail("render", &err);
                break;
            }
            if (j->compare_untreated) {
                snprintf(left, sizeof left, "untreated");
                snprintf(right, sizeof right, "year %s", tb);
                snprintf(path, sizeof path, "%s/%s_%s_y%s_compare.png", j->out_dir, j->stem,
                         smp_view_name(j->views[v]), tb);
            } else {
                snprintf(left, sizeof left, "year %s", ta);
                snprintf(right, sizeof right, "year %s", tb);
                snprintf(path, sizeof path, "%s/%s_%s_y%s_vs_y%s.png", j->out_dir, j->stem,
                         smp_view_name(j->views[v]), ta, tb);
            }
            split(&a, &b, &out, font, left, right);
            rc = write_png(path, &out);
            progress_step(pg);
        }
    smp_image_free(&a);
    smp_image_free(&b);
    smp_image_free(&out);
    return rc;
}

static int render_video(headless *h, const render_job *j, progress *pg) {
    smp_error err = {0};
    smp_image img = {0};
    video_writer v;
    int frames = (int)(j->seconds * j->fps + 0.5);
    if (frames < 2) frames = 2;
    if (smp_image_alloc(&img, j->width, j->height, &err) != SMP_OK ||
        video_open(&v, j->video_path, j->width, j->height, j->fps, &err) != SMP_OK) {
        smp_image_free(&img);
        return cli_fail("render", &err);
    }
    for (int i = 0; i < frames; ++i) {
        double year = j->from + (j->to - j->from) * i / (frames - 1);
        if (capture(h, j, j->views[0], year, 0, &img, &err) != SMP_OK ||
            video_write(&v, &img, &err) != SMP_OK) {
            video_abort(&v);
            smp_image_free(&img);
            return cli_fail("render", &err);
        }
        progress_step(pg);
    }
    smp_image_free(&img);
    if (video_close(&v, &err) != SMP_OK) return cli_fail("render", &err);
    printf("%s\n", j->video_path);
    return CLI_EXIT_OK;
}

static int run(render_job *j) {
    smp_error err = {0};
    double t0 = headless_now_ms();
    headless h;
    if (headless_open(&h, j->backend, j->msaa, &j->scene, &err) != SMP_OK)
        return cli_fail("render", &err);
    if (!j->quiet)
        fprintf(stderr,
                "smpsim render: %s via %s; %s, %zu dots; scene built in %.0f ms (head %.0f, "
                "fields %.0f, scatter %.0f, model %.0f)\n",
                smp_gl_context_renderer(h.gl), smp_gl_backend_name(smp_gl_context_backend(h.gl)),
                h.p.head_source, h.p.dots.count, h.head_build_ms, h.p.head_ms, h.p.fields_ms,
                h.p.scatter_ms, h.p.model_ms);
    smp_font *font = NULL;
    if ((j->sheet_path || j->compare) && smp_font_open(NULL, &font, &err) != SMP_OK) {
        headless_close(&h);
        return cli_fail("render", &err);
    }
    int images = j->year_count * j->view_count;
    int video_frames = j->video_path ? (int)(j->seconds * j->fps + 0.5) : 0;
    int compares = j->compare ? j->view_count * (j->compare_untreated ? j->year_count : 1) : 0;
    progress pg;
    progress_begin(&pg, "rendering", images + compares + video_frames, j->quiet);

    int rc = CLI_EXIT_OK;
    smp_image *cells = calloc((size_t)images, sizeof *cells);
    if (!cells) rc = CLI_EXIT_FAILURE, fprintf(stderr, "smpsim render: out of memory\n");
    for (int y = 0; rc == CLI_EXIT_OK && y < j->year_count; ++y)
        for (int v = 0; rc == CLI_EXIT_OK && v < j->view_count; ++v) {
            smp_image *img = &cells[y * j->view_count + v];
            char path[SMP_PATH_MAX], tag[32];
            year_tag(j->years[y], tag, sizeof tag);
            if ((size_t)snprintf(path, sizeof path, "%s/%s_%s_y%s.png", j->out_dir, j->stem,
                                 smp_view_name(j->views[v]), tag) >= sizeof path) {
                rc = cli_usage_error("render", "--out: path too long");
                break;
            }
            if (smp_image_alloc(img, j->width, j->height, &err) != SMP_OK ||
                capture(&h, j, j->views[v], j->years[y], 0, img, &err) != SMP_OK) {
                rc = cli_fail("render", &err);
                break;
            }
            rc = write_png(path, img);
            if (!j->sheet_path) smp_image_free(img);
            progress_step(&pg);
        }
    if (rc == CLI_EXIT_OK && j->sheet_path) {
        char row_text[MAX_YEARS][32], lines[3][256];
        const char *rows[MAX_YEARS], *cols[SMP_SCENE_MAX_VIEWS];
        for (int y = 0; y < j->year_count; ++y) {
            snprintf(row_text[y], sizeof row_text[y], "Year %g", j->years[y]);
            rows[y] = row_text[y];
        }
        for (int v = 0; v < j->view_count; ++v) cols[v] = smp_view_name(j->views[v]);
        headless_describe_scene(&j->scene, lines);
        smp_sheet_desc sd = {.rows = j->year_count,
                             .columns = j->view_count,
                             .cells = cells,
                             .row_labels = rows,
                             .column_labels = cols,
                             .title = j->scene.name,
                             .lines = {lines[0], lines[1], lines[2]}};
        smp_image sheet = {0};
        if (smp_sheet_compose(&sd, font, &sheet, &err) != SMP_OK)
            rc = cli_fail("render", &err);
        else
            rc = write_png(j->sheet_path, &sheet);
        smp_image_free(&sheet);
    }
    for (int i = 0; cells && i < images; ++i) smp_image_free(&cells[i]);
    free(cells);
    if (rc == CLI_EXIT_OK && j->compare) rc = render_compare(&h, j, font, &pg);
    if (rc == CLI_EXIT_OK && j->video_path) rc = render_video(&h, j, &pg);
    progress_end(&pg);
    smp_font_close(font);
    headless_close(&h);
    if (rc == CLI_EXIT_OK && !j->quiet)
        fprintf(stderr, "smpsim render: %d image(s) of %dx%d in %.0f ms\n",
                images + compares + (j->sheet_path != NULL), j->width, j->height,
                headless_now_ms() - t0);
    return rc;
}

int cmd_render(int argc, char **argv) {
    static const struct option options[] = {
        {"out", required_argument, NULL, 'o'},
        {"view", required_argument, NULL, 'v'},
        {"years", required_argument, NULL, 'y'},
        {"size", required_argument, NULL, 's'},
        {"msaa", required_argument, NULL, 'm'},
        {"gl", required_argument, NULL, 'g'},
        {"set", required_argument, NULL, 'S'},
        {"sheet", required_argument, NULL, 'H'},
        {"compare", required_argument, NULL, 'C'},
        {"video", required_argument, NULL, 'V'},
        {"from", required_argument, NULL, 'F'},
        {"to", required_argument, NULL, 'T'},
        {"fps", required_argument, NULL, 'R'},
        {"seconds", required_argument, NULL, 'D'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    static render_job j;
    memset(&j, 0, sizeof j);
    j.out_dir = "smpsim-out";
    j.width = 1280, j.height = 720, j.msaa = 4, j.fps = 30;
    j.from = 0, j.to = 10, j.seconds = 6;
    j.backend = SMP_GL_AUTO;
    smp_error err = {0};
    int rc;
    long lv;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":o:v:s:m:g:qh", options, NULL)) != -1;) {
        switch (c) {
        case 'o': j.out_dir = optarg; break;
        case 'v':
        case 'y': {
            char *dst = c == 'v' ? j.view_list : j.year_list;
            size_t cap = c == 'v' ? sizeof j.view_list : sizeof j.year_list;
            if (strlen(optarg) >= cap)
                return cli_usage_error("render", "%s: list too long", argv[optind - 1]);
            strcpy(dst, optarg);
            break;
        }
        case 's':
            if (cli_parse_size(optarg, &j.width, &j.height, &err) != SMP_OK)
                return cli_usage_error("render", "%s", err.message);
            break;
        case 'm':
            if ((rc = headless_parse_msaa_option("render", optarg, &j.msaa))) return rc;
            break;
        case 'g':
            if ((rc = headless_parse_gl_option("render", optarg, &j.backend))) return rc;
            break;
        case 'S':
            if ((rc = scene_args_add_set("render", &j.scene_arg, optarg))) return rc;
            break;
        case 'H': j.sheet_path = optarg; break;
        case 'C': j.compare = optarg; break;
        case 'V': j.video_path = optarg; break;
        case 'F':
        case 'T':
            if (cli_parse_number(c == 'F' ? "--from" : "--to", optarg, 0, 50,
                                 c == 'F' ? &j.from : &j.to, &err) != SMP_OK)
                return cli_usage_error("render", "%s", err.message);
            break;
        case 'R':
            if (cli_parse_int("--fps", optarg, 1, 120, &lv, &err) != SMP_OK)
                return cli_usage_error("render", "%s", err.message);
            j.fps = (int)lv;
            break;
        case 'D':
            if (cli_parse_number("--seconds", optarg, 0.1, 600, &j.seconds, &err) != SMP_OK)
                return cli_usage_error("render", "%s", err.message);
            break;
        case 'q': j.quiet = 1; break;
        case 'h': print_help(); return CLI_EXIT_OK;
        case ':': return cli_usage_error("render", "option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage_error("render", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) j.scene_arg.path = argv[optind++];
    if (optind < argc) return cli_usage_error("render", "unexpected argument '%s'", argv[optind]);
    if ((rc = resolve_job(&j))) return rc;
    return run(&j);
}
