/* The files the viewer opens and saves: by name, from the browser, from the recent list (kept
 * across runs) or dropped on the window; a scene (view_state.c opens and saves it) or a mesh
 * (the head of the scene on screen). */
#define _DEFAULT_SOURCE /* realpath, mkstemps */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "smp/fsio.h"
#include "view.h"

/* --- what a file is ---------------------------------------------------------------------- */

static const char *extension(const char *path) {
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    return dot && (!slash || dot > slash) ? dot + 1 : "";
}

view_file_kind view_file_kind_of(const char *path) {
    static const char *const meshes[] = {"obj", "ply", "stl", "gltf", "glb", "dae", "zae", "off"};
    const char *ext = extension(path);
    if (strcasecmp(ext, "json") == 0) return VIEW_FILE_SCENE;
    for (size_t i = 0; i < sizeof meshes / sizeof meshes[0]; ++i)
        if (strcasecmp(ext, meshes[i]) == 0) return VIEW_FILE_MESH;
    return VIEW_FILE_OTHER;
}

/* --- recent files ------------------------------------------------------------------------ */

/* $XDG_CONFIG_HOME/smpsim/recent, else ~/.config/smpsim/recent; 0 when neither is known. */
static int recent_path(char *out, size_t size, int make_dir) {
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    char dir[VIEW_PATH_MAX];
    int n = xdg && *xdg     ? snprintf(dir, sizeof dir, "%s/smpsim", xdg)
            : home && *home ? snprintf(dir, sizeof dir, "%s/.config/smpsim", home)
                            : -1;
    if (n < 0 || (size_t)n >= sizeof dir) return 0;
    if (make_dir) {
        char parent[VIEW_PATH_MAX];
        snprintf(parent, sizeof parent, "%s", dir);
        char *slash = strrchr(parent, '/');
        if (slash && slash != parent) *slash = '\0', mkdir(parent, 0755);
        if (mkdir(dir, 0755) != 0 && errno != EEXIST) return 0;
    }
    return (size_t)snprintf(out, size, "%s/recent", dir) < size;
}

void view_recent_load(viewer *v) {
    v->recent_count = 0;
    char path[VIEW_PATH_MAX + 16];
    if (!recent_path(path, sizeof path, 0)) return;
    FILE *f = fopen(path, "r");
    if (!f) return;
    char line[VIEW_PATH_MAX + 2];
    while (v->recent_count < VIEW_RECENT_MAX && fgets(line, sizeof line, f)) {
        size_t n = strcspn(line, "\r\n");
        if (n == 0 || n >= VIEW_PATH_MAX) continue; /* empty, or cut: not a path */
        line[n] = '\0';
        memcpy(v->recent[v->recent_count++], line, n + 1);
    }
    fclose(f);
}

void view_recent_add(viewer *v, const char *path) {
    char full[VIEW_PATH_MAX];
    if (!realpath(path, full)) return; /* gone already: nothing to offer again */
    int at = v->recent_count < VIEW_RECENT_MAX ? v->recent_count : VIEW_RECENT_MAX - 1;
    for (int i = 0; i < v->recent_count; ++i)
        if (strcmp(v->recent[i], full) == 0) at = i;
    memmove(v->recent[1], v->recent[0], (size_t)at * sizeof v->recent[0]);
    memcpy(v->recent[0], full, strlen(full) + 1);
    if (at == v->recent_count) ++v->recent_count;
    /* kept for the next run; a list that cannot be written is only a convenience lost */
    char file[VIEW_PATH_MAX + 16];
    smp_atomic_file f;
    smp_error err = {0};
    if (!recent_path(file, sizeof file, 1) || smp_atomic_file_open(&f, file, &err) != SMP_OK)
        return;
    for (int i = 0; i < v->recent_count; ++i) fprintf(f.stream, "%s\n", v->recent[i]);
    smp_atomic_file_commit(&f, &err);
}

/* --- opening and saving ------------------------------------------------------------------ */

smp_status view_open_file(viewer *v, const char *path, smp_error *err) {
    switch (view_file_kind_of(path)) {
    case VIEW_FILE_SCENE:
        if (view_open(v, path, err) != SMP_OK) return err->status;
        break;
    case VIEW_FILE_MESH: {
        /* the same client on another head: read in the background, through the importer's
         * own process, so a mesh that cannot be read is refused and the head stays */
        char full[VIEW_PATH_MAX];
        struct stat sb;
        if (!realpath(path, full) || stat(full, &sb) != 0 || !S_ISREG(sb.st_mode)) {
            smp_error_set(err, SMP_ERR_IO, "%s: %s", path,
                          errno ? strerror(errno) : "not a regular file");
            view_message(v, 1, "%s", err->message);
            return err->status;
        }
        smp_scene *edited = malloc(sizeof *edited);
        if (!edited) return smp_error_set(err, SMP_ERR_NOMEM, "out of memory opening %s", path);
        *edited = v->scene;
        snprintf(edited->head.mesh, sizeof edited->head.mesh, "%s", full);
        smp_status st = view_edit(v, edited, err);
        free(edited);
        if (st != SMP_OK) return st;
        view_message(v, 0, "reading the head %s", full);
        break;
    }
    default:
        smp_error_set(err, SMP_ERR_INVALID_ARG,
                      "%s: not a scene (.json) or a mesh (.obj .ply .stl .gltf .glb .dae .zae "
                      ".off); nothing opened",
                      path);
        view_message(v, 1, "%s", err->message);
        return err->status;
    }
    view_recent_add(v, path);
    return SMP_OK;
}

smp_status view_save_file(viewer *v, const char *path, smp_error *err) {
    if (view_save(v, path, err) != SMP_OK) return err->status;
    view_recent_add(v, path);
    return SMP_OK;
}

/* --- the report --------------------------------------------------------------------------- */

/* The report is `smpsim report` run by this very program in its own process, on the scene as
 * edited (saved to a temporary file) and the scenario compared: it renders headless on its
 * own GL context while the window stays live, and its PDF is written atomically. */
smp_status view_report_start(viewer *v, const char *path, smp_error *err) {
    if (v->report_pid > 0)
        return smp_error_set(err, SMP_ERR_INVALID_ARG, "a report is being written");
    if (smp_check_output_file(path, err) != SMP_OK) {
        smp_error_prefix(err, "report");
        err->status = SMP_ERR_INVALID_ARG; /* the path asked for, as the commands' --out */
        view_message(v, 1, "%s", err->message);
        return err->status;
    }
    char scene[64] = "/tmp/smpsim-report-XXXXXX.json", log[64] = "/tmp/smpsim-report-XXXXXX.log";
    int fd = mkstemps(scene, 5), lfd = fd >= 0 ? mkstemps(log, 4) : -1;
    char *json = smp_scene_to_json(&v->scene);
    size_t n = json ? strlen(json) : 0;
    int ok = fd >= 0 && lfd >= 0 && json && write(fd, json, n) == (ssize_t)n;
    free(json);
    if (fd >= 0) close(fd);
    if (!ok) {
        if (fd >= 0) unlink(scene);
        if (lfd >= 0) close(lfd), unlink(log);
        smp_error_set(err, SMP_ERR_IO, "report: the scene could not be handed over (%s)",
                      strerror(errno ? errno : EIO));
        view_message(v, 1, "%s", err->message);
        return err->status;
    }
    const char *argv[10] = {"smpsim", "report", scene, "--out", path, "-q"};
    int argc = 6;
    if (view_scenario_ready(v)) argv[argc++] = "--scenario", argv[argc++] = v->scenario_text;
    argv[argc] = NULL;
    pid_t pid = fork();
    if (pid == 0) { /* the child: async-signal-safe calls only until exec */
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) dup2(null, 1);
        dup2(lfd, 2);
        execv("/proc/self/exe", (char *const *)argv);
        _exit(127);
    }
    close(lfd);
    if (pid < 0) {
        unlink(scene), unlink(log);
        smp_error_set(err, SMP_ERR_IO, "report: no process to write it (%s)", strerror(errno));
        view_message(v, 1, "%s", err->message);
        return err->status;
    }
    v->report_pid = pid;
    snprintf(v->report_scene, sizeof v->report_scene, "%s", scene);
    snprintf(v->report_log, sizeof v->report_log, "%s", log);
    snprintf(v->report_path, sizeof v->report_path, "%s", path);
    view_message(v, 0, "writing the report %s", path);
    return SMP_OK;
}

/* The last line the report printed on stderr: why it failed. */
static void last_line(const char *path, char *out, size_t size) {
    *out = '\0';
    FILE *f = fopen(path, "r");
    if (!f) return;
    char line[512];
    while (fgets(line, sizeof line, f))
        if (line[0] != '\n') snprintf(out, size, "%s", line);
    fclose(f);
    out[strcspn(out, "\n")] = '\0';
}

int view_report_poll(viewer *v, int wait) {
    if (v->report_pid <= 0) return 0;
    int status = 0;
    pid_t done = waitpid(v->report_pid, &status, wait ? 0 : WNOHANG);
    if (done == 0) return 1;
    if (done == v->report_pid && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        view_message(v, 0, "wrote the report %s", v->report_path);
    } else {
        char why[512];
        last_line(v->report_log, why, sizeof why);
        view_message(v, 1, "the report %s was not written: %s", v->report_path,
                     why[0] ? why : "its process ended without saying why");
    }
    unlink(v->report_scene);
    unlink(v->report_log);
    v->report_pid = 0;
    return 0;
}

void view_report_abort(viewer *v) {
    if (v->report_pid <= 0) return;
    kill(v->report_pid, SIGTERM); /* it removes its temporary file: nothing half-written */
    waitpid(v->report_pid, NULL, 0);
    unlink(v->report_scene);
    unlink(v->report_log);
    v->report_pid = 0;
}

/* --- a folder's files -------------------------------------------------------------------- */

static int by_kind_then_name(const void *a, const void *b) {
    const view_entry *x = a, *y = b;
    if (x->is_dir != y->is_dir) return y->is_dir - x->is_dir;
    return strcmp(x->name, y->name);
}

smp_status view_browse_list(viewer *v, const char *dir, smp_error *err) {
    char full[VIEW_PATH_MAX];
    if (!realpath(dir, full)) return smp_error_set(err, SMP_ERR_IO, "%s: %s", dir, strerror(errno));
    DIR *d = opendir(full);
    if (!d) return smp_error_set(err, SMP_ERR_IO, "%s: %s", full, strerror(errno));
    view_entry *list = NULL;
    int count = 0, cap = 0;
    smp_status st = SMP_OK;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.') continue; /* hidden, and . and .. (the browser has Up) */
        char path[VIEW_PATH_MAX * 2];
        snprintf(path, sizeof path, "%s/%s", full, e->d_name);
        struct stat sb;
        if (stat(path, &sb) != 0 || strlen(e->d_name) >= sizeof list->name) continue;
        int is_dir = S_ISDIR(sb.st_mode);
        view_file_kind kind = view_file_kind_of(e->d_name);
        /* scenes, and meshes where the browser picks a head */
        if (!is_dir &&
            (!S_ISREG(sb.st_mode) || !(kind == VIEW_FILE_SCENE ||
                                       (kind == VIEW_FILE_MESH && v->browse == VIEW_BROWSE_MESH))))
            continue;
        if (count == cap) {
            cap = cap ? 2 * cap : 64;
            view_entry *grown = realloc(list, (size_t)cap * sizeof *list);
            if (!grown) {
                st = smp_error_set(err, SMP_ERR_NOMEM, "out of memory listing %s", full);
                break;
            }
            list = grown;
        }
        memcpy(list[count].name, e->d_name, strlen(e->d_name) + 1);
        list[count++].is_dir = is_dir;
    }
    closedir(d);
    if (st != SMP_OK) {
        free(list);
        return st;
    }
    qsort(list, (size_t)count, sizeof *list, by_kind_then_name);
    free(v->browse_entries);
    v->browse_entries = list;
    v->browse_count = count;
    memcpy(v->browse_dir, full, strlen(full) + 1);
    return SMP_OK;
}

void view_browse_start(viewer *v, view_browse_mode mode) {
    smp_error err = {0};
    v->browse = mode;
    v->browse_replace = 0;
    /* Save As: the Save field's folder when it names one; else where the scene came from;
     * else the working directory */
    char start[VIEW_PATH_MAX] = ".";
    const char *from =
        mode == VIEW_BROWSE_SAVE && strchr(v->save_path, '/') ? v->save_path : v->scene_path;
    const char *slash = strrchr(from, '/');
    if (slash && (size_t)(slash - from) < sizeof start) {
        memcpy(start, from, (size_t)(slash - from));
        start[slash - from] = '\0';
        if (!start[0]) snprintf(start, sizeof start, "/");
    }
    if (view_browse_list(v, start, &err) != SMP_OK && view_browse_list(v, ".", &err) != SMP_OK) {
        view_message(v, 1, "%s", err.message);
        v->browse = VIEW_BROWSE_OFF;
        return;
    }
    /* Save As offers the Save field's name (never the library file opened) */
    const char *save = strrchr(v->save_path, '/') ? strrchr(v->save_path, '/') + 1 : v->save_path;
    size_t n = mode == VIEW_BROWSE_SAVE ? strlen(save) : 0;
    if (n >= sizeof v->browse_name) n = 0; /* a name that long is not offered */
    memcpy(v->browse_name, save, n);
    v->browse_name[n] = '\0';
}

void view_browse_stop(viewer *v) {
    free(v->browse_entries);
    v->browse_entries = NULL;
    v->browse_count = 0;
    v->browse = VIEW_BROWSE_OFF;
}
