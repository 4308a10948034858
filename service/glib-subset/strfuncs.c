/* SPDX-License-Identifier: Apache-2.0 */
/* String utilities: ASCII classes, number parsing, splitting and joining,
 * escaping, UTF-8 validation and base64. */
#include "glib-subset.h"

#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---- ASCII character classes ---- */

#define A_CNTRL G_ASCII_CNTRL
#define A_CSPACE (G_ASCII_CNTRL | G_ASCII_SPACE)
#define A_BLANK (G_ASCII_PRINT | G_ASCII_SPACE)
#define A_PUNCT (G_ASCII_PRINT | G_ASCII_GRAPH | G_ASCII_PUNCT)
#define A_DIGIT (G_ASCII_PRINT | G_ASCII_GRAPH | G_ASCII_ALNUM | G_ASCII_DIGIT | G_ASCII_XDIGIT)
#define A_UPPER (G_ASCII_PRINT | G_ASCII_GRAPH | G_ASCII_ALNUM | G_ASCII_ALPHA | G_ASCII_UPPER)
#define A_LOWER (G_ASCII_PRINT | G_ASCII_GRAPH | G_ASCII_ALNUM | G_ASCII_ALPHA | G_ASCII_LOWER)
#define A_UPPERX (A_UPPER | G_ASCII_XDIGIT)
#define A_LOWERX (A_LOWER | G_ASCII_XDIGIT)

/* bytes 0x80..0xff belong to no class; '\v' is not a space for GLib */
static const guint16 ascii_table_data[256] = {
        /* 0x00 */ A_CNTRL, A_CNTRL, A_CNTRL, A_CNTRL, A_CNTRL, A_CNTRL, A_CNTRL, A_CNTRL,
        /* 0x08 */ A_CNTRL, A_CSPACE, A_CSPACE, A_CNTRL, A_CSPACE, A_CSPACE, A_CNTRL, A_CNTRL,
        /* 0x10 */ A_CNTRL, A_CNTRL, A_CNTRL, A_CNTRL, A_CNTRL, A_CNTRL, A_CNTRL, A_CNTRL,
        /* 0x18 */ A_CNTRL, A_CNTRL, A_CNTRL, A_CNTRL, A_CNTRL, A_CNTRL, A_CNTRL, A_CNTRL,
        /* ' '  */ A_BLANK, A_PUNCT, A_PUNCT, A_PUNCT, A_PUNCT, A_PUNCT, A_PUNCT, A_PUNCT,
        /* '('  */ A_PUNCT, A_PUNCT, A_PUNCT, A_PUNCT, A_PUNCT, A_PUNCT, A_PUNCT, A_PUNCT,
        /* '0'  */ A_DIGIT, A_DIGIT, A_DIGIT, A_DIGIT, A_DIGIT, A_DIGIT, A_DIGIT, A_DIGIT,
        /* '8'  */ A_DIGIT, A_DIGIT, A_PUNCT, A_PUNCT, A_PUNCT, A_PUNCT, A_PUNCT, A_PUNCT,
        /* '@'  */ A_PUNCT, A_UPPERX, A_UPPERX, A_UPPERX, A_UPPERX, A_UPPERX, A_UPPERX, A_UPPER,
        /* 'H'  */ A_UPPER, A_UPPER, A_UPPER, A_UPPER, A_UPPER, A_UPPER, A_UPPER, A_UPPER,
        /* 'P'  */ A_UPPER, A_UPPER, A_UPPER, A_UPPER, A_UPPER, A_UPPER, A_UPPER, A_UPPER,
        /* 'X'  */ A_UPPER, A_UPPER, A_UPPER, A_PUNCT, A_PUNCT, A_PUNCT, A_PUNCT, A_PUNCT,
        /* '`'  */ A_PUNCT, A_LOWERX, A_LOWERX, A_LOWERX, A_LOWERX, A_LOWERX, A_LOWERX, A_LOWER,
        /* 'h'  */ A_LOWER, A_LOWER, A_LOWER, A_LOWER, A_LOWER, A_LOWER, A_LOWER, A_LOWER,
        /* 'p'  */ A_LOWER, A_LOWER, A_LOWER, A_LOWER, A_LOWER, A_LOWER, A_LOWER, A_LOWER,
        /* 'x'  */ A_LOWER, A_LOWER, A_LOWER, A_PUNCT, A_PUNCT, A_PUNCT, A_PUNCT, A_CNTRL,
};

const guint16 *const g_ascii_table = ascii_table_data;

static gboolean is_space(guchar c) {
        return (ascii_table_data[c] & G_ASCII_SPACE) != 0;
}

gchar g_ascii_tolower(gchar c) {
        return c >= 'A' && c <= 'Z' ? (gchar) (c - 'A' + 'a') : c;
}

static gchar ascii_toupper(gchar c) {
        return c >= 'a' && c <= 'z' ? (gchar) (c - 'a' + 'A') : c;
}

static gint lower_byte(const gchar *p) {
        return (guchar) g_ascii_tolower(*p);
}

gint g_ascii_strcasecmp(const gchar *s1, const gchar *s2) {
        g_return_val_if_fail(s1 != NULL, 0);
        g_return_val_if_fail(s2 != NULL, 0);

        for (; *s1 && *s2; s1++, s2++)
                if (lower_byte(s1) != lower_byte(s2))
                        return lower_byte(s1) - lower_byte(s2);
        return (guchar) *s1 - (guchar) *s2;
}

gint g_ascii_strncasecmp(const gchar *s1, const gchar *s2, gsize n) {
        g_return_val_if_fail(s1 != NULL, 0);
        g_return_val_if_fail(s2 != NULL, 0);

        for (; n > 0 && *s1 && *s2; n--, s1++, s2++)
                if (lower_byte(s1) != lower_byte(s2))
                        return lower_byte(s1) - lower_byte(s2);
        return n > 0 ? (guchar) *s1 - (guchar) *s2 : 0;
}

gchar *g_ascii_strdown(const gchar *str, gssize len) {
        g_return_val_if_fail(str != NULL, NULL);

        gchar *r = g_strndup(str, len < 0 ? strlen(str) : (gsize) len);
        for (gchar *p = r; *p; p++)
                *p = g_ascii_tolower(*p);
        return r;
}

gchar *g_ascii_strup(const gchar *str, gssize len) {
        g_return_val_if_fail(str != NULL, NULL);

        gchar *r = g_strndup(str, len < 0 ? strlen(str) : (gsize) len);
        for (gchar *p = r; *p; p++)
                *p = ascii_toupper(*p);
        return r;
}

/* ---- numbers: libc's parsers in the "C" locale ---- */

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void c_locale_init(void) {
        c_locale = newlocale(LC_ALL_MASK, "C", (locale_t) 0);
        if (!c_locale)
                abort(); /* only out of memory gets here */
}

static locale_t get_c_locale(void) {
        pthread_once(&c_locale_once, c_locale_init);
        return c_locale;
}

gdouble g_ascii_strtod(const gchar *nptr, gchar **endptr) {
        g_return_val_if_fail(nptr != NULL, 0);

        /* documented: errno is reset so that callers can detect ERANGE */
        errno = 0;
        return strtod_l(nptr, endptr, get_c_locale());
}

guint64 g_ascii_strtoull(const gchar *nptr, gchar **endptr, guint base) {
        /* like GLib on glibc: errno is left alone unless strtoull sets it */
        return strtoull_l(nptr, endptr, (int) base, get_c_locale());
}

/* ---- prefixes, whitespace, concatenation ---- */

gboolean g_str_has_prefix(const gchar *str, const gchar *prefix) {
        g_return_val_if_fail(str != NULL, FALSE);
        g_return_val_if_fail(prefix != NULL, FALSE);

        return strncmp(str, prefix, strlen(prefix)) == 0;
}

gboolean g_str_has_suffix(const gchar *str, const gchar *suffix) {
        g_return_val_if_fail(str != NULL, FALSE);
        g_return_val_if_fail(suffix != NULL, FALSE);

        gsize n = strlen(str), m = strlen(suffix);
        return m <= n && memcmp(str + n - m, suffix, m) == 0;
}

gchar *g_strchomp(gchar *string) {
        g_return_val_if_fail(string != NULL, NULL);

        gsize n = strlen(string);
        while (n > 0 && is_space((guchar) string[n - 1]))
                string[--n] = '\0';
        return string;
}

gchar *g_strchug(gchar *string) {
        g_return_val_if_fail(string != NULL, NULL);

        const gchar *p = string;
        while (*p && is_space((guchar) *p))
                p++;
        memmove(string, p, strlen(p) + 1);
        return string;
}

gchar *g_strconcat(const gchar *string1, ...) {
        va_list ap;
        gsize n = 0;

        if (!string1)
                return NULL;

        va_start(ap, string1);
        for (const gchar *s = string1; s; s = va_arg(ap, const gchar *))
                n += strlen(s);
        va_end(ap);

        gchar *r = g_malloc(n + 1), *q = r;
        va_start(ap, string1);
        for (const gchar *s = string1; s; s = va_arg(ap, const gchar *))
                q = stpcpy(q, s);
        va_end(ap);
        return r;
}

gchar *g_strdelimit(gchar *string, const gchar *delimiters, gchar new_delimiter) {
        g_return_val_if_fail(string != NULL, NULL);

        if (!delimiters)
                delimiters = G_STR_DELIMITERS;
        for (gchar *p = string; *p; p++)
                if (strchr(delimiters, *p))
                        *p = new_delimiter;
        return string;
}

const gchar *g_strerror(gint errnum) {
        /* messages are cached for ever: callers never free them */
        struct entry {
                struct entry *next;
                gint errnum;
                gchar *msg;
        };
        static struct entry *cache;
        static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
        int saved_errno = errno;
        struct entry *e;

        pthread_mutex_lock(&lock);
        for (e = cache; e; e = e->next)
                if (e->errnum == errnum)
                        break;
        if (!e) {
                char buf[1024];

                e = g_malloc(sizeof *e);
                e->errnum = errnum;
                e->msg = g_strdup(strerror_r(errnum, buf, sizeof buf));
                e->next = cache;
                cache = e;
        }
        pthread_mutex_unlock(&lock);

        errno = saved_errno;
        return e->msg;
}

/* the letter of a C escape such as \n for c, or 0 */
static gchar escape_letter(guchar c) {
        switch (c) {
        case '\b':
                return 'b';
        case '\f':
                return 'f';
        case '\n':
                return 'n';
        case '\r':
                return 'r';
        case '\t':
                return 't';
        case '\v':
                return 'v';
        case '\\':
        case '"':
                return (gchar) c;
        default:
                return 0;
        }
}

gchar *g_strescape(const gchar *source, const gchar *exceptions) {
        gboolean keep[256] = {};

        g_return_val_if_fail(source != NULL, NULL);

        for (const guchar *e = (const guchar *) exceptions; e && *e; e++)
                keep[*e] = TRUE;

        gchar *r = g_malloc(strlen(source) * 4 + 1), *q = r;
        for (const guchar *p = (const guchar *) source; *p; p++) {
                gchar letter = escape_letter(*p);

                if (keep[*p])
                        *q++ = (gchar) *p;
                else if (letter) {
                        *q++ = '\\';
                        *q++ = letter;
                } else if (*p < ' ' || *p >= 0x7f) {
                        /* octal, always three digits */
                        *q++ = '\\';
                        *q++ = (gchar) ('0' + (*p >> 6));
                        *q++ = (gchar) ('0' + ((*p >> 3) & 7));
                        *q++ = (gchar) ('0' + (*p & 7));
                } else
                        *q++ = (gchar) *p;
        }
        *q = '\0';
        return r;
}

/* ---- string vectors ---- */

void g_strfreev(gchar **str_array) {
        if (!str_array)
                return;
        for (gchar **p = str_array; *p; p++)
                g_free(*p);
        g_free(str_array);
}

guint g_strv_length(gchar **str_array) {
        guint n = 0;

        g_return_val_if_fail(str_array != NULL, 0);

        while (str_array[n])
                n++;
        return n;
}

gchar **g_strdupv(gchar **str_array) {
        if (!str_array)
                return NULL;

        guint n = g_strv_length(str_array);
        gchar **r = g_malloc0_n((gsize) n + 1, sizeof *r); /* g_new would need g_malloc_n */
        for (guint i = 0; i < n; i++)
                r[i] = g_strdup(str_array[i]);
        r[n] = NULL;
        return r;
}

gchar *g_strjoinv(const gchar *separator, gchar **str_array) {
        g_return_val_if_fail(str_array != NULL, NULL);

        if (!separator)
                separator = "";

        gsize sep = strlen(separator), n = 0;
        for (gchar **p = str_array; *p; p++)
                n += strlen(*p) + (p == str_array ? 0 : sep);

        gchar *r = g_malloc(n + 1), *q = r;
        *q = '\0';
        for (gchar **p = str_array; *p; p++) {
                if (p != str_array)
                        q = stpcpy(q, separator);
                q = stpcpy(q, *p);
        }
        return r;
}

gboolean g_strv_contains(const gchar *const *strv, const gchar *str) {
        g_return_val_if_fail(strv != NULL, FALSE);
        g_return_val_if_fail(str != NULL, FALSE);

        for (; *strv; strv++)
                if (strcmp(*strv, str) == 0)
                        return TRUE;
        return FALSE;
}

/* a growing NULL-terminated vector for the split functions */
typedef struct {
        gchar **v;
        gsize n, allocated;
} Strv;

static void strv_push(Strv *s, gchar *str) {
        if (s->n + 2 > s->allocated) {
                s->allocated = MAX(s->allocated * 2, 8);
                s->v = g_realloc_n(s->v, s->allocated, sizeof *s->v);
        }
        s->v[s->n++] = str;
        s->v[s->n] = NULL;
}

static gchar **strv_end(Strv *s) {
        /* splitting "" gives an empty vector, not NULL */
        return s->v ? s->v : g_new0(gchar *, 1);
}

gchar **g_strsplit(const gchar *string, const gchar *delimiter, gint max_tokens) {
        Strv r = {};

        g_return_val_if_fail(string != NULL, NULL);
        g_return_val_if_fail(delimiter != NULL, NULL);
        g_return_val_if_fail(delimiter[0] != '\0', NULL);

        if (!*string)
                return strv_end(&r);

        gsize dlen = strlen(delimiter);
        guint left = max_tokens < 1 ? G_MAXUINT : (guint) max_tokens;
        const gchar *rest = string, *hit;
        /* the last token takes the remainder, delimiters included */
        for (; left > 1 && (hit = strstr(rest, delimiter)); left--) {
                strv_push(&r, g_strndup(rest, (gsize) (hit - rest)));
                rest = hit + dlen;
        }
        strv_push(&r, g_strdup(rest));
        return strv_end(&r);
}

gchar **g_strsplit_set(const gchar *string, const gchar *delimiters, gint max_tokens) {
        gboolean is_delim[256] = {};
        Strv r = {};

        g_return_val_if_fail(string != NULL, NULL);
        g_return_val_if_fail(delimiters != NULL, NULL);

        if (!*string)
                return strv_end(&r);

        for (const guchar *d = (const guchar *) delimiters; *d; d++)
                is_delim[*d] = TRUE;

        guint left = max_tokens < 1 ? G_MAXUINT : (guint) max_tokens;
        const gchar *start = string, *p;
        for (p = string; *p; p++)
                if (is_delim[(guchar) *p] && left > 1) {
                        strv_push(&r, g_strndup(start, (gsize) (p - start)));
                        start = p + 1;
                        left--;
                }
        strv_push(&r, g_strndup(start, (gsize) (p - start)));
        return strv_end(&r);
}

/* ---- UTF-8 ---- */

/* Length of the well-formed UTF-8 sequence (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF) at p, reading at most avail bytes;
 * 0 if there is none. A NUL byte counts as a one-byte sequence. */
static gsize utf8_sequence_len(const guchar *p, gsize avail) {
        guchar lo = 0x80, hi = 0xbf;
        gsize n;

        if (p[0] < 0x80)
                return 1;
        if (p[0] < 0xc2)
                return 0; /* continuation byte, or overlong lead */
        if (p[0] < 0xe0)
                n = 2;
        else if (p[0] < 0xf0) {
                n = 3;
                if (p[0] == 0xe0)
                        lo = 0xa0; /* overlong */
                else if (p[0] == 0xed)
                        hi = 0x9f; /* surrogates */
        } else if (p[0] < 0xf5) {
                n = 4;
                if (p[0] == 0xf0)
                        lo = 0x90; /* overlong */
                else if (p[0] == 0xf4)
                        hi = 0x8f; /* above U+10FFFF */
        } else
                return 0;

        if (avail < n)
                return 0;
        /* checked in order, so a NUL stops the reading */
        if (p[1] < lo || p[1] > hi)
                return 0;
        for (gsize i = 2; i < n; i++)
                if (p[i] < 0x80 || p[i] > 0xbf)
                        return 0;
        return n;
}

gboolean g_utf8_validate(const gchar *str, gssize max_len, const gchar **end) {
        const guchar *p = (const guchar *) str;
        gboolean ok;

        if (max_len < 0) {
                gsize n;
                while (*p && (n = utf8_sequence_len(p, G_MAXSIZE)) > 0)
                        p += n;
                ok = *p == '\0';
        } else {
                /* with a length, a NUL inside it is invalid */
                gsize rest = (gsize) max_len, n;
                while (rest > 0 && *p && (n = utf8_sequence_len(p, rest)) > 0) {
                        p += n;
                        rest -= n;
                }
                ok = rest == 0;
        }

        if (end)
                *end = (const gchar *) p;
        return ok;
}

gchar *g_utf8_make_valid(const gchar *str, gssize len) {
        static const char replacement[] = "\357\277\275"; /* U+FFFD */

        g_return_val_if_fail(str != NULL, NULL);

        gsize rest = len < 0 ? strlen(str) : (gsize) len;
        /* each invalid byte (a NUL too) becomes 3 bytes */
        gchar *r = g_malloc(rest * 3 + 1), *q = r;
        const guchar *p = (const guchar *) str;
        while (rest > 0) {
                gsize n = *p ? utf8_sequence_len(p, rest) : 0;
                if (n > 0) {
                        memcpy(q, p, n);
                        q += n;
                } else {
                        q = stpcpy(q, replacement);
                        n = 1;
                }
                p += n;
                rest -= n;
        }
        *q = '\0';
        return r;
}

/* ---- URIs ---- */

static gboolean uri_unreserved(gchar c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._~", c);
}

gchar *g_uri_escape_string(const gchar *unescaped, const gchar *reserved_chars_allowed, gboolean allow_utf8) {
        static const char hex[] = "0123456789ABCDEF";

        g_return_val_if_fail(unescaped != NULL, NULL);

        gsize rest = strlen(unescaped);
        gchar *r = g_malloc(rest * 3 + 1), *q = r;
        const guchar *p = (const guchar *) unescaped;
        while (rest > 0) {
                gsize n = allow_utf8 && *p >= 0x80 ? utf8_sequence_len(p, rest) : 0;

                if (n > 0) {
                        /* a whole valid character is kept as it is */
                        memcpy(q, p, n);
                        q += n;
                } else {
                        gchar c = (gchar) *p;
                        if (uri_unreserved(c) || (reserved_chars_allowed && strchr(reserved_chars_allowed, c)))
                                *q++ = c;
                        else {
                                *q++ = '%';
                                *q++ = hex[*p >> 4];
                                *q++ = hex[*p & 15];
                        }
                        n = 1;
                }
                p += n;
                rest -= n;
        }
        *q = '\0';
        return r;
}

/* ---- base64 (RFC 4648, with padding, no line breaks) ---- */

static const char b64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

gchar *g_base64_encode(const guchar *data, gsize len) {
        g_return_val_if_fail(data != NULL || len == 0, NULL);

        gchar *r = g_malloc((len / 3 + 1) * 4 + 1), *q = r;
        for (gsize i = 0; i < len; i += 3) {
                gsize k = MIN(len - i, (gsize) 3);
                guint32 v = (guint32) data[i] << 16;
                if (k > 1)
                        v |= (guint32) data[i + 1] << 8;
                if (k > 2)
                        v |= data[i + 2];
                *q++ = b64_alphabet[v >> 18];
                *q++ = b64_alphabet[(v >> 12) & 63];
                *q++ = k > 1 ? b64_alphabet[(v >> 6) & 63] : '=';
                *q++ = k > 2 ? b64_alphabet[v & 63] : '=';
        }
        *q = '\0';
        return r;
}

/* value of a base64 character; '=' counts as 0, anything else is skipped */
static int b64_value(guchar c) {
        const char *x = c ? strchr(b64_alphabet, c) : NULL;

        if (x)
                return (int) (x - b64_alphabet);
        return c == '=' ? 0 : -1;
}

guchar *g_base64_decode(const gchar *text, gsize *out_len) {
        g_return_val_if_fail(text != NULL, NULL);
        g_return_val_if_fail(out_len != NULL, NULL);

        /* As GLib: characters outside the alphabet are ignored, a trailing
         * incomplete quantum is dropped, and an '=' in the third or fourth
         * place of a quantum drops the byte it would end. */
        gsize len = strlen(text);
        guchar *r = g_malloc0(len / 4 * 3 + 1), *q = r;
        guchar quantum[4];
        guint32 v = 0;
        int k = 0;
        for (const guchar *p = (const guchar *) text; *p; p++) {
                int x = b64_value(*p);
                if (x < 0)
                        continue;
                v = v << 6 | (guint32) x;
                quantum[k++] = *p;
                if (k < 4)
                        continue;
                *q++ = (guchar) (v >> 16);
                if (quantum[2] != '=')
                        *q++ = (guchar) (v >> 8);
                if (quantum[3] != '=')
                        *q++ = (guchar) v;
                k = 0;
                v = 0;
        }
        *out_len = (gsize) (q - r);
        return r;
}
