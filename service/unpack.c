/* SPDX-License-Identifier: Apache-2.0 */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <glib.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "macro.h"
#include "tree.h"
#include "unpack.h"

#define WHITEOUT_PREFIX ".wh."
#define WHITEOUT_OPAQUE ".wh..wh..opq"
#define WHITEOUT_META_PREFIX ".wh..wh."
#define OVERLAY_OPAQUE_XATTR "user.overlay.opaque"
#define READ_BLOCK (128 * 1024)

typedef struct Unpacker {
        const UnpackParams *p;
        struct archive *raw;   /* decompressor: filters + the "raw" format */
        struct archive *tar;   /* tar reader fed from raw */
        Sha256 *hash;
        uint64_t size;
        bool raw_eof;
        char *error;
        /* the parent directory of the last entry, kept open: tars list a
         * directory's entries together */
        char *cached_parent;
        int cached_fd;
        GHashTable *created;   /* UNPACK_APPLY: paths this layer wrote, for opaque dirs */
        GArray *dir_times;     /* DirTime: set last, as later entries change them */
        unsigned entries, skipped;
} Unpacker;

typedef struct DirTime {
        char *path;
        struct timespec ts[2];
} DirTime;

static int fail(Unpacker *u, int r, const char *entry, const char *fmt, ...) _printf_(4, 5);
static int fail(Unpacker *u, int r, const char *entry, const char *fmt, ...) {
        g_autofree char *what = NULL;
        va_list ap;

        if (u->error)
                return r;
        va_start(ap, fmt);
        what = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        if (entry)
                u->error = g_strdup_printf("layer %s: entry \"%s\": %s", u->p->layer, entry, what);
        else
                u->error = g_strdup_printf("layer %s: %s", u->p->layer, what);
        return r;
}

static void warn(Unpacker *u, const char *fmt, ...) _printf_(2, 3);
static void warn(Unpacker *u, const char *fmt, ...) {
        va_list ap;

        fprintf(stderr, "roost-unpack: warning: layer %s: ", u->p->layer);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
}

int unpack_normalize_path(const char *name, char **ret) {
        g_autoptr(GString) out = g_string_new(NULL);
        const char *p = name;

        if (name[0] == '/')
                return -EXDEV;
        while (*p) {
                const char *end = strchrnul(p, '/');
                size_t n = (size_t) (end - p);
                if (n == 2 && p[0] == '.' && p[1] == '.')
                        return -EXDEV;
                if (n > 0 && !(n == 1 && p[0] == '.')) {
                        if (out->len)
                                g_string_append_c(out, '/');
                        g_string_append_len(out, p, (gssize) n);
                }
                p = *end ? end + 1 : end;
        }
        *ret = g_string_free(g_steal_pointer(&out), FALSE);
        return 0;
}

/* --- reading: decompress, hash, feed the tar reader ------------------------ */

static la_ssize_t tar_read_cb(struct archive *a, void *userdata, const void **buf) {
        Unpacker *u = userdata;
        const void *block;
        size_t n;
        la_int64_t off;
        int r;

        if (u->raw_eof)
                return 0;
        r = archive_read_data_block(u->raw, &block, &n, &off);
        if (r == ARCHIVE_EOF) {
                u->raw_eof = true;
                return 0;
        }
        if (r < ARCHIVE_WARN) {
                archive_set_error(a, EIO, "%s", archive_error_string(u->raw) ?: "decompression failed");
                return -1;
        }
        sha256_update(u->hash, block, n);
        u->size += n;
        *buf = block;
        return (la_ssize_t) n;
}

static int open_readers(Unpacker *u) {
        struct archive_entry *e;

        u->raw = archive_read_new();
        u->tar = archive_read_new();
        if (!u->raw || !u->tar)
                return -ENOMEM;
        archive_read_support_filter_gzip(u->raw);
        archive_read_support_filter_zstd(u->raw);
        archive_read_support_format_raw(u->raw);
        if (archive_read_open_fd(u->raw, u->p->in_fd, READ_BLOCK) != ARCHIVE_OK ||
            archive_read_next_header(u->raw, &e) != ARCHIVE_OK)
                return fail(u, -EBADMSG, NULL, "cannot read the layer stream: %s",
                            archive_error_string(u->raw) ?: "empty or unknown compression");
        archive_read_support_format_tar(u->tar);
        if (archive_read_open(u->tar, u, NULL, tar_read_cb, NULL) != ARCHIVE_OK)
                return fail(u, -EBADMSG, NULL, "not a tar archive: %s", archive_error_string(u->tar) ?: "unknown format");
        return 0;
}

/* --- resolving paths below the root --------------------------------------- */

static int openat2_beneath(int dirfd, const char *path, int flags) {
        struct open_how how = {
                .flags = (uint64_t) (flags | O_CLOEXEC),
                .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
        };
        int fd = (int) syscall(SYS_openat2, dirfd, path, &how, sizeof how);
        return fd < 0 ? -errno : fd;
}

static void cache_reset(Unpacker *u) {
        g_clear_pointer(&u->cached_parent, g_free);
        u->cached_fd = safe_close(u->cached_fd);
}

/* Opens the directory path (relative, normalised) below the root, creating
 * missing directories (0755, owned by the unpacking user) on the way. */
static int open_parent(Unpacker *u, const char *path, const char *entry) {
        int fd;

        if (u->cached_parent && streq(u->cached_parent, path))
                return u->cached_fd;
        cache_reset(u);
        if (!*path)
                fd = fcntl(u->p->root_fd, F_DUPFD_CLOEXEC, 3);
        else
                fd = openat2_beneath(u->p->root_fd, path, O_RDONLY | O_DIRECTORY);
        if (fd == -ENOENT) {
                /* create what is missing, one component at a time */
                _cleanup_free_ char *copy = strdup(path);
                if (!copy)
                        return -ENOMEM;
                fd = fcntl(u->p->root_fd, F_DUPFD_CLOEXEC, 3);
                for (char *c = copy, *save = NULL, *t; fd >= 0 && (t = strtok_r(c, "/", &save)); c = NULL) {
                        int next;
                        if (mkdirat(fd, t, 0755) < 0 && errno != EEXIST) {
                                int k = -errno;
                                safe_close(fd);
                                return fail(u, k, entry, "cannot create the directory \"%s\": %s", t, strerror(-k));
                        }
                        next = openat2_beneath(fd, t, O_RDONLY | O_DIRECTORY);
                        safe_close(fd);
                        fd = next;
                }
        }
        if (fd == -EXDEV || fd == -ELOOP)
                return fail(u, -EXDEV, entry, "its parent \"%s\" leads outside the layer through a symbolic link "
                            "or \"..\"; refusing the layer", path);
        if (fd == -ENOTDIR)
                return fail(u, -ENOTDIR, entry, "its parent \"%s\" is not a directory", path);
        if (fd < 0)
                return fail(u, fd, entry, "cannot open its parent directory: %s", strerror(-fd));
        u->cached_parent = g_strdup(path);
        u->cached_fd = fd;
        return fd;
}

static void split_path(char *path, const char **ret_parent, const char **ret_base) {
        char *slash = strrchr(path, '/');

        if (slash) {
                *slash = 0;
                *ret_parent = path;
                *ret_base = slash + 1;
        } else {
                *ret_parent = "";
                *ret_base = path;
        }
}

/* Makes room for a new entry: removes what is there unless both are
 * directories (then the directory is kept and its metadata updated). */
static int make_room(Unpacker *u, int dirfd, const char *base, bool want_dir, const char *entry, bool *ret_exists) {
        struct stat st;
        int r;

        *ret_exists = false;
        if (fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                if (errno == ENOENT)
                        return 0;
                return fail(u, -errno, entry, "cannot stat it: %m");
        }
        if (want_dir && S_ISDIR(st.st_mode)) {
                *ret_exists = true;
                return 0;
        }
        r = rm_rf_at(dirfd, base);
        if (r < 0)
                return fail(u, r, entry, "cannot replace what is there: %s", strerror(-r));
        if (S_ISDIR(st.st_mode))
                cache_reset(u);
        return 0;
}

/* --- metadata --------------------------------------------------------------- */

static int set_owner(Unpacker *u, int fd, int dirfd, const char *base, struct archive_entry *e, const char *entry) {
        uid_t uid = (uid_t) archive_entry_uid(e);
        gid_t gid = (gid_t) archive_entry_gid(e);
        int r;

        if (!u->p->keep_owners)
                return 0;
        r = fd >= 0 ? fchown(fd, uid, gid) : fchownat(dirfd, base, uid, gid, AT_SYMLINK_NOFOLLOW);
        if (r < 0) {
                if (errno == EINVAL)
                        return fail(u, -EOVERFLOW, entry, "it is owned by %u:%u, outside the IDs the roost user namespace maps "
                                    "(0-65536): the image needs more subordinate IDs than /etc/subuid gives", uid, gid);
                return fail(u, -errno, entry, "cannot set its owner %u:%u: %m", uid, gid);
        }
        return 0;
}

static void set_xattrs(Unpacker *u, int fd, struct archive_entry *e, const char *entry) {
        const char *name;
        const void *value;
        size_t size;

        if (archive_entry_xattr_reset(e) == 0)
                return;
        while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
                /* overlayfs reads its own metadata from these: a layer must not
                 * forge whiteouts, redirects or origins through them */
                if (startswith(name, "user.overlay.") || startswith(name, "trusted.overlay.")) {
                        warn(u, "entry \"%s\": dropped the extended attribute %s", entry, name);
                        continue;
                }
                if (fsetxattr(fd, name, value, size, 0) < 0)
                        warn(u, "entry \"%s\": cannot set the extended attribute %s: %m", entry, name);
        }
}

static void times_of(struct archive_entry *e, struct timespec ts[2]) {
        ts[1] = (struct timespec) { .tv_sec = archive_entry_mtime(e), .tv_nsec = archive_entry_mtime_nsec(e) };
        if (archive_entry_atime_is_set(e))
                ts[0] = (struct timespec) { .tv_sec = archive_entry_atime(e), .tv_nsec = archive_entry_atime_nsec(e) };
        else
                ts[0] = ts[1];
}

static int finish_fd(Unpacker *u, int fd, struct archive_entry *e, const char *entry) {
        struct timespec ts[2];
        int r;

        r = set_owner(u, fd, -1, NULL, e, entry);
        if (r < 0)
                return r;
        /* after chown, which clears set-user-ID and set-group-ID bits */
        if (fchmod(fd, archive_entry_perm(e) & 07777) < 0)
                return fail(u, -errno, entry, "cannot set its mode: %m");
        set_xattrs(u, fd, e, entry);
        times_of(e, ts);
        (void) futimens(fd, ts);
        return 0;
}

/* --- entries ------------------------------------------------------------------ */

static int write_data(Unpacker *u, int fd, struct archive_entry *e, const char *entry) {
        const void *buf;
        size_t n;
        la_int64_t off;
        int r;

        for (;;) {
                r = archive_read_data_block(u->tar, &buf, &n, &off);
                if (r == ARCHIVE_EOF)
                        break;
                if (r < ARCHIVE_WARN)
                        return fail(u, -EBADMSG, entry, "cannot read its data: %s", archive_error_string(u->tar));
                for (size_t done = 0; done < n;) {
                        ssize_t w = pwrite(fd, (const char *) buf + done, n - done, (off_t) (off + (la_int64_t) done));
                        if (w < 0)
                                return fail(u, -errno, entry, "cannot write it: %m");
                        done += (size_t) w;
                }
        }
        /* sparse files end in a hole */
        if (archive_entry_size_is_set(e) && ftruncate(fd, archive_entry_size(e)) < 0)
                return fail(u, -errno, entry, "cannot set its size: %m");
        return 0;
}

static int whiteout(Unpacker *u, int dirfd, const char *parent, const char *base, const char *entry) {
        const char *victim;

        if (streq(base, WHITEOUT_OPAQUE)) {
                if (u->p->mode == UNPACK_OVERLAY) {
                        if (fsetxattr(dirfd, OVERLAY_OPAQUE_XATTR, "y", 1, 0) < 0)
                                return fail(u, -errno, entry, "cannot mark the directory opaque (%s): %m", OVERLAY_OPAQUE_XATTR);
                        return 0;
                }
                /* remove what lower layers put here, keep what this layer did */
                _cleanup_strv_free_ char **names = NULL;
                int r = readdir_names_at(dirfd, &names);
                if (r < 0)
                        return fail(u, r, entry, "cannot list the directory: %s", strerror(-r));
                for (char **n = names; *n; n++) {
                        g_autofree char *p = *parent ? g_strdup_printf("%s/%s", parent, *n) : g_strdup(*n);
                        if (!g_hash_table_contains(u->created, p))
                                (void) rm_rf_at(dirfd, *n);
                }
                return 0;
        }
        if (startswith(base, WHITEOUT_META_PREFIX))
                return 0; /* aufs bookkeeping (.wh..wh.plnk ...) */
        victim = base + strlen(WHITEOUT_PREFIX);
        if (!*victim || streq(victim, ".") || streq(victim, "..") || strchr(victim, '/'))
                return fail(u, -EXDEV, entry, "not a valid whiteout name");
        if (u->p->mode == UNPACK_APPLY) {
                g_autofree char *p = *parent ? g_strdup_printf("%s/%s", parent, victim) : g_strdup(victim);
                if (!g_hash_table_contains(u->created, p)) {
                        int r = rm_rf_at(dirfd, victim);
                        if (r < 0)
                                return fail(u, r, entry, "cannot delete \"%s\": %s", victim, strerror(-r));
                        cache_reset(u);
                }
                return 0;
        }
        (void) rm_rf_at(dirfd, victim);
        if (mknodat(dirfd, victim, S_IFCHR | 0000, makedev(0, 0)) < 0)
                return fail(u, -errno, entry, "cannot create the overlay whiteout: %m");
        return 0;
}

static int hardlink(Unpacker *u, int dirfd, const char *base, const char *target_raw, const char *entry) {
        _cleanup_free_ char *target = NULL;
        const char *tparent, *tbase;
        _cleanup_close_ int tfd = -EBADF;
        int r;

        r = unpack_normalize_path(target_raw, &target);
        if (r < 0 || isempty(target))
                return fail(u, -EXDEV, entry, "it is a hard link to \"%s\", outside the layer; refusing the layer", target_raw);
        split_path(target, &tparent, &tbase);
        tfd = *tparent ? openat2_beneath(u->p->root_fd, tparent, O_RDONLY | O_DIRECTORY)
                       : fcntl(u->p->root_fd, F_DUPFD_CLOEXEC, 3);
        if (tfd == -EXDEV || tfd == -ELOOP)
                return fail(u, -EXDEV, entry, "it is a hard link to \"%s\", which leads outside the layer; refusing the layer",
                            target_raw);
        if (tfd < 0)
                return fail(u, -ENOENT, entry, "it is a hard link to \"%s\", which is not in the layer", target_raw);
        if (linkat(tfd, tbase, dirfd, base, 0) < 0)
                return fail(u, -errno, entry, "cannot hard link it to \"%s\": %m", target_raw);
        return 0;
}

static int unpack_entry(Unpacker *u, struct archive_entry *e) {
        const char *raw = archive_entry_pathname(e);
        _cleanup_free_ char *path = NULL, *full = NULL;
        _cleanup_close_ int fd = -EBADF;
        const char *parent, *base, *link;
        mode_t type = archive_entry_filetype(e);
        bool exists;
        int dirfd, r;

        if (!raw)
                return fail(u, -EBADMSG, NULL, "an entry has no name");
        r = unpack_normalize_path(raw, &path);
        if (r < 0)
                return fail(u, -EXDEV, raw, "its name leads outside the layer (absolute, or \"..\"); refusing the layer");
        u->entries++;
        if (!*path) {
                /* the root itself: only its metadata */
                if (type == AE_IFDIR)
                        return finish_fd(u, u->p->root_fd, e, raw);
                return 0;
        }
        full = strdup(path);
        if (!full)
                return -ENOMEM;
        split_path(path, &parent, &base);
        dirfd = open_parent(u, parent, raw);
        if (dirfd < 0)
                return dirfd;

        if (startswith(base, WHITEOUT_PREFIX))
                return whiteout(u, dirfd, parent, base, raw);
        if (u->created)
                g_hash_table_add(u->created, g_strdup(full));

        link = archive_entry_hardlink(e);
        if (link) {
                r = make_room(u, dirfd, base, false, raw, &exists);
                return r < 0 ? r : hardlink(u, dirfd, base, link, raw);
        }

        switch (type) {
        case AE_IFDIR:
                r = make_room(u, dirfd, base, true, raw, &exists);
                if (r < 0)
                        return r;
                if (!exists && mkdirat(dirfd, base, 0700) < 0)
                        return fail(u, -errno, raw, "cannot create the directory: %m");
                fd = openat(dirfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0)
                        return fail(u, -errno, raw, "cannot open the directory: %m");
                {
                        DirTime dt = { .path = g_strdup(full) };
                        times_of(e, dt.ts);
                        g_array_append_val(u->dir_times, dt);
                }
                return finish_fd(u, fd, e, raw);
        case AE_IFREG:
                r = make_room(u, dirfd, base, false, raw, &exists);
                if (r < 0)
                        return r;
                fd = openat(dirfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
                if (fd < 0)
                        return fail(u, -errno, raw, "cannot create the file: %m");
                r = write_data(u, fd, e, raw);
                return r < 0 ? r : finish_fd(u, fd, e, raw);
        case AE_IFLNK: {
                struct timespec ts[2];
                const char *target = archive_entry_symlink(e);
                if (!target)
                        return fail(u, -EBADMSG, raw, "a symbolic link without a target");
                r = make_room(u, dirfd, base, false, raw, &exists);
                if (r < 0)
                        return r;
                if (symlinkat(target, dirfd, base) < 0)
                        return fail(u, -errno, raw, "cannot create the symbolic link: %m");
                r = set_owner(u, -1, dirfd, base, e, raw);
                if (r < 0)
                        return r;
                times_of(e, ts);
                (void) utimensat(dirfd, base, ts, AT_SYMLINK_NOFOLLOW);
                return 0;
        }
        case AE_IFIFO:
                r = make_room(u, dirfd, base, false, raw, &exists);
                if (r < 0)
                        return r;
                if (mkfifoat(dirfd, base, 0600) < 0)
                        return fail(u, -errno, raw, "cannot create the FIFO: %m");
                fd = openat(dirfd, base, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0)
                        return fail(u, -errno, raw, "cannot open the FIFO: %m");
                return finish_fd(u, fd, e, raw);
        case AE_IFCHR:
        case AE_IFBLK:
                u->skipped++;
                warn(u, "skipped the device node \"%s\" (%s %u:%u): device nodes cannot be created without privileges; "
                     "containers get their devices from the runtime", raw, type == AE_IFCHR ? "char" : "block",
                     (unsigned) archive_entry_rdevmajor(e), (unsigned) archive_entry_rdevminor(e));
                if (u->created)
                        g_hash_table_remove(u->created, full);
                return 0;
        default:
                u->skipped++;
                warn(u, "skipped \"%s\": a socket or unknown file type", raw);
                return 0;
        }
}

int unpack_layer(const UnpackParams *p, UnpackResult *ret, char **ret_error) {
        Unpacker u = { .p = p, .cached_fd = -EBADF };
        struct archive_entry *e;
        int r;

        u.hash = sha256_new();
        if (!u.hash)
                return -ENOMEM;
        if (p->mode == UNPACK_APPLY)
                u.created = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        u.dir_times = g_array_new(FALSE, FALSE, sizeof(DirTime));

        r = open_readers(&u);
        while (r >= 0) {
                int k = archive_read_next_header(u.tar, &e);
                if (k == ARCHIVE_EOF)
                        break;
                if (k < ARCHIVE_WARN) {
                        r = fail(&u, -EBADMSG, NULL, "the tar stream is damaged after %u entries: %s", u.entries,
                                 archive_error_string(u.tar) ?: "unknown error");
                        break;
                }
                if (p->root_fd < 0) {
                        /* only reading: hash and check the stream */
                        u.entries++;
                        if (archive_read_data_skip(u.tar) < ARCHIVE_WARN)
                                r = fail(&u, -EBADMSG, NULL, "the tar stream is damaged: %s",
                                         archive_error_string(u.tar) ?: "unknown error");
                        continue;
                }
                r = unpack_entry(&u, e);
        }
        /* what follows the end-of-archive blocks is part of the diff_id too */
        if (r >= 0) {
                const void *dummy;
                la_ssize_t n;
                while ((n = tar_read_cb(u.tar, &u, &dummy)) > 0)
                        ;
                if (n < 0)
                        r = fail(&u, -EBADMSG, NULL, "cannot read the layer stream: %s",
                                 archive_error_string(u.raw) ?: "decompression failed");
        }
        /* directories last, deepest first: their entries changed their times */
        for (guint i = u.dir_times->len; r >= 0 && i > 0; i--) {
                DirTime *dt = &g_array_index(u.dir_times, DirTime, i - 1);
                int fd = openat2_beneath(p->root_fd, dt->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
                if (fd >= 0) {
                        (void) futimens(fd, dt->ts);
                        safe_close(fd);
                }
        }
        if (r >= 0) {
                sha256_final(u.hash, ret->diff_id);
                ret->size = u.size;
                ret->entries = u.entries;
                ret->skipped = u.skipped;
                if (p->diff_id && !streq(p->diff_id, ret->diff_id))
                        r = fail(&u, -EILSEQ, NULL, "the uncompressed content has digest %s, but the image config says "
                                 "its diff_id is %s: the image is corrupt or was tampered with", ret->diff_id, p->diff_id);
        }
        if (r < 0 && ret_error)
                *ret_error = g_strdup(u.error ?: "unpacking failed");
        cache_reset(&u);
        if (u.created)
                g_hash_table_destroy(u.created);
        for (guint i = 0; i < u.dir_times->len; i++)
                g_free(g_array_index(u.dir_times, DirTime, i).path);
        g_array_free(u.dir_times, TRUE);
        if (u.raw)
                archive_read_free(u.raw);
        if (u.tar)
                archive_read_free(u.tar);
        sha256_free(u.hash);
        g_free(u.error);
        return r;
}
