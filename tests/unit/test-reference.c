/* SPDX-License-Identifier: Apache-2.0 */
#include <glib.h>

#include "reference.h"

static void check(const char *in, const char *want) {
        Reference r = {};
        g_autofree char *err = NULL;
        char *s;

        g_assert_cmpint(reference_parse(in, &r, &err), ==, 0);
        s = reference_string(&r);
        g_assert_cmpstr(s, ==, want);
        free(s);
        reference_done(&r);
}

static void check_bad(const char *in, const char *why) {
        Reference r = {};
        g_autofree char *err = NULL;

        g_assert_cmpint(reference_parse(in, &r, &err), ==, -EINVAL);
        g_assert_nonnull(err);
        g_assert_nonnull(strstr(err, why));
}

static void test_normalise(void) {
        check("busybox", "docker.io/library/busybox:latest");
        check("busybox:1.36", "docker.io/library/busybox:1.36");
        check("user/app", "docker.io/user/app:latest");
        check("docker.io/busybox", "docker.io/library/busybox:latest");
        check("index.docker.io/library/busybox:x", "docker.io/library/busybox:x");
        check("127.0.0.1:5000/roost-test/busybox:gzip", "127.0.0.1:5000/roost-test/busybox:gzip");
        check("localhost/app", "localhost/app:latest");
        check("localhost:5000/a/b/c", "localhost:5000/a/b/c:latest");
        check("quay.io/org/app_x-y.z:v1.0-rc_1", "quay.io/org/app_x-y.z:v1.0-rc_1");
        check("[::1]:5000/app", "[::1]:5000/app:latest");
        check("Registry.Example.COM/app", "Registry.Example.COM/app:latest");
        check("busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
              "docker.io/library/busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        check("busybox:1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
              "docker.io/library/busybox:1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
}

static void test_invalid(void) {
        check_bad("", "empty");
        check_bad("Busybox", "lowercase");
        check_bad("busybox:", "not a valid tag");
        check_bad("busybox:-x", "not a valid tag");
        check_bad("busybox@sha256:abc", "not a sha256 digest");
        check_bad("busybox@md5:0123", "not a sha256 digest");
        check_bad("a//b", "not a valid repository name");
        check_bad("a..b/c", "not a valid registry host");
        check_bad("app/a..b", "not a valid repository name");
        check_bad("-a", "not a valid repository name");
        check_bad("bad host:5000/app", "white space");
        check_bad("host:port/app", "registry host");
        check_bad("a/b_/c", "not a valid repository name");
}

static void test_familiar(void) {
        g_autofree char *a = reference_familiar("docker.io/library/busybox:latest");
        g_autofree char *b = reference_familiar("docker.io/user/app:1");
        g_autofree char *c = reference_familiar("127.0.0.1:5000/app:1");
        g_autofree char *d = reference_familiar("docker.io/library/busybox@sha256:00");

        g_assert_cmpstr(a, ==, "busybox:latest");
        g_assert_cmpstr(b, ==, "user/app:1");
        g_assert_cmpstr(c, ==, "127.0.0.1:5000/app:1");
        g_assert_cmpstr(d, ==, "busybox@sha256:00");
        g_assert_cmpstr(reference_api_host("docker.io"), ==, "registry-1.docker.io");
        g_assert_cmpstr(reference_api_host("quay.io"), ==, "quay.io");
}

static void test_loopback(void) {
        g_assert_true(reference_host_is_loopback("localhost"));
        g_assert_true(reference_host_is_loopback("localhost:5000"));
        g_assert_true(reference_host_is_loopback("127.0.0.1:5000"));
        g_assert_true(reference_host_is_loopback("127.1.2.3"));
        g_assert_true(reference_host_is_loopback("[::1]:5000"));
        g_assert_false(reference_host_is_loopback("128.0.0.1"));
        g_assert_false(reference_host_is_loopback("docker.io"));
        g_assert_false(reference_host_is_loopback("localhost.example.com"));
        g_assert_false(reference_host_is_loopback("[::2]:5000"));
}

int main(int argc, char **argv) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/reference/normalise", test_normalise);
        g_test_add_func("/reference/invalid", test_invalid);
        g_test_add_func("/reference/familiar", test_familiar);
        g_test_add_func("/reference/loopback", test_loopback);
        return g_test_run();
}
