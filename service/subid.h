/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <sys/types.h>

#include "macro.h"

#define SUBUID_FILE "/etc/subuid"
#define SUBGID_FILE "/etc/subgid"
/* the roost user namespace maps 0 -> the user, 1..N -> subordinate IDs; we
 * need at least enough for the usual 65536 IDs a distribution image uses */
#define SUBID_MIN_COUNT 65536U

typedef struct SubIdRange {
        unsigned long start;
        unsigned long count;
} SubIdRange;

/* The first range for user (by name) or uid in file (/etc/subuid format,
 * "name-or-uid:start:count"). -ENOENT when there is none. */
int subid_lookup(const char *file, const char *user, uid_t uid, SubIdRange *ret);

/* As subid_lookup(), but logs what is missing and the command that fixes it. */
int subid_require(const char *file, const char *user, uid_t uid, SubIdRange *ret);
