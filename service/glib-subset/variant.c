/* SPDX-License-Identifier: Apache-2.0 */
/* GVariant as a refcounted tree: a node has a definite type string and
 * either a scalar, a string, or children (arrays, maybes, tuples, dict
 * entries and variants, which have one child). Nothing is serialised;
 * g_variant_get_size() computes what GVariant's serialisation would take.
 * Text (print/parse) is in variant-text.c and uses only the API below. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "glib-subset.h"

/* GLib's limit on nesting of containers in type strings */
#define TYPE_MAX_DEPTH 128

#define BUILDER_MAGIC ((gsize) 0x62756c64u)
#define BUILDER_MAGIC_PARTIAL ((gsize) 2942751021u) /* G_VARIANT_BUILDER_INIT */
#define DICT_MAGIC ((gsize) 0x64696374u)
#define DICT_MAGIC_PARTIAL ((gsize) 3488698669u) /* G_VARIANT_DICT_INIT */
#define ITER_MAGIC ((gsize) 0x69746572u)

struct _GVariant {
        int ref_count;
        bool floating;
        char *type;
        union {
                guint64 u;
                gint64 i;
                double d;
                char *s;
        } v;
        GVariant **children;
        gsize n_children;
};

/* ---- type strings ---- */

static bool char_is_basic(char c) {
        return c && strchr("bynqiuxthdsog?", c);
}

/* the end of the complete (valid) type starting at t */
static const char *type_skip(const char *t) {
        while (*t == 'a' || *t == 'm')
                t++;
        if (*t == '(' || *t == '{') {
                char close = *t == '(' ? ')' : '}';
                t++;
                while (*t != close)
                        t = type_skip(t);
        }
        return t + 1;
}

static gsize type_len(const char *t) {
        return (gsize) (type_skip(t) - t);
}

/* validates one type at t (limit may be NULL); returns its end or NULL */
static const char *type_scan(const char *t, const char *limit, int depth) {
        char c;

        if (t == limit || !*t)
                return NULL;
        c = *t++;
        if (c && strchr("bynqiuxthdsogv?*r", c))
                return t;
        if (depth == 0)
                return NULL;
        switch (c) {
        case 'a':
        case 'm':
                return type_scan(t, limit, depth - 1);
        case '(':
                while (t != limit && *t != ')') {
                        t = type_scan(t, limit, depth - 1);
                        if (!t)
                                return NULL;
                }
                return t == limit ? NULL : t + 1;
        case '{':
                if (t == limit || !char_is_basic(*t))
                        return NULL;
                t = type_scan(t + 1, limit, depth - 1);
                if (!t || t == limit || *t != '}')
                        return NULL;
                return t + 1;
        default:
                return NULL;
        }
}

static bool type_is_definite(const char *t) {
        const char *end = type_skip(t);
        for (; t < end; t++)
                if (*t == '*' || *t == '?' || *t == 'r')
                        return false;
        return true;
}

/* is the definite type 'sub' matched by the (possibly indefinite) 'super'? */
static bool type_is_subtype(const char *sub, const char *super) {
        const char *end = type_skip(super);

        while (super < end) {
                char c = *super++;
                if (c == *sub) {
                        sub++;
                        continue;
                }
                if (*sub == ')')
                        return false;
                switch (c) {
                case '*':
                        break;
                case '?':
                        if (!char_is_basic(*sub))
                                return false;
                        break;
                case 'r':
                        if (*sub != '(' && *sub != 'r')
                                return false;
                        break;
                default:
                        return false;
                }
                sub = type_skip(sub);
        }
        return true;
}

/* alignment - 1 */
static gsize type_align(const char *t) {
        gsize a = 0;

        switch (*t) {
        case 'n':
        case 'q':
                return 1;
        case 'i':
        case 'u':
        case 'h':
                return 3;
        case 'x':
        case 't':
        case 'd':
        case 'v':
                return 7;
        case 'a':
        case 'm':
                return type_align(t + 1);
        case '(':
        case '{':
                for (t++; *t != ')' && *t != '}'; t = type_skip(t))
                        a = MAX(a, type_align(t));
                return a;
        default:
                return 0;
        }
}

static gsize align_to(gsize off, gsize mask) {
        return (off + mask) & ~mask;
}

/* size of a fixed-size type, 0 when its instances vary in size */
static gsize type_fixed_size(const char *t) {
        gsize off = 0;

        switch (*t) {
        case 'b':
        case 'y':
                return 1;
        case 'n':
        case 'q':
                return 2;
        case 'i':
        case 'u':
        case 'h':
                return 4;
        case 'x':
        case 't':
        case 'd':
                return 8;
        case '(':
        case '{': {
                const char *m;
                for (m = t + 1; *m != ')' && *m != '}'; m = type_skip(m)) {
                        gsize s = type_fixed_size(m);
                        if (s == 0)
                                return 0;
                        off = align_to(off, type_align(m)) + s;
                }
                off = align_to(off, type_align(t));
                return off ? off : 1; /* the unit tuple takes one byte */
        }
        default:
                return 0;
        }
}

gboolean g_variant_type_string_is_valid(const gchar *type_string) {
        const char *end;

        if (!type_string)
                return FALSE;
        end = type_scan(type_string, NULL, TYPE_MAX_DEPTH);
        return end && *end == '\0';
}

const GVariantType *g_variant_type_checked_(const gchar *type_string) {
        return (const GVariantType *) type_string;
}

gboolean g_variant_type_is_array(const GVariantType *type) {
        return ((const char *) type)[0] == 'a';
}

gboolean g_variant_type_is_basic(const GVariantType *type) {
        return char_is_basic(((const char *) type)[0]);
}

gboolean g_variant_type_is_dict_entry(const GVariantType *type) {
        return ((const char *) type)[0] == '{';
}

gboolean g_variant_type_is_tuple(const GVariantType *type) {
        char c = ((const char *) type)[0];
        return c == '(' || c == 'r';
}

/* ---- validation of string values ---- */

static bool utf8_valid(const char *s) {
        const unsigned char *p = (const unsigned char *) s;

        while (*p) {
                guint32 c;
                int n, i;

                if (*p < 0x80) {
                        p++;
                        continue;
                }
                if (*p >= 0xc2 && *p <= 0xdf)
                        n = 1, c = *p & 0x1f;
                else if (*p >= 0xe0 && *p <= 0xef)
                        n = 2, c = *p & 0x0f;
                else if (*p >= 0xf0 && *p <= 0xf4)
                        n = 3, c = *p & 0x07;
                else
                        return false;
                for (i = 1; i <= n; i++) {
                        if ((p[i] & 0xc0) != 0x80)
                                return false;
                        c = (c << 6) | (p[i] & 0x3f);
                }
                /* overlong forms, surrogates and values past U+10FFFF */
                if ((n == 2 && c < 0x800) || (n == 3 && c < 0x10000) || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
                        return false;
                p += n + 1;
        }
        return true;
}

static bool char_is_path(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static bool object_path_valid(const char *s) {
        if (s[0] != '/')
                return false;
        if (s[1] == '\0')
                return true;
        for (s++;; s++) {
                if (!char_is_path(*s))
                        return false;
                while (char_is_path(s[1]))
                        s++;
                if (s[1] == '\0')
                        return true;
                if (s[1] != '/')
                        return false;
                s++;
        }
}

/* a sequence of complete types made of D-Bus type characters */
static bool signature_valid(const char *s) {
        if (strspn(s, "ybnqiuxthdvasog(){}") != strlen(s))
                return false;
        while (*s) {
                s = type_scan(s, NULL, TYPE_MAX_DEPTH);
                if (!s)
                        return false;
        }
        return true;
}

/* ---- nodes ---- */

static GVariant *node_new(char *type) {
        GVariant *v = g_new0(GVariant, 1);
        v->ref_count = 1;
        v->floating = true;
        v->type = type;
        return v;
}

static GVariant *scalar_new(char type, guint64 u) {
        char t[2] = { type, '\0' };
        GVariant *v = node_new(g_strdup(t));
        v->v.u = u;
        return v;
}

static GVariant *string_new(char type, const char *s) {
        char t[2] = { type, '\0' };
        GVariant *v = node_new(g_strdup(t));
        v->v.s = g_strdup(s);
        return v;
}

/* takes the type string and the array of (sunk) children */
static GVariant *container_new(char *type, GVariant **children, gsize n) {
        GVariant *v = node_new(type);
        v->children = children;
        v->n_children = n;
        return v;
}

GVariant *g_variant_ref(GVariant *value) {
        __atomic_add_fetch(&value->ref_count, 1, __ATOMIC_RELAXED);
        return value;
}

GVariant *g_variant_ref_sink(GVariant *value) {
        if (value->floating)
                value->floating = false;
        else
                g_variant_ref(value);
        return value;
}

void g_variant_unref(GVariant *value) {
        if (__atomic_sub_fetch(&value->ref_count, 1, __ATOMIC_ACQ_REL) > 0)
                return;
        for (gsize i = 0; i < value->n_children; i++)
                g_variant_unref(value->children[i]);
        g_free(value->children);
        if (strchr("sog", value->type[0]))
                g_free(value->v.s);
        g_free(value->type);
        g_free(value);
}

GVariant *g_variant_new_boolean(gboolean value) {
        return scalar_new('b', value != FALSE);
}

GVariant *g_variant_new_byte(guint8 value) {
        return scalar_new('y', value);
}

GVariant *g_variant_new_int16(gint16 value) {
        return scalar_new('n', (guint64) (gint64) value);
}

GVariant *g_variant_new_uint16(guint16 value) {
        return scalar_new('q', value);
}

GVariant *g_variant_new_int32(gint32 value) {
        return scalar_new('i', (guint64) (gint64) value);
}

GVariant *g_variant_new_uint32(guint32 value) {
        return scalar_new('u', value);
}

GVariant *g_variant_new_int64(gint64 value) {
        return scalar_new('x', (guint64) value);
}

GVariant *g_variant_new_uint64(guint64 value) {
        return scalar_new('t', value);
}

GVariant *g_variant_new_double(gdouble value) {
        GVariant *v = scalar_new('d', 0);
        v->v.d = value;
        return v;
}

GVariant *g_variant_new_string(const gchar *string) {
        if (!string || !utf8_valid(string))
                return NULL;
        return string_new('s', string);
}

GVariant *g_variant_new_object_path(const gchar *object_path) {
        if (!object_path || !object_path_valid(object_path))
                return NULL;
        return string_new('o', object_path);
}

GVariant *g_variant_new_signature(const gchar *signature) {
        if (!signature || !signature_valid(signature))
                return NULL;
        return string_new('g', signature);
}

GVariant *g_variant_new_variant(GVariant *value) {
        GVariant **c = g_new0(GVariant *, 1);
        c[0] = g_variant_ref_sink(value);
        return container_new(g_strdup("v"), c, 1);
}

/* ---- accessors ---- */

const GVariantType *g_variant_get_type(GVariant *value) {
        return (const GVariantType *) value->type;
}

const gchar *g_variant_get_type_string(GVariant *value) {
        return value->type;
}

GVariantClass g_variant_classify(GVariant *value) {
        return (GVariantClass) value->type[0];
}

gboolean g_variant_is_of_type(GVariant *value, const GVariantType *type) {
        return type_is_subtype(value->type, (const char *) type);
}

static bool is(GVariant *v, const char *t) {
        return strcmp(v->type, t) == 0;
}

gboolean g_variant_get_boolean(GVariant *value) {
        return is(value, "b") ? (gboolean) value->v.u : FALSE;
}

guint8 g_variant_get_byte(GVariant *value) {
        return is(value, "y") ? (guint8) value->v.u : 0;
}

gint16 g_variant_get_int16(GVariant *value) {
        return is(value, "n") ? (gint16) value->v.i : 0;
}

guint16 g_variant_get_uint16(GVariant *value) {
        return is(value, "q") ? (guint16) value->v.u : 0;
}

gint32 g_variant_get_int32(GVariant *value) {
        return is(value, "i") ? (gint32) value->v.i : 0;
}

guint32 g_variant_get_uint32(GVariant *value) {
        return is(value, "u") ? (guint32) value->v.u : 0;
}

gint64 g_variant_get_int64(GVariant *value) {
        return is(value, "x") ? value->v.i : 0;
}

guint64 g_variant_get_uint64(GVariant *value) {
        return is(value, "t") ? value->v.u : 0;
}

gdouble g_variant_get_double(GVariant *value) {
        return is(value, "d") ? value->v.d : 0.0;
}

static bool is_string_type(GVariant *v) {
        return v->type[1] == '\0' && strchr("sog", v->type[0]);
}

const gchar *g_variant_get_string(GVariant *value, gsize *length) {
        if (!is_string_type(value)) {
                if (length)
                        *length = 0;
                return NULL;
        }
        if (length)
                *length = strlen(value->v.s);
        return value->v.s;
}

gchar *g_variant_dup_string(GVariant *value, gsize *length) {
        return g_strdup(g_variant_get_string(value, length));
}

static bool is_strv_type(GVariant *v) {
        return is(v, "as") || is(v, "ao") || is(v, "ag");
}

const gchar **g_variant_get_strv(GVariant *value, gsize *length) {
        gsize n = is_strv_type(value) ? value->n_children : 0;
        const gchar **r = g_new0(const gchar *, n + 1);

        for (gsize i = 0; i < n; i++)
                r[i] = value->children[i]->v.s;
        r[n] = NULL;
        if (length)
                *length = n;
        return r;
}

gchar **g_variant_dup_strv(GVariant *value, gsize *length) {
        gsize n = is_strv_type(value) ? value->n_children : 0;
        gchar **r = g_new0(gchar *, n + 1);

        for (gsize i = 0; i < n; i++)
                r[i] = g_strdup(value->children[i]->v.s);
        r[n] = NULL;
        if (length)
                *length = n;
        return r;
}

GVariant *g_variant_get_variant(GVariant *value) {
        if (!is(value, "v"))
                return NULL;
        return g_variant_ref(value->children[0]);
}

/* ---- serialised size ---- */

/* body plus n framing offsets, each of the smallest width that fits */
static gsize framed_size(gsize body, gsize n) {
        if (body + n <= G_MAXUINT8)
                return body + n;
        if (body + 2 * n <= G_MAXUINT16)
                return body + 2 * n;
        if (body + 4 * n <= G_MAXUINT32)
                return body + 4 * n;
        return body + 8 * n;
}

static gsize node_size(GVariant *v) {
        const char *t = v->type;
        gsize fixed = type_fixed_size(t), off = 0, offsets = 0;

        if (fixed)
                return fixed;
        switch (t[0]) {
        case 's':
        case 'o':
        case 'g':
                return strlen(v->v.s) + 1;
        case 'v':
                return node_size(v->children[0]) + 1 + strlen(v->children[0]->type);
        case 'm':
                if (v->n_children == 0)
                        return 0;
                return node_size(v->children[0]) + (type_fixed_size(t + 1) ? 0 : 1);
        case 'a': {
                gsize efixed = type_fixed_size(t + 1), ealign = type_align(t + 1);
                if (efixed)
                        return efixed * v->n_children;
                for (gsize i = 0; i < v->n_children; i++)
                        off = align_to(off, ealign) + node_size(v->children[i]);
                return framed_size(off, v->n_children);
        }
        default: /* tuples and dict entries of variable size */
                for (gsize i = 0; i < v->n_children; i++) {
                        const char *ct = v->children[i]->type;
                        off = align_to(off, type_align(ct)) + node_size(v->children[i]);
                        /* the end of each variable-size member but the last is framed */
                        if (i + 1 < v->n_children && !type_fixed_size(ct))
                                offsets++;
                }
                return framed_size(off, offsets);
        }
}

gsize g_variant_get_size(GVariant *value) {
        return node_size(value);
}

/* ---- builders ---- */

typedef struct {
        char *type; /* as given, possibly indefinite */
        GVariant **children;
        gsize n, cap;
} BuilderState;

static BuilderState *builder_state(GVariantBuilder *builder) {
        if (builder->u.x[0] == BUILDER_MAGIC_PARTIAL)
                g_variant_builder_init(builder, builder->u.s.type);
        if (builder->u.x[0] != BUILDER_MAGIC)
                return NULL;
        return (BuilderState *) builder->u.x[2];
}

void g_variant_builder_init(GVariantBuilder *builder, const GVariantType *type) {
        const char *t = (const char *) type;
        BuilderState *s = g_new0(BuilderState, 1);

        s->type = g_strndup(t, type_len(t));
        memset(builder, 0, sizeof *builder);
        builder->u.x[0] = BUILDER_MAGIC;
        builder->u.x[1] = (gsize) s->type;
        builder->u.x[2] = (gsize) s;
}

void g_variant_builder_clear(GVariantBuilder *builder) {
        BuilderState *s;

        if (builder->u.x[0] != BUILDER_MAGIC) {
                /* zeroed, ended or still partial: nothing was allocated */
                if (builder->u.x[0] == BUILDER_MAGIC_PARTIAL)
                        memset(builder, 0, sizeof *builder);
                return;
        }
        s = (BuilderState *) builder->u.x[2];
        for (gsize i = 0; i < s->n; i++)
                g_variant_unref(s->children[i]);
        g_free(s->children);
        g_free(s->type);
        g_free(s);
        memset(builder, 0, sizeof *builder);
}

/* the type expected for child number i, or NULL when there is no room */
static const char *builder_expected(BuilderState *s, gsize i) {
        const char *t = s->type;

        switch (t[0]) {
        case 'a':
                /* after the first element, all must have its type */
                return i == 0 ? t + 1 : s->children[0]->type;
        case 'm':
                return i == 0 ? t + 1 : NULL;
        case 'v':
                return i == 0 ? "*" : NULL;
        case 'r':
                return "*";
        case '(':
        case '{':
                for (t++; i > 0 && *t != ')' && *t != '}'; i--)
                        t = type_skip(t);
                return *t == ')' || *t == '}' ? NULL : t;
        default:
                return NULL;
        }
}

void g_variant_builder_add_value(GVariantBuilder *builder, GVariant *value) {
        BuilderState *s = builder_state(builder);
        const char *expected;

        if (!s || !value)
                return;
        g_variant_ref_sink(value);
        expected = builder_expected(s, s->n);
        if (!expected || !type_is_subtype(value->type, expected)) {
                g_variant_unref(value);
                return;
        }
        if (s->n == s->cap) {
                s->cap = s->cap ? s->cap * 2 : 8;
                s->children = g_renew(GVariant *, s->children, s->cap);
        }
        s->children[s->n++] = value;
}

/* the definite type of the finished container, NULL when incomplete */
static char *builder_final_type(BuilderState *s) {
        const char *t = s->type;
        gsize members = 0;

        switch (t[0]) {
        case 'v':
                return s->n == 1 ? g_strdup("v") : NULL;
        case 'a':
        case 'm':
                if (s->n == 0)
                        return type_is_definite(t) ? g_strdup(t) : NULL;
                return g_strdup_printf("%c%s", t[0], s->children[0]->type);
        case '(':
        case '{':
                for (const char *m = t + 1; *m != ')' && *m != '}'; m = type_skip(m))
                        members++;
                if (members != s->n)
                        return NULL;
                break;
        case 'r':
                break;
        default:
                return NULL;
        }
        if (type_is_definite(t))
                return g_strdup(t);
        {
                /* tuple or dict entry: the types of its members */
                gsize len = 3;
                char *r, *p;
                for (gsize i = 0; i < s->n; i++)
                        len += strlen(s->children[i]->type);
                p = r = g_malloc(len);
                *p++ = t[0] == '{' ? '{' : '(';
                for (gsize i = 0; i < s->n; i++)
                        p = stpcpy(p, s->children[i]->type);
                *p++ = t[0] == '{' ? '}' : ')';
                *p = '\0';
                return r;
        }
}

GVariant *g_variant_builder_end(GVariantBuilder *builder) {
        BuilderState *s = builder_state(builder);
        GVariant *v;
        char *type;

        if (!s)
                return NULL;
        type = builder_final_type(s);
        if (!type)
                return NULL;
        v = container_new(type, s->children, s->n);
        s->children = NULL;
        s->n = 0;
        g_variant_builder_clear(builder);
        return v;
}

/* ---- format strings ---- */

/* the type of the value a format string describes; advances *fmt */
static void format_type(const char **fmt, char **out) {
        const char *f = *fmt;

        switch (*f) {
        case '&':
                *fmt = f + 1;
                format_type(fmt, out);
                return;
        case '@':
                f++;
                *out = stpncpy(*out, f, type_len(f));
                *fmt = type_skip(f);
                return;
        case '^': {
                /* ^as ^a&s ^ao ^a&o ^ag ^a&g */
                char c = f[2] == '&' ? f[3] : f[2];
                *(*out)++ = 'a';
                *(*out)++ = c;
                *fmt = f + (f[2] == '&' ? 4 : 3);
                return;
        }
        case 'a':
        case 'm':
                *(*out)++ = *f;
                *fmt = f + 1;
                format_type(fmt, out);
                return;
        case '(':
        case '{': {
                char close = *f == '(' ? ')' : '}';
                *(*out)++ = *f++;
                while (*f != close)
                        format_type(&f, out);
                *(*out)++ = close;
                *fmt = f + 1;
                return;
        }
        default:
                *(*out)++ = *f;
                *fmt = f + 1;
                return;
        }
}

static char *format_to_type(const char *fmt) {
        char *r = g_malloc(strlen(fmt) + 1), *p = r;
        format_type(&fmt, &p);
        *p = '\0';
        return r;
}

/* stores the parts of v described by *fmt through the pointers in ap */
static void format_get(GVariant *v, const char **fmt, va_list *ap) {
        const char *f = *fmt;
        bool borrow = false;

        if (*f == '&') {
                borrow = true;
                f++;
        }
        switch (*f) {
        case '(':
        case '{':
                f++;
                for (gsize i = 0; *f != ')' && *f != '}'; i++)
                        format_get(v->children[i], &f, ap);
                *fmt = f + 1;
                return;
        case '^': {
                bool dup = f[2] != '&';
                gpointer *p = va_arg(*ap, gpointer *);
                if (p)
                        *p = dup ? (gpointer) g_variant_dup_strv(v, NULL) : (gpointer) g_variant_get_strv(v, NULL);
                *fmt = f + (dup ? 3 : 4);
                return;
        }
        case '@':
        case '*':
        case '?':
        case 'r':
        case 'v': {
                GVariant **p = va_arg(*ap, GVariant **);
                if (p)
                        *p = *f == 'v' ? g_variant_get_variant(v) : g_variant_ref(v);
                *fmt = *f == '@' ? type_skip(f + 1) : f + 1;
                return;
        }
        case 's':
        case 'o':
        case 'g': {
                gpointer *p = va_arg(*ap, gpointer *);
                if (p)
                        *p = borrow ? (gpointer) v->v.s : (gpointer) g_strdup(v->v.s);
                break;
        }
        case 'b':
        case 'i':
        case 'u':
        case 'h': {
                guint32 *p = va_arg(*ap, guint32 *);
                if (p)
                        *p = (guint32) v->v.u;
                break;
        }
        case 'y': {
                guint8 *p = va_arg(*ap, guint8 *);
                if (p)
                        *p = (guint8) v->v.u;
                break;
        }
        case 'n':
        case 'q': {
                guint16 *p = va_arg(*ap, guint16 *);
                if (p)
                        *p = (guint16) v->v.u;
                break;
        }
        case 'x':
        case 't':
        case 'd': {
                /* doubles are stored in the same 8 bytes */
                guint64 *p = va_arg(*ap, guint64 *);
                if (p)
                        memcpy(p, &v->v, sizeof *p);
                break;
        }
        default:
                break;
        }
        *fmt = f + 1;
}

/* frees what a previous format_get stored (g_variant_iter_loop) */
static void format_free(const char **fmt, va_list *ap) {
        const char *f = *fmt;
        bool borrow = false;

        if (*f == '&') {
                borrow = true;
                f++;
        }
        switch (*f) {
        case '(':
        case '{':
                f++;
                while (*f != ')' && *f != '}')
                        format_free(&f, ap);
                *fmt = f + 1;
                return;
        case '^': {
                bool dup = f[2] != '&';
                gchar ***p = va_arg(*ap, gchar ***);
                if (p && *p && dup)
                        for (gchar **s = *p; *s; s++)
                                g_free(*s);
                if (p)
                        g_free(*p);
                *fmt = f + (dup ? 3 : 4);
                return;
        }
        case '@':
        case '*':
        case '?':
        case 'r':
        case 'v': {
                GVariant **p = va_arg(*ap, GVariant **);
                if (p && *p)
                        g_variant_unref(*p);
                *fmt = *f == '@' ? type_skip(f + 1) : f + 1;
                return;
        }
        case 's':
        case 'o':
        case 'g': {
                gchar **p = va_arg(*ap, gchar **);
                if (p && !borrow)
                        g_free(*p);
                break;
        }
        default:
                (void) va_arg(*ap, gpointer);
                break;
        }
        *fmt = f + 1;
}

static GVariant *strv_new(char type, const gchar *const *strv) {
        gsize n = 0;
        GVariant **c;

        while (strv && strv[n])
                n++;
        c = g_new0(GVariant *, MAX(n, 1));
        for (gsize i = 0; i < n; i++)
                c[i] = g_variant_ref_sink(string_new(type, strv[i]));
        return container_new(g_strdup_printf("a%c", type), c, n);
}

/* builds a value from the format string and arguments (g_variant_new) */
static GVariant *format_new(const char **fmt, va_list *ap) {
        const char *f = *fmt;
        GVariant *v = NULL;

        if (*f == '&')
                f++;
        switch (*f) {
        case '(':
        case '{': {
                GVariantBuilder b;
                char open = *f;
                g_variant_builder_init(&b, (const GVariantType *) (open == '(' ? "r" : "{?*}"));
                for (f++; *f != ')' && *f != '}';)
                        g_variant_builder_add_value(&b, format_new(&f, ap));
                *fmt = f + 1;
                return g_variant_builder_end(&b);
        }
        case '^': {
                bool borrow = f[2] == '&';
                v = strv_new(borrow ? f[3] : f[2], va_arg(*ap, const gchar *const *));
                *fmt = f + (borrow ? 4 : 3);
                return v;
        }
        case '@':
        case '*':
        case '?':
        case 'r':
                v = va_arg(*ap, GVariant *);
                *fmt = *f == '@' ? type_skip(f + 1) : f + 1;
                return v;
        case 'v':
                v = g_variant_new_variant(va_arg(*ap, GVariant *));
                break;
        case 'b':
                v = g_variant_new_boolean(va_arg(*ap, gboolean));
                break;
        case 'y':
                v = g_variant_new_byte((guint8) va_arg(*ap, int));
                break;
        case 'n':
                v = g_variant_new_int16((gint16) va_arg(*ap, int));
                break;
        case 'q':
                v = g_variant_new_uint16((guint16) va_arg(*ap, int));
                break;
        case 'i':
                v = g_variant_new_int32(va_arg(*ap, gint32));
                break;
        case 'h':
                v = scalar_new('h', (guint64) (gint64) va_arg(*ap, gint32));
                break;
        case 'u':
                v = g_variant_new_uint32(va_arg(*ap, guint32));
                break;
        case 'x':
                v = g_variant_new_int64(va_arg(*ap, gint64));
                break;
        case 't':
                v = g_variant_new_uint64(va_arg(*ap, guint64));
                break;
        case 'd':
                v = g_variant_new_double(va_arg(*ap, gdouble));
                break;
        case 's':
                v = g_variant_new_string(va_arg(*ap, const gchar *));
                break;
        case 'o':
                v = g_variant_new_object_path(va_arg(*ap, const gchar *));
                break;
        case 'g':
                v = g_variant_new_signature(va_arg(*ap, const gchar *));
                break;
        default:
                break;
        }
        *fmt = f + 1;
        return v;
}

void g_variant_builder_add(GVariantBuilder *builder, const gchar *format_string, ...) {
        const char *f = format_string;
        va_list ap;
        GVariant *v;

        va_start(ap, format_string);
        v = format_new(&f, &ap);
        va_end(ap);
        g_variant_builder_add_value(builder, v);
}

/* ---- iterators ---- */

/* x[0]: the value (not referenced, as in GLib), x[1]: next index,
 * x[2]: number of children, x[3]: magic, x[4]: iter_loop has stored values */

gsize g_variant_iter_init(GVariantIter *iter, GVariant *value) {
        memset(iter, 0, sizeof *iter);
        iter->x[0] = (gsize) value;
        iter->x[2] = value->n_children;
        iter->x[3] = ITER_MAGIC;
        return value->n_children;
}

GVariant *g_variant_iter_next_value(GVariantIter *iter) {
        GVariant *v = (GVariant *) iter->x[0];

        if (iter->x[3] != ITER_MAGIC || iter->x[1] >= iter->x[2])
                return NULL;
        return g_variant_ref(v->children[iter->x[1]++]);
}

gboolean g_variant_iter_next(GVariantIter *iter, const gchar *format_string, ...) {
        GVariant *child = g_variant_iter_next_value(iter);
        const char *f = format_string;
        va_list ap;

        if (!child)
                return FALSE;
        va_start(ap, format_string);
        format_get(child, &f, &ap);
        va_end(ap);
        g_variant_unref(child);
        return TRUE;
}

gboolean g_variant_iter_loop(GVariantIter *iter, const gchar *format_string, ...) {
        const char *f = format_string;
        GVariant *child;
        va_list ap;

        /* what the previous call stored is freed first */
        if (iter->x[4]) {
                va_start(ap, format_string);
                format_free(&f, &ap);
                va_end(ap);
                iter->x[4] = 0;
        }
        child = g_variant_iter_next_value(iter);
        if (!child)
                return FALSE;
        f = format_string;
        va_start(ap, format_string);
        format_get(child, &f, &ap);
        va_end(ap);
        g_variant_unref(child);
        iter->x[4] = 1;
        return TRUE;
}

/* ---- dictionaries ---- */

static GVariant *lookup_value(GVariant *dict, const char *key, const char *expected) {
        GVariant *value = NULL;

        if (!type_is_subtype(dict->type, "a{s*}") && !type_is_subtype(dict->type, "a{o*}"))
                return NULL;
        for (gsize i = 0; i < dict->n_children; i++) {
                GVariant *e = dict->children[i];
                if (strcmp(e->children[0]->v.s, key) == 0) {
                        value = e->children[1];
                        break;
                }
        }
        if (!value)
                return NULL;
        if (is(value, "v"))
                value = value->children[0];
        if (expected && !type_is_subtype(value->type, expected))
                return NULL;
        return value;
}

gboolean g_variant_lookup(GVariant *dictionary, const gchar *key, const gchar *format_string, ...) {
        char *type = format_to_type(format_string);
        GVariant *value = lookup_value(dictionary, key, type);
        const char *f = format_string;
        va_list ap;

        g_free(type);
        if (!value)
                return FALSE;
        va_start(ap, format_string);
        format_get(value, &f, &ap);
        va_end(ap);
        return TRUE;
}

typedef struct {
        char **keys;
        GVariant **values;
        gsize n, cap;
} DictState;

static DictState *dict_state(GVariantDict *dict) {
        if (dict->u.x[1] == DICT_MAGIC_PARTIAL)
                g_variant_dict_init(dict, dict->u.s.asv);
        return dict->u.x[1] == DICT_MAGIC ? (DictState *) dict->u.x[0] : NULL;
}

void g_variant_dict_insert_value(GVariantDict *dict, const gchar *key, GVariant *value) {
        DictState *s = dict_state(dict);

        if (!s)
                return;
        g_variant_ref_sink(value);
        /* a key keeps its place; its value is replaced */
        for (gsize i = 0; i < s->n; i++)
                if (strcmp(s->keys[i], key) == 0) {
                        g_variant_unref(s->values[i]);
                        s->values[i] = value;
                        return;
                }
        if (s->n == s->cap) {
                s->cap = s->cap ? s->cap * 2 : 8;
                s->keys = g_renew(char *, s->keys, s->cap);
                s->values = g_renew(GVariant *, s->values, s->cap);
        }
        s->keys[s->n] = g_strdup(key);
        s->values[s->n++] = value;
}

void g_variant_dict_init(GVariantDict *dict, GVariant *from_asv) {
        memset(dict, 0, sizeof *dict);
        dict->u.x[0] = (gsize) g_new0(DictState, 1);
        dict->u.x[1] = DICT_MAGIC;
        if (!from_asv || !is(from_asv, "a{sv}"))
                return;
        for (gsize i = 0; i < from_asv->n_children; i++) {
                GVariant *e = from_asv->children[i];
                g_variant_dict_insert_value(dict, e->children[0]->v.s, e->children[1]->children[0]);
        }
}

void g_variant_dict_clear(GVariantDict *dict) {
        DictState *s;

        if (dict->u.x[1] != DICT_MAGIC) {
                if (dict->u.x[1] == DICT_MAGIC_PARTIAL)
                        memset(dict, 0, sizeof *dict);
                return;
        }
        s = (DictState *) dict->u.x[0];
        for (gsize i = 0; i < s->n; i++) {
                g_free(s->keys[i]);
                g_variant_unref(s->values[i]);
        }
        g_free(s->keys);
        g_free(s->values);
        g_free(s);
        memset(dict, 0, sizeof *dict);
}

GVariant *g_variant_dict_end(GVariantDict *dict) {
        DictState *s = dict_state(dict);
        GVariantBuilder b;

        if (!s)
                return NULL;
        g_variant_builder_init(&b, (const GVariantType *) "a{sv}");
        for (gsize i = 0; i < s->n; i++)
                g_variant_builder_add(&b, "{sv}", s->keys[i], s->values[i]);
        g_variant_dict_clear(dict);
        return g_variant_builder_end(&b);
}
