/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <fcntl.h>
#include <glib.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "build-config.h"
#include "fileio.h"
#include "log.h"
#include "ns-util.h"
#include "oci-types.h"
#include "roost-names.h"
#include "verifier.h"

#define VERIFIER_OUTPUT_MAX 4096

struct Verification {
        Daemon *d;
        char **plugins;   /* absolute paths, in order */
        size_t next;
        char *name, *digest, *descriptor;
        VerifierDone done;
        void *userdata;
        pid_t pid;
        int pidfd, out_fd;
        sd_event_source *exit_src, *out_src, *timer;
        GString *out;
};

static int collect(const char *dir, char ***list) {
        g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
        struct dirent *de;
        DIR *d = opendir(dir);

        if (!d)
                return 0;
        while ((de = readdir(d))) {
                g_autofree char *p = NULL;
                struct stat st;
                if (de->d_name[0] == '.')
                        continue;
                p = g_build_filename(dir, de->d_name, NULL);
                if (stat(p, &st) < 0 || !S_ISREG(st.st_mode) || access(p, X_OK) < 0)
                        continue;
                g_ptr_array_add(names, g_steal_pointer(&p));
        }
        closedir(d);
        g_ptr_array_sort(names, strcmp_elements);
        for (guint i = 0; i < names->len; i++)
                if (strv_extend(list, names->pdata[i]) < 0)
                        return -ENOMEM;
        return 0;
}

static void verification_free(Verification *v) {
        if (!v)
                return;
        if (v->pid > 0) {
                kill(v->pid, SIGKILL);
                (void) waitpid(v->pid, NULL, 0);
        }
        sd_event_source_disable_unref(v->exit_src);
        sd_event_source_disable_unref(v->out_src);
        sd_event_source_disable_unref(v->timer);
        safe_close(v->pidfd);
        safe_close(v->out_fd);
        if (v->out)
                g_string_free(v->out, TRUE);
        strv_free(v->plugins);
        free(v->name);
        free(v->digest);
        g_free(v->descriptor);
        free(v);
}

void verifier_cancel(Verification *v) {
        verification_free(v);
}

static void finish(Verification *v, int r, const char *message) {
        VerifierDone done = v->done;
        void *ud = v->userdata;
        g_autofree char *m = g_strdup(message);

        verification_free(v);
        done(ud, r, m);
}

static int run_next(Verification *v);

static void drain(Verification *v) {
        char buf[1024];
        ssize_t n;

        while (v->out_fd >= 0 && (n = read(v->out_fd, buf, sizeof buf)) > 0)
                if (v->out->len < VERIFIER_OUTPUT_MAX)
                        g_string_append_len(v->out, buf, MIN((gssize) n, (gssize) (VERIFIER_OUTPUT_MAX - v->out->len)));
}

static int on_plugin_exit(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Verification *v = userdata;
        const char *plugin = v->plugins[v->next];
        g_autofree char *base = g_path_get_basename(plugin);
        int status = 0;

        drain(v);
        (void) waitpid(v->pid, &status, 0);
        v->pid = 0;
        v->exit_src = sd_event_source_disable_unref(v->exit_src);
        v->out_src = sd_event_source_disable_unref(v->out_src);
        v->timer = sd_event_source_disable_unref(v->timer);
        v->pidfd = safe_close(v->pidfd);
        v->out_fd = safe_close(v->out_fd);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
                log_info("Image verifier %s allowed %s (%s).", plugin, v->name, v->digest);
                v->next++;
                if (run_next(v) < 0)
                        finish(v, -EIO, "cannot run the next image verifier");
                return 0;
        }
        {
                g_autofree char *line = g_strndup(v->out->str, strcspn(v->out->str, "\n"));
                g_autofree char *m = NULL;
                if (WIFEXITED(status))
                        m = g_strdup_printf("image verifier %s blocked the image (exit status %d): %s", base,
                                            WEXITSTATUS(status), *line ? line : "(it gave no reason)");
                else
                        m = g_strdup_printf("image verifier %s blocked the image (killed by signal %d)", base,
                                            WTERMSIG(status));
                log_warning("%s: %s", v->name, m);
                finish(v, -EACCES, m);
        }
        return 0;
}

static int on_timeout(sd_event_source *s, uint64_t usec, void *userdata) {
        Verification *v = userdata;
        g_autofree char *base = g_path_get_basename(v->plugins[v->next]);
        g_autofree char *m = g_strdup_printf("image verifier %s did not answer within %u s ([ImageVerifiers] Timeout= "
                                             "in roost.conf): the image is blocked", base, v->d->config->verifier_timeout);
        finish(v, -ETIMEDOUT, m);
        return 0;
}

static int on_output(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        drain(userdata);
        if (revents & EPOLLHUP)
                (void) sd_event_source_set_enabled(s, SD_EVENT_OFF);
        return 0;
}

static int run_next(Verification *v) {
        _cleanup_close_pair_ int in[2] = { -EBADF, -EBADF }, out[2] = { -EBADF, -EBADF };
        const char *plugin;
        uint64_t now = 0;
        pid_t pid;
        int r;

        if (!v->plugins[v->next]) {
                finish(v, 0, NULL);
                return 0;
        }
        plugin = v->plugins[v->next];
        if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC | O_NONBLOCK) < 0)
                return -errno;
        g_string_truncate(v->out, 0);
        pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                sigset_t all;
                sigemptyset(&all);
                sigprocmask(SIG_SETMASK, &all, NULL);
                (void) prctl(PR_SET_PDEATHSIG, SIGKILL);
                if (dup2(in[0], STDIN_FILENO) < 0 || dup2(out[1], STDOUT_FILENO) < 0)
                        _exit(127);
                (void) fcntl(STDOUT_FILENO, F_SETFL, 0);
                execl(plugin, plugin, "-name", v->name, "-digest", v->digest, "-stdin-media-type", MT_OCI_DESCRIPTOR,
                      (char *) NULL);
                _exit(127);
        }
        v->pid = pid;
        in[0] = safe_close(in[0]);
        out[1] = safe_close(out[1]);
        /* the descriptor is small: it fits in the pipe without blocking */
        (void) loop_write(in[1], v->descriptor, strlen(v->descriptor));
        in[1] = safe_close(in[1]);
        v->out_fd = TAKE_FD(out[0]);
        v->pidfd = pidfd_open_pid(pid);
        if (v->pidfd < 0)
                return v->pidfd;
        r = sd_event_add_io(v->d->event, &v->exit_src, v->pidfd, EPOLLIN, on_plugin_exit, v);
        if (r < 0)
                return r;
        r = sd_event_add_io(v->d->event, &v->out_src, v->out_fd, EPOLLIN, on_output, v);
        if (r < 0)
                return r;
        sd_event_now(v->d->event, CLOCK_MONOTONIC, &now);
        return sd_event_add_time(v->d->event, &v->timer, CLOCK_MONOTONIC,
                                 now + (uint64_t) v->d->config->verifier_timeout * 1000000ULL, 10000, on_timeout, v);
}

int verifier_run(Daemon *d, const char *name, const char *digest, const char *media_type, uint64_t size,
                 VerifierDone done, void *userdata, Verification **ret) {
        _cleanup_strv_free_ char **plugins = NULL;
        g_autofree char *user_dir = g_build_filename(d->config_dir, ROOST_IMAGE_VERIFIERS_DIR, NULL);
        Verification *v;
        int r;

        *ret = NULL;
        if ((r = collect(user_dir, &plugins)) < 0 ||
            (r = collect(ROOST_SYSCONFDIR "/roost/" ROOST_IMAGE_VERIFIERS_DIR, &plugins)) < 0)
                return r;
        if (!plugins)
                return 0;
        v = calloc(1, sizeof *v);
        if (!v)
                return -ENOMEM;
        v->d = d;
        v->plugins = TAKE_PTR(plugins);
        v->name = strdup(name);
        v->digest = strdup(digest);
        v->descriptor = g_strdup_printf("{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%llu}", media_type, digest,
                                        (unsigned long long) size);
        v->done = done;
        v->userdata = userdata;
        v->pidfd = v->out_fd = -EBADF;
        v->out = g_string_new(NULL);
        r = run_next(v);
        if (r < 0) {
                verification_free(v);
                return r;
        }
        *ret = v;
        return 0;
}
