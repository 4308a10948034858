/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "daemon.h"

/* Named volumes: $XDG_DATA_HOME/roost/volumes/<name>/_data, made on first
 * use (as docker does) or with CreateVolume, listed in the volumes table. */
int volume_ensure(Daemon *d, const char *name, char **ret_path);
/* Removes a directory tree inside the roost user namespace (its files may
 * belong to subordinate IDs the user cannot delete from outside). */
int remove_tree_in_userns(Daemon *d, const char *path);

int method_create_volume(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_list_volumes(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_inspect_volume(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_remove_volume(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_prune_volumes(sd_bus_message *m, void *userdata, sd_bus_error *error);
