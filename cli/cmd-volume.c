/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static json_t *volume_json(GVariant *v) {
        return variant_to_json(v);
}

typedef struct VolumeOpts {
        char **label;
        bool force, quiet;
        char *format;
} VolumeOpts;

static const CliOption create_options[] = {
        { 0, "label", OPT_STRV, offsetof(VolumeOpts, label), "list", "Set metadata for a volume", NULL },
        {},
};

static int run_create(const Command *cmd, void *o, int argc, char **argv) {
        VolumeOpts *opts = o;
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) vol = NULL;
        GVariantBuilder lb;
        const char *name = argc > 0 ? argv[0] : "";
        const char *out = NULL;

        g_variant_builder_init(&lb, G_VARIANT_TYPE("a{ss}"));
        for (char **l = opts->label; l && *l; l++) {
                const char *eq = strchr(*l, '=');
                g_autofree char *k = eq ? g_strndup(*l, (gsize) (eq - *l)) : g_strdup(*l);
                g_variant_builder_add(&lb, "{ss}", k, eq ? eq + 1 : "");
        }
        if (cli_connect() < 0) {
                g_variant_builder_clear(&lb);
                return EXIT_ROOST_ERROR;
        }
        if (!roost_manager1_call_create_volume_sync(cli.manager, name, g_variant_builder_end(&lb), &vol, NULL, &error))
                return cli_fail_gerror(error, NULL);
        g_variant_lookup(vol, "Name", "&s", &out);
        printf("%s\n", out ? out : name);
        return 0;
}

const Command cmd_volume_create = {
        .name = "create", .parent = "volume", .usage = "[OPTIONS] [VOLUME]", .summary = "Create a volume",
        .options = create_options, .opts_size = sizeof(VolumeOpts), .max_args = 1, .run = run_create,
};

static const CliOption ls_options[] = {
        { 0, "format", OPT_STRING, offsetof(VolumeOpts, format), "string", "Format output: table, json, or a template", NULL },
        { 'q', "quiet", OPT_BOOL, offsetof(VolumeOpts, quiet), NULL, "Only display volume names", NULL },
        {},
};

static int run_ls(const Command *cmd, void *o, int argc, char **argv) {
        VolumeOpts *opts = o;
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) list = NULL;
        g_autoptr(GPtrArray) t = NULL;
        OutputFormat fmt;
        GVariantIter it;
        GVariant *v;

        if (cli_format_parse(opts->format, &fmt) < 0 || cli_connect() < 0)
                return EXIT_ROOST_ERROR;
        if (!roost_manager1_call_list_volumes_sync(cli.manager, &list, NULL, &error))
                return cli_fail_gerror(error, NULL);
        if (fmt == FORMAT_TABLE && !opts->quiet)
                t = cli_table_new((const char *const[]) { "DRIVER", "VOLUME NAME", NULL });
        g_variant_iter_init(&it, list);
        while ((v = g_variant_iter_next_value(&it))) {
                g_autoptr(GVariant) d = v;
                const char *name = "";
                g_variant_lookup(d, "Name", "&s", &name);
                if (opts->quiet)
                        printf("%s\n", name);
                else if (fmt == FORMAT_TABLE)
                        cli_table_add(t, (const char *const[]) { "local", name, NULL });
                else {
                        g_autoptr(json_t) n = volume_json(d);
                        int k = cli_print_row(fmt, opts->format, n);
                        if (k != 0)
                                return k;
                }
        }
        if (t)
                cli_table_print(t);
        cli_print_rows_end(fmt, opts->format, (const char *const[]) { "Name=VOLUME NAME", NULL });
        return 0;
}

const Command cmd_volume_ls = {
        .name = "ls", .parent = "volume", .usage = "[OPTIONS]", .summary = "List volumes", .aliases = "roost volume ls, roost volume list",
        .options = ls_options, .opts_size = sizeof(VolumeOpts), .max_args = 0, .run = run_ls,
};

static const CliOption inspect_options[] = {
        { 'f', "format", OPT_STRING, offsetof(VolumeOpts, format), "string", "Format output using a template", NULL },
        {},
};

static int run_inspect(const Command *cmd, void *o, int argc, char **argv) {
        VolumeOpts *opts = o;
        g_autoptr(json_t) out = rjson_array();
        int ret = 0;

        if (cli_connect() < 0)
                return EXIT_ROOST_ERROR;
        for (int i = 0; i < argc; i++) {
                g_autoptr(GError) error = NULL;
                g_autoptr(GVariant) v = NULL;
                if (!roost_manager1_call_inspect_volume_sync(cli.manager, argv[i], &v, NULL, &error)) {
                        cli_fail_gerror(error, NULL);
                        ret = EXIT_ROOST_ERROR;
                        continue;
                }
                rjson_append(out, volume_json(v));
        }
        int r = cli_print_inspect(opts->format, out);
        return r != 0 ? r : ret;
}

const Command cmd_volume_inspect = {
        .name = "inspect", .parent = "volume", .usage = "[OPTIONS] VOLUME [VOLUME...]", .summary = "Display detailed information on one or more volumes",
        .options = inspect_options, .opts_size = sizeof(VolumeOpts), .min_args = 1, .max_args = -1, .run = run_inspect,
};

static const CliOption rm_options[] = {
        { 'f', "force", OPT_BOOL, offsetof(VolumeOpts, force), NULL, "Force the removal of one or more volumes", NULL },
        {},
};

static int run_rm(const Command *cmd, void *o, int argc, char **argv) {
        VolumeOpts *opts = o;
        int ret = 0;

        if (cli_connect() < 0)
                return EXIT_ROOST_ERROR;
        for (int i = 0; i < argc; i++) {
                g_autoptr(GError) error = NULL;
                if (!roost_manager1_call_remove_volume_sync(cli.manager, argv[i], opts->force, NULL, &error)) {
                        cli_fail_gerror(error, NULL);
                        ret = EXIT_ROOST_ERROR;
                } else
                        printf("%s\n", argv[i]);
        }
        return ret;
}

const Command cmd_volume_rm = {
        .name = "rm", .parent = "volume", .usage = "[OPTIONS] VOLUME [VOLUME...]", .summary = "Remove one or more volumes",
        .aliases = "roost volume rm, roost volume remove", .options = rm_options, .opts_size = sizeof(VolumeOpts),
        .min_args = 1, .max_args = -1, .run = run_rm,
};

static const CliOption prune_options[] = {
        { 'f', "force", OPT_BOOL, offsetof(VolumeOpts, force), NULL, "Do not prompt for confirmation", NULL },
        {},
};

static int run_prune(const Command *cmd, void *o, int argc, char **argv) {
        return cli_prune(((VolumeOpts *) o)->force,
                         "WARNING! This will remove all local volumes not used by at least one container.",
                         roost_manager1_call_prune_volumes_sync, "Deleted Volumes:", true);
}

const Command cmd_volume_prune = {
        .name = "prune", .parent = "volume", .usage = "[OPTIONS]", .summary = "Remove unused local volumes",
        .options = prune_options, .opts_size = sizeof(VolumeOpts), .max_args = 0, .run = run_prune,
};
