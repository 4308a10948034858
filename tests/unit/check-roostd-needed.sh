#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# roostd's libraries (DT_NEEDED) must not include libglib-2.0, libgobject or
# libgio: roostd links roost's GLib subset (service/glib-subset/) to stay in
# its memory budget. Nor libcurl: HTTP runs in the roost-http helper. Prints
# TAP.
set -eu
needed=$(readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
echo "1..2"
status=0
if echo "$needed" | grep -Eq '^lib(glib|gobject|gio|gmodule)-2\.0'; then
        echo "not ok 1 - roostd links GLib: $(echo "$needed" | tr '\n' ' ')"
        status=1
else
        echo "ok 1 - roostd links none of GLib: $(echo "$needed" | tr '\n' ' ')"
fi
# nor loads it: no libcurl.so in its strings (a dlopen() name)
if echo "$needed" | grep -q '^libcurl' || grep -aq 'libcurl\.so' "$1"; then
        echo "not ok 2 - roostd links or loads libcurl"
        status=1
else
        echo "ok 2 - roostd neither links nor loads libcurl"
fi
exit $status
