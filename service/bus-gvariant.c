/* SPDX-License-Identifier: Apache-2.0 */
#include "bus-gvariant.h"
#include "macro.h"

int bus_message_read_gvariant(sd_bus_message *m, GVariant **ret) {
        const char *contents;
        char type;
        int r;

        r = sd_bus_message_peek_type(m, &type, &contents);
        if (r < 0)
                return r;
        if (r == 0)
                return -ENXIO;

        switch (type) {
        case 's':
        case 'o':
        case 'g': {
                const char *s;
                r = sd_bus_message_read_basic(m, type, &s);
                if (r < 0)
                        return r;
                *ret = type == 's' ? g_variant_new_string(s) : type == 'o' ? g_variant_new_object_path(s) : g_variant_new_signature(s);
                return 0;
        }
        case 'b': {
                int b;
                r = sd_bus_message_read_basic(m, 'b', &b);
                if (r >= 0)
                        *ret = g_variant_new_boolean(b);
                return r < 0 ? r : 0;
        }
        case 'y': {
                uint8_t v;
                r = sd_bus_message_read_basic(m, 'y', &v);
                if (r >= 0)
                        *ret = g_variant_new_byte(v);
                return r < 0 ? r : 0;
        }
        case 'n':
        case 'q': {
                uint16_t v;
                r = sd_bus_message_read_basic(m, type, &v);
                if (r >= 0)
                        *ret = type == 'n' ? g_variant_new_int16((int16_t) v) : g_variant_new_uint16(v);
                return r < 0 ? r : 0;
        }
        case 'i':
        case 'u': {
                uint32_t v;
                r = sd_bus_message_read_basic(m, type, &v);
                if (r >= 0)
                        *ret = type == 'i' ? g_variant_new_int32((int32_t) v) : g_variant_new_uint32(v);
                return r < 0 ? r : 0;
        }
        case 'x':
        case 't': {
                uint64_t v;
                r = sd_bus_message_read_basic(m, type, &v);
                if (r >= 0)
                        *ret = type == 'x' ? g_variant_new_int64((int64_t) v) : g_variant_new_uint64(v);
                return r < 0 ? r : 0;
        }
        case 'd': {
                double v;
                r = sd_bus_message_read_basic(m, 'd', &v);
                if (r >= 0)
                        *ret = g_variant_new_double(v);
                return r < 0 ? r : 0;
        }
        case 'v': {
                GVariant *inner;
                r = sd_bus_message_enter_container(m, 'v', contents);
                if (r < 0)
                        return r;
                r = bus_message_read_gvariant(m, &inner);
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(m);
                if (r < 0) {
                        g_variant_unref(g_variant_ref_sink(inner));
                        return r;
                }
                *ret = g_variant_new_variant(inner);
                return 0;
        }
        case 'a':
        case 'r':
        case 'e': {
                g_autofree char *sig = type == 'a' ? g_strdup_printf("a%s", contents)
                                     : type == 'e' ? g_strdup_printf("{%s}", contents)
                                                   : g_strdup_printf("(%s)", contents);
                GVariantBuilder b;

                if (!g_variant_type_string_is_valid(sig))
                        return -EINVAL;
                r = sd_bus_message_enter_container(m, type, contents);
                if (r < 0)
                        return r;
                g_variant_builder_init(&b, G_VARIANT_TYPE(sig));
                for (;;) {
                        GVariant *item;
                        r = sd_bus_message_at_end(m, false);
                        if (r < 0)
                                goto fail;
                        if (r > 0)
                                break;
                        r = bus_message_read_gvariant(m, &item);
                        if (r < 0)
                                goto fail;
                        g_variant_builder_add_value(&b, item);
                }
                r = sd_bus_message_exit_container(m);
                if (r < 0)
                        goto fail;
                *ret = g_variant_builder_end(&b);
                return 0;
        fail:
                g_variant_builder_clear(&b);
                return r;
        }
        default:
                /* 'h' (file descriptors) have no place in an options dictionary */
                return -EINVAL;
        }
}

int bus_message_append_gvariant(sd_bus_message *m, GVariant *v) {
        const GVariantType *t = g_variant_get_type(v);
        int r;

        if (g_variant_type_is_basic(t)) {
                switch (g_variant_classify(v)) {
                case G_VARIANT_CLASS_BOOLEAN: {
                        int b = g_variant_get_boolean(v);
                        return sd_bus_message_append_basic(m, 'b', &b);
                }
                case G_VARIANT_CLASS_BYTE: {
                        uint8_t x = g_variant_get_byte(v);
                        return sd_bus_message_append_basic(m, 'y', &x);
                }
                case G_VARIANT_CLASS_INT16: {
                        int16_t x = g_variant_get_int16(v);
                        return sd_bus_message_append_basic(m, 'n', &x);
                }
                case G_VARIANT_CLASS_UINT16: {
                        uint16_t x = g_variant_get_uint16(v);
                        return sd_bus_message_append_basic(m, 'q', &x);
                }
                case G_VARIANT_CLASS_INT32: {
                        int32_t x = g_variant_get_int32(v);
                        return sd_bus_message_append_basic(m, 'i', &x);
                }
                case G_VARIANT_CLASS_UINT32: {
                        uint32_t x = g_variant_get_uint32(v);
                        return sd_bus_message_append_basic(m, 'u', &x);
                }
                case G_VARIANT_CLASS_INT64: {
                        int64_t x = g_variant_get_int64(v);
                        return sd_bus_message_append_basic(m, 'x', &x);
                }
                case G_VARIANT_CLASS_UINT64: {
                        uint64_t x = g_variant_get_uint64(v);
                        return sd_bus_message_append_basic(m, 't', &x);
                }
                case G_VARIANT_CLASS_DOUBLE: {
                        double x = g_variant_get_double(v);
                        return sd_bus_message_append_basic(m, 'd', &x);
                }
                case G_VARIANT_CLASS_STRING:
                        return sd_bus_message_append_basic(m, 's', g_variant_get_string(v, NULL));
                case G_VARIANT_CLASS_OBJECT_PATH:
                        return sd_bus_message_append_basic(m, 'o', g_variant_get_string(v, NULL));
                case G_VARIANT_CLASS_SIGNATURE:
                        return sd_bus_message_append_basic(m, 'g', g_variant_get_string(v, NULL));
                default:
                        return -EINVAL;
                }
        }

        {
                char ctype;
                g_autofree char *contents = NULL;
                GVariantIter it;
                GVariant *child;

                if (g_variant_is_of_type(v, G_VARIANT_TYPE_VARIANT)) {
                        g_autoptr(GVariant) inner = g_variant_get_variant(v);
                        ctype = 'v';
                        contents = g_strdup(g_variant_get_type_string(inner));
                } else if (g_variant_type_is_array(t)) {
                        ctype = 'a';
                        contents = g_strdup(g_variant_get_type_string(v) + 1);
                } else if (g_variant_type_is_dict_entry(t)) {
                        const char *s = g_variant_get_type_string(v);
                        ctype = 'e';
                        contents = g_strndup(s + 1, strlen(s) - 2);
                } else if (g_variant_type_is_tuple(t)) {
                        const char *s = g_variant_get_type_string(v);
                        ctype = 'r';
                        contents = g_strndup(s + 1, strlen(s) - 2);
                } else
                        return -EINVAL;

                r = sd_bus_message_open_container(m, ctype, contents);
                if (r < 0)
                        return r;
                g_variant_iter_init(&it, v);
                while ((child = g_variant_iter_next_value(&it))) {
                        r = bus_message_append_gvariant(m, child);
                        g_variant_unref(child);
                        if (r < 0)
                                return r;
                }
                return sd_bus_message_close_container(m);
        }
}
