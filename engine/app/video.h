/* Time-lapse video: RGBA frames piped into ffmpeg, H.264 in MP4, written to a temporary file
 * beside the destination and renamed into place only when ffmpeg finishes cleanly. */
#ifndef SMP_APP_VIDEO_H
#define SMP_APP_VIDEO_H

#include <stdio.h>
#include <sys/types.h>

#include "smp/image.h"
#include "smp/status.h"

typedef struct video_writer {
    pid_t pid;
    FILE *pipe;
    int width, height;
    char path[4096], temp_path[4096];
} video_writer;

/* Whether an ffmpeg executable is on PATH (or at $SMP_FFMPEG); fills err naming what was
 * looked for when not, so commands can refuse --video before rendering anything. */
smp_status video_check_ffmpeg(smp_error *err);

/* Starts ffmpeg writing path (.mp4) from frames of width x height at fps frames per second. */
smp_status video_open(video_writer *v, const char *path, int width, int height, int fps,
                      smp_error *err);

/* Sends one frame (same size as given to video_open). */
smp_status video_write(video_writer *v, const smp_image *frame, smp_error *err);

/* Finishes the file: waits for ffmpeg and renames the result into place. */
smp_status video_close(video_writer *v, smp_error *err);

/* Stops ffmpeg and removes the temporary file; nothing is left at path. */
void video_abort(video_writer *v);

#endif
