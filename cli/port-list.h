/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "json.h"

/* docker port's lines, from NetworkSettings.Ports of a container's Inspect
 * JSON ({"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "18080"}], "53/udp":
 * null}). No D-Bus here: the unit tests link this alone. */

/* Every binding as "80/tcp -> 0.0.0.0:18080" ("[::]:18080" for IPv6), or,
 * with key ("80/tcp"), that port's host addresses alone ("0.0.0.0:18080");
 * added to lines (g_free'd strings), which are then sorted in docker's
 * (natural) order.
 * ports may be NULL or JSON null (no ports). -ENOENT when key is given and
 * not published. */
int port_list_lines(json_t *ports, const char *key, GPtrArray *lines);
