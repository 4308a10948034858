/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <signal.h>
#include <sys/capability.h>
#include <sys/resource.h>

#include <arpa/inet.h>

#include "container-options.h"
#include "hosts.h"
#include "ipam.h"
#include "netns-defs.h"
#include "portspec.h"
#include "macro.h"
#include "roost-names.h"

#define fail(...) (*ret_error = g_strdup_printf(__VA_ARGS__), -EINVAL)

bool container_name_valid(const char *name) {
        if (!name || !g_ascii_isalnum(name[0]) || strlen(name) > ROOST_NAME_MAX)
                return false;
        for (const char *p = name; *p; p++)
                if (!g_ascii_isalnum(*p) && *p != '_' && *p != '.' && *p != '-')
                        return false;
        return true;
}

int signal_from_string(const char *s) {
        static const struct {
                const char *name;
                int sig;
        } table[] = {
                { "HUP", SIGHUP },   { "INT", SIGINT },     { "QUIT", SIGQUIT }, { "ILL", SIGILL },
                { "TRAP", SIGTRAP }, { "ABRT", SIGABRT },   { "BUS", SIGBUS },   { "FPE", SIGFPE },
                { "KILL", SIGKILL }, { "USR1", SIGUSR1 },   { "SEGV", SIGSEGV }, { "USR2", SIGUSR2 },
                { "PIPE", SIGPIPE }, { "ALRM", SIGALRM },   { "TERM", SIGTERM }, { "STKFLT", SIGSTKFLT },
                { "CHLD", SIGCHLD }, { "CONT", SIGCONT },   { "STOP", SIGSTOP }, { "TSTP", SIGTSTP },
                { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },   { "URG", SIGURG },   { "XCPU", SIGXCPU },
                { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF }, { "WINCH", SIGWINCH },
                { "IO", SIGIO },     { "PWR", SIGPWR },     { "SYS", SIGSYS },
        };
        const char *n = s;
        char *end;
        long v;

        if (isempty(s))
                return -EINVAL;
        if (g_ascii_isdigit(s[0])) {
                v = strtol(s, &end, 10);
                return (*end || v <= 0 || v > SIGRTMAX) ? -EINVAL : (int) v;
        }
        if (g_ascii_strncasecmp(n, "SIG", 3) == 0)
                n += 3;
        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (g_ascii_strcasecmp(n, table[i].name) == 0)
                        return table[i].sig;
        if (g_ascii_strncasecmp(n, "RTMIN", 5) == 0 || g_ascii_strncasecmp(n, "RTMAX", 5) == 0) {
                bool min = g_ascii_strncasecmp(n, "RTMIN", 5) == 0;
                int base = min ? SIGRTMIN : SIGRTMAX, off = 0;
                if (n[5]) {
                        v = strtol(n + 5, &end, 10);
                        if (*end || (min && v < 0) || (!min && v > 0))
                                return -EINVAL;
                        off = (int) v;
                }
                if (base + off < SIGRTMIN || base + off > SIGRTMAX)
                        return -EINVAL;
                return base + off;
        }
        return -EINVAL;
}

static void mount_spec_clear(MountSpec *m) {
        g_free(m->source);
        g_free(m->target);
        g_strfreev(m->options);
}

void container_options_free(ContainerOptions *o) {
        if (!o)
                return;
        g_free(o->image);
        g_free(o->name);
        g_strfreev(o->cmd);
        g_strfreev(o->entrypoint);
        g_strfreev(o->env);
        g_free(o->working_dir);
        g_free(o->user);
        g_free(o->hostname);
        if (o->labels)
                g_hash_table_unref(o->labels);
        g_free(o->stop_signal);
        for (size_t i = 0; i < o->n_mounts; i++)
                mount_spec_clear(&o->mounts[i]);
        g_free(o->mounts);
        g_strfreev(o->cap_add);
        g_strfreev(o->cap_drop);
        g_free(o->seccomp_profile);
        for (size_t i = 0; i < o->n_ulimits; i++)
                g_free(o->ulimits[i].name);
        g_free(o->ulimits);
        g_free(o->systemd);
        g_free(o->cpuset_cpus);
        g_free(o->network_mode);
        g_strfreev(o->publish);
        g_strfreev(o->expose);
        g_free(o->ip_address);
        g_strfreev(o->network_aliases);
        g_strfreev(o->dns);
        g_strfreev(o->dns_search);
        g_strfreev(o->dns_options);
        g_strfreev(o->extra_hosts);
        g_free(o->userns);
        g_free(o->log_driver);
        g_strfreev(o->group_add);
        g_free(o);
}

static bool path_ok(const char *p) {
        return p && p[0] == '/' && strlen(p) < 4096 && !strstr(p, "\n");
}

static MountSpec *add_mount(ContainerOptions *o) {
        o->mounts = g_renew(MountSpec, o->mounts, o->n_mounts + 1);
        MountSpec *m = &o->mounts[o->n_mounts++];
        *m = (MountSpec) {};
        return m;
}

static bool volume_name_valid(const char *n) {
        /* docker: [a-zA-Z0-9][a-zA-Z0-9_.-]+ */
        return container_name_valid(n) && strlen(n) >= 2;
}

static const char *const propagations[] = { "shared", "slave", "private", "rshared", "rslave", "rprivate", NULL };

/* -v SRC:DST[:OPTS] or -v DST (an anonymous volume is not supported: say so) */
static int parse_bind(ContainerOptions *o, const char *spec, char **ret_error) {
        g_auto(GStrv) parts = g_strsplit(spec, ":", 4);
        guint n = g_strv_length(parts);
        MountSpec *m;

        if (n < 2 || n > 3)
                return fail("invalid volume specification \"%s\": use SOURCE:DESTINATION[:OPTIONS]", spec);
        if (!path_ok(parts[1]))
                return fail("invalid volume specification \"%s\": the destination \"%s\" must be an absolute path", spec, parts[1]);
        m = add_mount(o);
        if (parts[0][0] == '/') {
                m->kind = MOUNT_BIND;
                if (!path_ok(parts[0]))
                        return fail("invalid volume specification \"%s\": bad source path", spec);
        } else {
                m->kind = MOUNT_VOLUME;
                if (!volume_name_valid(parts[0]))
                        return fail("invalid volume specification \"%s\": \"%s\" is neither an absolute host path nor a valid "
                                    "volume name ([a-zA-Z0-9][a-zA-Z0-9_.-]+)", spec, parts[0]);
        }
        m->source = g_strdup(parts[0]);
        m->target = g_strdup(parts[1]);
        if (n == 3) {
                g_auto(GStrv) opts = g_strsplit(parts[2], ",", -1);
                for (char **x = opts; *x; x++) {
                        if (g_str_equal(*x, "ro"))
                                m->readonly = true;
                        else if (g_str_equal(*x, "rro"))
                                m->readonly = m->recursive_ro = true;
                        else if (g_str_equal(*x, "rw") || g_str_equal(*x, "z") || g_str_equal(*x, "Z") || g_str_equal(*x, ""))
                                ;
                        else if (g_strv_contains(propagations, *x)) {
                                gsize k = m->options ? g_strv_length(m->options) : 0;
                                m->options = g_renew(char *, m->options, k + 2);
                                m->options[k] = g_strdup(*x);
                                m->options[k + 1] = NULL;
                        } else
                                return fail("invalid volume specification \"%s\": unknown option \"%s\" "
                                            "(use ro, rw, rro, z, Z or a propagation like rslave)", spec, *x);
                }
        }
        return 0;
}

/* --mount type=bind|volume|tmpfs,source=..,target=..,readonly[,bind-recursive=readonly][,tmpfs-size=..] */
static int parse_mount(ContainerOptions *o, const char *spec, char **ret_error) {
        g_auto(GStrv) fields = g_strsplit(spec, ",", -1);
        g_autofree char *type = NULL, *src = NULL, *dst = NULL;
        bool ro = false, rro = false;
        g_autoptr(GPtrArray) opts = g_ptr_array_new_with_free_func(g_free);
        MountSpec *m;

        for (char **f = fields; *f; f++) {
                char *eq = strchr(*f, '=');
                g_autofree char *k = g_strndup(*f, eq ? (gsize) (eq - *f) : strlen(*f));
                const char *v = eq ? eq + 1 : NULL;

                if (g_str_equal(k, "type"))
                        g_free(type), type = g_strdup(v);
                else if (g_str_equal(k, "source") || g_str_equal(k, "src"))
                        g_free(src), src = g_strdup(v);
                else if (g_str_equal(k, "target") || g_str_equal(k, "destination") || g_str_equal(k, "dst"))
                        g_free(dst), dst = g_strdup(v);
                else if (g_str_equal(k, "readonly") || g_str_equal(k, "ro"))
                        ro = !v || g_str_equal(v, "true") || g_str_equal(v, "1");
                else if (g_str_equal(k, "bind-recursive") && v && g_str_equal(v, "readonly"))
                        rro = true;
                else if (g_str_equal(k, "bind-propagation") && v && g_strv_contains(propagations, v))
                        g_ptr_array_add(opts, g_strdup(v));
                else if (g_str_equal(k, "tmpfs-size") && v) {
                        int64_t sz;
                        if (parse_size(v, &sz) < 0)
                                return fail("invalid mount \"%s\": tmpfs-size=%s is not a size", spec, v);
                        g_ptr_array_add(opts, g_strdup_printf("size=%" G_GINT64_FORMAT, sz));
                } else if (g_str_equal(k, "tmpfs-mode") && v)
                        g_ptr_array_add(opts, g_strdup_printf("mode=%s", v));
                else
                        return fail("invalid mount \"%s\": unknown field \"%s\"", spec, k);
        }
        if (!type)
                type = g_strdup("volume");
        if (!path_ok(dst))
                return fail("invalid mount \"%s\": target must be an absolute path", spec);
        m = add_mount(o);
        m->target = g_steal_pointer(&dst);
        m->readonly = ro || rro;
        m->recursive_ro = rro;
        if (g_str_equal(type, "bind")) {
                m->kind = MOUNT_BIND;
                if (!path_ok(src))
                        return fail("invalid mount \"%s\": a bind mount needs an absolute source", spec);
        } else if (g_str_equal(type, "volume")) {
                m->kind = MOUNT_VOLUME;
                if (!src || !volume_name_valid(src))
                        return fail("invalid mount \"%s\": a volume mount needs source=NAME", spec);
        } else if (g_str_equal(type, "tmpfs")) {
                m->kind = MOUNT_TMPFS;
                if (src)
                        return fail("invalid mount \"%s\": a tmpfs takes no source", spec);
        } else
                return fail("invalid mount \"%s\": type must be bind, volume or tmpfs", spec);
        m->source = g_steal_pointer(&src);
        if (opts->len) {
                g_ptr_array_add(opts, NULL);
                m->options = (char **) g_ptr_array_steal(opts, NULL);
        }
        return 0;
}

/* --tmpfs /path[:opts] */
static int parse_tmpfs(ContainerOptions *o, const char *spec, char **ret_error) {
        const char *colon = strchr(spec, ':');
        MountSpec *m;

        m = add_mount(o);
        m->kind = MOUNT_TMPFS;
        m->target = colon ? g_strndup(spec, (gsize) (colon - spec)) : g_strdup(spec);
        if (!path_ok(m->target))
                return fail("invalid tmpfs \"%s\": the path must be absolute", spec);
        if (colon && colon[1])
                m->options = g_strsplit(colon + 1, ",", -1);
        return 0;
}

static int normalize_cap(const char *in, char **ret, char **ret_error) {
        g_autofree char *up = g_ascii_strup(in, -1);
        g_autofree char *name = g_str_has_prefix(up, "CAP_") ? g_strdup(up) : g_strdup_printf("CAP_%s", up);
        g_autofree char *lower = g_ascii_strdown(name, -1);
        cap_value_t v;

        if (g_str_equal(up, "ALL")) {
                *ret = g_strdup("ALL");
                return 0;
        }
        if (cap_from_name(lower, &v) < 0)
                return fail("unknown capability \"%s\" (see capabilities(7), e.g. NET_ADMIN or CAP_SYS_PTRACE)", in);
        *ret = g_steal_pointer(&name);
        return 0;
}

static int parse_caps(GVariant *v, char ***ret, char **ret_error) {
        g_autofree const char **in = g_variant_get_strv(v, NULL);
        g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(g_free);
        int r;

        for (const char **c = in; *c; c++) {
                char *n;
                r = normalize_cap(*c, &n, ret_error);
                if (r < 0)
                        return r;
                g_ptr_array_add(out, n);
        }
        g_ptr_array_add(out, NULL);
        *ret = (char **) g_ptr_array_steal(out, NULL);
        return 0;
}

static const struct {
        const char *name;
        int resource;
} ulimit_names[] = {
        { "core", RLIMIT_CORE },       { "cpu", RLIMIT_CPU },         { "data", RLIMIT_DATA },
        { "fsize", RLIMIT_FSIZE },     { "locks", RLIMIT_LOCKS },     { "memlock", RLIMIT_MEMLOCK },
        { "msgqueue", RLIMIT_MSGQUEUE }, { "nice", RLIMIT_NICE },     { "nofile", RLIMIT_NOFILE },
        { "nproc", RLIMIT_NPROC },     { "rss", RLIMIT_RSS },         { "rtprio", RLIMIT_RTPRIO },
        { "rttime", RLIMIT_RTTIME },   { "sigpending", RLIMIT_SIGPENDING }, { "stack", RLIMIT_STACK },
        { "as", RLIMIT_AS },
};

static int parse_ulimit(ContainerOptions *o, const char *spec, char **ret_error) {
        const char *eq = strchr(spec, '=');
        g_autofree char *name = eq ? g_strndup(spec, (gsize) (eq - spec)) : NULL;
        char *end;
        Ulimit u = {};
        bool found = false;

        if (!eq)
                return fail("invalid ulimit \"%s\": use NAME=SOFT[:HARD], e.g. nofile=1024:2048", spec);
        for (size_t i = 0; i < ELEMENTSOF(ulimit_names); i++)
                if (g_str_equal(ulimit_names[i].name, name)) {
                        u.resource = ulimit_names[i].resource;
                        found = true;
                }
        if (!found)
                return fail("invalid ulimit \"%s\": unknown limit \"%s\" (core, cpu, data, fsize, locks, memlock, msgqueue, "
                            "nice, nofile, nproc, rss, rtprio, rttime, sigpending, stack)", spec, name);
        errno = 0;
        u.soft = g_ascii_strtoull(eq + 1, &end, 10);
        if (end == eq + 1 || errno || (*end && *end != ':'))
                return fail("invalid ulimit \"%s\": the soft limit is not a number", spec);
        u.hard = u.soft;
        if (*end == ':') {
                const char *h = end + 1;
                u.hard = g_ascii_strtoull(h, &end, 10);
                if (end == h || *end || errno)
                        return fail("invalid ulimit \"%s\": the hard limit is not a number", spec);
        }
        if (u.soft > u.hard)
                return fail("invalid ulimit \"%s\": the soft limit %" G_GUINT64_FORMAT " is above the hard limit %" G_GUINT64_FORMAT,
                            spec, u.soft, u.hard);
        u.name = g_steal_pointer(&name);
        o->ulimits = g_renew(Ulimit, o->ulimits, o->n_ulimits + 1);
        o->ulimits[o->n_ulimits++] = u;
        return 0;
}

static int parse_restart(ContainerOptions *o, const char *s, char **ret_error) {
        if (g_str_equal(s, "no") || g_str_equal(s, ""))
                o->restart = RESTART_NO;
        else if (g_str_equal(s, "always"))
                o->restart = RESTART_ALWAYS;
        else if (g_str_equal(s, "unless-stopped"))
                o->restart = RESTART_UNLESS_STOPPED;
        else if (g_str_has_prefix(s, "on-failure")) {
                o->restart = RESTART_ON_FAILURE;
                if (s[10] == ':') {
                        char *end;
                        long n = strtol(s + 11, &end, 10);
                        if (!s[11] || *end || n < 0 || n > 1000000)
                                return fail("invalid restart policy \"%s\": the retry count must be a number 0 or more", s);
                        o->restart_max = (int) n;
                } else if (s[10])
                        goto bad;
        } else
                goto bad;
        return 0;
bad:
        return fail("invalid restart policy \"%s\": use no, on-failure[:max-retries], always or unless-stopped", s);
}

static bool env_valid(const char *e) {
        const char *eq = strchr(e, '=');
        return eq && eq != e;
}

#define KEY_IS(k) g_str_equal(key, k)
#define NEED_TYPE(t)                                                                                         \
        do {                                                                                                 \
                if (!g_variant_is_of_type(v, G_VARIANT_TYPE(t)))                                            \
                        return fail("option %s must have D-Bus type %s, not %s", key, t, g_variant_get_type_string(v)); \
        } while (0)

static int take_int64(GVariant *v, const char *key, int64_t *ret, char **ret_error) {
        if (g_variant_is_of_type(v, G_VARIANT_TYPE_INT64))
                *ret = g_variant_get_int64(v);
        else if (g_variant_is_of_type(v, G_VARIANT_TYPE_UINT64))
                *ret = (int64_t) MIN(g_variant_get_uint64(v), (guint64) INT64_MAX);
        else if (g_variant_is_of_type(v, G_VARIANT_TYPE_INT32))
                *ret = g_variant_get_int32(v);
        else if (g_variant_is_of_type(v, G_VARIANT_TYPE_UINT32))
                *ret = g_variant_get_uint32(v);
        else
                return fail("option %s must be an integer (x or t), not %s", key, g_variant_get_type_string(v));
        return 0;
}

static int check_strv(const char *key, char **l, size_t max_items, char **ret_error) {
        size_t n = 0;
        for (char **s = l; s && *s; s++, n++)
                if (strlen(*s) > ROOST_ARG_MAX)
                        return fail("option %s: an item is longer than %d bytes", key, ROOST_ARG_MAX);
        if (n > max_items)
                return fail("option %s has %zu items; at most %zu are allowed", key, n, max_items);
        return 0;
}

bool hostname_valid(const char *s) {
        if (isempty(s) || strlen(s) > 253 || s[0] == '-' || s[0] == '.')
                return false;
        for (const char *p = s; *p; p++)
                if (!g_ascii_isalnum(*p) && *p != '.' && *p != '-' && *p != '_')
                        return false;
        return true;
}

bool network_mode_is_network(const char *mode) {
        return mode && !g_str_equal(mode, "none") && !g_str_equal(mode, "host") && !startswith(mode, "container:");
}

int container_options_parse(GVariant *asv, ContainerOptions **ret, char **ret_error) {
        g_autoptr(ContainerOptions) o = g_new0(ContainerOptions, 1);
        GVariantIter it;
        const char *key;
        GVariant *v;
        int r;

        o->stop_timeout = -1;
        o->labels = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

        g_variant_iter_init(&it, asv);
        while (g_variant_iter_loop(&it, "{&sv}", &key, &v)) {
                if (KEY_IS("Image")) {
                        NEED_TYPE("s");
                        o->image = g_variant_dup_string(v, NULL);
                } else if (KEY_IS("Name")) {
                        NEED_TYPE("s");
                        o->name = g_variant_dup_string(v, NULL);
                        if (*o->name && !container_name_valid(o->name))
                                return fail("invalid container name \"%s\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed, "
                                            "at most %d characters", o->name, ROOST_NAME_MAX);
                } else if (KEY_IS("Cmd")) {
                        NEED_TYPE("as");
                        o->cmd = g_variant_dup_strv(v, NULL);
                } else if (KEY_IS("Entrypoint")) {
                        NEED_TYPE("as");
                        o->entrypoint = g_variant_dup_strv(v, NULL);
                } else if (KEY_IS("Env")) {
                        NEED_TYPE("as");
                        o->env = g_variant_dup_strv(v, NULL);
                        for (char **e = o->env; *e; e++)
                                if (!env_valid(*e))
                                        return fail("invalid environment variable \"%s\": use NAME=VALUE", *e);
                } else if (KEY_IS("WorkingDir")) {
                        NEED_TYPE("s");
                        o->working_dir = g_variant_dup_string(v, NULL);
                        if (*o->working_dir && o->working_dir[0] != '/')
                                return fail("the working directory \"%s\" is invalid: it needs to be an absolute path",
                                            o->working_dir);
                } else if (KEY_IS("User")) {
                        NEED_TYPE("s");
                        o->user = g_variant_dup_string(v, NULL);
                } else if (KEY_IS("Hostname")) {
                        NEED_TYPE("s");
                        o->hostname = g_variant_dup_string(v, NULL);
                        if (*o->hostname && (strlen(o->hostname) > 63 || !hostname_valid(o->hostname)))
                                return fail("invalid hostname \"%s\": at most 63 letters, digits, '.', '-' and '_'", o->hostname);
                } else if (KEY_IS("Tty")) {
                        NEED_TYPE("b");
                        o->tty = g_variant_get_boolean(v);
                } else if (KEY_IS("OpenStdin")) {
                        NEED_TYPE("b");
                        o->open_stdin = g_variant_get_boolean(v);
                } else if (KEY_IS("Labels")) {
                        GVariantIter li;
                        const char *lk, *lv;
                        NEED_TYPE("a{ss}");
                        g_variant_iter_init(&li, v);
                        while (g_variant_iter_next(&li, "{&s&s}", &lk, &lv))
                                g_hash_table_replace(o->labels, g_strdup(lk), g_strdup(lv));
                } else if (KEY_IS("StopSignal")) {
                        NEED_TYPE("s");
                        o->stop_signal = g_variant_dup_string(v, NULL);
                        if (signal_from_string(o->stop_signal) < 0)
                                return fail("invalid stop signal \"%s\": use a name like SIGTERM or a number", o->stop_signal);
                } else if (KEY_IS("StopTimeout")) {
                        int64_t t;
                        if ((r = take_int64(v, key, &t, ret_error)) < 0)
                                return r;
                        if (t < -1 || t > 24 * 3600)
                                return fail("invalid stop timeout %" G_GINT64_FORMAT ": use seconds from 0 to 86400", t);
                        o->stop_timeout = (int) t;
                } else if (KEY_IS("Binds") || KEY_IS("Mounts") || KEY_IS("Tmpfs")) {
                        g_autofree const char **l = NULL;
                        NEED_TYPE("as");
                        l = g_variant_get_strv(v, NULL);
                        if ((r = check_strv(key, (char **) l, 1000, ret_error)) < 0)
                                return r;
                        for (const char **s = l; *s; s++) {
                                r = KEY_IS("Binds") ? parse_bind(o, *s, ret_error)
                                    : KEY_IS("Mounts") ? parse_mount(o, *s, ret_error)
                                                       : parse_tmpfs(o, *s, ret_error);
                                if (r < 0)
                                        return r;
                        }
                } else if (KEY_IS("ReadonlyRootfs")) {
                        NEED_TYPE("b");
                        o->read_only = g_variant_get_boolean(v);
                } else if (KEY_IS("Privileged")) {
                        NEED_TYPE("b");
                        o->privileged = g_variant_get_boolean(v);
                } else if (KEY_IS("CapAdd") || KEY_IS("CapDrop")) {
                        NEED_TYPE("as");
                        r = parse_caps(v, KEY_IS("CapAdd") ? &o->cap_add : &o->cap_drop, ret_error);
                        if (r < 0)
                                return r;
                } else if (KEY_IS("SecurityOpt")) {
                        g_autofree const char **l = NULL;
                        NEED_TYPE("as");
                        l = g_variant_get_strv(v, NULL);
                        for (const char **s = l; *s; s++) {
                                if (g_str_equal(*s, "no-new-privileges") || g_str_equal(*s, "no-new-privileges:true") ||
                                    g_str_equal(*s, "no-new-privileges=true"))
                                        o->no_new_privileges = true;
                                else if (g_str_equal(*s, "no-new-privileges:false") || g_str_equal(*s, "no-new-privileges=false"))
                                        o->no_new_privileges = false;
                                else if (g_str_has_prefix(*s, "seccomp=") || g_str_has_prefix(*s, "seccomp:")) {
                                        g_free(o->seccomp_profile);
                                        o->seccomp_profile = g_strdup(*s + 8);
                                } else
                                        return fail("invalid security option \"%s\": roost knows seccomp=unconfined, "
                                                    "seccomp=PROFILE and no-new-privileges", *s);
                        }
                } else if (KEY_IS("Init")) {
                        NEED_TYPE("b");
                        o->init = g_variant_get_boolean(v);
                } else if (KEY_IS("Ulimits")) {
                        g_autofree const char **l = NULL;
                        NEED_TYPE("as");
                        l = g_variant_get_strv(v, NULL);
                        for (const char **s = l; *s; s++)
                                if ((r = parse_ulimit(o, *s, ret_error)) < 0)
                                        return r;
                } else if (KEY_IS("Systemd")) {
                        NEED_TYPE("s");
                        o->systemd = g_variant_dup_string(v, NULL);
                        if (!g_str_equal(o->systemd, "true") && !g_str_equal(o->systemd, "false") &&
                            !g_str_equal(o->systemd, "always"))
                                return fail("invalid --systemd value \"%s\": use true, false or always", o->systemd);
                } else if (KEY_IS("RestartPolicy")) {
                        NEED_TYPE("s");
                        if ((r = parse_restart(o, g_variant_get_string(v, NULL), ret_error)) < 0)
                                return r;
                } else if (KEY_IS("AutoRemove")) {
                        NEED_TYPE("b");
                        o->auto_remove = g_variant_get_boolean(v);
                } else if (KEY_IS("Memory") || KEY_IS("MemorySwap") || KEY_IS("NanoCpus") || KEY_IS("CpuShares") ||
                           KEY_IS("PidsLimit")) {
                        int64_t n;
                        if ((r = take_int64(v, key, &n, ret_error)) < 0)
                                return r;
                        if (KEY_IS("Memory")) {
                                if (n != 0 && n < 6 * 1024 * 1024)
                                        return fail("invalid memory limit %" G_GINT64_FORMAT ": the minimum is 6m", n);
                                o->memory = n;
                        } else if (KEY_IS("MemorySwap")) {
                                if (n < -1)
                                        return fail("invalid memory-swap %" G_GINT64_FORMAT ": use a size, or -1 for unlimited", n);
                                o->memory_swap = n;
                        } else if (KEY_IS("NanoCpus")) {
                                if (n < 0 || n > (int64_t) g_get_num_processors() * 1000000000LL)
                                        return fail("invalid --cpus: range is 0.01 to %u (the number of CPUs)", g_get_num_processors());
                                if (n > 0 && n < 10000000)
                                        return fail("invalid --cpus: the minimum is 0.01");
                                o->nano_cpus = n;
                        } else if (KEY_IS("CpuShares")) {
                                if (n != 0 && (n < 2 || n > 262144))
                                        return fail("invalid --cpu-shares %" G_GINT64_FORMAT ": range is 2 to 262144", n);
                                o->cpu_shares = n;
                        } else {
                                if (n < -1)
                                        return fail("invalid --pids-limit %" G_GINT64_FORMAT ": use -1 for unlimited or a positive number", n);
                                o->pids_limit = n;
                        }
                } else if (KEY_IS("CpusetCpus")) {
                        NEED_TYPE("s");
                        o->cpuset_cpus = g_variant_dup_string(v, NULL);
                        for (const char *p = o->cpuset_cpus; *p; p++)
                                if (!g_ascii_isdigit(*p) && *p != ',' && *p != '-')
                                        return fail("invalid --cpuset-cpus \"%s\": use a list like 0-2,4", o->cpuset_cpus);
                } else if (KEY_IS("NetworkMode")) {
                        NEED_TYPE("s");
                        o->network_mode = g_variant_dup_string(v, NULL);
                        if (!*o->network_mode)
                                g_clear_pointer(&o->network_mode, g_free);
                        else if (startswith(o->network_mode, "container:") && !o->network_mode[10])
                                return fail("invalid --network container: name the container (container:NAME)");
                        else if (!startswith(o->network_mode, "container:") && !container_name_valid(o->network_mode))
                                return fail("invalid --network \"%s\": use none, host, container:NAME or a network's name",
                                            o->network_mode);
                } else if (KEY_IS("Publish")) {
                        NEED_TYPE("as");
                        o->publish = g_variant_dup_strv(v, NULL);
                        for (char **p = o->publish; *p; p++) {
                                _cleanup_free_ PortForward *f = NULL;
                                size_t n = 0;
                                const char *why = NULL;
                                if (portspec_parse(*p, &f, &n, &why) < 0)
                                        return fail("invalid -p \"%s\": %s; use [HOSTIP:][HOSTPORT:]CONTAINERPORT[/tcp|/udp]",
                                                    *p, why ? why : "not a port spec");
                        }
                } else if (KEY_IS("PublishAll")) {
                        NEED_TYPE("b");
                        o->publish_all = g_variant_get_boolean(v);
                } else if (KEY_IS("Expose")) {
                        NEED_TYPE("as");
                        o->expose = g_variant_dup_strv(v, NULL);
                        for (char **p = o->expose; *p; p++) {
                                _cleanup_free_ PortForward *f = NULL;
                                size_t n = 0;
                                const char *why = NULL;
                                if (strchr(*p, ':') || portspec_parse(*p, &f, &n, &why) < 0)
                                        return fail("invalid --expose \"%s\": use PORT[/tcp|/udp] or a range like 8000-8009/tcp", *p);
                        }
                } else if (KEY_IS("IPAddress")) {
                        uint32_t a;
                        NEED_TYPE("s");
                        o->ip_address = g_variant_dup_string(v, NULL);
                        if (!*o->ip_address)
                                g_clear_pointer(&o->ip_address, g_free);
                        else if (ipam_parse_address(o->ip_address, &a) < 0)
                                return fail("invalid --ip \"%s\": not an IPv4 address", o->ip_address);
                } else if (KEY_IS("NetworkAliases")) {
                        NEED_TYPE("as");
                        o->network_aliases = g_variant_dup_strv(v, NULL);
                        for (char **p = o->network_aliases; *p; p++)
                                if (!hostname_valid(*p))
                                        return fail("invalid --network-alias \"%s\": use letters, digits, '.', '-' and '_'", *p);
                } else if (KEY_IS("Dns")) {
                        NEED_TYPE("as");
                        o->dns = g_variant_dup_strv(v, NULL);
                        for (char **p = o->dns; *p; p++) {
                                struct in6_addr a6;
                                if (inet_pton(AF_INET, *p, &a6) != 1 && inet_pton(AF_INET6, *p, &a6) != 1)
                                        return fail("invalid --dns \"%s\": not an IP address", *p);
                        }
                } else if (KEY_IS("DnsSearch") || KEY_IS("DnsOptions")) {
                        char **l;
                        NEED_TYPE("as");
                        l = g_variant_dup_strv(v, NULL);
                        if (KEY_IS("DnsSearch"))
                                o->dns_search = l;
                        else
                                o->dns_options = l;
                        for (char **p = l; *p; p++)
                                if (!**p || strpbrk(*p, " \t\r\n#;"))
                                        return fail("invalid --%s \"%s\": one word, no white space",
                                                    KEY_IS("DnsSearch") ? "dns-search" : "dns-option", *p);
                } else if (KEY_IS("ExtraHosts")) {
                        NEED_TYPE("as");
                        o->extra_hosts = g_variant_dup_strv(v, NULL);
                        for (char **p = o->extra_hosts; *p; p++) {
                                _cleanup_free_ char *hn = NULL, *addr = NULL;
                                /* host-gateway is checked against the configuration at create */
                                int k = hosts_parse_add_host(*p, "0.0.0.0", &hn, &addr);
                                if (k < 0)
                                        return fail("invalid --add-host \"%s\": use NAME:ADDRESS (an IP address or host-gateway)", *p);
                        }
                } else if (KEY_IS("Userns")) {
                        NEED_TYPE("s");
                        o->userns = g_variant_dup_string(v, NULL);
                        if (*o->userns && !g_str_equal(o->userns, "host") && !g_str_equal(o->userns, "auto") &&
                            !g_str_equal(o->userns, "keep-id"))
                                return fail("invalid --userns \"%s\": use host, auto or keep-id", o->userns);
                } else if (KEY_IS("LogDriver")) {
                        NEED_TYPE("s");
                        o->log_driver = g_variant_dup_string(v, NULL);
                        if (g_str_equal(o->log_driver, "json-file") || g_str_equal(o->log_driver, "k8s-file") ||
                            g_str_equal(o->log_driver, "") || g_str_equal(o->log_driver, "local")) {
                                g_free(o->log_driver);
                                o->log_driver = g_strdup("k8s-file");
                        } else if (!g_str_equal(o->log_driver, "journald") && !g_str_equal(o->log_driver, "none"))
                                return fail("unknown log driver \"%s\": use k8s-file (the default), journald or none", o->log_driver);
                } else if (KEY_IS("LogOpts")) {
                        GVariantIter li;
                        const char *lk, *lv;
                        NEED_TYPE("a{ss}");
                        g_variant_iter_init(&li, v);
                        while (g_variant_iter_next(&li, "{&s&s}", &lk, &lv)) {
                                if (g_str_equal(lk, "max-size")) {
                                        int64_t sz;
                                        if (parse_size(lv, &sz) < 0 || sz < 4096)
                                                return fail("invalid log option max-size=%s: use a size of at least 4k", lv);
                                        o->log_max_size = (uint64_t) sz;
                                } else if (g_str_equal(lk, "max-file")) {
                                        char *end;
                                        unsigned long n = strtoul(lv, &end, 10);
                                        if (*end || n < 1 || n > 100)
                                                return fail("invalid log option max-file=%s: use 1 to 100", lv);
                                        o->log_max_files = (unsigned) n;
                                } else
                                        return fail("unknown log option \"%s\": roost knows max-size and max-file", lk);
                        }
                } else if (KEY_IS("GroupAdd")) {
                        NEED_TYPE("as");
                        o->group_add = g_variant_dup_strv(v, NULL);
                } else
                        return fail("unknown container option \"%s\"", key);
        }

        if (isempty(o->image))
                return fail("no image given");
        if (strlen(o->image) > ROOST_REFERENCE_MAX)
                return fail("the image reference is longer than %d bytes", ROOST_REFERENCE_MAX);
        if ((r = check_strv("Cmd", o->cmd, 10000, ret_error)) < 0 || (r = check_strv("Env", o->env, 10000, ret_error)) < 0)
                return r;
        if (!o->log_driver)
                o->log_driver = g_strdup("k8s-file");
        if (!o->network_mode || g_str_equal(o->network_mode, "bridge") || g_str_equal(o->network_mode, "default"))
                g_free(o->network_mode), o->network_mode = g_strdup(NETNS_DEFAULT_NETWORK);
        if ((r = check_strv("Publish", o->publish, 1000, ret_error)) < 0 ||
            (r = check_strv("Expose", o->expose, 1000, ret_error)) < 0 ||
            (r = check_strv("NetworkAliases", o->network_aliases, 100, ret_error)) < 0 ||
            (r = check_strv("Dns", o->dns, 100, ret_error)) < 0 || (r = check_strv("DnsSearch", o->dns_search, 100, ret_error)) < 0 ||
            (r = check_strv("DnsOptions", o->dns_options, 100, ret_error)) < 0 ||
            (r = check_strv("ExtraHosts", o->extra_hosts, 1000, ret_error)) < 0)
                return r;
        if (!network_mode_is_network(o->network_mode)) {
                const char *mode = startswith(o->network_mode, "container:") ? "container" : o->network_mode;
                if ((o->publish || o->publish_all) && !g_str_equal(mode, "host"))
                        return fail("conflicting options: port publishing and --network %s (the container has no network "
                                    "of its own to publish from)", mode);
                if (o->ip_address)
                        return fail("conflicting options: --ip and --network %s (an address is given on a roost network)", mode);
                if (o->network_aliases)
                        return fail("conflicting options: --network-alias and --network %s (aliases are names on a roost network)", mode);
                if (g_str_equal(mode, "container") && (o->dns || o->dns_search || o->dns_options || o->extra_hosts ||
                                                       !isempty(o->hostname)))
                        return fail("conflicting options: --dns, --add-host and --hostname cannot be used with --network "
                                    "container: (the container shares the other one's)");
        }
        if (o->memory_swap > 0 && o->memory > 0 && o->memory_swap < o->memory)
                return fail("--memory-swap (%" G_GINT64_FORMAT ") must be larger than --memory (%" G_GINT64_FORMAT ")",
                            o->memory_swap, o->memory);
        if (o->memory_swap > 0 && o->memory == 0)
                return fail("--memory-swap needs --memory as well");
        if (o->auto_remove && o->restart != RESTART_NO)
                return fail("conflicting options: --restart and --rm (a container removed when it exits cannot be restarted)");

        *ret = g_steal_pointer(&o);
        return 0;
}
