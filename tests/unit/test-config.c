/* SPDX-License-Identifier: Apache-2.0 */
#include <glib.h>
#include <glib/gstdio.h>

#include "config.h"

typedef struct Fixture {
        char *sys, *user;
} Fixture;

static void put(const char *dir, const char *name, const char *content) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        g_autofree char *parent = g_path_get_dirname(path);
        g_assert_cmpint(g_mkdir_with_parents(parent, 0700), ==, 0);
        g_assert_true(g_file_set_contents(path, content, -1, NULL));
}

static void setup(Fixture *f, gconstpointer data) {
        f->sys = g_dir_make_tmp("roost-sys-XXXXXX", NULL);
        f->user = g_dir_make_tmp("roost-user-XXXXXX", NULL);
}

static void teardown(Fixture *f, gconstpointer data) {
        g_autofree char *cmd = g_strdup_printf("rm -rf '%s' '%s'", f->sys, f->user);
        g_assert_cmpint(system(cmd), ==, 0);
        g_free(f->sys);
        g_free(f->user);
}

static void test_defaults(Fixture *f, gconstpointer data) {
        Config *c = NULL;

        g_assert_cmpint(config_load(f->sys, f->user, &c), ==, 0);
        g_assert_cmpstr(c->runtime, ==, "crun");
        g_assert_cmpstr(c->storage_driver, ==, "auto");
        g_assert_cmpuint(c->max_downloads, ==, 3);
        g_assert_cmpuint(c->verifier_timeout, ==, 10);
        g_assert_false(c->host_loopback);
        g_assert_null(c->files);
        config_free(c);
}

static void test_override_order(Fixture *f, gconstpointer data) {
        Config *c = NULL;
        g_autofree char *printed = NULL;
        size_t len;
        FILE *mem;

        put(f->sys, "roost.conf", "[Roost]\nConfigVersion=1\n[Registry]\nMaxConcurrentDownloads=5\nTimeout=7\n");
        put(f->user, "roost.conf", "[Registry]\nMaxConcurrentDownloads=6\n");
        put(f->sys, "roost.conf.d/10-a.conf", "[Network]\nHostLoopback=yes\n[Log]\nLevel=debug\n");
        put(f->sys, "roost.conf.d/20-b.conf", "[Storage]\nDriver=copy\n");
        /* a user drop-in of the same name replaces the system one */
        put(f->user, "roost.conf.d/20-b.conf", "[Storage]\nDriver=overlayfs\n");
        put(f->user, "roost.conf.d/30-c.conf", "# only a comment\n");
        put(f->user, "roost.conf.d/ignored.txt", "[Storage]\nDriver=bogus\n");

        g_assert_cmpint(config_load(f->sys, f->user, &c), ==, 0);
        g_assert_cmpuint(c->max_downloads, ==, 6);
        g_assert_cmpuint(c->registry_timeout, ==, 7);
        g_assert_true(c->host_loopback);
        g_assert_cmpstr(c->log_level, ==, "debug");
        g_assert_cmpstr(c->storage_driver, ==, "overlayfs");
        g_assert_cmpuint(strv_length(c->files), ==, 5);

        mem = open_memstream(&printed, &len);
        config_print(c, mem);
        fclose(mem);
        g_assert_nonnull(strstr(printed, "MaxConcurrentDownloads=6  # "));
        g_assert_nonnull(strstr(printed, "/roost.conf:2\n"));
        g_assert_nonnull(strstr(printed, "Driver=overlayfs  # "));
        g_assert_nonnull(strstr(printed, "Name=crun  # default"));
        config_free(c);
}

static void test_bad_value(Fixture *f, gconstpointer data) {
        Config *c = NULL;

        put(f->user, "roost.conf", "[Roost]\nConfigVersion=1\n\n[Storage]\nDriver=zfs\n");
        if (g_test_subprocess()) {
                g_assert_cmpint(config_load(f->sys, f->user, &c), ==, -EINVAL);
                return;
        }
        g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
        g_test_trap_assert_passed();
        /* file:line and the allowed values */
        g_test_trap_assert_stderr("*roost.conf:5: Driver=zfs is not valid: allowed values are auto, overlayfs, copy*");
}

static void test_bad_number(Fixture *f, gconstpointer data) {
        Config *c = NULL;

        put(f->user, "roost.conf", "[Registry]\nMaxConcurrentDownloads=100\n");
        g_assert_cmpint(config_load(f->sys, f->user, &c), ==, -EINVAL);
        put(f->user, "roost.conf", "[Registry]\nMaxConcurrentDownloads=-1\n");
        g_assert_cmpint(config_load(f->sys, f->user, &c), ==, -EINVAL);
        put(f->user, "roost.conf", "[Network]\nHostLoopback=maybe\n");
        g_assert_cmpint(config_load(f->sys, f->user, &c), ==, -EINVAL);
        put(f->user, "roost.conf", "[Runtime]\nPath=relative/crun\n");
        g_assert_cmpint(config_load(f->sys, f->user, &c), ==, -EINVAL);
        g_assert_null(c);
}

static void test_unknown_key_warns(Fixture *f, gconstpointer data) {
        Config *c = NULL;

        put(f->user, "roost.conf", "[Storage]\nDriver=copy\nColour=blue\n[Nonsense]\nX=1\n");
        if (g_test_subprocess()) {
                g_assert_cmpint(config_load(f->sys, f->user, &c), ==, 0);
                g_assert_cmpstr(c->storage_driver, ==, "copy");
                config_free(c);
                return;
        }
        g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
        g_test_trap_assert_passed();
        g_test_trap_assert_stderr("*roost.conf:3: unknown key Colour in [Storage]*roost.conf:4: unknown section [Nonsense]*");
}

static void test_syntax_error(Fixture *f, gconstpointer data) {
        Config *c = NULL;

        put(f->user, "roost.conf", "[Storage]\nDriver=copy\nthis line is wrong\n");
        if (g_test_subprocess()) {
                g_assert_cmpint(config_load(f->sys, f->user, &c), ==, -EINVAL);
                return;
        }
        g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
        g_test_trap_assert_passed();
        g_test_trap_assert_stderr("*roost.conf:3: expected Key=value*this line is wrong*");
}

static void test_newer_version(Fixture *f, gconstpointer data) {
        Config *c = NULL;

        put(f->user, "roost.conf", "[Roost]\nConfigVersion=2\n");
        if (g_test_subprocess()) {
                g_assert_cmpint(config_load(f->sys, f->user, &c), ==, -EINVAL);
                return;
        }
        g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
        g_test_trap_assert_passed();
        g_test_trap_assert_stderr("*ConfigVersion=2 is newer than this roostd understands (1)*");
}

static void test_registries(Fixture *f, gconstpointer data) {
        Config *c = NULL;
        const RegistryConfig *rc;

        put(f->user, "roost.conf", "[Registry 127.0.0.1:5000]\nInsecure=yes\n\n[Registry docker.io]\nMirrors=mirror.local:5000 other.local\n");
        g_assert_cmpint(config_load(f->sys, f->user, &c), ==, 0);
        rc = config_find_registry(c, "127.0.0.1:5000");
        g_assert_nonnull(rc);
        g_assert_cmpint(rc->insecure, ==, 1);
        rc = config_find_registry(c, "docker.io");
        g_assert_nonnull(rc);
        g_assert_cmpint(rc->insecure, ==, -1);
        g_assert_cmpuint(strv_length(rc->mirrors), ==, 2);
        g_assert_cmpstr(rc->mirrors[0], ==, "mirror.local:5000");
        g_assert_null(config_find_registry(c, "quay.io"));
        config_free(c);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
        ADD("/config/defaults", test_defaults);
        ADD("/config/override-order", test_override_order);
        ADD("/config/bad-value", test_bad_value);
        ADD("/config/bad-number", test_bad_number);
        ADD("/config/unknown-key-warns", test_unknown_key_warns);
        ADD("/config/syntax-error", test_syntax_error);
        ADD("/config/newer-version", test_newer_version);
        ADD("/config/registries", test_registries);
        return g_test_run();
}
