/* SPDX-License-Identifier: Apache-2.0 */
#include "variant-json.h"

/* A dict entry's key as json-glib's json_gvariant_serialize() names the
 * member: the text of the basic value. */
static char *variant_key_text(GVariant *k) {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];

        switch (g_variant_classify(k)) {
        case G_VARIANT_CLASS_BOOLEAN:
                return g_strdup(g_variant_get_boolean(k) ? "true" : "false");
        case G_VARIANT_CLASS_BYTE:
                return g_strdup_printf("%u", g_variant_get_byte(k));
        case G_VARIANT_CLASS_INT16:
                return g_strdup_printf("%d", g_variant_get_int16(k));
        case G_VARIANT_CLASS_UINT16:
                return g_strdup_printf("%u", g_variant_get_uint16(k));
        case G_VARIANT_CLASS_INT32:
                return g_strdup_printf("%" G_GINT32_FORMAT, g_variant_get_int32(k));
        case G_VARIANT_CLASS_UINT32:
                return g_strdup_printf("%" G_GUINT32_FORMAT, g_variant_get_uint32(k));
        case G_VARIANT_CLASS_INT64:
                return g_strdup_printf("%" G_GINT64_FORMAT, g_variant_get_int64(k));
        case G_VARIANT_CLASS_UINT64:
                return g_strdup_printf("%" G_GUINT64_FORMAT, g_variant_get_uint64(k));
        case G_VARIANT_CLASS_HANDLE:
                return g_strdup_printf("%" G_GINT32_FORMAT, g_variant_get_handle(k));
        case G_VARIANT_CLASS_DOUBLE:
                return g_strdup(g_ascii_formatd(buf, sizeof(buf), "%f", g_variant_get_double(k)));
        default: /* s, o, g */
                return g_strdup(g_variant_get_string(k, NULL));
        }
}

/* {k v}: o[k] = v */
static void variant_entry_to_json(json_t *o, GVariant *entry) {
        g_autoptr(GVariant) k = g_variant_get_child_value(entry, 0);
        g_autoptr(GVariant) v = g_variant_get_child_value(entry, 1);
        g_autofree char *key = variant_key_text(k);

        rjson_set(o, key, variant_to_json(v));
}

/* an array's or a tuple's elements, in order */
static json_t *variant_children_to_json(GVariant *v) {
        json_t *a = rjson_array();
        GVariantIter it;
        GVariant *child;

        g_variant_iter_init(&it, v);
        while ((child = g_variant_iter_next_value(&it))) {
                rjson_append(a, variant_to_json(child));
                g_variant_unref(child);
        }
        return a;
}

/* The rules of json-glib 1.6's json_gvariant_serialize(), which the CLI's
 * output was written with: integers of every width (t wrapping to int64 as
 * there), a{..} and a lone {..} as objects in their order (a repeated key
 * keeps its place and takes the last value), other arrays (ay too) and
 * tuples as arrays, maybe as the value or null, v as its content. */
json_t *variant_to_json(GVariant *v) {
        GVariantIter it;
        GVariant *child;
        json_t *j;

        switch (g_variant_classify(v)) {
        case G_VARIANT_CLASS_BOOLEAN:
                return rjson_must(json_boolean(g_variant_get_boolean(v)));
        case G_VARIANT_CLASS_BYTE:
                return rjson_must(json_integer(g_variant_get_byte(v)));
        case G_VARIANT_CLASS_INT16:
                return rjson_must(json_integer(g_variant_get_int16(v)));
        case G_VARIANT_CLASS_UINT16:
                return rjson_must(json_integer(g_variant_get_uint16(v)));
        case G_VARIANT_CLASS_INT32:
                return rjson_must(json_integer(g_variant_get_int32(v)));
        case G_VARIANT_CLASS_UINT32:
                return rjson_must(json_integer(g_variant_get_uint32(v)));
        case G_VARIANT_CLASS_INT64:
                return rjson_must(json_integer(g_variant_get_int64(v)));
        case G_VARIANT_CLASS_UINT64:
                return rjson_must(json_integer((json_int_t) g_variant_get_uint64(v)));
        case G_VARIANT_CLASS_HANDLE:
                return rjson_must(json_integer(g_variant_get_handle(v)));
        case G_VARIANT_CLASS_DOUBLE:
                /* JSON has no NaN or infinity: null (json-glib wrote
                 * nan.0 and inf.0, which no parser reads back) */
                j = json_real(g_variant_get_double(v));
                return j ? j : rjson_must(json_null());
        case G_VARIANT_CLASS_STRING:
        case G_VARIANT_CLASS_OBJECT_PATH:
        case G_VARIANT_CLASS_SIGNATURE:
                return rjson_string(g_variant_get_string(v, NULL));
        case G_VARIANT_CLASS_MAYBE: {
                g_autoptr(GVariant) inner = g_variant_get_maybe(v);
                return inner ? variant_to_json(inner) : rjson_must(json_null());
        }
        case G_VARIANT_CLASS_VARIANT: {
                g_autoptr(GVariant) inner = g_variant_get_variant(v);
                return variant_to_json(inner);
        }
        case G_VARIANT_CLASS_DICT_ENTRY:
                j = rjson_object();
                variant_entry_to_json(j, v);
                return j;
        case G_VARIANT_CLASS_ARRAY:
                if (!g_variant_type_is_dict_entry(g_variant_type_element(g_variant_get_type(v))))
                        return variant_children_to_json(v);
                j = rjson_object();
                g_variant_iter_init(&it, v);
                while ((child = g_variant_iter_next_value(&it))) {
                        variant_entry_to_json(j, child);
                        g_variant_unref(child);
                }
                return j;
        case G_VARIANT_CLASS_TUPLE:
                return variant_children_to_json(v);
        }
        g_return_val_if_reached(rjson_must(json_null()));
}

