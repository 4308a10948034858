/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "net-args.h"
#include "roost-names.h"
#include "size-util.h"

/* roost run / roost create: the docker flags, turned into the a{sv} of
 * Manager1.CreateContainer (keys as docker's API names them). */

typedef struct CreateOpts {
        /* run only */
        bool detach;
        char *detach_keys;
        bool sig_proxy;
        /* both */
        bool interactive, tty, rm, read_only, privileged, init, quiet, publish_all;
        char *name, *restart, *pull, *workdir, *user, *entrypoint, *hostname, *stop_signal, *systemd;
        char *memory, *memory_swap, *cpus, *cpuset_cpus, *userns, *log_driver, *platform, *ip;
        int stop_timeout, cpu_shares, pids_limit;
        char **env, **env_file, **ulimit, **volume, **mount, **tmpfs, **cap_add, **cap_drop, **security_opt;
        char **label, **log_opt, **group_add;
        char **network, **publish, **expose, **network_alias, **dns, **dns_search, **dns_option, **add_host;
} CreateOpts;

#define O(f) offsetof(CreateOpts, f)
#define CREATE_OPTIONS                                                                                                     \
        { 0, "add-host", OPT_STRV, O(add_host), "list", "Add a custom host-to-IP mapping (host:ip)", NULL },                \
        { 0, "cap-add", OPT_STRV, O(cap_add), "list", "Add Linux capabilities", NULL },                                    \
        { 0, "cap-drop", OPT_STRV, O(cap_drop), "list", "Drop Linux capabilities", NULL },                                 \
        { 'c', "cpu-shares", OPT_INT, O(cpu_shares), "int", "CPU shares (relative weight)", NULL },                        \
        { 0, "cpus", OPT_STRING, O(cpus), "decimal", "Number of CPUs", NULL },                                             \
        { 0, "cpuset-cpus", OPT_STRING, O(cpuset_cpus), "string", "CPUs in which to allow execution (0-3, 0,1)", NULL },   \
        { 0, "dns", OPT_STRV, O(dns), "list", "Set custom DNS servers", NULL },                                            \
        { 0, "dns-opt", OPT_STRV, O(dns_option), "list", NULL, NULL },                                                     \
        { 0, "dns-option", OPT_STRV, O(dns_option), "list", "Set DNS options", NULL },                                     \
        { 0, "dns-search", OPT_STRV, O(dns_search), "list", "Set custom DNS search domains", NULL },                       \
        { 0, "entrypoint", OPT_STRING, O(entrypoint), "string", "Overwrite the default ENTRYPOINT of the image", NULL },   \
        { 'e', "env", OPT_STRV, O(env), "list", "Set environment variables", NULL },                                       \
        { 0, "env-file", OPT_STRV, O(env_file), "list", "Read in a file of environment variables", NULL },                 \
        { 0, "expose", OPT_STRV, O(expose), "list", "Expose a port or a range of ports", NULL },                           \
        { 0, "group-add", OPT_STRV, O(group_add), "list", "Add additional groups to join", NULL },                         \
        { 'h', "hostname", OPT_STRING, O(hostname), "string", "Container host name", NULL },                              \
        { 0, "init", OPT_BOOL, O(init), NULL, "Run an init inside the container that forwards signals and reaps processes", NULL }, \
        { 'i', "interactive", OPT_BOOL, O(interactive), NULL, "Keep STDIN open even if not attached", NULL },              \
        { 0, "ip", OPT_STRING, O(ip), "string", "IPv4 address (e.g., 172.30.100.104)", NULL },                            \
        { 'l', "label", OPT_STRV, O(label), "list", "Set meta data on a container", NULL },                                \
        { 0, "log-driver", OPT_STRING, O(log_driver), "string", "Logging driver for the container (k8s-file, journald, none)", NULL }, \
        { 0, "log-opt", OPT_STRV, O(log_opt), "list", "Log driver options (max-size, max-file)", NULL },                   \
        { 'm', "memory", OPT_STRING, O(memory), "bytes", "Memory limit", NULL },                                           \
        { 0, "memory-swap", OPT_STRING, O(memory_swap), "bytes", "Swap limit equal to memory plus swap: '-1' to enable unlimited swap", NULL }, \
        { 0, "mount", OPT_STRV, O(mount), "mount", "Attach a filesystem mount to the container", NULL },                  \
        { 0, "name", OPT_STRING, O(name), "string", "Assign a name to the container", NULL },                              \
        { 0, "net", OPT_STRV, O(network), "network", NULL, NULL },                                                         \
        { 0, "net-alias", OPT_STRV, O(network_alias), "list", NULL, NULL },                                                \
        { 0, "network", OPT_STRV, O(network), "network", "Connect a container to a network (NAME, none, host, container:NAME)", NULL }, \
        { 0, "network-alias", OPT_STRV, O(network_alias), "list", "Add network-scoped alias for the container", NULL },    \
        { 0, "pids-limit", OPT_INT, O(pids_limit), "int", "Tune container pids limit (set -1 for unlimited)", NULL },       \
        { 0, "platform", OPT_STRING, O(platform), "string", "Set platform if server is multi-platform capable", NULL },     \
        { 0, "privileged", OPT_BOOL, O(privileged), NULL, "Give extended privileges to this container", NULL },           \
        { 'p', "publish", OPT_STRV, O(publish), "list", "Publish a container's port(s) to the host", NULL },              \
        { 'P', "publish-all", OPT_BOOL, O(publish_all), NULL, "Publish all exposed ports to random ports", NULL },         \
        { 0, "pull", OPT_STRING, O(pull), "string", "Pull image before running (\"always\", \"missing\", \"never\")", "\"missing\"" }, \
        { 'q', "quiet", OPT_BOOL, O(quiet), NULL, "Suppress the pull output", NULL },                                      \
        { 0, "read-only", OPT_BOOL, O(read_only), NULL, "Mount the container's root filesystem as read only", NULL },      \
        { 0, "restart", OPT_STRING, O(restart), "string", "Restart policy to apply when a container exits", "\"no\"" },   \
        { 0, "rm", OPT_BOOL, O(rm), NULL, "Automatically remove the container and its associated anonymous volumes when it exits", NULL }, \
        { 0, "security-opt", OPT_STRV, O(security_opt), "list", "Security Options (seccomp=unconfined|FILE, no-new-privileges)", NULL }, \
        { 0, "stop-signal", OPT_STRING, O(stop_signal), "string", "Signal to stop the container", NULL },                 \
        { 0, "stop-timeout", OPT_INT, O(stop_timeout), "int", "Timeout (in seconds) to stop a container", NULL },          \
        { 0, "systemd", OPT_STRING, O(systemd), "string", "Run the container in systemd mode (true, false, always)", "\"false\"" }, \
        { 0, "tmpfs", OPT_STRV, O(tmpfs), "list", "Mount a tmpfs directory", NULL },                                       \
        { 't', "tty", OPT_BOOL, O(tty), NULL, "Allocate a pseudo-TTY", NULL },                                             \
        { 0, "ulimit", OPT_STRV, O(ulimit), "ulimit", "Ulimit options", NULL },                                            \
        { 'u', "user", OPT_STRING, O(user), "string", "Username or UID (format: <name|uid>[:<group|gid>])", NULL },        \
        { 0, "userns", OPT_STRING, O(userns), "string", "User namespace to use (host, auto, keep-id)", NULL },              \
        { 'v', "volume", OPT_STRV, O(volume), "list", "Bind mount a volume (SRC:DST[:ro|rro])", NULL },                    \
        { 'w', "workdir", OPT_STRING, O(workdir), "string", "Working directory inside the container", NULL }

static const CliOption run_options[] = {
        { 'd', "detach", OPT_BOOL, O(detach), NULL, "Run container in background and print container ID", NULL },
        { 0, "detach-keys", OPT_STRING, O(detach_keys), "string", "Override the key sequence for detaching a container", NULL },
        { 0, "sig-proxy", OPT_BOOL, O(sig_proxy), NULL, "Proxy received signals to the process (--sig-proxy=false to disable)", "true" },
        CREATE_OPTIONS,
        {},
};

static const CliOption create_options[] = {
        CREATE_OPTIONS,
        {},
};

static void add_strv(GVariantBuilder *b, const char *key, char **v) {
        if (v && v[0])
                g_variant_builder_add(b, "{sv}", key, g_variant_new_strv((const char *const *) v, -1));
}

static void add_str(GVariantBuilder *b, const char *key, const char *v) {
        if (v)
                g_variant_builder_add(b, "{sv}", key, g_variant_new_string(v));
}

int cli_size_flag(const char *flag, const char *s, gint64 *ret) {
        int64_t v;

        if (g_str_equal(s, "-1")) {
                *ret = -1;
                return 0;
        }
        if (parse_size(s, &v) < 0) {
                fprintf(stderr, "roost: invalid argument \"%s\" for \"%s\" flag: use a size like 512m or 1g\n", s, flag);
                return -1;
        }
        *ret = v;
        return 0;
}

/* --env-file: NAME=VALUE lines, # comments; a bare NAME takes our value */
static int read_env_file(const char *path, GPtrArray *env) {
        g_autofree char *text = NULL;
        g_autoptr(GError) e = NULL;
        g_auto(GStrv) lines = NULL;

        if (!g_file_get_contents(path, &text, NULL, &e)) {
                fprintf(stderr, "Error: cannot read the env file %s: %s\n", path, e->message);
                return -1;
        }
        lines = g_strsplit(text, "\n", -1);
        for (char **l = lines; *l; l++) {
                char *s = g_strstrip(*l);
                if (!*s || *s == '#')
                        continue;
                if (strchr(s, '='))
                        g_ptr_array_add(env, g_strdup(s));
                else if (g_getenv(s))
                        g_ptr_array_add(env, g_strdup_printf("%s=%s", s, g_getenv(s)));
        }
        return 0;
}

/* --network and friends: NetworkMode, Publish, PublishAll, Expose,
 * IPAddress, NetworkAliases, Dns, DnsSearch, DnsOptions, ExtraHosts. Checks
 * what docker's client checks; prints the error. */
static int add_network_options(GVariantBuilder *b, CreateOpts *o) {
        g_autoptr(GPtrArray) expose = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(GPtrArray) hosts = g_ptr_array_new_with_free_func(g_free);

        if (o->network && o->network[0] && o->network[1])
                return cli_fail("roost connects a new container to one network: give --network once, then add more "
                                "with: roost network connect NETWORK CONTAINER"), -EINVAL;
        if (o->network && !*o->network[0])
                return cli_fail("invalid argument \"\" for \"--network\" flag: name a network, none, host or "
                                "container:NAME"), -EINVAL;
        for (char **p = o->publish; p && *p; p++)
                if (!**p)
                        return cli_fail("invalid argument \"\" for \"-p, --publish\" flag: use "
                                        "[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTO], like 8080:80"), -EINVAL;
        for (char **e = o->expose; e && *e; e++) {
                g_autofree char *err = NULL;
                if (net_args_expose(*e, expose, &err) < 0)
                        return cli_fail("%s", err), -EINVAL;
        }
        if (o->ip && !net_args_is_ipv4(o->ip))
                return cli_fail("invalid IPv4 address: %s", o->ip), -EINVAL;
        for (char **d = o->dns; d && *d; d++)
                if (!net_args_is_ip(*d))
                        return cli_fail("%s is not an ip address (--dns)", *d), -EINVAL;
        for (char **d = o->dns_search; d && *d; d++)
                if (!net_args_is_dns_search(*d))
                        return cli_fail("%s is not a valid domain (--dns-search)", *d), -EINVAL;
        for (char **h = o->add_host; h && *h; h++) {
                g_autofree char *err = NULL;
                char *host;
                if (net_args_add_host(*h, &host, &err) < 0)
                        return cli_fail("%s", err), -EINVAL;
                g_ptr_array_add(hosts, host);
        }

        if (o->network)
                add_str(b, "NetworkMode", o->network[0]);
        add_strv(b, "Publish", o->publish);
        if (o->publish_all)
                g_variant_builder_add(b, "{sv}", "PublishAll", g_variant_new_boolean(TRUE));
        g_ptr_array_add(expose, NULL);
        add_strv(b, "Expose", (char **) expose->pdata);
        add_str(b, "IPAddress", o->ip);
        add_strv(b, "NetworkAliases", o->network_alias);
        add_strv(b, "Dns", o->dns);
        add_strv(b, "DnsSearch", o->dns_search);
        add_strv(b, "DnsOptions", o->dns_option);
        g_ptr_array_add(hosts, NULL);
        add_strv(b, "ExtraHosts", (char **) hosts->pdata);
        return 0;
}

static GVariant *build_create_options(CreateOpts *o, const char *image, int argc, char **argv) {
        GVariantBuilder b;
        g_autoptr(GPtrArray) env = g_ptr_array_new_with_free_func(g_free);

        g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
        add_str(&b, "Image", image);
        add_str(&b, "Name", o->name);
        if (argc > 0)
                g_variant_builder_add(&b, "{sv}", "Cmd", g_variant_new_strv((const char *const *) argv, argc));
        if (o->entrypoint) {
                const char *ep[] = { o->entrypoint, NULL };
                g_variant_builder_add(&b, "{sv}", "Entrypoint",
                                      g_variant_new_strv(ep, *o->entrypoint ? 1 : 0));
        }
        for (char **f = o->env_file; f && *f; f++)
                if (read_env_file(*f, env) < 0) {
                        g_variant_builder_clear(&b);
                        return NULL;
                }
        for (char **e = o->env; e && *e; e++) {
                if (strchr(*e, '='))
                        g_ptr_array_add(env, g_strdup(*e));
                else if (g_getenv(*e)) /* -e NAME passes our value, as docker */
                        g_ptr_array_add(env, g_strdup_printf("%s=%s", *e, g_getenv(*e)));
        }
        if (env->len) {
                g_ptr_array_add(env, NULL);
                g_variant_builder_add(&b, "{sv}", "Env", g_variant_new_strv((const char *const *) env->pdata, -1));
        }
        add_str(&b, "WorkingDir", o->workdir);
        add_str(&b, "User", o->user);
        add_str(&b, "Hostname", o->hostname);
        if (o->tty)
                g_variant_builder_add(&b, "{sv}", "Tty", g_variant_new_boolean(TRUE));
        if (o->interactive)
                g_variant_builder_add(&b, "{sv}", "OpenStdin", g_variant_new_boolean(TRUE));
        if (o->label) {
                GVariantBuilder lb;
                g_variant_builder_init(&lb, G_VARIANT_TYPE("a{ss}"));
                for (char **l = o->label; *l; l++) {
                        const char *eq = strchr(*l, '=');
                        g_autofree char *k = eq ? g_strndup(*l, (gsize) (eq - *l)) : g_strdup(*l);
                        g_variant_builder_add(&lb, "{ss}", k, eq ? eq + 1 : "");
                }
                g_variant_builder_add(&b, "{sv}", "Labels", g_variant_builder_end(&lb));
        }
        add_str(&b, "StopSignal", o->stop_signal);
        if (o->stop_timeout >= 0)
                g_variant_builder_add(&b, "{sv}", "StopTimeout", g_variant_new_int64(o->stop_timeout));
        add_strv(&b, "Binds", o->volume);
        add_strv(&b, "Mounts", o->mount);
        add_strv(&b, "Tmpfs", o->tmpfs);
        if (o->read_only)
                g_variant_builder_add(&b, "{sv}", "ReadonlyRootfs", g_variant_new_boolean(TRUE));
        if (o->privileged)
                g_variant_builder_add(&b, "{sv}", "Privileged", g_variant_new_boolean(TRUE));
        add_strv(&b, "CapAdd", o->cap_add);
        add_strv(&b, "CapDrop", o->cap_drop);
        add_strv(&b, "SecurityOpt", o->security_opt);
        if (o->init)
                g_variant_builder_add(&b, "{sv}", "Init", g_variant_new_boolean(TRUE));
        add_strv(&b, "Ulimits", o->ulimit);
        add_str(&b, "Systemd", o->systemd);
        add_str(&b, "RestartPolicy", o->restart);
        if (o->rm)
                g_variant_builder_add(&b, "{sv}", "AutoRemove", g_variant_new_boolean(TRUE));
        if (o->memory) {
                gint64 v;
                if (cli_size_flag("-m, --memory", o->memory, &v) < 0)
                        goto fail;
                g_variant_builder_add(&b, "{sv}", "Memory", g_variant_new_int64(v));
        }
        if (o->memory_swap) {
                gint64 v;
                if (cli_size_flag("--memory-swap", o->memory_swap, &v) < 0)
                        goto fail;
                g_variant_builder_add(&b, "{sv}", "MemorySwap", g_variant_new_int64(v));
        }
        if (o->cpus) {
                char *end;
                double v = g_ascii_strtod(o->cpus, &end);
                if (end == o->cpus || *end || v <= 0) {
                        fprintf(stderr, "roost: invalid argument \"%s\" for \"--cpus\" flag: use a number like 1.5\n", o->cpus);
                        goto fail;
                }
                g_variant_builder_add(&b, "{sv}", "NanoCpus", g_variant_new_int64((gint64) (v * 1e9)));
        }
        if (o->cpu_shares)
                g_variant_builder_add(&b, "{sv}", "CpuShares", g_variant_new_int64(o->cpu_shares));
        if (o->pids_limit)
                g_variant_builder_add(&b, "{sv}", "PidsLimit", g_variant_new_int64(o->pids_limit));
        add_str(&b, "CpusetCpus", o->cpuset_cpus);
        if (add_network_options(&b, o) < 0)
                goto fail;
        add_str(&b, "Userns", o->userns);
        add_str(&b, "LogDriver", o->log_driver);
        if (o->log_opt) {
                GVariantBuilder lb;
                g_variant_builder_init(&lb, G_VARIANT_TYPE("a{ss}"));
                for (char **l = o->log_opt; *l; l++) {
                        const char *eq = strchr(*l, '=');
                        g_autofree char *k = eq ? g_strndup(*l, (gsize) (eq - *l)) : g_strdup(*l);
                        g_variant_builder_add(&lb, "{ss}", k, eq ? eq + 1 : "");
                }
                g_variant_builder_add(&b, "{sv}", "LogOpts", g_variant_builder_end(&lb));
        }
        add_strv(&b, "GroupAdd", o->group_add);
        return g_variant_ref_sink(g_variant_builder_end(&b));
fail:
        g_variant_builder_clear(&b);
        return NULL;
}

/* Creates the container (pulling the image first per --pull); returns its
 * object path, or NULL after printing why (with *ret_exit set). */
static char *create_container(CreateOpts *o, const char *image, int argc, char **argv, int *ret_exit) {
        g_autoptr(GVariant) opts = NULL;
        g_autoptr(GError) error = NULL;
        g_autofree char *path = NULL;
        int r;

        *ret_exit = EXIT_ROOST_ERROR;
        opts = build_create_options(o, image, argc, argv);
        if (!opts)
                return NULL;
        if (cli_connect() < 0)
                return NULL;
        r = cli_image_ensure(image, o->pull ? o->pull : "missing", o->platform, o->quiet);
        if (r != 0) {
                *ret_exit = r;
                return NULL;
        }
        if (!roost_manager1_call_create_container_sync(cli.manager, opts, &path, NULL, &error)) {
                cli_fail_gerror(error, NULL);
                return NULL;
        }
        return g_steal_pointer(&path);
}

static const char *id_from_path(const char *path) {
        const char *s = strrchr(path, '/');
        return s ? s + 1 : path;
}

static int run_create(const Command *cmd, void *opts, int argc, char **argv) {
        CreateOpts *o = opts;
        g_autofree char *path = NULL;
        int code;

        path = create_container(o, argv[0], argc - 1, argv + 1, &code);
        if (!path)
                return code;
        printf("%s\n", id_from_path(path));
        return 0;
}

/* Maps a failed Start to docker's exit codes: 127 not found, 126 cannot
 * invoke, 125 anything else. */
int cli_start_error_exit(GError *error) {
        g_autofree char *remote = g_dbus_error_get_remote_error(error);
        int code = EXIT_ROOST_ERROR;

        if (remote && g_str_equal(remote, ROOST_ERROR_COMMAND_NOT_FOUND))
                code = EXIT_NOT_FOUND;
        else if (remote && g_str_equal(remote, ROOST_ERROR_CANNOT_INVOKE))
                code = EXIT_CANNOT_INVOKE;
        cli_fail_gerror(error, NULL);
        return code;
}

RoostContainer1 *cli_container_proxy(const char *path) {
        g_autoptr(GError) error = NULL;
        RoostContainer1 *p = roost_container1_proxy_new_sync(cli.bus,
                                                              G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES |
                                                                      G_DBUS_PROXY_FLAGS_DO_NOT_CONNECT_SIGNALS,
                                                              ROOST_BUS_NAME, path, NULL, &error);
        if (!p)
                cli_fail_gerror(error, NULL);
        else
                g_dbus_proxy_set_default_timeout(G_DBUS_PROXY(p), 120 * 1000);
        return p;
}

/* Starts a container and, unless detached, streams it until it exits. */
int cli_start_and_attach(const char *path, bool attach, bool interactive, bool tty, const char *detach_keys,
                         bool sig_proxy, bool auto_remove, bool *ret_start_failed) {
        g_autoptr(RoostContainer1) c = NULL;
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) streams = NULL;
        g_autoptr(GUnixFDList) fds = NULL;
        GVariantBuilder b;
        int code;

        c = cli_container_proxy(path);
        if (!c)
                return EXIT_ROOST_ERROR;
        g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
        if (attach) {
                g_variant_builder_add(&b, "{sv}", "Attach", g_variant_new_boolean(TRUE));
                g_variant_builder_add(&b, "{sv}", "Stdin", g_variant_new_boolean(interactive));
                if (detach_keys)
                        g_variant_builder_add(&b, "{sv}", "DetachKeys", g_variant_new_string(detach_keys));
                /* the pty starts at our size: the first thing the container
                 * runs must not see 0x0 before our first resize arrives */
                if (tty) {
                        unsigned rows, cols;
                        if (cli_terminal_size(&rows, &cols))
                                g_variant_builder_add(&b, "{sv}", "ConsoleSize", g_variant_new("(uu)", rows, cols));
                }
        }
        if (!roost_container1_call_start_sync(c, g_variant_builder_end(&b), NULL, &streams, &fds, NULL, &error)) {
                if (ret_start_failed)
                        *ret_start_failed = true;
                return cli_start_error_exit(error);
        }
        if (!attach)
                return 0;
        if (!fds || g_unix_fd_list_get_length(fds) < 1) {
                cli_fail("roostd did not hand over the container's stream");
                return EXIT_ROOST_ERROR;
        }
        {
                int sock = g_unix_fd_list_get(fds, 0, NULL);
                CliStreamOptions so = { .tty = tty, .send_stdin = interactive, .sig_proxy = sig_proxy, .container = c };
                code = cli_stream_run(sock, &so);
                close(sock);
        }
        if (code == CLI_STREAM_DETACHED)
                return 0;
        if (code < 0)
                return EXIT_ROOST_ERROR;
        {
                /* return once roostd knows too (docker run --rm: once the
                 * container is gone), so the next command sees it stopped */
                gint ignored;
                (void) roost_container1_call_wait_sync(c, auto_remove ? "removed" : "not-running", &ignored, NULL, NULL);
        }
        return code;
}

/* a container whose start failed is removed: `run` gave the user no ID for it */
static void remove_failed(const char *path) {
        g_autoptr(RoostContainer1) c = cli_container_proxy(path);
        GVariantBuilder b;

        if (!c)
                return;
        g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
        g_variant_builder_add(&b, "{sv}", "Force", g_variant_new_boolean(TRUE));
        (void) roost_container1_call_remove_sync(c, g_variant_builder_end(&b), NULL, NULL);
}

static int run_run(const Command *cmd, void *opts, int argc, char **argv) {
        CreateOpts *o = opts;
        g_autofree char *path = NULL;
        bool start_failed = false;
        int code;

        if (o->detach && o->rm && o->restart)
                return cli_fail("conflicting options: --restart and --rm");
        path = create_container(o, argv[0], argc - 1, argv + 1, &code);
        if (!path)
                return code;
        if (!o->detach && o->tty && o->interactive && !isatty(STDIN_FILENO)) {
                remove_failed(path);
                return cli_fail("the input device is not a TTY: drop -t, or run from a terminal");
        }
        if (o->detach) {
                code = cli_start_and_attach(path, false, false, false, NULL, false, false, &start_failed);
                if (code == 0)
                        printf("%s\n", id_from_path(path));
        } else
                code = cli_start_and_attach(path, true, o->interactive, o->tty, o->detach_keys, o->sig_proxy, o->rm,
                                            &start_failed);
        if (start_failed)
                remove_failed(path);
        return code;
}

static void create_init(void *opts) {
        CreateOpts *o = opts;
        o->stop_timeout = -1;
        o->sig_proxy = true;
}

const Command cmd_run = {
        .name = "run",
        .usage = "[OPTIONS] IMAGE [COMMAND] [ARG...]",
        .summary = "Create and run a new container from an image",
        .aliases = "roost container run, roost run",
        .group = GROUP_COMMON,
        .options = run_options,
        .opts_size = sizeof(CreateOpts),
        .min_args = 1,
        .max_args = -1,
        .stop_at_positional = true,
        .run = run_run,
        .init = create_init,
};

const Command cmd_create = {
        .name = "create",
        .usage = "[OPTIONS] IMAGE [COMMAND] [ARG...]",
        .summary = "Create a new container",
        .aliases = "roost container create, roost create",
        .group = GROUP_OTHER,
        .options = create_options,
        .opts_size = sizeof(CreateOpts),
        .min_args = 1,
        .max_args = -1,
        .stop_at_positional = true,
        .run = run_create,
        .init = create_init,
};
