/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "shim.h"

/* What the shim records about the container: DIR/state while it lives and
 * DIR/exit when it has ended, both key=value files replaced atomically
 * (shim/README.md lists their keys). The exit record is also the payload
 * of the EXIT frame. */

#define EXIT_RECORD_MAX 1536

/* docker's exit code for a waitpid() status: the code, or 128 + the signal
 * that killed the process. */
int exit_code_from_wait_status(int status);
/* The container's: 125/126/127 when the runtime failed to create or start
 * it, else from its init's status. */
int shim_exit_code(const Shim *s);
void shim_exit_record(const Shim *s, char buf[static EXIT_RECORD_MAX]);
int shim_write_exit(Shim *s);
int shim_write_state(Shim *s);
