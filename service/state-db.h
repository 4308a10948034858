/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <sqlite3.h>

#include "macro.h"

/* roost's metadata: SQLite in WAL mode at $XDG_DATA_HOME/roost/state.db.
 * The schema is versioned with PRAGMA user_version and migrated forward at
 * open; a database written by a newer roost is refused, not damaged. */

typedef struct StateDb {
        sqlite3 *db;
        char *path;
} StateDb;

int state_db_open(const char *dir, StateDb **ret);
void state_db_close(StateDb *s);
static inline void state_db_closep(StateDb **s) {
        state_db_close(*s);
}
int state_db_schema_version(StateDb *s);
unsigned state_db_schema_latest(void);

/* Runs sql (no results) inside the caller's transaction or alone. */
int state_db_exec(StateDb *s, const char *sql);
int state_db_begin(StateDb *s);
int state_db_commit(StateDb *s);
void state_db_rollback(StateDb *s);

static inline void sqlite3_finalizep(sqlite3_stmt **s) {
        if (*s)
                sqlite3_finalize(*s);
}
#define _cleanup_stmt_ _cleanup_(sqlite3_finalizep)

/* Maps an SQLite result code to a negative errno. */
int sqlite_to_errno(int rc);
