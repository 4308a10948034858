/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "macro.h"
#include "roost-names.h"

/* roost events: the Manager1.Event signal, as docker prints events. */

typedef struct EventsOpts {
        char *format;
        char **filter;
} EventsOpts;

static const CliOption events_options[] = {
        { 'f', "filter", OPT_STRV, offsetof(EventsOpts, filter), "filter", "Filter output based on conditions provided (type, event, container, image)", NULL },
        { 0, "format", OPT_STRING, offsetof(EventsOpts, format), "string", "Format the output: json, or a template like '{{.Action}}'", NULL },
        {},
};

typedef struct EventsCtx {
        EventsOpts *opts;
        OutputFormat fmt;
        GMainLoop *loop;
        int ret;
} EventsCtx;

/* Before listening: a filter the events could never answer is an error,
 * not a silent wait. */
static int check_filters(char **filters) {
        static const char *const keys[] = { "type", "event", "container", "image", NULL };
        static const char *const types[] = { "container", "image", "network", "volume", NULL };

        for (char **f = filters; f && *f; f++) {
                const char *eq = strchr(*f, '=');
                g_autofree char *k = eq ? g_strndup(*f, (gsize) (eq - *f)) : NULL;
                if (!eq || !eq[1])
                        return cli_fail("bad format of filter \"%s\": use KEY=VALUE (type=container, event=start, "
                                        "container=NAME, image=NAME)", *f);
                if (!g_strv_contains(keys, k))
                        return cli_fail("invalid filter '%s': roost filters events on type, event, container and image", k);
                if (g_str_equal(k, "type") && !g_strv_contains(types, eq + 1))
                        return cli_fail("invalid type filter '%s': use container, image, network or volume", eq + 1);
        }
        return 0;
}

static bool event_matches(char **filters, const char *type, const char *action, const char *id, GVariant *attrs) {
        for (char **f = filters; f && *f; f++) {
                const char *eq = strchr(*f, '=');
                g_autofree char *k = eq ? g_strndup(*f, (gsize) (eq - *f)) : g_strdup(*f);
                const char *v = eq ? eq + 1 : "", *name = "", *image = "";
                g_variant_lookup(attrs, "name", "&s", &name);
                g_variant_lookup(attrs, "image", "&s", &image);
                if (g_str_equal(k, "type") && !g_str_equal(type, v))
                        return false;
                if (g_str_equal(k, "event") && !g_str_equal(action, v))
                        return false;
                if (g_str_equal(k, "container") && !g_str_equal(name, v) && !g_str_has_prefix(id, v))
                        return false;
                if (g_str_equal(k, "image") && !g_str_equal(image, v))
                        return false;
        }
        return true;
}

static void on_event(GDBusConnection *conn, const char *sender, const char *path, const char *iface, const char *signal,
                     GVariant *params, gpointer userdata) {
        EventsCtx *ctx = userdata;
        const char *type, *action, *id;
        g_autoptr(GVariant) attrs = NULL;
        guint64 t;
        g_autoptr(RJsonBuilder) b = rjson_builder_new();
        g_autoptr(json_t) root = NULL;
        GVariantIter it;
        const char *k, *v;

        g_variant_get(params, "(&s&s&s@a{ss}t)", &type, &action, &id, &attrs, &t);
        if (!event_matches(ctx->opts->filter, type, action, id, attrs))
                return;

        rjson_begin_object(b);
        rjson_member_string(b, "Type", type);
        rjson_member_string(b, "Action", action);
        rjson_key(b, "Actor");
        rjson_begin_object(b);
        rjson_member_string(b, "ID", id);
        rjson_key(b, "Attributes");
        rjson_begin_object(b);
        g_variant_iter_init(&it, attrs);
        while (g_variant_iter_next(&it, "{&s&s}", &k, &v)) {
                rjson_member_string(b, k, v);
        }
        rjson_end_object(b);
        rjson_end_object(b);
        rjson_member_string(b, "scope", "local");
        rjson_member_int(b, "time", (gint64) (t / 1000000000));
        rjson_member_int(b, "timeNano", (gint64) t);
        rjson_end_object(b);
        root = rjson_builder_root(b);

        if (ctx->fmt == FORMAT_JSON) {
                g_autofree char *s = rjson_dump(root, false);
                printf("%s\n", s);
        } else if (ctx->fmt == FORMAT_TEMPLATE) {
                g_autofree char *err = NULL, *s = cli_template_expand(ctx->opts->format, root, &err);
                if (!s) {
                        ctx->ret = cli_fail("%s", err);
                        g_main_loop_quit(ctx->loop);
                        return;
                }
                printf("%s\n", s);
        } else {
                /* 2024-01-01T00:00:00.000000000Z container start ID (image=..., name=...) */
                g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc((gint64) (t / 1000000000));
                g_autofree char *ts = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%S");
                g_autoptr(GString) a = g_string_new(NULL);
                g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func(g_free);
                g_variant_iter_init(&it, attrs);
                while (g_variant_iter_next(&it, "{&s&s}", &k, &v))
                        g_ptr_array_add(keys, g_strdup_printf("%s=%s", k, v));
                g_ptr_array_sort(keys, strcmp_elements);
                for (guint i = 0; i < keys->len; i++)
                        g_string_append_printf(a, "%s%s", i ? ", " : "", (char *) keys->pdata[i]);
                printf("%s.%09" G_GUINT64_FORMAT "Z %s %s %s (%s)\n", ts, t % 1000000000, type, action, id, a->str);
        }
        fflush(stdout);
}

static int run_events(const Command *cmd, void *o, int argc, char **argv) {
        g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
        EventsCtx ctx = { .opts = o, .loop = loop };

        if (cli_format_parse(ctx.opts->format, &ctx.fmt) < 0)
                return EXIT_ROOST_ERROR;
        if (check_filters(ctx.opts->filter) != 0)
                return EXIT_ROOST_ERROR;
        if (cli_connect() < 0)
                return EXIT_ROOST_ERROR;
        g_dbus_connection_signal_subscribe(cli.bus, ROOST_BUS_NAME, ROOST_MANAGER_IFACE, "Event", ROOST_MANAGER_PATH, NULL,
                                           G_DBUS_SIGNAL_FLAGS_NONE, on_event, &ctx, NULL);
        /* make sure roostd runs, so there is someone to send events */
        {
                g_autoptr(GVariant) v = NULL;
                g_autoptr(GError) error = NULL;
                if (!roost_manager1_call_version_sync(cli.manager, &v, NULL, &error))
                        return cli_fail_gerror(error, NULL);
        }
        g_main_loop_run(loop);
        return ctx.ret;
}

const Command cmd_events = {
        .name = "events", .usage = "[OPTIONS]", .summary = "Get real time events from the server",
        .aliases = "roost system events, roost events", .group = GROUP_OTHER, .options = events_options,
        .opts_size = sizeof(EventsOpts), .max_args = 0, .run = run_events,
};
