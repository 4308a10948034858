/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdint.h>

/* A size as docker's flags take it: a number (decimals allowed) with an
 * optional unit b, k, m, g or t (powers of 1024, case folded, an optional
 * trailing "b": 512m, 1.5GB, 10kb). -EINVAL for anything else, -ERANGE past
 * INT64_MAX. */
int parse_size(const char *s, int64_t *ret);
