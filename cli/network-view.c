/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>

#include "human.h"
#include "network-view.h"

#define NETWORK_SCOPE "local"
#define NETWORK_ID_SHORT 12

static const char *dict_s(GVariant *d, const char *k) {
        const char *s = "";
        g_variant_lookup(d, k, "&s", &s);
        return s;
}

static bool dict_b(GVariant *d, const char *k) {
        gboolean b = FALSE;
        g_variant_lookup(d, k, "b", &b);
        return b;
}

static void add_s(RJsonBuilder *b, const char *name, const char *v) {
        rjson_member_string(b, name, v);
}

static void add_b(RJsonBuilder *b, const char *name, bool v) {
        rjson_member_bool(b, name, v);
}

static void add_empty_object(RJsonBuilder *b, const char *name) {
        rjson_key(b, name);
        rjson_begin_object(b);
        rjson_end_object(b);
}

json_t *network_view_inspect(GVariant *net) {
        g_autoptr(RJsonBuilder) b = rjson_builder_new();
        g_autoptr(GVariant) labels = g_variant_lookup_value(net, "Labels", G_VARIANT_TYPE("a{ss}"));
        g_autoptr(GVariant) containers = g_variant_lookup_value(net, "Containers", G_VARIANT_TYPE("a{s(ss)}"));
        guint64 created = 0;
        g_autofree char *created_s = NULL;
        const char *subnet = dict_s(net, "Subnet"), *gateway = dict_s(net, "Gateway");
        GVariantIter it;
        const char *k, *v, *name, *addr;

        g_variant_lookup(net, "CreatedAt", "t", &created);
        created_s = cli_rfc3339(created);

        rjson_begin_object(b);
        add_s(b, "Name", dict_s(net, "Name"));
        add_s(b, "Id", dict_s(net, "Id"));
        add_s(b, "Created", created_s);
        add_s(b, "Scope", NETWORK_SCOPE);
        add_s(b, "Driver", dict_s(net, "Driver"));
        add_b(b, "EnableIPv4", true);
        add_b(b, "EnableIPv6", false);

        rjson_key(b, "IPAM");
        rjson_begin_object(b);
        add_s(b, "Driver", "default");
        add_empty_object(b, "Options");
        rjson_key(b, "Config");
        rjson_begin_array(b);
        if (*subnet) {
                rjson_begin_object(b);
                add_s(b, "Subnet", subnet);
                if (*gateway) /* docker leaves an unset gateway out */
                        add_s(b, "Gateway", gateway);
                rjson_end_object(b);
        }
        rjson_end_array(b);
        rjson_end_object(b);

        add_b(b, "Internal", dict_b(net, "Internal"));
        add_b(b, "Attachable", false);
        add_b(b, "Ingress", false);
        rjson_key(b, "ConfigFrom");
        rjson_begin_object(b);
        add_s(b, "Network", "");
        rjson_end_object(b);
        add_b(b, "ConfigOnly", false);

        rjson_key(b, "Containers");
        rjson_begin_object(b);
        if (containers) {
                g_variant_iter_init(&it, containers);
                while (g_variant_iter_next(&it, "{&s(&s&s)}", &k, &name, &addr)) {
                        rjson_key(b, k);
                        rjson_begin_object(b);
                        add_s(b, "Name", name);
                        add_s(b, "EndpointID", "");
                        add_s(b, "MacAddress", "");
                        add_s(b, "IPv4Address", addr);
                        add_s(b, "IPv6Address", "");
                        rjson_end_object(b);
                }
        }
        rjson_end_object(b);

        /* as docker names its bridge and the like: roost's own facts */
        rjson_key(b, "Options");
        rjson_begin_object(b);
        if (*dict_s(net, "Bridge"))
                add_s(b, "com.docker.network.bridge.name", dict_s(net, "Bridge"));
        if (*dict_s(net, "DNS"))
                add_s(b, "io.roost.network.dns", dict_s(net, "DNS"));
        rjson_end_object(b);
        rjson_key(b, "Labels");
        rjson_begin_object(b);
        if (labels) {
                g_variant_iter_init(&it, labels);
                while (g_variant_iter_next(&it, "{&s&s}", &k, &v)) {
                        rjson_member_string(b, k, v);
                }
        }
        rjson_end_object(b);
        rjson_end_object(b);
        return rjson_builder_root(b);
}

json_t *network_view_row(GVariant *net, bool no_trunc) {
        g_autoptr(RJsonBuilder) b = rjson_builder_new();
        g_autoptr(GVariant) labels = g_variant_lookup_value(net, "Labels", G_VARIANT_TYPE("a{ss}"));
        g_autoptr(GString) l = g_string_new(NULL);
        g_autofree char *id = g_strdup(dict_s(net, "Id")), *created = NULL;
        guint64 created_usec = 0;
        GVariantIter it;
        const char *k, *v;

        if (!no_trunc && strlen(id) > NETWORK_ID_SHORT)
                id[NETWORK_ID_SHORT] = 0;
        g_variant_lookup(net, "CreatedAt", "t", &created_usec);
        created = cli_go_time(created_usec);
        if (labels) {
                g_variant_iter_init(&it, labels);
                while (g_variant_iter_next(&it, "{&s&s}", &k, &v))
                        g_string_append_printf(l, "%s%s=%s", l->len ? "," : "", k, v);
        }
        /* docker's field names, in the order its JSON has them */
        rjson_begin_object(b);
        add_s(b, "CreatedAt", created);
        add_s(b, "Driver", dict_s(net, "Driver"));
        add_s(b, "ID", id);
        add_s(b, "IPv4", "true");
        add_s(b, "IPv6", "false");
        add_s(b, "Internal", dict_b(net, "Internal") ? "true" : "false");
        add_s(b, "Labels", l->str);
        add_s(b, "Name", dict_s(net, "Name"));
        add_s(b, "Scope", NETWORK_SCOPE);
        rjson_end_object(b);
        return rjson_builder_root(b);
}

bool cli_labels_match(GVariant *net, const char *want) {
        g_autoptr(GVariant) labels = g_variant_lookup_value(net, "Labels", G_VARIANT_TYPE("a{ss}"));
        return cli_labels_value_match(labels, want);
}

bool cli_labels_value_match(GVariant *labels, const char *want) {
        const char *eq = strchr(want, '=');
        g_autofree char *k = eq ? g_strndup(want, (gsize) (eq - want)) : g_strdup(want);
        const char *v = NULL;

        if (!labels || !g_variant_lookup(labels, k, "&s", &v))
                return false;
        return !eq || g_str_equal(v, eq + 1);
}

static bool is_dangling(GVariant *net) {
        g_autoptr(GVariant) containers = g_variant_lookup_value(net, "Containers", G_VARIANT_TYPE("a{s(ss)}"));
        return !dict_b(net, "Default") && (!containers || g_variant_n_children(containers) == 0);
}

static bool truth(const char *v, bool *ret) {
        if (g_str_equal(v, "true") || g_str_equal(v, "1"))
                *ret = true;
        else if (g_str_equal(v, "false") || g_str_equal(v, "0"))
                *ret = false;
        else
                return false;
        return true;
}

static int one_filter(GVariant *net, const char *key, const char *v, bool *ret, char **ret_error) {
        bool b;

        if (g_str_equal(key, "driver"))
                *ret = g_str_equal(dict_s(net, "Driver"), v);
        else if (g_str_equal(key, "id"))
                *ret = g_str_has_prefix(dict_s(net, "Id"), v);
        else if (g_str_equal(key, "label"))
                *ret = cli_labels_match(net, v);
        else if (g_str_equal(key, "name"))
                *ret = strstr(dict_s(net, "Name"), v) != NULL;
        else if (g_str_equal(key, "scope"))
                *ret = g_str_equal(v, NETWORK_SCOPE);
        else if (g_str_equal(key, "type")) {
                if (!g_str_equal(v, "custom") && !g_str_equal(v, "builtin")) {
                        *ret_error = g_strdup_printf("invalid filter: 'type'='%s': use custom or builtin", v);
                        return -EINVAL;
                }
                *ret = dict_b(net, "Default") == g_str_equal(v, "builtin");
        } else { /* dangling: the caller checked the key is one of ours */
                if (!truth(v, &b)) {
                        *ret_error = g_strdup_printf("invalid filter: 'dangling'='%s': use true or false", v);
                        return -EINVAL;
                }
                *ret = is_dangling(net) == b;
        }
        return 0;
}

int network_view_filter(GVariant *net, char *const *filters, bool *ret_match, char **ret_error) {
        static const char *const keys[] = { "driver", "id", "label", "name", "scope", "type", "dangling" };
        bool seen[G_N_ELEMENTS(keys)] = {}, any[G_N_ELEMENTS(keys)] = {};
        bool all_labels = true;

        for (char *const *f = filters; f && *f; f++) {
                const char *eq = strchr(*f, '=');
                g_autofree char *key = eq ? g_strndup(*f, (gsize) (eq - *f)) : NULL;
                bool m = false;
                size_t i;
                int r;

                if (!key) {
                        *ret_error = g_strdup_printf("bad format of filter \"%s\" (expected name=value)", *f);
                        return -EINVAL;
                }
                for (i = 0; i < G_N_ELEMENTS(keys) && !g_str_equal(keys[i], key); i++)
                        ;
                if (i == G_N_ELEMENTS(keys)) {
                        *ret_error = g_strdup_printf("invalid filter '%s': roost filters networks on driver, id, label, "
                                                     "name, scope, type and dangling", key);
                        return -EINVAL;
                }
                r = one_filter(net, key, eq + 1, &m, ret_error);
                if (r < 0)
                        return r;
                seen[i] = true;
                any[i] = any[i] || m;
                if (g_str_equal(key, "label"))
                        all_labels = all_labels && m;
        }
        *ret_match = all_labels;
        for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
                if (seen[i] && !any[i])
                        *ret_match = false;
        return 0;
}

int network_view_filter_check(char *const *filters, char **ret_error) {
        g_autoptr(GVariant) none = g_variant_ref_sink(g_variant_new("a{sv}", NULL));
        bool ignored;

        return network_view_filter(none, filters, &ignored, ret_error);
}

gint network_view_compare(gconstpointer a, gconstpointer b) {
        return cli_natural_compare(dict_s(*(GVariant *const *) a, "Name"), dict_s(*(GVariant *const *) b, "Name"));
}
