/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>
#include <systemd/sd-bus.h>

#include "macro.h"

/* Helpers for roostd's D-Bus objects: a{sv} dictionaries, property getters
 * reading a field at an offset of the userdata, and argument checks that
 * answer with io.roost.Error.InvalidArgument. */

int bus_dict_append_str(sd_bus_message *m, const char *key, const char *value);
int bus_dict_append_bool(sd_bus_message *m, const char *key, bool value);
int bus_dict_append_u32(sd_bus_message *m, const char *key, uint32_t value);
int bus_dict_append_u64(sd_bus_message *m, const char *key, uint64_t value);
int bus_dict_append_strv(sd_bus_message *m, const char *key, char *const *value);
/* An entry of any other type: opens {key: variant of `contents`}; append the
 * value, then bus_dict_entry_close(). */
int bus_dict_entry_open(sd_bus_message *m, const char *key, const char *contents);
int bus_dict_entry_close(sd_bus_message *m);
/* {key: a{ss}} from a GVariant a{ss} (NULL: empty). */
int bus_dict_append_labels(sd_bus_message *m, const char *key, GVariant *labels);

/* Closes the reply's outermost open container (the list) and sends it. */
int bus_close_and_send(sd_bus_message *reply);

int bus_property_get_string(sd_bus *bus, const char *path, const char *interface, const char *property,
                            sd_bus_message *reply, void *userdata, sd_bus_error *error);
int bus_property_get_bool(sd_bus *bus, const char *path, const char *interface, const char *property,
                          sd_bus_message *reply, void *userdata, sd_bus_error *error);
int bus_property_get_strv(sd_bus *bus, const char *path, const char *interface, const char *property,
                          sd_bus_message *reply, void *userdata, sd_bus_error *error);

/* Replies to m with one string array. */
int bus_reply_strv(sd_bus_message *m, char **l);

/* Reads an a{ss} argument into a GVariant. */
int bus_message_read_labels(sd_bus_message *m, GVariant **ret);

/* Checks a string argument: at most max bytes, no control characters.
 * Sets error (InvalidArgument naming what) and returns -EINVAL on failure. */
int bus_check_string(const char *what, const char *s, size_t max, sd_bus_error *error);
