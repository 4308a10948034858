/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <glib.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "container-image.h"
#include "container-run.h"
#include "fileio.h"
#include "helper.h"
#include "log.h"
#include "ns-util.h"
#include "nsexec.h"
#include "roost-names.h"

/* roost cp: tar streams in and out of a container's root filesystem. The
 * work runs in the holder's namespaces, where the rootfs is mounted; every
 * path is resolved below the rootfs with RESOLVE_IN_ROOT, so a symlink the
 * container planted cannot send a copy elsewhere. Out: GNU tar started in
 * the resolved directory (it archives symlinks as symlinks). In:
 * roost-unpack, the image unpacker, which writes fd-relative only.
 * Limitation: volumes and bind mounts are mounted in the container's own
 * mount namespace, so cp sees the rootfs below them. */

#define COPY_TIMEOUT_MS (30 * 60 * 1000)

static int open_in_root(int rootfd, const char *path, int flags) {
        struct open_how how = {
                .flags = (uint64_t) flags | O_CLOEXEC,
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
        };
        int fd = (int) syscall(SYS_openat2, rootfd, path, &how, sizeof how);
        return fd < 0 ? -errno : fd;
}

static bool path_ok(const char *p) {
        return p && p[0] == '/' && strlen(p) < 4096;
}

/* splits "/a/b/c" into "/a/b" and "c"; "/" gives "/" and "." */
static void split_path(const char *path, char **dir, char **base) {
        g_autofree char *clean = g_strdup(path);
        size_t n = strlen(clean);

        while (n > 1 && clean[n - 1] == '/')
                clean[--n] = 0;
        if (streq(clean, "/")) {
                *dir = g_strdup("/");
                *base = g_strdup(".");
                return;
        }
        *dir = g_path_get_dirname(clean);
        *base = g_path_get_basename(clean);
}

/* --- CopyFrom ------------------------------------------------------------ */

/* tar writes into the pipe on its own; roostd only reaps it when it ends */
typedef struct Reaper {
        NsChild child;
        sd_event_source *watch;
} Reaper;

static int on_reap(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Reaper *rp = userdata;
        sd_event_source_disable_unref(rp->watch);
        (void) nsexec_finish(&rp->child, NULL);
        g_free(rp);
        return 0;
}

static void reap_later(Daemon *d, NsChild *child) {
        Reaper *rp = g_new0(Reaper, 1);
        rp->child = *child;
        if (sd_event_add_io(d->event, &rp->watch, rp->child.pidfd, EPOLLIN, on_reap, rp) < 0) {
                (void) nsexec_finish(&rp->child, NULL); /* waits: tar ends when the reader goes */
                g_free(rp);
        }
}

typedef struct FromArgs {
        const char *rootfs, *path;
        int out_fd; /* the pipe's write end */
        bool check_only;
} FromArgs;

static int copy_from_fn(void *userdata, char *errbuf, size_t errlen) {
        FromArgs *a = userdata;
        g_autofree char *dir = NULL, *base = NULL;
        _cleanup_close_ int root = -EBADF, dfd = -EBADF;
        struct stat st;

        split_path(a->path, &dir, &base);
        root = open(a->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root < 0) {
                snprintf(errbuf, errlen, "cannot open the container's root filesystem: %s", strerror(errno));
                return -errno;
        }
        dfd = open_in_root(root, dir, O_RDONLY | O_DIRECTORY);
        if (dfd < 0 || fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                snprintf(errbuf, errlen, "Could not find the file %s in container", a->path);
                return -ENOENT;
        }
        if (a->check_only)
                return 0;
        if (fchdir(dfd) < 0 || dup2(a->out_fd, STDOUT_FILENO) < 0)
                return -errno;
        execlp("tar", "tar", "--create", "--file=-", "--numeric-owner", "--one-file-system", "--", base, (char *) NULL);
        snprintf(errbuf, errlen, "cannot run tar: %s", strerror(errno));
        return -errno;
}

/* For /etc/hosts, /etc/hostname and /etc/resolv.conf, roost's own file (in
 * the container's data directory), when it has one; else NULL. */
static char *etc_file_path(Container *c, const char *path) {
        static const char *const files[] = { "hosts", "hostname", "resolv.conf" };
        g_autofree char *canon = g_canonicalize_filename(path, "/");
        struct stat st;

        for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
                g_autofree char *want = g_strconcat("/etc/", files[i], NULL);
                g_autofree char *p = NULL;
                if (!streq(canon, want))
                        continue;
                p = g_strdup_printf("%s/etc/%s", c->data_dir, files[i]);
                return lstat(p, &st) == 0 && S_ISREG(st.st_mode) ? g_steal_pointer(&p) : NULL;
        }
        return NULL;
}

int method_container_copy_from(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Container *c = userdata;
        g_autofree char *rootfs = NULL, *err = NULL, *etc_path = NULL;
        _cleanup_close_pair_ int p[2] = { -EBADF, -EBADF };
        FromArgs a = {};
        NsChild child;
        const char *path;
        int r;

        r = sd_bus_message_read(m, "s", &path);
        if (r < 0)
                return r;
        if (!path_ok(path))
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT, "the path in the container must be absolute: \"%.200s\"", path);
        r = container_rootfs_prepare(c->daemon, c->image_id, c->id, &rootfs, &err);
        if (r < 0)
                return sd_bus_error_setf(error, ROOST_ERROR_FAILED, "%s", err);
        etc_path = etc_file_path(c, path);
        if (etc_path) {
                /* what the container sees there is roost's file, mounted
                 * over the rootfs: copy that one */
                g_free(rootfs);
                rootfs = g_path_get_dirname(etc_path);
                path = etc_path + strlen(rootfs);
        }
        a = (FromArgs) { .rootfs = rootfs, .path = path, .check_only = true };
        r = nsexec_run(c->daemon, CLONE_NEWUSER | CLONE_NEWNS, copy_from_fn, &a, 10000, &err);
        if (r < 0)
                return sd_bus_error_setf(error, r == -ENOENT ? ROOST_ERROR_INVALID_ARGUMENT : ROOST_ERROR_FAILED,
                                         "%s%s%s", err ? err : strerror(-r), r == -ENOENT ? " " : "", r == -ENOENT ? c->name : "");
        if (pipe2(p, O_CLOEXEC) < 0)
                return -errno;
        a = (FromArgs) { .rootfs = rootfs, .path = path, .out_fd = p[1] };
        r = nsexec_start(c->daemon, CLONE_NEWUSER | CLONE_NEWNS, copy_from_fn, &a, &child);
        if (r < 0)
                return sd_bus_error_setf(error, ROOST_ERROR_FAILED, "cannot start the copy: %s", strerror(-r));
        p[1] = safe_close(p[1]);
        reap_later(c->daemon, &child);
        return sd_bus_reply_method_return(m, "h", p[0]);
}

/* --- CopyTo -------------------------------------------------------------- */

typedef struct ToArgs {
        const char *rootfs, *path;
        char *tmp;      /* out: the scratch directory when path does not exist */
        int in_fd;
        const char *target; /* for the unpack step: the directory to extract into */
        int out_fd;     /* roost-unpack's stdout */
} ToArgs;

/* step 1: where to extract: path itself (a directory), or a scratch
 * directory next to it when path is to be created */
static int copy_to_prepare_fn(void *userdata, char *errbuf, size_t errlen) {
        ToArgs *a = userdata;
        g_autofree char *dir = NULL, *base = NULL;
        _cleanup_close_ int root = -EBADF, fd = -EBADF, parent = -EBADF;
        char name[] = ".roost-cp-XXXXXX";

        root = open(a->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root < 0)
                return -errno;
        fd = open_in_root(root, a->path, O_PATH);
        if (fd >= 0) {
                struct stat st;
                if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
                        snprintf(errbuf, errlen, "%s exists in the container and is not a directory", a->path);
                        return -ENOTDIR;
                }
                snprintf(errbuf, errlen, "dir");
                return 0;
        }
        if (g_str_has_suffix(a->path, "/")) {
                snprintf(errbuf, errlen, "the directory %s does not exist in the container", a->path);
                return -ENOENT;
        }
        split_path(a->path, &dir, &base);
        parent = open_in_root(root, dir, O_RDONLY | O_DIRECTORY);
        if (parent < 0) {
                snprintf(errbuf, errlen, "the directory %s does not exist in the container", dir);
                return -ENOENT;
        }
        for (int i = 0; i < 100; i++) {
                for (char *x = name + 10; *x; x++)
                        *x = "abcdefghijklmnopqrstuvwxyz0123456789"[g_random_int_range(0, 36)];
                if (mkdirat(parent, name, 0700) == 0) {
                        snprintf(errbuf, errlen, "tmp %s", name);
                        return 0;
                }
                if (errno != EEXIST)
                        break;
        }
        snprintf(errbuf, errlen, "cannot make a scratch directory in %s: %s", dir, strerror(errno));
        return -errno;
}

/* step 3: the one entry extracted into the scratch dir becomes path */
static int copy_to_finish_fn(void *userdata, char *errbuf, size_t errlen) {
        ToArgs *a = userdata;
        g_autofree char *dir = NULL, *base = NULL;
        _cleanup_close_ int root = -EBADF, parent = -EBADF, tmp = -EBADF;
        g_autoptr(GDir) d = NULL;
        g_autofree char *procpath = NULL, *entry = NULL;
        const char *n;
        int count = 0, r = 0;

        split_path(a->path, &dir, &base);
        root = open(a->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root < 0 || (parent = open_in_root(root, dir, O_RDONLY | O_DIRECTORY)) < 0)
                return -errno;
        tmp = openat(parent, a->tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (tmp < 0)
                return -errno;
        procpath = g_strdup_printf("/proc/self/fd/%d", tmp);
        d = g_dir_open(procpath, 0, NULL);
        while (d && (n = g_dir_read_name(d))) {
                count++;
                g_free(entry);
                entry = g_strdup(n);
        }
        if (count == 1 && renameat(tmp, entry, parent, base) < 0)
                r = -errno;
        if (count != 1 && r == 0) {
                snprintf(errbuf, errlen, "the archive must hold one top-level entry to copy to a new name, not %d", count);
                r = -EINVAL;
        }
        if (r < 0 && !errbuf[0])
                snprintf(errbuf, errlen, "cannot move the copy into place as %s: %s", a->path, strerror(-r));
        /* the scratch dir goes either way (it may hold the failed entry) */
        {
                g_autofree char *rm = g_strdup_printf("%s", a->tmp);
                (void) unlinkat(parent, rm, AT_REMOVEDIR);
        }
        return r;
}

/* step 2, in a child that becomes roost-unpack */
static int copy_to_unpack_fn(void *userdata, char *errbuf, size_t errlen) {
        ToArgs *a = userdata;
        _cleanup_close_ int root = -EBADF, target = -EBADF;

        root = open(a->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root < 0)
                return -errno;
        target = open_in_root(root, a->target, O_RDONLY | O_DIRECTORY);
        if (target < 0) {
                snprintf(errbuf, errlen, "cannot open %s in the container: %s", a->target, strerror(-target));
                return target;
        }
        if (dup2(a->in_fd, STDIN_FILENO) < 0 || dup2(a->out_fd, STDOUT_FILENO) < 0 || dup2(target, 3) < 0)
                return -errno;
        (void) syscall(SYS_close_range, 4, ~0U, 0);
        execl(helper_path(), "roost-unpack", "layer", "--apply", "--no-owners", "--layer", "the copied archive", (char *) NULL);
        snprintf(errbuf, errlen, "cannot run %s: %s", helper_path(), strerror(errno));
        return -errno;
}

typedef struct CopyJob {
        Container *c;
        sd_bus_message *msg;
        NsChild child;
        int out_fd;
        sd_event_source *watch;
        char *rootfs, *path, *tmp;
} CopyJob;

static void copy_job_free(CopyJob *j) {
        sd_bus_message_unref(j->msg);
        sd_event_source_disable_unref(j->watch);
        safe_close(j->out_fd);
        g_free(j->rootfs);
        g_free(j->path);
        g_free(j->tmp);
        g_free(j);
}

static int on_unpack_exit(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        CopyJob *j = userdata;
        _cleanup_free_ char *out = NULL;
        g_autofree char *err = NULL;
        int r;

        (void) read_full_fd(j->out_fd, 64 * 1024, &out, NULL);
        r = nsexec_finish(&j->child, &err);
        if (r >= 0 && j->tmp) {
                ToArgs a = { .rootfs = j->rootfs, .path = j->path, .tmp = j->tmp };
                g_clear_pointer(&err, g_free);
                r = nsexec_run(j->c->daemon, CLONE_NEWUSER | CLONE_NEWNS, copy_to_finish_fn, &a, 60000, &err);
        } else if (r < 0 && j->tmp) {
                ToArgs a = { .rootfs = j->rootfs, .path = j->path, .tmp = j->tmp };
                (void) nsexec_run(j->c->daemon, CLONE_NEWUSER | CLONE_NEWNS, copy_to_finish_fn, &a, 60000, NULL);
        }
        if (r < 0) {
                const char *why = out && startswith(out, "error: ") ? strstrip_trailing(out) + 7 : err ? err : strerror(-r);
                (void) sd_bus_reply_method_errorf(j->msg, ROOST_ERROR_FAILED, "copying into container %s failed: %s",
                                                  j->c->name, why);
        } else
                (void) sd_bus_reply_method_return(j->msg, NULL);
        copy_job_free(j);
        return 0;
}

int method_container_copy_to(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Container *c = userdata;
        g_autofree char *rootfs = NULL, *err = NULL;
        _cleanup_close_pair_ int p[2] = { -EBADF, -EBADF };
        ToArgs a = {};
        CopyJob *j;
        const char *path;
        int in, r;

        r = sd_bus_message_read(m, "sh", &path, &in);
        if (r < 0)
                return r;
        if (!path_ok(path))
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT, "the path in the container must be absolute: \"%.200s\"", path);
        r = container_rootfs_prepare(c->daemon, c->image_id, c->id, &rootfs, &err);
        if (r < 0)
                return sd_bus_error_setf(error, ROOST_ERROR_FAILED, "%s", err);
        a = (ToArgs) { .rootfs = rootfs, .path = path };
        r = nsexec_run(c->daemon, CLONE_NEWUSER | CLONE_NEWNS, copy_to_prepare_fn, &a, 10000, &err);
        if (r < 0)
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT, "%s", err ? err : strerror(-r));

        j = g_new0(CopyJob, 1);
        j->c = c;
        j->rootfs = g_steal_pointer(&rootfs);
        j->path = g_strdup(path);
        j->out_fd = -EBADF;
        if (err && startswith(err, "tmp "))
                j->tmp = g_strdup(err + 4);
        if (pipe2(p, O_CLOEXEC) < 0) {
                copy_job_free(j);
                return -errno;
        }
        {
                g_autofree char *dir = NULL, *base = NULL, *target = NULL;
                split_path(path, &dir, &base);
                target = j->tmp ? g_build_filename(dir, j->tmp, NULL) : g_strdup(path);
                a = (ToArgs) { .rootfs = j->rootfs, .in_fd = in, .out_fd = p[1], .target = target };
                r = nsexec_start(c->daemon, CLONE_NEWUSER | CLONE_NEWNS, copy_to_unpack_fn, &a, &j->child);
        }
        if (r < 0) {
                copy_job_free(j);
                return sd_bus_error_setf(error, ROOST_ERROR_FAILED, "cannot start the copy: %s", strerror(-r));
        }
        p[1] = safe_close(p[1]);
        j->out_fd = TAKE_FD(p[0]);
        j->msg = sd_bus_message_ref(m);
        r = sd_event_add_io(c->daemon->event, &j->watch, j->child.pidfd, EPOLLIN, on_unpack_exit, j);
        if (r < 0) {
                nsexec_kill(&j->child);
                copy_job_free(j);
                return r;
        }
        return 1;
}
