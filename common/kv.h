/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "key=value" text, one pair a line: roost-shim's shim.conf, its state
 * files (state, exit) and the control payloads of its socket protocol.
 * Keys are [a-z0-9_]+; the value is everything after the first '=' up to
 * the end of the line (a trailing '\r' dropped), with no quoting, so values
 * never hold a newline. Blank lines and lines starting with '#' are
 * skipped. */

#define KV_KEY_MAX 64

/* Called for each pair; a negative return stops the parse and is returned. */
typedef int (*KvFunc)(const char *key, const char *value, unsigned line, void *userdata);

/* Parses text in place (it is modified). A line without '=' or with a bad
 * key fails with -EBADMSG and its number in *ret_bad_line (optional). */
int kv_parse(char *text, KvFunc fn, void *userdata, unsigned *ret_bad_line);

/* Finds key in text without changing it; returns a newly allocated value,
 * -ENOENT when absent. Later lines win. */
int kv_get(const char *text, const char *key, char **ret);

/* true/false, yes/no, 1/0, on/off. -EINVAL otherwise. */
int kv_parse_bool(const char *v, bool *ret);
/* A decimal number with no sign, no blanks, within max. -EINVAL/-ERANGE. */
int kv_parse_uint64(const char *v, uint64_t max, uint64_t *ret);
/* A byte size: a number with an optional k, m or g suffix (1024-based). */
int kv_parse_size(const char *v, uint64_t *ret);

/* Copies s into buf (of size n), turning newlines and other control
 * characters into blanks, so that it fits on one line as a value. */
char *kv_sanitize_value(char *buf, size_t n, const char *s);
