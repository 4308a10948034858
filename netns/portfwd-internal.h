/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* What portfwd.c and portfwd-handoff.c share; nothing else includes it. */

#include <sys/socket.h>

#include "hostsock.h"
#include "macro.h"
#include "portfwd.h"
#include "seccomp-notify.h"

#define ACCEPTS_PER_WAKEUP 64
#define UDP_BUCKETS 1024

typedef enum TagType {
        TAG_SIGNAL,
        TAG_TCP_LISTENER,
        TAG_UDP_LISTENER,
        TAG_CLIENT,     /* host side of a TCP connection */
        TAG_SERVER,     /* container side */
        TAG_UDP_SESSION,
        TAG_REVERSE_LISTENER,   /* a handed-over port, in the container netns */
        TAG_SECCOMP_LISTENER,   /* where the runtime brings notification fds */
        TAG_NOTIFY,             /* one notification fd: the container's bind() calls */
} TagType;

typedef struct Tag {
        TagType type;
} Tag;

typedef struct Listener {
        Tag tag;
        int fd;         /* on the host; -EBADF while the container holds the port itself */
        bool adopted;   /* held by the container when we started (--adopt) */
        PortForward f;
        /* After a handoff: the container's own listening socket lives on the
         * host (its bind() was given one there), so clients inside the
         * container netns (other containers, the container itself) come in
         * here, on the address the container asked for, and go to it. */
        Tag reverse_tag;
        int reverse_fd;
        struct sockaddr_storage handoff_dst;   /* where the handed-over socket listens, for them */
        socklen_t handoff_dst_len;
} Listener;

typedef struct Notifier Notifier;
struct Notifier {
        Tag tag;
        int fd;
        Notifier *next;
};

typedef struct Direction {
        int pipe[2];
        size_t capacity;        /* of the pipe, in bytes */
        size_t pending;         /* bytes in the pipe */
        /* the last splice into the pipe found no room although pending <
         * capacity: every small segment takes a slot of its own. Reading
         * waits until a splice out has freed some. */
        bool full;
        bool eof;               /* the source said EOF */
        bool done;              /* EOF passed on (shutdown of the destination) */
} Direction;

typedef struct Conn Conn;
struct Conn {
        Tag client_tag, server_tag;
        int client, server;
        uint32_t client_events, server_events; /* registered with epoll (0: not registered) */
        bool connecting;
        bool dead;      /* closed; freed after the current batch of events */
        Direction up;   /* client -> server */
        Direction down; /* server -> client */
        Conn *prev, *next;
};

typedef struct UdpSession UdpSession;
struct UdpSession {
        Tag tag;
        int fd;
        Listener *l;
        struct sockaddr_storage client;
        socklen_t client_len;
        uint64_t last_ms;
        UdpSession *bucket_next;
        UdpSession *prev, *next;        /* all sessions, for the idle sweep */
};

struct Portfwd {
        PortfwdOptions o;
        int epoll_fd;
        Tag signal_tag;
        Listener **listeners;
        PortForward *bound;
        size_t n_listeners;
        Conn *conns;
        Conn *dead;     /* closed during this batch of events */
        size_t n_conns;
        UdpSession *buckets[UDP_BUCKETS];
        UdpSession *sessions;
        size_t n_sessions;
        uint64_t last_sweep_ms;
        uint8_t *datagram;
        int spare_fd;   /* given up to accept-and-close when out of fds */
        /* handoff of published TCP ports (portfwd_enable_handoff()) */
        HostSock *hostsock;
        Tag seccomp_tag;
        int seccomp_fd;
        Notifier *notifiers;
        size_t n_adopted;
};

/* portfwd.c */
int portfwd_host_socket(Portfwd *p, int family, int type, int *ret_fd);
int portfwd_bind_one(Portfwd *p, const PortForward *f, uint16_t port, int *ret_fd);
int portfwd_watch_fixed(Portfwd *p, int fd, Tag *tag);

/* portfwd-handoff.c: a runtime connected to the seccomp listener; one
 * notification fd has a trapped call (or lost its last process) */
void portfwd_handoff_accept(Portfwd *p);
void portfwd_handoff_event(Portfwd *p, Notifier *n, uint32_t events);
/* ports the container held when we started: container-netns clients reach
 * them again */
void portfwd_handoff_adopted(Portfwd *p);
