/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <fcntl.h>
#include <glib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "fileio.h"
#include "macro.h"
#include "userns.h"

/* --userns=auto ranges come from this part of the roost namespace: default
 * containers' images use low IDs (and 65534, nobody), so these stay apart */
#define AUTO_FIRST 16384U
#define AUTO_LAST 65000U

uint32_t userns_map(const IdMap *m, size_t n, uint32_t id) {
        for (size_t i = 0; i < n; i++)
                if (id >= m[i].container && id - m[i].container < m[i].size)
                        return m[i].outer + (id - m[i].container);
        return UINT32_MAX;
}

static void keep_id_maps(uint32_t id, uint32_t holder_size, IdMap *m, size_t *n) {
        size_t k = 0;

        if (id > 0)
                m[k++] = (IdMap) { .container = 0, .outer = 1, .size = id };
        m[k++] = (IdMap) { .container = id, .outer = 0, .size = 1 };
        if (holder_size > id)
                m[k++] = (IdMap) { .container = id + 1, .outer = id + 1, .size = holder_size - id };
        *n = k;
}

int userns_plan_keep_id(uid_t uid, gid_t gid, uint32_t holder_size, UsernsPlan *ret) {
        if (uid >= holder_size || gid >= holder_size)
                return -ERANGE;
        *ret = (UsernsPlan) {};
        keep_id_maps(uid, holder_size, ret->uid, &ret->n_uid);
        keep_id_maps(gid, holder_size, ret->gid, &ret->n_gid);
        return 0;
}

void userns_plan_auto(uint32_t base, uint32_t size, UsernsPlan *ret) {
        *ret = (UsernsPlan) { .n_uid = 1, .n_gid = 1 };
        ret->uid[0] = ret->gid[0] = (IdMap) { .container = 0, .outer = base, .size = size };
}

int userns_auto_allocate(uint32_t holder_size, uint32_t size, const uint32_t *taken, size_t n_taken, uint32_t *ret_base) {
        uint32_t last = MIN(AUTO_LAST, holder_size);

        for (uint32_t base = AUTO_FIRST; base + size - 1 <= last;) {
                bool clash = false;
                for (size_t i = 0; i < n_taken; i++) {
                        uint32_t b = taken[2 * i], s = taken[2 * i + 1];
                        if (base < b + s && b < base + size) {
                                base = b + s; /* skip past it and try again */
                                clash = true;
                                break;
                        }
                }
                if (!clash) {
                        *ret_base = base;
                        return 0;
                }
        }
        return -ENOSPC;
}

static void maps_json(RJsonBuilder *b, const char *name, const IdMap *m, size_t n) {
        rjson_key(b, name);
        rjson_begin_array(b);
        for (size_t i = 0; i < n; i++) {
                rjson_begin_object(b);
                rjson_member_int(b, "containerID", m[i].container);
                rjson_member_int(b, "hostID", m[i].outer);
                rjson_member_int(b, "size", m[i].size);
                rjson_end_object(b);
        }
        rjson_end_array(b);
}

void userns_plan_to_json(const UsernsPlan *p, RJsonBuilder *b) {
        maps_json(b, "uidMappings", p->uid, p->n_uid);
        maps_json(b, "gidMappings", p->gid, p->n_gid);
}

/* --- the shifted copy -------------------------------------------------------- */

typedef struct CopyCtx {
        const UsernsPlan *plan;
        GHashTable *links; /* "dev:ino" of files with more than one link -> relative path */
        int64_t bytes;
        char *errbuf;
        size_t errlen;
} CopyCtx;

static int copy_fail(CopyCtx *x, int r, const char *path, const char *what) {
        if (!x->errbuf[0])
                snprintf(x->errbuf, x->errlen, "%s %s: %s", what, path, strerror(-r));
        return r;
}

static int chown_shifted(CopyCtx *x, int dirfd, const char *name, const struct stat *st) {
        uint32_t u = userns_map(x->plan->uid, x->plan->n_uid, st->st_uid);
        uint32_t g = userns_map(x->plan->gid, x->plan->n_gid, st->st_gid);

        /* an owner the container cannot see becomes its overflow ID, as the kernel shows it */
        if (u == UINT32_MAX)
                u = userns_map(x->plan->uid, x->plan->n_uid, 65534);
        if (g == UINT32_MAX)
                g = userns_map(x->plan->gid, x->plan->n_gid, 65534);
        if (u == UINT32_MAX || g == UINT32_MAX)
                return 0;
        if (fchownat(dirfd, name, u, g, AT_SYMLINK_NOFOLLOW) < 0)
                return -errno;
        return 0;
}

static void copy_xattrs(int from, int to) {
        char names[4096];
        ssize_t n = flistxattr(from, names, sizeof names);

        for (ssize_t i = 0; i < n; i += (ssize_t) strlen(names + i) + 1) {
                char value[4096];
                ssize_t v;
                /* security.capability carries a root uid of its own namespace: leave it */
                if (strcmp(names + i, "security.capability") == 0)
                        continue;
                v = fgetxattr(from, names + i, value, sizeof value);
                if (v >= 0)
                        (void) fsetxattr(to, names + i, value, (size_t) v, 0);
        }
}

static int copy_dir(CopyCtx *x, int src, int dst, const char *rel, unsigned depth);

static int copy_entry(CopyCtx *x, int src, int dst, const char *name, const char *rel, unsigned depth) {
        struct stat st;
        g_autofree char *path = g_build_filename(rel, name, NULL);
        int r = 0;

        if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return copy_fail(x, -errno, path, "cannot stat");

        if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
                g_autofree char *key = g_strdup_printf("%lu:%lu", (unsigned long) st.st_dev, (unsigned long) st.st_ino);
                const char *first = g_hash_table_lookup(x->links, key);
                if (first) {
                        /* a hard link to a file copied already: link to the copy */
                        if (linkat(dst, first, dst, path, 0) < 0)
                                return copy_fail(x, -errno, path, "cannot link");
                        return 0;
                }
                g_hash_table_insert(x->links, g_steal_pointer(&key), g_strdup(path));
        }

        if (S_ISDIR(st.st_mode)) {
                _cleanup_close_ int s = -EBADF, d = -EBADF;
                if (mkdirat(dst, name, 0700) < 0)
                        return copy_fail(x, -errno, path, "cannot create");
                s = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                d = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (s < 0 || d < 0)
                        return copy_fail(x, -errno, path, "cannot open");
                r = copy_dir(x, s, d, path, depth + 1);
                if (r < 0)
                        return r;
                copy_xattrs(s, d);
        } else if (S_ISREG(st.st_mode)) {
                _cleanup_close_ int s = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
                _cleanup_close_ int d = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
                off_t left = st.st_size;
                if (s < 0 || d < 0)
                        return copy_fail(x, -errno, path, "cannot open");
                while (left > 0) {
                        ssize_t n = copy_file_range(s, NULL, d, NULL, (size_t) MIN(left, (off_t) 1 << 30), 0);
                        if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS)) {
                                char buf[65536];
                                n = read(s, buf, sizeof buf);
                                if (n > 0 && (r = loop_write(d, buf, (size_t) n)) < 0)
                                        return copy_fail(x, r, path, "cannot write");
                        }
                        if (n < 0)
                                return copy_fail(x, -errno, path, "cannot copy");
                        if (n == 0)
                                break;
                        left -= n;
                        x->bytes += n;
                }
                copy_xattrs(s, d);
        } else if (S_ISLNK(st.st_mode)) {
                char target[PATH_MAX];
                ssize_t n = readlinkat(src, name, target, sizeof target - 1);
                if (n < 0)
                        return copy_fail(x, -errno, path, "cannot read the link");
                target[n] = 0;
                if (symlinkat(target, dst, name) < 0)
                        return copy_fail(x, -errno, path, "cannot create the link");
        } else if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) {
                if (mknodat(dst, name, st.st_mode & (S_IFMT | 07777), 0) < 0)
                        return copy_fail(x, -errno, path, "cannot create");
        } else
                /* device nodes cannot be made in a user namespace; overlay
                 * whiteouts do not show in a merged tree */
                return 0;

        r = chown_shifted(x, dst, name, &st);
        if (r < 0)
                return copy_fail(x, r, path, "cannot set the owner of");
        if (!S_ISLNK(st.st_mode) && fchmodat(dst, name, st.st_mode & 07777, 0) < 0)
                return copy_fail(x, -errno, path, "cannot set the mode of");
        {
                struct timespec ts[2] = { st.st_atim, st.st_mtim };
                (void) utimensat(dst, name, ts, AT_SYMLINK_NOFOLLOW);
        }
        return 0;
}

static int copy_dir(CopyCtx *x, int src, int dst, const char *rel, unsigned depth) {
        _cleanup_close_ int dupfd = -EBADF;
        DIR *d;
        struct dirent *e;
        int r = 0;

        if (depth > 256)
                return copy_fail(x, -ELOOP, rel, "too deep:");
        dupfd = fcntl(src, F_DUPFD_CLOEXEC, 3);
        if (dupfd < 0 || !(d = fdopendir(dupfd)))
                return copy_fail(x, -errno, rel, "cannot read");
        dupfd = -EBADF; /* the DIR owns it */
        while ((e = readdir(d))) {
                if (streq(e->d_name, ".") || streq(e->d_name, ".."))
                        continue;
                r = copy_entry(x, src, dst, e->d_name, rel, depth);
                if (r < 0)
                        break;
        }
        closedir(d);
        return r;
}

int64_t userns_copy_shifted(int src, int dst, const UsernsPlan *p, char *errbuf, size_t errlen) {
        CopyCtx x = { .plan = p, .errbuf = errbuf, .errlen = errlen };
        struct stat st;
        int r;

        errbuf[0] = 0;
        x.links = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        r = copy_dir(&x, src, dst, ".", 0);
        g_hash_table_destroy(x.links);
        if (r < 0)
                return r;
        /* the root directory itself */
        if (fstat(src, &st) == 0) {
                uint32_t u = userns_map(p->uid, p->n_uid, st.st_uid), g = userns_map(p->gid, p->n_gid, st.st_gid);
                if (u != UINT32_MAX && g != UINT32_MAX)
                        (void) fchown(dst, u, g);
                (void) fchmod(dst, st.st_mode & 07777);
        }
        return x.bytes;
}
