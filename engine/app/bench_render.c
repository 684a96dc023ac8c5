/* smpsim bench render: frame times of the renderer, offscreen. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "smp/cli.h"
#include "smp/clock.h"
#include "smp/gl_session.h"
#include "smp/scene_args.h"

static void print_help(void) {
    printf("Usage: smpsim bench render [SCENE] [options]\n"
           "\n"
           "Times whole frames of a scene (the default scene without SCENE) drawn offscreen at\n"
           "year 5, skin, dots and the client's hair: each frame is drawn and waited for\n"
           "(glFinish), after warm-up frames, and the median, minimum and maximum frame times\n"
           "are reported. For a given number of dots: --set plan.dot_count=1000000.\n"
           "\n"
           "Options:\n"
           "  --set PATH=VALUE override a scene field (repeatable)\n"
           "  --size WxH       frame size in pixels (default: 1280x720)\n"
           "  --frames N       timed frames, 1..10000 (default: 30)\n"
           "  --hide LAYERS    leave out any of hair, dots, skin (comma-separated), to see what\n"
           "                   each pass costs\n"
           "  --motion         frames as the viewer draws them while the picture moves: at half\n"
           "                   the size (scaled up on screen), one sample per pixel, far hair\n"
           "                   and dots thinned\n"
           "  --msaa N         samples per pixel, 1..16 (default: 4)\n"
           "  --gl BACKEND     auto, egl or sdl-offscreen (default: auto)\n"
           "  --json           print one JSON object instead of a table\n"
           "  -h, --help       show this help\n");
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Reads --hide's list into the frame's hide flags. */
static int parse_hide(const char *text, smp_frame_desc *f) {
    char buf[64];
    if (snprintf(buf, sizeof buf, "%s", text) >= (int)sizeof buf)
        return cli_usage_error("bench render", "--hide: '%s' is too long", text);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (strcmp(t, "hair") == 0)
            f->hide_hair = 1;
        else if (strcmp(t, "dots") == 0)
            f->hide_dots = 1;
        else if (strcmp(t, "skin") == 0)
            f->hide_skin = 1;
        else
            return cli_usage_error("bench render", "--hide: expected hair, dots or skin, got '%s'",
                                   t);
    }
    return CLI_EXIT_OK;
}

static int run_render(const smp_scene *scene, int width, int height, int frames, int msaa,
                      smp_gl_backend backend, int json, const smp_frame_desc *hide, int motion) {
    smp_error err = {0};
    smp_gl_session h;
    if (smp_gl_session_open(&h, backend, msaa, scene, &err) != SMP_OK)
        return cli_fail("bench", &err);
    double *ms = malloc(sizeof(double) * (size_t)frames);
    if (!ms) {
        smp_gl_session_close(&h);
        fprintf(stderr, "smpsim bench: out of memory\n");
        return CLI_EXIT_FAILURE;
    }
    smp_frame_desc frame = smp_frame_default();
    frame.hide_hair = hide->hide_hair;
    frame.hide_dots = hide->hide_dots;
    frame.hide_skin = hide->hide_skin;
    frame.fast_hair = frame.fast_dots = frame.single_sample = motion;
    smp_camera_for_view(SMP_VIEW_THREE_QUARTER, &h.head_bounds, (float)width / (float)height,
                        &frame.camera);
    /* the viewer's default --motion-scale */
    int drawn_w = motion ? (width + 1) / 2 : width, drawn_h = motion ? (height + 1) / 2 : height;
    int rc = CLI_EXIT_OK;
    if (smp_gl_session_frame(&h, 5.0, &frame, &err) != SMP_OK) rc = cli_fail("bench", &err);
    for (int i = -3; i < frames && rc == CLI_EXIT_OK; ++i) { /* 3 warm-up frames */
        double t0 = smp_clock_ms();
        if (smp_renderer_draw_offscreen(h.renderer, &frame, drawn_w, drawn_h, &err) != SMP_OK)
            rc = cli_fail("bench", &err);
        smp_gl_context_finish(h.gl);
        if (i >= 0) ms[i] = smp_clock_ms() - t0;
    }
    if (rc == CLI_EXIT_OK) {
        qsort(ms, (size_t)frames, sizeof *ms, cmp_double);
        double median = frames % 2 ? ms[frames / 2] : 0.5 * (ms[frames / 2 - 1] + ms[frames / 2]);
        const char *renderer = smp_gl_context_renderer(h.gl);
        if (json) {
            printf("{\"bench\":\"render\",\"renderer\":\"");
            for (const char *p = renderer; *p; ++p) /* driver strings may hold quotes */
                printf((*p == '"' || *p == '\\') ? "\\%c" : "%c", *p);
            printf("\",\"backend\":\"%s\",\"width\":%d,\"height\":%d,\"msaa\":%d,"
                   "\"motion\":%s,\"drawn_width\":%d,\"drawn_height\":%d,"
                   "\"frames\":%d,\"dots\":%zu,\"hairs\":%zu,\"hair_segments\":%zu,"
                   "\"frame_ms_median\":%.3f,\"frame_ms_min\":%.3f,"
                   "\"frame_ms_max\":%.3f,\"fps_median\":%.1f}\n",
                   smp_gl_backend_name(smp_gl_context_backend(h.gl)), width, height,
                   motion ? 1 : msaa, motion ? "true" : "false", drawn_w, drawn_h, frames,
                   h.p.dots.count, h.p.hair.count, h.p.hair.count * (size_t)h.p.hair.segments,
                   median, ms[0], ms[frames - 1], 1000.0 / median);
        } else {
            printf("render  %s (%s)\n", renderer,
                   smp_gl_backend_name(smp_gl_context_backend(h.gl)));
            printf("  scene       %s, %s, %zu dots, %zu hairs, %dx%d, %dx MSAA\n", scene->name,
                   h.p.head_source, h.p.dots.count, h.p.hair.count, width, height,
                   motion ? 1 : msaa);
            if (motion)
                printf("  in motion   drawn at %dx%d, one sample, far hair and dots thinned\n",
                       drawn_w, drawn_h);
            if (frame.hide_hair || frame.hide_dots || frame.hide_skin)
                printf("  hidden      %s%s%s\n", frame.hide_hair ? "hair " : "",
                       frame.hide_dots ? "dots " : "", frame.hide_skin ? "skin" : "");
            printf("  frames      %d timed after 3 warm-up\n", frames);
            printf("  frame time  median %.2f ms  min %.2f  max %.2f  (%.1f fps)\n", median, ms[0],
                   ms[frames - 1], 1000.0 / median);
        }
    }
    free(ms);
    smp_gl_session_close(&h);
    return rc;
}

int bench_render(int argc, char **argv) {
    static const struct option options[] = {
        {"size", required_argument, NULL, 's'}, {"frames", required_argument, NULL, 'f'},
        {"msaa", required_argument, NULL, 'm'}, {"gl", required_argument, NULL, 'g'},
        {"json", no_argument, NULL, 'j'},       {"set", required_argument, NULL, 'S'},
        {"help", no_argument, NULL, 'h'},       {"hide", required_argument, NULL, 'H'},
        {"motion", no_argument, NULL, 'o'},     {NULL, 0, NULL, 0},
    };
    smp_scene_args scene_arg = {0};
    int width = 1280, height = 720, msaa = 4, json = 0, motion = 0, rc;
    long frames = 30;
    smp_gl_backend backend = SMP_GL_AUTO;
    smp_error err = {0};
    smp_frame_desc hide = {0};
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":s:f:m:g:jhH:", options, NULL)) != -1;) {
        switch (c) {
        case 's':
            if (cli_parse_size(optarg, &width, &height, &err) != SMP_OK)
                return cli_usage_error("bench render", "%s", err.message);
            break;
        case 'f':
            if (cli_parse_int("--frames", optarg, 1, 10000, &frames, &err) != SMP_OK)
                return cli_usage_error("bench render", "%s", err.message);
            break;
        case 'm':
            if ((rc = cli_parse_msaa_option("bench render", optarg, &msaa))) return rc;
            break;
        case 'g':
            if ((rc = cli_parse_gl_option("bench render", optarg, &backend))) return rc;
            break;
        case 'j': json = 1; break;
        case 'o': motion = 1; break;
        case 'H':
            if ((rc = parse_hide(optarg, &hide))) return rc;
            break;
        case 'S':
            if ((rc = smp_scene_args_add_set("bench render", &scene_arg, optarg))) return rc;
            break;
        case 'h': print_help(); return CLI_EXIT_OK;
        case ':':
            return cli_usage_error("bench render", "option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage_error("bench render", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) scene_arg.path = argv[optind++];
    if (optind < argc)
        return cli_usage_error("bench render", "unexpected argument '%s'", argv[optind]);
    static smp_scene scene;
    if ((rc = smp_scene_args_load("bench render", &scene_arg, &scene))) return rc;
    return run_render(&scene, width, height, (int)frames, msaa, backend, json, &hide, motion);
}
