/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <glib.h>
#include <sys/epoll.h>

#include "build-config.h"
#include "helper.h"
#include "nsexec.h"

struct Helper {
        Daemon *d;
        NsChild child;
        int out_fd;
        sd_event_source *exit_src, *out_src;
        GString *out;
        HelperDone done;
        void *userdata;
};

const char *helper_path(void) {
        const char *e = getenv("ROOST_UNPACK_HELPER");
        return !isempty(e) ? e : ROOST_LIBEXECDIR "/roost/roost-unpack";
}

/* Event sources go before their descriptors: epoll would otherwise keep
 * the registration of a descriptor some forked child still holds, and
 * deliver events for a source that no longer exists. */
static void helper_free(Helper *h) {
        if (!h)
                return;
        sd_event_source_disable_unref(h->exit_src);
        sd_event_source_disable_unref(h->out_src);
        if (h->child.pid > 0)
                nsexec_kill(&h->child);
        safe_close(h->out_fd);
        if (h->out)
                g_string_free(h->out, TRUE);
        free(h);
}

void helper_cancel(Helper *h) {
        helper_free(h);
}

static void drain(Helper *h) {
        char buf[4096];
        ssize_t n;

        while (h->out_fd >= 0 && (n = read(h->out_fd, buf, sizeof buf)) > 0)
                if (h->out->len < HELPER_OUTPUT_MAX)
                        g_string_append_len(h->out, buf, MIN((gssize) n, (gssize) (HELPER_OUTPUT_MAX - h->out->len)));
}

static int on_output(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Helper *h = userdata;

        drain(h);
        if (revents & EPOLLHUP)
                (void) sd_event_source_set_enabled(s, SD_EVENT_OFF);
        return 0;
}

static int on_exit_event(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Helper *h = userdata;
        int r;

        drain(h);
        h->exit_src = sd_event_source_disable_unref(h->exit_src);
        h->out_src = sd_event_source_disable_unref(h->out_src);
        r = nsexec_finish(&h->child, NULL);
        h->done(h->userdata, r, h->out->str);
        helper_free(h);
        return 0;
}

int helper_start(Daemon *d, int ns_flags, char *const *args, const int *fds, size_t n_fds, HelperDone done,
                 void *userdata, Helper **ret) {
        _cleanup_close_pair_ int out[2] = { -EBADF, -EBADF };
        _cleanup_strv_free_ char **argv = NULL;
        int child_fds[8] = { -1, -1, -1, -1, -1, -1, -1, -1 };
        Helper *h;
        int r;

        if (n_fds > ELEMENTSOF(child_fds))
                return -E2BIG;
        if (strv_extend(&argv, helper_path()) < 0)
                return -ENOMEM;
        for (char *const *a = args; *a; a++)
                if (strv_extend(&argv, *a) < 0)
                        return -ENOMEM;
        if (pipe2(out, O_CLOEXEC | O_NONBLOCK) < 0)
                return -errno;
        (void) fcntl(out[1], F_SETFL, 0);
        for (size_t i = 0; i < n_fds; i++)
                child_fds[i] = fds[i];
        child_fds[1] = out[1];
        child_fds[2] = -1;
        h = calloc(1, sizeof *h);
        if (!h)
                return -ENOMEM;
        h->d = d;
        h->done = done;
        h->userdata = userdata;
        h->out = g_string_new(NULL);
        h->out_fd = -EBADF;
        r = nsexec_spawn(d, ns_flags, argv, child_fds, MAX(n_fds, 3u), &h->child);
        if (r < 0) {
                helper_free(h);
                return r;
        }
        out[1] = safe_close(out[1]);
        h->out_fd = TAKE_FD(out[0]);
        r = sd_event_add_io(d->event, &h->out_src, h->out_fd, EPOLLIN, on_output, h);
        if (r >= 0)
                r = sd_event_add_io(d->event, &h->exit_src, h->child.pidfd, EPOLLIN, on_exit_event, h);
        if (r < 0) {
                helper_free(h);
                return r;
        }
        *ret = h;
        return 0;
}
