/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>
#include <sys/types.h>

#include "container-options.h"
#include "manifest.h" /* ImageConfig: the parts of an image config that shape a container */

/* What roostd worked out for one container before writing its config.json. */
typedef struct SpecContext {
        const char *id;
        const char *rootfs;         /* absolute; mounted in the holder's mount namespace */
        const char *hostname;       /* already chosen */
        uid_t uid;                  /* resolved from the rootfs' /etc/passwd */
        gid_t gid;
        gid_t *additional_gids;
        size_t n_additional_gids;
        const char *etc_dir;        /* holds hosts, hostname, resolv.conf to bind in; NULL: none */
        const char *netns_path;     /* join this netns; NULL: a new one (or none for host) */
        bool host_network;
        const char *init_path;      /* the reaping init for --init */
        const char *cgroups_path;   /* linux.cgroupsPath, or NULL */
        char **volume_paths;        /* host paths of MOUNT_VOLUME entries, in mounts order */
        const char *seccomp_json;   /* a user profile's text for seccomp=FILE, or NULL */
        const char *bind_listener;  /* roost's profile traps bind() to this listener (netns/portfwd-handoff.c) */
        const struct UsernsPlan *userns; /* --userns=keep-id/auto: a user namespace of its own */
} SpecContext;

/* The process arguments docker would run: --entrypoint replaces the image's
 * entrypoint and drops its Cmd; a given command replaces the image's Cmd. */
char **oci_spec_args(const ContainerOptions *o, const ImageConfig *img);

/* Is this a systemd container for --systemd=true (the command is an init)? */
bool oci_spec_is_systemd(const ContainerOptions *o, char *const *args);

/* The container's capabilities: docker's 14 defaults, --cap-add/--cap-drop
 * ("ALL" allowed), all of them with --privileged. */
char **oci_spec_capabilities(const ContainerOptions *o);

/* The stop signal: --stop-signal, else the image's, else SIGTERM (SIGRTMIN+3
 * for systemd containers). */
int oci_spec_stop_signal(const ContainerOptions *o, const ImageConfig *img, char *const *args);

/* Builds config.json. Returns -EINVAL with *ret_error on input that cannot
 * make a container (no command, a bad seccomp profile). */
int oci_spec_build(const ContainerOptions *o, const ImageConfig *img, const SpecContext *ctx, char **ret_json,
                   char **ret_error);
