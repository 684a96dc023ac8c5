/*
 * smp/status.h — how every engine function reports failure.
 *
 * The library never prints, never exits and never aborts on bad input. A function that can
 * fail returns an smp_status and, when given a non-NULL smp_error, fills it with one line that
 * names the file, line or field at fault and what was expected. The caller decides what to do.
 *
 *   smp_error err = {0};
 *   if (smp_image_write_png(path, &img, &err) != SMP_OK)
 *       fprintf(stderr, "smpsim: %s\n", err.message);
 *
 * Does NOT: keep global error state, allocate, or translate messages.
 */
#ifndef SMP_STATUS_H
#define SMP_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum smp_status {
    SMP_OK = 0,
    SMP_ERR_INVALID_ARG, /* a value the caller passed is out of range or malformed */
    SMP_ERR_FORMAT,      /* an input file is not what it claims to be */
    SMP_ERR_IO,          /* the operating system refused a read or write */
    SMP_ERR_NOMEM,       /* an allocation failed */
    SMP_ERR_UNSUPPORTED, /* the machine lacks a capability (GL version, display, CPU feature) */
    SMP_ERR_GL,          /* the GL driver failed (shader compile, framebuffer, GL error) */
} smp_status;

enum { SMP_ERROR_MESSAGE_MAX = 512 };

typedef struct smp_error {
    smp_status status;
    char message[SMP_ERROR_MESSAGE_MAX];
} smp_error;

/* Fills err (if non-NULL) with status and a printf-formatted message; returns status so a
 * failing function can `return smp_error_set(err, SMP_ERR_IO, "...", ...);`. */
smp_status smp_error_set(smp_error *err, smp_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prepends "prefix: " to an error message already set, for adding context on the way up. */
void smp_error_prefix(smp_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A short constant name for a status ("invalid argument", "I/O error", ...). */
const char *smp_status_name(smp_status status);

/* True for statuses that mean the user's input was wrong (exit code 2 in the CLI) rather than
 * the machine failing (exit code 1). */
int smp_status_is_input_error(smp_status status);

#ifdef __cplusplus
}
#endif
#endif
