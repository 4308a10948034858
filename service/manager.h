/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "daemon.h"

/* io.roost.Manager1 at /io/roost/Roost1, and the ObjectManager below it. */
int manager_register(Daemon *d);
