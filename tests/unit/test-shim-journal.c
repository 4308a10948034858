/* SPDX-License-Identifier: Apache-2.0 */
#include <glib.h>
#include <glib/gstdio.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "journal-send.h"
#include "journal.h"

typedef struct Server {
        char *dir, *path;
        int fd;
} Server;

static void server_open(Server *s) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };

        s->dir = g_dir_make_tmp("roost-test-XXXXXX", NULL);
        s->path = g_build_filename(s->dir, "journal.sock", NULL);
        g_strlcpy(sa.sun_path, s->path, sizeof sa.sun_path);
        s->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        g_assert_cmpint(bind(s->fd, (struct sockaddr *) &sa, sizeof sa), ==, 0);
}

static void server_close(Server *s) {
        close(s->fd);
        g_unlink(s->path);
        g_rmdir(s->dir);
        g_free(s->path);
        g_free(s->dir);
}

/* One entry as journald gets it: the datagram, or the memfd it carries. */
static GBytes *server_recv(Server *s) {
        union {
                struct cmsghdr h;
                uint8_t buf[CMSG_SPACE(sizeof(int))];
        } control = {};
        static uint8_t buf[256 * 1024];
        struct iovec iov = { buf, sizeof buf };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control, .msg_controllen = sizeof control };
        ssize_t n = recvmsg(s->fd, &mh, MSG_CMSG_CLOEXEC);
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

        g_assert_cmpint(n, >=, 0);
        if (c && c->cmsg_type == SCM_RIGHTS) {
                int fd;
                memcpy(&fd, CMSG_DATA(c), sizeof fd);
                off_t size = lseek(fd, 0, SEEK_END);
                void *p = mmap(NULL, (size_t) size, PROT_READ, MAP_PRIVATE, fd, 0);
                GBytes *b = g_bytes_new(p, (size_t) size);
                munmap(p, (size_t) size);
                close(fd);
                g_assert_cmpint(n, ==, 0);
                return b;
        }
        return g_bytes_new(buf, (size_t) n);
}

static bool has_field(GBytes *b, const char *field) {
        gsize n;
        const char *p = g_bytes_get_data(b, &n);
        g_autofree char *needle = g_strconcat(field, "\n", NULL);
        return g_strstr_len(p, (gssize) n, needle) != NULL;
}

static void test_native_protocol(void) {
        Server s;
        int fd;

        server_open(&s);
        fd = journal_open(s.path);
        g_assert_cmpint(fd, >=, 0);

        /* plain fields: KEY=value\n */
        struct iovec simple[] = { { "MESSAGE=hello", 13 }, { "PRIORITY=6", 10 } };
        g_assert_cmpint(journal_sendv(fd, simple, 2, 0), ==, 0);
        g_autoptr(GBytes) b1 = server_recv(&s);
        g_assert_cmpmem(g_bytes_get_data(b1, NULL), g_bytes_get_size(b1), "MESSAGE=hello\nPRIORITY=6\n", 25);

        /* a value with a newline: KEY\n, 64-bit little-endian size, value, \n */
        struct iovec nl[] = { { "MESSAGE=a\nb", 11 } };
        g_assert_cmpint(journal_sendv(fd, nl, 1, 0), ==, 0);
        g_autoptr(GBytes) b2 = server_recv(&s);
        g_assert_cmpmem(g_bytes_get_data(b2, NULL), g_bytes_get_size(b2), "MESSAGE\n\3\0\0\0\0\0\0\0a\nb\n", 20);

        /* bad names are refused */
        struct iovec bad[] = { { "message=x", 9 } };
        g_assert_cmpint(journal_sendv(fd, bad, 1, 0), ==, -EINVAL);
        struct iovec under[] = { { "_PID=1", 6 } };
        g_assert_cmpint(journal_sendv(fd, under, 1, 0), ==, -EINVAL);

        /* too big for a datagram: it travels in a memfd */
        g_autofree char *big = g_strnfill(1024 * 1024, 'z');
        memcpy(big, "MESSAGE=", 8);
        struct iovec large[] = { { big, 1024 * 1024 } };
        g_assert_cmpint(journal_sendv(fd, large, 1, 0), ==, 0);
        g_autoptr(GBytes) b3 = server_recv(&s);
        g_assert_cmpuint(g_bytes_get_size(b3), ==, 1024 * 1024 + 1);
        close(fd);
        server_close(&s);
}

static void test_container_fields(void) {
        Server s;
        Journal *j;

        server_open(&s);
        g_assert_cmpint(journal_writer_new(s.path, "0123456789abcdef0123", "web", NULL, &j), ==, 0);
        journal_writer_line(j, LOG_STREAM_STDERR, false, (const uint8_t *) "it broke", 8);
        journal_writer_line(j, LOG_STREAM_STDOUT, true, (const uint8_t *) "piece", 5);
        journal_writer_free(j);

        g_autoptr(GBytes) e1 = server_recv(&s);
        g_assert_true(has_field(e1, "MESSAGE=it broke"));
        g_assert_true(has_field(e1, "PRIORITY=3"));
        g_assert_true(has_field(e1, "CONTAINER_ID=0123456789ab"));
        g_assert_true(has_field(e1, "CONTAINER_ID_FULL=0123456789abcdef0123"));
        g_assert_true(has_field(e1, "CONTAINER_NAME=web"));
        g_assert_true(has_field(e1, "CONTAINER_TAG=web"));
        g_assert_true(has_field(e1, "SYSLOG_IDENTIFIER=web"));
        g_assert_false(has_field(e1, "CONTAINER_PARTIAL_MESSAGE=true"));
        g_autoptr(GBytes) e2 = server_recv(&s);
        g_assert_true(has_field(e2, "PRIORITY=6"));
        g_assert_true(has_field(e2, "CONTAINER_PARTIAL_MESSAGE=true"));
        server_close(&s);

        g_assert_cmpint(journal_writer_new("/nonexistent/journal.sock", "a", "b", NULL, &j), ==, -ENOENT);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/shim-journal/native-protocol", test_native_protocol);
        g_test_add_func("/shim-journal/container-fields", test_container_fields);
        return g_test_run();
}
