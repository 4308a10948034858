/* SPDX-License-Identifier: Apache-2.0 */
#include "log.h"
#include "scope.h"

#define SYSTEMD_NAME "org.freedesktop.systemd1"
#define SYSTEMD_PATH "/org/freedesktop/systemd1"
#define SYSTEMD_MANAGER SYSTEMD_NAME ".Manager"

bool scope_manager_available(sd_bus *bus) {
        return sd_bus_get_name_creds(bus, SYSTEMD_NAME, 0, NULL) >= 0;
}

int scope_start(sd_bus *bus, const ScopeParams *p, char **ret_job) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        const char *job;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, SYSTEMD_NAME, SYSTEMD_PATH, SYSTEMD_MANAGER, "StartTransientUnit");
        if (r < 0)
                return r;
        r = sd_bus_message_append(m, "ss", p->unit, "fail");
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(m, 'a', "(sv)");
        if (r < 0)
                return r;
        r = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)(sv)",
                                  "Description", "s", p->description,
                                  "Slice", "s", p->slice,
                                  "Delegate", "b", p->delegate,
                                  "CollectMode", "s", "inactive-or-failed",
                                  "PIDs", "au", 1, (uint32_t) p->pid);
        if (r < 0)
                return r;
        r = sd_bus_message_close_container(m);
        if (r < 0)
                return r;
        r = sd_bus_message_append(m, "a(sa(sv))", 0);
        if (r < 0)
                return r;

        r = sd_bus_call(bus, m, 10 * 1000 * 1000, &error, &reply);
        if (r < 0)
                return log_error_errno(r, "Failed to start transient unit %s: %s", p->unit, error.message ?: strerror(-r));
        r = sd_bus_message_read(reply, "o", &job);
        if (r < 0)
                return r;
        if (ret_job) {
                *ret_job = strdup(job);
                if (!*ret_job)
                        return -ENOMEM;
        }
        return 0;
}
