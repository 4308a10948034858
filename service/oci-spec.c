/* SPDX-License-Identifier: Apache-2.0 */
#include <signal.h>
#include <sys/capability.h>
#include <sys/resource.h>

#include "json.h"
#include "macro.h"
#include "oci-spec.h"
#include "seccomp-profile.h"
#include "userns.h"

#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define INIT_IN_CONTAINER "/run/roost-init"

/* docker's default capabilities */
static const char *const default_caps[] = {
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
        "CAP_AUDIT_WRITE", NULL,
};

static const char *const masked_paths[] = {
        "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap", NULL,
};

static const char *const readonly_paths[] = {
        "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

static const char *const init_commands[] = {
        "/sbin/init", "/usr/sbin/init", "/usr/local/sbin/init", "/lib/systemd/systemd", "/usr/lib/systemd/systemd",
        "systemd", "init", NULL,
};

char **oci_spec_args(const ContainerOptions *o, const ImageConfig *img) {
        g_autoptr(GStrvBuilder) b = g_strv_builder_new();
        char **entrypoint = o->entrypoint ? o->entrypoint : img->entrypoint;
        /* a new entrypoint drops the image's Cmd, as docker does */
        char **cmd = o->cmd ? o->cmd : (o->entrypoint ? NULL : img->cmd);

        if (entrypoint)
                g_strv_builder_addv(b, (const char **) entrypoint);
        if (cmd)
                g_strv_builder_addv(b, (const char **) cmd);
        return g_strv_builder_end(b);
}

bool oci_spec_is_systemd(const ContainerOptions *o, char *const *args) {
        if (!o->systemd || g_str_equal(o->systemd, "false"))
                return false;
        if (g_str_equal(o->systemd, "always"))
                return true;
        return args && args[0] && g_strv_contains(init_commands, args[0]);
}

int oci_spec_stop_signal(const ContainerOptions *o, const ImageConfig *img, char *const *args) {
        int s;

        if (o->stop_signal && (s = signal_from_string(o->stop_signal)) > 0)
                return s;
        if (oci_spec_is_systemd(o, args))
                return SIGRTMIN + 3;
        if (img->stop_signal && (s = signal_from_string(img->stop_signal)) > 0)
                return s;
        return SIGTERM;
}

char **oci_spec_capabilities(const ContainerOptions *o) {
        g_autoptr(GPtrArray) caps = g_ptr_array_new_with_free_func(g_free);
        bool drop_all = o->cap_drop && g_strv_contains((const char *const *) o->cap_drop, "ALL");
        bool add_all = o->privileged || (o->cap_add && g_strv_contains((const char *const *) o->cap_add, "ALL"));

        if (add_all) {
                for (cap_value_t c = 0; c <= CAP_LAST_CAP; c++) {
                        char *n = cap_to_name(c); /* freed with cap_free(), not free() */
                        if (n) {
                                g_ptr_array_add(caps, g_ascii_strup(n, -1));
                                cap_free(n);
                        }
                }
        } else {
                if (!drop_all)
                        for (const char *const *c = default_caps; *c; c++)
                                g_ptr_array_add(caps, g_strdup(*c));
                for (char **c = o->cap_add; c && *c; c++) {
                        bool have = false;
                        for (guint i = 0; i < caps->len; i++)
                                have = have || g_str_equal(caps->pdata[i], *c);
                        if (!have)
                                g_ptr_array_add(caps, g_strdup(*c));
                }
        }
        if (!o->privileged)
                for (char **c = o->cap_drop; c && *c; c++)
                        for (guint i = 0; i < caps->len; i++)
                                if (g_str_equal(caps->pdata[i], *c)) {
                                        g_ptr_array_remove_index(caps, i);
                                        break;
                                }
        g_ptr_array_add(caps, NULL);
        return (char **) g_ptr_array_steal(caps, NULL);
}

/* image env, then the user's (a later NAME= replaces an earlier one) */
static char **build_env(const ContainerOptions *o, const ImageConfig *img, const SpecContext *ctx, bool systemd) {
        g_autoptr(GPtrArray) env = g_ptr_array_new_with_free_func(g_free);
        char **sources[] = { img->env, o->env };
        bool have_path = false, have_term = false, have_hostname = false;

        for (size_t s = 0; s < G_N_ELEMENTS(sources); s++)
                for (char **e = sources[s]; e && *e; e++) {
                        size_t klen = strcspn(*e, "=");
                        bool replaced = false;
                        for (guint i = 0; i < env->len && !replaced; i++) {
                                const char *x = env->pdata[i];
                                if (strncmp(x, *e, klen + 1) == 0) {
                                        g_free(env->pdata[i]);
                                        env->pdata[i] = g_strdup(*e);
                                        replaced = true;
                                }
                        }
                        if (!replaced)
                                g_ptr_array_add(env, g_strdup(*e));
                }
        for (guint i = 0; i < env->len; i++) {
                const char *x = env->pdata[i];
                have_path = have_path || g_str_has_prefix(x, "PATH=");
                have_term = have_term || g_str_has_prefix(x, "TERM=");
                have_hostname = have_hostname || g_str_has_prefix(x, "HOSTNAME=");
        }
        if (!have_path)
                g_ptr_array_insert(env, 0, g_strdup(DEFAULT_PATH));
        if (!have_hostname && ctx->hostname)
                g_ptr_array_add(env, g_strdup_printf("HOSTNAME=%s", ctx->hostname));
        if (o->tty && !have_term)
                g_ptr_array_add(env, g_strdup("TERM=xterm"));
        if (systemd)
                g_ptr_array_add(env, g_strdup("container=roost"));
        g_ptr_array_add(env, NULL);
        return (char **) g_ptr_array_steal(env, NULL);
}

/* name: [the strings of v], [] when there are none (as crun wants them) */
static void add_strv(RJsonBuilder *b, const char *name, char *const *v) {
        rjson_key(b, name);
        rjson_add_strv(b, (const char *const *) v);
}

static void add_mount(RJsonBuilder *b, const char *dst, const char *type, const char *src, const char *const *opts) {
        rjson_begin_object(b);
        rjson_member_string(b, "destination", dst);
        rjson_member_string(b, "type", type);
        rjson_member_string(b, "source", src);
        add_strv(b, "options", (char *const *) opts);
        rjson_end_object(b);
}

static bool user_mounts_cover(const ContainerOptions *o, const char *dst) {
        for (size_t i = 0; i < o->n_mounts; i++)
                if (g_str_equal(o->mounts[i].target, dst))
                        return true;
        return false;
}

static void build_mounts(RJsonBuilder *b, const ContainerOptions *o, const SpecContext *ctx, bool systemd) {
        rjson_key(b, "mounts");
        rjson_begin_array(b);

        add_mount(b, "/proc", "proc", "proc", (const char *[]) { "nosuid", "noexec", "nodev", NULL });
        add_mount(b, "/dev", "tmpfs", "tmpfs", (const char *[]) { "nosuid", "strictatime", "mode=755", "size=65536k", NULL });
        add_mount(b, "/dev/pts", "devpts", "devpts",
                  (const char *[]) { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", NULL });
        add_mount(b, "/dev/shm", "tmpfs", "shm",
                  (const char *[]) { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL });
        add_mount(b, "/dev/mqueue", "mqueue", "mqueue", (const char *[]) { "nosuid", "noexec", "nodev", NULL });
        if (ctx->host_network)
                /* sysfs cannot be mounted for a network namespace we do not own */
                add_mount(b, "/sys", "bind", "/sys", (const char *[]) { "rbind", "nosuid", "noexec", "nodev", "ro", NULL });
        else
                add_mount(b, "/sys", "sysfs", "sysfs", (const char *[]) { "nosuid", "noexec", "nodev", "ro", NULL });
        add_mount(b, "/sys/fs/cgroup", "cgroup", "cgroup",
                  (const char *[]) { "nosuid", "noexec", "nodev", "relatime", (systemd || o->privileged) ? "rw" : "ro", NULL });

        if (systemd)
                for (const char *const *p = (const char *const[]) { "/run", "/run/lock", "/tmp", "/var/lib/journal", NULL }; *p; p++)
                        if (!user_mounts_cover(o, *p))
                                add_mount(b, *p, "tmpfs", "tmpfs",
                                          (const char *[]) { "rw", "rprivate", "nosuid", "nodev", "mode=1777", NULL });

        if (ctx->etc_dir)
                for (const char *const *f = (const char *const[]) { "hosts", "hostname", "resolv.conf", NULL }; *f; f++) {
                        g_autofree char *dst = g_strdup_printf("/etc/%s", *f);
                        g_autofree char *src = g_build_filename(ctx->etc_dir, *f, NULL);
                        if (!user_mounts_cover(o, dst) && g_file_test(src, G_FILE_TEST_EXISTS))
                                add_mount(b, dst, "bind", src, (const char *[]) { "rbind", "rprivate", NULL });
                }

        if (ctx->init_path)
                add_mount(b, INIT_IN_CONTAINER, "bind", ctx->init_path, (const char *[]) { "bind", "ro", "nosuid", "nodev", NULL });

        for (size_t i = 0, v = 0; i < o->n_mounts; i++) {
                const MountSpec *m = &o->mounts[i];
                g_autoptr(GPtrArray) opts = g_ptr_array_new();

                if (m->kind == MOUNT_TMPFS) {
                        bool has_mode = false;
                        g_ptr_array_add(opts, (char *) "nosuid");
                        g_ptr_array_add(opts, (char *) "nodev");
                        for (char **x = m->options; x && *x; x++) {
                                g_ptr_array_add(opts, *x);
                                has_mode = has_mode || g_str_has_prefix(*x, "mode=");
                        }
                        if (!has_mode)
                                g_ptr_array_add(opts, (char *) "mode=1777");
                        g_ptr_array_add(opts, NULL);
                        add_mount(b, m->target, "tmpfs", "tmpfs", (const char *const *) opts->pdata);
                        continue;
                }
                g_ptr_array_add(opts, (char *) "rbind");
                for (char **x = m->options; x && *x; x++)
                        g_ptr_array_add(opts, *x);
                if (m->readonly)
                        g_ptr_array_add(opts, (char *) (m->recursive_ro ? "rro" : "ro"));
                g_ptr_array_add(opts, NULL);
                add_mount(b, m->target, "bind",
                          m->kind == MOUNT_VOLUME && ctx->volume_paths ? ctx->volume_paths[v++] : m->source,
                          (const char *const *) opts->pdata);
        }
        rjson_end_array(b);
}

static int add_seccomp(RJsonBuilder *b, const ContainerOptions *o, const SpecContext *ctx, char *const *caps,
                       char **ret_error) {
        if (o->privileged || (o->seccomp_profile && g_str_equal(o->seccomp_profile, "unconfined")))
                return 0;
        if (ctx->seccomp_json) {
                g_autofree char *e = NULL;
                g_autoptr(json_t) root = rjson_parse(ctx->seccomp_json, -1, &e);

                if (!root) {
                        *ret_error = g_strdup_printf("the seccomp profile %s is not valid JSON: %s", o->seccomp_profile, e);
                        return -EINVAL;
                }
                if (!json_is_object(root) || !json_object_get(root, "defaultAction")) {
                        *ret_error = g_strdup_printf("the seccomp profile %s is not a seccomp profile (no defaultAction)",
                                                     o->seccomp_profile);
                        return -EINVAL;
                }
                rjson_key(b, "seccomp");
                rjson_add_value(b, g_steal_pointer(&root));
                return 0;
        }
        return seccomp_profile_build(b, caps, ctx->bind_listener, ret_error);
}

int oci_spec_build(const ContainerOptions *o, const ImageConfig *img, const SpecContext *ctx, char **ret_json,
                   char **ret_error) {
        g_autoptr(RJsonBuilder) b = rjson_builder_new();
        g_autoptr(json_t) root = NULL;
        g_auto(GStrv) args = oci_spec_args(o, img);
        g_auto(GStrv) caps = NULL, env = NULL;
        const char *cwd;
        bool systemd;
        int r;

        if (!args[0]) {
                *ret_error = g_strdup("no command specified: the image has neither Entrypoint nor Cmd; give a command after the image");
                return -EINVAL;
        }
        systemd = oci_spec_is_systemd(o, args);
        caps = oci_spec_capabilities(o);
        env = build_env(o, img, ctx, systemd);
        cwd = !isempty(o->working_dir) ? o->working_dir : !isempty(img->working_dir) ? img->working_dir : "/";

        if (ctx->init_path) {
                g_autoptr(GStrvBuilder) sb = g_strv_builder_new();
                g_strv_builder_add_many(sb, INIT_IN_CONTAINER, "--", NULL);
                g_strv_builder_addv(sb, (const char **) args);
                g_strfreev(args);
                args = g_strv_builder_end(sb);
        }

        rjson_begin_object(b);
        rjson_member_string(b, "ociVersion", "1.0.2");

        rjson_key(b, "process");
        rjson_begin_object(b);
        rjson_member_bool(b, "terminal", o->tty);
        rjson_key(b, "user");
        rjson_begin_object(b);
        rjson_member_int(b, "uid", ctx->uid);
        rjson_member_int(b, "gid", ctx->gid);
        if (ctx->n_additional_gids) {
                rjson_key(b, "additionalGids");
                rjson_begin_array(b);
                for (size_t i = 0; i < ctx->n_additional_gids; i++)
                        rjson_add_int(b, ctx->additional_gids[i]);
                rjson_end_array(b);
        }
        rjson_end_object(b);
        add_strv(b, "args", args);
        add_strv(b, "env", env);
        rjson_member_string(b, "cwd", cwd);
        rjson_key(b, "capabilities");
        rjson_begin_object(b);
        add_strv(b, "bounding", caps);
        add_strv(b, "effective", caps);
        add_strv(b, "permitted", caps);
        rjson_end_object(b);
        if (o->n_ulimits) {
                static const char *const rl_names[] = {
                        [RLIMIT_CPU] = "RLIMIT_CPU",         [RLIMIT_FSIZE] = "RLIMIT_FSIZE",
                        [RLIMIT_DATA] = "RLIMIT_DATA",       [RLIMIT_STACK] = "RLIMIT_STACK",
                        [RLIMIT_CORE] = "RLIMIT_CORE",       [RLIMIT_RSS] = "RLIMIT_RSS",
                        [RLIMIT_NPROC] = "RLIMIT_NPROC",     [RLIMIT_NOFILE] = "RLIMIT_NOFILE",
                        [RLIMIT_MEMLOCK] = "RLIMIT_MEMLOCK", [RLIMIT_AS] = "RLIMIT_AS",
                        [RLIMIT_LOCKS] = "RLIMIT_LOCKS",     [RLIMIT_SIGPENDING] = "RLIMIT_SIGPENDING",
                        [RLIMIT_MSGQUEUE] = "RLIMIT_MSGQUEUE", [RLIMIT_NICE] = "RLIMIT_NICE",
                        [RLIMIT_RTPRIO] = "RLIMIT_RTPRIO",   [RLIMIT_RTTIME] = "RLIMIT_RTTIME",
                };
                rjson_key(b, "rlimits");
                rjson_begin_array(b);
                for (size_t i = 0; i < o->n_ulimits; i++) {
                        rjson_begin_object(b);
                        rjson_member_string(b, "type", rl_names[o->ulimits[i].resource]);
                        rjson_member_int(b, "soft", (gint64) o->ulimits[i].soft);
                        rjson_member_int(b, "hard", (gint64) o->ulimits[i].hard);
                        rjson_end_object(b);
                }
                rjson_end_array(b);
        }
        rjson_member_bool(b, "noNewPrivileges", o->no_new_privileges);
        rjson_end_object(b); /* process */

        rjson_key(b, "root");
        rjson_begin_object(b);
        rjson_member_string(b, "path", ctx->rootfs);
        rjson_member_bool(b, "readonly", o->read_only);
        rjson_end_object(b);

        rjson_member_string(b, "hostname", ctx->hostname);
        build_mounts(b, o, ctx, systemd);

        rjson_key(b, "annotations");
        rjson_begin_object(b);
        rjson_member_string(b, "io.roost.container.id", ctx->id);
        if (o->name)
                rjson_member_string(b, "io.roost.container.name", o->name);
        rjson_end_object(b);

        rjson_key(b, "linux");
        rjson_begin_object(b);
        rjson_key(b, "namespaces");
        rjson_begin_array(b);
        for (const char *const *ns = (const char *const[]) { "pid", "ipc", "uts", "mount", "cgroup", NULL }; *ns; ns++) {
                rjson_begin_object(b);
                rjson_member_string(b, "type", *ns);
                rjson_end_object(b);
        }
        if (!ctx->host_network) {
                rjson_begin_object(b);
                rjson_member_string(b, "type", "network");
                if (ctx->netns_path)
                        rjson_member_string(b, "path", ctx->netns_path);
                rjson_end_object(b);
        }
        if (ctx->userns) {
                rjson_begin_object(b);
                rjson_member_string(b, "type", "user");
                rjson_end_object(b);
        }
        rjson_end_array(b);
        if (ctx->userns)
                userns_plan_to_json(ctx->userns, b);
        if (ctx->cgroups_path)
                rjson_member_string(b, "cgroupsPath", ctx->cgroups_path);
        if (!o->privileged) {
                add_strv(b, "maskedPaths", (char *const *) masked_paths);
                add_strv(b, "readonlyPaths", (char *const *) readonly_paths);
        }
        r = add_seccomp(b, o, ctx, caps, ret_error);
        if (r < 0)
                return r;
        rjson_end_object(b); /* linux */

        rjson_end_object(b);
        root = rjson_builder_root(b);
        *ret_json = rjson_dump(root, false);
        return 0;
}
