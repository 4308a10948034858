/* SPDX-License-Identifier: Apache-2.0 */
#include <fnmatch.h>
#include <glib.h>

#include "bus-util.h"
#include "container-image.h"
#include "image-bus.h"
#include "images.h"
#include "json.h"
#include "log.h"
#include "pull.h"
#include "reference.h"
#include "registry-auth.h"
#include "roost-names.h"
#include "snapshot.h"

char *image_bus_path(const char *id) {
        return strjoin(ROOST_IMAGE_PATH_PREFIX "/", digest_hex(id));
}

/* "docker.io/library/busybox:latest" -> "busybox:latest", as docker shows them */
static char **familiar_strv(char *const *l) {
        char **out = calloc(strv_length(l) + 1, sizeof(char *));
        size_t n = 0;

        if (!out)
                return NULL;
        for (char *const *i = l; i && *i; i++)
                out[n++] = reference_familiar(*i);
        return out;
}

static int load_by_path(Daemon *d, const char *path, Image **ret) {
        const char *hex = startswith(path, ROOST_IMAGE_PATH_PREFIX "/");
        g_autofree char *id = NULL;

        if (!hex || strlen(hex) != DIGEST_HEX_LEN)
                return -ENOENT;
        id = g_strconcat(DIGEST_SHA256_PREFIX, hex, NULL);
        return image_store_load(d->db, images_store(d), id, false, ret);
}

/* --- io.roost.Image1 ------------------------------------------------------------------ */

static int image_find(sd_bus *bus, const char *path, const char *interface, void *userdata, void **found,
                      sd_bus_error *error) {
        Daemon *d = userdata;
        _cleanup_image_ Image *img = NULL;

        if (load_by_path(d, path, &img) < 0)
                return 0;
        *found = d;
        return 1;
}

static int image_enumerate(sd_bus *bus, const char *prefix, void *userdata, char ***nodes, sd_bus_error *error) {
        Daemon *d = userdata;
        Image **list = NULL;
        size_t n = 0;
        char **l;
        int r;

        r = image_store_list(d->db, images_store(d), &list, &n);
        if (r < 0)
                return r;
        l = calloc(n + 1, sizeof(char *));
        if (!l) {
                image_list_free(list, n);
                return -ENOMEM;
        }
        for (size_t i = 0; i < n; i++)
                l[i] = image_bus_path(list[i]->id);
        image_list_free(list, n);
        *nodes = l;
        return 0;
}

static int image_prop(sd_bus *bus, const char *path, const char *interface, const char *property,
                      sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Daemon *d = userdata;
        _cleanup_image_ Image *img = NULL;
        int r;

        r = load_by_path(d, path, &img);
        if (r < 0)
                return sd_bus_error_setf(error, ROOST_ERROR_NO_SUCH_IMAGE, "No such image: %s", path);
        if (streq(property, "Id"))
                return sd_bus_message_append(reply, "s", img->id);
        if (streq(property, "RepoTags") || streq(property, "RepoDigests")) {
                _cleanup_strv_free_ char **f = familiar_strv(streq(property, "RepoTags") ? img->repo_tags : img->repo_digests);
                return f ? sd_bus_message_append_strv(reply, f) : -ENOMEM;
        }
        if (streq(property, "Created"))
                return sd_bus_message_append(reply, "x", img->created);
        if (streq(property, "Size"))
                return sd_bus_message_append(reply, "t", img->size);
        if (streq(property, "Os"))
                return sd_bus_message_append(reply, "s", strempty(img->os));
        if (streq(property, "Architecture"))
                return sd_bus_message_append(reply, "s", strempty(img->architecture));
        if (streq(property, "Variant"))
                return sd_bus_message_append(reply, "s", strempty(img->variant));
        if (streq(property, "Digest"))
                return sd_bus_message_append(reply, "s", strempty(img->index_digest ?: img->manifest_digest));
        if (streq(property, "Layers")) {
                r = sd_bus_message_open_container(reply, 'a', "s");
                for (size_t i = 0; r >= 0 && i < img->n_layers; i++)
                        r = sd_bus_message_append(reply, "s", img->layers[i].diff_id);
                return r < 0 ? r : sd_bus_message_close_container(reply);
        }
        return -EINVAL;
}


static void add_set(RJsonBuilder *b, const char *name, char *const *keys) {
        if (!keys || !*keys)
                return;
        rjson_key(b, name);
        rjson_begin_object(b);
        for (char *const *k = keys; *k; k++) {
                rjson_key(b, *k);
                rjson_begin_object(b);
                rjson_end_object(b);
        }
        rjson_end_object(b);
}

static void add_str(RJsonBuilder *b, const char *name, const char *v) {
        rjson_member_string(b, name, strempty(v));
}

/* As docker's image inspect shows an image. */
static char *image_inspect_json(Daemon *d, const Image *img) {
        g_autoptr(RJsonBuilder) b = rjson_builder_new();
        g_autoptr(json_t) root = NULL;
        _cleanup_strv_free_ char **tags = familiar_strv(img->repo_tags), **digests = familiar_strv(img->repo_digests);
        const ImageConfig *c = img->config;
        g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(img->created);
        g_autofree char *created = dt ? g_date_time_format_iso8601(dt) : NULL;

        rjson_begin_object(b);
        add_str(b, "Id", img->id);
        rjson_member_strv(b, "RepoTags", (const char *const *) tags);
        rjson_member_strv(b, "RepoDigests", (const char *const *) digests);
        add_str(b, "Parent", "");
        add_str(b, "Comment", "");
        add_str(b, "Created", c && c->created ? c->created : created);
        add_str(b, "Author", c ? c->author : NULL);
        rjson_key(b, "Config");
        rjson_begin_object(b);
        if (c) {
                add_str(b, "User", c->user);
                add_set(b, "ExposedPorts", c->exposed_ports);
                rjson_member_strv(b, "Env", (const char *const *) c->env);
                rjson_member_strv(b, "Entrypoint", (const char *const *) c->entrypoint);
                rjson_member_strv(b, "Cmd", (const char *const *) c->cmd);
                add_set(b, "Volumes", c->volumes);
                add_str(b, "WorkingDir", c->working_dir);
                rjson_key(b, "Labels");
                if (c->labels && *c->labels) {
                        rjson_begin_object(b);
                        for (char **l = c->labels; l[0] && l[1]; l += 2) {
                                rjson_member_string(b, l[0], l[1]);
                        }
                        rjson_end_object(b);
                } else
                        rjson_add_null(b);
                if (c->stop_signal)
                        add_str(b, "StopSignal", c->stop_signal);
        }
        rjson_end_object(b);
        add_str(b, "Architecture", img->architecture);
        if (img->variant)
                add_str(b, "Variant", img->variant);
        add_str(b, "Os", img->os);
        rjson_member_int(b, "Size", (int64_t) img->size);
        rjson_key(b, "RootFS");
        rjson_begin_object(b);
        add_str(b, "Type", "layers");
        rjson_key(b, "Layers");
        rjson_begin_array(b);
        for (size_t i = 0; i < img->n_layers; i++)
                rjson_add_string(b, img->layers[i].diff_id);
        rjson_end_array(b);
        rjson_end_object(b);
        rjson_key(b, "Descriptor");
        rjson_begin_object(b);
        add_str(b, "mediaType", img->manifest_media_type);
        add_str(b, "digest", img->manifest_digest);
        rjson_member_int(b, "size", (int64_t) content_store_blob_size(images_store(d), img->manifest_digest));
        rjson_end_object(b);
        rjson_key(b, "GraphDriver");
        rjson_begin_object(b);
        add_str(b, "Name", d->facts.storage_driver);
        rjson_key(b, "Data");
        rjson_begin_object(b);
        {
                g_autoptr(GString) lower = g_string_new(NULL);
                for (size_t i = img->n_layers; i > 0; i--)
                        g_string_append_printf(lower, "%s%s/layers/%s/fs", i == img->n_layers ? "" : ":", d->data_dir,
                                               digest_hex(img->layers[i - 1].chain_id));
                add_str(b, "LowerDir", lower->str);
        }
        rjson_end_object(b);
        rjson_end_object(b);
        rjson_end_object(b);
        root = rjson_builder_root(b);
        return rjson_dump(root, false);
}

/* The image of the object a method was called on, with its config. */
static int message_image(Daemon *d, sd_bus_message *m, Image **ret, sd_bus_error *error) {
        const char *hex = startswith(sd_bus_message_get_path(m), ROOST_IMAGE_PATH_PREFIX "/");
        g_autofree char *id = hex ? g_strconcat(DIGEST_SHA256_PREFIX, hex, NULL) : NULL;
        int r;

        r = id ? image_store_load(d->db, images_store(d), id, true, ret) : -ENOENT;
        if (r < 0)
                return sd_bus_error_setf(error, ROOST_ERROR_NO_SUCH_IMAGE, "No such image: %s", strna(id));
        return 0;
}

static int method_inspect(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Daemon *d = userdata;
        _cleanup_image_ Image *img = NULL;
        g_autofree char *json = NULL;
        int r;

        r = message_image(d, m, &img, error);
        if (r < 0)
                return r;
        json = image_inspect_json(d, img);
        return sd_bus_reply_method_return(m, "s", json);
}

/* docker history: the config's history, newest first; each step that made
 * a layer gets that layer's unpacked size, in order. Without a history, one
 * step per layer. */
static int method_history(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Daemon *d = userdata;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_image_ Image *img = NULL;
        const ImageConfig *c;
        size_t layer, n;
        int r;

        r = message_image(d, m, &img, error);
        if (r < 0)
                return r;
        c = img->config;
        r = sd_bus_message_new_method_return(m, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(xsstb)");
        if (c && c->n_history > 0) {
                /* the layer of each non-empty step, counted from the bottom */
                n = 0;
                for (size_t i = 0; i < c->n_history; i++)
                        n += !c->history[i].empty_layer;
                layer = n;
                for (size_t i = c->n_history; r >= 0 && i > 0; i--) {
                        const ImageHistory *h = &c->history[i - 1];
                        uint64_t size = 0;
                        if (!h->empty_layer && layer > 0) {
                                layer--;
                                size = layer < img->n_layers ? img->layers[layer].size : 0;
                        }
                        r = sd_bus_message_append(reply, "(xsstb)", h->created, strempty(h->created_by), strempty(h->comment),
                                                  size, h->empty_layer);
                }
        } else
                for (size_t i = img->n_layers; r >= 0 && i > 0; i--)
                        r = sd_bus_message_append(reply, "(xsstb)", (int64_t) 0, "", "", img->layers[i - 1].size, false);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static const sd_bus_vtable image_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("Inspect", SD_BUS_NO_ARGS, SD_BUS_RESULT("s", json), method_inspect,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("History", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(xsstb)", history), method_history,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_PROPERTY("Id", "s", image_prop, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("RepoTags", "as", image_prop, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("RepoDigests", "as", image_prop, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Created", "x", image_prop, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Size", "t", image_prop, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Os", "s", image_prop, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Architecture", "s", image_prop, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Variant", "s", image_prop, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Digest", "s", image_prop, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Layers", "as", image_prop, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_VTABLE_END
};

int image_bus_register(Daemon *d) {
        int r;

        r = sd_bus_add_fallback_vtable(d->bus, NULL, ROOST_IMAGE_PATH_PREFIX, ROOST_IMAGE_IFACE, image_vtable, image_find, d);
        if (r < 0)
                return log_error_errno(r, "Failed to register %s: %m", ROOST_IMAGE_IFACE);
        r = sd_bus_add_node_enumerator(d->bus, NULL, ROOST_IMAGE_PATH_PREFIX, image_enumerate, d);
        if (r < 0)
                return log_error_errno(r, "Failed to register the image enumerator: %m");
        return 0;
}

static void emit_changed(Daemon *d, const char *id) {
        _cleanup_free_ char *path = image_bus_path(id);
        if (path)
                (void) sd_bus_emit_properties_changed(d->bus, path, ROOST_IMAGE_IFACE, "RepoTags", "RepoDigests", "Digest",
                                                      NULL);
}

static void emit_added(Daemon *d, const char *id) {
        _cleanup_free_ char *path = image_bus_path(id);
        if (path)
                (void) sd_bus_emit_interfaces_added(d->bus, path, ROOST_IMAGE_IFACE, NULL);
}

static void emit_removed(Daemon *d, const char *id) {
        _cleanup_free_ char *path = image_bus_path(id);
        if (path)
                (void) sd_bus_emit_interfaces_removed(d->bus, path, ROOST_IMAGE_IFACE, NULL);
}

int image_bus_commit(Daemon *d, const Image *img, char *const *blobs, bool is_new) {
        _cleanup_strv_free_ char **losers = NULL;
        int r;

        for (char **t = img->repo_tags; t && *t; t++) {
                _cleanup_free_ char *holder = NULL;
                if (image_store_resolve(d->db, *t, &holder) >= 0 && !streq(holder, img->id) &&
                    !strv_contains(losers, holder) && strv_extend(&losers, holder) < 0)
                        return -ENOMEM;
        }
        r = image_store_commit(d->db, img, blobs);
        if (r < 0)
                return r;
        if (is_new)
                emit_added(d, img->id);
        else
                emit_changed(d, img->id);
        for (char **l = losers; l && *l; l++)
                emit_changed(d, *l);
        return 0;
}

/* --- Manager1: pulling and listing ----------------------------------------------------- */

static int bus_fail_lookup(sd_bus_error *error, int r, const char *what) {
        if (r == -ENOTUNIQ)
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT,
                                         "%s is an ambiguous image ID prefix: give more of it, or the name.", what);
        if (r == -ENOENT)
                return sd_bus_error_setf(error, ROOST_ERROR_NO_SUCH_IMAGE, "No such image: %s", what);
        return sd_bus_error_set_errnof(error, r, "Looking up image %s failed: %m", what);
}

int method_pull(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Daemon *d = userdata;
        _cleanup_free_ char *perror = NULL;
        const char *ref, *key;
        PullOptions o = {};
        Job *job;
        int r;

        r = sd_bus_message_read(m, "s", &ref);
        if (r < 0)
                return r;
        r = bus_check_string("image reference", ref, ROOST_REFERENCE_MAX, error);
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(m, 'a', "{sv}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
                r = sd_bus_message_read(m, "s", &key);
                if (r < 0)
                        return r;
                if (streq(key, "platform")) {
                        r = sd_bus_message_read(m, "v", "s", &o.platform);
                        if (r < 0)
                                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT, "The option platform must be a string.");
                        if (isempty(o.platform))
                                o.platform = NULL;
                } else {
                        r = sd_bus_message_skip(m, "v");
                        if (r < 0)
                                return r;
                }
                r = sd_bus_message_exit_container(m);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(m);
        if (r < 0)
                return r;

        r = pull_start(d, ref, &o, &job, &perror);
        if (r == -EINVAL)
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT, "%s", strna(perror));
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Cannot start pulling %s: %m", ref);
        return sd_bus_reply_method_return(m, "o", job_path(job));
}

int method_get_image(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Daemon *d = userdata;
        _cleanup_free_ char *id = NULL, *path = NULL;
        const char *ref;
        int r;

        r = sd_bus_message_read(m, "s", &ref);
        if (r < 0)
                return r;
        r = bus_check_string("image reference", ref, ROOST_REFERENCE_MAX, error);
        if (r < 0)
                return r;
        r = image_store_resolve(d->db, ref, &id);
        if (r < 0)
                return bus_fail_lookup(error, r, ref);
        path = image_bus_path(id);
        if (!path)
                return -ENOMEM;
        return sd_bus_reply_method_return(m, "o", path);
}

static unsigned users_count(Daemon *d, const char *id) {
        _cleanup_strv_free_ char **users = NULL;
        return image_store_users(d->db, id, &users) >= 0 ? (unsigned) strv_length(users) : 0;
}

/* ListImages' filter, docker's: dangling=true|false, reference=PATTERN
 * (any of them; a glob on "repo:tag", or on the repository when it names no
 * tag), label=KEY or KEY=VALUE (all of them), before=IMAGE and since=IMAGE
 * (created before or after that image). */
typedef struct ImageFilter {
        int dangling;           /* -1: either */
        GPtrArray *references;  /* of char*, any must match */
        GPtrArray *labels;      /* of char*, all must match */
        bool have_before, have_since;
        int64_t before, since;
} ImageFilter;

static void image_filter_done(ImageFilter *f) {
        if (f->references)
                g_ptr_array_unref(f->references);
        if (f->labels)
                g_ptr_array_unref(f->labels);
}

#define IMAGE_FILTER_KEYS "dangling, reference, label, before and since"

static int filter_image_created(Daemon *d, const char *ref, int64_t *ret, sd_bus_error *error) {
        _cleanup_free_ char *id = NULL;
        _cleanup_image_ Image *img = NULL;
        int r;

        r = image_store_resolve(d->db, ref, &id);
        if (r >= 0)
                r = image_store_load(d->db, images_store(d), id, false, &img);
        if (r < 0)
                return bus_fail_lookup(error, r, ref);
        *ret = img->created;
        return 0;
}

static int image_filter_read(Daemon *d, sd_bus_message *m, ImageFilter *f, sd_bus_error *error) {
        const char *key;
        int r;

        *f = (ImageFilter) {
                .dangling = -1,
                .references = g_ptr_array_new_with_free_func(g_free),
                .labels = g_ptr_array_new_with_free_func(g_free),
        };
        r = sd_bus_message_enter_container(m, 'a', "{sv}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
                _cleanup_strv_free_ char **values = NULL;

                r = sd_bus_message_read(m, "s", &key);
                if (r < 0)
                        return r;
                r = sd_bus_message_enter_container(m, 'v', "as");
                if (r < 0)
                        return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT,
                                                 "The value of filter %.64s must be a list of strings (as).", key);
                r = sd_bus_message_read_strv(m, &values);
                if (r < 0)
                        return r;
                for (char **v = values; *v; v++) {
                        r = bus_check_string("filter value", *v, ROOST_REFERENCE_MAX, error);
                        if (r < 0)
                                return r;
                }
                if (streq(key, "dangling")) {
                        for (char **v = values; *v; v++) {
                                if (!streq(*v, "true") && !streq(*v, "false") && !streq(*v, "1") && !streq(*v, "0"))
                                        return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT,
                                                                 "Invalid filter 'dangling=%.64s': use dangling=true or dangling=false", *v);
                                f->dangling = streq(*v, "true") || streq(*v, "1");
                        }
                } else if (streq(key, "reference") || streq(key, "label")) {
                        for (char **v = values; *v; v++)
                                g_ptr_array_add(streq(key, "label") ? f->labels : f->references, g_strdup(*v));
                } else if (streq(key, "before") || streq(key, "since")) {
                        bool before = streq(key, "before");
                        for (char **v = values; *v; v++) {
                                r = filter_image_created(d, *v, before ? &f->before : &f->since, error);
                                if (r < 0)
                                        return r;
                                if (before)
                                        f->have_before = true;
                                else
                                        f->have_since = true;
                        }
                } else
                        return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT,
                                                 "Invalid filter '%.64s': roost filters images on " IMAGE_FILTER_KEYS, key);
                r = sd_bus_message_exit_container(m);
                if (r >= 0)
                        r = sd_bus_message_exit_container(m);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}

/* docker's reference filter: PATTERN on "repo:tag", or on "repo" alone
 * when PATTERN names no tag; '*' does not cross '/' */
static bool tag_matches(const char *tag, const char *pattern) {
        const char *slash = strrchr(pattern, '/'), *colon = strrchr(pattern, ':');
        const char *tslash = strrchr(tag, '/'), *tcolon = strrchr(tag, ':');
        _cleanup_free_ char *repo = NULL;

        if (fnmatch(pattern, tag, FNM_PATHNAME) == 0)
                return true;
        if ((colon && (!slash || colon > slash)) || !tcolon || (tslash && tcolon < tslash))
                return false;
        repo = strndup(tag, (size_t) (tcolon - tag));
        return repo && fnmatch(pattern, repo, FNM_PATHNAME) == 0;
}

/* With reference patterns, as docker: only the tags one of them matches
 * stay (in place); false when none does. */
static bool keep_matching_tags(char **familiar_tags, const GPtrArray *patterns) {
        size_t kept = 0;

        if (patterns->len == 0)
                return true;
        for (char **t = familiar_tags; t && *t; t++) {
                bool any = false;
                for (guint i = 0; !any && i < patterns->len; i++)
                        any = tag_matches(*t, patterns->pdata[i]);
                if (any)
                        familiar_tags[kept++] = *t;
                else
                        free(*t);
        }
        if (familiar_tags)
                familiar_tags[kept] = NULL;
        return kept > 0;
}

static bool labels_match(Daemon *d, const Image *img, const GPtrArray *want) {
        ImageConfig *config = NULL;
        bool all = true;

        if (want->len == 0)
                return true;
        if (container_image_config(d, img->id, &config) < 0) {
                image_config_free(config);
                return false;
        }
        for (guint i = 0; all && i < want->len; i++) {
                const char *w = want->pdata[i], *eq = strchr(w, '=');
                size_t klen = eq ? (size_t) (eq - w) : strlen(w);
                bool found = false;
                for (char **l = config->labels; !found && l && l[0] && l[1]; l += 2)
                        found = strlen(l[0]) == klen && strncmp(l[0], w, klen) == 0 && (!eq || streq(l[1], eq + 1));
                all = found;
        }
        image_config_free(config);
        return all;
}

/* familiar_tags keeps only the tags the reference patterns match */
static bool image_filter_matches(Daemon *d, const ImageFilter *f, const Image *img, char **familiar_tags) {
        if (f->dangling >= 0 && (bool) f->dangling != !img->repo_tags[0])
                return false;
        if (f->have_before && img->created >= f->before)
                return false;
        if (f->have_since && img->created <= f->since)
                return false;
        if (!keep_matching_tags(familiar_tags, f->references))
                return false;
        return labels_match(d, img, f->labels);
}

int method_list_images(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Daemon *d = userdata;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(image_filter_done) ImageFilter filter = {};
        Image **list = NULL;
        size_t n = 0;
        int r;

        r = image_filter_read(d, m, &filter, error);
        if (r < 0)
                return r;
        r = image_store_list(d->db, images_store(d), &list, &n);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Listing images failed: %m");
        r = sd_bus_message_new_method_return(m, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "a{sv}");
        for (size_t i = 0; r >= 0 && i < n; i++) {
                _cleanup_strv_free_ char **tags = familiar_strv(list[i]->repo_tags);
                _cleanup_strv_free_ char **digests = familiar_strv(list[i]->repo_digests);
                if (!tags || !digests) {
                        r = -ENOMEM;
                        break;
                }
                if (!image_filter_matches(d, &filter, list[i], tags))
                        continue;
                if ((r = sd_bus_message_open_container(reply, 'a', "{sv}")) < 0 ||
                    (r = bus_dict_append_str(reply, "Id", list[i]->id)) < 0 ||
                    (r = bus_dict_append_strv(reply, "RepoTags", tags)) < 0 ||
                    (r = bus_dict_append_strv(reply, "RepoDigests", digests)) < 0 ||
                    (r = sd_bus_message_append(reply, "{sv}", "Created", "x", list[i]->created)) < 0 ||
                    (r = bus_dict_append_u64(reply, "Size", list[i]->size)) < 0 ||
                    (r = bus_dict_append_str(reply, "Digest", list[i]->repo_digests[0] ? list[i]->index_digest ?: list[i]->manifest_digest : "")) < 0 ||
                    (r = bus_dict_append_u32(reply, "Containers", users_count(d, list[i]->id))) < 0 ||
                    (r = bus_dict_append_bool(reply, "Dangling", !list[i]->repo_tags[0])) < 0 ||
                    (r = sd_bus_message_close_container(reply)) < 0)
                        break;
        }
        image_list_free(list, n);
        if (r < 0)
                return r;
        return bus_close_and_send(reply);
}

/* --- removing ---------------------------------------------------------------------------- */

static int delete_image(Daemon *d, const char *id, char ***untagged, char ***deleted) {
        _cleanup_image_ Image *img = NULL;
        int r;

        r = image_store_load(d->db, images_store(d), id, false, &img);
        if (r < 0)
                return r;
        for (char **t = img->repo_tags; *t; t++)
                if (strv_push(untagged, reference_familiar(*t)) < 0)
                        return -ENOMEM;
        for (char **t = img->repo_digests; *t; t++)
                if (strv_push(untagged, reference_familiar(*t)) < 0)
                        return -ENOMEM;
        r = image_store_delete(d->db, id);
        if (r < 0)
                return r;
        emit_removed(d, id);
        return strv_extend(deleted, id);
}

int method_remove_image(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Daemon *d = userdata;
        _cleanup_strv_free_ char **untagged = calloc(1, sizeof(char *)), **deleted = calloc(1, sizeof(char *));
        _cleanup_strv_free_ char **users = NULL;
        _cleanup_image_ Image *img = NULL;
        _cleanup_free_ char *id = NULL, *name = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Reference ref = {};
        const char *s;
        int force, r;

        r = sd_bus_message_read(m, "sb", &s, &force);
        if (r < 0)
                return r;
        r = bus_check_string("image reference", s, ROOST_REFERENCE_MAX, error);
        if (r < 0)
                return r;
        if (!untagged || !deleted)
                return -ENOMEM;
        r = image_store_resolve(d->db, s, &id);
        if (r < 0)
                return bus_fail_lookup(error, r, s);
        r = image_store_load(d->db, images_store(d), id, false, &img);
        if (r < 0)
                return bus_fail_lookup(error, r, s);
        /* was it named by a tag (not by ID or digest)? */
        if (reference_parse(s, &ref, NULL) >= 0 && !ref.digest) {
                name = reference_string(&ref);
                if (!strv_contains(img->repo_tags, name)) {
                        free(name);
                        name = NULL;
                }
        }
        reference_done(&ref);
        r = image_store_users(d->db, id, &users);
        if (r < 0)
                return r;

        if (name && strv_length(img->repo_tags) > 1) {
                /* one name of several: only that name goes */
                r = image_store_untag(d->db, name);
                if (r < 0)
                        return sd_bus_error_set_errnof(error, r, "Untagging %s failed: %m", s);
                emit_changed(d, id);
                if (strv_push(&untagged, reference_familiar(name)) < 0)
                        return -ENOMEM;
        } else if (users && users[0]) {
                _cleanup_free_ char *who = g_strjoinv(", ", users);
                if (!force)
                        return sd_bus_error_setf(error, ROOST_ERROR_IN_USE,
                                                 "conflict: unable to remove image %s (%s): it is used by container%s %s; "
                                                 "remove %s first (roost rm), or untag it with -f",
                                                 s, id, users[1] ? "s" : "", who, users[1] ? "them" : "it");
                /* forced: the names go, the image stays for its containers */
                for (char **t = img->repo_tags; *t; t++) {
                        (void) image_store_untag(d->db, *t);
                        if (strv_push(&untagged, reference_familiar(*t)) < 0)
                                return -ENOMEM;
                }
                emit_changed(d, id);
        } else if (!name && strv_length(img->repo_tags) > 1 && !force) {
                return sd_bus_error_setf(error, ROOST_ERROR_IN_USE,
                                         "conflict: unable to delete %s (must be forced): the image is referenced in %zu "
                                         "repositories; remove it by name, or use -f",
                                         s, strv_length(img->repo_tags));
        } else {
                r = delete_image(d, id, &untagged, &deleted);
                if (r < 0)
                        return sd_bus_error_set_errnof(error, r, "Removing image %s failed: %m", s);
                (void) images_gc(d, false, NULL);
        }
        r = sd_bus_message_new_method_return(m, &reply);
        if (r >= 0)
                r = sd_bus_message_append_strv(reply, untagged);
        if (r >= 0)
                r = sd_bus_message_append_strv(reply, deleted);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

int method_prune_images(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Daemon *d = userdata;
        _cleanup_strv_free_ char **candidates = NULL, **untagged = NULL, **deleted = calloc(1, sizeof(char *));
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        uint64_t freed = 0;
        int all, r;

        r = sd_bus_message_read(m, "b", &all);
        if (r < 0)
                return r;
        if (!deleted)
                return -ENOMEM;
        if (all) {
                Image **list = NULL;
                size_t n = 0;
                r = image_store_list(d->db, images_store(d), &list, &n);
                if (r < 0)
                        return r;
                for (size_t i = 0; i < n; i++)
                        if (strv_extend(&candidates, list[i]->id) < 0) {
                                image_list_free(list, n);
                                return -ENOMEM;
                        }
                image_list_free(list, n);
        } else {
                r = image_store_dangling(d->db, &candidates);
                if (r < 0)
                        return r;
        }
        for (char **c = candidates; c && *c; c++) {
                if (users_count(d, *c) > 0)
                        continue;
                r = delete_image(d, *c, &untagged, &deleted);
                if (r < 0)
                        return sd_bus_error_set_errnof(error, r, "Removing image %s failed: %m", *c);
        }
        r = images_gc(d, false, &freed);
        if (r < 0)
                log_warning_errno(r, "Collecting unused layers failed: %m");
        r = sd_bus_message_new_method_return(m, &reply);
        if (r >= 0)
                r = sd_bus_message_append_strv(reply, deleted);
        if (r >= 0)
                r = sd_bus_message_append(reply, "t", freed);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

int method_tag_image(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Daemon *d = userdata;
        _cleanup_free_ char *id = NULL, *name = NULL, *perror = NULL, *old = NULL;
        Reference ref = {};
        const char *source, *target;
        int r;

        r = sd_bus_message_read(m, "ss", &source, &target);
        if (r < 0)
                return r;
        if ((r = bus_check_string("source image", source, ROOST_REFERENCE_MAX, error)) < 0 ||
            (r = bus_check_string("target reference", target, ROOST_REFERENCE_MAX, error)) < 0)
                return r;
        r = image_store_resolve(d->db, source, &id);
        if (r < 0)
                return bus_fail_lookup(error, r, source);
        r = reference_parse(target, &ref, &perror);
        if (r < 0)
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT, "%s", strna(perror));
        if (ref.digest) {
                reference_done(&ref);
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT,
                                         "refusing to create a tag with a digest reference (%s): give a NAME[:TAG]", target);
        }
        name = reference_string(&ref);
        reference_done(&ref);
        if (!name)
                return -ENOMEM;
        (void) image_store_resolve(d->db, name, &old);
        r = image_store_tag(d->db, id, name);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Tagging failed: %m");
        emit_changed(d, id);
        if (old && !streq(old, id))
                emit_changed(d, old);
        return sd_bus_reply_method_return(m, NULL);
}

/* --- login / logout ------------------------------------------------------------------------ */

typedef struct LoginCall {
        Daemon *d;
        sd_bus_message *m;
        char *domain, *user, *password;
} LoginCall;

static void login_call_free(LoginCall *c) {
        sd_bus_message_unref(c->m);
        free(c->domain);
        free(c->user);
        if (c->password)
                explicit_bzero(c->password, strlen(c->password));
        free(c->password);
        free(c);
}

static void on_login_done(void *userdata, int r, const char *message) {
        LoginCall *c = userdata;
        _cleanup_free_ char *path = NULL;

        if (r < 0) {
                (void) sd_bus_reply_method_errorf(c->m, r == -EACCES ? ROOST_ERROR_PERMISSION_DENIED : ROOST_ERROR_REGISTRY,
                                                  "login to %s failed: %s", c->domain, strna(message));
                login_call_free(c);
                return;
        }
        r = auth_file_runtime_path(&path);
        if (r >= 0)
                r = auth_file_store(path, c->domain, c->user, c->password);
        if (r < 0)
                (void) sd_bus_reply_method_errorf(c->m, ROOST_ERROR_FAILED, "The credentials are right, but storing them in %s failed: %s",
                                                  strna(path), strerror(-r));
        else {
                log_info("Logged in to %s as %s (credentials in %s).", c->domain, c->user, path);
                (void) sd_bus_reply_method_return(c->m, "s", "Login Succeeded");
        }
        login_call_free(c);
}

static char *registry_argument(const char *s) {
        return auth_key_normalize(isempty(s) ? REFERENCE_DEFAULT_DOMAIN : s);
}

int method_login(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Daemon *d = userdata;
        const char *registry, *user, *password;
        LoginCall *c;
        int r;

        r = sd_bus_message_read(m, "sss", &registry, &user, &password);
        if (r < 0)
                return r;
        if ((!isempty(registry) && (r = bus_check_string("registry", registry, ROOST_NAME_MAX * 2, error)) < 0) ||
            (r = bus_check_string("user name", user, ROOST_NAME_MAX * 2, error)) < 0 ||
            (r = bus_check_string("password", password, ROOST_ARG_MAX, error)) < 0)
                return r;
        if (strchr(user, ':'))
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT, "A user name must not contain ':'.");
        c = calloc(1, sizeof *c);
        if (!c)
                return -ENOMEM;
        c->d = d;
        c->m = sd_bus_message_ref(m);
        c->domain = registry_argument(registry);
        c->user = strdup(user);
        c->password = strdup(password);
        if (!c->domain || !c->user || !c->password) {
                login_call_free(c);
                return -ENOMEM;
        }
        r = registry_login(images_registry(d), c->domain, user, password, on_login_done, c);
        if (r < 0) {
                login_call_free(c);
                return sd_bus_error_set_errnof(error, r, "Cannot start the login: %m");
        }
        return 1;
}

int method_logout(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_free_ char *path = NULL, *domain = NULL, *msg = NULL;
        const char *registry;
        int r;

        r = sd_bus_message_read(m, "s", &registry);
        if (r < 0)
                return r;
        domain = registry_argument(registry);
        if (!domain)
                return -ENOMEM;
        r = auth_file_runtime_path(&path);
        if (r >= 0)
                r = auth_file_remove(path, domain);
        if (r == -ENOENT) {
                if (asprintf(&msg, "Not logged in to %s", domain) < 0)
                        return -ENOMEM;
        } else if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Removing the credentials for %s from %s failed: %m", domain,
                                               strna(path));
        else if (asprintf(&msg, "Removing login credentials for %s", domain) < 0)
                return -ENOMEM;
        return sd_bus_reply_method_return(m, "s", msg);
}
