/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>
#include <stdint.h>

/* docker's human-readable sizes, ages, times and orders. No D-Bus here:
 * the unit tests link this file alone. */

/* 4.26MB, 150MB: SI units, as docker images */
char *cli_human_size(guint64 bytes);
/* "5 minutes ago" for seconds since the epoch; N/A for none */
char *cli_human_since(gint64 when);
/* as docker's units.HumanDuration */
char *cli_human_duration(uint64_t seconds);
char *cli_human_ago(uint64_t usec);
/* binary units, as docker stats */
char *cli_human_bytes_binary(uint64_t bytes);
/* "2026-11-28T22:24:07.123456Z" */
char *cli_rfc3339(uint64_t usec);
/* as Go's time.Time.String() in the local time zone, which docker's ls
 * commands print for CreatedAt: "2026-11-28 22:24:07.123456 +0000 UTC" */
char *cli_go_time(uint64_t usec);
uint64_t cli_now_usec(void);

/* The order docker sorts names and port lines in (sortorder.NaturalLess):
 * runs of digits compare as numbers, so net2 < net10. */
int cli_natural_compare(const char *a, const char *b);
