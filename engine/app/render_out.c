/* The pictures smpsim render writes, one and several scenarios alike: a capture at a time
 * shown, a caption, an atomic PNG. */
#include <stdio.h>

#include "render.h"
#include "smp/caption.h"
#include "smp/cli.h"
#include "smp/describe.h"

smp_status render_capture(smp_gl_session *h, const smp_scene *scene, smp_view view, double year,
                          smp_image *img, smp_error *err) {
    smp_frame_desc frame = smp_frame_default();
    smp_pipeline_camera(&h->p, view, (float)img->width / (float)img->height, &frame.camera);
    double t_years;
    frame.hide_dots = !smp_scene_model_years(scene, year, &t_years);
    smp_status s = smp_gl_session_frame(h, t_years, &frame, err);
    return s == SMP_OK ? smp_renderer_capture(h->renderer, &frame, img, err) : s;
}

void render_caption_picture(const smp_gl_session *h, const smp_scene *scene, smp_view view,
                            double year, int video, smp_font *font, smp_image *img) {
    smp_picture_words w;
    smp_describe_picture(&h->p, scene, year, video ? NULL : smp_view_name(view), &w);
    /* a counter runs in steady steps */
    if (video && year >= 0) snprintf(w.time, sizeof w.time, "Year %.1f after completion", year);
    smp_camera cam;
    smp_pipeline_camera(&h->p, view, (float)img->width / (float)img->height, &cam);
    smp_caption c = {.heading = w.heading,
                     .time = w.time,
                     .figures = video ? NULL : w.figures,
                     .plan = w.plan,
                     .mm_per_px = smp_caption_scale(&cam, img->width, img->height),
                     .large_time = video};
    smp_caption_draw(font, img, &c);
}

int render_write_png(const char *path, const smp_image *img) {
    smp_error err = {0};
    if (smp_image_write_png(path, img, &err) != SMP_OK) return cli_fail("render", &err);
    printf("%s\n", path);
    fflush(stdout);
    return CLI_EXIT_OK;
}
