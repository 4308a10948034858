/* SPDX-License-Identifier: Apache-2.0 */
#include "bus-util.h"
#include "roost-names.h"

int bus_dict_append_str(sd_bus_message *m, const char *key, const char *value) {
        return sd_bus_message_append(m, "{sv}", key, "s", strempty(value));
}

int bus_dict_append_bool(sd_bus_message *m, const char *key, bool value) {
        return sd_bus_message_append(m, "{sv}", key, "b", (int) value);
}

int bus_dict_append_u32(sd_bus_message *m, const char *key, uint32_t value) {
        return sd_bus_message_append(m, "{sv}", key, "u", value);
}

int bus_dict_append_u64(sd_bus_message *m, const char *key, uint64_t value) {
        return sd_bus_message_append(m, "{sv}", key, "t", value);
}

int bus_dict_append_strv(sd_bus_message *m, const char *key, char *const *value) {
        int r;

        r = bus_dict_entry_open(m, key, "as");
        if (r < 0)
                return r;
        r = sd_bus_message_append_strv(m, (char **) value);
        if (r < 0)
                return r;
        return bus_dict_entry_close(m);
}

int bus_property_get_string(sd_bus *bus, const char *path, const char *interface, const char *property,
                            sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        return sd_bus_message_append(reply, "s", strempty(*(char **) userdata));
}

int bus_property_get_bool(sd_bus *bus, const char *path, const char *interface, const char *property,
                          sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        return sd_bus_message_append(reply, "b", (int) *(bool *) userdata);
}

int bus_property_get_strv(sd_bus *bus, const char *path, const char *interface, const char *property,
                          sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        return sd_bus_message_append_strv(reply, *(char ***) userdata);
}

int bus_check_string(const char *what, const char *s, size_t max, sd_bus_error *error) {
        size_t n = strnlen(s, max + 1);

        if (n == 0)
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT, "The %s must not be empty.", what);
        if (n > max)
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT,
                                         "The %s is longer than %zu bytes.", what, max);
        for (const char *p = s; *p; p++)
                if ((unsigned char) *p < 0x20 || *p == 0x7f)
                        return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT,
                                                 "The %s \"%.64s\" contains a control character.", what, s);
        return 0;
}

int bus_message_read_labels(sd_bus_message *m, GVariant **ret) {
        GVariantBuilder b;
        const char *k, *v;
        int r;

        r = sd_bus_message_enter_container(m, 'a', "{ss}");
        if (r < 0)
                return r;
        g_variant_builder_init(&b, G_VARIANT_TYPE("a{ss}"));
        while ((r = sd_bus_message_read(m, "{ss}", &k, &v)) > 0)
                g_variant_builder_add(&b, "{ss}", k, v);
        if (r < 0) {
                g_variant_builder_clear(&b);
                return r;
        }
        r = sd_bus_message_exit_container(m);
        if (r < 0) {
                g_variant_builder_clear(&b);
                return r;
        }
        *ret = g_variant_ref_sink(g_variant_builder_end(&b));
        return 0;
}

int bus_dict_entry_open(sd_bus_message *m, const char *key, const char *contents) {
        int r;

        r = sd_bus_message_open_container(m, 'e', "sv");
        if (r < 0)
                return r;
        r = sd_bus_message_append(m, "s", key);
        if (r < 0)
                return r;
        return sd_bus_message_open_container(m, 'v', contents);
}

int bus_dict_entry_close(sd_bus_message *m) {
        int r;

        r = sd_bus_message_close_container(m);
        if (r < 0)
                return r;
        return sd_bus_message_close_container(m);
}

int bus_dict_append_labels(sd_bus_message *m, const char *key, GVariant *labels) {
        GVariantIter it;
        const char *k, *v;
        int r;

        r = bus_dict_entry_open(m, key, "a{ss}");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "{ss}");
        if (r >= 0 && labels) {
                g_variant_iter_init(&it, labels);
                while (r >= 0 && g_variant_iter_next(&it, "{&s&s}", &k, &v))
                        r = sd_bus_message_append(m, "{ss}", k, v);
        }
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r < 0)
                return r;
        return bus_dict_entry_close(m);
}

int bus_close_and_send(sd_bus_message *reply) {
        int r;

        r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

int bus_reply_strv(sd_bus_message *m, char **l) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r;

        r = sd_bus_message_new_method_return(m, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_append_strv(reply, l);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}
