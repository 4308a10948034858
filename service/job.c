/* SPDX-License-Identifier: Apache-2.0 */
#include "bus-util.h"
#include "job.h"
#include "log.h"
#include "roost-names.h"

typedef struct JobLayer {
        char *digest, *status;
        uint64_t current, total;
} JobLayer;

struct Job {
        Daemon *d;
        uint32_t id;
        char *path, *type, *description, *target, *state, *result, *error_name, *error_message;
        uint64_t current, total;
        JobLayer *layers;
        size_t n_layers;
        sd_bus_slot *slot;
        sd_event_source *emit_timer, *linger_timer;
        bool dirty;
        JobCancelFn cancel;
        void *userdata;
};

static uint32_t job_next_id = 1;

const char *job_path(const Job *j) {
        return j->path;
}

uint32_t job_id(const Job *j) {
        return j->id;
}

bool job_is_finished(const Job *j) {
        return !streq(j->state, "running");
}

static void job_free(Job *j) {
        if (!j)
                return;
        if (j->d->bus && j->slot)
                (void) sd_bus_emit_interfaces_removed(j->d->bus, j->path, ROOST_JOB_IFACE, NULL);
        sd_bus_slot_unref(j->slot);
        sd_event_source_disable_unref(j->emit_timer);
        sd_event_source_disable_unref(j->linger_timer);
        for (size_t i = 0; i < j->n_layers; i++) {
                free(j->layers[i].digest);
                free(j->layers[i].status);
        }
        free(j->layers);
        free(j->path);
        free(j->type);
        free(j->description);
        free(j->target);
        free(j->state);
        free(j->result);
        free(j->error_name);
        free(j->error_message);
        free(j);
}

static int get_u32(sd_bus *bus, const char *path, const char *interface, const char *property, sd_bus_message *reply,
                   void *userdata, sd_bus_error *error) {
        return sd_bus_message_append(reply, "u", ((Job *) userdata)->id);
}

static int get_progress(sd_bus *bus, const char *path, const char *interface, const char *property,
                        sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Job *j = userdata;
        return sd_bus_message_append(reply, "t", streq(property, "ProgressCurrent") ? j->current : j->total);
}

static int get_layers(sd_bus *bus, const char *path, const char *interface, const char *property,
                      sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Job *j = userdata;
        int r;

        r = sd_bus_message_open_container(reply, 'a', "(sstt)");
        if (r < 0)
                return r;
        for (size_t i = 0; i < j->n_layers; i++) {
                r = sd_bus_message_append(reply, "(sstt)", j->layers[i].digest, j->layers[i].status,
                                          j->layers[i].current, j->layers[i].total);
                if (r < 0)
                        return r;
        }
        return sd_bus_message_close_container(reply);
}

static int method_cancel(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Job *j = userdata;
        JobCancelFn cancel = j->cancel;

        if (job_is_finished(j))
                return sd_bus_error_setf(error, ROOST_ERROR_FAILED, "Job %u already finished (%s).", j->id, j->state);
        j->cancel = NULL;
        if (cancel)
                cancel(j->userdata);
        if (!job_is_finished(j))
                job_finish(j, "cancelled", NULL, NULL, NULL);
        return sd_bus_reply_method_return(m, NULL);
}

static const sd_bus_vtable job_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("Cancel", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_cancel, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL_WITH_ARGS("Finished", SD_BUS_ARGS("s", state, "s", result, "s", error_name, "s", error_message), 0),
        SD_BUS_PROPERTY("Id", "u", get_u32, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Type", "s", bus_property_get_string, offsetof(Job, type), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("State", "s", bus_property_get_string, offsetof(Job, state), SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Description", "s", bus_property_get_string, offsetof(Job, description), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Target", "s", bus_property_get_string, offsetof(Job, target), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("ProgressCurrent", "t", get_progress, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("ProgressTotal", "t", get_progress, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Layers", "a(sstt)", get_layers, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("ErrorName", "s", bus_property_get_string, offsetof(Job, error_name), SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("ErrorMessage", "s", bus_property_get_string, offsetof(Job, error_message), SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Result", "s", bus_property_get_string, offsetof(Job, result), SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_VTABLE_END
};

static void job_emit(Job *j) {
        j->dirty = false;
        (void) sd_bus_emit_properties_changed(j->d->bus, j->path, ROOST_JOB_IFACE, "ProgressCurrent", "ProgressTotal",
                                              "Layers", NULL);
}

static int on_emit_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Job *j = userdata;
        if (j->dirty)
                job_emit(j);
        return 0;
}

/* Emits now if the last emission is older than 1/JOB_EMIT_HZ s, else
 * when it is. */
static void job_changed(Job *j) {
        int enabled = SD_EVENT_OFF;

        j->dirty = true;
        if (!j->emit_timer) {
                uint64_t now = 0;
                sd_event_now(j->d->event, CLOCK_MONOTONIC, &now);
                if (sd_event_add_time(j->d->event, &j->emit_timer, CLOCK_MONOTONIC, now + 1000000 / JOB_EMIT_HZ, 1000,
                                      on_emit_timer, j) < 0)
                        return;
                (void) sd_event_source_set_enabled(j->emit_timer, SD_EVENT_ONESHOT);
                job_emit(j);
                return;
        }
        (void) sd_event_source_get_enabled(j->emit_timer, &enabled);
        if (enabled == SD_EVENT_OFF) {
                uint64_t now = 0;
                sd_event_now(j->d->event, CLOCK_MONOTONIC, &now);
                (void) sd_event_source_set_time(j->emit_timer, now + 1000000 / JOB_EMIT_HZ);
                (void) sd_event_source_set_enabled(j->emit_timer, SD_EVENT_ONESHOT);
        }
}

int job_new(Daemon *d, const char *type, const char *description, const char *target, JobCancelFn cancel,
            void *userdata, Job **ret) {
        Job *j = calloc(1, sizeof *j);
        int r;

        if (!j)
                return -ENOMEM;
        j->d = d;
        j->id = job_next_id++;
        j->type = strdup(type);
        j->description = strdup(strempty(description));
        j->target = strdup(strempty(target));
        j->state = strdup("running");
        j->cancel = cancel;
        j->userdata = userdata;
        if (asprintf(&j->path, ROOST_JOB_PATH_PREFIX "/%u", j->id) < 0)
                j->path = NULL;
        if (!j->type || !j->description || !j->target || !j->state || !j->path) {
                job_free(j);
                return -ENOMEM;
        }
        r = sd_bus_add_object_vtable(d->bus, &j->slot, j->path, ROOST_JOB_IFACE, job_vtable, j);
        if (r < 0) {
                job_free(j);
                return r;
        }
        (void) sd_bus_emit_interfaces_added(d->bus, j->path, ROOST_JOB_IFACE, NULL);
        *ret = j;
        return 0;
}

void job_set_progress(Job *j, uint64_t current, uint64_t total) {
        if (j->current == current && j->total == total)
                return;
        j->current = current;
        j->total = total;
        job_changed(j);
}

void job_set_layer(Job *j, const char *digest, const char *status, uint64_t current, uint64_t total) {
        JobLayer *l = NULL;

        for (size_t i = 0; i < j->n_layers; i++)
                if (streq(j->layers[i].digest, digest))
                        l = &j->layers[i];
        if (!l) {
                JobLayer *n = realloc(j->layers, sizeof(JobLayer) * (j->n_layers + 1));
                if (!n)
                        return;
                j->layers = n;
                l = &j->layers[j->n_layers++];
                *l = (JobLayer) { .digest = strdup(digest), .status = strdup(status) };
        } else if (!streq(l->status, status)) {
                free(l->status);
                l->status = strdup(status);
        } else if (l->current == current && l->total == total)
                return;
        l->current = current;
        l->total = total;
        job_changed(j);
}

static int on_linger_end(sd_event_source *s, uint64_t usec, void *userdata) {
        job_free(userdata);
        return 0;
}

void job_finish(Job *j, const char *state, const char *result, const char *error_name, const char *error_message) {
        uint64_t now = 0;

        if (job_is_finished(j))
                return;
        j->cancel = NULL;
        free(j->state);
        j->state = strdup(state);
        j->result = strdup(strempty(result));
        j->error_name = strdup(strempty(error_name));
        j->error_message = strdup(strempty(error_message));
        j->emit_timer = sd_event_source_disable_unref(j->emit_timer);
        (void) sd_bus_emit_properties_changed(j->d->bus, j->path, ROOST_JOB_IFACE, "State", "Result", "ErrorName",
                                              "ErrorMessage", "ProgressCurrent", "ProgressTotal", "Layers", NULL);
        (void) sd_bus_emit_signal(j->d->bus, j->path, ROOST_JOB_IFACE, "Finished", "ssss", j->state, j->result,
                                  j->error_name, j->error_message);
        sd_event_now(j->d->event, CLOCK_MONOTONIC, &now);
        if (sd_event_add_time(j->d->event, &j->linger_timer, CLOCK_MONOTONIC, now + JOB_LINGER_S * 1000000ULL, 1000000,
                              on_linger_end, j) < 0)
                log_warning("Job %u cannot linger; it stays until roostd stops.", j->id);
}
