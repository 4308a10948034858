/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Small helpers in the style of systemd's src/basic: automatic cleanup and
 * ownership hand-over, so every early return is correct. */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define _pure_ __attribute__((pure))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _noreturn_ __attribute__((noreturn))
#define _fallthrough_ __attribute__((__fallthrough__))
#define _likely_(x) (__builtin_expect(!!(x), 1))
#define _unlikely_(x) (__builtin_expect(!!(x), 0))

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))

#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#endif
#ifndef MAX
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#endif

/* Take ownership of a pointer/fd: return it and reset the variable, so the
 * cleanup attribute of the old owner does nothing. */
#define TAKE_PTR(p)                        \
        ({                                 \
                __typeof__(p) _p_ = (p);   \
                (p) = NULL;                \
                _p_;                       \
        })
#define TAKE_FD(fd)                        \
        ({                                 \
                int _fd_ = (fd);           \
                (fd) = -EBADF;             \
                _fd_;                      \
        })

static inline void freep(void *p) {
        free(*(void **) p);
}
#define _cleanup_free_ _cleanup_(freep)

static inline int safe_close(int fd) {
        if (fd >= 0) {
                int saved = errno;
                close(fd);
                errno = saved;
        }
        return -EBADF;
}
static inline void closep(int *fd) {
        safe_close(*fd);
}
#define _cleanup_close_ _cleanup_(closep)

static inline void fclosep(FILE **f) {
        if (*f)
                fclose(*f);
}
#define _cleanup_fclose_ _cleanup_(fclosep)

static inline void close_pair(int p[2]) {
        safe_close(p[0]);
        safe_close(p[1]);
        p[0] = p[1] = -EBADF;
}
static inline void close_pairp(int (*p)[2]) {
        close_pair(*p);
}
#define _cleanup_close_pair_ _cleanup_(close_pairp)

/* NULL-terminated string vectors. */
void strv_free(char **l);
static inline void strv_freep(char ***l) {
        strv_free(*l);
}
#define _cleanup_strv_free_ _cleanup_(strv_freep)
size_t strv_length(char *const *l);
int strv_push(char ***l, char *value); /* takes value, even on failure */
int strv_extend(char ***l, const char *value);
bool strv_contains(char *const *l, const char *s);

static inline bool streq(const char *a, const char *b) {
        return strcmp(a, b) == 0;
}
static inline bool streq_ptr(const char *a, const char *b) {
        if (!a || !b)
                return a == b;
        return strcmp(a, b) == 0;
}
/* orders an array of strings: qsort() and g_ptr_array_sort() pass
 * pointers to the elements, not the strings */
static inline int strcmp_elements(const void *a, const void *b) {
        return strcmp(*(const char *const *) a, *(const char *const *) b);
}
static inline bool isempty(const char *s) {
        return !s || !*s;
}
static inline const char *strempty(const char *s) {
        return s ?: "";
}
static inline const char *strna(const char *s) {
        return s ?: "n/a";
}
const char *startswith(const char *s, const char *prefix) _pure_;
const char *endswith(const char *s, const char *suffix) _pure_;

/* Negative-errno helpers */
static inline int negative_errno(void) {
        return errno > 0 ? -errno : -EIO;
}
#define RET_NERRNO(expr)                       \
        ({                                     \
                long _r_ = (long) (expr);      \
                _r_ < 0 ? negative_errno() : (int) _r_; \
        })

#define ERRNO_IS_DISCONNECT(r) \
        (IN_SET(abs(r), ECONNABORTED, ECONNREFUSED, ECONNRESET, EHOSTDOWN, EHOSTUNREACH, ENETDOWN, ENETRESET, ENETUNREACH, ENONET, ENOTCONN, EPIPE, EPROTO, ESHUTDOWN, ETIMEDOUT))

#define IN_SET(x, ...)                                                 \
        ({                                                             \
                bool _found_ = false;                                  \
                const __typeof__(x) _set_[] = { __VA_ARGS__ };         \
                for (size_t _i_ = 0; _i_ < ELEMENTSOF(_set_); _i_++)   \
                        if (_set_[_i_] == (x)) {                       \
                                _found_ = true;                        \
                                break;                                 \
                        }                                              \
                _found_;                                               \
        })

char *strjoin_real(const char *first, ...) __attribute__((sentinel));
#define strjoin(a, ...) strjoin_real((a), __VA_ARGS__, NULL)
