/*
 * smp/image.h — 8-bit RGBA images and PNG files.
 *
 * The renderer captures into an smp_image; the CLI writes it as PNG; tests read PNGs back to
 * compare. Pixels are RGBA8, rows top to bottom, tightly packed (stride = 4 * width).
 *
 *   smp_image img = {0};
 *   smp_image_alloc(&img, 640, 480, &err);
 *   ... fill img.pixels ...
 *   smp_image_write_png("out/head.png", &img, &err);   // atomic: whole file or none
 *   smp_image_free(&img);
 *
 * Does NOT: convert colour spaces (pixels are stored as given, normally sRGB-encoded), or
 * handle bit depths other than 8.
 */
#ifndef SMP_IMAGE_H
#define SMP_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "smp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { SMP_IMAGE_MAX_DIM = 16384 };

typedef struct smp_image {
    int width;
    int height;
    uint8_t *pixels; /* width * height * 4 bytes, RGBA, top row first */
} smp_image;

/* Allocates a zeroed width x height image. Dimensions must be 1..SMP_IMAGE_MAX_DIM. */
smp_status smp_image_alloc(smp_image *img, int width, int height, smp_error *err);
void smp_image_free(smp_image *img);

/* Writes img as an 8-bit RGBA PNG, atomically (see smp/fsio.h). */
smp_status smp_image_write_png(const char *path, const smp_image *img, smp_error *err);

/* Reads any 8-bit or 16-bit PNG (grey, palette, RGB, with or without alpha) as RGBA8.
 * img must be empty ({0}); on success the caller frees it with smp_image_free. */
smp_status smp_image_read_png(const char *path, smp_image *img, smp_error *err);

/* Pointer to the RGBA of pixel (x, y); no bounds check. */
static inline uint8_t *smp_image_at(const smp_image *img, int x, int y) {
    return img->pixels + ((size_t)y * (size_t)img->width + (size_t)x) * 4u;
}

#ifdef __cplusplus
}
#endif
#endif
