/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "config.h"
#include "http.h"

/* The OCI distribution API, as a client: manifests and blobs of one
 * repository, with the registry's authentication (Bearer tokens from the
 * WWW-Authenticate challenge of the very URL asked for, or Basic), retries
 * with backoff on 5xx, 429 (Retry-After), resets, truncation and stalls,
 * and resumption of blobs from where they broke off (Range, or skipping
 * what a 200 answer sends again). */

typedef struct Registry Registry;
typedef struct RegistryRepo RegistryRepo;
typedef struct RegistryFetch RegistryFetch;

#define REGISTRY_ATTEMPTS_MAX 4
#define REGISTRY_RETRY_AFTER_MAX_S 30

int registry_new(sd_event *event, const Config *config, Registry **ret);
void registry_free(Registry *r);

/* The hosts to try for a reference's domain: its mirrors from roost.conf,
 * then the registry itself (registry-1.docker.io for docker.io). */
/* The certs.d directory (podman's and docker's layout) for an https URL's
 * host, or NULL. */
char *registry_tls_dir(const char *url);
int registry_endpoints(Registry *r, const char *domain, char ***ret);
/* Plain HTTP for loopback hosts and those with Insecure=yes. */
bool registry_host_plain_http(Registry *r, const char *host);

/* A repository on one endpoint host. domain is the reference's (for
 * credentials); path the repository path. */
int registry_repo_new(Registry *r, const char *host, const char *domain, const char *path, RegistryRepo **ret);
RegistryRepo *registry_repo_ref(RegistryRepo *repo);
RegistryRepo *registry_repo_unref(RegistryRepo *repo);
const char *registry_repo_host(const RegistryRepo *repo);

typedef struct RegistryFetchOps {
        /* A 2xx answer starts (again, after a retry that could not resume:
         * then the consumer starts over). Return <0 to abort. */
        int (*on_start)(void *userdata, const HttpResponse *resp, bool restart);
        /* Bytes in order; return 0 (all consumed), -EAGAIN (none; pause until
         * registry_fetch_resume()) or <0 to abort. */
        int (*on_data)(void *userdata, const void *p, size_t n);
        /* Finished: r 0, or a negative errno with a message for the user:
         * -EACCES (authentication), -ENOENT (not found), -ETIMEDOUT,
         * -EPIPE (truncated), -EIO (other registry errors). */
        void (*on_done)(void *userdata, int r, const char *message);
        /* A retry was scheduled (for logs and progress); may be NULL. */
        void (*on_retry)(void *userdata, unsigned attempt, const char *why);
} RegistryFetchOps;

typedef enum RegistryFetchKind {
        REGISTRY_MANIFEST,
        REGISTRY_BLOB,
} RegistryFetchKind;

/* Fetches /v2/<path>/manifests/<ref> or /v2/<path>/blobs/<digest>. Blobs
 * resume after a broken transfer; manifests start over. */
int registry_fetch(RegistryRepo *repo, RegistryFetchKind kind, const char *ref, const RegistryFetchOps *ops,
                   void *userdata, RegistryFetch **ret);
void registry_fetch_cancel(RegistryFetch *f);
void registry_fetch_resume(RegistryFetch *f);

/* Checks credentials the way docker login does: asks the registry's /v2/
 * and follows its challenge with them. done(userdata, 0 or -EACCES/..., message). */
typedef void (*RegistryLoginDone)(void *userdata, int r, const char *message);
int registry_login(Registry *r, const char *domain, const char *user, const char *password, RegistryLoginDone done,
                   void *userdata);
