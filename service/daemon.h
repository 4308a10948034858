/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "config.h"
#include "facts.h"
#include "holder.h"
#include "state-db.h"

#include <glib.h>
typedef struct ImageService ImageService;

/* roostd's state: one per process, passed as userdata to every handler. */
typedef struct Daemon {
        sd_event *event;
        sd_bus *bus;
        Config *config;
        StateDb *db;
        Holder *holder;
        sd_event_source *holder_child;
        Facts facts;
        ImageService *images; /* images.c */

        GHashTable *containers;      /* id -> Container* (owned) */
        GHashTable *container_names; /* name -> Container* */
        GHashTable *networks;        /* name -> Network* (owned; networks.c) */
        sd_bus_slot *job_removed_slot;
        sd_bus_slot *manager_watch_slot; /* until the systemd user manager is on the bus (scope.c) */
        GPtrArray *pending_jobs;     /* PendingJob* (scope.c) */

        char *user;
        uid_t uid;
        gid_t gid;
        char *runtime_dir; /* $XDG_RUNTIME_DIR/roost */
        char *data_dir;    /* $XDG_DATA_HOME/roost */
        char *config_dir;  /* $XDG_CONFIG_HOME/roost */
        bool under_systemd;
} Daemon;
