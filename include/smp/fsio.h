/*
 * smp/fsio.h — files written whole or not at all.
 *
 * Every output of smpsim (images, scenes, sheets) goes through an smp_atomic_file: the bytes
 * are written to a temporary file in the destination's directory, flushed to disk, and renamed
 * over the destination only when the writer commits. A crash, a full disk or an error leaves the
 * previous file (or no file) in place, never a half-written one.
 *
 *   smp_atomic_file f;
 *   if (smp_atomic_file_open(&f, "out/head.png", &err) != SMP_OK) return err.status;
 *   fwrite(..., f.stream);
 *   return smp_atomic_file_commit(&f, &err);   // or smp_atomic_file_abort(&f) on failure
 *
 * Does NOT: lock files, or create parent directories (smp_mkdir_p does that).
 */
#ifndef SMP_FSIO_H
#define SMP_FSIO_H

#include <stdio.h>

#include "smp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { SMP_PATH_MAX = 4096 };

typedef struct smp_atomic_file {
    FILE *stream;                 /* write here between open and commit/abort */
    char path[SMP_PATH_MAX];      /* final destination (a link's target, not the link) */
    char temp_path[SMP_PATH_MAX]; /* ".NAME.smp-XXXXXX" beside it, until commit */
    int slot;                     /* its place in the list removed on a signal */
} smp_atomic_file;

/* What an output at path replaces, checked before any work: a new file, a regular file, or
 * the target of a symbolic link (written to target, the link itself stays). A directory, a
 * device, a FIFO or a socket is refused (SMP_ERR_INVALID_ARG naming path): smpsim writes only
 * regular files, so `--out /dev/full` is an error, never a replaced device node. */
smp_status smp_output_path_check(const char *path, char *target, size_t target_size,
                                 smp_error *err);

/* Temporary files removed if SIGINT, SIGTERM or SIGHUP ends the process (the default action of
 * those signals is replaced once, by one that removes them and then dies by the signal; a
 * handler the program set itself is kept). Returns a slot for smp_temp_unregister, or -1 when
 * all 16 are taken. */
int smp_temp_register(const char *path);
void smp_temp_unregister(int slot);

/* Creates a temporary file beside path, after smp_output_path_check. On failure nothing is
 * created and f->stream is NULL. */
smp_status smp_atomic_file_open(smp_atomic_file *f, const char *path, smp_error *err);

/* Flushes, syncs and renames the temporary file onto the destination. Whether it succeeds or
 * fails, the temporary file is gone afterwards and f->stream is NULL. */
smp_status smp_atomic_file_commit(smp_atomic_file *f, smp_error *err);

/* Discards what was written. Safe to call on a file already committed or aborted. */
void smp_atomic_file_abort(smp_atomic_file *f);

/* Creates dir and any missing parents (like mkdir -p). Succeeds if it already exists. */
smp_status smp_mkdir_p(const char *dir, smp_error *err);

/* Checks that dir exists (or can be created) and that a file can be created in it, by
 * creating and removing a probe file. Lets a command fail before any expensive work starts. */
smp_status smp_check_writable_dir(const char *dir, smp_error *err);

/* An output file's place, before any work: its directory as smp_check_writable_dir, the path
 * as smp_output_path_check. */
smp_status smp_check_output_file(const char *path, smp_error *err);

/* Removes the temporary files of path (".NAME.smp-PID-..." beside it) whose writing process no
 * longer exists: what a run killed with SIGKILL, which no handler sees, left behind. A file of
 * a process still alive is kept, whoever it is. Every atomic write calls it for its path. */
void smp_remove_stale_temps(const char *path);

/* Reads a whole file into a NUL-terminated malloc'ed buffer (*size excludes the NUL), at most
 * max_bytes of it (0 = SMP_READ_FILE_MAX): a longer file, or an endless one (/dev/zero, a
 * FIFO that keeps writing), is refused once max_bytes + 1 have been read, SMP_ERR_INVALID_ARG
 * naming the limit; so is a directory. A FIFO is opened without waiting for a writer: what a
 * writer has sent is read to its end, and with none it reads as empty. Memory: the file's
 * size, doubling as it grows. */
enum { SMP_READ_FILE_MAX = 64 << 20 };
smp_status smp_read_file(const char *path, size_t max_bytes, char **data, size_t *size,
                         smp_error *err);

#ifdef __cplusplus
}
#endif
#endif
