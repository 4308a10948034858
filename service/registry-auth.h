/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "macro.h"

/* Registry authentication: WWW-Authenticate challenges, and credentials in
 * podman's $XDG_RUNTIME_DIR/containers/auth.json (written by roost login)
 * and docker's ~/.docker/config.json (read too), both of the form
 *   {"auths": {"HOST": {"auth": base64("user:password")}}}. */

typedef struct AuthChallenge {
        char *scheme;  /* "bearer" or "basic", lower case */
        char *realm;
        char *service;
        char *scope;
} AuthChallenge;

/* Parses the first challenge of a WWW-Authenticate value. */
int auth_challenge_parse(const char *header, AuthChallenge *ret);
void auth_challenge_done(AuthChallenge *c);

/* The files, for the calling user. */
int auth_file_runtime_path(char **ret);  /* $XDG_RUNTIME_DIR/containers/auth.json */
int auth_file_docker_path(char **ret);   /* $DOCKER_CONFIG/config.json or ~/.docker/config.json */

/* The key a registry's credentials are stored under: "docker.io" for
 * index.docker.io, https://index.docker.io/v1/ and the like, else host[:port]. */
char *auth_key_normalize(const char *key);

/* Looks up credentials for domain (and the repository path, for entries
 * scoped to "host/namespace") in one file. -ENOENT when none. */
int auth_file_lookup(const char *path, const char *domain, const char *repo, char **ret_user, char **ret_password);
/* Both files, the runtime one first. */
int auth_lookup(const char *domain, const char *repo, char **ret_user, char **ret_password);
/* Stores or removes credentials for domain in path (mode 0600, the
 * directory created 0700). auth_file_remove gives -ENOENT when there were none. */
int auth_file_store(const char *path, const char *domain, const char *user, const char *password);
int auth_file_remove(const char *path, const char *domain);
