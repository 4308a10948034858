/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <linux/sockios.h>

#include "sandbox.h"
#include "macro.h"

static void seccomp_releasep(scmp_filter_ctx *ctx) {
        if (*ctx)
                seccomp_release(*ctx);
}

/* What a poll loop around libslirp does once its tap is open. */
static const char *const uplink_syscalls[] = {
        /* I/O on the tap and on sockets */
        "read", "readv", "write", "writev", "recvfrom", "recvmsg", "recvmmsg",
        "sendto", "sendmsg", "sendmmsg", "close", "shutdown",
        /* sockets for the guests' connections (socket() itself below) */
        "connect", "bind", "listen", "accept", "accept4", "getsockname", "getpeername",
        "setsockopt", "getsockopt", "fcntl",
        /* the loop */
        "poll", "ppoll", "clock_gettime", "clock_getres", "gettimeofday", "nanosleep", "clock_nanosleep",
        "restart_syscall", "rt_sigreturn", "rt_sigprocmask",
        /* memory (glib's allocator, libc malloc) */
        "brk", "mmap", "munmap", "mremap", "madvise", "mprotect", "futex", "getrandom",
        /* reading /etc/resolv.conf for the DNS forwarder (open() checked below) */
        "fstat", "newfstatat", "statx", "lseek", "stat",
        /* identity and ending */
        "getpid", "gettid", "getuid", "geteuid", "getgid", "getegid",
        "exit", "exit_group", "tgkill",
};

int sandbox_apply_uplink(void) {
        _cleanup_(seccomp_releasep) scmp_filter_ctx ctx = NULL;
        const uint64_t no_write = O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND | O_TMPFILE;
        int r;

        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return -errno;
        ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
        if (!ctx)
                return -ENOMEM;

        for (size_t i = 0; i < ELEMENTSOF(uplink_syscalls); i++) {
                int nr = seccomp_syscall_resolve_name(uplink_syscalls[i]);
                if (nr == __NR_SCMP_ERROR)
                        continue; /* not on this architecture */
                r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
                if (r < 0)
                        return r;
        }

        /* IPv4 and IPv6 sockets only: no AF_UNIX (the user's D-Bus, systemd,
         * agents), no AF_NETLINK, no AF_PACKET */
        r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_EQ, AF_INET));
        if (r >= 0)
                r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_EQ, AF_INET6));

        /* files for reading only */
        if (r >= 0)
                r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 1,
                                     SCMP_A2(SCMP_CMP_MASKED_EQ, no_write, O_RDONLY));
        if (r >= 0)
                r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(open), 1,
                                     SCMP_A1(SCMP_CMP_MASKED_EQ, no_write, O_RDONLY));

        /* non-blocking mode and queue sizes, nothing else */
        if (r >= 0)
                r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1, SCMP_A1(SCMP_CMP_EQ, FIONBIO));
        if (r >= 0)
                r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1, SCMP_A1(SCMP_CMP_EQ, FIONREAD));
        if (r >= 0)
                r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1, SCMP_A1(SCMP_CMP_EQ, SIOCOUTQ));
        if (r < 0)
                return r;

        return seccomp_load(ctx);
}
