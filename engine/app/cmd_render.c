/* smpsim render: headless PNG images of the head from named views. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "headless.h"
#include "scene_args.h"
#include "smp/fsio.h"
#include "smp/image.h"

static void print_help(void) {
    printf("Usage: smpsim render [SCENE] [options]\n"
           "\n"
           "Renders the scene's head headless (no display needed) and writes one PNG per view\n"
           "to DIR/NAME_VIEW.png, NAME being the scene file's name (\"default\" without SCENE),\n"
           "printing each path. Files are written atomically: a failed run leaves no partial\n"
           "image.\n"
           "\n"
           "Options:\n"
           "  --set PATH=VALUE override a scene field (repeatable; see 'smpsim check --help')\n"
           "  --out DIR        output directory, created if missing (default: smpsim-out)\n"
           "  --view LIST      comma-separated views: front, back, left, right, top,\n"
           "                   three-quarter (default: the scene's render.views)\n"
           "  --size WxH       image size in pixels, 16..8192 per side (default: 1280x720)\n"
           "  --msaa N         samples per pixel for anti-aliasing, 1..16 (default: 4)\n"
           "  --gl BACKEND     auto, egl or sdl-offscreen (default: auto = EGL, then SDL)\n"
           "  -q, --quiet      print only the written paths\n"
           "  -h, --help       show this help\n"
           "\n"
           "Dots, years and contact sheets are not drawn yet: the command renders the head.\n"
           "\n"
           "Exit status: 0 success, 1 rendering failed, 2 bad arguments, scene or DIR.\n");
}

int cmd_render(int argc, char **argv) {
    static const struct option options[] = {
        {"out", required_argument, NULL, 'o'},
        {"view", required_argument, NULL, 'v'},
        {"size", required_argument, NULL, 's'},
        {"msaa", required_argument, NULL, 'm'},
        {"gl", required_argument, NULL, 'g'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"set", required_argument, NULL, 'S'},
        {NULL, 0, NULL, 0},
    };
    scene_args scene_arg = {0};
    const char *out_dir = "smpsim-out";
    char view_list[256] = "";
    int width = 1280, height = 720, msaa = 4, quiet = 0;
    smp_gl_backend backend = SMP_GL_AUTO;
    smp_error err = {0};
    int rc;

    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":o:v:s:m:g:qh", options, NULL)) != -1;) {
        switch (c) {
        case 'o': out_dir = optarg; break;
        case 'v':
            if (strlen(optarg) >= sizeof view_list)
                return cli_usage_error("render", "--view: list too long");
            strcpy(view_list, optarg);
            break;
        case 's':
            if (cli_parse_size(optarg, &width, &height, &err) != SMP_OK)
                return cli_usage_error("render", "%s", err.message);
            break;
        case 'm':
            if ((rc = headless_parse_msaa_option("render", optarg, &msaa))) return rc;
            break;
        case 'g':
            if ((rc = headless_parse_gl_option("render", optarg, &backend))) return rc;
            break;
        case 'q': quiet = 1; break;
        case 'S':
            if ((rc = scene_args_add_set("render", &scene_arg, optarg))) return rc;
            break;
        case 'h': print_help(); return CLI_EXIT_OK;
        case ':': return cli_usage_error("render", "option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage_error("render", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) scene_arg.path = argv[optind++];
    if (optind < argc) return cli_usage_error("render", "unexpected argument '%s'", argv[optind]);

    /* Everything the user asked for is checked before any GL work starts. */
    static smp_scene scene;
    if ((rc = scene_args_load("render", &scene_arg, &scene))) return rc;
    char *names[SMP_VIEW_COUNT];
    smp_view views[SMP_SCENE_MAX_VIEWS];
    int view_count = 0;
    if (*view_list) {
        view_count = cli_split_list(view_list, names, SMP_VIEW_COUNT);
        if (view_count < 0)
            return cli_usage_error("render", "--view: expected 1 to %d comma-separated names",
                                   SMP_VIEW_COUNT);
        for (int i = 0; i < view_count; ++i)
            if (smp_view_parse(names[i], &views[i], &err) != SMP_OK)
                return cli_usage_error("render", "--view: %s", err.message);
    } else {
        view_count = scene.view_count;
        for (int i = 0; i < view_count; ++i) views[i] = (smp_view)scene.views[i];
    }
    char stem[256];
    scene_args_stem(&scene_arg, stem, sizeof stem);
    if (smp_check_writable_dir(out_dir, &err) != SMP_OK)
        return cli_usage_error("render", "--out: %s", err.message);

    double t0 = headless_now_ms();
    headless h;
    if (headless_open(&h, backend, msaa, &err) != SMP_OK) return cli_fail("render", &err);
    if (!quiet)
        fprintf(stderr, "smpsim render: %s via %s, head built in %.0f ms\n",
                smp_gl_context_renderer(h.gl), smp_gl_backend_name(smp_gl_context_backend(h.gl)),
                h.head_build_ms);

    smp_image img = {0};
    rc = CLI_EXIT_OK;
    if (smp_image_alloc(&img, width, height, &err) != SMP_OK) rc = cli_fail("render", &err);
    for (int i = 0; rc == CLI_EXIT_OK && i < view_count; ++i) {
        smp_frame_desc frame = smp_frame_default();
        smp_camera_for_view(views[i], &h.head_bounds, (float)width / (float)height, &frame.camera);
        char path[SMP_PATH_MAX];
        if ((size_t)snprintf(path, sizeof path, "%s/%s_%s.png", out_dir, stem,
                             smp_view_name(views[i])) >= sizeof path) {
            rc = cli_usage_error("render", "--out: path too long");
            break;
        }
        if (smp_renderer_capture(h.renderer, &frame, &img, &err) != SMP_OK ||
            smp_image_write_png(path, &img, &err) != SMP_OK) {
            rc = cli_fail("render", &err);
            break;
        }
        printf("%s\n", path);
        fflush(stdout);
    }
    smp_image_free(&img);
    headless_close(&h);
    if (rc == CLI_EXIT_OK && !quiet)
        fprintf(stderr, "smpsim render: %d image(s) of %dx%d in %.0f ms\n", view_count, width,
                height, headless_now_ms() - t0);
    return rc;
}
