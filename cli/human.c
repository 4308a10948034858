/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <time.h>

#include "cli.h"

/* as docker's units.HumanDuration */
char *cli_human_duration(uint64_t seconds) {
        uint64_t minutes = seconds / 60, hours = minutes / 60;

        if (seconds < 1)
                return g_strdup("Less than a second");
        if (seconds == 1)
                return g_strdup("1 second");
        if (seconds < 60)
                return g_strdup_printf("%" G_GUINT64_FORMAT " seconds", seconds);
        if (minutes == 1)
                return g_strdup("About a minute");
        if (minutes < 60)
                return g_strdup_printf("%" G_GUINT64_FORMAT " minutes", minutes);
        if (hours == 1)
                return g_strdup("About an hour");
        if (hours < 48)
                return g_strdup_printf("%" G_GUINT64_FORMAT " hours", hours);
        if (hours < 24 * 7 * 2)
                return g_strdup_printf("%" G_GUINT64_FORMAT " days", hours / 24);
        if (hours < 24 * 30 * 2)
                return g_strdup_printf("%" G_GUINT64_FORMAT " weeks", hours / 24 / 7);
        if (hours < 24 * 365 * 2)
                return g_strdup_printf("%" G_GUINT64_FORMAT " months", hours / 24 / 30);
        return g_strdup_printf("%" G_GUINT64_FORMAT " years", hours / 24 / 365);
}

uint64_t cli_now_usec(void) {
        return (uint64_t) g_get_real_time();
}

char *cli_human_ago(uint64_t usec) {
        return cli_human_since((gint64) (usec / 1000000));
}

/* 4.26MB, 150MB, 1.2GB: SI units, three significant digits, as docker images */
char *cli_human_size(guint64 bytes) {
        static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB" };
        double v = (double) bytes;
        size_t u = 0;

        while (v >= 1000.0 && u + 1 < G_N_ELEMENTS(units)) {
                v /= 1000.0;
                u++;
        }
        return g_strdup_printf("%.3g%s", v, units[u]);
}

/* "5 minutes ago" for a time in seconds since the epoch; N/A for none */
char *cli_human_since(gint64 when) {
        gint64 now = g_get_real_time() / 1000000;
        g_autofree char *d = NULL;

        if (when <= 0)
                return g_strdup("N/A");
        d = cli_human_duration(now > when ? (uint64_t) (now - when) : 0);
        return g_strdup_printf("%s ago", d);
}

/* binary units, as docker stats shows memory */
char *cli_human_bytes_binary(uint64_t bytes) {
        static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
        double v = (double) bytes;
        size_t u = 0;

        while (v >= 1024 && u < G_N_ELEMENTS(units) - 1) {
                v /= 1024;
                u++;
        }
        return g_strdup_printf("%.4g%s", v, units[u]);
}

static GDateTime *date_time_from_usec(uint64_t usec) {
        g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc((gint64) (usec / 1000000));
        return g_date_time_add(t, (GTimeSpan) (usec % 1000000));
}

char *cli_rfc3339(uint64_t usec) {
        g_autoptr(GDateTime) t = date_time_from_usec(usec);
        return g_date_time_format(t, "%Y-%m-%dT%H:%M:%S.%fZ");
}
