/*
 * smp/caption.h — what a picture says about itself, burned into it.
 *
 * A picture handed to a client travels without its file name: it must say whose head it is,
 * which plan or lifestyle, at what time, and on a close-up how big a dot is. Every picture
 * smpsim writes for people (stills, splits, scenario pictures, videos, the viewer's images)
 * is captioned here, so they all read alike. A clinic view leaves about 9 % of the height free
 * above and below the head; the words sit there, two rows each, off the scalp:
 *
 *   top       the heading (client · case), then the time ("Year 5 after completion · front");
 *             a split's second time at the right of that row; a pair's cell and a video: the
 *             label, then the blend's figures (smaller)
 *   bottom    the blend's figures, then the plan (smaller); a video: the plan above its year
 *             counter (larger); at the right, a scale bar on close-ups (a round length in mm)
 *
 * Text sits on dark translucent plates, so it reads on any skin tone and on the backdrop.
 * Sizes follow the picture's height, with a floor that keeps small pictures legible.
 *
 *   smp_caption c = {.heading = "Sam · SPF 50", .time = "Year 5 after completion",
 *                    .plan = plan_line, .mm_per_px = smp_caption_scale(&cam, w, h)};
 *   smp_caption_draw(font, &img, &c);
 *
 * A line wider than its room is set smaller, down to 0.55 of its size, and beyond that cut
 * with an ellipsis; the plan's line stops short of a scale bar.
 *
 * Does NOT: wrap lines, or choose the words (smp/describe.h does).
 */
#ifndef SMP_CAPTION_H
#define SMP_CAPTION_H

#include "smp/camera.h"
#include "smp/image.h"
#include "smp/text.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct smp_caption {
    const char *heading;    /* top row; NULL or "" for none */
    const char *time;       /* second top row (or, with large_time, the bottom, larger) */
    const char *time_right; /* a split's other side: the second row's right end */
    const char *figures;    /* above the plan (a cell or a video: the second top row) */
    const char *plan;       /* the bottom row, smaller */
    double mm_per_px;       /* > 0: a scale bar at the bottom right */
    int large_time;         /* the time drawn large at the bottom left: a video's counter */
    int left, width;        /* the columns of the picture the caption is for (a scenario's
                               cell in a row of them); width 0: the whole picture */
} smp_caption;

/* The caption's text size for a picture (pixels per em): 1/40 of its height, 11 at least. */
float smp_caption_px(const smp_image *img);

/* Text on a dark translucent plate, its baseline starting at (x, baseline_y). */
void smp_caption_plate(smp_font *font, smp_image *img, int x, int baseline_y, float px,
                       const char *text);

/* Draws every part of c that is set. */
void smp_caption_draw(smp_font *font, smp_image *img, const smp_caption *c);

/* The size of a pixel in mm at the camera's target when a width x height picture is taken
 * through it, if the picture is a close-up (less than SMP_CAPTION_CLOSEUP_MM of skin across
 * its shorter side); 0 otherwise: a head's whole view carries no scale bar, whose length
 * would hold only at one depth of a curved head. */
double smp_caption_scale(const smp_camera *cam, int width, int height);
#define SMP_CAPTION_CLOSEUP_MM 60.0

#ifdef __cplusplus
}
#endif
#endif
