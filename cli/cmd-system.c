/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <sys/utsname.h>

#include "cli.h"
#include "roost-names.h"

typedef struct FormatOpts {
        char *format;
} FormatOpts;

static const CliOption format_options[] = {
        { 'f', "format", OPT_STRING, offsetof(FormatOpts, format), "string",
          "Format output: table, json, or a template like '{{.ServerVersion}}'", NULL },
        {},
};

static const char *client_arch(void) {
#if defined(__x86_64__)
        return "amd64";
#elif defined(__aarch64__)
        return "arm64";
#else
        static struct utsname u;
        uname(&u);
        return u.machine;
#endif
}

static json_t *client_json(void) {
        g_autoptr(RJsonBuilder) b = rjson_builder_new();

        rjson_begin_object(b);
        rjson_member_string(b, "Version", ROOST_VERSION);
        rjson_member_string(b, "ApiVersion", ROOST_API_VERSION);
        rjson_member_string(b, "Os", "linux");
        rjson_member_string(b, "Arch", client_arch());
        rjson_member_bool(b, "Debug", cli.debug);
        rjson_end_object(b);
        return rjson_builder_root(b);
}

static int print_formatted(json_t *root, OutputFormat fmt, const char *tmpl) {
        if (fmt == FORMAT_JSON) {
                cli_print_json(root);
                return 0;
        }
        g_autofree char *err = NULL;
        g_autofree char *s = cli_template_expand(tmpl, root, &err);
        if (!s)
                return cli_fail("%s", err);
        printf("%s\n", s);
        return 0;
}

static const char *dict_str(GVariantDict *d, const char *key) {
        const char *s = NULL;
        if (!g_variant_dict_lookup(d, key, "&s", &s))
                return "";
        return s;
}

static int run_version(const Command *cmd, void *o, int argc, char **argv) {
        FormatOpts *opts = o;
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) server = NULL;
        OutputFormat fmt;
        int r = 0;

        if (cli_format_parse(opts->format, &fmt) < 0)
                return EXIT_ROOST_ERROR;

        if (cli_connect() < 0 || !roost_manager1_call_version_sync(cli.manager, &server, NULL, &error))
                server = NULL;

        if (fmt != FORMAT_TABLE) {
                g_autoptr(RJsonBuilder) b = rjson_builder_new();
                g_autoptr(json_t) root = NULL;
                rjson_begin_object(b);
                rjson_key(b, "Client");
                rjson_add_value(b, client_json());
                rjson_key(b, "Server");
                if (server)
                        rjson_add_value(b, variant_to_json(server));
                else
                        rjson_add_null(b);
                rjson_end_object(b);
                root = rjson_builder_root(b);
                r = print_formatted(root, fmt, opts->format);
        } else {
                printf("Client:\n"
                       " Version:      %s\n"
                       " API version:  %s\n"
                       " OS/Arch:      linux/%s\n",
                       ROOST_VERSION, ROOST_API_VERSION, client_arch());
                if (server) {
                        g_auto(GVariantDict) d = G_VARIANT_DICT_INIT(server);
                        printf("\nServer:\n"
                               " roostd:\n"
                               "  Version:      %s\n"
                               "  API version:  %s\n"
                               "  OS/Arch:      %s/%s\n"
                               "  Kernel:       %s\n"
                               " %s:\n"
                               "  Version:      %s\n",
                               dict_str(&d, "Version"), dict_str(&d, "ApiVersion"), dict_str(&d, "Os"),
                               dict_str(&d, "Arch"), dict_str(&d, "KernelVersion"), dict_str(&d, "Runtime"),
                               *dict_str(&d, "RuntimeVersion") ? dict_str(&d, "RuntimeVersion") : "(not installed)");
                }
        }
        fflush(stdout);
        if (!server) {
                if (error)
                        return cli_fail_gerror(error, NULL);
                return EXIT_ROOST_ERROR;
        }
        return r;
}

const Command cmd_version = {
        .name = "version",
        .usage = "[OPTIONS]",
        .summary = "Show the roost version information",
        .group = GROUP_OTHER,
        .options = format_options,
        .opts_size = sizeof(FormatOpts),
        .max_args = 0,
        .run = run_version,
};

static void print_idmap(GVariantDict *d, const char *key, const char *label) {
        g_autoptr(GVariant) v = g_variant_dict_lookup_value(d, key, G_VARIANT_TYPE("a(uuu)"));
        GVariantIter it;
        guint32 in, out, count;
        bool first = true;

        if (!v)
                return;
        printf("  %s:", label);
        g_variant_iter_init(&it, v);
        while (g_variant_iter_next(&it, "(uuu)", &in, &out, &count)) {
                if (count == 1)
                        printf("%s %u -> %u", first ? "" : ",", in, out);
                else
                        printf("%s %u-%u -> %u-%u", first ? "" : ",", in, in + count - 1, out, out + count - 1);
                first = false;
        }
        printf("\n");
}

static int run_info(const Command *cmd, void *o, int argc, char **argv) {
        FormatOpts *opts = o;
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) info = NULL;
        OutputFormat fmt;
        gboolean b;
        guint32 u;

        if (cli_format_parse(opts->format, &fmt) < 0)
                return EXIT_ROOST_ERROR;
        if (cli_connect() < 0)
                return EXIT_ROOST_ERROR;
        if (!roost_manager1_call_info_sync(cli.manager, &info, NULL, &error))
                return cli_fail_gerror(error, NULL);

        if (fmt != FORMAT_TABLE) {
                g_autoptr(json_t) root = variant_to_json(info);
                rjson_set(root, "ClientInfo", client_json());
                return print_formatted(root, fmt, opts->format);
        }

        g_auto(GVariantDict) d = G_VARIANT_DICT_INIT(info);
        printf("Client:\n"
               " Version:    %s\n"
               " Debug Mode: %s\n"
               " Bus:        %s\n\n",
               ROOST_VERSION, cli.debug ? "true" : "false",
               cli.bus ? g_dbus_connection_get_unique_name(cli.bus) : "");
        printf("Server:\n");
        g_variant_dict_lookup(&d, "Containers", "u", &u);
        printf(" Containers: %u\n", u);
        g_variant_dict_lookup(&d, "ContainersRunning", "u", &u);
        printf("  Running: %u\n", u);
        g_variant_dict_lookup(&d, "Images", "u", &u);
        printf(" Images: %u\n", u);
        printf(" Server Version: %s\n", dict_str(&d, "ServerVersion"));
        printf(" API Version: %s\n", dict_str(&d, "ApiVersion"));
        printf(" Storage Driver: %s\n", dict_str(&d, "StorageDriver"));
        b = FALSE;
        g_variant_dict_lookup(&d, "OverlaySupported", "b", &b);
        printf("  Rootless overlayfs (userxattr): %s\n", b ? "supported" : "not supported (copy-based snapshots)");
        printf(" Cgroup Version: %s\n", dict_str(&d, "CgroupVersion"));
        b = FALSE;
        g_variant_dict_lookup(&d, "SystemdScopes", "b", &b);
        printf(" Cgroup Driver: %s\n", b ? "systemd (transient scopes in " ROOST_SLICE ")" : "none (no systemd user manager)");
        {
                const char **ctl = NULL;
                if (g_variant_dict_lookup(&d, "CgroupControllers", "^a&s", &ctl)) {
                        g_autofree char *j = g_strjoinv(" ", (char **) ctl);
                        printf(" Cgroup Controllers: %s\n", *j ? j : "(none delegated)");
                        g_free(ctl);
                }
        }
        if (*dict_str(&d, "RuntimePath"))
                printf(" Runtime: %s %s (%s)\n", dict_str(&d, "Runtime"), dict_str(&d, "RuntimeVersion"),
                       dict_str(&d, "RuntimePath"));
        else
                printf(" Runtime: %s (not installed: apt-get install %s)\n", dict_str(&d, "Runtime"), dict_str(&d, "Runtime"));
        printf(" Kernel Version: %s\n", dict_str(&d, "KernelVersion"));
        printf(" OS/Arch: %s/%s\n", dict_str(&d, "Os"), dict_str(&d, "Arch"));
        printf(" Rootless: true\n");
        print_idmap(&d, "UidMap", "UID Map");
        print_idmap(&d, "GidMap", "GID Map");
        g_variant_dict_lookup(&d, "HolderPID", "u", &u);
        printf(" Namespace Holder: PID %u\n", u);
        printf(" Network Namespace: %s (inside the holder's mount namespace)\n", dict_str(&d, "NetworkNamespace"));
        printf(" Data Directory: %s\n", dict_str(&d, "DataDirectory"));
        printf(" Runtime Directory: %s\n", dict_str(&d, "RuntimeDirectory"));
        {
                const char **files = NULL;
                if (g_variant_dict_lookup(&d, "ConfigFiles", "^a&s", &files)) {
                        printf(" Config Files:%s\n", files[0] ? "" : " (none, built-in defaults)");
                        for (const char **f = files; *f; f++)
                                printf("  %s\n", *f);
                        g_free(files);
                }
        }
        return 0;
}

const Command cmd_info = {
        .name = "info",
        .usage = "[OPTIONS]",
        .summary = "Display system-wide information",
        .aliases = "roost system info, roost info",
        .group = GROUP_OTHER,
        .options = format_options,
        .opts_size = sizeof(FormatOpts),
        .max_args = 0,
        .run = run_info,
};

/* --- system prune ----------------------------------------------------------------------- */

typedef struct SystemPruneOpts {
        bool all, volumes, force;
} SystemPruneOpts;

static const CliOption system_prune_options[] = {
        { 'a', "all", OPT_BOOL, offsetof(SystemPruneOpts, all), NULL, "Remove all unused images not just dangling ones", NULL },
        { 'f', "force", OPT_BOOL, offsetof(SystemPruneOpts, force), NULL, "Do not prompt for confirmation", NULL },
        { 0, "volumes", OPT_BOOL, offsetof(SystemPruneOpts, volumes), NULL, "Prune volumes", NULL },
        {},
};

/* docker system prune: what the four prunes remove, in the order that frees
 * the most (containers first, so their networks, volumes and images are
 * unused by the time those go). */
static int run_system_prune(const Command *cmd, void *o, int argc, char **argv) {
        SystemPruneOpts *opts = o;
        static const struct {
                const char *heading;
                CliPruneCall call;
        } steps[] = {
                { "Deleted Containers:", roost_manager1_call_prune_containers_sync },
                { "Deleted Networks:", roost_manager1_call_prune_networks_sync },
                { "Deleted Volumes:", roost_manager1_call_prune_volumes_sync },
        };
        g_autofree char *warning = g_strdup_printf(
                "WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n"
                "%s  - all %s\n",
                opts->volumes ? "  - all volumes not used by at least one container\n" : "",
                opts->all ? "images without at least one container associated to them" : "dangling images");
        g_autoptr(GError) error = NULL;
        g_auto(GStrv) images = NULL;
        guint64 reclaimed = 0;

        if (!opts->force && !cli_confirm(warning))
                return 0;
        if (cli_connect() < 0)
                return EXIT_ROOST_ERROR;
        for (size_t i = 0; i < G_N_ELEMENTS(steps); i++) {
                g_auto(GStrv) removed = NULL;
                if (steps[i].call == roost_manager1_call_prune_volumes_sync && !opts->volumes)
                        continue;
                if (!steps[i].call(cli.manager, &removed, NULL, &error))
                        return cli_fail_gerror(error, NULL);
                cli_print_removed(steps[i].heading, removed);
        }
        if (!roost_manager1_call_prune_images_sync(cli.manager, opts->all, &images, &reclaimed, NULL, &error))
                return cli_fail_gerror(error, NULL);
        cli_print_deleted_images(images, reclaimed);
        return 0;
}

const Command cmd_system_prune = {
        .name = "prune",
        .usage = "[OPTIONS]",
        .summary = "Remove unused data",
        .parent = "system",
        .options = system_prune_options,
        .opts_size = sizeof(SystemPruneOpts),
        .max_args = 0,
        .run = run_system_prune,
};
