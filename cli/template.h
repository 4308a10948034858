/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "json.h"

/* Expands a --format template in the manner of Go's text/template, as
 * docker's: {{.Key}}, {{.Key.Sub}}, {{json .Key}}, {{range}}, {{if}},
 * functions (index, len, join, ...), against node. Returns NULL and sets
 * *ret_error ("template: ...") on a bad template. */
char *cli_template_expand(const char *tmpl, json_t *node, char **ret_error);
