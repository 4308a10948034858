/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "json.h"

/* How a network, the a{sv} of Manager1's network methods (Name, Id, Driver,
 * Bridge, Subnet, Gateway, DNS, Internal, Default, CreatedAt, Labels,
 * Containers), is shown. No D-Bus here: the unit tests link this alone. */

/* docker network inspect's object: Name, Id, Created, Scope, Driver,
 * EnableIPv4, EnableIPv6, IPAM, Internal, Attachable, Ingress, ConfigFrom,
 * ConfigOnly, Containers, Options, Labels */
json_t *network_view_inspect(GVariant *net);

/* docker network ls's row, for --format: CreatedAt, Driver, ID (12
 * characters unless no_trunc), IPv4, IPv6, Internal, Labels (k=v,...),
 * Name, Scope; all strings, as docker's */
json_t *network_view_row(GVariant *net, bool no_trunc);

/* docker network ls --filter KEY=VALUE: driver, id (prefix), label (KEY or
 * KEY=VALUE), name (substring), scope, type (custom, builtin), dangling
 * (true: no container). Values of one key match if any does; labels and
 * different keys must all match. -EINVAL with *ret_error for a filter
 * that is not one of these. */
int network_view_filter(GVariant *net, char *const *filters, bool *ret_match, char **ret_error);
/* the same checks without a network, before asking roostd for the list */
int network_view_filter_check(char *const *filters, char **ret_error);

/* the order docker lists networks in: by name, naturally */
gint network_view_compare(gconstpointer a, gconstpointer b);

/* --filter label=KEY or label=KEY=VALUE against the Labels (a{ss}) of an
 * a{sv} (a network's, a container's) */
bool cli_labels_match(GVariant *dict, const char *want);
/* the same against the Labels themselves (a{ss}, NULL: none) */
bool cli_labels_value_match(GVariant *labels, const char *want);
