/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>
#include <stdint.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "container-options.h"
#include "daemon.h"

typedef enum ContainerState {
        CONTAINER_CREATED,
        CONTAINER_RUNNING,
        CONTAINER_PAUSED,
        CONTAINER_RESTARTING,
        CONTAINER_EXITED,
        CONTAINER_REMOVING,
        CONTAINER_DEAD,
        _CONTAINER_STATE_MAX,
} ContainerState;

typedef struct ContainerRun ContainerRun; /* container-run.c: the shim while one runs */
typedef struct ContainerNet ContainerNet; /* networks.c: its network while it runs */

typedef struct Container {
        Daemon *daemon;
        char *id;          /* 64 hex */
        char *name;
        char *image_ref;   /* normalised reference the user gave */
        char *image_id;    /* sha256:... */
        GVariant *options_v; /* the a{sv} given to CreateContainer */
        ContainerOptions *options;
        char **command;    /* what runs, for display */

        ContainerState state;
        pid_t pid;
        int exit_code;
        uint64_t created_at, started_at, finished_at; /* µs since the epoch */
        unsigned restart_count;
        bool stopped_by_user;
        uint32_t userns_base, userns_size; /* --userns=auto's range of the roost namespace */
        char *error;

        char *path;        /* D-Bus object path */
        char *run_dir;     /* $XDG_RUNTIME_DIR/roost/containers/<id>: shim state, bundle */
        char *data_dir;    /* $XDG_DATA_HOME/roost/containers/<id>: logs, hosts files */
        char *log_path;

        ContainerRun *run;
        ContainerNet *net;
        sd_event_source *restart_timer; /* a pending restart (restart policy) */
        GPtrArray *waiters; /* pending Wait() calls (sd_bus_message *) */
} Container;

const char *container_state_to_string(ContainerState s);
ContainerState container_state_from_string(const char *s);
bool container_is_active(const Container *c); /* running, paused or restarting */

/* At start: load the containers table, export the objects, and let
 * container-run.c reconcile each with what really runs. */
int containers_load(Daemon *d);
int containers_register(Daemon *d);
void containers_free(Daemon *d);

/* By name, full ID, or unique ID prefix. -ENOENT, or -ENOTUNIQ with
 * *ret_error naming the candidates. */
int container_find(Daemon *d, const char *name_or_id, Container **ret, char **ret_error);

int container_save(Container *c);
void container_set_state(Container *c, ContainerState s);
void container_emit_changed(Container *c, const char *prop, ...) __attribute__((sentinel));
void container_emit_event(Container *c, const char *action, const char *extra_key, const char *extra_value);
/* Unmounts, deletes files and the row, drops the object. */
int container_destroy(Container *c);

unsigned containers_count(Daemon *d, bool running_only);
bool containers_use_image(Daemon *d, const char *image_id, char **ret_name);

/* D-Bus methods on Manager1 (manager.c lists them) */
int method_create_container(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_list_containers(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_prune_containers(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_get_container(sd_bus_message *m, void *userdata, sd_bus_error *error);

/* microseconds since the epoch */
uint64_t now_usec(void);
