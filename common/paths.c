/* SPDX-License-Identifier: Apache-2.0 */
#include <pwd.h>
#include <sys/stat.h>

#include "log.h"
#include "paths.h"
#include "roost-names.h"

int roost_home_dir(char **ret) {
        const char *h = getenv("HOME");
        struct passwd *pw;

        if (isempty(h) || h[0] != '/') {
                pw = getpwuid(getuid());
                if (!pw || isempty(pw->pw_dir))
                        return log_error_errno(ENXIO, "Cannot find the home directory of uid %u: HOME is unset and there is no passwd entry.", getuid());
                h = pw->pw_dir;
        }
        *ret = strdup(h);
        return *ret ? 0 : -ENOMEM;
}

int roost_runtime_dir(char **ret) {
        const char *e = getenv("XDG_RUNTIME_DIR");

        if (isempty(e) || e[0] != '/')
                return log_error_errno(ENXIO,
                                       "XDG_RUNTIME_DIR is not set: roost needs a user session "
                                       "(log in through systemd-logind, or set XDG_RUNTIME_DIR=/run/user/%u).",
                                       getuid());
        *ret = strjoin(e, "/" ROOST_DIR_NAME);
        return *ret ? 0 : -ENOMEM;
}

static int xdg_dir(const char *env, const char *fallback, char **ret) {
        const char *e = getenv(env);
        _cleanup_free_ char *home = NULL;
        int r;

        if (!isempty(e) && e[0] == '/') {
                *ret = strjoin(e, "/" ROOST_DIR_NAME);
                return *ret ? 0 : -ENOMEM;
        }
        r = roost_home_dir(&home);
        if (r < 0)
                return r;
        *ret = strjoin(home, "/", fallback, "/" ROOST_DIR_NAME);
        return *ret ? 0 : -ENOMEM;
}

int roost_data_dir(char **ret) {
        return xdg_dir("XDG_DATA_HOME", ".local/share", ret);
}

int roost_user_config_dir(char **ret) {
        return xdg_dir("XDG_CONFIG_HOME", ".config", ret);
}

int mkdir_p(const char *path, mode_t mode) {
        _cleanup_free_ char *p = strdup(path);

        if (!p)
                return -ENOMEM;
        for (char *s = p + 1; *s; s++) {
                if (*s != '/')
                        continue;
                *s = 0;
                if (mkdir(p, mode) < 0 && errno != EEXIST)
                        return -errno;
                *s = '/';
        }
        if (mkdir(p, mode) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}

int ensure_private_dir(const char *path) {
        struct stat st;
        int r;

        r = mkdir_p(path, 0700);
        if (r < 0)
                return log_error_errno(r, "Failed to create %s: %m", path);
        if (lstat(path, &st) < 0)
                return log_error_errno(errno, "Failed to stat %s: %m", path);
        if (!S_ISDIR(st.st_mode))
                return log_error_errno(ENOTDIR, "%s exists but is not a directory: remove it and try again.", path);
        if (st.st_uid != geteuid())
                return log_error_errno(EPERM, "%s is owned by uid %u, not by you (uid %u): remove it or fix its owner.",
                                       path, st.st_uid, geteuid());
        if ((st.st_mode & 07777) != 0700 && chmod(path, 0700) < 0)
                return log_error_errno(errno, "Failed to make %s private (0700): %m", path);
        return 0;
}
