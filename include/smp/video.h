/* Time-lapse video: RGBA frames piped into ffmpeg, H.264 in MP4, written to a temporary file
 * beside the destination and renamed into place only when ffmpeg finishes cleanly. */
#ifndef SMP_VIDEO_H
#define SMP_VIDEO_H

#include <stdio.h>
#include <sys/types.h>

#include "smp/image.h"
#include "smp/status.h"

typedef struct smp_video_writer {
    pid_t pid;
    FILE *pipe;
    int width, height;
    char path[4096], temp_path[4096]; /* temp_path: ".NAME.smp-PID.mp4" beside path */
    int slot;                         /* smp_temp_register's, so a signal removes it */
} smp_video_writer;

/* Whether an ffmpeg executable is on PATH (or at $SMP_FFMPEG); fills err naming what was
 * looked for when not, so commands can refuse --video before rendering anything. */
smp_status smp_video_check_ffmpeg(smp_error *err);

/* Starts ffmpeg writing path (.mp4) from frames of width x height at fps frames per second. */
smp_status smp_video_open(smp_video_writer *v, const char *path, int width, int height, int fps,
                          smp_error *err);

/* Sends one frame (same size as given to smp_video_open). */
smp_status smp_video_write(smp_video_writer *v, const smp_image *frame, smp_error *err);

/* Finishes the file: waits for ffmpeg and renames the result into place. */
smp_status smp_video_close(smp_video_writer *v, smp_error *err);

/* Stops ffmpeg and removes the temporary file; nothing is left at path. */
void smp_video_abort(smp_video_writer *v);

#endif
