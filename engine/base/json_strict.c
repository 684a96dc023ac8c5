/* A recursive-descent check of RFC 8259 JSON: grammar, strings, numbers, UTF-8, depth, and
 * (optionally) duplicate keys. */
#include "smp/json_strict.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct span {
    const unsigned char *p; /* a key as written, quotes excluded */
    size_t len;
} span;

typedef struct scan {
    const unsigned char *s;
    size_t n, i;
    int depth, max_depth, refuse_duplicates;
    smp_json_fault *fault;
    int failed;
} scan;

static int fail(scan *c, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(scan *c, size_t at, const char *fmt, ...) {
    if (c->failed) return 0;
    c->failed = 1;
    smp_json_fault *f = c->fault;
    f->offset = at;
    f->line = 1, f->column = 1;
    for (size_t k = 0; k < at && k < c->n; ++k) {
        if (c->s[k] == '\n')
            ++f->line, f->column = 1;
        else
            ++f->column;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->what, sizeof f->what, fmt, ap);
    va_end(ap);
    return 0;
}

static void blanks(scan *c) {
    while (c->i < c->n &&
           (c->s[c->i] == ' ' || c->s[c->i] == '\t' || c->s[c->i] == '\n' || c->s[c->i] == '\r'))
        ++c->i;
}

/* The length of the UTF-8 sequence at p (RFC 3629: no overlong forms, no surrogates, nothing
 * past U+10FFFF), or 0 if it is not one. */
static size_t utf8_length(const unsigned char *p, size_t left) {
    unsigned char b = p[0];
    if (b < 0x80) return 1;
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF)
        len = 2;
    else if (b >= 0xE0 && b <= 0xEF)
        len = 3, lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
    else if (b >= 0xF0 && b <= 0xF4)
        len = 4, lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
    else
        return 0;
    if (left < len || p[1] < lo || p[1] > hi) return 0;
    for (size_t k = 2; k < len; ++k)
        if (p[k] < 0x80 || p[k] > 0xBF) return 0;
    return len;
}

static int hex4(const unsigned char *p, unsigned *out) {
    unsigned v = 0;
    for (int k = 0; k < 4; ++k) {
        unsigned char h = p[k];
        unsigned d = h >= '0' && h <= '9'   ? (unsigned)(h - '0')
                     : h >= 'a' && h <= 'f' ? (unsigned)(h - 'a' + 10)
                     : h >= 'A' && h <= 'F' ? (unsigned)(h - 'A' + 10)
                                            : 16u;
        if (d == 16) return 0;
        v = v * 16 + d;
    }
    *out = v;
    return 1;
}

/* A string at c->i (its opening quote); its contents' span into key when not NULL. */
static int string(scan *c, span *key) {
    size_t start = ++c->i;
    while (c->i < c->n) {
        unsigned char b = c->s[c->i];
        if (b == '"') {
            if (key) key->p = c->s + start, key->len = c->i - start;
            ++c->i;
            return 1;
        }
        if (b < 0x20)
            return fail(c, c->i, "a control character (0x%02x) inside a string: write it escaped",
                        b);
        if (b == '\\') {
            if (c->i + 1 >= c->n) break;
            unsigned char e = c->s[c->i + 1];
            if (e == 'u') {
                unsigned u, lo;
                if (c->i + 6 > c->n || !hex4(c->s + c->i + 2, &u))
                    return fail(c, c->i, "\\u must be followed by four hex digits");
                c->i += 6;
                if (u >= 0xDC00 && u <= 0xDFFF)
                    return fail(c, c->i - 6, "a low surrogate \\u%04X without a high one", u);
                if (u >= 0xD800 && u <= 0xDBFF) { /* a pair, or nothing */
                    if (c->i + 6 > c->n || c->s[c->i] != '\\' || c->s[c->i + 1] != 'u' ||
                        !hex4(c->s + c->i + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                        return fail(c, c->i - 6, "a high surrogate \\u%04X without a low one", u);
                    c->i += 6;
                }
                continue;
            }
            if (!strchr("\"\\/bfnrt", e) || e == '\0')
                return fail(c, c->i, "'\\%c' is not a JSON escape",
                            e >= 0x20 && e < 0x7F ? e : '?');
            c->i += 2;
            continue;
        }
        size_t len = utf8_length(c->s + c->i, c->n - c->i);
        if (!len) return fail(c, c->i, "a byte (0x%02x) that is not UTF-8", b);
        c->i += len;
    }
    return fail(c, start - 1, "a string that never ends");
}

static int digits(scan *c) {
    size_t from = c->i;
    while (c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9') ++c->i;
    return c->i > from;
}

static int number(scan *c) {
    size_t start = c->i;
    if (c->s[c->i] == '-') ++c->i;
    if (c->i < c->n && c->s[c->i] == '0') {
        ++c->i;
        if (c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9')
            return fail(c, start, "a number with a leading zero");
    } else if (!digits(c)) {
        return fail(c, start, "'-' without digits");
    }
    if (c->i < c->n && c->s[c->i] == '.') {
        ++c->i;
        if (!digits(c)) return fail(c, start, "a number with no digits after its '.'");
    }
    if (c->i < c->n && (c->s[c->i] == 'e' || c->s[c->i] == 'E')) {
        ++c->i;
        if (c->i < c->n && (c->s[c->i] == '+' || c->s[c->i] == '-')) ++c->i;
        if (!digits(c)) return fail(c, start, "a number with no digits in its exponent");
    }
    return 1;
}

static int value(scan *c);

/* Keys sorted by length, then bytes, then place: equal neighbours are duplicates. */
static int by_key(const void *a, const void *b) {
    const span *x = a, *y = b;
    if (x->len != y->len) return x->len < y->len ? -1 : 1;
    int d = memcmp(x->p, y->p, x->len);
    return d ? d : (x->p < y->p ? -1 : x->p > y->p);
}

static int duplicates(scan *c, span *keys, size_t count) {
    qsort(keys, count, sizeof *keys, by_key);
    for (size_t k = 1; k < count; ++k)
        if (keys[k].len == keys[k - 1].len && memcmp(keys[k].p, keys[k - 1].p, keys[k].len) == 0)
            /* the later of the two (sorted by place among equals) */
            return fail(c, (size_t)(keys[k].p - c->s) - 1, "the key \"%.*s\" twice in one object",
                        (int)(keys[k].len < 60 ? keys[k].len : 60), (const char *)keys[k].p);
    return 1;
}

static int object(scan *c) {
    size_t open = c->i++;
    span *keys = NULL;
    size_t count = 0, cap = 0;
    int ok = 1;
    blanks(c);
    if (c->i < c->n && c->s[c->i] == '}') {
        ++c->i;
        return 1;
    }
    for (;;) {
        blanks(c);
        if (c->i >= c->n || c->s[c->i] != '"') {
            ok =
                fail(c, c->i,
                     c->i < c->n ? "expected a key in double quotes" : "an object that never ends");
            break;
        }
        span key;
        if (!(ok = string(c, &key))) break;
        if (c->refuse_duplicates) {
            if (count == cap) {
                size_t grown = cap ? 2 * cap : 16;
                span *more = realloc(keys, grown * sizeof *more);
                if (!more) {
                    ok = fail(c, open, "out of memory remembering %zu keys", count);
                    break;
                }
                keys = more, cap = grown;
            }
            keys[count++] = key;
        }
        blanks(c);
        if (c->i >= c->n || c->s[c->i] != ':') {
            ok = fail(c, c->i, "expected ':' after the key");
            break;
        }
        ++c->i;
        if (!(ok = value(c))) break;
        blanks(c);
        if (c->i < c->n && c->s[c->i] == ',') {
            ++c->i;
            continue;
        }
        if (c->i < c->n && c->s[c->i] == '}') {
            ++c->i;
            break;
        }
        ok = fail(c, c->i, c->i < c->n ? "expected ',' or '}'" : "an object that never ends");
        break;
    }
    if (ok && count > 1) ok = duplicates(c, keys, count);
    free(keys);
    return ok;
}

static int array(scan *c) {
    ++c->i;
    blanks(c);
    if (c->i < c->n && c->s[c->i] == ']') {
        ++c->i;
        return 1;
    }
    for (;;) {
        if (!value(c)) return 0;
        blanks(c);
        if (c->i < c->n && c->s[c->i] == ',') {
            ++c->i;
            continue;
        }
        if (c->i < c->n && c->s[c->i] == ']') {
            ++c->i;
            return 1;
        }
        return fail(c, c->i, c->i < c->n ? "expected ',' or ']'" : "an array that never ends");
    }
}

static int literal(scan *c, const char *word) {
    size_t len = strlen(word);
    if (c->n - c->i < len || memcmp(c->s + c->i, word, len) != 0) return 0;
    c->i += len;
    return 1;
}

static int value(scan *c) {
    blanks(c);
    if (c->i >= c->n) return fail(c, c->i, "expected a value, found the end of the text");
    unsigned char b = c->s[c->i];
    if (b == '{' || b == '[') {
        if (++c->depth > c->max_depth)
            return fail(c, c->i, "nested deeper than %d arrays and objects", c->max_depth);
        int ok = b == '{' ? object(c) : array(c);
        --c->depth;
        return ok;
    }
    if (b == '"') return string(c, NULL);
    if (b == '-' || (b >= '0' && b <= '9')) return number(c);
    if (literal(c, "true") || literal(c, "false") || literal(c, "null")) return 1;
    if (b >= 0x20 && b < 0x7F) return fail(c, c->i, "expected a value, found '%c'", b);
    return fail(c, c->i, "expected a value, found the byte 0x%02x", b);
}

int smp_utf8_valid(const char *text, size_t size, size_t *bad) {
    const unsigned char *p = (const unsigned char *)text;
    for (size_t i = 0; i < size;) {
        size_t len = utf8_length(p + i, size - i);
        if (!len) {
            if (bad) *bad = i;
            return 0;
        }
        i += len;
    }
    return 1;
}

int smp_json_strict(const char *text, size_t size, const smp_json_rules *rules,
                    smp_json_fault *fault) {
    scan c = {.s = (const unsigned char *)text,
              .n = size,
              .max_depth = rules && rules->max_depth > 0 ? rules->max_depth : 512,
              .refuse_duplicates = rules && rules->refuse_duplicates,
              .fault = fault};
    memset(fault, 0, sizeof *fault);
    if (!value(&c)) return 0;
    blanks(&c);
    if (c.i < c.n) return fail(&c, c.i, "more after the value (one JSON value per file)");
    return 1;
}
