/* Text and contact sheets: fonts found, labels drawn where asked, cells resampled in linear
 * light. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "smp/sheet.h"
#include "smp/text.h"

static smp_font *font;

static void open_font(void) {
    smp_error err = {0};
    cr_assert_eq(smp_font_open(NULL, &font, &err), SMP_OK, "%s", err.message);
}
static void close_font(void) { smp_font_close(font); }

TestSuite(text, .init = open_font, .fini = close_font);

Test(text, width_grows_with_text_and_size) {
    int a = smp_text_width(font, 20, "Year 1");
    int b = smp_text_width(font, 20, "Year 10");
    int c = smp_text_width(font, 40, "Year 10");
    cr_assert_gt(a, 20);
    cr_assert_gt(b, a);
    cr_assert(c > 2 * b - 4 && c < 2 * b + 4, "%d vs 2 x %d", c, b);
    cr_assert_gt(smp_text_width(font, 20, "\xff\xfe bad utf-8"), 0);
}

Test(text, draws_inside_its_box_and_clips_at_the_edges) {
    smp_image img = {0};
    cr_assert_eq(smp_image_alloc(&img, 200, 60, NULL), SMP_OK);
    const uint8_t white[4] = {255, 255, 255, 255};
    smp_text_draw(font, &img, 10, 40, 30, white, "Hairline");
    int w = smp_text_width(font, 30, "Hairline");
    long inside = 0, outside = 0;
    for (int y = 0; y < 60; ++y)
        for (int x = 0; x < 200; ++x) {
            int lit = smp_image_at(&img, x, y)[0] > 0;
            if (x >= 8 && x <= 12 + w && y >= 5 && y <= 50)
                inside += lit;
            else
                outside += lit;
        }
    cr_assert_gt(inside, 100);
    cr_assert_eq(outside, 0);
    smp_text_draw(font, &img, -50, 5, 80, white, "clipped on every side"); /* must not crash */
    smp_image_free(&img);
}

Test(text, missing_font_is_named) {
    smp_font *f = NULL;
    smp_error err = {0};
    cr_assert_eq(smp_font_open("No Such Font Family", &f, &err), SMP_ERR_UNSUPPORTED);
    cr_assert_null(f);
    cr_assert_not_null(strstr(err.message, "No Such Font Family"), "%s", err.message);
    cr_assert_eq(smp_font_open("/etc/hostname", &f, &err), SMP_ERR_UNSUPPORTED);
    cr_assert_not_null(strstr(err.message, "/etc/hostname"), "%s", err.message);
}

static void solid(smp_image *img, int w, int h, uint8_t r, uint8_t g, uint8_t b) {
    cr_assert_eq(smp_image_alloc(img, w, h, NULL), SMP_OK);
    for (int i = 0; i < w * h; ++i) memcpy(img->pixels + 4 * i, (uint8_t[]){r, g, b, 255}, 4);
}

Test(sheet, resampling_averages_in_linear_light) {
    smp_image src = {0}, dst = {0};
    cr_assert_eq(smp_image_alloc(&src, 64, 64, NULL), SMP_OK);
    for (int y = 0; y < 64; ++y)
        for (int x = 0; x < 64; ++x) memset(smp_image_at(&src, x, y), ((x + y) & 1) ? 255 : 0, 4);
    cr_assert_eq(smp_image_alloc(&dst, 16, 16, NULL), SMP_OK);
    smp_image_resample(&src, &dst);
    /* half black, half white is 0.5 in linear light: sRGB 188, not 128 */
    for (int i = 0; i < 16 * 16; ++i) cr_assert(abs(dst.pixels[4 * i] - 188) <= 1);
    smp_image_free(&src);
    smp_image_free(&dst);
}

Test(sheet, grid_keeps_each_cell_and_its_order) {
    smp_font *f;
    cr_assert_eq(smp_font_open(NULL, &f, NULL), SMP_OK);
    smp_image cells[6];
    for (int i = 0; i < 6; ++i) solid(&cells[i], 320, 180, (uint8_t)(40 * i), 100, 200);
    const char *rows[] = {"Year 0", "Year 5"};
    const char *cols[] = {"front", "top", "three-quarter"};
    smp_sheet_desc d = {.rows = 2,
                        .columns = 3,
                        .cells = cells,
                        .row_labels = rows,
                        .column_labels = cols,
                        .title = "Norwood V",
                        .lines = {"MST 4", NULL},
                        .cell_width = 160};
    smp_image sheet = {0};
    smp_error err = {0};
    cr_assert_eq(smp_sheet_compose(&d, f, &sheet, &err), SMP_OK, "%s", err.message);
    cr_assert_gt(sheet.width, 3 * 160);
    cr_assert_gt(sheet.height, 2 * 90);
    /* find each cell by its colour, in row-major order, left to right and top to bottom */
    int last_x = -1, last_y = -1;
    for (int i = 0; i < 6; ++i) {
        int fx = -1, fy = -1;
        for (int y = 0; y < sheet.height && fx < 0; ++y)
            for (int x = 0; x < sheet.width; ++x) {
                const uint8_t *p = smp_image_at(&sheet, x, y);
                if (abs(p[0] - 40 * i) <= 1 && p[1] == 100 && p[2] == 200) {
                    fx = x, fy = y;
                    break;
                }
            }
        cr_assert_geq(fx, 0, "cell %d not found", i);
        if (i % 3) cr_assert_gt(fx, last_x, "cell %d", i);
        if (i == 3) cr_assert_gt(fy, last_y);
        last_x = fx, last_y = fy;
    }
    smp_image_free(&sheet);
    for (int i = 0; i < 6; ++i) smp_image_free(&cells[i]);
    cr_assert_neq(smp_sheet_compose(&(smp_sheet_desc){.rows = 0, .columns = 1}, f, &sheet, &err),
                  SMP_OK);
    smp_font_close(f);
}
