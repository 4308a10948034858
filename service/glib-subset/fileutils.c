/* SPDX-License-Identifier: Apache-2.0 */
#include "glib-subset.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Joins the elements with single '/': the first non-empty element keeps its
 * leading separators, the last one its trailing separators, and an element
 * made only of separators, alone, is returned as it is. */
static char *build_path(const char *first, va_list ap) {
        GString *b = g_string_new(NULL);
        const char *trailing = NULL, *only = NULL;
        gboolean seen = FALSE, joined = FALSE;

        for (const char *e = first; e; e = va_arg(ap, const char *)) {
                const char *start = e, *end;

                if (!*e)
                        continue;
                while (*start == '/')
                        start++;
                end = start + strlen(start);
                while (end > start && end[-1] == '/')
                        end--;
                /* trailing separators of this element, looking into its leading ones too */
                trailing = end;
                while (trailing > e && trailing[-1] == '/')
                        trailing--;
                if (!seen) {
                        only = trailing == e ? e : NULL;
                        g_string_append_len(b, e, (size_t) (start - e));
                        seen = TRUE;
                } else
                        only = NULL;
                if (end == start)
                        continue;
                if (joined)
                        g_string_append_len(b, "/", 1);
                g_string_append_len(b, start, (size_t) (end - start));
                joined = TRUE;
        }
        if (only) {
                g_string_free(b, TRUE);
                return g_strdup(only);
        }
        if (trailing)
                g_string_append_len(b, trailing, strlen(trailing));
        return g_string_free(b, FALSE);
}

char *g_build_filename(const char *first_element, ...) {
        va_list ap;
        char *r;

        va_start(ap, first_element);
        r = build_path(first_element, ap);
        va_end(ap);
        return r;
}

/* Pops the last component of the canonical path in b, never above the root
 * (root_len bytes). */
static void pop_component(GString *b, size_t root_len) {
        gsize n = b->len;

        while (n > root_len && b->str[n - 1] != '/')
                n--;
        if (n > root_len)
                n--;
        g_string_truncate(b, n);
}

char *g_canonicalize_filename(const char *filename, const char *relative_to) {
        g_autofree char *abs = NULL, *cwd = NULL;
        GString *b;
        size_t root_len;
        const char *p;

        if (!filename || (relative_to && relative_to[0] != '/'))
                return NULL;
        if (filename[0] != '/') {
                if (!relative_to) {
                        cwd = getcwd(NULL, 0);
                        /* GLib falls back to "/" when the directory is unknown */
                        relative_to = cwd ? cwd : "/";
                }
                abs = g_build_filename(relative_to, filename, NULL);
        } else
                abs = g_strdup(filename);

        /* POSIX leaves exactly two leading slashes to the implementation: keep them */
        p = abs;
        if (p[0] == '/' && p[1] == '/' && p[2] != '/')
                root_len = 2;
        else
                root_len = 1;
        b = g_string_new(NULL);
        g_string_append_len(b, "//", root_len);
        while (*p == '/')
                p++;

        while (*p) {
                size_t n = strcspn(p, "/");

                if (n == 1 && p[0] == '.')
                        ;
                else if (n == 2 && p[0] == '.' && p[1] == '.')
                        pop_component(b, root_len);
                else {
                        if (b->len > root_len)
                                g_string_append_len(b, "/", 1);
                        g_string_append_len(b, p, n);
                }
                p += n;
                while (*p == '/')
                        p++;
        }
        return g_string_free(b, FALSE);
}

char *g_path_get_basename(const char *file_name) {
        const char *end, *start;

        if (!file_name)
                return NULL;
        if (!*file_name)
                return g_strdup(".");
        end = file_name + strlen(file_name);
        while (end > file_name && end[-1] == '/')
                end--;
        if (end == file_name)
                return g_strdup("/");
        start = end;
        while (start > file_name && start[-1] != '/')
                start--;
        return g_strndup(start, (size_t) (end - start));
}

char *g_path_get_dirname(const char *file_name) {
        const char *slash;

        if (!file_name)
                return NULL;
        slash = strrchr(file_name, '/');
        if (!slash)
                return g_strdup(".");
        while (slash > file_name && slash[-1] == '/')
                slash--;
        if (slash == file_name)
                return g_strdup("/");
        return g_strndup(file_name, (size_t) (slash - file_name));
}

gboolean g_file_test(const char *filename, GFileTest test) {
        struct stat st;

        if (!filename)
                return FALSE;
        if ((test & G_FILE_TEST_EXISTS) && access(filename, F_OK) == 0)
                return TRUE;
        if ((test & G_FILE_TEST_IS_EXECUTABLE) && access(filename, X_OK) == 0) {
                /* root may "execute" anything: look at the mode bits below */
                if (getuid() != 0)
                        return TRUE;
        } else
                test &= ~G_FILE_TEST_IS_EXECUTABLE;
        if ((test & G_FILE_TEST_IS_SYMLINK) && lstat(filename, &st) == 0 && S_ISLNK(st.st_mode))
                return TRUE;
        if ((test & (G_FILE_TEST_IS_REGULAR | G_FILE_TEST_IS_DIR | G_FILE_TEST_IS_EXECUTABLE)) &&
            stat(filename, &st) == 0) {
                if ((test & G_FILE_TEST_IS_REGULAR) && S_ISREG(st.st_mode))
                        return TRUE;
                if ((test & G_FILE_TEST_IS_DIR) && S_ISDIR(st.st_mode))
                        return TRUE;
                if ((test & G_FILE_TEST_IS_EXECUTABLE) && (st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)))
                        return TRUE;
        }
        return FALSE;
}

int g_mkdir_with_parents(const char *pathname, int mode) {
        g_autofree char *fn = NULL;
        char *p;

        if (!pathname || !*pathname) {
                errno = EINVAL;
                return -1;
        }
        fn = g_strdup(pathname);
        p = fn;
        while (*p == '/')
                p++;
        for (;;) {
                char saved;

                p += strcspn(p, "/");
                saved = *p;
                *p = '\0';
                if (!g_file_test(fn, G_FILE_TEST_EXISTS)) {
                        if (mkdir(fn, (mode_t) mode) < 0 && errno != EEXIST)
                                return -1;
                } else if (!g_file_test(fn, G_FILE_TEST_IS_DIR)) {
                        errno = ENOTDIR;
                        return -1;
                }
                if (!saved)
                        break;
                *p = saved;
                while (*p == '/')
                        p++;
                if (!*p)
                        break;
        }
        return 0;
}

/* The file name as GLib shows it in messages: valid UTF-8, with U+FFFD in
 * place of each invalid byte sequence */
static size_t utf8_seq_len(const unsigned char *s, size_t left) {
        unsigned char c = s[0];
        size_t n;
        unsigned cp;

        if (c < 0x80)
                return 1;
        if (c >= 0xc2 && c <= 0xdf)
                n = 2, cp = c & 0x1f;
        else if (c >= 0xe0 && c <= 0xef)
                n = 3, cp = c & 0x0f;
        else if (c >= 0xf0 && c <= 0xf4)
                n = 4, cp = c & 0x07;
        else
                return 0;
        if (left < n)
                return 0;
        for (size_t i = 1; i < n; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                cp = (cp << 6) | (s[i] & 0x3f);
        }
        if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
                return 0;
        return n;
}

static gboolean utf8_valid(const char *name) {
        const unsigned char *s = (const unsigned char *) name;
        size_t left = strlen(name);

        while (left > 0) {
                size_t n = utf8_seq_len(s, left);
                if (n == 0)
                        return FALSE;
                s += n;
                left -= n;
        }
        return TRUE;
}

static char *display_name(const char *name) {
        const unsigned char *s = (const unsigned char *) name;
        size_t left = strlen(name);
        GString *b = g_string_new(NULL);

        while (left > 0) {
                size_t n = utf8_seq_len(s, left);
                if (n == 0) {
                        g_string_append_len(b, "\357\277\275", 3);
                        n = 1;
                } else
                        g_string_append_len(b, (const char *) s, n);
                s += n;
                left -= n;
        }
        return g_string_free(b, FALSE);
}

static gboolean file_error(GError **error, const char *format, const char *filename, int err) {
        g_autofree char *d = display_name(filename);

        /* the formats are the fixed GLib texts below, with "%s" twice */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        gs_set_error(error, err, format, d, strerror(err));
#pragma GCC diagnostic pop
        return FALSE;
}

gboolean g_file_get_contents(const char *filename, char **contents, gsize *length, GError **error) {
        g_autofree char *data = NULL;
        size_t len = 0, cap = 0;
        struct stat st;
        int fd;

        if (!filename || !contents)
                return FALSE;
        *contents = NULL;
        if (length)
                *length = 0;

        fd = open(filename, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return file_error(error, "Failed to open file “%s”: %s", filename, errno);
        if (fstat(fd, &st) < 0) {
                int e = errno;
                close(fd);
                return file_error(error, "Failed to get attributes of file “%s”: fstat() failed: %s", filename, e);
        }
        /* a regular file is read in one buffer of its size; others (proc files too) grow */
        cap = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t) st.st_size + 1 : 4096;
        data = g_malloc(cap);
        for (;;) {
                ssize_t n;

                if (len + 1 >= cap) {
                        cap *= 2;
                        data = g_realloc(data, cap);
                }
                n = read(fd, data + len, cap - len - 1);
                if (n < 0) {
                        int e = errno;
                        if (e == EINTR)
                                continue;
                        close(fd);
                        /* GLib words it differently for regular files and the others */
                        return file_error(error,
                                          S_ISREG(st.st_mode) ? "Failed to read from file “%s”: %s"
                                                              : "Error reading file “%s”: %s",
                                          filename, e);
                }
                if (n == 0)
                        break;
                len += (size_t) n;
        }
        close(fd);
        data[len] = '\0';
        *contents = g_steal_pointer(&data);
        if (length)
                *length = len;
        return TRUE;
}

struct _GDir {
        DIR *dir;
};

GDir *g_dir_open(const char *path, guint flags, GError **error) {
        GDir *d;
        DIR *dir;

        if (!path)
                return NULL;
        dir = opendir(path);
        if (!dir) {
                int e = errno;
                /* GLib converts the name without a fallback: "(null)" when it is not UTF-8 */
                if (!utf8_valid(path))
                        gs_set_error(error, e, "Error opening directory “(null)”: %s", strerror(e));
                else
                        file_error(error, "Error opening directory “%s”: %s", path, e);
                return NULL;
        }
        d = g_new0(GDir, 1);
        d->dir = dir;
        return d;
}

const char *g_dir_read_name(GDir *dir) {
        struct dirent *de;

        if (!dir)
                return NULL;
        while ((de = readdir(dir->dir)))
                if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
                        return de->d_name;
        return NULL;
}

void g_dir_close(GDir *dir) {
        if (!dir)
                return;
        closedir(dir->dir);
        g_free(dir);
}
