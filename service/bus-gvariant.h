/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>
#include <systemd/sd-bus.h>

/* Reads the next value of an sd-bus message (any type but file
 * descriptors) as a GVariant, so options dictionaries can be parsed with
 * GLib and stored in GVariant text form. */
int bus_message_read_gvariant(sd_bus_message *m, GVariant **ret);

/* Appends a GVariant (basic types, arrays, dictionaries, variants, tuples)
 * to an sd-bus message. */
int bus_message_append_gvariant(sd_bus_message *m, GVariant *v);
