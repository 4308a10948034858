/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <glib.h>

#include "images.h"
#include "image-store.h"
#include "log.h"
#include "reference.h"

void image_free(Image *i) {
        if (!i)
                return;
        free(i->id);
        strv_free(i->repo_tags);
        strv_free(i->repo_digests);
        free(i->manifest_digest);
        free(i->manifest_media_type);
        free(i->index_digest);
        free(i->os);
        free(i->architecture);
        free(i->variant);
        for (size_t k = 0; k < i->n_layers; k++) {
                free(i->layers[k].chain_id);
                free(i->layers[k].diff_id);
                free(i->layers[k].digest);
                free(i->layers[k].media_type);
        }
        free(i->layers);
        image_config_free(i->config);
        free(i);
}

void image_list_free(Image **l, size_t n) {
        for (size_t i = 0; i < n; i++)
                image_free(l[i]);
        free(l);
}

static char *col_dup(sqlite3_stmt *st, int i) {
        const unsigned char *t = sqlite3_column_text(st, i);
        return t ? strdup((const char *) t) : NULL;
}

static int prepare(StateDb *db, const char *sql, sqlite3_stmt **ret) {
        int rc = state_db_prepare(db, sql, ret);
        if (rc != SQLITE_OK)
                return log_error_errno(sqlite_to_errno(rc), "%s: %s", db->path, state_db_errmsg(db));
        return 0;
}

/* Runs a query of one text column and one text parameter (or none), collecting the results. */
static int query_strv(StateDb *db, const char *sql, const char *param, char ***ret) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        _cleanup_strv_free_ char **l = calloc(1, sizeof(char *));
        int r, rc;

        if (!l)
                return -ENOMEM;
        r = prepare(db, sql, &st);
        if (r < 0)
                return r;
        if (param)
                sqlite3_bind_text(st, 1, param, -1, SQLITE_STATIC);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
                if (strv_push(&l, col_dup(st, 0)) < 0)
                        return -ENOMEM;
        if (rc != SQLITE_DONE)
                return sqlite_to_errno(rc);
        *ret = TAKE_PTR(l);
        return 0;
}

static int query_one(StateDb *db, const char *sql, const char *param, char **ret) {
        _cleanup_strv_free_ char **l = NULL;
        int r = query_strv(db, sql, param, &l);

        if (r < 0)
                return r;
        if (!l[0])
                return -ENOENT;
        if (l[1])
                return -ENOTUNIQ;
        *ret = strdup(l[0]);
        return *ret ? 0 : -ENOMEM;
}

static bool is_hex(const char *s) {
        if (!*s)
                return false;
        for (; *s; s++)
                if (!isxdigit((unsigned char) *s) || isupper((unsigned char) *s))
                        return false;
        return true;
}

int image_store_resolve(StateDb *db, const char *s, char **ret_id) {
        Reference ref = {};
        int r;

        if (digest_is_valid(s))
                return query_one(db, "SELECT id FROM images WHERE id = ?", s, ret_id);
        if (strlen(s) == DIGEST_HEX_LEN && is_hex(s)) {
                g_autofree char *id = g_strconcat(DIGEST_SHA256_PREFIX, s, NULL);
                return query_one(db, "SELECT id FROM images WHERE id = ?", id, ret_id);
        }
        if (reference_parse(s, &ref, NULL) >= 0) {
                g_autofree char *name = NULL;
                if (ref.digest) {
                        g_autofree char *n = reference_name(&ref);
                        name = g_strdup_printf("%s@%s", n, ref.digest);
                        r = query_one(db, "SELECT image_id FROM image_digests WHERE name || '@' || digest = ?", name, ret_id);
                } else {
                        name = reference_string(&ref);
                        r = query_one(db, "SELECT image_id FROM image_names WHERE name = ?", name, ret_id);
                }
                reference_done(&ref);
                if (r != -ENOENT)
                        return r;
        }
        if (strlen(s) >= 1 && strlen(s) < DIGEST_HEX_LEN && is_hex(s)) {
                g_autofree char *pattern = g_strconcat(DIGEST_SHA256_PREFIX, s, "%", NULL);
                return query_one(db, "SELECT id FROM images WHERE id LIKE ?", pattern, ret_id);
        }
        return -ENOENT;
}

int image_store_load(StateDb *db, ContentStore *cs, const char *id, bool with_config, Image **ret) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        _cleanup_image_ Image *img = calloc(1, sizeof(Image));
        int r, rc;

        if (!img)
                return -ENOMEM;
        r = prepare(db, "SELECT id, manifest_digest, manifest_media_type, index_digest, os, architecture, variant, "
                        "created, size, added_at FROM images WHERE id = ?", &st);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
                return -ENOENT;
        if (rc != SQLITE_ROW)
                return sqlite_to_errno(rc);
        img->id = col_dup(st, 0);
        img->manifest_digest = col_dup(st, 1);
        img->manifest_media_type = col_dup(st, 2);
        img->index_digest = col_dup(st, 3);
        img->os = col_dup(st, 4);
        img->architecture = col_dup(st, 5);
        img->variant = col_dup(st, 6);
        img->created = sqlite3_column_int64(st, 7);
        img->size = (uint64_t) sqlite3_column_int64(st, 8);
        img->added_at = sqlite3_column_int64(st, 9);
        sqlite3_finalize(st);
        st = NULL;

        r = query_strv(db, "SELECT name FROM image_names WHERE image_id = ? ORDER BY name", id, &img->repo_tags);
        if (r < 0)
                return r;
        r = query_strv(db, "SELECT name || '@' || digest FROM image_digests WHERE image_id = ? ORDER BY name", id,
                       &img->repo_digests);
        if (r < 0)
                return r;

        r = prepare(db, "SELECT chain_id, diff_id, digest, media_type, blob_size, size FROM image_layers "
                        "WHERE image_id = ? ORDER BY position", &st);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                ImageLayer *l = realloc(img->layers, sizeof(ImageLayer) * (img->n_layers + 1));
                if (!l)
                        return -ENOMEM;
                img->layers = l;
                img->layers[img->n_layers++] = (ImageLayer) {
                        .chain_id = col_dup(st, 0),
                        .diff_id = col_dup(st, 1),
                        .digest = col_dup(st, 2),
                        .media_type = col_dup(st, 3),
                        .blob_size = (uint64_t) sqlite3_column_int64(st, 4),
                        .size = (uint64_t) sqlite3_column_int64(st, 5),
                };
        }
        if (rc != SQLITE_DONE)
                return sqlite_to_errno(rc);

        if (with_config) {
                _cleanup_free_ char *json = NULL, *error = NULL;
                size_t n;
                r = content_store_read(cs, id, OCI_CONFIG_MAX, &json, &n);
                if (r < 0)
                        return log_error_errno(r, "Cannot read the config of image %s: %m", id);
                r = image_config_parse(json, n, &img->config, &error);
                if (r < 0)
                        return log_error_errno(r, "Cannot parse the config of image %s: %s", id, strna(error));
        }
        *ret = TAKE_PTR(img);
        return 0;
}

int image_lookup(Daemon *d, const char *ref_or_id, Image **ret) {
        _cleanup_free_ char *id = NULL;
        int r;

        r = image_store_resolve(d->db, ref_or_id, &id);
        if (r < 0)
                return r;
        return image_store_load(d->db, images_store(d), id, true, ret);
}

int image_store_list(StateDb *db, ContentStore *cs, Image ***ret, size_t *ret_n) {
        _cleanup_strv_free_ char **ids = NULL;
        Image **l;
        size_t n;
        int r;

        r = query_strv(db, "SELECT id FROM images ORDER BY added_at DESC, id", NULL, &ids);
        if (r < 0)
                return r;
        n = strv_length(ids);
        l = calloc(n + 1, sizeof(Image *));
        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                r = image_store_load(db, cs, ids[i], false, &l[i]);
                if (r < 0) {
                        image_list_free(l, i);
                        return r;
                }
        }
        *ret = l;
        *ret_n = n;
        return 0;
}

unsigned image_store_count(StateDb *db) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;

        if (prepare(db, "SELECT count(*) FROM images", &st) < 0 || sqlite3_step(st) != SQLITE_ROW)
                return 0;
        return (unsigned) sqlite3_column_int(st, 0);
}

static int exec_bind(StateDb *db, const char *sql, int n, ...) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        va_list ap;
        int r, rc;

        r = prepare(db, sql, &st);
        if (r < 0)
                return r;
        va_start(ap, n);
        for (int i = 1; i <= n; i++) {
                char type = (char) va_arg(ap, int);
                if (type == 's')
                        sqlite3_bind_text(st, i, va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
                else
                        sqlite3_bind_int64(st, i, va_arg(ap, int64_t));
        }
        va_end(ap);
        rc = sqlite3_step(st);
        if (rc != SQLITE_DONE)
                return log_error_errno(sqlite_to_errno(rc), "%s: %s", db->path, state_db_errmsg(db));
        return 0;
}

#define S(x) 's', (x)
#define I(x) 'i', (int64_t) (x)

static int commit_body(StateDb *db, const Image *img, char *const *blobs) {
        int r;

        r = exec_bind(db,
                      "INSERT INTO images(id, manifest_digest, manifest_media_type, index_digest, os, architecture, variant, "
                      "created, size, added_at) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
                      "manifest_digest = excluded.manifest_digest, manifest_media_type = excluded.manifest_media_type, "
                      "index_digest = excluded.index_digest, added_at = excluded.added_at",
                      10, S(img->id), S(img->manifest_digest), S(img->manifest_media_type), S(img->index_digest),
                      S(strempty(img->os)), S(strempty(img->architecture)), S(img->variant), I(img->created),
                      I(img->size), I(img->added_at));
        if (r < 0)
                return r;
        for (char **t = img->repo_tags; t && *t; t++)
                if ((r = exec_bind(db, "INSERT OR REPLACE INTO image_names(name, image_id) VALUES (?, ?)", 2, S(*t),
                                   S(img->id))) < 0)
                        return r;
        for (char **t = img->repo_digests; t && *t; t++) {
                g_autofree char *name = g_strdup(*t);
                char *at = strchr(name, '@');
                if (!at)
                        continue;
                *at = 0;
                if ((r = exec_bind(db, "INSERT OR REPLACE INTO image_digests(name, digest, image_id) VALUES (?, ?, ?)", 3,
                                   S(name), S(at + 1), S(img->id))) < 0)
                        return r;
        }
        for (char *const *b = blobs; b && *b; b++)
                if ((r = exec_bind(db, "INSERT OR IGNORE INTO image_blobs(image_id, digest) VALUES (?, ?)", 2, S(img->id),
                                   S(*b))) < 0)
                        return r;
        if ((r = exec_bind(db, "DELETE FROM image_layers WHERE image_id = ?", 1, S(img->id))) < 0)
                return r;
        for (size_t i = 0; i < img->n_layers; i++) {
                const ImageLayer *l = &img->layers[i];
                if ((r = exec_bind(db,
                                   "INSERT INTO image_layers(image_id, position, chain_id, diff_id, digest, media_type, "
                                   "blob_size, size) VALUES (?,?,?,?,?,?,?,?)",
                                   8, S(img->id), I(i), S(l->chain_id), S(l->diff_id), S(l->digest), S(l->media_type),
                                   I(l->blob_size), I(l->size))) < 0)
                        return r;
        }
        return 0;
}

int image_store_commit(StateDb *db, const Image *img, char *const *blobs) {
        int r;

        r = state_db_begin(db);
        if (r < 0)
                return r;
        r = commit_body(db, img, blobs);
        if (r >= 0)
                r = state_db_commit(db);
        if (r < 0)
                state_db_rollback(db);
        return r;
}

int image_store_tag(StateDb *db, const char *id, const char *name) {
        return exec_bind(db, "INSERT OR REPLACE INTO image_names(name, image_id) VALUES (?, ?)", 2, S(name), S(id));
}

int image_store_untag(StateDb *db, const char *name) {
        int r = exec_bind(db, "DELETE FROM image_names WHERE name = ?", 1, S(name));
        if (r < 0)
                return r;
        return state_db_changes(db) > 0 ? 0 : -ENOENT;
}

int image_store_delete(StateDb *db, const char *id) {
        return exec_bind(db, "DELETE FROM images WHERE id = ?", 1, S(id));
}

int image_store_users(StateDb *db, const char *id, char ***ret) {
        return query_strv(db, "SELECT name FROM containers WHERE image_id = ? ORDER BY name", id, ret);
}

int image_store_referenced(StateDb *db, char ***ret_blobs, char ***ret_chains) {
        int r = query_strv(db, "SELECT DISTINCT digest FROM image_blobs", NULL, ret_blobs);
        if (r < 0)
                return r;
        return query_strv(db, "SELECT DISTINCT chain_id FROM image_layers", NULL, ret_chains);
}

int image_store_dangling(StateDb *db, char ***ret) {
        return query_strv(db, "SELECT id FROM images WHERE id NOT IN (SELECT image_id FROM image_names) ORDER BY id", NULL,
                          ret);
}
