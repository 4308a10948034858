/* SPDX-License-Identifier: Apache-2.0 */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "roost-names.h"

static const Command system_subcommands[] = {
        {
                .name = "info",
                .usage = "[OPTIONS]",
                .summary = "Display system-wide information",
                .parent = "system",
        },
        {},
};

static const Command cmd_system = {
        .name = "system",
        .usage = "COMMAND",
        .summary = "Manage roost",
        .group = GROUP_MANAGEMENT,
        .subcommands = system_subcommands,
};

static const Command *const commands[] = {
        &cmd_pull,
        &cmd_images,
        &cmd_login,
        &cmd_logout,
        &cmd_image,
        &cmd_system,
        &cmd_import,
        &cmd_info,
        &cmd_load,
        &cmd_rmi,
        &cmd_save,
        &cmd_tag,
        &cmd_version,
        NULL,
};

/* "roost system info" runs the same command as "roost info" */
static const Command *subcommand_target(const Command *parent, const char *name) {
        if (g_str_equal(parent->name, "system") && g_str_equal(name, "info"))
                return &cmd_info;
        if (g_str_equal(parent->name, "image"))
                return image_subcommand(name);
        return NULL;
}

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

static const Command *find_command(const Command *const *list, const char *name) {
        for (const Command *const *c = list; *c; c++)
                if (g_str_equal((*c)->name, name))
                        return *c;
        return NULL;
}

static int run_command(const Command *cmd, int argc, char **argv) {
        g_autofree void *opts = g_malloc0(MAX(cmd->opts_size, 1));
        char **args;
        int nargs, r;

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
        const Command *target;

        if (argc < 2 || g_str_equal(argv[1], "--help") || g_str_equal(argv[1], "-h")) {
                cli_command_help(cmd, stdout);
                return argc < 2 ? EXIT_ROOST_ERROR : 0;
        }
        target = subcommand_target(cmd, argv[1]);
        if (!target) {
                fprintf(stderr, "roost: '%s %s' is not a roost command.\nSee 'roost %s --help'.\n",
                        cmd->name, argv[1], cmd->name);
                return EXIT_ROOST_ERROR;
        }
        return run_command(target, argc - 1, argv + 1);
}

int main(int argc, char *argv[]) {
        const Command *cmd;
        int i, r;

        setlocale(LC_ALL, "");

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
                if (i + 1 < argc && (cmd = find_command(commands, argv[i + 1]))) {
                        cli_command_help(cmd, stdout);
                        return 0;
                }
                main_help(stdout);
                return 0;
        }
        cmd = find_command(commands, argv[i]);
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
