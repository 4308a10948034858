/* SPDX-License-Identifier: Apache-2.0 */
#include "json.h"

#include <string.h>

/* jansson answers NULL or -1 only when malloc fails; GLib aborts there too */
json_t *rjson_must(json_t *v) {
        if (!v)
                g_error("out of memory");
        return v;
}

json_t *rjson_parse(const char *text, ssize_t len, char **ret_error) {
        json_error_t e;
        json_t *v;

        if (!text) {
                text = "";
                len = 0;
        }
        v = json_loadb(text, len < 0 ? strlen(text) : (size_t) len, JSON_DECODE_ANY, &e);
        if (!v && ret_error)
                /* jansson names its own flag there */
                *ret_error = g_strdup_printf("line %d column %d: %s", e.line, e.column,
                                             strstr(e.text, "JSON_ALLOW_NUL") ? "\\u0000 is not allowed in a string"
                                                                               : e.text);
        return v;
}

char *rjson_dump(const json_t *v, bool pretty) {
        return json_dumps(v, JSON_ENCODE_ANY | (pretty ? JSON_INDENT(2) : JSON_COMPACT));
}

const char *rjson_get_string(const json_t *o, const char *key) {
        return json_string_value(json_object_get(o, key));
}

json_t *rjson_get_object(const json_t *o, const char *key) {
        json_t *v = json_object_get(o, key);
        return json_is_object(v) ? v : NULL;
}

json_t *rjson_get_array(const json_t *o, const char *key) {
        json_t *v = json_object_get(o, key);
        return json_is_array(v) ? v : NULL;
}

bool rjson_get_int(const json_t *o, const char *key, int64_t *ret) {
        json_t *v = json_object_get(o, key);
        if (!json_is_integer(v))
                return false;
        *ret = json_integer_value(v);
        return true;
}

int64_t rjson_get_int_or(const json_t *o, const char *key, int64_t def) {
        int64_t i;
        return rjson_get_int(o, key, &i) ? i : def;
}

bool rjson_get_bool_or(const json_t *o, const char *key, bool def) {
        json_t *v = json_object_get(o, key);
        return json_is_boolean(v) ? json_is_true(v) : def;
}

/* s itself when it is UTF-8, else a repaired copy left in *fixed */
static const char *utf8_or_fixed(const char *s, char **fixed) {
        *fixed = NULL;
        if (g_utf8_validate(s, -1, NULL))
                return s;
        *fixed = g_utf8_make_valid(s, -1);
        return *fixed;
}

json_t *rjson_string(const char *s) {
        g_autofree char *fixed = NULL;
        if (!s)
                return rjson_must(json_null());
        s = utf8_or_fixed(s, &fixed);
        return rjson_must(json_stringn_nocheck(s, strlen(s)));
}

void rjson_set(json_t *o, const char *key, json_t *v) {
        g_autofree char *fixed = NULL;
        g_return_if_fail(json_is_object(o) && key && v);
        if (json_object_set_new_nocheck(o, utf8_or_fixed(key, &fixed), v) < 0)
                g_error("out of memory");
}

json_t *rjson_object(void) {
        return rjson_must(json_object());
}

json_t *rjson_array(void) {
        return rjson_must(json_array());
}

void rjson_append(json_t *a, json_t *v) {
        g_return_if_fail(json_is_array(a) && v);
        if (json_array_append_new(a, v) < 0)
                g_error("out of memory");
}

struct RJsonBuilder {
        GPtrArray *open;        /* the objects and arrays begun and not ended (borrowed) */
        char *key;              /* the member named for the next value */
        json_t *root;
};

RJsonBuilder *rjson_builder_new(void) {
        RJsonBuilder *b = g_new0(RJsonBuilder, 1);
        b->open = g_ptr_array_new();
        return b;
}

void rjson_builder_free(RJsonBuilder *b) {
        if (!b)
                return;
        g_ptr_array_unref(b->open);
        g_free(b->key);
        json_decref(b->root);
        g_free(b);
}

/* Puts v (its reference taken) where the builder stands: the named member of
 * the open object, the next element of the open array, or the root. */
static void place(RJsonBuilder *b, json_t *v) {
        json_t *top = b->open->len > 0 ? (json_t *) g_ptr_array_index(b->open, b->open->len - 1) : NULL;

        if (!top) {
                g_return_if_fail(!b->root);
                b->root = v;
        } else if (json_is_object(top)) {
                g_autofree char *key = g_steal_pointer(&b->key);
                if (!key) {
                        json_decref(v);
                        g_return_if_reached();
                }
                rjson_set(top, key, v);
        } else
                rjson_append(top, v);
}

static void begin(RJsonBuilder *b, json_t *v) {
        place(b, v);
        g_ptr_array_add(b->open, v);
}

static void end(RJsonBuilder *b, bool object) {
        json_t *top;

        g_return_if_fail(b->open->len > 0);
        top = g_ptr_array_index(b->open, b->open->len - 1);
        g_return_if_fail(json_is_object(top) == object);
        g_ptr_array_set_size(b->open, b->open->len - 1);
}

void rjson_begin_object(RJsonBuilder *b) {
        begin(b, rjson_object());
}

void rjson_end_object(RJsonBuilder *b) {
        end(b, true);
}

void rjson_begin_array(RJsonBuilder *b) {
        begin(b, rjson_array());
}

void rjson_end_array(RJsonBuilder *b) {
        end(b, false);
}

void rjson_key(RJsonBuilder *b, const char *key) {
        g_free(b->key);
        b->key = g_strdup(key);
}

void rjson_add_string(RJsonBuilder *b, const char *v) {
        place(b, rjson_string(v));
}

void rjson_add_int(RJsonBuilder *b, int64_t v) {
        place(b, rjson_must(json_integer(v)));
}

void rjson_add_bool(RJsonBuilder *b, bool v) {
        place(b, rjson_must(json_boolean(v)));
}

void rjson_add_null(RJsonBuilder *b) {
        place(b, rjson_must(json_null()));
}

void rjson_member_string(RJsonBuilder *b, const char *key, const char *v) {
        rjson_key(b, key);
        rjson_add_string(b, v);
}

void rjson_member_int(RJsonBuilder *b, const char *key, int64_t v) {
        rjson_key(b, key);
        rjson_add_int(b, v);
}

void rjson_member_bool(RJsonBuilder *b, const char *key, bool v) {
        rjson_key(b, key);
        rjson_add_bool(b, v);
}

void rjson_add_strv(RJsonBuilder *b, const char *const *v) {
        rjson_begin_array(b);
        for (const char *const *s = v; s && *s; s++)
                rjson_add_string(b, *s);
        rjson_end_array(b);
}

void rjson_member_strv(RJsonBuilder *b, const char *key, const char *const *v) {
        rjson_key(b, key);
        if (v)
                rjson_add_strv(b, v);
        else
                rjson_add_null(b);
}

void rjson_add_value(RJsonBuilder *b, json_t *v) {
        g_return_if_fail(v);
        place(b, v);
}

json_t *rjson_builder_root(RJsonBuilder *b) {
        if (b->open->len > 0 || !b->root)
                return NULL;
        return json_incref(b->root);
}
