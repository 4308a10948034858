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
