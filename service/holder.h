/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "subid.h"

/* The namespace holder: a small process that owns the roost user namespace
 * (0 -> the user, 1..N -> the subordinate IDs), a private mount namespace and
 * the detached network namespace, pinned at $XDG_RUNTIME_DIR/roost/netns
 * inside that mount namespace. roostd stays in the host namespaces; helpers
 * and shims join the holder's with ns_enter(). The holder outlives roostd
 * (it runs in its own scope) and is re-adopted at start, identified by PID,
 * start time and user-namespace inode recorded in $XDG_RUNTIME_DIR/roost/holder. */

typedef struct Holder {
        pid_t pid;
        unsigned long long starttime;
        unsigned long long userns_ino;
        bool overlay;    /* rootless overlayfs (userxattr) works on the data dir */
        bool adopted;    /* found running at start, not created by us */
        SubIdRange uids, gids;
        char *netns_path;
} Holder;

typedef struct HolderParams {
        const char *runtime_dir; /* $XDG_RUNTIME_DIR/roost */
        const char *data_dir;    /* $XDG_DATA_HOME/roost, for the overlay probe */
        const char *user;
        uid_t uid;
        gid_t gid;
        SubIdRange uids, gids;
} HolderParams;

/* Adopts the running holder, or creates one. */
int holder_acquire(const HolderParams *p, Holder **ret);
/* Is the holder we know still the same live process? */
bool holder_alive(const Holder *h);
void holder_free(Holder *h);

/* The holder's mount namespace as roostd sees it, without joining it:
 * through /proc/PID/root and /proc/PID/mountinfo (same user). */
int holder_open_dir(const Holder *h, const char *path);  /* an O_PATH|O_DIRECTORY fd */
bool holder_is_mounted(const Holder *h, const char *path);
