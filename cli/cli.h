/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <stddef.h>

#include "roost-dbus.h"

/* Exit codes, as docker's: 125 when roost itself fails, 126 when the
 * command cannot be invoked, 127 when it is not found, else the
 * container's own code. */
#define EXIT_ROOST_ERROR 125
#define EXIT_CANNOT_INVOKE 126
#define EXIT_NOT_FOUND 127

typedef enum OptType {
        OPT_BOOL,
        OPT_STRING,
        OPT_STRV,   /* repeatable */
        OPT_INT,
} OptType;

typedef struct CliOption {
        char short_name;       /* 0: none */
        const char *long_name;
        OptType type;
        size_t offset;         /* of the value in the command's options struct */
        const char *arg_name;  /* shown in help: "string", "list", "int" */
        const char *help;
        const char *def;       /* default shown in help, or NULL */
} CliOption;

typedef enum CommandGroup {
        GROUP_COMMON,
        GROUP_MANAGEMENT,
        GROUP_OTHER,
} CommandGroup;

typedef struct Command Command;
typedef int (*CommandRun)(const Command *cmd, void *opts, int argc, char **argv);

struct Command {
        const char *name;
        const char *usage;      /* after "roost NAME ": "[OPTIONS] IMAGE" */
        const char *summary;
        const char *aliases;    /* "roost image ls, roost images", or NULL */
        CommandGroup group;
        const CliOption *options;
        size_t opts_size;       /* size of the options struct */
        int min_args, max_args; /* positional arguments; max -1: any */
        bool stop_at_positional; /* docker's "run": flags end at IMAGE */
        CommandRun run;
        const Command *subcommands; /* management commands; NULL-name terminated */
        const char *parent;     /* "image" for "image ls" */
};

/* Global state of one roost invocation */
typedef struct Cli {
        bool debug;
        GDBusConnection *bus;
        RoostManager1 *manager;
} Cli;
extern Cli cli;

/* options.c */
int cli_parse(const Command *cmd, int argc, char **argv, void *opts, int *ret_argc, char ***ret_argv);
void cli_command_help(const Command *cmd, FILE *f);
void cli_options_free(const Command *cmd, void *opts);

/* client.c: connect to roostd (D-Bus activation starts it) */
int cli_connect(void);
/* Prints a D-Bus error the docker way with a hint, returns EXIT_ROOST_ERROR. */
int cli_fail_gerror(GError *error, const char *what);
int cli_fail(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void cli_hint(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void cli_debug(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* format.c */
typedef enum OutputFormat {
        FORMAT_TABLE,
        FORMAT_JSON,
        FORMAT_TEMPLATE,
} OutputFormat;
int cli_format_parse(const char *arg, OutputFormat *ret);
/* Prints node as JSON (pretty) followed by a newline. */
void cli_print_json(JsonNode *node);
/* Expands a Go-template-like string ({{.Key}}, {{.Key.Sub}}, {{json .Key}},
 * {{json .}}) against node. Returns NULL and sets an error message on a bad
 * template. */
char *cli_template_expand(const char *tmpl, JsonNode *node, char **ret_error);
JsonNode *cli_variant_to_json(GVariant *v);
/* Prints rows (GStrv each, the first the header) in aligned columns, as
 * docker's tabwriter does. */
void cli_table_print(GPtrArray *rows);

/* cmd-image.c: docker's size and age formats */
char *cli_human_size(guint64 bytes);
char *cli_human_since(gint64 when);

/* commands */
extern const Command cmd_version;
extern const Command cmd_info;
extern const Command cmd_pull;
extern const Command cmd_images;
extern const Command cmd_image;
extern const Command cmd_rmi;
extern const Command cmd_tag;
extern const Command cmd_save;
extern const Command cmd_load;
extern const Command cmd_import;
extern const Command cmd_login;
extern const Command cmd_logout;
/* "roost image ls" and the like: the command it runs, or NULL */
const Command *image_subcommand(const char *name);
