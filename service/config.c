/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <glib.h>
#include <limits.h>
#include <stdint.h>

#include "build-config.h"

#include "config.h"
#include "fileio.h"
#include "log.h"
#include "roost-names.h"

#define CONFIG_FILE_MAX (1024 * 1024)

typedef enum ConfigType {
        CONFIG_UINT,
        CONFIG_BOOL,
        CONFIG_ENUM,
        CONFIG_PATH,
} ConfigType;

typedef struct ConfigKey {
        const char *section;
        const char *key;
        ConfigType type;
        const char *def;
        const char *const *allowed; /* CONFIG_ENUM */
        unsigned min, max;          /* CONFIG_UINT */
        size_t offset;
} ConfigKey;

static const char *const runtimes[] = { "crun", "runc", NULL };
static const char *const drivers[] = { "auto", "overlayfs", "copy", NULL };
static const char *const levels[] = { "debug", "info", "warning", "error", NULL };
static const char *const booleans[] = { "yes", "no", "true", "false", "1", "0", "on", "off", NULL };

static const ConfigKey config_keys[] = {
        { "Roost", "ConfigVersion", CONFIG_UINT, "1", NULL, 1, CONFIG_VERSION_CURRENT, offsetof(Config, config_version) },
        { "Runtime", "Name", CONFIG_ENUM, ROOST_DEFAULT_RUNTIME, runtimes, 0, 0, offsetof(Config, runtime) },
        { "Runtime", "Path", CONFIG_PATH, "", NULL, 0, 0, offsetof(Config, runtime_path) },
        { "Storage", "Driver", CONFIG_ENUM, "auto", drivers, 0, 0, offsetof(Config, storage_driver) },
        { "Registry", "MaxConcurrentDownloads", CONFIG_UINT, "3", NULL, 1, 16, offsetof(Config, max_downloads) },
        { "Registry", "Timeout", CONFIG_UINT, "30", NULL, 1, 3600, offsetof(Config, registry_timeout) },
        { "ImageVerifiers", "Timeout", CONFIG_UINT, "10", NULL, 1, 600, offsetof(Config, verifier_timeout) },
        { "Network", "HostLoopback", CONFIG_BOOL, "no", NULL, 0, 0, offsetof(Config, host_loopback) },
        { "Network", "Bypass", CONFIG_BOOL, "yes", NULL, 0, 0, offsetof(Config, bypass) },
        { "Log", "Level", CONFIG_ENUM, "info", levels, 0, 0, offsetof(Config, log_level) },
};

#define REGISTRY_SECTION_PREFIX "Registry "

static bool registry_key_known(const char *key) {
        return streq(key, "Insecure") || streq(key, "Mirrors");
}

/* GKeyFile does not report line numbers, so find them ourselves. Returns the
 * 1-based line of "key=" in [section], or of "[section]" when key is NULL. */
static unsigned ini_find_line(const char *text, const char *section, const char *key) {
        unsigned line = 0;
        bool in_section = false;
        size_t klen = key ? strlen(key) : 0;

        for (const char *p = text; *p;) {
                const char *eol = strchrnul(p, '\n');
                const char *s = p;
                line++;
                while (s < eol && (*s == ' ' || *s == '\t'))
                        s++;
                if (*s == '[') {
                        const char *close = memchr(s, ']', (size_t) (eol - s));
                        in_section = close && (size_t) (close - s - 1) == strlen(section) &&
                                     strncmp(s + 1, section, strlen(section)) == 0;
                        if (in_section && !key)
                                return line;
                } else if (in_section && key && strncmp(s, key, klen) == 0) {
                        const char *q = s + klen;
                        while (q < eol && (*q == ' ' || *q == '\t'))
                                q++;
                        if (*q == '=')
                                return line;
                }
                p = *eol ? eol + 1 : eol;
        }
        return 0;
}

/* Reports the first line that is neither blank, comment, [section] nor
 * key=value, which GKeyFile would reject without saying where. */
static int ini_check_syntax(const char *path, const char *text) {
        unsigned line = 0;

        for (const char *p = text; *p;) {
                const char *eol = strchrnul(p, '\n');
                const char *s = p;
                line++;
                while (s < eol && (*s == ' ' || *s == '\t' || *s == '\r'))
                        s++;
                if (s < eol && *s != '#' && *s != ';') {
                        if (*s == '[') {
                                if (!memchr(s, ']', (size_t) (eol - s)))
                                        return log_error_errno(EINVAL, "%s:%u: section header without closing ']': %.*s",
                                                               path, line, (int) (eol - p), p);
                        } else if (!memchr(s, '=', (size_t) (eol - s)))
                                return log_error_errno(EINVAL, "%s:%u: expected Key=value, [Section] or a # comment, got: %.*s",
                                                       path, line, (int) (eol - p), p);
                }
                p = *eol ? eol + 1 : eol;
        }
        return 0;
}

static int parse_bool(const char *v) {
        if (!g_ascii_strcasecmp(v, "yes") || !g_ascii_strcasecmp(v, "true") || streq(v, "1") ||
            !g_ascii_strcasecmp(v, "on"))
                return 1;
        if (!g_ascii_strcasecmp(v, "no") || !g_ascii_strcasecmp(v, "false") || streq(v, "0") ||
            !g_ascii_strcasecmp(v, "off"))
                return 0;
        return -EINVAL;
}

static char *allowed_list(const char *const *allowed) {
        g_autoptr(GString) s = g_string_new(NULL);
        for (const char *const *a = allowed; *a; a++)
                g_string_append_printf(s, "%s%s", a == allowed ? "" : ", ", *a);
        return g_string_free(g_steal_pointer(&s), FALSE);
}

static int record_source(Config *c, const char *section, const char *key, const char *where) {
        g_autofree char *k = g_strdup_printf("%s.%s", section, key);
        /* replace an earlier source of the same key */
        for (size_t i = 0; c->sources && c->sources[i]; i += 2)
                if (streq(c->sources[i], k)) {
                        free(c->sources[i + 1]);
                        c->sources[i + 1] = strdup(where);
                        return c->sources[i + 1] ? 0 : -ENOMEM;
                }
        if (strv_extend(&c->sources, k) < 0 || strv_extend(&c->sources, where) < 0)
                return -ENOMEM;
        return 0;
}

static int config_set(Config *c, const ConfigKey *k, const char *value, const char *path, unsigned line) {
        void *field = (uint8_t *) c + k->offset;
        g_autofree char *where = path ? g_strdup_printf("%s:%u", path, line) : NULL;

        switch (k->type) {
        case CONFIG_UINT: {
                char *end;
                unsigned long v;
                errno = 0;
                v = strtoul(value, &end, 10);
                if (isempty(value) || *end || errno || value[0] == '-' || v < k->min || v > k->max)
                        return log_error_errno(EINVAL, "%s: %s=%s is not valid: allowed values are whole numbers from %u to %u.",
                                               strna(where), k->key, value, k->min, k->max);
                *(unsigned *) field = (unsigned) v;
                break;
        }
        case CONFIG_BOOL: {
                int b = parse_bool(value);
                if (b < 0) {
                        _cleanup_free_ char *a = allowed_list(booleans);
                        return log_error_errno(EINVAL, "%s: %s=%s is not valid: allowed values are %s.",
                                               strna(where), k->key, value, a);
                }
                *(bool *) field = b;
                break;
        }
        case CONFIG_ENUM:
                if (!g_strv_contains((const char *const *) k->allowed, value)) {
                        _cleanup_free_ char *a = allowed_list(k->allowed);
                        return log_error_errno(EINVAL, "%s: %s=%s is not valid: allowed values are %s.",
                                               strna(where), k->key, value, a);
                }
                _fallthrough_;
        case CONFIG_PATH:
                if (k->type == CONFIG_PATH && !isempty(value) && value[0] != '/')
                        return log_error_errno(EINVAL, "%s: %s=%s is not valid: an absolute path is required (or nothing).",
                                               strna(where), k->key, value);
                free(*(char **) field);
                *(char **) field = strdup(value);
                if (!*(char **) field)
                        return -ENOMEM;
                break;
        }
        return where ? record_source(c, k->section, k->key, where) : 0;
}

static RegistryConfig *config_registry(Config *c, const char *host) {
        RegistryConfig *n;

        for (size_t i = 0; i < c->n_registries; i++)
                if (streq(c->registries[i].host, host))
                        return &c->registries[i];
        n = realloc(c->registries, sizeof(RegistryConfig) * (c->n_registries + 1));
        if (!n)
                return NULL;
        c->registries = n;
        n = &c->registries[c->n_registries];
        *n = (RegistryConfig) { .host = strdup(host), .insecure = -1 };
        if (!n->host)
                return NULL;
        c->n_registries++;
        return n;
}

static int config_apply_registry(Config *c, GKeyFile *kf, const char *group, const char *path, const char *text) {
        const char *host = group + strlen(REGISTRY_SECTION_PREFIX);
        g_auto(GStrv) keys = g_key_file_get_keys(kf, group, NULL, NULL);
        RegistryConfig *rc;

        while (*host == ' ')
                host++;
        if (isempty(host) || strpbrk(host, "/ \t"))
                return log_error_errno(EINVAL, "%s:%u: [%s] must name a registry host, like [Registry 127.0.0.1:5000].",
                                       path, ini_find_line(text, group, NULL), group);
        rc = config_registry(c, host);
        if (!rc)
                return -ENOMEM;
        for (char **k = keys; k && *k; k++) {
                g_autofree char *v = g_key_file_get_value(kf, group, *k, NULL);
                unsigned line = ini_find_line(text, group, *k);
                if (!registry_key_known(*k)) {
                        log_warning("%s:%u: unknown key %s in [%s], ignoring (known: Insecure, Mirrors).", path, line, *k, group);
                        continue;
                }
                if (streq(*k, "Insecure")) {
                        int b = parse_bool(v);
                        if (b < 0)
                                return log_error_errno(EINVAL, "%s:%u: Insecure=%s is not valid: allowed values are yes, no.", path, line, v);
                        rc->insecure = b;
                } else {
                        g_auto(GStrv) m = g_strsplit_set(v, " ,", -1);
                        strv_free(rc->mirrors);
                        rc->mirrors = NULL;
                        for (char **i = m; *i; i++)
                                if (!isempty(*i) && strv_extend(&rc->mirrors, *i) < 0)
                                        return -ENOMEM;
                }
        }
        return 0;
}

static int config_apply_file(Config *c, const char *path) {
        _cleanup_free_ char *text = NULL;
        g_autoptr(GKeyFile) kf = g_key_file_new();
        g_autoptr(GError) err = NULL;
        g_auto(GStrv) groups = NULL;
        int r;

        r = read_full_file(path, CONFIG_FILE_MAX, &text, NULL);
        if (r == -ENOENT)
                return 0;
        if (r == -EFBIG)
                return log_error_errno(r, "%s is larger than 1 MiB; is it really a roost.conf?", path);
        if (r < 0)
                return log_error_errno(r, "Failed to read %s: %m", path);

        r = ini_check_syntax(path, text);
        if (r < 0)
                return r;
        if (!g_key_file_load_from_data(kf, text, (gsize) -1, G_KEY_FILE_NONE, &err))
                return log_error_errno(EINVAL, "%s: %s", path, err->message);

        r = strv_extend(&c->files, path);
        if (r < 0)
                return r;

        groups = g_key_file_get_groups(kf, NULL);
        for (char **g = groups; *g; g++) {
                g_auto(GStrv) keys = NULL;
                bool known_section = false;

                if (startswith(*g, REGISTRY_SECTION_PREFIX)) {
                        r = config_apply_registry(c, kf, *g, path, text);
                        if (r < 0)
                                return r;
                        continue;
                }
                for (size_t i = 0; i < ELEMENTSOF(config_keys); i++)
                        if (streq(config_keys[i].section, *g))
                                known_section = true;
                if (!known_section) {
                        log_warning("%s:%u: unknown section [%s], ignoring.", path, ini_find_line(text, *g, NULL), *g);
                        continue;
                }

                keys = g_key_file_get_keys(kf, *g, NULL, NULL);
                for (char **k = keys; keys && *k; k++) {
                        const ConfigKey *ck = NULL;
                        unsigned line = ini_find_line(text, *g, *k);
                        g_autofree char *v = NULL;

                        for (size_t i = 0; i < ELEMENTSOF(config_keys); i++)
                                if (streq(config_keys[i].section, *g) && streq(config_keys[i].key, *k))
                                        ck = &config_keys[i];
                        if (!ck) {
                                log_warning("%s:%u: unknown key %s in [%s], ignoring.", path, line, *k, *g);
                                continue;
                        }
                        v = g_key_file_get_value(kf, *g, *k, NULL);
                        g_strstrip(v);
                        if (ck->offset == offsetof(Config, config_version)) {
                                unsigned long ver = strtoul(v, NULL, 10);
                                if (ver > CONFIG_VERSION_CURRENT)
                                        return log_error_errno(EINVAL, "%s:%u: ConfigVersion=%s is newer than this roostd understands (%u): "
                                                               "upgrade roost, or write the file for version %u.",
                                                               path, line, v, CONFIG_VERSION_CURRENT, CONFIG_VERSION_CURRENT);
                        }
                        r = config_set(c, ck, v, path, line);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

/* Drop-ins from both directories: a user file replaces a system file of the
 * same name; the survivors are applied sorted by name. */
static int collect_dropins(const char *dir, GHashTable *by_name) {
        g_autofree char *d = g_build_filename(dir, ROOST_CONFIG_DROPIN_DIR, NULL);
        g_autoptr(GDir) gd = g_dir_open(d, 0, NULL);
        const char *name;

        if (!gd)
                return 0;
        while ((name = g_dir_read_name(gd))) {
                if (!g_str_has_suffix(name, ".conf") || name[0] == '.')
                        continue;
                g_hash_table_replace(by_name, g_strdup(name), g_build_filename(d, name, NULL));
        }
        return 0;
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(const char *const *) a, *(const char *const *) b);
}

int config_load(const char *system_dir, const char *user_dir, Config **ret) {
        _cleanup_config_ Config *c = calloc(1, sizeof(Config));
        g_autoptr(GHashTable) dropins = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        g_autofree gpointer *names = NULL;
        guint n_names = 0;
        const char *dirs[] = { system_dir, user_dir };
        int r;

        if (!c)
                return -ENOMEM;
        for (size_t i = 0; i < ELEMENTSOF(config_keys); i++) {
                r = config_set(c, &config_keys[i], config_keys[i].def, NULL, 0);
                if (r < 0)
                        return r;
        }

        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                g_autofree char *p = NULL;
                if (!dirs[i])
                        continue;
                p = g_build_filename(dirs[i], ROOST_CONFIG_FILE, NULL);
                r = config_apply_file(c, p);
                if (r < 0)
                        return r;
                collect_dropins(dirs[i], dropins);
        }

        names = g_hash_table_get_keys_as_array(dropins, &n_names);
        qsort(names, n_names, sizeof(gpointer), cmp_str);
        for (guint i = 0; i < n_names; i++) {
                r = config_apply_file(c, g_hash_table_lookup(dropins, names[i]));
                if (r < 0)
                        return r;
        }

        *ret = TAKE_PTR(c);
        return 0;
}

void config_free(Config *c) {
        if (!c)
                return;
        free(c->runtime);
        free(c->runtime_path);
        free(c->storage_driver);
        free(c->log_level);
        for (size_t i = 0; i < c->n_registries; i++) {
                free(c->registries[i].host);
                strv_free(c->registries[i].mirrors);
        }
        free(c->registries);
        strv_free(c->files);
        strv_free(c->sources);
        free(c);
}

const RegistryConfig *config_find_registry(const Config *c, const char *host) {
        for (size_t i = 0; i < c->n_registries; i++)
                if (streq(c->registries[i].host, host))
                        return &c->registries[i];
        return NULL;
}

static const char *config_source(const Config *c, const char *section, const char *key) {
        g_autofree char *k = g_strdup_printf("%s.%s", section, key);
        for (size_t i = 0; c->sources && c->sources[i]; i += 2)
                if (streq(c->sources[i], k))
                        return c->sources[i + 1];
        return NULL;
}

void config_print(const Config *c, FILE *f) {
        const char *section = NULL;

        fprintf(f, "# roostd configuration, merged from:\n");
        if (!c->files)
                fprintf(f, "#   (no files: built-in defaults)\n");
        for (char **i = c->files; i && *i; i++)
                fprintf(f, "#   %s\n", *i);

        for (size_t i = 0; i < ELEMENTSOF(config_keys); i++) {
                const ConfigKey *k = &config_keys[i];
                const void *field = (const uint8_t *) c + k->offset;
                const char *src = config_source(c, k->section, k->key);

                if (!section || !streq(section, k->section)) {
                        section = k->section;
                        fprintf(f, "\n[%s]\n", section);
                }
                switch (k->type) {
                case CONFIG_UINT:
                        fprintf(f, "%s=%u", k->key, *(const unsigned *) field);
                        break;
                case CONFIG_BOOL:
                        fprintf(f, "%s=%s", k->key, *(const bool *) field ? "yes" : "no");
                        break;
                default:
                        fprintf(f, "%s=%s", k->key, strempty(*(char *const *) field));
                }
                fprintf(f, "  # %s\n", src ?: "default");
        }
        for (size_t i = 0; i < c->n_registries; i++) {
                const RegistryConfig *rc = &c->registries[i];
                fprintf(f, "\n[" REGISTRY_SECTION_PREFIX "%s]\n", rc->host);
                if (rc->insecure >= 0)
                        fprintf(f, "Insecure=%s\n", rc->insecure ? "yes" : "no");
                if (rc->mirrors) {
                        g_autofree char *m = g_strjoinv(" ", rc->mirrors);
                        fprintf(f, "Mirrors=%s\n", m);
                }
        }
}
