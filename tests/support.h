/* Helpers shared by the test suites. */
#ifndef SMP_TESTS_SUPPORT_H
#define SMP_TESTS_SUPPORT_H

#include <stddef.h>

/* A fresh empty directory for this test process under $SMP_TEST_TMP (or /tmp), returned as a
 * static string. Each call makes a new one. */
const char *test_tmpdir(const char *tag);

/* Runs smpsim with the given arguments (NULL-terminated), capturing stdout and stderr.
 * Returns the exit status (128 + signal if it was killed). out/err are malloc'ed strings. */
int run_smpsim(char **out, char **err, const char *const *args);

/* Runs any program (argv[0] looked up in PATH) the same way. */
int run_command(char **out, char **err, const char *const *argv);

/* Runs argv like run_command under a private Xvfb server (screen as in "1280x800x24") that it
 * starts on a free display and stops afterwards; DISPLAY points at it, XAUTHORITY and
 * WAYLAND_DISPLAY are cleared. Returns -1 with a message in *err if the server did not start. */
int run_under_xvfb(char **out, char **err, const char *screen, const char *const *argv);

/* The viewer on a private Xvfb, driven with real X input through xdotool (XTEST events, as a
 * keyboard and mouse make). The viewer runs a script of the caller's setup lines, then hands
 * over: it draws and takes input until the test asks for its state (live_view_state), as
 * often as the test likes. */
typedef struct live_view {
    int server, viewer; /* pids */
    int display;
    unsigned long window;
    int rounds; /* states asked for so far */
    char dir[1024];
    char display_var[32];
    char **envp; /* this environment with DISPLAY at the private server */
} live_view;

/* Starts Xvfb (1280x800) and `smpsim view --size 1280x720 --script ... args`; the script runs
 * setup (script lines, may be "") and then waits for the test. Returns 0 once the window is up
 * and the setup ran, else -1 with a message in err (size bytes). */
int live_view_start(live_view *lv, const char *setup, const char *const *args, char *err,
                    size_t size);
/* Runs xdotool with these arguments (NULL-terminated) against the viewer's display. %w in an
 * argument is the viewer's window id. Returns xdotool's exit status. */
int live_view_xdo(live_view *lv, const char *const *args);
/* Lets the viewer draw a few frames (taking the input sent so far) and returns its state JSON
 * (script command `state`), malloc'ed, or NULL if it did not answer within 60 s. */
char *live_view_state(live_view *lv);
/* Waits up to 30 s for the viewer to exit (it is killed after), stops the server and returns
 * the viewer's exit status (128 + signal when killed); its stderr in *err (malloc'ed). */
int live_view_finish(live_view *lv, char **err);

/* A number or boolean (1/0) after "key": in flat JSON such as the state, or NAN. */
double json_number(const char *json, const char *key);
/* A string value after "key" into out, or "" when absent. */
void json_string(const char *json, const char *key, char *out, size_t size);
/* The i-th number of the array after "key", or NAN. */
double json_array_item(const char *json, const char *key, int i);

void sleep_ms(int ms);

/* Mean Rec. 709 luma (0..255, of the sRGB values) of the box [x0, x1) x [y0, y1). */
struct smp_image;
double image_mean_luma(const struct smp_image *img, int x0, int y0, int x1, int y1);

/* Whole file as a malloc'ed string, or NULL. */
char *slurp(const char *path, size_t *size);

int file_exists(const char *path);

/* The 0.1 % upper critical value of chi-square with df degrees of freedom (Wilson–Hilferty;
 * within 0.5 % of the exact value for df ≥ 3). */
double chi2_critical(int df);

#endif
