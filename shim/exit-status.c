/* SPDX-License-Identifier: Apache-2.0 */
#include <inttypes.h>
#include <stdio.h>
#include <sys/wait.h>

#include "container.h"
#include "exit-status.h"
#include "fileio.h"
#include "kv.h"
#include "log.h"
#include "shim-proto.h"
#include "time-util.h"

int exit_code_from_wait_status(int status) {
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        if (WIFSIGNALED(status))
                return 128 + WTERMSIG(status);
        return 255;
}

int shim_exit_code(const Shim *s) {
        if (s->failure_code)
                return s->failure_code;
        return exit_code_from_wait_status(s->init_status);
}

void shim_exit_record(const Shim *s, char buf[static EXIT_RECORD_MAX]) {
        char at[RFC3339NANO_MAX], sig[32] = "", error[1100] = "", clean[1024];
        int n;

        if (!s->failure_code && WIFSIGNALED(s->init_status))
                snprintf(sig, sizeof sig, "signal=%d\n", WTERMSIG(s->init_status));
        if (s->failure_message)
                snprintf(error, sizeof error, "error=%s\n", kv_sanitize_value(clean, sizeof clean, s->failure_message));
        n = snprintf(buf, EXIT_RECORD_MAX, "exit_code=%d\nexited_at=%s\nexited_at_ns=%" PRIu64 "\n%s%s",
                     shim_exit_code(s), format_rfc3339nano(at, &s->exited_at), timespec_to_ns(&s->exited_at), sig, error);
        if (n < 0)
                buf[0] = 0;
}

int shim_write_exit(Shim *s) {
        char buf[EXIT_RECORD_MAX];
        int r;

        shim_exit_record(s, buf);
        r = write_file_atomic_at(s->dir_fd, SHIM_EXIT_FILE, buf, strlen(buf), 0600);
        if (r < 0)
                return log_error_errno(r, "Failed to write %s/" SHIM_EXIT_FILE ": %m", s->state_dir);
        return 0;
}

int shim_write_state(Shim *s) {
        char buf[256];
        int n, r;

        n = snprintf(buf, sizeof buf, "shim_pid=%d\ncontainer_pid=%d\ncontainer_starttime=%llu\nstatus=%s\n",
                     (int) getpid(), (int) s->container_pid, s->container_starttime,
                     container_status_to_string(s->status));
        if (s->status == CONTAINER_EXITED && n > 0 && (size_t) n < sizeof buf)
                n += snprintf(buf + n, sizeof buf - (size_t) n, "exit_code=%d\n", shim_exit_code(s));
        if (n < 0 || (size_t) n >= sizeof buf)
                return -ENOBUFS;
        r = write_file_atomic_at(s->dir_fd, SHIM_STATE_FILE, buf, (size_t) n, 0600);
        if (r < 0)
                return log_error_errno(r, "Failed to write %s/" SHIM_STATE_FILE ": %m", s->state_dir);
        return 0;
}
