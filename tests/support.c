#include "support.h"

#include "smp/image.h"

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
#include <time.h>
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

/* The environment with DISPLAY pointing at the private server and no stale cookie file. */
static char **private_display_env(const char *display_var) {
    size_t n = 0;
    while (environ[n]) ++n;
    char **envp = calloc(n + 2, sizeof *envp);
    size_t k = 0;
    for (size_t i = 0; i < n; ++i)
        if (strncmp(environ[i], "DISPLAY=", 8) != 0 &&
            strncmp(environ[i], "XAUTHORITY=", 11) != 0 &&
            strncmp(environ[i], "WAYLAND_DISPLAY=", 16) != 0)
            envp[k++] = environ[i];
    envp[k] = (char *)display_var;
    return envp;
}

int run_under_xvfb(char **out, char **err, const char *screen, const char *const *argv) {
    int display = -1;
    pid_t server = start_xvfb(screen, &display);
    if (server < 0) {
        *out = strdup("");
        *err = strdup("test support: Xvfb did not start or did not report its display");
        return -1;
    }
    char display_var[32];
    snprintf(display_var, sizeof display_var, "DISPLAY=:%d", display);
    char **envp = private_display_env(display_var);
    int rc = run_command_env(out, err, argv, envp);
    free(envp);
    kill(server, SIGTERM);
    waitpid(server, NULL, 0);
    return rc;
}

/* ---- the viewer driven with real input ---------------------------------------------------- */

double image_mean_luma(const smp_image *img, int x0, int y0, int x1, int y1) {
    double sum = 0;
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) {
            const uint8_t *p = smp_image_at(img, x, y);
            sum += 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2];
        }
    return sum / ((double)(x1 - x0) * (y1 - y0));
}

void sleep_ms(int ms) {
    struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&t, &t) != 0) {
    }
}

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Waits up to ms for path to exist; 1 if it does. Gives up early if pid has exited. */
static int wait_for_file(const char *path, double ms, pid_t pid) {
    double until = now_ms() + ms;
    while (now_ms() < until) {
        if (file_exists(path)) return 1;
        if (pid > 0 && waitpid(pid, NULL, WNOHANG) == pid) return file_exists(path);
        sleep_ms(20);
    }
    return 0;
}

enum { LIVE_ROUNDS = 64 };

int live_view_start(live_view *lv, const char *setup, const char *const *args, char *err,
                    size_t size) {
    memset(lv, 0, sizeof *lv);
    snprintf(lv->dir, sizeof lv->dir, "%s", test_tmpdir("live-view"));
    char script[1200], ready[1200];
    snprintf(script, sizeof script, "%s/script.txt", lv->dir);
    snprintf(ready, sizeof ready, "%s/ready", lv->dir);
    FILE *f = fopen(script, "w");
    if (!f) return snprintf(err, size, "cannot write %s", script), -1;
    fprintf(f, "%s\ntouch %s\n", setup ? setup : "", ready);
    for (int i = 1; i <= LIVE_ROUNDS; ++i)
        fprintf(f, "wait-for %s/go%d\nframes 4\nstate %s/state%d.json\n", lv->dir, i, lv->dir, i);
    fclose(f);
    lv->server = start_xvfb("1280x800x24", &lv->display);
    if (lv->server < 0) return snprintf(err, size, "Xvfb did not start"), -1;
    snprintf(lv->display_var, sizeof lv->display_var, "DISPLAY=:%d", lv->display);
    const char *argv[40] = {SMPSIM_EXE, "view", "--size", "1280x720", "--script", script};
    int argc = 6;
    for (int i = 0; args && args[i] && argc < 39; ++i) argv[argc++] = args[i];
    argv[argc] = NULL;
    lv->envp = private_display_env(lv->display_var);
    char err_path[1200];
    snprintf(err_path, sizeof err_path, "%s/stderr", lv->dir);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, lv->envp);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) return snprintf(err, size, "cannot start %s", argv[0]), -1;
    lv->viewer = pid;
    if (!wait_for_file(ready, 180000, pid)) {
        char *text = slurp(err_path, NULL);
        snprintf(err, size, "the viewer did not reach the end of its setup: %s",
                 text ? text : "(no stderr)");
        free(text);
        return -1;
    }
    /* its window, found by title, takes the keyboard (no window manager runs to give it) */
    char *out = NULL, *xerr = NULL;
    const char *search[] = {"xdotool", "search", "--sync", "--onlyvisible",
                            "--name",  "smpsim", NULL};
    rc = run_command_env(&out, &xerr, search, lv->envp);
    lv->window = out ? strtoul(out, NULL, 10) : 0;
    free(out), free(xerr);
    if (rc != 0 || !lv->window) return snprintf(err, size, "no viewer window found"), -1;
    const char *focus[] = {"windowfocus", "--sync", "%w", NULL};
    if (live_view_xdo(lv, focus) != 0) return snprintf(err, size, "cannot focus the window"), -1;
    return 0;
}

int live_view_xdo(live_view *lv, const char *const *args) {
    const char *argv[64] = {"xdotool"};
    char window[32];
    snprintf(window, sizeof window, "%lu", lv->window);
    int argc = 1;
    for (int i = 0; args[i] && argc < 63; ++i)
        argv[argc++] = strcmp(args[i], "%w") == 0 ? window : args[i];
    argv[argc] = NULL;
    char *out = NULL, *err = NULL;
    int rc = run_command_env(&out, &err, argv, lv->envp);
    free(out), free(err);
    return rc;
}

char *live_view_state(live_view *lv) {
    char go[1200], state[1200];
    ++lv->rounds;
    snprintf(go, sizeof go, "%s/go%d", lv->dir, lv->rounds);
    snprintf(state, sizeof state, "%s/state%d.json", lv->dir, lv->rounds);
    FILE *f = fopen(go, "w");
    if (f) fclose(f);
    if (!wait_for_file(state, 60000, lv->viewer)) return NULL;
    return slurp(state, NULL);
}

int live_view_finish(live_view *lv, char **err) {
    int status = 0, done = 0;
    double until = now_ms() + 30000;
    while (!done && now_ms() < until) {
        done = waitpid(lv->viewer, &status, WNOHANG) == lv->viewer;
        if (!done) sleep_ms(20);
    }
    if (!done) {
        kill(lv->viewer, SIGKILL);
        waitpid(lv->viewer, &status, 0);
    }
    kill(lv->server, SIGTERM);
    waitpid(lv->server, NULL, 0);
    free(lv->envp);
    lv->envp = NULL;
    char err_path[1200];
    snprintf(err_path, sizeof err_path, "%s/stderr", lv->dir);
    *err = slurp(err_path, NULL);
    if (!*err) *err = strdup("");
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static const char *json_value(const char *json, const char *key) {
    char needle[128];
    snprintf(needle, sizeof needle, "\"%s\":", key);
    const char *p = json ? strstr(json, needle) : NULL;
    if (!p) return NULL;
    p += strlen(needle);
    while (*p == ' ') ++p;
    return p;
}

double json_number(const char *json, const char *key) {
    const char *p = json_value(json, key);
    if (!p) return NAN;
    if (strncmp(p, "true", 4) == 0) return 1;
    if (strncmp(p, "false", 5) == 0) return 0;
    char *end;
    double x = strtod(p, &end);
    return end == p ? NAN : x;
}

void json_string(const char *json, const char *key, char *out, size_t size) {
    const char *p = json_value(json, key);
    out[0] = '\0';
    if (!p || *p != '"') return;
    const char *end = strchr(p + 1, '"');
    if (!end) return;
    snprintf(out, size, "%.*s", (int)(end - p - 1), p + 1);
}

double json_array_item(const char *json, const char *key, int i) {
    const char *p = json_value(json, key);
    if (!p || *p != '[') return NAN;
    ++p;
    for (int k = 0; k < i; ++k) {
        p = strchr(p, ',');
        if (!p) return NAN;
        ++p;
    }
    char *end;
    double x = strtod(p, &end);
    return end == p ? NAN : x;
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
