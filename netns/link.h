/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Interface configuration over rtnetlink (libmnl), in the network namespace
 * the calling thread is in. */
int link_set_up(const char *ifname);
