/* SPDX-License-Identifier: Apache-2.0 */
#include <sys/stat.h>
#include <sys/syscall.h>

#include "log.h"
#include "ns-util.h"

int pidfd_open_pid(pid_t pid) {
        int fd = (int) syscall(SYS_pidfd_open, pid, 0);
        return fd < 0 ? -errno : fd;
}

int ns_enter(pid_t pid, int flags) {
        _cleanup_close_ int pidfd = pidfd_open_pid(pid);

        if (pidfd < 0)
                return pidfd;
        if (setns(pidfd, flags) < 0)
                return -errno;
        if (flags & CLONE_NEWUSER) {
                /* we are now uid/gid 0 of the namespace; make it the real,
                 * effective and saved ID so children inherit it */
                if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
                        return -errno;
        }
        return 0;
}

int ns_inode(pid_t pid, const char *name, unsigned long long *ret) {
        char path[64];
        struct stat st;

        snprintf(path, sizeof path, "/proc/%d/ns/%s", (int) pid, name);
        if (stat(path, &st) < 0)
                return -errno;
        *ret = (unsigned long long) st.st_ino;
        return 0;
}
