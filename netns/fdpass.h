/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* One file descriptor and a few bytes over an AF_UNIX socket (SCM_RIGHTS). */
int fdpass_send(int sock, int fd, const void *data, size_t size);
/* Receives into data (at most size bytes; *ret_size gets the count) and the
 * descriptor (-EBADF in *ret_fd when none came, O_CLOEXEC otherwise). Waits
 * at most timeout_ms. */
int fdpass_recv(int sock, int *ret_fd, void *data, size_t size, size_t *ret_size, int timeout_ms);
