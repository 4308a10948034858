/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdint.h>

#include "daemon.h"

/* Image verifier plugins, as containerd 2.0's: every executable in
 * $XDG_CONFIG_HOME/roost/image-verifiers/ and <sysconfdir>/roost/image-verifiers/
 * runs, one after another, before a pull is committed, as
 *   NAME -name REF -digest DIGEST -stdin-media-type application/vnd.oci.descriptor.v1+json
 * with the image's descriptor (JSON) on stdin. Exit 0 allows; anything else
 * blocks, and the first line of its stdout is the reason. Each has
 * [ImageVerifiers] Timeout= seconds; all must allow. No directory, or an
 * empty one, allows everything. Runs asynchronously: roostd keeps serving. */

typedef struct Verification Verification;
/* r: 0 allowed; -EACCES blocked (message names the plugin and its reason);
 * -ETIMEDOUT a plugin took too long; other errors: a plugin could not run. */
typedef void (*VerifierDone)(void *userdata, int r, const char *message);

/* *ret is NULL, and done is not called, when there are no plugins. */
int verifier_run(Daemon *d, const char *name, const char *digest, const char *media_type, uint64_t size,
                 VerifierDone done, void *userdata, Verification **ret);
void verifier_cancel(Verification *v);
