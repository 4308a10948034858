/* SPDX-License-Identifier: Apache-2.0 */
#include <glib.h>

#include "bus-util.h"
#include "container.h"
#include "networks.h"
#include "volume.h"
#include "image-bus.h"
#include "image-store.h"
#include "log.h"
#include "manager.h"
#include "roost-names.h"

static int get_const_string(sd_bus *bus, const char *path, const char *interface, const char *property,
                            sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        const char *v = streq(property, "ServerVersion") ? ROOST_VERSION : ROOST_API_VERSION;
        return sd_bus_message_append(reply, "s", v);
}

static int append_idmap(sd_bus_message *m, uint32_t outside_first, const SubIdRange *sub) {
        return sd_bus_message_append(m, "a(uuu)", 2,
                                     (uint32_t) 0, outside_first, (uint32_t) 1,
                                     (uint32_t) 1, (uint32_t) sub->start, (uint32_t) sub->count);
}

static int get_idmap(sd_bus *bus, const char *path, const char *interface, const char *property,
                     sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Daemon *d = userdata;
        bool uid = streq(property, "UidMap");
        return append_idmap(reply, uid ? d->uid : d->gid, uid ? &d->holder->uids : &d->holder->gids);
}

static int get_holder(sd_bus *bus, const char *path, const char *interface, const char *property,
                      sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Daemon *d = userdata;
        if (streq(property, "HolderPID"))
                return sd_bus_message_append(reply, "u", (uint32_t) d->holder->pid);
        return sd_bus_message_append(reply, "s", d->holder->netns_path);
}

static int get_config_files(sd_bus *bus, const char *path, const char *interface, const char *property,
                            sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Daemon *d = userdata;
        return sd_bus_message_append_strv(reply, d->config->files);
}

static int append_version(Daemon *d, sd_bus_message *m) {
        int r;

        r = sd_bus_message_open_container(m, 'a', "{sv}");
        if (r < 0)
                return r;
        if ((r = bus_dict_append_str(m, "Version", ROOST_VERSION)) < 0 ||
            (r = bus_dict_append_str(m, "ApiVersion", ROOST_API_VERSION)) < 0 ||
            (r = bus_dict_append_str(m, "Runtime", d->facts.runtime)) < 0 ||
            (r = bus_dict_append_str(m, "RuntimeVersion", d->facts.runtime_version)) < 0 ||
            (r = bus_dict_append_str(m, "KernelVersion", d->facts.kernel_version)) < 0 ||
            (r = bus_dict_append_str(m, "Os", d->facts.os)) < 0 ||
            (r = bus_dict_append_str(m, "Arch", d->facts.arch)) < 0)
                return r;
        return sd_bus_message_close_container(m);
}

static int method_version(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r;

        r = sd_bus_message_new_method_return(m, &reply);
        if (r < 0)
                return r;
        r = append_version(userdata, reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int method_info(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Daemon *d = userdata;
        int r;

        r = sd_bus_message_new_method_return(m, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', "{sv}");
        if (r < 0)
                return r;
        if ((r = bus_dict_append_str(reply, "ServerVersion", ROOST_VERSION)) < 0 ||
            (r = bus_dict_append_str(reply, "ApiVersion", ROOST_API_VERSION)) < 0 ||
            (r = bus_dict_append_str(reply, "Runtime", d->facts.runtime)) < 0 ||
            (r = bus_dict_append_str(reply, "RuntimePath", d->facts.runtime_path)) < 0 ||
            (r = bus_dict_append_str(reply, "RuntimeVersion", d->facts.runtime_version)) < 0 ||
            (r = bus_dict_append_str(reply, "CgroupVersion", d->facts.cgroup_version)) < 0 ||
            (r = bus_dict_append_strv(reply, "CgroupControllers", d->facts.cgroup_controllers)) < 0 ||
            (r = bus_dict_append_bool(reply, "SystemdScopes", d->facts.systemd_scopes)) < 0 ||
            (r = bus_dict_append_str(reply, "StorageDriver", d->facts.storage_driver)) < 0 ||
            (r = bus_dict_append_bool(reply, "OverlaySupported", d->facts.overlay)) < 0 ||
            (r = bus_dict_append_u32(reply, "HolderPID", (uint32_t) d->holder->pid)) < 0 ||
            (r = bus_dict_append_str(reply, "NetworkNamespace", d->holder->netns_path)) < 0 ||
            (r = bus_dict_append_str(reply, "DataDirectory", d->data_dir)) < 0 ||
            (r = bus_dict_append_str(reply, "RuntimeDirectory", d->runtime_dir)) < 0 ||
            (r = bus_dict_append_strv(reply, "ConfigFiles", d->config->files)) < 0 ||
            (r = bus_dict_append_str(reply, "KernelVersion", d->facts.kernel_version)) < 0 ||
            (r = bus_dict_append_str(reply, "Os", d->facts.os)) < 0 ||
            (r = bus_dict_append_str(reply, "Arch", d->facts.arch)) < 0 ||
            (r = bus_dict_append_u32(reply, "Containers", containers_count(d, false))) < 0 ||
            (r = bus_dict_append_u32(reply, "ContainersRunning", containers_count(d, true))) < 0 ||
            (r = bus_dict_append_u32(reply, "Images", image_store_count(d->db))) < 0)
                return r;
        r = bus_dict_entry_open(reply, "UidMap", "a(uuu)");
        if (r >= 0)
                r = append_idmap(reply, d->uid, &d->holder->uids);
        if (r >= 0)
                r = bus_dict_entry_close(reply);
        if (r >= 0)
                r = bus_dict_entry_open(reply, "GidMap", "a(uuu)");
        if (r >= 0)
                r = append_idmap(reply, d->gid, &d->holder->gids);
        if (r >= 0)
                r = bus_dict_entry_close(reply);
        if (r < 0)
                return r;
        return bus_close_and_send(reply);
}

static const sd_bus_vtable manager_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("Version", SD_BUS_NO_ARGS, SD_BUS_RESULT("a{sv}", version),
                                method_version, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Info", SD_BUS_NO_ARGS, SD_BUS_RESULT("a{sv}", info),
                                method_info, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetContainer", SD_BUS_ARGS("s", name_or_id), SD_BUS_RESULT("o", path),
                                method_get_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetImage", SD_BUS_ARGS("s", reference), SD_BUS_RESULT("o", path),
                                method_get_image, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("CreateContainer", SD_BUS_ARGS("a{sv}", options), SD_BUS_RESULT("o", path),
                                method_create_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ListContainers", SD_BUS_ARGS("b", all), SD_BUS_RESULT("aa{sv}", containers),
                                method_list_containers, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("PruneContainers", SD_BUS_NO_ARGS, SD_BUS_RESULT("as", removed),
                                method_prune_containers, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("CreateVolume", SD_BUS_ARGS("s", name, "a{ss}", labels), SD_BUS_RESULT("a{sv}", volume),
                                method_create_volume, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ListVolumes", SD_BUS_NO_ARGS, SD_BUS_RESULT("aa{sv}", volumes),
                                method_list_volumes, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("InspectVolume", SD_BUS_ARGS("s", name), SD_BUS_RESULT("a{sv}", volume),
                                method_inspect_volume, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("RemoveVolume", SD_BUS_ARGS("s", name, "b", force), SD_BUS_NO_RESULT,
                                method_remove_volume, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("PruneVolumes", SD_BUS_NO_ARGS, SD_BUS_RESULT("as", removed),
                                method_prune_volumes, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("CreateNetwork", SD_BUS_ARGS("s", name, "a{sv}", options), SD_BUS_RESULT("a{sv}", network),
                                method_create_network, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ListNetworks", SD_BUS_NO_ARGS, SD_BUS_RESULT("aa{sv}", networks),
                                method_list_networks, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("InspectNetwork", SD_BUS_ARGS("s", name), SD_BUS_RESULT("a{sv}", network),
                                method_inspect_network, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("RemoveNetwork", SD_BUS_ARGS("s", name), SD_BUS_NO_RESULT,
                                method_remove_network, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("PruneNetworks", SD_BUS_NO_ARGS, SD_BUS_RESULT("as", removed),
                                method_prune_networks, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL_WITH_ARGS("Event", SD_BUS_ARGS("s", type, "s", action, "s", id, "a{ss}", attributes, "t", time), 0),
        SD_BUS_METHOD_WITH_ARGS("Pull", SD_BUS_ARGS("s", reference, "a{sv}", options), SD_BUS_RESULT("o", job),
                                method_pull, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ListImages", SD_BUS_ARGS("a{sv}", filter), SD_BUS_RESULT("aa{sv}", images),
                                method_list_images, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("RemoveImage", SD_BUS_ARGS("s", reference, "b", force),
                                SD_BUS_RESULT("as", untagged, "as", deleted), method_remove_image, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("TagImage", SD_BUS_ARGS("s", source, "s", target), SD_BUS_NO_RESULT,
                                method_tag_image, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("PruneImages", SD_BUS_ARGS("b", all), SD_BUS_RESULT("as", deleted, "t", reclaimed),
                                method_prune_images, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("LoadImages", SD_BUS_ARGS("h", archive), SD_BUS_RESULT("as", loaded),
                                method_load_images, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SaveImages", SD_BUS_ARGS("as", references, "h", output, "s", format), SD_BUS_NO_RESULT,
                                method_save_images, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ImportImage", SD_BUS_ARGS("h", tarball, "s", reference, "a{sv}", options),
                                SD_BUS_RESULT("s", id), method_import_image, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Login", SD_BUS_ARGS("s", registry, "s", username, "s", password),
                                SD_BUS_RESULT("s", message), method_login, SD_BUS_VTABLE_UNPRIVILEGED | SD_BUS_VTABLE_SENSITIVE),
        SD_BUS_METHOD_WITH_ARGS("Logout", SD_BUS_ARGS("s", registry), SD_BUS_RESULT("s", message),
                                method_logout, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_PROPERTY("ServerVersion", "s", get_const_string, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("ApiVersion", "s", get_const_string, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Runtime", "s", bus_property_get_string, offsetof(Daemon, facts.runtime), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("RuntimePath", "s", bus_property_get_string, offsetof(Daemon, facts.runtime_path), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("RuntimeVersion", "s", bus_property_get_string, offsetof(Daemon, facts.runtime_version), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("CgroupVersion", "s", bus_property_get_string, offsetof(Daemon, facts.cgroup_version), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("CgroupControllers", "as", bus_property_get_strv, offsetof(Daemon, facts.cgroup_controllers), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("SystemdScopes", "b", bus_property_get_bool, offsetof(Daemon, facts.systemd_scopes), SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("StorageDriver", "s", bus_property_get_string, offsetof(Daemon, facts.storage_driver), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("OverlaySupported", "b", bus_property_get_bool, offsetof(Daemon, facts.overlay), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("UidMap", "a(uuu)", get_idmap, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("GidMap", "a(uuu)", get_idmap, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("HolderPID", "u", get_holder, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("NetworkNamespace", "s", get_holder, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("DataDirectory", "s", bus_property_get_string, offsetof(Daemon, data_dir), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("RuntimeDirectory", "s", bus_property_get_string, offsetof(Daemon, runtime_dir), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("ConfigFiles", "as", get_config_files, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("KernelVersion", "s", bus_property_get_string, offsetof(Daemon, facts.kernel_version), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_VTABLE_END
};

int manager_register(Daemon *d) {
        int r;

        r = sd_bus_add_object_vtable(d->bus, NULL, ROOST_MANAGER_PATH, ROOST_MANAGER_IFACE, manager_vtable, d);
        if (r < 0)
                return log_error_errno(r, "Failed to register %s: %m", ROOST_MANAGER_IFACE);
        r = sd_bus_add_object_manager(d->bus, NULL, ROOST_MANAGER_PATH);
        if (r < 0)
                return log_error_errno(r, "Failed to add the object manager: %m");
        return image_bus_register(d);
}
