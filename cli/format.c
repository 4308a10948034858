/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "json-pretty.h"

int cli_format_parse(const char *arg, OutputFormat *ret) {
        if (!arg || g_str_equal(arg, "") || g_str_equal(arg, "table"))
                *ret = FORMAT_TABLE;
        else if (g_str_equal(arg, "json") || g_str_equal(arg, "{{json .}}"))
                *ret = FORMAT_JSON;
        else if (strstr(arg, "{{"))
                *ret = FORMAT_TEMPLATE;
        else {
                fprintf(stderr, "Error: unsupported format \"%s\": use table, json, or a template like '{{.ID}}'\n", arg);
                return -1;
        }
        return 0;
}


void cli_print_json(json_t *node) {
        g_autofree char *s = cli_json_pretty(node);
        printf("%s\n", s);
}

/* The rows of a "table TEMPLATE" listing, printed by cli_print_rows_end() */
static GPtrArray *table_rows;

static const char *table_template(const char *tmpl) {
        if (!tmpl || !g_str_has_prefix(tmpl, "table ") || !strstr(tmpl, "{{"))
                return NULL;
        tmpl += strlen("table ");
        while (*tmpl == ' ')
                tmpl++;
        return tmpl;
}

int cli_print_row(OutputFormat fmt, const char *tmpl, json_t *row) {
        g_autofree char *s = NULL, *err = NULL;
        const char *table = fmt == FORMAT_TEMPLATE ? table_template(tmpl) : NULL;

        if (table) {
                if (!(s = cli_template_expand(table, row, &err)))
                        return cli_fail("%s", err);
                if (!table_rows)
                        table_rows = g_ptr_array_new_with_free_func((GDestroyNotify) g_strfreev);
                g_ptr_array_add(table_rows, g_strsplit(s, "\t", -1));
                return 0;
        }
        if (fmt == FORMAT_JSON)
                s = rjson_dump(row, false);
        else if (!(s = cli_template_expand(tmpl, row, &err)))
                return cli_fail("%s", err);
        printf("%s\n", s);
        return 0;
}

int cli_print_inspect(const char *tmpl, json_t *items) {
        if (tmpl) {
                size_t i;
                json_t *item;
                json_array_foreach(items, i, item) {
                        int r = cli_print_row(FORMAT_TEMPLATE, tmpl, item);
                        if (r != 0)
                                return r;
                }
        } else
                cli_print_json(items);
        return 0;
}

/* A column's header, as docker names it: the field's own words in capitals
 * (CreatedAt: CREATED AT), unless the command names it (ID: IMAGE ID). */
static char *column_header(const char *action, const char *const *names) {
        g_autoptr(GString) h = g_string_new(NULL);
        const char *field;
        size_t n;

        if (g_str_has_prefix(action, "json "))
                action += strlen("json ");
        field = strrchr(action, '.');
        field = field ? field + 1 : action;
        n = strcspn(field, " }");
        for (const char *const *o = names; o && *o; o++) {
                const char *eq = strchr(*o, '=');
                if (eq && (size_t) (eq - *o) == n && strncmp(*o, field, n) == 0)
                        return g_strdup(eq + 1);
        }
        for (size_t i = 0; i < n; i++) {
                if (i > 0 && g_ascii_isupper(field[i]) && g_ascii_islower(field[i - 1]))
                        g_string_append_c(h, ' ');
                g_string_append_c(h, g_ascii_toupper(field[i]));
        }
        return g_string_free(g_steal_pointer(&h), FALSE);
}

void cli_print_rows_end(OutputFormat fmt, const char *tmpl, const char *const *names) {
        const char *table = fmt == FORMAT_TEMPLATE ? table_template(tmpl) : NULL;
        g_autoptr(GPtrArray) rows = g_steal_pointer(&table_rows);
        g_autoptr(GString) header = g_string_new(NULL);
        g_autofree char *text = NULL;

        if (!table)
                return;
        /* the template with each action replaced by its column's name */
        for (const char *p = table; *p;) {
                const char *open = strstr(p, "{{"), *close = open ? strstr(open, "}}") : NULL;
                if (!close) {
                        g_string_append(header, p);
                        break;
                }
                g_string_append_len(header, p, open - p);
                g_autofree char *action = g_strstrip(g_strndup(open + 2, (gsize) (close - open - 2)));
                g_autofree char *name = column_header(action, names);
                g_string_append(header, name);
                p = close + 2;
        }
        text = g_strcompress(header->str);
        if (!rows)
                rows = g_ptr_array_new_with_free_func((GDestroyNotify) g_strfreev);
        g_ptr_array_insert(rows, 0, g_strsplit(text, "\t", -1));
        cli_table_print(rows);
}

/* Looks up ".A.B" in node; "." alone is node itself. */
static json_t *lookup(json_t *node, const char *path, char **ret_error) {
        g_auto(GStrv) parts = NULL;

        if (path[0] != '.') {
                *ret_error = g_strdup_printf("template: unsupported action \"%s\": use {{.Field}} or {{json .Field}}", path);
                return NULL;
        }
        if (path[1] == 0)
                return node;
        parts = g_strsplit(path + 1, ".", -1);
        for (char **p = parts; *p; p++) {
                json_t *m = json_object_get(node, *p);
                if (!m) {
                        *ret_error = g_strdup_printf("template: can't evaluate field %s", *p);
                        return NULL;
                }
                node = m;
        }
        return node;
}

static void append_value(GString *out, json_t *node, bool as_json) {
        if (!as_json && json_is_string(node)) {
                g_string_append(out, json_string_value(node));
                return;
        }
        if (!as_json && json_is_boolean(node)) {
                g_string_append(out, json_is_true(node) ? "true" : "false");
                return;
        }
        if (!as_json && json_is_integer(node)) {
                g_string_append_printf(out, "%" G_GINT64_FORMAT, (gint64) json_integer_value(node));
                return;
        }
        if (!as_json && json_is_real(node)) {
                g_string_append_printf(out, "%g", json_real_value(node));
                return;
        }
        if (!as_json && json_is_array(node)) {
                /* as Go prints a slice: [a b c] */
                size_t i;
                json_t *e;
                g_string_append_c(out, '[');
                json_array_foreach(node, i, e) {
                        if (i)
                                g_string_append_c(out, ' ');
                        append_value(out, e, false);
                }
                g_string_append_c(out, ']');
                return;
        }
        g_autofree char *s = rjson_dump(node, false);
        g_string_append(out, s);
}

char *cli_template_expand(const char *tmpl, json_t *node, char **ret_error) {
        g_autoptr(GString) out = g_string_new(NULL);
        const char *p = tmpl;

        while (*p) {
                const char *open = strstr(p, "{{"), *close;
                g_autofree char *action = NULL;
                bool as_json = false;
                json_t *v;

                if (!open) {
                        g_string_append(out, p);
                        break;
                }
                g_string_append_len(out, p, open - p);
                close = strstr(open + 2, "}}");
                if (!close) {
                        *ret_error = g_strdup("template: unclosed action (missing \"}}\")");
                        return NULL;
                }
                action = g_strstrip(g_strndup(open + 2, (gsize) (close - open - 2)));
                if (g_str_has_prefix(action, "json ")) {
                        as_json = true;
                        memmove(action, action + 5, strlen(action + 5) + 1);
                        g_strstrip(action);
                }
                v = lookup(node, action, ret_error);
                if (!v)
                        return NULL;
                append_value(out, v, as_json);
                p = close + 2;
        }
        /* docker's templates understand \n and \t escapes written literally */
        {
                g_autofree char *c = g_strcompress(out->str);
                return g_steal_pointer(&c);
        }
}

void cli_table_print(GPtrArray *rows) {
        g_autofree size_t *width = NULL;
        size_t cols = 0;

        for (guint i = 0; i < rows->len; i++)
                cols = MAX(cols, (size_t) g_strv_length(rows->pdata[i]));
        width = g_new0(size_t, cols + 1);
        for (guint i = 0; i < rows->len; i++) {
                char **row = rows->pdata[i];
                for (size_t c = 0; row[c]; c++)
                        width[c] = MAX(width[c], (size_t) g_utf8_strlen(row[c], -1));
        }
        for (guint i = 0; i < rows->len; i++) {
                char **row = rows->pdata[i];
                for (size_t c = 0; row[c]; c++) {
                        /* as docker's tabwriter: cells at least 10 wide, 3 spaces apart */
                        size_t w = MAX(width[c] + 3, (size_t) 10);
                        if (!row[c + 1])
                                printf("%s", row[c]);
                        else
                                printf("%s%*s", row[c], (int) (w - g_utf8_strlen(row[c], -1)), "");
                }
                putchar('\n');
        }
}
