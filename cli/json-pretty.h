/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "json.h"

/* JSON indented as docker prints inspect output (Go's json.MarshalIndent
 * with four spaces): "Key": value, and {} and [] when empty. No D-Bus
 * here: the unit tests link this alone. */
char *cli_json_pretty(json_t *node);
