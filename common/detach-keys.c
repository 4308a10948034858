/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>

#include "detach-keys.h"
#include "macro.h"

static int detach_key_code(const char *k, size_t len, uint8_t *ret) {
        if (len == 1) {
                *ret = (uint8_t) k[0];
                return 0;
        }
        if (len == 6 && strncmp(k, "ctrl-", 5) == 0) {
                char c = k[5];
                if (c >= 'A' && c <= 'Z')
                        c = (char) (c - 'A' + 'a');
                if (c >= 'a' && c <= 'z')
                        *ret = (uint8_t) (c - 'a' + 1);
                else if (c == '@' || c == '[' || c == '\\' || c == ']' || c == '^' || c == '_')
                        *ret = (uint8_t) (c - '@');
                else
                        return -EINVAL;
                return 0;
        }
        return -EINVAL;
}

int detach_keys_parse(const char *s, DetachKeys *ret, char *errbuf, size_t errlen) {
        DetachKeys d = {};

        if (!s)
                s = DETACH_KEYS_DEFAULT;
        for (const char *p = s; *p;) {
                const char *end = strchrnul(p, ',');
                size_t len = (size_t) (end - p);

                if (d.n >= DETACH_KEYS_MAX) {
                        if (errbuf)
                                snprintf(errbuf, errlen, "too many detach keys in \"%s\" (at most %d)", s, DETACH_KEYS_MAX);
                        return -E2BIG;
                }
                if (detach_key_code(p, len, &d.keys[d.n]) < 0) {
                        if (errbuf)
                                snprintf(errbuf, errlen,
                                         "unknown detach key \"%.*s\" in \"%s\": use single characters or ctrl-a..ctrl-z, ctrl-@, ctrl-[, ctrl-\\, ctrl-], ctrl-^, ctrl-_, separated by commas",
                                         (int) MIN(len, 32u), p, s);
                        return -EINVAL;
                }
                d.n++;
                if (!*end)
                        break;
                p = end + 1;
                if (!*p) { /* a trailing comma names no key */
                        if (errbuf)
                                snprintf(errbuf, errlen, "empty detach key at the end of \"%s\"", s);
                        return -EINVAL;
                }
        }
        *ret = d;
        return 0;
}

bool detach_keys_feed(DetachKeys *d, const uint8_t *in, size_t len, uint8_t *out, size_t *ret_out_len) {
        size_t o = 0;

        for (size_t i = 0; i < len; i++) {
                uint8_t b = in[i];

                if (d->n == 0) {
                        out[o++] = b;
                        continue;
                }
                if (b == d->keys[d->matched]) {
                        if (++d->matched == d->n) {
                                d->matched = 0;
                                *ret_out_len = o;
                                return true;
                        }
                        continue;
                }
                /* the sequence broke: release what was held, then look at
                 * this byte afresh as a possible start */
                memcpy(out + o, d->keys, d->matched);
                o += d->matched;
                d->matched = 0;
                if (b == d->keys[0]) {
                        if (d->n == 1) {
                                *ret_out_len = o;
                                return true;
                        }
                        d->matched = 1;
                } else
                        out[o++] = b;
        }
        *ret_out_len = o;
        return false;
}
