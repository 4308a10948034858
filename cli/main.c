/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "roost-names.h"

static const SubCommand container_subcommands[] = {
        { "attach", &cmd_attach },   { "cp", &cmd_cp },         { "create", &cmd_create }, { "exec", &cmd_exec },       { "export", &cmd_export },
        { "inspect", &cmd_inspect },
        { "kill", &cmd_kill },       { "logs", &cmd_logs },     { "ls", &cmd_ps },           { "list", &cmd_ps },
        { "ps", &cmd_ps },           { "pause", &cmd_pause },   { "port", &cmd_port },       { "prune", &cmd_container_prune },
        { "rename", &cmd_rename },   { "restart", &cmd_restart }, { "rm", &cmd_rm },         { "remove", &cmd_rm },
        { "run", &cmd_run },         { "start", &cmd_start },   { "stats", &cmd_stats },     { "stop", &cmd_stop },
        { "top", &cmd_top },         { "unpause", &cmd_unpause }, { "update", &cmd_update }, { "wait", &cmd_wait },
        {},
};

static const SubCommand volume_subcommands[] = {
        { "create", &cmd_volume_create }, { "inspect", &cmd_volume_inspect }, { "ls", &cmd_volume_ls },
        { "list", &cmd_volume_ls },       { "prune", &cmd_volume_prune },     { "rm", &cmd_volume_rm },
        { "remove", &cmd_volume_rm },     {},
};

static const SubCommand network_subcommands[] = {
        { "connect", &cmd_network_connect }, { "create", &cmd_network_create }, { "disconnect", &cmd_network_disconnect },
        { "inspect", &cmd_network_inspect }, { "ls", &cmd_network_ls },         { "list", &cmd_network_ls },
        { "prune", &cmd_network_prune },     { "rm", &cmd_network_rm },         { "remove", &cmd_network_rm },
        {},
};

static const SubCommand system_subcommands[] = {
        { "events", &cmd_events },
        { "info", &cmd_info },
        { "prune", &cmd_system_prune },
        {},
};

static const Command cmd_container = {
        .name = "container", .usage = "COMMAND", .summary = "Manage containers", .group = GROUP_MANAGEMENT,
        .subcommands = container_subcommands,
};
static const Command cmd_volume = {
        .name = "volume", .usage = "COMMAND", .summary = "Manage volumes", .group = GROUP_MANAGEMENT,
        .subcommands = volume_subcommands,
};
static const Command cmd_network = {
        .name = "network", .usage = "COMMAND", .summary = "Manage networks", .group = GROUP_MANAGEMENT,
        .subcommands = network_subcommands,
};
static const Command cmd_system = {
        .name = "system", .usage = "COMMAND", .summary = "Manage roost", .group = GROUP_MANAGEMENT,
        .subcommands = system_subcommands,
};

static const Command *const commands[] = {
        /* common */
        &cmd_run, &cmd_exec, &cmd_ps, &cmd_images, &cmd_pull, &cmd_login, &cmd_logout,
        /* management */
        &cmd_container, &cmd_image, &cmd_network, &cmd_system, &cmd_volume,
        /* the rest, alphabetically */
        &cmd_attach, &cmd_cp, &cmd_create, &cmd_events, &cmd_export, &cmd_history, &cmd_import, &cmd_info, &cmd_inspect, &cmd_kill, &cmd_load,
        &cmd_logs, &cmd_pause, &cmd_port, &cmd_rename, &cmd_restart, &cmd_rm, &cmd_rmi, &cmd_save, &cmd_start, &cmd_stats,
        &cmd_stop, &cmd_tag, &cmd_top, &cmd_unpause, &cmd_update, &cmd_version, &cmd_wait,
        NULL,
};

static void main_help(FILE *f) {
        static const struct {
                CommandGroup group;
                const char *title;
        } groups[] = {
                { GROUP_COMMON, "Common Commands" },
                { GROUP_MANAGEMENT, "Management Commands" },
                { GROUP_OTHER, "Commands" },
        };

        fprintf(f, "\nUsage:  roost [OPTIONS] COMMAND\n\n"
                   "A rootless, per-user container service: roostd runs under your systemd\n"
                   "user manager, roost talks to it over D-Bus.\n");
        for (size_t g = 0; g < G_N_ELEMENTS(groups); g++) {
                bool any = false;
                for (const Command *const *c = commands; *c; c++) {
                        if ((*c)->group != groups[g].group)
                                continue;
                        if (!any)
                                fprintf(f, "\n%s:\n", groups[g].title);
                        any = true;
                        fprintf(f, "  %-10s  %s\n", (*c)->name, (*c)->summary);
                }
        }
        fprintf(f, "\nGlobal Options:\n"
                   "  -D, --debug     Enable debug output\n"
                   "  -h, --help      Print usage\n"
                   "  -v, --version   Print version information and quit\n"
                   "\nRun 'roost COMMAND --help' for more information on a command.\n"
                   "\nTo start roost for your user: " ROOST_ENABLE_HINT "\n");
}

static const Command *find_command(const char *name) {
        for (const Command *const *c = commands; *c; c++)
                if (g_str_equal((*c)->name, name))
                        return *c;
        return NULL;
}

static int run_command(const Command *cmd, int argc, char **argv) {
        g_autofree void *opts = g_malloc0(MAX(cmd->opts_size, 1));
        char **args;
        int nargs, r;

        if (cmd->init)
                cmd->init(opts);
        r = cli_parse(cmd, argc, argv, opts, &nargs, &args);
        if (r <= 0) {
                cli_options_free(cmd, opts);
                return r < 0 ? EXIT_ROOST_ERROR : 0;
        }
        r = cmd->run(cmd, opts, nargs, args);
        cli_options_free(cmd, opts);
        return r;
}

static int run_management(const Command *cmd, int argc, char **argv) {
        if (argc < 2 || g_str_equal(argv[1], "--help") || g_str_equal(argv[1], "-h")) {
                cli_command_help(cmd, argc < 2 ? stderr : stdout);
                return argc < 2 ? EXIT_ROOST_ERROR : 0;
        }
        for (const SubCommand *s = cmd->subcommands; s->name; s++)
                if (g_str_equal(s->name, argv[1]))
                        return run_command(s->cmd, argc - 1, argv + 1);
        fprintf(stderr, "roost: '%s %s' is not a roost command.\nSee 'roost %s --help'.\n", cmd->name, argv[1], cmd->name);
        return EXIT_ROOST_ERROR;
}

int main(int argc, char *argv[]) {
        const Command *cmd;
        int i, r;

        for (i = 1; i < argc && argv[i][0] == '-'; i++) {
                const char *a = argv[i];
                if (g_str_equal(a, "-D") || g_str_equal(a, "--debug"))
                        cli.debug = true;
                else if (g_str_equal(a, "-h") || g_str_equal(a, "--help")) {
                        main_help(stdout);
                        return 0;
                } else if (g_str_equal(a, "-v") || g_str_equal(a, "--version")) {
                        printf("roost version %s\n", ROOST_VERSION);
                        return 0;
                } else {
                        fprintf(stderr, "roost: unknown flag: %s\nSee 'roost --help'.\n", a);
                        return EXIT_ROOST_ERROR;
                }
        }
        if (i >= argc) {
                main_help(stderr);
                return EXIT_ROOST_ERROR;
        }
        if (g_str_equal(argv[i], "help")) {
                if (i + 1 < argc && (cmd = find_command(argv[i + 1]))) {
                        cli_command_help(cmd, stdout);
                        return 0;
                }
                main_help(stdout);
                return 0;
        }
        cmd = find_command(argv[i]);
        if (!cmd) {
                fprintf(stderr, "roost: '%s' is not a roost command.\nSee 'roost --help'.\n", argv[i]);
                return EXIT_ROOST_ERROR;
        }
        if (cmd->subcommands)
                r = run_management(cmd, argc - i, argv + i);
        else
                r = run_command(cmd, argc - i, argv + i);

        if (cli.manager)
                g_object_unref(cli.manager);
        if (cli.bus)
                g_object_unref(cli.bus);
        return r;
}
