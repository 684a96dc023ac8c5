/* Scene files: parse with cJSON, validate against the schema table (scene_schema.c), fill
 * defaults, apply --set overrides, print back. Every message names where the problem is. */
#include "smp/scene.h"

#include <assert.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_locate.h"
#include "scene_schema.h"
#include "smp/fsio.h"
#include "smp/json_strict.h"
#include "smp/number.h"

enum { PATH_MAX_LEN = 256 };

struct smp_embedded_file {
    const char *name;
    const char *data;
    size_t size;
};
extern const struct smp_embedded_file smp_scenes_embedded[];

const char *smp_scene_embedded(const char *name, size_t *size) {
    for (const struct smp_embedded_file *f = smp_scenes_embedded; f->name; ++f)
        if (strcmp(f->name, name) == 0) {
            if (size) *size = f->size;
            return f->data;
        }
    return NULL;
}

/* snprintf where cutting a long message or path short is the intent. */
static void fmt_trunc(char *dst, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fmt_trunc(char *dst, size_t n, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst, n, fmt, ap);
    va_end(ap);
}

/* --- diagnostics ------------------------------------------------------------------------ */

typedef struct ctx {
    const char *file; /* name shown in messages */
    const char *text; /* the file's text, for line numbers; NULL for --set */
    size_t size;
    const char *label; /* "--set 'a=b'" while applying overrides */
    smp_scene_report *rep;
    smp_status status;
} ctx;

static void add_line(ctx *c, smp_status status, const char *line) {
    if (c->status == SMP_OK) {
        c->status = status;
        smp_error_set(&c->rep->first, status, "%s", line);
    }
    if (c->rep->count < SMP_SCENE_MAX_MESSAGES)
        fmt_trunc(c->rep->messages[c->rep->count++], SMP_SCENE_MESSAGE_MAX, "%s", line);
    else
        ++c->rep->dropped;
}

/* A message past the kept ones is counted and nothing more: neither located in the text nor
 * worded, so a file of many errors costs time linear in its size. */
static int dropping(ctx *c) {
    if (c->status == SMP_OK || c->rep->count < SMP_SCENE_MAX_MESSAGES) return 0;
    ++c->rep->dropped;
    return 1;
}

/* "file:line: path: message", or "--set 'x=y': path: message". */
static void report(ctx *c, const char *path, int occurrence, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void report(ctx *c, const char *path, int occurrence, const char *fmt, ...) {
    if (dropping(c)) return;
    char where[SMP_SCENE_PATH_MAX + PATH_MAX_LEN + 96];
    if (c->label) {
        snprintf(where, sizeof where, "%s: %s", c->label, *path ? path : "(scene)");
    } else {
        int line = c->text ? json_locate_line(c->text, c->size, path, occurrence) : 0;
        if (line > 0)
            snprintf(where, sizeof where, "%s:%d: %s", c->file, line, *path ? path : "(scene)");
        else
            snprintf(where, sizeof where, "%s: %s", c->file, *path ? path : "(scene)");
    }
    char msg[SMP_SCENE_MESSAGE_MAX], line[sizeof where + SMP_SCENE_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fmt_trunc(line, sizeof line, "%s: %s", where, msg);
    add_line(c, SMP_ERR_FORMAT, line);
}

/* A short description of a JSON value for "found ..." */
static void describe(const cJSON *v, char *buf, size_t n) {
    if (cJSON_IsNumber(v))
        snprintf(buf, n, "%.17g", v->valuedouble);
    else if (cJSON_IsString(v)) {
        size_t len = strlen(v->valuestring);
        if (len > 40)
            snprintf(buf, n, "\"%.37s...\"", v->valuestring);
        else
            snprintf(buf, n, "\"%s\"", v->valuestring);
    } else if (cJSON_IsBool(v))
        snprintf(buf, n, "%s", cJSON_IsTrue(v) ? "true" : "false");
    else if (cJSON_IsNull(v))
        snprintf(buf, n, "null");
    else if (cJSON_IsArray(v))
        snprintf(buf, n, "an array of %d", cJSON_GetArraySize(v));
    else if (cJSON_IsObject(v))
        snprintf(buf, n, "an object");
    else
        snprintf(buf, n, "an invalid value");
}

static void words_list(const char *const *words, char *buf, size_t n) {
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; words[i] && used < n; ++i)
        used += (size_t)snprintf(buf + used, n - used, "%s\"%s\"",
                                 i == 0         ? ""
                                 : words[i + 1] ? ", "
                                                : " or ",
                                 words[i]);
}

/* Edit distance counting a swap of neighbours as one edit ("mts" is one edit from "mst"). */
static int edit_distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63) return 99;
    int d[64][64];
    for (size_t i = 0; i <= la; ++i) d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; ++j) d[0][j] = (int)j;
    for (size_t i = 1; i <= la; ++i)
        for (size_t j = 1; j <= lb; ++j) {
            int best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best) best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best) best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[la][lb];
}

static int close_enough(const char *key, int distance) {
    size_t n = strlen(key);
    return distance <= (n <= 4 ? 1 : n <= 8 ? 2 : 3);
}

/* The field anywhere in the schema whose key is nearest to key (for a field put in the wrong
 * object), writing its path; returns the distance. */
static int nearest_anywhere(const field *f, const char *key, char *path, size_t n,
                            const char *prefix, int best) {
    for (const field *ch = f->children; ch && ch->key; ++ch) {
        char p[PATH_MAX_LEN];
        fmt_trunc(p, sizeof p, "%s%s%s%s", prefix, *prefix ? "." : "", ch->key,
                  ch->kind == K_ARRAY ? "[]" : "");
        int d = edit_distance(key, ch->key);
        if (d < best) {
            best = d;
            fmt_trunc(path, n, "%s", p);
        }
        if (ch->children) best = nearest_anywhere(ch, key, path, n, p, best);
    }
    return best;
}

static void report_unknown(ctx *c, const field *parent, const char *path, const char *key,
                           int occurrence) {
    if (dropping(c)) return;
    const char *best = NULL;
    int best_d = 99;
    for (const field *ch = parent->children; ch->key; ++ch) {
        int d = edit_distance(key, ch->key);
        if (d < best_d) best_d = d, best = ch->key;
    }
    int close = best && close_enough(key, best_d);
    char elsewhere[PATH_MAX_LEN];
    char known[1024];
    size_t used = 0;
    known[0] = '\0';
    for (const field *ch = parent->children; ch->key && used < sizeof known; ++ch)
        used += (size_t)snprintf(known + used, sizeof known - used, "%s%s",
                                 ch == parent->children ? "" : ", ", ch->key);
    if (close)
        report(c, path, occurrence, "unknown field \"%s\"; did you mean \"%s\"?", key, best);
    else if (close_enough(key, nearest_anywhere(&scene_schema_root, key, elsewhere,
                                                sizeof elsewhere, "", 99)))
        report(c, path, occurrence, "unknown field \"%s\" here; did you mean %s?", key, elsewhere);
    else
        report(c, path, occurrence, "unknown field \"%s\" (expected one of: %s)", key, known);
}

/* --- defaults --------------------------------------------------------------------------- */

static int parse_default_list(const field *f, char *base);

static void fill_defaults(const field *obj, char *base) {
    for (const field *f = obj->children; f->key; ++f) {
        char *at = base + f->off;
        switch (f->kind) {
        case K_OBJECT: fill_defaults(f, at); break;
        case K_NUMBER: *(double *)at = f->def; break;
        case K_INT:
        case K_BOOL:
        case K_ENUM: *(int *)at = (int)f->def; break;
        case K_SEED: *(unsigned long *)at = (unsigned long)f->def; break;
        case K_STRING: snprintf(at, f->aux, "%s", f->def_text ? f->def_text : ""); break;
        case K_VEC3:
            for (int i = 0; i < 3; ++i) ((double *)at)[i] = NAN;
            *(int *)(base + f->aux) = 0;
            break;
        case K_NUMBER2:
        case K_NUMBER_LIST:
        case K_ENUM_LIST:
        case K_POINT2_LIST: parse_default_list(f, base); break;
        case K_ARRAY: {
            int n = 0;
            memset(at, 0, f->elem_size * (size_t)f->max);
            if (f->fill_default) {
                /* Element defaults first, then the array's own content on top. */
                for (int i = 0; i < f->max; ++i) {
                    field elem = {.kind = K_OBJECT, .children = f->children};
                    fill_defaults(&elem, at + f->elem_size * (size_t)i);
                }
                n = f->fill_default(at);
            }
            *(int *)(base + f->aux) = n;
            break;
        }
        }
    }
}

/* --- parsing values --------------------------------------------------------------------- */

static int parse_object(ctx *c, const field *obj, const cJSON *json, char *base, const char *path);

static int in_range(const field *f, double v) { return v >= f->lo && v <= f->hi; }

static void expected_range(const field *f, char *buf, size_t n, const char *what) {
    int len = snprintf(buf, n, "%s from %.10g to %.10g%s%s", what, f->lo, f->hi, f->unit ? " " : "",
                       f->unit ? f->unit : "");
    if (f->kind == K_NUMBER && f->words && len > 0 && (size_t)len < n)
        snprintf(buf + len, n - (size_t)len, ", 0 or \"%s\"", f->words[0]);
}

static int parse_number_into(ctx *c, const field *f, const cJSON *v, double *out, const char *path,
                             int integral) {
    char found[96], want[160];
    expected_range(f, want, sizeof want, integral ? "a whole number" : "a number");
    describe(v, found, sizeof found);
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || !in_range(f, v->valuedouble) ||
        (integral && floor(v->valuedouble) != v->valuedouble)) {
        report(c, path, 0, "found %s, expected %s", found, want);
        return 0;
    }
    *out = v->valuedouble;
    return 1;
}

static int word_index(const char *const *words, const char *s) {
    for (int i = 0; words[i]; ++i)
        if (strcmp(words[i], s) == 0) return i;
    return -1;
}

static int parse_word(ctx *c, const field *f, const cJSON *v, int *out, const char *path) {
    char found[96], want[512];
    words_list(f->words, want, sizeof want);
    int i = cJSON_IsString(v) ? word_index(f->words, v->valuestring) : -1;
    if (i < 0) {
        describe(v, found, sizeof found);
        report(c, path, 0, "found %s, expected one of %s", found, want);
        return 0;
    }
    *out = f->first + i;
    return 1;
}

static int parse_list(ctx *c, const field *f, const cJSON *v, char *base, const char *path) {
    char found[96];
    int pairs = f->kind == K_POINT2_LIST, fixed = f->kind == K_NUMBER2 ? 2 : 0;
    int max = fixed ? 2 : f->max;
    int n = cJSON_GetArraySize(v);
    if (!cJSON_IsArray(v) || (fixed && n != fixed)) {
        describe(v, found, sizeof found);
        if (fixed)
            report(c, path, 0, "found %s, expected an array of 2 numbers", found);
        else
            report(c, path, 0, "found %s, expected an array", found);
        return 0;
    }
    if (n > max) {
        report(c, path, 0, "found %d elements, expected at most %d", n, max);
        return 0;
    }
    int ok = 1, i = 0;
    for (const cJSON *e = v->child; e; e = e->next, ++i) {
        char p[PATH_MAX_LEN];
        fmt_trunc(p, sizeof p, "%s[%d]", path, i);
        if (f->kind == K_ENUM_LIST) {
            ok &= parse_word(c, f, e, (int *)(base + f->off) + i, p);
        } else if (pairs) {
            if (!cJSON_IsArray(e) || cJSON_GetArraySize(e) != 2) {
                describe(e, found, sizeof found);
                report(c, p, 0, "found %s, expected a pair [azimuth, elevation]", found);
                ok = 0;
                continue;
            }
            double *pt = (double *)(base + f->off) + 2 * i;
            ok &= parse_number_into(c, f, e->child, &pt[0], p, 0);
            ok &= parse_number_into(c, f, e->child->next, &pt[1], p, 0);
        } else if (f->words) {
            int w = cJSON_IsString(e) ? word_index(f->words, e->valuestring) : -1;
            double *at = (double *)(base + f->off) + i;
            if (w >= 0) {
                *at = -1.0 - w;
            } else if (cJSON_IsNumber(e) && isfinite(e->valuedouble) &&
                       in_range(f, e->valuedouble)) {
                *at = e->valuedouble;
            } else {
                char want[160], words[256];
                expected_range(f, want, sizeof want, "a number");
                words_list(f->words, words, sizeof words);
                describe(e, found, sizeof found);
                report(c, p, 0, "found %s, expected %s or %s", found, want, words);
                ok = 0;
            }
        } else {
            ok &= parse_number_into(c, f, e, (double *)(base + f->off) + i, p, 0);
        }
    }
    if (ok && !fixed) *(int *)(base + f->aux) = n;
    return ok;
}

static int parse_default_list(const field *f, char *base) {
    if (f->kind == K_NUMBER2 && f->nullable && f->def_text && strcmp(f->def_text, "null") == 0) {
        ((double *)(base + f->off))[0] = ((double *)(base + f->off))[1] = NAN;
        return 1;
    }
    cJSON *v = cJSON_Parse(f->def_text ? f->def_text : "[]");
    smp_scene_report rep = {0};
    ctx c = {.file = "(schema default)", .rep = &rep};
    int ok = v && parse_list(&c, f, v, base, f->key);
    cJSON_Delete(v);
    return ok;
}

static int parse_string(ctx *c, const field *f, const cJSON *v, char *at, const char *path) {
    char found[96], want[256];
    if (!cJSON_IsString(v)) {
        describe(v, found, sizeof found);
        report(c, path, 0, "found %s, expected a string", found);
        return 0;
    }
    if (strlen(v->valuestring) >= f->aux) {
        report(c, path, 0, "found a string of %zu bytes, expected at most %zu",
               strlen(v->valuestring), f->aux - 1);
        return 0;
    }
    if (f->check_text && !f->check_text(v->valuestring, want, sizeof want)) {
        describe(v, found, sizeof found);
        report(c, path, 0, "found %s, expected %s", found, want);
        return 0;
    }
    memset(at, 0, f->aux); /* no stale bytes: equal scenes compare equal byte for byte */
    memcpy(at, v->valuestring, strlen(v->valuestring));
    return 1;
}

/* [x, y, z] in mm, or null (NaN, and the field's flag cleared). */
static int parse_vec3(ctx *c, const field *f, const cJSON *v, char *base, const char *path) {
    double *at = (double *)(base + f->off);
    int *flag = (int *)(base + f->aux);
    if (cJSON_IsNull(v)) {
        *flag = 0;
        for (int i = 0; i < 3; ++i) at[i] = NAN;
        return 1;
    }
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 3) {
        char found[96];
        describe(v, found, sizeof found);
        report(c, path, 0, "found %s, expected [x, y, z] in mm or null", found);
        return 0;
    }
    int ok = 1, i = 0;
    for (const cJSON *e = v->child; e; e = e->next, ++i)
        ok &= parse_number_into(c, f, e, at + i, path, 0);
    *flag = ok;
    return ok;
}

/* An array of objects: each element starts from its defaults, then its keys are read. */
static int parse_array(ctx *c, const field *f, const cJSON *v, char *base, const char *path) {
    char found[96];
    int n = cJSON_GetArraySize(v);
    if (!cJSON_IsArray(v)) {
        describe(v, found, sizeof found);
        report(c, path, 0, "found %s, expected an array of objects", found);
        return 0;
    }
    if (n > f->max) {
        report(c, path, 0, "found %d elements, expected at most %d", n, f->max);
        return 0;
    }
    field elem = {.key = f->key, .kind = K_OBJECT, .children = f->children};
    int ok = 1, i = 0;
    for (const cJSON *e = v->child; e; e = e->next, ++i) {
        char p[PATH_MAX_LEN];
        fmt_trunc(p, sizeof p, "%s[%d]", path, i);
        char *el = base + f->off + f->elem_size * (size_t)i;
        memset(el, 0, f->elem_size);
        fill_defaults(&elem, el);
        if (!cJSON_IsObject(e)) {
            describe(e, found, sizeof found);
            report(c, p, 0, "found %s, expected an object", found);
            ok = 0;
            continue;
        }
        ok &= parse_object(c, &elem, e, el, p);
    }
    *(int *)(base + f->aux) = n;
    return ok;
}

static int parse_field(ctx *c, const field *f, const cJSON *v, char *base, const char *path) {
    char *at = base + f->off;
    char found[96];
    double d;
    switch (f->kind) {
    case K_OBJECT:
        if (!cJSON_IsObject(v)) {
            describe(v, found, sizeof found);
            report(c, path, 0, "found %s, expected an object", found);
            return 0;
        }
        return parse_object(c, f, v, at, path);
    case K_NUMBER:
        if (f->nullable && cJSON_IsNull(v)) {
            *(double *)at = NAN;
            return 1;
        }
        if (f->words && ((cJSON_IsString(v) && strcmp(v->valuestring, f->words[0]) == 0) ||
                         (cJSON_IsNumber(v) && v->valuedouble == 0.0))) {
            *(double *)at = f->lo; /* "none" (or 0) is the range's end that means none */
            return 1;
        }
        return parse_number_into(c, f, v, (double *)at, path, 0);
    case K_INT:
        if (!parse_number_into(c, f, v, &d, path, 1)) return 0;
        *(int *)at = (int)d;
        return 1;
    case K_SEED:
        if (!parse_number_into(c, f, v, &d, path, 1)) return 0;
        *(unsigned long *)at = (unsigned long)d;
        return 1;
    case K_BOOL:
        if (!cJSON_IsBool(v)) {
            describe(v, found, sizeof found);
            report(c, path, 0, "found %s, expected true or false", found);
            return 0;
        }
        *(int *)at = cJSON_IsTrue(v) ? 1 : 0;
        return 1;
    case K_STRING: return parse_string(c, f, v, at, path);
    case K_ENUM: return parse_word(c, f, v, (int *)at, path);
    case K_VEC3: return parse_vec3(c, f, v, base, path);
    case K_NUMBER2:
        if (f->nullable && cJSON_IsNull(v)) {
            ((double *)at)[0] = ((double *)at)[1] = NAN;
            return 1;
        }
        return parse_list(c, f, v, base, path);
    case K_NUMBER_LIST:
    case K_ENUM_LIST:
    case K_POINT2_LIST: return parse_list(c, f, v, base, path);
    case K_ARRAY: return parse_array(c, f, v, base, path);
    }
    return 0;
}

/* Each key once, known ones parsed: linear in the object's size (a known key's earlier
 * appearances are counted per schema field, so many keys cost no more than a few). */
static int parse_object(ctx *c, const field *obj, const cJSON *json, char *base, const char *path) {
    enum { MAX_CHILDREN = 64 };
    int seen[MAX_CHILDREN] = {0};
    int ok = 1;
    for (const cJSON *item = json->child; item; item = item->next) {
        char p[PATH_MAX_LEN];
        snprintf(p, sizeof p, "%s%s%s", path, *path ? "." : "", item->string);
        const field *f = obj->children;
        while (f->key && strcmp(f->key, item->string) != 0) ++f;
        if (!f->key) {
            report_unknown(c, obj, p, item->string, 0);
            ok = 0;
            continue;
        }
        assert(f - obj->children < MAX_CHILDREN);
        int occurrence = seen[f - obj->children]++;
        if (occurrence) {
            report(c, p, occurrence, "duplicate field \"%s\" (each field may appear once)",
                   item->string);
            ok = 0;
            continue;
        }
        ok &= parse_field(c, f, item, base, p);
    }
    return ok;
}

/* --- rules across fields ---------------------------------------------------------------- */

static void check_scene(ctx *c, const smp_scene *s) {
    char p[PATH_MAX_LEN];
    const smp_scene_client *cl = &s->client;
    if (cl->pattern == SMP_PATTERN_LUDWIG && strcmp(cl->stage, "I") != 0 &&
        strcmp(cl->stage, "II") != 0 && strcmp(cl->stage, "III") != 0)
        report(c, "client.pattern.stage", 0,
               "found \"%s\", expected a Ludwig stage: \"I\", \"II\" or \"III\"", cl->stage);
    if (cl->frontal_accentuation && cl->pattern != SMP_PATTERN_LUDWIG)
        report(c, "client.pattern.frontal_accentuation", 0,
               "found true, expected false: frontal accentuation is a Ludwig pattern (set "
               "client.pattern.type to \"ludwig\")");
    if (!isnan(cl->stubble_mm) && !isnan(cl->days_since_shave))
        report(c, "client.hair.days_since_shave", 0,
               "found %g with client.hair.stubble_mm %g, expected one of the two: the days "
               "since shaving give the stubble's length",
               cl->days_since_shave, cl->stubble_mm);
    for (int i = 0; i < cl->scar_count; ++i)
        if (cl->scars[i].kind == SMP_SCAR_BURN && cl->scars[i].point_count < 3) {
            snprintf(p, sizeof p, "client.scars[%d].points_deg", i);
            report(c, p, 0, "found %d points, expected at least 3 for a burn polygon",
                   cl->scars[i].point_count);
        }
    const smp_scene_plan *pl = &s->plan;
    double last_fraction = 0;
    for (int i = 0; i < pl->session_count; ++i) {
        const smp_scene_session *ss = &pl->sessions[i];
        if (i == 0 && ss->day != 0) {
            report(c, "plan.sessions[0].day", 0,
                   "found %d, expected 0: days count from the first session", ss->day);
        } else if (i > 0 && ss->day <= pl->sessions[i - 1].day) {
            snprintf(p, sizeof p, "plan.sessions[%d].day", i);
            report(c, p, 0, "found %d, expected more than %d (sessions in date order)", ss->day,
                   pl->sessions[i - 1].day);
        }
        if (i == 0 && ss->kind == SMP_SESSION_TOUCH_UP)
            report(c, "plan.sessions[0].kind", 0,
                   "found \"touch_up\", expected \"session\": a touch-up needs an earlier "
                   "session");
        if (ss->kind == SMP_SESSION_TREATMENT) {
            if (ss->density_fraction < last_fraction) {
                snprintf(p, sizeof p, "plan.sessions[%d].density_fraction", i);
                report(c, p, 0,
                       "found %.10g, expected at least %.10g: the density a session reaches is "
                       "cumulative",
                       ss->density_fraction, last_fraction);
            }
            last_fraction = ss->density_fraction;
        }
        if (ss->region_count == 0) {
            snprintf(p, sizeof p, "plan.sessions[%d].regions", i);
            report(c, p, 0, "found an empty list, expected at least one region");
        }
    }
    const smp_scene_training *tr = &s->training;
    if (tr->enabled && tr->session >= pl->session_count)
        report(c, "training.session", 0,
               "found %d, expected a session of the plan (0..%d): the trainee works in one",
               tr->session, pl->session_count - 1);
    else if (tr->enabled && pl->sessions[tr->session].kind != SMP_SESSION_TREATMENT)
        report(c, "training.session", 0, "found %d, a touch-up, expected a treatment session",
               tr->session);
    if (tr->region_count == 0)
        report(c, "training.regions", 0, "found an empty list, expected at least one region");
    if (s->view_count == 0) report(c, "render.views", 0, "found an empty list, expected a view");
    if (s->year_count == 0) report(c, "render.years", 0, "found an empty list, expected a year");
    for (int i = 1; i < s->year_count; ++i)
        if (smp_year_order(s->years[i]) <= smp_year_order(s->years[i - 1])) {
            char now[32], before[32];
            smp_year_word(s->years[i], now, sizeof now);
            smp_year_word(s->years[i - 1], before, sizeof before);
            snprintf(p, sizeof p, "render.years[%d]", i);
            report(c, p, 0,
                   "found %s after %s, expected times in increasing order (untreated, then "
                   "healed at 30 days, then years after completion)",
                   now, before);
        }
}

/* --- times shown ------------------------------------------------------------------------ */

double smp_scene_completion_years(const smp_scene *s) {
    int day = 0;
    for (int i = 0; i < s->plan.session_count; ++i)
        if (s->plan.sessions[i].kind == SMP_SESSION_TREATMENT) day = s->plan.sessions[i].day;
    return day / 365.25;
}

int smp_scene_model_years(const smp_scene *s, double year, double *t_years) {
    if (year == SMP_YEAR_UNTREATED) {
        *t_years = 0;
        return 0;
    }
    *t_years = smp_scene_completion_years(s) + smp_year_order(year);
    return 1;
}

double smp_year_order(double year) {
    if (year == SMP_YEAR_UNTREATED) return -INFINITY;
    if (year == SMP_YEAR_HEALED) return SMP_HEALED_DAYS / 365.25;
    return year;
}

smp_status smp_year_parse(const char *text, double *out, smp_error *err) {
    if (strcmp(text, "untreated") == 0 || strcmp(text, "healed") == 0) {
        *out = text[0] == 'u' ? SMP_YEAR_UNTREATED : SMP_YEAR_HEALED;
        return SMP_OK;
    }
    double v = NAN;
    if (!smp_parse_decimal(text, &v) || !(v >= 0 && v <= SMP_YEAR_MAX))
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "found '%s', expected 'untreated', 'healed' or years after the "
                             "completion of treatment, 0 to %g",
                             text, SMP_YEAR_MAX);
    *out = v;
    return SMP_OK;
}

void smp_year_label(double year, char *out, size_t size) {
    if (year == SMP_YEAR_UNTREATED)
        snprintf(out, size, "Untreated");
    else if (year == SMP_YEAR_HEALED)
        snprintf(out, size, "Healed (%d days after the last session)", SMP_HEALED_DAYS);
    else
        snprintf(out, size, "Year %g after completion", year);
}

void smp_year_tag(double year, char *out, size_t size) {
    if (year < 0)
        smp_year_word(year, out, size);
    else
        snprintf(out, size, "y%g", year);
}

void smp_year_word(double year, char *out, size_t size) {
    if (year == SMP_YEAR_UNTREATED)
        snprintf(out, size, "untreated");
    else if (year == SMP_YEAR_HEALED)
        snprintf(out, size, "healed");
    else
        snprintf(out, size, "%g", year);
}

/* --- text building ----------------------------------------------------------------------- */

typedef struct sbuf {
    char *data;
    size_t len, cap;
    int failed;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...) {
    if (b->failed) return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n =
            vsnprintf(b->data ? b->data + b->len : NULL, b->data ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->failed = 1;
            return;
        }
        if (b->data && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = (b->cap ? b->cap * 2 : 4096) + (size_t)n;
        char *p = realloc(b->data, cap);
        if (!p) {
            b->failed = 1;
            return;
        }
        b->data = p;
        b->cap = cap;
    }
}

/* --- printing --------------------------------------------------------------------------- */

static cJSON *object_to_json(const field *obj, const char *base);

static cJSON *number_or_null(double v) {
    return isnan(v) ? cJSON_CreateNull() : cJSON_CreateNumber(v);
}

static cJSON *field_to_json(const field *f, const char *base) {
    const char *at = base + f->off;
    switch (f->kind) {
    case K_OBJECT: return object_to_json(f, at);
    case K_NUMBER:
        if (f->words && *(const double *)at == f->lo) return cJSON_CreateString(f->words[0]);
        return number_or_null(*(const double *)at);
    case K_INT: return cJSON_CreateNumber(*(const int *)at);
    case K_SEED: return cJSON_CreateNumber((double)*(const unsigned long *)at);
    case K_BOOL: return cJSON_CreateBool(*(const int *)at);
    case K_STRING: return cJSON_CreateString(at);
    case K_ENUM: return cJSON_CreateString(f->words[*(const int *)at - f->first]);
    case K_VEC3:
        return *(const int *)(base + f->aux) ? cJSON_CreateDoubleArray((const double *)at, 3)
                                             : cJSON_CreateNull();
    case K_NUMBER2:
        return isnan(((const double *)at)[0]) ? cJSON_CreateNull()
                                              : cJSON_CreateDoubleArray((const double *)at, 2);
    case K_NUMBER_LIST: {
        const double *v = (const double *)at;
        int n = *(const int *)(base + f->aux);
        if (!f->words) return cJSON_CreateDoubleArray(v, n);
        cJSON *a = cJSON_CreateArray();
        for (int i = 0; a && i < n; ++i)
            cJSON_AddItemToArray(a, v[i] < 0 ? cJSON_CreateString(f->words[(int)(-1.0 - v[i])])
                                             : cJSON_CreateNumber(v[i]));
        return a;
    }
    case K_ENUM_LIST: {
        cJSON *a = cJSON_CreateArray();
        for (int i = 0; a && i < *(const int *)(base + f->aux); ++i)
            cJSON_AddItemToArray(a, cJSON_CreateString(f->words[((const int *)at)[i]]));
        return a;
    }
    case K_POINT2_LIST: {
        cJSON *a = cJSON_CreateArray();
        for (int i = 0; a && i < *(const int *)(base + f->aux); ++i)
            cJSON_AddItemToArray(a, cJSON_CreateDoubleArray((const double *)at + 2 * i, 2));
        return a;
    }
    case K_ARRAY: {
        cJSON *a = cJSON_CreateArray();
        field elem = {.kind = K_OBJECT, .children = f->children};
        for (int i = 0; a && i < *(const int *)(base + f->aux); ++i)
            cJSON_AddItemToArray(a, object_to_json(&elem, at + f->elem_size * (size_t)i));
        return a;
    }
    }
    return NULL;
}

static cJSON *object_to_json(const field *obj, const char *base) {
    cJSON *o = cJSON_CreateObject();
    for (const field *f = obj->children; o && f->key; ++f) {
        cJSON *v = field_to_json(f, base);
        if (!v) {
            cJSON_Delete(o);
            return NULL;
        }
        cJSON_AddItemToObject(o, f->key, v);
    }
    return o;
}

static cJSON *scene_to_tree(const smp_scene *s) {
    return object_to_json(&scene_schema_root, (const char *)s);
}

/* Shortest of %.15g / %.16g / %.17g that reads back as the same double: exact round trips
 * without printing 0.1 as 0.10000000000000001. */
static void print_number(sbuf *b, double v) {
    char tmp[40];
    for (int digits = 15; digits <= 17; ++digits) {
        snprintf(tmp, sizeof tmp, "%.*g", digits, v);
        if (strtod(tmp, NULL) == v) break;
    }
    sb_printf(b, "%s", tmp);
}

static void print_string(sbuf *b, const char *s) {
    sb_printf(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; ++p) {
        if (*p == '"' || *p == '\\')
            sb_printf(b, "\\%c", *p);
        else if (*p == '\n')
            sb_printf(b, "\\n");
        else if (*p == '\t')
            sb_printf(b, "\\t");
        else if (*p < 0x20)
            sb_printf(b, "\\u%04x", *p);
        else
            sb_printf(b, "%c", *p);
    }
    sb_printf(b, "\"");
}

static int is_flat(const cJSON *v) {
    for (const cJSON *e = v->child; e; e = e->next)
        if (cJSON_IsObject(e) || (cJSON_IsArray(e) && !is_flat(e))) return 0;
    return 1;
}

/* Two-space indentation, one field per line, short arrays of scalars on one line: the layout
 * of the hand-written scenes, so a saved scene diffs cleanly against its source. */
static void print_json(sbuf *b, const cJSON *v, int indent) {
    if (cJSON_IsNull(v))
        sb_printf(b, "null");
    else if (cJSON_IsBool(v))
        sb_printf(b, "%s", cJSON_IsTrue(v) ? "true" : "false");
    else if (cJSON_IsNumber(v))
        print_number(b, v->valuedouble);
    else if (cJSON_IsString(v))
        print_string(b, v->valuestring);
    else if (cJSON_IsArray(v) && is_flat(v)) {
        sb_printf(b, "[");
        for (const cJSON *e = v->child; e; e = e->next) {
            print_json(b, e, indent);
            if (e->next) sb_printf(b, ", ");
        }
        sb_printf(b, "]");
    } else {
        int obj = cJSON_IsObject(v);
        if (!v->child) {
            sb_printf(b, obj ? "{}" : "[]");
            return;
        }
        sb_printf(b, obj ? "{\n" : "[\n");
        for (const cJSON *e = v->child; e; e = e->next) {
            sb_printf(b, "%*s", indent + 2, "");
            if (obj) {
                print_string(b, e->string);
                sb_printf(b, ": ");
            }
            print_json(b, e, indent + 2);
            sb_printf(b, e->next ? ",\n" : "\n");
        }
        sb_printf(b, "%*s%s", indent, "", obj ? "}" : "]");
    }
}

char *smp_scene_to_json(const smp_scene *scene) {
    cJSON *tree = scene_to_tree(scene);
    if (!tree) return NULL;
    sbuf b = {0};
    print_json(&b, tree, 0);
    cJSON_Delete(tree);
    if (b.failed) {
        free(b.data);
        return NULL;
    }
    return b.data;
}

smp_status smp_scene_save(const smp_scene *scene, const char *path, smp_error *err) {
    char *text = smp_scene_to_json(scene);
    if (!text)
        return smp_error_set(err, SMP_ERR_NOMEM, "%s: out of memory printing the scene", path);
    smp_atomic_file f;
    smp_status st = smp_atomic_file_open(&f, path, err);
    if (st == SMP_OK) {
        size_t n = strlen(text);
        if (fwrite(text, 1, n, f.stream) != n || fputc('\n', f.stream) == EOF) {
            smp_atomic_file_abort(&f);
            st = smp_error_set(err, SMP_ERR_IO, "%s: write failed", path);
        } else {
            st = smp_atomic_file_commit(&f, err);
        }
    }
    free(text);
    return st;
}

/* --- --set ------------------------------------------------------------------------------ */

/* Walks "a.b[2].c" through the schema and the resolved tree, creating an array element when
 * the index is one past the end. On success *parent and *slot say where the value goes. */
static cJSON *set_value(const field *f, const char *text);

/* One step of a --set path: a field name and, when it is followed by [N], an index. */
typedef struct path_step {
    const field *f;  /* the field named */
    long index;      /* -1: no index */
    int last;        /* the path ends here */
    const char *end; /* where the next step starts */
} path_step;

/* Reads the step at s below schema, appending it to done (the path read so far, for
 * messages); 0 after reporting a malformed or unknown step. size: the array's current size
 * (from the tree), for the range check. */
static int read_step(ctx *c, const field *schema, const char *path, const char *s, cJSON *node,
                     char *done, size_t done_size, path_step *st) {
    char key[PATH_MAX_LEN];
    size_t n = strcspn(s, ".[");
    if (n == 0 || n >= sizeof key) {
        report(c, path, 0,
               "malformed path (expected names separated by dots, e.g. client.skin.mst)");
        return 0;
    }
    memcpy(key, s, n);
    key[n] = '\0';
    s += n;
    const field *f = schema->children;
    while (f && f->key && strcmp(f->key, key) != 0) ++f;
    if (!f || !f->key) {
        if (!schema->children)
            report(c, done, 0, "is a value, not an object");
        else
            report_unknown(c, schema, *done ? done : "(scene)", key, 0);
        return 0;
    }
    size_t dl = strlen(done);
    fmt_trunc(done + dl, done_size - dl, "%s%s", dl ? "." : "", key);
    st->f = f;
    st->index = -1;
    if (*s == '[') {
        char *end;
        st->index = strtol(s + 1, &end, 10);
        if (end == s + 1 || *end != ']' || st->index < 0 ||
            !(f->kind == K_ARRAY || f->kind == K_NUMBER_LIST || f->kind == K_ENUM_LIST ||
              f->kind == K_POINT2_LIST)) {
            report(c, done, 0, "malformed index (expected [N] on an array field)");
            return 0;
        }
        s = end + 1;
        int size = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(node, key));
        if (st->index > size || st->index >= f->max) {
            report(c, done, 0,
                   "index %ld out of range (the array has %d elements; append with [%d], at most "
                   "%d)",
                   st->index, size, size, f->max);
            return 0;
        }
        dl = strlen(done);
        snprintf(done + dl, done_size - dl, "[%ld]", st->index);
        if (*s != '.' && *s != '\0') {
            report(c, done, 0,
                   "malformed path (expected '.' after [%ld], e.g. plan.sessions[1].depth_mm)",
                   st->index);
            return 0;
        }
    }
    if (*s == '.') ++s;
    st->last = *s == '\0';
    st->end = s;
    return 1;
}

static int out_of_memory(ctx *c, cJSON *orphan) {
    cJSON_Delete(orphan);
    add_line(c, SMP_ERR_NOMEM, "out of memory");
    return 0;
}

/* Puts value (owned) at element index of array, replacing or appending. */
static int place_in_array(ctx *c, cJSON *array, long index, cJSON *value) {
    cJSON_bool placed = index == cJSON_GetArraySize(array)
                            ? cJSON_AddItemToArray(array, value)
                            : cJSON_ReplaceItemInArray(array, (int)index, value);
    return placed ? 1 : out_of_memory(c, value);
}

static int set_in_tree(ctx *c, cJSON *root, const char *path, const char *text) {
    const field *schema = &scene_schema_root;
    field elem_schema;
    cJSON *node = root;
    char done[PATH_MAX_LEN] = "";
    for (const char *s = path; *s;) {
        path_step st;
        if (!read_step(c, schema, path, s, node, done, sizeof done, &st)) return 0;
        s = st.end;
        const field *f = st.f;
        cJSON *child = cJSON_GetObjectItemCaseSensitive(node, f->key);
        if (!child && (st.index >= 0 || !st.last)) {
            /* A freshly appended array element has no keys yet: make the container the path
             * goes through. */
            child = st.index >= 0 ? cJSON_CreateArray() : cJSON_CreateObject();
            if (!child || !cJSON_AddItemToObject(node, f->key, child))
                return out_of_memory(c, child);
        }
        cJSON *value = NULL;
        if (st.last &&
            !(value = set_value(st.index >= 0 && f->kind != K_ARRAY ? &(field){0} : f, text)))
            return out_of_memory(c, NULL);
        if (st.index >= 0) {
            if (st.last) return place_in_array(c, child, st.index, value);
            if (f->kind != K_ARRAY) {
                report(c, done, 0, "is a value, not an object");
                return 0;
            }
            if (st.index == cJSON_GetArraySize(child)) {
                cJSON *elem = cJSON_CreateObject();
                if (!elem || !cJSON_AddItemToArray(child, elem)) return out_of_memory(c, elem);
            }
            node = cJSON_GetArrayItem(child, (int)st.index);
            elem_schema = (field){.kind = K_OBJECT, .children = f->children};
            schema = &elem_schema;
            continue;
        }
        if (st.last) {
            cJSON_bool placed = child ? cJSON_ReplaceItemInObjectCaseSensitive(node, f->key, value)
                                      : cJSON_AddItemToObject(node, f->key, value);
            return placed ? 1 : out_of_memory(c, value);
        }
        if (f->kind != K_OBJECT) {
            report(c, done, 0, "is a value, not an object");
            return 0;
        }
        node = child;
        schema = f;
    }
    report(c, path, 0, "empty path");
    return 0;
}

/* The value of --set as JSON. Bare words become strings so "stage=V" works unquoted, and a
 * text field keeps its text even when it looks like a number ("name=2024"). */
static cJSON *set_value(const field *f, const char *text) {
    cJSON *v = NULL;
    smp_json_fault fault; /* "007" or "1." are words, not numbers: refused as such */
    if (f->kind != K_STRING &&
        smp_json_strict(text, strlen(text), &(smp_json_rules){.max_depth = 64}, &fault))
        v = cJSON_ParseWithOpts(text, NULL, 1);
    return v ? v : cJSON_CreateString(text);
}

static int apply_set(ctx *c, smp_scene *s, const char *set) {
    const char *eq = strchr(set, '=');
    if (!eq || eq == set) {
        report(c, "", 0, "expected PATH=VALUE, e.g. client.skin.mst=8");
        return 0;
    }
    size_t bad;
    if (!smp_utf8_valid(eq + 1, strlen(eq + 1), &bad)) { /* a scene file could not hold it */
        report(c, "", 0, "the value is not UTF-8 text (byte 0x%02x at %zu)",
               (unsigned char)eq[1 + bad], bad);
        return 0;
    }
    char path[PATH_MAX_LEN];
    snprintf(path, sizeof path, "%.*s",
             (int)(eq - set) < PATH_MAX_LEN - 1 ? (int)(eq - set) : PATH_MAX_LEN - 1, set);
    cJSON *tree = scene_to_tree(s);
    if (!tree) {
        add_line(c, SMP_ERR_NOMEM, "out of memory");
        return 0;
    }
    int ok = set_in_tree(c, tree, path, eq + 1);
    if (ok) {
        smp_scene next;
        memset(&next, 0, sizeof next);
        fill_defaults(&scene_schema_root, (char *)&next);
        ok = parse_object(c, &scene_schema_root, tree, (char *)&next, "");
        if (ok) {
            check_scene(c, &next);
            ok = c->status == SMP_OK;
        }
        if (ok) {
            memcpy(next.source, s->source, sizeof next.source);
            *s = next;
        }
    }
    cJSON_Delete(tree);
    return ok;
}

/* --- loading ---------------------------------------------------------------------------- */

void smp_scene_defaults(smp_scene *out) {
    memset(out, 0, sizeof *out);
    fill_defaults(&scene_schema_root, (char *)out);
    snprintf(out->source, sizeof out->source, "(defaults)");
}

double smp_scene_stubble_mm(const smp_scene_client *cl) {
    if (!isnan(cl->stubble_mm)) return cl->stubble_mm;
    if (!isnan(cl->days_since_shave)) return cl->days_since_shave * cl->growth_mm_per_day;
    return 0.5;
}

smp_status smp_scene_load(const smp_scene_source *src, smp_scene *out, smp_scene_report *rep) {
    memset(rep, 0, sizeof *rep);
    ctx c = {.rep = rep};
    char *owned = NULL;
    size_t size = 0;
    c.file = src->path ? src->path : "default.json (built-in)";
    if (src->text || !src->path) {
        const char *text = src->text;
        size = src->text_size;
        if (!text) text = smp_scene_embedded("default.json", &size);
        /* cJSON needs a terminating NUL; the caller's text need not have one. */
        if (!(owned = malloc(size + 1))) {
            add_line(&c, SMP_ERR_NOMEM, "out of memory reading the scene");
            return c.status;
        }
        memcpy(owned, text, size);
        owned[size] = '\0';
    } else {
        smp_error err = {0};
        if (smp_read_file(src->path, SMP_SCENE_FILE_MAX, &owned, &size, &err) != SMP_OK) {
            /* The scene named by the user is input: a missing one is the user's error. */
            add_line(&c, err.status == SMP_ERR_NOMEM ? SMP_ERR_NOMEM : SMP_ERR_INVALID_ARG,
                     err.message);
            return c.status;
        }
    }
    c.text = owned;
    c.size = size;
    if (memchr(owned, '\0', size)) {
        int line, col;
        json_line_col(owned, (size_t)((const char *)memchr(owned, '\0', size) - owned), &line,
                      &col);
        char msg[SMP_SCENE_PATH_MAX + 64];
        snprintf(msg, sizeof msg, "%s:%d:%d: not a text file (NUL byte)", c.file, line, col);
        add_line(&c, SMP_ERR_FORMAT, msg);
        free(owned);
        return c.status;
    }

    smp_scene *s = out;
    memset(s, 0, sizeof *s);
    fill_defaults(&scene_schema_root, (char *)s);
    snprintf(s->source, sizeof s->source, "%s", c.file);

    const char *text = owned;
    /* JSON as the standard writes it, first: cJSON would take control characters in strings,
     * leading zeros and invalid UTF-8 (duplicate fields are refused below, each named) */
    smp_json_fault fault;
    if (!smp_json_strict(text, size, &(smp_json_rules){.max_depth = 64}, &fault)) {
        char msg[SMP_SCENE_PATH_MAX + 256];
        snprintf(msg, sizeof msg, "%s:%d:%d: not valid JSON: %s", c.file, fault.line, fault.column,
                 fault.what);
        add_line(&c, SMP_ERR_FORMAT, msg);
        free(owned);
        return SMP_ERR_FORMAT;
    }
    cJSON *json = cJSON_ParseWithLengthOpts(text, size + 1, NULL, 1);
    if (!json) { /* the text is JSON (checked above): what failed is memory for its tree */
        char msg[SMP_SCENE_PATH_MAX + 96];
        snprintf(msg, sizeof msg, "%s: out of memory reading its %zu bytes of JSON", c.file, size);
        add_line(&c, SMP_ERR_NOMEM, msg);
        free(owned);
        return SMP_ERR_NOMEM;
    }
    if (!cJSON_IsObject(json)) {
        char found[96];
        describe(json, found, sizeof found);
        report(&c, "", 0, "found %s, expected a JSON object { ... }", found);
    } else if (parse_object(&c, &scene_schema_root, json, (char *)s, "")) {
        check_scene(&c, s);
    }
    cJSON_Delete(json);
    free(owned);

    for (int i = 0; c.status == SMP_OK && i < src->set_count; ++i) {
        char label[PATH_MAX_LEN + 16];
        snprintf(label, sizeof label, "--set '%.*s'", PATH_MAX_LEN - 1, src->sets[i]);
        c.label = label;
        c.text = NULL;
        apply_set(&c, s, src->sets[i]);
    }
    return c.status;
}

/* --- docs/SCENE.md ---------------------------------------------------------------------- */

static const char *kind_name(const field *f) {
    switch (f->kind) {
    case K_OBJECT: return "object";
    case K_NUMBER: return f->nullable ? "number or null" : "number";
    case K_INT: return "integer";
    case K_SEED: return "integer";
    case K_BOOL: return "boolean";
    case K_STRING: return "string";
    case K_ENUM: return "string";
    case K_VEC3: return "[x, y, z] or null";
    case K_NUMBER2: return f->nullable ? "[number, number] or null" : "[number, number]";
    case K_NUMBER_LIST: return f->words ? "array of numbers and words" : "array of numbers";
    case K_ENUM_LIST: return "array of strings";
    case K_POINT2_LIST: return "array of [number, number]";
    case K_ARRAY: return "array of objects";
    }
    return "";
}

static void schema_rows(sbuf *b, const field *obj, const char *prefix) {
    for (const field *f = obj->children; f->key; ++f) {
        char path[PATH_MAX_LEN];
        snprintf(path, sizeof path, "%s%s%s%s", prefix, *prefix ? "." : "", f->key,
                 f->kind == K_ARRAY ? "[]" : "");
        char def[128] = "", range[512] = "";
        switch (f->kind) {
        case K_OBJECT: break;
        case K_NUMBER:
        case K_INT:
        case K_SEED:
            if (isnan(f->def))
                snprintf(def, sizeof def, "null");
            else
                snprintf(def, sizeof def, "%.10g", f->def);
            snprintf(range, sizeof range, "%.10g … %.10g", f->lo, f->hi);
            break;
        case K_BOOL: snprintf(def, sizeof def, "%s", f->def != 0 ? "true" : "false"); break;
        case K_STRING: snprintf(def, sizeof def, "\"%s\"", f->def_text ? f->def_text : ""); break;
        case K_ENUM:
            snprintf(def, sizeof def, "\"%s\"", f->words[(int)f->def - f->first]);
            words_list(f->words, range, sizeof range);
            break;
        case K_VEC3:
            snprintf(def, sizeof def, "null");
            snprintf(range, sizeof range, "each %.10g … %.10g", f->lo, f->hi);
            break;
        case K_ENUM_LIST:
            snprintf(def, sizeof def, "%s", f->def_text);
            words_list(f->words, range, sizeof range);
            break;
        case K_NUMBER2:
        case K_NUMBER_LIST:
        case K_POINT2_LIST:
            snprintf(def, sizeof def, "%s", f->def_text);
            snprintf(range, sizeof range, "each %.10g … %.10g", f->lo, f->hi);
            if (f->words) {
                char words[256];
                size_t l = strlen(range);
                words_list(f->words, words, sizeof words);
                snprintf(range + l, sizeof range - l, ", or %s", words);
            }
            if (f->kind != K_NUMBER2) {
                size_t l = strlen(range);
                snprintf(range + l, sizeof range - l, "; at most %d", f->max);
            }
            break;
        case K_ARRAY:
            snprintf(def, sizeof def, "%s", f->fill_default ? "see meaning" : "[]");
            snprintf(range, sizeof range, "at most %d", f->max);
            break;
        }
        if (f->kind != K_OBJECT)
            sb_printf(b, "| `%s` | %s | %s | `%s` | %s | %s |\n", path, kind_name(f),
                      f->unit ? f->unit : "", def, range, f->doc ? f->doc : "");
        if (f->children) {
            if (f->kind == K_OBJECT && f->doc)
                sb_printf(b, "| `%s` | object | | | | %s |\n", path, f->doc);
            field elem = {.kind = K_OBJECT, .children = f->children};
            schema_rows(b, f->kind == K_ARRAY ? &elem : f, path);
        }
    }
}

char *smp_scene_schema_markdown(void) {
    sbuf b = {0};
    sb_printf(&b, "| path | type | unit | default | valid | meaning |\n"
                  "|---|---|---|---|---|---|\n");
    schema_rows(&b, &scene_schema_root, "");
    if (b.failed) {
        free(b.data);
        return NULL;
    }
    return b.data;
}
