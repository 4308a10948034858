/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hostsock.h"
#include "macro.h"

struct HostSock {
        pthread_t thread;
        int request[2];         /* main -> thread: family, type */
        int reply[2];           /* thread -> main: fd or -errno */
};

static bool io_full(ssize_t n, size_t size) {
        return n == (ssize_t) size;
}

static void *serve(void *userdata) {
        HostSock *h = userdata;

        for (;;) {
                int req[2], fd;
                ssize_t n;

                do
                        n = read(h->request[0], req, sizeof req);
                while (n < 0 && errno == EINTR);
                if (!io_full(n, sizeof req))
                        break;  /* the main thread closed its end */
                fd = socket(req[0], req[1] | SOCK_CLOEXEC, 0);
                if (fd < 0)
                        fd = -errno;
                do
                        n = write(h->reply[1], &fd, sizeof fd);
                while (n < 0 && errno == EINTR);
                if (!io_full(n, sizeof fd)) {
                        if (fd >= 0)
                                close(fd);
                        break;
                }
        }
        return NULL;
}

int hostsock_start(HostSock **ret) {
        HostSock *h = calloc(1, sizeof *h);
        int r;

        if (!h)
                return -ENOMEM;
        h->request[0] = h->request[1] = h->reply[0] = h->reply[1] = -EBADF;
        if (pipe2(h->request, O_CLOEXEC) < 0 || pipe2(h->reply, O_CLOEXEC) < 0) {
                r = -errno;
                goto fail;
        }
        r = -pthread_create(&h->thread, NULL, serve, h);
        if (r < 0)
                goto fail;
        *ret = h;
        return 0;
fail:
        close_pair(h->request);
        close_pair(h->reply);
        free(h);
        return r;
}

int hostsock_socket(HostSock *h, int family, int type, int *ret_fd) {
        int req[2] = { family, type }, fd;
        ssize_t n;

        do
                n = write(h->request[1], req, sizeof req);
        while (n < 0 && errno == EINTR);
        if (!io_full(n, sizeof req))
                return n < 0 ? -errno : -EIO;
        do
                n = read(h->reply[0], &fd, sizeof fd);
        while (n < 0 && errno == EINTR);
        if (!io_full(n, sizeof fd))
                return n < 0 ? -errno : -EIO;
        if (fd < 0)
                return fd;
        *ret_fd = fd;
        return 0;
}

void hostsock_free(HostSock *h) {
        if (!h)
                return;
        h->request[1] = safe_close(h->request[1]);
        (void) pthread_join(h->thread, NULL);
        h->request[0] = safe_close(h->request[0]);
        close_pair(h->reply);
        free(h);
}
