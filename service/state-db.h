/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <systemd/sd-event.h>

#include "macro.h"
#include "sqlite-dl.h"

/* roost's metadata: SQLite in WAL mode at $XDG_DATA_HOME/roost/state.db.
 * The schema is versioned with PRAGMA user_version and migrated forward at
 * open; a database written by a newer roost is refused, not damaged.
 *
 * The connection (and libsqlite3 with it) is opened when it is used: 30 s
 * after its last use, the event loop's timer closes it (which checkpoints
 * the WAL) and unloads the library. Get the connection with
 * state_db_handle() or state_db_prepare() each time it is needed, never
 * keep it or a statement across event-loop iterations. */

typedef struct StateDb {
        char *path;
        /* the rest belongs to state-db.c */
        sqlite3 *conn;             /* NULL while closed */
        char *error;               /* why the last open failed */
        int open_error;            /* and its -errno */
        sd_event_source *idle;
        bool in_transaction;
} StateDb;

/* Opens (creating and migrating) the database in dir. With an event loop,
 * the connection is closed and libsqlite3 unloaded once it has not been
 * used for a while; without one, it stays open until state_db_close(). */
int state_db_open(const char *dir, sd_event *event, StateDb **ret);
void state_db_close(StateDb *s);
static inline void state_db_closep(StateDb **s) {
        state_db_close(*s);
}

/* The open connection, opening it (and loading libsqlite3) first if it was
 * closed; NULL, with the reason logged and kept for state_db_errmsg(),
 * when that fails. Each call defers the idle unload. */
sqlite3 *state_db_handle(StateDb *s);
/* sqlite3_prepare_v2() on state_db_handle(): an SQLite result code, and
 * SQLITE_CANTOPEN when the database cannot be opened. */
int state_db_prepare(StateDb *s, const char *sql, sqlite3_stmt **ret);
/* The message of the last failure: SQLite's, or why the open failed. */
const char *state_db_errmsg(StateDb *s);
/* Rows the last INSERT, UPDATE or DELETE changed. */
int state_db_changes(StateDb *s);
/* Closes the connection and unloads libsqlite3 now (what the idle timer
 * does); -EBUSY, leaving both, while a transaction or statement is open. */
int state_db_unload(StateDb *s);

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
