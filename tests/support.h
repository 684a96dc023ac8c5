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

/* Whole file as a malloc'ed string, or NULL. */
char *slurp(const char *path, size_t *size);

int file_exists(const char *path);

/* The 0.1 % upper critical value of chi-square with df degrees of freedom (Wilson–Hilferty;
 * within 0.5 % of the exact value for df ≥ 3). */
double chi2_critical(int df);

#endif
