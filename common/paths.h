/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <sys/types.h>

#include "macro.h"

/* Where roost keeps things for the calling user. Each returns a newly
 * allocated path, or a negative errno when the environment does not say
 * (then a message was logged naming the variable). */
int roost_runtime_dir(char **ret);  /* $XDG_RUNTIME_DIR/roost */
int roost_data_dir(char **ret);     /* $XDG_DATA_HOME/roost, default ~/.local/share/roost */
int roost_user_config_dir(char **ret); /* $XDG_CONFIG_HOME/roost, default ~/.config/roost */
int roost_home_dir(char **ret);

/* mkdir -p with the given mode for every component created, and a final
 * check that the leaf is a directory owned by us and not group/world
 * accessible when mode says so. */
int mkdir_p(const char *path, mode_t mode);
int ensure_private_dir(const char *path);
