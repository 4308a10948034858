/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>

#include "cli.h"
#include "net-args.h"
#include "port-list.h"

/* roost port: a container's published ports, from NetworkSettings.Ports of
 * its Inspect JSON, as docker port prints them. */

/* docker's exit code when the port is not there or not a port */
#define EXIT_PORT_FAILED 1

static int run_port(const Command *cmd, void *o, int argc, char **argv) {
        g_autoptr(GError) error = NULL;
        g_autoptr(RoostContainer1) c = NULL;
        g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
        g_autofree char *path = NULL, *json = NULL, *key = NULL, *parse_error = NULL;
        g_autoptr(json_t) root = NULL;
        json_t *ports;

        if (argc > 1) {
                g_autofree char *err = NULL;
                if (net_args_port_key(argv[1], &key, &err) < 0) {
                        cli_fail("%s", err);
                        return EXIT_PORT_FAILED;
                }
        }
        if (cli_connect() < 0 || !(path = cli_container_path(argv[0])) || !(c = cli_container_proxy(path)))
                return EXIT_ROOST_ERROR;
        if (!roost_container1_call_inspect_sync(c, &json, NULL, &error))
                return cli_fail_gerror(error, NULL);
        if (!(root = rjson_parse(json, -1, &parse_error)))
                return cli_fail("roostd's Inspect of %s is not JSON: %s", argv[0], parse_error);
        ports = json_object_get(rjson_get_object(root, "NetworkSettings"), "Ports");

        if (port_list_lines(ports, key, lines) == -ENOENT) {
                cli_fail("No public port '%s' published for %s", argv[1], argv[0]);
                return EXIT_PORT_FAILED;
        }
        for (guint i = 0; i < lines->len; i++)
                printf("%s\n", (const char *) lines->pdata[i]);
        return 0;
}

const Command cmd_port = {
        .name = "port", .usage = "CONTAINER [PRIVATE_PORT[/PROTO]]",
        .summary = "List port mappings or a specific mapping for the container",
        .aliases = "roost container port, roost port", .group = GROUP_OTHER, .min_args = 1, .max_args = 2,
        .run = run_port,
};
