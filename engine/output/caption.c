/* Captions burned into pictures: who, which plan, when, and a scale bar on close-ups. */
#include "smp/caption.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const uint8_t k_ink[4] = {240, 240, 236, 255};

float smp_caption_px(const smp_image *img) {
    float px = (float)img->height / 40.0f;
    return px < 11.0f ? 11.0f : px;
}

typedef struct box {
    int x0, y0, x1, y1;
} box;

/* Darkens the union of the boxes to 45 % over a near-black, clipped to the picture: plates
 * that touch or overlap darken once. */
static void plates(smp_image *img, const box *b, int n) {
    box all = {img->width, img->height, 0, 0};
    for (int i = 0; i < n; ++i) {
        if (b[i].x0 < all.x0) all.x0 = b[i].x0 < 0 ? 0 : b[i].x0;
        if (b[i].y0 < all.y0) all.y0 = b[i].y0 < 0 ? 0 : b[i].y0;
        if (b[i].x1 > all.x1) all.x1 = b[i].x1 > img->width ? img->width : b[i].x1;
        if (b[i].y1 > all.y1) all.y1 = b[i].y1 > img->height ? img->height : b[i].y1;
    }
    for (int y = all.y0; y < all.y1; ++y)
        for (int x = all.x0; x < all.x1; ++x) {
            int in = 0;
            for (int i = 0; i < n && !in; ++i)
                in = x >= b[i].x0 && x < b[i].x1 && y >= b[i].y0 && y < b[i].y1;
            if (!in) continue;
            uint8_t *p = smp_image_at(img, x, y);
            for (int k = 0; k < 3; ++k) p[k] = (uint8_t)((float)p[k] * 0.45f + 20.0f * 0.55f);
        }
}

/* The plate behind a line of text. */
static box plate_of(smp_font *font, int x, int baseline_y, float px, const char *text) {
    int w = smp_text_width(font, px, text), pad = (int)(px * 0.35f);
    return (box){x - pad, baseline_y - (int)px - pad, x + w + pad,
                 baseline_y + (int)(px * 0.3f) + pad};
}

void smp_caption_plate(smp_font *font, smp_image *img, int x, int baseline_y, float px,
                       const char *text) {
    if (!text || !*text) return;
    box b = plate_of(font, x, baseline_y, px, text);
    plates(img, &b, 1);
    smp_text_draw(font, img, x, baseline_y, px, k_ink, text);
}

/* A round length (1, 2 or 5 times a power of ten, in mm) about a fifth of the picture's width,
 * drawn as a light bar with its length above it, at the bottom right. */
static void scale_bar(smp_font *font, smp_image *img, int right, int width, float px,
                      double mm_per_px) {
    double most = 0.22 * width * mm_per_px, length = 0;
    for (double decade = 0.01; decade <= 1000.0; decade *= 10.0)
        for (int k = 0; k < 3; ++k) {
            double l = decade * (k == 0 ? 1.0 : k == 1 ? 2.0 : 5.0);
            if (l <= most) length = l;
        }
    if (length <= 0) return;
    int bar = (int)lround(length / mm_per_px), thick = (int)(px * 0.3f) > 3 ? (int)(px * 0.3f) : 3;
    char label[32];
    snprintf(label, sizeof label, "%g mm", length);
    float lpx = px * 0.8f;
    int lw = smp_text_width(font, lpx, label), margin = (int)px;
    int x1 = right - margin, x0 = x1 - bar, y1 = img->height - margin, y0 = y1 - thick;
    int pad = (int)(px * 0.35f), base = y0 - (int)(px * 0.4f);
    box b = {x0 - pad, base - (int)lpx - pad, x1 + pad, y1 + pad};
    plates(img, &b, 1);
    for (int y = y0 < 0 ? 0 : y0; y < y1 && y < img->height; ++y)
        for (int x = x0 < 0 ? 0 : x0; x < x1 && x < img->width; ++x) {
            uint8_t *p = smp_image_at(img, x, y);
            p[0] = k_ink[0], p[1] = k_ink[1], p[2] = k_ink[2];
        }
    smp_text_draw(font, img, x0 + (bar - lw) / 2, base, lpx, k_ink, label);
}

/* A line of the caption: where it goes and how big. */
typedef struct line {
    const char *text;
    int x, baseline;
    float px;
} line;

void smp_caption_draw(smp_font *font, smp_image *img, const smp_caption *c) {
    float px = smp_caption_px(img);
    int left = c->width > 0 ? c->left : 0, width = c->width > 0 ? c->width : img->width;
    int cell = c->width > 0, split = c->time_right && *c->time_right;
    int has_time = c->time && *c->time;
    line lines[6];
    int n = 0, x = left + (int)px;
    /* Two rows in the band above the head and two below it: a clinic view leaves 9 % of the
     * height free at each end, and the words stay off the scalp. */
    const int top[2] = {(int)(px * 1.3f), (int)(px * 2.7f)};
    const float small = 0.85f;
    int row = 0;
    if (c->heading && *c->heading) lines[n++] = (line){c->heading, x, top[row++], px};
    if (has_time && !c->large_time && row < 2) {
        lines[n++] = (line){c->time, x, top[row], px};
        if (split)
            lines[n++] = (line){c->time_right,
                                left + width - smp_text_width(font, px, c->time_right) - (int)px,
                                top[row], px};
        ++row;
    }
    /* the blend's figures: under the label in a pair's cell or a video, else below the head */
    int figures = c->figures && *c->figures;
    if (figures && (cell || c->large_time) && row < 2)
        lines[n++] = (line){c->figures, x, top[row++], px * small}, figures = 0;

    /* the bottom band, from the bottom up: a video's counter, the plan, the figures */
    int y = img->height - (int)(px * 0.65f);
    if (has_time && c->large_time) {
        float big = px * 1.3f;
        y = img->height - (int)(big * 0.65f);
        lines[n++] = (line){c->time, left + (int)(big * 0.7f), y, big};
        y -= (int)(big * 1.3f);
    }
    if (c->plan && *c->plan) lines[n++] = (line){c->plan, x, y, px * small}, y -= (int)(px * 1.2f);
    if (figures && !c->large_time) lines[n++] = (line){c->figures, x, y, px * small};

    /* a line wider than its room is set smaller (to 0.55 of its size, then cut at the edge);
     * the plan's room at the bottom ends where a scale bar begins */
    char cut[6][512];
    for (int i = 0; i < n; ++i) {
        int right = left + width - (int)px;
        if (lines[i].text == c->plan && c->mm_per_px > 0) right -= (int)(0.3f * (float)width);
        int room = right - lines[i].x, w = smp_text_width(font, lines[i].px, lines[i].text);
        if (room <= 0 || w <= room) continue;
        float fit = lines[i].px * (float)room / (float)w;
        lines[i].px = fit > 0.55f * lines[i].px ? fit : 0.55f * lines[i].px;
        if (smp_text_width(font, lines[i].px, lines[i].text) <= room) continue;
        /* still too wide: cut at a character boundary and end with an ellipsis */
        size_t len = strlen(lines[i].text);
        if (len >= sizeof cut[i] - 4) len = sizeof cut[i] - 4;
        memcpy(cut[i], lines[i].text, len);
        do {
            while (len && ((unsigned char)cut[i][len - 1] & 0xC0) == 0x80) --len; /* UTF-8 */
            if (len) --len;
            memcpy(cut[i] + len, "\xe2\x80\xa6", 4); /* U+2026 */
        } while (len && smp_text_width(font, lines[i].px, cut[i]) > room);
        lines[i].text = cut[i];
    }
    box b[6] = {{0}};
    for (int i = 0; i < n; ++i)
        b[i] = plate_of(font, lines[i].x, lines[i].baseline, lines[i].px, lines[i].text);
    plates(img, b, n);
    for (int i = 0; i < n; ++i)
        smp_text_draw(font, img, lines[i].x, lines[i].baseline, lines[i].px, k_ink, lines[i].text);
    if (c->mm_per_px > 0) scale_bar(font, img, left + width, width, px, c->mm_per_px);
}

double smp_caption_scale(const smp_camera *cam, int width, int height) {
    double d = 0;
    for (int k = 0; k < 3; ++k) {
        double e = (double)cam->eye[k] - (double)cam->target[k];
        d += e * e;
    }
    double tall = 2.0 * sqrt(d) * tan(cam->fov_y_deg * 3.14159265358979 / 360.0);
    if (!(tall > 0) || width <= 0 || height <= 0) return 0;
    double mm_per_px = tall / height, shorter = (width < height ? width : height) * mm_per_px;
    return shorter < SMP_CAPTION_CLOSEUP_MM ? mm_per_px : 0;
}
