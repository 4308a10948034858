/* SPDX-License-Identifier: Apache-2.0 */
/* Manager1.LoadImages, SaveImages and ImportImage: roost-unpack streams the
 * archive into (or out of) the content store in a child process; roostd
 * then builds the images from the stored content (pull_local) and answers
 * the call when everything is done, without blocking its loop. */
#include <fcntl.h>
#include <glib.h>
#include "json.h"
#include <sys/mman.h>
#include <time.h>

#include "bus-util.h"
#include "fileio.h"
#include "helper.h"
#include "image-bus.h"
#include "images.h"
#include "log.h"
#include "manifest.h"
#include "pull.h"
#include "reference.h"
#include "roost-names.h"

typedef struct LoadItem {
        char *index_body;
        size_t index_len;
        char *manifest_body;
        size_t manifest_len;
        char **names;
} LoadItem;

typedef struct ArchiveOp {
        Daemon *d;
        sd_bus_message *m;
        Helper *helper;
        int fd;
        char **leases;
        GQueue items;     /* LoadItem* */
        char **loaded;
        char *message;    /* import: the history comment */
        char *reference;  /* import: the name */
} ArchiveOp;

static void load_item_free(gpointer p) {
        LoadItem *i = p;
        free(i->index_body);
        free(i->manifest_body);
        strv_free(i->names);
        free(i);
}

static void op_free(ArchiveOp *op) {
        if (!op)
                return;
        if (op->helper)
                helper_cancel(op->helper);
        for (char **l = op->leases; l && *l; l++)
                images_release(op->d, *l);
        strv_free(op->leases);
        g_queue_clear_full(&op->items, load_item_free);
        strv_free(op->loaded);
        safe_close(op->fd);
        free(op->message);
        free(op->reference);
        sd_bus_message_unref(op->m);
        free(op);
}

static void op_fail(ArchiveOp *op, const char *name, const char *fmt, ...) _printf_(3, 4);
static void op_fail(ArchiveOp *op, const char *name, const char *fmt, ...) {
        g_autofree char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        log_warning("%s: %s", sd_bus_message_get_member(op->m), msg);
        (void) sd_bus_reply_method_errorf(op->m, name, "%s", msg);
        op_free(op);
}

static void op_lease(ArchiveOp *op, const char *digest) {
        images_lease(op->d, digest);
        (void) strv_extend(&op->leases, digest);
}

static char *normalise_name(const char *s) {
        Reference ref = {};
        char *out;

        if (isempty(s) || reference_parse(s, &ref, NULL) < 0)
                return NULL;
        if (ref.digest) {
                reference_done(&ref);
                return NULL;
        }
        out = reference_string(&ref);
        reference_done(&ref);
        return out;
}

static int read_blob(Daemon *d, const char *digest, char **ret, size_t *ret_len) {
        return content_store_read(images_store(d), digest, OCI_MANIFEST_MAX, ret, ret_len);
}

/* --- load ------------------------------------------------------------------------------------ */

static void load_next(ArchiveOp *op);

static void load_item_done(void *userdata, int r, const char *id_or_message) {
        ArchiveOp *op = userdata;
        LoadItem *item = g_queue_pop_head(&op->items);

        if (r < 0) {
                load_item_free(item);
                op_fail(op, pull_error_name(r), "loading the archive failed: %s", id_or_message);
                return;
        }
        if (item->names && item->names[0])
                for (char **n = item->names; *n; n++)
                        (void) strv_push(&op->loaded, reference_familiar(*n));
        else
                (void) strv_extend(&op->loaded, id_or_message);
        load_item_free(item);
        load_next(op);
}

static void load_next(ArchiveOp *op) {
        LoadItem *item = g_queue_peek_head(&op->items);
        int r;

        if (!item) {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
                if (!op->loaded)
                        op->loaded = calloc(1, sizeof(char *));
                r = sd_bus_message_new_method_return(op->m, &reply);
                if (r >= 0)
                        r = sd_bus_message_append_strv(reply, op->loaded);
                if (r >= 0)
                        (void) sd_bus_send(NULL, reply, NULL);
                op_free(op);
                return;
        }
        r = pull_local(op->d, item->index_body, item->index_len, item->manifest_body, item->manifest_len, item->names,
                       load_item_done, op);
        if (r < 0)
                op_fail(op, ROOST_ERROR_FAILED, "cannot build the image: %s", strerror(-r));
}

/* An OCI layout: index.json lists manifests (or indexes, one level). */
static int load_oci(ArchiveOp *op, const char *index_digest, char **ret_error) {
        _cleanup_free_ char *body = NULL;
        _cleanup_(manifest_freep) Manifest *index = NULL;
        size_t len;
        int r;

        r = read_blob(op->d, index_digest, &body, &len);
        if (r < 0)
                return r;
        r = manifest_parse(body, len, MT_OCI_INDEX, &index, ret_error);
        if (r < 0)
                return r;
        if (index->kind != MANIFEST_INDEX) {
                *ret_error = strdup("index.json is not an image index");
                return -EBADMSG;
        }
        for (size_t i = 0; i < index->n_manifests; i++) {
                const Descriptor *desc = &index->manifests[i];
                LoadItem *item = calloc(1, sizeof *item);
                _cleanup_free_ char *mbody = NULL;
                char *name = NULL;
                size_t mlen;

                if (!item)
                        return -ENOMEM;
                g_queue_push_tail(&op->items, item);
                op_lease(op, desc->digest);
                /* docker save writes the full name apart and only the tag as ref.name */
                name = normalise_name(desc->image_name);
                if (!name && desc->ref_name && (strchr(desc->ref_name, '/') || strchr(desc->ref_name, ':')))
                        name = normalise_name(desc->ref_name);
                if (name && strv_push(&item->names, name) < 0)
                        return -ENOMEM;
                r = read_blob(op->d, desc->digest, &mbody, &mlen);
                if (r < 0) {
                        *ret_error = g_strdup_printf("the archive lacks manifest %s named in index.json", desc->digest);
                        return -EBADMSG;
                }
                if (desc->media_type && (streq(desc->media_type, MT_OCI_INDEX) || streq(desc->media_type, MT_DOCKER_LIST))) {
                        _cleanup_(manifest_freep) Manifest *inner = NULL;
                        Platform want = { .os = op->d->facts.os, .arch = op->d->facts.arch };
                        const Descriptor *c;
                        r = manifest_parse(mbody, mlen, desc->media_type, &inner, ret_error);
                        if (r < 0)
                                return r;
                        c = inner->kind == MANIFEST_INDEX ? manifest_select_platform(inner, &want) : NULL;
                        if (!c) {
                                *ret_error = g_strdup_printf("the archive has no image for %s/%s in index %s",
                                                             want.os, want.arch, desc->digest);
                                return -ENOENT;
                        }
                        item->index_body = TAKE_PTR(mbody);
                        item->index_len = mlen;
                        op_lease(op, c->digest);
                        r = read_blob(op->d, c->digest, &item->manifest_body, &item->manifest_len);
                        if (r < 0) {
                                *ret_error = g_strdup_printf("the archive lacks the manifest %s for %s/%s", c->digest,
                                                             want.os, want.arch);
                                return -EBADMSG;
                        }
                } else {
                        item->manifest_body = TAKE_PTR(mbody);
                        item->manifest_len = mlen;
                }
        }
        return 0;
}

static const char *layer_media_type(Daemon *d, const char *digest) {
        _cleanup_close_ int fd = content_store_open_blob(images_store(d), digest);
        unsigned char m[4] = {};

        if (fd >= 0 && read(fd, m, sizeof m) >= 2) {
                if (m[0] == 0x1f && m[1] == 0x8b)
                        return MT_OCI_LAYER_GZIP;
                if (m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
                        return MT_OCI_LAYER_ZSTD;
        }
        return MT_OCI_LAYER;
}

static char *descriptor_json(const char *media_type, const char *digest, uint64_t size) {
        return g_strdup_printf("{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%llu}", media_type, digest,
                               (unsigned long long) size);
}

/* docker save / podman save: manifest.json names each image's config and
 * layer tars; an OCI manifest is written for them. */
static int load_docker(ArchiveOp *op, const json_t *files, const char *manifest_digest, char **ret_error) {
        _cleanup_free_ char *body = NULL;
        g_autoptr(json_t) list = NULL;
        size_t len;
        int r;

        r = read_blob(op->d, manifest_digest, &body, &len);
        if (r < 0)
                return r;
        list = rjson_parse(body, (ssize_t) len, NULL);
        if (!json_is_array(list)) {
                *ret_error = strdup("manifest.json of the docker-archive is not a JSON array");
                return -EBADMSG;
        }
        for (size_t i = 0; i < json_array_size(list); i++) {
                /* an entry that is not an object has no members: the
                 * accessors answer NULL */
                const json_t *o = json_array_get(list, i);
                const char *config = rjson_get_string(o, "Config");
                const json_t *layers = rjson_get_array(o, "Layers");
                const json_t *tags = rjson_get_array(o, "RepoTags");
                const char *cdigest = config ? rjson_get_string(files, config) : NULL;
                g_autoptr(GString) m = g_string_new(NULL);
                g_autofree char *cdesc = NULL;
                char digest[DIGEST_STRING_MAX];
                LoadItem *item;

                if (!cdigest || !layers) {
                        *ret_error = g_strdup_printf("manifest.json entry %zu names a config or layers that are not in the archive",
                                                     i + 1);
                        return -EBADMSG;
                }
                op_lease(op, cdigest);
                cdesc = descriptor_json(MT_OCI_CONFIG, cdigest, content_store_blob_size(images_store(op->d), cdigest));
                g_string_append_printf(m, "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":%s,\"layers\":[",
                                       MT_OCI_MANIFEST, cdesc);
                for (size_t k = 0; k < json_array_size(layers); k++) {
                        const char *path = json_string_value(json_array_get(layers, k));
                        const char *ld = path ? rjson_get_string(files, path) : NULL;
                        g_autofree char *ldesc = NULL;
                        if (!ld) {
                                *ret_error = g_strdup_printf("layer %s named in manifest.json is not in the archive", strna(path));
                                return -EBADMSG;
                        }
                        op_lease(op, ld);
                        ldesc = descriptor_json(layer_media_type(op->d, ld), ld,
                                                content_store_blob_size(images_store(op->d), ld));
                        g_string_append_printf(m, "%s%s", k ? "," : "", ldesc);
                }
                g_string_append(m, "]}");
                r = content_store_write(images_store(op->d), m->str, m->len, digest);
                if (r < 0)
                        return r;
                op_lease(op, digest);
                item = calloc(1, sizeof *item);
                if (!item)
                        return -ENOMEM;
                g_queue_push_tail(&op->items, item);
                item->manifest_len = m->len;
                item->manifest_body = g_string_free(g_steal_pointer(&m), FALSE);
                for (size_t k = 0; k < json_array_size(tags); k++) {
                        char *n = normalise_name(json_string_value(json_array_get(tags, k)));
                        if (n && strv_push(&item->names, n) < 0)
                                return -ENOMEM;
                }
        }
        return 0;
}

static void on_load_helper(void *userdata, int r, const char *output) {
        ArchiveOp *op = userdata;
        g_autoptr(json_t) root = NULL;
        _cleanup_free_ char *error = NULL;
        const char *idx, *man, *name;
        json_t *files, *v;

        op->helper = NULL;
        if (r < 0) {
                const char *why = startswith(output, "error: ") ?: output;
                op_fail(op, ROOST_ERROR_INVALID_IMAGE, "cannot load the archive: %s",
                        *why ? strstrip_trailing((char *) why) : strerror(-r));
                return;
        }
        root = rjson_parse(output, -1, NULL);
        files = rjson_get_object(root, "files");
        if (!files) {
                op_fail(op, ROOST_ERROR_FAILED, "the archive reader gave no result");
                return;
        }
        json_object_foreach(files, name, v)
                op_lease(op, json_string_value(v));
        idx = rjson_get_string(files, "index.json");
        man = rjson_get_string(files, "manifest.json");
        if (idx)
                r = load_oci(op, idx, &error);
        else if (man)
                r = load_docker(op, files, man, &error);
        else {
                op_fail(op, ROOST_ERROR_INVALID_IMAGE, "the archive is neither an OCI archive (no index.json) nor a "
                        "docker-archive (no manifest.json)");
                return;
        }
        if (r < 0) {
                op_fail(op, pull_error_name(r), "cannot load the archive: %s", error ?: strerror(-r));
                return;
        }
        if (g_queue_is_empty(&op->items)) {
                op_fail(op, ROOST_ERROR_INVALID_IMAGE, "the archive holds no images");
                return;
        }
        load_next(op);
}

static int start_store_helper(ArchiveOp *op, const char *verb, int in_fd, HelperDone done) {
        _cleanup_free_ char *ingest = strjoin(op->d->data_dir, "/ingest");
        _cleanup_close_ int ingest_fd = -EBADF;
        char *args[] = { (char *) verb, NULL };
        int fds[5];

        if (!ingest)
                return -ENOMEM;
        ingest_fd = open(ingest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (ingest_fd < 0)
                return -errno;
        fds[0] = in_fd;
        fds[1] = fds[2] = -1;
        fds[3] = ingest_fd;
        fds[4] = images_store(op->d)->blobs_fd;
        return helper_start(op->d, 0, args, fds, 5, done, op, &op->helper);
}

static ArchiveOp *op_new(Daemon *d, sd_bus_message *m) {
        ArchiveOp *op = calloc(1, sizeof *op);

        if (!op)
                return NULL;
        op->d = d;
        op->m = sd_bus_message_ref(m);
        op->fd = -EBADF;
        g_queue_init(&op->items);
        return op;
}

int method_load_images(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Daemon *d = userdata;
        ArchiveOp *op;
        int fd, r;

        r = sd_bus_message_read(m, "h", &fd);
        if (r < 0)
                return r;
        op = op_new(d, m);
        if (!op)
                return -ENOMEM;
        r = start_store_helper(op, "load", fd, on_load_helper);
        if (r < 0) {
                op_free(op);
                return sd_bus_error_set_errnof(error, r, "Cannot start reading the archive: %m");
        }
        return 1;
}

/* --- import ---------------------------------------------------------------------------------- */

static void on_import_done(void *userdata, int r, const char *id_or_message) {
        ArchiveOp *op = userdata;

        if (r < 0) {
                op_fail(op, pull_error_name(r), "importing failed: %s", id_or_message);
                return;
        }
        (void) sd_bus_reply_method_return(op->m, "s", id_or_message);
        op_free(op);
}

static void on_import_helper(void *userdata, int r, const char *output) {
        ArchiveOp *op = userdata;
        char blob[DIGEST_STRING_MAX + 8], diff[DIGEST_STRING_MAX + 8], comp[16], cdigest[DIGEST_STRING_MAX],
                mdigest[DIGEST_STRING_MAX];
        unsigned long long bsize = 0, usize = 0;
        g_autoptr(GDateTime) now = g_date_time_new_now_utc();
        g_autofree char *created = g_date_time_format_iso8601(now);
        g_autofree char *config = NULL, *manifest = NULL, *cdesc = NULL, *ldesc = NULL, *comment = NULL;
        char *names[2] = { op->reference, NULL };
        const char *mt;

        op->helper = NULL;
        if (r < 0) {
                const char *why = startswith(output, "error: ") ?: output;
                op_fail(op, ROOST_ERROR_INVALID_IMAGE, "cannot import the tarball: %s",
                        *why ? strstrip_trailing((char *) why) : strerror(-r));
                return;
        }
        if (sscanf(output, "ok %72s %llu %72s %15s %llu", blob, &bsize, diff, comp, &usize) != 5 ||
            !digest_is_valid(blob) || !digest_is_valid(diff)) {
                op_fail(op, ROOST_ERROR_FAILED, "the tarball reader gave no result");
                return;
        }
        op_lease(op, blob);
        mt = streq(comp, "gzip") ? MT_OCI_LAYER_GZIP : streq(comp, "zstd") ? MT_OCI_LAYER_ZSTD : MT_OCI_LAYER;
        comment = op->message ? g_strescape(op->message, NULL) : NULL;
        config = g_strdup_printf("{\"architecture\":\"%s\",\"os\":\"%s\",\"created\":\"%s\",\"config\":{},"
                                 "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\"]},"
                                 "\"history\":[{\"created\":\"%s\",\"created_by\":\"roost import\"%s%s%s}]}",
                                 op->d->facts.arch, op->d->facts.os, created, diff, created,
                                 comment ? ",\"comment\":\"" : "", strempty(comment), comment ? "\"" : "");
        r = content_store_write(images_store(op->d), config, strlen(config), cdigest);
        if (r < 0) {
                op_fail(op, ROOST_ERROR_FAILED, "cannot store the image config: %s", strerror(-r));
                return;
        }
        op_lease(op, cdigest);
        cdesc = descriptor_json(MT_OCI_CONFIG, cdigest, strlen(config));
        ldesc = descriptor_json(mt, blob, bsize);
        manifest = g_strdup_printf("{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":%s,\"layers\":[%s]}",
                                   MT_OCI_MANIFEST, cdesc, ldesc);
        r = content_store_write(images_store(op->d), manifest, strlen(manifest), mdigest);
        if (r < 0) {
                op_fail(op, ROOST_ERROR_FAILED, "cannot store the manifest: %s", strerror(-r));
                return;
        }
        op_lease(op, mdigest);
        r = pull_local(op->d, NULL, 0, manifest, strlen(manifest), op->reference ? names : NULL, on_import_done, op);
        if (r < 0)
                op_fail(op, ROOST_ERROR_FAILED, "cannot build the image: %s", strerror(-r));
}

int method_import_image(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Daemon *d = userdata;
        _cleanup_free_ char *name = NULL, *perror = NULL;
        const char *ref, *key;
        ArchiveOp *op;
        int fd, r;

        r = sd_bus_message_read(m, "hs", &fd, &ref);
        if (r < 0)
                return r;
        if (!isempty(ref)) {
                Reference rr = {};
                r = reference_parse(ref, &rr, &perror);
                if (r < 0)
                        return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT, "%s", strna(perror));
                if (rr.digest) {
                        reference_done(&rr);
                        return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT,
                                                 "an imported image cannot be named by a digest (%s)", ref);
                }
                name = reference_string(&rr);
                reference_done(&rr);
        }
        op = op_new(d, m);
        if (!op)
                return -ENOMEM;
        op->reference = TAKE_PTR(name);
        r = sd_bus_message_enter_container(m, 'a', "{sv}");
        while (r >= 0 && (r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
                r = sd_bus_message_read(m, "s", &key);
                if (r >= 0 && streq(key, "message")) {
                        const char *msg;
                        r = sd_bus_message_read(m, "v", "s", &msg);
                        if (r >= 0)
                                op->message = strdup(msg);
                } else if (r >= 0)
                        r = sd_bus_message_skip(m, "v");
                if (r >= 0)
                        r = sd_bus_message_exit_container(m);
        }
        if (r < 0) {
                op_free(op);
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT, "Malformed import options.");
        }
        r = start_store_helper(op, "import", fd, on_import_helper);
        if (r < 0) {
                op_free(op);
                return sd_bus_error_set_errnof(error, r, "Cannot start reading the tarball: %m");
        }
        return 1;
}

/* --- save ---------------------------------------------------------------------------------------- */

static void on_save_helper(void *userdata, int r, const char *output) {
        ArchiveOp *op = userdata;

        op->helper = NULL;
        if (r < 0) {
                const char *why = startswith(output, "error: ") ?: output;
                op_fail(op, r == -EPIPE ? ROOST_ERROR_FAILED : ROOST_ERROR_FAILED, "saving failed: %s",
                        *why ? strstrip_trailing((char *) why) : strerror(-r));
                return;
        }
        (void) sd_bus_reply_method_return(op->m, NULL);
        op_free(op);
}

static void plan_blob(RJsonBuilder *b, GHashTable *seen, const char *name, const char *digest, uint64_t size,
                      bool decompress) {
        /* seen: name -> digest, also what the save leases */
        if (g_hash_table_contains(seen, name))
                return;
        g_hash_table_insert(seen, g_strdup(name), g_strdup(digest));
        rjson_begin_object(b);
        rjson_member_string(b, "name", name);
        rjson_member_string(b, "blob", digest);
        rjson_member_int(b, "size", (gint64) size);
        rjson_member_bool(b, "decompress", decompress);
        rjson_end_object(b);
}

static void plan_data(RJsonBuilder *b, const char *name, const char *data) {
        rjson_begin_object(b);
        rjson_member_string(b, "name", name);
        rjson_member_string(b, "data", data);
        rjson_end_object(b);
}

int method_save_images(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Daemon *d = userdata;
        _cleanup_strv_free_ char **refs = NULL;
        g_autoptr(RJsonBuilder) plan = rjson_builder_new();
        g_autoptr(RJsonBuilder) meta = rjson_builder_new();
        g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        g_autoptr(json_t) plan_root = NULL, meta_root = NULL;
        g_autofree char *meta_text = NULL, *plan_text = NULL;
        _cleanup_close_ int memfd = -EBADF;
        const char *format;
        bool docker;
        ArchiveOp *op;
        int fd, r;

        r = sd_bus_message_read_strv(m, &refs);
        if (r < 0)
                return r;
        r = sd_bus_message_read(m, "hs", &fd, &format);
        if (r < 0)
                return r;
        if (!isempty(format) && !streq(format, "oci-archive") && !streq(format, "docker-archive"))
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT,
                                         "Unknown archive format \"%s\": use oci-archive or docker-archive.", format);
        if (!refs || !refs[0])
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT, "Name at least one image to save.");
        docker = streq_ptr(format, "docker-archive");

        rjson_begin_object(plan);
        rjson_key(plan, "entries");
        rjson_begin_array(plan);
        if (docker)
                rjson_begin_array(meta);
        else {
                plan_data(plan, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
                rjson_begin_object(meta);
                rjson_member_int(meta, "schemaVersion", 2);
                rjson_member_string(meta, "mediaType", MT_OCI_INDEX);
                rjson_key(meta, "manifests");
                rjson_begin_array(meta);
        }
        for (char **ref = refs; *ref; ref++) {
                _cleanup_free_ char *id = NULL, *name = NULL;
                _cleanup_image_ Image *img = NULL;
                ContentStore *cs = images_store(d);

                r = image_store_resolve(d->db, *ref, &id);
                if (r >= 0)
                        r = image_store_load(d->db, cs, id, false, &img);
                if (r < 0)
                        return sd_bus_error_setf(error, ROOST_ERROR_NO_SUCH_IMAGE, "No such image: %s", *ref);
                /* the name to record: the one given, else the image's first */
                name = normalise_name(*ref);
                if (name && !strv_contains(img->repo_tags, name)) {
                        free(name);
                        name = NULL;
                }
                if (!name && img->repo_tags[0])
                        name = strdup(img->repo_tags[0]);
                if (content_store_has(cs, img->manifest_digest, NULL) <= 0 || content_store_has(cs, img->id, NULL) <= 0)
                        return sd_bus_error_setf(error, ROOST_ERROR_FAILED,
                                                 "The manifest or config of %s is missing from the content store: pull it again.", *ref);
                if (docker) {
                        g_autofree char *cname = g_strdup_printf("%s.json", digest_hex(img->id));
                        rjson_begin_object(meta);
                        rjson_member_string(meta, "Config", cname);
                        rjson_key(meta, "RepoTags");
                        rjson_begin_array(meta);
                        if (name) {
                                _cleanup_free_ char *f = reference_familiar(name);
                                rjson_add_string(meta, f);
                        }
                        rjson_end_array(meta);
                        rjson_key(meta, "Layers");
                        rjson_begin_array(meta);
                        plan_blob(plan, seen, cname, img->id, content_store_blob_size(cs, img->id), false);
                } else {
                        g_autofree char *mname = g_strdup_printf("blobs/sha256/%s", digest_hex(img->manifest_digest));
                        g_autofree char *cname = g_strdup_printf("blobs/sha256/%s", digest_hex(img->id));
                        uint64_t msize = content_store_blob_size(cs, img->manifest_digest);
                        rjson_begin_object(meta);
                        rjson_member_string(meta, "mediaType", img->manifest_media_type);
                        rjson_member_string(meta, "digest", img->manifest_digest);
                        rjson_member_int(meta, "size", (gint64) msize);
                        if (name) {
                                _cleanup_free_ char *f = reference_familiar(name);
                                rjson_key(meta, "annotations");
                                rjson_begin_object(meta);
                                rjson_member_string(meta, OCI_ANNOTATION_REF_NAME, f);
                                rjson_member_string(meta, CONTAINERD_ANNOTATION_IMAGE_NAME, name);
                                rjson_end_object(meta);
                        }
                        rjson_end_object(meta);
                        plan_blob(plan, seen, mname, img->manifest_digest, msize, false);
                        plan_blob(plan, seen, cname, img->id, content_store_blob_size(cs, img->id), false);
                }
                for (size_t i = 0; i < img->n_layers; i++) {
                        const ImageLayer *l = &img->layers[i];
                        if (content_store_has(cs, l->digest, NULL) <= 0)
                                return sd_bus_error_setf(error, ROOST_ERROR_FAILED,
                                                         "Layer %s of %s is missing from the content store: pull it again.",
                                                         l->digest, *ref);
                        if (docker) {
                                g_autofree char *lname = g_strdup_printf("%s/layer.tar", digest_hex(l->diff_id));
                                bool compressed = layer_compression(l->media_type) != LAYER_COMPRESSION_NONE;
                                rjson_add_string(meta, lname);
                                plan_blob(plan, seen, lname, l->digest, compressed ? l->size : l->blob_size, compressed);
                        } else {
                                g_autofree char *lname = g_strdup_printf("blobs/sha256/%s", digest_hex(l->digest));
                                plan_blob(plan, seen, lname, l->digest, l->blob_size, false);
                        }
                }
                if (docker) {
                        rjson_end_array(meta);
                        rjson_end_object(meta);
                }
        }
        rjson_end_array(meta);
        if (!docker)
                rjson_end_object(meta);
        meta_root = rjson_builder_root(meta);
        meta_text = rjson_dump(meta_root, false);
        plan_data(plan, docker ? "manifest.json" : "index.json", meta_text);
        rjson_end_array(plan);
        rjson_end_object(plan);
        plan_root = rjson_builder_root(plan);
        plan_text = rjson_dump(plan_root, false);
        if (!meta_text || !plan_text)
                return -ENOMEM;

        memfd = memfd_create("roost-save-plan", MFD_CLOEXEC);
        if (memfd < 0 || loop_write(memfd, plan_text, strlen(plan_text)) < 0 || lseek(memfd, 0, SEEK_SET) < 0)
                return sd_bus_error_set_errnof(error, errno, "Cannot write the save plan: %m");
        op = op_new(d, m);
        if (!op)
                return -ENOMEM;
        {
                /* what is being written must not be collected meanwhile */
                GHashTableIter it;
                gpointer digest;
                g_hash_table_iter_init(&it, seen);
                while (g_hash_table_iter_next(&it, NULL, &digest))
                        op_lease(op, digest);
        }
        {
                char *args[] = { (char *) "save", NULL };
                int fds[5] = { memfd, -1, -1, images_store(d)->blobs_fd, fd };
                r = helper_start(d, 0, args, fds, 5, on_save_helper, op, &op->helper);
        }
        if (r < 0) {
                op_free(op);
                return sd_bus_error_set_errnof(error, r, "Cannot start writing the archive: %m");
        }
        return 1;
}
