/* SPDX-License-Identifier: Apache-2.0 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "human.h"

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

char *cli_go_time(uint64_t usec) {
        g_autoptr(GDateTime) utc = date_time_from_usec(usec);
        g_autoptr(GDateTime) t = g_date_time_to_local(utc);
        g_autofree char *date = g_date_time_format(t, "%Y-%m-%d %H:%M:%S");
        g_autofree char *zone = g_date_time_format(t, "%z %Z");
        char frac[8] = "";
        int us = g_date_time_get_microsecond(t);

        /* Go prints the fraction without its trailing zeros, or not at all */
        if (us > 0) {
                size_t n;
                g_snprintf(frac, sizeof frac, ".%06d", us);
                for (n = strlen(frac); frac[n - 1] == '0'; n--)
                        frac[n - 1] = 0;
        }
        return g_strdup_printf("%s%s %s", date, frac, zone);
}

int cli_natural_compare(const char *a, const char *b) {
        while (*a && *b) {
                bool da = g_ascii_isdigit(*a), db = g_ascii_isdigit(*b);
                const char *na, *nb;
                size_t la, lb;
                int c;

                if (da != db) /* digits sort before anything else */
                        return da ? -1 : 1;
                if (!da) {
                        if (*a != *b)
                                return (unsigned char) *a < (unsigned char) *b ? -1 : 1;
                        a++, b++;
                        continue;
                }
                /* two numbers: by value, then the one with fewer leading zeros */
                for (na = a; *na == '0'; na++)
                        ;
                for (nb = b; *nb == '0'; nb++)
                        ;
                for (la = 0; g_ascii_isdigit(na[la]); la++)
                        ;
                for (lb = 0; g_ascii_isdigit(nb[lb]); lb++)
                        ;
                if (la != lb)
                        return la < lb ? -1 : 1;
                c = memcmp(na, nb, la);
                if (c != 0)
                        return c < 0 ? -1 : 1;
                if (na - a != nb - b)
                        return na - a < nb - b ? -1 : 1;
                a = na + la;
                b = nb + lb;
        }
        return *a ? 1 : *b ? -1 : 0;
}
