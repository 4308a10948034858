/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <glib.h>
#include "network-view.h"

#define ID "3c6b3d9f1e2a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"
#define CTR "c0ffee00112233445566778899aabbccddeeff00112233445566778899aabbcc"
/* 2025-11-28 22:24:07.5 UTC */
#define CREATED (1764368647ULL * G_USEC_PER_SEC + 500000)

/* a network as Manager1.InspectNetwork describes it */
static GVariant *network(const char *name, bool deflt, bool with_container) {
        GVariantBuilder b, l, c;

        g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
        g_variant_builder_add(&b, "{sv}", "Name", g_variant_new_string(name));
        g_variant_builder_add(&b, "{sv}", "Id", g_variant_new_string(ID));
        g_variant_builder_add(&b, "{sv}", "Driver", g_variant_new_string("bridge"));
        g_variant_builder_add(&b, "{sv}", "Bridge", g_variant_new_string("roost1"));
        g_variant_builder_add(&b, "{sv}", "Subnet", g_variant_new_string("10.89.0.0/24"));
        g_variant_builder_add(&b, "{sv}", "Gateway", g_variant_new_string("10.89.0.1"));
        g_variant_builder_add(&b, "{sv}", "DNS", g_variant_new_string("10.89.0.254"));
        g_variant_builder_add(&b, "{sv}", "Internal", g_variant_new_boolean(FALSE));
        g_variant_builder_add(&b, "{sv}", "Default", g_variant_new_boolean(deflt));
        g_variant_builder_add(&b, "{sv}", "CreatedAt", g_variant_new_uint64(CREATED));
        g_variant_builder_init(&l, G_VARIANT_TYPE("a{ss}"));
        g_variant_builder_add(&l, "{ss}", "team", "web");
        g_variant_builder_add(&l, "{ss}", "tier", "");
        g_variant_builder_add(&b, "{sv}", "Labels", g_variant_builder_end(&l));
        g_variant_builder_init(&c, G_VARIANT_TYPE("a{s(ss)}"));
        if (with_container)
                g_variant_builder_add(&c, "{s(ss)}", CTR, "app", "10.89.0.2/24");
        g_variant_builder_add(&b, "{sv}", "Containers", g_variant_builder_end(&c));
        return g_variant_ref_sink(g_variant_builder_end(&b));
}

static void test_inspect(void) {
        g_autoptr(GVariant) net = network("web", false, true);
        g_autoptr(json_t) n = network_view_inspect(net);
        g_autofree char *s = rjson_dump(n, false);

        g_assert_cmpstr(s, ==,
                        "{\"Name\":\"web\",\"Id\":\"" ID "\",\"Created\":\"2025-11-28T22:24:07.500000Z\","
                        "\"Scope\":\"local\",\"Driver\":\"bridge\",\"EnableIPv4\":true,\"EnableIPv6\":false,"
                        "\"IPAM\":{\"Driver\":\"default\",\"Options\":{},"
                        "\"Config\":[{\"Subnet\":\"10.89.0.0/24\",\"Gateway\":\"10.89.0.1\"}]},"
                        "\"Internal\":false,\"Attachable\":false,\"Ingress\":false,\"ConfigFrom\":{\"Network\":\"\"},"
                        "\"ConfigOnly\":false,"
                        "\"Containers\":{\"" CTR "\":{\"Name\":\"app\",\"EndpointID\":\"\",\"MacAddress\":\"\","
                        "\"IPv4Address\":\"10.89.0.2/24\",\"IPv6Address\":\"\"}},"
                        "\"Options\":{\"com.docker.network.bridge.name\":\"roost1\",\"io.roost.network.dns\":\"10.89.0.254\"},"
                        "\"Labels\":{\"team\":\"web\",\"tier\":\"\"}}");
}

static void test_inspect_sparse(void) {
        /* keys roostd left out show as docker shows nothing */
        g_autoptr(GVariant) net = g_variant_ref_sink(g_variant_new_parsed("{'Name': <'x'>, 'Internal': <true>}"));
        g_autoptr(json_t) n = network_view_inspect(net);
        g_autofree char *s = rjson_dump(n, false);

        g_assert_cmpstr(s, ==,
                        "{\"Name\":\"x\",\"Id\":\"\",\"Created\":\"1970-01-01T00:00:00.000000Z\","
                        "\"Scope\":\"local\",\"Driver\":\"\",\"EnableIPv4\":true,\"EnableIPv6\":false,"
                        "\"IPAM\":{\"Driver\":\"default\",\"Options\":{},\"Config\":[]},"
                        "\"Internal\":true,\"Attachable\":false,\"Ingress\":false,\"ConfigFrom\":{\"Network\":\"\"},"
                        "\"ConfigOnly\":false,\"Containers\":{},\"Options\":{},\"Labels\":{}}");
}

static void test_row(void) {
        g_autoptr(GVariant) net = network("web", false, false);
        g_autoptr(json_t) short_row = network_view_row(net, false);
        g_autoptr(json_t) long_row = network_view_row(net, true);
        g_autofree char *s = rjson_dump(short_row, false);

        g_assert_cmpstr(s, ==,
                        "{\"CreatedAt\":\"2025-11-28 22:24:07.5 +0000 UTC\",\"Driver\":\"bridge\",\"ID\":\"3c6b3d9f1e2a\","
                        "\"IPv4\":\"true\",\"IPv6\":\"false\",\"Internal\":\"false\",\"Labels\":\"team=web,tier=\","
                        "\"Name\":\"web\",\"Scope\":\"local\"}");
        g_assert_cmpstr(rjson_get_string(long_row, "ID"), ==, ID);
}

/* whether filters (separated by ' ') match net, or "error: ..." */
static char *filter(GVariant *net, const char *filters) {
        g_auto(GStrv) f = g_strsplit(filters, " ", -1);
        g_autofree char *err = NULL, *check_err = NULL;
        bool m = false;

        /* the check without a network finds the same faults */
        if (network_view_filter(net, f, &m, &err) < 0) {
                g_assert_cmpint(network_view_filter_check(f, &check_err), ==, -EINVAL);
                g_assert_cmpstr(check_err, ==, err);
                return g_strdup_printf("error: %s", err);
        }
        g_assert_cmpint(network_view_filter_check(f, &check_err), ==, 0);
        return g_strdup(m ? "yes" : "no");
}

#define check_filter(net, filters, expected)                    \
        do {                                                    \
                g_autofree char *_s = filter(net, filters);     \
                if (!g_str_has_prefix(_s, expected))            \
                        g_error("%s: got '%s', expected %s", filters, _s, expected); \
        } while (0)

static void test_filter(void) {
        g_autoptr(GVariant) web = network("web", false, false);
        g_autoptr(GVariant) busy = network("busy", false, true);
        g_autoptr(GVariant) dflt = network("roost", true, false);
        char *none[] = { NULL };
        bool m = false;

        g_autofree char *err = NULL;

        g_assert_cmpint(network_view_filter(web, none, &m, &err), ==, 0);
        g_assert_true(m);
        g_assert_cmpint(network_view_filter(web, NULL, &m, &err), ==, 0);
        g_assert_true(m);

        check_filter(web, "name=web", "yes");
        check_filter(web, "name=e", "yes");    /* a part of the name, as docker */
        check_filter(web, "name=db", "no");
        check_filter(web, "name=db name=we", "yes"); /* one key: any value */
        check_filter(web, "id=3c6b", "yes");
        check_filter(web, "id=" ID, "yes");
        check_filter(web, "id=6b3d", "no");    /* a prefix only */
        check_filter(web, "driver=bridge", "yes");
        check_filter(web, "driver=macvlan", "no");
        check_filter(web, "scope=local", "yes");
        check_filter(web, "scope=swarm", "no");
        check_filter(web, "label=team", "yes");
        check_filter(web, "label=team=web", "yes");
        check_filter(web, "label=team=db", "no");
        check_filter(web, "label=tier=", "yes");
        check_filter(web, "label=team label=tier", "yes");
        check_filter(web, "label=team label=owner", "no"); /* labels: all of them */
        check_filter(web, "name=web driver=macvlan", "no"); /* keys: all of them */
        check_filter(web, "type=custom", "yes");
        check_filter(web, "type=builtin", "no");
        check_filter(dflt, "type=builtin", "yes");
        check_filter(dflt, "type=custom", "no");
        check_filter(web, "dangling=true", "yes");
        check_filter(busy, "dangling=true", "no");
        check_filter(busy, "dangling=false", "yes");
        check_filter(busy, "dangling=0", "yes");
        check_filter(dflt, "dangling=1", "no");  /* the default network is never dangling */

        check_filter(web, "name", "error: bad format of filter \"name\" (expected name=value)");
        check_filter(web, "subnet=10.89.0.0/24", "error: invalid filter 'subnet'");
        check_filter(web, "type=user", "error: invalid filter: 'type'='user'");
        check_filter(web, "dangling=maybe", "error: invalid filter: 'dangling'='maybe'");
        /* a bad filter is an error even after one that does not match */
        check_filter(web, "name=db type=user", "error: invalid filter: 'type'='user'");
}

static void test_order(void) {
        g_autoptr(GPtrArray) nets = g_ptr_array_new_with_free_func((GDestroyNotify) g_variant_unref);
        const char *want[] = { "net2", "net10", "roost", "web" };

        g_ptr_array_add(nets, network("web", false, false));
        g_ptr_array_add(nets, network("net10", false, false));
        g_ptr_array_add(nets, network("roost", true, false));
        g_ptr_array_add(nets, network("net2", false, false));
        g_ptr_array_sort(nets, network_view_compare);
        for (guint i = 0; i < nets->len; i++) {
                const char *name = NULL;
                g_variant_lookup(nets->pdata[i], "Name", "&s", &name);
                g_assert_cmpstr(name, ==, want[i]);
        }
}

int main(int argc, char *argv[]) {
        g_setenv("TZ", "UTC", TRUE);
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/network-view/inspect", test_inspect);
        g_test_add_func("/network-view/inspect-sparse", test_inspect_sparse);
        g_test_add_func("/network-view/row", test_row);
        g_test_add_func("/network-view/filter", test_filter);
        g_test_add_func("/network-view/order", test_order);
        return g_test_run();
}
