/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>

/* Image references, normalised the way docker does:
 *   busybox                      -> docker.io/library/busybox:latest
 *   user/app:1.0                 -> docker.io/user/app:1.0
 *   127.0.0.1:5000/app           -> 127.0.0.1:5000/app:latest
 *   app@sha256:<hex>             -> docker.io/library/app@sha256:<hex>
 * A reference with a digest keeps its tag only if one was written. */

#define REFERENCE_DEFAULT_DOMAIN "docker.io"
#define REFERENCE_DEFAULT_TAG "latest"
#define REFERENCE_DOCKER_API_HOST "registry-1.docker.io"
#define REFERENCE_NAME_MAX 255

typedef struct Reference {
        char *domain; /* "docker.io", "127.0.0.1:5000", "[::1]:5000" */
        char *path;   /* "library/busybox" */
        char *tag;    /* NULL when only a digest was given */
        char *digest; /* "sha256:...", or NULL */
} Reference;

/* Parses and normalises s. On failure returns -EINVAL and, when ret_error
 * is not NULL, a message saying what is wrong (for the user). */
int reference_parse(const char *s, Reference *ret, char **ret_error);
void reference_done(Reference *r);

/* "domain/path" */
char *reference_name(const Reference *r);
/* "domain/path:tag", "domain/path@digest" or "domain/path:tag@digest" */
char *reference_string(const Reference *r);
/* The short form docker shows: "busybox" for docker.io/library/busybox,
 * "user/app" for docker.io/user/app, else the full name. Works on a name
 * or a whole reference string. */
char *reference_familiar(const char *full);
/* The host:port to talk to for a domain (docker.io is registry-1.docker.io). */
const char *reference_api_host(const char *domain);
/* True for localhost, 127.0.0.0/8 and ::1, with or without a port: these
 * registries are spoken to over plain HTTP by default. */
bool reference_host_is_loopback(const char *domain);
/* Is s a valid tag? */
bool reference_tag_is_valid(const char *s);
