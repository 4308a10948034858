/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <limits.h>
#include <inttypes.h>
#include <signal.h>

#include "attach.h"
#include "console.h"
#include "exec.h"
#include "exit-status.h"
#include "fileio.h"
#include "log.h"
#include "reaper.h"
#include "runtime.h"
#include "stdio-streams.h"
#include "time-util.h"

#define EXECS_MAX 64

struct Exec {
        Exec *next;
        Shim *shim;
        unsigned id;
        char name[24];       /* "exec-N": its files are NAME.json, NAME.pid, NAME.sock */
        pid_t pid;
        bool started;        /* the runtime is done, pid is known */
        bool reaped;
        int status;
        bool detach;
        Stdio *stdio;
        uint64_t client;     /* serial of the client that asked */
        int console_fd;
        int64_t drain_deadline;
};

static void exec_file(const Exec *e, const char *suffix, char *buf, size_t size) {
        snprintf(buf, size, "%s%s", e->name, suffix);
}

static void exec_free(Exec *e) {
        Shim *s = e->shim;
        char f[40];

        for (Exec **pp = &s->execs; *pp; pp = &(*pp)->next)
                if (*pp == e) {
                        *pp = e->next;
                        break;
                }
        for (Client *c = s->clients; c; c = c->next)
                if (c->stdio == e->stdio && !c->dead)
                        client_finish(c);
        stdio_free(e->stdio);
        exec_file(e, ".sock", f, sizeof f);
        console_close(s, &e->console_fd, f);
        exec_file(e, ".json", f, sizeof f);
        (void) unlinkat(s->dir_fd, f, 0);
        exec_file(e, ".pid", f, sizeof f);
        (void) unlinkat(s->dir_fd, f, 0);
        free(e);
}

void exec_free_all(Shim *s) {
        while (s->execs)
                exec_free(s->execs);
}

bool exec_any(const Shim *s) {
        return s->execs != NULL;
}

Exec *exec_find(Shim *s, const char *id) {
        for (Exec *e = s->execs; e; e = e->next) {
                char buf[16];
                snprintf(buf, sizeof buf, "%u", e->id);
                if (streq(buf, id))
                        return e;
        }
        return NULL;
}

Stdio *exec_stdio(Exec *e) {
        return e->stdio;
}

/* The process ended and its output is read (or we gave up waiting for
 * the rest): the client learns the exit code. */
static void exec_check(Exec *e, int64_t now) {
        char payload[64];

        if (!e->reaped || (!stdio_drained(e->stdio) && now < e->drain_deadline))
                return;
        stdio_close_output(e->stdio);
        snprintf(payload, sizeof payload, "exit_code=%d\n", exit_code_from_wait_status(e->status));
        log_debug("Exec %u (PID %d) exited: %s", e->id, (int) e->pid, payload);
        attach_end(e->shim, e->stdio, SHIM_FRAME_EXIT, payload);
        exec_free(e);
}

void exec_output_drained(Exec *e) {
        exec_check(e, now_monotonic_ms());
}

static void exec_set_reaped(Exec *e, int status) {
        e->reaped = true;
        e->status = status;
        e->drain_deadline = now_monotonic_ms() + SHIM_DRAIN_TIMEOUT_MS;
}

bool exec_reaped(Shim *s, pid_t pid, int status) {
        for (Exec *e = s->execs; e; e = e->next)
                if (e->started && e->pid == pid) {
                        exec_set_reaped(e, status);
                        exec_check(e, now_monotonic_ms());
                        return true;
                }
        return false;
}

int exec_check_timeouts(Shim *s, int64_t now) {
        int64_t next = INT64_MAX;

        for (Exec *e = s->execs, *n; e; e = n) {
                n = e->next;
                if (!e->reaped)
                        continue;
                if (e->drain_deadline <= now)
                        exec_check(e, now);
                else
                        next = MIN(next, e->drain_deadline);
        }
        return next == INT64_MAX ? -1 : (int) MIN(next - now, (int64_t) INT32_MAX);
}

static int exec_read_pid(Exec *e, pid_t *ret) {
        char f[40];

        exec_file(e, ".pid", f, sizeof f);
        return read_pid_file_at(e->shim->dir_fd, f, ret);
}

static void exec_started(Shim *s, int status, const char *message, void *userdata) {
        Exec *e = userdata;
        Client *c = server_find_client(s, e->client);
        char f[40];
        int r, st;

        exec_file(e, ".json", f, sizeof f);
        (void) unlinkat(s->dir_fd, f, 0);
        if (status != 0) {
                int code = runtime_error_exit_code(message);
                log_debug("Exec %u failed: %s", e->id, strna(message));
                if (c)
                        client_error(c, code, "%s", message ?: "the OCI runtime failed to run the process");
                exec_free(e);
                return;
        }
        r = exec_read_pid(e, &e->pid);
        if (r >= 0 && e->stdio->tty) {
                int master = console_receive(e->console_fd);
                r = master < 0 ? master : stdio_set_terminal(e->stdio, master);
        }
        exec_file(e, ".sock", f, sizeof f);
        console_close(s, &e->console_fd, f);
        if (r >= 0)
                r = stdio_start(e->stdio);
        if (r < 0) {
                log_error_errno(r, "Exec %u started, but cannot be followed: %m", e->id);
                if (e->pid > 0)
                        (void) kill(e->pid, SIGKILL);
                if (c)
                        client_error(c, 125, "the exec process started but roost-shim cannot follow it: %s", strerror(-r));
                e->client = 0;
                if (e->pid <= 0) {
                        exec_free(e);
                        return;
                }
        }
        e->started = true;
        if (c && r >= 0) {
                client_reply(c, "exec_id=%u\npid=%d\n", e->id, (int) e->pid);
                if (e->detach) {
                        client_finish(c);
                        e->client = 0;
                } else {
                        c->stdio = e->stdio;
                        client_set_state(c, CLIENT_STREAMING);
                }
        }
        /* it may have ended before we knew its PID */
        if (shim_take_orphan(s, e->pid, &st))
                exec_reaped(s, e->pid, st);
}

void exec_request(Shim *s, Client *c, const ShimRequest *req) {
        char json_path[PATH_MAX], pid_path[PATH_MAX], sock[64], f[40];
        bool tty = attach_flag(req, "tty", false), with_stdin = attach_flag(req, "stdin", false);
        size_t n = 0;
        Exec *e;
        int r;

        if (s->status != CONTAINER_RUNNING || s->init_exited)
                return client_error(c, 125, "container %s is not running", s->config.name);
        if (!req->body || req->body_len == 0)
                return client_error(c, 125, "exec needs the process (OCI runtime-spec process JSON) as the request body");
        for (Exec *i = s->execs; i; i = i->next)
                n++;
        if (n >= EXECS_MAX)
                return client_error(c, 125, "too many exec sessions at once (%d)", EXECS_MAX);
        if (!attach_setup(c, req))
                return;

        e = calloc(1, sizeof *e);
        if (!e)
                return client_error(c, 125, "out of memory");
        e->shim = s;
        e->id = ++s->next_exec_id;
        e->console_fd = -EBADF;
        e->detach = attach_flag(req, "detach", false);
        e->client = c->serial;
        snprintf(e->name, sizeof e->name, "exec-%u", e->id);
        e->next = s->execs;
        s->execs = e;

        exec_file(e, ".json", f, sizeof f);
        r = write_file_atomic_at(s->dir_fd, f, req->body, req->body_len, 0600);
        if (r >= 0)
                r = stdio_new(s, e, tty, with_stdin && !e->detach, &e->stdio);
        if (r >= 0 && tty) {
                exec_file(e, ".sock", f, sizeof f);
                e->console_fd = console_listen(s, f);
                r = e->console_fd < 0 ? e->console_fd : 0;
        }
        if (r < 0) {
                client_error(c, 125, "cannot prepare the exec: %s", strerror(-r));
                exec_free(e);
                return;
        }
        snprintf(json_path, sizeof json_path, "%s/%s.json", s->state_dir, e->name);
        snprintf(pid_path, sizeof pid_path, "%s/%s.pid", s->state_dir, e->name);
        snprintf(sock, sizeof sock, RUNTIME_DIR_PATH("%s.sock"), e->name);
        const char *args[] = {
                "exec", "--process", json_path, "--detach", "--pid-file", pid_path,
                tty ? "--console-socket" : s->config.id, tty ? sock : NULL, tty ? s->config.id : NULL, NULL,
        };
        r = runtime_call(s, args, e->stdio->child, SHIM_RUNTIME_TIMEOUT_MS, exec_started, e);
        stdio_close_child_ends(e->stdio);
        if (r < 0) {
                client_error(c, 125, "cannot run %s: %s", s->config.runtime, strerror(-r));
                exec_free(e);
                return;
        }
        client_set_state(c, CLIENT_PENDING);
}
