/* SPDX-License-Identifier: Apache-2.0 */
#include <glib.h>

#include "container-image.h"
#include "image-store.h"
#include "reference.h"
#include "roost-names.h"
#include "snapshot.h"

/* The name to show for what the user typed: the normalised reference for a
 * name ("busybox" -> "docker.io/library/busybox:latest" shown familiar),
 * the ID when an ID was given. */
static char *display_ref(const char *typed, const Image *img) {
        Reference ref = {};
        g_autofree char *full = NULL;

        if (g_str_has_prefix(img->id, typed) || g_str_has_prefix(img->id + 7, typed))
                return g_strdup(typed);
        if (reference_parse(typed, &ref, NULL) < 0)
                return g_strdup(typed);
        full = reference_string(&ref);
        reference_done(&ref);
        return reference_familiar(full);
}

int container_image_resolve(Daemon *d, const char *ref, char **ret_ref, char **ret_id, ImageConfig **ret_config,
                            char **ret_error) {
        _cleanup_image_ Image *img = NULL;
        int r;

        r = image_lookup(d, ref, &img);
        if (r == -ENOENT) {
                *ret_error = g_strdup_printf("No such image: %s (pull it first: roost pull %s)", ref, ref);
                return r;
        }
        if (r == -ENOTUNIQ) {
                *ret_error = g_strdup_printf("the image ID prefix %s is ambiguous: give more of the ID", ref);
                return -EINVAL;
        }
        if (r == -EINVAL) {
                *ret_error = g_strdup_printf("invalid reference format: \"%s\"", ref);
                return r;
        }
        if (r < 0) {
                *ret_error = g_strdup_printf("cannot look up image %s: %s", ref, g_strerror(-r));
                return r;
        }
        if (!img->config) {
                *ret_error = g_strdup_printf("the config of image %s cannot be read", img->id);
                return -EIO;
        }
        *ret_ref = display_ref(ref, img);
        *ret_id = g_strdup(img->id);
        *ret_config = g_steal_pointer(&img->config);
        return 0;
}

int container_image_config(Daemon *d, const char *image_id, ImageConfig **ret_config) {
        _cleanup_image_ Image *img = NULL;
        int r;

        r = image_lookup(d, image_id, &img);
        if (r >= 0 && img->config) {
                *ret_config = g_steal_pointer(&img->config);
                return 0;
        }
        *ret_config = calloc(1, sizeof(ImageConfig));
        return r < 0 ? r : -EIO;
}

static char *rootfs_path(Daemon *d, const char *id) {
        return g_strdup_printf("%s/" ROOST_CONTAINERS_DIR "/%s/rootfs", d->runtime_dir, id);
}

int container_rootfs_prepare(Daemon *d, const char *image_id, const char *id, char **ret_rootfs, char **ret_error) {
        g_autofree char *rootfs = rootfs_path(d, id);
        int r;

        /* mounted already (started before, holder unchanged): nothing to do */
        if (holder_is_mounted(d->holder, rootfs)) {
                *ret_rootfs = g_steal_pointer(&rootfs);
                return 0;
        }
        r = snapshot_prepare(d, image_id, id, ret_rootfs);

        if (r < 0 && ret_error && !*ret_error)
                *ret_error = g_strdup_printf(r == -ENOENT ? "the image %s of the container is gone"
                                                          : "cannot mount the root filesystem of the container (image %s): %s",
                                             image_id, g_strerror(-r));
        return r;
}

int container_rootfs_unmount(Daemon *d, const char *id) {
        g_autofree char *rootfs = rootfs_path(d, id);

        if (!holder_is_mounted(d->holder, rootfs))
                return 0;
        return snapshot_unmount(d, id);
}

int container_rootfs_remove(Daemon *d, const char *id) {
        return snapshot_remove(d, id);
}
