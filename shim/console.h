/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "shim.h"

/* The runtime's --console-socket: it connects to a unix socket we listen
 * on and sends the pty master with SCM_RIGHTS. The runtime child names the
 * socket through fd 3 (RUNTIME_DIR_PATH), so the state directory's path may
 * be of any length. */

/* Listens on DIR/name. */
int console_listen(Shim *s, const char *name);
/* Takes the master from a runtime that has connected and exited (its
 * connection waits in the backlog). Never blocks. */
int console_receive(int listen_fd);
void console_close(Shim *s, int *listen_fd, const char *name);
