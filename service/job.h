/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdint.h>

#include "daemon.h"

/* io.roost.Job1: a long operation (a pull) as a D-Bus object at
 * /io/roost/Roost1/job/<n>, with progress properties (PropertiesChanged
 * at most JOB_EMIT_HZ times a second), a Finished signal and Cancel. A
 * finished job stays on the bus for JOB_LINGER_S seconds, so that a client
 * that looks late still sees how it ended. */

#define JOB_EMIT_HZ 10
#define JOB_LINGER_S 30

typedef struct Job Job;
typedef void (*JobCancelFn)(void *userdata);

int job_new(Daemon *d, const char *type, const char *description, const char *target, JobCancelFn cancel,
            void *userdata, Job **ret);
const char *job_path(const Job *j);
uint32_t job_id(const Job *j);
bool job_is_finished(const Job *j);

void job_set_progress(Job *j, uint64_t current, uint64_t total);
/* Adds or updates the entry of one layer (by digest). */
void job_set_layer(Job *j, const char *digest, const char *status, uint64_t current, uint64_t total);
/* Ends the job: state "done" (result: what it made), "failed" (error_name,
 * error_message) or "cancelled". Emits PropertiesChanged and Finished at
 * once; the cancel callback is not called any more. */
void job_finish(Job *j, const char *state, const char *result, const char *error_name, const char *error_message);
