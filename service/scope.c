/* SPDX-License-Identifier: Apache-2.0 */
#include <glib.h>

#include "holder.h"
#include "log.h"
#include "roost-names.h"
#include "scope.h"

#define SYSTEMD_NAME "org.freedesktop.systemd1"
#define SYSTEMD_PATH "/org/freedesktop/systemd1"
#define SYSTEMD_MANAGER SYSTEMD_NAME ".Manager"

#define DELEGATE_HINT                                                                                             \
        "Delegate it to your user with a systemd drop-in (as root): create "                                     \
        "/etc/systemd/system/user@.service.d/delegate.conf with \"[Service]\" and \"Delegate=cpu cpuset io memory pids\", " \
        "run systemctl daemon-reload, then log out and in again"

typedef struct PendingJob {
        char *job;
        ScopeDone done;
        void *userdata;
        Daemon *daemon;
        sd_bus_slot *call;
} PendingJob;

static void pending_job_free(PendingJob *p) {
        if (!p)
                return;
        sd_bus_slot_unref(p->call);
        g_free(p->job);
        g_free(p);
}

bool scope_manager_available(sd_bus *bus) {
        return sd_bus_get_name_creds(bus, SYSTEMD_NAME, 0, NULL) >= 0;
}

static int append_resources(sd_bus_message *m, const ScopeResources *r) {
        int k = 0;

        if (!r)
                return 0;
        if (r->memory_max && (k = sd_bus_message_append(m, "(sv)", "MemoryMax", "t", r->memory_max)) < 0)
                return k;
        if (r->memory_swap_max && (k = sd_bus_message_append(m, "(sv)", "MemorySwapMax", "t", r->memory_swap_max)) < 0)
                return k;
        if (r->cpu_quota_usec && (k = sd_bus_message_append(m, "(sv)", "CPUQuotaPerSecUSec", "t", r->cpu_quota_usec)) < 0)
                return k;
        if (r->cpu_weight && (k = sd_bus_message_append(m, "(sv)", "CPUWeight", "t", r->cpu_weight)) < 0)
                return k;
        if (r->tasks_max && (k = sd_bus_message_append(m, "(sv)", "TasksMax", "t", r->tasks_max)) < 0)
                return k;
        if (r->allowed_cpus) {
                /* a bitmask, one bit per CPU, little-endian bytes */
                uint8_t mask[128] = {};
                size_t len = 0;
                g_auto(GStrv) parts = g_strsplit(r->allowed_cpus, ",", -1);
                for (char **p = parts; *p; p++) {
                        unsigned a, b;
                        if (sscanf(*p, "%u-%u", &a, &b) != 2) {
                                if (sscanf(*p, "%u", &a) != 1)
                                        return -EINVAL;
                                b = a;
                        }
                        if (a > b || b >= sizeof mask * 8)
                                return -EINVAL;
                        for (unsigned c = a; c <= b; c++) {
                                mask[c / 8] |= (uint8_t) (1u << (c % 8));
                                len = MAX(len, c / 8 + 1);
                        }
                }
                k = sd_bus_message_open_container(m, 'r', "sv");
                if (k >= 0)
                        k = sd_bus_message_append(m, "s", "AllowedCPUs");
                if (k >= 0)
                        k = sd_bus_message_open_container(m, 'v', "ay");
                if (k >= 0)
                        k = sd_bus_message_append_array(m, 'y', mask, len);
                if (k >= 0)
                        k = sd_bus_message_close_container(m);
                if (k >= 0)
                        k = sd_bus_message_close_container(m);
                if (k < 0)
                        return k;
        }
        return 0;
}

static int build_start(sd_bus *bus, const ScopeParams *p, sd_bus_message **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
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
        r = append_resources(m, p->resources);
        if (r < 0)
                return r;
        r = sd_bus_message_close_container(m);
        if (r < 0)
                return r;
        r = sd_bus_message_append(m, "a(sa(sv))", 0);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(m);
        return 0;
}

int scope_start(sd_bus *bus, const ScopeParams *p, char **ret_job) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        const char *job;
        int r;

        r = build_start(bus, p, &m);
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

static void pending_finish(Daemon *d, PendingJob *p, const char *result, const char *msg) {
        ScopeDone done = p->done;
        void *userdata = p->userdata;

        g_ptr_array_remove(d->pending_jobs, p); /* frees p */
        if (done)
                done(d, result, msg, userdata);
}

static int on_start_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        PendingJob *p = userdata;
        Daemon *d = p->daemon;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        const char *job;

        p->call = sd_bus_slot_unref(p->call);
        if (e) {
                pending_finish(d, p, NULL, e->message);
                return 0;
        }
        if (sd_bus_message_read(reply, "o", &job) < 0) {
                pending_finish(d, p, NULL, "bad reply from systemd");
                return 0;
        }
        /* JobRemoved for it comes later on this same connection */
        p->job = g_strdup(job);
        return 0;
}

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Daemon *d = userdata;
        const char *job, *unit, *result;
        uint32_t id;
        PendingJob *p;

        if (sd_bus_message_read(m, "uoss", &id, &job, &unit, &result) < 0)
                return 0;
        for (guint i = 0; i < d->pending_jobs->len; i++) {
                p = d->pending_jobs->pdata[i];
                if (p->job && streq(p->job, job)) {
                        pending_finish(d, p, result, NULL);
                        break;
                }
        }
        return 0;
}

int scope_watch_jobs(Daemon *d) {
        int r;

        d->pending_jobs = g_ptr_array_new_with_free_func((GDestroyNotify) pending_job_free);
        r = sd_bus_match_signal(d->bus, &d->job_removed_slot, SYSTEMD_NAME, SYSTEMD_PATH, SYSTEMD_MANAGER, "JobRemoved",
                                on_job_removed, d);
        if (r < 0)
                return log_error_errno(r, "Failed to watch systemd jobs: %m");
        r = sd_bus_call_method(d->bus, SYSTEMD_NAME, SYSTEMD_PATH, SYSTEMD_MANAGER, "Subscribe", NULL, NULL, NULL);
        if (r < 0)
                log_debug_errno(r, "Subscribe to systemd failed: %m");
        return 0;
}

void scope_start_holder(Daemon *d) {
        char unit[64];
        ScopeParams sp = {
                .unit = unit,
                .description = "roost namespace holder",
                .slice = ROOST_SLICE,
                .delegate = false,
        };

        /* an adopted holder is in the scope an earlier roostd made */
        if (!d->holder || d->holder->adopted)
                return;
        sp.pid = d->holder->pid;
        snprintf(unit, sizeof unit, "roost-holder-%d.scope", (int) d->holder->pid);
        (void) scope_start(d->bus, &sp, NULL);
}

static void manager_joined(Daemon *d) {
        int r;

        d->manager_watch_slot = sd_bus_slot_unref(d->manager_watch_slot);
        if (d->facts.systemd_scopes)
                return;
        d->facts.systemd_scopes = true;
        log_info("The systemd user manager is on the bus now: containers get their own scopes from here on.");
        r = sd_bus_call_method_async(d->bus, NULL, SYSTEMD_NAME, SYSTEMD_PATH, SYSTEMD_MANAGER, "Subscribe", NULL, NULL, NULL);
        if (r < 0)
                log_debug_errno(r, "Subscribe to systemd failed: %m");
        (void) sd_bus_emit_properties_changed(d->bus, ROOST_MANAGER_PATH, ROOST_MANAGER_IFACE, "SystemdScopes", NULL);
        /* the holder started in roostd's own cgroup: a restart of roostd
         * would take it (and the user namespace) down */
        scope_start_holder(d);
}

static int on_name_owner_changed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char *name, *old_owner, *new_owner;

        if (sd_bus_message_read(m, "sss", &name, &old_owner, &new_owner) >= 0 && streq(name, SYSTEMD_NAME) &&
            !isempty(new_owner))
                manager_joined(userdata);
        return 0;
}

int scope_watch_manager(Daemon *d) {
        int r;

        r = sd_bus_add_match(d->bus, &d->manager_watch_slot,
                             "type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus',"
                             "interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='" SYSTEMD_NAME "'",
                             on_name_owner_changed, d);
        if (r < 0)
                return log_error_errno(r, "Failed to watch for the systemd user manager: %m");
        /* it may have joined between the first look and the match */
        if (scope_manager_available(d->bus))
                manager_joined(d);
        return 0;
}

int scope_start_async(Daemon *d, const ScopeParams *p, ScopeDone done, void *userdata) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        PendingJob *pj;
        int r;

        r = build_start(d->bus, p, &m);
        if (r < 0)
                return r;
        pj = g_new0(PendingJob, 1);
        pj->done = done;
        pj->userdata = userdata;
        pj->daemon = d;
        r = sd_bus_call_async(d->bus, &pj->call, m, on_start_reply, pj, 10 * 1000 * 1000);
        if (r < 0) {
                pending_job_free(pj);
                return r;
        }
        g_ptr_array_add(d->pending_jobs, pj);
        return 0;
}

void scope_cancel_callbacks(Daemon *d, void *userdata) {
        if (!d->pending_jobs)
                return;
        for (guint i = 0; i < d->pending_jobs->len; i++) {
                PendingJob *p = d->pending_jobs->pdata[i];
                if (p->userdata == userdata) {
                        p->done = NULL;
                        p->userdata = NULL;
                }
        }
}

int scope_set_resources(Daemon *d, const char *unit, const ScopeResources *res, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        r = sd_bus_message_new_method_call(d->bus, &m, SYSTEMD_NAME, SYSTEMD_PATH, SYSTEMD_MANAGER, "SetUnitProperties");
        if (r < 0)
                return r;
        r = sd_bus_message_append(m, "sb", unit, 1);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(m, 'a', "(sv)");
        if (r >= 0)
                r = append_resources(m, res);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r < 0)
                return r;
        return sd_bus_call(d->bus, m, 10 * 1000 * 1000, error, NULL);
}

char *scope_check_controllers(char *const *delegated, const ScopeResources *res) {
        g_autoptr(GPtrArray) missing = g_ptr_array_new();
        g_autofree char *have = NULL, *want = NULL;

        if (!res)
                return NULL;
        if ((res->memory_max || res->memory_swap_max) && !strv_contains(delegated, "memory"))
                g_ptr_array_add(missing, (char *) "memory (--memory, --memory-swap)");
        if ((res->cpu_quota_usec || res->cpu_weight) && !strv_contains(delegated, "cpu"))
                g_ptr_array_add(missing, (char *) "cpu (--cpus, --cpu-shares)");
        if (res->tasks_max && !strv_contains(delegated, "pids"))
                g_ptr_array_add(missing, (char *) "pids (--pids-limit)");
        if (res->allowed_cpus && !strv_contains(delegated, "cpuset"))
                g_ptr_array_add(missing, (char *) "cpuset (--cpuset-cpus)");
        if (missing->len == 0)
                return NULL;
        g_ptr_array_add(missing, NULL);
        want = g_strjoinv(", ", (char **) missing->pdata);
        have = delegated && delegated[0] ? g_strjoinv(" ", (char **) delegated) : g_strdup("none");
        return g_strdup_printf("the cgroup controller%s %s %s not delegated to your user (delegated: %s). " DELEGATE_HINT ".",
                               missing->len > 2 ? "s" : "", want, missing->len > 2 ? "are" : "is", have);
}

int scope_attach(Daemon *d, const char *unit, pid_t pid) {
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        int r;

        r = sd_bus_call_method(d->bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
                               "AttachProcessesToUnit", &e, NULL, "ssau", unit, "", 1, (uint32_t) pid);
        if (r < 0)
                log_debug("AttachProcessesToUnit %s %d: %s", unit, (int) pid, e.message ? e.message : strerror(-r));
        return r;
}
