/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <linux/openat2.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "build-config.h"
#include "bus-gvariant.h"
#include "bus-util.h"
#include "container-image.h"
#include "container-run.h"
#include "networks.h"
#include "fileio.h"
#include "json.h"
#include "kv.h"
#include "log.h"
#include "ns-util.h"
#include "nsexec.h"
#include "oci-spec.h"
#include "paths.h"
#include "process.h"
#include "roost-names.h"
#include "scope.h"
#include "shim-proto.h"
#include "user-resolve.h"
#include "userns.h"
#include "volume.h"

#define SHIM_REPLY_TIMEOUT_MS 10000
#define STOP_TIMEOUT_DEFAULT 10
#define RESTART_DELAY_MIN_USEC (100 * 1000ULL)
#define RESTART_DELAY_MAX_USEC (60 * 1000 * 1000ULL)
#define RESTART_RESET_AFTER_USEC (10 * 1000 * 1000ULL)
#define INIT_BINARY "/usr/bin/catatonit"

typedef enum RunPhase {
        PHASE_SCOPE,     /* waiting for systemd to put the shim into its scope */
        PHASE_CREATING,  /* the shim runs the runtime's create */
        PHASE_STARTING,  /* the start request is out */
        PHASE_RUNNING,
        PHASE_STOPPING,
} RunPhase;

struct ContainerRun {
        Container *c;
        RunPhase phase;
        pid_t shim_pid;
        bool shim_is_child;
        sd_event_source *shim_watch;  /* the shim's pidfd */
        int sync_fd;
        sd_event_source *sync_watch;
        int start_fd;                 /* the connection carrying "start" */
        sd_event_source *start_watch;
        sd_bus_message *start_msg;    /* the Start() call to answer */
        int attach_fd;                /* handed to the Start() caller */
        bool attach_requested, attach_stdin;
        char *detach_keys;
        unsigned console_rows, console_cols; /* the Start() caller's terminal; 0: unknown */
        char *scope;
        sd_event_source *stop_timer;
        GPtrArray *stop_msgs;         /* Stop() calls answered at exit */
        GPtrArray *start_waiters;     /* Restart() calls answered when it runs again */
        bool restart_after_stop;      /* Restart() */
};

static void run_phase_done(Container *c);

/* milliseconds since the start of this run, for the debug log */
static double run_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec / 1e6;
}
#define trace(c, what) log_debug("container %.12s: %s at %.1f ms", (c)->id, what, run_ms())

/* --- helpers ---------------------------------------------------------------- */

/* cgroupfs files take one write(): no temporary file, no rename */
static int write_cgroup_file(const char *path, const char *value) {
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return -errno;
        if (write(fd, value, strlen(value)) < 0)
                return -errno;
        return 0;
}

static ContainerRun *run_new(Container *c) {
        ContainerRun *r = g_new0(ContainerRun, 1);
        r->c = c;
        r->sync_fd = r->start_fd = r->attach_fd = -EBADF;
        r->stop_msgs = g_ptr_array_new();
        r->start_waiters = g_ptr_array_new();
        return r;
}

static void reply_all(GPtrArray *msgs, const char *err_name, const char *err_msg) {
        for (guint i = 0; i < msgs->len; i++) {
                sd_bus_message *m = msgs->pdata[i];
                if (err_name)
                        (void) sd_bus_reply_method_errorf(m, err_name, "%s", err_msg);
                else
                        (void) sd_bus_reply_method_return(m, NULL);
                sd_bus_message_unref(m);
        }
        g_ptr_array_set_size(msgs, 0);
}

static void reply_stops(ContainerRun *r, const char *err_name, const char *err_msg) {
        reply_all(r->stop_msgs, err_name, err_msg);
}

static void fail_start(ContainerRun *r, const char *err_name, const char *fmt, ...) _printf_(3, 4);
static void fail_start(ContainerRun *r, const char *err_name, const char *fmt, ...) {
        va_list ap;
        g_autofree char *msg = NULL;

        va_start(ap, fmt);
        msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        if (r->start_msg) {
                (void) sd_bus_reply_method_errorf(r->start_msg, err_name, "%s", msg);
                r->start_msg = sd_bus_message_unref(r->start_msg);
        }
        reply_all(r->start_waiters, err_name, msg);
        g_free(r->c->error);
        r->c->error = g_steal_pointer(&msg);
        log_fields(LOG_WARNING, NULL, "Container %s failed to start: %s", r->c->name, r->c->error);
}

void container_run_free(Container *c) {
        ContainerRun *r = c->run;

        if (!r)
                return;
        scope_cancel_callbacks(c->daemon, r);
        if (r->start_msg)
                (void) sd_bus_reply_method_errorf(r->start_msg, ROOST_ERROR_FAILED, "container %s went away while starting", c->name);
        sd_bus_message_unref(r->start_msg);
        reply_stops(r, NULL, NULL);
        g_ptr_array_free(r->stop_msgs, TRUE);
        reply_all(r->start_waiters, ROOST_ERROR_FAILED, "the container went away before it ran again");
        g_ptr_array_free(r->start_waiters, TRUE);
        sd_event_source_disable_unref(r->shim_watch);
        sd_event_source_disable_unref(r->sync_watch);
        sd_event_source_disable_unref(r->start_watch);
        sd_event_source_disable_unref(r->stop_timer);
        safe_close(r->sync_fd);
        safe_close(r->start_fd);
        safe_close(r->attach_fd);
        g_free(r->detach_keys);
        g_free(r->scope);
        g_free(r);
        c->run = NULL;
}

const char *container_run_scope(Container *c) {
        return c->run && c->run->phase != PHASE_SCOPE ? c->run->scope : NULL;
}

/* The user manager's cgroup (…/user@UID.service), where our scopes live. */
static char *user_manager_cgroup(void) {
        _cleanup_free_ char *self = NULL;
        char unit[64], *p, *end;

        if (read_full_file("/proc/self/cgroup", 64 * 1024, &self, NULL) < 0)
                return NULL;
        p = strstr(self, "0::");
        if (!p)
                return NULL;
        p += 3;
        *strchrnul(p, '\n') = 0;
        snprintf(unit, sizeof unit, "/user@%u.service", getuid());
        end = strstr(p, unit);
        if (!end)
                return NULL;
        return g_strndup(p, (gsize) (end - p) + strlen(unit));
}

static char *container_cgroup(Container *c) {
        g_autofree char *base = user_manager_cgroup();
        if (!base || !c->daemon->facts.systemd_scopes)
                return NULL;
        return g_strdup_printf("%s/" ROOST_SLICE "/" ROOST_SCOPE_PREFIX "%s.scope/container", base, c->id);
}

/* Sends one request to the shim and reads its reply frame (bounded). The
 * connection is returned for streaming ops. */
static int shim_call(Container *c, const char *op, const char *const *fields, const char *body, size_t body_len,
                     int *ret_fd, char **ret_reply, int *ret_code) {
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *req = NULL;
        size_t len;
        uint8_t type;
        char buf[4096];
        size_t n;
        int r;

        fd = shim_connect(c->run_dir);
        if (fd < 0)
                return fd;
        r = shim_request_format(op, fields, body, body_len, &req, &len);
        if (r < 0)
                return r;
        r = shim_frame_write(fd, SHIM_FRAME_REQUEST, req, len);
        if (r < 0)
                return r;
        {
                struct pollfd p = { .fd = fd, .events = POLLIN };
                if (poll(&p, 1, SHIM_REPLY_TIMEOUT_MS) <= 0)
                        return -ETIMEDOUT;
        }
        r = shim_frame_read(fd, &type, buf, sizeof buf, &n);
        if (r < 0)
                return r;
        if (type == SHIM_FRAME_ERROR) {
                g_autofree char *code = NULL, *msg = NULL;
                if (ret_code)
                        *ret_code = kv_get(buf, "code", &code) >= 0 ? atoi(code) : 125;
                if (ret_reply)
                        *ret_reply = kv_get(buf, "message", &msg) >= 0 ? g_steal_pointer(&msg) : g_strdup(buf);
                return -EREMOTEIO;
        }
        if (type != SHIM_FRAME_REPLY)
                return -EPROTO;
        if (ret_reply)
                *ret_reply = g_strdup(buf);
        if (ret_fd)
                *ret_fd = TAKE_FD(fd);
        return 0;
}

static const char *shim_error_name(int code) {
        return code == 127 ? ROOST_ERROR_COMMAND_NOT_FOUND : code == 126 ? ROOST_ERROR_CANNOT_INVOKE : ROOST_ERROR_FAILED;
}

/* --- exit -------------------------------------------------------------------- */

/* What a Start() caller asked for; a restart by policy asks for nothing. */
typedef struct StartRequest {
        bool attach, attach_stdin;
        const char *detach_keys;
        unsigned console_rows, console_cols; /* 0: unknown */
} StartRequest;

static void schedule_restart(Container *c);
static int container_run_start(Container *c, sd_bus_message *m, const StartRequest *req, sd_bus_error *error);

static bool restart_wanted(Container *c) {
        const ContainerOptions *o = c->options;

        if (c->stopped_by_user)
                return false;
        switch (o->restart) {
        case RESTART_ALWAYS:
        case RESTART_UNLESS_STOPPED:
                return true;
        case RESTART_ON_FAILURE:
                return c->exit_code != 0 && (o->restart_max == 0 || (int) c->restart_count < o->restart_max);
        default:
                return false;
        }
}

void container_notify_exit(Container *c);

/* The shim is gone: record how the container ended. */
/* Returns true when c is gone (removed with --rm): the caller must not touch
 * it again. */
static bool handle_shim_exit(Container *c) {
        ContainerRun *r = c->run;
        _cleanup_free_ char *text = NULL;
        g_autofree char *code = NULL, *ns = NULL, *err = NULL;
        _cleanup_close_ int dirfd = open(c->run_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        bool restart_after = r && r->restart_after_stop;
        bool was_starting = r && r->phase < PHASE_RUNNING;
        g_autoptr(GPtrArray) restart_msgs = NULL;

        if (dirfd >= 0 && read_full_file_at(dirfd, SHIM_EXIT_FILE, 64 * 1024, &text, NULL) >= 0) {
                c->exit_code = kv_get(text, "exit_code", &code) >= 0 ? atoi(code) : 255;
                c->finished_at = kv_get(text, "exited_at_ns", &ns) >= 0 ? g_ascii_strtoull(ns, NULL, 10) / 1000 : now_usec();
                if (kv_get(text, "error", &err) >= 0) {
                        g_free(c->error);
                        c->error = g_steal_pointer(&err);
                }
        } else if (!was_starting) {
                /* killed without a chance to record anything */
                c->exit_code = 137;
                c->finished_at = now_usec();
                g_free(c->error);
                c->error = g_strdup("the container's shim died; the container was stopped");
                if (r && r->scope)
                        (void) sd_bus_call_method(c->daemon->bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                                  "org.freedesktop.systemd1.Manager", "KillUnit", NULL, NULL, "ssi",
                                                  r->scope, "all", SIGKILL);
        }
        if (r && r->start_msg)
                fail_start(r, shim_error_name(c->exit_code),
                           "the container's shim exited while starting it%s%s", c->error ? ": " : "", strempty(c->error));
        c->pid = 0;
        if (was_starting)
                c->state = c->started_at ? CONTAINER_EXITED : CONTAINER_CREATED;
        else
                c->state = CONTAINER_EXITED;
        if (r && restart_after) {
                /* Restart() answers once the container runs again */
                restart_msgs = r->stop_msgs;
                r->stop_msgs = g_ptr_array_new();
        } else if (r)
                reply_stops(r, NULL, NULL);
        container_run_free(c);
        container_net_stop(c);
        /* unmounted until the next start (a container about to be removed
         * is unmounted by the removal) */
        if (!c->options->auto_remove || was_starting)
                (void) container_rootfs_unmount(c->daemon, c->id);
        (void) container_save(c);
        container_emit_changed(c, "State", "Pid", "ExitCode", "FinishedAt", "Error", "Scope", NULL);
        if (!was_starting) {
                char s[16];
                snprintf(s, sizeof s, "%d", c->exit_code);
                container_emit_event(c, "die", "exitCode", s);
                log_fields(LOG_INFO, NULL, "Container %s exited with %d.", c->name, c->exit_code);
        }
        container_notify_exit(c);

        if (c->options->auto_remove && !was_starting) {
                container_destroy(c);
                return true;
        }
        if (restart_after) {
                _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
                c->stopped_by_user = false;
                if (container_run_start(c, NULL, NULL, &e) < 0)
                        reply_all(restart_msgs, e.name, e.message);
                else
                        g_ptr_array_extend_and_steal(c->run->start_waiters, g_steal_pointer(&restart_msgs));
        } else if (!was_starting && restart_wanted(c))
                schedule_restart(c);
        return false;
}

static int on_start_reply(sd_event_source *s, int fd, uint32_t revents, void *userdata);

static int on_shim_exit(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Container *c = userdata;

        /* a short-lived container can be gone before its start reply was
         * read: take the reply first, so that it counts as started */
        if (c->run && c->run->start_fd >= 0)
                (void) on_start_reply(NULL, c->run->start_fd, EPOLLIN, c);
        if (c->run && c->run->shim_is_child)
                (void) waitpid(c->run->shim_pid, NULL, WNOHANG);
        trace(c, "shim exited");
        (void) handle_shim_exit(c);
        return 0;
}

static int watch_shim(Container *c, pid_t pid) {
        ContainerRun *r = c->run;
        int fd = pidfd_open_pid(pid), k;

        if (fd < 0)
                return fd;
        k = sd_event_add_io(c->daemon->event, &r->shim_watch, fd, EPOLLIN, on_shim_exit, c);
        if (k < 0) {
                safe_close(fd);
                return k;
        }
        (void) sd_event_source_set_io_fd_own(r->shim_watch, true);
        return 0;
}

/* --- start ------------------------------------------------------------------- */

/* The user from the container's own /etc/passwd and /etc/group, read
 * through the holder's mount namespace (no need to join it). */
static int resolve_user(Container *c, const char *rootfs, const char *user, char *const *group_add, uid_t *uid, gid_t *gid,
                        GArray *gids, char **ret_error) {
        _cleanup_close_ int root = holder_open_dir(c->daemon->holder, rootfs);
        ResolvedUser u = {};
        int r;

        if (root < 0) {
                *ret_error = g_strdup_printf("cannot open the root filesystem %s: %s", rootfs, strerror(-root));
                return root;
        }
        r = user_resolve(root, user, group_add, &u, ret_error);
        if (r < 0)
                return r;
        *uid = u.uid;
        *gid = u.gid;
        g_array_append_vals(gids, u.gids, (guint) u.n_gids);
        resolved_user_clear(&u);
        return 0;
}

/* /etc/hosts, /etc/hostname, /etc/resolv.conf for the container */
static int write_etc_files(Container *c, const char *dir, const char *hostname, bool host_network) {
        g_autofree char *hosts = NULL, *resolv = NULL;
        int r;

        r = mkdir_p(dir, 0700);
        if (r < 0)
                return r;
        if (host_network && g_file_get_contents("/etc/hosts", &hosts, NULL, NULL))
                ;
        else
                hosts = g_strdup_printf("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t%s\n", hostname);
        if (!g_file_get_contents("/etc/resolv.conf", &resolv, NULL, NULL))
                resolv = g_strdup("");
        {
                g_autofree char *hn = g_strdup_printf("%s\n", hostname);
                g_autofree char *p1 = g_build_filename(dir, "hosts", NULL), *p2 = g_build_filename(dir, "hostname", NULL),
                                *p3 = g_build_filename(dir, "resolv.conf", NULL);
                if ((r = write_file_atomic_at(AT_FDCWD, p1, hosts, strlen(hosts), 0644)) < 0 ||
                    (r = write_file_atomic_at(AT_FDCWD, p2, hn, strlen(hn), 0644)) < 0 ||
                    (r = write_file_atomic_at(AT_FDCWD, p3, resolv, strlen(resolv), 0644)) < 0)
                        return r;
        }
        return 0;
}

static void resources_from_options(const ContainerOptions *o, ScopeResources *res) {
        *res = (ScopeResources) {};
        if (o->memory > 0)
                res->memory_max = (uint64_t) o->memory;
        if (o->memory_swap == -1)
                res->memory_swap_max = UINT64_MAX;
        else if (o->memory_swap > 0 && o->memory > 0)
                res->memory_swap_max = (uint64_t) (o->memory_swap - o->memory);
        if (o->nano_cpus > 0)
                res->cpu_quota_usec = (uint64_t) o->nano_cpus / 1000;
        if (o->cpu_shares > 0)
                /* docker's shares (2..262144, 1024 default) to systemd's weight (1..10000, 100 default) */
                res->cpu_weight = 1 + (uint64_t) ((o->cpu_shares - 2) * 9999) / 262142;
        if (o->pids_limit > 0)
                res->tasks_max = (uint64_t) o->pids_limit;
        else if (o->pids_limit == -1)
                res->tasks_max = UINT64_MAX;
        res->allowed_cpus = o->cpuset_cpus;
}

static bool resources_any(const ScopeResources *r) {
        return r->memory_max || r->memory_swap_max || r->cpu_quota_usec || r->cpu_weight || r->tasks_max || r->allowed_cpus;
}

int container_run_check_options(Daemon *d, const ContainerOptions *o, char **ret_error) {
        ScopeResources res;

        resources_from_options(o, &res);
        if (resources_any(&res)) {
                g_autofree char *missing = scope_check_controllers(d->facts.cgroup_controllers, &res);
                if (missing) {
                        *ret_error = g_strdup_printf("cannot apply the resource limits: %s", missing);
                        return -EOPNOTSUPP;
                }
                if (!d->facts.systemd_scopes) {
                        *ret_error = g_strdup("resource limits need a systemd user manager (roostd runs without one)");
                        return -EOPNOTSUPP;
                }
        }
        for (size_t i = 0; i < o->n_mounts; i++)
                if (o->mounts[i].kind == MOUNT_BIND && access(o->mounts[i].source, F_OK) < 0) {
                        *ret_error = g_strdup_printf("invalid mount config for type \"bind\": bind source path does not exist: %s",
                                                     o->mounts[i].source);
                        return -ENOENT;
                }
        if (o->init && access(INIT_BINARY, X_OK) < 0) {
                *ret_error = g_strdup("--init needs catatonit (" INIT_BINARY "): apt-get install catatonit");
                return -ENOENT;
        }
        if (o->seccomp_profile && !streq(o->seccomp_profile, "unconfined") && o->seccomp_profile[0] != '{' &&
            access(o->seccomp_profile, R_OK) < 0) {
                *ret_error = g_strdup_printf("cannot read the seccomp profile %s: %s (give an absolute path the daemon can read)",
                                             o->seccomp_profile, g_strerror(errno));
                return -ENOENT;
        }
        return 0;
}

/* --- --userns=keep-id and auto ---------------------------------------------- */

#define USERNS_AUTO_MIN 1024U
#define USERNS_COPY_WARN (100ULL * 1024 * 1024)

static bool wants_userns(const ContainerOptions *o) {
        return o->userns && (streq(o->userns, "auto") || streq(o->userns, "keep-id"));
}

/* the highest ID the image's /etc/passwd and /etc/group name */
static uint32_t image_max_id(int root) {
        uint32_t max = 0;

        for (const char *const *f = (const char *const[]) { "etc/passwd", "etc/group", NULL }; *f; f++) {
                struct open_how how = { .flags = O_RDONLY | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
                _cleanup_close_ int fd = (int) syscall(SYS_openat2, root, *f, &how, sizeof how);
                _cleanup_free_ char *text = NULL;
                if (fd < 0 || read_full_fd(fd, 4 * 1024 * 1024, &text, NULL) < 0)
                        continue;
                for (char *line = text, *next; line && *line; line = next) {
                        char *p = line;
                        next = strchr(line, '\n');
                        if (next)
                                *next++ = 0;
                        for (int i = 0; i < 2 && p; i++)
                                p = strchr(p, ':') ? strchr(p, ':') + 1 : NULL;
                        if (p && g_ascii_isdigit(*p)) {
                                uint64_t v = g_ascii_strtoull(p, NULL, 10);
                                /* nobody (65534) is mapped to the overflow ID anyway */
                                if (v < 65534 && v > max)
                                        max = (uint32_t) v;
                        }
                }
        }
        return max;
}

int container_run_userns_allocate(Container *c, const char *rootfs, char **ret_error) {
        Daemon *d = c->daemon;
        _cleanup_close_ int root = -EBADF;
        g_autoptr(GArray) taken = g_array_new(FALSE, FALSE, sizeof(uint32_t));
        GHashTableIter it;
        gpointer v;
        uint32_t size, base;

        if (!c->options->userns || !streq(c->options->userns, "auto"))
                return 0;
        root = holder_open_dir(d->holder, rootfs);
        if (root < 0) {
                *ret_error = g_strdup_printf("cannot read the image's users: %s", strerror(-root));
                return root;
        }
        size = MAX(USERNS_AUTO_MIN, image_max_id(root) + 1);
        g_hash_table_iter_init(&it, d->containers);
        while (g_hash_table_iter_next(&it, NULL, &v)) {
                Container *o = v;
                if (o != c && o->userns_size) {
                        g_array_append_val(taken, o->userns_base);
                        g_array_append_val(taken, o->userns_size);
                }
        }
        if (userns_auto_allocate((uint32_t) d->holder->uids.count, size, (uint32_t *) taken->data, taken->len / 2, &base) < 0) {
                *ret_error = g_strdup_printf("no free range of %u IDs left for --userns=auto among your %lu subordinate IDs; "
                                             "remove --userns=auto containers, or add subordinate IDs (usermod --add-subuids)",
                                             size, d->holder->uids.count);
                return -ENOSPC;
        }
        c->userns_base = base;
        c->userns_size = size;
        return 0;
}

static int userns_plan_for(Container *c, UsernsPlan *ret, char **ret_error) {
        Daemon *d = c->daemon;

        if (streq(c->options->userns, "keep-id")) {
                if (userns_plan_keep_id(d->uid, d->gid, (uint32_t) d->holder->uids.count, ret) < 0) {
                        *ret_error = g_strdup_printf("--userns=keep-id needs your uid %u below the number of your subordinate IDs (%lu)",
                                                     d->uid, d->holder->uids.count);
                        return -ERANGE;
                }
                return 0;
        }
        if (!c->userns_size) {
                *ret_error = g_strdup("this --userns=auto container has no ID range; create it again");
                return -EINVAL;
        }
        userns_plan_auto(c->userns_base, c->userns_size, ret);
        return 0;
}

typedef struct ShiftArgs {
        const char *rootfs, *dest;
        const UsernsPlan *plan;
} ShiftArgs;

/* in the roost user namespace: copy the merged rootfs to dest with owners shifted */
static int shift_fn(void *userdata, char *errbuf, size_t errlen) {
        ShiftArgs *a = userdata;
        g_autofree char *tmp = g_strdup_printf("%s.tmp", a->dest);
        _cleanup_close_ int src = -EBADF, dst = -EBADF;
        int64_t n;

        src = open(a->rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (src < 0 || (mkdir(tmp, 0700) < 0 && errno != EEXIST) ||
            (dst = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
                snprintf(errbuf, errlen, "cannot prepare the shifted copy of the root filesystem: %s", strerror(errno));
                return -errno;
        }
        n = userns_copy_shifted(src, dst, a->plan, errbuf, errlen);
        if (n < 0)
                return (int) n;
        if (rename(tmp, a->dest) < 0) {
                snprintf(errbuf, errlen, "cannot put the shifted copy in place: %s", strerror(errno));
                return -errno;
        }
        snprintf(errbuf, errlen, "%lld", (long long) n);
        return 0;
}

typedef struct BindArgs {
        const char *src, *dir, *dst;
} BindArgs;

/* in the holder's mount namespace: dir (0711) and a bind of src at dst */
static int bind_fn(void *userdata, char *errbuf, size_t errlen) {
        BindArgs *a = userdata;

        if ((mkdir(a->dir, 0711) < 0 && errno != EEXIST) || (mkdir(a->dst, 0755) < 0 && errno != EEXIST) ||
            mount(a->src, a->dst, NULL, MS_BIND | MS_REC, NULL) < 0) {
                snprintf(errbuf, errlen, "cannot bind %s at %s: %s", a->src, a->dst, strerror(errno));
                return -errno;
        }
        return 0;
}

/* The path crun gets for a shifted root filesystem. crun opens it from the
 * container's own user namespace, where the owner of our 0700 state
 * directories is nobody: so the tree is bound (in the holder's mount
 * namespace only) below /tmp/roost-UID, which that namespace can traverse. */
static int userns_rootfs_path(Container *c, const char *mapped, char **ret) {
        g_autofree char *dir = g_strdup_printf("/tmp/roost-%u", c->daemon->uid);
        g_autofree char *dst = g_strdup_printf("%s/%s", dir, c->id);
        g_autofree char *err = NULL;
        BindArgs a = { .src = mapped, .dir = dir, .dst = dst };
        int r;

        if (!holder_is_mounted(c->daemon->holder, dst)) {
                r = nsexec_run(c->daemon, CLONE_NEWUSER | CLONE_NEWNS, bind_fn, &a, 10000, &err);
                if (r < 0)
                        return log_warning_errno(r, "%s", err ? err : "cannot bind the shifted root filesystem");
        }
        *ret = g_steal_pointer(&dst);
        return 0;
}

/* The container's own copy of its root filesystem, owners shifted for its
 * user namespace; made at the first start. */
static int userns_rootfs(Container *c, const char *rootfs, const UsernsPlan *plan, char **ret_path, char **ret_error) {
        g_autofree char *dest = g_strdup_printf("%s/mapped", c->data_dir), *tmp = g_strdup_printf("%s/mapped.tmp", c->data_dir);
        g_autofree char *out = NULL;
        ShiftArgs a = { .rootfs = rootfs, .dest = dest, .plan = plan };
        int r;

        if (access(dest, F_OK) == 0) {
                *ret_path = g_steal_pointer(&dest);
                return 0;
        }
        if (access(tmp, F_OK) == 0)
                (void) remove_tree_in_userns(c->daemon, tmp); /* an interrupted earlier try */
        r = nsexec_run(c->daemon, CLONE_NEWUSER | CLONE_NEWNS, shift_fn, &a, 30 * 60 * 1000, &out);
        if (r < 0) {
                *ret_error = g_strdup_printf("--userns=%s: %s", c->options->userns, out ? out : strerror(-r));
                return r;
        }
        if (out && g_ascii_strtoull(out, NULL, 10) >= USERNS_COPY_WARN)
                log_warning("Container %s: --userns=%s made a private copy of its %llu MiB root filesystem with shifted "
                            "owners (idmapped mounts are not available here).", c->name, c->options->userns,
                            (unsigned long long) (g_ascii_strtoull(out, NULL, 10) >> 20));
        *ret_path = g_steal_pointer(&dest);
        return 0;
}

/* Everything up to spawning the shim: the rootfs, config.json, shim.conf. */
static int prepare_bundle(Container *c, char **ret_error) {
        Daemon *d = c->daemon;
        const ContainerOptions *o = c->options;
        g_autofree char *rootfs = NULL, *bundle = g_strdup_printf("%s/bundle", c->run_dir), *etc = NULL;
        g_autofree char *json = NULL, *seccomp = NULL, *cgroup = NULL, *conf = NULL, *hostname = NULL, *netns_path = NULL;
        g_autoptr(GArray) gids = g_array_new(FALSE, FALSE, sizeof(gid_t));
        g_autoptr(GPtrArray) volume_paths = g_ptr_array_new_with_free_func(g_free);
        _cleanup_(image_config_freep) ImageConfig *img = NULL;
        g_autofree char *mapped = NULL;
        UsernsPlan plan;
        SpecContext ctx = {};
        bool host_network = streq_ptr(o->network_mode, "host");
        int r;

        r = container_rootfs_prepare(d, c->image_id, c->id, &rootfs, ret_error);
        if (r < 0)
                return r;
        r = container_image_config(d, c->image_id, &img);
        if (r < 0) {
                *ret_error = g_strdup_printf("the image %s of the container is gone", c->image_id);
                return r;
        }

        for (size_t i = 0; i < o->n_mounts; i++) {
                const MountSpec *m = &o->mounts[i];
                char *p = NULL;
                if (m->kind == MOUNT_VOLUME) {
                        r = volume_ensure(d, m->source, &p);
                        if (r < 0) {
                                *ret_error = g_strdup_printf("cannot create volume %s: %s", m->source, strerror(-r));
                                goto out;
                        }
                        g_ptr_array_add(volume_paths, p);
                }
        }
        g_ptr_array_add(volume_paths, NULL);

        r = resolve_user(c, rootfs, !isempty(o->user) ? o->user : img->user, o->group_add, &ctx.uid, &ctx.gid, gids, ret_error);
        if (r < 0)
                goto out;
        if (wants_userns(o)) {
                r = userns_plan_for(c, &plan, ret_error);
                if (r >= 0)
                        r = userns_rootfs(c, rootfs, &plan, &mapped, ret_error);
                if (r >= 0) {
                        char *p = NULL;
                        r = userns_rootfs_path(c, mapped, &p);
                        if (r < 0)
                                *ret_error = g_strdup_printf("cannot make the shifted root filesystem reachable: %s", strerror(-r));
                        g_free(mapped);
                        mapped = p;
                }
                if (r < 0)
                        goto out;
                ctx.userns = &plan;
                /* keep-id: the user's own uid runs the process, unless -u said otherwise */
                if (streq(o->userns, "keep-id") && isempty(o->user) && isempty(img->user)) {
                        ctx.uid = d->uid;
                        ctx.gid = d->gid;
                }
        }

        hostname = !isempty(o->hostname) ? g_strdup(o->hostname) : g_strndup(c->id, 12);
        if (host_network && isempty(o->hostname)) {
                g_free(hostname);
                hostname = g_strdup(g_get_host_name());
        }
        etc = g_strdup_printf("%s/etc", c->data_dir);
        if (network_mode_is_network(o->network_mode) || startswith(o->network_mode, "container:")) {
                g_autofree char *other_etc = NULL;
                r = container_net_start(c, img->exposed_ports, etc, hostname, &netns_path, &other_etc, ret_error);
                if (r < 0)
                        goto out;
                trace(c, "network set up");
                if (other_etc) {
                        /* container:X: X's /etc files, and its hostname */
                        g_autofree char *hp = g_build_filename(other_etc, "hostname", NULL), *hn = NULL;
                        if (g_file_get_contents(hp, &hn, NULL, NULL) && *g_strstrip(hn)) {
                                g_free(hostname);
                                hostname = g_steal_pointer(&hn);
                        }
                        g_free(etc);
                        etc = g_steal_pointer(&other_etc);
                }
        } else {
                r = write_etc_files(c, etc, hostname, host_network);
                if (r < 0) {
                        *ret_error = g_strdup_printf("cannot write the container's /etc files in %s: %s", etc, strerror(-r));
                        goto out;
                }
        }

        if (o->seccomp_profile && !streq(o->seccomp_profile, "unconfined")) {
                if (!g_file_get_contents(o->seccomp_profile, &seccomp, NULL, NULL) &&
                    o->seccomp_profile[0] != '{') {
                        *ret_error = g_strdup_printf("cannot read the seccomp profile %s", o->seccomp_profile);
                        r = -ENOENT;
                        goto out;
                }
                if (!seccomp)
                        seccomp = g_strdup(o->seccomp_profile);
        }
        cgroup = container_cgroup(c);

        ctx.id = c->id;
        ctx.rootfs = mapped ? mapped : rootfs;
        ctx.hostname = hostname;
        ctx.additional_gids = (gid_t *) gids->data;
        ctx.n_additional_gids = gids->len;
        ctx.etc_dir = etc;
        ctx.host_network = host_network;
        ctx.netns_path = netns_path;
        ctx.init_path = o->init ? INIT_BINARY : NULL;
        ctx.cgroups_path = cgroup;
        ctx.volume_paths = (char **) volume_paths->pdata;
        ctx.seccomp_json = seccomp;
        ctx.bind_listener = container_net_bind_listener(c);

        r = oci_spec_build(o, img, &ctx, &json, ret_error);
        if (r < 0)
                goto out;
        r = mkdir_p(bundle, 0700);
        if (r >= 0) {
                g_autofree char *p = g_build_filename(bundle, "config.json", NULL);
                r = write_file_atomic_at(AT_FDCWD, p, json, strlen(json), 0600);
        }
        if (r < 0) {
                *ret_error = g_strdup_printf("cannot write %s/config.json: %s", bundle, strerror(-r));
                goto out;
        }

        {
                unsigned long long st = 0;
                g_autofree char *crun_root = g_strdup_printf("%s/%s", d->runtime_dir, d->facts.runtime);
                (void) proc_starttime(d->holder->pid, &st);
                (void) mkdir_p(crun_root, 0700);
                conf = g_strdup_printf("id=%s\nname=%s\nbundle=%s\nruntime=%s\nruntime_root=%s\nholder_pid=%d\n"
                                       "holder_starttime=%llu\nterminal=%s\nstdin=%s\nlog_driver=%s\nlog_path=%s\n"
                                       "log_max_size=%" G_GUINT64_FORMAT "\nlog_max_files=%u\ncgroup=%s\nconsole_size=%ux%u\n",
                                       c->id, c->name, bundle, isempty(d->facts.runtime_path) ? d->facts.runtime : d->facts.runtime_path,
                                       crun_root, (int) d->holder->pid, st, o->tty ? "true" : "false",
                                       o->open_stdin ? "true" : "false",
                                       streq(o->log_driver, "journald") ? "journald" : streq(o->log_driver, "none") ? "none" : "file",
                                       c->log_path, o->log_max_size ? o->log_max_size : (uint64_t) 10 * 1024 * 1024,
                                       o->log_max_files ? o->log_max_files : 3, cgroup ? cgroup : "disabled",
                                       c->run->console_rows, c->run->console_cols);
        }
        {
                g_autofree char *p = g_build_filename(c->run_dir, SHIM_CONF_FILE, NULL);
                r = write_file_atomic_at(AT_FDCWD, p, conf, strlen(conf), 0600);
                if (r < 0) {
                        *ret_error = g_strdup_printf("cannot write %s: %s", p, strerror(-r));
                        goto out;
                }
        }
        /* the runtime's state of an earlier run whose shim was killed
         * before it could delete it ("container already exists") */
        {
                g_autofree char *stale = g_strdup_printf("%s/%s/%s", d->runtime_dir, d->facts.runtime, c->id);
                if (access(stale, F_OK) == 0) {
                        log_debug("Removing stale runtime state %s", stale);
                        (void) remove_tree_in_userns(d, stale);
                }
        }
        /* what an earlier run left behind */
        for (const char *const *f = (const char *const[]) { SHIM_EXIT_FILE, SHIM_STATE_FILE, SHIM_PID_FILE,
                                                            SHIM_CONTAINER_PID_FILE, SHIM_SOCKET_FILE, NULL }; *f; f++) {
                g_autofree char *p = g_build_filename(c->run_dir, *f, NULL);
                (void) unlink(p);
        }
        r = 0;
out:
        if (r < 0)
                container_net_stop(c);
        return r;
}

static char *shim_path(void) {
        const char *e = getenv("ROOST_SHIM");
        return g_strdup(e ? e : ROOST_LIBEXECDIR "/roost/roost-shim");
}

static int spawn_shim(Container *c, int *ret_sync) {
        _cleanup_close_pair_ int sp[2] = { -EBADF, -EBADF };
        g_autofree char *exe = shim_path();
        pid_t pid;

        if (access(exe, X_OK) < 0)
                return -errno;
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
                return -errno;
        pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                sigset_t all;
                sigemptyset(&all);
                sigprocmask(SIG_SETMASK, &all, NULL);
                if (dup2(sp[1], 3) < 0)
                        _exit(127);
                (void) syscall(SYS_close_range, 4, ~0U, 0);
                execl(exe, "roost-shim", "--state-dir", c->run_dir, "--sync-fd", "3", (char *) NULL);
                _exit(127);
        }
        c->run->shim_pid = pid;
        c->run->shim_is_child = true;
        *ret_sync = TAKE_FD(sp[0]);
        return 0;
}

static int on_start_reply(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Container *c = userdata;
        ContainerRun *r = c->run;
        uint8_t type = 0;
        char buf[4096] = "";
        size_t n;
        int k;

        r->start_watch = sd_event_source_disable_unref(r->start_watch);
        k = shim_frame_read(r->start_fd, &type, buf, sizeof buf, &n);
        r->start_fd = safe_close(r->start_fd);
        if (k < 0 || type == SHIM_FRAME_ERROR) {
                g_autofree char *code = NULL, *msg = NULL;
                int ec = k < 0 ? 125 : (kv_get(buf, "code", &code) >= 0 ? atoi(code) : 125);
                if (k >= 0 && kv_get(buf, "message", &msg) < 0)
                        msg = g_strdup(buf);
                c->exit_code = ec;
                fail_start(r, shim_error_name(ec), "%s", msg ? msg : "the shim did not answer the start request");
                /* the shim ends by itself after a failed start; its exit finishes the run */
                return 0;
        }
        run_phase_done(c);
        return 0;
}

static void send_start(Container *c) {
        ContainerRun *r = c->run;
        g_autofree char *err = NULL;
        _cleanup_free_ char *req = NULL;
        size_t len;
        int k;

        if (r->attach_requested) {
                const char *fields[] = { "stdin", r->attach_stdin ? "true" : "false", "detach_keys", r->detach_keys, NULL };
                if (!r->detach_keys)
                        fields[2] = NULL;
                k = shim_call(c, "attach", fields, NULL, 0, &r->attach_fd, NULL, NULL);
                if (k < 0) {
                        fail_start(r, ROOST_ERROR_FAILED, "cannot attach to the container: %s", strerror(-k));
                        (void) kill(r->shim_pid, SIGTERM);
                        return;
                }
        }
        r->start_fd = shim_connect(c->run_dir);
        if (r->start_fd >= 0 && (k = shim_request_format("start", NULL, NULL, 0, &req, &len)) >= 0)
                k = shim_frame_write(r->start_fd, SHIM_FRAME_REQUEST, req, len);
        else
                k = r->start_fd < 0 ? r->start_fd : k;
        if (k >= 0)
                k = sd_event_add_io(c->daemon->event, &r->start_watch, r->start_fd, EPOLLIN, on_start_reply, c);
        if (k < 0) {
                fail_start(r, ROOST_ERROR_FAILED, "cannot talk to the container's shim: %s", strerror(-k));
                (void) kill(r->shim_pid, SIGTERM);
                return;
        }
        r->phase = PHASE_STARTING;
}

static int on_sync(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Container *c = userdata;
        ContainerRun *r = c->run;
        char line[4096];
        ssize_t n;

        r->sync_watch = sd_event_source_disable_unref(r->sync_watch);
        n = read(r->sync_fd, line, sizeof line - 1);
        r->sync_fd = safe_close(r->sync_fd);
        if (n <= 0) {
                /* the shim died before answering: its exit handler reports it */
                return 0;
        }
        line[n] = 0;
        strstrip_trailing(line);
        if (startswith(line, "created ")) {
                trace(c, "created");
                c->pid = atoi(line + 8);
                send_start(c);
                return 0;
        }
        if (startswith(line, "error ")) {
                char *msg = NULL;
                int code = (int) strtol(line + 6, &msg, 10);
                while (msg && *msg == ' ')
                        msg++;
                c->exit_code = code;
                fail_start(r, shim_error_name(code), "%s", msg && *msg ? msg : line);
                return 0;
        }
        fail_start(r, ROOST_ERROR_FAILED, "the container's shim said something unexpected: %.200s", line);
        (void) kill(r->shim_pid, SIGKILL);
        return 0;
}

static void send_go(Container *c) {
        ContainerRun *r = c->run;
        int k;

        if (loop_write(r->sync_fd, "g", 1) < 0) {
                fail_start(r, ROOST_ERROR_FAILED, "the container's shim went away before it could start");
                return;
        }
        k = sd_event_add_io(c->daemon->event, &r->sync_watch, r->sync_fd, EPOLLIN, on_sync, c);
        if (k < 0) {
                fail_start(r, ROOST_ERROR_FAILED, "cannot watch the shim: %s", strerror(-k));
                (void) kill(r->shim_pid, SIGKILL);
                return;
        }
        r->phase = PHASE_CREATING;
}

static void on_scope_started(Daemon *d, const char *result, const char *error_message, void *userdata) {
        ContainerRun *r = userdata;
        Container *c = r->c;

        if (!result || !streq(result, "done")) {
                fail_start(r, ROOST_ERROR_FAILED, "systemd could not start the container's scope %s: %s", r->scope,
                           error_message ? error_message : result);
                (void) kill(r->shim_pid, SIGKILL);
                return;
        }
        trace(c, "scope started");
        if (container_net_portfwd_pid(c) > 0 &&
            scope_attach(d, r->scope, container_net_portfwd_pid(c)) < 0)
                log_warning("Could not move the port forwarder of container %s into %s: its ports close if roostd stops.",
                            c->name, r->scope);
        send_go(c);
}

/* The start request succeeded: the container runs. */
static void run_phase_done(Container *c) {
        ContainerRun *r = c->run;
        g_autofree char *pidtext = NULL;

        trace(c, "running");
        r->phase = PHASE_RUNNING;
        c->started_at = now_usec();
        c->finished_at = 0;
        c->exit_code = 0;
        g_free(c->error);
        c->error = NULL;
        container_set_state(c, CONTAINER_RUNNING);
        (void) container_save(c);
        container_emit_changed(c, "StartedAt", "Pid", "Scope", NULL);
        container_emit_event(c, "start", NULL, NULL);
        log_fields(LOG_INFO, NULL, "Container %s started (PID %d).", c->name, (int) c->pid);

        reply_all(r->start_waiters, NULL, NULL);
        if (r->start_msg) {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
                int k = sd_bus_message_new_method_return(r->start_msg, &reply);
                if (k >= 0)
                        k = sd_bus_message_open_container(reply, 'a', "h");
                if (k >= 0 && r->attach_fd >= 0)
                        k = sd_bus_message_append(reply, "h", r->attach_fd);
                if (k >= 0)
                        k = sd_bus_message_close_container(reply);
                if (k >= 0)
                        (void) sd_bus_send(NULL, reply, NULL);
                r->start_msg = sd_bus_message_unref(r->start_msg);
        }
        r->attach_fd = safe_close(r->attach_fd);
}

/* A start that failed before the shim was told to go: the shim (our
 * child, still waiting) goes at once, and the run with it. */
static void abandon_start(Container *c) {
        pid_t pid = c->run->shim_pid;

        (void) kill(pid, SIGKILL);
        (void) waitpid(pid, NULL, 0);
        container_run_free(c);
}

/* Starts the container; m (optional) is answered when it runs or fails. */
static int container_run_start(Container *c, sd_bus_message *m, const StartRequest *req, sd_bus_error *error) {
        static const StartRequest none = {};
        Daemon *d = c->daemon;
        ContainerRun *r;
        g_autofree char *err = NULL;
        ScopeResources res;
        int sync_fd = -EBADF, k;

        if (c->run)
                return sd_bus_error_setf(error, ROOST_ERROR_IN_USE, "container %s is already %s", c->name,
                                         c->run->phase == PHASE_STOPPING ? "stopping" : "starting");
        if (!d->holder || !holder_alive(d->holder))
                return sd_bus_error_setf(error, ROOST_ERROR_FAILED, "roost's namespace holder is gone; restart roostd "
                                         "(systemctl --user restart roostd)");
        if (isempty(d->facts.runtime_path))
                return sd_bus_error_setf(error, ROOST_ERROR_FAILED, "the OCI runtime %s is not installed: apt-get install %s",
                                         d->facts.runtime, d->facts.runtime);
        resources_from_options(c->options, &res);
        k = container_run_check_options(d, c->options, &err);
        if (k < 0)
                return sd_bus_error_setf(error, k == -EOPNOTSUPP ? ROOST_ERROR_NOT_SUPPORTED : ROOST_ERROR_INVALID_ARGUMENT, "%s", err);

        trace(c, "start requested");
        if (!req)
                req = &none;
        c->run = r = run_new(c);
        r->attach_requested = req->attach;
        r->attach_stdin = req->attach_stdin;
        r->detach_keys = g_strdup(req->detach_keys);
        r->console_rows = req->console_rows;
        r->console_cols = req->console_cols;
        r->scope = g_strdup_printf(ROOST_SCOPE_PREFIX "%s.scope", c->id);

        /* the shim first, and systemd making its scope while we write the
         * bundle: the shim reads its configuration only after "go" */
        k = spawn_shim(c, &sync_fd);
        if (k < 0) {
                container_run_free(c);
                return sd_bus_error_setf(error, ROOST_ERROR_FAILED, "cannot start roost-shim: %s", strerror(-k));
        }
        r->sync_fd = sync_fd;
        if (d->facts.systemd_scopes) {
                ScopeParams sp = {
                        .unit = r->scope,
                        .description = c->name,
                        .slice = ROOST_SLICE,
                        .pid = r->shim_pid,
                        .delegate = true,
                        .resources = resources_any(&res) ? &res : NULL,
                };
                r->phase = PHASE_SCOPE;
                k = scope_start_async(d, &sp, on_scope_started, r);
                if (k < 0) {
                        abandon_start(c);
                        return sd_bus_error_setf(error, ROOST_ERROR_FAILED, "cannot ask systemd for a scope: %s", strerror(-k));
                }
        }

        k = prepare_bundle(c, &err);
        trace(c, "bundle prepared");
        if (k < 0) {
                abandon_start(c);
                g_free(c->error);
                c->error = g_strdup(err ? err : strerror(-k));
                return sd_bus_error_setf(error, k == -ENOENT && err && strstr(err, "unable to find") ? ROOST_ERROR_INVALID_ARGUMENT
                                                                                                      : ROOST_ERROR_FAILED,
                                         "%s", c->error);
        }
        k = watch_shim(c, r->shim_pid);
        if (k < 0) {
                abandon_start(c);
                container_net_stop(c);
                return sd_bus_error_setf(error, ROOST_ERROR_FAILED, "cannot watch roost-shim: %s", strerror(-k));
        }
        if (m)
                r->start_msg = sd_bus_message_ref(m);
        if (!d->facts.systemd_scopes)
                send_go(c);
        return 1;
}

/* Start() options: Attach, Stdin, DetachKeys, ConsoleSize (rows, columns:
 * the terminal the container's pty starts with, as docker's ConsoleSize). */
static int read_start_options(sd_bus_message *m, StartRequest *req, char **keys, sd_bus_error *error) {
        g_autoptr(GVariant) opts = NULL;
        gboolean a = FALSE, s = FALSE;
        const char *k = NULL;
        guint32 rows = 0, cols = 0;
        int r;

        r = bus_message_read_gvariant(m, &opts);
        if (r < 0)
                return r;
        g_variant_ref_sink(opts);
        (void) g_variant_lookup(opts, "Attach", "b", &a);
        (void) g_variant_lookup(opts, "Stdin", "b", &s);
        (void) g_variant_lookup(opts, "DetachKeys", "&s", &k);
        if (g_variant_lookup(opts, "ConsoleSize", "(uu)", &rows, &cols) &&
            (rows == 0 || cols == 0 || rows > 10000 || cols > 10000))
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT, "invalid ConsoleSize %ux%u (rows and columns 1-10000)",
                                         rows, cols);
        *keys = k ? g_strdup(k) : NULL;
        *req = (StartRequest) { .attach = a, .attach_stdin = s, .detach_keys = *keys, .console_rows = rows, .console_cols = cols };
        return 0;
}

int method_container_start(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Container *c = userdata;
        g_autofree char *keys = NULL;
        StartRequest req;
        int r;

        r = read_start_options(m, &req, &keys, error);
        if (r < 0)
                return r;
        if (container_is_active(c) && c->state != CONTAINER_RESTARTING) {
                /* docker start on a running container does nothing */
                return sd_bus_reply_method_return(m, "ah", 0);
        }
        if (c->state == CONTAINER_REMOVING)
                return sd_bus_error_setf(error, ROOST_ERROR_IN_USE, "container %s is being removed", c->name);
        c->stopped_by_user = false;
        return container_run_start(c, m, &req, error);
}

/* --- restart policies ------------------------------------------------------------ */

static int on_restart_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Container *c = userdata;
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;

        c->restart_timer = sd_event_source_disable_unref(c->restart_timer);
        if (c->state != CONTAINER_RESTARTING || c->run)
                return 0;
        c->restart_count++;
        container_emit_event(c, "restart", NULL, NULL);
        if (container_run_start(c, NULL, NULL, &e) < 0) {
                log_warning("Restarting container %s failed: %s", c->name, e.message);
                container_set_state(c, CONTAINER_EXITED);
        }
        return 0;
}

static void schedule_restart(Container *c) {
        uint64_t delay = RESTART_DELAY_MIN_USEC, ran = c->finished_at > c->started_at ? c->finished_at - c->started_at : 0;
        int r;

        if (ran >= RESTART_RESET_AFTER_USEC)
                delay = RESTART_DELAY_MIN_USEC;
        else
                for (unsigned i = 0; i < MIN(c->restart_count, 20u) && delay < RESTART_DELAY_MAX_USEC; i++)
                        delay *= 2;
        delay = MIN(delay, RESTART_DELAY_MAX_USEC);
        container_set_state(c, CONTAINER_RESTARTING);
        c->restart_timer = sd_event_source_disable_unref(c->restart_timer);
        r = sd_event_add_time_relative(c->daemon->event, &c->restart_timer, CLOCK_MONOTONIC, delay, 0, on_restart_timer, c);
        if (r < 0)
                log_warning_errno(r, "Cannot schedule the restart of container %s: %m", c->name);
}

void containers_run_autostart(Daemon *d) {
        GHashTableIter it;
        gpointer v;

        g_hash_table_iter_init(&it, d->containers);
        while (g_hash_table_iter_next(&it, NULL, &v)) {
                Container *c = v;
                _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
                bool want = !c->run && (c->state == CONTAINER_EXITED || c->state == CONTAINER_RESTARTING) &&
                            (c->options->restart == RESTART_ALWAYS ||
                             (c->options->restart == RESTART_UNLESS_STOPPED && !c->stopped_by_user) ||
                             (c->state == CONTAINER_RESTARTING && restart_wanted(c)));
                if (!want)
                        continue;
                log_info("Starting container %s (restart policy).", c->name);
                if (container_run_start(c, NULL, NULL, &e) < 0)
                        log_warning("Starting container %s failed: %s", c->name, e.message);
        }
}

/* --- adoption ------------------------------------------------------------------ */

void container_run_adopt(Container *c) {
        _cleanup_free_ char *text = NULL;
        _cleanup_close_ int dirfd = -EBADF;
        int shim_pid = 0, k;

        if (!container_is_active(c) || c->state == CONTAINER_RESTARTING) {
                if (c->state == CONTAINER_RESTARTING)
                        c->state = CONTAINER_EXITED; /* autostart decides */
                return;
        }
        container_net_adopt(c);
        dirfd = open(c->run_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dirfd >= 0 && read_full_file_at(dirfd, SHIM_PID_FILE, 64, &text, NULL) >= 0)
                shim_pid = atoi(text);
        c->run = run_new(c);
        c->run->phase = PHASE_RUNNING;
        c->run->scope = g_strdup_printf(ROOST_SCOPE_PREFIX "%s.scope", c->id);
        if (shim_pid > 0 && (k = watch_shim(c, shim_pid)) >= 0) {
                c->run->shim_pid = shim_pid;
                log_debug("Re-adopted the shim (PID %d) of container %s.", shim_pid, c->name);
                return;
        }
        /* its shim is gone: take what it recorded */
        (void) handle_shim_exit(c);
}

/* --- stop, kill -------------------------------------------------------------------- */

static int shim_kill(Container *c, int sig, bool all, char **ret_error) {
        char s[16];
        const char *fields[] = { "signal", s, "all", all ? "true" : "false", NULL };
        int code = 0;

        snprintf(s, sizeof s, "%d", sig);
        return shim_call(c, "kill", fields, NULL, 0, NULL, ret_error, &code);
}

static int on_stop_timeout(sd_event_source *s, uint64_t usec, void *userdata) {
        Container *c = userdata;

        if (c->run) {
                c->run->stop_timer = sd_event_source_unref(c->run->stop_timer);
                log_info("Container %s did not stop in time, killing it.", c->name);
                (void) shim_kill(c, SIGKILL, true, NULL);
        }
        return 0;
}

static int container_run_stop(Container *c, sd_bus_message *m, unsigned timeout, bool restart, sd_bus_error *error) {
        ContainerRun *r = c->run;
        _cleanup_(image_config_freep) ImageConfig *img = NULL;
        int sig, k;

        c->stopped_by_user = !restart;
        (void) container_save(c);
        c->restart_timer = sd_event_source_disable_unref(c->restart_timer);
        if (c->state == CONTAINER_RESTARTING)
                container_set_state(c, CONTAINER_EXITED);
        if (!r || !container_is_active(c)) {
                if (!restart)
                        return sd_bus_reply_method_return(m, NULL);
                k = container_run_start(c, NULL, NULL, error);
                if (k < 0)
                        return k;
                g_ptr_array_add(c->run->start_waiters, sd_bus_message_ref(m));
                return 1;
        }
        if (timeout == UINT32_MAX)
                timeout = c->options->stop_timeout >= 0 ? (unsigned) c->options->stop_timeout : STOP_TIMEOUT_DEFAULT;
        (void) container_image_config(c->daemon, c->image_id, &img);
        sig = oci_spec_stop_signal(c->options, img, c->command);

        g_ptr_array_add(r->stop_msgs, sd_bus_message_ref(m));
        r->restart_after_stop = r->restart_after_stop || restart;
        if (r->phase == PHASE_STOPPING)
                return 1;
        r->phase = PHASE_STOPPING;
        if (c->state == CONTAINER_PAUSED) {
                /* a frozen process cannot handle its signal: thaw it first */
                g_autofree char *cg = container_cgroup(c);
                g_autofree char *f = cg ? g_strdup_printf("/sys/fs/cgroup%s/cgroup.freeze", cg) : NULL;
                if (f)
                        (void) write_cgroup_file(f, "0");
        }
        k = shim_kill(c, timeout == 0 ? SIGKILL : sig, timeout == 0, NULL);
        if (k < 0)
                log_debug_errno(k, "Stop signal to %s failed: %m", c->name);
        container_emit_event(c, "kill", "signal", "stop");
        if (timeout > 0)
                (void) sd_event_add_time_relative(c->daemon->event, &r->stop_timer, CLOCK_MONOTONIC,
                                                  (uint64_t) timeout * 1000000ULL, 0, on_stop_timeout, c);
        return 1;
}

int method_container_stop(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        uint32_t t;
        int r = sd_bus_message_read(m, "u", &t);
        if (r < 0)
                return r;
        return container_run_stop(userdata, m, t, false, error);
}

int method_container_restart(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        uint32_t t;
        int r = sd_bus_message_read(m, "u", &t);
        if (r < 0)
                return r;
        return container_run_stop(userdata, m, t, true, error);
}

int method_container_kill(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Container *c = userdata;
        g_autofree char *err = NULL;
        const char *s;
        int sig, r;

        r = sd_bus_message_read(m, "s", &s);
        if (r < 0)
                return r;
        sig = signal_from_string(s);
        if (sig < 0)
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT, "invalid signal \"%.32s\": use a name like SIGTERM or a number", s);
        if (!c->run || c->state != CONTAINER_RUNNING)
                return sd_bus_error_setf(error, ROOST_ERROR_NOT_RUNNING, "cannot kill container %s: container %s is not running",
                                         c->name, c->id);
        r = shim_kill(c, sig, false, &err);
        if (r < 0)
                return sd_bus_error_setf(error, ROOST_ERROR_FAILED, "cannot kill container %s: %s", c->name, err ? err : strerror(-r));
        {
                char num[16];
                snprintf(num, sizeof num, "%d", sig);
                container_emit_event(c, "kill", "signal", num);
        }
        return sd_bus_reply_method_return(m, NULL);
}

int container_run_kill_sync(Container *c) {
        ContainerRun *r = c->run;
        _cleanup_close_ int pidfd = -EBADF;

        if (!r) {
                if (c->state == CONTAINER_RESTARTING)
                        container_set_state(c, CONTAINER_EXITED);
                return 0;
        }
        c->stopped_by_user = true;
        (void) shim_kill(c, SIGKILL, true, NULL);
        if (r->shim_pid > 0 && (pidfd = pidfd_open_pid(r->shim_pid)) >= 0) {
                struct pollfd p = { .fd = pidfd, .events = POLLIN };
                if (poll(&p, 1, 10000) == 0) {
                        kill(r->shim_pid, SIGKILL);
                        (void) poll(&p, 1, 2000);
                }
        }
        if (r->shim_is_child)
                (void) waitpid(r->shim_pid, NULL, WNOHANG);
        return handle_shim_exit(c) ? 1 : 0;
}

/* --- attach, exec, resize ---------------------------------------------------------- */

static int reply_fd(sd_bus_message *m, int fd) {
        int r = sd_bus_reply_method_return(m, "h", fd);
        safe_close(fd);
        return r;
}

int method_container_attach(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Container *c = userdata;
        g_autoptr(GVariant) opts = NULL;
        g_autofree char *err = NULL;
        gboolean in = FALSE;
        const char *keys = NULL;
        int fd = -EBADF, code = 0, r;

        r = bus_message_read_gvariant(m, &opts);
        if (r < 0)
                return r;
        g_variant_ref_sink(opts);
        (void) g_variant_lookup(opts, "Stdin", "b", &in);
        (void) g_variant_lookup(opts, "DetachKeys", "&s", &keys);
        if (!c->run || !container_is_active(c))
                return sd_bus_error_setf(error, ROOST_ERROR_NOT_RUNNING,
                                         "you cannot attach to a stopped container, start it first");
        {
                const char *fields[] = { "stdin", in ? "true" : "false", keys ? "detach_keys" : NULL, keys, NULL };
                r = shim_call(c, "attach", fields, NULL, 0, &fd, &err, &code);
        }
        if (r < 0)
                return sd_bus_error_setf(error, ROOST_ERROR_FAILED, "cannot attach to container %s: %s", c->name, err ? err : strerror(-r));
        container_emit_event(c, "attach", NULL, NULL);
        return reply_fd(m, fd);
}

int method_container_exec(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Container *c = userdata;
        g_autoptr(GVariant) opts = NULL;
        g_autofree const char **cmd = NULL, **env = NULL;
        g_autofree char *err = NULL, *json = NULL, *rootfs = NULL;
        const char *user = NULL, *cwd = NULL, *keys = NULL;
        gboolean tty = FALSE, in = FALSE, detach = FALSE;
        guint32 rows = 0, cols = 0;
        g_autoptr(GArray) gids = g_array_new(FALSE, FALSE, sizeof(gid_t));
        _cleanup_(image_config_freep) ImageConfig *img = NULL;
        uid_t uid;
        gid_t gid;
        int fd = -EBADF, code = 0, r;

        r = bus_message_read_gvariant(m, &opts);
        if (r < 0)
                return r;
        g_variant_ref_sink(opts);
        if (!g_variant_lookup(opts, "Cmd", "^a&s", &cmd) || !cmd[0])
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT, "no command given to exec");
        (void) g_variant_lookup(opts, "Env", "^a&s", &env);
        (void) g_variant_lookup(opts, "User", "&s", &user);
        (void) g_variant_lookup(opts, "WorkingDir", "&s", &cwd);
        (void) g_variant_lookup(opts, "Tty", "b", &tty);
        (void) g_variant_lookup(opts, "Stdin", "b", &in);
        (void) g_variant_lookup(opts, "Detach", "b", &detach);
        (void) g_variant_lookup(opts, "DetachKeys", "&s", &keys);
        if (g_variant_lookup(opts, "ConsoleSize", "(uu)", &rows, &cols) &&
            (rows == 0 || cols == 0 || rows > 10000 || cols > 10000))
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT, "invalid ConsoleSize %ux%u (rows and columns 1-10000)",
                                         rows, cols);
        if (c->run && c->state == CONTAINER_PAUSED)
                return sd_bus_error_setf(error, ROOST_ERROR_NOT_RUNNING,
                                         "container %s is paused: unpause it first (roost unpause %s)", c->name, c->name);
        if (!c->run || c->state != CONTAINER_RUNNING)
                return sd_bus_error_setf(error, ROOST_ERROR_NOT_RUNNING, "container %s is not running", c->name);
        if (cwd && *cwd && cwd[0] != '/')
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT, "the working directory \"%s\" must be absolute", cwd);

        (void) container_image_config(c->daemon, c->image_id, &img);
        r = container_rootfs_prepare(c->daemon, c->image_id, c->id, &rootfs, &err);
        if (r >= 0)
                r = resolve_user(c, rootfs, !isempty(user) ? user : !isempty(c->options->user) ? c->options->user : img->user,
                                 c->options->group_add, &uid, &gid, gids, &err);
        if (r < 0) {
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT, "%s", err ? err : strerror(-r));
        }

        {
                /* the container's own process settings, with exec's overrides */
                g_autoptr(RJsonBuilder) b = rjson_builder_new();
                g_autoptr(json_t) root = NULL;
                g_auto(GStrv) caps = oci_spec_capabilities(c->options);
                g_autoptr(GPtrArray) e = g_ptr_array_new();

                for (char **x = img->env; x && *x; x++)
                        g_ptr_array_add(e, *x);
                for (char **x = c->options->env; x && *x; x++)
                        g_ptr_array_add(e, *x);
                for (const char **x = env; x && *x; x++)
                        g_ptr_array_add(e, (char *) *x);
                rjson_begin_object(b);
                rjson_member_bool(b, "terminal", tty);
                if (tty && rows > 0) {
                        /* the runtime sizes the pty before the process runs */
                        rjson_key(b, "consoleSize");
                        rjson_begin_object(b);
                        rjson_member_int(b, "height", rows);
                        rjson_member_int(b, "width", cols);
                        rjson_end_object(b);
                }
                rjson_key(b, "user");
                rjson_begin_object(b);
                rjson_member_int(b, "uid", uid);
                rjson_member_int(b, "gid", gid);
                if (gids->len) {
                        rjson_key(b, "additionalGids");
                        rjson_begin_array(b);
                        for (guint i = 0; i < gids->len; i++)
                                rjson_add_int(b, g_array_index(gids, gid_t, i));
                        rjson_end_array(b);
                }
                rjson_end_object(b);
                rjson_key(b, "args");
                rjson_add_strv(b, cmd);
                rjson_key(b, "env");
                rjson_begin_array(b);
                {
                        bool have_path = false;
                        for (guint i = 0; i < e->len; i++)
                                have_path = have_path || g_str_has_prefix(e->pdata[i], "PATH=");
                        if (!have_path)
                                rjson_add_string(b, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
                        if (tty)
                                rjson_add_string(b, "TERM=xterm");
                }
                for (guint i = 0; i < e->len; i++)
                        rjson_add_string(b, e->pdata[i]);
                rjson_end_array(b);
                rjson_member_string(b, "cwd", !isempty(cwd) ? cwd : !isempty(c->options->working_dir) ? c->options->working_dir
                                                  : !isempty(img->working_dir) ? img->working_dir : "/");
                rjson_key(b, "capabilities");
                rjson_begin_object(b);
                for (const char *const *set = (const char *const[]) { "bounding", "effective", "permitted", NULL }; *set; set++) {
                        rjson_key(b, *set);
                        rjson_add_strv(b, (const char *const *) caps);
                }
                rjson_end_object(b);
                rjson_member_bool(b, "noNewPrivileges", c->options->no_new_privileges);
                rjson_end_object(b);
                root = rjson_builder_root(b);
                json = rjson_dump(root, false);
        }

        {
                const char *fields[] = { "tty", tty ? "true" : "false", "stdin", in ? "true" : "false", "detach",
                                         detach ? "true" : "false", keys ? "detach_keys" : NULL, keys, NULL };
                r = shim_call(c, "exec", fields, json, strlen(json), &fd, &err, &code);
        }
        if (r == -EREMOTEIO)
                return sd_bus_error_setf(error, shim_error_name(code), "%s", err);
        if (r < 0)
                return sd_bus_error_setf(error, ROOST_ERROR_FAILED, "cannot exec in container %s: %s", c->name, strerror(-r));
        container_emit_event(c, "exec_start", "execID", cmd[0]);
        return reply_fd(m, fd);
}

int method_container_resize(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Container *c = userdata;
        uint32_t rows, cols;
        char rs[16], cs[16];
        g_autofree char *err = NULL;
        int r;

        r = sd_bus_message_read(m, "uu", &rows, &cols);
        if (r < 0)
                return r;
        if (rows == 0 || cols == 0 || rows > 10000 || cols > 10000)
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT, "invalid terminal size %ux%u", rows, cols);
        if (!c->run || !container_is_active(c))
                return sd_bus_error_setf(error, ROOST_ERROR_NOT_RUNNING, "container %s is not running", c->name);
        snprintf(rs, sizeof rs, "%u", rows);
        snprintf(cs, sizeof cs, "%u", cols);
        {
                const char *fields[] = { "rows", rs, "cols", cs, NULL };
                r = shim_call(c, "resize", fields, NULL, 0, NULL, &err, NULL);
        }
        if (r < 0)
                return sd_bus_error_setf(error, ROOST_ERROR_FAILED, "cannot resize: %s", err ? err : strerror(-r));
        return sd_bus_reply_method_return(m, NULL);
}

/* --- pause, stats, top, update ------------------------------------------------------- */


static int freeze(Container *c, bool on, sd_bus_error *error) {
        g_autofree char *cg = container_cgroup(c), *f = NULL;
        g_autoptr(GError) e = NULL;

        if (!c->run || !container_is_active(c))
                return sd_bus_error_setf(error, ROOST_ERROR_NOT_RUNNING, "container %s is not running", c->name);
        if (!cg)
                return sd_bus_error_setf(error, ROOST_ERROR_NOT_SUPPORTED,
                                         "pause needs the container's own cgroup, which only a systemd user manager provides");
        if (on && c->state == CONTAINER_PAUSED)
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT, "container %s is already paused", c->name);
        if (!on && c->state != CONTAINER_PAUSED)
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT, "container %s is not paused", c->name);
        f = g_strdup_printf("/sys/fs/cgroup%s/cgroup.freeze", cg);
        if (write_cgroup_file(f, on ? "1" : "0") < 0)
                return sd_bus_error_setf(error, ROOST_ERROR_FAILED, "cannot %s container %s: writing %s: %s",
                                         on ? "pause" : "unpause", c->name, f, strerror(errno));
        container_set_state(c, on ? CONTAINER_PAUSED : CONTAINER_RUNNING);
        container_emit_event(c, on ? "pause" : "unpause", NULL, NULL);
        return 1;
}

int method_container_pause(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        int r = freeze(userdata, true, error);
        return r < 0 ? r : sd_bus_reply_method_return(m, NULL);
}

int method_container_unpause(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        int r = freeze(userdata, false, error);
        return r < 0 ? r : sd_bus_reply_method_return(m, NULL);
}

static bool read_u64(const char *path, uint64_t *ret) {
        g_autofree char *s = NULL;
        if (!g_file_get_contents(path, &s, NULL, NULL) || g_str_has_prefix(s, "max"))
                return false;
        *ret = g_ascii_strtoull(s, NULL, 10);
        return true;
}

int method_container_stats(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Container *c = userdata;
        g_autofree char *cg = container_cgroup(c), *scope = NULL;
        uint64_t v;
        int r;

        if (!c->run || !container_is_active(c))
                return sd_bus_error_setf(error, ROOST_ERROR_NOT_RUNNING, "container %s is not running", c->name);
        scope = cg ? g_path_get_dirname(cg) : NULL;
        r = sd_bus_message_new_method_return(m, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "{sv}");
        if (r < 0)
                return r;
        (void) sd_bus_message_append(reply, "{sv}", "Timestamp", "t", now_usec());
        if (scope) {
                g_autofree char *base = g_strdup_printf("/sys/fs/cgroup%s", scope);
                g_autofree char *mc = g_strdup_printf("%s/memory.current", base), *mm = g_strdup_printf("%s/memory.max", base);
                g_autofree char *pc = g_strdup_printf("%s/pids.current", base), *cs = g_strdup_printf("%s/cpu.stat", base);
                g_autofree char *io = g_strdup_printf("%s/io.stat", base), *text = NULL;
                if (read_u64(mc, &v))
                        (void) sd_bus_message_append(reply, "{sv}", "MemoryUsage", "t", v);
                if (read_u64(mm, &v))
                        (void) sd_bus_message_append(reply, "{sv}", "MemoryLimit", "t", v);
                if (read_u64(pc, &v))
                        (void) sd_bus_message_append(reply, "{sv}", "Pids", "t", v);
                if (g_file_get_contents(cs, &text, NULL, NULL)) {
                        const char *u = strstr(text, "usage_usec ");
                        if (u)
                                (void) sd_bus_message_append(reply, "{sv}", "CpuUsageNsec", "t",
                                                             g_ascii_strtoull(u + 11, NULL, 10) * 1000);
                }
                g_clear_pointer(&text, g_free);
                if (g_file_get_contents(io, &text, NULL, NULL)) {
                        uint64_t rb = 0, wb = 0;
                        for (char *p = text; (p = strstr(p, "rbytes=")); p += 7)
                                rb += g_ascii_strtoull(p + 7, NULL, 10);
                        for (char *p = text; (p = strstr(p, "wbytes=")); p += 7)
                                wb += g_ascii_strtoull(p + 7, NULL, 10);
                        (void) sd_bus_message_append(reply, "{sv}", "BlockRead", "t", rb);
                        (void) sd_bus_message_append(reply, "{sv}", "BlockWrite", "t", wb);
                }
                /* without the pids controller: count the processes ourselves */
                if (!read_u64(pc, &v)) {
                        g_autofree char *procs = NULL, *pf = g_strdup_printf("/sys/fs/cgroup%s/cgroup.procs", cg);
                        if (g_file_get_contents(pf, &procs, NULL, NULL)) {
                                uint64_t n = 0;
                                for (char *p = procs; *p; p++)
                                        n += *p == '\n';
                                (void) sd_bus_message_append(reply, "{sv}", "Pids", "t", n);
                        }
                }
        }
        return bus_close_and_send(reply);
}

/* the PIDs in the container's cgroup and below */
static void collect_pids(const char *dir, GHashTable *pids) {
        g_autofree char *procs = NULL, *f = g_build_filename(dir, "cgroup.procs", NULL);
        g_autoptr(GDir) d = NULL;
        const char *name;

        if (g_file_get_contents(f, &procs, NULL, NULL)) {
                g_auto(GStrv) l = g_strsplit(procs, "\n", -1);
                for (char **p = l; *p; p++)
                        if (**p)
                                g_hash_table_add(pids, g_strdup(*p));
        }
        d = g_dir_open(dir, 0, NULL);
        while (d && (name = g_dir_read_name(d))) {
                g_autofree char *sub = g_build_filename(dir, name, NULL);
                if (g_file_test(sub, G_FILE_TEST_IS_DIR))
                        collect_pids(sub, pids);
        }
}

int method_container_top(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Container *c = userdata;
        g_autofree char *cg = container_cgroup(c), *out = NULL;
        g_autoptr(GHashTable) pids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        g_autoptr(GPtrArray) argv = g_ptr_array_new();
        g_auto(GStrv) ps_args = NULL, lines = NULL, head = NULL;
        int pid_col = -1, r;

        r = sd_bus_message_read_strv(m, &ps_args);
        if (r < 0)
                return r;
        if (!c->run || !container_is_active(c))
                return sd_bus_error_setf(error, ROOST_ERROR_NOT_RUNNING, "container %s is not running", c->name);
        if (cg) {
                g_autofree char *dir = g_strdup_printf("/sys/fs/cgroup%s", cg);
                collect_pids(dir, pids);
        }
        if (g_hash_table_size(pids) == 0 && c->pid > 0) {
                char s[16];
                snprintf(s, sizeof s, "%d", (int) c->pid);
                g_hash_table_add(pids, g_strdup(s));
        }
        g_ptr_array_add(argv, (char *) "ps");
        if (!ps_args || !ps_args[0])
                g_ptr_array_add(argv, (char *) "-ef");
        for (char **a = ps_args; a && *a; a++) {
                if (**a != '-' && strpbrk(*a, ";|&`$"))
                        return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT, "invalid ps argument \"%s\"", *a);
                g_ptr_array_add(argv, *a);
        }
        g_ptr_array_add(argv, NULL);
        r = spawn_wait((char **) argv->pdata, 10000, &out);
        if (r != 0)
                return sd_bus_error_setf(error, ROOST_ERROR_FAILED, "ps failed: %s", out ? strstrip_trailing(out) : strerror(-r));
        lines = g_strsplit(out, "\n", -1);
        head = g_strsplit_set(lines[0], " \t", -1);
        {
                g_autoptr(GPtrArray) titles = g_ptr_array_new();
                for (char **h = head; *h; h++)
                        if (**h) {
                                if (streq(*h, "PID"))
                                        pid_col = (int) titles->len;
                                g_ptr_array_add(titles, *h);
                        }
                g_ptr_array_add(titles, NULL);
                if (pid_col < 0)
                        return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT, "ps output has no PID column (use -o pid,...)");
                r = sd_bus_message_new_method_return(m, &reply);
                if (r >= 0)
                        r = sd_bus_message_append_strv(reply, (char **) titles->pdata);
                if (r >= 0)
                        r = sd_bus_message_open_container(reply, 'a', "as");
                if (r < 0)
                        return r;
                for (char **l = lines + 1; *l; l++) {
                        /* split into as many fields as titles; the last keeps its blanks (the command) */
                        g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func(g_free);
                        const char *p = *l;
                        for (guint col = 0; col < titles->len - 1 && *p; col++) {
                                while (*p == ' ')
                                        p++;
                                if (col == titles->len - 2) {
                                        g_ptr_array_add(cells, g_strdup(p));
                                        break;
                                }
                                size_t n = strcspn(p, " ");
                                g_ptr_array_add(cells, g_strndup(p, n));
                                p += n;
                        }
                        if ((int) cells->len <= pid_col || !g_hash_table_contains(pids, cells->pdata[pid_col]))
                                continue;
                        g_ptr_array_add(cells, NULL);
                        r = sd_bus_message_append_strv(reply, (char **) cells->pdata);
                        if (r < 0)
                                return r;
                }
                r = sd_bus_message_close_container(reply);
                if (r < 0)
                        return r;
        }
        return sd_bus_send(NULL, reply, NULL);
}

int method_container_update(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Container *c = userdata;
        g_autoptr(GVariant) in = NULL, merged = NULL;
        g_autoptr(ContainerOptions) o = NULL;
        g_autofree char *err = NULL;
        GVariantDict d;
        GVariantIter it;
        const char *key;
        GVariant *v;
        ScopeResources res;
        int r;

        r = bus_message_read_gvariant(m, &in);
        if (r < 0)
                return r;
        g_variant_ref_sink(in);
        g_variant_dict_init(&d, c->options_v);
        g_variant_iter_init(&it, in);
        while (g_variant_iter_loop(&it, "{&sv}", &key, &v)) {
                static const char *const allowed[] = { "Memory", "MemorySwap", "NanoCpus", "CpuShares", "PidsLimit",
                                                       "CpusetCpus", "RestartPolicy", NULL };
                if (!g_strv_contains(allowed, key)) {
                        g_variant_dict_clear(&d);
                        return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT, "%s cannot be updated (%s can)", key,
                                                 "Memory, MemorySwap, NanoCpus, CpuShares, PidsLimit, CpusetCpus, RestartPolicy");
                }
                g_variant_dict_insert_value(&d, key, v);
        }
        merged = g_variant_ref_sink(g_variant_dict_end(&d));
        r = container_options_parse(merged, &o, &err);
        if (r < 0)
                return sd_bus_error_setf(error, ROOST_ERROR_INVALID_ARGUMENT, "%s", err);
        resources_from_options(o, &res);
        if (resources_any(&res)) {
                g_autofree char *missing = scope_check_controllers(c->daemon->facts.cgroup_controllers, &res);
                if (missing)
                        return sd_bus_error_setf(error, ROOST_ERROR_NOT_SUPPORTED, "cannot update container %s: %s", c->name, missing);
                if (c->run && c->run->scope && container_is_active(c)) {
                        r = scope_set_resources(c->daemon, c->run->scope, &res, error);
                        if (r < 0)
                                return r;
                }
        }
        g_variant_unref(c->options_v);
        c->options_v = g_variant_ref(merged);
        container_options_free(c->options);
        c->options = g_steal_pointer(&o);
        (void) container_save(c);
        container_emit_changed(c, "RestartPolicy", NULL);
        container_emit_event(c, "update", NULL, NULL);
        return sd_bus_reply_method_return(m, NULL);
}

