/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "kv.h"
#include "shim-proto.h"

static struct termios saved_termios;
static bool termios_saved;

static void restore_terminal(void) {
        if (termios_saved) {
                (void) tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_termios);
                termios_saved = false;
        }
}

static void raw_terminal(void) {
        struct termios t;

        if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_termios) < 0)
                return;
        termios_saved = true;
        atexit(restore_terminal);
        t = saved_termios;
        cfmakeraw(&t);
        t.c_oflag |= OPOST; /* keep \n -> \r\n on our side; the pty does its own */
        (void) tcsetattr(STDIN_FILENO, TCSADRAIN, &t);
}

bool cli_terminal_size(unsigned *rows, unsigned *cols) {
        struct winsize ws;

        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) < 0 && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) < 0)
                return false;
        if (ws.ws_row == 0 || ws.ws_col == 0)
                return false;
        *rows = ws.ws_row;
        *cols = ws.ws_col;
        return true;
}

static void send_resize(int sock) {
        unsigned rows, cols;
        char buf[64];
        int n;

        if (!cli_terminal_size(&rows, &cols))
                return;
        n = snprintf(buf, sizeof buf, "rows=%u\ncols=%u", rows, cols);
        (void) shim_frame_write(sock, SHIM_FRAME_RESIZE, buf, (size_t) n);
}

static int write_all(int fd, const uint8_t *p, size_t n) {
        while (n > 0) {
                ssize_t k = write(fd, p, n);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return -errno;
                p += k;
                n -= (size_t) k;
        }
        return 0;
}

static void forward_signal(const CliStreamOptions *o, int sig) {
        char s[16];
        if (!o->container)
                return;
        snprintf(s, sizeof s, "%d", sig);
        roost_container1_call_kill(o->container, s, NULL, NULL, NULL);
}

int cli_stream_run(int sock, const CliStreamOptions *o) {
        g_autoptr(GByteArray) in = g_byte_array_new();
        sigset_t mask, old;
        int sfd, result = -1;
        bool stdin_open = o->send_stdin;

        sigemptyset(&mask);
        for (const int *s = (const int[]) { SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, 0 }; *s; s++)
                sigaddset(&mask, *s);
        sigprocmask(SIG_BLOCK, &mask, &old);
        sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);

        if (o->tty) {
                if (o->send_stdin)
                        raw_terminal();
                send_resize(sock);
        }

        for (;;) {
                struct pollfd p[3] = {
                        { .fd = sock, .events = POLLIN },
                        { .fd = sfd, .events = POLLIN },
                        { .fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN },
                };
                uint8_t buf[65536];
                ssize_t n;

                if (poll(p, 3, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        break;
                }
                if (p[1].revents & POLLIN) {
                        struct signalfd_siginfo si;
                        while (read(sfd, &si, sizeof si) == sizeof si) {
                                if (si.ssi_signo == SIGWINCH) {
                                        if (o->tty)
                                                send_resize(sock);
                                } else if (o->sig_proxy && !o->tty)
                                        forward_signal(o, (int) si.ssi_signo);
                                else if (!o->sig_proxy || o->tty) {
                                        /* not proxying: a terminating signal ends us (the container goes on) */
                                        if (si.ssi_signo != SIGWINCH) {
                                                result = 128 + (int) si.ssi_signo;
                                                goto out;
                                        }
                                }
                        }
                }
                if (p[2].revents & (POLLIN | POLLHUP | POLLERR)) {
                        n = read(STDIN_FILENO, buf, sizeof buf);
                        if (n > 0)
                                (void) shim_frame_write(sock, SHIM_FRAME_STDIN, buf, (size_t) n);
                        else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                                (void) shim_frame_write(sock, SHIM_FRAME_STDIN_EOF, NULL, 0);
                                stdin_open = false;
                        }
                }
                if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
                        n = read(sock, buf, sizeof buf);
                        if (n < 0 && errno == EINTR)
                                continue;
                        if (n <= 0) {
                                restore_terminal();
                                fprintf(stderr, "Error: lost the connection to the container (its shim closed the stream)\n");
                                result = -1;
                                goto out;
                        }
                        g_byte_array_append(in, buf, (guint) n);
                        for (;;) {
                                ShimFrame f;
                                ssize_t used = shim_frame_parse(in->data, in->len, &f);
                                if (used == 0)
                                        break;
                                if (used < 0) {
                                        restore_terminal();
                                        fprintf(stderr, "Error: the container's stream is garbled (bad frame)\n");
                                        result = -1;
                                        goto out;
                                }
                                if (f.type == SHIM_FRAME_STDOUT)
                                        (void) write_all(STDOUT_FILENO, f.payload, f.len);
                                else if (f.type == SHIM_FRAME_STDERR)
                                        (void) write_all(STDERR_FILENO, f.payload, f.len);
                                else if (f.type == SHIM_FRAME_EXIT || f.type == SHIM_FRAME_ERROR ||
                                         f.type == SHIM_FRAME_DETACHED) {
                                        g_autofree char *text = g_strndup((const char *) f.payload, f.len);
                                        g_autofree char *v = NULL;
                                        restore_terminal();
                                        if (f.type == SHIM_FRAME_DETACHED) {
                                                fprintf(stderr, "read escape sequence\n");
                                                result = CLI_STREAM_DETACHED;
                                        } else if (f.type == SHIM_FRAME_EXIT) {
                                                result = kv_get(text, "exit_code", &v) >= 0 ? atoi(v) : -1;
                                        } else {
                                                g_autofree char *code = NULL;
                                                if (kv_get(text, "message", &v) < 0)
                                                        v = g_strdup(text);
                                                fprintf(stderr, "Error: %s\n", v);
                                                result = kv_get(text, "code", &code) >= 0 ? atoi(code) : EXIT_ROOST_ERROR;
                                                if (result <= 0)
                                                        result = EXIT_ROOST_ERROR;
                                        }
                                        goto out;
                                }
                                g_byte_array_remove_range(in, 0, (guint) used);
                        }
                }
        }
out:
        restore_terminal();
        if (sfd >= 0)
                close(sfd);
        sigprocmask(SIG_SETMASK, &old, NULL);
        return result;
}
