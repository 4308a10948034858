/* SPDX-License-Identifier: Apache-2.0 */
#include "log.h"
#include "roost-names.h"
#include "state-db.h"

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

int state_db_exec(StateDb *s, const char *sql) {
        char *err = NULL;
        int rc = sqlite3_exec(s->db, sql, NULL, NULL, &err);

        if (rc != SQLITE_OK) {
                int r = log_error_errno(sqlite_to_errno(rc), "%s: %s", s->path, err ?: sqlite3_errstr(rc));
                sqlite3_free(err);
                return r;
        }
        return 0;
}

int state_db_begin(StateDb *s) {
        return state_db_exec(s, "BEGIN IMMEDIATE");
}

int state_db_commit(StateDb *s) {
        return state_db_exec(s, "COMMIT");
}

void state_db_rollback(StateDb *s) {
        (void) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int state_db_schema_version(StateDb *s) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int rc;

        rc = sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL);
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

int state_db_open(const char *dir, StateDb **ret) {
        StateDb *s;
        int rc, r;

        s = calloc(1, sizeof *s);
        if (!s)
                return -ENOMEM;
        s->path = strjoin(dir, "/" ROOST_STATE_DB);
        if (!s->path) {
                state_db_close(s);
                return -ENOMEM;
        }
        rc = sqlite3_open_v2(s->path, &s->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
                             NULL);
        if (rc != SQLITE_OK) {
                r = log_error_errno(sqlite_to_errno(rc), "Failed to open %s: %s", s->path,
                                    s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
                state_db_close(s);
                return r;
        }
        sqlite3_busy_timeout(s->db, 5000);

        /* check the version before anything writes: a newer roost's
         * database is left exactly as it was */
        r = state_db_check_version(s);
        if (r >= 0)
                r = state_db_exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
        if (r >= 0)
                r = state_db_migrate(s);
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
        if (s->db)
                sqlite3_close_v2(s->db);
        free(s->path);
        free(s);
}
