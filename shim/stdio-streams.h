/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "buffer.h"
#include "shim.h"

/* The standard streams of a process the shim runs (the container's init,
 * or an exec): pipes, or a pty master received from the runtime. Output is
 * read as soon as it comes, so the process never waits on a client; it goes
 * to the log (the container's only) and to the attached clients. Input from
 * clients is queued here, up to STDIO_INPUT_MAX; past that the clients
 * sending it are paused until the process reads. */

#define STDIO_INPUT_MAX (64u * 1024)

struct Stdio {
        Shim *shim;
        Exec *exec;       /* NULL for the container's */
        bool tty;
        bool has_stdin;
        int in_fd;        /* our end of the process's stdin; -1 when closed or none */
        Watch in_watch;
        Buffer in_buf;
        bool in_eof_pending; /* close in_fd once in_buf drains */
        int out_fd, err_fd;  /* our ends of stdout and stderr; a terminal has out_fd only */
        Watch out_watch, err_watch;
        int child[3];        /* the process's ends, for the runtime to pass on */
};

int stdio_new(Shim *s, Exec *exec, bool tty, bool with_stdin, Stdio **ret);
Stdio *stdio_free(Stdio *st);
/* The runtime has been started with the child ends: drop our copies. */
void stdio_close_child_ends(Stdio *st);
/* A terminal: takes the pty master. */
int stdio_set_terminal(Stdio *st, int master);
/* Starts watching the output. */
int stdio_start(Stdio *st);
/* Drops whatever is already in the output pipes (what the runtime itself
 * wrote there before the process started). */
void stdio_discard_pending(Stdio *st);

/* Queues input; -ENOBUFS when the queue has no room for it (try again
 * after attach_input_ready()), -EPIPE when the input is closed (dropped). */
int stdio_write(Stdio *st, const void *p, size_t n);
/* The client's input ended: close the process's stdin once drained
 * (ignored on a terminal, where other clients may still type). */
void stdio_close_input(Stdio *st);
int stdio_resize(Stdio *st, unsigned rows, unsigned cols);

bool stdio_drained(const Stdio *st);
/* Stops reading output (the process is gone but something still holds
 * the pipes open). */
void stdio_close_output(Stdio *st);
