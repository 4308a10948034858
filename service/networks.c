/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "build-config.h"
#include "bus-gvariant.h"
#include "bus-util.h"
#include "container.h"
#include "fileio.h"
#include "host-subnets.h"
#include "hosts.h"
#include "json.h"
#include "kv.h"
#include "log.h"
#include "names.h"
#include "netns-defs.h"
#include "network.h"
#include "networks.h"
#include "ns-util.h"
#include "nsexec.h"
#include "paths.h"
#include "portspec.h"
#include "process.h"
#include "roost-names.h"
#include "scope.h"
#include "spawn.h"

#define NET_NS_FLAGS (CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET)
#define NETWORKS_RUN_DIR "networks"
#define CONTAINER_NET_FILE "network"
#define HELPER_TIMEOUT_MS 10000
#define NSEXEC_TIMEOUT_MS 30000
/* a roost-slirp that keeps dying is left dead after this many restarts in
 * SLIRP_RESTART_WINDOW_USEC (until the next container start) */
#define SLIRP_RESTART_MAX 5
#define SLIRP_RESTART_WINDOW_USEC (60 * G_USEC_PER_SEC)
/* the same for a container's roost-portfwd */
#define PORTFWD_RESTART_MAX 5
#define PORTFWD_RESTART_WINDOW_USEC SLIRP_RESTART_WINDOW_USEC

/* --- helpers ------------------------------------------------------------------ */

static char *helper_path(const char *name) {
        const char *dir = getenv("ROOST_NET_HELPERS");
        return g_strdup_printf("%s/%s", !isempty(dir) ? dir : ROOST_LIBEXECDIR "/roost", name);
}

static const char *yes_no(bool b) {
        return b ? "yes" : "no";
}

static const char *fmt_addr(uint32_t a, char buf[static IPAM_ADDRESS_MAX]) {
        return ipam_format_address(a, buf);
}

static void emit_network_event(Network *n, const char *action, Container *c) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        r = sd_bus_message_new_signal(n->daemon->bus, &m, ROOST_MANAGER_PATH, ROOST_MANAGER_IFACE, "Event");
        if (r >= 0)
                r = sd_bus_message_append(m, "sss", "network", action, n->id);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "{ss}");
        if (r >= 0)
                r = sd_bus_message_append(m, "{ss}{ss}", "name", n->name, "type", "bridge");
        if (r >= 0 && c)
                r = sd_bus_message_append(m, "{ss}", "container", c->id);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_message_append(m, "t", now_usec() * 1000);
        if (r >= 0)
                (void) sd_bus_send(n->daemon->bus, m, NULL);
}

/* --- networks ------------------------------------------------------------------- */

static void network_free(Network *n) {
        if (!n)
                return;
        sd_event_source_disable_unref(n->slirp_watch);
        sd_event_source_disable_unref(n->idle_timer);
        g_free(n->name);
        g_free(n->id);
        g_free(n->bridge);
        if (n->labels)
                g_variant_unref(n->labels);
        g_free(n);
}

static bool network_is_default(const Network *n) {
        return streq(n->name, NETNS_DEFAULT_NETWORK);
}

/* labels: a{ss} or NULL; a floating reference is taken over, another one is
 * referenced (the caller keeps its own) */
static Network *network_new(Daemon *d, const char *name, const char *id, const char *bridge, const IpamSubnet *subnet,
                            uint32_t gateway, bool internal, uint64_t created_at, GVariant *labels) {
        Network *n = g_new0(Network, 1);

        n->daemon = d;
        n->name = g_strdup(name);
        n->id = g_strdup(id);
        n->bridge = g_strdup(bridge);
        n->subnet = *subnet;
        n->gateway = gateway;
        n->internal = internal;
        n->dns = internal ? 0 : ipam_dns_address(subnet, gateway);
        n->created_at = created_at;
        n->labels = labels ? g_variant_ref_sink(labels) : g_variant_ref_sink(g_variant_new_parsed("@a{ss} {}"));
        return n;
}

static int network_insert(Daemon *d, Network *n) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        g_autofree char *labels = g_variant_print(n->labels, TRUE);
        char subnet[IPAM_SUBNET_MAX], gw[IPAM_ADDRESS_MAX];
        int rc;

        rc = state_db_prepare(d->db,
                              "INSERT INTO networks(name, id, bridge, subnet, gateway, internal, created_at, labels) "
                              "VALUES (?,?,?,?,?,?,?,?)", &st);
        if (rc != SQLITE_OK)
                return sqlite_to_errno(rc);
        sqlite3_bind_text(st, 1, n->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, n->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, n->bridge, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, ipam_format_subnet(&n->subnet, subnet), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, fmt_addr(n->gateway, gw), -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 6, n->internal);
        sqlite3_bind_int64(st, 7, (sqlite3_int64) n->created_at);
        sqlite3_bind_text(st, 8, labels, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        return rc == SQLITE_DONE ? 0 : sqlite_to_errno(rc);
}

static char *slirp_state_path(Network *n) {
        return g_strdup_printf("%s/" NETWORKS_RUN_DIR "/%s.slirp", n->daemon->runtime_dir, n->name);
}

static char *slirp_scope(Network *n) {
        return g_strdup_printf(ROOST_SCOPE_PREFIX "slirp-%s.scope", n->bridge);
}

static int slirp_watch(Network *n, pid_t pid, bool is_child);

static int on_slirp_exit(sd_event_source *s, int fd, uint32_t revents, void *userdata);

/* Is a container that uses n running (so n needs its uplink)? */
static bool network_has_running(Network *n) {
        Daemon *d = n->daemon;
        _cleanup_stmt_ sqlite3_stmt *st = NULL;

        /* not knowing, keep the uplink: stopping it would cut running containers off */
        if (state_db_prepare(d->db, "SELECT container_id FROM endpoints WHERE network = ?", &st) != SQLITE_OK)
                return true;
        sqlite3_bind_text(st, 1, n->name, -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW) {
                Container *c = g_hash_table_lookup(d->containers, sqlite3_column_text(st, 0));
                if (c && c->net)
                        return true;
        }
        return false;
}

static void slirp_started(pid_t pid, void *userdata) {
        Network *n = userdata;
        Daemon *d = n->daemon;
        g_autofree char *unit = slirp_scope(n), *desc = g_strdup_printf("roost network %s uplink", n->name);

        if (!d->facts.systemd_scopes)
                return;
        ScopeParams sp = {
                .unit = unit,
                .description = desc,
                .slice = ROOST_SLICE,
                .pid = pid,
        };
        if (scope_start(d->bus, &sp, NULL) < 0)
                log_warning("Could not move roost-slirp of network %s (PID %d) into %s: it will stop with roostd.",
                            n->name, (int) pid, unit);
}

static int slirp_start(Network *n, char **ret_error) {
        Daemon *d = n->daemon;
        g_autofree char *exe = helper_path("roost-slirp"), *holder = g_strdup_printf("%d", (int) d->holder->pid);
        g_autofree char *lines = NULL, *err = NULL, *state = NULL, *path = NULL;
        char subnet[IPAM_SUBNET_MAX], gw[IPAM_ADDRESS_MAX], dns[IPAM_ADDRESS_MAX];
        unsigned long long st = 0;
        pid_t pid;
        int r;

        const char *argv[] = { exe, "--holder", holder, "--bridge", n->bridge,
                               "--subnet", ipam_format_subnet(&n->subnet, subnet),
                               "--gateway", fmt_addr(n->gateway, gw),
                               "--dns", fmt_addr(n->dns, dns),
                               d->config->host_loopback ? "--allow-host-loopback" : NULL, NULL };
        r = netns_helper_start((char *const *) argv, HELPER_TIMEOUT_MS, slirp_started, n, &pid, &lines, &err);
        if (r < 0) {
                *ret_error = g_strdup_printf("cannot start the uplink of network %s (roost-slirp): %s", n->name,
                                             err ? err : strerror(-r));
                return r;
        }
        (void) proc_starttime(pid, &st);
        path = slirp_state_path(n);
        state = g_strdup_printf("pid=%d\nstarttime=%llu\nholder=%d\nhost_loopback=%s\n", (int) pid, st, (int) d->holder->pid,
                                yes_no(d->config->host_loopback));
        {
                g_autofree char *dir = g_path_get_dirname(path);
                (void) mkdir_p(dir, 0700);
        }
        if (write_file_atomic_at(AT_FDCWD, path, state, strlen(state), 0600) < 0)
                log_warning("Cannot write %s: roostd will not find roost-slirp (PID %d) after a restart.", path, (int) pid);
        r = slirp_watch(n, pid, true);
        if (r < 0)
                log_warning_errno(r, "Cannot watch roost-slirp (PID %d): %m", (int) pid);
        log_info("Network %s: roost-slirp (PID %d) is its uplink.", n->name, (int) pid);
        return 0;
}

static int slirp_watch(Network *n, pid_t pid, bool is_child) {
        int fd = pidfd_open_pid(pid), r;

        if (fd < 0)
                return fd;
        n->slirp_watch = sd_event_source_disable_unref(n->slirp_watch);
        r = sd_event_add_io(n->daemon->event, &n->slirp_watch, fd, EPOLLIN, on_slirp_exit, n);
        if (r < 0) {
                safe_close(fd);
                return r;
        }
        (void) sd_event_source_set_io_fd_own(n->slirp_watch, true);
        n->slirp_pid = pid;
        n->slirp_is_child = is_child;
        return 0;
}

static void slirp_forget(Network *n) {
        g_autofree char *path = slirp_state_path(n);

        n->slirp_watch = sd_event_source_disable_unref(n->slirp_watch);
        if (n->slirp_is_child)
                (void) waitpid(n->slirp_pid, NULL, WNOHANG);
        n->slirp_pid = 0;
        n->slirp_is_child = false;
        (void) unlink(path);
}

static int on_slirp_exit(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Network *n = userdata;
        g_autofree char *err = NULL;
        uint64_t now = now_usec();
        pid_t pid = n->slirp_pid;

        slirp_forget(n);
        if (!network_has_running(n)) {
                log_info("Network %s: roost-slirp (PID %d) exited.", n->name, (int) pid);
                return 0;
        }
        if (now - n->slirp_restarted_at > SLIRP_RESTART_WINDOW_USEC) {
                n->slirp_restarted_at = now;
                n->slirp_restarts = 0;
        }
        if (++n->slirp_restarts > SLIRP_RESTART_MAX) {
                log_error("Network %s: roost-slirp died %d times within %d s; containers on it have no outside "
                          "connectivity until one of them starts again. See: journalctl --user -u roostd",
                          n->name, SLIRP_RESTART_MAX, (int) (SLIRP_RESTART_WINDOW_USEC / G_USEC_PER_SEC));
                return 0;
        }
        log_warning("Network %s: roost-slirp (PID %d) died; starting another.", n->name, (int) pid);
        if (slirp_start(n, &err) < 0)
                log_error("%s", err);
        return 0;
}

/* A roost-slirp left running by an earlier roostd. */
static void slirp_adopt(Network *n) {
        Daemon *d = n->daemon;
        g_autofree char *path = slirp_state_path(n), *pid_s = NULL, *st_s = NULL, *holder_s = NULL, *lo_s = NULL;
        _cleanup_free_ char *text = NULL;
        unsigned long long st = 0;
        pid_t pid;

        if (read_full_file(path, 4096, &text, NULL) < 0)
                return;
        if (kv_get(text, "pid", &pid_s) < 0 || kv_get(text, "starttime", &st_s) < 0 || kv_get(text, "holder", &holder_s) < 0)
                goto stale;
        pid = atoi(pid_s);
        if (pid <= 0 || atoi(holder_s) != d->holder->pid || proc_starttime(pid, &st) < 0 ||
            st != g_ascii_strtoull(st_s, NULL, 10))
                goto stale;
        if (kv_get(text, "host_loopback", &lo_s) < 0 || !streq(lo_s, yes_no(d->config->host_loopback))) {
                /* started before [Network] HostLoopback= changed: replace it */
                log_info("Network %s: restarting roost-slirp (PID %d) for HostLoopback=%s.", n->name, (int) pid,
                         yes_no(d->config->host_loopback));
                (void) kill(pid, SIGTERM);
                goto stale;
        }
        if (slirp_watch(n, pid, false) < 0)
                goto stale;
        n->bridge_holder = d->holder->pid;
        log_debug("Network %s: re-adopted roost-slirp (PID %d).", n->name, (int) pid);
        return;
stale:
        (void) unlink(path);
}

static void slirp_stop(Network *n) {
        pid_t pid = n->slirp_pid;
        bool child = n->slirp_is_child;

        if (pid <= 0)
                return;
        n->slirp_watch = sd_event_source_disable_unref(n->slirp_watch);
        (void) kill(pid, SIGTERM);
        if (child)
                (void) wait_child_timeout(pid, 2000);
        n->slirp_is_child = false;
        slirp_forget(n);
}

static int on_idle(sd_event_source *s, uint64_t usec, void *userdata) {
        Network *n = userdata;

        n->idle_timer = sd_event_source_disable_unref(n->idle_timer);
        if (n->slirp_pid > 0 && !network_has_running(n)) {
                log_debug("Network %s: no container for %d s; stopping roost-slirp (PID %d).", n->name, NETWORK_IDLE_SEC,
                          (int) n->slirp_pid);
                slirp_stop(n);
        }
        return 0;
}

/* No running container uses n (any more): its uplink goes after a while. */
static void network_idle(Network *n) {
        if (n->slirp_pid <= 0 || n->idle_timer || network_has_running(n))
                return;
        (void) sd_event_add_time_relative(n->daemon->event, &n->idle_timer, CLOCK_MONOTONIC,
                                          NETWORK_IDLE_SEC * G_USEC_PER_SEC, 0, on_idle, n);
}

static int bridge_up_fn(void *userdata, char *errbuf, size_t errlen) {
        const char *bridge = userdata;
        int r = netns_network_up(bridge);
        if (r == -ENOTUNIQ)
                snprintf(errbuf, errlen, "the interface %s in roost's network namespace is not a bridge", bridge);
        else if (r < 0)
                snprintf(errbuf, errlen, "cannot create the bridge %s: %s", bridge, strerror(-r));
        return r;
}

static int bridge_down_fn(void *userdata, char *errbuf, size_t errlen) {
        const char *bridge = userdata;
        int r = netns_network_down(bridge);
        if (r < 0)
                snprintf(errbuf, errlen, "cannot delete the bridge %s: %s", bridge, strerror(-r));
        return r;
}

/* The bridge exists, and the uplink runs (unless internal). */
static int network_ensure_up(Network *n, char **ret_error) {
        Daemon *d = n->daemon;
        int r;

        if (n->bridge_holder != d->holder->pid) {
                r = nsexec_run(d, NET_NS_FLAGS, bridge_up_fn, n->bridge, NSEXEC_TIMEOUT_MS, ret_error);
                if (r < 0)
                        return r;
                n->bridge_holder = d->holder->pid;
        }
        n->idle_timer = sd_event_source_disable_unref(n->idle_timer);
        if (n->internal || n->slirp_pid > 0)
                return 0;
        n->slirp_restarts = 0;
        return slirp_start(n, ret_error);
}

static Network *network_from_row(Daemon *d, sqlite3_stmt *st) {
        const char *name = (const char *) sqlite3_column_text(st, 0), *labels = (const char *) sqlite3_column_text(st, 7);
        IpamSubnet subnet;
        uint32_t gw;
        /* g_variant_parse() gives a reference of our own, network_new() takes one */
        g_autoptr(GVariant) l = NULL;

        if (ipam_parse_subnet((const char *) sqlite3_column_text(st, 3), &subnet) < 0 ||
            ipam_parse_address((const char *) sqlite3_column_text(st, 4), &gw) < 0) {
                log_warning("Network %s in %s has a bad subnet or gateway; ignoring it.", name, d->db->path);
                return NULL;
        }
        if (!isempty(labels))
                l = g_variant_parse(G_VARIANT_TYPE("a{ss}"), labels, NULL, NULL, NULL);
        return network_new(d, name, (const char *) sqlite3_column_text(st, 1), (const char *) sqlite3_column_text(st, 2),
                           &subnet, gw, sqlite3_column_int(st, 5) != 0, (uint64_t) sqlite3_column_int64(st, 6), l);
}

int networks_load(Daemon *d) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        GHashTableIter it;
        gpointer v;
        int rc;

        d->networks = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify) network_free);
        rc = state_db_prepare(d->db, "SELECT name, id, bridge, subnet, gateway, internal, created_at, labels FROM networks", &st);
        if (rc != SQLITE_OK)
                return log_error_errno(sqlite_to_errno(rc), "Cannot read the networks from %s: %s", d->db->path,
                                       state_db_errmsg(d->db));
        while (sqlite3_step(st) == SQLITE_ROW) {
                Network *n = network_from_row(d, st);
                if (n)
                        g_hash_table_replace(d->networks, n->name, n);
        }
        if (!g_hash_table_contains(d->networks, NETNS_DEFAULT_NETWORK)) {
                g_autofree char *id = names_random_id();
                IpamSubnet s;
                Network *n;
                int r;

                (void) ipam_parse_subnet(NETNS_DEFAULT_SUBNET, &s);
                n = network_new(d, NETNS_DEFAULT_NETWORK, id, NETNS_DEFAULT_BRIDGE, &s, ipam_default_gateway(&s), false,
                                now_usec(), NULL);
                r = network_insert(d, n);
                if (r < 0) {
                        network_free(n);
                        return log_error_errno(r, "Cannot record the default network in %s: %m", d->db->path);
                }
                g_hash_table_replace(d->networks, n->name, n);
        }
        if (d->holder) {
                g_hash_table_iter_init(&it, d->networks);
                while (g_hash_table_iter_next(&it, NULL, &v))
                        slirp_adopt(v);
        }
        return 0;
}

void networks_reconcile(Daemon *d) {
        GHashTableIter it;
        gpointer v;

        g_hash_table_iter_init(&it, d->networks);
        while (g_hash_table_iter_next(&it, NULL, &v)) {
                Network *n = v;
                g_autofree char *err = NULL;
                if (n->slirp_pid > 0)
                        network_idle(n);
                if (n->internal || n->slirp_pid > 0 || !network_has_running(n))
                        continue;
                log_info("Network %s has running containers but no uplink; starting roost-slirp.", n->name);
                if (slirp_start(n, &err) < 0)
                        log_error("%s", err);
        }
}

void networks_free(Daemon *d) {
        if (d->networks)
                g_hash_table_destroy(d->networks);
        d->networks = NULL;
}

int network_find(Daemon *d, const char *name_or_id, Network **ret, char **ret_error) {
        GHashTableIter it;
        gpointer v;
        Network *found = NULL;
        size_t len = strlen(name_or_id);

        if (streq(name_or_id, "bridge") || streq(name_or_id, "default"))
                name_or_id = NETNS_DEFAULT_NETWORK;
        found = g_hash_table_lookup(d->networks, name_or_id);
        if (found) {
                *ret = found;
                return 0;
        }
        if (len > 0 && len <= 64 && strspn(name_or_id, "0123456789abcdef") == len) {
                g_hash_table_iter_init(&it, d->networks);
                while (g_hash_table_iter_next(&it, NULL, &v)) {
                        Network *n = v;
                        if (!startswith(n->id, name_or_id))
                                continue;
                        if (found) {
                                *ret_error = g_strdup_printf("network ID prefix %s is ambiguous: it names %s and %s",
                                                             name_or_id, found->name, n->name);
                                return -ENOTUNIQ;
                        }
                        found = n;
                }
        }
        if (!found) {
                *ret_error = g_strdup_printf("network %s not found (roost network ls lists them; roost network create %s makes it)",
                                             name_or_id, name_or_id);
                return -ENOENT;
        }
        *ret = found;
        return 0;
}

/* --- endpoints ----------------------------------------------------------------- */

typedef struct Endpoint {
        Network *net;
        char *container_id;
        uint32_t address;
        char *aliases;     /* space-separated, may be "" */
        int position;
} Endpoint;

static void endpoint_free(Endpoint *e) {
        g_free(e->container_id);
        g_free(e->aliases);
        g_free(e);
}

/* The endpoints of a container (container_id set) or of a network; -EIO
 * (logged) when the database cannot be read. */
static int endpoints_read(Daemon *d, const char *container_id, Network *net, GPtrArray **ret) {
        g_autoptr(GPtrArray) l = g_ptr_array_new_with_free_func((GDestroyNotify) endpoint_free);
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        const char *sql = container_id ? "SELECT container_id, network, address, aliases, position FROM endpoints "
                                         "WHERE container_id = ? ORDER BY position"
                                       : "SELECT container_id, network, address, aliases, position FROM endpoints "
                                         "WHERE network = ? ORDER BY container_id";

        if (state_db_prepare(d->db, sql, &st) != SQLITE_OK) {
                log_warning("Cannot read the endpoints of %s %s from %s: %s", container_id ? "container" : "network",
                            container_id ? container_id : net->name, d->db->path, state_db_errmsg(d->db));
                return -EIO;
        }
        sqlite3_bind_text(st, 1, container_id ? container_id : net->name, -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW) {
                Network *n = g_hash_table_lookup(d->networks, sqlite3_column_text(st, 1));
                uint32_t a;
                if (!n || ipam_parse_address((const char *) sqlite3_column_text(st, 2), &a) < 0)
                        continue;
                Endpoint *e = g_new0(Endpoint, 1);
                e->net = n;
                e->container_id = g_strdup((const char *) sqlite3_column_text(st, 0));
                e->address = a;
                e->aliases = g_strdup((const char *) sqlite3_column_text(st, 3));
                e->position = sqlite3_column_int(st, 4);
                g_ptr_array_add(l, e);
        }
        *ret = g_steal_pointer(&l);
        return 0;
}

/* The same, empty when the database cannot be read: for what only shows
 * them (the warning is logged). */
static GPtrArray *endpoints_query(Daemon *d, const char *container_id, Network *net) {
        GPtrArray *l = NULL;

        if (endpoints_read(d, container_id, net, &l) < 0)
                return g_ptr_array_new_with_free_func((GDestroyNotify) endpoint_free);
        return l;
}

static Endpoint *endpoint_on(GPtrArray *eps, Network *n) {
        for (guint i = 0; i < eps->len; i++) {
                Endpoint *e = eps->pdata[i];
                if (e->net == n)
                        return e;
        }
        return NULL;
}

/* Leases an address on n for c: requested (0: the lowest free one). */
static int endpoint_insert(Container *c, Network *n, const char *requested, char *const *aliases, char **ret_error) {
        Daemon *d = c->daemon;
        _cleanup_stmt_ sqlite3_stmt *st = NULL, *ins = NULL;
        g_autoptr(GArray) taken = g_array_new(FALSE, FALSE, sizeof(uint32_t));
        g_autofree char *alias_text = aliases ? g_strjoinv(" ", (char **) aliases) : g_strdup("");
        char subnet[IPAM_SUBNET_MAX], buf[IPAM_ADDRESS_MAX];
        uint32_t want = 0, addr;
        int position = 0, rc, r;

        if (requested && ipam_parse_address(requested, &want) < 0) {
                *ret_error = g_strdup_printf("invalid IP address %s", requested);
                return -EINVAL;
        }
        rc = state_db_prepare(d->db, "SELECT address, container_id FROM endpoints WHERE network = ?", &st);
        if (rc != SQLITE_OK)
                goto db_fail;
        sqlite3_bind_text(st, 1, n->name, -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW) {
                uint32_t a;
                if (ipam_parse_address((const char *) sqlite3_column_text(st, 0), &a) < 0)
                        continue;
                if (want && a == want) {
                        Container *other = g_hash_table_lookup(d->containers, sqlite3_column_text(st, 1));
                        *ret_error = g_strdup_printf("address %s is already in use on network %s (by container %s); "
                                                     "choose another with --ip or leave --ip out",
                                                     requested, n->name, other ? other->name : (const char *) sqlite3_column_text(st, 1));
                        return -EADDRINUSE;
                }
                g_array_append_val(taken, a);
        }
        r = ipam_allocate(&n->subnet, n->gateway, n->dns, (const uint32_t *) (void *) taken->data, taken->len, want, &addr);
        switch (r) {
        case 0:
                break;
        case -ENOSPC:
                *ret_error = g_strdup_printf("network %s (%s) has no free address left", n->name, ipam_format_subnet(&n->subnet, subnet));
                return r;
        case -EDOM:
                *ret_error = g_strdup_printf("address %s is not in the subnet %s of network %s", requested, ipam_format_subnet(&n->subnet, subnet),
                                             n->name);
                return r;
        case -EADDRNOTAVAIL:
                *ret_error = g_strdup_printf("address %s is reserved on network %s (its network, broadcast, gateway or DNS "
                                             "address); choose another", requested, n->name);
                return r;
        default:
                *ret_error = g_strdup_printf("cannot lease an address on network %s: %s", n->name, strerror(-r));
                return r;
        }
        {
                _cleanup_stmt_ sqlite3_stmt *pos = NULL;
                if (state_db_prepare(d->db, "SELECT COALESCE(MAX(position) + 1, 0) FROM endpoints WHERE container_id = ?", &pos) ==
                    SQLITE_OK) {
                        sqlite3_bind_text(pos, 1, c->id, -1, SQLITE_STATIC);
                        if (sqlite3_step(pos) == SQLITE_ROW)
                                position = sqlite3_column_int(pos, 0);
                }
        }
        rc = state_db_prepare(d->db,
                              "INSERT INTO endpoints(container_id, network, address, requested, aliases, position) VALUES (?,?,?,?,?,?)",
                              &ins);
        if (rc != SQLITE_OK)
                goto db_fail;
        sqlite3_bind_text(ins, 1, c->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, n->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 3, fmt_addr(addr, buf), -1, SQLITE_STATIC);
        sqlite3_bind_int(ins, 4, want != 0);
        sqlite3_bind_text(ins, 5, alias_text, -1, SQLITE_STATIC);
        sqlite3_bind_int(ins, 6, position);
        rc = sqlite3_step(ins);
        if (rc != SQLITE_DONE)
                goto db_fail;
        return 0;

db_fail:
        *ret_error = g_strdup_printf("cannot record the address lease in %s: %s", d->db->path, state_db_errmsg(d->db));
        return sqlite_to_errno(rc);
}

static int endpoint_delete(Daemon *d, const char *container_id, Network *n) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int rc;

        rc = state_db_prepare(d->db, "DELETE FROM endpoints WHERE container_id = ? AND network = ?", &st);
        if (rc != SQLITE_OK)
                return sqlite_to_errno(rc);
        sqlite3_bind_text(st, 1, container_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, n->name, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        return rc == SQLITE_DONE ? 0 : sqlite_to_errno(rc);
}

int container_net_create(Container *c, char **ret_error) {
        Daemon *d = c->daemon;
        const ContainerOptions *o = c->options;
        Network *n;
        int r;

        for (char **h = o->extra_hosts; h && *h; h++)
                if (endswith(*h, ":host-gateway") && !d->config->host_loopback) {
                        *ret_error = g_strdup_printf("--add-host %s: host-gateway is the host's loopback, which containers cannot "
                                                     "reach unless roost.conf says [Network] HostLoopback=yes", *h);
                        return -EADDRNOTAVAIL;
                }
        if (startswith(o->network_mode, "container:")) {
                Container *other;
                g_autofree char *err = NULL;
                if (container_find(d, o->network_mode + 10, &other, &err) < 0) {
                        *ret_error = g_strdup_printf("--network %s: %s", o->network_mode, err ? err : "no such container");
                        return -ENOENT;
                }
                return 0;
        }
        if (!network_mode_is_network(o->network_mode))
                return 0;
        r = network_find(d, o->network_mode, &n, ret_error);
        if (r < 0)
                return r;
        return endpoint_insert(c, n, o->ip_address, o->network_aliases, ret_error);
}

/* --- a container's namespace ---------------------------------------------------- */

typedef struct NetnsWork {
        const char *runtime_dir;
        const char *id;
        NetnsAttach *attach;
        size_t n_attach;
        const char *ifname; /* disconnect */
} NetnsWork;

/* In the holder's namespaces: a fresh namespace for the container with
 * one interface per attachment; the interface names go back in errbuf. */
static int netns_create_fn(void *userdata, char *errbuf, size_t errlen) {
        NetnsWork *w = userdata;
        size_t used = 0;
        int r;

        (void) netns_container_destroy(w->runtime_dir, w->id); /* what a crashed run left */
        r = netns_container_create(w->runtime_dir, w->id, w->n_attach > 0 ? &w->attach[0] : NULL);
        if (r < 0) {
                snprintf(errbuf, errlen, "cannot create the container's network namespace: %s", strerror(-r));
                return r;
        }
        if (w->n_attach > 0)
                used = (size_t) snprintf(errbuf, errlen, "eth0");
        for (size_t i = 1; i < w->n_attach; i++) {
                char ifname[IFNAMSIZ];
                r = netns_container_connect(w->runtime_dir, w->id, &w->attach[i], ifname);
                if (r < 0) {
                        snprintf(errbuf, errlen, "cannot attach the container to bridge %s: %s", w->attach[i].bridge, strerror(-r));
                        (void) netns_container_destroy(w->runtime_dir, w->id);
                        return r;
                }
                if (used < errlen)
                        used += (size_t) snprintf(errbuf + used, errlen - used, " %s", ifname);
        }
        return 0;
}

static int netns_connect_fn(void *userdata, char *errbuf, size_t errlen) {
        NetnsWork *w = userdata;
        char ifname[IFNAMSIZ];
        int r = netns_container_connect(w->runtime_dir, w->id, &w->attach[0], ifname);
        if (r < 0) {
                snprintf(errbuf, errlen, "cannot attach the container to bridge %s: %s", w->attach[0].bridge, strerror(-r));
                return r;
        }
        snprintf(errbuf, errlen, "%s", ifname);
        return 0;
}

static int netns_disconnect_fn(void *userdata, char *errbuf, size_t errlen) {
        NetnsWork *w = userdata;
        int r = netns_container_disconnect(w->runtime_dir, w->id, w->ifname);
        if (r < 0 && r != -ENODEV) {
                snprintf(errbuf, errlen, "cannot remove %s from the container: %s", w->ifname, strerror(-r));
                return r;
        }
        return 0;
}

static int netns_destroy_fn(void *userdata, char *errbuf, size_t errlen) {
        NetnsWork *w = userdata;
        int r = netns_container_destroy(w->runtime_dir, w->id);
        if (r < 0)
                snprintf(errbuf, errlen, "cannot remove the container's network namespace: %s", strerror(-r));
        return r;
}

static NetnsAttach attach_of(const Endpoint *e) {
        return (NetnsAttach) {
                .bridge = e->net->bridge,
                .address = e->address,
                .prefixlen = e->net->subnet.prefixlen,
                .gateway = e->net->internal ? 0 : e->net->gateway,
        };
}

/* --- /etc files ------------------------------------------------------------------ */

static char *container_etc_dir(Container *c) {
        return g_strdup_printf("%s/etc", c->data_dir);
}

static char *container_hostname(Container *c) {
        return !isempty(c->options->hostname) ? g_strdup(c->options->hostname) : g_strndup(c->id, 12);
}

static void peer_entries(Container *c, GPtrArray *eps, GArray *peers, GPtrArray *strings) {
        Daemon *d = c->daemon;

        for (guint i = 0; i < eps->len; i++) {
                Endpoint *mine = eps->pdata[i];
                g_autoptr(GPtrArray) others = endpoints_query(d, NULL, mine->net);
                for (guint j = 0; j < others->len; j++) {
                        Endpoint *e = others->pdata[j];
                        Container *p = g_hash_table_lookup(d->containers, e->container_id);
                        char buf[IPAM_ADDRESS_MAX];
                        if (!p || p == c || !p->net)
                                continue;
                        char *addr = g_strdup(fmt_addr(e->address, buf));
                        char *names = isempty(e->aliases) ? g_strdup(p->name) : g_strdup_printf("%s %s", p->name, e->aliases);
                        g_ptr_array_add(strings, addr);
                        g_ptr_array_add(strings, names);
                        HostsEntry h = { .address = addr, .names = names };
                        g_array_append_val(peers, h);
                }
        }
}

/* /etc/hosts, /etc/hostname and /etc/resolv.conf of a container on roost
 * networks, rewritten in place (they are bind-mounted into it). */
static int write_net_etc(Container *c, GPtrArray *eps, const char *etc_dir, const char *hostname, char **ret_error) {
        Daemon *d = c->daemon;
        const ContainerOptions *o = c->options;
        g_autoptr(GArray) adds = g_array_new(FALSE, FALSE, sizeof(HostsEntry));
        g_autoptr(GArray) peers = g_array_new(FALSE, FALSE, sizeof(HostsEntry));
        g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func(free);
        g_autoptr(GPtrArray) ns = g_ptr_array_new();
        _cleanup_free_ char *hosts = NULL, *resolv = NULL;
        g_autofree char *hn = g_strdup_printf("%s\n", hostname);
        char addr[IPAM_ADDRESS_MAX], gw[IPAM_ADDRESS_MAX], dns[IPAM_ADDRESS_MAX];
        Endpoint *first = eps->len > 0 ? eps->pdata[0] : NULL;
        const char *host_gateway = first && d->config->host_loopback ? fmt_addr(first->net->gateway, gw) : NULL;
        _cleanup_close_ int dirfd = -EBADF;
        int r;

        for (char **h = o->extra_hosts; h && *h; h++) {
                char *name = NULL, *a = NULL;
                r = hosts_parse_add_host(*h, host_gateway, &name, &a);
                if (r < 0) {
                        *ret_error = g_strdup_printf("--add-host %s: %s", *h,
                                                     r == -EADDRNOTAVAIL ? "host-gateway needs [Network] HostLoopback=yes in roost.conf"
                                                                         : "use NAME:ADDRESS");
                        return r;
                }
                g_ptr_array_add(strings, name);
                g_ptr_array_add(strings, a);
                HostsEntry e = { .address = a, .names = name };
                g_array_append_val(adds, e);
        }
        peer_entries(c, eps, peers, strings);

        HostsParams hp = {
                .hostname = hostname,
                .name = c->name,
                .address = first ? fmt_addr(first->address, addr) : NULL,
                .add_hosts = (const HostsEntry *) (void *) adds->data,
                .n_add_hosts = adds->len,
                .host_gateway = host_gateway,
                .peers = (const HostsEntry *) (void *) peers->data,
                .n_peers = peers->len,
        };
        r = hosts_render(&hp, &hosts);
        if (r < 0) {
                *ret_error = g_strdup_printf("cannot write /etc/hosts of container %s: a name or address is not valid", c->name);
                return r;
        }
        if (o->dns)
                for (char **s = o->dns; *s; s++)
                        g_ptr_array_add(ns, *s);
        else if (first && !first->net->internal)
                g_ptr_array_add(ns, (char *) fmt_addr(first->net->dns, dns));
        g_ptr_array_add(ns, NULL);
        ResolvParams rp = {
                .nameservers = (const char *const *) ns->pdata,
                .search = (const char *const *) o->dns_search,
                .options = (const char *const *) o->dns_options,
        };
        r = resolv_render(&rp, &resolv);
        if (r < 0) {
                *ret_error = g_strdup_printf("cannot write /etc/resolv.conf of container %s: check --dns, --dns-search and --dns-option",
                                             c->name);
                return r;
        }
        r = mkdir_p(etc_dir, 0700);
        if (r >= 0) {
                dirfd = open(etc_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
                r = dirfd < 0 ? -errno : 0;
        }
        if (r >= 0)
                r = hosts_file_rewrite(dirfd, "hosts", hosts);
        if (r >= 0)
                r = hosts_file_rewrite(dirfd, "hostname", hn);
        if (r >= 0)
                r = hosts_file_rewrite(dirfd, "resolv.conf", resolv);
        if (r < 0)
                *ret_error = g_strdup_printf("cannot write the /etc files of container %s in %s: %s", c->name, etc_dir, strerror(-r));
        return r;
}

/* Rewrites /etc/hosts of every running container on n but skip. */
static void refresh_peers(Daemon *d, Network *n, Container *skip) {
        g_autoptr(GPtrArray) eps = endpoints_query(d, NULL, n);

        for (guint i = 0; i < eps->len; i++) {
                Endpoint *e = eps->pdata[i];
                Container *p = g_hash_table_lookup(d->containers, e->container_id);
                g_autofree char *etc = NULL, *hn = NULL, *err = NULL;
                if (!p || p == skip || !p->net)
                        continue;
                g_autoptr(GPtrArray) mine = endpoints_query(d, p->id, NULL);
                etc = container_etc_dir(p);
                hn = container_hostname(p);
                if (write_net_etc(p, mine, etc, hn, &err) < 0)
                        log_warning("Cannot update /etc/hosts of container %s: %s", p->name, err);
        }
}

static void refresh_peers_of(Container *c, GPtrArray *eps) {
        for (guint i = 0; i < eps->len; i++)
                refresh_peers(c->daemon, ((Endpoint *) eps->pdata[i])->net, c);
}

/* --- state file ------------------------------------------------------------------ */

static void container_net_free(ContainerNet *cn) {
        if (!cn)
                return;
        sd_event_source_disable_unref(cn->portfwd_watch);
        g_free(cn->netns_path);
        g_free(cn->bind_listener);
        g_strfreev(cn->interfaces);
        g_strfreev(cn->ports);
        g_free(cn);
}

static void net_state_save(Container *c) {
        ContainerNet *cn = c->net;
        g_autofree char *path = g_build_filename(c->run_dir, CONTAINER_NET_FILE, NULL);
        g_autofree char *ifs = NULL, *ports = NULL, *text = NULL;
        g_autoptr(GPtrArray) enc = g_ptr_array_new_with_free_func(g_free);

        /* "NETWORK IFNAME" pairs as NETWORK/IFNAME words */
        for (char **i = cn->interfaces; i && *i; i++)
                g_ptr_array_add(enc, g_strdelimit(g_strdup(*i), " ", '/'));
        g_ptr_array_add(enc, NULL);
        ifs = g_strjoinv(" ", (char **) enc->pdata);
        ports = cn->ports ? g_strjoinv(" ", cn->ports) : g_strdup("");
        text = g_strdup_printf("netns=%s\ninterfaces=%s\nports=%s\nportfwd_pid=%d\nportfwd_starttime=%llu\nbind_listener=%s\n",
                               strempty(cn->netns_path), ifs, ports, (int) cn->portfwd_pid, cn->portfwd_starttime,
                               strempty(cn->bind_listener));
        if (write_file_atomic_at(AT_FDCWD, path, text, strlen(text), 0600) < 0)
                log_warning("Cannot write %s: after a restart roostd will not know container %s's ports.", path, c->name);
}

static char *interface_of(ContainerNet *cn, Network *n) {
        g_autofree char *prefix = g_strdup_printf("%s ", n->name);
        for (char **i = cn->interfaces; i && *i; i++)
                if (startswith(*i, prefix))
                        return g_strdup(*i + strlen(prefix));
        return NULL;
}

static void interfaces_set(ContainerNet *cn, Network *n, const char *ifname) {
        g_autoptr(GStrvBuilder) b = g_strv_builder_new();
        g_autofree char *prefix = g_strdup_printf("%s ", n->name);

        for (char **i = cn->interfaces; i && *i; i++)
                if (!startswith(*i, prefix))
                        g_strv_builder_add(b, *i);
        if (ifname) {
                g_autofree char *pair = g_strdup_printf("%s %s", n->name, ifname);
                g_strv_builder_add(b, pair);
        }
        g_strfreev(cn->interfaces);
        cn->interfaces = g_strv_builder_end(b);
}

/* --- published ports -------------------------------------------------------------- */

static void portfwd_restart(Container *c);

static int on_portfwd_exit(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Container *c = userdata;
        ContainerNet *cn = c->net;

        if (!cn)
                return 0;
        cn->portfwd_watch = sd_event_source_disable_unref(cn->portfwd_watch);
        if (cn->portfwd_is_child)
                (void) waitpid(cn->portfwd_pid, NULL, WNOHANG);
        log_warning("The port forwarder of container %s (PID %d) exited.", c->name, (int) cn->portfwd_pid);
        cn->portfwd_pid = 0;
        cn->portfwd_is_child = false;
        portfwd_restart(c);
        net_state_save(c);
        return 0;
}

static int portfwd_watch(Container *c, bool is_child) {
        ContainerNet *cn = c->net;
        int fd = pidfd_open_pid(cn->portfwd_pid), r;

        if (fd < 0)
                return fd;
        r = sd_event_add_io(c->daemon->event, &cn->portfwd_watch, fd, EPOLLIN, on_portfwd_exit, c);
        if (r < 0) {
                safe_close(fd);
                return r;
        }
        (void) sd_event_source_set_io_fd_own(cn->portfwd_watch, true);
        cn->portfwd_is_child = is_child;
        return 0;
}

static void portfwd_stop(ContainerNet *cn) {
        if (cn->portfwd_pid <= 0)
                return;
        cn->portfwd_watch = sd_event_source_disable_unref(cn->portfwd_watch);
        (void) kill(cn->portfwd_pid, SIGTERM);
        if (cn->portfwd_is_child)
                (void) wait_child_timeout(cn->portfwd_pid, 2000);
        cn->portfwd_pid = 0;
}

/* Does spec publish container port p/proto (so -P leaves it alone)? */
static bool published(char *const *specs, unsigned port, PortProto proto) {
        for (char *const *s = specs; s && *s; s++) {
                _cleanup_free_ PortForward *f = NULL;
                size_t n = 0;
                if (portspec_parse(*s, &f, &n, NULL) < 0)
                        continue;
                for (size_t i = 0; i < n; i++)
                        if (f[i].container_port == port && f[i].proto == proto)
                                return true;
        }
        return false;
}

/* -p as given, and with -P every exposed port not published yet ("80/tcp":
 * any free host port). */
static char **port_specs(Container *c, char *const *image_exposed) {
        const ContainerOptions *o = c->options;
        g_autoptr(GStrvBuilder) b = g_strv_builder_new();
        g_autoptr(GPtrArray) exposed = g_ptr_array_new();

        for (char **s = o->publish; s && *s; s++)
                g_strv_builder_add(b, *s);
        if (o->publish_all) {
                for (char *const *s = image_exposed; s && *s; s++)
                        g_ptr_array_add(exposed, *s);
                for (char **s = o->expose; s && *s; s++)
                        g_ptr_array_add(exposed, *s);
                for (guint i = 0; i < exposed->len; i++) {
                        _cleanup_free_ PortForward *f = NULL;
                        size_t n = 0;
                        if (portspec_parse(exposed->pdata[i], &f, &n, NULL) < 0)
                                continue;
                        for (size_t j = 0; j < n; j++) {
                                if (published(o->publish, f[j].container_port, f[j].proto))
                                        continue;
                                g_autofree char *spec = g_strdup_printf("%u/%s", f[j].container_port,
                                                                        port_proto_to_string(f[j].proto));
                                g_strv_builder_add(b, spec);
                        }
                }
        }
        return g_strv_builder_end(b);
}

/* Where roost-portfwd takes the runtime's seccomp notification fd, when the
 * container's published TCP ports can be handed over to it: [Network]
 * Bypass=yes, roost's own seccomp profile (a profile of the user's, or
 * none, decides for itself), a TCP port to publish. NULL otherwise. */
static char *bind_listener_path(Container *c, char **specs) {
        const ContainerOptions *o = c->options;
        g_autofree char *dir = g_build_filename(c->daemon->runtime_dir, ROOST_BYPASS_DIR, NULL);
        char *path;
        bool tcp = false;

        for (char **s = specs; *s; s++)
                tcp = tcp || !g_str_has_suffix(*s, "/udp");
        if (!c->daemon->config->bypass || o->privileged || o->seccomp_profile || !tcp)
                return NULL;
        path = g_strdup_printf("%s/%s", dir, c->id);
        if (strlen(path) >= sizeof(((struct sockaddr_un *) NULL)->sun_path) || g_mkdir_with_parents(dir, 0700) < 0) {
                log_warning("Container %s: no handoff of published ports (%s unusable), forwarding them.", c->name, path);
                g_free(path);
                return NULL;
        }
        return path;
}

static int portfwd_start(Container *c, Endpoint *first, char **specs, char *listener, bool adopt, char **ret_error) {
        Daemon *d = c->daemon;
        ContainerNet *cn = c->net;
        g_autofree char *exe = helper_path("roost-portfwd"), *holder = g_strdup_printf("%d", (int) d->holder->pid);
        g_autofree char *lines = NULL, *err = NULL;
        g_autoptr(GPtrArray) argv = g_ptr_array_new();
        g_autoptr(GStrvBuilder) bound = g_strv_builder_new();
        char ip[IPAM_ADDRESS_MAX], gw[IPAM_ADDRESS_MAX];
        pid_t pid;
        int r;

        g_ptr_array_add(argv, exe);
        g_ptr_array_add(argv, (char *) "--holder");
        g_ptr_array_add(argv, holder);
        g_ptr_array_add(argv, (char *) "--netns");
        g_ptr_array_add(argv, cn->netns_path);
        g_ptr_array_add(argv, (char *) "--container-ip");
        g_ptr_array_add(argv, (char *) fmt_addr(first->address, ip));
        g_ptr_array_add(argv, (char *) "--gateway");
        g_ptr_array_add(argv, (char *) fmt_addr(first->net->gateway, gw));
        if (listener) {
                g_ptr_array_add(argv, (char *) "--seccomp-listener");
                g_ptr_array_add(argv, listener);
        }
        if (adopt)
                g_ptr_array_add(argv, (char *) "--adopt");
        g_ptr_array_add(argv, (char *) "--");
        for (char **s = specs; *s; s++)
                g_ptr_array_add(argv, *s);
        g_ptr_array_add(argv, NULL);

        r = netns_helper_start((char *const *) argv->pdata, HELPER_TIMEOUT_MS, NULL, NULL, &pid, &lines, &err);
        if (r < 0) {
                *ret_error = g_strdup_printf("cannot publish the ports of container %s: %s", c->name, err ? err : strerror(-r));
                return r;
        }
        for (char *l = lines, *next; l && *l; l = next) {
                next = strchrnul(l, '\n');
                if (*next)
                        *next++ = 0;
                if (startswith(l, "PORT "))
                        g_strv_builder_add(bound, l + 5);
        }
        g_strfreev(cn->ports);
        cn->ports = g_strv_builder_end(bound);
        if (listener != cn->bind_listener) {
                g_free(cn->bind_listener);
                cn->bind_listener = g_strdup(listener);
        }
        cn->portfwd_pid = pid;
        (void) proc_starttime(pid, &cn->portfwd_starttime);
        r = portfwd_watch(c, true);
        if (r < 0)
                log_warning_errno(r, "Cannot watch the port forwarder of container %s: %m", c->name);
        return 0;
}

/* A forwarder that died under a running container comes back (the caller
 * saves the net state): its other
 * ports open again, and the runtime finds a seccomp listener again (without
 * one, exec into the container fails). Ports handed over to the container
 * stay its own (--adopt). The container's processes that were trapped by
 * the old one get ENOSYS from bind() from now on: their filter has lost its
 * listener for good. */
static void portfwd_restart(Container *c) {
        ContainerNet *cn = c->net;
        g_autoptr(GPtrArray) eps = NULL;
        g_auto(GStrv) specs = NULL;
        g_autofree char *err = NULL, *scope = g_strdup_printf(ROOST_SCOPE_PREFIX "%s.scope", c->id);
        uint64_t now = now_usec();

        if (!container_is_active(c) || !cn->ports || !cn->ports[0] || !c->daemon->holder)
                return;
        if (now - cn->portfwd_restarted_at > PORTFWD_RESTART_WINDOW_USEC) {
                cn->portfwd_restarted_at = now;
                cn->portfwd_restarts = 0;
        }
        if (++cn->portfwd_restarts > PORTFWD_RESTART_MAX) {
                log_error("The port forwarder of container %s keeps exiting: its published ports stay closed.", c->name);
                return;
        }
        eps = endpoints_query(c->daemon, c->id, NULL);
        if (eps->len == 0)
                return;
        specs = g_strdupv(cn->ports);
        if (portfwd_start(c, eps->pdata[0], specs, cn->bind_listener, true, &err) < 0) {
                log_warning("Container %s: %s", c->name, err);
                return;
        }
        if (scope_attach(c->daemon, scope, cn->portfwd_pid) < 0)
                log_debug("Container %s: its new port forwarder stays out of its scope.", c->name);
        log_info("Container %s: port forwarder restarted (PID %d).", c->name, (int) cn->portfwd_pid);
}

/* --- start, stop, adopt ------------------------------------------------------------ */

static int start_container_mode(Container *c, char **ret_netns_path, char **ret_etc_dir, char **ret_error) {
        Daemon *d = c->daemon;
        Container *other;
        g_autofree char *err = NULL;

        if (container_find(d, c->options->network_mode + 10, &other, &err) < 0) {
                *ret_error = g_strdup_printf("--network %s: %s", c->options->network_mode, err ? err : "no such container");
                return -ENOENT;
        }
        if (other == c || !container_is_active(other) || other->pid <= 0) {
                *ret_error = g_strdup_printf("--network %s: container %s is not running; start it first", c->options->network_mode,
                                             other->name);
                return -ESRCH;
        }
        *ret_netns_path = other->net && other->net->netns_path ? g_strdup(other->net->netns_path)
                                                               : g_strdup_printf("/proc/%d/ns/net", (int) other->pid);
        *ret_etc_dir = container_etc_dir(other);
        return 0;
}

int container_net_start(Container *c, char *const *image_exposed, const char *etc_dir, const char *hostname,
                        char **ret_netns_path, char **ret_etc_dir, char **ret_error) {
        Daemon *d = c->daemon;
        const ContainerOptions *o = c->options;
        g_autoptr(GPtrArray) eps = NULL;
        g_autofree NetnsAttach *attach = NULL;
        g_auto(GStrv) specs = NULL, ifnames = NULL;
        g_autofree char *msg = NULL;
        ContainerNet *cn;
        int r;

        *ret_netns_path = NULL;
        *ret_etc_dir = NULL;
        if (startswith(o->network_mode, "container:"))
                return start_container_mode(c, ret_netns_path, ret_etc_dir, ret_error);
        if (!network_mode_is_network(o->network_mode))
                return 0;

        container_net_stop(c); /* what an earlier run left, if any */
        eps = endpoints_query(d, c->id, NULL);
        attach = g_new0(NetnsAttach, eps->len + 1);
        for (guint i = 0; i < eps->len; i++) {
                Endpoint *e = eps->pdata[i];
                r = network_ensure_up(e->net, ret_error);
                if (r < 0)
                        return r;
                attach[i] = attach_of(e);
        }

        NetnsWork w = { .runtime_dir = d->runtime_dir, .id = c->id, .attach = attach, .n_attach = eps->len };
        r = nsexec_run(d, NET_NS_FLAGS, netns_create_fn, &w, NSEXEC_TIMEOUT_MS, &msg);
        if (r < 0) {
                *ret_error = g_strdup_printf("cannot set up the network of container %s: %s", c->name, msg ? msg : strerror(-r));
                return r;
        }
        c->net = cn = g_new0(ContainerNet, 1);
        (void) netns_container_path(d->runtime_dir, c->id, &cn->netns_path);
        ifnames = g_strsplit(strempty(msg), " ", -1);
        for (guint i = 0; i < eps->len && ifnames[i]; i++)
                interfaces_set(cn, ((Endpoint *) eps->pdata[i])->net, ifnames[i]);

        specs = port_specs(c, image_exposed);
        if (specs[0]) {
                if (eps->len == 0) {
                        *ret_error = g_strdup_printf("container %s publishes ports but is on no network; connect it to one",
                                                     c->name);
                        r = -ENETUNREACH;
                        goto fail;
                }
                g_autofree char *listener = bind_listener_path(c, specs);
                r = portfwd_start(c, eps->pdata[0], specs, listener, false, ret_error);
                if (r < 0)
                        goto fail;
        }
        r = write_net_etc(c, eps, etc_dir, hostname, ret_error);
        if (r < 0)
                goto fail;
        net_state_save(c);
        refresh_peers_of(c, eps);
        *ret_netns_path = g_strdup(cn->netns_path);
        return 0;

fail:
        container_net_stop(c);
        return r;
}

pid_t container_net_portfwd_pid(Container *c) {
        return c->net ? c->net->portfwd_pid : 0;
}

const char *container_net_bind_listener(Container *c) {
        return c->net ? c->net->bind_listener : NULL;
}

void container_net_stop(Container *c) {
        Daemon *d = c->daemon;
        ContainerNet *cn = c->net;
        g_autofree char *path = g_build_filename(c->run_dir, CONTAINER_NET_FILE, NULL), *err = NULL;
        g_autoptr(GPtrArray) eps = NULL;

        if (!cn)
                return;
        portfwd_stop(cn);
        if (cn->bind_listener)
                (void) unlink(cn->bind_listener); /* roost-portfwd's, if it could not */
        if (d->holder && holder_alive(d->holder)) {
                NetnsWork w = { .runtime_dir = d->runtime_dir, .id = c->id };
                if (nsexec_run(d, NET_NS_FLAGS, netns_destroy_fn, &w, NSEXEC_TIMEOUT_MS, &err) < 0)
                        log_warning("Container %s: %s", c->name, err ? err : "cannot remove its network namespace");
        }
        (void) unlink(path);
        container_net_free(cn);
        c->net = NULL;
        eps = endpoints_query(d, c->id, NULL);
        refresh_peers_of(c, eps);
        for (guint i = 0; i < eps->len; i++)
                network_idle(((Endpoint *) eps->pdata[i])->net);
}

void container_net_release(Container *c) {
        container_net_free(c->net);
        c->net = NULL;
}

void container_net_adopt(Container *c) {
        g_autofree char *path = g_build_filename(c->run_dir, CONTAINER_NET_FILE, NULL);
        g_autofree char *netns = NULL, *ifs = NULL, *ports = NULL, *pid_s = NULL, *st_s = NULL, *listener = NULL;
        _cleanup_free_ char *text = NULL;
        unsigned long long st = 0;
        ContainerNet *cn;

        if (c->net || read_full_file(path, 64 * 1024, &text, NULL) < 0)
                return;
        c->net = cn = g_new0(ContainerNet, 1);
        if (kv_get(text, "netns", &netns) >= 0 && *netns)
                cn->netns_path = g_steal_pointer(&netns);
        if (kv_get(text, "interfaces", &ifs) >= 0 && *ifs) {
                cn->interfaces = g_strsplit(ifs, " ", -1);
                for (char **i = cn->interfaces; *i; i++)
                        g_strdelimit(*i, "/", ' ');
        }
        if (kv_get(text, "ports", &ports) >= 0 && *ports)
                cn->ports = g_strsplit(ports, " ", -1);
        if (kv_get(text, "bind_listener", &listener) >= 0 && *listener)
                cn->bind_listener = g_steal_pointer(&listener);
        if (kv_get(text, "portfwd_pid", &pid_s) >= 0 && kv_get(text, "portfwd_starttime", &st_s) >= 0) {
                cn->portfwd_pid = atoi(pid_s);
                cn->portfwd_starttime = g_ascii_strtoull(st_s, NULL, 10);
                if (cn->portfwd_pid > 0 && (proc_starttime(cn->portfwd_pid, &st) < 0 || st != cn->portfwd_starttime)) {
                        log_warning("The port forwarder of container %s is gone.", c->name);
                        cn->portfwd_pid = 0;
                        portfwd_restart(c);
                        net_state_save(c);
                } else if (cn->portfwd_pid > 0 && portfwd_watch(c, false) < 0)
                        cn->portfwd_pid = 0;
        }
}

void container_net_renamed(Container *c) {
        g_autoptr(GPtrArray) eps = endpoints_query(c->daemon, c->id, NULL);
        if (c->net)
                refresh_peers_of(c, eps);
}

/* --- display --------------------------------------------------------------------------- */

static void append_port_text(GString *s, const PortForward *f) {
        char host[INET6_ADDRSTRLEN];
        const char *proto = port_proto_to_string(f->proto);

        if (s->len)
                g_string_append(s, ", ");
        if (f->family == AF_UNSPEC) {
                g_string_append_printf(s, "0.0.0.0:%u->%u/%s, :::%u->%u/%s", f->host_port, f->container_port, proto,
                                       f->host_port, f->container_port, proto);
                return;
        }
        inet_ntop(f->family, &f->host_addr, host, sizeof host);
        g_string_append_printf(s, f->family == AF_INET6 ? "[%s]:%u->%u/%s" : "%s:%u->%u/%s", host, f->host_port,
                               f->container_port, proto);
}

char *container_net_ports_text(Container *c) {
        g_autoptr(GString) s = g_string_new(NULL);

        if (!c->net)
                return g_strdup("");
        for (char **p = c->net->ports; p && *p; p++) {
                _cleanup_free_ PortForward *f = NULL;
                size_t n = 0;
                if (portspec_parse(*p, &f, &n, NULL) < 0)
                        continue;
                for (size_t i = 0; i < n; i++)
                        append_port_text(s, &f[i]);
        }
        return g_strdup(s->str);
}

int container_net_networks_all(Daemon *d, GHashTable **ret) {
        g_autoptr(GHashTable) t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int rc;

        if (state_db_prepare(d->db, "SELECT container_id, network FROM endpoints ORDER BY container_id, position", &st) != SQLITE_OK)
                return -EIO;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                const char *id = (const char *) sqlite3_column_text(st, 0);
                GPtrArray *l = g_hash_table_lookup(t, id);
                if (!l) {
                        l = g_ptr_array_new_with_free_func(g_free);
                        g_hash_table_insert(t, g_strdup(id), l);
                }
                g_ptr_array_add(l, g_strdup((const char *) sqlite3_column_text(st, 1)));
        }
        if (rc != SQLITE_DONE)
                return -EIO;
        *ret = g_steal_pointer(&t);
        return 0;
}

char **container_net_networks(Container *c, GHashTable *all) {
        g_autoptr(GStrvBuilder) b = g_strv_builder_new();
        GPtrArray *l;

        if (!network_mode_is_network(c->options->network_mode)) {
                g_strv_builder_add(b, startswith(c->options->network_mode, "container:") ? "container" : c->options->network_mode);
                return g_strv_builder_end(b);
        }
        l = g_hash_table_lookup(all, c->id);
        for (guint i = 0; l && i < l->len; i++)
                g_strv_builder_add(b, l->pdata[i]);
        return g_strv_builder_end(b);
}

/* "80/tcp": [{"HostIp": ..., "HostPort": ...}] for each forward of specs */
static void inspect_port_map(RJsonBuilder *b, char *const *specs, bool bound) {
        g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func(free);
        g_autoptr(GArray) counts = g_array_new(FALSE, FALSE, sizeof(size_t));

        for (char *const *s = specs; s && *s; s++) {
                PortForward *f = NULL;
                size_t n = 0;
                if (portspec_parse(*s, &f, &n, NULL) < 0)
                        continue;
                g_ptr_array_add(all, f);
                g_array_append_val(counts, n);
        }
        /* group by container port */
        for (guint k = 0; k < all->len; k++) {
                PortForward *f = all->pdata[k];
                for (size_t i = 0; i < g_array_index(counts, size_t, k); i++) {
                        char *key = g_strdup_printf("%u/%s", f[i].container_port, port_proto_to_string(f[i].proto));
                        if (g_hash_table_contains(seen, key)) {
                                g_free(key);
                                continue;
                        }
                        g_hash_table_add(seen, key);
                        g_ptr_array_add(keys, g_strdup(key));
                }
        }
        for (guint j = 0; j < keys->len; j++) {
                rjson_key(b, keys->pdata[j]);
                rjson_begin_array(b);
                for (guint k = 0; k < all->len; k++) {
                        PortForward *f = all->pdata[k];
                        for (size_t i = 0; i < g_array_index(counts, size_t, k); i++) {
                                g_autofree char *key = g_strdup_printf("%u/%s", f[i].container_port, port_proto_to_string(f[i].proto));
                                char host[INET6_ADDRSTRLEN] = "", port[16];
                                if (!streq(key, keys->pdata[j]))
                                        continue;
                                if (f[i].family != AF_UNSPEC)
                                        inet_ntop(f[i].family, &f[i].host_addr, host, sizeof host);
                                if (f[i].host_port)
                                        snprintf(port, sizeof port, "%u", f[i].host_port);
                                else
                                        port[0] = 0;
                                if (f[i].family == AF_UNSPEC && bound) {
                                        for (int v6 = 0; v6 < 2; v6++) {
                                                rjson_begin_object(b);
                                                rjson_member_string(b, "HostIp", v6 ? "::" : "0.0.0.0");
                                                rjson_member_string(b, "HostPort", strempty(port));
                                                rjson_end_object(b);
                                        }
                                        continue;
                                }
                                rjson_begin_object(b);
                                rjson_member_string(b, "HostIp", strempty(host));
                                rjson_member_string(b, "HostPort", strempty(port));
                                rjson_end_object(b);
                        }
                }
                rjson_end_array(b);
        }
}

void container_net_port_bindings(Container *c, RJsonBuilder *b) {
        rjson_key(b, "PortBindings");
        rjson_begin_object(b);
        inspect_port_map(b, c->options->publish, false);
        rjson_end_object(b);
}

void container_net_inspect(Container *c, RJsonBuilder *b) {
        Daemon *d = c->daemon;
        g_autoptr(GPtrArray) eps = endpoints_query(d, c->id, NULL);
        char buf[IPAM_ADDRESS_MAX];

        rjson_key(b, "NetworkSettings");
        rjson_begin_object(b);
        rjson_member_string(b, "SandboxKey", c->net ? strempty(c->net->netns_path) : "");
        rjson_key(b, "Ports");
        rjson_begin_object(b);
        if (c->net)
                inspect_port_map(b, c->net->ports, true);
        rjson_end_object(b);
        {
                Endpoint *first = eps->len > 0 ? eps->pdata[0] : NULL;
                rjson_member_string(b, "IPAddress", first ? fmt_addr(first->address, buf) : "");
                rjson_member_int(b, "IPPrefixLen", first ? first->net->subnet.prefixlen : 0);
                rjson_member_string(b, "Gateway", first && !first->net->internal ? fmt_addr(first->net->gateway, buf) : "");
                rjson_member_string(b, "MacAddress", "");
        }
        rjson_key(b, "Networks");
        rjson_begin_object(b);
        for (guint i = 0; i < eps->len; i++) {
                Endpoint *e = eps->pdata[i];
                g_auto(GStrv) aliases = g_strsplit(strempty(e->aliases), " ", -1);
                g_autofree char *ifname = c->net ? interface_of(c->net, e->net) : NULL;
                rjson_key(b, e->net->name);
                rjson_begin_object(b);
                rjson_member_string(b, "NetworkID", strempty(e->net->id));
                rjson_member_string(b, "IPAddress", fmt_addr(e->address, buf));
                rjson_member_int(b, "IPPrefixLen", e->net->subnet.prefixlen);
                rjson_member_string(b, "Gateway", e->net->internal ? "" : fmt_addr(e->net->gateway, buf));
                rjson_member_string(b, "MacAddress", "");
                rjson_member_string(b, "Interface", strempty(ifname));
                rjson_key(b, "Aliases");
                rjson_begin_array(b);
                for (char **a = aliases; *a; a++)
                        if (**a)
                                rjson_add_string(b, *a);
                rjson_end_array(b);
                rjson_end_object(b);
        }
        rjson_end_object(b);
        rjson_end_object(b);
}

/* --- D-Bus: networks ----------------------------------------------------------------- */

static int append_network(sd_bus_message *reply, Network *n) {
        Daemon *d = n->daemon;
        g_autoptr(GPtrArray) eps = endpoints_query(d, NULL, n);
        char subnet[IPAM_SUBNET_MAX], gw[IPAM_ADDRESS_MAX], dns[IPAM_ADDRESS_MAX];
        int r;

        r = sd_bus_message_open_container(reply, 'a', "{sv}");
        if (r < 0)
                return r;
        if ((r = bus_dict_append_str(reply, "Name", n->name)) < 0 || (r = bus_dict_append_str(reply, "Id", n->id)) < 0 ||
            (r = bus_dict_append_str(reply, "Driver", "bridge")) < 0 || (r = bus_dict_append_str(reply, "Bridge", n->bridge)) < 0 ||
            (r = bus_dict_append_str(reply, "Subnet", ipam_format_subnet(&n->subnet, subnet))) < 0 ||
            (r = bus_dict_append_str(reply, "Gateway", fmt_addr(n->gateway, gw))) < 0 ||
            (r = bus_dict_append_str(reply, "DNS", n->internal ? "" : fmt_addr(n->dns, dns))) < 0 ||
            (r = bus_dict_append_bool(reply, "Internal", n->internal)) < 0 ||
            (r = bus_dict_append_bool(reply, "Default", network_is_default(n))) < 0 ||
            (r = bus_dict_append_u64(reply, "CreatedAt", n->created_at)) < 0)
                return r;
        r = bus_dict_append_labels(reply, "Labels", n->labels);
        if (r >= 0)
                r = bus_dict_entry_open(reply, "Containers", "a{s(ss)}");
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "{s(ss)}");
        for (guint i = 0; r >= 0 && i < eps->len; i++) {
                Endpoint *e = eps->pdata[i];
                Container *c = g_hash_table_lookup(d->containers, e->container_id);
                g_autofree char *cidr = g_strdup_printf("%s/%u", fmt_addr(e->address, gw), n->subnet.prefixlen);
                r = sd_bus_message_append(reply, "{s(ss)}", e->container_id, c ? c->name : "", cidr);
        }
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0)
                r = bus_dict_entry_close(reply);
        if (r < 0)
                return r;
        return sd_bus_message_close_container(reply);
}

static int reply_network(sd_bus_message *m, Network *n) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r;

        r = sd_bus_message_new_method_return(m, &reply);
        if (r >= 0)
                r = append_network(reply, n);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static char *bridge_name_free(Daemon *d) {
        for (unsigned i = 1;; i++) {
                g_autofree char *name = g_strdup_printf("roost%u", i);
                GHashTableIter it;
                gpointer v;
                bool taken = false;
                g_hash_table_iter_init(&it, d->networks);
                while (!taken && g_hash_table_iter_next(&it, NULL, &v))
                        taken = streq(((Network *) v)->bridge, name);
                if (!taken)
                        return g_steal_pointer(&name);
        }
}

/* The subnets a new network must not overlap: the networks', then the host's. */
static GArray *used_subnets(Daemon *d, size_t *ret_n_networks) {
        GArray *a = g_array_new(FALSE, FALSE, sizeof(IpamSubnet));
        _cleanup_free_ IpamSubnet *host = NULL;
        size_t n_host = 0;
        GHashTableIter it;
        gpointer v;

        g_hash_table_iter_init(&it, d->networks);
        while (g_hash_table_iter_next(&it, NULL, &v))
                g_array_append_val(a, ((Network *) v)->subnet);
        *ret_n_networks = a->len;
        if (netns_host_subnets(&host, &n_host) >= 0)
                g_array_append_vals(a, host, (guint) n_host);
        return a;
}

static Network *network_at(Daemon *d, size_t index) {
        GHashTableIter it;
        gpointer v;
        size_t i = 0;

        g_hash_table_iter_init(&it, d->networks);
        while (g_hash_table_iter_next(&it, NULL, &v))
                if (i++ == index)
                        return v;
        return NULL;
}

/* Reads the "s" and "a{sv}" arguments of a method. */
static int read_name_options(sd_bus_message *m, const char **ret_name, GVariant **ret_opts, sd_bus_error *error) {
        int r;

        r = sd_bus_message_read(m, "s", ret_name);
        if (r < 0)
                return r;
        r = bus_message_read_gvariant(m, ret_opts);
        if (r < 0)
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT, "the options must be a{sv}");
        g_variant_ref_sink(*ret_opts);
        return 0;
}

int method_create_network(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Daemon *d = userdata;
        g_autoptr(GVariant) opts = NULL, labels = NULL;
        g_autoptr(GArray) used = NULL;
        g_autofree char *id = NULL, *bridge = NULL;
        const char *name, *subnet_s = NULL, *gateway_s = NULL;
        char buf[IPAM_SUBNET_MAX];
        gboolean internal = FALSE;
        IpamSubnet subnet;
        uint32_t gateway;
        size_t n_networks, at;
        Network *n;
        GVariantIter it;
        const char *key;
        GVariant *v;
        int r;

        r = read_name_options(m, &name, &opts, error);
        if (r < 0)
                return r;
        if (!container_name_valid(name))
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT,
                                         "invalid network name \"%.64s\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed, at most %d characters",
                                         name, ROOST_NAME_MAX);
        if (streq(name, "bridge") || streq(name, "default") || streq(name, "none") || streq(name, "host"))
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT,
                                         "network name \"%s\" is reserved: it names a network mode", name);
        if (g_hash_table_contains(d->networks, name))
                return sd_bus_error_setf(error, ROOST_ERROR_EXISTS, "network with name %s already exists", name);

        g_variant_iter_init(&it, opts);
        while (g_variant_iter_loop(&it, "{&sv}", &key, &v)) {
                if (streq(key, "Subnet") && g_variant_is_of_type(v, G_VARIANT_TYPE_STRING))
                        subnet_s = g_variant_get_string(v, NULL);
                else if (streq(key, "Gateway") && g_variant_is_of_type(v, G_VARIANT_TYPE_STRING))
                        gateway_s = g_variant_get_string(v, NULL);
                else if (streq(key, "Internal") && g_variant_is_of_type(v, G_VARIANT_TYPE_BOOLEAN))
                        internal = g_variant_get_boolean(v);
                else if (streq(key, "Labels") && g_variant_is_of_type(v, G_VARIANT_TYPE("a{ss}"))) {
                        g_clear_pointer(&labels, g_variant_unref);
                        labels = g_variant_ref(v);
                } else {
                        g_autofree char *ks = g_strndup(key, 64);
                        return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT,
                                                 "unknown network option %s (or wrong type): roost knows Subnet (s), Gateway (s), "
                                                 "Internal (b) and Labels (a{ss})", ks);
                }
        }
        if (subnet_s && *subnet_s == 0)
                subnet_s = NULL;
        if (gateway_s && *gateway_s == 0)
                gateway_s = NULL;

        used = used_subnets(d, &n_networks);
        if (subnet_s) {
                r = ipam_parse_subnet(subnet_s, &subnet);
                if (r == -EDOM) {
                        uint32_t a;
                        unsigned p;
                        (void) ipam_parse_cidr(subnet_s, &a, &p);
                        IpamSubnet s = ipam_subnet_of(a, p);
                        return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT,
                                                 "invalid subnet %s: it has host bits set; did you mean %s?", subnet_s,
                                                 ipam_format_subnet(&s, buf));
                }
                if (r == -ERANGE)
                        return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT,
                                                 "invalid subnet %s: the prefix length must be /%d to /%d", subnet_s, IPAM_PREFIX_MIN,
                                                 IPAM_PREFIX_MAX);
                if (r < 0)
                        return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT,
                                                 "invalid subnet \"%.64s\": use IPv4 CIDR notation like 10.90.0.0/24", subnet_s);
                if (ipam_check_overlaps(&subnet, (const IpamSubnet *) (void *) used->data, used->len, &at) < 0) {
                        IpamSubnet *o = &g_array_index(used, IpamSubnet, at);
                        char other[IPAM_SUBNET_MAX];
                        if (at < n_networks) {
                                Network *on = network_at(d, at);
                                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT,
                                                         "subnet %s overlaps network %s (%s); choose another --subnet", subnet_s,
                                                         on ? on->name : "?", ipam_format_subnet(o, other));
                        }
                        return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT,
                                                 "subnet %s overlaps %s, a network the host routes to; containers could not "
                                                 "reach it: choose another --subnet", subnet_s, ipam_format_subnet(o, other));
                }
        } else {
                if (gateway_s)
                        return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT, "--gateway needs --subnet");
                r = ipam_next_subnet((const IpamSubnet *) (void *) used->data, used->len, &subnet);
                if (r < 0)
                        return sd_bus_error_setf(error, ROOST_ERROR_LIMIT,
                                                 "no free subnet left in 10.89.0.0/16 for network %s: give one with --subnet", name);
        }
        if (gateway_s) {
                if (ipam_parse_address(gateway_s, &gateway) < 0)
                        return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT, "invalid gateway \"%.64s\": not an IPv4 address",
                                                 gateway_s);
                if (ipam_check_gateway(&subnet, gateway) < 0)
                        return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT,
                                                 "invalid gateway %s: it must be a host address of the subnet %s", gateway_s,
                                                 ipam_format_subnet(&subnet, buf));
        } else
                gateway = ipam_default_gateway(&subnet);

        id = names_random_id();
        bridge = bridge_name_free(d);
        n = network_new(d, name, id, bridge, &subnet, gateway, internal, now_usec(), labels);
        r = network_insert(d, n);
        if (r < 0) {
                network_free(n);
                return sd_bus_error_setf(error, ROOST_ERROR_FAILED, "cannot record network %s in %s: %s", name, d->db->path,
                                         state_db_errmsg(d->db));
        }
        g_hash_table_replace(d->networks, n->name, n);
        emit_network_event(n, "create", NULL);
        log_info("Network %s created (%s).", n->name, ipam_format_subnet(&n->subnet, buf));
        return reply_network(m, n);
}

int method_list_networks(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Daemon *d = userdata;
        g_autoptr(GList) names = g_list_sort(g_hash_table_get_keys(d->networks), (GCompareFunc) strcmp);
        int r;

        r = sd_bus_message_new_method_return(m, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "a{sv}");
        for (GList *l = names; r >= 0 && l; l = l->next)
                r = append_network(reply, g_hash_table_lookup(d->networks, l->data));
        if (r < 0)
                return r;
        return bus_close_and_send(reply);
}

/* network_find() for a D-Bus caller's argument: NoSuchNetwork and friends */
static int network_find_bus(Daemon *d, const char *name, Network **ret, sd_bus_error *error) {
        g_autofree char *err = NULL;
        int r;

        r = bus_check_string("network name or ID", name, ROOST_NAME_MAX, error);
        if (r < 0)
                return r;
        r = network_find(d, name, ret, &err);
        if (r < 0)
                return sd_bus_error_setf(error, r == -ENOENT ? ROOST_ERROR_NO_SUCH_NETWORK : ROOST_ERROR_INVALID_ARGUMENT, "%s", err);
        return 0;
}

static int find_network_arg(Daemon *d, sd_bus_message *m, Network **ret, sd_bus_error *error) {
        const char *name;
        int r;

        r = sd_bus_message_read(m, "s", &name);
        if (r < 0)
                return r;
        return network_find_bus(d, name, ret, error);
}

int method_inspect_network(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Network *n;
        int r = find_network_arg(userdata, m, &n, error);
        if (r < 0)
                return r;
        return reply_network(m, n);
}

static int network_remove(Network *n, sd_bus_error *error) {
        Daemon *d = n->daemon;
        g_autoptr(GPtrArray) eps = NULL;
        g_autofree char *err = NULL;
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int rc;

        if (network_is_default(n))
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT,
                                         "%s is the default network and cannot be removed", n->name);
        /* not knowing who uses it, nothing is taken down */
        if (endpoints_read(d, NULL, n, &eps) < 0)
                return sd_bus_error_setf(error, ROOST_ERROR_FAILED, "cannot tell whether network %s is in use: %s: %s",
                                         n->name, d->db->path, state_db_errmsg(d->db));
        if (eps->len > 0) {
                g_autoptr(GString) who = g_string_new(NULL);
                for (guint i = 0; i < eps->len && i < 10; i++) {
                        Container *c = g_hash_table_lookup(d->containers, ((Endpoint *) eps->pdata[i])->container_id);
                        g_string_append_printf(who, "%s%s", i ? ", " : "", c ? c->name : ((Endpoint *) eps->pdata[i])->container_id);
                }
                return sd_bus_error_setf(error, ROOST_ERROR_IN_USE,
                                         "network %s is in use by container%s %s%s: remove them or run roost network disconnect %s "
                                         "CONTAINER first", n->name, eps->len > 1 ? "s" : "", who->str, eps->len > 10 ? ", ..." : "",
                                         n->name);
        }
        slirp_stop(n);
        if (d->holder && holder_alive(d->holder) &&
            nsexec_run(d, NET_NS_FLAGS, bridge_down_fn, n->bridge, NSEXEC_TIMEOUT_MS, &err) < 0)
                log_warning("Network %s: %s", n->name, err ? err : "cannot delete its bridge");
        rc = state_db_prepare(d->db, "DELETE FROM networks WHERE name = ?", &st);
        if (rc == SQLITE_OK) {
                sqlite3_bind_text(st, 1, n->name, -1, SQLITE_STATIC);
                rc = sqlite3_step(st);
        }
        if (rc != SQLITE_DONE)
                return sd_bus_error_setf(error, ROOST_ERROR_FAILED, "cannot remove network %s from %s: %s", n->name, d->db->path,
                                         state_db_errmsg(d->db));
        emit_network_event(n, "destroy", NULL);
        log_info("Network %s removed.", n->name);
        g_hash_table_remove(d->networks, n->name);
        return 0;
}

int method_remove_network(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Network *n;
        int r = find_network_arg(userdata, m, &n, error);
        if (r < 0)
                return r;
        r = network_remove(n, error);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(m, NULL);
}

int method_prune_networks(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Daemon *d = userdata;
        g_autoptr(GList) names = g_list_sort(g_hash_table_get_keys(d->networks), (GCompareFunc) strcmp);
        g_autoptr(GStrvBuilder) removed = g_strv_builder_new();
        g_auto(GStrv) list = NULL;

        for (GList *l = names; l; l = l->next) {
                Network *n = g_hash_table_lookup(d->networks, l->data);
                g_autoptr(GPtrArray) eps = NULL;
                _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
                g_autofree char *name = NULL;
                if (!n || network_is_default(n))
                        continue;
                eps = endpoints_query(d, NULL, n);
                if (eps->len > 0)
                        continue;
                name = g_strdup(n->name);
                if (network_remove(n, &e) < 0)
                        log_warning("Cannot prune network %s: %s", name, e.message);
                else
                        g_strv_builder_add(removed, name);
        }
        list = g_strv_builder_end(removed);
        return bus_reply_strv(m, list);
}

/* --- D-Bus: Container1.Connect, Disconnect ----------------------------------------------- */

int method_container_connect(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Container *c = userdata;
        Daemon *d = c->daemon;
        g_autoptr(GVariant) opts = NULL;
        g_autoptr(GPtrArray) eps = NULL;
        g_auto(GStrv) aliases = NULL;
        g_autofree char *err = NULL, *ip = NULL;
        const char *name, *key;
        GVariantIter it;
        GVariant *v;
        Network *n;
        int r;

        r = read_name_options(m, &name, &opts, error);
        if (r < 0)
                return r;
        r = network_find_bus(d, name, &n, error);
        if (r < 0)
                return r;
        g_variant_iter_init(&it, opts);
        while (g_variant_iter_loop(&it, "{&sv}", &key, &v)) {
                if (streq(key, "IPAddress") && g_variant_is_of_type(v, G_VARIANT_TYPE_STRING)) {
                        g_free(ip);
                        ip = g_variant_dup_string(v, NULL);
                } else if (streq(key, "Aliases") && g_variant_is_of_type(v, G_VARIANT_TYPE_STRING_ARRAY)) {
                        g_strfreev(aliases);
                        aliases = g_variant_dup_strv(v, NULL);
                        for (char **a = aliases; *a; a++)
                                if (!hostname_valid(*a))
                                        return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT,
                                                                 "invalid alias \"%.64s\": use letters, digits, '.', '-' and '_'", *a);
                } else {
                        g_autofree char *ks = g_strndup(key, 64);
                        return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT,
                                                 "unknown option %s (or wrong type): roost knows IPAddress (s) and Aliases (as)", ks);
                }
        }
        if (!network_mode_is_network(c->options->network_mode))
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT,
                                         "container %s uses --network %s: it cannot be connected to networks", c->name,
                                         c->options->network_mode);
        eps = endpoints_query(d, c->id, NULL);
        if (endpoint_on(eps, n))
                return sd_bus_error_setf(error, ROOST_ERROR_EXISTS, "endpoint with name %s already exists in network %s", c->name,
                                         n->name);
        g_clear_pointer(&err, g_free);
        r = endpoint_insert(c, n, isempty(ip) ? NULL : ip, aliases, &err);
        if (r < 0)
                return sd_bus_error_setf(error, r == -EADDRINUSE || r == -EDOM || r == -EADDRNOTAVAIL || r == -EINVAL
                                                        ? ROOST_ERROR_INVALID_ARGUMENT : ROOST_ERROR_FAILED, "%s", err);
        if (c->net && c->net->netns_path) {
                g_autoptr(GPtrArray) now = endpoints_query(d, c->id, NULL);
                Endpoint *e = endpoint_on(now, n);
                g_autofree char *etc = container_etc_dir(c), *hn = container_hostname(c), *msg = NULL;
                NetnsAttach a;
                r = e ? network_ensure_up(n, &msg) : -ENOENT;
                if (r >= 0) {
                        a = attach_of(e);
                        NetnsWork w = { .runtime_dir = d->runtime_dir, .id = c->id, .attach = &a, .n_attach = 1 };
                        g_clear_pointer(&msg, g_free);
                        r = nsexec_run(d, NET_NS_FLAGS, netns_connect_fn, &w, NSEXEC_TIMEOUT_MS, &msg);
                }
                if (r < 0) {
                        (void) endpoint_delete(d, c->id, n);
                        return sd_bus_error_setf(error, ROOST_ERROR_FAILED, "cannot connect container %s to network %s: %s", c->name,
                                                 n->name, msg ? msg : strerror(-r));
                }
                interfaces_set(c->net, n, msg);
                net_state_save(c);
                g_clear_pointer(&msg, g_free);
                if (write_net_etc(c, now, etc, hn, &msg) < 0)
                        log_warning("%s", msg);
                refresh_peers(d, n, c);
        }
        emit_network_event(n, "connect", c);
        return sd_bus_reply_method_return(m, NULL);
}

int method_container_disconnect(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Container *c = userdata;
        Daemon *d = c->daemon;
        g_autoptr(GPtrArray) eps = NULL;
        g_autofree char *err = NULL;
        const char *name;
        int force, r;
        Network *n;

        r = sd_bus_message_read(m, "sb", &name, &force);
        if (r < 0)
                return r;
        r = network_find_bus(d, name, &n, error);
        if (r < 0)
                return r;
        eps = endpoints_query(d, c->id, NULL);
        if (!endpoint_on(eps, n))
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT, "container %s is not connected to network %s", c->name,
                                         n->name);
        if (c->net && c->net->netns_path) {
                g_autofree char *ifname = interface_of(c->net, n), *msg = NULL;
                if (ifname) {
                        NetnsWork w = { .runtime_dir = d->runtime_dir, .id = c->id, .ifname = ifname };
                        r = nsexec_run(d, NET_NS_FLAGS, netns_disconnect_fn, &w, NSEXEC_TIMEOUT_MS, &msg);
                        if (r < 0 && !force)
                                return sd_bus_error_setf(error, ROOST_ERROR_FAILED, "cannot disconnect container %s from network %s: %s",
                                                         c->name, n->name, msg ? msg : strerror(-r));
                }
                interfaces_set(c->net, n, NULL);
                net_state_save(c);
        }
        r = endpoint_delete(d, c->id, n);
        if (r < 0)
                return sd_bus_error_setf(error, ROOST_ERROR_FAILED, "cannot release the address of container %s on %s: %s", c->name,
                                         n->name, strerror(-r));
        if (c->net) {
                g_autoptr(GPtrArray) now = endpoints_query(d, c->id, NULL);
                g_autofree char *etc = container_etc_dir(c), *hn = container_hostname(c), *msg = NULL;
                if (write_net_etc(c, now, etc, hn, &msg) < 0)
                        log_warning("%s", msg);
                refresh_peers(d, n, c);
        }
        emit_network_event(n, "disconnect", c);
        return sd_bus_reply_method_return(m, NULL);
}
