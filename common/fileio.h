/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <sys/types.h>

#include "macro.h"

/* Reads a whole file of at most max bytes (a larger file fails with -EFBIG),
 * NUL-terminated. dirfd may be AT_FDCWD. */
int read_full_file_at(int dirfd, const char *path, size_t max, char **ret, size_t *ret_size);
static inline int read_full_file(const char *path, size_t max, char **ret, size_t *ret_size) {
        return read_full_file_at(-100 /* AT_FDCWD */, path, max, ret, ret_size);
}
int read_full_fd(int fd, size_t max, char **ret, size_t *ret_size);

/* Writes through a temporary file in the same directory, fsyncs and renames,
 * so readers see the old or the new content, never a mix. */
int write_file_atomic_at(int dirfd, const char *path, const void *data, size_t size, mode_t mode);

int loop_write(int fd, const void *buf, size_t n);
ssize_t loop_read(int fd, void *buf, size_t n);

/* The start time of a process (field 22 of /proc/PID/stat), which tells a
 * live process from a later one that reused its PID. */
int proc_starttime(pid_t pid, unsigned long long *ret);

/* Reads a file holding one PID (and maybe a newline), as runtimes write
 * with --pid-file. -EBADMSG when it holds anything else. */
int read_pid_file_at(int dirfd, const char *path, pid_t *ret);

/* Strips trailing newline/whitespace in place. */
char *strstrip_trailing(char *s);
