/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct CliTable {
        guint columns;
        GPtrArray *rows; /* of char ** */
};

CliTable *cli_table_new(const char *const *headers) {
        CliTable *t = g_new0(CliTable, 1);
        t->columns = g_strv_length((char **) headers);
        t->rows = g_ptr_array_new_with_free_func((GDestroyNotify) g_strfreev);
        cli_table_add(t, headers);
        return t;
}

void cli_table_add(CliTable *t, const char *const *cells) {
        g_ptr_array_add(t->rows, g_strdupv((char **) cells));
}

/* docker's tabwriter: columns padded to the widest cell plus three blanks */
void cli_table_print(CliTable *t, FILE *f) {
        g_autofree size_t *w = g_new0(size_t, t->columns);

        for (guint r = 0; r < t->rows->len; r++) {
                char **row = t->rows->pdata[r];
                for (guint c = 0; c < t->columns && row[c]; c++)
                        w[c] = MAX(w[c], g_utf8_strlen(row[c], -1));
        }
        for (guint r = 0; r < t->rows->len; r++) {
                char **row = t->rows->pdata[r];
                for (guint c = 0; c < t->columns && row[c]; c++) {
                        if (c + 1 == t->columns || !row[c + 1])
                                fputs(row[c], f);
                        else
                                fprintf(f, "%s%*s", row[c], (int) (w[c] - g_utf8_strlen(row[c], -1) + 3), "");
                }
                fputc('\n', f);
        }
}

void cli_table_free(CliTable *t) {
        if (!t)
                return;
        g_ptr_array_free(t->rows, TRUE);
        g_free(t);
}
