/* SPDX-License-Identifier: Apache-2.0 */
/* Logging (for g_return_if_fail and friends), random numbers and facts
 * about the host and the user. (No GChecksum: roostd's digests come from
 * common/sha256.c.) */
#include "glib-subset.h"

#include <errno.h>
#include <pthread.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- logging ---- */

static const char *level_name(GLogLevelFlags level) {
        if (level & G_LOG_LEVEL_ERROR)
                return "ERROR";
        if (level & G_LOG_LEVEL_CRITICAL)
                return "CRITICAL";
        if (level & G_LOG_LEVEL_WARNING)
                return "WARNING";
        if (level & G_LOG_LEVEL_MESSAGE)
                return "Message";
        if (level & G_LOG_LEVEL_INFO)
                return "INFO";
        if (level & G_LOG_LEVEL_DEBUG)
                return "DEBUG";
        return "LOG";
}

/* as GLib: debug and info messages show only when G_MESSAGES_DEBUG is
 * "all" or lists the domain (space-separated) */
static gboolean verbose_enabled(const char *domain) {
        const char *env = getenv("G_MESSAGES_DEBUG");

        if (!env)
                return FALSE;
        if (strcmp(env, "all") == 0)
                return TRUE;
        if (!domain)
                return FALSE;

        gsize n = strlen(domain);
        for (const char *p = env; *p;) {
                gsize w = strcspn(p, " ");
                if (w == n && strncmp(p, domain, n) == 0)
                        return TRUE;
                p += w;
                p += strspn(p, " ");
        }
        return FALSE;
}

void g_log(const gchar *log_domain, GLogLevelFlags log_level, const gchar *format, ...) {
        const GLogLevelFlags shown = G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE;
        int saved_errno = errno;
        va_list ap;

        /* debug and info are hidden by default; user-defined levels are not */
        if ((log_level & shown) || (log_level >> G_LOG_LEVEL_USER_SHIFT) || verbose_enabled(log_domain)) {
                va_start(ap, format);
                gchar *msg = g_strdup_vprintf(format, ap);
                va_end(ap);
                /* one write, so that the line is not mixed with others */
                gchar *line = g_strdup_printf("roostd: %s%s%s: %s\n", log_domain ? log_domain : "",
                                              log_domain ? "-" : "", level_name(log_level), msg);
                fputs(line, stderr);
                fflush(stderr);
                g_free(line);
                g_free(msg);
        }

        if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_FLAG_FATAL))
                abort();
        errno = saved_errno;
}

void g_return_if_fail_warning(const char *log_domain, const char *pretty_function, const char *expression) {
        g_log(log_domain, G_LOG_LEVEL_CRITICAL, "%s: assertion '%s' failed", pretty_function, expression);
}

/* ---- random numbers: the kernel's CSPRNG through arc4random ---- */

guint32 g_random_int(void) {
        return arc4random();
}

gint32 g_random_int_range(gint32 begin, gint32 end) {
        g_return_val_if_fail(end > begin, begin);

        /* the width fits in 32 bits even for [G_MININT32, G_MAXINT32) */
        guint32 r = arc4random_uniform((guint32) end - (guint32) begin);
        return (gint32) ((guint32) begin + r);
}

/* ---- host and user ---- */

static gchar *host_name;
static pthread_once_t host_name_once = PTHREAD_ONCE_INIT;

static void host_name_init(void) {
        char buf[HOST_NAME_MAX + 1];

        /* as GLib: "localhost" when the name cannot be read */
        if (gethostname(buf, sizeof buf) < 0)
                host_name = g_strdup("localhost");
        else {
                buf[HOST_NAME_MAX] = '\0';
                host_name = g_strdup(buf);
        }
}

const gchar *g_get_host_name(void) {
        pthread_once(&host_name_once, host_name_init);
        return host_name;
}

guint g_get_num_processors(void) {
        /* GLib 2.74 counts the online CPUs, whatever the affinity mask */
        long n = sysconf(_SC_NPROCESSORS_ONLN);

        return n > 0 ? (guint) n : 1;
}

/* pw_dir of the passwd entry of name (or of uid when name is NULL) if that
 * entry has uid; NULL if there is none */
static gchar *passwd_dir(const char *name, uid_t uid) {
        gchar *dir = NULL;

        for (gsize size = 16384; size <= 16 * 1024 * 1024; size *= 4) {
                struct passwd pw, *res = NULL;
                gchar *buf = g_malloc(size);
                int r = name ? getpwnam_r(name, &pw, buf, size, &res) : getpwuid_r(uid, &pw, buf, size, &res);

                if (r == 0 && res && res->pw_uid == uid && res->pw_dir)
                        dir = g_strdup(res->pw_dir);
                g_free(buf);
                if (r != ERANGE)
                        break;
        }
        return dir;
}

/* as GLib: $LOGNAME's entry when it has our uid, else the uid's own */
static gchar *passwd_home(void) {
        const char *logname = getenv("LOGNAME");
        gchar *home = logname ? passwd_dir(logname, getuid()) : NULL;

        if (!home)
                home = passwd_dir(NULL, getuid());
        /* GLib's documented "undefined" value when nothing can be read */
        return home ? home : g_strdup("/");
}

/* home + "/.config" as g_build_filename joins them */
static gchar *config_under(const gchar *home) {
        gsize n = strlen(home);

        if (n == 0)
                return g_strdup(".config");
        while (n > 1 && home[n - 1] == '/')
                n--;
        if (home[n - 1] == '/')
                return g_strdup_printf("%s.config", home);
        return g_strdup_printf("%.*s/.config", (int) n, home);
}

static gchar *user_config_dir;
static pthread_once_t user_config_dir_once = PTHREAD_ONCE_INIT;

static void user_config_dir_init(void) {
        const char *xdg = getenv("XDG_CONFIG_HOME");
        const char *home = getenv("HOME");

        if (xdg && xdg[0])
                user_config_dir = g_strdup(xdg);
        else if (home)
                user_config_dir = config_under(home);
        else {
                gchar *h = passwd_home();
                user_config_dir = config_under(h);
                g_free(h);
        }
}

const gchar *g_get_user_config_dir(void) {
        pthread_once(&user_config_dir_once, user_config_dir_init);
        return user_config_dir;
}
