/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <glib.h>

#include "size-util.h"

int parse_size(const char *s, int64_t *ret) {
        char *end;
        double v;
        int64_t mult = 1;

        if (!s || !(g_ascii_isdigit(s[0]) || s[0] == '.'))
                return -EINVAL;
        v = g_ascii_strtod(s, &end);
        if (end == s || v < 0)
                return -EINVAL;
        switch (g_ascii_tolower(*end)) {
        case 0:
        case 'b':
                break;
        case 'k':
                mult = 1024;
                break;
        case 'm':
                mult = 1024 * 1024;
                break;
        case 'g':
                mult = 1024LL * 1024 * 1024;
                break;
        case 't':
                mult = 1024LL * 1024 * 1024 * 1024;
                break;
        default:
                return -EINVAL;
        }
        /* after the unit: nothing, or a "b" (but not "bb") */
        if (*end && end[1] && !(g_ascii_tolower(end[1]) == 'b' && !end[2] && g_ascii_tolower(*end) != 'b'))
                return -EINVAL;
        if (v * (double) mult > 9.2e18)
                return -ERANGE;
        *ret = (int64_t) (v * (double) mult);
        return 0;
}
