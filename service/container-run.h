/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "container.h"

/* Running containers: roost-shim in a transient scope per container (see
 * shim/README.md for the shim's side), start/stop/kill, exit handling,
 * restart policies, and re-adoption of running shims when roostd starts. */

/* At load: find the shim of a container the database says is running; if
 * it is gone, record the exit it left (or that it died). */
void container_run_adopt(Container *c);
/* After every container is loaded: start those whose restart policy says so. */
void containers_run_autostart(Daemon *d);
void container_run_free(Container *c);
/* Kills a running container and waits (bounded) until its shim is gone:
 * for Remove with Force. Returns 1 when that removed it (it
 * ran with --rm: c is freed), else 0. */
int container_run_kill_sync(Container *c);
/* Checks what CreateContainer can check before it makes anything: resource
 * controllers, the network mode, bind sources, --init, the seccomp file.
 * -EOPNOTSUPP / -ENOENT with a message. */
int container_run_check_options(Daemon *d, const ContainerOptions *o, char **ret_error);
/* --userns=auto: gives the container a free range of the roost namespace's
 * IDs, sized for the image (read from the mounted rootfs). */
int container_run_userns_allocate(Container *c, const char *rootfs, char **ret_error);
/* the scope unit name, or NULL when not running */
const char *container_run_scope(Container *c);

int method_container_start(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_container_attach(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_container_stop(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_container_restart(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_container_kill(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_container_exec(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_container_resize(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_container_pause(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_container_unpause(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_container_update(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_container_stats(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_container_top(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_container_copy_from(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_container_copy_to(sd_bus_message *m, void *userdata, sd_bus_error *error);
