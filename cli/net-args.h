/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>
#include <stdbool.h>

/* The networking flags of run/create and the network commands, checked and
 * shaped as docker's client does before it sends them. The checks are light
 * (roostd checks everything again and names the culprit); they catch what
 * docker's client catches. No D-Bus here: the unit tests link this alone.
 * Functions that fail return -EINVAL and set *ret_error to a message that
 * names the value. */

/* an IPv4 address (dotted quad) */
bool net_args_is_ipv4(const char *s);
/* an IPv4 or IPv6 address */
bool net_args_is_ip(const char *s);
/* ADDRESS/PREFIX, IPv4 or IPv6 */
bool net_args_is_cidr(const char *s);

/* --expose PORT[-PORT][/PROTO]: appends "PORT/PROTO" (tcp by default) for
 * every port of the range to out (g_free'd strings). */
int net_args_expose(const char *spec, GPtrArray *out, char **ret_error);

/* --add-host NAME:ADDRESS or NAME=ADDRESS; ADDRESS is an IP address,
 * optionally in brackets, or host-gateway. *ret: "NAME:ADDRESS", the form
 * of CreateContainer's ExtraHosts. */
int net_args_add_host(const char *spec, char **ret, char **ret_error);

/* --dns-search: a domain name (labels of letters, digits and '-'), or "." */
bool net_args_is_dns_search(const char *s);

/* docker port's PRIVATE_PORT[/PROTO]: *ret_key "80/tcp", the key of
 * NetworkSettings.Ports. */
int net_args_port_key(const char *arg, char **ret_key, char **ret_error);
