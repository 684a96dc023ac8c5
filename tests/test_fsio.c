/* Atomic files: commit, abort, missing directories, mkdir -p, writable-directory checks. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "smp/fsio.h"
#include "support.h"

static int count_entries(const char *dir) {
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) ++n;
    closedir(d);
    return n;
}

Test(fsio, commit_replaces_the_file_and_leaves_no_temporary) {
    const char *dir = test_tmpdir("fsio");
    char path[1200];
    snprintf(path, sizeof path, "%s/a.txt", dir);
    smp_error err = {0};
    smp_atomic_file f;
    cr_assert_eq(smp_atomic_file_open(&f, path, &err), SMP_OK, "%s", err.message);
    fputs("first", f.stream);
    cr_assert_eq(smp_atomic_file_commit(&f, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(smp_atomic_file_open(&f, path, &err), SMP_OK);
    fputs("second", f.stream);
    cr_assert_eq(smp_atomic_file_commit(&f, &err), SMP_OK);
    char *text = slurp(path, NULL);
    cr_assert_str_eq(text, "second");
    free(text);
    cr_assert_eq(count_entries(dir), 1, "a temporary file was left behind");
}

Test(fsio, abort_keeps_the_old_file_intact) {
    const char *dir = test_tmpdir("fsio");
    char path[1200];
    snprintf(path, sizeof path, "%s/keep.txt", dir);
    smp_error err = {0};
    smp_atomic_file f;
    cr_assert_eq(smp_atomic_file_open(&f, path, &err), SMP_OK);
    fputs("precious", f.stream);
    cr_assert_eq(smp_atomic_file_commit(&f, &err), SMP_OK);
    cr_assert_eq(smp_atomic_file_open(&f, path, &err), SMP_OK);
    fputs("half-writ", f.stream);
    smp_atomic_file_abort(&f);
    smp_atomic_file_abort(&f); /* twice is harmless */
    char *text = slurp(path, NULL);
    cr_assert_str_eq(text, "precious");
    free(text);
    cr_assert_eq(count_entries(dir), 1);
}

Test(fsio, open_in_a_missing_directory_fails_naming_the_path) {
    smp_error err = {0};
    smp_atomic_file f;
    cr_assert_eq(smp_atomic_file_open(&f, "/nonexistent-dir/x.png", &err), SMP_ERR_IO);
    cr_assert_not_null(strstr(err.message, "/nonexistent-dir/x.png"), "%s", err.message);
    cr_assert_null(f.stream);
}

Test(fsio, mkdir_p_creates_nested_directories_and_is_idempotent) {
    const char *dir = test_tmpdir("fsio");
    char path[1200];
    snprintf(path, sizeof path, "%s/a/b/c", dir);
    smp_error err = {0};
    cr_assert_eq(smp_mkdir_p(path, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(smp_mkdir_p(path, &err), SMP_OK);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert(S_ISDIR(st.st_mode));
}

Test(fsio, writable_dir_check_rejects_a_file_in_the_way) {
    const char *dir = test_tmpdir("fsio");
    char path[1200];
    snprintf(path, sizeof path, "%s/plain-file", dir);
    FILE *fp = fopen(path, "w");
    fclose(fp);
    smp_error err = {0};
    cr_assert_neq(smp_check_writable_dir(path, &err), SMP_OK);
    cr_assert_not_null(strstr(err.message, "plain-file"), "%s", err.message);
    cr_assert_eq(smp_check_writable_dir(dir, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(count_entries(dir), 1, "the probe file was left behind");
}

Test(fsio, read_file_returns_the_bytes_and_reports_missing_files) {
    const char *dir = test_tmpdir("fsio");
    char path[1200];
    snprintf(path, sizeof path, "%s/big.bin", dir);
    FILE *fp = fopen(path, "wb");
    for (int i = 0; i < 100000; ++i) fputc(i * 7 & 0xff, fp); /* spans several buffer growths */
    fclose(fp);
    smp_error err = {0};
    char *data;
    size_t size;
    cr_assert_eq(smp_read_file(path, 0, &data, &size, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(size, 100000);
    for (int i = 0; i < 100000; ++i) cr_assert_eq((unsigned char)data[i], (unsigned)(i * 7 & 0xff));
    cr_assert_eq(data[size], '\0');
    free(data);
    cr_assert_eq(smp_read_file("/no/such/file", 0, &data, &size, &err), SMP_ERR_IO);
    cr_assert_null(data);
}

/* A reader takes at most its limit: exactly the limit is read, one byte more is refused
 * naming it, and an endless file or a directory is refused without reading it all. */
Test(fsio, reads_stop_at_their_limit) {
    const char *dir = test_tmpdir("fsio-limit");
    char path[512];
    snprintf(path, sizeof path, "%s/ten.txt", dir);
    FILE *fp = fopen(path, "wb");
    fputs("0123456789", fp);
    fclose(fp);
    smp_error err = {0};
    char *data = NULL;
    size_t size = 0;
    cr_assert_eq(smp_read_file(path, 10, &data, &size, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(size, 10);
    free(data);
    cr_assert_eq(smp_read_file(path, 9, &data, &size, &err), SMP_ERR_INVALID_ARG);
    cr_assert_null(data);
    cr_assert_not_null(strstr(err.message, "larger than 9 bytes"), "%s", err.message);
    cr_assert_not_null(strstr(err.message, path), "%s", err.message);
    cr_assert_eq(smp_read_file("/dev/zero", 1 << 20, &data, &size, &err), SMP_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.message, "/dev/zero: larger than"), "%s", err.message);
    cr_assert_eq(smp_read_file(dir, 0, &data, &size, &err), SMP_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.message, "is a directory"), "%s", err.message);
}

/* Outputs replace only regular files: a FIFO and a directory are refused and stay what they
 * were; through a symbolic link the target is replaced and the link stays a link. */
Test(fsio, only_regular_files_are_replaced) {
    const char *dir = test_tmpdir("fsio-kinds");
    char fifo[600], link[600], target[600];
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    snprintf(link, sizeof link, "%s/link.txt", dir);
    snprintf(target, sizeof target, "%s/target.txt", dir);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    smp_error err = {0};
    smp_atomic_file f;
    cr_assert_eq(smp_atomic_file_open(&f, fifo, &err), SMP_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.message, "not a regular file"), "%s", err.message);
    cr_assert_eq(smp_atomic_file_open(&f, dir, &err), SMP_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.message, "is a directory"), "%s", err.message);
    cr_assert_eq(smp_atomic_file_open(&f, "/dev/null", &err), SMP_ERR_INVALID_ARG);
    struct stat st;
    cr_assert_eq(lstat(fifo, &st), 0);
    cr_assert(S_ISFIFO(st.st_mode), "the FIFO was replaced");
    FILE *t = fopen(target, "w");
    fputs("old", t);
    fclose(t);
    cr_assert_eq(symlink("target.txt", link), 0);
    cr_assert_eq(smp_atomic_file_open(&f, link, &err), SMP_OK, "%s", err.message);
    fputs("new", f.stream);
    cr_assert_eq(smp_atomic_file_commit(&f, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(lstat(link, &st), 0);
    cr_assert(S_ISLNK(st.st_mode), "the link was replaced by a file");
    size_t size = 0;
    char *data = NULL;
    cr_assert_eq(smp_read_file(target, 0, &data, &size, &err), SMP_OK, "%s", err.message);
    cr_assert_str_eq(data, "new");
    free(data);
}

/* A process ended by SIGTERM or SIGINT while writing leaves no temporary file behind, and the
 * signal still ends it (the default action follows the clean-up). */
Test(fsio, a_signal_leaves_no_temporary_file) {
    const int sigs[] = {SIGTERM, SIGINT};
    for (int k = 0; k < 2; ++k) {
        const char *dir = test_tmpdir(k ? "fsio-sigint" : "fsio-sigterm");
        char path[600];
        snprintf(path, sizeof path, "%s/out.png", dir);
        pid_t pid = fork();
        cr_assert_geq(pid, 0);
        if (pid == 0) {
            signal(sigs[k], SIG_DFL);
            smp_atomic_file f;
            if (smp_atomic_file_open(&f, path, NULL) != SMP_OK) _exit(3);
            fputs("half", f.stream);
            fflush(f.stream);
            raise(sigs[k]);
            _exit(4); /* not reached */
        }
        int status = 0;
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == sigs[k], "status %d", status);
        cr_assert_eq(count_entries(dir), 0, "a temporary file was left behind");
    }
}

/* SIGKILL ends a write with no handler to clean up: its temporary file stays. The next write of
 * the same path removes it, since its process is gone, and keeps one whose process lives. */
Test(fsio, a_killed_writer_s_temporary_is_removed_by_the_next_write) {
    const char *dir = test_tmpdir("fsio-sigkill");
    char path[600], alive[700];
    snprintf(path, sizeof path, "%s/out.png", dir);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        smp_atomic_file f;
        if (smp_atomic_file_open(&f, path, NULL) != SMP_OK) _exit(3);
        fputs("half", f.stream);
        fflush(f.stream);
        raise(SIGKILL);
        _exit(4); /* not reached */
    }
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    cr_assert_eq(count_entries(dir), 1, "the killed writer left no temporary to clean");
    /* one of a process that lives (this one) beside it */
    snprintf(alive, sizeof alive, "%s/.out.png.smp-%ld-live00", dir, (long)getpid());
    FILE *f = fopen(alive, "w");
    cr_assert_not_null(f);
    fclose(f);
    smp_atomic_file a;
    smp_error err = {0};
    cr_assert_eq(smp_atomic_file_open(&a, path, &err), SMP_OK, "%s", err.message);
    fputs("whole", a.stream);
    cr_assert_eq(smp_atomic_file_commit(&a, &err), SMP_OK, "%s", err.message);
    /* out.png and the live one; the killed writer's is gone */
    cr_assert_eq(count_entries(dir), 2);
    cr_assert_eq(access(alive, F_OK), 0, "a live writer's temporary was removed");
    cr_assert_eq(access(path, F_OK), 0);
    unlink(alive);
}

/* A FIFO is never waited on: with no writer it reads at once as empty; with one, what it sent. */
Test(fsio, a_fifo_is_read_without_waiting_for_a_writer) {
    const char *dir = test_tmpdir("fsio-fifo");
    char path[600];
    snprintf(path, sizeof path, "%s/scene.json", dir);
    cr_assert_eq(mkfifo(path, 0600), 0);
    char *data = NULL;
    size_t size = 1;
    smp_error err = {0};
    cr_assert_eq(smp_read_file(path, 0, &data, &size, &err), SMP_OK, "%s", err.message);
    cr_assert_eq(size, 0u);
    free(data);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) { /* a writer: opens (waiting for a reader), writes, closes; again if the
                       reader it met had already found the FIFO empty and gone */
        signal(SIGPIPE, SIG_IGN);
        const char text[] = "{\"seed\": 7}";
        for (int tries = 0; tries < 200; ++tries) {
            int fd = open(path, O_WRONLY);
            if (fd < 0) _exit(3);
            ssize_t n = write(fd, text, sizeof text - 1);
            close(fd);
            if (n == (ssize_t)(sizeof text - 1)) _exit(0);
        }
        _exit(4);
    }
    /* the writer's open waits for a reader; this read may find it not there yet: try again */
    for (int tries = 0; tries < 100; ++tries) {
        cr_assert_eq(smp_read_file(path, 0, &data, &size, &err), SMP_OK, "%s", err.message);
        if (size) break;
        free(data);
        data = NULL;
        sleep_ms(20);
    }
    cr_assert_str_eq(data, "{\"seed\": 7}");
    free(data);
    int status = 0;
    waitpid(pid, &status, 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
