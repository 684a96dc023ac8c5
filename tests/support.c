#include "support.h"

#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
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

static int run_command_env(char **out, char **err, const char *const *argv, char *const *envp) {
    const char *dir = test_tmpdir("cli-io");
    char out_path[1100], err_path[1100];
    snprintf(out_path, sizeof out_path, "%s/stdout", dir);
    snprintf(err_path, sizeof err_path, "%s/stderr", dir);

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, envp);
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

int run_command(char **out, char **err, const char *const *argv) {
    return run_command_env(out, err, argv, environ);
}

/* Starts Xvfb on a display it picks itself (-displayfd writes the number once the server
 * accepts connections, so concurrent tests never race for one) and returns its pid, or -1 with
 * *display untouched. The server dies with the calling thread (PR_SET_PDEATHSIG), so a test
 * killed by its timeout leaves no server behind. */
static pid_t start_xvfb(const char *screen, int *display) {
    int fds[2];
    if (pipe(fds) != 0) return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        int quiet = open("/dev/null", O_WRONLY);
        if (quiet >= 0) {
            dup2(quiet, 1);
            dup2(quiet, 2);
        }
        if (dup2(fds[1], 3) != 3) _exit(127);
        execlp("Xvfb", "Xvfb", "-displayfd", "3", "-screen", "0", screen, "-nolisten", "tcp",
               (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char buf[32];
    size_t got = 0;
    struct pollfd pfd = {.fd = fds[0], .events = POLLIN};
    while (got < sizeof buf - 1 && poll(&pfd, 1, 30000) > 0) {
        ssize_t r = read(fds[0], buf + got, sizeof buf - 1 - got);
        if (r <= 0) break;
        got += (size_t)r;
        if (memchr(buf, '\n', got)) break;
    }
    close(fds[0]);
    buf[got] = '\0';
    char *end;
    long n = strtol(buf, &end, 10);
    if (end == buf || *end != '\n' || n < 0) {
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
        return -1;
    }
    *display = (int)n;
    return pid;
}

int run_under_xvfb(char **out, char **err, const char *screen, const char *const *argv) {
    int display = -1;
    pid_t server = start_xvfb(screen, &display);
    if (server < 0) {
        *out = strdup("");
        *err = strdup("test support: Xvfb did not start or did not report its display");
        return -1;
    }
    /* The environment with DISPLAY pointing at the private server and no stale cookie file. */
    size_t n = 0;
    while (environ[n]) ++n;
    char **envp = calloc(n + 2, sizeof *envp);
    size_t k = 0;
    for (size_t i = 0; i < n; ++i)
        if (strncmp(environ[i], "DISPLAY=", 8) != 0 &&
            strncmp(environ[i], "XAUTHORITY=", 11) != 0 &&
            strncmp(environ[i], "WAYLAND_DISPLAY=", 16) != 0)
            envp[k++] = environ[i];
    char display_var[32];
    snprintf(display_var, sizeof display_var, "DISPLAY=:%d", display);
    envp[k++] = display_var;
    envp[k] = NULL;
    int rc = run_command_env(out, err, argv, envp);
    free(envp);
    kill(server, SIGTERM);
    waitpid(server, NULL, 0);
    return rc;
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
