#include "smp/pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <stdlib.h>
#include <string.h>

#include "smp/fsio.h"

struct smp_pdf {
    smp_atomic_file file;
    cairo_surface_t *surface;
    cairo_t *cr;
    int write_failed;
};

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int length) {
    smp_pdf *p = closure;
    if (fwrite(data, 1, length, p->file.stream) != length) {
        p->write_failed = 1;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

smp_status smp_pdf_open(const char *path, smp_pdf **out, smp_error *err) {
    *out = NULL;
    smp_pdf *p = calloc(1, sizeof *p);
    if (!p) return smp_error_set(err, SMP_ERR_NOMEM, "%s: out of memory", path);
    smp_status st = smp_atomic_file_open(&p->file, path, err);
    if (st != SMP_OK) {
        free(p);
        return st;
    }
    p->surface =
        cairo_pdf_surface_create_for_stream(write_out, p, SMP_PDF_PAGE_WIDTH, SMP_PDF_PAGE_HEIGHT);
    p->cr = cairo_create(p->surface);
    if (cairo_status(p->cr) != CAIRO_STATUS_SUCCESS) {
        st = smp_error_set(err, SMP_ERR_IO, "%s: cannot start a PDF: %s", path,
                           cairo_status_to_string(cairo_status(p->cr)));
        smp_pdf_abort(p);
        return st;
    }
    cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "smpsim");
    *out = p;
    return SMP_OK;
}

static void style(smp_pdf *p, double size, int s) {
    cairo_select_font_face(p->cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           s & SMP_PDF_BOLD ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(p->cr, size);
    if (s & SMP_PDF_MUTED)
        cairo_set_source_rgb(p->cr, 0.38, 0.38, 0.42);
    else
        cairo_set_source_rgb(p->cr, 0.1, 0.1, 0.12);
}

static double width_of(smp_pdf *p, const char *utf8) {
    cairo_text_extents_t e;
    cairo_text_extents(p->cr, utf8, &e);
    return e.x_advance;
}

double smp_pdf_text(smp_pdf *p, double x, double y, double size, int s, const char *utf8) {
    style(p, size, s);
    cairo_move_to(p->cr, x, y);
    cairo_show_text(p->cr, utf8);
    return width_of(p, utf8);
}

double smp_pdf_paragraph(smp_pdf *p, double x, double y, double width, double size, int s,
                         const char *utf8) {
    style(p, size, s);
    char line[1100] = "", trial[1100];
    const char *word = utf8;
    while (*word) {
        size_t n = strcspn(word, " \n");
        snprintf(trial, sizeof trial, "%s%s%.*s", line, *line ? " " : "", (int)n, word);
        if (*line && width_of(p, trial) > width) { /* the word starts the next line */
            cairo_move_to(p->cr, x, y);
            cairo_show_text(p->cr, line);
            y += size * 1.35;
            snprintf(line, sizeof line, "%.*s", (int)n, word);
        } else {
            snprintf(line, sizeof line, "%s", trial);
        }
        word += n;
        if (*word == '\n' || !*word) { /* a line ends here */
            cairo_move_to(p->cr, x, y);
            cairo_show_text(p->cr, line);
            y += size * 1.35;
            line[0] = '\0';
        }
        if (*word) ++word;
    }
    return y;
}

void smp_pdf_image(smp_pdf *p, const smp_image *img, double x, double y, double w, double h) {
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, img->width, img->height);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) return;
    cairo_surface_flush(s);
    unsigned char *data = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    for (int yy = 0; yy < img->height; ++yy) {
        uint32_t *row = (uint32_t *)(data + (size_t)yy * stride);
        for (int xx = 0; xx < img->width; ++xx) {
            const uint8_t *c = smp_image_at(img, xx, yy);
            row[xx] = (uint32_t)c[0] << 16 | (uint32_t)c[1] << 8 | c[2];
        }
    }
    cairo_surface_mark_dirty(s);
    double scale = w / img->width < h / img->height ? w / img->width : h / img->height;
    cairo_save(p->cr);
    cairo_translate(p->cr, x + (w - img->width * scale) / 2, y + (h - img->height * scale) / 2);
    cairo_scale(p->cr, scale, scale);
    cairo_set_source_surface(p->cr, s, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(p->cr), CAIRO_FILTER_GOOD);
    cairo_paint(p->cr);
    cairo_restore(p->cr);
    cairo_surface_destroy(s);
}

void smp_pdf_rule(smp_pdf *p, double x0, double y0, double x1, double y1) {
    cairo_set_source_rgb(p->cr, 0.78, 0.78, 0.8);
    cairo_set_line_width(p->cr, 0.6);
    cairo_move_to(p->cr, x0, y0);
    cairo_line_to(p->cr, x1, y1);
    cairo_stroke(p->cr);
}

void smp_pdf_next_page(smp_pdf *p) { cairo_show_page(p->cr); }

static void release(smp_pdf *p) {
    if (p->cr) cairo_destroy(p->cr);
    if (p->surface) cairo_surface_destroy(p->surface);
    p->cr = NULL, p->surface = NULL;
}

smp_status smp_pdf_close(smp_pdf *p, smp_error *err) {
    cairo_surface_finish(p->surface); /* writes the rest through write_out */
    cairo_status_t cs = cairo_surface_status(p->surface);
    release(p);
    smp_status st;
    if (cs != CAIRO_STATUS_SUCCESS || p->write_failed) {
        st = smp_error_set(err, SMP_ERR_IO, "%s: cannot write the PDF: %s", p->file.path,
                           p->write_failed ? "the disk refused the data"
                                           : cairo_status_to_string(cs));
        smp_atomic_file_abort(&p->file);
    } else {
        st = smp_atomic_file_commit(&p->file, err);
    }
    free(p);
    return st;
}

void smp_pdf_abort(smp_pdf *p) {
    if (!p) return;
    release(p);
    smp_atomic_file_abort(&p->file);
    free(p);
}
