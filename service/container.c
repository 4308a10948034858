/* SPDX-License-Identifier: Apache-2.0 */
#include <ftw.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>

#include "bus-gvariant.h"
#include "bus-util.h"
#include "container-image.h"
#include "container-run.h"
#include "container.h"
#include "json.h"
#include "networks.h"
#include "log.h"
#include "names.h"
#include "nsexec.h"
#include "oci-spec.h"
#include "paths.h"
#include "roost-names.h"
#include "volume.h"

static const char *const state_names[_CONTAINER_STATE_MAX] = {
        [CONTAINER_CREATED] = "created",       [CONTAINER_RUNNING] = "running", [CONTAINER_PAUSED] = "paused",
        [CONTAINER_RESTARTING] = "restarting", [CONTAINER_EXITED] = "exited",   [CONTAINER_REMOVING] = "removing",
        [CONTAINER_DEAD] = "dead",
};

const char *container_state_to_string(ContainerState s) {
        return s < _CONTAINER_STATE_MAX ? state_names[s] : "unknown";
}

ContainerState container_state_from_string(const char *s) {
        for (int i = 0; i < _CONTAINER_STATE_MAX; i++)
                if (streq(state_names[i], s))
                        return (ContainerState) i;
        return CONTAINER_DEAD;
}

bool container_is_active(const Container *c) {
        return c->state == CONTAINER_RUNNING || c->state == CONTAINER_PAUSED || c->state == CONTAINER_RESTARTING;
}

uint64_t now_usec(void) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000;
}

static void container_free(Container *c) {
        if (!c)
                return;
        container_run_free(c);
        container_net_release(c);
        sd_event_source_disable_unref(c->restart_timer);
        for (guint i = 0; c->waiters && i < c->waiters->len; i++)
                sd_bus_message_unref(c->waiters->pdata[i]);
        if (c->waiters)
                g_ptr_array_free(c->waiters, TRUE);
        g_free(c->id);
        g_free(c->name);
        g_free(c->image_ref);
        g_free(c->image_id);
        if (c->options_v)
                g_variant_unref(c->options_v);
        container_options_free(c->options);
        g_strfreev(c->command);
        g_free(c->error);
        g_free(c->path);
        g_free(c->run_dir);
        g_free(c->data_dir);
        g_free(c->log_path);
        g_free(c);
}

static Container *container_new(Daemon *d, const char *id) {
        Container *c = g_new0(Container, 1);

        c->daemon = d;
        c->id = g_strdup(id);
        c->path = g_strdup_printf("%s/%s", ROOST_CONTAINER_PATH_PREFIX, id);
        c->run_dir = g_strdup_printf("%s/%s/%s", d->runtime_dir, ROOST_CONTAINERS_DIR, id);
        c->data_dir = g_strdup_printf("%s/%s/%s", d->data_dir, ROOST_CONTAINERS_DIR, id);
        c->log_path = g_strdup_printf("%s/%s", c->data_dir, ROOST_CONTAINER_LOG);
        c->waiters = g_ptr_array_new();
        return c;
}

static void container_index(Daemon *d, Container *c) {
        g_hash_table_replace(d->containers, c->id, c);
        g_hash_table_replace(d->container_names, c->name, c);
}

int container_find(Daemon *d, const char *name_or_id, Container **ret, char **ret_error) {
        Container *c = g_hash_table_lookup(d->container_names, name_or_id), *match = NULL;
        GHashTableIter it;
        gpointer k, v;
        size_t n = strlen(name_or_id);
        unsigned matches = 0;

        if (c) {
                *ret = c;
                return 0;
        }
        /* docker accepts "/name" too */
        if (name_or_id[0] == '/' && (c = g_hash_table_lookup(d->container_names, name_or_id + 1))) {
                *ret = c;
                return 0;
        }
        if (n == 0 || n > 64 || strspn(name_or_id, "0123456789abcdef") != n)
                return -ENOENT;
        g_hash_table_iter_init(&it, d->containers);
        while (g_hash_table_iter_next(&it, &k, &v))
                if (strncmp(k, name_or_id, n) == 0) {
                        match = v;
                        matches++;
                }
        if (matches == 0)
                return -ENOENT;
        if (matches > 1) {
                if (ret_error)
                        *ret_error = g_strdup_printf("multiple containers match the ID prefix %s: give more of the ID", name_or_id);
                return -ENOTUNIQ;
        }
        *ret = match;
        return 0;
}

int container_save(Container *c) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        g_autofree char *opts = g_variant_print(c->options_v, TRUE);
        int rc;

        rc = state_db_prepare(c->daemon->db,
                              /* an upsert, not INSERT OR REPLACE: a replace deletes the row,
                               * and the delete would cascade to its endpoints */
                              "INSERT INTO containers(id, name, image_id, image_ref, options, state, created_at,"
                              " started_at, finished_at, exit_code, pid, restart_count, stopped_by_user, userns_base, userns_size)"
                              " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                              " ON CONFLICT(id) DO UPDATE SET name = excluded.name, image_id = excluded.image_id,"
                              " image_ref = excluded.image_ref, options = excluded.options, state = excluded.state,"
                              " created_at = excluded.created_at, started_at = excluded.started_at,"
                              " finished_at = excluded.finished_at, exit_code = excluded.exit_code, pid = excluded.pid,"
                              " restart_count = excluded.restart_count, stopped_by_user = excluded.stopped_by_user,"
                              " userns_base = excluded.userns_base, userns_size = excluded.userns_size",
                              &st);
        if (rc != SQLITE_OK)
                return log_error_errno(sqlite_to_errno(rc), "Failed to save container %s in %s: %s", c->id, c->daemon->db->path,
                                       state_db_errmsg(c->daemon->db));
        sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, c->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, c->image_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, c->image_ref, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, opts, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, container_state_to_string(c->state), -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 7, (sqlite3_int64) c->created_at);
        sqlite3_bind_int64(st, 8, (sqlite3_int64) c->started_at);
        sqlite3_bind_int64(st, 9, (sqlite3_int64) c->finished_at);
        sqlite3_bind_int(st, 10, c->exit_code);
        sqlite3_bind_int(st, 11, c->pid);
        sqlite3_bind_int(st, 12, (int) c->restart_count);
        sqlite3_bind_int(st, 13, c->stopped_by_user);
        sqlite3_bind_int64(st, 14, c->userns_base);
        sqlite3_bind_int64(st, 15, c->userns_size);
        rc = sqlite3_step(st);
        if (rc != SQLITE_DONE)
                return log_error_errno(sqlite_to_errno(rc), "Failed to save container %s in %s: %s", c->id, c->daemon->db->path,
                                       state_db_errmsg(c->daemon->db));
        return 0;
}

void container_emit_changed(Container *c, const char *prop, ...) {
        const char *props[16];
        size_t n = 0;
        va_list ap;

        va_start(ap, prop);
        for (const char *p = prop; p && n < ELEMENTSOF(props) - 1; p = va_arg(ap, const char *))
                props[n++] = p;
        va_end(ap);
        props[n] = NULL;
        (void) sd_bus_emit_properties_changed_strv(c->daemon->bus, c->path, ROOST_CONTAINER_IFACE, (char **) props);
}

void container_emit_event(Container *c, const char *action, const char *extra_key, const char *extra_value) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        uint64_t t = now_usec() * 1000;
        int r;

        r = sd_bus_message_new_signal(c->daemon->bus, &m, ROOST_MANAGER_PATH, ROOST_MANAGER_IFACE, "Event");
        if (r >= 0)
                r = sd_bus_message_append(m, "sss", "container", action, c->id);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "{ss}");
        if (r >= 0)
                r = sd_bus_message_append(m, "{ss}{ss}", "name", c->name, "image", c->image_ref);
        if (r >= 0 && extra_key)
                r = sd_bus_message_append(m, "{ss}", extra_key, extra_value);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_message_append(m, "t", t);
        if (r >= 0)
                (void) sd_bus_send(c->daemon->bus, m, NULL);
        log_debug("container %s (%s): %s", c->name, c->id, action);
}

void container_set_state(Container *c, ContainerState s) {
        if (c->state == s)
                return;
        c->state = s;
        (void) container_save(c);
        container_emit_changed(c, "State", "Pid", "ExitCode", "StartedAt", "FinishedAt", "RestartCount", "Error", "Scope", NULL);
}

unsigned containers_count(Daemon *d, bool running_only) {
        GHashTableIter it;
        gpointer v;
        unsigned n = 0;

        if (!d->containers)
                return 0;
        g_hash_table_iter_init(&it, d->containers);
        while (g_hash_table_iter_next(&it, NULL, &v))
                if (!running_only || container_is_active(v))
                        n++;
        return n;
}

bool containers_use_image(Daemon *d, const char *image_id, char **ret_name) {
        GHashTableIter it;
        gpointer v;

        g_hash_table_iter_init(&it, d->containers);
        while (g_hash_table_iter_next(&it, NULL, &v))
                if (streq(((Container *) v)->image_id, image_id)) {
                        if (ret_name)
                                *ret_name = g_strdup(((Container *) v)->name);
                        return true;
                }
        return false;
}

static void reply_waiters(Container *c, bool removed) {
        for (guint i = 0; i < c->waiters->len;) {
                sd_bus_message *m = c->waiters->pdata[i];
                const char *cond = NULL;

                (void) sd_bus_message_rewind(m, true);
                (void) sd_bus_message_read(m, "s", &cond);
                if (removed || !cond || !streq(cond, "removed")) {
                        (void) sd_bus_reply_method_return(m, "i", c->exit_code);
                        sd_bus_message_unref(m);
                        g_ptr_array_remove_index(c->waiters, i);
                } else
                        i++;
        }
}

/* called by container-run.c when a run ended */
void container_notify_exit(Container *c);
void container_notify_exit(Container *c) {
        reply_waiters(c, false);
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw) {
        if (remove(path) < 0 && errno != ENOENT)
                log_debug_errno(errno, "Cannot remove %s: %m", path);
        return 0;
}

/* our own files (logs, the shim's state): not owned by subuids, so roostd
 * removes them itself; FTW_PHYS: symlinks are removed, never followed */
static int rm_rf_private(const char *path) {
        if (nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0 && errno != ENOENT)
                return log_warning_errno(errno, "Failed to remove %s: %m", path);
        return 0;
}

/* in the holder's mount namespace: undo the bind of a shifted rootfs */
static int unbind_fn(void *userdata, char *errbuf, size_t errlen) {
        const char *path = userdata;
        (void) umount2(path, MNT_DETACH);
        (void) rmdir(path);
        return 0;
}

int container_destroy(Container *c) {
        Daemon *d = c->daemon;
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r;

        c->state = CONTAINER_REMOVING;
        container_run_free(c);
        c->restart_timer = sd_event_source_disable_unref(c->restart_timer);
        r = container_rootfs_remove(d, c->id);
        if (r < 0)
                log_warning_errno(r, "Failed to remove the root filesystem of container %s: %m", c->id);
        if (c->options->userns && (streq(c->options->userns, "auto") || streq(c->options->userns, "keep-id"))) {
                g_autofree char *mapped = g_strdup_printf("%s/mapped", c->data_dir);
                g_autofree char *bound = g_strdup_printf("/tmp/roost-%u/%s", d->uid, c->id);
                (void) nsexec_run(d, CLONE_NEWUSER | CLONE_NEWNS, unbind_fn, bound, 10000, NULL);
                (void) remove_tree_in_userns(d, mapped);
        }
        (void) rm_rf_private(c->run_dir);
        (void) rm_rf_private(c->data_dir);

        if (state_db_prepare(d->db, "DELETE FROM containers WHERE id = ?", &st) != SQLITE_OK ||
            sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC) != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE)
                log_error("Failed to delete container %s from %s: %s", c->id, d->db->path, state_db_errmsg(d->db));
        container_emit_event(c, "destroy", NULL, NULL);
        reply_waiters(c, true);
        (void) sd_bus_emit_object_removed(d->bus, c->path);
        g_hash_table_remove(d->container_names, c->name);
        g_hash_table_remove(d->containers, c->id); /* frees c */
        return 0;
}

/* --- D-Bus: Container1 --------------------------------------------------- */

#define CONTAINER_PROPERTY(name, sig, expr)                                                                    \
        static int get_##name(sd_bus *bus, const char *path, const char *interface, const char *property,     \
                              sd_bus_message *reply, void *userdata, sd_bus_error *error) {                    \
                Container *c = userdata;                                                                       \
                return sd_bus_message_append(reply, sig, expr);                                                \
        }

CONTAINER_PROPERTY(id, "s", c->id)
CONTAINER_PROPERTY(name, "s", c->name)
CONTAINER_PROPERTY(image, "s", c->image_ref)
CONTAINER_PROPERTY(image_id, "s", c->image_id)
CONTAINER_PROPERTY(state, "s", container_state_to_string(c->state))
CONTAINER_PROPERTY(pid, "u", (uint32_t) (container_is_active(c) ? c->pid : 0))
CONTAINER_PROPERTY(exit_code, "i", c->exit_code)
CONTAINER_PROPERTY(created_at, "t", c->created_at)
CONTAINER_PROPERTY(started_at, "t", c->started_at)
CONTAINER_PROPERTY(finished_at, "t", c->finished_at)
CONTAINER_PROPERTY(restart_count, "u", c->restart_count)
CONTAINER_PROPERTY(tty, "b", (int) c->options->tty)
CONTAINER_PROPERTY(open_stdin, "b", (int) c->options->open_stdin)
/* empty with --log-driver none: there is nothing to read */
CONTAINER_PROPERTY(log_path, "s", streq(c->options->log_driver, "none") ? "" : c->log_path)
CONTAINER_PROPERTY(scope, "s", strempty(container_run_scope(c)))
CONTAINER_PROPERTY(error_text, "s", strempty(c->error))

static const char *restart_policy_string(const ContainerOptions *o, char *buf, size_t n) {
        switch (o->restart) {
        case RESTART_ON_FAILURE:
                if (o->restart_max)
                        snprintf(buf, n, "on-failure:%d", o->restart_max);
                else
                        snprintf(buf, n, "on-failure");
                return buf;
        case RESTART_ALWAYS:
                return "always";
        case RESTART_UNLESS_STOPPED:
                return "unless-stopped";
        default:
                return "no";
        }
}

static int get_restart_policy(sd_bus *bus, const char *path, const char *interface, const char *property,
                              sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Container *c = userdata;
        char buf[32];
        return sd_bus_message_append(reply, "s", restart_policy_string(c->options, buf, sizeof buf));
}

static int get_command(sd_bus *bus, const char *path, const char *interface, const char *property,
                       sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Container *c = userdata;
        return sd_bus_message_append_strv(reply, c->command);
}

static int append_labels(sd_bus_message *reply, GHashTable *labels) {
        GHashTableIter it;
        gpointer k, v;
        int r;

        r = sd_bus_message_open_container(reply, 'a', "{ss}");
        if (r < 0)
                return r;
        g_hash_table_iter_init(&it, labels);
        while (g_hash_table_iter_next(&it, &k, &v)) {
                r = sd_bus_message_append(reply, "{ss}", k, v);
                if (r < 0)
                        return r;
        }
        return sd_bus_message_close_container(reply);
}

static int get_labels(sd_bus *bus, const char *path, const char *interface, const char *property,
                      sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Container *c = userdata;
        return append_labels(reply, c->options->labels);
}

static int method_remove(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Container *c = userdata;
        g_autoptr(GVariant) opts = NULL;
        gboolean force = FALSE;
        int r;

        r = bus_message_read_gvariant(m, &opts);
        if (r < 0)
                return r;
        g_variant_ref_sink(opts);
        (void) g_variant_lookup(opts, "Force", "b", &force);
        if (c->state == CONTAINER_REMOVING)
                return sd_bus_error_setf(error, ROOST_ERROR_IN_USE, "removal of container %s is already in progress", c->name);
        if (container_is_active(c)) {
                if (!force)
                        return sd_bus_error_setf(error, ROOST_ERROR_IN_USE,
                                                 "cannot remove container %s: container is %s: stop the container before "
                                                 "removing or force remove (-f)",
                                                 c->name, container_state_to_string(c->state));
                r = container_run_kill_sync(c);
                if (r < 0)
                        return sd_bus_error_setf(error, ROOST_ERROR_FAILED, "cannot remove container %s: failed to kill it: %s",
                                                 c->name, strerror(-r));
                if (r > 0) /* it ran with --rm: its exit removed it */
                        return sd_bus_reply_method_return(m, NULL);
        }
        /* answer once it is all gone, so the next command sees that */
        container_destroy(c);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_rename(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Container *c = userdata;
        Daemon *d = c->daemon;
        g_autofree char *old = NULL;
        const char *name;
        Container *other;
        int r;

        r = sd_bus_message_read(m, "s", &name);
        if (r < 0)
                return r;
        if (!container_name_valid(name))
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT,
                                         "invalid container name \"%.128s\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", name);
        other = g_hash_table_lookup(d->container_names, name);
        if (other == c)
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT, "renaming a container with the same name as its current name");
        if (other)
                return sd_bus_error_setf(error, ROOST_ERROR_EXISTS,
                                         "the container name \"/%s\" is already in use by container \"%s\". "
                                         "You have to remove (or rename) that container to be able to reuse that name.",
                                         name, other->id);
        old = c->name;
        g_hash_table_remove(d->container_names, old);
        c->name = g_strdup(name);
        g_hash_table_replace(d->container_names, c->name, c);
        r = container_save(c);
        if (r < 0) {
                g_hash_table_remove(d->container_names, c->name);
                g_free(c->name);
                c->name = g_steal_pointer(&old);
                g_hash_table_replace(d->container_names, c->name, c);
                return sd_bus_error_setf(error, ROOST_ERROR_FAILED, "cannot rename: %s", strerror(-r));
        }
        container_emit_changed(c, "Name", NULL);
        container_emit_event(c, "rename", "oldName", old);
        container_net_renamed(c);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_wait(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Container *c = userdata;
        const char *cond;
        int r;

        r = sd_bus_message_read(m, "s", &cond);
        if (r < 0)
                return r;
        if (isempty(cond))
                cond = "not-running";
        if (!streq(cond, "not-running") && !streq(cond, "next-exit") && !streq(cond, "removed"))
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT,
                                         "invalid wait condition \"%.64s\": use not-running, next-exit or removed", cond);
        if (streq(cond, "not-running") && !container_is_active(c))
                return sd_bus_reply_method_return(m, "i", c->exit_code);
        g_ptr_array_add(c->waiters, sd_bus_message_ref(m));
        return 1;
}

static GDateTime *date_time_from_usec(uint64_t usec) {
        g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc((gint64) (usec / 1000000));
        return g_date_time_add(t, (GTimeSpan) (usec % 1000000));
}

static char *usec_to_rfc3339(uint64_t usec) {
        g_autoptr(GDateTime) t = NULL;
        if (usec == 0)
                return g_strdup("0001-01-01T00:00:00Z");
        t = date_time_from_usec(usec);
        return g_date_time_format(t, "%Y-%m-%dT%H:%M:%S.%fZ");
}


static void inspect_add_time(RJsonBuilder *b, const char *name, uint64_t usec) {
        g_autofree char *s = usec_to_rfc3339(usec);
        rjson_member_string(b, name, strempty(s));
}

static int method_inspect(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Container *c = userdata;
        const ContainerOptions *o = c->options;
        g_autoptr(RJsonBuilder) b = rjson_builder_new();
        g_autoptr(json_t) root = NULL;
        g_autofree char *json = NULL, *name = g_strdup_printf("/%s", c->name);
        GHashTableIter it;
        gpointer k, v;
        char buf[32];

        rjson_begin_object(b);
        rjson_member_string(b, "Id", strempty(c->id));
        inspect_add_time(b, "Created", c->created_at);
        rjson_member_string(b, "Path", c->command && c->command[0] ? c->command[0] : "");
        rjson_key(b, "Args");
        rjson_begin_array(b);
        for (char **a = c->command && c->command[0] ? c->command + 1 : NULL; a && *a; a++)
                rjson_add_string(b, *a);
        rjson_end_array(b);

        rjson_key(b, "State");
        rjson_begin_object(b);
        rjson_member_string(b, "Status", strempty(container_state_to_string(c->state)));
        rjson_member_bool(b, "Running", container_is_active(c));
        rjson_member_bool(b, "Paused", c->state == CONTAINER_PAUSED);
        rjson_member_bool(b, "Restarting", c->state == CONTAINER_RESTARTING);
        rjson_member_int(b, "Pid", container_is_active(c) ? c->pid : 0);
        rjson_member_int(b, "ExitCode", c->exit_code);
        rjson_member_string(b, "Error", strempty(c->error));
        inspect_add_time(b, "StartedAt", c->started_at);
        inspect_add_time(b, "FinishedAt", c->finished_at);
        rjson_end_object(b);

        rjson_member_string(b, "Image", strempty(c->image_id));
        rjson_member_string(b, "Name", strempty(name));
        rjson_member_int(b, "RestartCount", c->restart_count);
        rjson_member_string(b, "LogPath", strempty(c->log_path));
        rjson_member_string(b, "Driver", strempty(c->daemon->facts.storage_driver));

        rjson_key(b, "HostConfig");
        rjson_begin_object(b);
        rjson_member_string(b, "NetworkMode", strempty(o->network_mode));
        rjson_key(b, "RestartPolicy");
        rjson_begin_object(b);
        {
                const char *p = restart_policy_string(o, buf, sizeof buf);
                g_autofree char *pname = g_strndup(p, strcspn(p, ":"));
                rjson_member_string(b, "Name", strempty(pname));
                rjson_member_int(b, "MaximumRetryCount", o->restart_max);
        }
        rjson_end_object(b);
        rjson_member_bool(b, "AutoRemove", o->auto_remove);
        rjson_member_bool(b, "Privileged", o->privileged);
        rjson_member_bool(b, "ReadonlyRootfs", o->read_only);
        rjson_member_bool(b, "Init", o->init);
        rjson_member_strv(b, "CapAdd", (const char *const *) o->cap_add);
        rjson_member_strv(b, "CapDrop", (const char *const *) o->cap_drop);
        rjson_member_int(b, "Memory", o->memory);
        rjson_member_int(b, "NanoCpus", o->nano_cpus);
        rjson_member_int(b, "PidsLimit", o->pids_limit);
        rjson_member_string(b, "UsernsMode", strempty(o->userns));
        rjson_key(b, "LogConfig");
        rjson_begin_object(b);
        rjson_member_string(b, "Type", strempty(o->log_driver));
        rjson_end_object(b);
        container_net_port_bindings(c, b);
        rjson_member_bool(b, "PublishAllPorts", o->publish_all);
        rjson_member_strv(b, "Dns", (const char *const *) o->dns);
        rjson_member_strv(b, "DnsSearch", (const char *const *) o->dns_search);
        rjson_member_strv(b, "DnsOptions", (const char *const *) o->dns_options);
        rjson_member_strv(b, "ExtraHosts", (const char *const *) o->extra_hosts);
        rjson_end_object(b);
        container_net_inspect(c, b);

        rjson_key(b, "Config");
        rjson_begin_object(b);
        {
                g_autofree char *short_id = g_strndup(c->id, 12);
                rjson_member_string(b, "Hostname", !isempty(o->hostname) ? o->hostname : short_id);
        }
        rjson_member_string(b, "User", strempty(o->user));
        rjson_member_bool(b, "Tty", o->tty);
        rjson_member_bool(b, "OpenStdin", o->open_stdin);
        rjson_member_strv(b, "Env", (const char *const *) o->env);
        rjson_member_strv(b, "Cmd", (const char *const *) o->cmd);
        rjson_member_strv(b, "Entrypoint", (const char *const *) o->entrypoint);
        rjson_member_string(b, "Image", strempty(c->image_ref));
        rjson_member_string(b, "WorkingDir", strempty(o->working_dir));
        rjson_member_string(b, "StopSignal", strempty(o->stop_signal));
        rjson_key(b, "Labels");
        rjson_begin_object(b);
        g_hash_table_iter_init(&it, o->labels);
        while (g_hash_table_iter_next(&it, &k, &v)) {
                rjson_member_string(b, k, v);
        }
        rjson_end_object(b);
        rjson_end_object(b);

        rjson_key(b, "Mounts");
        rjson_begin_array(b);
        for (size_t i = 0; i < o->n_mounts; i++) {
                const MountSpec *ms = &o->mounts[i];
                rjson_begin_object(b);
                rjson_member_string(b, "Type", ms->kind == MOUNT_BIND ? "bind" : ms->kind == MOUNT_VOLUME ? "volume" : "tmpfs");
                if (ms->kind == MOUNT_VOLUME)
                        rjson_member_string(b, "Name", strempty(ms->source));
                rjson_member_string(b, "Source", strempty(ms->source));
                rjson_member_string(b, "Destination", strempty(ms->target));
                rjson_member_bool(b, "RW", !ms->readonly);
                rjson_end_object(b);
        }
        rjson_end_array(b);
        rjson_end_object(b);

        root = rjson_builder_root(b);
        json = rjson_dump(root, true);
        return sd_bus_reply_method_return(m, "s", json);
}

static const sd_bus_vtable container_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("Start", SD_BUS_ARGS("a{sv}", options), SD_BUS_RESULT("ah", streams), method_container_start, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Attach", SD_BUS_ARGS("a{sv}", options), SD_BUS_RESULT("h", stream), method_container_attach, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Stop", SD_BUS_ARGS("u", timeout), SD_BUS_NO_RESULT, method_container_stop, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Restart", SD_BUS_ARGS("u", timeout), SD_BUS_NO_RESULT, method_container_restart, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Kill", SD_BUS_ARGS("s", signal), SD_BUS_NO_RESULT, method_container_kill, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Remove", SD_BUS_ARGS("a{sv}", options), SD_BUS_NO_RESULT, method_remove, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Wait", SD_BUS_ARGS("s", condition), SD_BUS_RESULT("i", exit_code), method_wait, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Exec", SD_BUS_ARGS("a{sv}", options), SD_BUS_RESULT("h", stream), method_container_exec, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Resize", SD_BUS_ARGS("u", rows, "u", columns), SD_BUS_NO_RESULT, method_container_resize, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Rename", SD_BUS_ARGS("s", name), SD_BUS_NO_RESULT, method_rename, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Pause", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_container_pause, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Unpause", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_container_unpause, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Update", SD_BUS_ARGS("a{sv}", options), SD_BUS_NO_RESULT, method_container_update, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Stats", SD_BUS_NO_ARGS, SD_BUS_RESULT("a{sv}", stats), method_container_stats, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Top", SD_BUS_ARGS("as", ps_args), SD_BUS_RESULT("as", titles, "aas", processes), method_container_top, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Connect", SD_BUS_ARGS("s", network, "a{sv}", options), SD_BUS_NO_RESULT, method_container_connect, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Disconnect", SD_BUS_ARGS("s", network, "b", force), SD_BUS_NO_RESULT, method_container_disconnect, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Inspect", SD_BUS_NO_ARGS, SD_BUS_RESULT("s", json), method_inspect, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("CopyFrom", SD_BUS_ARGS("s", path), SD_BUS_RESULT("h", tar), method_container_copy_from, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("CopyTo", SD_BUS_ARGS("s", path, "h", tar), SD_BUS_NO_RESULT, method_container_copy_to, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_PROPERTY("Id", "s", get_id, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Name", "s", get_name, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Image", "s", get_image, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("ImageId", "s", get_image_id, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("State", "s", get_state, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Pid", "u", get_pid, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("ExitCode", "i", get_exit_code, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("CreatedAt", "t", get_created_at, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("StartedAt", "t", get_started_at, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("FinishedAt", "t", get_finished_at, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("RestartCount", "u", get_restart_count, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("RestartPolicy", "s", get_restart_policy, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Command", "as", get_command, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Tty", "b", get_tty, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("OpenStdin", "b", get_open_stdin, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("LogPath", "s", get_log_path, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Scope", "s", get_scope, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Labels", "a{ss}", get_labels, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Error", "s", get_error_text, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_VTABLE_END
};

static int container_object_find(sd_bus *bus, const char *path, const char *interface, void *userdata, void **found,
                                 sd_bus_error *error) {
        Daemon *d = userdata;
        const char *id = startswith(path, ROOST_CONTAINER_PATH_PREFIX "/");
        Container *c;

        if (!id || !(c = g_hash_table_lookup(d->containers, id)))
                return 0;
        *found = c;
        return 1;
}

static int container_node_enumerator(sd_bus *bus, const char *path, void *userdata, char ***nodes, sd_bus_error *error) {
        Daemon *d = userdata;
        char **l = calloc(g_hash_table_size(d->containers) + 1, sizeof(char *));
        GHashTableIter it;
        gpointer v;
        size_t n = 0;

        if (!l)
                return -ENOMEM;
        g_hash_table_iter_init(&it, d->containers);
        while (g_hash_table_iter_next(&it, NULL, &v))
                if (!(l[n++] = strdup(((Container *) v)->path))) {
                        strv_free(l);
                        return -ENOMEM;
                }
        *nodes = l;
        return 1;
}

int containers_register(Daemon *d) {
        int r;

        r = sd_bus_add_fallback_vtable(d->bus, NULL, ROOST_CONTAINER_PATH_PREFIX, ROOST_CONTAINER_IFACE, container_vtable,
                                       container_object_find, d);
        if (r < 0)
                return log_error_errno(r, "Failed to register %s: %m", ROOST_CONTAINER_IFACE);
        r = sd_bus_add_node_enumerator(d->bus, NULL, ROOST_CONTAINER_PATH_PREFIX, container_node_enumerator, d);
        if (r < 0)
                return log_error_errno(r, "Failed to add the container enumerator: %m");
        return 0;
}

/* --- loading ------------------------------------------------------------- */

static int container_compute_command(Container *c) {
        _cleanup_(image_config_freep) ImageConfig *img = NULL;
        int r = container_image_config(c->daemon, c->image_id, &img);

        if (r < 0)
                log_debug_errno(r, "Image %s of container %s is gone: %m", c->image_id, c->id);
        g_strfreev(c->command);
        c->command = oci_spec_args(c->options, img);
        return 0;
}

int containers_load(Daemon *d) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int rc;

        d->containers = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify) container_free);
        d->container_names = g_hash_table_new(g_str_hash, g_str_equal);

        rc = state_db_prepare(d->db,
                              "SELECT id, name, image_id, image_ref, options, state, created_at, started_at, finished_at,"
                              " exit_code, pid, restart_count, stopped_by_user, userns_base, userns_size FROM containers",
                              &st);
        if (rc != SQLITE_OK)
                return log_error_errno(sqlite_to_errno(rc), "Failed to read containers from %s: %s", d->db->path,
                                       state_db_errmsg(d->db));
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                const char *id = (const char *) sqlite3_column_text(st, 0);
                const char *opts = (const char *) sqlite3_column_text(st, 4);
                g_autoptr(GError) e = NULL;
                g_autofree char *err = NULL;
                Container *c;

                c = container_new(d, id);
                c->name = g_strdup((const char *) sqlite3_column_text(st, 1));
                c->image_id = g_strdup((const char *) sqlite3_column_text(st, 2));
                c->image_ref = g_strdup((const char *) sqlite3_column_text(st, 3));
                c->options_v = g_variant_parse(G_VARIANT_TYPE("a{sv}"), opts, NULL, NULL, &e);
                if (!c->options_v || container_options_parse(c->options_v, &c->options, &err) < 0) {
                        log_error("Container %s (%s) has unreadable options in %s, skipping it: %s", c->name, id,
                                  d->db->path, e ? e->message : err);
                        container_free(c);
                        continue;
                }
                c->state = container_state_from_string((const char *) sqlite3_column_text(st, 5));
                c->created_at = (uint64_t) sqlite3_column_int64(st, 6);
                c->started_at = (uint64_t) sqlite3_column_int64(st, 7);
                c->finished_at = (uint64_t) sqlite3_column_int64(st, 8);
                c->exit_code = sqlite3_column_int(st, 9);
                c->pid = sqlite3_column_int(st, 10);
                c->restart_count = (unsigned) sqlite3_column_int(st, 11);
                c->stopped_by_user = sqlite3_column_int(st, 12);
                c->userns_base = (uint32_t) sqlite3_column_int64(st, 13);
                c->userns_size = (uint32_t) sqlite3_column_int64(st, 14);
                container_compute_command(c);
                container_index(d, c);
        }
        if (rc != SQLITE_DONE)
                return log_error_errno(sqlite_to_errno(rc), "Failed to read containers from %s: %s", d->db->path,
                                       state_db_errmsg(d->db));
        {
                /* adopting a --rm container whose shim is gone removes it:
                 * not while iterating the table */
                g_autoptr(GPtrArray) all = g_ptr_array_new();
                GHashTableIter it;
                gpointer v;
                g_hash_table_iter_init(&it, d->containers);
                while (g_hash_table_iter_next(&it, NULL, &v))
                        g_ptr_array_add(all, v);
                for (guint i = 0; i < all->len; i++)
                        container_run_adopt(all->pdata[i]);
        }
        log_debug("Loaded %u containers, %u running.", containers_count(d, false), containers_count(d, true));
        return 0;
}

void containers_free(Daemon *d) {
        if (d->containers)
                g_hash_table_destroy(d->containers);
        if (d->container_names)
                g_hash_table_destroy(d->container_names);
        d->containers = d->container_names = NULL;
}

/* --- Manager1 methods ---------------------------------------------------- */

static bool name_taken(const char *name, void *userdata) {
        return g_hash_table_contains(((Daemon *) userdata)->container_names, name);
}

int method_create_container(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Daemon *d = userdata;
        g_autoptr(GVariant) opts_v = NULL;
        g_autoptr(ContainerOptions) opts = NULL;
        g_autofree char *err = NULL, *ref = NULL, *image_id = NULL, *id = NULL, *rootfs = NULL;
        _cleanup_(image_config_freep) ImageConfig *img = NULL;
        Container *c;
        int r;

        r = bus_message_read_gvariant(m, &opts_v);
        if (r < 0)
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT, "the options must be a{sv} of basic values");
        g_variant_ref_sink(opts_v);
        if (g_variant_get_size(opts_v) > 4 * 1024 * 1024)
                return sd_bus_error_setf(error, ROOST_ERROR_LIMIT, "the container options are larger than 4 MiB");
        r = container_options_parse(opts_v, &opts, &err);
        if (r < 0)
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT, "%s", err);

        if (!isempty(opts->name) && g_hash_table_contains(d->container_names, opts->name)) {
                Container *other = g_hash_table_lookup(d->container_names, opts->name);
                return sd_bus_error_setf(error, ROOST_ERROR_EXISTS,
                                         "Conflict. The container name \"/%s\" is already in use by container \"%s\". "
                                         "You have to remove (or rename) that container to be able to reuse that name.",
                                         opts->name, other->id);
        }

        r = container_run_check_options(d, opts, &err);
        if (r < 0)
                return sd_bus_error_setf(error, r == -EOPNOTSUPP ? ROOST_ERROR_NOT_SUPPORTED : ROOST_ERROR_INVALID_ARGUMENT, "%s", err);
        g_clear_pointer(&err, g_free);

        r = container_image_resolve(d, opts->image, &ref, &image_id, &img, &err);
        if (r == -ENOENT)
                return sd_bus_error_setf(error, ROOST_ERROR_NO_SUCH_IMAGE, "%s", err);
        if (r < 0)
                return sd_bus_error_setf(error, ROOST_ERROR_FAILED, "%s", err ? err : strerror(-r));

        id = names_random_id();
        c = container_new(d, id);
        c->name = isempty(opts->name) ? names_generate(name_taken, d) : g_strdup(opts->name);
        c->image_ref = g_steal_pointer(&ref);
        c->image_id = g_steal_pointer(&image_id);
        c->options_v = g_variant_ref(opts_v);
        c->options = g_steal_pointer(&opts);
        c->command = oci_spec_args(c->options, img);
        c->state = CONTAINER_CREATED;
        c->created_at = now_usec();

        if (!c->command[0]) {
                container_free(c);
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT,
                                         "no command specified: the image has neither Entrypoint nor Cmd; give a command after the image");
        }

        r = mkdir_p(c->data_dir, 0700);
        if (r >= 0)
                r = mkdir_p(c->run_dir, 0700);
        if (r < 0) {
                r = sd_bus_error_setf(error, ROOST_ERROR_FAILED, "cannot create %s: %s", c->data_dir, strerror(-r));
                goto fail;
        }
        r = container_rootfs_prepare(d, c->image_id, c->id, &rootfs, &err);
        if (r < 0) {
                r = sd_bus_error_setf(error, ROOST_ERROR_FAILED, "cannot prepare the root filesystem of the container: %s",
                                      err ? err : strerror(-r));
                goto fail;
        }
        r = container_run_userns_allocate(c, rootfs, &err);
        if (r < 0) {
                r = sd_bus_error_setf(error, r == -ENOSPC ? ROOST_ERROR_LIMIT : ROOST_ERROR_FAILED, "%s", err);
                (void) container_rootfs_remove(d, c->id);
                goto fail;
        }
        r = state_db_begin(d->db);
        if (r >= 0)
                r = container_save(c);
        if (r < 0) {
                state_db_rollback(d->db);
                r = sd_bus_error_setf(error, ROOST_ERROR_FAILED, "cannot record the container in %s: %s", d->db->path, strerror(-r));
                (void) container_rootfs_remove(d, c->id);
                goto fail;
        }
        /* its address on its network, in the same transaction: no container
         * without its lease, no lease without its container */
        g_clear_pointer(&err, g_free);
        r = container_net_create(c, &err);
        if (r >= 0)
                r = state_db_commit(d->db);
        if (r < 0) {
                state_db_rollback(d->db);
                r = sd_bus_error_setf(error, r == -ENOENT ? ROOST_ERROR_NO_SUCH_NETWORK
                                             : r == -EIO || r == -ENOMEM ? ROOST_ERROR_FAILED : ROOST_ERROR_INVALID_ARGUMENT,
                                      "%s", err ? err : strerror(-r));
                (void) container_rootfs_remove(d, c->id);
                goto fail;
        }
        container_index(d, c);
        (void) sd_bus_emit_object_added(d->bus, c->path);
        container_emit_event(c, "create", NULL, NULL);
        return sd_bus_reply_method_return(m, "o", c->path);

fail:
        (void) rm_rf_private(c->run_dir);
        (void) rm_rf_private(c->data_dir);
        container_free(c);
        return r;
}

static int append_container_dict(sd_bus_message *reply, Container *c, GHashTable *networks) {
        g_autofree char *cmd = c->command ? g_strjoinv(" ", c->command) : g_strdup("");
        int r;

        r = sd_bus_message_open_container(reply, 'a', "{sv}");
        if (r < 0)
                return r;
        if ((r = bus_dict_append_str(reply, "Id", c->id)) < 0 || (r = bus_dict_append_str(reply, "Name", c->name)) < 0 ||
            (r = bus_dict_append_str(reply, "Image", c->image_ref)) < 0 ||
            (r = bus_dict_append_str(reply, "ImageId", c->image_id)) < 0 ||
            (r = bus_dict_append_str(reply, "Command", cmd)) < 0 ||
            (r = bus_dict_append_u64(reply, "CreatedAt", c->created_at)) < 0 ||
            (r = bus_dict_append_u64(reply, "StartedAt", c->started_at)) < 0 ||
            (r = bus_dict_append_u64(reply, "FinishedAt", c->finished_at)) < 0 ||
            (r = bus_dict_append_str(reply, "State", container_state_to_string(c->state))) < 0 ||
            (r = sd_bus_message_append(reply, "{sv}", "ExitCode", "i", c->exit_code)) < 0 ||
            (r = bus_dict_append_u32(reply, "Pid", (uint32_t) (container_is_active(c) ? c->pid : 0))) < 0 ||
            (r = bus_dict_append_u32(reply, "RestartCount", c->restart_count)) < 0)
                return r;
        {
                g_autofree char *ports = container_net_ports_text(c);
                g_auto(GStrv) nets = container_net_networks(c, networks);
                if ((r = bus_dict_append_str(reply, "Ports", ports)) < 0 || (r = bus_dict_append_strv(reply, "Networks", nets)) < 0)
                        return r;
        }
        r = bus_dict_entry_open(reply, "Labels", "a{ss}");
        if (r >= 0)
                r = append_labels(reply, c->options->labels);
        if (r >= 0)
                r = bus_dict_entry_close(reply);
        if (r < 0)
                return r;
        return sd_bus_message_close_container(reply);
}

static gint by_created_desc(gconstpointer a, gconstpointer b) {
        const Container *x = *(Container *const *) a, *y = *(Container *const *) b;
        return x->created_at < y->created_at ? 1 : x->created_at > y->created_at ? -1 : 0;
}

int method_list_containers(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        g_autoptr(GPtrArray) list = g_ptr_array_new();
        g_autoptr(GHashTable) networks = NULL;
        Daemon *d = userdata;
        GHashTableIter it;
        gpointer v;
        int all, r;

        r = sd_bus_message_read(m, "b", &all);
        if (r < 0)
                return r;
        if (container_net_networks_all(d, &networks) < 0)
                return sd_bus_error_setf(error, ROOST_ERROR_FAILED, "cannot list the containers' networks: %s: %s",
                                         d->db->path, state_db_errmsg(d->db));
        g_hash_table_iter_init(&it, d->containers);
        while (g_hash_table_iter_next(&it, NULL, &v))
                if (all || container_is_active(v))
                        g_ptr_array_add(list, v);
        g_ptr_array_sort(list, by_created_desc);

        r = sd_bus_message_new_method_return(m, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', "a{sv}");
        if (r < 0)
                return r;
        for (guint i = 0; i < list->len; i++) {
                r = append_container_dict(reply, list->pdata[i], networks);
                if (r < 0)
                        return r;
        }
        return bus_close_and_send(reply);
}

int method_prune_containers(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Daemon *d = userdata;
        g_autoptr(GPtrArray) victims = g_ptr_array_new();
        g_autoptr(GStrvBuilder) removed = g_strv_builder_new();
        g_auto(GStrv) ids = NULL;
        GHashTableIter it;
        gpointer v;

        g_hash_table_iter_init(&it, d->containers);
        while (g_hash_table_iter_next(&it, NULL, &v)) {
                Container *c = v;
                if (c->state == CONTAINER_CREATED || c->state == CONTAINER_EXITED || c->state == CONTAINER_DEAD)
                        g_ptr_array_add(victims, c);
        }
        for (guint i = 0; i < victims->len; i++) {
                Container *c = victims->pdata[i];
                g_strv_builder_add(removed, c->id);
                container_destroy(c);
        }
        ids = g_strv_builder_end(removed);
        return bus_reply_strv(m, ids);
}

int method_get_container(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Daemon *d = userdata;
        g_autofree char *err = NULL;
        const char *name;
        Container *c;
        int r;

        r = sd_bus_message_read(m, "s", &name);
        if (r < 0)
                return r;
        r = bus_check_string("container name or ID", name, ROOST_NAME_MAX, error);
        if (r < 0)
                return r;
        r = container_find(d, name, &c, &err);
        if (r == -ENOTUNIQ)
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT, "%s", err);
        if (r < 0)
                return sd_bus_error_setf(error, ROOST_ERROR_NO_SUCH_CONTAINER, "No such container: %s", name);
        return sd_bus_reply_method_return(m, "o", c->path);
}
