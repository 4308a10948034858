/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <termios.h>

#include "attach.h"
#include "container.h"
#include "exec.h"
#include "log-writer.h"
#include "log.h"
#include "stdio-streams.h"

#define STDIO_READ_SIZE 8192

static void stdio_on_input(Watch *w, uint32_t events);

static int set_nonblock(int fd) {
        int flags = fcntl(fd, F_GETFL);
        if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
                return -errno;
        return 0;
}

int stdio_new(Shim *s, Exec *exec, bool tty, bool with_stdin, Stdio **ret) {
        Stdio *st;
        int p[2];

        st = calloc(1, sizeof *st);
        if (!st)
                return -ENOMEM;
        *st = (Stdio) {
                .shim = s, .exec = exec, .tty = tty, .has_stdin = with_stdin,
                .in_fd = -EBADF, .out_fd = -EBADF, .err_fd = -EBADF,
                .in_watch = { .fd = -1, .func = stdio_on_input }, .out_watch.fd = -1, .err_watch.fd = -1,
                .child = { -EBADF, -EBADF, -EBADF },
        };
        if (tty) {
                /* the pty comes later, through the console socket */
                *ret = st;
                return 0;
        }
        if (with_stdin) {
                if (pipe2(p, O_CLOEXEC) < 0)
                        goto fail;
                st->child[0] = p[0];
                st->in_fd = p[1];
        }
        if (pipe2(p, O_CLOEXEC) < 0)
                goto fail;
        st->out_fd = p[0];
        st->child[1] = p[1];
        if (pipe2(p, O_CLOEXEC) < 0)
                goto fail;
        st->err_fd = p[0];
        st->child[2] = p[1];
        if ((st->in_fd >= 0 && set_nonblock(st->in_fd) < 0) || set_nonblock(st->out_fd) < 0 ||
            set_nonblock(st->err_fd) < 0)
                goto fail;
        *ret = st;
        return 0;
fail:;
        int r = -errno;
        stdio_free(st);
        return r;
}

void stdio_close_child_ends(Stdio *st) {
        for (int i = 0; i < 3; i++)
                st->child[i] = safe_close(st->child[i]);
}

static void stdio_close_in(Stdio *st) {
        loop_remove(st->shim->epoll_fd, &st->in_watch);
        st->in_fd = safe_close(st->in_fd);
        buffer_free(&st->in_buf);
        st->in_eof_pending = false;
}

static void stdio_close_stream(Stdio *st, int *fd, Watch *w) {
        loop_remove(st->shim->epoll_fd, w);
        *fd = safe_close(*fd);
}

Stdio *stdio_free(Stdio *st) {
        if (!st)
                return NULL;
        stdio_close_child_ends(st);
        stdio_close_in(st);
        stdio_close_stream(st, &st->out_fd, &st->out_watch);
        stdio_close_stream(st, &st->err_fd, &st->err_watch);
        free(st);
        return NULL;
}

int stdio_set_terminal(Stdio *st, int master) {
        int r = set_nonblock(master);

        if (r < 0) {
                close(master);
                return r;
        }
        st->out_fd = master;
        if (st->has_stdin) {
                /* a second fd, so input and output have watches of their own */
                st->in_fd = fcntl(master, F_DUPFD_CLOEXEC, 3);
                if (st->in_fd < 0)
                        return -errno;
        }
        return 0;
}

static void stdio_stream_ended(Stdio *st, LogStream stream) {
        Shim *s = st->shim;

        if (stream == LOG_STREAM_STDOUT)
                stdio_close_stream(st, &st->out_fd, &st->out_watch);
        else
                stdio_close_stream(st, &st->err_fd, &st->err_watch);
        if (!st->exec && s->log) {
                struct timespec now;
                clock_gettime(CLOCK_REALTIME, &now);
                (void) log_writer_end_stream(s->log, stream, &now);
        }
}

static void stdio_on_output(Stdio *st, LogStream stream) {
        static uint8_t buf[STDIO_READ_SIZE];
        Shim *s = st->shim;
        int fd = stream == LOG_STREAM_STDOUT ? st->out_fd : st->err_fd;
        ssize_t n;

        n = read(fd, buf, sizeof buf);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
                return;
        if (n <= 0) {
                /* EOF; EIO on a pty master once the last slave fd closed */
                if (n < 0 && errno != EIO)
                        log_warning_errno(errno, "Failed to read the output of %s: %m",
                                          st->exec ? "an exec" : "the container");
                stdio_stream_ended(st, stream);
                if (stdio_drained(st)) {
                        if (st->exec)
                                exec_output_drained(st->exec);
                        else
                                container_output_drained(s);
                }
                return;
        }
        if (!st->exec && s->log) {
                struct timespec now;
                clock_gettime(CLOCK_REALTIME, &now);
                (void) log_writer_write(s->log, stream, buf, (size_t) n, &now);
        }
        attach_broadcast(s, st, stream == LOG_STREAM_STDOUT ? SHIM_FRAME_STDOUT : SHIM_FRAME_STDERR, buf, (size_t) n);
}

static void stdio_on_stdout(Watch *w, uint32_t events) {
        stdio_on_output(container_of(w, Stdio, out_watch), LOG_STREAM_STDOUT);
}

static void stdio_on_stderr(Watch *w, uint32_t events) {
        stdio_on_output(container_of(w, Stdio, err_watch), LOG_STREAM_STDERR);
}

static void stdio_flush_input(Stdio *st) {
        size_t before = st->in_buf.len;
        ssize_t left = buffer_flush_to(&st->in_buf, st->in_fd);

        if (left < 0) {
                /* the process closed its stdin: input has nowhere to go */
                if (left != -EPIPE)
                        log_debug_errno((int) left, "Failed to write to the process's stdin: %m");
                stdio_close_in(st);
                attach_input_ready(st->shim, st);
                return;
        }
        if (left == 0) {
                loop_remove(st->shim->epoll_fd, &st->in_watch);
                if (st->in_eof_pending)
                        stdio_close_in(st);
        } else if (st->in_watch.fd < 0) {
                int r = loop_add(st->shim->epoll_fd, &st->in_watch, st->in_fd, EPOLLOUT, st->in_watch.func);
                if (r < 0) {
                        log_error_errno(r, "Failed to watch the process's stdin: %m");
                        stdio_close_in(st);
                }
        }
        /* a client waits for room for a whole frame (attach_stdin()), not
         * for the queue to be less than full: wake it on any progress */
        if ((size_t) left < before)
                attach_input_ready(st->shim, st);
}

static void stdio_on_input(Watch *w, uint32_t events) {
        stdio_flush_input(container_of(w, Stdio, in_watch));
}

int stdio_start(Stdio *st) {
        int r;

        if (st->out_fd >= 0) {
                r = loop_add(st->shim->epoll_fd, &st->out_watch, st->out_fd, EPOLLIN, stdio_on_stdout);
                if (r < 0)
                        return r;
        }
        if (st->err_fd >= 0) {
                r = loop_add(st->shim->epoll_fd, &st->err_watch, st->err_fd, EPOLLIN, stdio_on_stderr);
                if (r < 0)
                        return r;
        }
        return 0;
}

void stdio_discard_pending(Stdio *st) {
        char sink[4096];

        if (st->tty)
                return;
        for (int i = 0; i < 2; i++) {
                int fd = i == 0 ? st->out_fd : st->err_fd;
                for (int k = 0; k < 64 && fd >= 0; k++) {
                        ssize_t n = read(fd, sink, sizeof sink);
                        if (n <= 0)
                                break;
                        log_debug("Dropped %zd bytes the runtime wrote to the container's %s.", n, i ? "stderr" : "stdout");
                }
        }
}

int stdio_write(Stdio *st, const void *p, size_t n) {
        int r;

        if (st->in_fd < 0 || st->in_eof_pending)
                return -EPIPE;
        if (n == 0)
                return 0;
        /* one frame always fits an empty queue, whatever its size */
        if (st->in_buf.len > 0 && st->in_buf.len + n > STDIO_INPUT_MAX)
                return -ENOBUFS;
        r = buffer_append(&st->in_buf, p, n, SIZE_MAX);
        if (r < 0)
                return r;
        stdio_flush_input(st);
        return 0;
}

void stdio_close_input(Stdio *st) {
        if (st->tty || st->in_fd < 0)
                return;
        st->in_eof_pending = true;
        if (st->in_buf.len == 0)
                stdio_close_in(st);
}

int stdio_resize(Stdio *st, unsigned rows, unsigned cols) {
        struct winsize ws = { .ws_row = (unsigned short) rows, .ws_col = (unsigned short) cols };

        if (!st->tty || st->out_fd < 0)
                return -ENOTTY;
        if (ioctl(st->out_fd, TIOCSWINSZ, &ws) < 0)
                return -errno;
        return 0;
}

bool stdio_drained(const Stdio *st) {
        return st->out_fd < 0 && st->err_fd < 0;
}

void stdio_close_output(Stdio *st) {
        if (st->out_fd >= 0)
                stdio_stream_ended(st, LOG_STREAM_STDOUT);
        if (st->err_fd >= 0)
                stdio_stream_ended(st, LOG_STREAM_STDERR);
}
