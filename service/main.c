/* SPDX-License-Identifier: Apache-2.0 */
#include <getopt.h>
#include <pwd.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <systemd/sd-daemon.h>

#include "build-config.h"
#include "daemon.h"
#include "log.h"
#include "container.h"
#include "container-run.h"
#include "images.h"
#include "manager.h"
#include "networks.h"
#include "ns-util.h"
#include "paths.h"
#include "roost-names.h"
#include "scope.h"

static bool arg_print_config;
static bool arg_foreground;

static void help(void) {
        printf("Usage: roostd [OPTIONS]\n\n"
               "roost's per-user container service. It is started by systemd\n"
               "(systemctl --user enable --now roostd) or by D-Bus activation.\n\n"
               "Options:\n"
               "      --foreground     Run on the session bus outside systemd, for debugging\n"
               "      --print-config   Print the merged configuration and exit\n"
               "      --debug          Log debug messages\n"
               "  -h, --help           Show this help\n"
               "      --version        Show the version\n\n"
               "See roostd(8) and roost.conf(5).\n");
}

static int parse_argv(int argc, char *argv[]) {
        enum { ARG_FOREGROUND = 0x100, ARG_PRINT_CONFIG, ARG_DEBUG, ARG_VERSION };
        static const struct option options[] = {
                { "foreground", no_argument, NULL, ARG_FOREGROUND },
                { "print-config", no_argument, NULL, ARG_PRINT_CONFIG },
                { "debug", no_argument, NULL, ARG_DEBUG },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                {},
        };
        int c;

        opterr = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case ARG_FOREGROUND:
                        arg_foreground = true;
                        break;
                case ARG_PRINT_CONFIG:
                        arg_print_config = true;
                        break;
                case ARG_DEBUG:
                        log_set_max_level(LOG_DEBUG);
                        break;
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        printf("roostd version %s\n", ROOST_VERSION);
                        return 0;
                default:
                        fprintf(stderr, "roostd: unknown option '%s'\nSee 'roostd --help'.\n", argv[optind - 1]);
                        return -EINVAL;
                }
        if (optind < argc) {
                fprintf(stderr, "roostd: unexpected argument '%s'\nSee 'roostd --help'.\n", argv[optind]);
                return -EINVAL;
        }
        return 1;
}

static void daemon_done(Daemon *d) {
        containers_free(d);
        networks_free(d);
        if (d->pending_jobs)
                g_ptr_array_free(d->pending_jobs, TRUE);
        sd_bus_slot_unref(d->job_removed_slot);
        sd_bus_slot_unref(d->manager_watch_slot);
        images_done(d);
        sd_event_source_unref(d->holder_child);
        holder_free(d->holder);
        state_db_close(d->db);
        facts_done(&d->facts);
        config_free(d->config);
        sd_bus_flush_close_unref(d->bus);
        sd_event_unref(d->event);
        free(d->user);
        free(d->runtime_dir);
        free(d->data_dir);
        free(d->config_dir);
}

/* The holder's pidfd became readable: it exited. Whether we created it
 * (then we reap it) or adopted it, roostd cannot work without it: exit with
 * a failure so that systemd restarts us with a new one. */
static int on_holder_exit(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Daemon *d = userdata;

        (void) waitpid(d->holder->pid, NULL, WNOHANG);
        log_error("The namespace holder (PID %d) exited; roostd stops so that it is restarted with a new one.",
                  (int) d->holder->pid);
        d->holder_child = sd_event_source_unref(d->holder_child);
        return sd_event_exit(d->event, EXIT_FAILURE);
}

static int on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        Daemon *d = userdata;

        log_info("Received %s, stopping; running containers keep running.", strsignal((int) si->ssi_signo));
        (void) sd_notify(false, "STOPPING=1\nSTATUS=Stopping");
        return sd_event_exit(d->event, 0);
}

static int daemon_setup_identity(Daemon *d) {
        struct passwd *pw;

        d->uid = getuid();
        d->gid = getgid();
        pw = getpwuid(d->uid);
        if (!pw)
                return log_error_errno(ENOENT, "uid %u has no passwd entry; roost needs a named user (for /etc/subuid).", d->uid);
        if (d->uid == 0)
                log_warning("roostd is running as root: roost is meant for unprivileged users (rootless).");
        d->user = strdup(pw->pw_name);
        return d->user ? 0 : -ENOMEM;
}

static int daemon_setup_dirs(Daemon *d) {
        _cleanup_free_ char *sub = NULL;
        int r;

        r = roost_runtime_dir(&d->runtime_dir);
        if (r < 0)
                return r;
        r = roost_data_dir(&d->data_dir);
        if (r < 0)
                return r;
        r = roost_user_config_dir(&d->config_dir);
        if (r < 0)
                return r;
        r = ensure_private_dir(d->runtime_dir);
        if (r < 0)
                return r;
        return ensure_private_dir(d->data_dir);
}

static int daemon_setup_bus(Daemon *d) {
        int r;

        r = sd_bus_open_user(&d->bus);
        if (r < 0)
                return log_error_errno(r,
                                       "Cannot connect to the user D-Bus bus (%s): %m. "
                                       "roostd needs a session bus: install dbus-user-session and log in again.",
                                       getenv("DBUS_SESSION_BUS_ADDRESS") ?: "$XDG_RUNTIME_DIR/bus");
        r = sd_bus_attach_event(d->bus, d->event, SD_EVENT_PRIORITY_NORMAL);
        if (r < 0)
                return log_error_errno(r, "Failed to attach the bus to the event loop: %m");
        return 0;
}

static int daemon_setup_holder(Daemon *d) {
        HolderParams p = {
                .runtime_dir = d->runtime_dir,
                .data_dir = d->data_dir,
                .user = d->user,
                .uid = d->uid,
                .gid = d->gid,
        };
        int r, fd;

        r = subid_require(SUBUID_FILE, d->user, d->uid, &p.uids);
        if (r < 0)
                return r;
        r = subid_require(SUBGID_FILE, d->user, d->gid, &p.gids);
        if (r < 0)
                return r;

        (void) sd_notify(false, "STATUS=Setting up the namespace holder");
        r = holder_acquire(&p, &d->holder);
        if (r < 0)
                return r;

        fd = pidfd_open_pid(d->holder->pid);
        if (fd < 0)
                return log_error_errno(fd, "Failed to watch the namespace holder: %m");
        r = sd_event_add_io(d->event, &d->holder_child, fd, EPOLLIN, on_holder_exit, d);
        if (r < 0) {
                safe_close(fd);
                return log_error_errno(r, "Failed to watch the namespace holder: %m");
        }
        (void) sd_event_source_set_io_fd_own(d->holder_child, true);

        if (d->facts.systemd_scopes)
                scope_start_holder(d);
        return 0;
}

static int run(int argc, char *argv[]) {
        _cleanup_(daemon_done) Daemon d = {};
        sigset_t mask;
        int r;

        log_setup("roostd");
        r = parse_argv(argc, argv);
        if (r <= 0)
                return r;

        r = daemon_setup_identity(&d);
        if (r < 0)
                return r;
        r = roost_user_config_dir(&d.config_dir);
        if (r < 0)
                return r;
        r = config_load(ROOST_SYSCONFDIR "/roost", d.config_dir, &d.config);
        if (r < 0)
                return r; /* the message named the file, line and fix */
        if (arg_print_config) {
                config_print(d.config, stdout);
                return 0;
        }
        if (streq(d.config->log_level, "debug") && !getenv("ROOST_LOG_LEVEL"))
                log_set_max_level(LOG_DEBUG);
        else if (streq(d.config->log_level, "warning"))
                log_set_max_level(LOG_WARNING);
        else if (streq(d.config->log_level, "error"))
                log_set_max_level(LOG_ERR);

        d.under_systemd = getenv("NOTIFY_SOCKET") || getenv("INVOCATION_ID");
        free(d.config_dir);
        d.config_dir = NULL;
        r = daemon_setup_dirs(&d);
        if (r < 0)
                return r;

        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigprocmask(SIG_BLOCK, &mask, NULL);
        signal(SIGPIPE, SIG_IGN);

        r = sd_event_default(&d.event);
        if (r < 0)
                return log_error_errno(r, "Failed to create the event loop: %m");
        (void) sd_event_set_watchdog(d.event, true);
        r = sd_event_add_signal(d.event, NULL, SIGTERM, on_signal, &d);
        if (r >= 0)
                r = sd_event_add_signal(d.event, NULL, SIGINT, on_signal, &d);
        if (r < 0)
                return log_error_errno(r, "Failed to watch signals: %m");

        r = state_db_open(d.data_dir, d.event, &d.db);
        if (r < 0)
                return r;

        r = daemon_setup_bus(&d);
        if (r < 0)
                return r;
        d.facts.systemd_scopes = scope_manager_available(d.bus);
        if (!d.facts.systemd_scopes) {
                /* started early in a session (systemctl --user enable --now
                 * right after login), roostd can be on the bus before the
                 * user manager is: scopes come once it joins */
                r = scope_watch_manager(&d);
                if (r < 0)
                        return r;
        }
        if (!d.under_systemd || !d.facts.systemd_scopes)
                log_notice("%s%s",
                           d.under_systemd ? "" : "Running outside systemd (foreground mode). ",
                           d.facts.systemd_scopes ? "Containers will still get transient scopes from the systemd user manager."
                           : d.under_systemd ? "The systemd user manager is not on the bus yet: containers get their own "
                                               "scopes once it is."
                                             : "No systemd user manager on this bus: containers cannot get their own scopes "
                                               "(no resource limits, and they stop when roostd stops).");

        r = daemon_setup_holder(&d);
        if (r < 0)
                return r;
        r = facts_gather(&d.facts, d.config, d.holder->overlay, d.facts.systemd_scopes);
        if (r < 0)
                return r;

        r = scope_watch_jobs(&d);
        if (r < 0)
                return r;
        r = images_init(&d);
        if (r < 0)
                return r;
        r = networks_load(&d);
        if (r < 0)
                return r;
        r = containers_load(&d);
        if (r < 0)
                return r;
        networks_reconcile(&d);

        r = manager_register(&d);
        if (r < 0)
                return r;
        r = containers_register(&d);
        if (r < 0)
                return r;
        r = sd_bus_request_name(d.bus, ROOST_BUS_NAME, 0);
        if (r == -EEXIST) {
                _cleanup_(sd_bus_creds_unrefp) sd_bus_creds *creds = NULL;
                pid_t owner = 0;
                if (sd_bus_get_name_creds(d.bus, ROOST_BUS_NAME, SD_BUS_CREDS_PID, &creds) >= 0)
                        (void) sd_bus_creds_get_pid(creds, &owner);
                return log_error_errno(r, "Another roostd (PID %d) already owns %s on this bus; stop it first "
                                       "(systemctl --user stop roostd).", (int) owner, ROOST_BUS_NAME);
        }
        if (r < 0)
                return log_error_errno(r, "Failed to acquire the bus name %s: %m", ROOST_BUS_NAME);

        log_info("roostd %s ready: holder PID %d, storage %s, runtime %s %s, cgroup %s.",
                 ROOST_VERSION, (int) d.holder->pid, d.facts.storage_driver, d.facts.runtime,
                 isempty(d.facts.runtime_version) ? "(not found)" : d.facts.runtime_version, d.facts.cgroup_version);
        (void) sd_notifyf(false, "READY=1\nSTATUS=Ready: holder PID %d, storage %s", (int) d.holder->pid,
                          d.facts.storage_driver);
        containers_run_autostart(&d);

        r = sd_event_loop(d.event);
        if (r < 0)
                return log_error_errno(r, "Event loop failed: %m");
        return r;
}

/* Set-up errors that a restart cannot fix (bad configuration, no subuid
 * range, no newuidmap) exit with EX_CONFIG: the unit has
 * RestartPreventExitStatus=78, so it fails at once instead of looping, and
 * D-Bus activation reports the failure to the caller without waiting. */
#define EXIT_CONFIG 78

int main(int argc, char *argv[]) {
        int r = run(argc, argv);

        /* systemd keeps the status text of a failed unit: "roost" shows it */
        if (r < 0 && log_last_error_message())
                (void) sd_notifyf(false, "STATUS=Failed: %s", log_last_error_message());
        if (r == -EINVAL || r == -ENOENT || r == -EOPNOTSUPP || r == -EPROTO)
                return EXIT_CONFIG;
        return r < 0 ? EXIT_FAILURE : r;
}
