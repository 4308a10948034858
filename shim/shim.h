/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "config.h"
#include "loop.h"
#include "macro.h"

/* The state of one roost-shim: one container, the clients of its socket,
 * its exec sessions and the runtime commands in flight. Single-threaded:
 * everything runs from the loop in main.c. */

typedef struct Client Client;
typedef struct Exec Exec;
typedef struct LogWriter LogWriter;
typedef struct RuntimeCall RuntimeCall;
typedef struct Stdio Stdio;

typedef enum ContainerStatus {
        CONTAINER_CREATING, /* `runtime create` is running */
        CONTAINER_CREATED,
        CONTAINER_RUNNING,
        CONTAINER_EXITED,
} ContainerStatus;

/* How long things may take (ms). */
#define SHIM_GO_TIMEOUT_MS 60000       /* roostd's "go" on the sync fd */
#define SHIM_CREATE_TIMEOUT_MS 120000
#define SHIM_RUNTIME_TIMEOUT_MS 30000  /* start, kill, delete, exec */
#define SHIM_DRAIN_TIMEOUT_MS 2000     /* output still open after the init exited */
#define SHIM_LINGER_TIMEOUT_MS 5000    /* clients slow to take their last frames */

typedef struct Orphan {
        pid_t pid;
        int status;
} Orphan;

typedef struct Shim {
        ShimConfig config;
        const char *state_dir;
        int dir_fd;
        int epoll_fd;
        int sync_fd;
        int signal_fd;
        Watch signal_watch;
        int listen_fd;
        Watch listen_watch;
        int console_fd; /* listening for the container's pty while it is created */

        Client *clients;
        uint64_t next_client_serial;
        RuntimeCall *calls;
        unsigned next_call_id;
        Exec *execs;
        unsigned next_exec_id;

        Stdio *stdio; /* the container's */
        LogWriter *log;

        ContainerStatus status;
        pid_t container_pid;
        unsigned long long container_starttime;
        uint64_t start_client; /* serial of the client whose start is running, 0: none */
        bool term_forwarded;

        bool init_exited;
        int init_status;            /* from waitpid() */
        struct timespec exited_at;  /* CLOCK_REALTIME */
        int64_t drain_deadline;
        int failure_code;           /* 125/126/127 when create or start failed, else 0 */
        char *failure_message;

        bool finalized;   /* exit recorded, clients told */
        bool deleting;
        bool deleted;
        int64_t linger_deadline;
        bool quit;
        int quit_code;

        /* children reaped before we learnt who they were (an exec's PID is
         * read from its pid file after the runtime exits) */
        Orphan orphans[32];
        size_t n_orphans;
} Shim;
