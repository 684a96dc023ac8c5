/* Atomic files: commit, abort, missing directories, mkdir -p, writable-directory checks. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
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
