/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "fileio.h"
#include "log.h"

ssize_t loop_read(int fd, void *buf, size_t n) {
        uint8_t *p = buf;
        size_t done = 0;

        while (done < n) {
                ssize_t k = read(fd, p + done, n - done);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (k == 0)
                        break;
                done += (size_t) k;
        }
        return (ssize_t) done;
}

int loop_write(int fd, const void *buf, size_t n) {
        const uint8_t *p = buf;

        while (n > 0) {
                ssize_t k = write(fd, p, n);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (k == 0)
                        return -EIO;
                p += k;
                n -= (size_t) k;
        }
        return 0;
}

int read_full_fd(int fd, size_t max, char **ret, size_t *ret_size) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0, alloc = 0;

        for (;;) {
                if (size + 1 >= alloc) {
                        size_t n = alloc ? alloc * 2 : 4096;
                        char *b;
                        if (n > max + 2)
                                n = max + 2;
                        if (n <= size + 1)
                                return -EFBIG;
                        b = realloc(buf, n);
                        if (!b)
                                return -ENOMEM;
                        buf = b;
                        alloc = n;
                }
                ssize_t k = read(fd, buf + size, alloc - size - 1);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (k == 0)
                        break;
                size += (size_t) k;
                if (size > max)
                        return -EFBIG;
        }
        if (!buf && !(buf = malloc(1)))
                return -ENOMEM;
        buf[size] = 0;
        *ret = TAKE_PTR(buf);
        if (ret_size)
                *ret_size = size;
        return 0;
}

int read_full_file_at(int dirfd, const char *path, size_t max, char **ret, size_t *ret_size) {
        _cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

        if (fd < 0)
                return -errno;
        return read_full_fd(fd, max, ret, ret_size);
}

int write_file_atomic_at(int dirfd, const char *path, const void *data, size_t size, mode_t mode) {
        _cleanup_free_ char *tmp = NULL;
        _cleanup_close_ int fd = -EBADF;
        uint64_t rnd;
        int r;

        if (getrandom(&rnd, sizeof rnd, 0) != sizeof rnd)
                rnd = (uint64_t) getpid() ^ (uint64_t) (uintptr_t) &rnd;
        if (asprintf(&tmp, "%s.tmp-%016llx", path, (unsigned long long) rnd) < 0)
                return -ENOMEM;

        fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
        if (fd < 0)
                return -errno;
        r = loop_write(fd, data, size);
        if (r >= 0 && fchmod(fd, mode) < 0)
                r = -errno;
        if (r >= 0 && fsync(fd) < 0)
                r = -errno;
        if (r >= 0 && renameat(dirfd, tmp, dirfd, path) < 0)
                r = -errno;
        if (r < 0)
                (void) unlinkat(dirfd, tmp, 0);
        return r;
}

int proc_starttime(pid_t pid, unsigned long long *ret) {
        char path[64];
        _cleanup_free_ char *buf = NULL;
        const char *p;
        int r;

        snprintf(path, sizeof path, "/proc/%d/stat", (int) pid);
        r = read_full_file(path, 4096, &buf, NULL);
        if (r < 0)
                return r;
        /* comm may hold spaces and parentheses: fields start after the last ')' */
        p = strrchr(buf, ')');
        if (!p)
                return -EIO;
        p++;
        /* p is at the blank before field 3 (state); step to the one before 22 */
        for (int field = 3; field < 22; field++) {
                p = strchr(p + 1, ' ');
                if (!p)
                        return -EIO;
        }
        errno = 0;
        char *end;
        unsigned long long v = strtoull(p + 1, &end, 10);
        if (errno != 0 || end == p + 1)
                return -EIO;
        *ret = v;
        return 0;
}

int read_pid_file_at(int dirfd, const char *path, pid_t *ret) {
        _cleanup_free_ char *text = NULL;
        char *end;
        long pid;
        int r;

        r = read_full_file_at(dirfd, path, 64, &text, NULL);
        if (r < 0)
                return r;
        errno = 0;
        pid = strtol(text, &end, 10);
        if (errno != 0 || end == text || (*end && *end != '\n') || pid <= 0 || pid > INT32_MAX)
                return -EBADMSG;
        *ret = (pid_t) pid;
        return 0;
}

char *strstrip_trailing(char *s) {
        size_t n = strlen(s);
        while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
                s[--n] = 0;
        return s;
}
