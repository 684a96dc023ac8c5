/* smpsim render's job, shared by cmd_render.c (times and views of one scene, splits, video)
 * and render_scenarios.c (the same client under several plans or lifestyles). */
#ifndef SMP_APP_RENDER_H
#define SMP_APP_RENDER_H

#include "smp/cli_options.h"
#include "smp/gl_session.h"
#include "smp/image.h"
#include "smp/progress.h"
#include "smp/scene.h"
#include "smp/scene_args.h"
#include "smp/text.h"

enum { MAX_YEARS = CLI_MAX_TIMES, RENDER_MAX_SCENARIOS = 4 };

typedef struct view_list {
    smp_view views[SMP_VIEW_COUNT];
    int count; /* 0: none given */
} view_list;

typedef struct render_job {
    smp_scene_args scene_arg;
    const char *out_dir, *sheet_path, *video_path, *compare;
    view_list view_arg;
    cli_times year_arg;
    cli_size size;
    cli_gl_args gl;
    int quiet, fps, no_stills, no_captions;
    double from, to, seconds; /* from and to: times shown (smp/scene.h), not untreated */
    /* resolved */
    smp_scene scene;
    smp_view views[SMP_SCENE_MAX_VIEWS];
    int view_count;
    double years[MAX_YEARS]; /* times shown: untreated, healed or years after completion */
    int year_count;
    int compare_untreated;
    double compare_years[2];
    char stem[256];
    const char *scenario_specs[RENDER_MAX_SCENARIOS]; /* --scenario, as given */
    int scenario_count;
    const char *chart_path;
} render_job;

/* A picture of the session's scene at a time shown (untreated without dots), width x height. */
smp_status render_capture(smp_gl_session *h, const smp_scene *scene, smp_view view, double year,
                          smp_image *img, smp_error *err);

/* The caption (smp/caption.h) of a picture of scene at a time shown, from a view: the client,
 * the time and view, the blend's figures, the plan, a scale bar on close-ups; a video's frame
 * (video) carries the time large at the bottom instead, without figures. */
void render_caption_picture(const smp_gl_session *h, const smp_scene *scene, smp_view view,
                            double year, int video, smp_font *font, smp_image *img);

/* Writes img atomically and prints its path; the exit code. */
int render_write_png(const char *path, const smp_image *img);

/* Everything --scenario asks for (side-by-side pictures, the sheet, the chart, the video),
 * after resolve_job checked the job. The exit code. */
int render_scenarios(render_job *j);

#endif
