/*
 * smp/sheet.h — contact sheets: a labelled grid of renders on one image.
 *
 * What a practitioner prints or sends a client: rows are times, columns are views, a title
 * block says who and what (client, skin, pattern, plan). Cells are cropped about their centre
 * to the cell shape asked for and scaled to fit the cell size with a box filter in linear
 * light, so a sheet of 1920×1080 renders stays sharp and keeps its tones. Row labels wrap at
 * spaces to a column at most half a cell wide; the title and its lines to the sheet's width
 * (six lines each at most).
 *
 *   smp_sheet_desc d = {.rows = 3, .columns = 2, .cells = imgs, .row_labels = years,
 *                       .column_labels = views, .title = "Client 12 — Norwood V"};
 *   smp_sheet_compose(&d, font, &sheet, &err);
 *
 * Does NOT: render anything, or write files (smp_image_write_png does).
 */
#ifndef SMP_SHEET_H
#define SMP_SHEET_H

#include "smp/image.h"
#include "smp/status.h"
#include "smp/text.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { SMP_SHEET_MAX_LINES = 8 };

/* Sheets crop each render about its centre to this width / height, a clinic photograph's 4:5
 * portrait: a framed head loses nothing, and a grid of five views stays legible on a page. */
#define SMP_SHEET_CELL_ASPECT 0.8f

typedef struct smp_sheet_desc {
    int rows, columns;                      /* both >= 1 */
    const smp_image *cells;                 /* rows * columns images, row-major, any sizes */
    const char *const *row_labels;          /* rows strings, or NULL */
    const char *const *column_labels;       /* columns strings, or NULL */
    const char *title;                      /* first line of the title block, or NULL */
    const char *lines[SMP_SHEET_MAX_LINES]; /* further lines under the title, NULL-terminated */
    int cell_width;    /* 0 = the first cell's (cropped) width, capped at 640 */
    float cell_aspect; /* crop every cell about its centre to this width / height (a 4:5
                          portrait is 0.8); 0 = keep the first cell's shape */
} smp_sheet_desc;

/* Lays out the sheet into out (which must be empty, {0}). Cost: one pass over every source
 * pixel. Fails with SMP_ERR_INVALID_ARG naming the field for an empty grid or a missing cell. */
smp_status smp_sheet_compose(const smp_sheet_desc *desc, smp_font *font, smp_image *out,
                             smp_error *err);

/* Scales src into dst (both allocated) with an area filter in linear light. */
void smp_image_resample(const smp_image *src, smp_image *dst);

#ifdef __cplusplus
}
#endif
#endif
