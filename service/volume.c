/* SPDX-License-Identifier: Apache-2.0 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <glib.h>
#include <sched.h>
#include <sys/stat.h>

#include "bus-util.h"
#include "container.h"
#include "log.h"
#include "names.h"
#include "nsexec.h"
#include "paths.h"
#include "roost-names.h"
#include "volume.h"

static char *volume_dir(Daemon *d, const char *name) {
        return g_strdup_printf("%s/%s/%s", d->data_dir, ROOST_VOLUMES_DIR, name);
}

static int unlink_cb(const char *path, const struct stat *st, int type, struct FTW *ftw) {
        if (remove(path) < 0 && errno != ENOENT)
                return -1;
        return 0;
}

static int remove_tree_fn(void *userdata, char *errbuf, size_t errlen) {
        const char *path = userdata;
        /* FTW_PHYS: never follow symlinks; FTW_MOUNT: stay on this filesystem */
        if (nftw(path, unlink_cb, 64, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0 && errno != ENOENT) {
                snprintf(errbuf, errlen, "cannot remove %s: %s", path, strerror(errno));
                return -errno;
        }
        return 0;
}

int remove_tree_in_userns(Daemon *d, const char *path) {
        g_autofree char *err = NULL;
        int r = nsexec_run(d, CLONE_NEWUSER | CLONE_NEWNS, remove_tree_fn, (void *) path, 120 * 1000, &err);
        if (r < 0)
                return log_warning_errno(r, "%s", err ? err : "Failed to remove a tree");
        return 0;
}

/* 1: the volume exists; 0: it does not; -EIO: the database cannot say
 * (volume_db_error() tells the caller why). */
static int volume_lookup(Daemon *d, const char *name, uint64_t *ret_created, char **ret_labels) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int rc;

        if (state_db_prepare(d->db, "SELECT created_at, labels FROM volumes WHERE name = ?", &st) != SQLITE_OK)
                return -EIO;
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
                return 0;
        if (rc != SQLITE_ROW)
                return -EIO;
        if (ret_created)
                *ret_created = (uint64_t) sqlite3_column_int64(st, 0);
        if (ret_labels)
                *ret_labels = g_strdup((const char *) sqlite3_column_text(st, 1));
        return 1;
}

static int volume_db_error(Daemon *d, sd_bus_error *error, const char *what, const char *name) {
        return sd_bus_error_setf(error, ROOST_ERROR_FAILED, "cannot %s volume %.128s: %s: %s", what, name, d->db->path,
                                 state_db_errmsg(d->db));
}

static int volume_create(Daemon *d, const char *name, GVariant *labels) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        g_autofree char *dir = volume_dir(d, name), *data = g_strdup_printf("%s/_data", dir);
        g_autofree char *text = labels ? g_variant_print(labels, TRUE) : g_strdup("@a{ss} {}");
        int r, rc;

        r = mkdir_p(data, 0700);
        if (r < 0)
                return log_error_errno(r, "Failed to create %s: %m", data);
        (void) chmod(data, 0755);
        rc = state_db_prepare(d->db, "INSERT OR IGNORE INTO volumes(name, created_at, labels) VALUES (?,?,?)", &st);
        if (rc != SQLITE_OK)
                return sqlite_to_errno(rc);
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, (sqlite3_int64) now_usec());
        sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        return rc == SQLITE_DONE ? 0 : sqlite_to_errno(rc);
}

int volume_ensure(Daemon *d, const char *name, char **ret_path) {
        int r;

        r = volume_lookup(d, name, NULL, NULL);
        if (r < 0)
                return r;
        if (r == 0) {
                r = volume_create(d, name, NULL);
                if (r < 0)
                        return r;
        }
        *ret_path = g_strdup_printf("%s/%s/%s/_data", d->data_dir, ROOST_VOLUMES_DIR, name);
        return 0;
}

static const char *volume_user(Daemon *d, const char *name) {
        GHashTableIter it;
        gpointer v;

        g_hash_table_iter_init(&it, d->containers);
        while (g_hash_table_iter_next(&it, NULL, &v)) {
                Container *c = v;
                for (size_t i = 0; i < c->options->n_mounts; i++)
                        if (c->options->mounts[i].kind == MOUNT_VOLUME && streq(c->options->mounts[i].source, name))
                                return c->name;
        }
        return NULL;
}

static int append_volume(Daemon *d, sd_bus_message *reply, const char *name, uint64_t created, const char *labels_text) {
        g_autofree char *mp = g_strdup_printf("%s/%s/%s/_data", d->data_dir, ROOST_VOLUMES_DIR, name);
        g_autoptr(GVariant) labels = labels_text ? g_variant_parse(G_VARIANT_TYPE("a{ss}"), labels_text, NULL, NULL, NULL) : NULL;
        int r;

        r = sd_bus_message_open_container(reply, 'a', "{sv}");
        if (r < 0)
                return r;
        if ((r = bus_dict_append_str(reply, "Name", name)) < 0 || (r = bus_dict_append_str(reply, "Driver", "local")) < 0 ||
            (r = bus_dict_append_str(reply, "Mountpoint", mp)) < 0 || (r = bus_dict_append_str(reply, "Scope", "local")) < 0 ||
            (r = bus_dict_append_u64(reply, "CreatedAt", created)) < 0)
                return r;
        r = bus_dict_append_labels(reply, "Labels", labels);
        if (r < 0)
                return r;
        return sd_bus_message_close_container(reply);
}

int method_create_volume(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Daemon *d = userdata;
        g_autoptr(GVariant) labels = NULL;
        g_autofree char *generated = NULL, *labels_text = NULL;
        const char *name;
        uint64_t created = 0;
        int r;

        r = sd_bus_message_read(m, "s", &name);
        if (r < 0)
                return r;
        r = bus_message_read_labels(m, &labels);
        if (r < 0)
                return r;
        if (isempty(name))
                name = generated = names_random_id();
        else if (!container_name_valid(name) || strlen(name) < 2)
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT,
                                         "invalid volume name \"%.128s\": use [a-zA-Z0-9][a-zA-Z0-9_.-]+", name);
        r = volume_lookup(d, name, NULL, NULL);
        if (r < 0)
                return volume_db_error(d, error, "create", name);
        if (r == 0) {
                r = volume_create(d, name, labels);
                if (r < 0)
                        return sd_bus_error_setf(error, ROOST_ERROR_FAILED, "cannot create volume %s: %s", name, strerror(-r));
        }
        if (volume_lookup(d, name, &created, &labels_text) < 0)
                return volume_db_error(d, error, "create", name);
        r = sd_bus_message_new_method_return(m, &reply);
        if (r >= 0)
                r = append_volume(d, reply, name, created, labels_text);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

int method_list_volumes(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        Daemon *d = userdata;
        int r;

        r = sd_bus_message_new_method_return(m, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', "a{sv}");
        if (r < 0)
                return r;
        if (state_db_prepare(d->db, "SELECT name, created_at, labels FROM volumes ORDER BY name", &st) != SQLITE_OK)
                return sd_bus_error_setf(error, ROOST_ERROR_FAILED, "cannot read volumes from %s: %s", d->db->path,
                                         state_db_errmsg(d->db));
        while (sqlite3_step(st) == SQLITE_ROW) {
                r = append_volume(d, reply, (const char *) sqlite3_column_text(st, 0), (uint64_t) sqlite3_column_int64(st, 1),
                                  (const char *) sqlite3_column_text(st, 2));
                if (r < 0)
                        return r;
        }
        return bus_close_and_send(reply);
}

int method_inspect_volume(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Daemon *d = userdata;
        g_autofree char *labels = NULL;
        const char *name;
        uint64_t created;
        int r;

        r = sd_bus_message_read(m, "s", &name);
        if (r < 0)
                return r;
        r = volume_lookup(d, name, &created, &labels);
        if (r < 0)
                return volume_db_error(d, error, "inspect", name);
        if (r == 0)
                return sd_bus_error_setf(error, ROOST_ERROR_NO_SUCH_VOLUME, "get %.128s: no such volume", name);
        r = sd_bus_message_new_method_return(m, &reply);
        if (r >= 0)
                r = append_volume(d, reply, name, created, labels);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int volume_delete(Daemon *d, const char *name) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        g_autofree char *dir = volume_dir(d, name);
        int r;

        r = remove_tree_in_userns(d, dir);
        if (r < 0)
                return r;
        if (state_db_prepare(d->db, "DELETE FROM volumes WHERE name = ?", &st) != SQLITE_OK)
                return -EIO;
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        return sqlite3_step(st) == SQLITE_DONE ? 0 : -EIO;
}

int method_remove_volume(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Daemon *d = userdata;
        const char *name, *user;
        int force, r;

        r = sd_bus_message_read(m, "sb", &name, &force);
        if (r < 0)
                return r;
        r = volume_lookup(d, name, NULL, NULL);
        if (r < 0)
                return volume_db_error(d, error, "remove", name);
        if (r == 0) {
                if (force)
                        return sd_bus_reply_method_return(m, NULL);
                return sd_bus_error_setf(error, ROOST_ERROR_NO_SUCH_VOLUME, "get %.128s: no such volume", name);
        }
        user = volume_user(d, name);
        if (user)
                return sd_bus_error_setf(error, ROOST_ERROR_IN_USE,
                                         "remove %s: volume is in use by container %s: remove the container first", name, user);
        r = volume_delete(d, name);
        if (r < 0)
                return sd_bus_error_setf(error, ROOST_ERROR_FAILED, "cannot remove volume %s: %s", name, strerror(-r));
        return sd_bus_reply_method_return(m, NULL);
}

int method_prune_volumes(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        Daemon *d = userdata;
        g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(GStrvBuilder) removed = g_strv_builder_new();
        g_auto(GStrv) out = NULL;

        if (state_db_prepare(d->db, "SELECT name FROM volumes", &st) != SQLITE_OK)
                return sd_bus_error_setf(error, ROOST_ERROR_FAILED, "cannot read volumes from %s: %s", d->db->path,
                                         state_db_errmsg(d->db));
        while (sqlite3_step(st) == SQLITE_ROW)
                g_ptr_array_add(names, g_strdup((const char *) sqlite3_column_text(st, 0)));
        for (guint i = 0; i < names->len; i++)
                if (!volume_user(d, names->pdata[i]) && volume_delete(d, names->pdata[i]) >= 0)
                        g_strv_builder_add(removed, names->pdata[i]);
        out = g_strv_builder_end(removed);
        return bus_reply_strv(m, out);
}
