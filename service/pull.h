/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "daemon.h"
#include "job.h"
#include "manifest.h"

/* A pull: resolve the reference on the registry (trying mirrors first),
 * choose the platform, fetch the config, fetch and unpack the layers (in
 * parallel, each streamed into its unpacker while it downloads), ask the
 * image verifier plugins, and commit the image record last. As a Job1. */

typedef struct PullOptions {
        const char *platform; /* "os/arch[/variant]", NULL: the host's */
} PullOptions;

/* Starts a pull; the job reports how it went. */
int pull_start(Daemon *d, const char *reference, const PullOptions *o, Job **ret_job, char **ret_error);

/* Builds an image from content already in the store (load, import): the
 * manifest (and index) bodies are stored, layers unpacked, the record
 * committed with names. done(userdata, r, image_id or message). */
typedef void (*PullLocalDone)(void *userdata, int r, const char *id_or_message);
int pull_local(Daemon *d, const char *index_body, size_t index_len, const char *manifest_body, size_t manifest_len,
               char *const *names, PullLocalDone done, void *userdata);

/* The D-Bus error name for an errno of a pull. */
const char *pull_error_name(int r);
