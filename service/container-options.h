/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "size-util.h"

/* What a user asked for when creating a container: the docker flags, as the
 * a{sv} of Manager1.CreateContainer carries them (keys as docker's API names
 * them, see dbus/io.roost.Manager1.xml). Parsed and checked once; stored
 * with the container (the original a{sv} in GVariant text form) so that a
 * restart rebuilds the same thing. */

typedef enum RestartPolicy {
        RESTART_NO,
        RESTART_ON_FAILURE,
        RESTART_ALWAYS,
        RESTART_UNLESS_STOPPED,
} RestartPolicy;

typedef enum MountKind {
        MOUNT_BIND,
        MOUNT_VOLUME,
        MOUNT_TMPFS,
} MountKind;

typedef struct MountSpec {
        MountKind kind;
        char *source;      /* host path (bind) or volume name; NULL for tmpfs */
        char *target;      /* absolute path in the container */
        bool readonly;
        bool recursive_ro; /* "rro": MOUNT_ATTR_RDONLY with AT_RECURSIVE */
        char **options;    /* extra mount options (tmpfs size=, mode=; bind propagation) */
} MountSpec;

typedef struct Ulimit {
        char *name;        /* "nofile" */
        int resource;      /* RLIMIT_* */
        uint64_t soft, hard;
} Ulimit;

typedef struct ContainerOptions {
        char *image;
        char *name;
        char **cmd;            /* NULL: the image's */
        char **entrypoint;     /* NULL: the image's; empty: none */
        char **env;
        char *working_dir;
        char *user;
        char *hostname;
        bool tty;
        bool open_stdin;
        GHashTable *labels;    /* char* -> char* */
        char *stop_signal;     /* NULL: the image's or SIGTERM */
        int stop_timeout;      /* seconds; -1: default 10 */
        MountSpec *mounts;
        size_t n_mounts;
        bool read_only;
        bool privileged;
        char **cap_add;        /* "CAP_NET_ADMIN", "ALL" */
        char **cap_drop;
        char *seccomp_profile; /* NULL default, "unconfined", or a JSON document */
        bool no_new_privileges;
        bool init;
        Ulimit *ulimits;
        size_t n_ulimits;
        char *systemd;         /* "false", "true" (when the command is systemd/init), "always" */
        RestartPolicy restart;
        int restart_max;       /* on-failure:N, 0 = unlimited */
        bool auto_remove;
        int64_t memory, memory_swap, nano_cpus, cpu_shares, pids_limit;
        char *cpuset_cpus;
        char *network_mode;    /* "none", "host", "container:<id>" or a network name */
        char **publish;        /* -p specs as given (checked with portspec_parse) */
        bool publish_all;      /* -P: every exposed port to a free host port */
        char **expose;         /* --expose: "80/tcp", "8000-8009/udp" */
        char *ip_address;      /* --ip on the first network */
        char **network_aliases;
        char **dns, **dns_search, **dns_options;
        char **extra_hosts;    /* --add-host "name:address" (address may be host-gateway) */
        char *userns;          /* NULL, "host", "auto", "keep-id" */
        char *log_driver;      /* "k8s-file" (default), "journald", "none" */
        uint64_t log_max_size; /* bytes, 0 = default */
        unsigned log_max_files;
        char **group_add;
} ContainerOptions;

/* Parses and checks options. On failure returns -EINVAL and *ret_error says
 * which key or value is wrong and what is allowed. */
int container_options_parse(GVariant *asv, ContainerOptions **ret, char **ret_error);
void container_options_free(ContainerOptions *o);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ContainerOptions, container_options_free)

/* Checks a container name the way docker does: [a-zA-Z0-9][a-zA-Z0-9_.-]*. */
bool container_name_valid(const char *name);

/* Is s a name /etc/hosts can carry (a hostname, a network alias)? */
bool hostname_valid(const char *s);

/* Does the network mode name a roost network (not none, host, container:)? */
bool network_mode_is_network(const char *mode);

/* "SIGTERM", "TERM", "15", "RTMIN+3" -> signal number, or -EINVAL */
int signal_from_string(const char *s);
