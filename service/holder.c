/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "fileio.h"
#include "holder.h"
#include "link.h"
#include "log.h"
#include "ns-util.h"
#include "process.h"
#include "roost-names.h"

#define HOLDER_TIMEOUT_MS 10000

void holder_free(Holder *h) {
        if (!h)
                return;
        free(h->netns_path);
        free(h);
}

bool holder_alive(const Holder *h) {
        unsigned long long st, ino;

        if (!h || h->pid <= 0)
                return false;
        return proc_starttime(h->pid, &st) >= 0 && st == h->starttime &&
               ns_inode(h->pid, "user", &ino) >= 0 && ino == h->userns_ino;
}

static int holder_file_path(const HolderParams *p, char **ret) {
        *ret = strjoin(p->runtime_dir, "/" ROOST_HOLDER_FILE);
        return *ret ? 0 : -ENOMEM;
}

static int holder_try_adopt(const HolderParams *p, Holder *h) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        int pid, overlay;
        int r;

        r = holder_file_path(p, &path);
        if (r < 0)
                return r;
        r = read_full_file(path, 4096, &text, NULL);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return log_warning_errno(r, "Failed to read %s, making a new namespace holder: %m", path), 0;
        if (sscanf(text, "%d %llu %llu %d", &pid, &h->starttime, &h->userns_ino, &overlay) != 4 || pid <= 0) {
                log_warning("%s is damaged, making a new namespace holder.", path);
                return 0;
        }
        h->pid = pid;
        h->overlay = overlay;
        if (!holder_alive(h)) {
                log_info("Namespace holder PID %d from an earlier run is gone, making a new one.", pid);
                h->pid = 0;
                return 0;
        }
        h->adopted = true;
        return 1;
}

/* --- the holder process itself ------------------------------------------ */

static _noreturn_ void holder_fail(int fd, int r, const char *what) {
        char msg[512];
        int n = snprintf(msg, sizeof msg, "E%s: %s", what, strerror(-r));
        (void) loop_write(fd, msg, (size_t) n);
        _exit(EXIT_FAILURE);
}

/* Does rootless overlayfs (userxattr) work on the data directory? Tried
 * for real: mount one in a scratch directory and take it down again. */
static bool probe_overlay(const char *data_dir) {
        static const char *const subdirs[] = { "l", "u", "w", "m" };
        _cleanup_free_ char *tmp = strjoin(data_dir, "/tmp");
        _cleanup_free_ char *base = strjoin(data_dir, "/tmp/overlay-probe-XXXXXX");
        _cleanup_free_ char *merged = NULL, *opts = NULL, *workwork = NULL;
        bool ok;

        if (!tmp || !base)
                return false;
        (void) mkdir(tmp, 0700);
        if (!mkdtemp(base))
                return false;
        for (size_t i = 0; i < ELEMENTSOF(subdirs); i++) {
                _cleanup_free_ char *d = strjoin(base, "/", subdirs[i]);
                if (d)
                        (void) mkdir(d, 0755);
        }
        merged = strjoin(base, "/m");
        workwork = strjoin(base, "/w/work");
        if (!merged || !workwork ||
            asprintf(&opts, "lowerdir=%s/l,upperdir=%s/u,workdir=%s/w,userxattr", base, base, base) < 0)
                return false;
        ok = mount("overlay", merged, "overlay", 0, opts) == 0;
        if (ok)
                (void) umount2(merged, MNT_DETACH);
        (void) rmdir(workwork);
        for (size_t i = 0; i < ELEMENTSOF(subdirs); i++) {
                _cleanup_free_ char *d = strjoin(base, "/", subdirs[i]);
                if (d)
                        (void) rmdir(d);
        }
        (void) rmdir(base);
        return ok;
}

static _noreturn_ void holder_main(int fd, const HolderParams *p, const char *netns_path) {
        char c;
        bool overlay;

        (void) prctl(PR_SET_NAME, "roost-holder");
        if (unshare(CLONE_NEWUSER) < 0)
                holder_fail(fd, -errno, "unshare(CLONE_NEWUSER)");
        /* ask roostd to write our ID maps with newuidmap/newgidmap */
        if (loop_write(fd, "u", 1) < 0 || loop_read(fd, &c, 1) != 1 || c != 'm')
                _exit(EXIT_FAILURE);
        if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
                holder_fail(fd, -errno, "becoming root in the user namespace");
        if (unshare(CLONE_NEWNS | CLONE_NEWNET) < 0)
                holder_fail(fd, -errno, "unshare(CLONE_NEWNS|CLONE_NEWNET)");
        /* host mounts still propagate in; ours never propagate out */
        if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
                holder_fail(fd, -errno, "making / a slave mount");
        if (mount("/proc/self/ns/net", netns_path, NULL, MS_BIND, NULL) < 0)
                holder_fail(fd, -errno, "pinning the network namespace");
        if (link_set_up("lo") < 0)
                holder_fail(fd, -errno, "bringing up lo in the detached network namespace");
        overlay = probe_overlay(p->data_dir);

        if (loop_write(fd, overlay ? "R1" : "R0", 2) < 0)
                _exit(EXIT_FAILURE);
        safe_close(fd);

        /* Nothing left to do but exist. SIGTERM (from stopping the scope)
         * ends us with the default action. */
        for (;;)
                pause();
}

/* --- creating it --------------------------------------------------------- */

static int run_idmap(const char *tool, pid_t pid, uid_t id, const SubIdRange *sub) {
        char spid[16], sid[16], sstart[24], scount[24];
        char *argv[] = { (char *) tool, spid, "0", sid, "1", "1", sstart, scount, NULL };
        _cleanup_free_ char *out = NULL;
        int r;

        snprintf(spid, sizeof spid, "%d", (int) pid);
        snprintf(sid, sizeof sid, "%u", id);
        snprintf(sstart, sizeof sstart, "%lu", sub->start);
        snprintf(scount, sizeof scount, "%lu", sub->count);

        r = spawn_wait(argv, 5000, &out);
        if (r == -ENOENT)
                return log_error_errno(r, "%s not found: roost maps container users with it. Fix (as root): apt-get install uidmap", tool);
        if (r < 0)
                return log_error_errno(r, "Failed to run %s: %m", tool);
        if (r != 0)
                return log_error_errno(EPERM, "%s %s 0 %s 1 1 %s %s failed (exit %d): %s",
                                       tool, spid, sid, sstart, scount, r, strstrip_trailing(out));
        return 0;
}

static int read_reply(int fd, char *buf, size_t size) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        ssize_t n;
        int k;

        do
                k = poll(&pfd, 1, HOLDER_TIMEOUT_MS);
        while (k < 0 && errno == EINTR);
        if (k == 0)
                return -ETIMEDOUT;
        n = read(fd, buf, size - 1);
        if (n < 0)
                return -errno;
        buf[n] = 0;
        return (int) n;
}

static int holder_create(const HolderParams *p, Holder *h) {
        _cleanup_close_pair_ int sp[2] = { -EBADF, -EBADF };
        _cleanup_free_ char *path = NULL;
        char buf[600], line[128];
        pid_t pid;
        int r, fd;

        /* the file the netns bind-mount goes onto; a stale one from an earlier
         * holder is harmless: the mount is in that holder's namespace only */
        fd = open(h->netns_path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return log_error_errno(errno, "Failed to create %s: %m", h->netns_path);
        safe_close(fd);

        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
                return log_error_errno(errno, "socketpair: %m");

        pid = fork();
        if (pid < 0)
                return log_error_errno(errno, "Failed to fork the namespace holder: %m");
        if (pid == 0) {
                sigset_t all;

                sigemptyset(&all);
                sigprocmask(SIG_SETMASK, &all, NULL);
                (void) setsid();
                if (sp[1] != 3 && dup2(sp[1], 3) < 0)
                        _exit(EXIT_FAILURE);
                (void) syscall(SYS_close_range, 4, ~0U, 0);
                fd = open("/dev/null", O_RDWR | O_CLOEXEC);
                if (fd >= 0) {
                        (void) dup2(fd, STDIN_FILENO);
                        (void) dup2(fd, STDOUT_FILENO);
                }
                holder_main(3, p, h->netns_path);
        }
        sp[1] = safe_close(sp[1]);

        r = read_reply(sp[0], buf, sizeof buf);
        if (r > 0 && buf[0] == 'u') {
                r = run_idmap("newuidmap", pid, p->uid, &p->uids);
                if (r >= 0)
                        r = run_idmap("newgidmap", pid, p->gid, &p->gids);
                if (r < 0)
                        goto fail;
                if (loop_write(sp[0], "m", 1) < 0)
                        goto fail;
                r = read_reply(sp[0], buf, sizeof buf);
        }
        if (r == -ETIMEDOUT) {
                log_error("The namespace holder did not answer within %d s.", HOLDER_TIMEOUT_MS / 1000);
                goto fail;
        }
        if (r <= 0 || buf[0] != 'R') {
                if (r > 0 && buf[0] == 'E')
                        log_error("The namespace holder failed: %s%s", buf + 1,
                                  strstr(buf, "unshare") ? " (are unprivileged user namespaces disabled? "
                                                           "check sysctl kernel.unprivileged_userns_clone and user.max_user_namespaces)" : "");
                else
                        log_error("The namespace holder exited during set-up.");
                r = -ECHILD;
                goto fail;
        }
        h->pid = pid;
        h->overlay = buf[1] == '1';
        r = proc_starttime(pid, &h->starttime);
        if (r >= 0)
                r = ns_inode(pid, "user", &h->userns_ino);
        if (r < 0) {
                log_error_errno(r, "Failed to identify the namespace holder: %m");
                goto fail;
        }

        r = holder_file_path(p, &path);
        if (r < 0)
                goto fail;
        snprintf(line, sizeof line, "%d %llu %llu %d\n", (int) pid, h->starttime, h->userns_ino, h->overlay);
        r = write_file_atomic_at(AT_FDCWD, path, line, strlen(line), 0600);
        if (r < 0) {
                log_error_errno(r, "Failed to write %s: %m", path);
                goto fail;
        }
        log_info("Created namespace holder PID %d (user namespace %llu, overlayfs %s).",
                 (int) pid, h->userns_ino, h->overlay ? "works" : "unavailable");
        return 0;

fail:
        kill(pid, SIGKILL);
        (void) waitpid(pid, NULL, 0);
        h->pid = 0;
        return r < 0 ? r : -ECHILD;
}

int holder_acquire(const HolderParams *p, Holder **ret) {
        Holder *h;
        int r;

        h = calloc(1, sizeof *h);
        if (!h)
                return -ENOMEM;
        h->uids = p->uids;
        h->gids = p->gids;
        h->netns_path = strjoin(p->runtime_dir, "/" ROOST_NETNS_FILE);
        if (!h->netns_path) {
                holder_free(h);
                return -ENOMEM;
        }

        r = holder_try_adopt(p, h);
        if (r == 0)
                r = holder_create(p, h);
        else if (r > 0)
                log_info("Re-adopted namespace holder PID %d.", (int) h->pid);
        if (r < 0) {
                holder_free(h);
                return r;
        }
        *ret = h;
        return 0;
}

int holder_open_dir(const Holder *h, const char *path) {
        _cleanup_free_ char *p = NULL;
        int fd;

        if (!h || h->pid <= 0 || path[0] != '/')
                return -EINVAL;
        if (asprintf(&p, "/proc/%d/root%s", (int) h->pid, path) < 0)
                return -ENOMEM;
        fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

bool holder_is_mounted(const Holder *h, const char *path) {
        _cleanup_free_ char *p = NULL, *text = NULL;
        size_t n = strlen(path);

        if (!h || h->pid <= 0 || asprintf(&p, "/proc/%d/mountinfo", (int) h->pid) < 0)
                return false;
        if (read_full_file(p, 16 * 1024 * 1024, &text, NULL) < 0)
                return false;
        /* field 5 is the mount point: "ID PARENT MAJ:MIN ROOT MOUNTPOINT ..." */
        for (char *line = text, *next; line && *line; line = next) {
                char *f = line;
                next = strchr(line, '\n');
                if (next)
                        *next++ = 0;
                for (int i = 0; i < 4 && f; i++)
                        f = strchr(f, ' ') ? strchr(f, ' ') + 1 : NULL;
                if (f && strncmp(f, path, n) == 0 && (f[n] == ' ' || f[n] == 0))
                        return true;
        }
        return false;
}
