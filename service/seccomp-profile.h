/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>

#include "json.h"

/* The default seccomp profile, equivalent to moby's (profiles/seccomp in
 * moby): everything not listed fails with EPERM; a few calls are allowed only
 * with arguments that are safe, or only when the container holds the
 * capability that makes them safe. caps: the container's capability names
 * ("CAP_SYS_ADMIN", ...), NULL-terminated. Adds the "seccomp" member to the
 * OCI "linux" object being built. With bind_listener, bind() is not allowed
 * but trapped (SCMP_ACT_NOTIFY), and the runtime brings the notification fd
 * to that UNIX socket (listenerPath): roost-portfwd's handoff of published
 * ports. libseccomp is loaded for the time it takes; when it cannot be,
 * returns a negative errno with *ret_error saying why and what fixes it. */
int seccomp_profile_build(RJsonBuilder *b, char *const *caps, const char *bind_listener, char **ret_error);

/* Number of syscall names of the unconditional allow list (for tests). */
size_t seccomp_profile_allowed_count(void);
