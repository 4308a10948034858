/* SPDX-License-Identifier: Apache-2.0 */
/* Logging (for g_return_if_fail and friends), random numbers, facts about
 * the host and the user and SHA-256 checksums. */
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

/* ---- SHA-256 (FIPS 180-4) ---- */

#define SHA256_LEN 32

struct _GChecksum {
        guint32 h[8];
        guint8 block[64];
        gsize used;   /* bytes in block */
        guint64 bits; /* message length so far */
        gboolean closed;
        guint8 digest[SHA256_LEN];
};

static const guint32 sha256_k[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static guint32 ror(guint32 x, unsigned n) {
        return x >> n | x << (32 - n);
}

static void sha256_block(guint32 h[8], const guint8 *p) {
        guint32 w[64], v[8];

        for (int t = 0; t < 16; t++)
                w[t] = (guint32) p[4 * t] << 24 | (guint32) p[4 * t + 1] << 16 | (guint32) p[4 * t + 2] << 8 | p[4 * t + 3];
        for (int t = 16; t < 64; t++) {
                guint32 s0 = ror(w[t - 15], 7) ^ ror(w[t - 15], 18) ^ w[t - 15] >> 3;
                guint32 s1 = ror(w[t - 2], 17) ^ ror(w[t - 2], 19) ^ w[t - 2] >> 10;
                w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }

        memcpy(v, h, sizeof v);
        for (int t = 0; t < 64; t++) {
                guint32 e = v[4], a = v[0];
                guint32 t1 = v[7] + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & v[5]) ^ (~e & v[6])) + sha256_k[t] + w[t];
                guint32 t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & v[1]) ^ (a & v[2]) ^ (v[1] & v[2]));
                memmove(v + 1, v, 7 * sizeof *v);
                v[4] += t1;
                v[0] = t1 + t2;
        }
        for (int i = 0; i < 8; i++)
                h[i] += v[i];
}

static void sha256_feed(GChecksum *c, const guint8 *p, gsize n) {
        c->bits += (guint64) n * 8;
        while (n > 0) {
                gsize k = MIN(n, sizeof c->block - c->used);
                memcpy(c->block + c->used, p, k);
                c->used += k;
                p += k;
                n -= k;
                if (c->used == sizeof c->block) {
                        sha256_block(c->h, c->block);
                        c->used = 0;
                }
        }
}

static void sha256_close(GChecksum *c) {
        guint64 bits = c->bits;
        guint8 pad[72] = { 0x80 };
        /* 0x80, zeros up to 56 mod 64, then the 64-bit big-endian length */
        gsize n = (c->used < 56 ? 56 : 120) - c->used;

        for (int i = 0; i < 8; i++)
                pad[n + i] = (guint8) (bits >> (56 - 8 * i));
        sha256_feed(c, pad, n + 8);
        for (int i = 0; i < 8; i++)
                for (int j = 0; j < 4; j++)
                        c->digest[4 * i + j] = (guint8) (c->h[i] >> (24 - 8 * j));
        c->closed = TRUE;
}

GChecksum *g_checksum_new(GChecksumType checksum_type) {
        static const guint32 h0[8] = {
                0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
        };

        /* roostd only hashes with SHA-256 */
        if (checksum_type != G_CHECKSUM_SHA256)
                return NULL;

        GChecksum *c = g_new0(GChecksum, 1);
        memcpy(c->h, h0, sizeof h0);
        return c;
}

void g_checksum_update(GChecksum *checksum, const guchar *data, gssize length) {
        g_return_if_fail(checksum != NULL);
        g_return_if_fail(length == 0 || data != NULL);

        if (length < 0)
                length = (gssize) strlen((const char *) data);
        if (checksum->closed) {
                char hex[2 * SHA256_LEN + 1];
                for (int i = 0; i < SHA256_LEN; i++)
                        snprintf(hex + 2 * i, 3, "%02x", checksum->digest[i]);
                g_log(G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "The checksum '%s' has been closed and cannot be updated anymore.", hex);
                return;
        }
        sha256_feed(checksum, data, (gsize) length);
}

void g_checksum_get_digest(GChecksum *checksum, guint8 *buffer, gsize *digest_len) {
        const gsize len = SHA256_LEN;

        g_return_if_fail(checksum != NULL);
        g_return_if_fail(*digest_len >= len);

        if (!checksum->closed)
                sha256_close(checksum);
        memcpy(buffer, checksum->digest, len);
        *digest_len = len;
}

void g_checksum_free(GChecksum *checksum) {
        g_free(checksum);
}
