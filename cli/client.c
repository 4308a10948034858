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
        /* activation may take a moment: the holder and the overlay probe */
        g_dbus_proxy_set_default_timeout(G_DBUS_PROXY(cli.manager), 120 * 1000);
        return 0;
}
