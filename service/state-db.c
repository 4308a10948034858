/* SPDX-License-Identifier: Apache-2.0 */
#include <malloc.h>

#include "log.h"
#include "roost-names.h"
#include "state-db.h"

/* With no use for this long, the connection closes and libsqlite3 goes. */
#define STATE_DB_IDLE_UNLOAD_USEC (30 * 1000000ULL)

/* Each entry moves the schema from version i to i+1. Never edit a released
 * entry: append a new one. */
static const char *const migrations[] = {
        /* 1: the database's own facts */
        "CREATE TABLE meta ("
        "  key TEXT PRIMARY KEY NOT NULL,"
        "  value TEXT NOT NULL"
        ");"
        "INSERT INTO meta(key, value) VALUES ('created', strftime('%s','now'));",

        /* 2: containers. options is the JSON of the create request (the
         * docker flags); the rest is what roostd tracks while they run. */
        "CREATE TABLE containers ("
        "  id TEXT PRIMARY KEY NOT NULL,"         /* 64 hex */
        "  name TEXT UNIQUE NOT NULL,"
        "  image_id TEXT NOT NULL,"               /* sha256:... of the image config */
        "  image_ref TEXT NOT NULL,"              /* as the user typed it, normalised */
        "  options TEXT NOT NULL,"
        "  state TEXT NOT NULL,"                  /* created running paused exited dead */
        "  created_at INTEGER NOT NULL,"          /* ns since the epoch */
        "  started_at INTEGER NOT NULL DEFAULT 0,"
        "  finished_at INTEGER NOT NULL DEFAULT 0,"
        "  exit_code INTEGER NOT NULL DEFAULT 0,"
        "  pid INTEGER NOT NULL DEFAULT 0,"
        "  restart_count INTEGER NOT NULL DEFAULT 0,"
        "  stopped_by_user INTEGER NOT NULL DEFAULT 0" /* for unless-stopped and on-failure */
        ");"
        "CREATE INDEX containers_image ON containers(image_id);"
        "CREATE TABLE volumes ("
        "  name TEXT PRIMARY KEY NOT NULL,"
        "  created_at INTEGER NOT NULL,"
        "  labels TEXT NOT NULL DEFAULT ''"      /* GVariant text of a{ss} */
        ");",

        /* 3: images. An image is its config (id = the config's digest);
         * names point at images; blobs and layers are what an image holds,
         * so that what no image holds can be collected. A row is written
         * last, in one transaction, once every blob and layer is in place. */
        "CREATE TABLE images ("
        "  id TEXT PRIMARY KEY NOT NULL,"              /* sha256:... of the config */
        "  manifest_digest TEXT NOT NULL,"
        "  manifest_media_type TEXT NOT NULL,"
        "  index_digest TEXT,"                         /* when pulled through an index */
        "  os TEXT NOT NULL,"
        "  architecture TEXT NOT NULL,"
        "  variant TEXT,"
        "  created INTEGER NOT NULL,"                  /* from the config, s since the epoch */
        "  size INTEGER NOT NULL,"                     /* uncompressed layers, bytes */
        "  added_at INTEGER NOT NULL"                  /* s since the epoch */
        ");"
        "CREATE TABLE image_names ("                   /* docker.io/library/busybox:latest */
        "  name TEXT PRIMARY KEY NOT NULL,"
        "  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE"
        ");"
        "CREATE INDEX image_names_image ON image_names(image_id);"
        "CREATE TABLE image_digests ("                 /* docker.io/library/busybox@sha256:... */
        "  name TEXT NOT NULL,"
        "  digest TEXT NOT NULL,"
        "  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,"
        "  PRIMARY KEY (name, digest)"
        ");"
        "CREATE INDEX image_digests_image ON image_digests(image_id);"
        "CREATE TABLE image_blobs ("
        "  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,"
        "  digest TEXT NOT NULL,"
        "  PRIMARY KEY (image_id, digest)"
        ");"
        "CREATE INDEX image_blobs_digest ON image_blobs(digest);"
        "CREATE TABLE image_layers ("
        "  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,"
        "  position INTEGER NOT NULL,"
        "  chain_id TEXT NOT NULL,"
        "  diff_id TEXT NOT NULL,"
        "  digest TEXT NOT NULL,"                      /* the layer blob of manifest_digest */
        "  media_type TEXT NOT NULL,"
        "  blob_size INTEGER NOT NULL,"
        "  size INTEGER NOT NULL,"                     /* uncompressed */
        "  PRIMARY KEY (image_id, position)"
        ");"
        "CREATE INDEX image_layers_chain ON image_layers(chain_id);",

        /* 4: --userns=auto: the range of the roost user namespace's IDs a
         * container got (its 0 is userns_base) */
        "ALTER TABLE containers ADD COLUMN userns_base INTEGER NOT NULL DEFAULT 0;"
        "ALTER TABLE containers ADD COLUMN userns_size INTEGER NOT NULL DEFAULT 0;",

        /* 5: networks, and each container's place on them. An endpoint's
         * address is leased from create (or connect) to rm (or
         * disconnect); UNIQUE(network, address) keeps two containers from
         * ever holding the same one, whatever crashed in between. */
        "CREATE TABLE networks ("
        "  name TEXT PRIMARY KEY NOT NULL,"
        "  id TEXT UNIQUE NOT NULL,"                   /* 64 hex */
        "  bridge TEXT UNIQUE NOT NULL,"               /* its interface in the detached netns */
        "  subnet TEXT NOT NULL,"                      /* 10.89.0.0/24 */
        "  gateway TEXT NOT NULL,"
        "  internal INTEGER NOT NULL DEFAULT 0,"
        "  created_at INTEGER NOT NULL,"               /* µs since the epoch */
        "  labels TEXT NOT NULL DEFAULT ''"            /* GVariant text of a{ss} */
        ");"
        "CREATE TABLE endpoints ("
        "  container_id TEXT NOT NULL REFERENCES containers(id) ON DELETE CASCADE,"
        "  network TEXT NOT NULL REFERENCES networks(name),"
        "  address TEXT NOT NULL,"
        "  requested INTEGER NOT NULL DEFAULT 0,"       /* --ip */
        "  aliases TEXT NOT NULL DEFAULT '',"           /* space-separated */
        "  position INTEGER NOT NULL,"                  /* 0: the first network (eth0) */
        "  PRIMARY KEY (container_id, network),"
        "  UNIQUE (network, address)"
        ");"
        "CREATE INDEX endpoints_network ON endpoints(network);",
};

unsigned state_db_schema_latest(void) {
        return ELEMENTSOF(migrations);
}

int sqlite_to_errno(int rc) {
        switch (rc & 0xff) {
        case SQLITE_OK:
        case SQLITE_DONE:
        case SQLITE_ROW:
                return 0;
        case SQLITE_NOMEM:
                return -ENOMEM;
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
                return -EBUSY;
        case SQLITE_READONLY:
        case SQLITE_PERM:
        case SQLITE_AUTH:
                return -EACCES;
        case SQLITE_CONSTRAINT:
                return -EEXIST;
        case SQLITE_FULL:
                return -ENOSPC;
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
                return -EUCLEAN;
        case SQLITE_CANTOPEN:
                return -ENOENT;
        default:
                return -EIO;
        }
}

static int state_db_connect(StateDb *s, bool create);

sqlite3 *state_db_handle(StateDb *s) {
        if (!s->conn) {
                int r = state_db_connect(s, false);
                if (r < 0) {
                        /* each failure on the way logged why */
                        const char *m = log_last_error_message();
                        free(s->error);
                        s->error = strdup(m ?: strerror(-r));
                        s->open_error = r;
                        return NULL;
                }
                log_debug("%s: opened again.", s->path);
        }
        if (s->idle) {
                (void) sd_event_source_set_time_relative(s->idle, STATE_DB_IDLE_UNLOAD_USEC);
                (void) sd_event_source_set_enabled(s->idle, SD_EVENT_ONESHOT);
        }
        return s->conn;
}

int state_db_prepare(StateDb *s, const char *sql, sqlite3_stmt **ret) {
        sqlite3 *db = state_db_handle(s);

        if (!db) {
                *ret = NULL;
                return SQLITE_CANTOPEN;
        }
        return sqlite3_prepare_v2(db, sql, -1, ret, NULL);
}

const char *state_db_errmsg(StateDb *s) {
        if (s->conn)
                return sqlite3_errmsg(s->conn);
        return s->error ?: "the database is not open";
}

int state_db_changes(StateDb *s) {
        return s->conn ? sqlite3_changes(s->conn) : 0;
}

int state_db_exec(StateDb *s, const char *sql) {
        sqlite3 *db = state_db_handle(s);
        char *err = NULL;
        int rc;

        if (!db)
                return s->open_error; /* logged by the open */
        rc = sqlite3_exec(db, sql, NULL, NULL, &err);
        if (rc != SQLITE_OK) {
                int r = log_error_errno(sqlite_to_errno(rc), "%s: %s", s->path, err ?: sqlite3_errstr(rc));
                sqlite3_free(err);
                return r;
        }
        return 0;
}

/* An open transaction is tracked so that the idle timer never closes the
 * connection under one. */
int state_db_begin(StateDb *s) {
        int r = state_db_exec(s, "BEGIN IMMEDIATE");
        if (r >= 0)
                s->in_transaction = true;
        return r;
}

int state_db_commit(StateDb *s) {
        int r = state_db_exec(s, "COMMIT");
        if (r >= 0)
                s->in_transaction = false;
        return r;
}

void state_db_rollback(StateDb *s) {
        /* a closed connection has nothing to roll back */
        if (s->conn)
                (void) sqlite3_exec(s->conn, "ROLLBACK", NULL, NULL, NULL);
        s->in_transaction = false;
}

int state_db_schema_version(StateDb *s) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int rc;

        rc = state_db_prepare(s, "PRAGMA user_version", &st);
        if (rc != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
                return sqlite_to_errno(rc ?: SQLITE_ERROR);
        return sqlite3_column_int(st, 0);
}

static int state_db_check_version(StateDb *s) {
        int version = state_db_schema_version(s);

        if (version < 0)
                return log_error_errno(version, "%s: cannot read the schema version: %m. "
                                       "If the file is damaged, move it away and restart roostd.", s->path);
        if ((unsigned) version > state_db_schema_latest())
                return log_error_errno(EPROTO,
                                       "%s has schema version %d, newer than this roostd understands (%u): "
                                       "it was written by a newer roost. Upgrade roost to use it.",
                                       s->path, version, state_db_schema_latest());
        return version;
}

static int state_db_migrate(StateDb *s) {
        int version, r;

        version = state_db_check_version(s);
        if (version < 0)
                return version;

        for (unsigned v = (unsigned) version; v < state_db_schema_latest(); v++) {
                char pragma[64];

                r = state_db_begin(s);
                if (r < 0)
                        return r;
                r = state_db_exec(s, migrations[v]);
                snprintf(pragma, sizeof pragma, "PRAGMA user_version = %u", v + 1);
                if (r >= 0)
                        r = state_db_exec(s, pragma);
                if (r >= 0)
                        r = state_db_commit(s);
                if (r < 0) {
                        state_db_rollback(s);
                        return log_error_errno(r, "%s: migrating the schema to version %u failed: %m", s->path, v + 1);
                }
                log_debug("%s: schema migrated to version %u", s->path, v + 1);
        }
        return 0;
}

/* Closes the connection and drops our load of libsqlite3. */
static void state_db_disconnect(StateDb *s) {
        int rc;

        if (!s->conn)
                return;
        rc = sqlite3_close_v2(s->conn);
        s->conn = NULL;
        s->in_transaction = false;
        if (rc != SQLITE_OK) {
                /* SQLite may still need its code: keep it loaded */
                log_error("Failed to close %s: %s", s->path, sqlite3_errstr(rc));
                return;
        }
        sqlite_dl_unload();
}

/* Loads libsqlite3 and opens the connection: creating the file only at the
 * first open (a database that went away while closed is an error, not a
 * fresh start), refusing a newer schema before anything writes, setting the
 * per-connection pragmas, migrating (nothing to do on a re-open but one
 * PRAGMA user_version). Every failure is logged, naming the path or the
 * library. */
static int state_db_connect(StateDb *s, bool create) {
        int rc, r;

        r = sqlite_dl_load();
        if (r < 0)
                return r;
        rc = sqlite3_open_v2(s->path, &s->conn,
                             SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX |
                                     SQLITE_OPEN_EXRESCODE,
                             NULL);
        if (rc != SQLITE_OK) {
                r = log_error_errno(sqlite_to_errno(rc), "Failed to open %s: %s", s->path,
                                    s->conn ? sqlite3_errmsg(s->conn) : sqlite3_errstr(rc));
                if (s->conn)
                        state_db_disconnect(s);
                else
                        sqlite_dl_unload();
                return r;
        }
        sqlite3_busy_timeout(s->conn, 5000);

        r = state_db_check_version(s);
        if (r >= 0)
                r = state_db_exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
        if (r >= 0)
                r = state_db_migrate(s);
        if (r < 0) {
                state_db_disconnect(s);
                return r;
        }
        return 0;
}

int state_db_unload(StateDb *s) {
        if (!s->conn)
                return 0;
        /* statements are locals, finalized before their function returns,
         * and transactions end where they began: nothing should be open
         * here, but closing under one would leave SQLite running code that
         * is gone */
        if (s->in_transaction || !sqlite3_get_autocommit(s->conn) || sqlite3_next_stmt(s->conn, NULL))
                return -EBUSY;
        state_db_disconnect(s);
        return 0;
}

static int on_idle(sd_event_source *es, uint64_t usec, void *userdata) {
        StateDb *s = userdata;

        if (state_db_unload(s) < 0) {
                log_debug("%s is in use, not closing it yet.", s->path);
                (void) sd_event_source_set_time_relative(es, STATE_DB_IDLE_UNLOAD_USEC);
                (void) sd_event_source_set_enabled(es, SD_EVENT_ONESHOT);
                return 0;
        }
        /* give the page cache and parser memory SQLite freed back to the system */
        (void) malloc_trim(0);
        log_debug("Closed %s and unloaded libsqlite3 (not used for a while).", s->path);
        return 0;
}

int state_db_open(const char *dir, sd_event *event, StateDb **ret) {
        StateDb *s;
        int r;

        s = calloc(1, sizeof *s);
        if (!s)
                return -ENOMEM;
        s->path = strjoin(dir, "/" ROOST_STATE_DB);
        if (!s->path) {
                state_db_close(s);
                return -ENOMEM;
        }
        if (event) {
                r = sd_event_add_time_relative(event, &s->idle, CLOCK_MONOTONIC, STATE_DB_IDLE_UNLOAD_USEC, 0, on_idle, s);
                if (r < 0) {
                        log_error_errno(r, "Failed to add the idle timer of %s: %m", s->path);
                        state_db_close(s);
                        return r;
                }
                (void) sd_event_source_set_description(s->idle, "state-db-idle");
        }
        r = state_db_connect(s, true);
        if (r < 0) {
                state_db_close(s);
                return r;
        }
        *ret = s;
        return 0;
}

void state_db_close(StateDb *s) {
        if (!s)
                return;
        sd_event_source_disable_unref(s->idle);
        state_db_disconnect(s);
        free(s->error);
        free(s->path);
        free(s);
}
