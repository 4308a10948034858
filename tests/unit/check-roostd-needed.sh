#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# roostd's libraries (DT_NEEDED) must not include libglib-2.0, libgobject or
# libgio: roostd links roost's GLib subset (service/glib-subset/) to stay in
# its memory budget. Prints TAP.
set -eu
needed=$(readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
echo "1..1"
if echo "$needed" | grep -Eq '^lib(glib|gobject|gio|gmodule)-2\.0'; then
        echo "not ok 1 - roostd links GLib: $(echo "$needed" | tr '\n' ' ')"
        exit 1
fi
echo "ok 1 - roostd links none of GLib: $(echo "$needed" | tr '\n' ' ')"
