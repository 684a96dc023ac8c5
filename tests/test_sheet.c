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

/* A cell cropped to a 4:5 portrait keeps its middle: a 16:9 render whose centre band is one
 * colour and whose sides are another shows only the centre's colour, in cells 4:5 in shape. */
Test(sheet, cells_crop_about_their_centre_to_the_shape_asked_for) {
    smp_font *f;
    cr_assert_eq(smp_font_open(NULL, &f, NULL), SMP_OK);
    smp_image cell;
    solid(&cell, 320, 180, 200, 40, 40);
    for (int y = 0; y < 180; ++y)
        for (int x = 160 - 72; x < 160 + 72; ++x) /* 144 = 0.8 x 180 wide */
            memcpy(smp_image_at(&cell, x, y), (uint8_t[]){40, 200, 40, 255}, 4);
    smp_sheet_desc d = {.rows = 1, .columns = 1, .cells = &cell, .cell_aspect = 0.8f};
    smp_image sheet = {0};
    smp_error err = {0};
    cr_assert_eq(smp_sheet_compose(&d, f, &sheet, &err), SMP_OK, "%s", err.message);
    int green_w = 0, green_h = 0, red = 0;
    for (int y = 0; y < sheet.height; ++y) {
        int row = 0;
        for (int x = 0; x < sheet.width; ++x) {
            const uint8_t *p = smp_image_at(&sheet, x, y);
            row += p[1] > 150 && p[0] < 80;
            red += p[0] > 150 && p[1] < 80;
        }
        if (row) ++green_h, green_w = row > green_w ? row : green_w;
    }
    cr_assert_eq(red, 0, "the sides were not cropped away");
    cr_assert_eq(green_w, 144);
    cr_assert_eq(green_h, 180);
    smp_image_free(&sheet);
    smp_image_free(&cell);
    smp_font_close(f);
}

/* A long row label ("Healed (30 days after the last session)") wraps into a column at most
 * half a cell wide instead of pushing the grid across the page. */
Test(sheet, long_row_labels_wrap_to_half_a_cell) {
    smp_font *f;
    cr_assert_eq(smp_font_open(NULL, &f, NULL), SMP_OK);
    smp_image cells[2];
    for (int i = 0; i < 2; ++i) solid(&cells[i], 480, 600, 90, 100, 110);
    const char *rows[] = {"Untreated", "Healed (30 days after the last session)"};
    smp_sheet_desc d = {.rows = 2, .columns = 1, .cells = cells, .row_labels = rows};
    smp_image sheet = {0};
    smp_error err = {0};
    cr_assert_eq(smp_sheet_compose(&d, f, &sheet, &err), SMP_OK, "%s", err.message);
    float px = 480 / 24.0f;
    int one_line = smp_text_width(f, px, rows[1]);
    cr_assert_gt(one_line, 240, "the label is short enough not to wrap");
    /* pad, label column (at most half a cell, plus its padding), the cell, pad */
    cr_assert_leq(sheet.width, (int)px + 240 + 2 * (int)px + 480 + (int)px);
    /* the second row's label is drawn on more than one line: ink in its band of the label
     * column well above and below the row's middle */
    int header = sheet.height - (int)px - 2 * 600 - (int)(px / 2 > 2 ? px / 2 : 2);
    int mid = header + 600 + (int)(px / 2 > 2 ? px / 2 : 2) + 300;
    int above = 0, below = 0;
    for (int x = 0; x < (int)px + 240; ++x) {
        for (int y = mid - (int)(1.2f * px); y < mid - (int)(0.3f * px); ++y)
            above += smp_image_at(&sheet, x, y)[0] > 128;
        for (int y = mid + (int)(0.4f * px); y < mid + (int)(1.3f * px); ++y)
            below += smp_image_at(&sheet, x, y)[0] > 128;
    }
    cr_assert_gt(above, 20, "no first line above the middle");
    cr_assert_gt(below, 20, "no second line below the middle");
    smp_image_free(&sheet);
    for (int i = 0; i < 2; ++i) smp_image_free(&cells[i]);
    smp_font_close(f);
}

/* A narrow sheet (one view) keeps every word of a long title and caption line: they wrap to
 * the sheet's width instead of running off its edge. */
Test(sheet, a_long_title_and_lines_wrap_to_the_sheet) {
    smp_font *f;
    cr_assert_eq(smp_font_open(NULL, &f, NULL), SMP_OK);
    smp_image cell;
    solid(&cell, 240, 300, 90, 100, 110);
    const char *title = "Sam Example · Norwood VI, shaved look, three sessions and a touch-up";
    const char *line = "3 sessions · 80 dots/cm² · depth 0.40 mm · hairline 80 mm · outdoors";
    smp_sheet_desc d = {.rows = 1, .columns = 1, .cells = &cell, .title = "Short"};
    smp_image short_sheet = {0}, long_sheet = {0};
    smp_error err = {0};
    cr_assert_eq(smp_sheet_compose(&d, f, &short_sheet, &err), SMP_OK, "%s", err.message);
    d.title = title;
    d.lines[0] = line;
    cr_assert_eq(smp_sheet_compose(&d, f, &long_sheet, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(long_sheet.width, short_sheet.width, "the sheet's width is its cells'");
    float px = 240 / 24.0f < 14 ? 14 : 240 / 24.0f;
    cr_assert_gt(smp_text_width(f, 1.5f * px, title), long_sheet.width, "the title would fit");
    /* taller by the wrapped lines: the title on three or more, the line on two or more */
    cr_assert_gt(long_sheet.height - short_sheet.height, (int)(3.0f * 1.5f * px), "%d vs %d",
                 long_sheet.height, short_sheet.height);
    /* nothing drawn into the right margin of the header */
    int header = long_sheet.height - (int)px - 300;
    int ink = 0;
    for (int y = 0; y < header; ++y)
        for (int x = long_sheet.width - (int)px / 2; x < long_sheet.width; ++x)
            ink += smp_image_at(&long_sheet, x, y)[0] > 60;
    cr_assert_eq(ink, 0, "text runs into the right margin");
    smp_image_free(&short_sheet);
    smp_image_free(&long_sheet);
    smp_image_free(&cell);
    smp_font_close(f);
}
