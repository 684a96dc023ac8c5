/* The mesh reader on Assimp: every format it knows, triangulated, with transforms applied and
 * the axes its metadata states.
 *
 * Assimp runs in a child process with limits on memory, stack and time, and hands the mesh
 * back through a pipe: a crafted file that crashes it, hangs it or makes it allocate without
 * end ends that child, never the program, and becomes an input error naming the file.
 *
 * The child is this same executable started afresh (fork, then exec of /proc/self/exe), not
 * a bare fork: the viewer reads on a worker thread while other threads allocate and load GL
 * drivers, and a forked copy of that moment inherits their locks with nobody to release
 * them. The fresh process finds its orders in two environment variables before main runs
 * (reader_entry below), reads, answers and exits; every program linking this reader is such a
 * child when asked, the tests included. */
#define _GNU_SOURCE /* pipe2, environ, kill, setrlimit alongside POSIX 2008 */
#include "mesh_read.h"

#include <assimp/cimport.h>
#include <assimp/postprocess.h>
#include <assimp/scene.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "smp/clock.h"

/* Assimp's generic metadata keys for formats that state their axes (FBX does; glTF and
 * COLLADA are converted to +Y up by Assimp itself). */
static int meta_int(const struct aiScene *scene, const char *key, int *out) {
    const struct aiMetadata *md = scene->mMetaData;
    if (!md) return 0;
    for (unsigned i = 0; i < md->mNumProperties; ++i) {
        if (strcmp(md->mKeys[i].data, key) != 0 || md->mValues[i].mType != AI_INT32) continue;
        *out = *(const int32_t *)md->mValues[i].mData;
        return 1;
    }
    return 0;
}

static smp_axis meta_axis(const struct aiScene *scene, const char *axis_key, const char *sign_key) {
    int axis, sign = 1;
    if (!meta_int(scene, axis_key, &axis) || axis < 0 || axis > 2) return SMP_AXIS_AUTO;
    meta_int(scene, sign_key, &sign);
    return (smp_axis)(SMP_AXIS_POS_X + 2 * axis + (sign < 0));
}

static smp_status read_in_process(const char *path, mesh_read_result *rr, smp_error *err) {
    memset(rr, 0, sizeof *rr);
    FILE *probe = fopen(path, "rb");
    if (!probe)
        return smp_error_set(err, errno == ENOENT ? SMP_ERR_INVALID_ARG : SMP_ERR_IO,
                             "%s: cannot open the mesh file: %s", path, strerror(errno));
    fclose(probe);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "%s: is a directory, not a mesh file", path);
    const struct aiScene *scene =
        aiImportFile(path, aiProcess_Triangulate | aiProcess_PreTransformVertices |
                               aiProcess_SortByPType | aiProcess_ValidateDataStructure);
    if (!scene) {
        /* Assimp's validation refuses a file whose meshes have no faces before we see it. */
        const char *why = aiGetErrorString();
        if (strstr(why, "no faces") || strstr(why, "no vertices"))
            return smp_error_set(err, SMP_ERR_FORMAT,
                                 "%s: the file holds no triangles (empty mesh; %s)", path, why);
        return smp_error_set(err, SMP_ERR_FORMAT, "%s: not a mesh file that can be read (%s)", path,
                             why);
    }
    uint64_t nv = 0, nt = 0;
    int uvs = 1;
    for (unsigned i = 0; i < scene->mNumMeshes; ++i) {
        const struct aiMesh *am = scene->mMeshes[i];
        if (!(am->mPrimitiveTypes & aiPrimitiveType_TRIANGLE)) continue;
        nv += am->mNumVertices;
        for (unsigned f = 0; f < am->mNumFaces; ++f) nt += am->mFaces[f].mNumIndices == 3;
        uvs &= am->mTextureCoords[0] != NULL;
    }
    if (nt == 0 || nv < 3) {
        aiReleaseImport(scene);
        return smp_error_set(err, SMP_ERR_FORMAT, "%s: the file holds no triangles (empty mesh)",
                             path);
    }
    if (nv > UINT32_MAX / 4 || nt > UINT32_MAX / 8) {
        aiReleaseImport(scene);
        return smp_error_set(err, SMP_ERR_FORMAT, "%s: %llu triangles is more than supported", path,
                             (unsigned long long)nt);
    }
    smp_status s = smp_mesh_alloc(&rr->mesh, (uint32_t)nv, (uint32_t)nt, err);
    if (s != SMP_OK) {
        aiReleaseImport(scene);
        return s;
    }
    uint32_t base = 0, tri = 0;
    for (unsigned i = 0; i < scene->mNumMeshes; ++i) {
        const struct aiMesh *am = scene->mMeshes[i];
        if (!(am->mPrimitiveTypes & aiPrimitiveType_TRIANGLE)) continue;
        for (unsigned v = 0; v < am->mNumVertices; ++v) {
            const struct aiVector3D p = am->mVertices[v];
            if (!isfinite(p.x) || !isfinite(p.y) || !isfinite(p.z)) {
                smp_mesh_free(&rr->mesh);
                aiReleaseImport(scene);
                return smp_error_set(err, SMP_ERR_FORMAT,
                                     "%s: vertex %u (of mesh %u) is not a finite number: "
                                     "(%g, %g, %g)",
                                     path, v, i, (double)p.x, (double)p.y, (double)p.z);
            }
            float *dst = rr->mesh.positions + 3 * (size_t)(base + v);
            dst[0] = p.x, dst[1] = p.y, dst[2] = p.z;
            float *uv = rr->mesh.uvs + 2 * (size_t)(base + v);
            uv[0] = uvs ? am->mTextureCoords[0][v].x : 0.0f;
            uv[1] = uvs ? am->mTextureCoords[0][v].y : 0.0f;
            if (!isfinite(uv[0]) || !isfinite(uv[1])) uv[0] = uv[1] = 0.0f;
        }
        for (unsigned f = 0; f < am->mNumFaces; ++f) {
            if (am->mFaces[f].mNumIndices != 3) continue;
            for (int k = 0; k < 3; ++k) {
                unsigned idx = am->mFaces[f].mIndices[k];
                if (idx >= am->mNumVertices) { /* Assimp validates this; never trust it blindly */
                    smp_mesh_free(&rr->mesh);
                    aiReleaseImport(scene);
                    return smp_error_set(err, SMP_ERR_FORMAT,
                                         "%s: face %u of mesh %u uses vertex %u of %u", path, f, i,
                                         idx, am->mNumVertices);
                }
                rr->mesh.indices[3 * (size_t)tri + k] = base + idx;
            }
            ++tri;
        }
        base += am->mNumVertices;
    }
    memset(rr->mesh.normals, 0, sizeof(float) * 3 * rr->mesh.vertex_count);
    rr->has_uvs = uvs;
    rr->meta_up = meta_axis(scene, "UpAxis", "UpAxisSign");
    rr->meta_facing = meta_axis(scene, "FrontAxis", "FrontAxisSign");
    aiReleaseImport(scene);
    return SMP_OK;
}

int smp_mesh_import_available(void) { return 1; }

/* ---- the child process ------------------------------------------------------------------ */

/* What the child sends first; the mesh's arrays follow when status is SMP_OK. */
typedef struct reply {
    uint32_t magic;
    int32_t status;
    char message[SMP_ERROR_MESSAGE_MAX];
    uint32_t vertex_count, triangle_count;
    int32_t has_uvs, meta_up, meta_facing;
} reply;

enum { REPLY_MAGIC = 0x534d5052u /* "SMPR" */ };

static int write_all(int fd, const void *data, size_t size) {
    const char *p = data;
    while (size) {
        ssize_t n = write(fd, p, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return 0;
        p += n, size -= (size_t)n;
    }
    return 1;
}

static void limit(int resource, rlim_t value) {
    struct rlimit r;
    if (getrlimit(resource, &r) != 0) return;
    r.rlim_cur = r.rlim_max != RLIM_INFINITY && value > r.rlim_max ? r.rlim_max : value;
    setrlimit(resource, &r);
}

static _Noreturn void child_main(const char *path, int fd) {
    mesh_read_result rr;
    smp_error err = {0};
    reply r = {.magic = REPLY_MAGIC};
    r.status = (int32_t)read_in_process(path, &rr, &err);
    memcpy(r.message, err.message, sizeof r.message);
    if (r.status == SMP_OK) {
        const smp_mesh *m = &rr.mesh;
        r.vertex_count = m->vertex_count, r.triangle_count = m->triangle_count;
        r.has_uvs = rr.has_uvs, r.meta_up = (int32_t)rr.meta_up;
        r.meta_facing = (int32_t)rr.meta_facing;
    }
    int ok = write_all(fd, &r, sizeof r);
    if (ok && r.status == SMP_OK) {
        const smp_mesh *m = &rr.mesh;
        ok = write_all(fd, m->positions, sizeof(float) * 3 * m->vertex_count) &&
             write_all(fd, m->uvs, sizeof(float) * 2 * m->vertex_count) &&
             write_all(fd, m->indices, sizeof(uint32_t) * 3 * m->triangle_count);
    }
    _exit(ok ? 0 : 3);
}

enum { EXIT_NO_START = 127 }; /* the child could not become a reader */

#define READER_FD   "SMP_MESH_READER_FD"
#define READER_PATH "SMP_MESH_READER_PATH"

/* Runs before main in every process: the reader's child reads and exits here; any other
 * process goes on as if nothing happened. */
__attribute__((constructor)) static void reader_entry(void) {
    const char *fd_text = getenv(READER_FD), *path = getenv(READER_PATH);
    if (!fd_text) return;
    char *end;
    long fd = strtol(fd_text, &end, 10);
    if (!path || *end || fd < 0 || fd > 65535) _exit(EXIT_NO_START);
    child_main(path, (int)fd);
}

/* ---- the parent ------------------------------------------------------------------------- */

/* Reads exactly size bytes before the deadline (ms on smp_clock_ms); 0 at end of file, -1 at
 * the deadline. */
static int read_until(int fd, void *data, size_t size, double deadline_ms) {
    char *p = data;
    while (size) {
        double left = deadline_ms - smp_clock_ms();
        if (left <= 0) return -1;
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int ready = poll(&pfd, 1, left > 1e6 ? 1000000 : (int)left + 1);
        if (ready < 0 && errno == EINTR) continue;
        if (ready == 0) continue; /* the deadline is checked above */
        ssize_t n = read(fd, p, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return 0;
        p += n, size -= (size_t)n;
    }
    return 1;
}

/* Why the child ended without a mesh. */
static smp_status child_failed(const char *path, pid_t pid, int timed_out,
                               const mesh_read_limits *lim, smp_error *err) {
    int status = 0;
    if (timed_out) kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (timed_out || (WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU))
        return smp_error_set(err, SMP_ERR_FORMAT,
                             "%s: the mesh importer failed (gave no answer in %d s)", path,
                             lim->seconds);
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        const char *name = sig == SIGSEGV   ? "SIGSEGV"
                           : sig == SIGABRT ? "SIGABRT"
                           : sig == SIGBUS  ? "SIGBUS"
                           : sig == SIGFPE  ? "SIGFPE"
                           : sig == SIGILL  ? "SIGILL"
                           : sig == SIGKILL ? "SIGKILL"
                                            : "a signal";
        return smp_error_set(err, SMP_ERR_FORMAT, "%s: the mesh importer failed (crashed with %s)",
                             path, name);
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_NO_START)
        return smp_error_set(err, SMP_ERR_IO,
                             "%s: cannot start the mesh importer (/proc/self/exe could not be run "
                             "again)",
                             path);
    return smp_error_set(err, SMP_ERR_FORMAT,
                         "%s: the mesh importer failed (exited with status %d, no mesh)", path,
                         WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* "4.0 GiB", or "256 MiB" below a GiB. */
static void format_bytes(double bytes, char *out, size_t size) {
    if (bytes >= 1073741824.0)
        snprintf(out, size, "%.1f GiB", bytes / 1073741824.0);
    else
        snprintf(out, size, "%.0f MiB", bytes / 1048576.0);
}

/* The child's answer: an error (passed on as it was, or out of memory named), or the mesh. */
static smp_status take_reply(const char *path, int fd, const reply *r, double deadline_ms,
                             const mesh_read_limits *lim, mesh_read_result *rr, smp_error *err) {
    if (r->status != SMP_OK) {
        smp_error e = {.status = (smp_status)r->status};
        memcpy(e.message, r->message, sizeof e.message);
        e.message[sizeof e.message - 1] = '\0';
        if (e.status == SMP_ERR_NOMEM || strstr(e.message, "bad_alloc") ||
            strstr(e.message, "bad allocation")) {
            char limit_text[32];
            format_bytes(lim->memory_bytes, limit_text, sizeof limit_text);
            return smp_error_set(err, SMP_ERR_FORMAT, "%s: the mesh importer failed (exceeded %s)",
                                 path, limit_text);
        }
        *err = e;
        return e.status;
    }
    smp_status st = smp_mesh_alloc(&rr->mesh, r->vertex_count, r->triangle_count, err);
    if (st != SMP_OK) return st;
    smp_mesh *m = &rr->mesh;
    if (read_until(fd, m->positions, sizeof(float) * 3 * m->vertex_count, deadline_ms) != 1 ||
        read_until(fd, m->uvs, sizeof(float) * 2 * m->vertex_count, deadline_ms) != 1 ||
        read_until(fd, m->indices, sizeof(uint32_t) * 3 * m->triangle_count, deadline_ms) != 1) {
        smp_mesh_free(m);
        return smp_error_set(err, SMP_ERR_IO,
                             "%s: the mesh importer failed (its answer was cut short)", path);
    }
    memset(m->normals, 0, sizeof(float) * 3 * m->vertex_count);
    rr->has_uvs = r->has_uvs;
    rr->meta_up = (smp_axis)r->meta_up, rr->meta_facing = (smp_axis)r->meta_facing;
    return SMP_OK;
}

/* The child's environment: the parent's, less any reader orders, plus its own. */
static char **child_environment(const char *path, int fd) {
    size_t n = 0;
    while (environ[n]) ++n;
    char **env = calloc(n + 3, sizeof *env);
    size_t path_size = strlen(READER_PATH) + strlen(path) + 2;
    char *fd_entry = malloc(32), *path_entry = malloc(path_size);
    if (!env || !fd_entry || !path_entry) {
        free(env), free(fd_entry), free(path_entry);
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; ++i)
        if (strncmp(environ[i], "SMP_MESH_READER_", 16) != 0) env[k++] = environ[i];
    snprintf(fd_entry, 32, READER_FD "=%d", fd);
    snprintf(path_entry, path_size, READER_PATH "=%s", path);
    env[k++] = fd_entry, env[k++] = path_entry;
    return env;
}

static void free_environment(char **env) {
    size_t k = 0;
    while (env[k]) ++k;
    free(env[k - 2]), free(env[k - 1]); /* the two entries of our own */
    free(env);
}

/* Between fork and exec only async-signal-safe calls: the limits, the pipe kept open across
 * exec, the signal mask cleared (a worker thread's mask is inherited), then the new image. */
static _Noreturn void start_child(int fd, const mesh_read_limits *lim, char **env) {
    if (fcntl(fd, F_SETFD, 0) != 0) _exit(EXIT_NO_START);
#if !defined(__SANITIZE_ADDRESS__) /* AddressSanitizer reserves terabytes of address space */
    limit(RLIMIT_AS, (rlim_t)lim->memory_bytes);
#endif
    limit(RLIMIT_STACK, (rlim_t)64 << 20);
    limit(RLIMIT_CPU, (rlim_t)lim->seconds + 1);
    limit(RLIMIT_CORE, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    char *argv[] = {"smp-mesh-reader", NULL};
    execve("/proc/self/exe", argv, env);
    _exit(EXIT_NO_START);
}

smp_status mesh_read_file(const char *path, const mesh_read_limits *lim, mesh_read_result *rr,
                          smp_error *err) {
    memset(rr, 0, sizeof *rr);
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return smp_error_set(err, SMP_ERR_IO, "%s: cannot start the mesh importer: %s", path,
                             strerror(errno));
    char **env = child_environment(path, fds[1]);
    if (!env) {
        close(fds[0]), close(fds[1]);
        return smp_error_set(err, SMP_ERR_NOMEM, "%s: cannot start the mesh importer: %s", path,
                             strerror(ENOMEM));
    }
    pid_t pid = fork();
    if (pid == 0) start_child(fds[1], lim, env);
    int fork_errno = errno;
    free_environment(env);
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        return smp_error_set(err, SMP_ERR_IO, "%s: cannot start the mesh importer: %s", path,
                             strerror(fork_errno));
    }
    const double deadline = smp_clock_ms() + 1000.0 * lim->seconds;
    reply r;
    int got = read_until(fds[0], &r, sizeof r, deadline);
    smp_status st;
    if (got != 1 || r.magic != REPLY_MAGIC) {
        st = child_failed(path, pid, got < 0, lim, err);
    } else {
        st = take_reply(path, fds[0], &r, deadline, lim, rr, err);
        kill(pid, SIGKILL); /* done with it, whatever it was doing */
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
        }
    }
    close(fds[0]);
    return st;
}
