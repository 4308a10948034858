/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* Resolves a docker --user value ("", "name", "uid", "name:group",
 * "uid:gid") against the container's own /etc/passwd and /etc/group, read
 * below rootfd with RESOLVE_IN_ROOT so a hostile image's symlinks cannot
 * point elsewhere. group_add: --group-add names or numbers. On failure
 * returns -ENOENT/-EINVAL and *ret_error says what is missing, as docker
 * does ("unable to find user app: no matching entries in passwd file"). */
typedef struct ResolvedUser {
        uid_t uid;
        gid_t gid;
        gid_t *gids;
        size_t n_gids;
        char *home;
} ResolvedUser;

int user_resolve(int rootfd, const char *spec, char *const *group_add, ResolvedUser *ret, char **ret_error);
void resolved_user_clear(ResolvedUser *u);
