#define _DEFAULT_SOURCE /* realpath, readlink, lstat alongside POSIX 2008 */
#include "smp/fsio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- temporary files removed on SIGINT, SIGTERM and SIGHUP ------------------------------- */

enum { TEMP_SLOTS = 16 };
static char g_temp[TEMP_SLOTS][SMP_PATH_MAX];
static volatile sig_atomic_t g_temp_used[TEMP_SLOTS];

static void remove_temps_and_die(int sig) {
    for (int i = 0; i < TEMP_SLOTS; ++i)
        if (g_temp_used[i]) unlink(g_temp[i]); /* async-signal-safe */
    signal(sig, SIG_DFL);
    raise(sig);
}

int smp_temp_register(const char *path) {
    static int installed;
    if (!installed) {
        installed = 1;
        const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
        for (int k = 0; k < 3; ++k) {
            struct sigaction old;
            /* a caller's own handler (or SIG_IGN) stays: only the default is replaced */
            if (sigaction(sigs[k], NULL, &old) == 0 && old.sa_handler == SIG_DFL)
                signal(sigs[k], remove_temps_and_die);
        }
    }
    for (int i = 0; i < TEMP_SLOTS; ++i)
        if (!g_temp_used[i]) {
            snprintf(g_temp[i], sizeof g_temp[i], "%s", path);
            g_temp_used[i] = 1;
            return i;
        }
    return -1; /* more than TEMP_SLOTS at once: removed on error, not on a signal */
}

void smp_temp_unregister(int slot) {
    if (slot >= 0 && slot < TEMP_SLOTS) g_temp_used[slot] = 0;
}

/* ---- temporary files a killed run left --------------------------------------------------- */

void smp_remove_stale_temps(const char *path) {
    const char *slash = strrchr(path, '/');
    char dir[SMP_PATH_MAX], prefix[SMP_PATH_MAX];
    if (slash)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path) + (slash == path), path);
    else
        snprintf(dir, sizeof dir, ".");
    int n = snprintf(prefix, sizeof prefix, ".%s.smp-", slash ? slash + 1 : path);
    if (n <= 0 || (size_t)n >= sizeof prefix) return;
    DIR *d = opendir(dir);
    if (!d) return;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (strncmp(e->d_name, prefix, (size_t)n) != 0) continue;
        char *end;
        long pid = strtol(e->d_name + n, &end, 10);
        if (end == e->d_name + n || (*end != '-' && *end != '.') || pid <= 0) continue;
        /* its writer is gone (a process that no longer exists): nobody will rename it */
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;
        char stale[SMP_PATH_MAX * 2];
        snprintf(stale, sizeof stale, "%s/%s", dir, e->d_name);
        unlink(stale);
    }
    closedir(d);
}

/* ---- what may be replaced ----------------------------------------------------------------- */

smp_status smp_output_path_check(const char *path, char *target, size_t target_size,
                                 smp_error *err) {
    if (!*path) return smp_error_set(err, SMP_ERR_INVALID_ARG, "empty output path");
    if (snprintf(target, target_size, "%s", path) >= (int)target_size)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "%s: path too long", path);
    struct stat st;
    if (lstat(path, &st) != 0) return SMP_OK; /* a new file */
    if (S_ISLNK(st.st_mode)) {
        /* a link is followed: its target is what gets replaced, the link stays */
        char resolved[PATH_MAX];
        if (stat(path, &st) != 0) {
            ssize_t n = readlink(path, resolved, sizeof resolved - 1);
            if (n <= 0)
                return smp_error_set(err, SMP_ERR_INVALID_ARG, "%s: cannot read the link", path);
            resolved[n] = '\0';
            const char *slash = strrchr(path, '/');
            int dir = resolved[0] == '/' || !slash ? 0 : (int)(slash - path) + 1;
            if (snprintf(target, target_size, "%.*s%s", dir, path, resolved) >= (int)target_size)
                return smp_error_set(err, SMP_ERR_INVALID_ARG, "%s: path too long", path);
            return SMP_OK; /* a dangling link: its target is created */
        }
        if (!realpath(path, resolved) ||
            snprintf(target, target_size, "%s", resolved) >= (int)target_size)
            return smp_error_set(err, SMP_ERR_INVALID_ARG, "%s: cannot resolve the link", path);
    }
    if (S_ISDIR(st.st_mode))
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "%s: is a directory; give a file name for this output", path);
    if (!S_ISREG(st.st_mode))
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "%s: not a regular file (a device, FIFO or socket); smpsim writes "
                             "only regular files and will not replace it",
                             path);
    return SMP_OK;
}

smp_status smp_atomic_file_open(smp_atomic_file *f, const char *path, smp_error *err) {
    memset(f, 0, sizeof *f);
    f->slot = -1;
    char target[SMP_PATH_MAX];
    smp_status checked = smp_output_path_check(path, target, sizeof target, err);
    if (checked != SMP_OK) return checked;
    path = target;
    size_t len = strlen(path);
    /* ".NAME.smp-PID-XXXXXX" beside the destination, so rename() never crosses file systems
     * and one left by a killed run is recognisable as ours, and as no longer written. */
    if (len + 32 >= sizeof f->temp_path)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "%s: path too long", path);
    memcpy(f->path, path, len + 1);
    smp_remove_stale_temps(path);
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
    snprintf(f->temp_path, sizeof f->temp_path, "%.*s.%s.smp-%ld-XXXXXX", (int)dir_len, path,
             path + dir_len, (long)getpid());
    int fd = mkstemp(f->temp_path);
    if (fd < 0)
        return smp_error_set(err, SMP_ERR_IO, "%s: cannot create file: %s", path, strerror(errno));
    f->slot = smp_temp_register(f->temp_path);
    /* mkstemp makes 0600; outputs are ordinary files, so give them the usual umask'd mode. */
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask);
    f->stream = fdopen(fd, "wb");
    if (!f->stream) {
        int e = errno;
        close(fd);
        unlink(f->temp_path);
        smp_temp_unregister(f->slot);
        return smp_error_set(err, SMP_ERR_IO, "%s: %s", path, strerror(e));
    }
    return SMP_OK;
}

smp_status smp_atomic_file_commit(smp_atomic_file *f, smp_error *err) {
    if (!f->stream) return smp_error_set(err, SMP_ERR_INVALID_ARG, "%s: file is not open", f->path);
    int failed = ferror(f->stream) || fflush(f->stream) != 0;
    int e = errno;
    if (!failed && fsync(fileno(f->stream)) != 0) {
        failed = 1;
        e = errno;
    }
    if (fclose(f->stream) != 0 && !failed) {
        failed = 1;
        e = errno;
    }
    f->stream = NULL;
    if (!failed && rename(f->temp_path, f->path) != 0) {
        failed = 1;
        e = errno;
    }
    if (failed) unlink(f->temp_path);
    smp_temp_unregister(f->slot);
    if (failed) return smp_error_set(err, SMP_ERR_IO, "%s: write failed: %s", f->path, strerror(e));
    return SMP_OK;
}

void smp_atomic_file_abort(smp_atomic_file *f) {
    if (f->stream) {
        fclose(f->stream);
        f->stream = NULL;
        unlink(f->temp_path);
        smp_temp_unregister(f->slot);
    }
}

smp_status smp_mkdir_p(const char *dir, smp_error *err) {
    char buf[SMP_PATH_MAX];
    size_t len = strlen(dir);
    if (len == 0 || len >= sizeof buf)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "invalid directory name '%s'", dir);
    memcpy(buf, dir, len + 1);
    for (char *p = buf + 1; *p; ++p) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return smp_error_set(err, SMP_ERR_IO, "%s: cannot create directory: %s", buf,
                                 strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST)
        return smp_error_set(err, SMP_ERR_IO, "%s: cannot create directory: %s", buf,
                             strerror(errno));
    struct stat st;
    if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode))
        return smp_error_set(err, SMP_ERR_IO, "%s: exists and is not a directory", dir);
    return SMP_OK;
}

smp_status smp_check_writable_dir(const char *dir, smp_error *err) {
    smp_status s = smp_mkdir_p(dir, err);
    if (s != SMP_OK) return s;
    char probe[SMP_PATH_MAX];
    if ((size_t)snprintf(probe, sizeof probe, "%s/.smpsim-probe", dir) >= sizeof probe)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "%s: path too long", dir);
    smp_atomic_file f;
    s = smp_atomic_file_open(&f, probe, err);
    if (s != SMP_OK) {
        smp_error_set(err, SMP_ERR_IO, "%s: directory is not writable", dir);
        return s;
    }
    smp_atomic_file_abort(&f);
    return SMP_OK;
}

smp_status smp_check_output_file(const char *path, smp_error *err) {
    char dir[SMP_PATH_MAX], target[SMP_PATH_MAX];
    const char *slash = strrchr(path, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
    if (!*dir) snprintf(dir, sizeof dir, "/");
    smp_status st = smp_check_writable_dir(dir, err);
    return st == SMP_OK ? smp_output_path_check(path, target, sizeof target, err) : st;
}

smp_status smp_read_file(const char *path, size_t max_bytes, char **data, size_t *size,
                         smp_error *err) {
    *data = NULL;
    *size = 0;
    if (max_bytes == 0) max_bytes = SMP_READ_FILE_MAX;
    /* A FIFO with no writer would hold open() forever: it is opened without waiting, then read
     * as any file (what a writer has sent, to its end; nothing if there is no writer). */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return smp_error_set(err, SMP_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0) fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    FILE *fp = fdopen(fd, "rb");
    if (!fp) {
        int e = errno;
        close(fd);
        return smp_error_set(err, SMP_ERR_IO, "%s: cannot open: %s", path, strerror(e));
    }
    struct stat st;
    if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(fp);
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "%s: is a directory, not a file", path);
    }
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        len += fread(buf + len, 1, cap - len - 1, fp);
        if (len > max_bytes) {
            free(buf);
            fclose(fp);
            return smp_error_set(err, SMP_ERR_INVALID_ARG,
                                 "%s: larger than %zu bytes (%zu MiB), the most this reader takes",
                                 path, max_bytes, max_bytes >> 20);
        }
        if (len < cap - 1) break;
        char *grown = realloc(buf, cap * 2);
        if (!grown) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = grown;
        cap *= 2;
    }
    int failed = ferror(fp);
    fclose(fp);
    if (!buf) return smp_error_set(err, SMP_ERR_NOMEM, "%s: out of memory reading file", path);
    if (failed) {
        free(buf);
        return smp_error_set(err, SMP_ERR_IO, "%s: read error", path);
    }
    buf[len] = '\0';
    *data = buf;
    *size = len;
    return SMP_OK;
}
