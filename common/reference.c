/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>

#include "digest.h"
#include "macro.h"
#include "reference.h"

static int fail(char **ret_error, const char *fmt, ...) _printf_(2, 3);
static int fail(char **ret_error, const char *fmt, ...) {
        va_list ap;

        if (ret_error) {
                va_start(ap, fmt);
                if (vasprintf(ret_error, fmt, ap) < 0)
                        *ret_error = NULL;
                va_end(ap);
        }
        return -EINVAL;
}

void reference_done(Reference *r) {
        free(r->domain);
        free(r->path);
        free(r->tag);
        free(r->digest);
        *r = (Reference) {};
}

static bool is_alnum_lower(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* */
static bool path_component_valid(const char *s, size_t n) {
        size_t i = 0;

        if (n == 0 || !is_alnum_lower(s[0]) || !is_alnum_lower(s[n - 1]))
                return false;
        while (i < n) {
                if (is_alnum_lower(s[i])) {
                        i++;
                        continue;
                }
                if (s[i] == '.' || s[i] == '_') {
                        size_t run = 0;
                        char c = s[i];
                        while (i < n && s[i] == c)
                                i++, run++;
                        if (c == '.' && run > 1)
                                return false;
                        if (c == '_' && run > 2)
                                return false;
                } else if (s[i] == '-') {
                        while (i < n && s[i] == '-')
                                i++;
                } else
                        return false;
                if (i >= n || !is_alnum_lower(s[i]))
                        return false;
        }
        return true;
}

bool reference_tag_is_valid(const char *s) {
        size_t n = strlen(s);

        if (n == 0 || n > 128)
                return false;
        if (!(isalnum((unsigned char) s[0]) || s[0] == '_'))
                return false;
        for (size_t i = 1; i < n; i++)
                if (!(isalnum((unsigned char) s[i]) || s[i] == '_' || s[i] == '.' || s[i] == '-'))
                        return false;
        return true;
}

static bool domain_valid(const char *d) {
        const char *p = d, *port;

        if (*p == '[') {
                char buf[INET6_ADDRSTRLEN];
                struct in6_addr a;
                const char *close = strchr(p, ']');
                if (!close || (size_t) (close - p - 1) >= sizeof buf)
                        return false;
                memcpy(buf, p + 1, (size_t) (close - p - 1));
                buf[close - p - 1] = 0;
                if (inet_pton(AF_INET6, buf, &a) != 1)
                        return false;
                port = close + 1;
        } else {
                const char *end = strchrnul(p, ':');
                if (end == p)
                        return false;
                for (const char *c = p; c < end; c++)
                        if (!(isalnum((unsigned char) *c) || *c == '.' || *c == '-'))
                                return false;
                /* dot-separated labels, none empty, none starting or ending with '-' */
                for (const char *l = p; l < end;) {
                        const char *dot = memchr(l, '.', (size_t) (end - l));
                        const char *le = dot ?: end;
                        if (le == l || l[0] == '-' || le[-1] == '-')
                                return false;
                        l = dot ? dot + 1 : end;
                        if (dot && l == end)
                                return false;
                }
                port = end;
        }
        if (*port == 0)
                return true;
        if (*port != ':' || !port[1])
                return false;
        for (const char *c = port + 1; *c; c++)
                if (!isdigit((unsigned char) *c))
                        return false;
        return strlen(port + 1) <= 5;
}

int reference_parse(const char *s, Reference *ret, char **ret_error) {
        _cleanup_free_ char *copy = NULL, *domain = NULL, *path = NULL, *tag = NULL, *digest = NULL;
        char *at, *name, *slash, *colon, *lastslash;

        if (isempty(s))
                return fail(ret_error, "invalid reference format: the reference is empty");
        if (strlen(s) > 1024)
                return fail(ret_error, "invalid reference format: longer than 1024 bytes");
        for (const char *c = s; *c; c++)
                if ((unsigned char) *c <= ' ' || *c == 0x7f)
                        return fail(ret_error, "invalid reference format: \"%s\" contains white space or a control character", s);
        copy = strdup(s);
        if (!copy)
                return -ENOMEM;

        at = strchr(copy, '@');
        if (at) {
                *at = 0;
                if (!digest_is_valid(at + 1))
                        return fail(ret_error, "invalid reference format: \"%s\" is not a sha256 digest "
                                    "(expected sha256: and 64 lowercase hex digits)", at + 1);
                digest = strdup(at + 1);
                if (!digest)
                        return -ENOMEM;
        }
        name = copy;
        lastslash = strrchr(name, '/');
        colon = strrchr(name, ':');
        if (colon && (!lastslash || colon > lastslash)) {
                *colon = 0;
                if (!reference_tag_is_valid(colon + 1))
                        return fail(ret_error, "invalid reference format: \"%s\" is not a valid tag "
                                    "(letters, digits, _ . -, at most 128, not starting with . or -)", colon + 1);
                tag = strdup(colon + 1);
                if (!tag)
                        return -ENOMEM;
        }
        if (!*name)
                return fail(ret_error, "invalid reference format: \"%s\" has no repository name", s);

        /* The first component is a registry host when it looks like one:
         * it has a dot or a port, is localhost, or has upper case. */
        slash = strchr(name, '/');
        if (slash) {
                size_t n = (size_t) (slash - name);
                bool upper = false;
                for (size_t i = 0; i < n; i++)
                        upper = upper || isupper((unsigned char) name[i]);
                if (memchr(name, '.', n) || memchr(name, ':', n) || (n == 9 && strncmp(name, "localhost", 9) == 0) ||
                    upper || name[0] == '[') {
                        domain = strndup(name, n);
                        name = slash + 1;
                }
        }
        if (!domain)
                domain = strdup(REFERENCE_DEFAULT_DOMAIN);
        if (!domain)
                return -ENOMEM;
        if (!domain_valid(domain))
                return fail(ret_error, "invalid reference format: \"%s\" is not a valid registry host[:port]", domain);
        if (streq(domain, "index.docker.io")) {
                free(domain);
                domain = strdup(REFERENCE_DEFAULT_DOMAIN);
                if (!domain)
                        return -ENOMEM;
        }

        for (char *c = name; *c; c++)
                if (isupper((unsigned char) *c))
                        return fail(ret_error, "invalid reference format: repository name \"%s\" must be lowercase", name);
        for (const char *p = name;;) {
                const char *end = strchrnul(p, '/');
                if (!path_component_valid(p, (size_t) (end - p)))
                        return fail(ret_error, "invalid reference format: \"%s\" is not a valid repository name "
                                    "(lowercase letters, digits and separators . _ __ - between them, parts joined by /)", name);
                if (!*end)
                        break;
                p = end + 1;
        }
        if (streq(domain, REFERENCE_DEFAULT_DOMAIN) && !strchr(name, '/'))
                path = strjoin("library/", name);
        else
                path = strdup(name);
        if (!path)
                return -ENOMEM;
        if (strlen(domain) + 1 + strlen(path) > REFERENCE_NAME_MAX)
                return fail(ret_error, "invalid reference format: repository name must not be longer than %d characters",
                            REFERENCE_NAME_MAX);
        if (!tag && !digest && !(tag = strdup(REFERENCE_DEFAULT_TAG)))
                return -ENOMEM;

        *ret = (Reference) {
                .domain = TAKE_PTR(domain),
                .path = TAKE_PTR(path),
                .tag = TAKE_PTR(tag),
                .digest = TAKE_PTR(digest),
        };
        return 0;
}

char *reference_name(const Reference *r) {
        return strjoin(r->domain, "/", r->path);
}

char *reference_string(const Reference *r) {
        return strjoin(r->domain, "/", r->path, r->tag ? ":" : "", strempty(r->tag), r->digest ? "@" : "",
                       strempty(r->digest));
}

char *reference_familiar(const char *full) {
        const char *p = startswith(full, REFERENCE_DEFAULT_DOMAIN "/");

        if (!p)
                return strdup(full);
        return strdup(startswith(p, "library/") ?: p);
}

const char *reference_api_host(const char *domain) {
        return streq(domain, REFERENCE_DEFAULT_DOMAIN) ? REFERENCE_DOCKER_API_HOST : domain;
}

bool reference_host_is_loopback(const char *domain) {
        _cleanup_free_ char *host = NULL;
        struct in_addr a4;
        struct in6_addr a6;

        if (domain[0] == '[') {
                const char *close = strchr(domain, ']');
                if (!close)
                        return false;
                host = strndup(domain + 1, (size_t) (close - domain - 1));
                return host && inet_pton(AF_INET6, host, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
        }
        host = strndup(domain, strcspn(domain, ":"));
        if (!host)
                return false;
        if (streq(host, "localhost"))
                return true;
        if (inet_pton(AF_INET, host, &a4) == 1)
                return (ntohl(a4.s_addr) >> 24) == 127;
        return false;
}
