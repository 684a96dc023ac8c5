/*
 * smp/pdf.h — a small page writer for documents a client takes home (the consultation report),
 * on cairo's PDF surface: A4 pages, text in DejaVu Sans (wrapped to a width), pictures scaled
 * into boxes, rules. The file is written atomically: nothing appears at the path until
 * smp_pdf_close succeeds, and an aborted or failed document leaves nothing behind.
 *
 *   smp_pdf *pdf;
 *   smp_pdf_open("report.pdf", &pdf, &err);
 *   smp_pdf_text(pdf, 50, 60, 20, SMP_PDF_BOLD, "Your plan");
 *   double y = smp_pdf_paragraph(pdf, 50, 90, 495, 10, 0, long_text);
 *   smp_pdf_image(pdf, &img, 50, y + 10, 240, 135);
 *   smp_pdf_next_page(pdf);
 *   smp_pdf_close(pdf, &err); // or smp_pdf_abort(pdf)
 *
 * Units are PDF points (1/72 inch) from the top left of the page. Does NOT: lay out a
 * document by itself (the caller places every block), or read anything.
 */
#ifndef SMP_PDF_H
#define SMP_PDF_H

#include "smp/image.h"
#include "smp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SMP_PDF_PAGE_WIDTH  595.0 /* A4 in points */
#define SMP_PDF_PAGE_HEIGHT 842.0

enum { SMP_PDF_REGULAR = 0, SMP_PDF_BOLD = 1, SMP_PDF_MUTED = 2 };

typedef struct smp_pdf smp_pdf;

/* Starts a document at path (after smp_output_path_check) on its first page. */
smp_status smp_pdf_open(const char *path, smp_pdf **out, smp_error *err);
/* One line of text with its baseline at y; style: SMP_PDF_BOLD and/or SMP_PDF_MUTED. Returns
 * the text's width. */
double smp_pdf_text(smp_pdf *p, double x, double y, double size, int style, const char *utf8);
/* Text wrapped at spaces to width, first baseline at y, lines 1.35 sizes apart; '\n' breaks a
 * line. Returns the baseline after the last line. */
double smp_pdf_paragraph(smp_pdf *p, double x, double y, double width, double size, int style,
                         const char *utf8);
/* The picture scaled to fill the box w x h (its aspect kept; centred, the rest left blank). */
void smp_pdf_image(smp_pdf *p, const smp_image *img, double x, double y, double w, double h);
/* A thin grey line. */
void smp_pdf_rule(smp_pdf *p, double x0, double y0, double x1, double y1);
void smp_pdf_next_page(smp_pdf *p);
/* Finishes the document and moves it into place; frees p whatever happens. */
smp_status smp_pdf_close(smp_pdf *p, smp_error *err);
/* Drops the document: nothing is written. Frees p. */
void smp_pdf_abort(smp_pdf *p);

#ifdef __cplusplus
}
#endif
#endif
