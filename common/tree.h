/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Whole-tree operations relative to directory fds, never following
 * symbolic links, so they cannot be led out of the tree they work on. */

/* The names in the directory dirfd (without "." and ".."), unsorted. */
int readdir_names_at(int dirfd, char ***ret);

/* Removes name (a file, or a directory and everything in it) below dirfd.
 * A missing name is not an error. */
int rm_rf_at(int dirfd, const char *name);
/* Removes everything inside the directory dirfd, keeping it. */
int rm_rf_children(int dirfd);

/* Copies everything inside src_dirfd into dst_dirfd (an empty directory),
 * keeping types, owners, modes, times, extended attributes and hard links.
 * Device nodes are skipped. */
int copy_tree_at(int src_dirfd, int dst_dirfd);
