/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "json.h"

/* A D-Bus reply's value as JSON, for --format json and templates (a new
 * reference). */
json_t *variant_to_json(GVariant *v);
