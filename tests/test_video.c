/* Time-lapse video through ffmpeg: a playable MP4 appears only when ffmpeg succeeds. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smp/video.h"
#include "support.h"

static void frame(smp_image *img, int i) {
    for (int p = 0; p < img->width * img->height; ++p) {
        uint8_t *d = img->pixels + 4 * p;
        d[0] = (uint8_t)(i * 20), d[1] = (uint8_t)p, d[2] = 128, d[3] = 255;
    }
}

Test(video, writes_an_mp4_even_for_odd_sizes) {
    char path[512];
    snprintf(path, sizeof path, "%s/lapse.mp4", test_tmpdir("video"));
    smp_image img = {0};
    cr_assert_eq(smp_image_alloc(&img, 65, 33, NULL), SMP_OK);
    smp_video_writer v;
    smp_error err = {0};
    cr_assert_eq(smp_video_check_ffmpeg(&err), SMP_OK, "%s", err.message);
    cr_assert_eq(smp_video_open(&v, path, 65, 33, 10, &err), SMP_OK, "%s", err.message);
    for (int i = 0; i < 10; ++i) {
        frame(&img, i);
        cr_assert_eq(smp_video_write(&v, &img, &err), SMP_OK, "%s", err.message);
    }
    cr_assert(!file_exists(path), "the file appears only when complete");
    cr_assert_eq(smp_video_close(&v, &err), SMP_OK, "%s", err.message);
    size_t size = 0;
    char *data = slurp(path, &size);
    cr_assert_not_null(data);
    cr_assert_gt(size, 200);
    cr_assert_eq(memcmp(data + 4, "ftyp", 4), 0, "not an MP4");
    free(data);
    smp_image_free(&img);
}

Test(video, missing_ffmpeg_is_reported_up_front) {
    setenv("SMP_FFMPEG", "/nonexistent/ffmpeg", 1);
    smp_error err = {0};
    cr_assert_neq(smp_video_check_ffmpeg(&err), SMP_OK);
    cr_assert_not_null(strstr(err.message, "/nonexistent/ffmpeg"), "%s", err.message);
    unsetenv("SMP_FFMPEG");
}

Test(video, a_failing_encoder_leaves_no_file) {
    setenv("SMP_FFMPEG", "false", 1);
    char path[512];
    snprintf(path, sizeof path, "%s/never.mp4", test_tmpdir("video-fail"));
    smp_image img = {0};
    cr_assert_eq(smp_image_alloc(&img, 16, 16, NULL), SMP_OK);
    smp_video_writer v;
    smp_error err = {0};
    cr_assert_eq(smp_video_open(&v, path, 16, 16, 10, &err), SMP_OK, "%s", err.message);
    for (int i = 0; i < 3; ++i) smp_video_write(&v, &img, &err); /* may fail once false exits */
    cr_assert_neq(smp_video_close(&v, &err), SMP_OK);
    cr_assert_not_null(strstr(err.message, "never.mp4"), "%s", err.message);
    cr_assert(!file_exists(path));
    smp_image_free(&img);
    unsetenv("SMP_FFMPEG");
}
