/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "daemon.h"
#include "ipam.h"

/* roost networks as roostd keeps them: the networks table, the bridges in
 * the detached network namespace (netns/network.h does the netlink work),
 * one roost-slirp per network that has running containers (not for
 * internal ones), and each container's endpoints (its leased addresses).
 *
 * A roost-slirp runs in a scope of its own (roost-slirp-BRIDGE.scope), so
 * that it outlives roostd; roostd finds it again at start through
 * $XDG_RUNTIME_DIR/roost/networks/NAME.slirp, restarts it when it dies and
 * stops it when the network goes or no container has used it for
 * NETWORK_IDLE_SEC. */
#define NETWORK_IDLE_SEC 60

typedef struct Network {
        Daemon *daemon;
        char *name;
        char *id;               /* 64 hex */
        char *bridge;           /* roost0, roost1, ... */
        IpamSubnet subnet;
        uint32_t gateway;       /* host byte order */
        uint32_t dns;           /* the slirp DNS forwarder; 0 for internal networks */
        bool internal;
        uint64_t created_at;    /* µs since the epoch */
        GVariant *labels;       /* a{ss} */

        pid_t bridge_holder;    /* the holder PID we last made the bridge in */
        pid_t slirp_pid;
        bool slirp_is_child;
        sd_event_source *slirp_watch;
        uint64_t slirp_restarted_at;  /* µs, for the restart rate limit */
        unsigned slirp_restarts;
        sd_event_source *idle_timer;  /* stops roost-slirp when no container used it for a while */
} Network;

/* At start, before the containers: the rows (making the default network
 * the first time), and the running roost-slirp helpers. */
int networks_load(Daemon *d);
/* After the containers were re-adopted: restarts a dead roost-slirp of a
 * network with running containers. */
void networks_reconcile(Daemon *d);
void networks_free(Daemon *d);

/* By name ("bridge" and "default" name the default network), full ID or
 * unique ID prefix. -ENOENT or -ENOTUNIQ with *ret_error set. */
int network_find(Daemon *d, const char *name_or_id, Network **ret, char **ret_error);

/* --- containers ------------------------------------------------------------- */

typedef struct Container Container;

/* The network state of a running container, kept while it runs and in
 * $XDG_RUNTIME_DIR/roost/containers/ID/network for roostd's next start. */
typedef struct ContainerNet {
        char *netns_path;       /* its pinned namespace in the holder's mount namespace */
        char **interfaces;      /* "NETWORK IFNAME" pairs as one string each */
        char **ports;           /* bound forwards (portspec_format) */
        pid_t portfwd_pid;
        unsigned long long portfwd_starttime;
        char *bind_listener;    /* roost-portfwd's seccomp listener (the handoff of published ports), or NULL */
        uint64_t portfwd_restarted_at;  /* start of the restart window */
        unsigned portfwd_restarts;      /* restarts in it */
        bool portfwd_is_child;
        sd_event_source *portfwd_watch;
} ContainerNet;

/* At create: checks the network options against the networks (the network
 * exists, --ip is free and in its subnet, host-gateway is allowed) and
 * leases the address: the endpoint row. Call after the container's row is
 * written; on failure nothing is leased. */
int container_net_create(Container *c, char **ret_error);

/* Before the container starts: its network namespace with an interface on
 * each of its networks, /etc/hosts and /etc/resolv.conf in etc_dir, and
 * its published ports (roost-portfwd, bound before the container runs, so
 * a port that is taken fails the start; -P adds image_exposed). *ret_netns_path: the namespace
 * for config.json (NULL: a new empty one, --network none). For
 * --network container:X, *ret_etc_dir is X's /etc files directory.
 * On failure nothing is left. */
int container_net_start(Container *c, char *const *image_exposed, const char *etc_dir, const char *hostname,
                        char **ret_netns_path, char **ret_etc_dir, char **ret_error);
/* The PID of the port forwarder, for the container's scope; 0 if none. */
pid_t container_net_portfwd_pid(Container *c);
/* roost-portfwd's seccomp listener for the spec (linux.seccomp.listenerPath), or NULL. */
const char *container_net_bind_listener(Container *c);
/* The container stopped: forwarder, namespace and veths go; the other
 * containers' /etc/hosts lose it. Its leases stay until rm. */
void container_net_stop(Container *c);
/* Frees what roostd holds of c's network and leaves the network as it is
 * (roostd exits; the container keeps running). */
void container_net_release(Container *c);
/* roostd restarted while the container ran: read back its state. */
void container_net_adopt(Container *c);
/* The container's published ports as docker ps prints them. */
char *container_net_ports_text(Container *c);
/* The names of its networks, from all (container_net_networks_all(): every
 * container's, in one query, for listings; -EIO when the database fails). */
int container_net_networks_all(Daemon *d, GHashTable **ret);
char **container_net_networks(Container *c, GHashTable *all);
/* For inspect (an RJsonBuilder positioned in an object): its NetworkSettings
 * member, and HostConfig's PortBindings member. */
typedef struct RJsonBuilder RJsonBuilder;
void container_net_inspect(Container *c, RJsonBuilder *b);
void container_net_port_bindings(Container *c, RJsonBuilder *b);
/* The name changed, or the container is going: the others' /etc/hosts. */
void container_net_renamed(Container *c);

/* D-Bus */
int method_create_network(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_list_networks(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_inspect_network(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_remove_network(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_prune_networks(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_container_connect(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_container_disconnect(sd_bus_message *m, void *userdata, sd_bus_error *error);
