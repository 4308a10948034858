/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <systemd/sd-bus.h>

#include "daemon.h"
#include "image-store.h"

/* The image side of the D-Bus API: io.roost.Image1 objects at
 * /io/roost/Roost1/image/<hex id> (they appear and disappear through the
 * ObjectManager's InterfacesAdded/Removed), and the image methods of
 * io.roost.Manager1, which manager.c's vtable lists. */

int image_bus_register(Daemon *d);

/* Records an image (image_store_commit) and tells the bus: InterfacesAdded
 * for a new one, PropertiesChanged for it and for images that lost a name. */
int image_bus_commit(Daemon *d, const Image *img, char *const *blobs, bool is_new);

char *image_bus_path(const char *id);

int method_pull(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_list_images(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_get_image(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_remove_image(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_tag_image(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_prune_images(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_login(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_logout(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_load_images(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_save_images(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_import_image(sd_bus_message *m, void *userdata, sd_bus_error *error);
