/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <glib.h>
#include <linux/openat2.h>
#include <sys/syscall.h>

#include "fileio.h"
#include "macro.h"
#include "user-resolve.h"

#define ETC_FILE_MAX (4 * 1024 * 1024)

static int read_in_root(int rootfd, const char *path, char **ret) {
        struct open_how how = {
                .flags = O_RDONLY | O_CLOEXEC | O_NOCTTY,
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
        };
        _cleanup_close_ int fd = (int) syscall(SYS_openat2, rootfd, path, &how, sizeof how);
        if (fd < 0)
                return -errno;
        return read_full_fd(fd, ETC_FILE_MAX, ret, NULL);
}

static bool parse_id(const char *s, unsigned long *ret) {
        char *end;
        if (!s || !g_ascii_isdigit(s[0]))
                return false;
        errno = 0;
        *ret = strtoul(s, &end, 10);
        return !*end && !errno && *ret < 0xFFFFFFFFUL;
}

/* Finds a line whose field[key_field] equals key (name) or, when by_id,
 * whose field 2 equals the id. Returns the fields (owned by the caller). */
static char **find_entry(const char *text, const char *name, unsigned long id, bool by_id) {
        g_auto(GStrv) lines = NULL;

        if (!text)
                return NULL;
        lines = g_strsplit(text, "\n", -1);
        for (char **l = lines; *l; l++) {
                char **f;
                unsigned long v;
                if (!**l || **l == '#')
                        continue;
                f = g_strsplit(*l, ":", 8);
                if (g_strv_length(f) >= 3 &&
                    ((by_id && parse_id(f[2], &v) && v == id) || (!by_id && g_str_equal(f[0], name))))
                        return f;
                g_strfreev(f);
        }
        return NULL;
}

static void add_gid(ResolvedUser *u, gid_t g) {
        for (size_t i = 0; i < u->n_gids; i++)
                if (u->gids[i] == g)
                        return;
        u->gids = g_renew(gid_t, u->gids, u->n_gids + 1);
        u->gids[u->n_gids++] = g;
}

void resolved_user_clear(ResolvedUser *u) {
        g_free(u->gids);
        g_free(u->home);
        *u = (ResolvedUser) {};
}

int user_resolve(int rootfd, const char *spec, char *const *group_add, ResolvedUser *ret, char **ret_error) {
        _cleanup_free_ char *passwd = NULL, *group = NULL;
        g_autofree char *user_part = NULL, *group_part = NULL;
        g_auto(GStrv) pw = NULL;
        ResolvedUser u = { .home = NULL };
        unsigned long id;
        const char *colon;

        (void) read_in_root(rootfd, "etc/passwd", &passwd);
        (void) read_in_root(rootfd, "etc/group", &group);

        if (isempty(spec))
                spec = "0";
        colon = strchr(spec, ':');
        user_part = colon ? g_strndup(spec, (gsize) (colon - spec)) : g_strdup(spec);
        group_part = colon ? g_strdup(colon + 1) : NULL;
        if (isempty(user_part)) {
                g_free(user_part);
                user_part = g_strdup("0");
        }

        if (parse_id(user_part, &id)) {
                u.uid = (uid_t) id;
                pw = find_entry(passwd, NULL, id, true);
        } else {
                pw = find_entry(passwd, user_part, 0, false);
                if (!pw) {
                        *ret_error = g_strdup_printf("unable to find user %s: no matching entries in passwd file", user_part);
                        return -ENOENT;
                }
                if (!parse_id(pw[2], &id)) {
                        *ret_error = g_strdup_printf("the image's /etc/passwd has a bad uid for user %s", user_part);
                        return -EINVAL;
                }
                u.uid = (uid_t) id;
        }
        /* the primary group: the passwd entry's, else 0 */
        if (pw && g_strv_length(pw) >= 4 && parse_id(pw[3], &id))
                u.gid = (gid_t) id;
        if (pw && g_strv_length(pw) >= 6)
                u.home = g_strdup(pw[5]);

        if (!isempty(group_part)) {
                if (parse_id(group_part, &id))
                        u.gid = (gid_t) id;
                else {
                        g_auto(GStrv) gr = find_entry(group, group_part, 0, false);
                        if (!gr || !parse_id(gr[2], &id)) {
                                resolved_user_clear(&u);
                                *ret_error = g_strdup_printf("unable to find group %s: no matching entries in group file", group_part);
                                return -ENOENT;
                        }
                        u.gid = (gid_t) id;
                }
        } else if (pw && group) {
                /* supplementary groups that list the user by name */
                g_auto(GStrv) lines = g_strsplit(group, "\n", -1);
                for (char **l = lines; *l; l++) {
                        g_auto(GStrv) f = g_strsplit(*l, ":", 5);
                        if (g_strv_length(f) < 4 || !parse_id(f[2], &id))
                                continue;
                        g_auto(GStrv) members = g_strsplit(f[3], ",", -1);
                        if (g_strv_contains((const char *const *) members, pw[0]) && (gid_t) id != u.gid)
                                add_gid(&u, (gid_t) id);
                }
        }

        for (char *const *g = group_add; g && *g; g++) {
                if (parse_id(*g, &id))
                        add_gid(&u, (gid_t) id);
                else {
                        g_auto(GStrv) gr = find_entry(group, *g, 0, false);
                        if (!gr || !parse_id(gr[2], &id)) {
                                resolved_user_clear(&u);
                                *ret_error = g_strdup_printf("unable to find group %s: no matching entries in group file", *g);
                                return -ENOENT;
                        }
                        add_gid(&u, (gid_t) id);
                }
        }
        if (!u.home)
                u.home = g_strdup(u.uid == 0 ? "/root" : "/");
        *ret = u;
        return 0;
}
