/* Cheap checks of a mesh file before the importer reads it: what it is (a regular file of a
 * sane size, not a folder, FIFO or device that would block or never end) and, for the formats
 * whose headers promise sizes or whose node graphs can loop, that the promises fit the file
 * and the graph is a tree. Each refusal names the file and says what is wrong in the file's
 * own terms, where the importer would crash, hang or exhaust memory with no word on why. */
#define _DEFAULT_SOURCE /* strcasecmp, strncasecmp */
#include "mesh_precheck.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "smp/fsio.h"
#include "smp/json_strict.h"

enum {
    HEADER_MAX = 65536,       /* PLY and OFF headers: bytes read to find their counts */
    NODE_DEPTH_MAX = 256,     /* glTF and COLLADA node hierarchies */
    GLTF_JSON_DEPTH_MAX = 64, /* nesting of a glTF's JSON */
};
#define MESH_BYTES_MAX (2.0 * 1073741824.0) /* 2 GiB: far above any scanned head */

static const char *extension(const char *path) {
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    return dot && (!slash || dot > slash) ? dot + 1 : "";
}

/* The first up to HEADER_MAX bytes (NUL-terminated); *got the count. */
static smp_status head_bytes(const char *path, char *buf, size_t *got, smp_error *err) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return smp_error_set(err, SMP_ERR_IO, "%s: cannot open the mesh file: %s", path,
                             strerror(errno));
    *got = fread(buf, 1, HEADER_MAX, f);
    buf[*got] = '\0';
    fclose(f);
    return SMP_OK;
}

/* --- PLY: element counts against the bytes after the header ------------------------------ */

static int ply_type_size(const char *t) {
    static const struct {
        const char *name;
        int size;
    } types[] = {{"char", 1},  {"uchar", 1},   {"int8", 1},   {"uint8", 1},
                 {"short", 2}, {"ushort", 2},  {"int16", 2},  {"uint16", 2},
                 {"int", 4},   {"uint", 4},    {"int32", 4},  {"uint32", 4},
                 {"float", 4}, {"float32", 4}, {"double", 8}, {"float64", 8}};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; ++i)
        if (strcmp(t, types[i].name) == 0) return types[i].size;
    return 0;
}

static smp_status check_ply(const char *path, const char *buf, double file_size, smp_error *err) {
    if (strncmp(buf, "ply", 3) != 0 || (buf[3] != '\n' && buf[3] != '\r'))
        return smp_error_set(err, SMP_ERR_FORMAT, "%s: not a PLY file (it must begin 'ply')", path);
    const char *end = strstr(buf, "end_header");
    if (!end)
        return smp_error_set(err, SMP_ERR_FORMAT,
                             "%s: the PLY header does not end (no end_header in its first %d "
                             "bytes)",
                             path, HEADER_MAX);
    const char *body = strchr(end, '\n');
    double after = file_size - (double)((body ? body + 1 : end + 10) - buf);
    int binary = strstr(buf, "format binary") != NULL && strstr(buf, "format binary") < end;
    /* each element's smallest encoding: binary, its scalar properties' sizes and each list's
     * count field; ASCII, two bytes a value ("0 ") */
    double need = 0, count = 0, least = 0;
    char name[64] = "";
    for (const char *line = buf; line && line < end;) {
        char word[32], a[32], b[32], number[64];
        if (sscanf(line, "%31s", word) == 1 && strcmp(word, "element") == 0) {
            need += count * least;
            if (sscanf(line, "element %63s %63s", name, number) != 2)
                return smp_error_set(err, SMP_ERR_FORMAT, "%s: a PLY element line without a count",
                                     path);
            char *stop;
            errno = 0;
            long long n = strtoll(number, &stop, 10);
            if (*stop || errno || n < 0 || n > 2147483647LL)
                return smp_error_set(err, SMP_ERR_FORMAT,
                                     "%s: the PLY header gives %.40s %.40s elements, expected a "
                                     "count from 0 to 2147483647",
                                     path, number, name);
            count = (double)n, least = 0;
        } else if (strcmp(word, "property") == 0 && sscanf(line, "property %31s %31s", a, b) == 2) {
            /* "property TYPE NAME" or "property list COUNT_TYPE ITEM_TYPE NAME" */
            int size = ply_type_size(strcmp(a, "list") == 0 ? b : a);
            least += binary ? (size ? size : 1) : 2.0;
        }
        line = strchr(line, '\n');
        if (line) ++line;
    }
    need += count * least;
    if (need > after)
        return smp_error_set(err, SMP_ERR_FORMAT,
                             "%s: the PLY header promises elements of at least %.0f bytes, but "
                             "only %.0f bytes follow it (a count is wrong or the file is cut)",
                             path, need, after < 0 ? 0 : after);
    return SMP_OK;
}

/* --- OFF: the counts line against the file ------------------------------------------------ */

static smp_status check_off(const char *path, char *buf, double file_size, smp_error *err) {
    /* the keyword (OFF, COFF, NOFF, ...), then comments, then "vertices faces edges" */
    char *p = buf;
    while (*p && *p != '\n') ++p;
    for (;;) {
        while (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t') ++p;
        if (*p != '#') break;
        while (*p && *p != '\n') ++p;
    }
    long long nv, nf;
    if (sscanf(p, "%lld %lld", &nv, &nf) != 2)
        return smp_error_set(err, SMP_ERR_FORMAT,
                             "%s: the OFF header has no vertex and face counts", path);
    if (nv < 0 || nf < 0 || nv > 2147483647LL || nf > 2147483647LL)
        return smp_error_set(err, SMP_ERR_FORMAT,
                             "%s: the OFF header gives %lld vertices and %lld faces, expected "
                             "counts from 0 to 2147483647",
                             path, nv, nf);
    /* at least "0 0 0\n" a vertex and "3 0 0 0\n" a face */
    double need = 6.0 * (double)nv + 8.0 * (double)nf;
    if (need > file_size)
        return smp_error_set(err, SMP_ERR_FORMAT,
                             "%s: the OFF header promises %lld vertices and %lld faces, at least "
                             "%.0f bytes, in a file of %.0f",
                             path, nv, nf, need, file_size);
    return SMP_OK;
}

/* --- STL: a binary file's triangle count against its size ---------------------------------- */

static smp_status check_stl(const char *path, const char *buf, size_t got, double file_size,
                            smp_error *err) {
    if (got >= 5 && strncasecmp(buf, "solid", 5) == 0 && memchr(buf, 0, got) == NULL)
        return SMP_OK; /* ASCII: nothing promised up front */
    if (got < 84)
        return smp_error_set(err, SMP_ERR_FORMAT,
                             "%s: a binary STL needs 84 bytes of header, the file has %zu", path,
                             got);
    uint32_t n = (uint32_t)(unsigned char)buf[80] | (uint32_t)(unsigned char)buf[81] << 8 |
                 (uint32_t)(unsigned char)buf[82] << 16 | (uint32_t)(unsigned char)buf[83] << 24;
    if (84.0 + 50.0 * n > file_size)
        return smp_error_set(err, SMP_ERR_FORMAT,
                             "%s: the binary STL header promises %u triangles (%.0f bytes), the "
                             "file has %.0f",
                             path, n, 84.0 + 50.0 * n, file_size);
    return SMP_OK;
}

/* --- glTF: the JSON's depth and a node graph that is a forest ----------------------------- */

/* Depth-first from node i: 0 colour unseen, 1 on the path, 2 done. */
static int walk(const cJSON *nodes, int i, int depth, unsigned char *colour, int *bad, int *deep) {
    if (colour[i] == 1) return *bad = i, 0;
    if (colour[i] == 2) return 1;
    if (depth > NODE_DEPTH_MAX) return *deep = 1, 0;
    colour[i] = 1;
    const cJSON *kids = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(nodes, i), "children");
    int n = cJSON_GetArraySize(nodes);
    for (const cJSON *k = cJSON_IsArray(kids) ? kids->child : NULL; k; k = k->next) {
        /* a node index: a whole number in [0, n), checked before it is made an int */
        double x = cJSON_IsNumber(k) ? k->valuedouble : -1;
        if (!(x >= 0 && x < n) || x != floor(x)) return *bad = -2 - i, 0;
        int c = (int)x;
        if (!walk(nodes, c, depth + 1, colour, bad, deep)) return 0;
    }
    colour[i] = 2;
    return 1;
}

static smp_status check_gltf_json(const char *path, const char *json, size_t size, smp_error *err) {
    smp_json_fault f;
    if (!smp_json_strict(json, size, &(smp_json_rules){.max_depth = GLTF_JSON_DEPTH_MAX}, &f))
        return smp_error_set(err, SMP_ERR_FORMAT, "%s: the glTF's JSON, at %d:%d: %s", path, f.line,
                             f.column, f.what);
    cJSON *root = cJSON_ParseWithLength(json, size);
    if (!root) return smp_error_set(err, SMP_ERR_NOMEM, "%s: out of memory reading its JSON", path);
    const cJSON *nodes = cJSON_GetObjectItemCaseSensitive(root, "nodes");
    int n = cJSON_IsArray(nodes) ? cJSON_GetArraySize(nodes) : 0;
    unsigned char *colour = calloc((size_t)n + 1, 1);
    smp_status st = colour ? SMP_OK : smp_error_set(err, SMP_ERR_NOMEM, "%s: out of memory", path);
    for (int i = 0; st == SMP_OK && i < n; ++i) {
        int bad = -1, deep = 0;
        if (walk(nodes, i, 0, colour, &bad, &deep)) continue;
        if (deep)
            st = smp_error_set(err, SMP_ERR_FORMAT,
                               "%s: the glTF's node hierarchy is more than %d levels deep", path,
                               NODE_DEPTH_MAX);
        else if (bad <= -2)
            st = smp_error_set(err, SMP_ERR_FORMAT,
                               "%s: glTF node %d has a child that is not a node index", path,
                               -2 - bad);
        else
            st = smp_error_set(err, SMP_ERR_FORMAT,
                               "%s: the glTF's nodes loop: node %d is its own ancestor", path, bad);
    }
    free(colour);
    cJSON_Delete(root);
    return st;
}

static smp_status check_gltf(const char *path, int binary, double file_size, smp_error *err) {
    if (file_size > 256.0 * 1048576.0 && !binary)
        return SMP_OK; /* a JSON that large holds its buffers inline: left to the importer */
    char *data = NULL;
    size_t size = 0;
    smp_status st = smp_read_file(path, binary ? 64 * 1048576 : 256 * 1048576, &data, &size, err);
    if (st != SMP_OK) {
        /* a GLB over 64 MiB: its buffers are large, not its JSON; the importer checks it */
        if (binary && st == SMP_ERR_INVALID_ARG) return SMP_OK;
        return st;
    }
    if (!binary) {
        st = check_gltf_json(path, data, size, err);
    } else {
        const unsigned char *b = (const unsigned char *)data;
#define LE32(p)                                                                                    \
    ((uint32_t)(p)[0] | (uint32_t)(p)[1] << 8 | (uint32_t)(p)[2] << 16 | (uint32_t)(p)[3] << 24)
        if (size < 20 || memcmp(b, "glTF", 4) != 0)
            st = smp_error_set(err, SMP_ERR_FORMAT, "%s: not a GLB file (it must begin 'glTF')",
                               path);
        else if (LE32(b + 8) > size)
            st = smp_error_set(err, SMP_ERR_FORMAT,
                               "%s: the GLB header gives a length of %u bytes, the file has %zu",
                               path, LE32(b + 8), size);
        else if (LE32(b + 12) > size - 20 || memcmp(b + 16, "JSON", 4) != 0)
            st = smp_error_set(err, SMP_ERR_FORMAT,
                               "%s: the GLB's first chunk is not JSON of at most %zu bytes (it "
                               "says %u)",
                               path, size - 20, LE32(b + 12));
        else
            st = check_gltf_json(path, data + 20, LE32(b + 12), err);
#undef LE32
    }
    free(data);
    return st;
}

/* --- COLLADA: node instances that loop, and negative array counts ------------------------ */

static smp_status check_dae(const char *path, double file_size, smp_error *err) {
    if (file_size > 256.0 * 1048576.0) return SMP_OK;
    char *text = NULL;
    size_t size = 0;
    smp_status st = smp_read_file(path, 256 * 1048576, &text, &size, err);
    if (st != SMP_OK) return st;
    /* counts that cannot be: a negative or huge float_array, ... */
    for (const char *p = strstr(text, "count=\""); p; p = strstr(p + 7, "count=\"")) {
        char *stop;
        errno = 0;
        long long n = strtoll(p + 7, &stop, 10);
        if (*stop != '"' || errno || n < 0 || (double)n > (double)size) {
            int line = 1;
            for (const char *q = text; q < p; ++q) line += *q == '\n';
            int len = (int)strcspn(p + 7, "\"<>\n");
            smp_error_set(err, SMP_ERR_FORMAT,
                          "%s:%d: count=\"%.*s\": expected a count from 0 to the file's size", path,
                          line, len < 24 ? len : 24, p + 7);
            free(text); /* after the message: it quotes the text */
            return SMP_ERR_FORMAT;
        }
    }
    /* <instance_node url="#X"> inside node X itself, or inside one of X's descendants, makes
     * the hierarchy infinite: the ids of the nodes open around each instance are checked */
    enum { OPEN_MAX = NODE_DEPTH_MAX };
    const char *open_id[OPEN_MAX];
    size_t open_len[OPEN_MAX];
    int depth = 0;
    for (const char *p = strchr(text, '<'); p && st == SMP_OK; p = strchr(p + 1, '<')) {
        if (strncmp(p, "<node", 5) == 0 && (p[5] == ' ' || p[5] == '>' || p[5] == '/')) {
            const char *close = strchr(p, '>');
            if (!close) break;
            if (close[-1] == '/') continue; /* <node/> opens nothing */
            if (depth == OPEN_MAX) {
                st = smp_error_set(err, SMP_ERR_FORMAT,
                                   "%s: COLLADA nodes nested more than %d deep", path, OPEN_MAX);
                break;
            }
            const char *id = strstr(p, " id=\"");
            open_id[depth] = id && id < close ? id + 5 : NULL;
            open_len[depth] = open_id[depth] ? strcspn(open_id[depth], "\"") : 0;
            ++depth;
        } else if (strncmp(p, "</node>", 7) == 0) {
            if (depth) --depth;
        } else if (strncmp(p, "<instance_node", 14) == 0) {
            const char *url = strstr(p, "url=\"#"), *close = strchr(p, '>');
            if (!url || (close && url > close)) continue;
            url += 6;
            size_t len = strcspn(url, "\"");
            for (int k = 0; k < depth; ++k)
                if (open_id[k] && open_len[k] == len && memcmp(open_id[k], url, len) == 0) {
                    int line = 1;
                    for (const char *q = text; q < p; ++q) line += *q == '\n';
                    st = smp_error_set(err, SMP_ERR_FORMAT,
                                       "%s:%d: node '%.*s' instances itself (the hierarchy would "
                                       "never end)",
                                       path, line, (int)(len < 80 ? len : 80), url);
                    break;
                }
        }
    }
    free(text);
    return st;
}

smp_status mesh_precheck(const char *path, smp_error *err) {
    struct stat sb;
    if (stat(path, &sb) != 0)
        return smp_error_set(err, errno == ENOENT ? SMP_ERR_INVALID_ARG : SMP_ERR_IO,
                             "%s: cannot open the mesh file: %s", path, strerror(errno));
    if (S_ISDIR(sb.st_mode))
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "%s: is a directory, not a mesh file", path);
    if (!S_ISREG(sb.st_mode))
        return smp_error_set(err, SMP_ERR_INVALID_ARG,
                             "%s: is a %s, not a mesh file (only regular files are read)", path,
                             S_ISFIFO(sb.st_mode)                         ? "FIFO"
                             : S_ISCHR(sb.st_mode) || S_ISBLK(sb.st_mode) ? "device"
                             : S_ISSOCK(sb.st_mode)                       ? "socket"
                                                                          : "special file");
    double size = (double)sb.st_size;
    if (size == 0)
        return smp_error_set(err, SMP_ERR_FORMAT, "%s: the file is empty (no triangles)", path);
    if (size > MESH_BYTES_MAX)
        return smp_error_set(err, SMP_ERR_FORMAT,
                             "%s: %.1f GiB, more than the %.0f GiB a head mesh may be", path,
                             size / 1073741824.0, MESH_BYTES_MAX / 1073741824.0);
    const char *ext = extension(path);
    int ply = strcasecmp(ext, "ply") == 0, off = strcasecmp(ext, "off") == 0,
        stl = strcasecmp(ext, "stl") == 0;
    if (ply || off || stl) { /* their headers: the first bytes */
        char *buf = malloc(HEADER_MAX + 1);
        size_t got = 0;
        smp_status st = buf ? head_bytes(path, buf, &got, err)
                            : smp_error_set(err, SMP_ERR_NOMEM, "%s: out of memory", path);
        if (st == SMP_OK)
            st = ply   ? check_ply(path, buf, size, err)
                 : off ? check_off(path, buf, size, err)
                       : check_stl(path, buf, got, size, err);
        free(buf);
        return st;
    }
    if (strcasecmp(ext, "gltf") == 0) return check_gltf(path, 0, size, err);
    if (strcasecmp(ext, "glb") == 0) return check_gltf(path, 1, size, err);
    if (strcasecmp(ext, "dae") == 0) return check_dae(path, size, err);
    return SMP_OK; /* OBJ, ZAE and the rest: the importer's process and its limits */
}
