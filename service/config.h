/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdio.h>

#include "macro.h"

/* roost.conf: systemd-style INI read with GKeyFile. Files are read in this
 * order, later ones overriding earlier ones key by key:
 *   <sysconfdir>/roost/roost.conf, $XDG_CONFIG_HOME/roost/roost.conf,
 *   then roost.conf.d/NAME.conf of both, sorted by file name (a user drop-in
 *   replaces a system one of the same name).
 * Unknown sections and keys warn with file:line; a bad value refuses the
 * whole load with file:line and the allowed values. */

#define CONFIG_VERSION_CURRENT 1

typedef struct RegistryConfig {
        char *host;       /* "127.0.0.1:5000", "docker.io", ... */
        int insecure;     /* -1 unset, 0 no, 1 yes */
        char **mirrors;   /* host[:port] list, tried before host */
} RegistryConfig;

typedef struct Config {
        unsigned config_version;
        char *runtime;              /* [Runtime] Name= crun|runc */
        char *runtime_path;         /* [Runtime] Path= (empty: search PATH) */
        char *storage_driver;       /* [Storage] Driver= auto|overlayfs|copy */
        unsigned max_downloads;     /* [Registry] MaxConcurrentDownloads= 1..16 */
        unsigned registry_timeout;  /* [Registry] Timeout= seconds, 1..3600 */
        unsigned verifier_timeout;  /* [ImageVerifiers] Timeout= seconds, 1..600 */
        bool host_loopback;         /* [Network] HostLoopback= */
        bool bypass;                /* [Network] Bypass= (published TCP ports handed to the container) */
        char *log_level;            /* [Log] Level= debug|info|warning|error */

        RegistryConfig *registries; /* from [Registry HOST] sections */
        size_t n_registries;

        char **files;               /* every file read, in order */
        char **sources;             /* "Section.Key" "file:line" pairs, for --print-config */
} Config;

int config_load(const char *system_dir, const char *user_dir, Config **ret);
void config_free(Config *c);
static inline void config_freep(Config **c) {
        config_free(*c);
}
#define _cleanup_config_ _cleanup_(config_freep)

const RegistryConfig *config_find_registry(const Config *c, const char *host);
void config_print(const Config *c, FILE *f);
