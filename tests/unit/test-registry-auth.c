/* SPDX-License-Identifier: Apache-2.0 */
#include <glib.h>
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "content-store.h"
#include "registry-auth.h"

static void rm_rf(const char *dir) {
        g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);
        g_assert_cmpint(system(cmd), ==, 0);
}

static void test_challenge(void) {
        AuthChallenge c = {};

        g_assert_cmpint(auth_challenge_parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                                             "scope=\"repository:library/busybox:pull\"", &c), ==, 0);
        g_assert_cmpstr(c.scheme, ==, "bearer");
        g_assert_cmpstr(c.realm, ==, "https://auth.docker.io/token");
        g_assert_cmpstr(c.service, ==, "registry.docker.io");
        g_assert_cmpstr(c.scope, ==, "repository:library/busybox:pull");
        auth_challenge_done(&c);

        g_assert_cmpint(auth_challenge_parse("Basic realm=\"roost-hostile\"", &c), ==, 0);
        g_assert_cmpstr(c.scheme, ==, "basic");
        g_assert_cmpstr(c.realm, ==, "roost-hostile");
        g_assert_null(c.service);
        auth_challenge_done(&c);

        /* spaces, unquoted values, escapes, upper-case names */
        g_assert_cmpint(auth_challenge_parse("  BEARER Realm=http://h/t , Service=\"a \\\"b\\\" c\", error=\"invalid_token\"", &c), ==, 0);
        g_assert_cmpstr(c.scheme, ==, "bearer");
        g_assert_cmpstr(c.realm, ==, "http://h/t");
        g_assert_cmpstr(c.service, ==, "a \"b\" c");
        auth_challenge_done(&c);

        g_assert_cmpint(auth_challenge_parse("Bearer realm=\"unterminated", &c), ==, -EINVAL);
        g_assert_cmpint(auth_challenge_parse("", &c), ==, -EINVAL);
}

static void test_key_normalize(void) {
        const char *const cases[][2] = {
                { "https://index.docker.io/v1/", "docker.io" },
                { "index.docker.io", "docker.io" },
                { "registry-1.docker.io", "docker.io" },
                { "docker.io", "docker.io" },
                { "http://127.0.0.1:5000", "127.0.0.1:5000" },
                { "127.0.0.1:5000/", "127.0.0.1:5000" },
                { "quay.io/org", "quay.io/org" },
        };
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_autofree char *k = auth_key_normalize(cases[i][0]);
                g_assert_cmpstr(k, ==, cases[i][1]);
        }
}

static void test_auth_file(void) {
        g_autofree char *dir = g_dir_make_tmp("roost-auth-XXXXXX", NULL);
        g_autofree char *path = g_build_filename(dir, "containers", "auth.json", NULL);
        g_autofree char *docker = g_build_filename(dir, "config.json", NULL);
        g_autofree char *text = NULL;
        char *user = NULL, *pass = NULL;
        struct stat st;

        g_assert_cmpint(auth_file_lookup(path, "127.0.0.1:5000", "app", &user, &pass), ==, -ENOENT);
        g_assert_cmpint(auth_file_store(path, "127.0.0.1:5000", "roost", "s3cret:with:colons"), ==, 0);
        g_assert_cmpint(stat(path, &st), ==, 0);
        g_assert_cmpint(st.st_mode & 0777, ==, 0600);
        g_assert_cmpint(auth_file_lookup(path, "127.0.0.1:5000", "app", &user, &pass), ==, 0);
        g_assert_cmpstr(user, ==, "roost");
        g_assert_cmpstr(pass, ==, "s3cret:with:colons");
        g_clear_pointer(&user, free);
        g_clear_pointer(&pass, free);
        /* podman's format: base64 of user:password under auths */
        g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
        g_assert_nonnull(strstr(text, "\"auths\""));
        g_assert_nonnull(strstr(text, "\"127.0.0.1:5000\""));
        g_assert_nonnull(strstr(text, "cm9vc3Q6czNjcmV0OndpdGg6Y29sb25z"));

        /* docker.io under any of its names */
        g_assert_cmpint(auth_file_store(path, "https://index.docker.io/v1/", "u", "p"), ==, 0);
        g_assert_cmpint(auth_file_lookup(path, "docker.io", "library/busybox", &user, &pass), ==, 0);
        g_assert_cmpstr(user, ==, "u");
        g_clear_pointer(&user, free);
        g_clear_pointer(&pass, free);
        /* replacing keeps one entry */
        g_assert_cmpint(auth_file_store(path, "docker.io", "u2", "p2"), ==, 0);
        g_assert_cmpint(auth_file_lookup(path, "docker.io", NULL, &user, &pass), ==, 0);
        g_assert_cmpstr(user, ==, "u2");
        g_clear_pointer(&user, free);
        g_clear_pointer(&pass, free);

        g_assert_cmpint(auth_file_remove(path, "127.0.0.1:5000"), ==, 0);
        g_assert_cmpint(auth_file_remove(path, "127.0.0.1:5000"), ==, -ENOENT);
        g_assert_cmpint(auth_file_lookup(path, "127.0.0.1:5000", NULL, &user, &pass), ==, -ENOENT);

        /* docker's config.json, with a repository-scoped entry winning */
        g_assert_true(g_file_set_contents(docker,
                                          "{\"auths\":{\"https://quay.io\":{\"auth\":\"YTpi\"},"
                                          "\"quay.io/org\":{\"auth\":\"Yzpk\"}},\"credsStore\":\"x\"}", -1, NULL));
        g_assert_cmpint(auth_file_lookup(docker, "quay.io", "other/app", &user, &pass), ==, 0);
        g_assert_cmpstr(user, ==, "a");
        g_assert_cmpstr(pass, ==, "b");
        g_clear_pointer(&user, free);
        g_clear_pointer(&pass, free);
        g_assert_cmpint(auth_file_lookup(docker, "quay.io", "org/app", &user, &pass), ==, 0);
        g_assert_cmpstr(user, ==, "c");
        g_clear_pointer(&user, free);
        g_clear_pointer(&pass, free);
        /* a damaged file is no credentials, not a crash */
        g_assert_true(g_file_set_contents(docker, "{\"auths\": [", -1, NULL));
        g_assert_cmpint(auth_file_lookup(docker, "quay.io", NULL, &user, &pass), ==, -ENOENT);

        rm_rf(dir);
}

static void test_content_store(void) {
        g_autofree char *dir = g_dir_make_tmp("roost-cs-XXXXXX", NULL);
        ContentStore *cs = NULL;
        Ingest *in = NULL;
        char digest[DIGEST_STRING_MAX];
        char **list = NULL;
        char *err = NULL, *buf = NULL;
        size_t n;

        g_assert_cmpint(content_store_open(dir, &cs), ==, 0);
        /* the right content is stored under its digest */
        g_assert_cmpint(ingest_start(cs, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", 3, &in), ==, 0);
        g_assert_cmpint(ingest_write(in, "ab", 2), ==, 0);
        g_assert_cmpint(ingest_write(in, "cd", 2), ==, -EFBIG); /* more than announced */
        g_assert_cmpint(ingest_write(in, "c", 1), ==, 0);
        g_assert_cmpint(ingest_commit(in, digest, &err), ==, 0);
        g_assert_cmpint(content_store_has(cs, digest, NULL), ==, 1);
        g_assert_cmpint(content_store_read(cs, digest, 100, &buf, &n), ==, 0);
        g_assert_cmpmem(buf, n, "abc", 3);
        free(buf);
        /* a wrong digest is refused and leaves nothing */
        g_assert_cmpint(ingest_start(cs, "sha256:0000000000000000000000000000000000000000000000000000000000000000", 3, &in), ==, 0);
        g_assert_cmpint(ingest_write(in, "abd", 3), ==, 0);
        g_assert_cmpint(ingest_commit(in, NULL, &err), ==, -EBADMSG);
        g_assert_nonnull(strstr(err, "sha256:0000000000000000000000000000000000000000000000000000000000000000"));
        g_clear_pointer(&err, g_free);
        /* short content too */
        g_assert_cmpint(ingest_start(cs, NULL, 10, &in), ==, 0);
        g_assert_cmpint(ingest_write(in, "abc", 3), ==, 0);
        g_assert_cmpint(ingest_commit(in, NULL, &err), ==, -EPIPE);
        g_clear_pointer(&err, g_free);
        g_assert_cmpint(content_store_list(cs, &list), ==, 0);
        g_assert_cmpuint(strv_length(list), ==, 1);
        strv_free(list);
        {
                g_autofree char *ingest = g_build_filename(dir, "ingest", NULL);
                g_autoptr(GDir) d = g_dir_open(ingest, 0, NULL);
                g_assert_null(g_dir_read_name(d));
        }
        content_store_free(cs);
        rm_rf(dir);
}

int main(int argc, char **argv) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/auth/challenge", test_challenge);
        g_test_add_func("/auth/key-normalize", test_key_normalize);
        g_test_add_func("/auth/file", test_auth_file);
        g_test_add_func("/content-store/verify", test_content_store);
        return g_test_run();
}
