/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>

#include "config.h"

/* What roostd found about the machine at start, shown by "roost info". */
typedef struct Facts {
        char *kernel_version;
        char *os;            /* "linux" */
        char *arch;          /* OCI name: amd64, arm64, ... */
        char *runtime;       /* crun | runc */
        char *runtime_path;  /* "" when not found */
        char *runtime_version;
        char *cgroup_version; /* v2 | v1 | hybrid */
        char **cgroup_controllers; /* delegated to this user */
        bool systemd_scopes;
        bool overlay;
        char *storage_driver; /* overlayfs | copy */
} Facts;

int facts_gather(Facts *f, const Config *c, bool overlay, bool systemd_scopes);
void facts_done(Facts *f);

/* amd64, arm64, ... from uname's machine */
const char *oci_arch_from_uname(const char *machine);
