/* smpsim bench render: frame times of the renderer, offscreen. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "smp/cli.h"
#include "smp/cli_options.h"
#include "smp/clock.h"
#include "smp/gl_session.h"
#include "smp/scene_args.h"

static const cli_command k_command = {
    .name = "bench render",
    .about = "Times whole frames of a scene (the default scene without SCENE) drawn offscreen at\n"
             "year 5, skin, dots and the client's hair: each frame is drawn and waited for\n"
             "(glFinish), after warm-up frames, and the median, minimum and maximum frame times\n"
             "are reported. For a given number of dots: --set plan.dot_count=1000000.\n",
};

typedef struct bench_args {
    smp_scene_args scene;
    cli_size size;
    cli_gl_args gl;
    long frames;
    int json, motion;
    smp_frame_desc hide; /* only its hide flags */
} bench_args;

/* --hide: comma-separated layers, into the frame's hide flags. */
static smp_status parse_hide(const char *option, const char *text, void *dst, smp_error *err) {
    smp_frame_desc *f = dst;
    char buf[64];
    if (snprintf(buf, sizeof buf, "%s", text) >= (int)sizeof buf)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "%s: '%s' is too long", option, text);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (strcmp(t, "hair") == 0)
            f->hide_hair = 1;
        else if (strcmp(t, "dots") == 0)
            f->hide_dots = 1;
        else if (strcmp(t, "skin") == 0)
            f->hide_skin = 1;
        else
            return smp_error_set(err, SMP_ERR_INVALID_ARG,
                                 "%s: expected hair, dots or skin, got '%s'", option, t);
    }
    return SMP_OK;
}

static const cli_option k_options[] = {
    CLI_PARSE("size", "WxH", "frame size in pixels (default: 1280x720)", bench_args, size,
              cli_parse_size_value),
    CLI_INT("frames", "N", "timed frames, {range} (default: 30)", bench_args, frames, 1, 10000),
    CLI_PARSE("hide", "LAYERS",
              "leave out any of hair, dots, skin (comma-separated), to see what each pass costs",
              bench_args, hide, parse_hide),
    CLI_FLAG(0, "motion",
             "frames as the viewer draws them while the picture moves: at half the size (scaled "
             "up on screen), one sample per pixel, far hair and dots thinned",
             bench_args, motion),
    CLI_FLAG(0, "json", "print one JSON object instead of a table", bench_args, json),
    {0},
};

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int run_render(const smp_scene *scene, const bench_args *a) {
    int width = a->size.width, height = a->size.height, frames = (int)a->frames, msaa = a->gl.msaa;
    int json = a->json, motion = a->motion;
    const smp_frame_desc *hide = &a->hide;
    smp_error err = {0};
    smp_gl_session h;
    if (smp_gl_session_open(&h, a->gl.backend, msaa, scene, &err) != SMP_OK)
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
    static bench_args a;
    memset(&a, 0, sizeof a);
    a.size = (cli_size){1280, 720};
    a.gl = (cli_gl_args)CLI_GL_ARGS_DEFAULT;
    a.frames = 30;
    const cli_group groups[] = {{smp_scene_arg_options, &a.scene},
                                {k_options, &a},
                                {cli_msaa_options, &a.gl},
                                {cli_gl_options, &a.gl}};
    int rc = cli_parse(&k_command, groups, 4, argc, argv);
    if (rc != CLI_PARSED) return rc;
    static smp_scene scene;
    if ((rc = smp_scene_args_load("bench render", &a.scene, &scene))) return rc;
    return run_render(&scene, &a);
}
