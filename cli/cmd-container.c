/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "network-view.h"
#include "roost-names.h"

char *cli_container_path(const char *name_or_id) {
        g_autoptr(GError) error = NULL;
        char *path = NULL;

        if (!roost_manager1_call_get_container_sync(cli.manager, name_or_id, &path, NULL, &error)) {
                cli_fail_gerror(error, NULL);
                return NULL;
        }
        return path;
}

/* Runs fn on every named container; docker prints each name it handled and
 * goes on past errors; the exit code says whether any failed. */
typedef gboolean (*ContainerFn)(RoostContainer1 *c, void *userdata, GError **error);

static int for_each_container(int argc, char **argv, ContainerFn fn, void *userdata, bool echo) {
        int ret = 0;

        if (cli_connect() < 0)
                return EXIT_ROOST_ERROR;
        for (int i = 0; i < argc; i++) {
                g_autofree char *path = cli_container_path(argv[i]);
                g_autoptr(RoostContainer1) c = NULL;
                g_autoptr(GError) error = NULL;

                if (!path) {
                        ret = EXIT_ROOST_ERROR;
                        continue;
                }
                c = cli_container_proxy(path);
                if (!c || !fn(c, userdata, &error)) {
                        if (error)
                                cli_fail_gerror(error, NULL);
                        ret = EXIT_ROOST_ERROR;
                        continue;
                }
                if (echo)
                        printf("%s\n", argv[i]);
        }
        return ret;
}

/* --- start ---------------------------------------------------------------- */

typedef struct StartOpts {
        bool attach, interactive;
        char *detach_keys;
} StartOpts;

static const CliOption start_options[] = {
        { 'a', "attach", OPT_BOOL, offsetof(StartOpts, attach), NULL, "Attach STDOUT/STDERR and forward signals", NULL },
        { 0, "detach-keys", OPT_STRING, offsetof(StartOpts, detach_keys), "string", "Override the key sequence for detaching a container", NULL },
        { 'i', "interactive", OPT_BOOL, offsetof(StartOpts, interactive), NULL, "Attach container's STDIN", NULL },
        {},
};

static gboolean do_start(RoostContainer1 *c, void *userdata, GError **error) {
        g_autoptr(GVariant) streams = NULL;
        g_autoptr(GUnixFDList) fds = NULL;
        return roost_container1_call_start_sync(c, g_variant_new("a{sv}", NULL), NULL, &streams, &fds, NULL, error);
}

static int run_start(const Command *cmd, void *o, int argc, char **argv) {
        StartOpts *opts = o;

        if (opts->attach || opts->interactive) {
                g_autofree char *path = NULL;
                g_autoptr(RoostContainer1) c = NULL;
                gboolean tty = FALSE;

                if (argc > 1)
                        return cli_fail("you cannot start and attach multiple containers at once");
                if (cli_connect() < 0 || !(path = cli_container_path(argv[0])) || !(c = cli_container_proxy(path)))
                        return EXIT_ROOST_ERROR;
                {
                        g_autoptr(GVariant) v = g_dbus_proxy_call_sync(G_DBUS_PROXY(c), "org.freedesktop.DBus.Properties.Get",
                                                                       g_variant_new("(ss)", ROOST_CONTAINER_IFACE, "Tty"),
                                                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
                        if (v) {
                                g_autoptr(GVariant) inner = NULL;
                                g_variant_get(v, "(v)", &inner);
                                tty = g_variant_get_boolean(inner);
                        }
                }
                return cli_start_and_attach(path, true, opts->interactive, tty, opts->detach_keys, true, false, NULL);
        }
        return for_each_container(argc, argv, do_start, NULL, true);
}

const Command cmd_start = {
        .name = "start", .usage = "[OPTIONS] CONTAINER [CONTAINER...]", .summary = "Start one or more stopped containers",
        .aliases = "roost container start, roost start", .group = GROUP_OTHER, .options = start_options,
        .opts_size = sizeof(StartOpts), .min_args = 1, .max_args = -1, .run = run_start,
};

/* --- stop, restart, kill ---------------------------------------------------- */

typedef struct StopOpts {
        int time;
        char *signal;
} StopOpts;

static const CliOption stop_options[] = {
        { 't', "time", OPT_INT, offsetof(StopOpts, time), "int", "Seconds to wait before killing the container", NULL },
        {},
};

static void stop_init(void *o) {
        ((StopOpts *) o)->time = -1;
}

static gboolean do_stop(RoostContainer1 *c, void *userdata, GError **error) {
        int t = *(int *) userdata;
        return roost_container1_call_stop_sync(c, t < 0 ? G_MAXUINT32 : (guint32) t, NULL, error);
}

static gboolean do_restart(RoostContainer1 *c, void *userdata, GError **error) {
        int t = *(int *) userdata;
        return roost_container1_call_restart_sync(c, t < 0 ? G_MAXUINT32 : (guint32) t, NULL, error);
}

static int run_stop(const Command *cmd, void *o, int argc, char **argv) {
        return for_each_container(argc, argv, g_str_equal(cmd->name, "stop") ? do_stop : do_restart, &((StopOpts *) o)->time, true);
}

const Command cmd_stop = {
        .name = "stop", .usage = "[OPTIONS] CONTAINER [CONTAINER...]", .summary = "Stop one or more running containers",
        .aliases = "roost container stop, roost stop", .group = GROUP_OTHER, .options = stop_options,
        .opts_size = sizeof(StopOpts), .min_args = 1, .max_args = -1, .run = run_stop, .init = stop_init,
};

const Command cmd_restart = {
        .name = "restart", .usage = "[OPTIONS] CONTAINER [CONTAINER...]", .summary = "Restart one or more containers",
        .aliases = "roost container restart, roost restart", .group = GROUP_OTHER, .options = stop_options,
        .opts_size = sizeof(StopOpts), .min_args = 1, .max_args = -1, .run = run_stop, .init = stop_init,
};

static const CliOption kill_options[] = {
        { 's', "signal", OPT_STRING, offsetof(StopOpts, signal), "string", "Signal to send to the container", "\"KILL\"" },
        {},
};

static gboolean do_kill(RoostContainer1 *c, void *userdata, GError **error) {
        return roost_container1_call_kill_sync(c, userdata, NULL, error);
}

static int run_kill(const Command *cmd, void *o, int argc, char **argv) {
        StopOpts *opts = o;
        return for_each_container(argc, argv, do_kill, opts->signal ? opts->signal : (char *) "KILL", true);
}

const Command cmd_kill = {
        .name = "kill", .usage = "[OPTIONS] CONTAINER [CONTAINER...]", .summary = "Kill one or more running containers",
        .aliases = "roost container kill, roost kill", .group = GROUP_OTHER, .options = kill_options,
        .opts_size = sizeof(StopOpts), .min_args = 1, .max_args = -1, .run = run_kill,
};

/* --- rm ------------------------------------------------------------------- */

typedef struct RmOpts {
        bool force, volumes;
} RmOpts;

static const CliOption rm_options[] = {
        { 'f', "force", OPT_BOOL, offsetof(RmOpts, force), NULL, "Force the removal of a running container (uses SIGKILL)", NULL },
        { 'v', "volumes", OPT_BOOL, offsetof(RmOpts, volumes), NULL, "Accepted for docker's sake: roost makes no anonymous volumes", NULL },
        {},
};

static gboolean do_rm(RoostContainer1 *c, void *userdata, GError **error) {
        RmOpts *o = userdata;
        GVariantBuilder b;
        g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
        g_variant_builder_add(&b, "{sv}", "Force", g_variant_new_boolean(o->force));
        g_variant_builder_add(&b, "{sv}", "Volumes", g_variant_new_boolean(o->volumes));
        return roost_container1_call_remove_sync(c, g_variant_builder_end(&b), NULL, error);
}

static int run_rm(const Command *cmd, void *o, int argc, char **argv) {
        return for_each_container(argc, argv, do_rm, o, true);
}

const Command cmd_rm = {
        .name = "rm", .usage = "[OPTIONS] CONTAINER [CONTAINER...]", .summary = "Remove one or more containers",
        .aliases = "roost container rm, roost container remove, roost rm", .group = GROUP_OTHER, .options = rm_options,
        .opts_size = sizeof(RmOpts), .min_args = 1, .max_args = -1, .run = run_rm,
};

/* --- pause, unpause ---------------------------------------------------------- */

static gboolean do_pause(RoostContainer1 *c, void *userdata, GError **error) {
        return roost_container1_call_pause_sync(c, NULL, error);
}

static gboolean do_unpause(RoostContainer1 *c, void *userdata, GError **error) {
        return roost_container1_call_unpause_sync(c, NULL, error);
}

static int run_pause(const Command *cmd, void *o, int argc, char **argv) {
        return for_each_container(argc, argv, g_str_equal(cmd->name, "pause") ? do_pause : do_unpause, NULL, true);
}

const Command cmd_pause = {
        .name = "pause", .usage = "CONTAINER [CONTAINER...]", .summary = "Pause all processes within one or more containers",
        .aliases = "roost container pause, roost pause", .group = GROUP_OTHER, .min_args = 1, .max_args = -1, .run = run_pause,
};

const Command cmd_unpause = {
        .name = "unpause", .usage = "CONTAINER [CONTAINER...]", .summary = "Unpause all processes within one or more containers",
        .aliases = "roost container unpause, roost unpause", .group = GROUP_OTHER, .min_args = 1, .max_args = -1, .run = run_pause,
};

/* --- wait ----------------------------------------------------------------- */

static gboolean do_wait(RoostContainer1 *c, void *userdata, GError **error) {
        gint code;
        g_dbus_proxy_set_default_timeout(G_DBUS_PROXY(c), G_MAXINT);
        if (!roost_container1_call_wait_sync(c, "not-running", &code, NULL, error))
                return FALSE;
        printf("%d\n", code);
        return TRUE;
}

static int run_wait(const Command *cmd, void *o, int argc, char **argv) {
        return for_each_container(argc, argv, do_wait, NULL, false);
}

const Command cmd_wait = {
        .name = "wait", .usage = "CONTAINER [CONTAINER...]", .summary = "Block until one or more containers stop, then print their exit codes",
        .aliases = "roost container wait, roost wait", .group = GROUP_OTHER, .min_args = 1, .max_args = -1, .run = run_wait,
};

/* --- rename --------------------------------------------------------------- */

static int run_rename(const Command *cmd, void *o, int argc, char **argv) {
        g_autofree char *path = NULL;
        g_autoptr(RoostContainer1) c = NULL;
        g_autoptr(GError) error = NULL;

        if (cli_connect() < 0 || !(path = cli_container_path(argv[0])) || !(c = cli_container_proxy(path)))
                return EXIT_ROOST_ERROR;
        if (!roost_container1_call_rename_sync(c, argv[1], NULL, &error))
                return cli_fail_gerror(error, NULL);
        return 0;
}

const Command cmd_rename = {
        .name = "rename", .usage = "CONTAINER NEW_NAME", .summary = "Rename a container",
        .aliases = "roost container rename, roost rename", .group = GROUP_OTHER, .min_args = 2, .max_args = 2, .run = run_rename,
};

/* --- prune ---------------------------------------------------------------- */

typedef struct PruneOpts {
        bool force;
} PruneOpts;

static const CliOption prune_options[] = {
        { 'f', "force", OPT_BOOL, offsetof(PruneOpts, force), NULL, "Do not prompt for confirmation", NULL },
        {},
};

int cli_prune(bool force, const char *warning, CliPruneCall call, const char *heading, bool show_space) {
        g_autoptr(GError) error = NULL;
        g_auto(GStrv) removed = NULL;

        if (!force && !cli_confirm(warning))
                return 0;
        if (cli_connect() < 0)
                return EXIT_ROOST_ERROR;
        if (!call(cli.manager, &removed, NULL, &error))
                return cli_fail_gerror(error, NULL);
        cli_print_removed(heading, removed);
        /* what they free is not tracked; docker prints none for networks */
        if (show_space)
                printf("Total reclaimed space: 0B\n");
        return 0;
}

void cli_print_removed(const char *heading, char *const *removed) {
        if (!removed || !removed[0])
                return;
        printf("%s\n", heading);
        for (char *const *r = removed; *r; r++)
                printf("%s\n", *r);
        printf("\n");
}

void cli_print_deleted_images(char *const *deleted, guint64 reclaimed) {
        g_autofree char *size = cli_human_size(reclaimed);

        if (deleted && deleted[0]) {
                printf("Deleted Images:\n");
                for (char *const *d = deleted; *d; d++)
                        printf("deleted: %s\n", *d);
                printf("\n");
        }
        printf("Total reclaimed space: %s\n", size);
}

bool cli_confirm(const char *warning) {
        char answer[16] = "";

        fprintf(stderr, "%s\nAre you sure you want to continue? [y/N] ", warning);
        if (!fgets(answer, sizeof answer, stdin))
                return false;
        return answer[0] == 'y' || answer[0] == 'Y';
}

static int run_container_prune(const Command *cmd, void *o, int argc, char **argv) {
        return cli_prune(((PruneOpts *) o)->force, "WARNING! This will remove all stopped containers.",
                         roost_manager1_call_prune_containers_sync, "Deleted Containers:", true);
}

const Command cmd_container_prune = {
        .name = "prune", .usage = "[OPTIONS]", .summary = "Remove all stopped containers", .parent = "container",
        .aliases = "roost container prune", .group = GROUP_OTHER, .options = prune_options,
        .opts_size = sizeof(PruneOpts), .max_args = 0, .run = run_container_prune,
};

/* --- ps ------------------------------------------------------------------- */

typedef struct PsOpts {
        bool all, quiet, no_trunc, latest;
        int last;
        char *format;
        char **filter;
} PsOpts;

static const CliOption ps_options[] = {
        { 'a', "all", OPT_BOOL, offsetof(PsOpts, all), NULL, "Show all containers (default shows just running)", NULL },
        { 'f', "filter", OPT_STRV, offsetof(PsOpts, filter), "filter", "Filter output based on conditions provided (id, name, label, status, ancestor, exited, network)", NULL },
        { 0, "format", OPT_STRING, offsetof(PsOpts, format), "string", "Format output: table, json, or a template like '{{.ID}} {{.Names}}'", NULL },
        { 'n', "last", OPT_INT, offsetof(PsOpts, last), "int", "Show n last created containers (includes all states)", NULL },
        { 'l', "latest", OPT_BOOL, offsetof(PsOpts, latest), NULL, "Show the latest created container (includes all states)", NULL },
        { 0, "no-trunc", OPT_BOOL, offsetof(PsOpts, no_trunc), NULL, "Don't truncate output", NULL },
        { 'q', "quiet", OPT_BOOL, offsetof(PsOpts, quiet), NULL, "Only display container IDs", NULL },
        {},
};

static void ps_init(void *o) {
        ((PsOpts *) o)->last = -1;
}

static const char *dict_s(GVariant *d, const char *k) {
        const char *s = "";
        g_variant_lookup(d, k, "&s", &s);
        return s;
}

/* ps reads each row through a GVariantDict: one pass over the a{sv}, then
 * every lookup is a hash lookup, not a walk that allocates each child */
static const char *row_s(GVariantDict *d, const char *k) {
        const char *s = "";
        g_variant_dict_lookup(d, k, "&s", &s);
        return s;
}

static guint64 row_t(GVariantDict *d, const char *k) {
        guint64 v = 0;
        g_variant_dict_lookup(d, k, "t", &v);
        return v;
}

static char *status_text(GVariantDict *d) {
        const char *state = row_s(d, "State");
        gint code = 0;

        g_variant_dict_lookup(d, "ExitCode", "i", &code);
        if (g_str_equal(state, "running") || g_str_equal(state, "paused")) {
                g_autofree char *dur = cli_human_duration((cli_now_usec() - row_t(d, "StartedAt")) / 1000000);
                return g_strdup_printf("Up %s%s", dur, g_str_equal(state, "paused") ? " (Paused)" : "");
        }
        if (g_str_equal(state, "restarting")) {
                g_autofree char *ago = cli_human_ago(row_t(d, "FinishedAt"));
                return g_strdup_printf("Restarting (%d) %s", code, ago);
        }
        if (g_str_equal(state, "exited")) {
                g_autofree char *ago = cli_human_ago(row_t(d, "FinishedAt"));
                return g_strdup_printf("Exited (%d) %s", code, ago);
        }
        if (g_str_equal(state, "created"))
                return g_strdup("Created");
        if (g_str_equal(state, "removing"))
                return g_strdup("Removal In Progress");
        return g_strdup("Dead");
}

static int filter_match(GVariantDict *d, char **filters, bool *ret) {
        for (char **f = filters; f && *f; f++) {
                const char *eq = strchr(*f, '=');
                g_autofree char *k = eq ? g_strndup(*f, (gsize) (eq - *f)) : NULL;
                const char *v = eq ? eq + 1 : NULL;
                bool ok;

                if (!k)
                        return cli_fail("bad format of filter \"%s\": use KEY=VALUE", *f), -1;
                if (g_str_equal(k, "id"))
                        ok = g_str_has_prefix(row_s(d, "Id"), v);
                else if (g_str_equal(k, "name"))
                        ok = strstr(row_s(d, "Name"), v) != NULL;
                else if (g_str_equal(k, "status")) {
                        static const char *const states[] = { "created", "restarting", "running", "removing",
                                                              "paused", "exited", "dead", NULL };
                        if (!g_strv_contains(states, v))
                                return cli_fail("invalid filter 'status=%s': use created, restarting, running, removing, "
                                                "paused, exited or dead", v), -1;
                        ok = g_str_equal(row_s(d, "State"), v);
                }
                else if (g_str_equal(k, "label")) {
                        g_autoptr(GVariant) labels = g_variant_dict_lookup_value(d, "Labels", G_VARIANT_TYPE("a{ss}"));
                        ok = cli_labels_value_match(labels, v);
                }
                else if (g_str_equal(k, "ancestor"))
                        ok = g_str_equal(row_s(d, "Image"), v) || g_str_has_prefix(row_s(d, "ImageId"), v) ||
                             g_str_has_prefix(row_s(d, "Image"), v);
                else if (g_str_equal(k, "exited")) {
                        gint code = -1;
                        g_variant_dict_lookup(d, "ExitCode", "i", &code);
                        ok = g_str_equal(row_s(d, "State"), "exited") && code == atoi(v);
                } else if (g_str_equal(k, "network")) {
                        g_autofree const char **nets = NULL;
                        g_variant_dict_lookup(d, "Networks", "^a&s", &nets);
                        ok = nets && g_strv_contains(nets, v);
                } else
                        return cli_fail("invalid filter '%s': roost filters on id, name, label, status, ancestor, exited "
                                        "and network", k), -1;
                if (!ok) {
                        *ret = false;
                        return 0;
                }
        }
        *ret = true;
        return 0;
}

/* docker ps's .Networks: the names, comma-separated */
static char *networks_text(GVariantDict *d) {
        g_autofree const char **nets = NULL;

        if (!g_variant_dict_lookup(d, "Networks", "^a&s", &nets))
                return g_strdup("");
        return g_strjoinv(",", (char **) nets);
}

static json_t *ps_json(GVariantDict *d, bool no_trunc) {
        g_autoptr(RJsonBuilder) b = rjson_builder_new();
        g_autofree char *status = status_text(d), *created = cli_rfc3339(row_t(d, "CreatedAt"));
        g_autofree char *running_for = cli_human_ago(row_t(d, "CreatedAt"));
        g_autofree char *short_id = g_strndup(row_s(d, "Id"), 12);
        g_autofree char *cmd = g_strdup_printf("\"%s\"", row_s(d, "Command"));
        g_autofree char *networks = networks_text(d);
        g_autoptr(GVariant) labels = g_variant_dict_lookup_value(d, "Labels", G_VARIANT_TYPE("a{ss}"));
        g_autoptr(GString) l = g_string_new(NULL);
        GVariantIter it;
        const char *lk, *lv;

        if (!no_trunc && g_utf8_strlen(cmd, -1) > 20) {
                g_autofree char *t = g_utf8_substring(cmd, 0, 19);
                g_free(cmd);
                cmd = g_strdup_printf("%s…", t);
        }
        if (labels) {
                g_variant_iter_init(&it, labels);
                while (g_variant_iter_next(&it, "{&s&s}", &lk, &lv))
                        g_string_append_printf(l, "%s%s=%s", l->len ? "," : "", lk, lv);
        }
        rjson_begin_object(b);
        rjson_member_string(b, "ID", no_trunc ? row_s(d, "Id") : short_id);
        rjson_member_string(b, "Image", row_s(d, "Image"));
        rjson_member_string(b, "Command", cmd);
        rjson_member_string(b, "CreatedAt", created);
        rjson_member_string(b, "RunningFor", running_for);
        rjson_member_string(b, "Ports", row_s(d, "Ports"));
        rjson_member_string(b, "State", row_s(d, "State"));
        rjson_member_string(b, "Status", status);
        rjson_member_string(b, "Names", row_s(d, "Name"));
        rjson_member_string(b, "Labels", l->str);
        rjson_member_string(b, "Networks", networks);
        rjson_end_object(b);
        return rjson_builder_root(b);
}

static int run_ps(const Command *cmd, void *o, int argc, char **argv) {
        PsOpts *opts = o;
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) list = NULL;
        g_autoptr(GPtrArray) t = NULL;
        OutputFormat fmt;
        GVariantIter it;
        GVariant *d;
        int shown = 0, limit = opts->latest ? 1 : opts->last;

        if (cli_format_parse(opts->format, &fmt) < 0)
                return EXIT_ROOST_ERROR;
        if (cli_connect() < 0)
                return EXIT_ROOST_ERROR;
        if (!roost_manager1_call_list_containers_sync(cli.manager, opts->all || limit >= 0 || opts->filter, &list, NULL, &error))
                return cli_fail_gerror(error, NULL);

        if (fmt == FORMAT_TABLE && !opts->quiet)
                t = cli_table_new((const char *const[]) { "CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES", NULL });
        g_variant_iter_init(&it, list);
        while ((d = g_variant_iter_next_value(&it))) {
                g_autoptr(GVariant) v = d;
                g_auto(GVariantDict) dict;
                g_autoptr(json_t) row = NULL;
                bool match = true;

                g_variant_dict_init(&dict, v);

                if (limit >= 0 && shown >= limit)
                        break;
                if (filter_match(&dict, opts->filter, &match) < 0)
                        return EXIT_ROOST_ERROR;
                if (!match)
                        continue;
                /* a status filter other than running implies -a, as docker */
                if (!opts->all && limit < 0 && !g_str_equal(row_s(&dict, "State"), "running") &&
                    !g_str_equal(row_s(&dict, "State"), "paused") && !g_str_equal(row_s(&dict, "State"), "restarting") &&
                    !(opts->filter && g_strv_length(opts->filter) > 0))
                        continue;
                shown++;
                row = ps_json(&dict, opts->no_trunc);
                if (opts->quiet) {
                        printf("%s\n", rjson_get_string(row, "ID"));
                } else if (fmt != FORMAT_TABLE) {
                        int k = cli_print_row(fmt, opts->format, row);
                        if (k != 0)
                                return k;
                } else {
                        cli_table_add(t, (const char *const[]) {
                                rjson_get_string(row, "ID"), rjson_get_string(row, "Image"),
                                rjson_get_string(row, "Command"), rjson_get_string(row, "RunningFor"),
                                rjson_get_string(row, "Status"), rjson_get_string(row, "Ports"),
                                rjson_get_string(row, "Names"), NULL });
                }
        }
        if (t)
                cli_table_print(t);
        cli_print_rows_end(fmt, opts->format, (const char *const[]) { "ID=CONTAINER ID", "RunningFor=CREATED", NULL });
        return 0;
}

const Command cmd_ps = {
        .name = "ps", .usage = "[OPTIONS]", .summary = "List containers",
        .aliases = "roost container ls, roost container list, roost container ps, roost ps", .group = GROUP_COMMON,
        .options = ps_options, .opts_size = sizeof(PsOpts), .max_args = 0, .run = run_ps, .init = ps_init,
};

/* --- inspect -------------------------------------------------------------- */

typedef struct InspectOpts {
        char *format;
        char *type;
} InspectOpts;

static const CliOption inspect_options[] = {
        { 'f', "format", OPT_STRING, offsetof(InspectOpts, format), "string", "Format output using a template", NULL },
        { 0, "type", OPT_STRING, offsetof(InspectOpts, type), "string", "Only inspect objects of the given type (container, image, network)", NULL },
        {},
};


static int run_inspect(const Command *cmd, void *o, int argc, char **argv) {
        InspectOpts *opts = o;
        g_autoptr(json_t) out = rjson_array();
        OutputFormat fmt;
        int ret = 0;

        if (cli_format_parse(opts->format, &fmt) < 0)
                return EXIT_ROOST_ERROR;
        if (opts->type && !g_str_equal(opts->type, "container") && !g_str_equal(opts->type, "image") &&
            !g_str_equal(opts->type, "network"))
                return cli_fail("\"%s\" is not a valid value for --type: use container, image or network", opts->type);
        if (cli_connect() < 0)
                return EXIT_ROOST_ERROR;
        for (int i = 0; i < argc; i++) {
                g_autoptr(GError) error = NULL;
                g_autofree char *path = NULL, *json = NULL;
                json_t *v;

                if (!opts->type || g_str_equal(opts->type, "container")) {
                        if (roost_manager1_call_get_container_sync(cli.manager, argv[i], &path, NULL, &error)) {
                                g_autoptr(RoostContainer1) c = cli_container_proxy(path);
                                if (c && !roost_container1_call_inspect_sync(c, &json, NULL, &error)) {
                                        cli_fail_gerror(error, NULL);
                                        ret = EXIT_ROOST_ERROR;
                                        continue;
                                }
                        }
                }
                if (!json && (!opts->type || g_str_equal(opts->type, "image"))) {
                        g_clear_error(&error);
                        json = cli_image_inspect_json(argv[i], &error);
                }
                if (!json && (!opts->type || g_str_equal(opts->type, "network"))) {
                        g_clear_error(&error);
                        v = cli_network_inspect_node(argv[i], &error);
                        if (v) {
                                rjson_append(out, v);
                                continue;
                        }
                }
                if (!json) {
                        fprintf(stderr, "Error: No such object: %s\n", argv[i]);
                        ret = EXIT_ROOST_ERROR;
                        continue;
                }
                if (!(v = rjson_parse(json, -1, NULL)))
                        continue;
                rjson_append(out, v);
        }
        int r = cli_print_inspect(fmt == FORMAT_TEMPLATE ? opts->format : NULL, out);
        return r != 0 ? r : ret;
}

const Command cmd_inspect = {
        .name = "inspect", .usage = "[OPTIONS] NAME|ID [NAME|ID...]", .summary = "Return low-level information on roost objects",
        .aliases = "roost container inspect, roost inspect", .group = GROUP_OTHER, .options = inspect_options,
        .opts_size = sizeof(InspectOpts), .min_args = 1, .max_args = -1, .run = run_inspect,
};

/* --- top ------------------------------------------------------------------ */

static int run_top(const Command *cmd, void *o, int argc, char **argv) {
        g_autofree char *path = NULL;
        g_autoptr(RoostContainer1) c = NULL;
        g_autoptr(GError) error = NULL;
        g_auto(GStrv) titles = NULL;
        g_autoptr(GVariant) procs = NULL;
        g_autoptr(GPtrArray) t = NULL;
        GVariantIter it;
        GVariant *row;

        if (cli_connect() < 0 || !(path = cli_container_path(argv[0])) || !(c = cli_container_proxy(path)))
                return EXIT_ROOST_ERROR;
        if (!roost_container1_call_top_sync(c, (const char *const *) (argv + 1), &titles, &procs, NULL, &error))
                return cli_fail_gerror(error, NULL);
        t = cli_table_new((const char *const *) titles);
        g_variant_iter_init(&it, procs);
        while ((row = g_variant_iter_next_value(&it))) {
                g_autofree const char **cells = g_variant_get_strv(row, NULL);
                cli_table_add(t, cells);
                g_variant_unref(row);
        }
        cli_table_print(t);
        return 0;
}

const Command cmd_top = {
        .name = "top", .usage = "CONTAINER [ps OPTIONS]", .summary = "Display the running processes of a container",
        .aliases = "roost container top, roost top", .group = GROUP_OTHER, .min_args = 1, .max_args = -1,
        .stop_at_positional = true, .run = run_top,
};

/* --- stats ---------------------------------------------------------------- */

typedef struct StatsOpts {
        bool all, no_stream;
        char *format;
} StatsOpts;

static const CliOption stats_options[] = {
        { 'a', "all", OPT_BOOL, offsetof(StatsOpts, all), NULL, "Show all containers (default shows just running)", NULL },
        { 0, "format", OPT_STRING, offsetof(StatsOpts, format), "string", "Format output: table, json or a template", NULL },
        { 0, "no-stream", OPT_BOOL, offsetof(StatsOpts, no_stream), NULL, "Disable streaming stats and only pull the first result", NULL },
        {},
};

static guint64 stat_u(GVariant *s, const char *k, bool *have) {
        guint64 v = 0;
        *have = g_variant_lookup(s, k, "t", &v);
        return v;
}

static int run_stats(const Command *cmd, void *o, int argc, char **argv) {
        StatsOpts *opts = o;
        g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(GError) error = NULL;
        OutputFormat fmt;

        if (cli_format_parse(opts->format, &fmt) < 0)
                return EXIT_ROOST_ERROR;
        if (cli_connect() < 0)
                return EXIT_ROOST_ERROR;
        if (argc == 0) {
                g_autoptr(GVariant) list = NULL;
                GVariantIter it;
                GVariant *d;
                if (!roost_manager1_call_list_containers_sync(cli.manager, opts->all, &list, NULL, &error))
                        return cli_fail_gerror(error, NULL);
                g_variant_iter_init(&it, list);
                while ((d = g_variant_iter_next_value(&it))) {
                        g_ptr_array_add(names, g_strdup(dict_s(d, "Id")));
                        g_variant_unref(d);
                }
        } else
                for (int i = 0; i < argc; i++)
                        g_ptr_array_add(names, g_strdup(argv[i]));

        for (;;) {
                g_autoptr(GPtrArray) t = cli_table_new((const char *const[]) {
                        "CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %", "NET I/O", "BLOCK I/O", "PIDS", NULL });
                for (guint i = 0; i < names->len; i++) {
                        g_autofree char *path = cli_container_path(names->pdata[i]);
                        g_autoptr(RoostContainer1) c = path ? cli_container_proxy(path) : NULL;
                        g_autoptr(GVariant) s1 = NULL, s2 = NULL;
                        g_autofree char *cpu = NULL, *mem = NULL, *memp = NULL, *blk = NULL, *pids = NULL, *id = NULL, *name = NULL;
                        bool h1, h2, hm, hl, hp, hr, hw;
                        guint64 c1, c2, t1, t2, mu, ml, np, br, bw;

                        if (!c || !roost_container1_call_stats_sync(c, &s1, NULL, &error))
                                return error ? cli_fail_gerror(error, NULL) : EXIT_ROOST_ERROR;
                        g_usleep(500 * 1000);
                        if (!roost_container1_call_stats_sync(c, &s2, NULL, &error))
                                return cli_fail_gerror(error, NULL);
                        c1 = stat_u(s1, "CpuUsageNsec", &h1);
                        c2 = stat_u(s2, "CpuUsageNsec", &h2);
                        t1 = stat_u(s1, "Timestamp", &hr);
                        t2 = stat_u(s2, "Timestamp", &hr);
                        mu = stat_u(s2, "MemoryUsage", &hm);
                        ml = stat_u(s2, "MemoryLimit", &hl);
                        np = stat_u(s2, "Pids", &hp);
                        br = stat_u(s2, "BlockRead", &hr);
                        bw = stat_u(s2, "BlockWrite", &hw);
                        cpu = h1 && h2 && t2 > t1 ? g_strdup_printf("%.2f%%", 100.0 * (double) (c2 - c1) / (double) ((t2 - t1) * 1000))
                                                  : g_strdup("--");
                        if (hm) {
                                g_autofree char *u = cli_human_bytes_binary(mu), *l = hl ? cli_human_bytes_binary(ml) : g_strdup("--");
                                mem = g_strdup_printf("%s / %s", u, l);
                                memp = hl && ml ? g_strdup_printf("%.2f%%", 100.0 * (double) mu / (double) ml) : g_strdup("--");
                        } else {
                                mem = g_strdup("-- / --");
                                memp = g_strdup("--");
                        }
                        if (hr || hw) {
                                g_autofree char *r = cli_human_size(br), *w = cli_human_size(bw);
                                blk = g_strdup_printf("%s / %s", r, w);
                        } else
                                blk = g_strdup("-- / --");
                        pids = hp ? g_strdup_printf("%" G_GUINT64_FORMAT, np) : g_strdup("--");
                        id = g_strndup(strrchr(path, '/') + 1, 12);
                        {
                                g_autoptr(GVariant) v = g_dbus_proxy_call_sync(G_DBUS_PROXY(c), "org.freedesktop.DBus.Properties.Get",
                                                                               g_variant_new("(ss)", ROOST_CONTAINER_IFACE, "Name"),
                                                                               G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
                                g_autoptr(GVariant) inner = NULL;
                                if (v) {
                                        g_variant_get(v, "(v)", &inner);
                                        name = g_variant_dup_string(inner, NULL);
                                }
                        }
                        if (fmt != FORMAT_TABLE) {
                                g_autoptr(RJsonBuilder) b = rjson_builder_new();
                                g_autoptr(json_t) row = NULL;
                                int k;
                                rjson_begin_object(b);
                                rjson_member_string(b, "Container", id);
                                rjson_member_string(b, "ID", id);
                                rjson_member_string(b, "Name", name ? name : "");
                                rjson_member_string(b, "CPUPerc", cpu);
                                rjson_member_string(b, "MemUsage", mem);
                                rjson_member_string(b, "MemPerc", memp);
                                rjson_member_string(b, "NetIO", "--");
                                rjson_member_string(b, "BlockIO", blk);
                                rjson_member_string(b, "PIDs", pids);
                                rjson_end_object(b);
                                row = rjson_builder_root(b);
                                if ((k = cli_print_row(fmt, opts->format, row)) != 0)
                                        return k;
                        } else
                                cli_table_add(t, (const char *const[]) { id, name ? name : "", cpu, mem, memp, "--", blk, pids, NULL });
                }
                if (fmt == FORMAT_TABLE) {
                        if (!opts->no_stream)
                                printf("\033[2J\033[H");
                        cli_table_print(t);
                }
                cli_print_rows_end(fmt, opts->format, (const char *const[]) {
                        "ID=CONTAINER ID", "CPUPerc=CPU %", "MemUsage=MEM USAGE / LIMIT", "MemPerc=MEM %", "NetIO=NET I/O",
                        "BlockIO=BLOCK I/O", "PIDs=PIDS", NULL });
                fflush(stdout);
                if (opts->no_stream)
                        return 0;
                g_usleep(500 * 1000);
        }
}

const Command cmd_stats = {
        .name = "stats", .usage = "[OPTIONS] [CONTAINER...]", .summary = "Display a live stream of container(s) resource usage statistics",
        .aliases = "roost container stats, roost stats", .group = GROUP_OTHER, .options = stats_options,
        .opts_size = sizeof(StatsOpts), .max_args = -1, .run = run_stats,
};

/* --- update --------------------------------------------------------------- */

typedef struct UpdateOpts {
        char *memory, *memory_swap, *cpus, *cpuset_cpus, *restart;
        int cpu_shares, pids_limit;
} UpdateOpts;

static const CliOption update_options[] = {
        { 'c', "cpu-shares", OPT_INT, offsetof(UpdateOpts, cpu_shares), "int", "CPU shares (relative weight)", NULL },
        { 0, "cpus", OPT_STRING, offsetof(UpdateOpts, cpus), "decimal", "Number of CPUs", NULL },
        { 0, "cpuset-cpus", OPT_STRING, offsetof(UpdateOpts, cpuset_cpus), "string", "CPUs in which to allow execution (0-3, 0,1)", NULL },
        { 'm', "memory", OPT_STRING, offsetof(UpdateOpts, memory), "bytes", "Memory limit", NULL },
        { 0, "memory-swap", OPT_STRING, offsetof(UpdateOpts, memory_swap), "bytes", "Swap limit equal to memory plus swap: -1 to enable unlimited swap", NULL },
        { 0, "pids-limit", OPT_INT, offsetof(UpdateOpts, pids_limit), "int", "Tune container pids limit (set -1 for unlimited)", NULL },
        { 0, "restart", OPT_STRING, offsetof(UpdateOpts, restart), "string", "Restart policy to apply when a container exits", NULL },
        {},
};

static gboolean do_update(RoostContainer1 *c, void *userdata, GError **error) {
        return roost_container1_call_update_sync(c, userdata, NULL, error);
}

static int run_update(const Command *cmd, void *o, int argc, char **argv) {
        UpdateOpts *u = o;
        g_autoptr(GVariant) v = NULL;
        GVariantBuilder b;
        gint64 n;

        g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
        if (u->memory) {
                if (cli_size_flag("--memory", u->memory, &n) < 0)
                        return g_variant_builder_clear(&b), EXIT_ROOST_ERROR;
                g_variant_builder_add(&b, "{sv}", "Memory", g_variant_new_int64(n));
        }
        if (u->memory_swap) {
                if (cli_size_flag("--memory-swap", u->memory_swap, &n) < 0)
                        return g_variant_builder_clear(&b), EXIT_ROOST_ERROR;
                g_variant_builder_add(&b, "{sv}", "MemorySwap", g_variant_new_int64(n));
        }
        if (u->cpus) {
                char *end;
                double x = g_ascii_strtod(u->cpus, &end);
                if (end == u->cpus || *end || x <= 0) {
                        g_variant_builder_clear(&b);
                        return cli_fail("invalid argument \"%s\" for \"--cpus\" flag", u->cpus);
                }
                g_variant_builder_add(&b, "{sv}", "NanoCpus", g_variant_new_int64((gint64) (x * 1e9)));
        }
        if (u->cpu_shares)
                g_variant_builder_add(&b, "{sv}", "CpuShares", g_variant_new_int64(u->cpu_shares));
        if (u->pids_limit)
                g_variant_builder_add(&b, "{sv}", "PidsLimit", g_variant_new_int64(u->pids_limit));
        if (u->cpuset_cpus)
                g_variant_builder_add(&b, "{sv}", "CpusetCpus", g_variant_new_string(u->cpuset_cpus));
        if (u->restart)
                g_variant_builder_add(&b, "{sv}", "RestartPolicy", g_variant_new_string(u->restart));
        v = g_variant_ref_sink(g_variant_builder_end(&b));
        if (g_variant_n_children(v) == 0)
                return cli_fail("you must provide one or more flags when using this command");
        return for_each_container(argc, argv, do_update, v, true);
}

const Command cmd_update = {
        .name = "update", .usage = "[OPTIONS] CONTAINER [CONTAINER...]", .summary = "Update configuration of one or more containers",
        .aliases = "roost container update, roost update", .group = GROUP_OTHER, .options = update_options,
        .opts_size = sizeof(UpdateOpts), .min_args = 1, .max_args = -1, .run = run_update,
};
