/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* JSON for every roost program, on jansson. roost used json-glib until
 * roostd's idle footprint was measured: json-glib brings GObject, GIO,
 * libmount, libblkid, libselinux and libffi into the daemon, about 1.3 MiB
 * of its resident memory (issue 3). jansson depends on libc alone.
 *
 * Values are jansson's json_t (reference counted; g_autoptr(json_t) drops
 * one). Reading uses the rjson_get_*() helpers below or jansson's own
 * accessors (json_array_get(), json_string_value(), ...), which all take
 * NULL and a value of the wrong type and answer NULL or 0. */

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC(json_t, json_decref)

/* Parses JSON text of any root type (len < 0: up to the NUL). NUL inside a
 * string, invalid UTF-8, trailing data and nesting deeper than 2048 are
 * errors. On failure returns NULL and sets *ret_error (when not NULL) to
 * "line L column C: what was wrong". */
json_t *rjson_parse(const char *text, ssize_t len, char **ret_error);

/* The text of a value: compact as json-glib printed it ({"a":1,"b":[2]}), or
 * pretty with two-space indentation. Free with free() or g_free(). */
char *rjson_dump(const json_t *v, bool pretty);

/* Members of an object (NULL when o is not an object, the member is
 * missing, or it has another type). */
const char *rjson_get_string(const json_t *o, const char *key);
json_t *rjson_get_object(const json_t *o, const char *key);
json_t *rjson_get_array(const json_t *o, const char *key);
/* true and *ret set when the member is an integer */
bool rjson_get_int(const json_t *o, const char *key, int64_t *ret);
int64_t rjson_get_int_or(const json_t *o, const char *key, int64_t def);
bool rjson_get_bool_or(const json_t *o, const char *key, bool def);

/* A string value (NULL: null). Text that is not UTF-8 has its bad bytes
 * replaced by U+FFFD: JSON cannot carry it. Never NULL (aborts on OOM, as
 * GLib does). */
json_t *rjson_string(const char *s);
/* o[key] = v, taking v's reference; the key made UTF-8 as above */
void rjson_set(json_t *o, const char *key, json_t *v);
/* v, a jansson constructor's result, never NULL: NULL there means out of
 * memory, where this aborts as GLib does */
json_t *rjson_must(json_t *v);
/* new empty containers, and appending v (its reference taken) to array a;
 * like rjson_string() they abort when out of memory rather than fail */
json_t *rjson_object(void);
json_t *rjson_array(void);
void rjson_append(json_t *a, json_t *v);

/* A builder in the manner of json-glib's JsonBuilder: begin/end objects and
 * arrays, name a member with rjson_key() and then add its value. */
typedef struct RJsonBuilder RJsonBuilder;
RJsonBuilder *rjson_builder_new(void);
void rjson_builder_free(RJsonBuilder *b);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(RJsonBuilder, rjson_builder_free)
void rjson_begin_object(RJsonBuilder *b);
void rjson_end_object(RJsonBuilder *b);
void rjson_begin_array(RJsonBuilder *b);
void rjson_end_array(RJsonBuilder *b);
void rjson_key(RJsonBuilder *b, const char *key);
void rjson_add_string(RJsonBuilder *b, const char *v);
void rjson_add_int(RJsonBuilder *b, int64_t v);
void rjson_add_bool(RJsonBuilder *b, bool v);
void rjson_add_null(RJsonBuilder *b);
/* a member at once: rjson_key() and then its value */
void rjson_member_string(RJsonBuilder *b, const char *key, const char *v);
void rjson_member_int(RJsonBuilder *b, const char *key, int64_t v);
void rjson_member_bool(RJsonBuilder *b, const char *key, bool v);
/* an array of the strings of v ([] when v is NULL); the member form puts
 * null for a NULL v */
void rjson_add_strv(RJsonBuilder *b, const char *const *v);
void rjson_member_strv(RJsonBuilder *b, const char *key, const char *const *v);
/* adds v, taking its reference */
void rjson_add_value(RJsonBuilder *b, json_t *v);
/* the finished value (a new reference), or NULL while an object or array is
 * still open */
json_t *rjson_builder_root(RJsonBuilder *b);
