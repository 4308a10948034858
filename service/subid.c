/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>

#include "fileio.h"
#include "log.h"
#include "subid.h"

int subid_lookup(const char *file, const char *user, uid_t uid, SubIdRange *ret) {
        _cleanup_free_ char *text = NULL;
        char uidstr[32];
        int r;

        r = read_full_file(file, 16 * 1024 * 1024, &text, NULL);
        if (r < 0)
                return r;
        snprintf(uidstr, sizeof uidstr, "%u", uid);

        for (char *line = text, *next; line && *line; line = next) {
                char *colon1, *colon2, *end;
                unsigned long start, count;

                next = strchr(line, '\n');
                if (next)
                        *next++ = 0;
                colon1 = strchr(line, ':');
                if (!colon1 || line[0] == '#')
                        continue;
                *colon1 = 0;
                if (!(user && streq(line, user)) && !streq(line, uidstr))
                        continue;
                colon2 = strchr(colon1 + 1, ':');
                if (!colon2)
                        continue;
                *colon2 = 0;
                errno = 0;
                start = strtoul(colon1 + 1, &end, 10);
                if (errno || *end || end == colon1 + 1)
                        continue;
                count = strtoul(colon2 + 1, &end, 10);
                if (errno || (*end && *end != '\r') || end == colon2 + 1 || count == 0)
                        continue;
                *ret = (SubIdRange) { .start = start, .count = count };
                return 0;
        }
        return -ENOENT;
}

int subid_require(const char *file, const char *user, uid_t uid, SubIdRange *ret) {
        const bool gid = strstr(file, "gid") != NULL;
        int r;

        r = subid_lookup(file, user, uid, ret);
        if (r == -ENOENT)
                return log_error_errno(r,
                                       "No subordinate %s range for %s (uid %u) in %s, so roost cannot map container users. "
                                       "Fix (as root): usermod --add-sub%ss 100000-165535 %s",
                                       gid ? "group ID" : "user ID", strna(user), uid, file,
                                       gid ? "gid" : "uid", strna(user));
        if (r < 0)
                return log_error_errno(r, "Failed to read %s: %m", file);
        if (ret->count < SUBID_MIN_COUNT)
                log_warning("%s gives %s only %lu subordinate IDs; images that use IDs above %lu will fail to unpack. "
                            "Fix (as root): usermod --add-sub%ss with a range of 65536.",
                            file, strna(user), ret->count, ret->count, gid ? "gid" : "uid");
        return 0;
}
