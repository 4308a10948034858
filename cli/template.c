/* SPDX-License-Identifier: Apache-2.0 */
/* --format templates: the part of Go's text/template that docker users
 * write: {{.A.B}}, {{json .X}}, {{range .X}}...{{end}} (with $k, $v :=),
 * {{if ...}}...{{else}}...{{end}}, functions (index, len, json, join,
 * split, upper, lower, printf, eq, ne, not), pipes, parentheses, variables
 * and {{- -}} trimming. Values are the JSON the command printed with
 * --format json. */
#include <string.h>

#include "macro.h"
#include "template.h"

#define TEMPLATE_DEPTH_MAX 32

typedef enum {
        T_FIELD,        /* .A.B, or "." */
        T_VAR,          /* $ or $name, with .A.B after it in chain */
        T_STRING,
        T_NUMBER,
        T_IDENT,
        T_LPAREN,
        T_RPAREN,
        T_PIPE,
        T_DECLARE,      /* := */
        T_COMMA,
} TokType;

typedef struct Tok {
        TokType type;
        char *text;     /* field path, variable name, string value, identifier */
        char *chain;    /* T_VAR, T_RPAREN: the .A.B written right after it */
} Tok;

typedef enum { N_TEXT, N_OUTPUT, N_IF, N_RANGE } NodeType;

typedef struct Node Node;
struct Node {
        NodeType type;
        char *text;             /* N_TEXT */
        GPtrArray *toks;        /* the pipeline */
        GPtrArray *body, *alt;  /* of Node; alt: after {{else}} */
        char *key_var, *value_var;
};

typedef struct Var {
        char *name;
        json_t *value;
} Var;

typedef struct Exec {
        GString *out;
        GArray *vars;   /* of Var, innermost last */
        char *error;
} Exec;

static void tok_free(Tok *t) {
        g_free(t->text);
        g_free(t->chain);
        g_free(t);
}

static void node_free(Node *n) {
        if (!n)
                return;
        g_free(n->text);
        if (n->toks)
                g_ptr_array_unref(n->toks);
        if (n->body)
                g_ptr_array_unref(n->body);
        if (n->alt)
                g_ptr_array_unref(n->alt);
        g_free(n->key_var);
        g_free(n->value_var);
        g_free(n);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Node, node_free)

static GPtrArray *node_list_new(void) {
        return g_ptr_array_new_with_free_func((GDestroyNotify) node_free);
}

static bool set_error(char **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static bool set_error(char **error, const char *fmt, ...) {
        va_list ap;
        g_autofree char *msg = NULL;

        if (*error)
                return false;
        va_start(ap, fmt);
        msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        *error = g_strconcat("template: ", msg, NULL);
        return false;
}

/* --- lexing an action ---------------------------------------------------- */

static bool is_ident_char(char c) {
        return g_ascii_isalnum(c) || c == '_';
}

/* ".A.B" at *p (after a variable or a parenthesis, or a field itself) */
static char *lex_chain(const char **p) {
        const char *s = *p;

        while (*s == '.' && is_ident_char(s[1])) {
                s++;
                while (is_ident_char(*s))
                        s++;
        }
        if (s == *p)
                return NULL;
        {
                char *c = g_strndup(*p, (gsize) (s - *p));
                *p = s;
                return c;
        }
}

static GPtrArray *lex(const char *action, char **error) {
        g_autoptr(GPtrArray) toks = g_ptr_array_new_with_free_func((GDestroyNotify) tok_free);
        const char *p = action;

        for (;;) {
                Tok *t;

                while (g_ascii_isspace(*p))
                        p++;
                if (!*p)
                        break;
                t = g_new0(Tok, 1);
                g_ptr_array_add(toks, t);
                if (*p == '.') {
                        t->type = T_FIELD;
                        t->text = lex_chain(&p);
                        if (!t->text) {
                                t->text = g_strdup(".");
                                p++;
                        }
                } else if (*p == '$') {
                        const char *s = ++p;
                        while (is_ident_char(*p))
                                p++;
                        t->type = T_VAR;
                        t->text = g_strndup(s - 1, (gsize) (p - s + 1));
                        t->chain = lex_chain(&p);
                } else if (*p == '"' || *p == '`') {
                        char quote = *p++;
                        const char *s = p;
                        while (*p && *p != quote)
                                p += *p == '\\' && quote == '"' && p[1] ? 2 : 1;
                        if (!*p)
                                return set_error(error, "unterminated quoted string in \"%s\"", action), NULL;
                        {
                                g_autofree char *raw = g_strndup(s, (gsize) (p - s));
                                t->text = quote == '"' ? g_strcompress(raw) : g_steal_pointer(&raw);
                        }
                        t->type = T_STRING;
                        p++;
                } else if (g_ascii_isdigit(*p) || (*p == '-' && g_ascii_isdigit(p[1]))) {
                        const char *s = p++;
                        while (g_ascii_isalnum(*p) || *p == '.')
                                p++;
                        t->type = T_NUMBER;
                        t->text = g_strndup(s, (gsize) (p - s));
                } else if (is_ident_char(*p)) {
                        const char *s = p;
                        while (is_ident_char(*p))
                                p++;
                        t->type = T_IDENT;
                        t->text = g_strndup(s, (gsize) (p - s));
                } else if (*p == '(' || *p == ')' || *p == '|' || *p == ',') {
                        t->type = *p == '(' ? T_LPAREN : *p == ')' ? T_RPAREN : *p == '|' ? T_PIPE : T_COMMA;
                        p++;
                        if (t->type == T_RPAREN)
                                t->chain = lex_chain(&p);
                } else if (p[0] == ':' && p[1] == '=') {
                        t->type = T_DECLARE;
                        p += 2;
                } else
                        return set_error(error, "unexpected \"%c\" in \"%s\"", *p, action), NULL;
        }
        return g_steal_pointer(&toks);
}

/* --- parsing the template -------------------------------------------------- */

typedef struct Parser {
        const char *p;
        char **error;
        bool trim_next;         /* the last action ended with -}} */
} Parser;

/* The next piece: text (*ret_text, maybe empty) or an action (*ret_action,
 * its inside). Returns false at the end, or on an error. */
static bool next_piece(Parser *ps, char **ret_text, char **ret_action) {
        const char *open;
        char *text;

        *ret_text = *ret_action = NULL;
        if (!*ps->p)
                return false;
        if (g_str_has_prefix(ps->p, "{{")) {
                const char *s = ps->p + 2, *close, *end;
                if (s[0] == '-' && g_ascii_isspace(s[1]))
                        s++;
                close = strstr(s, "}}");
                if (!close)
                        return set_error(ps->error, "unclosed action (missing \"}}\")");
                end = close;
                if (end - s >= 2 && end[-1] == '-' && g_ascii_isspace(end[-2])) {
                        end--;
                        ps->trim_next = true;
                }
                *ret_action = g_strstrip(g_strndup(s, (gsize) (end - s)));
                ps->p = close + 2;
                return true;
        }
        open = strstr(ps->p, "{{");
        text = open ? g_strndup(ps->p, (gsize) (open - ps->p)) : g_strdup(ps->p);
        if (ps->trim_next)
                g_strchug(text);
        ps->trim_next = false;
        if (open && open[2] == '-' && g_ascii_isspace(open[3]))
                g_strchomp(text);
        ps->p = open ? open : ps->p + strlen(ps->p);
        *ret_text = text;
        return true;
}

/* Parses until {{end}} or {{else}} (or the end, at depth 0): what ended it
 * in *ret_stop ("end", "else" or NULL). */
static GPtrArray *parse_list(Parser *ps, unsigned depth, char **ret_stop);

static Node *parse_control(Parser *ps, unsigned depth, const char *keyword, GPtrArray *toks) {
        g_autoptr(Node) n = g_new0(Node, 1);
        g_autofree char *stop = NULL, *kw = g_strdup(keyword); /* keyword is toks[0]'s, freed below */

        n->type = streq(kw, "if") ? N_IF : N_RANGE;
        g_ptr_array_remove_index(toks, 0);
        /* range $k, $v := PIPE  or  range $v := PIPE */
        if (n->type == N_RANGE && toks->len >= 3 && ((Tok *) toks->pdata[0])->type == T_VAR) {
                Tok *a = toks->pdata[0], *b = toks->pdata[1];
                if (b->type == T_COMMA && toks->len >= 5 && ((Tok *) toks->pdata[2])->type == T_VAR &&
                    ((Tok *) toks->pdata[3])->type == T_DECLARE) {
                        n->key_var = g_strdup(a->text);
                        n->value_var = g_strdup(((Tok *) toks->pdata[2])->text);
                        g_ptr_array_remove_range(toks, 0, 4);
                } else if (b->type == T_DECLARE) {
                        n->value_var = g_strdup(a->text);
                        g_ptr_array_remove_range(toks, 0, 2);
                }
        }
        if (toks->len == 0)
                return set_error(ps->error, "missing value for %s", kw), NULL;
        n->toks = g_ptr_array_ref(toks);
        n->body = parse_list(ps, depth + 1, &stop);
        if (!n->body)
                return NULL;
        if (stop && streq(stop, "else")) {
                g_clear_pointer(&stop, g_free);
                n->alt = parse_list(ps, depth + 1, &stop);
                if (!n->alt)
                        return NULL;
        }
        if (!stop || !streq(stop, "end"))
                return set_error(ps->error, "unexpected end of template: {{%s}} has no {{end}}", kw), NULL;
        return g_steal_pointer(&n);
}

static GPtrArray *parse_list(Parser *ps, unsigned depth, char **ret_stop) {
        g_autoptr(GPtrArray) list = node_list_new();
        char *text, *action;

        *ret_stop = NULL;
        if (depth > TEMPLATE_DEPTH_MAX)
                return set_error(ps->error, "nested too deeply"), NULL;
        while (next_piece(ps, &text, &action)) {
                g_autofree char *a = action;
                g_autoptr(GPtrArray) toks = NULL;
                Node *n;

                if (text) {
                        if (!*text) {
                                g_free(text);
                                continue;
                        }
                        n = g_new0(Node, 1);
                        n->type = N_TEXT;
                        n->text = text;
                        g_ptr_array_add(list, n);
                        continue;
                }
                if (g_str_has_prefix(a, "/*"))
                        continue; /* a comment */
                toks = lex(a, ps->error);
                if (!toks)
                        return NULL;
                if (toks->len == 0)
                        return set_error(ps->error, "missing value for command"), NULL;
                if (((Tok *) toks->pdata[0])->type == T_IDENT) {
                        const char *kw = ((Tok *) toks->pdata[0])->text;
                        if (streq(kw, "else") && toks->len > 1)
                                return set_error(ps->error, "{{else %s}} is not supported: put an {{if}} inside the {{else}}",
                                                 ((Tok *) toks->pdata[1])->text ? ((Tok *) toks->pdata[1])->text : "..."), NULL;
                        if (streq(kw, "end") || streq(kw, "else")) {
                                if (depth == 0)
                                        return set_error(ps->error, "unexpected {{%s}}", kw), NULL;
                                *ret_stop = g_strdup(kw);
                                return g_steal_pointer(&list);
                        }
                        if (streq(kw, "if") || streq(kw, "range")) {
                                n = parse_control(ps, depth, kw, toks);
                                if (!n)
                                        return NULL;
                                g_ptr_array_add(list, n);
                                continue;
                        }
                        if (streq(kw, "with") || streq(kw, "define") || streq(kw, "template") || streq(kw, "block"))
                                return set_error(ps->error, "{{%s}} is not supported: use if, range, and functions", kw), NULL;
                }
                n = g_new0(Node, 1);
                n->type = N_OUTPUT;
                n->toks = g_steal_pointer(&toks);
                g_ptr_array_add(list, n);
        }
        if (*ps->error)
                return NULL;
        return g_steal_pointer(&list);
}

/* --- values ------------------------------------------------------------------ */

/* how Go's templates print a value, for what docker's JSON holds */
static void print_value(GString *out, json_t *v) {
        if (json_is_string(v))
                g_string_append(out, json_string_value(v));
        else if (json_is_boolean(v))
                g_string_append(out, json_is_true(v) ? "true" : "false");
        else if (json_is_integer(v))
                g_string_append_printf(out, "%" G_GINT64_FORMAT, (gint64) json_integer_value(v));
        else if (json_is_real(v))
                g_string_append_printf(out, "%g", json_real_value(v));
        else if (json_is_array(v)) {
                /* as Go prints a slice: [a b c] */
                size_t i;
                json_t *e;
                g_string_append_c(out, '[');
                json_array_foreach(v, i, e) {
                        if (i)
                                g_string_append_c(out, ' ');
                        print_value(out, e);
                }
                g_string_append_c(out, ']');
        } else {
                g_autofree char *s = rjson_dump(v, false);
                g_string_append(out, s);
        }
}

static char *value_text(json_t *v) {
        GString *s = g_string_new(NULL);
        print_value(s, v);
        return g_string_free(s, FALSE);
}

static bool truthy(json_t *v) {
        if (!v || json_is_null(v) || json_is_false(v))
                return false;
        if (json_is_string(v))
                return json_string_length(v) > 0;
        if (json_is_integer(v))
                return json_integer_value(v) != 0;
        if (json_is_real(v))
                return json_real_value(v) != 0;
        if (json_is_array(v))
                return json_array_size(v) > 0;
        if (json_is_object(v))
                return json_object_size(v) > 0;
        return true;
}

/* v.A.B (a new reference), or NULL and an error naming the field */
static json_t *follow(json_t *v, const char *chain, char **error) {
        g_auto(GStrv) parts = g_strsplit(chain + 1, ".", -1);

        for (char **p = parts; *p; p++) {
                json_t *m = json_object_get(v, *p);
                if (!m)
                        return set_error(error, "can't evaluate field %s", *p), NULL;
                v = m;
        }
        return json_incref(v);
}

static json_t *var_get(Exec *e, const char *name) {
        for (guint i = e->vars->len; i > 0; i--) {
                Var *v = &g_array_index(e->vars, Var, i - 1);
                if (streq(v->name, name))
                        return v->value;
        }
        return NULL;
}

static void var_push(Exec *e, const char *name, json_t *value) {
        Var v = { .name = g_strdup(name), .value = json_incref(value) };
        g_array_append_val(e->vars, v);
}

static void var_pop_to(Exec *e, guint len) {
        while (e->vars->len > len) {
                Var *v = &g_array_index(e->vars, Var, e->vars->len - 1);
                g_free(v->name);
                json_decref(v->value);
                g_array_set_size(e->vars, e->vars->len - 1);
        }
}

/* --- functions ---------------------------------------------------------------- */

static json_t *fn_index(json_t **args, size_t n, char **error) {
        json_t *v = args[0];

        for (size_t i = 1; i < n; i++) {
                if (json_is_object(v) && json_is_string(args[i]))
                        v = json_object_get(v, json_string_value(args[i]));
                else if (json_is_array(v) && json_is_integer(args[i])) {
                        json_int_t k = json_integer_value(args[i]);
                        if (k < 0 || (size_t) k >= json_array_size(v))
                                return set_error(error, "error calling index: index out of range: %" JSON_INTEGER_FORMAT, k), NULL;
                        v = json_array_get(v, (size_t) k);
                } else
                        return set_error(error, "error calling index: cannot index this value with that key"), NULL;
                if (!v)
                        return rjson_must(json_null()); /* a missing key: the zero value */
        }
        return json_incref(v);
}

static json_t *fn_printf(json_t **args, size_t n, char **error) {
        g_autoptr(GString) out = g_string_new(NULL);
        const char *f = json_string_value(args[0]);
        size_t next = 1;

        if (!f)
                return set_error(error, "error calling printf: the format must be a string"), NULL;
        for (const char *p = f; *p; p++) {
                const char *spec = p;
                if (*p != '%') {
                        g_string_append_c(out, *p);
                        continue;
                }
                if (p[1] == '%') {
                        g_string_append_c(out, '%');
                        p++;
                        continue;
                }
                p++;
                while (*p && strchr("-+ 0#", *p))
                        p++;
                while (g_ascii_isdigit(*p))
                        p++;
                if (!*p || !strchr("sdvqt", *p))
                        return set_error(error, "error calling printf: roost's printf takes %%s, %%d, %%v, %%q and %%t"), NULL;
                {
                        g_autofree char *width = g_strndup(spec, (gsize) (p - spec));
                        g_autofree char *text = next < n ? value_text(args[next]) : g_strdup("%!MISSING");
                        g_autofree char *quoted = *p == 'q' ? g_strdup_printf("\"%s\"", text) : NULL;
                        g_autofree char *fmt = g_strconcat(width, "s", NULL);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
                        g_string_append_printf(out, fmt, quoted ? quoted : text);
#pragma GCC diagnostic pop
                        next++;
                }
        }
        return rjson_string(out->str);
}

static json_t *call(const char *fn, json_t **args, size_t n, char **error) {
        if (streq(fn, "json") && n == 1) {
                g_autofree char *s = rjson_dump(args[0], false);
                return rjson_string(s);
        }
        if (streq(fn, "index") && n >= 2)
                return fn_index(args, n, error);
        if (streq(fn, "len") && n == 1) {
                if (json_is_array(args[0]))
                        return rjson_must(json_integer((json_int_t) json_array_size(args[0])));
                if (json_is_object(args[0]))
                        return rjson_must(json_integer((json_int_t) json_object_size(args[0])));
                if (json_is_string(args[0]))
                        return rjson_must(json_integer((json_int_t) json_string_length(args[0])));
                return set_error(error, "error calling len: len of this value"), NULL;
        }
        if ((streq(fn, "upper") || streq(fn, "lower") || streq(fn, "title")) && n == 1) {
                g_autofree char *t = value_text(args[0]);
                g_autofree char *r = streq(fn, "upper") ? g_ascii_strup(t, -1) : g_ascii_strdown(t, -1);
                if (streq(fn, "title"))
                        for (char *c = r; *c; c++)
                                if (c == r || c[-1] == ' ')
                                        *c = g_ascii_toupper(*c);
                return rjson_string(r);
        }
        if (streq(fn, "join") && n == 2 && json_is_array(args[0]) && json_is_string(args[1])) {
                g_autoptr(GString) s = g_string_new(NULL);
                size_t i;
                json_t *e;
                json_array_foreach(args[0], i, e) {
                        g_autofree char *t = value_text(e);
                        if (i)
                                g_string_append(s, json_string_value(args[1]));
                        g_string_append(s, t);
                }
                return rjson_string(s->str);
        }
        if (streq(fn, "split") && n == 2 && json_is_string(args[0]) && json_is_string(args[1])) {
                g_auto(GStrv) parts = g_strsplit(json_string_value(args[0]), json_string_value(args[1]), -1);
                json_t *a = rjson_array();
                for (char **p = parts; *p; p++)
                        rjson_append(a, rjson_string(*p));
                return a;
        }
        if (streq(fn, "printf") && n >= 1)
                return fn_printf(args, n, error);
        if ((streq(fn, "eq") || streq(fn, "ne")) && n >= 2) {
                bool any = false;
                for (size_t i = 1; i < n; i++)
                        any = any || json_equal(args[0], args[i]);
                return json_boolean(streq(fn, "eq") ? any : !any);
        }
        if (streq(fn, "not") && n == 1)
                return json_boolean(!truthy(args[0]));
        if (streq(fn, "and") || streq(fn, "or")) {
                for (size_t i = 0; i < n; i++)
                        if (truthy(args[i]) == streq(fn, "or") || i + 1 == n)
                                return json_incref(args[i]);
        }
        if (streq(fn, "true") || streq(fn, "false"))
                return json_boolean(streq(fn, "true"));
        if (streq(fn, "nil"))
                return json_null();
        return set_error(error, "function \"%s\" not defined, or not with %zu argument%s (roost knows json, index, len, "
                                "join, split, upper, lower, title, printf, eq, ne, not, and, or)",
                         fn, n, n == 1 ? "" : "s"), NULL;
}

/* --- evaluation -------------------------------------------------------------- */

static json_t *eval_pipeline(Exec *e, json_t *dot, GPtrArray *toks, guint from, guint to);

/* One operand at *i (advanced past it): a new reference, or NULL. */
static json_t *eval_operand(Exec *e, json_t *dot, GPtrArray *toks, guint *i, guint to) {
        Tok *t = toks->pdata[*i];

        switch (t->type) {
        case T_FIELD:
                (*i)++;
                return streq(t->text, ".") ? json_incref(dot) : follow(dot, t->text, &e->error);
        case T_VAR: {
                json_t *v = var_get(e, t->text);
                (*i)++;
                if (!v)
                        return set_error(&e->error, "undefined variable \"%s\"", t->text), NULL;
                return t->chain ? follow(v, t->chain, &e->error) : json_incref(v);
        }
        case T_STRING:
                (*i)++;
                return rjson_string(t->text);
        case T_NUMBER: {
                char *end;
                gint64 k = g_ascii_strtoll(t->text, &end, 10);
                (*i)++;
                if (*end) {
                        double d = g_ascii_strtod(t->text, &end);
                        if (*end)
                                return set_error(&e->error, "bad number \"%s\"", t->text), NULL;
                        return rjson_must(json_real(d));
                }
                return rjson_must(json_integer(k));
        }
        case T_LPAREN: {
                guint depth = 1, start = ++(*i);
                g_autoptr(json_t) v = NULL;
                Tok *close;
                while (*i < to && depth > 0) {
                        Tok *u = toks->pdata[*i];
                        depth += u->type == T_LPAREN ? 1 : u->type == T_RPAREN ? -1 : 0;
                        (*i)++;
                }
                if (depth > 0)
                        return set_error(&e->error, "unclosed left paren"), NULL;
                close = toks->pdata[*i - 1];
                v = eval_pipeline(e, dot, toks, start, *i - 1);
                if (!v)
                        return NULL;
                return close->chain ? follow(v, close->chain, &e->error) : g_steal_pointer(&v);
        }
        case T_IDENT:
                if (streq(t->text, "true") || streq(t->text, "false") || streq(t->text, "nil")) {
                        (*i)++;
                        return call(t->text, NULL, 0, &e->error);
                }
                return set_error(&e->error, "function \"%s\" needs parentheses here", t->text), NULL;
        default:
                return set_error(&e->error, "unexpected \"%s\"", t->type == T_RPAREN ? ")" : t->type == T_PIPE ? "|" : ","), NULL;
        }
}

/* A command: a function and its arguments (and the piped value last), or a
 * lone operand. */
static json_t *eval_command(Exec *e, json_t *dot, GPtrArray *toks, guint from, guint to, json_t *piped) {
        Tok *first = toks->pdata[from];
        g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func((GDestroyNotify) json_decref);
        guint i = from;
        json_t *r;

        if (first->type == T_IDENT && !streq(first->text, "true") && !streq(first->text, "false") && !streq(first->text, "nil")) {
                for (i = from + 1; i < to;) {
                        json_t *a = eval_operand(e, dot, toks, &i, to);
                        if (!a)
                                return NULL;
                        g_ptr_array_add(args, a);
                }
                if (piped)
                        g_ptr_array_add(args, json_incref(piped));
                return call(first->text, (json_t **) args->pdata, args->len, &e->error);
        }
        r = eval_operand(e, dot, toks, &i, to);
        if (r && (i < to || piped)) {
                json_decref(r);
                return set_error(&e->error, "can't give an argument to a non-function"), NULL;
        }
        return r;
}

static json_t *eval_pipeline(Exec *e, json_t *dot, GPtrArray *toks, guint from, guint to) {
        g_autoptr(json_t) v = NULL;
        guint start = from, depth = 0;

        if (from >= to)
                return set_error(&e->error, "missing value for command"), NULL;
        for (guint i = from; i <= to; i++) {
                Tok *t = i < to ? toks->pdata[i] : NULL;
                if (t && t->type == T_LPAREN)
                        depth++;
                else if (t && t->type == T_RPAREN)
                        depth--;
                if (t && !(t->type == T_PIPE && depth == 0))
                        continue;
                if (i == start)
                        return set_error(&e->error, "missing command in a pipeline"), NULL;
                {
                        json_t *next = eval_command(e, dot, toks, start, i, v);
                        json_decref(v);
                        v = next;
                        if (!v)
                                return NULL;
                }
                start = i + 1;
        }
        return g_steal_pointer(&v);
}

static bool exec_list(Exec *e, GPtrArray *list, json_t *dot);


/* one turn of a range: $k and $v set, the body run with v as dot */
static bool range_step(Exec *e, Node *n, json_t *k, json_t *v) {
        guint mark = e->vars->len;
        bool ok;

        if (n->key_var)
                var_push(e, n->key_var, k);
        if (n->value_var)
                var_push(e, n->value_var, v);
        ok = exec_list(e, n->body, v);
        var_pop_to(e, mark);
        return ok;
}

static bool exec_range(Exec *e, Node *n, json_t *dot) {
        g_autoptr(json_t) over = eval_pipeline(e, dot, n->toks, 0, n->toks->len);
        bool ok = true;

        if (!over)
                return false;
        if (!truthy(over))
                return n->alt ? exec_list(e, n->alt, dot) : true;
        if (json_is_array(over)) {
                size_t i;
                json_t *v;
                json_array_foreach(over, i, v) {
                        g_autoptr(json_t) k = rjson_must(json_integer((json_int_t) i));
                        if (!(ok = range_step(e, n, k, v)))
                                break;
                }
        } else if (json_is_object(over)) {
                /* as Go: a map's keys in order */
                g_autoptr(GPtrArray) keys = g_ptr_array_new();
                const char *key;
                json_t *v;
                json_object_foreach(over, key, v)
                        g_ptr_array_add(keys, (gpointer) key);
                g_ptr_array_sort(keys, strcmp_elements);
                for (guint i = 0; ok && i < keys->len; i++) {
                        g_autoptr(json_t) k = rjson_string(keys->pdata[i]);
                        ok = range_step(e, n, k, json_object_get(over, keys->pdata[i]));
                }
        } else
                return set_error(&e->error, "range can't iterate over %s", json_is_string(over) ? "a string" : "this value");
        return ok;
}

static bool exec_list(Exec *e, GPtrArray *list, json_t *dot) {
        for (guint i = 0; i < list->len; i++) {
                Node *n = list->pdata[i];
                switch (n->type) {
                case N_TEXT:
                        g_string_append(e->out, n->text);
                        break;
                case N_OUTPUT: {
                        g_autoptr(json_t) v = eval_pipeline(e, dot, n->toks, 0, n->toks->len);
                        if (!v)
                                return false;
                        print_value(e->out, v);
                        break;
                }
                case N_IF: {
                        g_autoptr(json_t) v = eval_pipeline(e, dot, n->toks, 0, n->toks->len);
                        if (!v)
                                return false;
                        if (truthy(v) ? !exec_list(e, n->body, dot) : n->alt && !exec_list(e, n->alt, dot))
                                return false;
                        break;
                }
                case N_RANGE:
                        if (!exec_range(e, n, dot))
                                return false;
                        break;
                }
        }
        return true;
}

char *cli_template_expand(const char *tmpl, json_t *node, char **ret_error) {
        Parser ps = { .p = tmpl };
        g_autofree char *error = NULL, *stop = NULL;
        g_autoptr(GPtrArray) list = NULL;
        g_autoptr(GString) out = g_string_new(NULL);
        g_autoptr(GArray) vars = g_array_new(FALSE, FALSE, sizeof(Var));
        Exec e = { .out = out, .vars = vars };

        ps.error = &error;
        list = parse_list(&ps, 0, &stop);
        if (!list) {
                *ret_error = g_steal_pointer(&error);
                return NULL;
        }
        var_push(&e, "$", node);
        if (!exec_list(&e, list, node)) {
                var_pop_to(&e, 0);
                *ret_error = g_steal_pointer(&e.error);
                return NULL;
        }
        var_pop_to(&e, 0);
        /* docker's templates understand \n and \t escapes written literally */
        return g_strcompress(out->str);
}
