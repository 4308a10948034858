/* SPDX-License-Identifier: Apache-2.0 */
#include "kv.h"
#include "macro.h"

static bool kv_key_valid(const char *k, size_t n) {
        if (n == 0 || n > KV_KEY_MAX)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
                        return false;
        return true;
}

int kv_parse(char *text, KvFunc fn, void *userdata, unsigned *ret_bad_line) {
        unsigned line = 0;

        for (char *p = text; p && *p;) {
                char *nl = strchr(p, '\n'), *eq;
                size_t len;
                int r;

                line++;
                if (nl)
                        *nl = 0;
                len = strlen(p);
                if (len > 0 && p[len - 1] == '\r')
                        p[--len] = 0;
                if (len > 0 && p[0] != '#') {
                        eq = strchr(p, '=');
                        if (!eq || !kv_key_valid(p, (size_t) (eq - p))) {
                                if (ret_bad_line)
                                        *ret_bad_line = line;
                                return -EBADMSG;
                        }
                        *eq = 0;
                        r = fn(p, eq + 1, line, userdata);
                        if (r < 0)
                                return r;
                }
                p = nl ? nl + 1 : NULL;
        }
        return 0;
}

int kv_get(const char *text, const char *key, char **ret) {
        size_t klen = strlen(key);
        const char *found = NULL;
        size_t flen = 0;

        for (const char *p = text; p && *p;) {
                const char *nl = strchrnul(p, '\n');
                if ((size_t) (nl - p) > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
                        found = p + klen + 1;
                        flen = (size_t) (nl - found);
                        if (flen > 0 && found[flen - 1] == '\r')
                                flen--;
                }
                p = *nl ? nl + 1 : NULL;
        }
        if (!found)
                return -ENOENT;
        *ret = strndup(found, flen);
        return *ret ? 0 : -ENOMEM;
}

int kv_parse_bool(const char *v, bool *ret) {
        if (streq(v, "true") || streq(v, "yes") || streq(v, "1") || streq(v, "on"))
                *ret = true;
        else if (streq(v, "false") || streq(v, "no") || streq(v, "0") || streq(v, "off"))
                *ret = false;
        else
                return -EINVAL;
        return 0;
}

int kv_parse_uint64(const char *v, uint64_t max, uint64_t *ret) {
        uint64_t x = 0;

        if (!*v)
                return -EINVAL;
        for (const char *p = v; *p; p++) {
                if (*p < '0' || *p > '9')
                        return -EINVAL;
                if (x > (UINT64_MAX - (uint64_t) (*p - '0')) / 10)
                        return -ERANGE;
                x = x * 10 + (uint64_t) (*p - '0');
        }
        if (x > max)
                return -ERANGE;
        *ret = x;
        return 0;
}

int kv_parse_size(const char *v, uint64_t *ret) {
        char num[32];
        size_t n = strlen(v);
        unsigned shift = 0;
        uint64_t x;
        int r;

        if (n == 0 || n >= sizeof num)
                return -EINVAL;
        memcpy(num, v, n + 1);
        switch (num[n - 1]) {
        case 'k': case 'K': shift = 10; break;
        case 'm': case 'M': shift = 20; break;
        case 'g': case 'G': shift = 30; break;
        }
        if (shift)
                num[n - 1] = 0;
        r = kv_parse_uint64(num, UINT64_MAX >> shift, &x);
        if (r < 0)
                return r;
        *ret = x << shift;
        return 0;
}

char *kv_sanitize_value(char *buf, size_t n, const char *s) {
        size_t i = 0;

        if (n == 0)
                return buf;
        for (; s && s[i] && i + 1 < n; i++)
                buf[i] = (unsigned char) s[i] < ' ' || s[i] == 0x7f ? ' ' : s[i];
        buf[i] = 0;
        return buf;
}
