/* SPDX-License-Identifier: Apache-2.0 */
#include <glib.h>
#include <time.h>

#include "image-bus.h"
#include "image-store.h"
#include "images.h"
#include "log.h"
#include "pull.h"
#include "reference.h"
#include "roost-names.h"
#include "snapshot.h"
#include "verifier.h"

typedef struct Pull Pull;

typedef struct PullLayer {
        Pull *pull;
        LayerTask *task;
        char *status;
        uint64_t current;
        bool done;
} PullLayer;

struct Pull {
        Daemon *d;
        Job *job;
        Reference ref;
        char *ref_string;      /* normalised */
        Platform platform;
        bool platform_explicit;

        char **endpoints;
        size_t endpoint;
        RegistryRepo *repo;    /* NULL for local content */
        RegistryFetch *mfetch;
        GString *buf;
        char *content_type, *header_digest;
        bool fetching_child;

        char *index_body, *index_digest, *index_media_type;
        size_t index_len;
        char *manifest_body, *manifest_digest;
        size_t manifest_len;
        Manifest *manifest;
        BlobTask *config_task;
        ImageConfig *config;
        char **chain_ids;
        PullLayer *layers;
        size_t layers_left;
        Verification *verification;
        char **leases;
        char **names;          /* local: names to give the image */
        PullLocalDone local_done;
        void *local_userdata;
        uint64_t started_usec;
};

const char *pull_error_name(int r) {
        switch (r) {
        case -EACCES:
        case -EPERM:
                return ROOST_ERROR_PERMISSION_DENIED;
        case -ENOENT:
                return ROOST_ERROR_NO_SUCH_IMAGE;
        case -ETIMEDOUT:
                return ROOST_ERROR_TIMEOUT;
        case -EPROTONOSUPPORT:
        case -EMEDIUMTYPE:
        case -EOPNOTSUPP:
                return ROOST_ERROR_NOT_SUPPORTED;
        case -EFBIG:
        case -E2BIG:
        case -EOVERFLOW:
                return ROOST_ERROR_LIMIT;
        case -EXDEV:
        case -EILSEQ:
        case -EBADMSG:
                return ROOST_ERROR_INVALID_IMAGE;
        case -ECANCELED:
                return ROOST_ERROR_FAILED;
        default:
                return ROOST_ERROR_REGISTRY;
        }
}

static void pull_free(Pull *p) {
        if (!p)
                return;
        if (p->mfetch)
                registry_fetch_cancel(p->mfetch);
        if (p->config_task)
                blob_task_unwatch(p->config_task, p);
        for (size_t i = 0; p->layers && p->manifest && i < p->manifest->n_layers; i++) {
                if (p->layers[i].task)
                        layer_task_unwatch(p->layers[i].task, &p->layers[i]);
                free(p->layers[i].status);
        }
        free(p->layers);
        if (p->verification)
                verifier_cancel(p->verification);
        for (char **l = p->leases; l && *l; l++)
                images_release(p->d, *l);
        strv_free(p->leases);
        registry_repo_unref(p->repo);
        reference_done(&p->ref);
        platform_done(&p->platform);
        free(p->ref_string);
        strv_free(p->endpoints);
        if (p->buf)
                g_string_free(p->buf, TRUE);
        free(p->content_type);
        free(p->header_digest);
        free(p->index_body);
        free(p->index_digest);
        free(p->index_media_type);
        free(p->manifest_body);
        free(p->manifest_digest);
        manifest_free(p->manifest);
        image_config_free(p->config);
        strv_free(p->chain_ids);
        strv_free(p->names);
        free(p);
}

/* A pull that will not complete: what it stored and no image holds goes
 * (blobs, layers it committed), so a refused image leaves nothing. */
static void pull_discard(Pull *p) {
        Daemon *d = p->d;

        pull_free(p);
        (void) images_gc(d, false, NULL);
}

static void pull_lease(Pull *p, const char *key) {
        images_lease(p->d, key);
        (void) strv_extend(&p->leases, key);
}

static void pull_fail(Pull *p, int r, const char *message) {
        g_autofree char *m = NULL;

        if (p->ref_string && message && !startswith(message, p->ref_string))
                m = g_strdup_printf("%s: %s", p->ref_string, message);
        else
                m = g_strdup(message ?: strerror(-r));
        log_warning("Pull of %s failed: %s", strna(p->ref_string), m);
        if (p->job)
                job_finish(p->job, "failed", NULL, pull_error_name(r), m);
        if (p->local_done)
                p->local_done(p->local_userdata, r, m);
        pull_discard(p);
}

static void pull_cancel(void *userdata) {
        Pull *p = userdata;

        log_info("Pull of %s cancelled.", p->ref_string);
        job_finish(p->job, "cancelled", NULL, NULL, NULL);
        p->job = NULL;
        pull_discard(p);
}

/* --- commit ------------------------------------------------------------------------- */

static void pull_commit(Pull *p) {
        _cleanup_image_ Image *img = calloc(1, sizeof(Image));
        _cleanup_strv_free_ char **blobs = NULL;
        _cleanup_free_ char *old = NULL;
        char got[DIGEST_STRING_MAX];
        const char *top = p->index_digest ?: p->manifest_digest;
        bool is_new;
        int r;

        if (!img) {
                pull_fail(p, -ENOMEM, "out of memory");
                return;
        }
        /* the manifests are content too: for save and inspect */
        if (p->index_body) {
                r = content_store_write(images_store(p->d), p->index_body, p->index_len, got);
                if (r < 0 || !streq(got, p->index_digest)) {
                        pull_fail(p, r < 0 ? r : -EIO, "cannot store the index");
                        return;
                }
        }
        r = content_store_write(images_store(p->d), p->manifest_body, p->manifest_len, got);
        if (r < 0 || !streq(got, p->manifest_digest)) {
                pull_fail(p, r < 0 ? r : -EIO, "cannot store the manifest");
                return;
        }

        img->id = strdup(p->manifest->config.digest);
        img->manifest_digest = strdup(p->manifest_digest);
        img->manifest_media_type = strdup(p->manifest->media_type);
        img->index_digest = p->index_digest ? strdup(p->index_digest) : NULL;
        img->os = strdup(strempty(p->config->os));
        img->architecture = strdup(strempty(p->config->arch));
        img->variant = p->config->variant ? strdup(p->config->variant) : NULL;
        img->created = p->config->created_unix;
        img->added_at = (int64_t) time(NULL);
        img->repo_tags = calloc(1, sizeof(char *));
        img->repo_digests = calloc(1, sizeof(char *));
        if (!img->id || !img->manifest_digest || !img->manifest_media_type || !img->repo_tags || !img->repo_digests) {
                pull_fail(p, -ENOMEM, "out of memory");
                return;
        }
        if (p->repo) {
                _cleanup_free_ char *name = reference_name(&p->ref);
                if (p->ref.tag && strv_extend(&img->repo_tags, p->ref_string) < 0)
                        goto oom;
                if (name && strv_push(&img->repo_digests, g_strdup_printf("%s@%s", name, top)) < 0)
                        goto oom;
        }
        for (char **n = p->names; n && *n; n++)
                if (strv_extend(&img->repo_tags, *n) < 0)
                        goto oom;
        img->layers = calloc(MAX(p->manifest->n_layers, 1u), sizeof(ImageLayer));
        if (!img->layers)
                goto oom;
        img->n_layers = p->manifest->n_layers;
        for (size_t i = 0; i < p->manifest->n_layers; i++) {
                const Descriptor *l = &p->manifest->layers[i];
                img->layers[i] = (ImageLayer) {
                        .chain_id = strdup(p->chain_ids[i]),
                        .diff_id = strdup(p->config->diff_ids[i]),
                        .digest = strdup(l->digest),
                        .media_type = strdup(strempty(l->media_type)),
                        .blob_size = l->size,
                        .size = snapshot_layer_size(p->d, p->chain_ids[i]),
                };
                img->size += img->layers[i].size;
                if (strv_extend(&blobs, l->digest) < 0)
                        goto oom;
        }
        if ((p->index_digest && strv_extend(&blobs, p->index_digest) < 0) || strv_extend(&blobs, p->manifest_digest) < 0 ||
            strv_extend(&blobs, img->id) < 0)
                goto oom;

        is_new = image_store_resolve(p->d->db, img->id, &old) == -ENOENT;
        r = image_bus_commit(p->d, img, blobs, is_new);
        if (r < 0) {
                pull_fail(p, r, "cannot record the image in the state database");
                return;
        }
        {
                uint64_t now = 0;
                sd_event_now(p->d->event, CLOCK_MONOTONIC, &now);
                log_info("Pulled %s: image %s, %zu layers, %.1f MiB, in %.2f s.", p->ref_string, img->id, img->n_layers,
                         img->size / 1048576.0, (now - p->started_usec) / 1e6);
        }
        if (p->job)
                job_finish(p->job, "done", img->id, NULL, NULL);
        if (p->local_done)
                p->local_done(p->local_userdata, 0, img->id);
        pull_free(p);
        return;
oom:
        pull_fail(p, -ENOMEM, "out of memory");
}

static void pull_on_verified(void *userdata, int r, const char *message) {
        Pull *p = userdata;

        p->verification = NULL;
        if (r < 0) {
                pull_fail(p, r, message);
                return;
        }
        pull_commit(p);
}

static void pull_verify(Pull *p) {
        const char *digest = p->index_digest ?: p->manifest_digest;
        const char *mt = p->index_digest ? p->index_media_type : p->manifest->media_type;
        uint64_t size = p->index_digest ? p->index_len : p->manifest_len;
        int r;

        if (!p->repo) {
                pull_commit(p);
                return;
        }
        r = verifier_run(p->d, p->ref_string, digest, mt, size, pull_on_verified, p, &p->verification);
        if (r < 0) {
                pull_fail(p, r, "cannot run the image verifiers");
                return;
        }
        if (!p->verification)
                pull_commit(p);
}

/* --- layers -------------------------------------------------------------------------- */

static void pull_update_progress(Pull *p) {
        uint64_t cur = 0, total = 0;

        if (!p->job)
                return;
        for (size_t i = 0; i < p->manifest->n_layers; i++) {
                cur += p->layers[i].current;
                total += p->manifest->layers[i].size;
        }
        job_set_progress(p->job, cur, total);
}

static void pull_layer_progress(void *userdata, const char *digest, const char *status, uint64_t current,
                                uint64_t total) {
        PullLayer *l = userdata;
        Pull *p = l->pull;

        l->current = current;
        if (p->job) {
                job_set_layer(p->job, digest, status, current, total);
                pull_update_progress(p);
        }
}

static void pull_layer_done(void *userdata, const char *digest, int r, const char *message) {
        PullLayer *l = userdata;
        Pull *p = l->pull;

        l->task = NULL;
        if (r < 0) {
                pull_fail(p, r, message);
                return;
        }
        l->done = true;
        if (--p->layers_left == 0)
                pull_verify(p);
}

static void pull_layers(Pull *p) {
        size_t n = p->manifest->n_layers;
        int r;

        r = chain_ids_compute(p->config->diff_ids, &p->chain_ids);
        if (r < 0) {
                pull_fail(p, r, "out of memory");
                return;
        }
        p->layers = calloc(MAX(n, 1u), sizeof(PullLayer));
        if (!p->layers) {
                pull_fail(p, -ENOMEM, "out of memory");
                return;
        }
        for (size_t i = 0; i < n; i++) {
                pull_lease(p, p->chain_ids[i]);
                pull_lease(p, p->manifest->layers[i].digest);
                p->layers[i].pull = p;
        }
        p->layers_left = n;
        /* hold a count while starting, so a layer that completes at once
         * does not finish the pull before the others are started */
        p->layers_left++;
        for (size_t i = 0; i < n; i++) {
                const Descriptor *desc = &p->manifest->layers[i];
                LayerSpec spec = {
                        .chain_id = p->chain_ids[i],
                        .parent_chain_id = i > 0 ? p->chain_ids[i - 1] : NULL,
                        .digest = desc->digest,
                        .diff_id = p->config->diff_ids[i],
                        .media_type = desc->media_type,
                        .size = desc->size,
                        .repo = p->repo,
                };
                LayerWaiter w = { .on_progress = pull_layer_progress, .on_done = pull_layer_done, .userdata = &p->layers[i] };
                r = layer_task_watch(p->d, &spec, &w, &p->layers[i].task);
                if (r < 0) {
                        g_autofree char *m = g_strdup_printf("layer %s: %s", desc->digest,
                                                             r == -ENOENT ? "not in the store, and nowhere to fetch it from"
                                                                          : strerror(-r));
                        pull_fail(p, r, m);
                        return;
                }
                if (!p->layers[i].task) {
                        p->layers[i].done = true;
                        p->layers[i].current = desc->size;
                        p->layers_left--;
                        if (p->job)
                                job_set_layer(p->job, desc->digest, "Already exists", desc->size, desc->size);
                }
        }
        pull_update_progress(p);
        if (--p->layers_left == 0)
                pull_verify(p);
}

/* --- config -------------------------------------------------------------------------- */

static void pull_config_read(Pull *p) {
        _cleanup_free_ char *json = NULL, *error = NULL;
        const char *cd = p->manifest->config.digest;
        size_t n;
        int r;

        r = content_store_read(images_store(p->d), cd, OCI_CONFIG_MAX, &json, &n);
        if (r < 0) {
                g_autofree char *m = g_strdup_printf("cannot read the config %s: %s", cd, strerror(-r));
                pull_fail(p, r, m);
                return;
        }
        r = image_config_parse(json, n, &p->config, &error);
        if (r < 0) {
                g_autofree char *m = g_strdup_printf("the image config %s is not valid: %s", cd, strna(error));
                pull_fail(p, -EBADMSG, m);
                return;
        }
        if (strv_length(p->config->diff_ids) != p->manifest->n_layers) {
                g_autofree char *m = g_strdup_printf("the manifest lists %zu layers but the config %s has %zu diff_ids",
                                                     p->manifest->n_layers, cd, strv_length(p->config->diff_ids));
                pull_fail(p, -EBADMSG, m);
                return;
        }
        if (p->repo && p->config->arch && p->config->os &&
            (!streq(p->config->arch, p->platform.arch) || !streq(p->config->os, p->platform.os))) {
                if (p->platform_explicit && !p->index_digest) {
                        _cleanup_free_ char *want = platform_to_string(&p->platform);
                        g_autofree char *m = g_strdup_printf("the image is for %s/%s, not the requested platform %s",
                                                             p->config->os, p->config->arch, want);
                        pull_fail(p, -EOPNOTSUPP, m);
                        return;
                }
                if (!p->index_digest)
                        log_warning("%s: the image's platform (%s/%s) does not match the host's (%s/%s).", p->ref_string,
                                    p->config->os, p->config->arch, p->platform.os, p->platform.arch);
        }
        pull_layers(p);
}

static void pull_config_done(void *userdata, const char *digest, int r, const char *message) {
        Pull *p = userdata;

        p->config_task = NULL;
        if (r < 0) {
                pull_fail(p, r, message);
                return;
        }
        pull_config_read(p);
}

static void pull_config(Pull *p) {
        const Descriptor *c = &p->manifest->config;
        BlobWaiter w = { .on_done = pull_config_done, .userdata = p };
        int r;

        pull_lease(p, c->digest);
        if (c->size > OCI_CONFIG_MAX) {
                g_autofree char *m = g_strdup_printf("the image config %s is %llu bytes, more than the %u MiB roost "
                                                     "accepts: refused", c->digest, (unsigned long long) c->size,
                                                     OCI_CONFIG_MAX >> 20);
                pull_fail(p, -EFBIG, m);
                return;
        }
        if (content_store_has(images_store(p->d), c->digest, NULL) > 0 || !p->repo) {
                pull_config_read(p);
                return;
        }
        r = blob_task_watch(p->d, p->repo, c->digest, c->size, &w, &p->config_task);
        if (r < 0)
                pull_fail(p, r, "cannot fetch the config");
}

/* --- manifests ---------------------------------------------------------------------- */

static int pull_take_manifest(Pull *p, char *body, size_t len, const char *content_type, const char *want_digest);

static int manifest_on_start(void *userdata, const HttpResponse *resp, bool restart) {
        Pull *p = userdata;

        if (resp->content_length > (int64_t) OCI_MANIFEST_MAX)
                return -EFBIG;
        g_string_truncate(p->buf, 0);
        free(p->content_type);
        free(p->header_digest);
        p->content_type = resp->content_type ? strdup(resp->content_type) : NULL;
        p->header_digest = resp->docker_content_digest ? strdup(resp->docker_content_digest) : NULL;
        return 0;
}

static int manifest_on_data(void *userdata, const void *data, size_t n) {
        Pull *p = userdata;

        if (p->buf->len + n > OCI_MANIFEST_MAX)
                return -EFBIG;
        g_string_append_len(p->buf, data, (gssize) n);
        return 0;
}

static int pull_fetch_manifest(Pull *p, const char *ref);

static void manifest_on_done(void *userdata, int r, const char *message) {
        Pull *p = userdata;
        const char *want;
        char *body;
        size_t len;

        p->mfetch = NULL;
        if (r == -EFBIG) {
                g_autofree char *m = g_strdup_printf("the manifest is larger than %u MiB: refused (a manifest is a few "
                                                     "KiB; this one is not a sane image)", OCI_MANIFEST_MAX >> 20);
                pull_fail(p, -EFBIG, m);
                return;
        }
        if (r < 0) {
                /* a mirror that fails is skipped; the registry itself is last */
                if (!p->fetching_child && p->endpoints && p->endpoints[p->endpoint + 1] &&
                    IN_SET(r, -ENOENT, -ECONNREFUSED, -EHOSTUNREACH, -EIO, -ETIMEDOUT, -EPROTO, -EACCES)) {
                        log_info("Mirror %s failed for %s (%s); trying the next.", p->endpoints[p->endpoint],
                                 p->ref_string, message);
                        p->endpoint++;
                        p->repo = registry_repo_unref(p->repo);
                        r = pull_fetch_manifest(p, p->ref.digest ?: p->ref.tag);
                        if (r < 0)
                                pull_fail(p, r, "cannot start the request");
                        return;
                }
                pull_fail(p, r, message);
                return;
        }
        want = p->fetching_child ? p->manifest_digest : p->ref.digest;
        len = p->buf->len;
        body = g_string_free(g_steal_pointer(&p->buf), FALSE);
        p->buf = g_string_new(NULL);
        r = pull_take_manifest(p, body, len, p->content_type, want);
        if (r < 0)
                return; /* failed and freed */
}

static const RegistryFetchOps manifest_ops = {
        .on_start = manifest_on_start,
        .on_data = manifest_on_data,
        .on_done = manifest_on_done,
};

static int pull_fetch_manifest(Pull *p, const char *ref) {
        if (!p->repo) {
                int r = registry_repo_new(images_registry(p->d), p->endpoints[p->endpoint], p->ref.domain, p->ref.path,
                                          &p->repo);
                if (r < 0)
                        return r;
        }
        return registry_fetch(p->repo, REGISTRY_MANIFEST, ref, &manifest_ops, p, &p->mfetch);
}

static char *platforms_of(const Manifest *index) {
        g_autoptr(GString) s = g_string_new(NULL);

        for (size_t i = 0; i < index->n_manifests; i++) {
                _cleanup_free_ char *pl = platform_to_string(&index->manifests[i].platform);
                g_string_append_printf(s, "%s%s", i ? ", " : "", strna(pl));
        }
        return g_string_free(g_steal_pointer(&s), FALSE);
}

/* Takes a manifest or index body (owned): checks its digest, parses it,
 * and goes on to the child manifest or the config. Returns <0 when the
 * pull failed (and was freed). */
static int pull_take_manifest(Pull *p, char *body, size_t len, const char *content_type, const char *want_digest) {
        _cleanup_free_ char *owned = body, *error = NULL;
        _cleanup_(manifest_freep) Manifest *m = NULL;
        char digest[DIGEST_STRING_MAX];
        int r;

        sha256_digest(body, len, digest);
        if (want_digest && !streq(digest, want_digest)) {
                g_autofree char *msg = g_strdup_printf("the manifest received has digest %s, not the %s asked for: "
                                                       "refused", digest, want_digest);
                pull_fail(p, -EBADMSG, msg);
                return -EBADMSG;
        }
        if (!want_digest && p->header_digest && digest_is_valid(p->header_digest) && !streq(p->header_digest, digest)) {
                g_autofree char *msg = g_strdup_printf("the registry says the manifest's digest is %s, but its content has "
                                                       "digest %s: refused", p->header_digest, digest);
                pull_fail(p, -EBADMSG, msg);
                return -EBADMSG;
        }
        r = manifest_parse(body, len, content_type, &m, &error);
        if (r < 0) {
                g_autofree char *msg = g_strdup_printf("manifest %s: %s", digest, strna(error));
                pull_fail(p, r, msg);
                return r;
        }
        if (m->kind == MANIFEST_INDEX) {
                const Descriptor *c;
                if (p->index_body) {
                        pull_fail(p, -EMEDIUMTYPE, "an index inside an index is not supported");
                        return -EMEDIUMTYPE;
                }
                c = manifest_select_platform(m, &p->platform);
                if (!c) {
                        _cleanup_free_ char *want = platform_to_string(&p->platform);
                        g_autofree char *have = platforms_of(m);
                        g_autofree char *msg = g_strdup_printf("no image for the platform %s (the index %s has: %s); "
                                                               "choose one with --platform", want, digest, have);
                        pull_fail(p, -ENOENT, msg);
                        return -ENOENT;
                }
                p->index_body = TAKE_PTR(owned);
                p->index_len = len;
                p->index_digest = strdup(digest);
                p->index_media_type = strdup(m->media_type);
                p->manifest_digest = strdup(c->digest);
                if (!p->repo) {
                        pull_fail(p, -ENOENT, "the index's manifest is not in the archive");
                        return -ENOENT;
                }
                if (c->size > OCI_MANIFEST_MAX) {
                        pull_fail(p, -EFBIG, "the platform's manifest is larger than 4 MiB: refused");
                        return -EFBIG;
                }
                p->fetching_child = true;
                pull_lease(p, c->digest);
                r = pull_fetch_manifest(p, c->digest);
                if (r < 0) {
                        pull_fail(p, r, "cannot start the request");
                        return r;
                }
                return 0;
        }
        free(p->manifest_digest);
        p->manifest_digest = strdup(digest);
        p->manifest_body = TAKE_PTR(owned);
        p->manifest_len = len;
        p->manifest = TAKE_PTR(m);
        if (!p->manifest_digest) {
                pull_fail(p, -ENOMEM, "out of memory");
                return -ENOMEM;
        }
        pull_lease(p, p->manifest_digest);
        pull_config(p);
        return 0;
}

int pull_start(Daemon *d, const char *reference, const PullOptions *o, Job **ret_job, char **ret_error) {
        Pull *p = calloc(1, sizeof *p);
        g_autofree char *desc = NULL;
        int r;

        if (!p)
                return -ENOMEM;
        p->d = d;
        p->buf = g_string_new(NULL);
        sd_event_now(d->event, CLOCK_MONOTONIC, &p->started_usec);
        r = reference_parse(reference, &p->ref, ret_error);
        if (r < 0) {
                pull_free(p);
                return r;
        }
        p->ref_string = reference_string(&p->ref);
        if (o && o->platform) {
                r = platform_parse(o->platform, &p->platform);
                if (r < 0) {
                        if (ret_error)
                                *ret_error = g_strdup_printf("invalid platform \"%s\": use os/arch[/variant], like "
                                                             "linux/arm64/v8", o->platform);
                        pull_free(p);
                        return -EINVAL;
                }
                p->platform_explicit = true;
        } else {
                p->platform.os = strdup(d->facts.os ?: "linux");
                p->platform.arch = strdup(d->facts.arch ?: "amd64");
        }
        r = registry_endpoints(images_registry(d), p->ref.domain, &p->endpoints);
        if (r < 0 || !p->ref_string || !p->platform.os || !p->platform.arch) {
                pull_free(p);
                return -ENOMEM;
        }
        desc = g_strdup_printf("Pull %s", p->ref_string);
        r = job_new(d, "pull", desc, p->ref_string, pull_cancel, p, &p->job);
        if (r < 0) {
                pull_free(p);
                return r;
        }
        r = pull_fetch_manifest(p, p->ref.digest ?: p->ref.tag);
        if (r < 0) {
                job_finish(p->job, "failed", NULL, ROOST_ERROR_FAILED, "cannot start the request");
                pull_free(p);
                return r;
        }
        *ret_job = p->job;
        return 0;
}

int pull_local(Daemon *d, const char *index_body, size_t index_len, const char *manifest_body, size_t manifest_len,
               char *const *names, PullLocalDone done, void *userdata) {
        Pull *p = calloc(1, sizeof *p);
        _cleanup_free_ char *error = NULL;
        _cleanup_(manifest_freep) Manifest *m = NULL;
        char digest[DIGEST_STRING_MAX];
        int r;

        if (!p)
                return -ENOMEM;
        p->d = d;
        p->local_done = done;
        p->local_userdata = userdata;
        sd_event_now(d->event, CLOCK_MONOTONIC, &p->started_usec);
        p->ref_string = strdup(names && names[0] ? names[0] : "image");
        for (char *const *n = names; n && *n; n++)
                if (strv_extend(&p->names, *n) < 0) {
                        pull_free(p);
                        return -ENOMEM;
                }
        if (index_body) {
                sha256_digest(index_body, index_len, digest);
                p->index_body = g_memdup2(index_body, index_len);
                p->index_len = index_len;
                p->index_digest = strdup(digest);
                r = manifest_parse(index_body, index_len, NULL, &m, &error);
                p->index_media_type = strdup(r >= 0 ? m->media_type : MT_OCI_INDEX);
        }
        sha256_digest(manifest_body, manifest_len, digest);
        r = pull_take_manifest(p, g_memdup2(manifest_body, manifest_len), manifest_len, NULL, digest);
        (void) r; /* a failure was reported through done */
        return 0;
}
