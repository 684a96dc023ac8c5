#include "smp/chart.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Blue, vermilion, bluish green, reddish purple, orange, sky blue (Okabe and Ito's palette:
 * told apart with any common colour-vision deficiency), darkened to hold on white. */
static const uint8_t k_colours[SMP_CHART_MAX_SERIES][3] = {
    {0, 94, 168}, {200, 70, 0}, {0, 130, 95}, {170, 75, 140}, {210, 130, 0}, {60, 150, 210}};

void smp_chart_colour(int i, uint8_t out[3]) {
    memcpy(out,
           k_colours[((i % SMP_CHART_MAX_SERIES) + SMP_CHART_MAX_SERIES) % SMP_CHART_MAX_SERIES],
           3);
}

/* Blends colour into pixel (x, y) with coverage a (0..1). */
static void blend(smp_image *img, int x, int y, const uint8_t c[3], float a) {
    if (x < 0 || y < 0 || x >= img->width || y >= img->height || a <= 0) return;
    if (a > 1) a = 1;
    uint8_t *p = smp_image_at(img, x, y);
    for (int k = 0; k < 3; ++k) p[k] = (uint8_t)lroundf(p[k] + (c[k] - p[k]) * a);
}

/* A segment width w pixels wide, its coverage falling off over the last pixel. */
static void segment(smp_image *img, float x0, float y0, float x1, float y1, float w,
                    const uint8_t c[3]) {
    float r = w * 0.5f;
    int xa = (int)floorf(fminf(x0, x1) - r - 1), xb = (int)ceilf(fmaxf(x0, x1) + r + 1);
    int ya = (int)floorf(fminf(y0, y1) - r - 1), yb = (int)ceilf(fmaxf(y0, y1) + r + 1);
    float dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
    for (int y = ya; y <= yb; ++y)
        for (int x = xa; x <= xb; ++x) {
            float px = (float)x + 0.5f - x0, py = (float)y + 0.5f - y0;
            float t = len2 > 0 ? (px * dx + py * dy) / len2 : 0;
            t = t < 0 ? 0 : t > 1 ? 1 : t;
            float ex = px - t * dx, ey = py - t * dy, d = sqrtf(ex * ex + ey * ey);
            blend(img, x, y, c, r + 0.5f - d);
        }
}

/* A dashed line: dash pixels on, gap off. */
static void dashed(smp_image *img, float x0, float y0, float x1, float y1, float w, float dash,
                   float gap, const uint8_t c[3]) {
    float len = hypotf(x1 - x0, y1 - y0);
    for (float s = 0; s < len; s += dash + gap) {
        float e = fminf(s + dash, len);
        segment(img, x0 + (x1 - x0) * s / len, y0 + (y1 - y0) * s / len, x0 + (x1 - x0) * e / len,
                y0 + (y1 - y0) * e / len, w, c);
    }
}

/* A round step for about five ticks up to max: 1, 2 or 5 times a power of ten. */
static float tick_step(float max) {
    float raw = max / 5.0f, p = powf(10.0f, floorf(log10f(raw)));
    return raw <= p ? p : raw <= 2 * p ? 2 * p : raw <= 5 * p ? 5 * p : 10 * p;
}

static void text_right(smp_font *f, smp_image *img, int right, int base, float px,
                       const uint8_t c[4], const char *s) {
    smp_text_draw(f, img, right - smp_text_width(f, px, s), base, px, c, s);
}

static void text_centre(smp_font *f, smp_image *img, int centre, int base, float px,
                        const uint8_t c[4], const char *s) {
    smp_text_draw(f, img, centre - smp_text_width(f, px, s) / 2, base, px, c, s);
}

static smp_status check(const smp_chart_desc *d, const smp_image *img, smp_error *err) {
    if (d->series_count < 1 || d->series_count > SMP_CHART_MAX_SERIES || !d->series)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "chart: series_count %d, expected 1 to %d",
                             d->series_count, SMP_CHART_MAX_SERIES);
    for (int i = 0; i < d->series_count; ++i)
        if (d->series[i].count < 2 || !d->series[i].values)
            return smp_error_set(err, SMP_ERR_INVALID_ARG,
                                 "chart: series[%d].count %d, expected at least 2 values", i,
                                 d->series[i].count);
    if (!(d->x_max > 0))
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "chart: x_max %g, expected > 0",
                             (double)d->x_max);
    if (img->width < 240 || img->height < 160)
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "chart: image %dx%d, expected 240x160 or more", img->width,
                             img->height);
    return SMP_OK;
}

smp_status smp_chart_draw(const smp_chart_desc *d, smp_font *font, smp_image *img, smp_error *err) {
    smp_status st = check(d, img, err);
    if (st != SMP_OK) return st;
    memset(img->pixels, 255, (size_t)img->width * img->height * 4);
    float px = fmaxf(11.0f, (float)img->height / 34.0f); /* the text size */
    const uint8_t ink[4] = {30, 30, 34, 255}, muted[4] = {105, 105, 112, 255};
    const uint8_t grid[3] = {225, 225, 230}, axis[3] = {60, 60, 66};
    float y_max = d->y_max;
    if (y_max <= 0) { /* the largest value or the reference, with a little headroom */
        for (int i = 0; i < d->series_count; ++i)
            for (int k = 0; k < d->series[i].count; ++k)
                y_max = fmaxf(y_max, d->series[i].values[k]);
        y_max = fmaxf(y_max, d->reference_y) * 1.08f;
    }
    if (!(y_max > 0)) y_max = 1;
    float y_step = tick_step(y_max), x_step = tick_step(d->x_max);
    y_max = ceilf(y_max / y_step - 1e-4f) * y_step;

    /* the plot area: room for the title and legend above, ticks and labels left and below */
    int legend_rows = (d->series_count + 2) / 3;
    float left = px * 4.2f, right = (float)img->width - px * 1.5f;
    float top = px * (2.8f + 1.5f * (float)legend_rows), bottom = (float)img->height - px * 3.6f;
    if (d->title) smp_text_draw(font, img, (int)left, (int)(px * 1.5f), px * 1.15f, ink, d->title);
    for (int i = 0; i < d->series_count; ++i) { /* the legend: three to a row */
        uint8_t c[4] = {0, 0, 0, 255};
        smp_chart_colour(i, c);
        float x = left + (float)(i % 3) * (right - left) / 3.0f;
        float y = px * (2.7f + 1.5f * (float)(i / 3));
        segment(img, x, y - px * 0.35f, x + px * 1.6f, y - px * 0.35f, px * 0.25f, c);
        smp_text_draw(font, img, (int)(x + px * 2.1f), (int)y, px, ink, d->series[i].label);
    }
    /* grid and ticks */
    char t[32];
    for (float v = 0; v <= y_max + y_step * 0.01f; v += y_step) {
        float y = bottom - (bottom - top) * v / y_max;
        segment(img, left, y, right, y, 1.0f, grid);
        snprintf(t, sizeof t, "%g", (double)v);
        text_right(font, img, (int)(left - px * 0.4f), (int)(y + px * 0.35f), px, muted, t);
    }
    for (float v = 0; v <= d->x_max + x_step * 0.01f; v += x_step) {
        float x = left + (right - left) * v / d->x_max;
        segment(img, x, top, x, bottom, 1.0f, grid);
        snprintf(t, sizeof t, "%g", (double)v);
        text_centre(font, img, (int)x, (int)(bottom + px * 1.4f), px, muted, t);
    }
    segment(img, left, bottom, right, bottom, 1.5f, axis);
    segment(img, left, top, left, bottom, 1.5f, axis);
    if (d->x_label)
        text_centre(font, img, (int)((left + right) / 2), (int)(bottom + px * 2.9f), px, ink,
                    d->x_label);
    if (d->y_label)
        smp_text_draw(font, img, (int)(left - px * 3.8f), (int)(top - px * 0.6f), px, ink,
                      d->y_label);
    if (d->reference_y > 0 && d->reference_y <= y_max) {
        float y = bottom - (bottom - top) * d->reference_y / y_max;
        dashed(img, left, y, right, y, 1.2f, 2.0f, 3.0f, axis);
        if (d->reference_label)
            text_right(font, img, (int)right, (int)(y - px * 0.4f), px * 0.85f, muted,
                       d->reference_label);
    }
    /* each scenario's line, then its marked year */
    for (int i = 0; i < d->series_count; ++i) {
        const smp_chart_series *s = &d->series[i];
        uint8_t c[4] = {0, 0, 0, 255};
        smp_chart_colour(i, c);
        for (int k = 1; k < s->count; ++k) {
            float xa = left + (right - left) * (float)(k - 1) / (float)(s->count - 1);
            float xb = left + (right - left) * (float)k / (float)(s->count - 1);
            float ya = bottom - (bottom - top) * fminf(s->values[k - 1], y_max) / y_max;
            float yb = bottom - (bottom - top) * fminf(s->values[k], y_max) / y_max;
            segment(img, xa, ya, xb, yb, fmaxf(2.0f, px * 0.2f), c);
        }
        if (s->mark_x > 0 && s->mark_x <= d->x_max) {
            float x = left + (right - left) * s->mark_x / d->x_max;
            dashed(img, x, top, x, bottom, 1.6f, 6.0f, 4.0f, c);
            snprintf(t, sizeof t, "%s %.1f", d->mark_label ? d->mark_label : "", (double)s->mark_x);
            int w = smp_text_width(font, px * 0.85f, t);
            int tx = (int)x + 4 + w > (int)right ? (int)x - 4 - w : (int)x + 4;
            smp_text_draw(font, img, tx, (int)(top + px * (1.0f + 1.1f * (float)i)), px * 0.85f, c,
                          t);
        }
    }
    return SMP_OK;
}
