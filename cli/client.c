/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stdio.h>

#include "cli.h"
#include "roost-names.h"

Cli cli;

void cli_debug(const char *fmt, ...) {
        va_list ap;

        if (!cli.debug)
                return;
        fputs("DEBU ", stderr);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
}

void cli_hint(const char *fmt, ...) {
        va_list ap;

        fputs("Hint: ", stderr);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
}

int cli_fail(const char *fmt, ...) {
        va_list ap;

        fputs("Error: ", stderr);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
        return EXIT_ROOST_ERROR;
}

/* The D-Bus errors that mean "roostd is not there", with what to do. */
static bool daemon_unreachable(GError *error) {
        g_autofree char *remote = g_dbus_error_get_remote_error(error);

        if (!remote)
                return false;
        return g_str_equal(remote, "org.freedesktop.DBus.Error.ServiceUnknown") ||
               g_str_equal(remote, "org.freedesktop.DBus.Error.NameHasNoOwner") ||
               g_str_equal(remote, "org.freedesktop.DBus.Error.NoReply") ||
               g_str_has_prefix(remote, "org.freedesktop.DBus.Error.Spawn.") ||
               g_str_has_prefix(remote, "org.freedesktop.systemd1.");
}

int cli_fail_gerror(GError *error, const char *what) {
        g_autofree char *remote = g_dbus_error_get_remote_error(error);
        g_autofree char *msg = NULL;

        if (g_dbus_error_is_remote_error(error))
                g_dbus_error_strip_remote_error(error);
        msg = g_strdup(error->message);
        cli_debug("D-Bus error %s: %s", remote ? remote : "(local)", msg);

        if (daemon_unreachable(error)) {
                fprintf(stderr, "Error: cannot reach the roost service (%s): %s\n", ROOST_BUS_NAME, msg);
                if (remote && g_str_equal(remote, "org.freedesktop.DBus.Error.ServiceUnknown"))
                        cli_hint("roostd is not installed for this session bus, or not enabled. Enable it with: %s",
                                 ROOST_ENABLE_HINT);
                else
                        cli_hint("roostd failed to start. See why with: journalctl --user -u roostd -e; "
                                 "then start it with: %s", ROOST_ENABLE_HINT);
                return EXIT_ROOST_ERROR;
        }
        if (what)
                fprintf(stderr, "Error: %s: %s\n", what, msg);
        else
                fprintf(stderr, "Error: %s\n", msg);
        return EXIT_ROOST_ERROR;
}

#define SYSTEMD_NAME "org.freedesktop.systemd1"
#define SYSTEMD_PATH "/org/freedesktop/systemd1"
#define SYSTEMD_MANAGER "org.freedesktop.systemd1.Manager"

static bool name_has_owner(const char *name) {
        g_autoptr(GVariant) r = g_dbus_connection_call_sync(cli.bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                                            "org.freedesktop.DBus", "NameHasOwner",
                                                            g_variant_new("(s)", name), G_VARIANT_TYPE("(b)"),
                                                            G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
        gboolean b = FALSE;
        if (r)
                g_variant_get(r, "(b)", &b);
        return b;
}

typedef struct JobWait {
        const char *job;
        char *result;
        GMainLoop *loop;
} JobWait;

static void on_job_removed(GDBusConnection *c, const char *sender, const char *path, const char *iface,
                           const char *signal, GVariant *params, gpointer userdata) {
        JobWait *w = userdata;
        const char *job, *unit, *result;
        guint32 id;

        g_variant_get(params, "(u&o&s&s)", &id, &job, &unit, &result);
        if (w->job && g_str_equal(job, w->job)) {
                w->result = g_strdup(result);
                g_main_loop_quit(w->loop);
        }
}

static gboolean on_job_timeout(gpointer userdata) {
        g_main_loop_quit(((JobWait *) userdata)->loop);
        return G_SOURCE_REMOVE;
}

/* A property of roostd.service (systemd keeps them after a failure). */
static char *unit_property(const char *iface, const char *name) {
        g_autoptr(GVariant) unit = NULL, v = NULL;
        const char *path;

        unit = g_dbus_connection_call_sync(cli.bus, SYSTEMD_NAME, SYSTEMD_PATH, SYSTEMD_MANAGER, "GetUnit",
                                           g_variant_new("(s)", ROOSTD_UNIT), G_VARIANT_TYPE("(o)"),
                                           G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
        if (!unit)
                return NULL;
        g_variant_get(unit, "(&o)", &path);
        v = g_dbus_connection_call_sync(cli.bus, SYSTEMD_NAME, path, "org.freedesktop.DBus.Properties", "Get",
                                        g_variant_new("(ss)", iface, name),
                                        G_VARIANT_TYPE("(v)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
        if (!v)
                return NULL;
        g_autoptr(GVariant) inner = NULL;
        g_variant_get(v, "(v)", &inner);
        return g_variant_dup_string(inner, NULL);
}

/* When roostd is not running and a systemd user manager is there, start
 * roostd.service ourselves and wait for the job: dbus-daemon's activation
 * would only time out after two minutes if roostd fails to start. Returns
 * 0 when roostd is (now) running or should be left to D-Bus activation. */
static int cli_start_service(void) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) reply = NULL;
        g_autoptr(GMainLoop) loop = NULL;
        JobWait w = {};
        guint sub, timeout;

        /* the proxy learnt the owner when it was made: no extra round trip */
        g_autofree char *owner = g_dbus_proxy_get_name_owner(G_DBUS_PROXY(cli.manager));
        if (owner || !name_has_owner(SYSTEMD_NAME))
                return 0;
        cli_debug("roostd is not running: starting %s", ROOSTD_UNIT);

        loop = g_main_loop_new(NULL, FALSE);
        w.loop = loop;
        sub = g_dbus_connection_signal_subscribe(cli.bus, SYSTEMD_NAME, SYSTEMD_MANAGER, "JobRemoved", SYSTEMD_PATH,
                                                 NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_job_removed, &w, NULL);
        reply = g_dbus_connection_call_sync(cli.bus, SYSTEMD_NAME, SYSTEMD_PATH, SYSTEMD_MANAGER, "Subscribe", NULL,
                                            NULL, G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
        g_clear_pointer(&reply, g_variant_unref);
        reply = g_dbus_connection_call_sync(cli.bus, SYSTEMD_NAME, SYSTEMD_PATH, SYSTEMD_MANAGER, "StartUnit",
                                            g_variant_new("(ss)", ROOSTD_UNIT, "replace"), G_VARIANT_TYPE("(o)"),
                                            G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
        if (!reply) {
                /* no such unit (roostd installed without its unit?): leave it to D-Bus activation */
                cli_debug("StartUnit %s: %s", ROOSTD_UNIT, error->message);
                g_dbus_connection_signal_unsubscribe(cli.bus, sub);
                return 0;
        }
        g_variant_get(reply, "(&o)", &w.job);
        timeout = g_timeout_add_seconds(90, on_job_timeout, &w);
        g_main_loop_run(loop);
        g_source_remove_by_user_data(&w);
        (void) timeout;
        g_dbus_connection_signal_unsubscribe(cli.bus, sub);

        if (w.result && g_str_equal(w.result, "done")) {
                g_free(w.result);
                return 0;
        }
        {
                g_autofree char *status = unit_property("org.freedesktop.systemd1.Service", "StatusText");
                g_autofree char *result = unit_property("org.freedesktop.systemd1.Service", "Result");
                if (result && g_str_equal(result, "start-limit-hit")) {
                        fprintf(stderr, "Error: cannot reach the roost service: %s failed to start too often in a row and "
                                        "systemd stopped trying%s%s\n", ROOSTD_UNIT, status && *status ? "; the last failure: " : ".",
                                status ? status : "");
                        cli_hint("after fixing the cause: systemctl --user reset-failed roostd");
                        g_free(w.result);
                        return -1;
                }
                fprintf(stderr, "Error: cannot reach the roost service: %s failed to start (%s)%s%s\n", ROOSTD_UNIT,
                        w.result ? w.result : "timed out", status && *status ? ": " : ".", status ? status : "");
        }
        cli_hint("see why with: journalctl --user -u roostd -e (or systemctl --user status roostd); "
                 "after fixing it: %s", ROOST_ENABLE_HINT);
        g_free(w.result);
        return -1;
}

int cli_connect(void) {
        g_autoptr(GError) error = NULL;
        g_autofree char *address = NULL;

        if (cli.manager)
                return 0;

        address = g_dbus_address_get_for_bus_sync(G_BUS_TYPE_SESSION, NULL, &error);
        if (!address) {
                fprintf(stderr, "Error: cannot reach the roost service: there is no user D-Bus session bus (%s).\n",
                        error->message);
                cli_hint("log in through a systemd user session (install dbus-user-session), or set "
                         "DBUS_SESSION_BUS_ADDRESS; then: %s", ROOST_ENABLE_HINT);
                return -1;
        }
        cli_debug("connecting to %s", address);
        cli.bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &error);
        if (!cli.bus) {
                fprintf(stderr, "Error: cannot reach the roost service: cannot connect to the session bus at %s: %s\n",
                        address, error->message);
                cli_hint("is your user session running? Check with: systemctl --user status; then: %s", ROOST_ENABLE_HINT);
                return -1;
        }
        /* Properties are not loaded and the name is not started at
         * construction: the first method call activates roostd. */
        cli.manager = roost_manager1_proxy_new_sync(cli.bus,
                                                    G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES |
                                                            G_DBUS_PROXY_FLAGS_DO_NOT_CONNECT_SIGNALS |
                                                            G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START_AT_CONSTRUCTION,
                                                    ROOST_BUS_NAME, ROOST_MANAGER_PATH, NULL, &error);
        if (!cli.manager) {
                cli_fail_gerror(error, NULL);
                return -1;
        }
        g_dbus_proxy_set_default_timeout(G_DBUS_PROXY(cli.manager), 60 * 1000);
        return cli_start_service();
}
