/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "daemon.h"

/* Snapshots: unpacked layers shared between images by chain ID, and each
 * container's writable layer on top of its image's.
 *
 *   $XDG_DATA_HOME/roost/layers/<chain hex>/fs     a layer, unpacked once
 *   $XDG_DATA_HOME/roost/layers/<chain hex>/size   its uncompressed size
 *   $XDG_DATA_HOME/roost/layers/tmp-*              being unpacked (gone at start)
 *   $XDG_DATA_HOME/roost/containers/<id>/{upper,work}  overlayfs driver
 *   $XDG_DATA_HOME/roost/containers/<id>/fs            copy driver: a full copy
 *   $XDG_RUNTIME_DIR/roost/containers/<id>/rootfs      the mount point
 *
 * With the overlayfs driver (the default where rootless overlayfs with
 * userxattr works) each layer directory holds that layer only, whiteouts as
 * overlayfs whiteouts, and the rootfs is an overlay of them. With the copy
 * driver each layer directory is the whole tree up to that layer (its
 * parent's copied, then the layer applied), and the rootfs is a copy of the
 * top one, bind-mounted. Mounts live in the namespace holder's mount
 * namespace, where crun runs. */

/* Creates the container's writable layer (if it has none yet) and mounts
 * its rootfs at $XDG_RUNTIME_DIR/roost/containers/<container_id>/rootfs in
 * the holder's mount namespace; returns that path. Idempotent: mounts again
 * when the holder was replaced. -ENOENT when the image is unknown. */
int snapshot_prepare(Daemon *d, const char *image_id, const char *container_id, char **ret_rootfs);
/* Unmounts the rootfs (nothing to do when it is not mounted). */
int snapshot_unmount(Daemon *d, const char *container_id);
/* Unmounts, then deletes the container's writable layer (inside the user
 * namespace: its files may belong to subordinate IDs). */
int snapshot_remove(Daemon *d, const char *container_id);

/* --- for the image code ---------------------------------------------------- */

bool snapshot_driver_is_copy(Daemon *d);
/* layers/<hex of chain_id> exists (committed). ret_size: its uncompressed size. */
bool snapshot_layer_exists(Daemon *d, const char *chain_id, uint64_t *ret_size);
/* Makes layers/tmp-XXXXXX/fs; returns the tmp name and an O_DIRECTORY fd of fs. */
int snapshot_layer_begin(Daemon *d, char **ret_tmp, int *ret_fs_fd);
/* Renames layers/<tmp> to layers/<chain hex> and records the size. */
int snapshot_layer_commit(Daemon *d, const char *tmp, const char *chain_id, uint64_t size);
/* An O_DIRECTORY fd of a committed layer's fs. */
int snapshot_layer_open(Daemon *d, const char *chain_id);
/* Removes layers/<names...> in the user namespace, without waiting. */
void snapshot_layers_remove_async(Daemon *d, char **names);
/* Removes what a crash left behind (layers/tmp-*) and layers no image
 * references (chains: the referenced chain IDs), waiting for it. */
int snapshot_gc(Daemon *d, char *const *chains, bool wait, uint64_t *ret_freed);
/* How big the layers dir's entry for chain is (0 when unknown). */
uint64_t snapshot_layer_size(Daemon *d, const char *chain_id);
