/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* docker's --detach-keys: a comma-separated sequence of keys, each a single
 * character or "ctrl-X" with X one of a-z, @, [, \, ], ^, _. The empty
 * string means no detach keys. */

#define DETACH_KEYS_DEFAULT "ctrl-p,ctrl-q"
#define DETACH_KEYS_MAX 16

typedef struct DetachKeys {
        uint8_t keys[DETACH_KEYS_MAX];
        size_t n;       /* 0: detaching by keys is off */
        size_t matched; /* how many keys of the sequence the input has matched so far */
} DetachKeys;

/* -EINVAL for an unknown key (the message in errbuf names it), -E2BIG for
 * more than DETACH_KEYS_MAX keys. */
int detach_keys_parse(const char *s, DetachKeys *ret, char *errbuf, size_t errlen);

/* Runs input through the matcher. Bytes that are not part of a detach
 * sequence are copied to out (which must hold len + DETACH_KEYS_MAX bytes):
 * bytes held back because they began a sequence are released when the
 * sequence breaks. Returns true when the sequence completed; *ret_out_len
 * then counts the bytes before it, and input after it is dropped. */
bool detach_keys_feed(DetachKeys *d, const uint8_t *in, size_t len, uint8_t *out, size_t *ret_out_len);
