/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <fcntl.h>
#include <glib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "tree.h"
#include "macro.h"

#define TREE_DEPTH_MAX 512

int readdir_names_at(int dirfd, char ***ret) {
        _cleanup_strv_free_ char **l = calloc(1, sizeof(char *));
        struct dirent *de;
        DIR *d;
        int fd;

        if (!l)
                return -ENOMEM;
        /* a duplicate of its own: closedir() closes it, the caller keeps dirfd */
        fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        d = fdopendir(fd);
        if (!d) {
                safe_close(fd);
                return -errno;
        }
        while ((errno = 0, de = readdir(d))) {
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (strv_extend(&l, de->d_name) < 0) {
                        closedir(d);
                        return -ENOMEM;
                }
        }
        closedir(d);
        *ret = TAKE_PTR(l);
        return 0;
}

static int rm_rf_children_depth(int dirfd, unsigned depth);

static int rm_rf_at_depth(int dirfd, const char *name, unsigned depth) {
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (unlinkat(dirfd, name, 0) >= 0 || errno == ENOENT)
                return 0;
        if (errno != EISDIR && errno != EPERM)
                return -errno;
        if (depth > TREE_DEPTH_MAX)
                return -ELOOP;
        fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT ? 0 : -errno;
        r = rm_rf_children_depth(fd, depth + 1);
        if (r < 0)
                return r;
        if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}

static int rm_rf_children_depth(int dirfd, unsigned depth) {
        _cleanup_strv_free_ char **names = NULL;
        int r = readdir_names_at(dirfd, &names);

        for (char **n = names; r >= 0 && *n; n++) {
                int k = rm_rf_at_depth(dirfd, *n, depth);
                if (k < 0 && r == 0)
                        r = k;
        }
        return r;
}

int rm_rf_at(int dirfd, const char *name) {
        return rm_rf_at_depth(dirfd, name, 0);
}

int rm_rf_children(int dirfd) {
        return rm_rf_children_depth(dirfd, 0);
}

/* --- copying ------------------------------------------------------------- */

typedef struct CopyState {
        GHashTable *inodes; /* "dev:ino" -> path of the first copy, relative to dst_root */
        int dst_root;
} CopyState;

static void copy_xattrs(int src, int dst) {
        char list[16 * 1024];
        ssize_t n = flistxattr(src, list, sizeof list);

        for (ssize_t i = 0; n > 0 && i < n; i += (ssize_t) strlen(list + i) + 1) {
                char value[64 * 1024];
                ssize_t v = fgetxattr(src, list + i, value, sizeof value);
                if (v >= 0)
                        (void) fsetxattr(dst, list + i, value, (size_t) v, 0);
        }
}

static int copy_data(int src, int dst) {
        for (;;) {
                ssize_t n = copy_file_range(src, NULL, dst, NULL, 1U << 30, 0);
                if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EOPNOTSUPP || errno == EINVAL)) {
                        char buf[128 * 1024];
                        for (;;) {
                                ssize_t k = read(src, buf, sizeof buf);
                                if (k < 0)
                                        return -errno;
                                if (k == 0)
                                        return 0;
                                for (ssize_t off = 0; off < k;) {
                                        ssize_t w = write(dst, buf + off, (size_t) (k - off));
                                        if (w < 0)
                                                return -errno;
                                        off += w;
                                }
                        }
                }
                if (n < 0)
                        return -errno;
                if (n == 0)
                        return 0;
        }
}

static int copy_dir(CopyState *s, int src, int dst, const char *rel, unsigned depth);

static int copy_entry(CopyState *s, int src_dir, int dst_dir, const char *name, const char *rel, unsigned depth) {
        _cleanup_close_ int sfd = -EBADF, dfd = -EBADF;
        _cleanup_free_ char *path = rel ? strjoin(rel, "/", name) : strdup(name);
        struct stat st;
        struct timespec ts[2];
        int r;

        if (!path)
                return -ENOMEM;
        if (fstatat(src_dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return -errno;
        ts[0] = st.st_atim;
        ts[1] = st.st_mtim;

        if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
                g_autofree char *key = g_strdup_printf("%llu:%llu", (unsigned long long) st.st_dev,
                                                       (unsigned long long) st.st_ino);
                const char *first = g_hash_table_lookup(s->inodes, key);
                if (first)
                        return linkat(s->dst_root, first, dst_dir, name, 0) < 0 ? -errno : 0;
                g_hash_table_insert(s->inodes, g_steal_pointer(&key), g_strdup(path));
        }

        switch (st.st_mode & S_IFMT) {
        case S_IFDIR:
                if (depth > TREE_DEPTH_MAX)
                        return -ELOOP;
                if (mkdirat(dst_dir, name, 0700) < 0 && errno != EEXIST)
                        return -errno;
                sfd = openat(src_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                dfd = openat(dst_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (sfd < 0 || dfd < 0)
                        return -errno;
                r = copy_dir(s, sfd, dfd, path, depth + 1);
                if (r < 0)
                        return r;
                break;
        case S_IFREG:
                sfd = openat(src_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
                if (sfd < 0)
                        return -errno;
                dfd = openat(dst_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
                if (dfd < 0)
                        return -errno;
                r = copy_data(sfd, dfd);
                if (r < 0)
                        return r;
                break;
        case S_IFLNK: {
                char target[PATH_MAX + 1];
                ssize_t n = readlinkat(src_dir, name, target, PATH_MAX);
                if (n < 0)
                        return -errno;
                target[n] = 0;
                if (symlinkat(target, dst_dir, name) < 0)
                        return -errno;
                (void) fchownat(dst_dir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW);
                (void) utimensat(dst_dir, name, ts, AT_SYMLINK_NOFOLLOW);
                return 0;
        }
        case S_IFIFO:
                if (mkfifoat(dst_dir, name, 0600) < 0)
                        return -errno;
                break;
        case S_IFCHR:
                /* overlay whiteouts are char 0:0; other devices cannot be made rootless */
                if (major(st.st_rdev) != 0 || minor(st.st_rdev) != 0 ||
                    mknodat(dst_dir, name, S_IFCHR | 0000, 0) < 0)
                        return 0;
                (void) fchownat(dst_dir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW);
                return 0;
        default:
                return 0; /* sockets, block devices */
        }

        if (dfd < 0) {
                dfd = openat(dst_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
                if (dfd < 0)
                        return -errno;
        }
        if (sfd < 0)
                sfd = openat(src_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
        if (fchown(dfd, st.st_uid, st.st_gid) < 0 && errno != EPERM && errno != EINVAL)
                return -errno;
        if (fchmod(dfd, st.st_mode & 07777) < 0)
                return -errno;
        if (sfd >= 0)
                copy_xattrs(sfd, dfd);
        (void) futimens(dfd, ts);
        return 0;
}

static int copy_dir(CopyState *s, int src, int dst, const char *rel, unsigned depth) {
        _cleanup_strv_free_ char **names = NULL;
        int r = readdir_names_at(src, &names);

        for (char **n = names; r >= 0 && *n; n++)
                r = copy_entry(s, src, dst, *n, rel, depth);
        return r;
}

int copy_tree_at(int src_dirfd, int dst_dirfd) {
        CopyState s = { .inodes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free), .dst_root = dst_dirfd };
        struct stat st;
        int r;

        r = copy_dir(&s, src_dirfd, dst_dirfd, NULL, 0);
        if (r >= 0 && fstat(src_dirfd, &st) >= 0) {
                struct timespec ts[2] = { st.st_atim, st.st_mtim };
                (void) fchown(dst_dirfd, st.st_uid, st.st_gid);
                (void) fchmod(dst_dirfd, st.st_mode & 07777);
                copy_xattrs(src_dirfd, dst_dirfd);
                (void) futimens(dst_dirfd, ts);
        }
        g_hash_table_destroy(s.inodes);
        return r;
}
