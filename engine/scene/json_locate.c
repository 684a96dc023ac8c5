#include "json_locate.h"

#include <limits.h>
#include <string.h>

/* A cursor over the text. The walker only ever sees text cJSON already accepted, but it must
 * still never read past the end, since the path may come from anywhere. */
typedef struct cursor {
    const char *p, *end;
    int line;
} cursor;

enum { MAX_DEPTH = 512 };

/* Whitespace as cJSON reads it: every byte up to and including space. */
static void skip_ws(cursor *c) {
    while (c->p < c->end && (unsigned char)*c->p <= ' ') {
        if (*c->p == '\n') ++c->line;
        ++c->p;
    }
}

/* Skips a string starting at its opening quote; copies up to cap-1 bytes of its raw content
 * (escapes left as written, enough to compare plain keys) into buf if given. */
static int skip_string(cursor *c, char *buf, size_t cap) {
    if (c->p >= c->end || *c->p != '"') return 0;
    size_t n = 0;
    for (++c->p; c->p < c->end; ++c->p) {
        if (*c->p == '\\') {
            if (buf && n + 1 < cap) buf[n++] = *c->p;
            if (++c->p >= c->end) return 0;
        } else if (*c->p == '"') {
            ++c->p;
            if (buf) buf[n < cap ? n : cap - 1] = '\0';
            return 1;
        } else if (*c->p == '\n') {
            ++c->line;
        }
        if (buf && n + 1 < cap) buf[n++] = *c->p;
    }
    return 0;
}

static int skip_value(cursor *c, int depth) {
    skip_ws(c);
    if (c->p >= c->end || depth > MAX_DEPTH) return 0;
    char open = *c->p;
    if (open == '"') return skip_string(c, NULL, 0);
    if (open == '{' || open == '[') {
        char close = open == '{' ? '}' : ']';
        ++c->p;
        for (;;) {
            skip_ws(c);
            if (c->p >= c->end) return 0;
            if (*c->p == close) {
                ++c->p;
                return 1;
            }
            if (open == '{') {
                if (!skip_string(c, NULL, 0)) return 0;
                skip_ws(c);
                if (c->p >= c->end || *c->p != ':') return 0;
                ++c->p;
            }
            if (!skip_value(c, depth + 1)) return 0;
            skip_ws(c);
            if (c->p < c->end && *c->p == ',') ++c->p;
        }
    }
    /* number or literal: must consume something, or the loops above would never end */
    const char *start = c->p;
    while (c->p < c->end && (unsigned char)*c->p > ' ' && !strchr(",]}", *c->p)) ++c->p;
    return c->p > start;
}

/* Next path segment: a key ("name") or an index ("[3]"). Returns 0 at the end of the path. */
static int next_segment(const char **path, char *key, size_t cap, long *index) {
    const char *s = *path;
    if (*s == '.') ++s;
    if (!*s) return 0;
    if (*s == '[') {
        /* An index past any array a scene can hold saturates: the walk then finds no element. */
        *index = 0;
        for (++s; *s >= '0' && *s <= '9'; ++s)
            *index = *index > (LONG_MAX - 9) / 10 ? LONG_MAX : *index * 10 + (*s - '0');
        if (*s == ']') ++s;
        key[0] = '\0';
    } else {
        size_t n = 0;
        while (*s && *s != '.' && *s != '[') {
            if (n + 1 < cap) key[n++] = *s;
            ++s;
        }
        key[n] = '\0';
        *index = -1;
    }
    *path = s;
    return 1;
}

int json_locate_line(const char *text, size_t size, const char *path, int occurrence) {
    cursor c = {text, text + size, 1};
    int found_line = 0;
    char want[256], key[256];
    long index;
    skip_ws(&c);
    while (next_segment(&path, want, sizeof want, &index)) {
        int last = *path == '\0';
        skip_ws(&c);
        if (c.p >= c.end) return found_line;
        if (index >= 0) { /* array element */
            if (*c.p != '[') return found_line;
            ++c.p;
            for (long i = 0;; ++i) {
                skip_ws(&c);
                if (c.p >= c.end || *c.p == ']') return found_line;
                if (i == index) break;
                if (!skip_value(&c, 0)) return found_line;
                skip_ws(&c);
                if (c.p < c.end && *c.p == ',') ++c.p;
            }
            found_line = c.line;
            continue;
        }
        if (*c.p != '{') return found_line;
        ++c.p;
        int seen = 0, hit = 0;
        for (;;) {
            skip_ws(&c);
            if (c.p >= c.end || *c.p == '}') return found_line;
            int key_line = c.line;
            if (!skip_string(&c, key, sizeof key)) return found_line;
            skip_ws(&c);
            if (c.p >= c.end || *c.p != ':') return found_line;
            ++c.p;
            if (strcmp(key, want) == 0 && (!last || seen++ == occurrence)) {
                found_line = key_line;
                hit = 1;
                break;
            }
            if (!skip_value(&c, 0)) return found_line;
            skip_ws(&c);
            if (c.p < c.end && *c.p == ',') ++c.p;
        }
        if (!hit) return found_line;
    }
    return found_line;
}

void json_line_col(const char *text, size_t offset, int *line, int *col) {
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < offset && text[i]; ++i) {
        if (text[i] == '\n') {
            ++*line;
            *col = 1;
        } else {
            ++*col;
        }
    }
}
