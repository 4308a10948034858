/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <sched.h>
#include <sys/types.h>

/* Joins namespaces of a process (CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET
 * ...) in one atomic setns() through a pidfd, so a PID reused in between
 * cannot send us elsewhere. The caller must be single-threaded when flags
 * include CLONE_NEWUSER. After joining a user namespace we own, the caller
 * is root there with full capabilities. */
int ns_enter(pid_t pid, int flags);

/* The inode of /proc/PID/ns/<name> ("user", "net", ...). */
int ns_inode(pid_t pid, const char *name, unsigned long long *ret);

int pidfd_open_pid(pid_t pid);
