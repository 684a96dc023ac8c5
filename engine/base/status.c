#include "smp/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

smp_status smp_error_set(smp_error *err, smp_status status, const char *fmt, ...) {
    if (err) {
        err->status = status;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return status;
}

void smp_error_prefix(smp_error *err, const char *fmt, ...) {
    if (!err) return;
    char prefix[SMP_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    /* Room for both parts, then cut to the message size: a long message loses its tail. */
    char joined[2 * SMP_ERROR_MESSAGE_MAX + 2];
    snprintf(joined, sizeof joined, "%s: %s", prefix, err->message);
    memcpy(err->message, joined, sizeof err->message - 1);
    err->message[sizeof err->message - 1] = '\0';
}

const char *smp_status_name(smp_status status) {
    switch (status) {
    case SMP_OK: return "ok";
    case SMP_ERR_INVALID_ARG: return "invalid argument";
    case SMP_ERR_FORMAT: return "bad file format";
    case SMP_ERR_IO: return "I/O error";
    case SMP_ERR_NOMEM: return "out of memory";
    case SMP_ERR_UNSUPPORTED: return "unsupported";
    case SMP_ERR_GL: return "OpenGL error";
    }
    return "unknown status";
}

int smp_status_is_input_error(smp_status status) {
    return status == SMP_ERR_INVALID_ARG || status == SMP_ERR_FORMAT;
}
