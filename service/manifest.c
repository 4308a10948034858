/* SPDX-License-Identifier: Apache-2.0 */
#include <glib.h>

#include "json.h"
#include "manifest.h"

static int fail(char **ret_error, int r, const char *fmt, ...) _printf_(3, 4);
static int fail(char **ret_error, int r, const char *fmt, ...) {
        va_list ap;

        if (ret_error) {
                va_start(ap, fmt);
                if (vasprintf(ret_error, fmt, ap) < 0)
                        *ret_error = NULL;
                va_end(ap);
        }
        return r;
}

void platform_done(Platform *p) {
        free(p->os);
        free(p->arch);
        free(p->variant);
        *p = (Platform) {};
}

void descriptor_done(Descriptor *d) {
        free(d->media_type);
        free(d->digest);
        free(d->ref_name);
        free(d->image_name);
        platform_done(&d->platform);
        *d = (Descriptor) {};
}

void manifest_free(Manifest *m) {
        if (!m)
                return;
        free(m->media_type);
        descriptor_done(&m->config);
        for (size_t i = 0; i < m->n_layers; i++)
                descriptor_done(&m->layers[i]);
        free(m->layers);
        for (size_t i = 0; i < m->n_manifests; i++)
                descriptor_done(&m->manifests[i]);
        free(m->manifests);
        free(m);
}

LayerCompression layer_compression(const char *mt) {
        if (!mt)
                return LAYER_COMPRESSION_INVALID;
        if (streq(mt, MT_OCI_LAYER) || streq(mt, MT_OCI_LAYER_ND))
                return LAYER_COMPRESSION_NONE;
        if (streq(mt, MT_OCI_LAYER_GZIP) || streq(mt, MT_OCI_LAYER_ND_GZIP) || streq(mt, MT_DOCKER_LAYER_GZIP) ||
            streq(mt, MT_DOCKER_LAYER_FOREIGN_GZIP))
                return LAYER_COMPRESSION_GZIP;
        if (streq(mt, MT_OCI_LAYER_ZSTD) || streq(mt, MT_OCI_LAYER_ND_ZSTD))
                return LAYER_COMPRESSION_ZSTD;
        return LAYER_COMPRESSION_INVALID;
}

bool media_type_is_config(const char *mt) {
        return mt && (streq(mt, MT_OCI_CONFIG) || streq(mt, MT_DOCKER_CONFIG));
}

static char *dup_member(const json_t *o, const char *name) {
        const char *s = rjson_get_string(o, name);
        return s ? strdup(s) : NULL;
}

static int parse_descriptor(const json_t *o, Descriptor *d, const char *what, char **ret_error) {
        json_t *n;

        if (!json_is_object(o))
                return fail(ret_error, -EBADMSG, "%s is not a JSON object", what);
        d->media_type = dup_member(o, "mediaType");
        d->digest = dup_member(o, "digest");
        if (!d->digest || !digest_is_valid(d->digest))
                return fail(ret_error, -EBADMSG, "%s has no valid sha256 digest (\"%s\")", what, strna(d->digest));
        n = json_object_get(o, "size");
        if (!json_is_integer(n) || json_integer_value(n) < 0)
                return fail(ret_error, -EBADMSG, "%s %s has no valid size", what, d->digest);
        d->size = (uint64_t) json_integer_value(n);

        n = rjson_get_object(o, "platform");
        if (n) {
                d->platform.os = dup_member(n, "os");
                d->platform.arch = dup_member(n, "architecture");
                d->platform.variant = dup_member(n, "variant");
        }
        n = rjson_get_object(o, "annotations");
        if (n) {
                d->ref_name = dup_member(n, OCI_ANNOTATION_REF_NAME);
                d->image_name = dup_member(n, CONTAINERD_ANNOTATION_IMAGE_NAME);
        }
        return 0;
}

static int parse_descriptor_array(const json_t *o, const char *member, size_t max, Descriptor **ret, size_t *ret_n,
                                  const char *what, char **ret_error) {
        json_t *a = rjson_get_array(o, member);
        Descriptor *list;
        size_t len;
        int r;

        if (!a)
                return fail(ret_error, -EBADMSG, "the manifest has no \"%s\" array", member);
        len = json_array_size(a);
        if (len > max)
                return fail(ret_error, -E2BIG, "the manifest lists %zu %s, more than the %zu roost accepts", len, member, max);
        list = calloc(MAX(len, (size_t) 1), sizeof(Descriptor));
        if (!list)
                return -ENOMEM;
        *ret = list;
        *ret_n = len;
        for (size_t i = 0; i < len; i++) {
                g_autofree char *w = g_strdup_printf("%s %zu", what, i + 1);
                r = parse_descriptor(json_array_get(a, i), &list[i], w, ret_error);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* The document's root object (a new reference), or NULL with *ret_error set. */
static json_t *parse_json(const char *data, size_t size, char **ret_error) {
        g_autofree char *err = NULL;
        g_autoptr(json_t) root = rjson_parse(data, (ssize_t) size, &err);

        if (!root) {
                fail(ret_error, -EBADMSG, "not valid JSON: %s", err);
                return NULL;
        }
        if (!json_is_object(root)) {
                fail(ret_error, -EBADMSG, "not a JSON object");
                return NULL;
        }
        return g_steal_pointer(&root);
}

#define SCHEMA1_MESSAGE                                                                                        \
        "Docker Image Format v1 and Docker Image manifest version 2, schema 1 are deprecated and removed "  \
        "(as in containerd 2.0): roost does not pull them. Convert the image by pushing it again with a "   \
        "current tool, e.g. 'skopeo copy --format v2s2 docker://OLD docker://NEW' or 'docker pull' then "   \
        "'docker push' with a current Docker engine"

int manifest_parse(const char *data, size_t size, const char *content_type, Manifest **ret, char **ret_error) {
        g_autoptr(json_t) o = NULL;
        _cleanup_(manifest_freep) Manifest *m = NULL;
        _cleanup_free_ char *mt = NULL;
        int64_t sv;
        int r;

        if (content_type && (startswith(content_type, MT_DOCKER_SCHEMA1) || startswith(content_type, MT_DOCKER_SCHEMA1_SIGNED)))
                return fail(ret_error, -EPROTONOSUPPORT, SCHEMA1_MESSAGE);
        if (size > OCI_MANIFEST_MAX)
                return fail(ret_error, -EFBIG, "the manifest is %zu bytes, more than the %u MiB limit", size,
                            OCI_MANIFEST_MAX >> 20);
        o = parse_json(data, size, ret_error);
        if (!o)
                return -EBADMSG;

        if (rjson_get_int(o, "schemaVersion", &sv) && sv == 1)
                return fail(ret_error, -EPROTONOSUPPORT, SCHEMA1_MESSAGE);

        mt = dup_member(o, "mediaType");
        if (!mt && content_type && !startswith(content_type, "application/json") &&
            !startswith(content_type, "text/plain") && !startswith(content_type, "application/octet-stream"))
                mt = strndup(content_type, strcspn(content_type, "; "));
        if (!mt) {
                /* OCI allows leaving mediaType out: tell by the shape */
                if (json_object_get(o, "manifests"))
                        mt = strdup(MT_OCI_INDEX);
                else if (json_object_get(o, "config") && json_object_get(o, "layers"))
                        mt = strdup(MT_OCI_MANIFEST);
                else
                        return fail(ret_error, -EBADMSG, "the document is neither an image manifest nor an index "
                                    "(no mediaType, no \"manifests\", no \"config\" and \"layers\")");
                if (!mt)
                        return -ENOMEM;
        }
        if (startswith(mt, MT_DOCKER_SCHEMA1))
                return fail(ret_error, -EPROTONOSUPPORT, SCHEMA1_MESSAGE);

        m = calloc(1, sizeof *m);
        if (!m)
                return -ENOMEM;
        m->media_type = TAKE_PTR(mt);
        if (streq(m->media_type, MT_OCI_INDEX) || streq(m->media_type, MT_DOCKER_LIST)) {
                m->kind = MANIFEST_INDEX;
                r = parse_descriptor_array(o, "manifests", OCI_INDEX_ENTRIES_MAX, &m->manifests, &m->n_manifests,
                                           "index entry", ret_error);
                if (r < 0)
                        return r;
        } else if (streq(m->media_type, MT_OCI_MANIFEST) || streq(m->media_type, MT_DOCKER_MANIFEST)) {
                json_t *c = json_object_get(o, "config");
                m->kind = MANIFEST_IMAGE;
                if (!c)
                        return fail(ret_error, -EBADMSG, "the manifest has no config");
                r = parse_descriptor(c, &m->config, "the config", ret_error);
                if (r < 0)
                        return r;
                if (m->config.media_type && !media_type_is_config(m->config.media_type))
                        return fail(ret_error, -EMEDIUMTYPE, "the config has media type %s, which is not an image config "
                                    "(an artifact, not a container image?)", m->config.media_type);
                r = parse_descriptor_array(o, "layers", OCI_LAYERS_MAX, &m->layers, &m->n_layers, "layer", ret_error);
                if (r < 0)
                        return r;
                for (size_t i = 0; i < m->n_layers; i++)
                        if (layer_compression(m->layers[i].media_type) == LAYER_COMPRESSION_INVALID)
                                return fail(ret_error, -EMEDIUMTYPE, "layer %s has media type %s, which roost cannot unpack "
                                            "(tar, tar+gzip and tar+zstd are supported)",
                                            m->layers[i].digest, strna(m->layers[i].media_type));
        } else
                return fail(ret_error, -EMEDIUMTYPE, "unknown manifest media type %s (roost knows %s, %s, %s and %s)",
                            m->media_type, MT_OCI_INDEX, MT_OCI_MANIFEST, MT_DOCKER_LIST, MT_DOCKER_MANIFEST);

        *ret = TAKE_PTR(m);
        return 0;
}

static bool variant_matches(const char *arch, const char *have, const char *want) {
        if (!want)
                return true;
        if (streq(arch, "arm64") && (isempty(have) || streq(have, "v8")) && (isempty(want) || streq(want, "v8")))
                return true;
        return streq(strempty(have), want);
}

const Descriptor *manifest_select_platform(const Manifest *index, const Platform *want) {
        const Descriptor *best = NULL;

        for (size_t i = 0; i < index->n_manifests; i++) {
                const Descriptor *d = &index->manifests[i];
                if (!d->platform.os || !d->platform.arch)
                        continue;
                if (!streq(d->platform.os, want->os) || !streq(d->platform.arch, want->arch))
                        continue;
                if (!variant_matches(want->arch, d->platform.variant, want->variant))
                        continue;
                /* with no variant asked for, prefer the entry without one */
                if (!best || (!want->variant && isempty(d->platform.variant) && !isempty(best->platform.variant)))
                        best = d;
        }
        return best;
}

int platform_parse(const char *s, Platform *ret) {
        g_auto(GStrv) parts = NULL;
        guint n;

        if (isempty(s))
                return -EINVAL;
        parts = g_strsplit(s, "/", -1);
        n = g_strv_length(parts);
        if (n > 3)
                return -EINVAL;
        for (guint i = 0; i < n; i++)
                if (isempty(parts[i]))
                        return -EINVAL;
        if (n == 1)
                *ret = (Platform) { .os = strdup("linux"), .arch = strdup(parts[0]) };
        else
                *ret = (Platform) { .os = strdup(parts[0]), .arch = strdup(parts[1]),
                                    .variant = n == 3 ? strdup(parts[2]) : NULL };
        if (!ret->os || !ret->arch || (n == 3 && !ret->variant)) {
                platform_done(ret);
                return -ENOMEM;
        }
        return 0;
}

char *platform_to_string(const Platform *p) {
        return strjoin(strna(p->os), "/", strna(p->arch), p->variant ? "/" : "", strempty(p->variant));
}

void image_config_free(ImageConfig *c) {
        if (!c)
                return;
        free(c->os);
        free(c->arch);
        free(c->variant);
        free(c->created);
        free(c->author);
        free(c->user);
        free(c->working_dir);
        free(c->stop_signal);
        strv_free(c->entrypoint);
        strv_free(c->cmd);
        strv_free(c->env);
        strv_free(c->labels);
        strv_free(c->exposed_ports);
        strv_free(c->volumes);
        strv_free(c->diff_ids);
        for (size_t i = 0; i < c->n_history; i++) {
                free(c->history[i].created_by);
                free(c->history[i].comment);
        }
        free(c->history);
        free(c);
}

/* A JSON array of strings as a strv; NULL when absent or null. */
static int get_strv(const json_t *o, const char *name, char ***ret) {
        json_t *a = json_object_get(o, name);
        json_t *e;
        size_t i;
        char **l;

        *ret = NULL;
        if (!a || json_is_null(a))
                return 0;
        if (!json_is_array(a))
                return -EBADMSG;
        l = calloc(json_array_size(a) + 1, sizeof(char *));
        if (!l)
                return -ENOMEM;
        json_array_foreach(a, i, e) {
                if (!json_is_string(e)) {
                        strv_free(l);
                        return -EBADMSG;
                }
                l[i] = strdup(json_string_value(e));
                if (!l[i]) {
                        strv_free(l);
                        return -ENOMEM;
                }
        }
        *ret = l;
        return 0;
}

/* The keys of an object ({"80/tcp": {}}), or key/value pairs of a string map. */
static int get_keys(const json_t *o, const char *name, bool with_values, char ***ret) {
        json_t *map = rjson_get_object(o, name);
        const char *key;
        json_t *v;

        *ret = NULL;
        if (!map)
                return 0;
        *ret = calloc(1, sizeof(char *));
        if (!*ret)
                return -ENOMEM;
        json_object_foreach(map, key, v) {
                if (strv_extend(ret, key) < 0)
                        return -ENOMEM;
                if (with_values) {
                        const char *s = json_is_string(v) ? json_string_value(v) : "";
                        if (strv_extend(ret, s) < 0)
                                return -ENOMEM;
                }
        }
        return 0;
}

int image_config_parse(const char *data, size_t size, ImageConfig **ret, char **ret_error) {
        g_autoptr(json_t) o = NULL;
        _cleanup_(image_config_freep) ImageConfig *c = NULL;
        json_t *cfg, *rootfs, *history;
        int r;

        if (size > OCI_CONFIG_MAX)
                return fail(ret_error, -EFBIG, "the image config is %zu bytes, more than the %u MiB limit", size,
                            OCI_CONFIG_MAX >> 20);
        o = parse_json(data, size, ret_error);
        if (!o)
                return -EBADMSG;
        c = calloc(1, sizeof *c);
        if (!c)
                return -ENOMEM;
        c->os = dup_member(o, "os");
        c->arch = dup_member(o, "architecture");
        c->variant = dup_member(o, "variant");
        c->created = dup_member(o, "created");
        c->author = dup_member(o, "author");
        if (c->created) {
                g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601(c->created, NULL);
                if (dt)
                        c->created_unix = g_date_time_to_unix(dt);
        }
        cfg = rjson_get_object(o, "config");
        if (cfg) {
                c->user = dup_member(cfg, "User");
                c->working_dir = dup_member(cfg, "WorkingDir");
                c->stop_signal = dup_member(cfg, "StopSignal");
                if ((r = get_strv(cfg, "Entrypoint", &c->entrypoint)) < 0 || (r = get_strv(cfg, "Cmd", &c->cmd)) < 0 ||
                    (r = get_strv(cfg, "Env", &c->env)) < 0)
                        return r == -ENOMEM ? r : fail(ret_error, -EBADMSG, "the image config has a malformed Entrypoint, Cmd or Env");
                if ((r = get_keys(cfg, "Labels", true, &c->labels)) < 0 ||
                    (r = get_keys(cfg, "ExposedPorts", false, &c->exposed_ports)) < 0 ||
                    (r = get_keys(cfg, "Volumes", false, &c->volumes)) < 0)
                        return r;
        }
        rootfs = rjson_get_object(o, "rootfs");
        if (!rootfs || get_strv(rootfs, "diff_ids", &c->diff_ids) < 0 || !c->diff_ids)
                return fail(ret_error, -EBADMSG, "the image config has no rootfs.diff_ids");
        for (char **d = c->diff_ids; *d; d++)
                if (!digest_is_valid(*d))
                        return fail(ret_error, -EBADMSG, "the image config has an invalid diff_id \"%.80s\"", *d);
        history = rjson_get_array(o, "history");
        if (history) {
                size_t len = json_array_size(history);
                c->history = calloc(len ?: 1, sizeof *c->history);
                if (!c->history)
                        return -ENOMEM;
                for (size_t i = 0; i < len; i++) {
                        json_t *eo = json_array_get(history, i);
                        ImageHistory *h = &c->history[c->n_history];
                        _cleanup_free_ char *created = NULL;
                        if (!json_is_object(eo))
                                continue;
                        created = dup_member(eo, "created");
                        if (created) {
                                g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601(created, NULL);
                                h->created = dt ? g_date_time_to_unix(dt) : 0;
                        }
                        h->created_by = dup_member(eo, "created_by");
                        h->comment = dup_member(eo, "comment");
                        h->empty_layer = rjson_get_bool_or(eo, "empty_layer", false);
                        c->n_history++;
                }
        }
        *ret = TAKE_PTR(c);
        return 0;
}

int chain_ids_compute(char *const *diff_ids, char ***ret) {
        char **l = calloc(strv_length(diff_ids) + 1, sizeof(char *));
        size_t i = 0;

        if (!l)
                return -ENOMEM;
        for (char *const *d = diff_ids; *d; d++, i++) {
                if (i == 0)
                        l[i] = strdup(*d);
                else {
                        _cleanup_free_ char *s = strjoin(l[i - 1], " ", *d);
                        l[i] = s ? malloc(DIGEST_STRING_MAX) : NULL;
                        if (l[i])
                                sha256_digest(s, strlen(s), l[i]);
                }
                if (!l[i]) {
                        strv_free(l);
                        return -ENOMEM;
                }
        }
        *ret = l;
        return 0;
}
