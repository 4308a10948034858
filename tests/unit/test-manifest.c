/* SPDX-License-Identifier: Apache-2.0 */
#include <glib.h>

#include "manifest.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define D3 "sha256:3333333333333333333333333333333333333333333333333333333333333333"

static const char index_json[] =
        "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_INDEX "\",\"manifests\":["
        "{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D1 "\",\"size\":10,"
        " \"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}},"
        "{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D2 "\",\"size\":11,"
        " \"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}},"
        "{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D3 "\",\"size\":12,"
        " \"platform\":{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v7\"}}]}";

static void test_index_platform(void) {
        Manifest *m = NULL;
        g_autofree char *err = NULL;
        Platform p = {};
        const Descriptor *d;

        g_assert_cmpint(manifest_parse(index_json, strlen(index_json), NULL, &m, &err), ==, 0);
        g_assert_cmpint(m->kind, ==, MANIFEST_INDEX);
        g_assert_cmpuint(m->n_manifests, ==, 3);

        g_assert_cmpint(platform_parse("linux/amd64", &p), ==, 0);
        d = manifest_select_platform(m, &p);
        g_assert_nonnull(d);
        g_assert_cmpstr(d->digest, ==, D1);
        platform_done(&p);

        g_assert_cmpint(platform_parse("linux/arm64", &p), ==, 0);
        d = manifest_select_platform(m, &p);
        g_assert_cmpstr(d->digest, ==, D2);
        platform_done(&p);
        /* arm64 and arm64/v8 are the same */
        g_assert_cmpint(platform_parse("linux/arm64/v8", &p), ==, 0);
        g_assert_cmpstr(manifest_select_platform(m, &p)->digest, ==, D2);
        platform_done(&p);
        g_assert_cmpint(platform_parse("arm/v7", &p), ==, 0); /* two parts are os/arch: os "arm" */
        g_assert_null(manifest_select_platform(m, &p));
        platform_done(&p);
        g_assert_cmpint(platform_parse("linux/arm/v7", &p), ==, 0);
        g_assert_cmpstr(manifest_select_platform(m, &p)->digest, ==, D3);
        platform_done(&p);
        g_assert_cmpint(platform_parse("linux/s390x", &p), ==, 0);
        g_assert_null(manifest_select_platform(m, &p));
        platform_done(&p);
        g_assert_cmpint(platform_parse("arm64", &p), ==, 0);
        g_assert_cmpstr(p.os, ==, "linux");
        platform_done(&p);
        g_assert_cmpint(platform_parse("a/b/c/d", &p), ==, -EINVAL);
        g_assert_cmpint(platform_parse("linux//x", &p), ==, -EINVAL);
        manifest_free(m);
}

static void test_docker_list_and_schema2(void) {
        const char list[] = "{\"schemaVersion\":2,\"mediaType\":\"" MT_DOCKER_LIST "\",\"manifests\":["
                            "{\"mediaType\":\"" MT_DOCKER_MANIFEST "\",\"digest\":\"" D1 "\",\"size\":5,"
                            "\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";
        const char s2[] = "{\"schemaVersion\":2,\"mediaType\":\"" MT_DOCKER_MANIFEST "\","
                          "\"config\":{\"mediaType\":\"" MT_DOCKER_CONFIG "\",\"digest\":\"" D1 "\",\"size\":7},"
                          "\"layers\":[{\"mediaType\":\"" MT_DOCKER_LAYER_GZIP "\",\"digest\":\"" D2 "\",\"size\":9}]}";
        Manifest *m = NULL;
        g_autofree char *err = NULL;

        g_assert_cmpint(manifest_parse(list, strlen(list), NULL, &m, &err), ==, 0);
        g_assert_cmpint(m->kind, ==, MANIFEST_INDEX);
        manifest_free(m);
        g_assert_cmpint(manifest_parse(s2, strlen(s2), NULL, &m, &err), ==, 0);
        g_assert_cmpint(m->kind, ==, MANIFEST_IMAGE);
        g_assert_cmpstr(m->config.digest, ==, D1);
        g_assert_cmpuint(m->n_layers, ==, 1);
        g_assert_cmpuint(m->layers[0].size, ==, 9);
        g_assert_cmpint(layer_compression(m->layers[0].media_type), ==, LAYER_COMPRESSION_GZIP);
        manifest_free(m);
        g_assert_cmpint(layer_compression(MT_OCI_LAYER_ZSTD), ==, LAYER_COMPRESSION_ZSTD);
        g_assert_cmpint(layer_compression(MT_OCI_LAYER), ==, LAYER_COMPRESSION_NONE);
        g_assert_cmpint(layer_compression("application/vnd.oci.image.layer.v1.tar+bzip2"), ==, LAYER_COMPRESSION_INVALID);
}

static void test_refused(void) {
        const char s1[] = "{\"schemaVersion\":1,\"name\":\"x\",\"fsLayers\":[]}";
        const char unknown[] = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.example.unknown+json\"}";
        const char badlayer[] = "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\","
                                "\"config\":{\"mediaType\":\"" MT_OCI_CONFIG "\",\"digest\":\"" D1 "\",\"size\":7},"
                                "\"layers\":[{\"mediaType\":\"application/x-bzip2\",\"digest\":\"" D2 "\",\"size\":9}]}";
        const char baddigest[] = "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\","
                                 "\"config\":{\"mediaType\":\"" MT_OCI_CONFIG "\",\"digest\":\"sha256:xyz\",\"size\":7},"
                                 "\"layers\":[]}";
        Manifest *m = NULL;
        char *err = NULL;

        g_assert_cmpint(manifest_parse(s1, strlen(s1), NULL, &m, &err), ==, -EPROTONOSUPPORT);
        g_assert_nonnull(strstr(err, "deprecated and removed"));
        g_assert_nonnull(strstr(err, "skopeo copy"));
        g_clear_pointer(&err, free);
        g_assert_cmpint(manifest_parse("{}", 2, MT_DOCKER_SCHEMA1_SIGNED, &m, &err), ==, -EPROTONOSUPPORT);
        g_clear_pointer(&err, free);
        g_assert_cmpint(manifest_parse(unknown, strlen(unknown), NULL, &m, &err), ==, -EMEDIUMTYPE);
        g_assert_nonnull(strstr(err, "application/vnd.example.unknown+json"));
        g_clear_pointer(&err, free);
        g_assert_cmpint(manifest_parse(badlayer, strlen(badlayer), NULL, &m, &err), ==, -EMEDIUMTYPE);
        g_assert_nonnull(strstr(err, D2));
        g_clear_pointer(&err, free);
        g_assert_cmpint(manifest_parse(baddigest, strlen(baddigest), NULL, &m, &err), ==, -EBADMSG);
        g_clear_pointer(&err, free);
        g_assert_cmpint(manifest_parse("{\"schemaVersion\": 2, ", 20, NULL, &m, &err), ==, -EBADMSG);
        g_assert_nonnull(strstr(err, "not valid JSON"));
        g_clear_pointer(&err, free);
        {
                size_t n = OCI_MANIFEST_MAX + 1;
                g_autofree char *big = g_malloc0(n);
                g_assert_cmpint(manifest_parse(big, n, NULL, &m, &err), ==, -EFBIG);
                g_clear_pointer(&err, free);
        }
}

static void test_config(void) {
        const char cfg[] = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2023-11-14T22:13:20Z\","
                           "\"config\":{\"Env\":[\"PATH=/bin\"],\"Cmd\":[\"sh\"],\"Entrypoint\":null,\"WorkingDir\":\"/w\","
                           "\"User\":\"1000\",\"StopSignal\":\"SIGINT\",\"Labels\":{\"a\":\"b\"},"
                           "\"ExposedPorts\":{\"80/tcp\":{}},\"Volumes\":{\"/data\":{}}},"
                           "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D1 "\",\"" D2 "\"]},"
                           "\"history\":[{\"created\":\"2023-11-14T22:13:20Z\",\"created_by\":\"ADD x /\",\"comment\":\"c\"},"
                           "{\"created_by\":\"CMD sh\",\"empty_layer\":true},\"junk\",{\"empty_layer\":\"yes\"}]}";
        ImageConfig *c = NULL;
        char **chains = NULL;
        char *err = NULL;

        g_assert_cmpint(image_config_parse(cfg, strlen(cfg), &c, &err), ==, 0);
        g_assert_cmpstr(c->arch, ==, "amd64");
        g_assert_cmpint(c->created_unix, ==, 1700000000);
        g_assert_cmpstr(c->cmd[0], ==, "sh");
        g_assert_null(c->entrypoint);
        g_assert_cmpstr(c->working_dir, ==, "/w");
        g_assert_cmpstr(c->user, ==, "1000");
        g_assert_cmpstr(c->stop_signal, ==, "SIGINT");
        g_assert_cmpstr(c->labels[0], ==, "a");
        g_assert_cmpstr(c->labels[1], ==, "b");
        g_assert_cmpstr(c->exposed_ports[0], ==, "80/tcp");
        g_assert_cmpstr(c->volumes[0], ==, "/data");
        g_assert_cmpuint(strv_length(c->diff_ids), ==, 2);
        /* history: objects only; empty_layer only when a true boolean */
        g_assert_cmpuint(c->n_history, ==, 3);
        g_assert_cmpint(c->history[0].created, ==, 1700000000);
        g_assert_cmpstr(c->history[0].created_by, ==, "ADD x /");
        g_assert_cmpstr(c->history[0].comment, ==, "c");
        g_assert_false(c->history[0].empty_layer);
        g_assert_cmpstr(c->history[1].created_by, ==, "CMD sh");
        g_assert_true(c->history[1].empty_layer);
        g_assert_cmpint(c->history[1].created, ==, 0);
        g_assert_null(c->history[2].created_by);
        g_assert_false(c->history[2].empty_layer);
        g_assert_cmpint(chain_ids_compute(c->diff_ids, &chains), ==, 0);
        g_assert_cmpstr(chains[0], ==, D1);
        /* sha256("<D1> <D2>") */
        {
                g_autofree char *s = g_strdup_printf("%s %s", D1, D2);
                char want[DIGEST_STRING_MAX];
                sha256_digest(s, strlen(s), want);
                g_assert_cmpstr(chains[1], ==, want);
        }
        strv_free(chains);
        image_config_free(c);

        g_assert_cmpint(image_config_parse("{\"os\":\"linux\"}", 14, &c, &err), ==, -EBADMSG);
        g_assert_nonnull(strstr(err, "diff_ids"));
        free(err);
}

int main(int argc, char **argv) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/manifest/index-platform", test_index_platform);
        g_test_add_func("/manifest/docker-list-schema2", test_docker_list_and_schema2);
        g_test_add_func("/manifest/refused", test_refused);
        g_test_add_func("/manifest/config", test_config);
        return g_test_run();
}
