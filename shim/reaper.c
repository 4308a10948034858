/* SPDX-License-Identifier: Apache-2.0 */
#include <sys/wait.h>

#include "container.h"
#include "exec.h"
#include "reaper.h"
#include "runtime.h"

bool shim_take_orphan(Shim *s, pid_t pid, int *ret_status) {
        for (size_t i = 0; i < s->n_orphans; i++)
                if (s->orphans[i].pid == pid) {
                        *ret_status = s->orphans[i].status;
                        s->orphans[i] = s->orphans[--s->n_orphans];
                        return true;
                }
        return false;
}

void reaper_collect(Shim *s) {
        for (;;) {
                int status;
                pid_t pid = waitpid(-1, &status, WNOHANG);

                if (pid <= 0)
                        return;
                if (pid == s->container_pid)
                        container_reaped(s, status);
                else if (runtime_reaped(s, pid, status) || exec_reaped(s, pid, status))
                        ;
                else {
                        /* keep the newest: the oldest are the least likely to be asked for */
                        if (s->n_orphans == ELEMENTSOF(s->orphans)) {
                                memmove(s->orphans, s->orphans + 1, sizeof s->orphans - sizeof s->orphans[0]);
                                s->n_orphans--;
                        }
                        s->orphans[s->n_orphans++] = (Orphan) { pid, status };
                }
        }
}
