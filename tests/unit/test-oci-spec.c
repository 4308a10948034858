/* SPDX-License-Identifier: Apache-2.0 */
#include <glib.h>
#include <signal.h>

#include "json.h"
#include "oci-spec.h"
#include "seccomp-profile.h"

/* the tests build ImageConfig on the stack: free what it holds */
static void image_config_clear(ImageConfig *c) {
        g_strfreev(c->entrypoint);
        g_strfreev(c->cmd);
        g_strfreev(c->env);
        g_free(c->working_dir);
        *c = (ImageConfig) {};
}

static ContainerOptions *opts(const char *text) {
        g_autoptr(GVariant) v = g_variant_parse(G_VARIANT_TYPE("a{sv}"), text, NULL, NULL, NULL);
        ContainerOptions *o = NULL;
        char *err = NULL;
        if (container_options_parse(v, &o, &err) < 0)
                g_error("%s", err);
        return o;
}

/* the config.json built, parsed (a new reference): an object */
static json_t *build(ContainerOptions *o, ImageConfig *img, SpecContext *ctx) {
        g_autofree char *json = NULL, *err = NULL;
        json_t *root;
        if (oci_spec_build(o, img, ctx, &json, &err) < 0)
                g_error("%s", err);
        root = rjson_parse(json, -1, NULL);
        g_assert_true(json_is_object(root));
        return root;
}

static bool array_has(const json_t *a, const char *s) {
        size_t i;
        json_t *v;
        g_assert_true(json_is_array(a));
        json_array_foreach(a, i, v)
                if (g_str_equal(json_string_value(v), s))
                        return true;
        return false;
}

static void assert_args(char **x, const char *want) {
        g_autofree char *j = g_strjoinv(" ", x);
        g_assert_cmpstr(j, ==, want);
}

static void test_args(void) {
        ImageConfig img = { .entrypoint = g_strsplit("/ep x", " ", -1), .cmd = g_strsplit("c1 c2", " ", -1) };
        g_autoptr(ContainerOptions) a = opts("{'Image': <'i'>}");
        g_autoptr(ContainerOptions) b = opts("{'Image': <'i'>, 'Cmd': <['new']>}");
        g_autoptr(ContainerOptions) c = opts("{'Image': <'i'>, 'Entrypoint': <['/other']>}");
        g_autoptr(ContainerOptions) d = opts("{'Image': <'i'>, 'Entrypoint': <@as []>}");
        g_auto(GStrv) x = NULL;

        x = oci_spec_args(a, &img);
        assert_args(x, "/ep x c1 c2");
        g_strfreev(x);
        x = oci_spec_args(b, &img);
        assert_args(x, "/ep x new");
        g_strfreev(x);
        /* a new entrypoint drops the image's Cmd */
        x = oci_spec_args(c, &img);
        assert_args(x, "/other");
        g_strfreev(x);
        x = oci_spec_args(d, &img);
        g_assert_null(x[0]);
        image_config_clear(&img);
}

static void test_spec(void) {
        ImageConfig img = { .cmd = g_strsplit("sh", " ", -1), .env = g_strsplit("PATH=/bin|A=img|B=img", "|", -1),
                            .working_dir = g_strdup("/srv") };
        g_autoptr(ContainerOptions) o = opts("{'Image': <'i'>, 'Env': <['A=user']>, 'Tty': <true>, 'CapAdd': <['SYS_ADMIN']>,"
                                             " 'CapDrop': <['NET_RAW']>, 'ReadonlyRootfs': <true>, 'Binds': <['/h:/c:ro']>}");
        SpecContext ctx = { .id = "abc", .rootfs = "/r", .hostname = "abc", .uid = 1000, .gid = 1000 };
        g_autoptr(json_t) root = build(o, &img, &ctx);
        json_t *proc, *lin, *env, *caps;

        proc = rjson_get_object(root, "process");
        g_assert_true(json_is_true(json_object_get(proc, "terminal")));
        g_assert_cmpstr(rjson_get_string(proc, "cwd"), ==, "/srv");
        env = rjson_get_array(proc, "env");
        g_assert_true(array_has(env, "A=user"));
        g_assert_false(array_has(env, "A=img"));
        g_assert_true(array_has(env, "B=img"));
        g_assert_true(array_has(env, "PATH=/bin"));
        g_assert_true(array_has(env, "HOSTNAME=abc"));
        g_assert_true(array_has(env, "TERM=xterm"));
        caps = rjson_get_array(rjson_get_object(proc, "capabilities"), "bounding");
        g_assert_true(array_has(caps, "CAP_SYS_ADMIN"));
        g_assert_true(array_has(caps, "CAP_CHOWN"));
        g_assert_false(array_has(caps, "CAP_NET_RAW"));
        g_assert_cmpuint(json_array_size(caps), ==, 14);
        g_assert_true(json_is_true(json_object_get(rjson_get_object(root, "root"), "readonly")));

        lin = rjson_get_object(root, "linux");
        g_assert_nonnull(json_object_get(lin, "maskedPaths"));
        g_assert_nonnull(json_object_get(lin, "seccomp"));
        /* with CAP_SYS_ADMIN, unshare is allowed and clone is not restricted */
        g_autofree char *sec = rjson_dump(json_object_get(lin, "seccomp"), false);
        g_assert_nonnull(strstr(sec, "\"unshare\""));
        g_assert_null(strstr(sec, "SCMP_CMP_MASKED_EQ"));
        image_config_clear(&img);
}

static void test_default_seccomp(void) {
        ImageConfig img = { .cmd = g_strsplit("sh", " ", -1) };
        g_autoptr(ContainerOptions) o = opts("{'Image': <'i'>}");
        SpecContext ctx = { .id = "abc", .rootfs = "/r", .hostname = "abc" };
        g_autoptr(json_t) root = build(o, &img, &ctx);
        json_t *sec = rjson_get_object(rjson_get_object(root, "linux"), "seccomp");
        g_autofree char *s = rjson_dump(sec, false);

        g_assert_nonnull(sec);
        g_assert_cmpstr(rjson_get_string(sec, "defaultAction"), ==, "SCMP_ACT_ERRNO");
        g_assert_null(strstr(s, "\"unshare\""));
        g_assert_null(strstr(s, "\"mount\""));
        g_assert_nonnull(strstr(s, "SCMP_CMP_MASKED_EQ"));
        g_assert_nonnull(strstr(s, "\"chroot\"")); /* CAP_SYS_CHROOT is a default */
        g_assert_nonnull(strstr(s, "\"clone3\""));
        g_assert_cmpuint(seccomp_profile_allowed_count(), >, 300);
        image_config_clear(&img);
}

#ifdef LIBSECCOMP
/* Built told to load a libseccomp that is not there: no config.json, and an
 * error that names the library and the package that brings it. */
static void test_seccomp_without_libseccomp(void) {
        ImageConfig img = { .cmd = g_strsplit("sh", " ", -1) };
        g_autoptr(ContainerOptions) o = opts("{'Image': <'i'>}");
        SpecContext ctx = { .id = "abc", .rootfs = "/r", .hostname = "abc" };
        g_autofree char *json = NULL, *err = NULL;

        g_assert_cmpint(oci_spec_build(o, &img, &ctx, &json, &err), ==, -ENOENT);
        g_assert_null(json);
        g_assert_nonnull(strstr(err, LIBSECCOMP));
        g_assert_nonnull(strstr(err, "apt-get install libseccomp2"));
        image_config_clear(&img);
}
#endif

/* With a bind listener, bind() alone is trapped and the listener named. */
static void test_seccomp_bind_listener(void) {
        ImageConfig img = { .cmd = g_strsplit("sh", " ", -1) };
        g_autoptr(ContainerOptions) o = opts("{'Image': <'i'>}");
        SpecContext ctx = { .id = "abc", .rootfs = "/r", .hostname = "abc", .bind_listener = "/run/user/1/roost/bypass/abc" };
        g_autoptr(json_t) root = build(o, &img, &ctx);
        json_t *sec = rjson_get_object(rjson_get_object(root, "linux"), "seccomp");
        json_t *rules = rjson_get_array(sec, "syscalls"), *r;
        unsigned notify = 0, bind_allowed = 0;
        size_t i;

        g_assert_nonnull(rules);
        g_assert_cmpstr(rjson_get_string(sec, "listenerPath"), ==, ctx.bind_listener);
        json_array_foreach(rules, i, r) {
                json_t *names = rjson_get_array(r, "names"), *n;
                bool has_bind = false;
                size_t k;
                g_assert_nonnull(names);
                json_array_foreach(names, k, n)
                        has_bind = has_bind || g_str_equal(json_string_value(n), "bind");
                if (g_str_equal(rjson_get_string(r, "action"), "SCMP_ACT_NOTIFY")) {
                        g_assert_cmpuint(json_array_size(names), ==, 1);
                        g_assert_true(has_bind);
                        notify++;
                } else if (has_bind)
                        bind_allowed++;
        }
        g_assert_cmpuint(notify, ==, 1);
        g_assert_cmpuint(bind_allowed, ==, 0);

        /* a profile of the user's is taken as it is */
        g_autoptr(ContainerOptions) o2 = opts("{'Image': <'i'>, 'SecurityOpt': <['seccomp={\"defaultAction\": \"SCMP_ACT_ALLOW\"}']>}");
        ctx.seccomp_json = "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}";
        g_autoptr(json_t) root2 = build(o2, &img, &ctx);
        sec = rjson_get_object(rjson_get_object(root2, "linux"), "seccomp");
        g_assert_nonnull(sec);
        g_assert_null(json_object_get(sec, "listenerPath"));
        image_config_clear(&img);
}

static void test_privileged_and_init(void) {
        ImageConfig img = { .cmd = g_strsplit("/sbin/init", " ", -1) };
        g_autoptr(ContainerOptions) o = opts("{'Image': <'i'>, 'Privileged': <true>, 'Systemd': <'true'>}");
        SpecContext ctx = { .id = "abc", .rootfs = "/r", .hostname = "h", .init_path = "/usr/bin/catatonit", .host_network = true };
        g_autoptr(json_t) root = build(o, &img, &ctx);
        json_t *lin, *args, *env;
        g_autofree char *mounts = rjson_dump(rjson_get_array(root, "mounts"), false);
        g_autofree char *ns = NULL;

        g_assert_nonnull(mounts);
        lin = rjson_get_object(root, "linux");
        g_assert_nonnull(lin);
        g_assert_null(json_object_get(lin, "seccomp"));
        g_assert_null(json_object_get(lin, "maskedPaths"));
        args = rjson_get_array(rjson_get_object(root, "process"), "args");
        g_assert_cmpstr(json_string_value(json_array_get(args, 0)), ==, "/run/roost-init");
        g_assert_cmpstr(json_string_value(json_array_get(args, 2)), ==, "/sbin/init");
        env = rjson_get_array(rjson_get_object(root, "process"), "env");
        g_assert_true(array_has(env, "container=roost"));
        g_assert_nonnull(strstr(mounts, "\"/run/lock\""));
        g_assert_nonnull(strstr(mounts, "\"/var/lib/journal\""));
        g_assert_nonnull(strstr(mounts, "\"rbind\"")); /* /sys bound, host network */
        ns = rjson_dump(rjson_get_array(lin, "namespaces"), false);
        g_assert_nonnull(ns);
        g_assert_null(strstr(ns, "network"));
        g_assert_cmpint(oci_spec_stop_signal(o, &img, (char *[]) { "/sbin/init", NULL }), ==, SIGRTMIN + 3);
        image_config_clear(&img);
}

static void test_no_command(void) {
        ImageConfig img = {};
        g_autoptr(ContainerOptions) o = opts("{'Image': <'i'>}");
        SpecContext ctx = { .id = "abc", .rootfs = "/r", .hostname = "h" };
        g_autofree char *json = NULL, *err = NULL;

        g_assert_cmpint(oci_spec_build(o, &img, &ctx, &json, &err), ==, -EINVAL);
        g_assert_nonnull(strstr(err, "no command specified"));
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/oci-spec/args", test_args);
#ifdef LIBSECCOMP
        g_test_add_func("/oci-spec/seccomp-without-libseccomp", test_seccomp_without_libseccomp);
        return g_test_run();
#endif
        g_test_add_func("/oci-spec/spec", test_spec);
        g_test_add_func("/oci-spec/default-seccomp", test_default_seccomp);
        g_test_add_func("/oci-spec/seccomp-bind-listener", test_seccomp_bind_listener);
        g_test_add_func("/oci-spec/privileged-and-init", test_privileged_and_init);
        g_test_add_func("/oci-spec/no-command", test_no_command);
        return g_test_run();
}
