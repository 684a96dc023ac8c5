/*
 * smp/text.h — text on images, with a real font.
 *
 * Contact sheets and plots carry labels (year, view, client and plan). They are drawn with
 * FreeType from a TrueType font found through fontconfig (DejaVu Sans from Debian's
 * fonts-dejavu-core unless told otherwise), anti-aliased and blended in sRGB like any
 * label tool does.
 *
 *   smp_font *font;
 *   smp_font_open(NULL, &font, &err);                      // NULL = "DejaVu Sans"
 *   smp_text_draw(font, &img, 20, 40, 24.0f, white, "Year 5 · front");
 *   smp_font_close(font);
 *
 * Does NOT: shape complex scripts (no right-to-left, no ligatures), wrap lines, or cache
 * glyphs across calls (labels are few).
 */
#ifndef SMP_TEXT_H
#define SMP_TEXT_H

#include <stdint.h>

#include "smp/image.h"
#include "smp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct smp_font smp_font;

/* Opens a font: a fontconfig pattern ("DejaVu Sans:bold") or a path to a .ttf/.otf file;
 * NULL means "DejaVu Sans". Fails with SMP_ERR_UNSUPPORTED naming the font if none is found. */
smp_status smp_font_open(const char *name, smp_font **out, smp_error *err);
void smp_font_close(smp_font *font);

/* Advance width in pixels of a UTF-8 string at size px (pixels per em). Invalid UTF-8 bytes
 * count as U+FFFD. */
int smp_text_width(smp_font *font, float px, const char *utf8);

/* Draws a UTF-8 string with its baseline starting at (x, baseline_y), clipped to the image.
 * colour is sRGB with alpha; glyph coverage scales the alpha. */
void smp_text_draw(smp_font *font, smp_image *img, int x, int baseline_y, float px,
                   const uint8_t colour[4], const char *utf8);

#ifdef __cplusplus
}
#endif
#endif
