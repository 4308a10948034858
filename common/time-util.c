/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>

#include "time-util.h"

/* UTC by arithmetic (Howard Hinnant's days-to-civil), not gmtime_r(), which
 * would pull the time zone machinery (and a read of /etc/localtime) into
 * roost-shim. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
        z += 719468;
        int64_t era = (z >= 0 ? z : z - 146096) / 146097;
        unsigned doe = (unsigned) (z - era * 146097);
        unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        unsigned mp = (5 * doy + 2) / 153;

        *d = doy - (153 * mp + 2) / 5 + 1;
        *m = mp < 10 ? mp + 3 : mp - 9;
        *y = (int64_t) yoe + era * 400 + (*m <= 2);
}

char *format_rfc3339nano(char buf[static RFC3339NANO_MAX], const struct timespec *ts) {
        int64_t secs = ts->tv_sec, days = secs / 86400, rem = secs % 86400, year;
        unsigned month, day;

        if (rem < 0) {
                rem += 86400;
                days--;
        }
        civil_from_days(days, &year, &month, &day);
        /* the modulos only tell the compiler the widths the values keep to */
        snprintf(buf, RFC3339NANO_MAX, "%04u-%02u-%02uT%02u:%02u:%02u.%09luZ",
                 (unsigned) year % 10000u, month % 100u, day % 100u, (unsigned) (rem / 3600) % 100u,
                 (unsigned) (rem / 60 % 60) % 100u, (unsigned) (rem % 60) % 100u,
                 (unsigned long) ts->tv_nsec % 1000000000ul);
        return buf;
}

int64_t now_monotonic_ms(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
