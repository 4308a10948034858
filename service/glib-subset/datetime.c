/* SPDX-License-Identifier: Apache-2.0 */
#include "glib-subset.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#define USEC_PER_SEC G_GINT64_CONSTANT(1000000)
#define SEC_PER_DAY G_GINT64_CONSTANT(86400)
/* 0001-01-01T00:00:00 and 9999-12-31T23:59:59 as Unix times: GDateTime's range */
#define UNIX_MIN G_GINT64_CONSTANT(-62135596800)
#define UNIX_MAX G_GINT64_CONSTANT(253402300799)

/* Only fixed offsets exist here: UTC, or the offset an ISO 8601 text gave */
struct _GDateTime {
        gint64 usec;     /* since the Unix epoch, UTC */
        int offset;      /* seconds east of UTC */
        char zone[16];   /* what %Z prints: "UTC" or the offset as written */
        int ref;
};

/* The local (wall clock) date and time of a GDateTime, broken down */
typedef struct {
        int year, month, day, hour, minute, second, usec;
        int yday;        /* 1..366 */
        int wday;        /* ISO: Monday 1 .. Sunday 7 */
} Civil;

static gboolean is_leap(int y) {
        return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m) {
        static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
        return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

static int year_days(int y) {
        return is_leap(y) ? 366 : 365;
}

static gint64 floor_div(gint64 a, gint64 b) {
        return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Days since 1970-01-01 of a proleptic Gregorian date (the usual era-based method) */
static gint64 days_from_civil(int y, int m, int d) {
        gint64 era, yoe, doy, doe;

        y -= m <= 2;
        era = floor_div(y, 400);
        yoe = y - era * 400;
        doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
}

static void civil_from_days(gint64 z, int *y, int *m, int *d) {
        gint64 era, doe, yoe, doy, mp;

        z += 719468;
        era = floor_div(z, 146097);
        doe = z - era * 146097;
        yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        mp = (5 * doy + 2) / 153;
        *d = (int) (doy - (153 * mp + 2) / 5 + 1);
        *m = (int) (mp < 10 ? mp + 3 : mp - 9);
        *y = (int) (yoe + era * 400 + (*m <= 2));
}

static void to_civil(const GDateTime *dt, Civil *c) {
        gint64 local = dt->usec + dt->offset * USEC_PER_SEC;
        gint64 days = floor_div(local, SEC_PER_DAY * USEC_PER_SEC);
        gint64 rest = local - days * SEC_PER_DAY * USEC_PER_SEC;
        gint64 secs = rest / USEC_PER_SEC;

        civil_from_days(days, &c->year, &c->month, &c->day);
        c->hour = (int) (secs / 3600);
        c->minute = (int) (secs / 60 % 60);
        c->second = (int) (secs % 60);
        c->usec = (int) (rest % USEC_PER_SEC);
        c->yday = (int) (days - days_from_civil(c->year, 1, 1)) + 1;
        /* 1970-01-01 was a Thursday */
        c->wday = (int) ((days % 7 + 7 + 3) % 7) + 1;
}

/* Makes a GDateTime when the local time stays inside years 1..9999 */
static GDateTime *date_time_new(gint64 usec, int offset, const char *zone) {
        gint64 local = usec + offset * USEC_PER_SEC;
        GDateTime *dt;

        if (local < UNIX_MIN * USEC_PER_SEC || local > UNIX_MAX * USEC_PER_SEC + USEC_PER_SEC - 1)
                return NULL;
        dt = g_new0(GDateTime, 1);
        dt->usec = usec;
        dt->offset = offset;
        snprintf(dt->zone, sizeof dt->zone, "%s", zone);
        dt->ref = 1;
        return dt;
}

GDateTime *g_date_time_new_from_unix_utc(gint64 t) {
        if (t < UNIX_MIN || t > UNIX_MAX)
                return NULL;
        return date_time_new(t * USEC_PER_SEC, 0, "UTC");
}

GDateTime *g_date_time_new_now_utc(void) {
        struct timeval tv;

        gettimeofday(&tv, NULL);
        return date_time_new((gint64) tv.tv_sec * USEC_PER_SEC + tv.tv_usec, 0, "UTC");
}

GDateTime *g_date_time_add(GDateTime *datetime, GTimeSpan timespan) {
        if (!datetime)
                return NULL;
        if ((timespan > 0 && datetime->usec > G_MAXINT64 - timespan) ||
            (timespan < 0 && datetime->usec < G_MININT64 - timespan))
                return NULL;
        return date_time_new(datetime->usec + timespan, datetime->offset, datetime->zone);
}

gint64 g_date_time_to_unix(GDateTime *datetime) {
        if (!datetime)
                return 0;
        return floor_div(datetime->usec, USEC_PER_SEC);
}

void g_date_time_unref(GDateTime *datetime) {
        if (!datetime)
                return;
        if (--datetime->ref == 0)
                g_free(datetime);
}

/* ---- ISO 8601 ---- */

/* n decimal digits, nothing else */
static gboolean iso_int(const char *s, size_t n, int *ret) {
        int v = 0;

        for (size_t i = 0; i < n; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return FALSE;
                v = v * 10 + (s[i] - '0');
        }
        *ret = v;
        return TRUE;
}

/* "ss", or "ss.fff..." / "ss,fff..." with any number of digits; a leap
 * second (60, 61) reads as 59 like GLib does */
static gboolean iso_seconds(const char *s, size_t n, double *ret) {
        guint64 v = 0, divisor = 1;
        int whole;

        if (n < 2 || !iso_int(s, 2, &whole))
                return FALSE;
        if (n > 2 && s[2] != '.' && s[2] != ',')
                return FALSE;
        if (n == 3)
                return FALSE;
        v = whole == 60 || whole == 61 ? 59 : (guint64) whole;
        for (size_t i = 3; i < n; i++) {
                unsigned d = (unsigned) (s[i] - '0');
                /* like GLib: at most 19 fraction digits, and v must not overflow */
                if (s[i] < '0' || s[i] > '9' || v > (G_MAXUINT64 - d) / 10 || divisor > G_MAXUINT64 / 10)
                        return FALSE;
                v = v * 10 + d;
                divisor *= 10;
        }
        *ret = (double) v / (double) divisor;
        return TRUE;
}

/* The zone designator at the end of text[0..n): its start in *start, offset in *offset */
static gboolean iso_zone(const char *s, size_t n, size_t *start, int *offset, char *name, size_t name_size) {
        int h, m = 0;
        size_t i, len;

        if (n > 0 && s[n - 1] == 'Z') {
                *start = n - 1;
                *offset = 0;
                snprintf(name, name_size, "UTC");
                return TRUE;
        }
        for (i = n; i > 0; i--)
                if (s[i - 1] == '+' || s[i - 1] == '-')
                        break;
        if (i == 0)
                return FALSE;
        i--;
        len = n - i;
        if (len == 6 && s[i + 3] == ':') {
                if (!iso_int(s + i + 1, 2, &h) || !iso_int(s + i + 4, 2, &m))
                        return FALSE;
        } else if (len == 5) {
                if (!iso_int(s + i + 1, 2, &h) || !iso_int(s + i + 3, 2, &m))
                        return FALSE;
        } else if (len == 3) {
                if (!iso_int(s + i + 1, 2, &h))
                        return FALSE;
        } else
                return FALSE;
        /* GLib's time zone parser takes hours up to 24 and minutes up to 59 */
        if (h > 24 || m > 59)
                return FALSE;
        *start = i;
        *offset = (s[i] == '-' ? -1 : 1) * (h * 3600 + m * 60);
        snprintf(name, name_size, "%.*s", (int) len, s + i);
        return TRUE;
}

static gboolean iso_time(const char *s, size_t n, int *hour, int *minute, double *seconds) {
        if (n >= 8 && s[2] == ':' && s[5] == ':')
                return iso_int(s, 2, hour) && iso_int(s + 3, 2, minute) && iso_seconds(s + 6, n - 6, seconds);
        if (n >= 6)
                return iso_int(s, 2, hour) && iso_int(s + 2, 2, minute) && iso_seconds(s + 4, n - 4, seconds);
        return FALSE;
}

static GDateTime *new_local(int year, int month, int day, int hour, int minute, double seconds, int offset,
                            const char *zone) {
        gint64 secs, usec;

        if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) ||
            hour < 0 || hour > 23 || minute < 0 || minute > 59 || isnan(seconds) || seconds < 0.0 || seconds >= 60.0)
                return NULL;
        /* microseconds from the double, nudged up when the product fell just short */
        usec = (gint64) (seconds * USEC_PER_SEC);
        if ((double) (usec + 1) * 1e-6 <= seconds)
                usec++;
        secs = days_from_civil(year, month, day) * SEC_PER_DAY + hour * 3600 + minute * 60 + (gint64) seconds - offset;
        return date_time_new(secs * USEC_PER_SEC + usec % USEC_PER_SEC, offset, zone);
}

/* ISO weekday (1..7) that is n days after ISO weekday wday */
static int wday_add(int wday, int n) {
        return ((wday - 1 + n) % 7 + 7) % 7 + 1;
}

/* A year has 53 ISO weeks when it starts on a Thursday, or a leap year on a Wednesday */
static int iso_weeks(int year, int jan1) {
        return jan1 == 4 || (jan1 == 3 && is_leap(year)) ? 53 : 52;
}

static GDateTime *new_ordinal(int year, int yday, int hour, int minute, double seconds, int offset, const char *zone) {
        GDateTime *dt;

        if (yday < 1 || yday > year_days(year))
                return NULL;
        dt = new_local(year, 1, 1, hour, minute, seconds, offset, zone);
        if (dt)
                dt->usec += (yday - 1) * SEC_PER_DAY * USEC_PER_SEC;
        return dt;
}

static GDateTime *new_week(int year, int week, int wday, int hour, int minute, double seconds, int offset,
                           const char *zone) {
        int jan1, jan4, yday;

        if (year < 1 || year > 9999 || week < 1 || week > 53 || wday < 1 || wday > 7)
                return NULL;
        jan1 = (int) ((days_from_civil(year, 1, 1) % 7 + 7 + 3) % 7) + 1;
        /* GLib allows no week 53 in a leap year that starts on a Thursday */
        if (week > (jan1 == 4 && is_leap(year) ? 52 : iso_weeks(year, jan1)))
                return NULL;
        jan4 = (jan1 + 2) % 7 + 1;
        yday = week * 7 + wday - (jan4 + 3);
        /* like GLib: a day 0 (the last of the year before) is not moved back */
        if (yday < 0) {
                year--;
                yday += year_days(year);
        } else if (yday > year_days(year)) {
                yday -= year_days(year);
                year++;
        }
        return new_ordinal(year, yday, hour, minute, seconds, offset, zone);
}

static GDateTime *iso_date(const char *s, size_t n, int hour, int minute, double seconds, int offset, const char *zone) {
        int y, a, b;

        if (n < 4 || !iso_int(s, 4, &y))
                return NULL;
        if (n == 10 && s[4] == '-' && s[7] == '-')
                return iso_int(s + 5, 2, &a) && iso_int(s + 8, 2, &b) ? new_local(y, a, b, hour, minute, seconds, offset, zone)
                                                                     : NULL;
        if (n == 8 && s[4] == '-')
                return iso_int(s + 5, 3, &a) ? new_ordinal(y, a, hour, minute, seconds, offset, zone) : NULL;
        if (n == 10 && s[4] == '-' && s[5] == 'W' && s[8] == '-')
                return iso_int(s + 6, 2, &a) && iso_int(s + 9, 1, &b) ? new_week(y, a, b, hour, minute, seconds, offset, zone)
                                                                     : NULL;
        if (n == 8 && s[4] == 'W')
                return iso_int(s + 5, 2, &a) && iso_int(s + 7, 1, &b) ? new_week(y, a, b, hour, minute, seconds, offset, zone)
                                                                     : NULL;
        if (n == 8)
                return iso_int(s + 4, 2, &a) && iso_int(s + 6, 2, &b) ? new_local(y, a, b, hour, minute, seconds, offset, zone)
                                                                     : NULL;
        if (n == 7)
                return iso_int(s + 4, 3, &a) ? new_ordinal(y, a, hour, minute, seconds, offset, zone) : NULL;
        return NULL;
}

/* default_tz is not supported: roostd passes NULL, so the text must carry its zone */
GDateTime *g_date_time_new_from_iso8601(const char *text, GTimeZone *default_tz) {
        const char *sep, *t;
        size_t tlen, zone_start;
        int offset, hour, minute;
        double seconds;
        char zone[16];

        if (!text)
                return NULL;
        sep = strpbrk(text, "Tt ");
        if (!sep)
                return NULL;
        t = sep + 1;
        tlen = strlen(t);
        if (!iso_zone(t, tlen, &zone_start, &offset, zone, sizeof zone))
                return NULL;
        if (!iso_time(t, zone_start, &hour, &minute, &seconds))
                return NULL;
        return iso_date(text, (size_t) (sep - text), hour, minute, seconds, offset, zone);
}

/* ---- formatting ---- */

/* A number padded to width with copies of pad ("": no padding) */
static void out_num(GString *o, gint64 v, int width, const char *pad) {
        char digits[32];
        int n = snprintf(digits, sizeof digits, "%" G_GINT64_FORMAT, v);

        if (*pad)
                for (int i = n; i < width; i++)
                        g_string_append(o, pad);
        g_string_append(o, digits);
}

/* The offset as +hh[mm[ss]] with colons, for %z, %:z, %::z and %:::z */
static void out_offset(GString *o, int offset, int colons) {
        int a = offset < 0 ? -offset : offset;
        int h = a / 3600, m = a / 60 % 60, s = a % 60;
        char buf[32];

        if (colons == 0)
                snprintf(buf, sizeof buf, "%c%02d%02d", offset < 0 ? '-' : '+', h, m);
        else if (colons == 1 || (colons == 3 && s == 0 && m != 0))
                snprintf(buf, sizeof buf, "%c%02d:%02d", offset < 0 ? '-' : '+', h, m);
        else if (colons == 2 || (colons == 3 && s != 0))
                snprintf(buf, sizeof buf, "%c%02d:%02d:%02d", offset < 0 ? '-' : '+', h, m, s);
        else
                snprintf(buf, sizeof buf, "%c%02d", offset < 0 ? '-' : '+', h);
        g_string_append(o, buf);
}

/* ISO 8601 week number and week-based year */
static void iso_week(const Civil *c, int *week, int *year) {
        int jan1 = wday_add(c->wday, -((c->yday - 1) % 7));
        int w = (c->yday - c->wday + 10) / 7;
        int y = c->year;

        if (w < 1) {
                y--;
                w = iso_weeks(y, wday_add(jan1, -(year_days(y) % 7)));
        } else if (w > iso_weeks(y, jan1)) {
                w = 1;
                y++;
        }
        *week = w;
        *year = y;
}

static const char *const day_names[] = { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" };
static const char *const month_names[] = { "January", "February", "March",     "April",   "May",      "June",
                                           "July",    "August",   "September", "October", "November", "December" };

/* GLib pads %e, %k and %l with U+2007 FIGURE SPACE unless told otherwise */
#define FIGURE_SPACE "\342\200\207"

static gboolean format_into(GString *o, const GDateTime *dt, const char *format);

/* One conversion; FALSE for one GLib does not know */
static gboolean format_one(GString *o, const GDateTime *dt, const Civil *c, char spec, const char *pad, int colons) {
        int week, wyear;

#define NUM(v, w, p) out_num(o, (v), (w), pad ? pad : (p))
        if (colons && spec != 'z')
                return FALSE;
        switch (spec) {
        case 'a': g_string_append_len(o, day_names[c->wday - 1], 3); break;
        case 'A': g_string_append(o, day_names[c->wday - 1]); break;
        case 'b':
        case 'h': g_string_append_len(o, month_names[c->month - 1], 3); break;
        case 'B': g_string_append(o, month_names[c->month - 1]); break;
        /* the C locale's preferred forms: roostd does not call setlocale() */
        case 'c': return format_into(o, dt, "%a %b %e %H:%M:%S %Y");
        case 'x': return format_into(o, dt, "%m/%d/%y");
        case 'X': return format_into(o, dt, "%H:%M:%S");
        case 'r': return format_into(o, dt, "%I:%M:%S %p");
        case 'C': NUM(c->year / 100, 2, "0"); break;
        case 'd': NUM(c->day, 2, "0"); break;
        case 'e': NUM(c->day, 2, FIGURE_SPACE); break;
        case 'f': out_num(o, c->usec, 6, "0"); break;
        case 'F': return format_into(o, dt, "%Y-%m-%d");
        case 'g':
                iso_week(c, &week, &wyear);
                NUM(wyear % 100, 2, "0");
                break;
        case 'G':
                iso_week(c, &week, &wyear);
                NUM(wyear, 0, "0");
                break;
        case 'H': NUM(c->hour, 2, "0"); break;
        case 'I': NUM(c->hour % 12 == 0 ? 12 : c->hour % 12, 2, "0"); break;
        case 'j': NUM(c->yday, 3, "0"); break;
        case 'k': NUM(c->hour, 2, FIGURE_SPACE); break;
        case 'l': NUM(c->hour % 12 == 0 ? 12 : c->hour % 12, 2, FIGURE_SPACE); break;
        case 'm': NUM(c->month, 2, "0"); break;
        case 'M': NUM(c->minute, 2, "0"); break;
        case 'n': g_string_append(o, "\n"); break;
        case 'p': g_string_append(o, c->hour < 12 ? "AM" : "PM"); break;
        case 'P': g_string_append(o, c->hour < 12 ? "am" : "pm"); break;
        case 'R': return format_into(o, dt, "%H:%M");
        case 's': out_num(o, g_date_time_to_unix((GDateTime *) dt), 0, ""); break;
        case 'S': NUM(c->second, 2, "0"); break;
        case 't': g_string_append(o, "\t"); break;
        case 'T': return format_into(o, dt, "%H:%M:%S");
        case 'u': NUM(c->wday, 0, "0"); break;
        case 'V':
                iso_week(c, &week, &wyear);
                NUM(week, 2, "0");
                break;
        case 'w': NUM(c->wday % 7, 0, "0"); break;
        case 'y': NUM(c->year % 100, 2, "0"); break;
        case 'Y': NUM(c->year, 0, "0"); break;
        case 'z': out_offset(o, dt->offset, colons); break;
        case 'Z': g_string_append(o, dt->zone); break;
        case '%': g_string_append(o, "%"); break;
        default: return FALSE;
        }
#undef NUM
        return TRUE;
}

static gboolean format_into(GString *o, const GDateTime *dt, const char *format) {
        Civil c;

        to_civil(dt, &c);
        for (const char *p = format; *p; p++) {
                const char *q, *percent = p;
                const char *pad = NULL;
                int colons = 0;

                if (*p != '%') {
                        q = strchrnul(p, '%');
                        g_string_append_len(o, p, (gssize) (q - p));
                        p = q - 1;
                        continue;
                }
                /* flags: '_' pads with spaces, '-' not at all, '0' with zeros, 'O'; then colons for %z */
                for (p++;; p++) {
                        if (*p == '_')
                                pad = " ";
                        else if (*p == '-')
                                pad = "";
                        else if (*p == '0')
                                pad = "0";
                        else if (*p != 'O') /* alternative digits: the C locale has none */
                                break;
                }
                for (; *p == ':'; p++)
                        colons++;
                /* a lone '%' at the end prints nothing; an unfinished conversion is an error */
                if (!*p)
                        return p == percent + 1;
                if (colons > 3 || !format_one(o, dt, &c, *p, pad, colons))
                        return FALSE;
        }
        return TRUE;
}

char *g_date_time_format(GDateTime *datetime, const char *format) {
        GString *o;

        if (!datetime || !format)
                return NULL;
        o = g_string_new(NULL);
        if (!format_into(o, datetime, format)) {
                g_string_free(o, TRUE);
                return NULL;
        }
        return g_string_free(o, FALSE);
}

char *g_date_time_format_iso8601(GDateTime *datetime) {
        GString *o;

        if (!datetime)
                return NULL;
        o = g_string_new(NULL);
        /* these formats cannot fail */
        format_into(o, datetime, datetime->usec % USEC_PER_SEC != 0 ? "%C%y-%m-%dT%H:%M:%S.%f" : "%C%y-%m-%dT%H:%M:%S");
        if (datetime->offset == 0)
                g_string_append(o, "Z");
        else
                format_into(o, datetime, "%:::z");
        return g_string_free(o, FALSE);
}
