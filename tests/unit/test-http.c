/* SPDX-License-Identifier: Apache-2.0 */
/* roostd's http.c against the real roost-http helper (ROOST_HTTP_HELPER, set
 * by meson) and a local HTTP server (http-test-server.py, HTTP_TEST_SERVER),
 * on an sd-event loop as in roostd. ROOST_HTTP_IDLE_MS is short here. */
#include <dirent.h>
#include <errno.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <systemd/sd-event.h>
#include <unistd.h>

#include "http.h"
#include "log.h"

#define SIZE (3 * 1024 * 1024 + 12345)

static sd_event *event;
static Http *http;
static GPid server_pid;
static char base_url[64];

static guint8 body_byte(size_t i) {
        return (guint8) (((i * 31) + (i >> 11)) & 0xff);
}

typedef struct Fetch {
        HttpRequest *req;
        bool headers, done;
        int r;
        char *message;
        long status;
        int64_t content_length;
        char *content_range, *error_body, *digest;
        uint64_t offset;  /* the first byte expected */
        uint64_t got;
        bool bad_byte;
        unsigned callbacks_after_done;
        /* pause/resume */
        unsigned n_data;
        unsigned pause_every;
        bool paused, in_resume, reentered;
        sd_event_source *resume_timer;
        /* abort */
        int abort_with;
        /* once data arrives: cancel (from a timer) or kill the helper */
        bool cancel_on_data, kill_on_data;
        sd_event_source *action;
} Fetch;

static void fetch_clear(Fetch *f) {
        g_free(f->message);
        g_free(f->content_range);
        g_free(f->error_body);
        g_free(f->digest);
        sd_event_source_disable_unref(f->resume_timer);
        sd_event_source_disable_unref(f->action);
}

static int on_headers(HttpRequest *req, const HttpResponse *resp, void *userdata) {
        Fetch *f = userdata;

        if (f->done)
                f->callbacks_after_done++;
        g_assert_false(f->headers);
        f->headers = true;
        f->status = resp->status;
        f->content_length = resp->content_length;
        f->content_range = g_strdup(resp->content_range);
        f->digest = g_strdup(resp->docker_content_digest);
        return 0;
}

static int on_resume_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Fetch *f = userdata;

        f->resume_timer = sd_event_source_disable_unref(f->resume_timer);
        f->paused = false;
        f->in_resume = true;
        http_request_resume(f->req);
        f->in_resume = false;
        return 0;
}

/* roost-http's PID: the child of ours running it */
static pid_t helper_pid(bool *zombie) {
        g_autoptr(GDir) d = g_dir_open("/proc", 0, NULL);
        const char *name;
        pid_t found = 0;

        while ((name = g_dir_read_name(d))) {
                g_autofree char *path = g_strdup_printf("/proc/%s/stat", name), *text = NULL;
                char comm[64], state;
                int pid, ppid;
                if (!g_ascii_isdigit(name[0]) || !g_file_get_contents(path, &text, NULL, NULL))
                        continue;
                if (sscanf(text, "%d (%63[^)]) %c %d", &pid, comm, &state, &ppid) != 4)
                        continue;
                if (ppid == getpid() && g_str_equal(comm, "roost-http")) {
                        found = pid;
                        if (zombie)
                                *zombie = state == 'Z';
                }
        }
        return found;
}

static int on_action(sd_event_source *s, uint64_t usec, void *userdata) {
        Fetch *f = userdata;

        f->action = sd_event_source_disable_unref(f->action);
        if (f->cancel_on_data) {
                http_request_cancel(f->req);
                f->req = NULL;
        }
        return 0;
}

static int on_data(HttpRequest *req, const void *p, size_t n, void *userdata) {
        Fetch *f = userdata;
        const guint8 *b = p;

        if (f->done)
                f->callbacks_after_done++;
        if (f->in_resume)
                f->reentered = true;
        g_assert_false(f->paused);
        f->n_data++;
        if (f->abort_with && f->got > 0)
                return f->abort_with;
        if (f->pause_every && f->n_data % f->pause_every == 0) {
                /* pause; some pauses long enough for roost-http's socket to fill */
                f->paused = true;
                g_assert_cmpint(sd_event_add_time_relative(event, &f->resume_timer, CLOCK_MONOTONIC,
                                                           f->n_data % (4 * f->pause_every) == 0 ? 50000 : 0, 0,
                                                           on_resume_timer, f), >=, 0);
                return -EAGAIN;
        }
        for (size_t i = 0; i < n; i++)
                if (b[i] != body_byte(f->offset + f->got + i))
                        f->bad_byte = true;
        f->got += n;
        if (f->kill_on_data) {
                pid_t pid = helper_pid(NULL);
                g_assert_cmpint(pid, >, 0);
                g_assert_cmpint(kill(pid, SIGKILL), ==, 0);
                f->kill_on_data = false;
        }
        if (f->cancel_on_data && !f->action)
                g_assert_cmpint(sd_event_add_time_relative(event, &f->action, CLOCK_MONOTONIC, 0, 0, on_action, f), >=, 0);
        return 0;
}

static void on_done(HttpRequest *req, int r, const char *message, const HttpResponse *resp, void *userdata) {
        Fetch *f = userdata;

        if (f->done)
                f->callbacks_after_done++;
        f->done = true;
        f->req = NULL;
        f->r = r;
        f->message = g_strdup(message);
        f->status = resp->status;
        f->error_body = g_strdup(resp->error_body);
}

static void run_for(unsigned ms) {
        uint64_t end = g_get_monotonic_time() + ms * 1000ULL;

        while ((uint64_t) g_get_monotonic_time() < end)
                g_assert_cmpint(sd_event_run(event, 10000), >=, 0);
}

static void run_until_done(Fetch *f) {
        uint64_t end = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;

        while (!f->done) {
                g_assert_cmpint((int64_t) g_get_monotonic_time(), <, (int64_t) end);
                g_assert_cmpint(sd_event_run(event, 100000), >=, 0);
        }
}

static void start(Fetch *f, const char *path, const HttpRequestParams *extra) {
        static const HttpCallbacks cb = { .on_headers = on_headers, .on_data = on_data, .on_done = on_done };
        g_autofree char *url = g_strdup_printf("%s%s", base_url, path);
        HttpRequestParams p = extra ? *extra : (HttpRequestParams) { .timeout_s = 10 };

        p.url = url;
        g_assert_cmpint(http_request_start(http, &p, &cb, f, &f->req), ==, 0);
}

static void assert_complete(Fetch *f, uint64_t from) {
        g_assert_cmpint(f->r, ==, 0);
        g_assert_null(f->message);
        g_assert_cmpuint(f->got, ==, SIZE - from);
        g_assert_false(f->bad_byte);
        g_assert_cmpint(f->content_length, ==, SIZE - (int64_t) from);
        g_assert_cmpstr(f->digest, ==, "sha256:test");
        g_assert_cmpuint(f->callbacks_after_done, ==, 0);
}

static void test_get(void) {
        Fetch f = {};

        start(&f, "/big", NULL);
        run_until_done(&f);
        g_assert_true(f.headers);
        g_assert_cmpint(f.status, ==, 200);
        assert_complete(&f, 0);
        fetch_clear(&f);
}

static void test_not_found(void) {
        Fetch f = {};

        start(&f, "/missing", NULL);
        run_until_done(&f);
        g_assert_cmpint(f.r, ==, 0);
        g_assert_cmpint(f.status, ==, 404);
        g_assert_cmpstr(f.error_body, ==, "not here\n");
        g_assert_cmpuint(f.got, ==, 0);
        fetch_clear(&f);
}

static void test_head(void) {
        HttpRequestParams p = { .head = true, .timeout_s = 10 };
        Fetch f = {};

        start(&f, "/big", &p);
        run_until_done(&f);
        g_assert_cmpint(f.r, ==, 0);
        g_assert_cmpint(f.status, ==, 200);
        g_assert_cmpint(f.content_length, ==, SIZE);
        g_assert_cmpuint(f.got, ==, 0);
        fetch_clear(&f);
}

static void test_range(void) {
        HttpRequestParams p = { .range_from = 1000000, .timeout_s = 10 };
        g_autofree char *cr = g_strdup_printf("bytes 1000000-%d/%d", SIZE - 1, SIZE);
        Fetch f = { .offset = 1000000 };

        start(&f, "/big", &p);
        run_until_done(&f);
        g_assert_cmpint(f.status, ==, 206);
        g_assert_cmpstr(f.content_range, ==, cr);
        assert_complete(&f, 1000000);
        fetch_clear(&f);
}

static void test_pause_resume(void) {
        Fetch f = { .pause_every = 3 };

        start(&f, "/big", NULL);
        run_until_done(&f);
        g_assert_cmpint(f.status, ==, 200);
        assert_complete(&f, 0);
        g_assert_false(f.reentered);
        g_assert_cmpuint(f.n_data, >, 10);
        fetch_clear(&f);
}

static void test_abort(void) {
        Fetch f = { .abort_with = -EFBIG };

        start(&f, "/big", NULL);
        run_until_done(&f);
        g_assert_cmpint(f.r, ==, -EFBIG);
        g_assert_cmpstr(f.message, ==, "Failure writing output to destination");
        run_for(200);
        g_assert_cmpuint(f.callbacks_after_done, ==, 0);
        fetch_clear(&f);
}

static void test_cancel(void) {
        Fetch f = { .cancel_on_data = true }, g = {};

        start(&f, "/slow", NULL);
        while (f.req)
                g_assert_cmpint(sd_event_run(event, 100000), >=, 0);
        g_assert_cmpuint(f.got, >, 0);
        run_for(300);
        g_assert_false(f.done);
        /* the helper carries on */
        start(&g, "/big", NULL);
        run_until_done(&g);
        assert_complete(&g, 0);
        fetch_clear(&f);
        fetch_clear(&g);
}

static void test_idle_exit(void) {
        Fetch f = {};
        bool zombie = false;

        start(&f, "/missing", NULL);
        run_until_done(&f);
        g_assert_cmpint(helper_pid(NULL), >, 0);
        /* ROOST_HTTP_IDLE_MS: it goes, reaped (no zombie left) */
        run_for(atoi(g_getenv("ROOST_HTTP_IDLE_MS")) + 700);
        g_assert_cmpint(helper_pid(&zombie), ==, 0);
        /* and comes back for the next request */
        fetch_clear(&f);
        f = (Fetch) {};
        start(&f, "/missing", NULL);
        run_until_done(&f);
        g_assert_cmpint(f.status, ==, 404);
        fetch_clear(&f);
}

static void test_helper_killed(void) {
        Fetch f = { .kill_on_data = true }, g = {};

        start(&f, "/slow", NULL);
        run_until_done(&f);
        g_assert_cmpint(f.r, <, 0);
        g_assert_nonnull(strstr(f.message, "roost-http"));
        run_for(200);
        g_assert_cmpuint(f.callbacks_after_done, ==, 0);
        /* a new helper takes the next request */
        start(&g, "/big", NULL);
        run_until_done(&g);
        assert_complete(&g, 0);
        fetch_clear(&f);
        fetch_clear(&g);
}

static void test_helper_missing(void) {
        static const HttpCallbacks cb = { .on_data = on_data, .on_done = on_done };
        g_autofree char *saved = g_strdup(g_getenv("ROOST_HTTP_HELPER"));
        HttpRequestParams p = { .url = base_url };
        Http *h = NULL;
        Fetch f = {};

        g_setenv("ROOST_HTTP_HELPER", "/nonexistent/roost-http", TRUE);
        g_assert_cmpint(http_new(event, 0, &h), ==, 0);
        g_assert_cmpint(http_request_start(h, &p, &cb, &f, &f.req), ==, -ENOENT);
        g_assert_nonnull(strstr(log_last_error_message(), "roost-http"));
        g_assert_nonnull(strstr(log_last_error_message(), "reinstall roost"));
        http_free(h);
        g_setenv("ROOST_HTTP_HELPER", saved, TRUE);
}

static void server_start(void) {
        const char *script = g_getenv("HTTP_TEST_SERVER");
        char *argv[] = { (char *) "python3", (char *) script, NULL };
        g_autoptr(GError) error = NULL;
        char line[32] = "";
        int out = -1;
        FILE *fp;

        g_assert_nonnull(script);
        g_assert_true(g_spawn_async_with_pipes(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                                               NULL, &server_pid, NULL, &out, NULL, &error));
        g_assert_no_error(error);
        fp = fdopen(out, "r");
        g_assert_nonnull(fgets(line, sizeof line, fp));
        fclose(fp);
        g_snprintf(base_url, sizeof base_url, "http://127.0.0.1:%d", atoi(line));
}

static void server_stop(void) {
        kill(server_pid, SIGTERM);
        (void) waitpid(server_pid, NULL, 0);
}

int main(int argc, char **argv) {
        int r;

        g_test_init(&argc, &argv, NULL);
        log_setup("test-http");
        if (!g_getenv("ROOST_HTTP_IDLE_MS"))
                g_setenv("ROOST_HTTP_IDLE_MS", "300", TRUE);
        server_start();
        g_assert_cmpint(sd_event_default(&event), >=, 0);
        g_assert_cmpint(http_new(event, 4, &http), ==, 0);

        g_test_add_func("/http/get", test_get);
        g_test_add_func("/http/not-found", test_not_found);
        g_test_add_func("/http/head", test_head);
        g_test_add_func("/http/range", test_range);
        g_test_add_func("/http/pause-resume", test_pause_resume);
        g_test_add_func("/http/abort", test_abort);
        g_test_add_func("/http/cancel", test_cancel);
        g_test_add_func("/http/idle-exit", test_idle_exit);
        g_test_add_func("/http/helper-killed", test_helper_killed);
        g_test_add_func("/http/helper-missing", test_helper_missing);
        r = g_test_run();

        http_free(http);
        g_assert_cmpint(helper_pid(NULL), ==, 0);
        sd_event_unref(event);
        server_stop();
        return r;
}
