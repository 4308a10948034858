/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <fcntl.h>
#include <glib.h>
#include <poll.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "digest.h"
#include "fileio.h"
#include "helper.h"
#include "image-store.h"
#include "images.h"
#include "log.h"
#include "nsexec.h"
#include "paths.h"
#include "snapshot.h"

#define LAYERS_DIR "layers"
#define CONTAINERS_DIR "containers"
#define LAYER_TMP_PREFIX "tmp-"
#define HELPER_TIMEOUT_MS (10 * 60 * 1000)
#define MOUNT_TIMEOUT_MS 30000
/* Short names of layers for an overlay whose lower dirs would not fit in
 * one page of mount options (about 58 layers by full name): .l/<24 hex of
 * the chain ID> -> ../<chain hex>/fs, 28 bytes a layer, so the 127 layers
 * an image may have fit. The dot keeps the directory out of snapshot_gc. */
#define SHORT_LINKS_DIR ".l"
#define SHORT_LINK_HEX 24
#define MOUNT_OPTIONS_MAX 4096

bool snapshot_driver_is_copy(Daemon *d) {
        return streq_ptr(d->facts.storage_driver, "copy");
}

static char *layers_path(Daemon *d) {
        return strjoin(d->data_dir, "/" LAYERS_DIR);
}

static int layers_fd(Daemon *d) {
        _cleanup_free_ char *p = layers_path(d);
        int fd;

        if (!p)
                return -ENOMEM;
        if (mkdir(p, 0700) < 0 && errno != EEXIST)
                return -errno;
        fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

bool snapshot_layer_exists(Daemon *d, const char *chain_id, uint64_t *ret_size) {
        _cleanup_free_ char *p = strjoin(d->data_dir, "/" LAYERS_DIR "/", digest_hex(chain_id), "/fs");
        struct stat st;

        if (!p || stat(p, &st) < 0 || !S_ISDIR(st.st_mode))
                return false;
        if (ret_size)
                *ret_size = snapshot_layer_size(d, chain_id);
        return true;
}

uint64_t snapshot_layer_size(Daemon *d, const char *chain_id) {
        _cleanup_free_ char *p = strjoin(d->data_dir, "/" LAYERS_DIR "/", digest_hex(chain_id), "/size");
        _cleanup_free_ char *text = NULL;

        if (!p || read_full_file(p, 64, &text, NULL) < 0)
                return 0;
        return strtoull(text, NULL, 10);
}

int snapshot_layer_begin(Daemon *d, char **ret_tmp, int *ret_fs_fd) {
        _cleanup_close_ int lfd = layers_fd(d);
        char name[32];
        int fd;

        if (lfd < 0)
                return lfd;
        for (unsigned attempt = 0; attempt < 16; attempt++) {
                snprintf(name, sizeof name, LAYER_TMP_PREFIX "%08x", g_random_int());
                if (mkdirat(lfd, name, 0700) >= 0)
                        break;
                if (errno != EEXIST)
                        return -errno;
        }
        {
                _cleanup_close_ int tfd = openat(lfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (tfd < 0)
                        return -errno;
                if (mkdirat(tfd, "fs", 0755) < 0)
                        return -errno;
                fd = openat(tfd, "fs", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (fd < 0)
                        return -errno;
        }
        *ret_tmp = strdup(name);
        if (!*ret_tmp) {
                safe_close(fd);
                return -ENOMEM;
        }
        *ret_fs_fd = fd;
        return 0;
}

int snapshot_layer_commit(Daemon *d, const char *tmp, const char *chain_id, uint64_t size) {
        _cleanup_close_ int lfd = layers_fd(d);
        char text[32];
        int r;

        if (lfd < 0)
                return lfd;
        snprintf(text, sizeof text, "%llu\n", (unsigned long long) size);
        {
                _cleanup_free_ char *p = strjoin(tmp, "/size");
                if (!p)
                        return -ENOMEM;
                r = write_file_atomic_at(lfd, p, text, strlen(text), 0600);
                if (r < 0)
                        return r;
        }
        if (renameat(lfd, tmp, lfd, digest_hex(chain_id)) < 0)
                return -errno;
        return 0;
}

int snapshot_layer_open(Daemon *d, const char *chain_id) {
        _cleanup_free_ char *p = strjoin(d->data_dir, "/" LAYERS_DIR "/", digest_hex(chain_id), "/fs");
        int fd;

        if (!p)
                return -ENOMEM;
        fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

/* --- roost-unpack in the holder's namespaces -------------------------------- */

/* Runs "roost-unpack VERB ARGS..." with fds 3.. and waits; returns 0, or a
 * negative errno with its one-line reason in *ret_error. */
static int helper_run(Daemon *d, char **args, const int *extra_fds, size_t n_extra, char **ret_error) {
        _cleanup_close_pair_ int out[2] = { -EBADF, -EBADF };
        _cleanup_strv_free_ char **argv = NULL;
        _cleanup_free_ char *text = NULL;
        int fds[8] = { -1, -1, -1, -1, -1, -1, -1, -1 };
        NsChild c;
        int r;

        if (strv_extend(&argv, helper_path()) < 0)
                return -ENOMEM;
        for (char **a = args; *a; a++)
                if (strv_extend(&argv, *a) < 0)
                        return -ENOMEM;
        if (pipe2(out, O_CLOEXEC) < 0)
                return -errno;
        fds[1] = out[1];
        for (size_t i = 0; i < n_extra && i + 3 < ELEMENTSOF(fds); i++)
                fds[3 + i] = extra_fds[i];
        r = nsexec_spawn(d, CLONE_NEWUSER | CLONE_NEWNS, argv, fds, 3 + n_extra, &c);
        if (r < 0)
                return r;
        out[1] = safe_close(out[1]);
        {
                struct pollfd p = { .fd = c.pidfd, .events = POLLIN };
                do
                        r = poll(&p, 1, HELPER_TIMEOUT_MS);
                while (r < 0 && errno == EINTR);
                if (r == 0) {
                        nsexec_kill(&c);
                        return -ETIMEDOUT;
                }
        }
        r = nsexec_finish(&c, NULL);
        (void) read_full_fd(out[0], 4096, &text, NULL);
        if (r < 0 && ret_error)
                *ret_error = strdup(text ? strstrip_trailing(text) : "the helper failed");
        return r;
}

typedef struct RemoveJob {
        NsChild child;
        sd_event_source *src;
} RemoveJob;

static int on_remove_exit(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        RemoveJob *j = userdata;
        int r;

        /* the source goes before nsexec_finish() closes its descriptor */
        j->src = sd_event_source_disable_unref(j->src);
        r = nsexec_finish(&j->child, NULL);
        if (r < 0)
                log_warning_errno(r, "Removing unused layers failed: %m");
        free(j);
        return 0;
}

void snapshot_layers_remove_async(Daemon *d, char **names) {
        _cleanup_strv_free_ char **argv = NULL;
        _cleanup_close_ int lfd = layers_fd(d);
        RemoveJob *j;
        int fds[4] = { -1, -1, -1, lfd };

        if (lfd < 0 || !names || !*names)
                return;
        if (strv_extend(&argv, helper_path()) < 0 || strv_extend(&argv, "remove") < 0)
                return;
        for (char **n = names; *n; n++)
                if (strv_extend(&argv, *n) < 0)
                        return;
        j = calloc(1, sizeof *j);
        if (!j)
                return;
        if (nsexec_spawn(d, CLONE_NEWUSER | CLONE_NEWNS, argv, fds, 4, &j->child) < 0 ||
            sd_event_add_io(d->event, &j->src, j->child.pidfd, EPOLLIN, on_remove_exit, j) < 0) {
                nsexec_kill(&j->child);
                free(j);
        }
}

/* The short name of a layer, made if missing (see SHORT_LINKS_DIR). */
static int short_link(int lfd, const char *chain_id, char **ret) {
        const char *hex = digest_hex(chain_id);
        _cleanup_free_ char *target = strjoin("../", hex, "/fs"), *name = strndup(hex, SHORT_LINK_HEX);
        _cleanup_close_ int dfd = -EBADF;
        char have[PATH_MAX];
        ssize_t n;

        if (!target || !name)
                return -ENOMEM;
        if (strlen(hex) < SHORT_LINK_HEX)
                return -EINVAL;
        if (mkdirat(lfd, SHORT_LINKS_DIR, 0700) < 0 && errno != EEXIST)
                return -errno;
        dfd = openat(lfd, SHORT_LINKS_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dfd < 0)
                return -errno;
        if (symlinkat(target, dfd, name) < 0) {
                if (errno != EEXIST)
                        return -errno;
                n = readlinkat(dfd, name, have, sizeof have - 1);
                if (n < 0)
                        return -errno;
                have[n] = 0;
                if (!streq(have, target))
                        return -EEXIST; /* two chain IDs alike in 96 bits */
        }
        *ret = strjoin(SHORT_LINKS_DIR "/", name);
        return *ret ? 0 : -ENOMEM;
}

/* Short names whose layer is gone. */
static void short_links_sweep(int lfd) {
        _cleanup_close_ int dfd = openat(lfd, SHORT_LINKS_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        struct dirent *de;
        struct stat st;
        DIR *dir;

        if (dfd < 0 || !(dir = fdopendir(dfd)))
                return;
        TAKE_FD(dfd);
        while ((de = readdir(dir)))
                if (de->d_name[0] != '.' && fstatat(dirfd(dir), de->d_name, &st, 0) < 0 && errno == ENOENT)
                        (void) unlinkat(dirfd(dir), de->d_name, 0);
        closedir(dir);
}

int snapshot_gc(Daemon *d, char *const *chains, bool wait, uint64_t *ret_freed) {
        _cleanup_close_ int lfd = layers_fd(d);
        _cleanup_strv_free_ char **victims = NULL;
        g_autoptr(GHashTable) keep = g_hash_table_new(g_str_hash, g_str_equal);
        uint64_t freed = 0;
        struct dirent *de;
        DIR *dir;
        int fd, r = 0;

        if (lfd < 0)
                return lfd;
        for (char *const *c = chains; c && *c; c++)
                g_hash_table_add(keep, (gpointer) digest_hex(*c));
        fd = fcntl(lfd, F_DUPFD_CLOEXEC, 3);
        if (fd < 0 || !(dir = fdopendir(fd))) {
                safe_close(fd);
                return -errno;
        }
        while ((de = readdir(dir))) {
                g_autofree char *chain = NULL;
                if (de->d_name[0] == '.')
                        continue;
                if (startswith(de->d_name, LAYER_TMP_PREFIX)) {
                        /* unpacks in progress are only there while roostd runs them */
                        if (!wait)
                                continue;
                } else {
                        if (g_hash_table_contains(keep, de->d_name))
                                continue;
                        chain = g_strconcat(DIGEST_SHA256_PREFIX, de->d_name, NULL);
                        if (images_is_leased(d, chain))
                                continue;
                        freed += snapshot_layer_size(d, chain);
                        if (!wait) {
                                /* out of the way at once: a pull that wants this
                                 * layer again must not find it half removed */
                                char gone[48];
                                snprintf(gone, sizeof gone, LAYER_TMP_PREFIX "gc-%08x", g_random_int());
                                if (renameat(lfd, de->d_name, lfd, gone) < 0)
                                        continue;
                                if (strv_extend(&victims, gone) < 0) {
                                        closedir(dir);
                                        return -ENOMEM;
                                }
                                continue;
                        }
                }
                if (strv_extend(&victims, de->d_name) < 0) {
                        closedir(dir);
                        return -ENOMEM;
                }
        }
        closedir(dir);
        if (victims) {
                if (wait) {
                        _cleanup_free_ char *error = NULL;
                        _cleanup_strv_free_ char **args = NULL;
                        if (strv_extend(&args, "remove") < 0)
                                return -ENOMEM;
                        for (char **v = victims; *v; v++)
                                if (strv_extend(&args, *v) < 0)
                                        return -ENOMEM;
                        log_info("Removing %zu unused or unfinished layer directories.", strv_length(victims));
                        r = helper_run(d, args, &lfd, 1, &error);
                        if (r < 0)
                                log_warning_errno(r, "Failed to remove unused layers: %s", strna(error));
                } else
                        snapshot_layers_remove_async(d, victims);
        }
        short_links_sweep(lfd);
        if (ret_freed)
                *ret_freed = freed;
        return r;
}

/* --- containers -------------------------------------------------------------- */

typedef struct MountArgs {
        const char *layers_dir;
        const char *rootfs;
        char *options;     /* overlay: "lowerdir=...,upperdir=...,workdir=...,userxattr" */
        const char *bind;  /* copy driver: the directory to bind */
} MountArgs;

static bool is_mounted(const char *path) {
        _cleanup_free_ char *parent = g_path_get_dirname(path);
        struct stat a, b;

        return stat(path, &a) >= 0 && stat(parent, &b) >= 0 && a.st_dev != b.st_dev;
}

static int do_mount(void *userdata, char *errbuf, size_t errlen) {
        MountArgs *a = userdata;

        if (is_mounted(a->rootfs))
                return 0;
        if (a->bind) {
                if (mount(a->bind, a->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0) {
                        snprintf(errbuf, errlen, "bind-mounting %s on %s: %s", a->bind, a->rootfs, strerror(errno));
                        return -errno;
                }
                return 0;
        }
        /* relative lower dirs keep the options short (one page at most) */
        if (chdir(a->layers_dir) < 0) {
                snprintf(errbuf, errlen, "cannot enter %s: %s", a->layers_dir, strerror(errno));
                return -errno;
        }
        if (mount("overlay", a->rootfs, "overlay", 0, a->options) < 0) {
                snprintf(errbuf, errlen, "mounting the overlay on %s: %s", a->rootfs, strerror(errno));
                return -errno;
        }
        return 0;
}

static int do_umount(void *userdata, char *errbuf, size_t errlen) {
        const char *rootfs = userdata;

        while (is_mounted(rootfs))
                if (umount2(rootfs, MNT_DETACH) < 0) {
                        if (errno == EINVAL || errno == ENOENT)
                                break;
                        snprintf(errbuf, errlen, "unmounting %s: %s", rootfs, strerror(errno));
                        return -errno;
                }
        return 0;
}

static bool container_id_valid(const char *id) {
        size_t n = strlen(id);

        if (n == 0 || n > 128)
                return false;
        for (const char *c = id; *c; c++)
                if (!g_ascii_isalnum(*c) && *c != '-' && *c != '_')
                        return false;
        return true;
}

int snapshot_prepare(Daemon *d, const char *image_id, const char *container_id, char **ret_rootfs) {
        _cleanup_image_ Image *img = NULL;
        _cleanup_free_ char *cdir = NULL, *rootfs = NULL, *rdir = NULL, *layers = layers_path(d);
        _cleanup_free_ char *error = NULL;
        MountArgs a = {};
        int r;

        if (!container_id_valid(container_id))
                return -EINVAL;
        r = image_store_load(d->db, images_store(d), image_id, false, &img);
        if (r < 0)
                return r;
        cdir = strjoin(d->data_dir, "/" CONTAINERS_DIR "/", container_id);
        rdir = strjoin(d->runtime_dir, "/" CONTAINERS_DIR "/", container_id);
        rootfs = strjoin(rdir, "/rootfs");
        if (!cdir || !rdir || !rootfs || !layers)
                return -ENOMEM;
        if ((r = mkdir_p(rootfs, 0700)) < 0 || (r = mkdir_p(cdir, 0700)) < 0)
                return log_error_errno(r, "Failed to create the directories of container %s: %m", container_id);
        for (size_t i = 0; i < img->n_layers; i++)
                if (!snapshot_layer_exists(d, img->layers[i].chain_id, NULL))
                        return log_error_errno(ENOENT, "Layer %s of image %s is missing from %s: pull the image again.",
                                               img->layers[i].chain_id, image_id, layers);

        a.layers_dir = layers;
        a.rootfs = rootfs;
        if (snapshot_driver_is_copy(d)) {
                _cleanup_free_ char *fs = strjoin(cdir, "/fs");
                struct stat st;
                if (!fs)
                        return -ENOMEM;
                if (stat(fs, &st) < 0) {
                        _cleanup_free_ char *tmp = strjoin(cdir, "/fs.tmp");
                        _cleanup_close_ int src = -EBADF, dst = -EBADF;
                        char *args[] = { (char *) "copy", NULL };
                        if (!tmp)
                                return -ENOMEM;
                        (void) rmdir(tmp);
                        if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
                                return -errno;
                        dst = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                        if (img->n_layers > 0)
                                src = snapshot_layer_open(d, img->layers[img->n_layers - 1].chain_id);
                        if (dst < 0 || (img->n_layers > 0 && src < 0))
                                return log_error_errno(errno, "Failed to open the layers of container %s: %m", container_id);
                        if (img->n_layers > 0) {
                                int fds[2] = { src, dst };
                                r = helper_run(d, args, fds, 2, &error);
                                if (r < 0)
                                        return log_error_errno(r, "Copying the image into container %s failed: %s",
                                                               container_id, strna(error));
                        }
                        if (rename(tmp, fs) < 0)
                                return -errno;
                }
                a.bind = fs;
        } else {
                g_autoptr(GString) o = g_string_new("lowerdir=");
                _cleanup_free_ char *upper = strjoin(cdir, "/upper"), *work = strjoin(cdir, "/work");
                if (!upper || !work)
                        return -ENOMEM;
                (void) mkdir(upper, 0755);
                (void) mkdir(work, 0700);
                if (img->n_layers == 0) {
                        _cleanup_free_ char *empty = strjoin(layers, "/empty");
                        if (!empty)
                                return -ENOMEM;
                        (void) mkdir(empty, 0755);
                        g_string_append(o, "empty");
                }
                for (size_t i = img->n_layers; i > 0; i--)
                        g_string_append_printf(o, "%s%s/fs", i == img->n_layers ? "" : ":",
                                               digest_hex(img->layers[i - 1].chain_id));
                g_string_append_printf(o, ",upperdir=%s,workdir=%s,userxattr", upper, work);
                if (o->len >= MOUNT_OPTIONS_MAX) {
                        _cleanup_close_ int lfd = layers_fd(d);
                        if (lfd < 0)
                                return log_error_errno(lfd, "Cannot open %s: %m", layers);
                        g_string_assign(o, "lowerdir=");
                        for (size_t i = img->n_layers; i > 0; i--) {
                                _cleanup_free_ char *link = NULL;
                                r = short_link(lfd, img->layers[i - 1].chain_id, &link);
                                if (r < 0)
                                        return log_error_errno(r, "Cannot make a short name for layer %s in %s/%s: %m",
                                                               img->layers[i - 1].chain_id, layers, SHORT_LINKS_DIR);
                                g_string_append_printf(o, "%s%s", i == img->n_layers ? "" : ":", link);
                        }
                        g_string_append_printf(o, ",upperdir=%s,workdir=%s,userxattr", upper, work);
                }
                if (o->len >= MOUNT_OPTIONS_MAX)
                        return log_error_errno(E2BIG, "Image %s has too many layers (%zu) for one overlay mount.",
                                               image_id, img->n_layers);
                a.options = g_string_free(g_steal_pointer(&o), FALSE);
        }
        r = nsexec_run(d, CLONE_NEWUSER | CLONE_NEWNS, do_mount, &a, MOUNT_TIMEOUT_MS, &error);
        g_free(a.options);
        if (r < 0)
                return log_error_errno(r, "Failed to mount the rootfs of container %s: %s", container_id, strna(error));
        *ret_rootfs = TAKE_PTR(rootfs);
        return 0;
}

int snapshot_unmount(Daemon *d, const char *container_id) {
        _cleanup_free_ char *rootfs = NULL, *error = NULL;
        int r;

        if (!container_id_valid(container_id))
                return -EINVAL;
        rootfs = strjoin(d->runtime_dir, "/" CONTAINERS_DIR "/", container_id, "/rootfs");
        if (!rootfs)
                return -ENOMEM;
        if (access(rootfs, F_OK) < 0)
                return 0;
        r = nsexec_run(d, CLONE_NEWUSER | CLONE_NEWNS, do_umount, rootfs, MOUNT_TIMEOUT_MS, &error);
        if (r < 0)
                return log_error_errno(r, "Failed to unmount the rootfs of container %s: %s", container_id, strna(error));
        return 0;
}

int snapshot_remove(Daemon *d, const char *container_id) {
        _cleanup_free_ char *cparent = NULL, *rdir = NULL, *rootfs = NULL, *error = NULL;
        _cleanup_close_ int pfd = -EBADF;
        char *args[] = { (char *) "remove", (char *) container_id, NULL };
        int r;

        r = snapshot_unmount(d, container_id);
        if (r < 0)
                return r;
        cparent = strjoin(d->data_dir, "/" CONTAINERS_DIR);
        rdir = strjoin(d->runtime_dir, "/" CONTAINERS_DIR "/", container_id);
        rootfs = strjoin(rdir, "/rootfs");
        if (!cparent || !rdir || !rootfs)
                return -ENOMEM;
        pfd = open(cparent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (pfd >= 0) {
                r = helper_run(d, args, &pfd, 1, &error);
                if (r < 0)
                        return log_error_errno(r, "Failed to delete the writable layer of container %s: %s", container_id,
                                               strna(error));
        }
        (void) rmdir(rootfs);
        (void) rmdir(rdir);
        return 0;
}
