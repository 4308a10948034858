/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stddef.h>

#include "human.h"
#include "json.h"
#include "roost-dbus.h"
#include "template.h"
#include "variant-json.h"

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
        const char *help;      /* NULL: hidden from help (an alias, as docker's --net) */
        const char *def;       /* default shown in help, or NULL */
} CliOption;

typedef enum CommandGroup {
        GROUP_COMMON,
        GROUP_MANAGEMENT,
        GROUP_OTHER,
} CommandGroup;

typedef struct Command Command;
typedef int (*CommandRun)(const Command *cmd, void *opts, int argc, char **argv);

/* A management command's subcommand: "roost container ls" -> cmd_ps. */
typedef struct SubCommand {
        const char *name;
        const Command *cmd;
} SubCommand;

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
        void (*init)(void *opts);   /* defaults that are not zero */
        const SubCommand *subcommands; /* management commands; NULL-name terminated */
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
void cli_print_json(json_t *node);
/* One row of a listing in --format json (one line) or a template; 0, or
 * the exit code after printing a template error. */
int cli_print_row(OutputFormat fmt, const char *tmpl, json_t *row);
/* After a listing's rows: with --format "table TEMPLATE" (whose rows
 * cli_print_row() kept) prints them in aligned columns under a header, as
 * docker; names are FIELD=HEADER for the columns the command names its own
 * way ("ID=IMAGE ID"). Nothing for other formats. */
void cli_print_rows_end(OutputFormat fmt, const char *tmpl, const char *const *names);
/* What an inspect command found: each through the template (-f), else one
 * pretty JSON array. 0 or an exit code. */
int cli_print_inspect(const char *tmpl, json_t *items);
/* Prints rows (GStrv each, the first the header) in aligned columns, as
 * docker's tabwriter does. */
void cli_table_print(GPtrArray *rows);


/* A table for cli_table_print(): rows of GStrv, the first the header. */
static inline GPtrArray *cli_table_new(const char *const *headers) {
        GPtrArray *t = g_ptr_array_new_with_free_func((GDestroyNotify) g_strfreev);
        g_ptr_array_add(t, g_strdupv((char **) headers));
        return t;
}
static inline void cli_table_add(GPtrArray *t, const char *const *cells) {
        g_ptr_array_add(t, g_strdupv((char **) cells));
}

/* stream.c: the terminal <-> a container stream (shim frames). Returns the
 * exit code from the stream's exit frame, CLI_STREAM_DETACHED when the user
 * typed the detach keys, or -1 after printing what went wrong. */
#define CLI_STREAM_DETACHED (-2)
typedef struct CliStreamOptions {
        bool tty;
        bool send_stdin;
        bool sig_proxy;
        RoostContainer1 *container; /* for forwarding signals with Kill */
} CliStreamOptions;
int cli_stream_run(int sock, const CliStreamOptions *o);
/* The client's terminal size (stdout's, else stdin's); false when neither is a sized terminal. */
bool cli_terminal_size(unsigned *rows, unsigned *cols);

/* cmd-container.c: "Are you sure you want to continue? [y/N]" */
bool cli_confirm(const char *warning);
/* cmd-container.c: a prune command: asks unless force, calls the Prune*
 * method and prints docker's report (what went; then the space freed when
 * show_space). 0 or an exit code. */
typedef gboolean (*CliPruneCall)(RoostManager1 *proxy, gchar ***out_removed, GCancellable *cancellable, GError **error);
int cli_prune(bool force, const char *warning, CliPruneCall call, const char *heading, bool show_space);
/* What a prune removed, under its heading (nothing when nothing went). */
void cli_print_removed(const char *heading, char *const *removed);
/* What an image prune deleted and the space it freed, as docker prints it. */
void cli_print_deleted_images(char *const *deleted, guint64 reclaimed);

/* cmd-create.c: a size flag (512m, 1g, -1 for unlimited); prints the error */
int cli_size_flag(const char *flag, const char *s, gint64 *ret);

/* cmd-create.c */
RoostContainer1 *cli_container_proxy(const char *path);
int cli_start_and_attach(const char *path, bool attach, bool interactive, bool tty, const char *detach_keys,
                         bool sig_proxy, bool auto_remove, bool *ret_start_failed);
int cli_start_error_exit(GError *error);
/* container.c: a container's object path by name or ID (prints the error) */
char *cli_container_path(const char *name_or_id);

/* cmd-network.c: a network as docker network inspect shows it, or NULL
 * with the D-Bus error (after cli_connect) */
json_t *cli_network_inspect_node(const char *name, GError **error);
/* An image's Inspect JSON (roost image inspect, and roost inspect); NULL and
 * *error when there is no such image or the call fails. */
char *cli_image_inspect_json(const char *ref, GError **error);

/* image-ensure.c: makes sure an image is there per the --pull policy
 * (always, missing, never), pulling with progress. 0, or an exit code. */
int cli_image_ensure(const char *ref, const char *policy, const char *platform, bool quiet);
/* cmd-image.c: pulls with docker's progress output; 0 or an exit code */
int cli_pull_image(const char *ref, const char *platform, bool quiet);

/* commands */
extern const Command cmd_version;
extern const Command cmd_run, cmd_create, cmd_start, cmd_stop, cmd_kill, cmd_restart, cmd_rm, cmd_ps,
        cmd_inspect, cmd_wait, cmd_rename, cmd_container_prune, cmd_pause, cmd_unpause, cmd_top, cmd_stats,
        cmd_update, cmd_attach, cmd_exec, cmd_logs, cmd_events, cmd_cp;
extern const Command cmd_volume_create, cmd_volume_ls, cmd_volume_inspect, cmd_volume_rm, cmd_volume_prune;
extern const Command cmd_network_create, cmd_network_ls, cmd_network_inspect, cmd_network_rm, cmd_network_prune,
        cmd_network_connect, cmd_network_disconnect;
extern const Command cmd_port;
extern const Command cmd_info;
extern const Command cmd_system_prune;
extern const Command cmd_pull;
extern const Command cmd_images;
extern const Command cmd_history;
extern const Command cmd_export;
extern const Command cmd_image;
extern const Command cmd_rmi;
extern const Command cmd_tag;
extern const Command cmd_save;
extern const Command cmd_load;
extern const Command cmd_import;
extern const Command cmd_login;
extern const Command cmd_logout;
/* "roost image ls" and the like: the command it runs, or NULL */
