/* SPDX-License-Identifier: Apache-2.0 */
#include <dlfcn.h>
#include <glib.h>
#include <seccomp.h>

#include "dl-table.h"
#include "macro.h"
#include "seccomp-profile.h"

#ifndef LIBSECCOMP
#define LIBSECCOMP "libseccomp.so.2"
#endif

/* libseccomp is loaded only while a profile is built, to ask which syscall
 * names it (and so the runtime, which uses it too) knows on this
 * architecture: linked, it would stay in roostd's memory for good (~70 KiB
 * of issue 3's budget) for that one question */
typedef struct SeccompFunctions {
        int (*syscall_resolve_name)(const char *name);
} SeccompFunctions;

static SeccompFunctions scmp;

/* Allowed for every container. Names this libseccomp does not know on this
 * architecture are left out when the profile is built. */
static const char *const allowed[] = {
        "accept", "accept4", "access", "adjtimex", "alarm", "bind", "brk", "capget", "capset", "chdir", "chmod",
        "chown", "chown32", "clock_adjtime", "clock_adjtime64", "clock_getres", "clock_getres_time64",
        "clock_gettime", "clock_gettime64", "clock_nanosleep", "clock_nanosleep_time64", "close", "close_range",
        "connect", "copy_file_range", "creat", "dup", "dup2", "dup3", "epoll_create", "epoll_create1", "epoll_ctl",
        "epoll_ctl_old", "epoll_pwait", "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2",
        "execve", "execveat", "exit", "exit_group", "faccessat", "faccessat2", "fadvise64", "fadvise64_64",
        "fallocate", "fanotify_mark", "fchdir", "fchmod", "fchmodat", "fchown", "fchown32", "fchownat", "fcntl",
        "fcntl64", "fdatasync", "fgetxattr", "flistxattr", "flock", "fork", "fremovexattr", "fsetxattr", "fstat",
        "fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate", "ftruncate64", "futex",
        "futex_time64", "futex_waitv", "futimesat", "getcpu", "getcwd", "getdents", "getdents64", "getegid",
        "getegid32", "geteuid", "geteuid32", "getgid", "getgid32", "getgroups", "getgroups32", "getitimer",
        "getpeername", "getpgid", "getpgrp", "getpid", "getppid", "getpriority", "getrandom", "getresgid",
        "getresgid32", "getresuid", "getresuid32", "getrlimit", "get_robust_list", "getrusage", "getsid",
        "getsockname", "getsockopt", "get_thread_area", "gettid", "gettimeofday", "getuid", "getuid32", "getxattr",
        "inotify_add_watch", "inotify_init", "inotify_init1", "inotify_rm_watch", "io_cancel", "ioctl",
        "io_destroy", "io_getevents", "io_pgetevents", "io_pgetevents_time64", "ioprio_get", "ioprio_set",
        "io_setup", "io_submit", "io_uring_enter", "io_uring_register", "io_uring_setup", "ipc", "kill",
        "landlock_add_rule", "landlock_create_ruleset", "landlock_restrict_self", "lchown", "lchown32",
        "lgetxattr", "link", "linkat", "listen", "listxattr", "llistxattr", "_llseek", "lremovexattr", "lseek",
        "lsetxattr", "lstat", "lstat64", "madvise", "membarrier", "memfd_create", "memfd_secret", "mincore",
        "mkdir", "mkdirat", "mknod", "mknodat", "mlock", "mlock2", "mlockall", "mmap", "mmap2", "mprotect",
        "mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive", "mq_timedreceive_time64", "mq_timedsend",
        "mq_timedsend_time64", "mq_unlink", "mremap", "msgctl", "msgget", "msgrcv", "msgsnd", "msync", "munlock",
        "munlockall", "munmap", "name_to_handle_at", "nanosleep", "newfstatat", "_newselect", "open", "openat",
        "openat2", "pause", "pidfd_open", "pidfd_send_signal", "pipe", "pipe2", "pkey_alloc", "pkey_free",
        "pkey_mprotect", "poll", "ppoll", "ppoll_time64", "prctl", "pread64", "preadv", "preadv2", "prlimit64",
        "process_mrelease", "pselect6", "pselect6_time64", "pwrite64", "pwritev", "pwritev2", "read", "readahead",
        "readlink", "readlinkat", "readv", "recv", "recvfrom", "recvmmsg", "recvmmsg_time64", "recvmsg",
        "remap_file_pages", "removexattr", "rename", "renameat", "renameat2", "restart_syscall", "rmdir", "rseq",
        "rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend",
        "rt_sigtimedwait", "rt_sigtimedwait_time64", "rt_tgsigqueueinfo", "sched_getaffinity", "sched_getattr",
        "sched_getparam", "sched_get_priority_max", "sched_get_priority_min", "sched_getscheduler",
        "sched_rr_get_interval", "sched_rr_get_interval_time64", "sched_setaffinity", "sched_setattr",
        "sched_setparam", "sched_setscheduler", "sched_yield", "seccomp", "select", "semctl", "semget", "semop",
        "semtimedop", "semtimedop_time64", "send", "sendfile", "sendfile64", "sendmmsg", "sendmsg", "sendto",
        "setfsgid", "setfsgid32", "setfsuid", "setfsuid32", "setgid", "setgid32", "setgroups", "setgroups32",
        "setitimer", "setpgid", "setpriority", "setregid", "setregid32", "setresgid", "setresgid32", "setresuid",
        "setresuid32", "setreuid", "setreuid32", "setrlimit", "set_robust_list", "setsid", "setsockopt",
        "set_thread_area", "set_tid_address", "setuid", "setuid32", "setxattr", "shmat", "shmctl", "shmdt",
        "shmget", "shutdown", "sigaltstack", "signalfd", "signalfd4", "sigprocmask", "sigreturn", "socketcall",
        "socketpair", "splice", "stat", "stat64", "statfs", "statfs64", "statx", "symlink", "symlinkat", "sync",
        "sync_file_range", "syncfs", "sysinfo", "tee", "tgkill", "time", "timer_create", "timer_delete",
        "timer_getoverrun", "timer_gettime", "timer_gettime64", "timer_settime", "timer_settime64",
        "timerfd_create", "timerfd_gettime", "timerfd_gettime64", "timerfd_settime", "timerfd_settime64", "times",
        "tkill", "truncate", "truncate64", "ugetrlimit", "umask", "uname", "unlink", "unlinkat", "utime",
        "utimensat", "utimensat_time64", "utimes", "vfork", "vmsplice", "wait4", "waitid", "waitpid", "write",
        "writev",
        /* kernels >= 4.8 confine ptrace to the container's own processes */
        "process_vm_readv", "process_vm_writev", "ptrace",
#if defined(__x86_64__) || defined(__i386__)
        "arch_prctl", "modify_ldt",
#endif
};

/* Allowed only with a capability. */
static const struct {
        const char *cap;
        const char *const names[24];
} by_cap[] = {
        { "CAP_DAC_READ_SEARCH", { "open_by_handle_at" } },
        { "CAP_SYS_ADMIN",
          { "bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen", "fspick", "lookup_dcookie",
            "mount", "mount_setattr", "move_mount", "open_tree", "perf_event_open", "quotactl", "quotactl_fd",
            "setdomainname", "sethostname", "setns", "syslog", "umount", "umount2", "unshare" } },
        { "CAP_SYS_BOOT", { "reboot" } },
        { "CAP_SYS_CHROOT", { "chroot" } },
        { "CAP_SYS_MODULE", { "delete_module", "init_module", "finit_module" } },
        { "CAP_SYS_PACCT", { "acct" } },
        { "CAP_SYS_PTRACE", { "kcmp", "pidfd_getfd", "process_madvise" } },
        { "CAP_SYS_RAWIO", { "iopl", "ioperm" } },
        { "CAP_SYS_TIME", { "settimeofday", "stime", "clock_settime", "clock_settime64" } },
        { "CAP_SYS_TTY_CONFIG", { "vhangup" } },
        { "CAP_SYS_NICE", { "get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node" } },
        { "CAP_SYSLOG", { "syslog" } },
        { "CAP_BPF", { "bpf" } },
        { "CAP_PERFMON", { "perf_event_open" } },
};

/* personality(2) personas a container may switch to: PER_LINUX,
 * PER_LINUX32, UNAME26, UNAME26|PER_LINUX32, and the query 0xffffffff */
static const uint64_t personas[] = { 0x0, 0x8, 0x20000, 0x20008, 0xffffffff };

/* clone(2) flags that create namespaces: refused without CAP_SYS_ADMIN */
#define CLONE_NS_FLAGS 0x7E020000ULL

#define AF_VSOCK_VALUE 40

static bool known(const char *name) {
        return scmp.syscall_resolve_name(name) != __NR_SCMP_ERROR;
}

static bool has_cap(char *const *caps, const char *cap) {
        for (char *const *c = caps; c && *c; c++)
                if (streq(*c, cap))
                        return true;
        return false;
}

static void add_names(RJsonBuilder *b, const char *const *names, size_t n, const char *except) {
        rjson_key(b, "names");
        rjson_begin_array(b);
        for (size_t i = 0; i < n && names[i]; i++)
                if (known(names[i]) && !streq_ptr(names[i], except))
                        rjson_add_string(b, names[i]);
        rjson_end_array(b);
}

static void add_arg(RJsonBuilder *b, unsigned index, uint64_t value, uint64_t value_two, const char *op) {
        rjson_begin_object(b);
        rjson_member_int(b, "index", index);
        rjson_member_int(b, "value", (int64_t) value);
        if (value_two) {
                rjson_member_int(b, "valueTwo", (int64_t) value_two);
        }
        rjson_member_string(b, "op", op);
        rjson_end_object(b);
}

static void rule_begin_except(RJsonBuilder *b, const char *const *names, size_t n, const char *except, const char *action) {
        rjson_begin_object(b);
        add_names(b, names, n, except);
        rjson_member_string(b, "action", action);
}

static void rule_begin(RJsonBuilder *b, const char *const *names, size_t n, const char *action) {
        rule_begin_except(b, names, n, NULL, action);
}

size_t seccomp_profile_allowed_count(void) {
        return ELEMENTSOF(allowed);
}

static void build(RJsonBuilder *b, char *const *caps, const char *bind_listener) {
        bool sys_admin = has_cap(caps, "CAP_SYS_ADMIN");

        rjson_key(b, "seccomp");
        rjson_begin_object(b);
        if (bind_listener) {
                rjson_member_string(b, "listenerPath", bind_listener);
        }
        rjson_member_string(b, "defaultAction", "SCMP_ACT_ERRNO");
        rjson_member_int(b, "defaultErrnoRet", EPERM);
        rjson_key(b, "architectures");
        rjson_begin_array(b);
#if defined(__x86_64__)
        rjson_add_string(b, "SCMP_ARCH_X86_64");
        rjson_add_string(b, "SCMP_ARCH_X86");
        rjson_add_string(b, "SCMP_ARCH_X32");
#elif defined(__aarch64__)
        rjson_add_string(b, "SCMP_ARCH_AARCH64");
        rjson_add_string(b, "SCMP_ARCH_ARM");
#endif
        rjson_end_array(b);

        rjson_key(b, "syscalls");
        rjson_begin_array(b);

        rule_begin_except(b, allowed, ELEMENTSOF(allowed), bind_listener ? "bind" : NULL, "SCMP_ACT_ALLOW");
        rjson_end_object(b);
        if (bind_listener) {
                rule_begin(b, (const char *const[]) { "bind" }, 1, "SCMP_ACT_NOTIFY");
                rjson_end_object(b);
        }

        /* socket(): anything but AF_VSOCK */
        rule_begin(b, (const char *const[]) { "socket" }, 1, "SCMP_ACT_ALLOW");
        rjson_key(b, "args");
        rjson_begin_array(b);
        add_arg(b, 0, AF_VSOCK_VALUE, 0, "SCMP_CMP_NE");
        rjson_end_array(b);
        rjson_end_object(b);

        for (size_t i = 0; i < ELEMENTSOF(personas); i++) {
                rule_begin(b, (const char *const[]) { "personality" }, 1, "SCMP_ACT_ALLOW");
                rjson_key(b, "args");
                rjson_begin_array(b);
                add_arg(b, 0, personas[i], 0, "SCMP_CMP_EQ");
                rjson_end_array(b);
                rjson_end_object(b);
        }

        for (size_t i = 0; i < ELEMENTSOF(by_cap); i++) {
                if (!has_cap(caps, by_cap[i].cap))
                        continue;
                rule_begin(b, by_cap[i].names, ELEMENTSOF(by_cap[i].names), "SCMP_ACT_ALLOW");
                rjson_end_object(b);
        }
        if (!sys_admin) {
                /* clone() without namespace flags; clone3() cannot be
                 * inspected, so it says ENOSYS and libc falls back to clone() */
                rule_begin(b, (const char *const[]) { "clone" }, 1, "SCMP_ACT_ALLOW");
                rjson_key(b, "args");
                rjson_begin_array(b);
                add_arg(b, 0, CLONE_NS_FLAGS, 0, "SCMP_CMP_MASKED_EQ");
                rjson_end_array(b);
                rjson_end_object(b);

                rule_begin(b, (const char *const[]) { "clone3" }, 1, "SCMP_ACT_ERRNO");
                rjson_member_int(b, "errnoRet", ENOSYS);
                rjson_end_object(b);
        }

        rjson_end_array(b);
        rjson_end_object(b);
}

int seccomp_profile_build(RJsonBuilder *b, char *const *caps, const char *bind_listener, char **ret_error) {
        static const DlSymbol table[] = {
                { "seccomp_syscall_resolve_name", offsetof(SeccompFunctions, syscall_resolve_name) },
        };
        const char *missing;
        void *lib = dl_table_open(LIBSECCOMP, table, ELEMENTSOF(table), &scmp, sizeof scmp, &missing);

        if (!lib) {
                *ret_error = missing ? g_strdup_printf("%s has no %s: it is too old for roost", LIBSECCOMP, missing)
                                     : g_strdup_printf("cannot load %s (%s), which roostd needs to build the seccomp "
                                                       "profile. Fix: apt-get install libseccomp2", LIBSECCOMP, dlerror());
                return -ENOENT;
        }
        build(b, caps, bind_listener);
        dlclose(lib);
        scmp = (SeccompFunctions) {};
        return 0;
}
