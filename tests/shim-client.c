/* SPDX-License-Identifier: Apache-2.0 */
/* shim-client: drives a roost-shim the way roostd and the CLI do, through
 * common/shim-proto, for the system tests (tests/system/20-shim.bats).
 *
 *   shim-client launch DIR [--stay]       start $ROOST_SHIM for DIR, say go, print its answer
 *   shim-client run DIR [OPTIONS]         launch + attach + start + wait: exits with the container's code
 *   shim-client attach DIR [OPTIONS]      stream until exit or detach
 *   shim-client start DIR
 *   shim-client kill DIR [SIGNAL] [--all]
 *   shim-client state DIR
 *   shim-client resize DIR ROWS COLS
 *   shim-client exec DIR [OPTIONS] -- ARGS...
 *   shim-client raw DIR OP [KEY=VALUE...]  one request, print the reply
 *
 * OPTIONS: --stdin (forward our stdin; EOF sends stdin-EOF), --tty (exec),
 * --detach (exec), --detach-keys KEYS, --size ROWS,COLS (a resize frame
 * once attached), --start (attach, then start: what `roost run` does),
 * --timing (print ms from launch to started on stderr), --stall (attach, then
 * never read: a slow client).
 *
 * Exit status: the container's or exec's exit code; the code of an ERROR
 * frame; 0 after a detach; 2 for usage errors, 125 for protocol trouble. */
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include "fileio.h"
#include "kv.h"
#include "macro.h"
#include "shim-proto.h"
#include "time-util.h"

typedef struct Options {
        bool stdin_, tty, detach, start, timing, stay, all, stall;
        const char *detach_keys;
        unsigned rows, cols;
} Options;

static int64_t t0;

static _noreturn_ void die(int code, const char *fmt, ...) _printf_(2, 3);
static _noreturn_ void die(int code, const char *fmt, ...) {
        va_list ap;
        fputs("shim-client: ", stderr);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
        exit(code);
}

static int connect_or_die(const char *dir) {
        int fd = shim_connect(dir);
        if (fd < 0)
                die(125, "cannot connect to %s/" SHIM_SOCKET_FILE ": %s", dir, strerror(-fd));
        return fd;
}

static void send_request(int fd, const char *op, const char *const *fields, const char *body) {
        _cleanup_free_ char *payload = NULL;
        size_t len;
        int r;

        r = shim_request_format(op, fields, body, body ? strlen(body) : 0, &payload, &len);
        if (r < 0)
                die(125, "cannot build the request: %s", strerror(-r));
        r = shim_frame_write(fd, SHIM_FRAME_REQUEST, payload, len);
        if (r < 0)
                die(125, "cannot send the request: %s", strerror(-r));
}

/* An ERROR frame: prints the message, returns its code. */
static int error_frame(const char *payload) {
        _cleanup_free_ char *code = NULL, *message = NULL;
        uint64_t n = 125;

        (void) kv_get(payload, "message", &message);
        if (kv_get(payload, "code", &code) >= 0)
                (void) kv_parse_uint64(code, 255, &n);
        fprintf(stderr, "%s\n", strna(message));
        return (int) n;
}

/* Reads the reply to a request; on an ERROR frame, exits with its code. */
static void read_reply(int fd, char *buf, size_t size) {
        uint8_t type;
        size_t len;
        int r;

        r = shim_frame_read(fd, &type, buf, size, &len);
        if (r < 0)
                die(125, "no reply from the shim: %s", strerror(-r));
        if (type == SHIM_FRAME_ERROR)
                exit(error_frame(buf));
        if (type != SHIM_FRAME_REPLY)
                die(125, "unexpected frame '%c' instead of a reply", type);
}

static int simple(const char *dir, const char *op, const char *const *fields) {
        _cleanup_close_ int fd = connect_or_die(dir);
        char buf[4096];

        send_request(fd, op, fields, NULL);
        read_reply(fd, buf, sizeof buf);
        fputs(buf, stdout);
        return 0;
}

static void send_resize(int fd, unsigned rows, unsigned cols) {
        char p[64];
        int n = snprintf(p, sizeof p, "rows=%u\ncols=%u\n", rows, cols);
        (void) shim_frame_write(fd, SHIM_FRAME_RESIZE, p, (size_t) n);
}

/* Streams frames until EXIT, DETACHED or ERROR; returns the exit status. */
static int stream(int fd, const Options *o) {
        static char buf[SHIM_FRAME_MAX + 1];
        bool stdin_open = o->stdin_;

        for (;;) {
                struct pollfd p[2] = { { .fd = fd, .events = POLLIN }, { .fd = STDIN_FILENO, .events = POLLIN } };
                int k = poll(p, stdin_open ? 2 : 1, -1);

                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        die(125, "poll: %m");
                if (stdin_open && (p[1].revents & (POLLIN | POLLHUP))) {
                        char in[4096];
                        ssize_t n = read(STDIN_FILENO, in, sizeof in);
                        if (n > 0)
                                (void) shim_frame_write(fd, SHIM_FRAME_STDIN, in, (size_t) n);
                        else {
                                (void) shim_frame_write(fd, SHIM_FRAME_STDIN_EOF, NULL, 0);
                                stdin_open = false;
                        }
                }
                if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
                        uint8_t type;
                        size_t len;
                        int r = shim_frame_read(fd, &type, buf, sizeof buf, &len);
                        if (r < 0)
                                die(125, "connection to the shim lost: %s", strerror(-r));
                        switch (type) {
                        case SHIM_FRAME_STDOUT:
                                (void) loop_write(STDOUT_FILENO, buf, len);
                                break;
                        case SHIM_FRAME_STDERR:
                                (void) loop_write(STDERR_FILENO, buf, len);
                                break;
                        case SHIM_FRAME_EXIT: {
                                _cleanup_free_ char *code = NULL;
                                uint64_t n = 255;
                                if (kv_get(buf, "exit_code", &code) >= 0)
                                        (void) kv_parse_uint64(code, 255, &n);
                                return (int) n;
                        }
                        case SHIM_FRAME_DETACHED:
                                fprintf(stderr, "[detached]\n");
                                return 0;
                        case SHIM_FRAME_ERROR:
                                return error_frame(buf);
                        default:
                                die(125, "unexpected frame '%c'", type);
                        }
                }
        }
}

static int attach_fd(const char *dir, const Options *o) {
        const char *fields[] = { "stdin", o->stdin_ ? "true" : "false", "detach_keys", o->detach_keys, NULL };
        char buf[4096];
        int fd = connect_or_die(dir);

        if (!o->detach_keys)
                fields[2] = NULL;
        send_request(fd, "attach", fields, NULL);
        read_reply(fd, buf, sizeof buf);
        if (o->rows > 0)
                send_resize(fd, o->rows, o->cols);
        return fd;
}

static void start_or_exit(const char *dir, const Options *o) {
        _cleanup_close_ int fd = connect_or_die(dir);
        char buf[4096];

        send_request(fd, "start", NULL, NULL);
        read_reply(fd, buf, sizeof buf);
        if (o->timing)
                fprintf(stderr, "timing: started %" PRId64 " ms after launch\n", now_monotonic_ms() - t0);
}

static int attach(const char *dir, const Options *o) {
        _cleanup_close_ int fd = attach_fd(dir, o);

        if (o->stall) {
                /* a client that never reads, to be killed by the test */
                printf("attached\n");
                fflush(stdout);
                for (;;)
                        pause();
        }
        if (o->start)
                start_or_exit(dir, o);
        return stream(fd, o);
}

/* Starts the shim the way roostd does: a sync pipe pair as fd 3, "g", one
 * line back. */
static void launch(const char *dir, const Options *o) {
        const char *shim = getenv("ROOST_SHIM");
        int sync_fds[2];
        char line[4096];
        ssize_t n;
        pid_t pid;

        if (!shim)
                die(2, "set ROOST_SHIM to the roost-shim to test");
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sync_fds) < 0)
                die(125, "socketpair: %m");
        t0 = now_monotonic_ms();
        pid = fork();
        if (pid < 0)
                die(125, "fork: %m");
        if (pid == 0) {
                if (dup2(sync_fds[1], 3) < 0)
                        _exit(127);
                execl(shim, shim, "--state-dir", dir, "--sync-fd", "3", (char *) NULL);
                _exit(127);
        }
        close(sync_fds[1]);
        /* roostd would put it in its scope here */
        if (loop_write(sync_fds[0], "g", 1) < 0)
                die(125, "the shim is gone before go");
        n = loop_read(sync_fds[0], line, sizeof line - 1);
        if (n <= 0) {
                int status;
                waitpid(pid, &status, 0);
                die(125, "the shim said nothing on the sync fd (exit status %d)", WEXITSTATUS(status));
        }
        line[n] = 0;
        close(sync_fds[0]);
        if (startswith(line, "error ")) {
                char *msg = line + 6;
                int code = (int) strtol(msg, &msg, 10);
                fprintf(stderr, "%s", msg + (*msg == ' '));
                exit(code ?: 125);
        }
        if (!startswith(line, "created "))
                die(125, "unexpected answer on the sync fd: %s", line);
        if (!o->start)
                fputs(line, stdout);
        if (o->timing)
                fprintf(stderr, "timing: created %" PRId64 " ms after launch\n", now_monotonic_ms() - t0);
        if (o->stay) {
                /* to be killed by the test, like a roostd that dies */
                fflush(stdout);
                for (;;)
                        pause();
        }
}

static void json_string(FILE *f, const char *s) {
        fputc('"', f);
        for (; *s; s++) {
                unsigned char c = (unsigned char) *s;
                if (c == '"' || c == '\\')
                        fprintf(f, "\\%c", c);
                else if (c < 0x20)
                        fprintf(f, "\\u%04x", c);
                else
                        fputc(c, f);
        }
        fputc('"', f);
}

static int exec_cmd(const char *dir, const Options *o, char **args) {
        _cleanup_close_ int fd = connect_or_die(dir);
        _cleanup_free_ char *body = NULL;
        size_t body_len = 0;
        char buf[4096];
        FILE *f = open_memstream(&body, &body_len);

        fprintf(f, "{\"terminal\":%s,\"user\":{\"uid\":0,\"gid\":0},\"cwd\":\"/\",", o->tty ? "true" : "false");
        /* the size the pty starts with: a resize frame could come after
         * the process has looked */
        if (o->tty && o->rows > 0)
                fprintf(f, "\"consoleSize\":{\"height\":%u,\"width\":%u},", o->rows, o->cols);
        fprintf(f, "\"args\":[");
        for (char **a = args; *a; a++) {
                if (a != args)
                        fputc(',', f);
                json_string(f, *a);
        }
        fprintf(f, "],\"env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\"TERM=xterm\"]}");
        fclose(f);

        const char *fields[] = { "tty", o->tty ? "true" : "false", "stdin", o->stdin_ ? "true" : "false",
                                 "detach", o->detach ? "true" : "false", NULL };
        send_request(fd, "exec", fields, body);
        read_reply(fd, buf, sizeof buf);
        if (o->detach) {
                fputs(buf, stdout);
                return 0;
        }
        if (o->rows > 0)
                send_resize(fd, o->rows, o->cols);
        return stream(fd, o);
}

int main(int argc, char *argv[]) {
        static const struct option options[] = {
                { "stdin", no_argument, NULL, 'i' },
                { "tty", no_argument, NULL, 't' },
                { "detach", no_argument, NULL, 'd' },
                { "detach-keys", required_argument, NULL, 'k' },
                { "size", required_argument, NULL, 's' },
                { "start", no_argument, NULL, 'S' },
                { "timing", no_argument, NULL, 'T' },
                { "stay", no_argument, NULL, 'y' },
                { "all", no_argument, NULL, 'a' },
                { "stall", no_argument, NULL, 'z' },
                {}
        };
        Options o = {};
        const char *cmd, *dir;
        int c;

        signal(SIGPIPE, SIG_IGN);
        /* options anywhere before "--" (GNU getopt moves the rest to the end) */
        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0)
                switch (c) {
                case 'i': o.stdin_ = true; break;
                case 't': o.tty = true; break;
                case 'd': o.detach = true; break;
                case 'k': o.detach_keys = optarg; break;
                case 's':
                        if (sscanf(optarg, "%u,%u", &o.rows, &o.cols) != 2)
                                die(2, "--size ROWS,COLS");
                        break;
                case 'S': o.start = true; break;
                case 'T': o.timing = true; break;
                case 'y': o.stay = true; break;
                case 'a': o.all = true; break;
                case 'z': o.stall = true; break;
                default: return 2;
                }
        if (argc - optind < 2)
                die(2, "usage: shim-client COMMAND DIR [ARGS...] (see the comment at the top of tests/shim-client.c)");
        cmd = argv[optind];
        dir = argv[optind + 1];
        argv += optind + 2;
        argc -= optind + 2;

        if (streq(cmd, "launch")) {
                launch(dir, &o);
                return 0;
        }
        if (streq(cmd, "run")) {
                int fd, r;
                o.start = true;
                launch(dir, &o);
                fd = attach_fd(dir, &o);
                start_or_exit(dir, &o);
                r = stream(fd, &o);
                close(fd);
                return r;
        }
        if (streq(cmd, "attach"))
                return attach(dir, &o);
        if (streq(cmd, "start")) {
                start_or_exit(dir, &o);
                return 0;
        }
        if (streq(cmd, "state"))
                return simple(dir, "state", NULL);
        if (streq(cmd, "kill")) {
                const char *fields[] = { "signal", argc > 0 ? argv[0] : "KILL", "all", o.all ? "true" : "false", NULL };
                return simple(dir, "kill", fields);
        }
        if (streq(cmd, "resize")) {
                if (argc < 2)
                        die(2, "resize DIR ROWS COLS");
                const char *fields[] = { "rows", argv[0], "cols", argv[1], NULL };
                return simple(dir, "resize", fields);
        }
        if (streq(cmd, "exec")) {
                if (argc < 1)
                        die(2, "exec DIR [OPTIONS] -- ARGS...");
                return exec_cmd(dir, &o, argv);
        }
        if (streq(cmd, "raw")) {
                const char *fields[2 * 8 + 1] = {};
                size_t n = 0;
                if (argc < 1 || argc > 9)
                        die(2, "raw DIR OP [KEY=VALUE...] (at most 8)");
                for (int i = 1; i < argc; i++) {
                        char *eq = strchr(argv[i], '=');
                        if (!eq)
                                die(2, "KEY=VALUE, not %s", argv[i]);
                        *eq = 0;
                        fields[n++] = argv[i];
                        fields[n++] = eq + 1;
                }
                return simple(dir, argv[0], fields);
        }
        die(2, "unknown command %s", cmd);
}
