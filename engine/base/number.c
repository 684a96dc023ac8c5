#include "smp/number.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

static const char *digits(const char *s, int *count) {
    for (; *s >= '0' && *s <= '9'; ++s) ++*count;
    return s;
}

int smp_parse_decimal(const char *text, double *out) {
    const char *s = text;
    int n = 0;
    if (*s == '+' || *s == '-') ++s;
    s = digits(s, &n);
    if (*s == '.') s = digits(s + 1, &n);
    if (n == 0) return 0;
    if (*s == 'e' || *s == 'E') {
        int e = 0;
        ++s;
        if (*s == '+' || *s == '-') ++s;
        s = digits(s, &e);
        if (e == 0) return 0;
    }
    if (*s != '\0') return 0;
    errno = 0;
    double v = strtod(text, NULL);
    if (errno == ERANGE && isinf(v)) return 0;
    *out = v;
    return 1;
}
