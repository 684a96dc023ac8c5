#include "support.h"

#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

const char *test_tmpdir(const char *tag) {
    static char path[1024];
    const char *base = getenv("SMP_TEST_TMP");
    if (!base || !*base) base = "/tmp";
    mkdir(base, 0777);
    snprintf(path, sizeof path, "%s/%s-XXXXXX", base, tag);
    if (!mkdtemp(path)) abort();
    return path;
}

char *slurp(const char *path, size_t *size) {
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, fp);
    fclose(fp);
    buf[got] = '\0';
    if (size) *size = got;
    return buf;
}

int file_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

int run_smpsim(char **out, char **err, const char *const *args) {
    const char *argv[64];
    int argc = 0;
    argv[argc++] = SMPSIM_EXE;
    for (; args[argc - 1] && argc < 63; ++argc) argv[argc] = args[argc - 1];
    argv[argc] = NULL;
    return run_command(out, err, argv);
}

int run_command(char **out, char **err, const char *const *argv) {
    const char *dir = test_tmpdir("cli-io");
    char out_path[1100], err_path[1100];
    snprintf(out_path, sizeof out_path, "%s/stdout", dir);
    snprintf(err_path, sizeof err_path, "%s/stderr", dir);

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) return -1;
    int status = 0;
    waitpid(pid, &status, 0);
    *out = slurp(out_path, NULL);
    *err = slurp(err_path, NULL);
    unlink(out_path);
    unlink(err_path);
    rmdir(dir);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
/* Criterion runs each test in a worker process and ignores how that worker exits, so a leak
 * LeakSanitizer reports at exit would not fail the run. Checking here, in a destructor that
 * runs as the worker exits, and aborting on a leak turns it into a crash that Criterion
 * reports and that makes the suite exit non-zero. */
__attribute__((destructor)) static void fail_on_leaks(void) {
    if (__lsan_do_recoverable_leak_check()) abort();
}
#endif

double chi2_critical(int df) {
    double a = 2.0 / (9.0 * df);
    double c = 1.0 - a + 3.0902 * sqrt(a);
    return df * c * c * c;
}
