/* SPDX-License-Identifier: Apache-2.0 */
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>

#include "attach.h"
#include "console.h"
#include "container.h"
#include "exec.h"
#include "exit-status.h"
#include "fileio.h"
#include "journal.h"
#include "kv.h"
#include "log-writer.h"
#include "log.h"
#include "reaper.h"
#include "runtime.h"
#include "stdio-streams.h"
#include "time-util.h"

const char *container_status_to_string(ContainerStatus st) {
        switch (st) {
        case CONTAINER_CREATING: return "creating";
        case CONTAINER_CREATED: return "created";
        case CONTAINER_RUNNING: return "running";
        case CONTAINER_EXITED: return "exited";
        }
        return "unknown";
}

/* The one line roostd waits for on the sync fd. */
static void sync_reply(Shim *s, const char *fmt, ...) _printf_(2, 3);
static void sync_reply(Shim *s, const char *fmt, ...) {
        char line[2048];
        va_list ap;
        int n;

        if (s->sync_fd < 0)
                return;
        va_start(ap, fmt);
        n = vsnprintf(line, sizeof line - 1, fmt, ap);
        va_end(ap);
        n = MIN(MAX(n, 0), (int) sizeof line - 2);
        for (int i = 0; i < n; i++)
                if (line[i] == '\n')
                        line[i] = ' ';
        line[n++] = '\n';
        if (loop_write(s->sync_fd, line, (size_t) n) < 0)
                log_debug_errno(errno, "Nobody reads the sync fd any more: %m");
        s->sync_fd = safe_close(s->sync_fd);
}

int container_setup(Shim *s) {
        const ShimConfig *c = &s->config;
        int r;

        r = stdio_new(s, NULL, c->terminal, c->stdin_open, &s->stdio);
        if (r < 0)
                return log_error_errno(r, "Failed to make the container's stdio: %m");
        if (c->terminal) {
                s->console_fd = console_listen(s, SHIM_CONSOLE_SOCKET_FILE);
                if (s->console_fd < 0)
                        return log_error_errno(s->console_fd, "Failed to listen on the console socket: %m");
        }
        if (c->log_driver != LOG_DRIVER_NONE) {
                r = log_writer_new(c->log_path, c->log_max_size, c->log_max_files, &s->log);
                if (r < 0)
                        return log_error_errno(r, "Failed to open the container log %s: %m", c->log_path);
        }
        if (c->log_driver == LOG_DRIVER_JOURNALD) {
                Journal *j;
                r = journal_writer_new(c->journal_socket, c->id, c->name, c->log_tag, &j);
                if (r < 0)
                        log_warning_errno(r, "Cannot write the container's output to the journal (%s), the log file still gets it: %m",
                                          c->journal_socket ?: "journald");
                else
                        log_writer_set_journal(s->log, j);
        }
        return 0;
}

/* Create or start failed: the container will not run. */
static void container_fail(Shim *s, int code, const char *message) {
        s->failure_code = code;
        free(s->failure_message);
        s->failure_message = strdup(message);
        log_error("Container %s: %s", s->config.name, message);
}

static void container_gone_without_init(Shim *s) {
        if (s->init_exited)
                return;
        s->init_exited = true;
        clock_gettime(CLOCK_REALTIME, &s->exited_at);
        s->drain_deadline = now_monotonic_ms();
}


static void create_done(Shim *s, int status, const char *message, void *userdata) {
        char buf[256];
        int st, r;

        if (status != 0) {
                int code = runtime_error_exit_code(message);
                if (!message) {
                        snprintf(buf, sizeof buf, "%s create failed (%s %d)", s->config.runtime,
                                 status < 0 ? "error" : "exit status", status);
                        message = buf;
                }
                container_fail(s, code, message);
                console_close(s, &s->console_fd, SHIM_CONSOLE_SOCKET_FILE);
                container_gone_without_init(s);
                sync_reply(s, "error %d %s", code, message);
                return;
        }

        r = read_pid_file_at(s->dir_fd, SHIM_CONTAINER_PID_FILE, &s->container_pid);
        if (r < 0)
                snprintf(buf, sizeof buf, "cannot read the container's PID from %s: %s", SHIM_CONTAINER_PID_FILE, strerror(-r));
        if (r >= 0 && s->config.terminal) {
                int master = console_receive(s->console_fd);
                r = master < 0 ? master : stdio_set_terminal(s->stdio, master);
                if (r < 0)
                        snprintf(buf, sizeof buf, "no terminal from %s: %s", s->config.runtime, strerror(-r));
                else if (s->config.console_rows > 0)
                        /* before "start": the process never sees a 0x0 terminal */
                        (void) stdio_resize(s->stdio, s->config.console_rows, s->config.console_cols);
        }
        console_close(s, &s->console_fd, SHIM_CONSOLE_SOCKET_FILE);
        if (r >= 0) {
                r = stdio_start(s->stdio);
                if (r < 0)
                        snprintf(buf, sizeof buf, "cannot follow the container's output: %s", strerror(-r));
        }
        if (r < 0) {
                container_fail(s, 125, buf);
                if (s->container_pid > 0)
                        (void) kill(s->container_pid, SIGKILL);
                else
                        container_gone_without_init(s);
                sync_reply(s, "error 125 %s", buf);
                return;
        }
        /* what is in the pipes now is the runtime's, not the container's */
        stdio_discard_pending(s->stdio);
        (void) proc_starttime(s->container_pid, &s->container_starttime);
        s->status = CONTAINER_CREATED;
        (void) shim_write_state(s);
        log_debug("Container %s created, init PID %d.", s->config.name, (int) s->container_pid);
        sync_reply(s, "created %d", (int) s->container_pid);
        if (shim_take_orphan(s, s->container_pid, &st))
                container_reaped(s, st);
}

int container_create(Shim *s) {
        char pid_file[PATH_MAX];
        const int none[3] = { -1, -1, -1 };
        int r;

        snprintf(pid_file, sizeof pid_file, "%s/" SHIM_CONTAINER_PID_FILE, s->state_dir);
        (void) unlinkat(s->dir_fd, SHIM_CONTAINER_PID_FILE, 0);
        const char *args[] = {
                "create", "--bundle", s->config.bundle, "--pid-file", pid_file,
                s->config.terminal ? "--console-socket" : s->config.id,
                s->config.terminal ? RUNTIME_DIR_PATH(SHIM_CONSOLE_SOCKET_FILE) : NULL,
                s->config.terminal ? s->config.id : NULL, NULL,
        };
        s->status = CONTAINER_CREATING;
        (void) shim_write_state(s);
        /* the runtime's own stderr during create goes to the container's
         * stderr pipe, and is dropped: its message comes from its log */
        r = runtime_call(s, args, s->config.terminal ? none : s->stdio->child, SHIM_CREATE_TIMEOUT_MS, create_done, NULL);
        stdio_close_child_ends(s->stdio);
        if (r < 0) {
                char msg[256];
                snprintf(msg, sizeof msg, "cannot run %s: %s", s->config.runtime, strerror(-r));
                container_fail(s, 125, msg);
                container_gone_without_init(s);
                sync_reply(s, "error 125 %s", msg);
        }
        return r;
}

static void start_done(Shim *s, int status, const char *message, void *userdata) {
        Client *c = server_find_client(s, (uint64_t) (uintptr_t) userdata);

        s->start_client = 0;
        if (status == 0) {
                if (!s->init_exited) {
                        s->status = CONTAINER_RUNNING;
                        (void) shim_write_state(s);
                }
                log_debug("Container %s started.", s->config.name);
                if (c) {
                        client_reply(c, "container_pid=%d\n", (int) s->container_pid);
                        client_finish(c);
                }
                return;
        }
        int code = runtime_error_exit_code(message);
        container_fail(s, code, message ?: "the OCI runtime failed to start the container");
        /* the init waits for a start that will not come */
        if (!s->init_exited)
                (void) kill(s->container_pid, SIGKILL);
        if (c)
                client_error(c, code, "%s", s->failure_message);
}

void container_start_request(Shim *s, Client *c) {
        int r;

        if (s->failure_code)
                return client_error(c, s->failure_code, "%s", s->failure_message);
        if (s->init_exited)
                return client_error(c, 125, "container %s has exited", s->config.name);
        if (s->status == CONTAINER_CREATING)
                return client_error(c, 125, "container %s is still being created", s->config.name);
        if (s->status == CONTAINER_RUNNING) {
                client_reply(c, "container_pid=%d\n", (int) s->container_pid);
                return client_finish(c);
        }
        if (s->start_client)
                return client_error(c, 125, "container %s is being started already", s->config.name);
        const char *args[] = { "start", s->config.id, NULL };
        const int none[3] = { -1, -1, -1 };
        r = runtime_call(s, args, none, SHIM_RUNTIME_TIMEOUT_MS, start_done, (void *) (uintptr_t) c->serial);
        if (r < 0)
                return client_error(c, 125, "cannot run %s: %s", s->config.runtime, strerror(-r));
        s->start_client = c->serial;
        client_set_state(c, CLIENT_PENDING);
}

static void kill_done(Shim *s, int status, const char *message, void *userdata) {
        Client *c = userdata ? server_find_client(s, (uint64_t) (uintptr_t) userdata) : NULL;

        if (status != 0)
                log_warning("%s kill failed: %s", s->config.runtime, strna(message));
        if (!c)
                return;
        if (status != 0)
                return client_error(c, 125, "%s", message ?: "the OCI runtime failed to signal the container");
        client_reply(c, "\n");
        client_finish(c);
}

static int parse_signal(const char *v) {
        uint64_t n;

        if (kv_parse_uint64(v, SIGRTMAX, &n) >= 0)
                return n > 0 ? (int) n : -EINVAL;
        if (startswith(v, "SIG"))
                v += 3;
        for (int i = 1; i < SIGRTMIN; i++) {
                const char *abbrev = sigabbrev_np(i);
                if (abbrev && strcasecmp(abbrev, v) == 0)
                        return i;
        }
        return -EINVAL;
}

static int container_signal(Shim *s, int sig, bool all, uint64_t client) {
        char num[16];
        const int none[3] = { -1, -1, -1 };

        snprintf(num, sizeof num, "%d", sig);
        const char *args[] = { "kill", all ? "--all" : s->config.id, all ? s->config.id : num, all ? num : NULL, NULL };
        return runtime_call(s, args, none, SHIM_RUNTIME_TIMEOUT_MS, kill_done, (void *) (uintptr_t) client);
}

void container_kill_request(Shim *s, Client *c, const ShimRequest *req) {
        const char *v = shim_request_get(req, "signal");
        int sig = v ? parse_signal(v) : SIGKILL, r;

        if (sig < 0)
                return client_error(c, 125, "invalid signal \"%s\": a number or a name like TERM or SIGKILL", v);
        if (s->init_exited || s->status == CONTAINER_EXITED)
                return client_error(c, 125, "container %s is not running", s->config.name);
        if (s->status == CONTAINER_CREATING)
                return client_error(c, 125, "container %s is still being created", s->config.name);
        r = container_signal(s, sig, attach_flag(req, "all", false), c->serial);
        if (r < 0)
                return client_error(c, 125, "cannot run %s: %s", s->config.runtime, strerror(-r));
        client_set_state(c, CLIENT_PENDING);
}

void container_forward_signal(Shim *s, int sig) {
        if (s->term_forwarded || s->init_exited || s->status == CONTAINER_CREATING)
                return;
        s->term_forwarded = true;
        log_info("Asked to stop: sending %s to container %s.", sigabbrev_np(sig) ?: "a signal", s->config.name);
        (void) container_signal(s, sig, false, 0);
}

void container_reaped(Shim *s, int status) {
        if (s->init_exited)
                return;
        s->init_exited = true;
        s->init_status = status;
        clock_gettime(CLOCK_REALTIME, &s->exited_at);
        s->drain_deadline = now_monotonic_ms() + SHIM_DRAIN_TIMEOUT_MS;
        log_debug("Container %s init (PID %d) exited with %d.", s->config.name, (int) s->container_pid,
                  exit_code_from_wait_status(status));
}

void container_output_drained(Shim *s) {
        /* container_check() looks after each event */
}

static void delete_done(Shim *s, int status, const char *message, void *userdata) {
        s->deleted = true;
        if (status != 0 && !s->failure_code)
                log_warning("%s delete failed: %s", s->config.runtime, strna(message));
}

/* The init has exited and its output is read (or we waited long enough):
 * record the exit and tell the clients. */
static void container_finalize(Shim *s, int64_t now) {
        char payload[EXIT_RECORD_MAX];
        const int none[3] = { -1, -1, -1 };
        int r;

        s->finalized = true;
        stdio_close_output(s->stdio);
        s->status = CONTAINER_EXITED;
        (void) shim_write_exit(s);
        (void) shim_write_state(s);
        shim_exit_record(s, payload);
        log_info("Container %s exited with code %d.", s->config.name, shim_exit_code(s));
        attach_end(s, s->stdio, SHIM_FRAME_EXIT, payload);
        s->linger_deadline = now + SHIM_LINGER_TIMEOUT_MS;

        const char *args[] = { "delete", "--force", s->config.id, NULL };
        r = runtime_call(s, args, none, SHIM_RUNTIME_TIMEOUT_MS, delete_done, NULL);
        if (r < 0) {
                log_error_errno(r, "Failed to run %s delete: %m", s->config.runtime);
                s->deleted = true;
        }
}

int container_check(Shim *s, int64_t now) {
        if (!s->init_exited)
                return -1;
        if (!s->finalized) {
                if (!stdio_drained(s->stdio) && now < s->drain_deadline)
                        return (int) (s->drain_deadline - now);
                container_finalize(s, now);
        }
        if (!s->deleted)
                return -1; /* the runtime call's end wakes us */
        if ((server_busy(s) || exec_any(s)) && now < s->linger_deadline)
                return (int) (s->linger_deadline - now);
        s->quit = true;
        s->quit_code = s->failure_code && s->container_pid <= 0 ? EXIT_FAILURE : EXIT_SUCCESS;
        return -1;
}
