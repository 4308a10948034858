/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "net-args.h"
#include "network-view.h"
#include "roost-names.h"

/* roost network: docker's network commands over Manager1's network methods
 * and Container1's Connect and Disconnect. */

/* The contract names no error for a network that is not there; roostd
 * answers it as for volumes (NoSuchVolume), until roost-names.h says. */

#define NETWORK_DRIVER "bridge"

/* docker's exit code for a command that failed on some of its arguments */
#define EXIT_SOME_FAILED 1

static bool is_no_such_network(GError *error) {
        g_autofree char *remote = g_dbus_error_get_remote_error(error);
        return remote && g_str_equal(remote, ROOST_ERROR_NO_SUCH_NETWORK);
}

/* Prints why a call about network name failed, docker's way for a missing
 * one; returns EXIT_ROOST_ERROR. */
static int network_fail(GError *error, const char *name) {
        if (is_no_such_network(error))
                return cli_fail("No such network: %s", name);
        return cli_fail_gerror(error, NULL);
}

typedef struct NetworkOpts {
        char *driver, *format, *ip;
        char **subnet, **gateway, **label, **filter, **alias;
        bool internal, quiet, no_trunc, force;
} NetworkOpts;

#define O(f) offsetof(NetworkOpts, f)

/* --- create --------------------------------------------------------------- */

static const CliOption create_options[] = {
        { 'd', "driver", OPT_STRING, O(driver), "string", "Driver to manage the Network (only bridge)", "\"" NETWORK_DRIVER "\"" },
        { 0, "gateway", OPT_STRV, O(gateway), "strings", "IPv4 Gateway for the master subnet", NULL },
        { 0, "internal", OPT_BOOL, O(internal), NULL, "Restrict external access to the network", NULL },
        { 0, "label", OPT_STRV, O(label), "list", "Set metadata on a network", NULL },
        { 0, "subnet", OPT_STRV, O(subnet), "strings", "Subnet in CIDR format that represents a network segment", NULL },
        {},
};

/* one value of a flag roost takes once (docker's take a list) */
static int single(char **v, const char *flag, const char **ret) {
        if (v && v[0] && v[1])
                return cli_fail("a roost network has one IPv4 subnet: give %s once", flag), -EINVAL;
        *ret = v ? v[0] : NULL;
        return 0;
}

static int run_create(const Command *cmd, void *o, int argc, char **argv) {
        NetworkOpts *opts = o;
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) net = NULL;
        GVariantBuilder b, lb;
        const char *subnet, *gateway, *id = NULL;

        if (opts->driver && !g_str_equal(opts->driver, NETWORK_DRIVER))
                return cli_fail("network driver \"%s\" is not supported: roost networks are bridges (-d " NETWORK_DRIVER
                                ", the default)", opts->driver);
        if (single(opts->subnet, "--subnet", &subnet) < 0 || single(opts->gateway, "--gateway", &gateway) < 0)
                return EXIT_ROOST_ERROR;
        if (subnet && !net_args_is_cidr(subnet))
                return cli_fail("invalid CIDR address: %s: use ADDRESS/PREFIX, like 10.89.7.0/24", subnet);
        if (gateway && !subnet)
                return cli_fail("every ip-range or gateway must have a corresponding subnet: add --subnet");
        if (gateway && !net_args_is_ip(gateway))
                return cli_fail("invalid gateway address: %s: use an IPv4 address in the subnet", gateway);

        g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
        if (subnet)
                g_variant_builder_add(&b, "{sv}", "Subnet", g_variant_new_string(subnet));
        if (gateway)
                g_variant_builder_add(&b, "{sv}", "Gateway", g_variant_new_string(gateway));
        if (opts->internal)
                g_variant_builder_add(&b, "{sv}", "Internal", g_variant_new_boolean(TRUE));
        if (opts->label) {
                g_variant_builder_init(&lb, G_VARIANT_TYPE("a{ss}"));
                for (char **l = opts->label; *l; l++) {
                        const char *eq = strchr(*l, '=');
                        g_autofree char *k = eq ? g_strndup(*l, (gsize) (eq - *l)) : g_strdup(*l);
                        g_variant_builder_add(&lb, "{ss}", k, eq ? eq + 1 : "");
                }
                g_variant_builder_add(&b, "{sv}", "Labels", g_variant_builder_end(&lb));
        }
        if (cli_connect() < 0) {
                g_variant_builder_clear(&b);
                return EXIT_ROOST_ERROR;
        }
        if (!roost_manager1_call_create_network_sync(cli.manager, argv[0], g_variant_builder_end(&b), &net, NULL, &error))
                return cli_fail_gerror(error, NULL);
        g_variant_lookup(net, "Id", "&s", &id);
        printf("%s\n", id ? id : argv[0]);
        return 0;
}

const Command cmd_network_create = {
        .name = "create", .parent = "network", .usage = "[OPTIONS] NETWORK", .summary = "Create a network",
        .options = create_options, .opts_size = sizeof(NetworkOpts), .min_args = 1, .max_args = 1, .run = run_create,
};

/* --- ls ------------------------------------------------------------------- */

static const CliOption ls_options[] = {
        { 'f', "filter", OPT_STRV, O(filter), "filter", "Provide filter values (e.g. \"driver=bridge\"; driver, id, label, name, scope, type, dangling)", NULL },
        { 0, "format", OPT_STRING, O(format), "string", "Format output: table, json, or a template like '{{.ID}} {{.Name}}'", NULL },
        { 0, "no-trunc", OPT_BOOL, O(no_trunc), NULL, "Do not truncate the output", NULL },
        { 'q', "quiet", OPT_BOOL, O(quiet), NULL, "Only display network IDs", NULL },
        {},
};

static int run_ls(const Command *cmd, void *o, int argc, char **argv) {
        NetworkOpts *opts = o;
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) list = NULL;
        g_autoptr(GPtrArray) nets = g_ptr_array_new_with_free_func((GDestroyNotify) g_variant_unref);
        g_autoptr(GPtrArray) t = NULL;
        OutputFormat fmt;
        GVariantIter it;
        GVariant *v;

        if (cli_format_parse(opts->format, &fmt) < 0)
                return EXIT_ROOST_ERROR;
        {
                g_autofree char *err = NULL;
                if (network_view_filter_check(opts->filter, &err) < 0)
                        return cli_fail("%s", err);
        }
        if (cli_connect() < 0)
                return EXIT_ROOST_ERROR;
        if (!roost_manager1_call_list_networks_sync(cli.manager, &list, NULL, &error))
                return cli_fail_gerror(error, NULL);
        g_variant_iter_init(&it, list);
        while ((v = g_variant_iter_next_value(&it))) {
                g_autofree char *err = NULL;
                bool match;

                if (network_view_filter(v, opts->filter, &match, &err) < 0) {
                        g_variant_unref(v);
                        return cli_fail("%s", err);
                }
                if (match)
                        g_ptr_array_add(nets, v);
                else
                        g_variant_unref(v);
        }
        g_ptr_array_sort(nets, network_view_compare);

        if (fmt == FORMAT_TABLE && !opts->quiet)
                t = cli_table_new((const char *const[]) { "NETWORK ID", "NAME", "DRIVER", "SCOPE", NULL });
        for (guint i = 0; i < nets->len; i++) {
                g_autoptr(json_t) row = network_view_row(nets->pdata[i], opts->no_trunc);

                if (opts->quiet)
                        printf("%s\n", rjson_get_string(row, "ID"));
                else if (fmt == FORMAT_TABLE)
                        cli_table_add(t, (const char *const[]) {
                                rjson_get_string(row, "ID"), rjson_get_string(row, "Name"),
                                rjson_get_string(row, "Driver"), rjson_get_string(row, "Scope"), NULL });
                else {
                        int k = cli_print_row(fmt, opts->format, row);
                        if (k != 0)
                                return k;
                }
        }
        if (t)
                cli_table_print(t);
        cli_print_rows_end(fmt, opts->format, (const char *const[]) { "ID=NETWORK ID", NULL });
        return 0;
}

const Command cmd_network_ls = {
        .name = "ls", .parent = "network", .usage = "[OPTIONS]", .summary = "List networks",
        .aliases = "roost network ls, roost network list", .options = ls_options, .opts_size = sizeof(NetworkOpts),
        .max_args = 0, .run = run_ls,
};

/* --- inspect -------------------------------------------------------------- */

static const CliOption inspect_options[] = {
        { 'f', "format", OPT_STRING, O(format), "string", "Format output using a template like '{{.IPAM.Config}}'", NULL },
        {},
};

json_t *cli_network_inspect_node(const char *name, GError **error) {
        g_autoptr(GVariant) v = NULL;

        if (!roost_manager1_call_inspect_network_sync(cli.manager, name, &v, NULL, error))
                return NULL;
        return network_view_inspect(v);
}

static int run_inspect(const Command *cmd, void *o, int argc, char **argv) {
        NetworkOpts *opts = o;
        g_autoptr(json_t) out = rjson_array();
        g_autoptr(GPtrArray) missing = g_ptr_array_new();
        bool template = opts->format && !g_str_equal(opts->format, "") && !g_str_equal(opts->format, "json");

        if (cli_connect() < 0)
                return EXIT_ROOST_ERROR;
        for (int i = 0; i < argc; i++) {
                g_autoptr(GError) error = NULL;
                json_t *n = cli_network_inspect_node(argv[i], &error);

                if (n)
                        rjson_append(out, n);
                else if (is_no_such_network(error))
                        g_ptr_array_add(missing, argv[i]);
                else
                        return cli_fail_gerror(error, NULL);
        }
        int r = cli_print_inspect(template ? opts->format : NULL, out);
        if (r != 0)
                return r;
        /* as docker: what was found first, then what was not */
        fflush(stdout);
        for (guint i = 0; i < missing->len; i++)
                cli_fail("No such network: %s", (const char *) missing->pdata[i]);
        return missing->len ? EXIT_SOME_FAILED : 0;
}

const Command cmd_network_inspect = {
        .name = "inspect", .parent = "network", .usage = "[OPTIONS] NETWORK [NETWORK...]",
        .summary = "Display detailed information on one or more networks", .options = inspect_options,
        .opts_size = sizeof(NetworkOpts), .min_args = 1, .max_args = -1, .run = run_inspect,
};

/* --- rm ------------------------------------------------------------------- */

static const CliOption rm_options[] = {
        { 'f', "force", OPT_BOOL, O(force), NULL, "Do not error if the network does not exist", NULL },
        {},
};

static int run_rm(const Command *cmd, void *o, int argc, char **argv) {
        NetworkOpts *opts = o;
        int ret = 0;

        if (cli_connect() < 0)
                return EXIT_ROOST_ERROR;
        for (int i = 0; i < argc; i++) {
                g_autoptr(GError) error = NULL;

                if (roost_manager1_call_remove_network_sync(cli.manager, argv[i], NULL, &error)) {
                        printf("%s\n", argv[i]);
                        continue;
                }
                if (opts->force && is_no_such_network(error))
                        continue;
                network_fail(error, argv[i]);
                ret = EXIT_SOME_FAILED;
        }
        return ret;
}

const Command cmd_network_rm = {
        .name = "rm", .parent = "network", .usage = "[OPTIONS] NETWORK [NETWORK...]", .summary = "Remove one or more networks",
        .aliases = "roost network rm, roost network remove", .options = rm_options, .opts_size = sizeof(NetworkOpts),
        .min_args = 1, .max_args = -1, .run = run_rm,
};

/* --- prune ---------------------------------------------------------------- */

static const CliOption prune_options[] = {
        { 'f', "force", OPT_BOOL, O(force), NULL, "Do not prompt for confirmation", NULL },
        {},
};

static int run_prune(const Command *cmd, void *o, int argc, char **argv) {
        return cli_prune(((NetworkOpts *) o)->force,
                         "WARNING! This will remove all custom networks not used by at least one container.",
                         roost_manager1_call_prune_networks_sync, "Deleted Networks:", false);
}

const Command cmd_network_prune = {
        .name = "prune", .parent = "network", .usage = "[OPTIONS]", .summary = "Remove all unused networks",
        .options = prune_options, .opts_size = sizeof(NetworkOpts), .max_args = 0, .run = run_prune,
};

/* --- connect, disconnect -------------------------------------------------- */

static const CliOption connect_options[] = {
        { 0, "alias", OPT_STRV, O(alias), "strings", "Add network-scoped alias for the container", NULL },
        { 0, "ip", OPT_STRING, O(ip), "string", "IPv4 address (e.g., \"10.89.0.10\")", NULL },
        {},
};

static int run_connect(const Command *cmd, void *o, int argc, char **argv) {
        NetworkOpts *opts = o;
        g_autoptr(GError) error = NULL;
        g_autofree char *path = NULL;
        g_autoptr(RoostContainer1) c = NULL;
        GVariantBuilder b;

        if (opts->ip && !net_args_is_ipv4(opts->ip))
                return cli_fail("invalid IPv4 address: %s", opts->ip);
        if (cli_connect() < 0 || !(path = cli_container_path(argv[1])) || !(c = cli_container_proxy(path)))
                return EXIT_ROOST_ERROR;
        g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
        if (opts->ip)
                g_variant_builder_add(&b, "{sv}", "IPAddress", g_variant_new_string(opts->ip));
        if (opts->alias)
                g_variant_builder_add(&b, "{sv}", "Aliases", g_variant_new_strv((const char *const *) opts->alias, -1));
        if (!roost_container1_call_connect_sync(c, argv[0], g_variant_builder_end(&b), NULL, &error))
                return network_fail(error, argv[0]);
        return 0;
}

const Command cmd_network_connect = {
        .name = "connect", .parent = "network", .usage = "[OPTIONS] NETWORK CONTAINER", .summary = "Connect a container to a network",
        .options = connect_options, .opts_size = sizeof(NetworkOpts), .min_args = 2, .max_args = 2, .run = run_connect,
};

static const CliOption disconnect_options[] = {
        { 'f', "force", OPT_BOOL, O(force), NULL, "Force the container to disconnect from a network", NULL },
        {},
};

static int run_disconnect(const Command *cmd, void *o, int argc, char **argv) {
        NetworkOpts *opts = o;
        g_autoptr(GError) error = NULL;
        g_autofree char *path = NULL;
        g_autoptr(RoostContainer1) c = NULL;

        if (cli_connect() < 0 || !(path = cli_container_path(argv[1])) || !(c = cli_container_proxy(path)))
                return EXIT_ROOST_ERROR;
        if (!roost_container1_call_disconnect_sync(c, argv[0], opts->force, NULL, &error))
                return network_fail(error, argv[0]);
        return 0;
}

const Command cmd_network_disconnect = {
        .name = "disconnect", .parent = "network", .usage = "[OPTIONS] NETWORK CONTAINER",
        .summary = "Disconnect a container from a network", .options = disconnect_options,
        .opts_size = sizeof(NetworkOpts), .min_args = 2, .max_args = 2, .run = run_disconnect,
};
