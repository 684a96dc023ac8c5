/* smpsim bench render: frame times of the renderer, offscreen. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "smp/cli.h"
#include "smp/cli_options.h"
#include "smp/clock.h"
#include "smp/gl_session.h"
#include "smp/progress.h"
#include "smp/scene_args.h"
#include "verbose.h"

static const cli_command k_command = {
    .name = "bench render",
    .about = "Times whole frames of a scene (the default scene without SCENE) drawn offscreen at\n"
             "year 5, skin, dots and the client's hair: each frame is drawn and waited for\n"
             "(glFinish), after 3 warm-up frames, and the statistics of the timed frames (30 by\n"
             "default) are reported, after the context (machine, build, GL renderer, date,\n"
             "load); a warning says when they are not to be trusted (bench/README.md). For a\n"
             "given number of dots: --set plan.dot_count=1000000.\n",
};

typedef struct bench_args {
    smp_scene_args scene;
    bench_common c; /* --runs: the timed frames */
    cli_size size;
    cli_gl_args gl;
    int motion;
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
    CLI_INT("frames", "N", "the same as --runs: timed frames, {range} (default: 30)", bench_args,
            c.runs, 1, 10000),
    CLI_PARSE("hide", "LAYERS",
              "leave out any of hair, dots, skin (comma-separated), to see what each pass costs",
              bench_args, hide, parse_hide),
    CLI_FLAG(0, "motion",
             "frames as the viewer draws them while the picture moves: at half the size (scaled "
             "up on screen), one sample per pixel, far hair and dots thinned",
             bench_args, motion),
    {0},
};

static int run_render(const smp_scene *scene, const bench_args *a) {
    const char *cmd = "bench render";
    int width = a->size.width, height = a->size.height, frames = (int)a->c.runs, msaa = a->gl.msaa;
    int motion = a->motion;
    const smp_frame_desc *hide = &a->hide;
    smp_error err = {0};
    smp_gl_session h;
    if (smp_gl_session_open(&h, a->gl.backend, msaa, scene, &err) != SMP_OK)
        return cli_fail(cmd, &err);
    app_verbose_gl(cmd, h.gl);
    app_verbose_pipeline(cmd, &h.p);
    double *ms = malloc(sizeof(double) * (size_t)frames);
    if (!ms) {
        smp_gl_session_close(&h);
        fprintf(stderr, "smpsim bench render: out of memory\n");
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
    if (smp_gl_session_frame(&h, 5.0, &frame, &err) != SMP_OK) rc = cli_fail(cmd, &err);
    smp_progress pg;
    smp_progress_begin(&pg, cmd, frames + 3, cli_common.quiet);
    for (int i = -3; i < frames && rc == CLI_EXIT_OK; ++i) { /* 3 warm-up frames */
        double t0 = smp_clock_ms();
        if (smp_renderer_draw_offscreen(h.renderer, &frame, drawn_w, drawn_h, &err) != SMP_OK)
            rc = cli_fail(cmd, &err);
        smp_gl_context_finish(h.gl);
        double t = smp_clock_ms() - t0;
        if (i >= 0) ms[i] = t;
        if (cli_common.verbose)
            fprintf(stderr, "smpsim bench render: %s %d: %.3f ms\n", i < 0 ? "warm-up" : "frame",
                    i < 0 ? i + 4 : i + 1, t);
        smp_progress_step(&pg);
    }
    smp_progress_end(&pg);
    if (rc == CLI_EXIT_OK) {
        static smp_bench_report r;
        smp_bench_begin(&r, "render");
        smp_bench_context_text(&r, "gl_renderer", smp_gl_context_renderer(h.gl));
        smp_bench_context_text(&r, "gl_version", smp_gl_context_version(h.gl));
        smp_bench_context_text(&r, "gl_backend", smp_gl_backend_name(smp_gl_context_backend(h.gl)));
        smp_bench_context_text(&r, "scene", a->scene.path ? a->scene.path : "(built-in default)");
        bench_context_mesh(&r, h.p.head_source, h.p.imported, h.p.head.triangle_count);
        smp_bench_context_number(&r, "year", 5, 0);
        smp_bench_row *row = smp_bench_row_add(&r);
        char hidden[32];
        snprintf(hidden, sizeof hidden, "%s%s%s", frame.hide_hair ? "hair " : "",
                 frame.hide_dots ? "dots " : "", frame.hide_skin ? "skin" : "");
        size_t len = strlen(hidden);
        if (len && hidden[len - 1] == ' ') hidden[len - 1] = '\0';
        smp_bench_param_number(row, "width", width, 0);
        smp_bench_param_number(row, "height", height, 0);
        smp_bench_param_number(row, "msaa", motion ? 1 : msaa, 0);
        smp_bench_param_number(row, "motion", motion, 0);
        smp_bench_param_number(row, "drawn_width", drawn_w, 0);
        smp_bench_param_number(row, "drawn_height", drawn_h, 0);
        smp_bench_param_text(row, "hidden", len ? hidden : "none");
        smp_bench_param_number(row, "dots", (double)h.p.dots.count, 0);
        smp_bench_param_number(row, "hairs", (double)h.p.hair.count, 0);
        smp_bench_param_number(row, "hair_segments",
                               (double)(h.p.hair.count * (size_t)h.p.hair.segments), 0);
        smp_bench_stats_of(ms, frames, &row->ms);
        smp_bench_figure(row, "fps_median", 1000.0 / row->ms.median, 1);
        rc = bench_finish(cmd, &r, &a->c);
    }
    free(ms);
    smp_gl_session_close(&h);
    return rc;
}

int bench_render(int argc, char **argv) {
    static bench_args a;
    memset(&a, 0, sizeof a);
    a.c = (bench_common)BENCH_COMMON_DEFAULT;
    a.size = (cli_size){1280, 720};
    a.gl = (cli_gl_args)CLI_GL_ARGS_DEFAULT;
    const cli_group groups[] = {{smp_scene_arg_options, &a.scene}, {k_options, &a},
                                {bench_runs_options, &a.c},        {bench_output_options, &a.c},
                                {cli_msaa_options, &a.gl},         {cli_gl_options, &a.gl}};
    int rc = cli_parse(&k_command, groups, 6, argc, argv);
    if (rc != CLI_PARSED) return rc;
    if ((rc = bench_check_common("bench render", &a.c, 0))) return rc;
    if (a.c.runs == 0) a.c.runs = 30;
    static smp_scene scene;
    if ((rc = smp_scene_args_load("bench render", &a.scene, &scene))) return rc;
    return run_render(&scene, &a);
}
