/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>

/* A random docker-style name, "adjective_noun"; taken(name, userdata) says
 * whether one is in use. Returns a newly allocated name. */
char *names_generate(bool (*taken)(const char *name, void *userdata), void *userdata);

/* 64 random hex digits, a new container's ID */
char *names_random_id(void);
