/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdint.h>
#include <time.h>

/* "2026-11-28T20:15:23.123456789Z": UTC, always nine fraction digits (so
 * that such stamps sort as text), as in CRI log lines and exit records. */
#define RFC3339NANO_MAX 32
char *format_rfc3339nano(char buf[static RFC3339NANO_MAX], const struct timespec *ts);

static inline uint64_t timespec_to_ns(const struct timespec *ts) {
        return (uint64_t) ts->tv_sec * UINT64_C(1000000000) + (uint64_t) ts->tv_nsec;
}

/* Milliseconds on CLOCK_MONOTONIC. */
int64_t now_monotonic_ms(void);
