/* SPDX-License-Identifier: Apache-2.0 */
/* Image commands: pull, images, image inspect/rm/prune/tag/save/load/import,
 * rmi, tag, save, load, import, login, logout. */
#include <fcntl.h>
#include <gio/gunixfdlist.h>
#include <glib-unix.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "roost-names.h"

#define LONG_CALL_TIMEOUT_MS (60 * 60 * 1000)


static const char *short_digest(const char *digest, bool no_trunc) {
        static char buf[16];
        const char *hex = g_str_has_prefix(digest, "sha256:") ? digest + 7 : digest;

        if (no_trunc)
                return digest;
        g_strlcpy(buf, hex, 13);
        return buf;
}

/* The hint for an error name of an image operation. */
static void image_hint(const char *error_name, const char *what) {
        if (!error_name)
                return;
        if (g_str_equal(error_name, ROOST_ERROR_NO_SUCH_IMAGE))
                cli_hint("check the name and tag of %s; 'roost images' lists the images you have", what);
        else if (g_str_equal(error_name, ROOST_ERROR_PERMISSION_DENIED))
                cli_hint("log in to the registry with 'roost login REGISTRY', or check that the repository exists");
        else if (g_str_equal(error_name, ROOST_ERROR_TIMEOUT))
                cli_hint("the registry stopped sending; try again, or raise [Registry] Timeout= in roost.conf");
        else if (g_str_equal(error_name, ROOST_ERROR_INVALID_IMAGE))
                cli_hint("the image's content is damaged or unsafe; nothing of it was kept. Ask its publisher, or use another tag");
        else if (g_str_equal(error_name, ROOST_ERROR_REGISTRY))
                cli_hint("the registry failed to serve it; try again later. Is the address right? (a registry without "
                         "TLS needs Insecure=yes in its [Registry HOST] section of roost.conf; loopback ones do not)");
        else if (g_str_equal(error_name, ROOST_ERROR_IN_USE))
                cli_hint("remove the containers first (roost rm), or use -f");
}

static int fail_call(GError *error, const char *what) {
        g_autofree char *remote = g_dbus_error_get_remote_error(error);
        int r = cli_fail_gerror(error, NULL);
        image_hint(remote, what);
        return r;
}

/* --- pull ---------------------------------------------------------------------------- */

typedef struct PullOpts {
        bool quiet;
        char *platform;
        bool all_tags;
} PullOpts;

static const CliOption pull_options[] = {
        { 'q', "quiet", OPT_BOOL, offsetof(PullOpts, quiet), NULL, "Suppress verbose output: print only the image ID", NULL },
        { 0, "platform", OPT_STRING, offsetof(PullOpts, platform), "string",
          "Set platform if server is multi-platform capable (os/arch[/variant])", NULL },
        {},
};

typedef struct LayerView {
        char *digest;
        char *status;
        guint64 current, total;
        gint64 t0;       /* when bytes started */
        guint64 b0;
        double speed;    /* bytes/s */
        gint64 last_sample;
        guint64 last_bytes;
} LayerView;

typedef struct PullView {
        RoostJob1 *job;
        GMainLoop *loop;
        bool tty, quiet;
        bool daemon_gone;
        GPtrArray *layers; /* LayerView* */
        unsigned drawn;    /* lines drawn last time on the TTY */
        bool interrupted;
} PullView;

static void layer_view_free(gpointer p) {
        LayerView *l = p;
        g_free(l->digest);
        g_free(l->status);
        g_free(l);
}

static LayerView *view_layer(PullView *v, const char *digest) {
        for (guint i = 0; i < v->layers->len; i++) {
                LayerView *l = v->layers->pdata[i];
                if (g_str_equal(l->digest, digest))
                        return l;
        }
        LayerView *l = g_new0(LayerView, 1);
        l->digest = g_strdup(digest);
        l->status = g_strdup("");
        g_ptr_array_add(v->layers, l);
        return l;
}

static void draw_tty(PullView *v) {
        if (v->drawn)
                printf("\033[%uA", v->drawn);
        for (guint i = 0; i < v->layers->len; i++) {
                LayerView *l = v->layers->pdata[i];
                printf("\033[2K%s: %s", short_digest(l->digest, false), l->status);
                if ((g_str_equal(l->status, "Downloading") || g_str_equal(l->status, "Extracting")) && l->total > 0) {
                        const int width = 40;
                        int fill = (int) ((double) l->current / (double) l->total * width);
                        g_autofree char *cur = cli_human_size(l->current), *tot = cli_human_size(l->total);
                        g_autofree char *spd = l->speed > 0 ? cli_human_size((guint64) l->speed) : NULL;
                        fill = CLAMP(fill, 0, width);
                        printf(" [");
                        for (int k = 0; k < width; k++)
                                putchar(k < fill ? '=' : k == fill ? '>' : ' ');
                        printf("] %8s/%s", cur, tot);
                        if (spd && g_str_equal(l->status, "Downloading"))
                                printf(" %s/s", spd);
                }
                putchar('\n');
        }
        v->drawn = v->layers->len;
        fflush(stdout);
}

static void update_layers(PullView *v) {
        g_autoptr(GVariant) layers = g_dbus_proxy_get_cached_property(G_DBUS_PROXY(v->job), "Layers");
        GVariantIter it;
        const char *digest, *status;
        guint64 cur, tot;
        gint64 now = g_get_monotonic_time();

        if (!layers)
                return;
        g_variant_iter_init(&it, layers);
        while (g_variant_iter_next(&it, "(&s&stt)", &digest, &status, &cur, &tot)) {
                LayerView *l = view_layer(v, digest);
                bool changed = !g_str_equal(l->status, status);
                if (changed) {
                        g_free(l->status);
                        l->status = g_strdup(status);
                        if (!v->tty && !v->quiet)
                                printf("%s: %s\n", short_digest(digest, false), status);
                }
                if (cur > l->last_bytes && now - l->last_sample > 200000) {
                        double inst = l->last_sample ? (double) (cur - l->last_bytes) / ((now - l->last_sample) / 1e6) : 0;
                        l->speed = l->speed > 0 ? 0.7 * l->speed + 0.3 * inst : inst;
                        l->last_sample = now;
                        l->last_bytes = cur;
                } else if (!l->last_sample) {
                        l->last_sample = now;
                        l->last_bytes = cur;
                }
                l->current = cur;
                l->total = tot;
        }
        if (v->tty && !v->quiet)
                draw_tty(v);
        else
                fflush(stdout);
}

static void on_job_changed(GDBusProxy *proxy, GVariant *changed, GStrv invalidated, gpointer userdata) {
        PullView *v = userdata;
        const char *state = roost_job1_get_state(v->job);

        update_layers(v);
        if (state && !g_str_equal(state, "running"))
                g_main_loop_quit(v->loop);
}

/* roostd went away (killed, crashed): the job will never finish */
static void on_owner_changed(GObject *proxy, GParamSpec *pspec, gpointer userdata) {
        PullView *v = userdata;
        g_autofree char *owner = g_dbus_proxy_get_name_owner(G_DBUS_PROXY(proxy));

        if (!owner) {
                v->daemon_gone = true;
                g_main_loop_quit(v->loop);
        }
}

static gboolean on_interrupt(gpointer userdata) {
        PullView *v = userdata;

        v->interrupted = true;
        (void) roost_job1_call_cancel_sync(v->job, NULL, NULL);
        g_main_loop_quit(v->loop);
        return G_SOURCE_REMOVE;
}

static char *image_property(const char *id, const char *property) {
        g_autofree char *hex = g_strdup(g_str_has_prefix(id, "sha256:") ? id + 7 : id);
        g_autofree char *path = g_strdup_printf(ROOST_IMAGE_PATH_PREFIX "/%s", hex);
        g_autoptr(GVariant) r = NULL, inner = NULL;

        r = g_dbus_connection_call_sync(cli.bus, ROOST_BUS_NAME, path, "org.freedesktop.DBus.Properties", "Get",
                                        g_variant_new("(ss)", ROOST_IMAGE_IFACE, property), G_VARIANT_TYPE("(v)"),
                                        G_DBUS_CALL_FLAGS_NONE, 10000, NULL, NULL);
        if (!r)
                return NULL;
        g_variant_get(r, "(v)", &inner);
        return g_variant_is_of_type(inner, G_VARIANT_TYPE_STRING) ? g_variant_dup_string(inner, NULL) : NULL;
}

static int pull_one(const char *ref, const PullOpts *opts) {
        g_autoptr(GError) error = NULL;
        g_autofree char *job_path = NULL;
        g_autoptr(GVariantBuilder) b = g_variant_builder_new(G_VARIANT_TYPE("a{sv}"));
        g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
        PullView v = { .tty = isatty(STDOUT_FILENO), .quiet = opts->quiet, .loop = loop };
        const char *state;
        g_autofree char *target = NULL;
        guint sig;
        bool all_existed = true;

        if (opts->platform)
                g_variant_builder_add(b, "{sv}", "platform", g_variant_new_string(opts->platform));
        if (!roost_manager1_call_pull_sync(cli.manager, ref, g_variant_builder_end(b), &job_path, NULL, &error))
                return fail_call(error, ref);
        v.job = roost_job1_proxy_new_sync(cli.bus, G_DBUS_PROXY_FLAGS_NONE, ROOST_BUS_NAME, job_path, NULL, &error);
        if (!v.job)
                return cli_fail_gerror(error, NULL);
        v.layers = g_ptr_array_new_with_free_func(layer_view_free);
        target = g_strdup(roost_job1_get_target(v.job) ?: ref);
        if (!opts->quiet) {
                const char *slash = strchr(target, '/');
                const char *colon = strrchr(target, ':');
                if (!strchr(ref, ':') && !strchr(ref, '@'))
                        printf("Using default tag: latest\n");
                if (slash && colon && colon > strrchr(target, '/'))
                        printf("%s: Pulling from %.*s\n", colon + 1, (int) (colon - slash - 1), slash + 1);
                else
                        printf("Pulling %s\n", target);
                fflush(stdout);
        }
        g_signal_connect(v.job, "g-properties-changed", G_CALLBACK(on_job_changed), &v);
        g_signal_connect(v.job, "notify::g-name-owner", G_CALLBACK(on_owner_changed), &v);
        sig = g_unix_signal_add(SIGINT, on_interrupt, &v);
        state = roost_job1_get_state(v.job);
        update_layers(&v);
        if (state && g_str_equal(state, "running"))
                g_main_loop_run(loop);
        g_source_remove(sig);
        update_layers(&v);
        state = roost_job1_get_state(v.job);
        for (guint i = 0; i < v.layers->len; i++)
                if (!g_str_equal(((LayerView *) v.layers->pdata[i])->status, "Already exists"))
                        all_existed = false;

        int ret = 0;
        if (v.daemon_gone) {
                fprintf(stderr, "Error: roostd stopped while pulling %s; nothing of the pull was kept\n", target);
                cli_hint("see why with: journalctl --user -u roostd -e; then pull again");
                ret = EXIT_ROOST_ERROR;
        } else if (v.interrupted || (state && g_str_equal(state, "cancelled"))) {
                fprintf(stderr, "Error: the pull of %s was cancelled\n", target);
                ret = EXIT_ROOST_ERROR;
        } else if (!state || !g_str_equal(state, "done")) {
                const char *name = roost_job1_get_error_name(v.job);
                fprintf(stderr, "Error: %s\n", roost_job1_get_error_message(v.job) ?: "the pull failed");
                image_hint(name, ref);
                ret = EXIT_ROOST_ERROR;
        } else {
                const char *id = roost_job1_get_result(v.job);
                if (opts->quiet)
                        printf("%s\n", id);
                else {
                        g_autofree char *digest = image_property(id, "Digest");
                        printf("Digest: %s\n", digest ? digest : "");
                        printf("Status: %s for %s\n", all_existed ? "Image is up to date" : "Downloaded newer image", target);
                        printf("%s\n", target);
                }
        }
        g_ptr_array_free(v.layers, TRUE);
        g_object_unref(v.job);
        return ret;
}

static int run_pull(const Command *cmd, void *o, int argc, char **argv) {
        if (cli_connect() < 0)
                return EXIT_ROOST_ERROR;
        return pull_one(argv[0], o);
}

const Command cmd_pull = {
        .name = "pull",
        .usage = "[OPTIONS] NAME[:TAG|@DIGEST]",
        .summary = "Download an image from a registry",
        .aliases = "roost image pull, roost pull",
        .group = GROUP_COMMON,
        .options = pull_options,
        .opts_size = sizeof(PullOpts),
        .min_args = 1,
        .max_args = 1,
        .run = run_pull,
};

/* --- images ---------------------------------------------------------------------------- */

typedef struct ImagesOpts {
        bool all, quiet, digests, no_trunc;
        char *format;
        char **filter;
} ImagesOpts;

static const CliOption images_options[] = {
        { 'a', "all", OPT_BOOL, offsetof(ImagesOpts, all), NULL, "Show all images (there are no intermediate images: the same)", NULL },
        { 0, "digests", OPT_BOOL, offsetof(ImagesOpts, digests), NULL, "Show digests", NULL },
        { 'f', "filter", OPT_STRV, offsetof(ImagesOpts, filter), "filter",
          "Filter output based on conditions provided (dangling, reference, label, before, since)", NULL },
        { 0, "format", OPT_STRING, offsetof(ImagesOpts, format), "string",
          "Format output: table, json, or a template like '{{.Repository}}:{{.Tag}}'", NULL },
        { 0, "no-trunc", OPT_BOOL, offsetof(ImagesOpts, no_trunc), NULL, "Don't truncate output", NULL },
        { 'q', "quiet", OPT_BOOL, offsetof(ImagesOpts, quiet), NULL, "Only show image IDs", NULL },
        {},
};

typedef struct ImageRow {
        char *id, *repository, *tag, *digest, *created_since, *created_at, *size;
        gint64 created;
        guint32 containers;
} ImageRow;

static void image_row_free(gpointer p) {
        ImageRow *r = p;
        g_free(r->id);
        g_free(r->repository);
        g_free(r->tag);
        g_free(r->digest);
        g_free(r->created_since);
        g_free(r->created_at);
        g_free(r->size);
        g_free(r);
}

/* "busybox:latest" -> ("busybox", "latest"); "host:5000/app:1" -> ("host:5000/app", "1") */
static void split_tag(const char *name, char **repo, char **tag) {
        const char *colon = strrchr(name, ':'), *slash = strrchr(name, '/');

        if (colon && (!slash || colon > slash)) {
                *repo = g_strndup(name, (gsize) (colon - name));
                *tag = g_strdup(colon + 1);
        } else {
                *repo = g_strdup(name);
                *tag = g_strdup("<none>");
        }
}

static GPtrArray *image_rows(GVariant *list) {
        GPtrArray *rows = g_ptr_array_new_with_free_func(image_row_free);
        GVariantIter it;
        GVariant *dict;

        g_variant_iter_init(&it, list);
        while ((dict = g_variant_iter_next_value(&it))) {
                g_auto(GVariantDict) d = G_VARIANT_DICT_INIT(dict);
                g_autofree const char **tags = NULL, **digests = NULL;
                const char *id = "", *digest = "";
                gint64 created = 0;
                guint64 size = 0;
                guint32 containers = 0;

                g_variant_dict_lookup(&d, "Id", "&s", &id);
                g_variant_dict_lookup(&d, "RepoTags", "^a&s", &tags);
                g_variant_dict_lookup(&d, "RepoDigests", "^a&s", &digests);
                g_variant_dict_lookup(&d, "Created", "x", &created);
                g_variant_dict_lookup(&d, "Size", "t", &size);
                g_variant_dict_lookup(&d, "Digest", "&s", &digest);
                g_variant_dict_lookup(&d, "Containers", "u", &containers);

                for (size_t i = 0; !tags || !tags[i] ? i == 0 : true; i++) {
                        ImageRow *r = g_new0(ImageRow, 1);
                        if (tags && tags[i])
                                split_tag(tags[i], &r->repository, &r->tag);
                        else if (digests && digests[0]) {
                                const char *at = strchr(digests[0], '@');
                                r->repository = g_strndup(digests[0], at ? (gsize) (at - digests[0]) : strlen(digests[0]));
                                r->tag = g_strdup("<none>");
                        } else {
                                r->repository = g_strdup("<none>");
                                r->tag = g_strdup("<none>");
                        }
                        r->id = g_strdup(id);
                        r->digest = g_strdup(*digest ? digest : "<none>");
                        r->created = created;
                        r->created_since = cli_human_since(created);
                        {
                                g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(created);
                                r->created_at = dt ? g_date_time_format(dt, "%Y-%m-%d %H:%M:%S %z %Z") : g_strdup("");
                        }
                        r->size = cli_human_size(size);
                        r->containers = containers;
                        g_ptr_array_add(rows, r);
                        if (!tags || !tags[i] || !tags[i + 1])
                                break;
                }
                g_variant_unref(dict);
        }
        return rows;
}

static json_t *row_json(const ImageRow *r, bool no_trunc) {
        g_autoptr(RJsonBuilder) b = rjson_builder_new();
        g_autofree char *containers = g_strdup_printf("%u", r->containers);

        rjson_begin_object(b);
#define MEMBER(k, v) do { rjson_key(b, k); rjson_add_string(b, v); } while (0)
        MEMBER("Containers", containers);
        MEMBER("CreatedAt", r->created_at);
        MEMBER("CreatedSince", r->created_since);
        MEMBER("Digest", r->digest);
        MEMBER("ID", no_trunc ? r->id : short_digest(r->id, false));
        MEMBER("Repository", r->repository);
        MEMBER("Size", r->size);
        MEMBER("Tag", r->tag);
#undef MEMBER
        rjson_end_object(b);
        return rjson_builder_root(b);
}

/* --filter KEY=VALUE... as ListImages takes them: a{sv} of KEY -> as */
static GVariant *images_filter(char **filters) {
        g_autoptr(GHashTable) keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
        GVariantBuilder b;
        GHashTableIter it;
        gpointer k, v;

        for (char **f = filters; f && *f; f++) {
                const char *eq = strchr(*f, '=');
                GPtrArray *values;
                if (!eq || eq == *f) {
                        cli_fail("bad format of filter \"%s\": use KEY=VALUE (dangling=true, reference=PATTERN, "
                                 "label=KEY[=VALUE], before=IMAGE, since=IMAGE)", *f);
                        return NULL;
                }
                g_autofree char *key = g_strndup(*f, (gsize) (eq - *f));
                values = g_hash_table_lookup(keys, key);
                if (!values) {
                        values = g_ptr_array_new_with_free_func(g_free);
                        g_hash_table_insert(keys, g_steal_pointer(&key), values);
                }
                g_ptr_array_add(values, g_strdup(eq + 1));
        }
        g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
        g_hash_table_iter_init(&it, keys);
        while (g_hash_table_iter_next(&it, &k, &v)) {
                GPtrArray *values = v;
                g_variant_builder_add(&b, "{sv}", (const char *) k,
                                      g_variant_new_strv((const char *const *) values->pdata, (gssize) values->len));
        }
        return g_variant_builder_end(&b);
}

static int run_images(const Command *cmd, void *o, int argc, char **argv) {
        ImagesOpts *opts = o;
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) list = NULL;
        g_autoptr(GPtrArray) rows = NULL;
        g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
        OutputFormat fmt;

        if (cli_format_parse(opts->format, &fmt) < 0)
                return EXIT_ROOST_ERROR;
        if (argc > 0) {
                /* docker images REPOSITORY[:TAG]: a reference filter (globs too) */
                g_autoptr(GStrvBuilder) fb = g_strv_builder_new();
                g_autofree char *ref = g_strdup_printf("reference=%s", argv[0]);
                if (opts->filter)
                        g_strv_builder_addv(fb, (const char **) opts->filter);
                g_strv_builder_add(fb, ref);
                g_strfreev(opts->filter);
                opts->filter = g_strv_builder_end(fb);
        }
        GVariant *filter = images_filter(opts->filter);
        if (!filter)
                return EXIT_ROOST_ERROR;
        if (cli_connect() < 0) {
                g_variant_unref(g_variant_ref_sink(filter));
                return EXIT_ROOST_ERROR;
        }
        if (!roost_manager1_call_list_images_sync(cli.manager, filter, &list, NULL, &error))
                return cli_fail_gerror(error, NULL);
        rows = image_rows(list);

        if (opts->quiet) {
                for (guint i = 0; i < rows->len; i++) {
                        ImageRow *r = rows->pdata[i];
                        if (g_hash_table_contains(seen, r->id))
                                continue;
                        g_hash_table_add(seen, r->id);
                        printf("%s\n", opts->no_trunc ? r->id : short_digest(r->id, false));
                }
                return 0;
        }
        if (fmt == FORMAT_JSON || fmt == FORMAT_TEMPLATE) {
                for (guint i = 0; i < rows->len; i++) {
                        g_autoptr(json_t) n = row_json(rows->pdata[i], opts->no_trunc);
                        int k = cli_print_row(fmt, opts->format, n);
                        if (k != 0)
                                return k;
                }
                cli_print_rows_end(fmt, opts->format, (const char *const[]) { "ID=IMAGE ID", "CreatedSince=CREATED", NULL });
                return 0;
        }
        {
                g_autoptr(GPtrArray) table = g_ptr_array_new_with_free_func((GDestroyNotify) g_strfreev);
                if (opts->digests)
                        g_ptr_array_add(table, g_strsplit("REPOSITORY|TAG|DIGEST|IMAGE ID|CREATED|SIZE", "|", -1));
                else
                        g_ptr_array_add(table, g_strsplit("REPOSITORY|TAG|IMAGE ID|CREATED|SIZE", "|", -1));
                for (guint i = 0; i < rows->len; i++) {
                        ImageRow *r = rows->pdata[i];
                        const char *id = opts->no_trunc ? r->id : short_digest(r->id, false);
                        GStrvBuilder *sb = g_strv_builder_new();
                        g_strv_builder_add_many(sb, r->repository, r->tag, NULL);
                        if (opts->digests)
                                g_strv_builder_add(sb, r->digest);
                        g_strv_builder_add_many(sb, id, r->created_since, r->size, NULL);
                        g_ptr_array_add(table, g_strv_builder_end(sb));
                        g_strv_builder_unref(sb);
                }
                cli_table_print(table);
        }
        return 0;
}

const Command cmd_images = {
        .name = "images",
        .usage = "[OPTIONS] [REPOSITORY[:TAG]]",
        .summary = "List images",
        .aliases = "roost image ls, roost image list, roost images",
        .group = GROUP_COMMON,
        .options = images_options,
        .opts_size = sizeof(ImagesOpts),
        .max_args = 1,
        .run = run_images,
};

/* --- inspect ------------------------------------------------------------------------------ */

typedef struct InspectOpts {
        char *format;
} InspectOpts;

static const CliOption inspect_options[] = {
        { 'f', "format", OPT_STRING, offsetof(InspectOpts, format), "string",
          "Format output: json (default) or a template like '{{.Id}}'", NULL },
        {},
};

char *cli_image_inspect_json(const char *ref, GError **error) {
        g_autofree char *path = NULL;
        g_autoptr(RoostImage1) img = NULL;
        char *json = NULL;

        if (!roost_manager1_call_get_image_sync(cli.manager, ref, &path, NULL, error) ||
            !(img = roost_image1_proxy_new_sync(cli.bus, G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES, ROOST_BUS_NAME, path,
                                                NULL, error)) ||
            !roost_image1_call_inspect_sync(img, &json, NULL, error))
                return NULL;
        return json;
}

static int run_image_inspect(const Command *cmd, void *o, int argc, char **argv) {
        InspectOpts *opts = o;
        g_autoptr(json_t) all = rjson_array();
        OutputFormat fmt;
        int ret = 0;

        if (cli_format_parse(opts->format, &fmt) < 0)
                return EXIT_ROOST_ERROR;
        if (cli_connect() < 0)
                return EXIT_ROOST_ERROR;
        for (int i = 0; i < argc; i++) {
                g_autoptr(GError) error = NULL;
                g_autofree char *json = cli_image_inspect_json(argv[i], &error);
                g_autoptr(json_t) v = NULL;

                if (!json) {
                        ret = fail_call(error, argv[i]);
                        continue;
                }
                if (!(v = rjson_parse(json, -1, NULL)))
                        return cli_fail("roostd sent malformed JSON for %s", argv[i]);
                if (fmt == FORMAT_TEMPLATE) {
                        g_autofree char *err = NULL;
                        g_autofree char *s = cli_template_expand(opts->format, v, &err);
                        if (!s)
                                return cli_fail("%s", err);
                        printf("%s\n", s);
                } else
                        rjson_append(all, g_steal_pointer(&v));
        }
        if (fmt != FORMAT_TEMPLATE)
                cli_print_json(all);
        return ret;
}

static const Command cmd_image_inspect = {
        .name = "inspect",
        .usage = "[OPTIONS] IMAGE [IMAGE...]",
        .summary = "Display detailed information on one or more images",
        .parent = "image",
        .options = inspect_options,
        .opts_size = sizeof(InspectOpts),
        .min_args = 1,
        .max_args = -1,
        .run = run_image_inspect,
};

/* --- history ------------------------------------------------------------------------------- */

typedef struct HistoryOpts {
        bool quiet, no_trunc;
        char *format;
} HistoryOpts;

static const CliOption history_options[] = {
        { 0, "format", OPT_STRING, offsetof(HistoryOpts, format), "string",
          "Format output: table, json, or a template like '{{.CreatedBy}}'", NULL },
        { 0, "no-trunc", OPT_BOOL, offsetof(HistoryOpts, no_trunc), NULL, "Don't truncate output", NULL },
        { 'q', "quiet", OPT_BOOL, offsetof(HistoryOpts, quiet), NULL, "Only show image IDs", NULL },
        {},
};

/* docker's CREATED BY column: 45 characters at most */
#define HISTORY_CREATED_BY_MAX 45

static json_t *history_row_json(const char *id, gint64 created, const char *by, const char *comment, guint64 size) {
        g_autoptr(RJsonBuilder) b = rjson_builder_new();
        g_autofree char *since = created ? cli_human_since(created) : g_strdup("N/A");
        g_autofree char *human = cli_human_size(size);
        g_autoptr(GDateTime) dt = created ? g_date_time_new_from_unix_local(created) : NULL;
        g_autofree char *at = dt ? g_date_time_format_iso8601(dt) : g_strdup("");

        rjson_begin_object(b);
#define MEMBER(k, v) do { rjson_key(b, k); rjson_add_string(b, v); } while (0)
        MEMBER("Comment", comment);
        MEMBER("CreatedAt", at);
        MEMBER("CreatedBy", by);
        MEMBER("CreatedSince", since);
        MEMBER("ID", id);
        MEMBER("Size", human);
#undef MEMBER
        rjson_end_object(b);
        return rjson_builder_root(b);
}

static int run_history(const Command *cmd, void *o, int argc, char **argv) {
        HistoryOpts *opts = o;
        g_autoptr(GError) error = NULL;
        g_autofree char *path = NULL, *image_id = NULL;
        g_autoptr(RoostImage1) img = NULL;
        g_autoptr(GVariant) steps = NULL;
        g_autoptr(GPtrArray) table = g_ptr_array_new_with_free_func((GDestroyNotify) g_strfreev);
        OutputFormat fmt;
        GVariantIter it;
        gint64 created;
        const char *by, *comment;
        guint64 size;
        gboolean empty;
        bool first = true;

        if (cli_format_parse(opts->format, &fmt) < 0)
                return EXIT_ROOST_ERROR;
        if (cli_connect() < 0)
                return EXIT_ROOST_ERROR;
        if (!roost_manager1_call_get_image_sync(cli.manager, argv[0], &path, NULL, &error) ||
            !(img = roost_image1_proxy_new_sync(cli.bus, G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES, ROOST_BUS_NAME, path,
                                                NULL, &error)) ||
            !roost_image1_call_history_sync(img, &steps, NULL, &error))
                return fail_call(error, argv[0]);
        /* the object path ends in the ID's hex */
        image_id = g_strconcat("sha256:", strrchr(path, '/') + 1, NULL);
        g_ptr_array_add(table, g_strsplit("IMAGE|CREATED|CREATED BY|SIZE|COMMENT", "|", -1));
        g_variant_iter_init(&it, steps);
        while (g_variant_iter_next(&it, "(x&s&stb)", &created, &by, &comment, &size, &empty)) {
                /* only the newest step is an image of its own; docker says <missing> for the others */
                const char *id = !first ? "<missing>" : opts->no_trunc ? image_id : short_digest(image_id, false);
                g_autofree char *shown = NULL, *head = NULL;
                first = false;
                if (opts->quiet) {
                        printf("%s\n", id);
                        continue;
                }
                if (fmt == FORMAT_JSON || fmt == FORMAT_TEMPLATE) {
                        g_autoptr(json_t) n = history_row_json(id, created, by, comment, size);
                        int k = cli_print_row(fmt, opts->format, n);
                        if (k != 0)
                                return k;
                        continue;
                }
                if (!opts->no_trunc && g_utf8_strlen(by, -1) > HISTORY_CREATED_BY_MAX) {
                        head = g_utf8_substring(by, 0, HISTORY_CREATED_BY_MAX - 1);
                        shown = g_strconcat(head, "…", NULL);
                } else
                        shown = g_strdup(by);
                GStrvBuilder *sb = g_strv_builder_new();
                g_autofree char *since = created ? cli_human_since(created) : g_strdup("N/A");
                g_autofree char *human = cli_human_size(size);
                g_strv_builder_add_many(sb, id, since, shown, human, comment, NULL);
                g_ptr_array_add(table, g_strv_builder_end(sb));
                g_strv_builder_unref(sb);
        }
        if (!opts->quiet && fmt != FORMAT_JSON && fmt != FORMAT_TEMPLATE)
                cli_table_print(table);
        cli_print_rows_end(fmt, opts->format, (const char *const[]) { "ID=IMAGE", "CreatedSince=CREATED", NULL });
        return 0;
}

const Command cmd_history = {
        .name = "history",
        .usage = "[OPTIONS] IMAGE",
        .summary = "Show the history of an image",
        .aliases = "roost image history, roost history",
        .group = GROUP_OTHER,
        .options = history_options,
        .opts_size = sizeof(HistoryOpts),
        .min_args = 1,
        .max_args = 1,
        .run = run_history,
};

/* --- rmi ----------------------------------------------------------------------------------- */

typedef struct RmiOpts {
        bool force;
        bool no_prune;
} RmiOpts;

static const CliOption rmi_options[] = {
        { 'f', "force", OPT_BOOL, offsetof(RmiOpts, force), NULL, "Force removal of the image", NULL },
        { 0, "no-prune", OPT_BOOL, offsetof(RmiOpts, no_prune), NULL, "Accepted for compatibility; unused layers always go", NULL },
        {},
};

static int run_rmi(const Command *cmd, void *o, int argc, char **argv) {
        RmiOpts *opts = o;
        int ret = 0;

        if (cli_connect() < 0)
                return EXIT_ROOST_ERROR;
        for (int i = 0; i < argc; i++) {
                g_autoptr(GError) error = NULL;
                g_auto(GStrv) untagged = NULL, deleted = NULL;
                if (!roost_manager1_call_remove_image_sync(cli.manager, argv[i], opts->force, &untagged, &deleted, NULL,
                                                           &error)) {
                        ret = fail_call(error, argv[i]);
                        continue;
                }
                for (char **u = untagged; u && *u; u++)
                        printf("Untagged: %s\n", *u);
                for (char **d = deleted; d && *d; d++)
                        printf("Deleted: %s\n", *d);
        }
        return ret;
}

const Command cmd_rmi = {
        .name = "rmi",
        .usage = "[OPTIONS] IMAGE [IMAGE...]",
        .summary = "Remove one or more images",
        .aliases = "roost image rm, roost image remove, roost rmi",
        .group = GROUP_OTHER,
        .options = rmi_options,
        .opts_size = sizeof(RmiOpts),
        .min_args = 1,
        .max_args = -1,
        .run = run_rmi,
};

/* --- tag ------------------------------------------------------------------------------------- */

static int run_tag(const Command *cmd, void *o, int argc, char **argv) {
        g_autoptr(GError) error = NULL;

        if (cli_connect() < 0)
                return EXIT_ROOST_ERROR;
        if (!roost_manager1_call_tag_image_sync(cli.manager, argv[0], argv[1], NULL, &error))
                return fail_call(error, argv[0]);
        return 0;
}

const Command cmd_tag = {
        .name = "tag",
        .usage = "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]",
        .summary = "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE",
        .aliases = "roost image tag, roost tag",
        .group = GROUP_OTHER,
        .min_args = 2,
        .max_args = 2,
        .run = run_tag,
};

/* --- prune ----------------------------------------------------------------------------------- */

typedef struct PruneOpts {
        bool all, force;
} PruneOpts;

static const CliOption prune_options[] = {
        { 'a', "all", OPT_BOOL, offsetof(PruneOpts, all), NULL, "Remove all unused images, not just dangling ones", NULL },
        { 'f', "force", OPT_BOOL, offsetof(PruneOpts, force), NULL, "Do not prompt for confirmation", NULL },
        {},
};

static int run_image_prune(const Command *cmd, void *o, int argc, char **argv) {
        PruneOpts *opts = o;
        g_autoptr(GError) error = NULL;
        g_auto(GStrv) deleted = NULL;
        guint64 reclaimed = 0;

        if (!opts->force && isatty(STDIN_FILENO)) {
                char answer[16] = "";
                printf("WARNING! This will remove all %s.\nAre you sure you want to continue? [y/N] ",
                       opts->all ? "images without at least one container associated to them" : "dangling images");
                fflush(stdout);
                if (!fgets(answer, sizeof answer, stdin) || (answer[0] != 'y' && answer[0] != 'Y'))
                        return 0;
        }
        if (cli_connect() < 0)
                return EXIT_ROOST_ERROR;
        if (!roost_manager1_call_prune_images_sync(cli.manager, opts->all, &deleted, &reclaimed, NULL, &error))
                return cli_fail_gerror(error, NULL);
        cli_print_deleted_images(deleted, reclaimed);
        return 0;
}

static const Command cmd_image_prune = {
        .name = "prune",
        .usage = "[OPTIONS]",
        .summary = "Remove unused images",
        .parent = "image",
        .options = prune_options,
        .opts_size = sizeof(PruneOpts),
        .max_args = 0,
        .run = run_image_prune,
};

/* --- save / load / import --------------------------------------------------------------- */

static GVariant *call_with_fd(const char *method, GVariant *params, int fd, GError **error) {
        g_autoptr(GUnixFDList) fds = g_unix_fd_list_new();

        if (g_unix_fd_list_append(fds, fd, error) < 0)
                return NULL;
        return g_dbus_proxy_call_with_unix_fd_list_sync(G_DBUS_PROXY(cli.manager), method, params,
                                                        G_DBUS_CALL_FLAGS_NONE, LONG_CALL_TIMEOUT_MS, fds, NULL, NULL,
                                                        error);
}

typedef struct SaveOpts {
        char *output;
        char *format;
} SaveOpts;

static const CliOption save_options[] = {
        { 0, "format", OPT_STRING, offsetof(SaveOpts, format), "string", "oci-archive or docker-archive", "oci-archive" },
        { 'o', "output", OPT_STRING, offsetof(SaveOpts, output), "string", "Write to a file, instead of STDOUT", NULL },
        {},
};

static int run_save(const Command *cmd, void *o, int argc, char **argv) {
        SaveOpts *opts = o;
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) r = NULL;
        g_autofree char *tmp = NULL;
        int fd;

        if (opts->format && !g_str_equal(opts->format, "oci-archive") && !g_str_equal(opts->format, "docker-archive"))
                return cli_fail("unknown format \"%s\": use oci-archive or docker-archive", opts->format);
        if (!opts->output && isatty(STDOUT_FILENO)) {
                fprintf(stderr, "Error: cowardly refusing to save to a terminal. Use the -o flag or redirect\n");
                return EXIT_ROOST_ERROR;
        }
        if (cli_connect() < 0)
                return EXIT_ROOST_ERROR;
        if (opts->output) {
                tmp = g_strdup_printf("%s.tmp-%d", opts->output, (int) getpid());
                fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
                if (fd < 0)
                        return cli_fail("cannot create %s: %s", opts->output, g_strerror(errno));
        } else
                fd = STDOUT_FILENO;
        r = call_with_fd("SaveImages", g_variant_new("(^ash@s)", argv, 0, g_variant_new_string(opts->format ?: "")), fd,
                         &error);
        if (opts->output) {
                close(fd);
                if (!r)
                        unlink(tmp);
                else if (rename(tmp, opts->output) < 0)
                        return cli_fail("cannot write %s: %s", opts->output, g_strerror(errno));
        }
        if (!r)
                return fail_call(error, argv[0]);
        return 0;
}

const Command cmd_save = {
        .name = "save",
        .usage = "[OPTIONS] IMAGE [IMAGE...]",
        .summary = "Save one or more images to a tar archive (streamed to STDOUT by default)",
        .aliases = "roost image save, roost save",
        .group = GROUP_OTHER,
        .options = save_options,
        .opts_size = sizeof(SaveOpts),
        .min_args = 1,
        .max_args = -1,
        .run = run_save,
};

typedef struct LoadOpts {
        char *input;
        bool quiet;
} LoadOpts;

static const CliOption load_options[] = {
        { 'i', "input", OPT_STRING, offsetof(LoadOpts, input), "string", "Read from tar archive file, instead of STDIN", NULL },
        { 'q', "quiet", OPT_BOOL, offsetof(LoadOpts, quiet), NULL, "Suppress the load output", NULL },
        {},
};

static int run_load(const Command *cmd, void *o, int argc, char **argv) {
        LoadOpts *opts = o;
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) r = NULL;
        g_auto(GStrv) loaded = NULL;
        int fd = STDIN_FILENO;

        if (!opts->input && isatty(STDIN_FILENO)) {
                fprintf(stderr, "Error: requested load from stdin, but stdin is empty\n");
                cli_hint("give the archive with -i FILE, or redirect it: roost load < FILE");
                return EXIT_ROOST_ERROR;
        }
        if (opts->input) {
                fd = open(opts->input, O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        return cli_fail("cannot open %s: %s", opts->input, g_strerror(errno));
        }
        if (cli_connect() < 0)
                return EXIT_ROOST_ERROR;
        r = call_with_fd("LoadImages", g_variant_new("(h)", 0), fd, &error);
        if (opts->input)
                close(fd);
        if (!r)
                return fail_call(error, opts->input ? opts->input : "the archive");
        g_variant_get(r, "(^as)", &loaded);
        for (char **l = loaded; !opts->quiet && l && *l; l++)
                printf("Loaded image%s: %s\n", g_str_has_prefix(*l, "sha256:") ? " ID" : "", *l);
        return 0;
}

const Command cmd_load = {
        .name = "load",
        .usage = "[OPTIONS]",
        .summary = "Load an image from a tar archive or STDIN (oci-archive or docker-archive)",
        .aliases = "roost image load, roost load",
        .group = GROUP_OTHER,
        .options = load_options,
        .opts_size = sizeof(LoadOpts),
        .max_args = 0,
        .run = run_load,
};

typedef struct ImportOpts {
        char *message;
} ImportOpts;

static const CliOption import_options[] = {
        { 'm', "message", OPT_STRING, offsetof(ImportOpts, message), "string", "Set commit message for imported image", NULL },
        {},
};

static int run_import(const Command *cmd, void *o, int argc, char **argv) {
        ImportOpts *opts = o;
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) r = NULL;
        g_autoptr(GVariantBuilder) b = g_variant_builder_new(G_VARIANT_TYPE("a{sv}"));
        const char *id;
        int fd = STDIN_FILENO;

        if (g_str_equal(argv[0], "-")) {
                if (isatty(STDIN_FILENO))
                        return cli_fail("import from STDIN (-), but STDIN is a terminal: redirect a tarball into it");
        } else {
                fd = open(argv[0], O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        return cli_fail("cannot open %s: %s", argv[0], g_strerror(errno));
        }
        if (opts->message)
                g_variant_builder_add(b, "{sv}", "message", g_variant_new_string(opts->message));
        if (cli_connect() < 0)
                return EXIT_ROOST_ERROR;
        r = call_with_fd("ImportImage", g_variant_new("(hs@a{sv})", 0, argc > 1 ? argv[1] : "", g_variant_builder_end(b)),
                         fd, &error);
        if (fd != STDIN_FILENO)
                close(fd);
        if (!r)
                return fail_call(error, argv[0]);
        g_variant_get(r, "(&s)", &id);
        printf("%s\n", id);
        return 0;
}

const Command cmd_import = {
        .name = "import",
        .usage = "[OPTIONS] file|- [REPOSITORY[:TAG]]",
        .summary = "Import the contents from a tarball to create a filesystem image",
        .aliases = "roost image import, roost import",
        .group = GROUP_OTHER,
        .options = import_options,
        .opts_size = sizeof(ImportOpts),
        .min_args = 1,
        .max_args = 2,
        .run = run_import,
};

/* --- login / logout ------------------------------------------------------------------------ */

typedef struct LoginOpts {
        char *username, *password;
        bool password_stdin;
} LoginOpts;

static const CliOption login_options[] = {
        { 'p', "password", OPT_STRING, offsetof(LoginOpts, password), "string", "Password", NULL },
        { 0, "password-stdin", OPT_BOOL, offsetof(LoginOpts, password_stdin), NULL, "Take the password from stdin", NULL },
        { 'u', "username", OPT_STRING, offsetof(LoginOpts, username), "string", "Username", NULL },
        {},
};

static char *read_line(FILE *f, bool echo) {
        struct termios old, noecho;
        char buf[4096];
        bool restore = false;

        if (!echo && isatty(fileno(f)) && tcgetattr(fileno(f), &old) == 0) {
                noecho = old;
                noecho.c_lflag &= ~(tcflag_t) ECHO;
                restore = tcsetattr(fileno(f), TCSAFLUSH, &noecho) == 0;
        }
        if (!fgets(buf, sizeof buf, f))
                buf[0] = 0;
        if (restore) {
                tcsetattr(fileno(f), TCSAFLUSH, &old);
                fputc('\n', stderr);
        }
        buf[strcspn(buf, "\r\n")] = 0;
        return g_strdup(buf);
}

static int run_login(const Command *cmd, void *o, int argc, char **argv) {
        LoginOpts *opts = o;
        g_autoptr(GError) error = NULL;
        g_autofree char *user = g_strdup(opts->username), *password = NULL, *message = NULL;
        const char *server = argc > 0 ? argv[0] : "";

        if (opts->password && opts->password_stdin)
                return cli_fail("--password and --password-stdin are mutually exclusive");
        if (opts->password_stdin) {
                if (!user)
                        return cli_fail("Must provide --username with --password-stdin");
                password = read_line(stdin, true);
        } else if (opts->password) {
                fprintf(stderr, "WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n");
                password = g_strdup(opts->password);
        }
        if (!user) {
                if (!isatty(STDIN_FILENO))
                        return cli_fail("Cannot perform an interactive login from a non TTY device");
                fprintf(stderr, "Username: ");
                user = read_line(stdin, true);
        }
        if (!password) {
                if (!isatty(STDIN_FILENO))
                        return cli_fail("Cannot perform an interactive login from a non TTY device");
                fprintf(stderr, "Password: ");
                password = read_line(stdin, false);
        }
        if (!*user)
                return cli_fail("Username is required");
        if (!*password)
                return cli_fail("Password is required");
        if (cli_connect() < 0)
                return EXIT_ROOST_ERROR;
        if (!roost_manager1_call_login_sync(cli.manager, server, user, password, &message, NULL, &error)) {
                g_autofree char *remote = g_dbus_error_get_remote_error(error);
                int r = cli_fail_gerror(error, NULL);
                if (remote && g_str_equal(remote, ROOST_ERROR_PERMISSION_DENIED))
                        cli_hint("check the user name and password for %s", *server ? server : "docker.io");
                return r;
        }
        printf("%s\n", message);
        return 0;
}

const Command cmd_login = {
        .name = "login",
        .usage = "[OPTIONS] [SERVER]",
        .summary = "Log in to a registry (credentials go to $XDG_RUNTIME_DIR/containers/auth.json)",
        .group = GROUP_COMMON,
        .options = login_options,
        .opts_size = sizeof(LoginOpts),
        .max_args = 1,
        .run = run_login,
};

static int run_logout(const Command *cmd, void *o, int argc, char **argv) {
        g_autoptr(GError) error = NULL;
        g_autofree char *message = NULL;

        if (cli_connect() < 0)
                return EXIT_ROOST_ERROR;
        if (!roost_manager1_call_logout_sync(cli.manager, argc > 0 ? argv[0] : "", &message, NULL, &error))
                return cli_fail_gerror(error, NULL);
        printf("%s\n", message);
        return 0;
}

const Command cmd_logout = {
        .name = "logout",
        .usage = "[SERVER]",
        .summary = "Log out from a registry",
        .group = GROUP_COMMON,
        .max_args = 1,
        .run = run_logout,
};

/* --- roost image ... ------------------------------------------------------------------------- */

static const SubCommand image_subcommands[] = {
        { "import", &cmd_import }, { "inspect", &cmd_image_inspect }, { "load", &cmd_load },
        { "history", &cmd_history }, { "ls", &cmd_images },     { "list", &cmd_images },            { "prune", &cmd_image_prune },
        { "pull", &cmd_pull },     { "rm", &cmd_rmi },                 { "remove", &cmd_rmi },
        { "save", &cmd_save },     { "tag", &cmd_tag },                {},
};

const Command cmd_image = {
        .name = "image",
        .usage = "COMMAND",
        .summary = "Manage images",
        .group = GROUP_MANAGEMENT,
        .subcommands = image_subcommands,
};

int cli_pull_image(const char *ref, const char *platform, bool quiet) {
        PullOpts o = { .platform = (char *) platform, .quiet = quiet };
        return pull_one(ref, &o);
}
