/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "detach-keys.h"

/* shim.conf: written by roostd into the state directory; key=value lines
 * (common/kv.h). The keys are listed in shim/README.md. */

#define SHIM_CONF_MAX (64u * 1024)
#define SHIM_ID_MAX 128

typedef enum LogDriver {
        LOG_DRIVER_FILE,
        LOG_DRIVER_JOURNALD, /* the file, and a copy of each line in the journal */
        LOG_DRIVER_NONE,
} LogDriver;

typedef struct ShimConfig {
        char *id;
        char *name;
        char *bundle;
        char *runtime;      /* absolute path, resolved in PATH when given as a name */
        char *runtime_root;
        pid_t holder_pid;   /* 0: run the runtime in the shim's own namespaces */
        unsigned long long holder_starttime; /* 0: not checked */
        bool terminal;
        unsigned console_rows, console_cols; /* the pty's first size; 0: unknown */
        bool stdin_open;
        LogDriver log_driver;
        char *log_path;     /* NULL with log_driver=none */
        uint64_t log_max_size; /* 0: never rotate */
        unsigned log_max_files;
        char *log_tag;      /* journald SYSLOG_IDENTIFIER; default: the name */
        char *journal_socket; /* NULL: journald's */
        DetachKeys detach_keys;
        char *cgroup;       /* "disabled", or the cgroup the runtime puts the container in */
} ShimConfig;

/* Parses text (modified in place). On failure returns -EINVAL (or -ENOMEM)
 * with a message naming the line and the key in errbuf. */
int shim_config_parse(char *text, ShimConfig *ret, char *errbuf, size_t errlen);
int shim_config_load(int dirfd, ShimConfig *ret, char *errbuf, size_t errlen);
void shim_config_done(ShimConfig *c);

const char *log_driver_to_string(LogDriver d);
