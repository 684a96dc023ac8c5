/*
 * smp/chart.h — line charts for what a client takes home: a quantity against the years, one
 * line per scenario, with labelled axes, a legend and a marked year per line.
 *
 * A consultation compares plans or lifestyles ("SPF 50" against "no sunscreen"): each series
 * is one scenario's curve, drawn in its own colour, with a dashed vertical at its marked year
 * (the touch-up-due year) labelled under the axis. A reference line (a perception threshold)
 * may be drawn across. Lines are anti-aliased by their distance to the segment; text is
 * FreeType's (smp/text.h).
 *
 *   smp_chart_series s[2] = {{"SPF 50", y50, 81, 6.5}, {"No sunscreen", y1, 81, 3.2}};
 *   smp_chart_desc d = {.title = "Colour difference to the fringe", .x_label = "years after "
 *                       "completion", .y_label = "ΔE00", .x_max = 20, .series = s,
 *                       .series_count = 2, .mark_label = "touch-up due"};
 *   smp_chart_draw(&d, font, &img, &err); // img allocated by the caller, any size ≥ 240×160
 *
 * Does NOT: compute anything it plots, or write files.
 */
#ifndef SMP_CHART_H
#define SMP_CHART_H

#include "smp/image.h"
#include "smp/status.h"
#include "smp/text.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { SMP_CHART_MAX_SERIES = 6 };

typedef struct smp_chart_series {
    const char *label;
    const float *values; /* count samples evenly spaced over x in [0, x_max] */
    int count;           /* >= 2 */
    float mark_x;        /* a dashed vertical at this x (touch-up due), or <= 0 for none */
} smp_chart_series;

typedef struct smp_chart_desc {
    const char *title, *x_label, *y_label;
    float x_max;                    /* > 0 */
    float y_max;                    /* 0 = the largest value, rounded up to a tick */
    const smp_chart_series *series; /* 1 .. SMP_CHART_MAX_SERIES */
    int series_count;
    const char *mark_label; /* what the marked x means ("touch-up due"), or NULL */
    float reference_y;      /* a dotted horizontal at this y, or <= 0 for none */
    const char *reference_label;
} smp_chart_desc;

/* The colour (sRGB) the chart gives series i: distinct on white and in grey print. */
void smp_chart_colour(int i, uint8_t out[3]);

/* Draws the chart over the whole of img (allocated, at least 240x160). Fails with
 * SMP_ERR_INVALID_ARG naming the field for no series, too many, a series with fewer than two
 * values, a non-positive x_max or an image too small. */
smp_status smp_chart_draw(const smp_chart_desc *desc, smp_font *font, smp_image *img,
                          smp_error *err);

#ifdef __cplusplus
}
#endif
#endif
