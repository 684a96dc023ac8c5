/* Captions burned into pictures (smp/caption.h): where each part goes, what it leaves alone, and
 * the scale bar's length against the camera's field. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "smp/caption.h"

static smp_font *font;

static void open_font(void) {
    smp_error err = {0};
    cr_assert_eq(smp_font_open(NULL, &font, &err), SMP_OK, "%s", err.message);
}
static void close_font(void) { smp_font_close(font); }

TestSuite(caption, .init = open_font, .fini = close_font);

static smp_image grey(int w, int h) {
    smp_image img = {0};
    smp_error err = {0};
    cr_assert_eq(smp_image_alloc(&img, w, h, &err), SMP_OK);
    memset(img.pixels, 128, (size_t)w * h * 4);
    return img;
}

/* Pixels of [x0, x1) x [y0, y1) that are not the grey they started as. */
static int changed(const smp_image *img, int x0, int y0, int x1, int y1) {
    int n = 0;
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) n += smp_image_at(img, x, y)[0] != 128;
    return n;
}

Test(caption, a_close_up_has_a_scale_and_a_head_view_none) {
    const float point[3] = {0, 0, 0}, normal[3] = {0, 1, 0};
    smp_camera cam;
    smp_camera_closeup(point, normal, 10.0f, 16.0f / 9.0f, &cam);
    /* 10 mm across the shorter side, the height: 10/720 mm a pixel */
    double s = smp_caption_scale(&cam, 1280, 720);
    cr_assert_float_eq(s * 720.0, 10.0, 0.1, "%.4f mm a pixel", s);
    /* a clinic view from a metre shows a whole head: no bar */
    smp_camera far = cam;
    far.eye[1] = 1000.0f;
    cr_assert_eq(smp_caption_scale(&far, 1280, 720), 0.0);
}

Test(caption, the_parts_go_where_they_belong_and_leave_the_middle_alone) {
    smp_image img = grey(640, 360);
    const double mm_per_px = 10.0 / 360.0;
    smp_caption c = {.heading = "Sam Example · Norwood V",
                     .time = "Year 5 after completion",
                     .figures = "ΔE00 1.5 to the fringe",
                     .plan = "3 sessions · 80 dots/cm²",
                     .mm_per_px = mm_per_px};
    smp_caption_draw(font, &img, &c);
    float px = smp_caption_px(&img); /* 360/28 = 12.9 */
    /* heading, time and figures at the top left; the plan at the bottom left */
    cr_assert_gt(changed(&img, 0, 0, 200, (int)(4.5f * px)), 2000);
    cr_assert_gt(changed(&img, 0, 360 - (int)(1.6f * px), 150, 360), 500);
    /* the middle of the picture is the subject's: untouched */
    cr_assert_eq(changed(&img, 200, 100, 440, 260), 0);
    /* the top right is free too (no second time) */
    cr_assert_eq(changed(&img, 460, 0, 640, 80), 0);
    /* the bar: 0.22 of 640 px is 3.9 mm, so the round length is 2 mm, 72 px, light and solid,
     * ending one em from the right edge */
    int y = 360 - (int)px - 2, run = 0, end = -1;
    for (int x = 0, now = 0; x < 640; ++x) { /* the longest light run in the row */
        now = smp_image_at(&img, x, y)[0] >= 230 ? now + 1 : 0;
        if (now > run) run = now, end = x;
    }
    cr_assert_float_eq((double)run, 2.0 / mm_per_px, 1.5, "bar %d px", run);
    cr_assert_float_eq((double)end, 640.0 - (int)px - 1, 1.0, "bar ends at %d", end);
    smp_image_free(&img);
}

Test(caption, a_cell_of_a_pair_is_captioned_inside_its_columns) {
    smp_image img = grey(640, 360);
    smp_caption c = {.heading = "SPF 50",
                     .figures = "ΔE00 1.1",
                     .left = 320,
                     .width = 320,
                     .mm_per_px = 10.0 / 320.0};
    smp_caption_draw(font, &img, &c);
    cr_assert_eq(changed(&img, 0, 0, 320, 360), 0, "drawn left of the cell");
    cr_assert_gt(changed(&img, 320, 0, 480, 60), 500);
    /* its scale bar at the bottom right of the cell, which is the picture's */
    cr_assert_gt(changed(&img, 520, 300, 640, 360), 500);
    smp_image_free(&img);
}

Test(caption, a_video_frame_has_its_time_large_at_the_bottom) {
    smp_image a = grey(640, 360), b = grey(640, 360);
    smp_caption c = {.time = "Year 3.4 after completion", .plan = "3 sessions"};
    smp_caption_draw(font, &a, &c);
    c.large_time = 1;
    smp_caption_draw(font, &b, &c);
    float px = smp_caption_px(&a);
    /* as a still: the time at the top; as a video frame: at the bottom, bigger */
    cr_assert_gt(changed(&a, 0, 0, 300, (int)(2.5f * px)), 500);
    cr_assert_eq(changed(&b, 0, 0, 300, (int)(2.0f * px)), 0);
    cr_assert_gt(changed(&b, 0, 360 - (int)(2.2f * px), 300, 360),
                 changed(&a, 0, 360 - (int)(2.2f * px), 300, 360) + 1000);
    smp_image_free(&a);
    smp_image_free(&b);
}

/* A line too long for the picture is set smaller, then cut with an ellipsis: nothing is drawn
 * into the last em at the right, and the plan stops short of the scale bar. */
Test(caption, long_lines_fit_their_room) {
    smp_image img = grey(320, 400);
    smp_caption c = {.heading = "Samantha Example-Longname · Norwood VI, shaved look, three "
                                "sessions and a touch-up at year four",
                     .time = "Year 5 after completion · three-quarter",
                     .plan = "3 sessions + 1 touch-up · 80 dots/cm² · depth 0.40 mm · hairline "
                             "80 mm · outdoors 5.0 h/day · sunscreen SPF 50",
                     .mm_per_px = 10.0 / 320.0};
    smp_caption_draw(font, &img, &c);
    float px = smp_caption_px(&img);
    /* the last em is left alone above the bar */
    cr_assert_eq(changed(&img, 320 - (int)(0.6f * px), 0, 320, 300), 0);
    /* the plan line's plate ends before the bar's plate begins: a gap of untouched grey
     * between them on the plan's row */
    int row = 400 - (int)(px * 0.9f) - 3, gap = 0;
    for (int x = 160; x < 320 - (int)(0.25 * 320); ++x) gap += smp_image_at(&img, x, row)[0] == 128;
    cr_assert_gt(gap, 5, "the plan runs into the scale bar");
    smp_image_free(&img);
}
