/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>
#include <systemd/sd-bus.h>

/* Transient systemd scopes on the user manager (StartTransientUnit), so
 * processes roostd starts live in their own cgroup and outlive roostd. */

typedef struct ScopeParams {
        const char *unit;        /* "roost-<id>.scope" */
        const char *description;
        const char *slice;       /* "roost.slice" */
        pid_t pid;
        bool delegate;
} ScopeParams;

/* Synchronous; returns the job path in ret_job when non-NULL. */
int scope_start(sd_bus *bus, const ScopeParams *p, char **ret_job);

/* Is there a systemd user manager on this bus? */
bool scope_manager_available(sd_bus *bus);
