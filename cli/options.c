/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define OPT_HELP 0x7f00

static const CliOption *find_by_val(const CliOption *opts, int val) {
        if (val >= 0x100 && val < OPT_HELP)
                return &opts[val - 0x100];
        for (const CliOption *o = opts; o && o->long_name; o++)
                if (o->short_name == val)
                        return o;
        return NULL;
}

static char *flag_name(const CliOption *o) {
        if (o->short_name)
                return g_strdup_printf("-%c, --%s", o->short_name, o->long_name);
        return g_strdup_printf("--%s", o->long_name);
}

static int usage_error(const Command *cmd, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static int usage_error(const Command *cmd, const char *fmt, ...) {
        va_list ap;

        fputs("roost: ", stderr);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        if (cmd->parent)
                fprintf(stderr, "\nSee 'roost %s %s --help'.\n", cmd->parent, cmd->name);
        else
                fprintf(stderr, "\nSee 'roost %s --help'.\n", cmd->name);
        return -EINVAL;
}

static int set_value(const Command *cmd, const CliOption *o, void *opts, const char *arg) {
        void *field = (uint8_t *) opts + o->offset;

        switch (o->type) {
        case OPT_BOOL:
                if (!arg || g_str_equal(arg, "true") || g_str_equal(arg, "1"))
                        *(bool *) field = true;
                else if (g_str_equal(arg, "false") || g_str_equal(arg, "0"))
                        *(bool *) field = false;
                else {
                        g_autofree char *n = flag_name(o);
                        return usage_error(cmd, "invalid argument \"%s\" for \"%s\" flag: use true or false", arg, n);
                }
                break;
        case OPT_STRING:
                g_free(*(char **) field);
                *(char **) field = g_strdup(arg);
                break;
        case OPT_STRV: {
                char ***v = field;
                gsize n = *v ? g_strv_length(*v) : 0;
                *v = g_renew(char *, *v, n + 2);
                (*v)[n] = g_strdup(arg);
                (*v)[n + 1] = NULL;
                break;
        }
        case OPT_INT: {
                char *end;
                long long l;
                errno = 0;
                l = strtoll(arg, &end, 10);
                if (!*arg || *end || errno || l < INT32_MIN || l > INT32_MAX) {
                        g_autofree char *n = flag_name(o);
                        return usage_error(cmd, "invalid argument \"%s\" for \"%s\" flag: not a whole number", arg, n);
                }
                *(int *) field = (int) l;
                break;
        }
        }
        return 0;
}

int cli_parse(const Command *cmd, int argc, char **argv, void *opts, int *ret_argc, char ***ret_argv) {
        g_autoptr(GString) shorts = g_string_new(cmd->stop_at_positional ? "+:" : ":");
        g_autofree struct option *longs = NULL;
        size_t n = 0, k = 0;
        bool h_taken = false; /* docker's run has -h for --hostname: then only --help */
        int c, positional;

        for (const CliOption *o = cmd->options; o && o->long_name; o++) {
                n++;
                h_taken = h_taken || o->short_name == 'h';
        }
        if (!h_taken)
                g_string_append_c(shorts, 'h');
        longs = g_new0(struct option, n + 2);
        for (size_t i = 0; i < n; i++) {
                const CliOption *o = &cmd->options[i];
                longs[k++] = (struct option) {
                        .name = o->long_name,
                        .has_arg = o->type == OPT_BOOL ? optional_argument : required_argument,
                        .val = o->short_name ?: (int) (0x100 + i),
                };
                if (o->short_name) {
                        g_string_append_c(shorts, o->short_name);
                        if (o->type != OPT_BOOL)
                                g_string_append_c(shorts, ':');
                }
        }
        longs[k++] = (struct option) { .name = "help", .has_arg = no_argument, .val = OPT_HELP };

        optind = 0; /* full reinitialisation of getopt */
        opterr = 0;
        while ((c = getopt_long(argc, argv, shorts->str, longs, NULL)) >= 0) {
                const CliOption *o;
                int r;

                if (c == OPT_HELP || (c == 'h' && !h_taken)) {
                        cli_command_help(cmd, stdout);
                        return 0;
                }
                if (c == '?') {
                        const char *bad = argv[optind - 1];
                        if (optopt && optopt < 0x100)
                                return usage_error(cmd, "unknown shorthand flag: '%c' in -%c", optopt, optopt);
                        return usage_error(cmd, "unknown flag: %.*s", (int) strcspn(bad, "="), bad);
                }
                if (c == ':') {
                        o = find_by_val(cmd->options, optopt);
                        if (o && optopt < 0x100)
                                return usage_error(cmd, "flag needs an argument: '%c' in -%c", optopt, optopt);
                        return usage_error(cmd, "flag needs an argument: %s", argv[optind - 1]);
                }
                o = find_by_val(cmd->options, c);
                if (!o)
                        return usage_error(cmd, "unknown flag: %s", argv[optind - 1]);
                r = set_value(cmd, o, opts, optarg);
                if (r < 0)
                        return r;
        }

        positional = argc - optind;
        if (positional < cmd->min_args || (cmd->max_args >= 0 && positional > cmd->max_args)) {
                g_autofree char *full = cmd->parent ? g_strdup_printf("%s %s", cmd->parent, cmd->name)
                                                    : g_strdup(cmd->name);
                if (cmd->max_args == 0)
                        return usage_error(cmd, "\"roost %s\" accepts no arguments.", full);
                if (cmd->min_args == cmd->max_args)
                        return usage_error(cmd, "\"roost %s\" requires exactly %d argument%s.", full, cmd->min_args,
                                           cmd->min_args == 1 ? "" : "s");
                if (positional < cmd->min_args)
                        return usage_error(cmd, "\"roost %s\" requires at least %d argument%s.", full, cmd->min_args,
                                           cmd->min_args == 1 ? "" : "s");
                return usage_error(cmd, "\"roost %s\" requires at most %d argument%s.", full, cmd->max_args,
                                   cmd->max_args == 1 ? "" : "s");
        }
        *ret_argc = positional;
        *ret_argv = argv + optind;
        return 1;
}

void cli_options_free(const Command *cmd, void *opts) {
        for (const CliOption *o = cmd->options; o && o->long_name; o++) {
                void *field = (uint8_t *) opts + o->offset;
                if (o->type == OPT_STRING)
                        g_clear_pointer((char **) field, g_free);
                else if (o->type == OPT_STRV)
                        g_clear_pointer((char ***) field, g_strfreev);
        }
}

/* a later name of a command listed before ("list" after "ls"): docker's
 * help lists a command once */
static bool is_alias(const SubCommand *table, const SubCommand *s) {
        for (const SubCommand *t = table; t < s; t++)
                if (t->cmd == s->cmd)
                        return true;
        return false;
}

void cli_command_help(const Command *cmd, FILE *f) {
        size_t width = 0;

        if (cmd->parent)
                fprintf(f, "\nUsage:  roost %s %s %s\n\n%s\n", cmd->parent, cmd->name, cmd->usage, cmd->summary);
        else
                fprintf(f, "\nUsage:  roost %s %s\n\n%s\n", cmd->name, cmd->usage, cmd->summary);
        if (cmd->aliases)
                fprintf(f, "\nAliases:\n  %s\n", cmd->aliases);

        if (cmd->subcommands) {
                fprintf(f, "\nCommands:\n");
                for (const SubCommand *s = cmd->subcommands; s->name; s++)
                        if (!is_alias(cmd->subcommands, s))
                                fprintf(f, "  %-10s  %s\n", s->name, s->cmd->summary);
        }

        for (const CliOption *o = cmd->options; o && o->long_name; o++) {
                size_t w = strlen(o->long_name) + (o->arg_name ? strlen(o->arg_name) + 1 : 0);
                if (o->help)
                        width = MAX(width, w);
        }
        width = MAX(width, strlen("help"));
        fprintf(f, "\nOptions:\n");
        for (const CliOption *o = cmd->options; o && o->long_name; o++) {
                if (!o->help) /* hidden, as docker's --net */
                        continue;
                g_autofree char *lng = g_strdup_printf("%s%s%s", o->long_name, o->arg_name ? " " : "", o->arg_name ?: "");
                if (o->short_name)
                        fprintf(f, "  -%c, --%-*s   %s", o->short_name, (int) width, lng, o->help);
                else
                        fprintf(f, "      --%-*s   %s", (int) width, lng, o->help);
                if (o->def)
                        fprintf(f, " (default %s)", o->def);
                fputc('\n', f);
        }
        {
                bool h_taken = false;
                for (const CliOption *o = cmd->options; o && o->long_name; o++)
                        h_taken = h_taken || o->short_name == 'h';
                fprintf(f, "  %s--%-*s   Print usage\n", h_taken ? "    " : "-h, ", (int) width, "help");
        }
        if (cmd->subcommands)
                fprintf(f, "\nRun 'roost %s COMMAND --help' for more information on a command.\n", cmd->name);
}
