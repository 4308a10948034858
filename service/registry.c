/* SPDX-License-Identifier: Apache-2.0 */
#include <glib.h>

#include "json.h"
#include "log.h"
#include "oci-types.h"
#include "reference.h"
#include "registry-auth.h"
#include "registry.h"

#define TOKEN_BODY_MAX (64 * 1024)
#define TOKEN_DEFAULT_TTL_S 60

struct Registry {
        sd_event *event;
        const Config *config;
        Http *http;
        GHashTable *tokens; /* "realm service scope user" -> Token */
};

typedef struct Token {
        char *value;
        uint64_t expires_usec;
} Token;

struct RegistryRepo {
        unsigned n_ref;
        Registry *registry;
        char *host, *domain, *path;
        char *base_url;   /* scheme://host/v2/path */
        char *bearer;     /* token for this repository */
        char *userpwd;    /* Basic credentials, when the repository asked for them */
};

/* A token request on behalf of a fetch (or a login). */
typedef struct TokenRequest {
        Registry *registry;
        char *key;
        char *realm;
        bool with_credentials;
        char *user;
        GString *body;
        void (*done)(void *userdata, int r, const char *token, const char *message);
        void *userdata;
        HttpRequest *req;
} TokenRequest;

struct RegistryFetch {
        RegistryRepo *repo;
        RegistryFetchKind kind;
        char *ref;
        char *what;       /* "manifest HOST/PATH:REF", "blob sha256:..." for messages */
        RegistryFetchOps ops;
        void *userdata;
        HttpRequest *req;
        TokenRequest *token_req;
        sd_event_source *retry_timer;
        unsigned attempt;
        bool authenticated; /* already retried after a 401 */
        bool started;       /* on_start was called at least once */
        bool paused;
        uint64_t delivered; /* bytes handed to the consumer */
        uint64_t skip;      /* bytes of this answer already delivered before */
        char *last_error;
};

static void token_free(gpointer p) {
        Token *t = p;
        free(t->value);
        free(t);
}

int registry_new(sd_event *event, const Config *config, Registry **ret) {
        Registry *r = calloc(1, sizeof *r);
        int k;

        if (!r)
                return -ENOMEM;
        r->event = sd_event_ref(event);
        r->config = config;
        r->tokens = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, token_free);
        k = http_new(event, config->max_downloads, &r->http);
        if (k < 0) {
                registry_free(r);
                return k;
        }
        *ret = r;
        return 0;
}

void registry_free(Registry *r) {
        if (!r)
                return;
        http_free(r->http);
        if (r->tokens)
                g_hash_table_destroy(r->tokens);
        sd_event_unref(r->event);
        free(r);
}

bool registry_host_plain_http(Registry *r, const char *host) {
        const RegistryConfig *rc = config_find_registry(r->config, host);

        if (rc && rc->insecure >= 0)
                return rc->insecure;
        return reference_host_is_loopback(host);
}

/* The certs.d directory for an https URL's host[:port], as podman looks for
 * it: the user's containers/certs.d, then /etc/containers/certs.d, then
 * /etc/docker/certs.d; the first that has the host wins. NULL: none (or
 * not https). */
char *registry_tls_dir(const char *url) {
        const char *p, *end;
        g_autofree char *host = NULL;
        const char *bases[] = { NULL, "/etc/containers/certs.d", "/etc/docker/certs.d" };
        g_autofree char *user = g_build_filename(g_get_user_config_dir(), "containers", "certs.d", NULL);

        if (!g_str_has_prefix(url, "https://"))
                return NULL;
        p = url + strlen("https://");
        end = p + strcspn(p, "/?#");
        host = g_strndup(p, (gsize) (end - p));
        if (isempty(host) || strchr(host, '@') || streq(host, ".") || streq(host, ".."))
                return NULL;
        bases[0] = user;
        for (size_t i = 0; i < G_N_ELEMENTS(bases); i++) {
                g_autofree char *d = g_build_filename(bases[i], host, NULL);
                if (g_file_test(d, G_FILE_TEST_IS_DIR))
                        return g_steal_pointer(&d);
        }
        return NULL;
}

int registry_endpoints(Registry *r, const char *domain, char ***ret) {
        const RegistryConfig *rc = config_find_registry(r->config, domain);
        char **l = NULL;

        for (char **m = rc ? rc->mirrors : NULL; m && *m; m++)
                if (strv_extend(&l, *m) < 0)
                        goto oom;
        if (strv_extend(&l, reference_api_host(domain)) < 0)
                goto oom;
        *ret = l;
        return 0;
oom:
        strv_free(l);
        return -ENOMEM;
}

int registry_repo_new(Registry *r, const char *host, const char *domain, const char *path, RegistryRepo **ret) {
        RegistryRepo *repo = calloc(1, sizeof *repo);

        if (!repo)
                return -ENOMEM;
        repo->n_ref = 1;
        repo->registry = r;
        repo->host = strdup(host);
        repo->domain = strdup(domain);
        repo->path = strdup(path);
        repo->base_url = g_strdup_printf("%s://%s/v2/%s", registry_host_plain_http(r, host) ? "http" : "https", host, path);
        if (!repo->host || !repo->domain || !repo->path) {
                registry_repo_unref(repo);
                return -ENOMEM;
        }
        *ret = repo;
        return 0;
}

RegistryRepo *registry_repo_ref(RegistryRepo *repo) {
        repo->n_ref++;
        return repo;
}

RegistryRepo *registry_repo_unref(RegistryRepo *repo) {
        if (!repo || --repo->n_ref > 0)
                return NULL;
        free(repo->host);
        free(repo->domain);
        free(repo->path);
        g_free(repo->base_url);
        free(repo->bearer);
        free(repo->userpwd);
        free(repo);
        return NULL;
}

const char *registry_repo_host(const RegistryRepo *repo) {
        return repo->host;
}

/* "CODE: message" from a registry's JSON error body, or NULL. */
static char *error_body_message(const char *body) {
        g_autoptr(json_t) root = NULL;
        json_t *e;

        if (!body)
                return NULL;
        root = rjson_parse(body, -1, NULL);
        e = json_array_get(rjson_get_array(root, "errors"), 0);
        if (!json_is_object(e))
                return NULL;
        return g_strdup_printf("%s: %s", rjson_get_string(e, "code") ?: "UNKNOWN", strempty(rjson_get_string(e, "message")));
}

/* --- tokens ------------------------------------------------------------------ */

static void token_request_free(TokenRequest *t) {
        if (!t)
                return;
        if (t->req)
                http_request_cancel(t->req);
        free(t->key);
        free(t->realm);
        free(t->user);
        if (t->body)
                g_string_free(t->body, TRUE);
        free(t);
}

static int token_on_data(HttpRequest *req, const void *p, size_t n, void *userdata) {
        TokenRequest *t = userdata;

        if (t->body->len + n > TOKEN_BODY_MAX)
                return -EFBIG;
        g_string_append_len(t->body, p, (gssize) n);
        return 0;
}

static void token_on_done(HttpRequest *req, int r, const char *message, const HttpResponse *resp, void *userdata) {
        TokenRequest *t = userdata;
        g_autoptr(json_t) o = NULL;
        g_autofree char *msg = NULL;
        const char *token = NULL;
        json_t *expires_in;
        int64_t ttl;

        t->req = NULL;
        if (r < 0) {
                msg = g_strdup_printf("cannot get a token from %s: %s", t->realm, message);
                t->done(t->userdata, r, NULL, msg);
                return;
        }
        if (resp->status == 401 || resp->status == 403) {
                g_autofree char *detail = error_body_message(resp->error_body);
                if (t->with_credentials)
                        msg = g_strdup_printf("the registry's token service %s refused the credentials of user %s%s%s%s",
                                              t->realm, t->user, detail ? " (" : "", strempty(detail), detail ? ")" : "");
                else
                        msg = g_strdup_printf("authentication required by %s%s%s%s", t->realm, detail ? " (" : "",
                                              strempty(detail), detail ? ")" : "");
                t->done(t->userdata, -EACCES, NULL, msg);
                return;
        }
        if (resp->status < 200 || resp->status >= 300) {
                msg = g_strdup_printf("the token service %s answered HTTP %ld", t->realm, resp->status);
                t->done(t->userdata, -EIO, NULL, msg);
                return;
        }
        o = rjson_parse(t->body->str, (ssize_t) t->body->len, NULL);
        if (!json_is_object(o)) {
                msg = g_strdup_printf("the token service %s sent something that is not JSON", t->realm);
                t->done(t->userdata, -EBADMSG, NULL, msg);
                return;
        }
        token = rjson_get_string(o, "token");
        if (isempty(token))
                token = rjson_get_string(o, "access_token");
        if (isempty(token)) {
                msg = g_strdup_printf("the token service %s sent no token", t->realm);
                t->done(t->userdata, -EBADMSG, NULL, msg);
                return;
        }
        /* a float (3600.0) counts by its whole part */
        expires_in = json_object_get(o, "expires_in");
        if (json_is_real(expires_in) && json_real_value(expires_in) > 0 && json_real_value(expires_in) < (double) INT64_MAX)
                ttl = (int64_t) json_real_value(expires_in);
        else
                ttl = rjson_get_int_or(o, "expires_in", TOKEN_DEFAULT_TTL_S);
        if (ttl <= 0)
                ttl = TOKEN_DEFAULT_TTL_S;
        {
                Token *tok = calloc(1, sizeof *tok);
                uint64_t now = 0;
                sd_event_now(t->registry->event, CLOCK_MONOTONIC, &now);
                if (tok) {
                        tok->value = strdup(token);
                        /* renew a little early */
                        tok->expires_usec = now + (uint64_t) MAX(ttl - 10, 5) * 1000000ULL;
                        g_hash_table_replace(t->registry->tokens, g_strdup(t->key), tok);
                }
        }
        t->done(t->userdata, 0, token, NULL);
}

/* Gets a Bearer token for the challenge, from the cache or the realm. Calls
 * done at once (synchronously) for a cached one, and returns 1 then. */
static int token_get(Registry *reg, const AuthChallenge *c, const char *scope, const char *domain, const char *path,
                     void (*done)(void *, int, const char *, const char *), void *userdata, TokenRequest **ret) {
        _cleanup_free_ char *user = NULL, *password = NULL;
        g_autofree char *key = NULL, *url = NULL, *userpwd = NULL;
        HttpCallbacks cb = { .on_data = token_on_data, .on_done = token_on_done };
        g_autoptr(GString) u = NULL;
        TokenRequest *t;
        Token *cached;
        uint64_t now = 0;
        int r;

        if (isempty(c->realm) || !(startswith(c->realm, "https://") || startswith(c->realm, "http://")))
                return -EPROTO;
        (void) auth_lookup(domain, path, &user, &password);
        key = g_strdup_printf("%s %s %s %s", c->realm, strempty(c->service), strempty(scope), strempty(user));
        cached = g_hash_table_lookup(reg->tokens, key);
        sd_event_now(reg->event, CLOCK_MONOTONIC, &now);
        if (cached && cached->expires_usec > now) {
                done(userdata, 0, cached->value, NULL);
                return 1;
        }
        u = g_string_new(c->realm);
        g_string_append_c(u, strchr(c->realm, '?') ? '&' : '?');
        if (c->service) {
                g_autofree char *e = g_uri_escape_string(c->service, NULL, FALSE);
                g_string_append_printf(u, "service=%s", e);
        }
        if (scope) {
                g_autofree char *e = g_uri_escape_string(scope, NULL, FALSE);
                g_string_append_printf(u, "%sscope=%s", c->service ? "&" : "", e);
        }
        t = calloc(1, sizeof *t);
        if (!t)
                return -ENOMEM;
        t->registry = reg;
        t->key = TAKE_PTR(key);
        t->realm = strdup(c->realm);
        t->body = g_string_new(NULL);
        t->done = done;
        t->userdata = userdata;
        t->with_credentials = user != NULL;
        t->user = user ? strdup(user) : NULL;
        if (user)
                userpwd = g_strdup_printf("%s:%s", user, password);
        g_autofree char *tls = registry_tls_dir(u->str);
        HttpRequestParams p = { .url = u->str, .userpwd = userpwd, .timeout_s = reg->config->registry_timeout, .tls_dir = tls };
        r = http_request_start(reg->http, &p, &cb, t, &t->req);
        if (r < 0) {
                token_request_free(t);
                return r;
        }
        *ret = t;
        return 0;
}

/* --- fetches ------------------------------------------------------------------ */

static int fetch_attempt(RegistryFetch *f);

static void fetch_free(RegistryFetch *f) {
        if (!f)
                return;
        if (f->req)
                http_request_cancel(f->req);
        token_request_free(f->token_req);
        sd_event_source_disable_unref(f->retry_timer);
        registry_repo_unref(f->repo);
        free(f->ref);
        g_free(f->what);
        g_free(f->last_error);
        free(f);
}

void registry_fetch_cancel(RegistryFetch *f) {
        fetch_free(f);
}

static void fetch_finish(RegistryFetch *f, int r, const char *message) {
        RegistryFetchOps ops = f->ops;
        void *ud = f->userdata;
        g_autofree char *m = g_strdup(message);

        fetch_free(f);
        ops.on_done(ud, r, m);
}

void registry_fetch_resume(RegistryFetch *f) {
        if (f->req && f->paused) {
                f->paused = false;
                http_request_resume(f->req);
        }
}

static int on_retry_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        RegistryFetch *f = userdata;
        int r;

        f->retry_timer = sd_event_source_disable_unref(f->retry_timer);
        r = fetch_attempt(f);
        if (r < 0)
                fetch_finish(f, r, "cannot start the request");
        return 0;
}

/* Schedules the next attempt, or fails with why when none are left. */
static void fetch_retry(RegistryFetch *f, int r, const char *why, int retry_after_s) {
        uint64_t delay_ms, now = 0;
        int k;

        g_free(f->last_error);
        f->last_error = g_strdup(why);
        if (f->attempt >= REGISTRY_ATTEMPTS_MAX) {
                g_autofree char *m = g_strdup_printf("%s: %s (gave up after %u attempts)", f->what, why, f->attempt);
                fetch_finish(f, r, m);
                return;
        }
        /* 0.5 s, 1 s, 2 s ... with up to 25% jitter; Retry-After wins */
        delay_ms = 500ULL << (f->attempt - 1);
        delay_ms += (uint64_t) g_random_int_range(0, (gint32) (delay_ms / 4 + 1));
        if (retry_after_s >= 0)
                delay_ms = (uint64_t) MIN(retry_after_s, REGISTRY_RETRY_AFTER_MAX_S) * 1000;
        log_info("%s: %s; retrying in %.1f s (attempt %u of %u).", f->what, why, delay_ms / 1000.0, f->attempt + 1,
                 REGISTRY_ATTEMPTS_MAX);
        if (f->ops.on_retry)
                f->ops.on_retry(f->userdata, f->attempt + 1, why);
        sd_event_now(f->repo->registry->event, CLOCK_MONOTONIC, &now);
        k = sd_event_add_time(f->repo->registry->event, &f->retry_timer, CLOCK_MONOTONIC, now + delay_ms * 1000, 10000,
                              on_retry_timer, f);
        if (k < 0)
                fetch_finish(f, k, "cannot schedule a retry");
}

static int fetch_on_headers(HttpRequest *req, const HttpResponse *resp, void *userdata) {
        RegistryFetch *f = userdata;
        bool restart;

        if (resp->status < 200 || resp->status >= 300)
                return 0;
        f->skip = 0;
        restart = false;
        if (f->delivered > 0) {
                if (f->kind == REGISTRY_BLOB && resp->status == 206)
                        f->skip = 0;
                else if (f->kind == REGISTRY_BLOB)
                        f->skip = f->delivered; /* a whole answer again: drop what we have */
                else {
                        f->delivered = 0;
                        restart = true;
                }
        }
        f->started = true;
        return f->ops.on_start ? f->ops.on_start(f->userdata, resp, restart) : 0;
}

static int fetch_on_data(HttpRequest *req, const void *p, size_t n, void *userdata) {
        RegistryFetch *f = userdata;
        size_t take = (size_t) MIN((uint64_t) n, f->skip);
        int r;

        if (take == n) {
                f->skip -= take;
                return 0;
        }
        r = f->ops.on_data(f->userdata, (const char *) p + take, n - take);
        if (r == -EAGAIN) {
                f->paused = true;
                return r;
        }
        if (r < 0)
                return r;
        f->skip -= take;
        f->delivered += n - take;
        return 0;
}

static void fetch_on_token(void *userdata, int r, const char *token, const char *message) {
        RegistryFetch *f = userdata;

        f->token_req = NULL;
        if (r < 0) {
                g_autofree char *m = g_strdup_printf("%s: %s", f->what, message);
                fetch_finish(f, r, m);
                return;
        }
        free(f->repo->bearer);
        f->repo->bearer = strdup(token);
        r = fetch_attempt(f);
        if (r < 0)
                fetch_finish(f, r, "cannot start the request");
}

static void fetch_authenticate(RegistryFetch *f, const HttpResponse *resp) {
        AuthChallenge c = {};
        g_autofree char *scope = NULL;
        int r;

        if (f->authenticated || !resp->www_authenticate || auth_challenge_parse(resp->www_authenticate, &c) < 0) {
                _cleanup_free_ char *user = NULL, *password = NULL;
                g_autofree char *detail = error_body_message(resp->error_body);
                g_autofree char *m = NULL;
                bool have = auth_lookup(f->repo->domain, f->repo->path, &user, &password) >= 0;
                if (have)
                        m = g_strdup_printf("%s: access denied to %s/%s for user %s (HTTP %ld%s%s): the credentials "
                                            "are wrong or lack pull access; log in again with 'roost login %s'",
                                            f->what, f->repo->host, f->repo->path, user, resp->status, detail ? ", " : "",
                                            strempty(detail), f->repo->domain);
                else
                        m = g_strdup_printf("%s: access denied to %s/%s (HTTP %ld%s%s): the repository does not exist "
                                            "or needs authentication ('roost login %s')", f->what, f->repo->host,
                                            f->repo->path, resp->status, detail ? ", " : "", strempty(detail),
                                            f->repo->domain);
                auth_challenge_done(&c);
                fetch_finish(f, -EACCES, m);
                return;
        }
        f->authenticated = true;
        f->attempt--; /* following a challenge is not a failed attempt */
        if (streq(c.scheme, "basic")) {
                _cleanup_free_ char *user = NULL, *password = NULL;
                auth_challenge_done(&c);
                if (auth_lookup(f->repo->domain, f->repo->path, &user, &password) < 0) {
                        g_autofree char *m = g_strdup_printf("%s: %s/%s needs a user name and password: log in with "
                                                             "'roost login %s'", f->what, f->repo->host, f->repo->path,
                                                             f->repo->domain);
                        fetch_finish(f, -EACCES, m);
                        return;
                }
                free(f->repo->userpwd);
                f->repo->userpwd = g_strdup_printf("%s:%s", user, password);
                r = fetch_attempt(f);
                if (r < 0)
                        fetch_finish(f, r, "cannot start the request");
                return;
        }
        if (!streq(c.scheme, "bearer")) {
                g_autofree char *m = g_strdup_printf("%s: the registry asks for %s authentication, which roost does not "
                                                     "speak (Bearer and Basic are supported)", f->what, c.scheme);
                auth_challenge_done(&c);
                fetch_finish(f, -EACCES, m);
                return;
        }
        scope = c.scope ? g_strdup(c.scope) : g_strdup_printf("repository:%s:pull", f->repo->path);
        r = token_get(f->repo->registry, &c, scope, f->repo->domain, f->repo->path, fetch_on_token, f, &f->token_req);
        auth_challenge_done(&c);
        if (r == -EPROTO) {
                g_autofree char *m = g_strdup_printf("%s: the registry's Bearer challenge has no usable realm", f->what);
                fetch_finish(f, -EACCES, m);
        } else if (r < 0)
                fetch_finish(f, r, "cannot request a token");
        /* r == 1: fetch_on_token already ran with a cached token */
}

static void fetch_on_done(HttpRequest *req, int r, const char *message, const HttpResponse *resp, void *userdata) {
        RegistryFetch *f = userdata;
        g_autofree char *why = NULL, *detail = NULL;

        f->req = NULL;
        f->paused = false;
        if (r == -ECANCELED || r == -EFBIG || (r < 0 && r != -ETIMEDOUT && r != -EPIPE && r != -ECONNRESET &&
                                               r != -ECONNREFUSED && r != -EHOSTUNREACH && r != -EPROTO)) {
                /* the consumer aborted: it knows why */
                g_autofree char *m = g_strdup_printf("%s: %s", f->what, strna(message));
                fetch_finish(f, r, m);
                return;
        }
        if (r == -ETIMEDOUT) {
                why = g_strdup_printf("no data from %s for %u s", f->repo->host, f->repo->registry->config->registry_timeout);
                fetch_retry(f, r, why, -1);
                return;
        }
        if (r == -EPIPE) {
                why = g_strdup_printf("the connection to %s closed before the end of the data (%s)", f->repo->host, message);
                fetch_retry(f, r, why, -1);
                return;
        }
        if (r == -EPROTO && resp && resp->tls_unverified) {
                g_autofree char *m = g_strdup_printf("%s: cannot verify the TLS certificate of %s: %s (if it is signed by a CA "
                                                     "of your own, put that CA in %s/containers/certs.d/%s/ca.crt or "
                                                     "/etc/containers/certs.d/%s/ca.crt)",
                                                     f->what, f->repo->host, message, g_get_user_config_dir(),
                                                     f->repo->host, f->repo->host);
                fetch_finish(f, r, m);
                return;
        }
        if (r == -EHOSTUNREACH || r == -EPROTO) {
                g_autofree char *m = g_strdup_printf("%s: cannot reach %s: %s%s", f->what, f->repo->host, message,
                                                     r == -EPROTO && !registry_host_plain_http(f->repo->registry, f->repo->host)
                                                             ? " (for a registry without TLS, set Insecure=yes in its "
                                                               "[Registry HOST] section of roost.conf)" : "");
                fetch_finish(f, r, m);
                return;
        }
        if (r < 0) {
                why = g_strdup_printf("cannot talk to %s: %s", f->repo->host, message);
                fetch_retry(f, r, why, -1);
                return;
        }
        if (resp->status >= 200 && resp->status < 300) {
                fetch_finish(f, 0, NULL);
                return;
        }
        detail = error_body_message(resp->error_body);
        if (resp->status == 401) {
                fetch_authenticate(f, resp);
                return;
        }
        if (resp->status == 429 || resp->status >= 500) {
                why = g_strdup_printf("%s answered HTTP %ld%s%s%s", f->repo->host, resp->status,
                                      resp->status == 429 ? " (too many requests)" : "", detail ? ": " : "", strempty(detail));
                fetch_retry(f, resp->status == 429 ? -EBUSY : -EIO, why, resp->status == 429 ? resp->retry_after : -1);
                return;
        }
        if (resp->status == 404) {
                g_autofree char *m = g_strdup_printf("%s: not found on %s (HTTP 404%s%s)", f->what, f->repo->host,
                                                     detail ? ", " : "", strempty(detail));
                fetch_finish(f, -ENOENT, m);
                return;
        }
        if (resp->status == 403) {
                g_autofree char *m = g_strdup_printf("%s: access denied by %s (HTTP 403%s%s)", f->what, f->repo->host,
                                                     detail ? ", " : "", strempty(detail));
                fetch_finish(f, -EACCES, m);
                return;
        }
        {
                g_autofree char *m = g_strdup_printf("%s: %s answered HTTP %ld%s%s", f->what, f->repo->host, resp->status,
                                                     detail ? ": " : "", strempty(detail));
                fetch_finish(f, -EIO, m);
        }
}

static int fetch_attempt(RegistryFetch *f) {
        HttpCallbacks cb = { .on_headers = fetch_on_headers, .on_data = fetch_on_data, .on_done = fetch_on_done };
        g_autofree char *url = g_strdup_printf("%s/%s/%s", f->repo->base_url,
                                               f->kind == REGISTRY_MANIFEST ? "manifests" : "blobs", f->ref);
        g_autofree char *auth = f->repo->bearer ? g_strdup_printf("Authorization: Bearer %s", f->repo->bearer) : NULL;
        char *headers[3] = {};
        size_t n = 0;

        if (f->kind == REGISTRY_MANIFEST)
                headers[n++] = (char *) "Accept: " OCI_ACCEPT_MANIFESTS;
        if (auth)
                headers[n++] = auth;
        g_autofree char *tls = registry_tls_dir(url);
        HttpRequestParams p = {
                .url = url,
                .tls_dir = tls,
                .headers = headers,
                .userpwd = f->repo->bearer ? NULL : f->repo->userpwd,
                .timeout_s = f->repo->registry->config->registry_timeout,
                .range_from = f->kind == REGISTRY_BLOB ? f->delivered : 0,
        };
        f->attempt++;
        return http_request_start(f->repo->registry->http, &p, &cb, f, &f->req);
}

int registry_fetch(RegistryRepo *repo, RegistryFetchKind kind, const char *ref, const RegistryFetchOps *ops,
                   void *userdata, RegistryFetch **ret) {
        RegistryFetch *f = calloc(1, sizeof *f);
        int r;

        if (!f)
                return -ENOMEM;
        f->repo = registry_repo_ref(repo);
        f->kind = kind;
        f->ref = strdup(ref);
        f->ops = *ops;
        f->userdata = userdata;
        if (kind == REGISTRY_MANIFEST)
                f->what = g_strdup_printf("%s/%s%s%s", repo->domain, repo->path, startswith(ref, "sha256:") ? "@" : ":", ref);
        else
                f->what = g_strdup_printf("blob %s of %s/%s", ref, repo->domain, repo->path);
        if (!f->ref) {
                fetch_free(f);
                return -ENOMEM;
        }
        r = fetch_attempt(f);
        if (r < 0) {
                fetch_free(f);
                return r;
        }
        *ret = f;
        return 0;
}

/* --- login --------------------------------------------------------------------- */

typedef struct Login {
        Registry *registry;
        char *domain, *host, *user, *password, *url;
        RegistryLoginDone done;
        void *userdata;
        bool tried_basic;
        TokenRequest *token_req;
} Login;

static void login_free(Login *l) {
        free(l->domain);
        free(l->host);
        free(l->user);
        free(l->password);
        g_free(l->url);
        free(l);
}

static void login_finish(Login *l, int r, const char *message) {
        l->done(l->userdata, r, message);
        login_free(l);
}

static int login_ping(Login *l, bool basic);

static void login_on_token(void *userdata, int r, const char *token, const char *message) {
        Login *l = userdata;
        login_finish(l, r, message);
}

static void login_on_done(HttpRequest *req, int r, const char *message, const HttpResponse *resp, void *userdata) {
        Login *l = userdata;
        AuthChallenge c = {};
        g_autofree char *m = NULL;

        if (r < 0) {
                m = g_strdup_printf("cannot reach %s: %s", l->host, message);
                login_finish(l, r, m);
                return;
        }
        if (resp->status >= 200 && resp->status < 300) {
                login_finish(l, 0, NULL);
                return;
        }
        if (resp->status != 401 || !resp->www_authenticate || auth_challenge_parse(resp->www_authenticate, &c) < 0) {
                m = g_strdup_printf("%s answered HTTP %ld to /v2/: is it a container registry?", l->host, resp->status);
                login_finish(l, -EIO, m);
                return;
        }
        if (streq(c.scheme, "basic")) {
                auth_challenge_done(&c);
                if (l->tried_basic) {
                        m = g_strdup_printf("%s refused the user name or password of %s (HTTP 401)", l->host, l->user);
                        login_finish(l, -EACCES, m);
                        return;
                }
                l->tried_basic = true;
                r = login_ping(l, true);
                if (r < 0)
                        login_finish(l, r, "cannot start the request");
                return;
        }
        if (streq(c.scheme, "bearer")) {
                /* The token service checks the password: ask it with the
                 * credentials given, bypassing the cache and stored ones. */
                Registry *reg = l->registry;
                g_autofree char *userpwd = g_strdup_printf("%s:%s", l->user, l->password);
                g_autoptr(GString) u = g_string_new(c.realm);
                TokenRequest *t;
                HttpCallbacks cb = { .on_data = token_on_data, .on_done = token_on_done };

                if (isempty(c.realm)) {
                        auth_challenge_done(&c);
                        login_finish(l, -EPROTO, "the registry's Bearer challenge has no realm");
                        return;
                }
                if (c.service) {
                        g_autofree char *e = g_uri_escape_string(c.service, NULL, FALSE);
                        g_string_append_printf(u, "%cservice=%s", strchr(c.realm, '?') ? '&' : '?', e);
                }
                t = calloc(1, sizeof *t);
                if (!t) {
                        auth_challenge_done(&c);
                        login_finish(l, -ENOMEM, "out of memory");
                        return;
                }
                t->registry = reg;
                t->key = g_strdup_printf("login %s %s", c.realm, l->user);
                t->realm = strdup(c.realm);
                t->body = g_string_new(NULL);
                t->with_credentials = true;
                t->user = strdup(l->user);
                t->done = login_on_token;
                t->userdata = l;
                auth_challenge_done(&c);
                g_autofree char *tls = registry_tls_dir(u->str);
                HttpRequestParams p = { .url = u->str, .userpwd = userpwd, .timeout_s = reg->config->registry_timeout,
                                        .tls_dir = tls };
                r = http_request_start(reg->http, &p, &cb, t, &t->req);
                if (r < 0) {
                        token_request_free(t);
                        login_finish(l, r, "cannot start the request");
                }
                return;
        }
        m = g_strdup_printf("%s asks for %s authentication, which roost does not speak", l->host, c.scheme);
        auth_challenge_done(&c);
        login_finish(l, -EACCES, m);
}

static int login_ping(Login *l, bool basic) {
        HttpCallbacks cb = { .on_done = login_on_done };
        g_autofree char *userpwd = basic ? g_strdup_printf("%s:%s", l->user, l->password) : NULL;
        g_autofree char *tls = registry_tls_dir(l->url);
        HttpRequestParams p = { .url = l->url, .userpwd = userpwd, .timeout_s = l->registry->config->registry_timeout,
                                .tls_dir = tls };
        return http_request_start(l->registry->http, &p, &cb, l, NULL);
}

int registry_login(Registry *r, const char *domain, const char *user, const char *password, RegistryLoginDone done,
                   void *userdata) {
        Login *l = calloc(1, sizeof *l);
        int k;

        if (!l)
                return -ENOMEM;
        l->registry = r;
        l->domain = strdup(domain);
        l->host = strdup(reference_api_host(domain));
        l->user = strdup(user);
        l->password = strdup(password);
        l->done = done;
        l->userdata = userdata;
        if (!l->domain || !l->host || !l->user || !l->password) {
                login_free(l);
                return -ENOMEM;
        }
        l->url = g_strdup_printf("%s://%s/v2/", registry_host_plain_http(r, l->host) ? "http" : "https", l->host);
        k = login_ping(l, false);
        if (k < 0) {
                login_free(l);
                return k;
        }
        return 0;
}
