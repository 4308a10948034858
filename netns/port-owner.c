/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <limits.h>
#include <pwd.h>

#include "fileio.h"
#include "port-owner.h"

static void closedirp(DIR **d) {
        if (*d)
                closedir(*d);
}

/* The inode and uid of a socket on port (listening, for TCP). */
static int find_socket(const char *table, bool udp, uint16_t port, unsigned long *ret_inode, unsigned *ret_uid) {
        _cleanup_fclose_ FILE *f = fopen(table, "re");
        char line[512];

        if (!f)
                return -errno;
        if (!fgets(line, sizeof line, f)) /* the header */
                return -ENOENT;
        while (fgets(line, sizeof line, f)) {
                char local[64];
                unsigned lport, state, uid;
                unsigned long inode;
                char *colon;

                if (sscanf(line, " %*d: %63s %*s %x %*s %*s %*s %u %*d %lu", local, &state, &uid, &inode) != 4)
                        continue;
                colon = strrchr(local, ':');
                if (!colon || sscanf(colon + 1, "%x", &lport) != 1 || lport != port)
                        continue;
                if (!udp && state != 0x0A) /* TCP_LISTEN */
                        continue;
                *ret_inode = inode;
                *ret_uid = uid;
                return 0;
        }
        return -ENOENT;
}

static pid_t find_process(unsigned long inode) {
        _cleanup_(closedirp) DIR *proc = opendir("/proc");
        char want[64];
        struct dirent *de;

        if (!proc)
                return 0;
        snprintf(want, sizeof want, "socket:[%lu]", inode);
        while ((de = readdir(proc))) {
                _cleanup_(closedirp) DIR *fds = NULL;
                struct dirent *fe;
                char path[64];
                int pid = atoi(de->d_name);

                if (pid <= 0)
                        continue;
                snprintf(path, sizeof path, "/proc/%d/fd", pid);
                fds = opendir(path); /* only our own processes let us in */
                if (!fds)
                        continue;
                while ((fe = readdir(fds))) {
                        char link[PATH_MAX], target[64];
                        ssize_t n;
                        if (fe->d_name[0] == '.')
                                continue;
                        snprintf(link, sizeof link, "/proc/%d/fd/%s", pid, fe->d_name);
                        n = readlink(link, target, sizeof target - 1);
                        if (n <= 0)
                                continue;
                        target[n] = 0;
                        if (streq(target, want))
                                return pid;
                }
        }
        return 0;
}

int port_owner_describe(bool udp, uint16_t port, char **ret) {
        const char *tables[2] = { udp ? "/proc/net/udp" : "/proc/net/tcp", udp ? "/proc/net/udp6" : "/proc/net/tcp6" };
        unsigned long inode = 0;
        unsigned uid = 0;
        pid_t pid;
        int r = -ENOENT;

        for (size_t i = 0; i < ELEMENTSOF(tables) && r < 0; i++)
                r = find_socket(tables[i], udp, port, &inode, &uid);
        if (r < 0)
                return r;

        pid = inode ? find_process(inode) : 0;
        if (pid > 0) {
                _cleanup_free_ char *comm = NULL;
                char path[64];
                snprintf(path, sizeof path, "/proc/%d/comm", (int) pid);
                if (read_full_file(path, 256, &comm, NULL) >= 0)
                        return asprintf(ret, "%s (PID %d)", strstrip_trailing(comm), (int) pid) < 0 ? -ENOMEM : 0;
        }
        if (uid != getuid()) {
                struct passwd *pw = getpwuid(uid);
                if (pw)
                        return asprintf(ret, "a process of user %s", pw->pw_name) < 0 ? -ENOMEM : 0;
                return asprintf(ret, "a process of UID %u", uid) < 0 ? -ENOMEM : 0;
        }
        return asprintf(ret, "a process of yours that is not visible here (another session or container)") < 0 ? -ENOMEM : 0;
}
