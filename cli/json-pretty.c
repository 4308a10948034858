/* SPDX-License-Identifier: Apache-2.0 */
#include "json-pretty.h"

#define INDENT 4
/* inspect output is a few levels deep; deeper input is printed flat */
#define DEPTH_MAX 64

static void append(GString *out, json_t *node, unsigned depth);

static void newline(GString *out, unsigned depth) {
        g_string_append_c(out, '\n');
        for (unsigned i = 0; i < depth * INDENT; i++)
                g_string_append_c(out, ' ');
}

static void append_scalar(GString *out, json_t *node) {
        g_autofree char *s = rjson_dump(node, false);
        g_string_append(out, s);
}

static void append_object(GString *out, json_t *o, unsigned depth) {
        const char *name;
        json_t *member;
        bool first = true;

        /* in the order the members were added, as jansson iterates */
        g_string_append_c(out, '{');
        json_object_foreach(o, name, member) {
                g_autoptr(json_t) key = rjson_string(name);
                if (!first)
                        g_string_append_c(out, ',');
                first = false;
                newline(out, depth + 1);
                append_scalar(out, key);
                g_string_append(out, ": ");
                append(out, member, depth + 1);
        }
        if (!first)
                newline(out, depth);
        g_string_append_c(out, '}');
}

static void append_array(GString *out, json_t *a, unsigned depth) {
        size_t i;
        json_t *e;

        g_string_append_c(out, '[');
        json_array_foreach(a, i, e) {
                if (i)
                        g_string_append_c(out, ',');
                newline(out, depth + 1);
                append(out, e, depth + 1);
        }
        if (json_array_size(a))
                newline(out, depth);
        g_string_append_c(out, ']');
}

static void append(GString *out, json_t *node, unsigned depth) {
        if (depth >= DEPTH_MAX)
                append_scalar(out, node);
        else if (json_is_object(node))
                append_object(out, node, depth);
        else if (json_is_array(node))
                append_array(out, node, depth);
        else
                append_scalar(out, node);
}

char *cli_json_pretty(json_t *node) {
        GString *out = g_string_new(NULL);

        append(out, node, 0);
        return g_string_free(out, FALSE);
}
