/* SPDX-License-Identifier: Apache-2.0 */
#include <glib.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "shim-proto.h"

static void test_frame_header_and_parse(void) {
        uint8_t buf[64];
        ShimFrame f;

        shim_frame_header(buf, SHIM_FRAME_STDOUT, 5);
        g_assert_cmpmem(buf, 5, ((uint8_t[]) { 'o', 0, 0, 0, 5 }), 5);
        memcpy(buf + 5, "hello", 5);
        /* every prefix is "need more" */
        for (size_t i = 0; i < 10; i++)
                g_assert_cmpint(shim_frame_parse(buf, i, &f), ==, 0);
        g_assert_cmpint(shim_frame_parse(buf, 10, &f), ==, 10);
        g_assert_cmpint(f.type, ==, SHIM_FRAME_STDOUT);
        g_assert_cmpuint(f.len, ==, 5);
        g_assert_cmpmem(f.payload, 5, "hello", 5);

        /* two frames back to back: the first comes out alone */
        shim_frame_header(buf + 10, SHIM_FRAME_STDIN_EOF, 0);
        g_assert_cmpint(shim_frame_parse(buf, 15, &f), ==, 10);
        g_assert_cmpint(shim_frame_parse(buf + 10, 5, &f), ==, 5);
        g_assert_cmpint(f.type, ==, SHIM_FRAME_STDIN_EOF);
        g_assert_cmpuint(f.len, ==, 0);

        /* big-endian length */
        shim_frame_header(buf, SHIM_FRAME_STDERR, 0x01020304);
        g_assert_cmpmem(buf + 1, 4, ((uint8_t[]) { 1, 2, 3, 4 }), 4);
}

static void test_frame_bad(void) {
        uint8_t buf[8];
        ShimFrame f;

        /* an unknown type is refused at once, before the length arrives */
        buf[0] = 'Z';
        g_assert_cmpint(shim_frame_parse(buf, 1, &f), ==, -EBADMSG);
        /* a length over the limit is refused without waiting for the bytes */
        shim_frame_header(buf, SHIM_FRAME_STDIN, SHIM_FRAME_MAX + 1);
        g_assert_cmpint(shim_frame_parse(buf, 5, &f), ==, -EBADMSG);
        shim_frame_header(buf, SHIM_FRAME_STDIN, SHIM_FRAME_MAX);
        g_assert_cmpint(shim_frame_parse(buf, 5, &f), ==, 0);
        g_assert_false(shim_frame_type_valid(0));
        g_assert_true(shim_frame_type_valid(SHIM_FRAME_DETACHED));
}

static void test_frame_io(void) {
        int sv[2];
        char buf[16];
        uint8_t type;
        size_t len;

        g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
        g_assert_cmpint(shim_frame_write(sv[0], SHIM_FRAME_STDOUT, "abc", 3), ==, 0);
        g_assert_cmpint(shim_frame_write(sv[0], SHIM_FRAME_STDOUT, "0123456789abcdefXYZ", 19), ==, 0);
        g_assert_cmpint(shim_frame_write(sv[0], SHIM_FRAME_EXIT, "exit_code=3\n", 12), ==, 0);
        g_assert_cmpint(shim_frame_read(sv[1], &type, buf, sizeof buf, &len), ==, 0);
        g_assert_cmpint(type, ==, 'o');
        g_assert_cmpstr(buf, ==, "abc");
        /* too big for the buffer: skipped, and the stream stays in step */
        g_assert_cmpint(shim_frame_read(sv[1], &type, buf, sizeof buf, &len), ==, -EMSGSIZE);
        g_assert_cmpint(shim_frame_read(sv[1], &type, buf, sizeof buf, &len), ==, 0);
        g_assert_cmpint(type, ==, SHIM_FRAME_EXIT);
        g_assert_cmpstr(buf, ==, "exit_code=3\n");
        /* EOF at a frame boundary, then inside a frame */
        g_assert_cmpint(write(sv[0], "o\0\0", 3), ==, 3);
        close(sv[0]);
        g_assert_cmpint(shim_frame_read(sv[1], &type, buf, sizeof buf, &len), ==, -EPROTO);
        g_assert_cmpint(shim_frame_read(sv[1], &type, buf, sizeof buf, &len), ==, -ECONNRESET);
        close(sv[1]);
        g_assert_cmpint(shim_frame_write(-1, SHIM_FRAME_STDIN, buf, SHIM_FRAME_MAX + 1), ==, -EMSGSIZE);
}

static void test_request_roundtrip(void) {
        const char *fields[] = { "tty", "true", "stdin", "false", NULL };
        const char *body = "{\"args\":[\"sh\"]}\n\n{not fields}";
        char *p = NULL;
        size_t len;
        ShimRequest req;

        g_assert_cmpint(shim_request_format("exec", fields, body, strlen(body), &p, &len), ==, 0);
        g_assert_cmpstr(p, ==, "exec\ntty=true\nstdin=false\n\n{\"args\":[\"sh\"]}\n\n{not fields}");
        g_assert_cmpint(shim_request_parse(p, len, &req), ==, 0);
        g_assert_cmpstr(req.op, ==, "exec");
        g_assert_cmpuint(req.n_fields, ==, 2);
        g_assert_cmpstr(shim_request_get(&req, "tty"), ==, "true");
        g_assert_cmpstr(shim_request_get(&req, "stdin"), ==, "false");
        g_assert_null(shim_request_get(&req, "detach"));
        g_assert_cmpuint(req.body_len, ==, strlen(body));
        g_assert_cmpmem(req.body, req.body_len, body, strlen(body));
        free(p);

        /* no fields, a body */
        g_assert_cmpint(shim_request_format("exec", NULL, "{}", 2, &p, &len), ==, 0);
        g_assert_cmpint(shim_request_parse(p, len, &req), ==, 0);
        g_assert_cmpuint(req.n_fields, ==, 0);
        g_assert_cmpmem(req.body, req.body_len, "{}", 2);
        free(p);

        /* fields, no body; the op alone */
        g_assert_cmpint(shim_request_format("kill", (const char *[]) { "signal", "TERM", NULL }, NULL, 0, &p, &len), ==, 0);
        g_assert_cmpint(shim_request_parse(p, len, &req), ==, 0);
        g_assert_cmpstr(shim_request_get(&req, "signal"), ==, "TERM");
        g_assert_null(req.body);
        free(p);
        char state[] = "state";
        g_assert_cmpint(shim_request_parse(state, strlen(state), &req), ==, 0);
        g_assert_cmpstr(req.op, ==, "state");

        /* values cannot hold a newline */
        g_assert_cmpint(shim_request_format("kill", (const char *[]) { "signal", "a\nb", NULL }, NULL, 0, &p, &len), ==, -EINVAL);
}

static void test_request_malformed(void) {
        static const char *const bad[] = {
                "",                   /* no op */
                "\nx=1",              /* empty op */
                "Attach",             /* op is lower case */
                "attach\nnot a field",
                "attach\nBAD=1",
                "attach\n=1",
                "attachattachattachattachattachattach", /* op too long */
        };
        ShimRequest req;

        for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
                g_autofree char *p = g_strdup(bad[i]);
                g_assert_cmpint(shim_request_parse(p, strlen(p), &req), ==, -EBADMSG);
        }
        /* a NUL inside */
        char nul[] = "attach\nx=1\0y=2";
        g_assert_cmpint(shim_request_parse(nul, sizeof nul - 1, &req), ==, -EBADMSG);
        /* too many fields */
        g_autoptr(GString) many = g_string_new("attach\n");
        for (int i = 0; i <= SHIM_REQUEST_FIELDS_MAX; i++)
                g_string_append_printf(many, "k%d=v\n", i);
        g_assert_cmpint(shim_request_parse(many->str, many->len, &req), ==, -EBADMSG);
}

static void test_sockaddr(void) {
        struct sockaddr_un sa;
        socklen_t len;
        g_autofree char *longdir = g_strnfill(120, 'd');

        g_assert_cmpint(shim_sockaddr(-1, "/run/x", "shim.sock", &sa, &len), ==, 0);
        g_assert_cmpstr(sa.sun_path, ==, "/run/x/shim.sock");
        g_assert_cmpint(shim_sockaddr(-1, longdir, "shim.sock", &sa, &len), ==, -ENAMETOOLONG);
        g_assert_cmpint(shim_sockaddr(7, longdir, "shim.sock", &sa, &len), ==, 0);
        g_assert_cmpstr(sa.sun_path, ==, "/proc/self/fd/7/shim.sock");
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/shim-proto/frame", test_frame_header_and_parse);
        g_test_add_func("/shim-proto/frame-bad", test_frame_bad);
        g_test_add_func("/shim-proto/frame-io", test_frame_io);
        g_test_add_func("/shim-proto/request", test_request_roundtrip);
        g_test_add_func("/shim-proto/request-malformed", test_request_malformed);
        g_test_add_func("/shim-proto/sockaddr", test_sockaddr);
        return g_test_run();
}
