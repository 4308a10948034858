/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <systemd/sd-bus.h>

#include "daemon.h"

/* Transient systemd scopes on the user manager (StartTransientUnit), so
 * processes roostd starts live in their own cgroup and outlive roostd. */

typedef struct ScopeResources {
        uint64_t memory_max;      /* bytes; 0: none */
        uint64_t memory_swap_max; /* bytes; 0: none; UINT64_MAX: unlimited */
        uint64_t cpu_quota_usec;  /* per second; 0: none */
        uint64_t cpu_weight;      /* 1..10000; 0: none */
        uint64_t tasks_max;       /* 0: none; UINT64_MAX: infinity */
        const char *allowed_cpus; /* "0-2,4" or NULL */
} ScopeResources;

typedef struct ScopeParams {
        const char *unit;        /* "roost-<id>.scope" */
        const char *description;
        const char *slice;       /* "roost.slice" */
        pid_t pid;
        bool delegate;
        const ScopeResources *resources; /* NULL: none */
} ScopeParams;

/* Synchronous; returns the job path in ret_job when non-NULL. */
int scope_start(sd_bus *bus, const ScopeParams *p, char **ret_job);

/* Asynchronous: done is called once the start job finished (result "done",
 * "failed", ...) or the call failed (result NULL, error_message set). */
typedef void (*ScopeDone)(Daemon *d, const char *result, const char *error_message, void *userdata);
int scope_start_async(Daemon *d, const ScopeParams *p, ScopeDone done, void *userdata);
/* Forgets a pending callback (its userdata is going away). */
void scope_cancel_callbacks(Daemon *d, void *userdata);

/* Subscribes to the manager's JobRemoved signals; at start. */
int scope_watch_jobs(Daemon *d);

/* Moves another process of ours into a running scope. */
int scope_attach(Daemon *d, const char *unit, pid_t pid);

/* Applies resources to a running unit (SetUnitProperties, runtime). */
int scope_set_resources(Daemon *d, const char *unit, const ScopeResources *res, sd_bus_error *error);

/* The cgroup controllers a resource needs that are not delegated: NULL
 * when all are there, else a message naming them and the fix. */
char *scope_check_controllers(char *const *delegated, const ScopeResources *res);

/* Is there a systemd user manager on this bus? */
bool scope_manager_available(sd_bus *bus);
/* Moves the namespace holder roostd started into roost-holder-PID.scope
 * (an adopted one is in its scope already). */
void scope_start_holder(Daemon *d);
/* Waits for the user manager to join the bus: then facts.systemd_scopes
 * turns true (SystemdScopes changes) and its job signals are subscribed. */
int scope_watch_manager(Daemon *d);
