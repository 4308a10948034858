/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "daemon.h"
#include "oci-spec.h"

/* What containers need from the image store and snapshotter (image-store.c,
 * snapshot.c), in one place. */

/* ref: as the user typed it, or an image ID (prefix). -ENOENT when there is
 * no such image (then *ret_error is a docker-style message). */
int container_image_resolve(Daemon *d, const char *ref, char **ret_ref, char **ret_id, ImageConfig **ret_config,
                            char **ret_error);
/* The config of an image by ID, for a container created earlier; an empty
 * one (never NULL) when the image is gone, with -ENOENT. */
int container_image_config(Daemon *d, const char *image_id, ImageConfig **ret_config);

/* The container's root filesystem, mounted (again, if the holder was
 * replaced) in the holder's mount namespace; its path. */
int container_rootfs_prepare(Daemon *d, const char *image_id, const char *id, char **ret_rootfs, char **ret_error);
int container_rootfs_unmount(Daemon *d, const char *id);
int container_rootfs_remove(Daemon *d, const char *id);
