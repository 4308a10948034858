/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <glib.h>
#include <sched.h>
#include <sys/epoll.h>

#include "fileio.h"
#include "helper.h"
#include "image-store.h"
#include "images.h"
#include "log.h"
#include "nsexec.h"
#include "snapshot.h"

#define SINK_PIPE_SIZE (1024 * 1024)

struct ImageService {
        ContentStore *store;
        Registry *registry;
        GHashTable *blobs;  /* digest -> BlobTask */
        GHashTable *layers; /* chain ID -> LayerTask */
        GHashTable *leases; /* key -> count */
        unsigned active;    /* downloads running */
        GQueue queue;       /* BlobTasks waiting for a download slot */
};

struct BlobTask {
        Daemon *d;
        char *digest;
        uint64_t size;
        RegistryRepo *repo;
        RegistryFetch *fetch;
        Ingest *ingest;
        GPtrArray *waiters; /* BlobWaiter* */
        bool queued, running, finishing;
        uint64_t received;
        /* streaming into an unpacker: the write end of its stdin */
        int sink_fd;
        sd_event_source *sink_src;
        char *pending;
        size_t pending_len, pending_cap;
        int result;
        char *message;
};

typedef enum LayerState {
        LAYER_WAITING,
        LAYER_RUNNING,
} LayerState;

struct LayerTask {
        Daemon *d;
        char *chain_id, *parent, *digest, *diff_id, *media_type;
        uint64_t size;
        RegistryRepo *repo;
        GPtrArray *waiters; /* LayerWaiter* */
        BlobTask *blob;     /* while we wait for it */
        LayerTask *parent_task;
        bool streaming;
        bool existed;       /* the layer was there; only its blob was missing */
        bool blob_done, parent_done, unpack_started, unpack_done;
        int blob_r, unpack_r;
        char *blob_msg, *unpack_msg;
        Helper *unpacker;   /* roost-unpack, while it runs */
        char *tmp;
        uint64_t unpacked_size;
        uint64_t current;
        const char *status;
};

static ImageService *svc(Daemon *d) {
        return d->images;
}

ContentStore *images_store(Daemon *d) {
        return d->images->store;
}

Registry *images_registry(Daemon *d) {
        return d->images->registry;
}

/* --- leases ------------------------------------------------------------------------ */

void images_lease(Daemon *d, const char *key) {
        guint n = GPOINTER_TO_UINT(g_hash_table_lookup(svc(d)->leases, key));
        g_hash_table_replace(svc(d)->leases, g_strdup(key), GUINT_TO_POINTER(n + 1));
}

void images_release(Daemon *d, const char *key) {
        guint n = GPOINTER_TO_UINT(g_hash_table_lookup(svc(d)->leases, key));
        if (n <= 1)
                g_hash_table_remove(svc(d)->leases, key);
        else
                g_hash_table_replace(svc(d)->leases, g_strdup(key), GUINT_TO_POINTER(n - 1));
}

bool images_is_leased(Daemon *d, const char *key) {
        return svc(d) && g_hash_table_contains(svc(d)->leases, key);
}

/* --- garbage collection --------------------------------------------------------- */

int images_gc(Daemon *d, bool at_start, uint64_t *ret_freed) {
        _cleanup_strv_free_ char **blobs = NULL, **chains = NULL, **stored = NULL;
        g_autoptr(GHashTable) keep = g_hash_table_new(g_str_hash, g_str_equal);
        uint64_t freed = 0, layers_freed = 0;
        unsigned n = 0;
        int r;

        r = image_store_referenced(d->db, &blobs, &chains);
        if (r < 0)
                return r;
        r = content_store_list(svc(d)->store, &stored);
        if (r < 0)
                return r;
        for (char **b = blobs; *b; b++)
                g_hash_table_add(keep, *b);
        for (char **b = stored; *b; b++) {
                if (g_hash_table_contains(keep, *b) || images_is_leased(d, *b))
                        continue;
                freed += content_store_blob_size(svc(d)->store, *b);
                if (content_store_remove(svc(d)->store, *b) >= 0)
                        n++;
        }
        if (n > 0)
                log_info("Removed %u blobs no image holds.", n);
        r = snapshot_gc(d, chains, at_start, &layers_freed);
        if (ret_freed)
                *ret_freed = freed + layers_freed;
        return r;
}

/* --- blob tasks --------------------------------------------------------------------- */

static void blob_start_queued(ImageService *s);

static void blob_task_free(BlobTask *t) {
        if (!t)
                return;
        if (t->fetch)
                registry_fetch_cancel(t->fetch);
        if (t->ingest)
                ingest_abort(t->ingest);
        sd_event_source_disable_unref(t->sink_src);
        safe_close(t->sink_fd);
        registry_repo_unref(t->repo);
        if (t->waiters)
                g_ptr_array_free(t->waiters, TRUE);
        free(t->pending);
        free(t->message);
        free(t->digest);
        free(t);
}

static void blob_task_remove(BlobTask *t) {
        ImageService *s = svc(t->d);

        if (t->queued)
                g_queue_remove(&s->queue, t);
        if (t->running && s->active > 0)
                s->active--;
        t->queued = t->running = false;
        if (g_hash_table_lookup(s->blobs, t->digest) == t)
                g_hash_table_remove(s->blobs, t->digest);
        images_release(t->d, t->digest);
}

static void blob_close_sink(BlobTask *t) {
        /* the source before its descriptor (see helper.c) */
        t->sink_src = sd_event_source_disable_unref(t->sink_src);
        t->sink_fd = safe_close(t->sink_fd);
        t->pending_len = 0;
}

/* Tells every waiter and frees the task. */
static void blob_finish(BlobTask *t, int r, const char *message) {
        ImageService *s = svc(t->d);
        GPtrArray *waiters = g_steal_pointer(&t->waiters);

        blob_close_sink(t);
        blob_task_remove(t);
        for (guint i = 0; i < waiters->len; i++) {
                BlobWaiter *w = waiters->pdata[i];
                w->on_done(w->userdata, t->digest, r, message);
        }
        g_ptr_array_free(waiters, TRUE);
        blob_task_free(t);
        blob_start_queued(s);
}

static void blob_progress(BlobTask *t) {
        for (guint i = 0; t->waiters && i < t->waiters->len; i++) {
                BlobWaiter *w = t->waiters->pdata[i];
                if (w->on_progress)
                        w->on_progress(w->userdata, t->digest, t->received, t->size);
        }
}

/* Writes what is pending to the sink; returns true when nothing is left. */
static bool sink_flush(BlobTask *t) {
        while (t->pending_len > 0) {
                ssize_t k = write(t->sink_fd, t->pending, t->pending_len);
                if (k < 0) {
                        if (errno == EAGAIN)
                                return false;
                        if (errno == EINTR)
                                continue;
                        /* the unpacker is gone: it says why; download on */
                        blob_close_sink(t);
                        return true;
                }
                memmove(t->pending, t->pending + k, t->pending_len - (size_t) k);
                t->pending_len -= (size_t) k;
        }
        return true;
}

static void blob_complete(BlobTask *t) {
        g_autofree char *error = NULL;
        Ingest *in = TAKE_PTR(t->ingest);
        int r;

        r = ingest_commit(in, NULL, &error);
        if (r < 0)
                blob_finish(t, r, error ?: "storing the blob failed");
        else
                blob_finish(t, 0, NULL);
}

static int on_sink_writable(sd_event_source *src, int fd, uint32_t revents, void *userdata) {
        BlobTask *t = userdata;

        if (!sink_flush(t))
                return 0;
        if (t->sink_src)
                (void) sd_event_source_set_enabled(t->sink_src, SD_EVENT_OFF);
        if (t->finishing)
                blob_complete(t);
        else if (t->fetch)
                registry_fetch_resume(t->fetch);
        return 0;
}

static void sink_arm(BlobTask *t) {
        if (!t->sink_src) {
                if (sd_event_add_io(t->d->event, &t->sink_src, t->sink_fd, EPOLLOUT, on_sink_writable, t) < 0) {
                        blob_close_sink(t);
                        return;
                }
        }
        (void) sd_event_source_set_enabled(t->sink_src, SD_EVENT_ON);
}

static int blob_on_data(void *userdata, const void *p, size_t n) {
        BlobTask *t = userdata;
        size_t k = n;
        int r;

        if (t->sink_fd >= 0) {
                if (!sink_flush(t)) {
                        sink_arm(t);
                        return -EAGAIN;
                }
        }
        if (t->sink_fd >= 0) {
                ssize_t w = write(t->sink_fd, p, n);
                if (w < 0 && (errno == EAGAIN || errno == EINTR))
                        w = 0;
                if (w < 0) {
                        blob_close_sink(t); /* the unpacker is gone: it says why */
                        w = (ssize_t) n;
                }
                if (w == 0) {
                        sink_arm(t);
                        return -EAGAIN;
                }
                k = (size_t) w;
        }
        r = ingest_write(t->ingest, p, n);
        if (r == -EFBIG)
                return r;
        if (r < 0)
                return r;
        if (k < n && t->sink_fd >= 0) {
                if (t->pending_cap < n - k) {
                        char *b = realloc(t->pending, n - k);
                        if (!b)
                                return -ENOMEM;
                        t->pending = b;
                        t->pending_cap = n - k;
                }
                memcpy(t->pending, (const char *) p + k, n - k);
                t->pending_len = n - k;
                sink_arm(t);
        }
        t->received += n;
        blob_progress(t);
        return 0;
}

static int blob_on_start(void *userdata, const HttpResponse *resp, bool restart) {
        BlobTask *t = userdata;

        if (resp->content_length >= 0 && t->received == 0 && (uint64_t) resp->content_length > t->size &&
            !resp->content_range)
                return -EFBIG;
        return 0;
}

static void blob_on_done(void *userdata, int r, const char *message) {
        BlobTask *t = userdata;

        t->fetch = NULL;
        if (r == -EFBIG) {
                g_autofree char *m = g_strdup_printf("blob %s: the registry sends more than the %llu bytes its descriptor "
                                                     "says: refused", t->digest, (unsigned long long) t->size);
                blob_finish(t, -EBADMSG, m);
                return;
        }
        if (r < 0) {
                blob_finish(t, r, message);
                return;
        }
        /* the unpacker gets the rest of the stream before its EOF */
        if (t->sink_fd >= 0 && !sink_flush(t)) {
                t->finishing = true;
                sink_arm(t);
                return;
        }
        blob_complete(t);
}

static void blob_on_retry(void *userdata, unsigned attempt, const char *why) {
}

static const RegistryFetchOps blob_ops = {
        .on_start = blob_on_start,
        .on_data = blob_on_data,
        .on_done = blob_on_done,
        .on_retry = blob_on_retry,
};

static int blob_run(BlobTask *t) {
        int r;

        r = ingest_start(svc(t->d)->store, t->digest, (int64_t) t->size, &t->ingest);
        if (r < 0)
                return r;
        t->running = true;
        svc(t->d)->active++;
        r = registry_fetch(t->repo, REGISTRY_BLOB, t->digest, &blob_ops, t, &t->fetch);
        if (r < 0)
                return r;
        blob_progress(t);
        return 0;
}

static void blob_start_queued(ImageService *s) {
        for (;;) {
                BlobTask *t;
                Daemon *d;
                int r;

                if (g_queue_is_empty(&s->queue))
                        return;
                t = g_queue_peek_head(&s->queue);
                d = t->d;
                if (s->active >= d->config->max_downloads)
                        return;
                g_queue_pop_head(&s->queue);
                t->queued = false;
                r = blob_run(t);
                if (r < 0) {
                        g_autofree char *m = g_strdup_printf("blob %s: cannot start the download: %s", t->digest,
                                                             strerror(-r));
                        blob_finish(t, r, m);
                }
        }
}

static BlobTask *blob_task_new(Daemon *d, RegistryRepo *repo, const char *digest, uint64_t size) {
        BlobTask *t = calloc(1, sizeof *t);

        if (!t)
                return NULL;
        t->d = d;
        t->digest = strdup(digest);
        t->size = size;
        t->repo = registry_repo_ref(repo);
        t->sink_fd = -EBADF;
        t->waiters = g_ptr_array_new_with_free_func(free);
        if (!t->digest) {
                blob_task_free(t);
                return NULL;
        }
        images_lease(d, digest);
        g_hash_table_insert(svc(d)->blobs, t->digest, t);
        t->queued = true;
        g_queue_push_tail(&svc(d)->queue, t);
        return t;
}

static int blob_add_waiter(BlobTask *t, const BlobWaiter *w) {
        BlobWaiter *c = malloc(sizeof *c);
        if (!c)
                return -ENOMEM;
        *c = *w;
        g_ptr_array_add(t->waiters, c);
        return 0;
}

int blob_task_watch(Daemon *d, RegistryRepo *repo, const char *digest, uint64_t size, const BlobWaiter *w,
                    BlobTask **ret) {
        BlobTask *t = g_hash_table_lookup(svc(d)->blobs, digest);
        int r;

        if (!t) {
                t = blob_task_new(d, repo, digest, size);
                if (!t)
                        return -ENOMEM;
                r = blob_add_waiter(t, w);
                if (r < 0)
                        return r;
                blob_start_queued(svc(d));
                /* blob_start_queued may have failed and freed it: look again */
                t = g_hash_table_lookup(svc(d)->blobs, digest);
                *ret = t;
                return 0;
        }
        r = blob_add_waiter(t, w);
        if (r < 0)
                return r;
        *ret = t;
        return 0;
}

void blob_task_unwatch(BlobTask *t, void *userdata) {
        if (!t || !t->waiters)
                return;
        for (guint i = 0; i < t->waiters->len; i++)
                if (((BlobWaiter *) t->waiters->pdata[i])->userdata == userdata) {
                        g_ptr_array_remove_index(t->waiters, i);
                        break;
                }
        if (t->waiters->len == 0) {
                ImageService *s = svc(t->d);
                blob_task_remove(t);
                blob_task_free(t);
                blob_start_queued(s);
        }
}

/* --- layer tasks -------------------------------------------------------------------- */

static void layer_task_free(LayerTask *t) {
        if (!t)
                return;
        if (t->blob)
                blob_task_unwatch(t->blob, t);
        if (t->parent_task)
                layer_task_unwatch(t->parent_task, t);
        if (t->unpacker)
                helper_cancel(t->unpacker);
        if (t->tmp) {
                char *names[] = { t->tmp, NULL };
                snapshot_layers_remove_async(t->d, names);
        }
        registry_repo_unref(t->repo);
        if (t->waiters)
                g_ptr_array_free(t->waiters, TRUE);
        free(t->tmp);
        free(t->chain_id);
        free(t->parent);
        free(t->digest);
        free(t->diff_id);
        free(t->media_type);
        free(t->blob_msg);
        free(t->unpack_msg);
        free(t);
}

static void layer_task_remove(LayerTask *t) {
        ImageService *s = svc(t->d);

        if (g_hash_table_lookup(s->layers, t->chain_id) == t) {
                g_hash_table_remove(s->layers, t->chain_id);
                images_release(t->d, t->chain_id);
                images_release(t->d, t->digest);
        }
}

static void layer_progress(LayerTask *t, const char *status) {
        t->status = status;
        for (guint i = 0; t->waiters && i < t->waiters->len; i++) {
                LayerWaiter *w = t->waiters->pdata[i];
                if (w->on_progress)
                        w->on_progress(w->userdata, t->digest, status, t->current, t->size);
        }
}

static void layer_finish(LayerTask *t, int r, const char *message) {
        GPtrArray *waiters = g_steal_pointer(&t->waiters);

        layer_task_remove(t);
        if (r >= 0) {
                t->current = t->size;
                t->waiters = waiters;
                layer_progress(t, "Pull complete");
                t->waiters = NULL;
        }
        for (guint i = 0; i < waiters->len; i++) {
                LayerWaiter *w = waiters->pdata[i];
                w->on_done(w->userdata, t->digest, r, message);
        }
        g_ptr_array_free(waiters, TRUE);
        layer_task_free(t);
}

/* Both halves done (or failed): commit, or report the most telling error. */
static void layer_try_complete(LayerTask *t) {
        int r;

        if (t->streaming && !t->blob_done)
                return;
        if (t->blob_done && t->blob_r < 0) {
                if (t->unpacker)
                        helper_cancel(TAKE_PTR(t->unpacker));
                layer_finish(t, t->blob_r, t->blob_msg);
                return;
        }
        if (!t->unpack_done)
                return;
        if (t->existed) {
                layer_finish(t, 0, NULL);
                return;
        }
        if (t->unpack_r < 0) {
                layer_finish(t, t->unpack_r, t->unpack_msg);
                return;
        }
        r = snapshot_layer_commit(t->d, t->tmp, t->chain_id, t->unpacked_size);
        if (r < 0) {
                g_autofree char *m = g_strdup_printf("layer %s: cannot put the unpacked layer in place: %s", t->digest,
                                                     strerror(-r));
                layer_finish(t, r, m);
                return;
        }
        free(t->tmp);
        t->tmp = NULL;
        layer_finish(t, 0, NULL);
}

static void on_unpack_done(void *userdata, int r, const char *out) {
        LayerTask *t = userdata;

        t->unpacker = NULL;
        t->unpack_done = true;
        if (r >= 0 && startswith(out, "ok ")) {
                char diff[DIGEST_STRING_MAX + 8];
                unsigned long long size = 0;
                if (sscanf(out + 3, "%72s %llu", diff, &size) == 2)
                        t->unpacked_size = size;
                t->unpack_r = 0;
        } else {
                const char *why = startswith(out, "error: ") ?: out;
                t->unpack_r = r < 0 ? r : -EIO;
                if (r == -126 || r == -127)
                        t->unpack_msg = g_strdup_printf("layer %s: cannot run %s in the roost user namespace", t->digest,
                                                        helper_path());
                else if (*why)
                        t->unpack_msg = g_strndup(why, strcspn(why, "\n"));
                else
                        t->unpack_msg = g_strdup_printf("layer %s: the unpacker failed (%s)", t->digest,
                                                        strerror(-t->unpack_r));
        }
        if (!t->streaming || t->blob_done)
                layer_progress(t, t->unpack_r >= 0 ? "Extracted" : "Failed");
        layer_try_complete(t);
}

/* Starts roost-unpack reading in_fd (a pipe being filled, or the blob file). */
static int layer_unpack_start(LayerTask *t, int in_fd) {
        _cleanup_close_ int fs_fd = -EBADF, parent_fd = -EBADF;
        bool copy = snapshot_driver_is_copy(t->d);
        char *args[10] = { (char *) "layer", (char *) "--layer", t->digest, (char *) "--diff-id", t->diff_id };
        size_t n = 5;
        int fds[5] = { in_fd, -1, -1, -1, -1 };
        int r;

        r = snapshot_layer_begin(t->d, &t->tmp, &fs_fd);
        if (r < 0)
                return r;
        if (copy && t->parent) {
                parent_fd = snapshot_layer_open(t->d, t->parent);
                if (parent_fd < 0)
                        return parent_fd;
        }
        if (copy)
                args[n++] = (char *) "--apply";
        if (parent_fd >= 0)
                args[n++] = (char *) "--copy-parent";
        fds[3] = fs_fd;
        fds[4] = parent_fd;
        r = helper_start(t->d, CLONE_NEWUSER | CLONE_NEWNS, args, fds, parent_fd >= 0 ? 5 : 4, on_unpack_done, t,
                         &t->unpacker);
        if (r < 0)
                return r;
        t->unpack_started = true;
        return 0;
}

static void layer_unpack_from_file(LayerTask *t) {
        _cleanup_close_ int fd = content_store_open_blob(svc(t->d)->store, t->digest);
        int r;

        layer_progress(t, "Extracting");
        r = fd < 0 ? fd : layer_unpack_start(t, fd);
        if (r < 0) {
                g_autofree char *m = g_strdup_printf("layer %s: cannot start unpacking: %s", t->digest, strerror(-r));
                t->unpack_done = true;
                t->unpack_r = r;
                t->unpack_msg = TAKE_PTR(m);
                layer_try_complete(t);
        }
}

static void layer_maybe_unpack(LayerTask *t) {
        if (t->streaming || t->unpack_started || !t->blob_done || t->blob_r < 0)
                return;
        if (t->parent && !t->parent_done)
                return;
        layer_unpack_from_file(t);
}

static void layer_on_blob_progress(void *userdata, const char *digest, uint64_t current, uint64_t total) {
        LayerTask *t = userdata;
        t->current = current;
        layer_progress(t, "Downloading");
}

static void layer_on_blob_done(void *userdata, const char *digest, int r, const char *message) {
        LayerTask *t = userdata;

        t->blob = NULL;
        t->blob_done = true;
        t->blob_r = r;
        if (r < 0)
                t->blob_msg = strdup(strna(message));
        else {
                t->current = t->size;
                layer_progress(t, t->streaming && !t->unpack_done ? "Extracting" : "Download complete");
        }
        if (t->streaming || t->existed || r < 0)
                layer_try_complete(t);
        else
                layer_maybe_unpack(t);
}

static void layer_on_parent_done(void *userdata, const char *digest, int r, const char *message) {
        LayerTask *t = userdata;

        t->parent_task = NULL;
        if (r < 0) {
                g_autofree char *m = g_strdup_printf("layer %s: its parent layer failed: %s", t->digest, strna(message));
                layer_finish(t, r, m);
                return;
        }
        t->parent_done = true;
        layer_maybe_unpack(t);
}

static int layer_start(LayerTask *t) {
        ImageService *s = svc(t->d);
        bool copy = snapshot_driver_is_copy(t->d);
        int r;

        if (t->parent && !snapshot_layer_exists(t->d, t->parent, NULL)) {
                LayerTask *p = g_hash_table_lookup(s->layers, t->parent);
                LayerWaiter w = { .on_done = layer_on_parent_done, .userdata = t };
                if (copy) {
                        if (!p)
                                return -ENOENT;
                        LayerWaiter *c = malloc(sizeof *c);
                        if (!c)
                                return -ENOMEM;
                        *c = w;
                        g_ptr_array_add(p->waiters, c);
                        t->parent_task = p;
                } else
                        t->parent_done = true; /* overlay layers do not need their parent to unpack */
        } else
                t->parent_done = true;

        if (content_store_has(s->store, t->digest, NULL) > 0) {
                t->blob_done = true;
                layer_maybe_unpack(t);
                return 0;
        }
        if (!t->repo)
                return -ENOENT;
        BlobWaiter bw = { .on_progress = layer_on_blob_progress, .on_done = layer_on_blob_done, .userdata = t };
        BlobTask *existing = g_hash_table_lookup(s->blobs, t->digest);
        if (!copy && !existing && !t->existed) {
                /* stream the download into the unpacker as it arrives */
                _cleanup_close_pair_ int p[2] = { -EBADF, -EBADF };
                BlobTask *b;
                if (pipe2(p, O_CLOEXEC) < 0)
                        return -errno;
                (void) fcntl(p[1], F_SETPIPE_SZ, SINK_PIPE_SIZE);
                if (fcntl(p[1], F_SETFL, O_NONBLOCK) < 0)
                        return -errno;
                r = layer_unpack_start(t, p[0]);
                if (r < 0)
                        return r;
                t->streaming = true;
                b = blob_task_new(t->d, t->repo, t->digest, t->size);
                if (!b)
                        return -ENOMEM;
                b->sink_fd = TAKE_FD(p[1]);
                r = blob_add_waiter(b, &bw);
                if (r < 0)
                        return r;
                t->blob = b;
                layer_progress(t, "Waiting");
                blob_start_queued(s);
                return 0;
        }
        layer_progress(t, "Waiting");
        return blob_task_watch(t->d, t->repo, t->digest, t->size, &bw, &t->blob);
}

int layer_task_watch(Daemon *d, const LayerSpec *spec, const LayerWaiter *w, LayerTask **ret) {
        ImageService *s = svc(d);
        LayerTask *t = g_hash_table_lookup(s->layers, spec->chain_id);
        LayerWaiter *c;
        int r;

        if (!t && snapshot_layer_exists(d, spec->chain_id, NULL) && content_store_has(s->store, spec->digest, NULL) > 0) {
                *ret = NULL;
                return 0;
        }
        c = malloc(sizeof *c);
        if (!c)
                return -ENOMEM;
        *c = *w;
        if (t) {
                g_ptr_array_add(t->waiters, c);
                *ret = t;
                return 0;
        }
        t = calloc(1, sizeof *t);
        if (!t) {
                free(c);
                return -ENOMEM;
        }
        t->d = d;
        t->chain_id = strdup(spec->chain_id);
        t->parent = spec->parent_chain_id ? strdup(spec->parent_chain_id) : NULL;
        t->digest = strdup(spec->digest);
        t->diff_id = strdup(spec->diff_id);
        t->media_type = strdup(strempty(spec->media_type));
        t->size = spec->size;
        t->repo = spec->repo ? registry_repo_ref(spec->repo) : NULL;
        t->waiters = g_ptr_array_new_with_free_func(free);
        g_ptr_array_add(t->waiters, c);
        if (!t->chain_id || !t->digest || !t->diff_id || !t->media_type) {
                layer_task_free(t);
                return -ENOMEM;
        }
        g_hash_table_insert(s->layers, t->chain_id, t);
        images_lease(d, t->chain_id);
        images_lease(d, t->digest);

        if (snapshot_layer_exists(d, spec->chain_id, NULL)) {
                /* only the blob is missing (for save): fetch it, no unpack */
                t->parent_done = true;
                t->existed = true;
                t->unpack_started = t->unpack_done = true;
                t->unpacked_size = snapshot_layer_size(d, spec->chain_id);
        }
        r = layer_start(t);
        if (r < 0) {
                layer_task_remove(t);
                t->waiters->len = 0; /* the caller learns from r */
                layer_task_free(t);
                return r;
        }
        *ret = t;
        return 0;
}

void layer_task_unwatch(LayerTask *t, void *userdata) {
        if (!t || !t->waiters)
                return;
        for (guint i = 0; i < t->waiters->len; i++)
                if (((LayerWaiter *) t->waiters->pdata[i])->userdata == userdata) {
                        g_ptr_array_remove_index(t->waiters, i);
                        break;
                }
        if (t->waiters->len == 0) {
                layer_task_remove(t);
                layer_task_free(t);
        }
}

/* --- set-up ---------------------------------------------------------------------------- */

int images_init(Daemon *d) {
        ImageService *s = calloc(1, sizeof *s);
        int r;

        if (!s)
                return -ENOMEM;
        d->images = s;
        s->blobs = g_hash_table_new(g_str_hash, g_str_equal);
        s->layers = g_hash_table_new(g_str_hash, g_str_equal);
        s->leases = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        g_queue_init(&s->queue);
        r = content_store_open(d->data_dir, &s->store);
        if (r < 0)
                return r;
        r = registry_new(d->event, d->config, &s->registry);
        if (r < 0)
                return log_error_errno(r, "Failed to set up the registry client: %m");
        /* what a crash or kill left behind: unfinished unpacks, blobs and
         * layers of pulls that never committed */
        r = images_gc(d, true, NULL);
        if (r < 0)
                log_warning_errno(r, "Cleaning up unused images failed: %m");
        return 0;
}

void images_done(Daemon *d) {
        ImageService *s = d->images;

        if (!s)
                return;
        registry_free(s->registry);
        content_store_free(s->store);
        g_hash_table_destroy(s->blobs);
        g_hash_table_destroy(s->layers);
        g_hash_table_destroy(s->leases);
        g_queue_clear(&s->queue);
        free(s);
        d->images = NULL;
}
