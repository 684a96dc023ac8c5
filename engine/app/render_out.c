/* The pictures smpsim render writes, one and several scenarios alike: a capture at a time
 * shown, a caption, an atomic PNG. */
#include <stdio.h>

#include "render.h"
#include "smp/cli.h"

smp_status render_capture(smp_gl_session *h, const smp_scene *scene, smp_view view, double year,
                          smp_image *img, smp_error *err) {
    smp_frame_desc frame = smp_frame_default();
    smp_pipeline_camera(&h->p, view, (float)img->width / (float)img->height, &frame.camera);
    double t_years;
    frame.hide_dots = !smp_scene_model_years(scene, year, &t_years);
    smp_status s = smp_gl_session_frame(h, t_years, &frame, err);
    return s == SMP_OK ? smp_renderer_capture(h->renderer, &frame, img, err) : s;
}

void render_caption(smp_font *font, smp_image *img, const char *text) {
    float px = img->height / 28.0f < 12 ? 12 : img->height / 28.0f;
    const uint8_t ink[4] = {240, 240, 236, 255};
    smp_text_draw(font, img, (int)px, (int)(px * 1.8f), px, ink, text);
}

int render_write_png(const char *path, const smp_image *img) {
    smp_error err = {0};
    if (smp_image_write_png(path, img, &err) != SMP_OK) return cli_fail("render", &err);
    printf("%s\n", path);
    fflush(stdout);
    return CLI_EXIT_OK;
}
