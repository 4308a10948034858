/* SPDX-License-Identifier: Apache-2.0 */
#include "json-pretty.h"

#define INDENT 4
/* inspect output is a few levels deep; deeper input is printed flat */
#define DEPTH_MAX 64

static void append(GString *out, JsonNode *node, unsigned depth);

static void newline(GString *out, unsigned depth) {
        g_string_append_c(out, '\n');
        for (unsigned i = 0; i < depth * INDENT; i++)
                g_string_append_c(out, ' ');
}

static void append_scalar(GString *out, JsonNode *node) {
        g_autofree char *s = json_to_string(node, FALSE);
        g_string_append(out, s);
}

static void append_object(GString *out, JsonObject *o, unsigned depth) {
        /* in the order the members were added (the iterator's is a hash's) */
        g_autoptr(GList) members = json_object_get_members(o);

        g_string_append_c(out, '{');
        for (GList *m = members; m; m = m->next) {
                g_autoptr(JsonNode) key = json_node_init_string(json_node_alloc(), m->data);
                if (m != members)
                        g_string_append_c(out, ',');
                newline(out, depth + 1);
                append_scalar(out, key);
                g_string_append(out, ": ");
                append(out, json_object_get_member(o, m->data), depth + 1);
        }
        if (members)
                newline(out, depth);
        g_string_append_c(out, '}');
}

static void append_array(GString *out, JsonArray *a, unsigned depth) {
        guint n = json_array_get_length(a);

        g_string_append_c(out, '[');
        for (guint i = 0; i < n; i++) {
                if (i)
                        g_string_append_c(out, ',');
                newline(out, depth + 1);
                append(out, json_array_get_element(a, i), depth + 1);
        }
        if (n)
                newline(out, depth);
        g_string_append_c(out, ']');
}

static void append(GString *out, JsonNode *node, unsigned depth) {
        if (depth >= DEPTH_MAX)
                append_scalar(out, node);
        else if (JSON_NODE_HOLDS_OBJECT(node))
                append_object(out, json_node_get_object(node), depth);
        else if (JSON_NODE_HOLDS_ARRAY(node))
                append_array(out, json_node_get_array(node), depth);
        else
                append_scalar(out, node);
}

char *cli_json_pretty(JsonNode *node) {
        GString *out = g_string_new(NULL);

        append(out, node, 0);
        return g_string_free(out, FALSE);
}
