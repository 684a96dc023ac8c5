#include "smp/sheet.h"

#include "smp/skin.h" /* sRGB transfer */

#include <math.h>
#include <stdio.h>
#include <string.h>

static uint8_t linear_to_srgb8(double c) {
    c = smp_srgb_encode(c < 0 ? 0 : c > 1 ? 1 : c);
    return (uint8_t)(c * 255.0 + 0.5);
}

void smp_image_resample(const smp_image *src, smp_image *dst) {
    float lut[256];
    for (int i = 0; i < 256; ++i) lut[i] = (float)smp_srgb_decode(i / 255.0);
    double sx = (double)src->width / dst->width, sy = (double)src->height / dst->height;
    for (int y = 0; y < dst->height; ++y) {
        double y0 = y * sy, y1 = (y + 1) * sy;
        for (int x = 0; x < dst->width; ++x) {
            double x0 = x * sx, x1 = (x + 1) * sx;
            double acc[4] = {0, 0, 0, 0}, wsum = 0;
            /* Each source pixel weighted by how much of it the destination pixel covers. */
            for (int j = (int)y0; j < (int)ceil(y1) && j < src->height; ++j) {
                double wy = fmin(y1, j + 1.0) - fmax(y0, (double)j);
                for (int i = (int)x0; i < (int)ceil(x1) && i < src->width; ++i) {
                    double w = wy * (fmin(x1, i + 1.0) - fmax(x0, (double)i));
                    const uint8_t *p = smp_image_at(src, i, j);
                    for (int c = 0; c < 3; ++c) acc[c] += w * lut[p[c]];
                    acc[3] += w * p[3];
                    wsum += w;
                }
            }
            uint8_t *d = smp_image_at(dst, x, y);
            for (int c = 0; c < 3; ++c) d[c] = linear_to_srgb8(acc[c] / wsum);
            d[3] = (uint8_t)(acc[3] / wsum + 0.5);
        }
    }
}

static void fill(smp_image *img, const uint8_t rgba[4]) {
    for (size_t i = 0; i < (size_t)img->width * img->height; ++i)
        memcpy(img->pixels + 4 * i, rgba, 4);
}

/* The centre of src with the width / height ratio aspect (all of it when aspect <= 0 or src
 * already has that shape), into dst (allocated here). */
static smp_status crop(const smp_image *src, float aspect, smp_image *dst, smp_error *err) {
    int w = src->width, h = src->height;
    if (aspect > 0 && w > aspect * h + 0.5f) w = (int)(aspect * h + 0.5f);
    if (aspect > 0 && h > w / aspect + 0.5f) h = (int)(w / aspect + 0.5f);
    if (w < 1) w = 1;
    if (h < 1) h = 1;
    smp_status st = smp_image_alloc(dst, w, h, err);
    if (st != SMP_OK) return st;
    int x0 = (src->width - w) / 2, y0 = (src->height - h) / 2;
    for (int y = 0; y < h; ++y)
        memcpy(smp_image_at(dst, 0, y), smp_image_at(src, x0, y0 + y), (size_t)w * 4);
    return SMP_OK;
}

/* Splits text at spaces into lines no wider than max_w (a word wider than that keeps a line
 * of its own); returns the number of lines, at most max_lines, each written to lines[i]. */
enum { LABEL_LINES = 6, LABEL_LINE_MAX = 256 };
static int wrap(smp_font *font, float px, const char *text, int max_w,
                char lines[LABEL_LINES][LABEL_LINE_MAX]) {
    int n = 0;
    lines[0][0] = '\0';
    for (const char *p = text; *p && n < LABEL_LINES;) {
        while (*p == ' ') ++p;
        size_t len = strcspn(p, " ");
        if (!len) break;
        char trial[LABEL_LINE_MAX];
        size_t used = strlen(lines[n]);
        snprintf(trial, sizeof trial, "%s%s%.*s", lines[n], used ? " " : "", (int)len, p);
        if (used && smp_text_width(font, px, trial) > max_w) {
            if (++n == LABEL_LINES) break;
            snprintf(lines[n], LABEL_LINE_MAX, "%.*s", (int)len, p);
        } else {
            snprintf(lines[n], LABEL_LINE_MAX, "%s", trial);
        }
        p += len;
    }
    return n < LABEL_LINES && lines[n][0] ? n + 1 : n;
}

static void blit(const smp_image *src, smp_image *dst, int ox, int oy) {
    for (int y = 0; y < src->height && oy + y < dst->height; ++y)
        memcpy(smp_image_at(dst, ox, oy + y), smp_image_at(src, 0, y),
               (size_t)(ox + src->width <= dst->width ? src->width : dst->width - ox) * 4);
}

smp_status smp_sheet_compose(const smp_sheet_desc *d, smp_font *font, smp_image *out,
                             smp_error *err) {
    if (d->rows < 1 || d->columns < 1)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "sheet: rows and columns must be >= 1");
    for (int i = 0; i < d->rows * d->columns; ++i)
        if (!d->cells || !d->cells[i].pixels)
            return smp_error_set(err, SMP_ERR_INVALID_ARG, "sheet: cell %d has no image", i);
    const smp_image *first = &d->cells[0];
    /* the first cell's shape after the crop sets every cell's */
    float aspect = d->cell_aspect > 0 ? d->cell_aspect : (float)first->width / first->height;
    if (aspect > (float)first->width / first->height) aspect = (float)first->width / first->height;
    int first_w = (int)(aspect * first->height + 0.5f);
    int cw = d->cell_width > 0 ? d->cell_width : first_w < 640 ? first_w : 640;
    int ch = (int)((double)cw / aspect + 0.5);
    if (ch < 1) ch = 1;

    /* Type scale from the cell width, so a sheet of thumbnails and one of large renders read
     * the same. */
    float label_px = cw / 24.0f < 14 ? 14 : cw / 24.0f;
    float title_px = label_px * 1.5f;
    int pad = (int)label_px;
    int line_count = 0;
    while (line_count < SMP_SHEET_MAX_LINES && d->lines[line_count]) ++line_count;
    int row_label_w = 0, wrap_w = cw / 2;
    char label[LABEL_LINES][LABEL_LINE_MAX];
    for (int r = 0; d->row_labels && r < d->rows; ++r) {
        int lines = wrap(font, label_px, d->row_labels[r], wrap_w, label);
        for (int i = 0; i < lines; ++i) {
            int w = smp_text_width(font, label_px, label[i]);
            if (w > row_label_w) row_label_w = w;
        }
    }
    if (row_label_w) row_label_w += 2 * pad;
    int gap = pad / 2 > 2 ? pad / 2 : 2;
    int width = pad + row_label_w + d->columns * cw + (d->columns - 1) * gap + pad;
    /* the title and the lines wrap at spaces to the sheet's width: a narrow sheet (one view)
     * keeps every word of a long plan */
    char title[LABEL_LINES][LABEL_LINE_MAX], text[SMP_SHEET_MAX_LINES][LABEL_LINES][LABEL_LINE_MAX];
    int title_lines = d->title ? wrap(font, title_px, d->title, width - 2 * pad, title) : 0;
    int text_lines[SMP_SHEET_MAX_LINES], text_total = 0;
    for (int i = 0; i < line_count; ++i)
        text_total += text_lines[i] = wrap(font, label_px, d->lines[i], width - 2 * pad, text[i]);
    int title_h = title_lines ? (int)(title_px * (0.1f + 1.5f * title_lines)) : 0;
    int header_h = pad + title_h + (int)(text_total * label_px * 1.45f) +
                   (d->column_labels ? (int)(label_px * 1.8f) : 0);
    int height = header_h + d->rows * ch + (d->rows - 1) * gap + pad;
    smp_status st = smp_image_alloc(out, width, height, err);
    if (st != SMP_OK) return st;

    static const uint8_t background[4] = {28, 30, 33, 255};
    static const uint8_t ink[4] = {236, 236, 232, 255};
    static const uint8_t muted[4] = {170, 172, 170, 255};
    fill(out, background);
    int y = pad;
    for (int i = 0; i < title_lines; ++i)
        smp_text_draw(font, out, pad, y + (int)(title_px * (1.0f + 1.5f * i)), title_px, ink,
                      title[i]);
    y += title_h;
    for (int i = 0; i < line_count; ++i)
        for (int k = 0; k < text_lines[i]; ++k) {
            smp_text_draw(font, out, pad, y + (int)label_px, label_px, muted, text[i][k]);
            y += (int)(label_px * 1.45f);
        }
    int grid_x = pad + row_label_w;
    if (d->column_labels) {
        for (int c = 0; c < d->columns; ++c) {
            int w = smp_text_width(font, label_px, d->column_labels[c]);
            smp_text_draw(font, out, grid_x + c * (cw + gap) + (cw - w) / 2, y + (int)label_px,
                          label_px, ink, d->column_labels[c]);
        }
    }
    smp_image cell = {0};
    if ((st = smp_image_alloc(&cell, cw, ch, err)) != SMP_OK) {
        smp_image_free(out);
        return st;
    }
    float line_h = label_px * 1.3f;
    for (int r = 0; st == SMP_OK && r < d->rows; ++r) {
        int cy = header_h + r * (ch + gap);
        if (d->row_labels) {
            int lines = wrap(font, label_px, d->row_labels[r], wrap_w, label);
            float y0 = cy + ch / 2.0f - (lines - 1) * line_h / 2.0f + label_px * 0.35f;
            for (int i = 0; i < lines; ++i)
                smp_text_draw(font, out, pad, (int)(y0 + i * line_h), label_px, ink, label[i]);
        }
        for (int c = 0; st == SMP_OK && c < d->columns; ++c) {
            smp_image shaped = {0};
            if ((st = crop(&d->cells[r * d->columns + c], aspect, &shaped, err)) != SMP_OK) break;
            smp_image_resample(&shaped, &cell);
            smp_image_free(&shaped);
            blit(&cell, out, grid_x + c * (cw + gap), cy);
        }
    }
    smp_image_free(&cell);
    if (st != SMP_OK) smp_image_free(out);
    return st;
}
