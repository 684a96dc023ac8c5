#include "smp/fsio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

smp_status smp_atomic_file_open(smp_atomic_file *f, const char *path, smp_error *err) {
    memset(f, 0, sizeof *f);
    size_t len = strlen(path);
    if (len == 0) return smp_error_set(err, SMP_ERR_INVALID_ARG, "empty output path");
    /* ".NAME.XXXXXX" beside the destination, so rename() never crosses file systems. */
    if (len + 16 >= sizeof f->temp_path)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "%s: path too long", path);
    memcpy(f->path, path, len + 1);
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
    snprintf(f->temp_path, sizeof f->temp_path, "%.*s.%s.XXXXXX", (int)dir_len, path,
             path + dir_len);
    int fd = mkstemp(f->temp_path);
    if (fd < 0)
        return smp_error_set(err, SMP_ERR_IO, "%s: cannot create file: %s", path, strerror(errno));
    /* mkstemp makes 0600; outputs are ordinary files, so give them the usual umask'd mode. */
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask);
    f->stream = fdopen(fd, "wb");
    if (!f->stream) {
        int e = errno;
        close(fd);
        unlink(f->temp_path);
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
    if (failed) {
        unlink(f->temp_path);
        return smp_error_set(err, SMP_ERR_IO, "%s: write failed: %s", f->path, strerror(e));
    }
    return SMP_OK;
}

void smp_atomic_file_abort(smp_atomic_file *f) {
    if (f->stream) {
        fclose(f->stream);
        f->stream = NULL;
        unlink(f->temp_path);
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

smp_status smp_read_file(const char *path, size_t max_bytes, char **data, size_t *size,
                         smp_error *err) {
    *data = NULL;
    *size = 0;
    if (max_bytes == 0) max_bytes = SMP_READ_FILE_MAX;
    FILE *fp = fopen(path, "rb");
    if (!fp) return smp_error_set(err, SMP_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
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
