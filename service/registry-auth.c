/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <fcntl.h>
#include <glib.h>
#include "json.h"
#include <sys/stat.h>

#include "fileio.h"
#include "paths.h"
#include "reference.h"
#include "registry-auth.h"

#define AUTH_FILE_MAX (1024 * 1024)

void auth_challenge_done(AuthChallenge *c) {
        free(c->scheme);
        free(c->realm);
        free(c->service);
        free(c->scope);
        *c = (AuthChallenge) {};
}

/* scheme SP param=value, param="quoted, \"escaped\"", ... */
int auth_challenge_parse(const char *h, AuthChallenge *ret) {
        AuthChallenge c = {};
        const char *p = h;
        size_t n;

        while (*p == ' ')
                p++;
        n = strcspn(p, " ,");
        if (n == 0)
                return -EINVAL;
        c.scheme = g_ascii_strdown(p, (gssize) n);
        p += n;
        while (*p) {
                g_autoptr(GString) value = g_string_new(NULL);
                g_autofree char *key = NULL;
                const char *k;

                while (*p == ' ' || *p == ',')
                        p++;
                if (!*p)
                        break;
                k = p;
                while (*p && *p != '=' && *p != ' ' && *p != ',')
                        p++;
                if (*p != '=') {
                        /* a token68 or the next challenge: stop here */
                        break;
                }
                key = g_ascii_strdown(k, p - k);
                p++;
                if (*p == '"') {
                        p++;
                        while (*p && *p != '"') {
                                if (*p == '\\' && p[1])
                                        p++;
                                g_string_append_c(value, *p++);
                        }
                        if (*p != '"') {
                                auth_challenge_done(&c);
                                return -EINVAL;
                        }
                        p++;
                } else {
                        while (*p && *p != ',' && *p != ' ')
                                g_string_append_c(value, *p++);
                }
                if (streq(key, "realm"))
                        g_free(c.realm), c.realm = g_strdup(value->str);
                else if (streq(key, "service"))
                        g_free(c.service), c.service = g_strdup(value->str);
                else if (streq(key, "scope"))
                        g_free(c.scope), c.scope = g_strdup(value->str);
        }
        *ret = c;
        return 0;
}

int auth_file_runtime_path(char **ret) {
        const char *e = getenv("XDG_RUNTIME_DIR");

        if (isempty(e) || e[0] != '/')
                return -ENXIO;
        *ret = strjoin(e, "/containers/auth.json");
        return *ret ? 0 : -ENOMEM;
}

int auth_file_docker_path(char **ret) {
        const char *e = getenv("DOCKER_CONFIG");
        _cleanup_free_ char *home = NULL;
        int r;

        if (!isempty(e)) {
                *ret = strjoin(e, "/config.json");
                return *ret ? 0 : -ENOMEM;
        }
        r = roost_home_dir(&home);
        if (r < 0)
                return r;
        *ret = strjoin(home, "/.docker/config.json");
        return *ret ? 0 : -ENOMEM;
}

char *auth_key_normalize(const char *key) {
        const char *k = startswith(key, "https://") ?: startswith(key, "http://") ?: key;
        g_autofree char *s = g_strdup(k);
        size_t n;

        n = strlen(s);
        while (n > 0 && s[n - 1] == '/')
                s[--n] = 0;
        if (g_str_has_suffix(s, "/v1") || g_str_has_suffix(s, "/v2"))
                s[n - 3] = 0;
        if (streq(s, "index.docker.io") || streq(s, "registry-1.docker.io") || streq(s, REFERENCE_DEFAULT_DOMAIN))
                return strdup(REFERENCE_DEFAULT_DOMAIN);
        return strdup(s);
}

static json_t *load_json(const char *path, int *ret_error) {
        _cleanup_free_ char *text = NULL;
        g_autoptr(json_t) root = NULL;
        size_t n;
        int r;

        r = read_full_file(path, AUTH_FILE_MAX, &text, &n);
        if (r < 0) {
                *ret_error = r;
                return NULL;
        }
        if (n == 0 || !(root = rjson_parse(text, (ssize_t) n, NULL)) || !json_is_object(root)) {
                *ret_error = -EBADMSG;
                return NULL;
        }
        return g_steal_pointer(&root);
}

static int decode_auth(const json_t *entry, char **ret_user, char **ret_password) {
        const char *b64 = rjson_get_string(entry, "auth");
        g_autofree guchar *raw = NULL;
        gsize len;
        char *colon;
        g_autofree char *s = NULL;

        if (isempty(b64))
                return -ENOENT;
        raw = g_base64_decode(b64, &len);
        if (!raw)
                return -EBADMSG;
        s = g_strndup((char *) raw, len);
        colon = strchr(s, ':');
        if (!colon)
                return -EBADMSG;
        *colon = 0;
        *ret_user = strdup(s);
        *ret_password = strdup(colon + 1);
        if (!*ret_user || !*ret_password)
                return -ENOMEM;
        return 0;
}

int auth_file_lookup(const char *path, const char *domain, const char *repo, char **ret_user, char **ret_password) {
        g_autoptr(json_t) root = NULL;
        g_autofree char *want = auth_key_normalize(domain);
        g_autofree char *full = g_strdup_printf("%s/%s", want, strempty(repo));
        json_t *auths, *v, *best = NULL;
        const char *key;
        size_t best_len = 0;
        int err = 0;

        root = load_json(path, &err);
        if (!root)
                return err == -EBADMSG ? -ENOENT : err;
        auths = rjson_get_object(root, "auths");
        if (!auths)
                return -ENOENT;
        /* members come in file order: of equally long matches the last wins */
        json_object_foreach(auths, key, v) {
                g_autofree char *k = auth_key_normalize(key);
                size_t kl = strlen(k);
                bool match = streq(k, want) || (repo && strncmp(full, k, kl) == 0 && full[kl] == '/');
                if (!match || !json_is_object(v) || kl < best_len)
                        continue;
                best = v;
                best_len = kl;
        }
        if (!best)
                return -ENOENT;
        return decode_auth(best, ret_user, ret_password);
}

int auth_lookup(const char *domain, const char *repo, char **ret_user, char **ret_password) {
        _cleanup_free_ char *p1 = NULL, *p2 = NULL;

        if (auth_file_runtime_path(&p1) >= 0 && auth_file_lookup(p1, domain, repo, ret_user, ret_password) >= 0)
                return 0;
        if (auth_file_docker_path(&p2) >= 0 && auth_file_lookup(p2, domain, repo, ret_user, ret_password) >= 0)
                return 0;
        return -ENOENT;
}

static int save_json(const char *path, const json_t *root) {
        g_autofree char *dir = g_path_get_dirname(path);
        g_autofree char *text = NULL;
        size_t n;
        int r;

        r = mkdir_p(dir, 0700);
        if (r < 0)
                return r;
        /* podman indents with a tab; jansson indents with spaces only */
        text = rjson_dump(root, true);
        if (!text)
                return -ENOMEM;
        n = strlen(text);
        text = g_realloc(text, n + 2);
        text[n++] = '\n';
        text[n] = 0;
        return write_file_atomic_at(AT_FDCWD, path, text, n, 0600);
}

static json_t *auths_of(json_t *root) {
        json_t *auths = rjson_get_object(root, "auths");

        if (!auths) {
                auths = rjson_object();
                /* borrowed from here on: root holds the reference */
                rjson_set(root, "auths", auths);
        }
        return auths;
}

/* Removes every key of auths that means domain. Returns how many. */
static unsigned remove_keys(json_t *auths, const char *domain) {
        g_autofree char *want = auth_key_normalize(domain);
        const char *key;
        json_t *v;
        void *tmp;
        unsigned n = 0;

        json_object_foreach_safe(auths, tmp, key, v) {
                g_autofree char *k = auth_key_normalize(key);
                if (streq(k, want)) {
                        json_object_del(auths, key);
                        n++;
                }
        }
        return n;
}

int auth_file_store(const char *path, const char *domain, const char *user, const char *password) {
        g_autoptr(json_t) root = NULL;
        g_autofree char *pair = g_strdup_printf("%s:%s", user, password);
        g_autofree char *b64 = g_base64_encode((const guchar *) pair, strlen(pair));
        g_autofree char *key = auth_key_normalize(domain);
        json_t *auths, *entry;
        int err = 0;

        root = load_json(path, &err);
        if (!root) {
                if (err != -ENOENT && err != -EBADMSG)
                        return err;
                root = rjson_object();
        }
        auths = auths_of(root);
        (void) remove_keys(auths, domain);
        entry = rjson_object();
        rjson_set(entry, "auth", rjson_string(b64));
        rjson_set(auths, key, entry);
        return save_json(path, root);
}

int auth_file_remove(const char *path, const char *domain) {
        g_autoptr(json_t) root = NULL;
        int err = 0;

        root = load_json(path, &err);
        if (!root)
                return err == -EBADMSG ? -ENOENT : err;
        if (remove_keys(auths_of(root), domain) == 0)
                return -ENOENT;
        return save_json(path, root);
}
