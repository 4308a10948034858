/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "daemon.h"
#include "json.h"

/* --userns=keep-id and --userns=auto: the container gets a user namespace of
 * its own, a child of the roost user namespace (whose IDs are 0 = the user,
 * 1..N = the subordinate IDs):
 *
 *   keep-id  container U (the user's own uid) -> roost 0 (the user);
 *            container 0..U-1 -> roost 1..U; U+1..N -> roost U+1..N
 *   auto     container 0..S-1 -> roost B..B+S-1, a range no other
 *            --userns=auto container has
 *
 * The image's files must then be owned by the shifted IDs. roost makes a
 * private copy of the container's root file system with the owners shifted
 * (idmapped mounts are not available to an unprivileged user for overlay
 * mounts made inside a user namespace); that costs disk space and time once,
 * at the first start, and a warning says so for large images. */

typedef struct IdMap {
        uint32_t container, outer, size; /* outer: in the roost user namespace */
} IdMap;

#define USERNS_MAPS_MAX 3

typedef struct UsernsPlan {
        IdMap uid[USERNS_MAPS_MAX], gid[USERNS_MAPS_MAX];
        size_t n_uid, n_gid;
} UsernsPlan;

/* holder_size: how many subordinate IDs the roost namespace maps (1..N). */
int userns_plan_keep_id(uid_t uid, gid_t gid, uint32_t holder_size, UsernsPlan *ret);
void userns_plan_auto(uint32_t base, uint32_t size, UsernsPlan *ret);

/* Picks a free range of size IDs for --userns=auto, away from what default
 * containers commonly use, given the ranges taken (base, size pairs). */
int userns_auto_allocate(uint32_t holder_size, uint32_t size, const uint32_t *taken, size_t n_taken, uint32_t *ret_base);

/* Adds "user" to the namespaces and the uidMappings/gidMappings to the OCI
 * "linux" object under construction. */
void userns_plan_to_json(const UsernsPlan *p, RJsonBuilder *b);

/* Copies the tree at src (an O_DIRECTORY fd) into dst (an empty directory
 * fd), giving every entry the owner p maps its owner to. Runs in the roost
 * user namespace. Returns bytes copied, or a negative errno with a message. */
int64_t userns_copy_shifted(int src, int dst, const UsernsPlan *p, char *errbuf, size_t errlen);

/* Maps an ID of the container to the roost namespace (or UINT32_MAX). */
uint32_t userns_map(const IdMap *m, size_t n, uint32_t id);
