/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "shim.h"

/* Runs the OCI runtime (crun, or runc) without blocking the loop: each call
 * is a child process; its end comes through the reaper. The runtime's error
 * message is read from its JSON log (--log, --log-format=json), one log
 * file per call, so that messages never mix with the container's stderr. */

/* status: the runtime's exit status, or a negative errno (-ETIMEDOUT when
 * it was killed for taking too long); message: its last error line, or
 * NULL. */
typedef void (*RuntimeDone)(Shim *s, int status, const char *message, void *userdata);

struct RuntimeCall {
        RuntimeCall *next;
        pid_t pid;
        unsigned id;
        int64_t deadline;
        RuntimeDone done;
        void *userdata;
        char log_file[32]; /* in the state directory */
};

/* Spawns `RUNTIME <global options> args...`. stdio[i] < 0 means /dev/null
 * for stdin and stdout, and the call's log file for stderr. In the child,
 * fd 3 is the state directory, so that sockets in it can be named as
 * /proc/self/fd/3/NAME whatever the length of its path. */
int runtime_call(Shim *s, const char *const *args, const int stdio[3], unsigned timeout_ms,
                 RuntimeDone done, void *userdata);

/* The reaper found pid: if it was a runtime call, completes it. */
bool runtime_reaped(Shim *s, pid_t pid, int status);
/* Kills calls past their deadline; returns the ms until the next one (-1: none). */
int runtime_check_timeouts(Shim *s, int64_t now);

/* The path a runtime child uses for a socket in the state directory. */
#define RUNTIME_DIR_FD 3
#define RUNTIME_DIR_PATH(name) "/proc/self/fd/3/" name

/* docker's exit code for a runtime that failed to create, start or exec a
 * process, from its message: 127 when the executable was not found, 126
 * when it could not be invoked (permission denied, a directory, not an
 * executable format), else 125. Only messages that mention "exec" count
 * (crun: "executable file `x` not found in $PATH", "open executable:
 * Permission denied"; runc: "exec: \"x\": executable file not found"). */
int runtime_error_exit_code(const char *message);
