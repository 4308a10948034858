/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdio.h>

/* The helper's side of load, save and import (roost-unpack load|save|import):
 * streaming archives into and out of the content store without roostd's
 * event loop ever blocking on them. */

/* Reads a tar archive (oci-archive, docker-archive; plain or compressed)
 * from in_fd and stores every regular file in it as a blob (ingest_fd,
 * blobs_fd: the content store's directories). A file named
 * blobs/sha256/<hex> must have that digest. Prints a JSON object
 * {"files": {"name": "sha256:...", ...}} on out. */
int archive_load(int in_fd, int ingest_fd, int blobs_fd, FILE *out, char **ret_error);

/* Stores the tarball read from in_fd as one blob as it is, then reads it
 * back to check it is a tar and hash its uncompressed content. Prints
 * "ok BLOB_DIGEST BLOB_SIZE DIFF_ID COMPRESSION" (none, gzip, zstd). */
int archive_import(int in_fd, int ingest_fd, int blobs_fd, FILE *out, char **ret_error);

/* Writes a tar archive to out_fd following the plan read from plan_fd:
 * {"entries": [{"name": N, "data": TEXT} | {"name": N, "blob": DIGEST,
 * "size": BYTES, "decompress": BOOL}]}. Blobs come from blobs_fd;
 * "decompress" writes a layer uncompressed (docker-archive). */
int archive_save(int plan_fd, int blobs_fd, int out_fd, char **ret_error);
