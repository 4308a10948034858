/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>

#include "human.h"
#include "port-list.h"

static const char *member_string(JsonObject *o, const char *name) {
        JsonNode *n = json_object_get_member(o, name);
        return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING ? json_node_get_string(n) : "";
}

/* as Go's net.JoinHostPort: an IPv6 address goes in brackets */
static char *join_host_port(const char *host, const char *port) {
        return strchr(host, ':') ? g_strdup_printf("[%s]:%s", host, port) : g_strdup_printf("%s:%s", host, port);
}

/* the bindings of one port, "HOST:PORT" each, with prefix before them */
static void add_bindings(JsonNode *bindings, const char *prefix, GPtrArray *lines) {
        JsonArray *a;

        if (!bindings || !JSON_NODE_HOLDS_ARRAY(bindings))
                return;
        a = json_node_get_array(bindings);
        for (guint i = 0; i < json_array_get_length(a); i++) {
                JsonNode *b = json_array_get_element(a, i);
                g_autofree char *hp = NULL;

                if (!JSON_NODE_HOLDS_OBJECT(b))
                        continue;
                hp = join_host_port(member_string(json_node_get_object(b), "HostIp"),
                                    member_string(json_node_get_object(b), "HostPort"));
                g_ptr_array_add(lines, g_strdup_printf("%s%s", prefix, hp));
        }
}

static gint compare_lines(gconstpointer a, gconstpointer b) {
        return cli_natural_compare(*(const char *const *) a, *(const char *const *) b);
}

int port_list_lines(JsonNode *ports, const char *key, GPtrArray *lines) {
        JsonObject *o = ports && JSON_NODE_HOLDS_OBJECT(ports) ? json_node_get_object(ports) : NULL;
        guint before = lines->len;

        if (key) {
                add_bindings(o ? json_object_get_member(o, key) : NULL, "", lines);
                if (lines->len == before)
                        return -ENOENT;
        } else if (o) {
                JsonObjectIter it;
                const char *port;
                JsonNode *bindings;

                json_object_iter_init(&it, o);
                while (json_object_iter_next(&it, &port, &bindings)) {
                        g_autofree char *prefix = g_strdup_printf("%s -> ", port);
                        add_bindings(bindings, prefix, lines);
                }
        }
        g_ptr_array_sort(lines, compare_lines);
        return 0;
}
