/* SPDX-License-Identifier: Apache-2.0 */
#include "glib-subset.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* GKeyFile, for reading: groups and their key=value lines in file order.
 * Like GLib 2.74, a key written twice in a group is listed twice by
 * g_key_file_get_keys() and its last value wins. */

typedef struct {
        char *key, *value;
} Entry;

typedef struct {
        char *name;
        Entry *entries;
        size_t n_entries;
} Group;

struct _GKeyFile {
        Group *groups;
        size_t n_groups;
        Group *current;     /* the group lines are added to; NULL before the first */
        char **locales;     /* translations (key[locale]) kept, like g_get_language_names() */
        gboolean keep_translations;
        int ref;
};

static gboolean is_space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static gboolean is_alnum(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* ---- the languages of the environment, as g_get_language_names() lists them ---- */

static void strv_add(char ***v, size_t *n, char *s) {
        for (size_t i = 0; i < *n; i++)
                if (strcmp((*v)[i], s) == 0) {
                        g_free(s);
                        return;
                }
        *v = g_realloc_n(*v, *n + 2, sizeof(char *));
        (*v)[(*n)++] = s;
        (*v)[*n] = NULL;
}

/* lang[_territory][.codeset][@modifier]: every variant, most specific first */
static void add_locale_variants(char ***v, size_t *n, const char *locale, size_t len) {
        g_autofree char *l = g_strndup(locale, len);
        char *mod = strchr(l, '@'), *cs, *terr;
        const char *parts[3];

        if (mod)
                *mod++ = '\0';
        cs = strchr(l, '.');
        if (cs)
                *cs++ = '\0';
        terr = strchr(l, '_');
        if (terr)
                *terr++ = '\0';
        parts[0] = cs, parts[1] = terr, parts[2] = mod;
        /* bit 0: codeset, 1: territory, 2: modifier; from all present down to none */
        for (int mask = 7; mask >= 0; mask--) {
                gboolean ok = TRUE;
                for (int b = 0; b < 3; b++)
                        if ((mask & (1 << b)) && !parts[b])
                                ok = FALSE;
                if (!ok)
                        continue;
                strv_add(v, n, g_strdup_printf("%s%s%s%s%s%s%s", l, mask & 2 ? "_" : "", mask & 2 ? terr : "",
                                               mask & 1 ? "." : "", mask & 1 ? cs : "", mask & 4 ? "@" : "",
                                               mask & 4 ? mod : ""));
        }
}

static char **language_names(void) {
        static const char *const vars[] = { "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG" };
        const char *value = NULL;
        char **v = NULL;
        size_t n = 0;

        for (size_t i = 0; i < G_N_ELEMENTS(vars) && !value; i++) {
                value = getenv(vars[i]);
                if (value && !*value)
                        value = NULL;
        }
        for (const char *p = value ? value : "C"; *p;) {
                size_t len = strcspn(p, ":");
                if (len > 0)
                        add_locale_variants(&v, &n, p, len);
                p += len;
                if (*p)
                        p++;
        }
        strv_add(&v, &n, g_strdup("C"));
        return v;
}

/* ---- the key file ---- */

GKeyFile *g_key_file_new(void) {
        GKeyFile *kf = g_new0(GKeyFile, 1);

        kf->ref = 1;
        kf->locales = language_names();
        return kf;
}

static void key_file_clear(GKeyFile *kf) {
        for (size_t i = 0; i < kf->n_groups; i++) {
                Group *g = &kf->groups[i];
                for (size_t j = 0; j < g->n_entries; j++) {
                        g_free(g->entries[j].key);
                        g_free(g->entries[j].value);
                }
                g_free(g->entries);
                g_free(g->name);
        }
        g_free(kf->groups);
        kf->groups = NULL;
        kf->n_groups = 0;
        kf->current = NULL;
}

void g_key_file_unref(GKeyFile *key_file) {
        if (!key_file || --key_file->ref > 0)
                return;
        key_file_clear(key_file);
        for (char **l = key_file->locales; l && *l; l++)
                g_free(*l);
        g_free(key_file->locales);
        g_free(key_file);
}

static Group *find_group(GKeyFile *kf, const char *name) {
        for (size_t i = 0; i < kf->n_groups; i++)
                if (strcmp(kf->groups[i].name, name) == 0)
                        return &kf->groups[i];
        return NULL;
}

/* The value of the last line of key in g */
static Entry *find_entry(Group *g, const char *key) {
        for (size_t i = g->n_entries; i > 0; i--)
                if (strcmp(g->entries[i - 1].key, key) == 0)
                        return &g->entries[i - 1];
        return NULL;
}

/* ---- parsing ---- */

/* Text for messages: valid UTF-8, U+FFFD for each invalid byte sequence */
static char *make_valid(const char *s, size_t len) {
        char *r = g_malloc(len * 3 + 1), *o = r;
        const unsigned char *p = (const unsigned char *) s, *end = p + len;

        while (p < end) {
                size_t n = 0;
                unsigned cp = 0;

                if (*p < 0x80)
                        n = 1, cp = *p;
                else if (*p >= 0xc2 && *p <= 0xdf)
                        n = 2, cp = *p & 0x1f;
                else if (*p >= 0xe0 && *p <= 0xef)
                        n = 3, cp = *p & 0x0f;
                else if (*p >= 0xf0 && *p <= 0xf4)
                        n = 4, cp = *p & 0x07;
                for (size_t i = 1; n && i < n; i++) {
                        if (p + i >= end || (p[i] & 0xc0) != 0x80) {
                                n = 0;
                                break;
                        }
                        cp = (cp << 6) | (p[i] & 0x3f);
                }
                if ((n == 1 && cp == 0) || (n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
                    (cp >= 0xd800 && cp <= 0xdfff))
                        n = 0;
                if (n == 0) {
                        memcpy(o, "\357\277\275", 3);
                        o += 3;
                        p++;
                        continue;
                }
                memcpy(o, p, n);
                o += n;
                p += n;
        }
        *o = '\0';
        return r;
}

/* "[name]", then only blanks */
static gboolean line_is_group(const char *line) {
        const char *close;

        if (line[0] != '[')
                return FALSE;
        close = strchr(line + 1, ']');
        if (!close)
                return FALSE;
        for (const char *p = close + 1; *p; p++)
                if (*p != ' ' && *p != '\t')
                        return FALSE;
        return TRUE;
}

static gboolean group_name_valid(const char *name) {
        if (!*name)
                return FALSE;
        for (const unsigned char *p = (const unsigned char *) name; *p; p++)
                if (*p == '[' || *p == ']' || *p < 0x20 || *p == 0x7f)
                        return FALSE;
        return TRUE;
}

/* key, or key[locale] where the locale has letters, digits and "-_.@"; not
 * starting or ending with a space. Non-ASCII bytes in a locale count as
 * letters (GLib asks Unicode; such keys are dropped as translations anyway). */
static gboolean key_name_valid(const char *key) {
        const char *p = key + strcspn(key, "=[]");

        if (p == key || key[0] == ' ' || p[-1] == ' ')
                return FALSE;
        if (*p == '[') {
                for (p++; is_alnum(*p) || *p == '-' || *p == '_' || *p == '.' || *p == '@' || (*p & 0x80); p++)
                        ;
                if (*p != ']')
                        return FALSE;
                p++;
        }
        return *p == '\0';
}

/* The locale of key[locale] when it is one GLib would drop: not among the languages */
static gboolean is_unwanted_translation(GKeyFile *kf, const char *key) {
        const char *open = strchr(key, '['), *loc;
        size_t len;

        if (!open || open[1] == ']')
                return FALSE;
        loc = open + 1;
        len = strlen(loc) - 1;
        for (char **l = kf->locales; *l; l++)
                if (strncasecmp(*l, loc, len) == 0 && (*l)[len] == '\0')
                        return FALSE;
        return TRUE;
}

static void group_add(GKeyFile *kf, const char *name) {
        Group *g = find_group(kf, name);

        /* a group named again continues the first */
        if (!g) {
                kf->groups = g_realloc_n(kf->groups, kf->n_groups + 1, sizeof(Group));
                g = &kf->groups[kf->n_groups++];
                *g = (Group) { .name = g_strdup(name) };
        }
        kf->current = g;
}

static void entry_add(Group *g, char *key, char *value) {
        g->entries = g_realloc_n(g->entries, g->n_entries + 1, sizeof(Entry));
        g->entries[g->n_entries++] = (Entry) { .key = key, .value = value };
}

static gboolean parse_group(GKeyFile *kf, const char *line, GError **error) {
        const char *close = strrchr(line, ']');
        g_autofree char *name = g_strndup(line + 1, (size_t) (close - line - 1));

        if (!group_name_valid(name)) {
                gs_set_error(error, G_KEY_FILE_ERROR_PARSE, "Invalid group name: %s", name);
                return FALSE;
        }
        group_add(kf, name);
        return TRUE;
}

static gboolean parse_key_value(GKeyFile *kf, const char *line, GError **error) {
        const char *eq = strchr(line, '='), *kend = eq, *value = eq + 1;
        g_autofree char *key = NULL;

        if (!kf->current) {
                gs_set_error(error, G_KEY_FILE_ERROR_GROUP_NOT_FOUND, "Key file does not start with a group");
                return FALSE;
        }
        while (kend > line && (kend[-1] == ' ' || kend[-1] == '\t'))
                kend--;
        key = g_strndup(line, (size_t) (kend - line));
        if (!key_name_valid(key)) {
                gs_set_error(error, G_KEY_FILE_ERROR_PARSE, "Invalid key name: %s", key);
                return FALSE;
        }
        /* blanks after '=' go, those at the end of the line stay */
        while (*value == ' ' || *value == '\t')
                value++;
        /* a file in another encoding is refused (only its first group is checked) */
        if (kf->current == &kf->groups[0] && strcmp(key, "Encoding") == 0 && strcasecmp(value, "UTF-8") != 0) {
                g_autofree char *v = make_valid(value, strlen(value));
                gs_set_error(error, G_KEY_FILE_ERROR_UNKNOWN_ENCODING, "Key file contains unsupported encoding “%s”", v);
                return FALSE;
        }
        if (!kf->keep_translations && is_unwanted_translation(kf, key))
                return TRUE;
        entry_add(kf->current, g_steal_pointer(&key), g_strdup(value));
        return TRUE;
}

static gboolean parse_line(GKeyFile *kf, const char *line, GError **error) {
        const char *s = line;

        while (is_space(*s))
                s++;
        if (*s == '\0' || *s == '#')
                return TRUE;
        if (line_is_group(s))
                return parse_group(kf, s, error);
        /* key=value needs a key before the '=' */
        if (*s != '=' && strchr(s, '='))
                return parse_key_value(kf, s, error);
        {
                g_autofree char *v = make_valid(line, strlen(line));
                gs_set_error(error, G_KEY_FILE_ERROR_PARSE,
                             "Key file contains line “%s” which is not a key-value pair, group, or comment", v);
        }
        return FALSE;
}

gboolean g_key_file_load_from_data(GKeyFile *key_file, const char *data, gsize length, GKeyFileFlags flags,
                                   GError **error) {
        const char *p, *end;

        if (!key_file || (!data && length != 0))
                return FALSE;
        if (length == (gsize) -1)
                length = strlen(data);
        key_file_clear(key_file);
        key_file->keep_translations = !!(flags & G_KEY_FILE_KEEP_TRANSLATIONS);

        for (p = data, end = data + length; p < end;) {
                const char *nl = memchr(p, '\n', (size_t) (end - p));
                const char *eol = nl ? nl : end;
                g_autofree char *line = NULL;

                /* CR LF ends a line like LF */
                if (nl && eol > p && eol[-1] == '\r')
                        eol--;
                line = g_strndup(p, (size_t) (eol - p));
                if (!parse_line(key_file, line, error))
                        return FALSE;
                p = nl ? nl + 1 : end;
        }
        return TRUE;
}

char **g_key_file_get_groups(GKeyFile *key_file, gsize *length) {
        char **v = g_new0(char *, key_file->n_groups + 1);

        for (size_t i = 0; i < key_file->n_groups; i++)
                v[i] = g_strdup(key_file->groups[i].name);
        if (length)
                *length = key_file->n_groups;
        return v;
}

static Group *lookup_group(GKeyFile *kf, const char *group_name, GError **error) {
        Group *g = find_group(kf, group_name);

        if (!g)
                gs_set_error(error, G_KEY_FILE_ERROR_GROUP_NOT_FOUND, "Key file does not have group “%s”", group_name);
        return g;
}

char **g_key_file_get_keys(GKeyFile *key_file, const char *group_name, gsize *length, GError **error) {
        Group *g = lookup_group(key_file, group_name, error);
        char **v;

        if (!g) {
                if (length)
                        *length = 0;
                return NULL;
        }
        v = g_new0(char *, g->n_entries + 1);
        for (size_t i = 0; i < g->n_entries; i++)
                v[i] = g_strdup(g->entries[i].key);
        if (length)
                *length = g->n_entries;
        return v;
}

char *g_key_file_get_value(GKeyFile *key_file, const char *group_name, const char *key, GError **error) {
        Group *g = lookup_group(key_file, group_name, error);
        Entry *e;

        if (!g)
                return NULL;
        e = find_entry(g, key);
        if (!e) {
                gs_set_error(error, G_KEY_FILE_ERROR_KEY_NOT_FOUND, "Key file does not have key “%s” in group “%s”", key,
                             group_name);
                return NULL;
        }
        return g_strdup(e->value);
}
