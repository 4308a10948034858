/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>

#include "human.h"
#include "port-list.h"

static const char *member_string(const json_t *o, const char *name) {
        const char *s = rjson_get_string(o, name);
        return s ? s : "";
}

/* as Go's net.JoinHostPort: an IPv6 address goes in brackets */
static char *join_host_port(const char *host, const char *port) {
        return strchr(host, ':') ? g_strdup_printf("[%s]:%s", host, port) : g_strdup_printf("%s:%s", host, port);
}

/* the bindings of one port, "HOST:PORT" each, with prefix before them */
static void add_bindings(json_t *bindings, const char *prefix, GPtrArray *lines) {
        size_t i;
        json_t *b;

        json_array_foreach(bindings, i, b) {
                g_autofree char *hp = NULL;

                if (!json_is_object(b))
                        continue;
                hp = join_host_port(member_string(b, "HostIp"), member_string(b, "HostPort"));
                g_ptr_array_add(lines, g_strdup_printf("%s%s", prefix, hp));
        }
}

static gint compare_lines(gconstpointer a, gconstpointer b) {
        return cli_natural_compare(*(const char *const *) a, *(const char *const *) b);
}

int port_list_lines(json_t *ports, const char *key, GPtrArray *lines) {
        guint before = lines->len;

        if (key) {
                add_bindings(json_object_get(ports, key), "", lines);
                if (lines->len == before)
                        return -ENOENT;
        } else if (json_is_object(ports)) {
                const char *port;
                json_t *bindings;

                json_object_foreach(ports, port, bindings) {
                        g_autofree char *prefix = g_strdup_printf("%s -> ", port);
                        add_bindings(bindings, prefix, lines);
                }
        }
        g_ptr_array_sort(lines, compare_lines);
        return 0;
}
