/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "digest.h"

/* Unpacks one image layer (a tar stream, gzip/zstd/uncompressed, detected)
 * into a directory with fd-relative calls only: every parent is opened with
 * openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS), so no entry can reach
 * outside the directory through "..", an absolute name, a symbolic link or a
 * hard link; an entry that tries makes the whole layer fail, naming it.
 * The uncompressed stream is hashed: its digest is the layer's diff_id.
 *
 * Runs in roost-unpack, inside the roost user namespace, so the owners in
 * the tar (0..65536) become the user and its subordinate IDs. */

typedef enum UnpackMode {
        UNPACK_OVERLAY, /* whiteouts become overlayfs whiteouts (char 0:0, user.overlay.opaque=y) */
        UNPACK_APPLY,   /* whiteouts delete from the directory (the copy driver's flattened tree) */
} UnpackMode;

typedef struct UnpackParams {
        int in_fd;            /* the (compressed) layer stream */
        int root_fd;          /* the directory to unpack into; -1: only read, hash and check the stream */
        UnpackMode mode;
        const char *layer;    /* the layer's digest, for messages */
        const char *diff_id;  /* expected diff_id, or NULL */
        bool keep_owners;     /* chown to the tar's owners (false only for tests as an unprivileged user) */
} UnpackParams;

typedef struct UnpackResult {
        char diff_id[DIGEST_STRING_MAX];
        uint64_t size;         /* uncompressed bytes */
        unsigned entries;
        unsigned skipped;      /* device nodes and sockets left out */
} UnpackResult;

/* Returns 0, or a negative errno with *ret_error naming the layer and entry:
 *   -EXDEV     an entry tried to escape the directory
 *   -EBADMSG   the stream is not a valid (compressed) tar
 *   -EILSEQ    the diff_id does not match */
int unpack_layer(const UnpackParams *p, UnpackResult *ret, char **ret_error);

/* Normalises a tar entry name: strips "./" and "//", refuses absolute names
 * and ".." components (-EXDEV). "" is the root. */
int unpack_normalize_path(const char *name, char **ret);
