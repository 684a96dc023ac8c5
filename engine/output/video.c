#include "smp/video.h"

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "smp/fsio.h"

extern char **environ;

static const char *ffmpeg_command(void) {
    const char *env = getenv("SMP_FFMPEG");
    return env && *env ? env : "ffmpeg";
}

static int on_path(const char *name) {
    if (strchr(name, '/')) return access(name, X_OK) == 0;
    const char *path = getenv("PATH");
    if (!path) return 0;
    while (*path) {
        size_t n = strcspn(path, ":");
        char candidate[4096];
        if (n > 0 &&
            (size_t)snprintf(candidate, sizeof candidate, "%.*s/%s", (int)n, path, name) <
                sizeof candidate &&
            access(candidate, X_OK) == 0)
            return 1;
        path += n + (path[n] == ':');
    }
    return 0;
}

smp_status smp_video_check_ffmpeg(smp_error *err) {
    const char *cmd = ffmpeg_command();
    if (on_path(cmd)) return SMP_OK;
    return smp_error_set(err, SMP_ERR_INVALID_ARG,
                         "--video needs ffmpeg, and '%s' was not found (install Debian's "
                         "ffmpeg, or set SMP_FFMPEG)",
                         cmd);
}

smp_status smp_video_open(smp_video_writer *v, const char *path, int width, int height, int fps,
                          smp_error *err) {
    memset(v, 0, sizeof *v);
    v->pid = -1;
    v->width = width;
    v->height = height;
    v->slot = -1;
    char target[4096];
    smp_status checked = smp_output_path_check(path, target, sizeof target, err);
    if (checked != SMP_OK) return checked;
    const char *slash = strrchr(target, '/');
    int dir = slash ? (int)(slash - target) + 1 : 0;
    if ((size_t)snprintf(v->path, sizeof v->path, "%s", target) >= sizeof v->path ||
        (size_t)snprintf(v->temp_path, sizeof v->temp_path, "%.*s.%s.smp-%ld-video.mp4", dir,
                         target, target + dir, (long)getpid()) >= sizeof v->temp_path)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "%s: path too long", path);
    smp_remove_stale_temps(v->path);
    v->slot = smp_temp_register(v->temp_path);
    char size[32], rate[16];
    snprintf(size, sizeof size, "%dx%d", width, height);
    snprintf(rate, sizeof rate, "%d", fps);
    /* yuv420p (what every player decodes) needs even sides: pad by one pixel if odd. */
    char *const argv[] = {(char *)ffmpeg_command(),
                          "-hide_banner",
                          "-loglevel",
                          "error",
                          "-nostdin",
                          "-y",
                          "-f",
                          "rawvideo",
                          "-pix_fmt",
                          "rgba",
                          "-s",
                          size,
                          "-r",
                          rate,
                          "-i",
                          "-",
                          "-vf",
                          "pad=ceil(iw/2)*2:ceil(ih/2)*2",
                          "-c:v",
                          "libx264",
                          "-preset", /* a third of medium's time, at a few % more bytes */
                          "veryfast",
                          "-pix_fmt",
                          "yuv420p",
                          "-crf",
                          "18",
                          "-movflags",
                          "+faststart",
                          "-f",
                          "mp4",
                          v->temp_path,
                          NULL};
    /* If ffmpeg dies, writes to its pipe must fail with EPIPE, not kill this process. */
    signal(SIGPIPE, SIG_IGN);
    int fds[2];
    if (pipe(fds) != 0)
        return smp_error_set(err, SMP_ERR_IO, "%s: pipe: %s", path, strerror(errno));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
    posix_spawn_file_actions_addclose(&fa, fds[1]);
    int rc = posix_spawnp(&v->pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[0]);
    if (rc != 0) {
        close(fds[1]);
        v->pid = -1;
        return smp_error_set(err, SMP_ERR_IO, "cannot start %s: %s", argv[0], strerror(rc));
    }
    v->pipe = fdopen(fds[1], "wb");
    if (!v->pipe) {
        close(fds[1]);
        smp_video_abort(v);
        return smp_error_set(err, SMP_ERR_IO, "%s: fdopen: %s", path, strerror(errno));
    }
    return SMP_OK;
}

smp_status smp_video_write(smp_video_writer *v, const smp_image *frame, smp_error *err) {
    if (frame->width != v->width || frame->height != v->height)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "%s: frame is %dx%d, video is %dx%d",
                             v->path, frame->width, frame->height, v->width, v->height);
    size_t bytes = (size_t)frame->width * frame->height * 4;
    if (fwrite(frame->pixels, 1, bytes, v->pipe) != bytes)
        return smp_error_set(err, SMP_ERR_IO, "%s: ffmpeg stopped taking frames", v->path);
    return SMP_OK;
}

static int wait_child(pid_t pid) {
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

smp_status smp_video_close(smp_video_writer *v, smp_error *err) {
    int flush_failed = fclose(v->pipe) != 0;
    v->pipe = NULL;
    int status = wait_child(v->pid);
    v->pid = -1;
    if (flush_failed || status != 0) {
        unlink(v->temp_path);
        smp_temp_unregister(v->slot);
        return smp_error_set(err, SMP_ERR_IO, "%s: ffmpeg failed (exit status %d)", v->path,
                             status);
    }
    if (rename(v->temp_path, v->path) != 0) {
        int e = errno;
        unlink(v->temp_path);
        smp_temp_unregister(v->slot);
        return smp_error_set(err, SMP_ERR_IO, "%s: %s", v->path, strerror(e));
    }
    smp_temp_unregister(v->slot);
    return SMP_OK;
}

void smp_video_abort(smp_video_writer *v) {
    if (v->pipe) fclose(v->pipe);
    v->pipe = NULL;
    if (v->pid > 0) {
        kill(v->pid, SIGTERM);
        wait_child(v->pid);
    }
    v->pid = -1;
    if (v->temp_path[0]) {
        unlink(v->temp_path);
        smp_temp_unregister(v->slot);
    }
}
