/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <getopt.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "container.h"
#include "exec.h"
#include "fileio.h"
#include "log-writer.h"
#include "log.h"
#include "reaper.h"
#include "ns-util.h"
#include "runtime.h"
#include "server.h"
#include "shim-proto.h"
#include "shim.h"
#include "stdio-streams.h"
#include "time-util.h"

/* roost-shim: one per container. It runs the OCI runtime, holds the
 * container's stdio, writes its log and records its exit status, and
 * serves DIR/shim.sock. shim/README.md is the contract with roostd. */

static void help(void) {
        printf("roost-shim --state-dir DIR [--sync-fd N]\n\n"
               "Supervises one container for roostd: runs the OCI runtime, keeps the\n"
               "container's stdio and log, records its exit, serves DIR/" SHIM_SOCKET_FILE ".\n"
               "Started by roostd, not by hand; see shim/README.md.\n\n"
               "  --state-dir DIR  the container's state directory (holds " SHIM_CONF_FILE ")\n"
               "  --sync-fd N      wait for \"g\" on fd N, answer \"created PID\" or \"error CODE MSG\"\n"
               "  --version        print the version\n");
}

static void on_signal(Watch *w, uint32_t events) {
        Shim *s = container_of(w, Shim, signal_watch);
        struct signalfd_siginfo si;

        while (read(s->signal_fd, &si, sizeof si) == sizeof si) {
                switch (si.ssi_signo) {
                case SIGCHLD:
                        reaper_collect(s);
                        break;
                case SIGTERM:
                case SIGINT:
                        container_forward_signal(s, (int) si.ssi_signo);
                        break;
                default:
                        break;
                }
        }
}

static int setup_signals(Shim *s) {
        sigset_t mask;
        int r;

        signal(SIGPIPE, SIG_IGN);
        sigemptyset(&mask);
        sigaddset(&mask, SIGCHLD);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return -errno;
        s->signal_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
        if (s->signal_fd < 0)
                return -errno;
        r = loop_add(s->epoll_fd, &s->signal_watch, s->signal_fd, EPOLLIN, on_signal);
        return r;
}

/* Leaves roostd's session and stdio: the shim must outlive it. */
static void detach(Shim *s, const char *journal_fields) {
        int null = open("/dev/null", O_RDWR | O_CLOEXEC), logfd = -EBADF;

        (void) setsid();
        (void) prctl(PR_SET_CHILD_SUBREAPER, 1);
        umask(0077);
        if (log_open_journal(journal_fields) < 0)
                /* no journald: our few messages go to a file beside the state */
                logfd = openat(s->dir_fd, SHIM_SELF_LOG_FILE, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0600);
        if (null >= 0) {
                (void) dup2(null, STDIN_FILENO);
                (void) dup2(null, STDOUT_FILENO);
                (void) dup2(logfd >= 0 ? logfd : null, STDERR_FILENO);
                safe_close(null);
        }
        safe_close(logfd);
}

/* roostd says "g" once the shim is in its scope. */
static int wait_for_go(int fd) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        char c;
        int k;

        do
                k = poll(&p, 1, SHIM_GO_TIMEOUT_MS);
        while (k < 0 && errno == EINTR);
        if (k == 0)
                return log_error_errno(ETIMEDOUT, "No go from roostd on the sync fd within %d s, giving up.", SHIM_GO_TIMEOUT_MS / 1000);
        if (loop_read(fd, &c, 1) != 1)
                return log_error_errno(ECONNRESET, "roostd went away before saying go.");
        if (c != 'g')
                return log_error_errno(EPROTO, "roostd said '%c' on the sync fd, not go.", c);
        return 0;
}

static int join_holder(const ShimConfig *c) {
        unsigned long long st;
        int r;

        if (c->holder_pid == 0)
                return 0;
        if (c->holder_starttime != 0 && (proc_starttime(c->holder_pid, &st) < 0 || st != c->holder_starttime))
                return log_error_errno(ESRCH, "The namespace holder (PID %d) is gone.", (int) c->holder_pid);
        r = ns_enter(c->holder_pid, CLONE_NEWUSER | CLONE_NEWNS);
        if (r < 0)
                return log_error_errno(r, "Failed to join the namespaces of the holder (PID %d): %m", (int) c->holder_pid);
        return 0;
}

static int run(Shim *s) {
        while (!s->quit) {
                int64_t now = now_monotonic_ms();
                int t = -1, k;

                k = runtime_check_timeouts(s, now);
                t = k >= 0 && (t < 0 || k < t) ? k : t;
                k = server_check_timeouts(s, now);
                t = k >= 0 && (t < 0 || k < t) ? k : t;
                k = exec_check_timeouts(s, now);
                t = k >= 0 && (t < 0 || k < t) ? k : t;
                k = container_check(s, now);
                t = k >= 0 && (t < 0 || k < t) ? k : t;
                server_collect(s);
                if (s->quit)
                        break;
                k = loop_run_once(s->epoll_fd, t);
                if (k < 0)
                        return log_error_errno(k, "Event loop failed: %m");
                server_collect(s);
        }
        return 0;
}

static void shim_done(Shim *s) {
        server_close(s);
        exec_free_all(s);
        stdio_free(s->stdio);
        log_writer_free(s->log);
        safe_close(s->console_fd);
        safe_close(s->signal_fd);
        safe_close(s->epoll_fd);
        safe_close(s->sync_fd);
        safe_close(s->dir_fd);
        free(s->failure_message);
        shim_config_done(&s->config);
}

int main(int argc, char *argv[]) {
        static const struct option options[] = {
                { "state-dir", required_argument, NULL, 'd' },
                { "sync-fd", required_argument, NULL, 's' },
                { "version", no_argument, NULL, 'V' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        Shim s = {
                .dir_fd = -EBADF, .epoll_fd = -EBADF, .sync_fd = -EBADF, .signal_fd = -EBADF,
                .listen_fd = -EBADF, .console_fd = -EBADF,
                .signal_watch.fd = -1, .listen_watch.fd = -1,
        };
        _cleanup_free_ char *journal_fields = NULL;
        char err[1024], pid[32];
        int c, r;

        log_setup("roost-shim");
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'd':
                        s.state_dir = optarg;
                        break;
                case 's': {
                        char *end;
                        long fd = strtol(optarg, &end, 10);
                        if (*end || fd < 3 || fd > INT32_MAX) {
                                log_error("--sync-fd takes a file descriptor number (3 or more), not \"%s\".", optarg);
                                return 2;
                        }
                        s.sync_fd = (int) fd;
                        if (fcntl(s.sync_fd, F_SETFD, FD_CLOEXEC) < 0) {
                                log_error_errno(errno, "--sync-fd %d: %m", s.sync_fd);
                                return 2;
                        }
                        break;
                }
                case 'V':
                        printf("roost-shim version %s\n", ROOST_VERSION);
                        return 0;
                case 'h':
                        help();
                        return 0;
                default:
                        return 2;
                }
        /* whatever else roostd (or a test) left open is not ours to keep:
         * it would pin its pipes open for as long as the container runs */
        if (s.sync_fd >= 0) {
                (void) close_range(3, (unsigned) s.sync_fd - 1, 0);
                (void) close_range((unsigned) s.sync_fd + 1, ~0U, 0);
        } else
                (void) close_range(3, ~0U, 0);
        if (!s.state_dir || optind < argc || s.state_dir[0] != '/') {
                fprintf(stderr, "roost-shim: started by roostd, not by hand: roost-shim --state-dir /ABSOLUTE/DIR [--sync-fd N] (see --help).\n");
                return 2;
        }

        /* roostd writes the configuration while systemd makes the scope:
         * it is read after "go". Failures are answered on the sync fd. */
        if (s.sync_fd >= 0 && wait_for_go(s.sync_fd) < 0) {
                shim_done(&s);
                return EXIT_FAILURE;
        }
        s.dir_fd = open(s.state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (s.dir_fd < 0) {
                r = log_error_errno(errno, "Cannot open the state directory %s: %m", s.state_dir);
                snprintf(err, sizeof err, "cannot open the state directory %s: %s", s.state_dir, strerror(-r));
        } else {
                r = shim_config_load(s.dir_fd, &s.config, err, sizeof err);
                if (r < 0)
                        log_error("%s/%s", s.state_dir, err);
                else
                        journal_fields = strjoin("SYSLOG_IDENTIFIER=roost-shim\nCONTAINER_ID=", s.config.id,
                                                 "\nCONTAINER_NAME=", s.config.name);
        }
        if (r >= 0) {
                detach(&s, journal_fields);
                snprintf(pid, sizeof pid, "%d\n", (int) getpid());
                (void) write_file_atomic_at(s.dir_fd, SHIM_PID_FILE, pid, strlen(pid), 0600);
        }
        if (r < 0) {
                if (s.sync_fd >= 0)
                        dprintf(s.sync_fd, "error 125 %s%s%s\n", s.dir_fd >= 0 ? s.state_dir : "",
                                s.dir_fd >= 0 ? "/" : "", err);
                shim_done(&s);
                return EXIT_FAILURE;
        }

        r = join_holder(&s.config);
        if (r >= 0) {
                s.epoll_fd = loop_open();
                r = s.epoll_fd;
        }
        if (r >= 0)
                r = setup_signals(&s);
        if (r >= 0)
                r = container_setup(&s);
        if (r >= 0)
                r = server_listen(&s);
        if (r < 0) {
                if (s.sync_fd >= 0)
                        dprintf(s.sync_fd, "error 125 roost-shim: %s\n", strna(log_last_error_message()));
                shim_done(&s);
                return EXIT_FAILURE;
        }
        (void) container_create(&s);

        r = run(&s);
        log_debug("roost-shim for %s exits.", s.config.name);
        c = r < 0 ? EXIT_FAILURE : s.quit_code;
        shim_done(&s);
        return c;
}
