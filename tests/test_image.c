/* PNG images: exact round trips, absurd sizes, unwritable places, bad and truncated files. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "smp/image.h"
#include "support.h"

static void fill_pattern(smp_image *img) {
    for (int y = 0; y < img->height; ++y)
        for (int x = 0; x < img->width; ++x) {
            uint8_t *p = smp_image_at(img, x, y);
            p[0] = (uint8_t)(x * 3 + y);
            p[1] = (uint8_t)(y * 5);
            p[2] = (uint8_t)(x ^ y);
            p[3] = (uint8_t)(255 - x);
        }
}

Test(image, png_round_trip_is_exact) {
    const char *dir = test_tmpdir("image");
    char path[1200];
    snprintf(path, sizeof path, "%s/pattern.png", dir);
    smp_error err = {0};
    smp_image img, back;
    cr_assert_eq(smp_image_alloc(&img, 67, 41, &err), SMP_OK);
    fill_pattern(&img);
    cr_assert_eq(smp_image_write_png(path, &img, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(smp_image_read_png(path, &back, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(back.width, 67);
    cr_assert_eq(back.height, 41);
    cr_assert_eq(memcmp(img.pixels, back.pixels, 67 * 41 * 4), 0);
    smp_image_free(&img);
    smp_image_free(&back);
}

Test(image, alloc_rejects_absurd_sizes) {
    smp_error err = {0};
    smp_image img;
    cr_assert_eq(smp_image_alloc(&img, 0, 10, &err), SMP_ERR_INVALID_ARG);
    cr_assert_eq(smp_image_alloc(&img, 10, -1, &err), SMP_ERR_INVALID_ARG);
    cr_assert_eq(smp_image_alloc(&img, SMP_IMAGE_MAX_DIM + 1, 1, &err), SMP_ERR_INVALID_ARG);
    cr_assert_null(img.pixels);
}

Test(image, write_to_unwritable_place_fails_and_creates_nothing) {
    smp_error err = {0};
    smp_image img;
    cr_assert_eq(smp_image_alloc(&img, 8, 8, &err), SMP_OK);
    cr_assert_eq(smp_image_write_png("/proc/smpsim-test.png", &img, &err), SMP_ERR_IO);
    cr_assert_not_null(strstr(err.message, "/proc/smpsim-test.png"), "%s", err.message);
    cr_assert_not(file_exists("/proc/smpsim-test.png"));
    smp_image_free(&img);
}

Test(image, reading_a_non_png_is_a_format_error) {
    const char *dir = test_tmpdir("image");
    char path[1200];
    snprintf(path, sizeof path, "%s/not.png", dir);
    FILE *fp = fopen(path, "w");
    fputs("this is text, not an image", fp);
    fclose(fp);
    smp_error err = {0};
    smp_image img;
    cr_assert_eq(smp_image_read_png(path, &img, &err), SMP_ERR_FORMAT);
    cr_assert_not_null(strstr(err.message, "not a PNG"), "%s", err.message);
    cr_assert_null(img.pixels);
}

Test(image, reading_a_truncated_png_fails_cleanly) {
    const char *dir = test_tmpdir("image");
    char path[1200], cut[1200];
    snprintf(path, sizeof path, "%s/full.png", dir);
    snprintf(cut, sizeof cut, "%s/cut.png", dir);
    smp_error err = {0};
    smp_image img;
    smp_image_alloc(&img, 64, 64, &err);
    fill_pattern(&img);
    cr_assert_eq(smp_image_write_png(path, &img, &err), SMP_OK);
    smp_image_free(&img);
    size_t size;
    char *bytes = slurp(path, &size);
    FILE *fp = fopen(cut, "wb");
    fwrite(bytes, 1, size / 2, fp);
    fclose(fp);
    free(bytes);
    cr_assert_eq(smp_image_read_png(cut, &img, &err), SMP_ERR_FORMAT);
    cr_assert_null(img.pixels);
    cr_assert_not_null(strstr(err.message, "cut.png"), "%s", err.message);
}

Test(image, reads_grey_pngs_as_rgba) {
    /* A 1x1 8-bit greyscale PNG (value 0x80), as other tools write. */
    static const unsigned char grey[] = {
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
        0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00,
        0x00, 0x3a, 0x7e, 0x9b, 0x55, 0x00, 0x00, 0x00, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78,
        0x9c, 0x63, 0x68, 0x00, 0x00, 0x00, 0x82, 0x00, 0x81, 0x77, 0xcd, 0x72, 0xb6, 0x00,
        0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};
    const char *dir = test_tmpdir("image");
    char path[1200];
    snprintf(path, sizeof path, "%s/grey.png", dir);
    FILE *fp = fopen(path, "wb");
    fwrite(grey, 1, sizeof grey, fp);
    fclose(fp);
    smp_error err = {0};
    smp_image img;
    cr_assert_eq(smp_image_read_png(path, &img, &err), SMP_OK, "%s", err.message);
    const uint8_t *p = smp_image_at(&img, 0, 0);
    cr_assert_eq(p[0], 0x80);
    cr_assert_eq(p[1], 0x80);
    cr_assert_eq(p[2], 0x80);
    cr_assert_eq(p[3], 0xff);
    smp_image_free(&img);
}
