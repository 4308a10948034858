/* SPDX-License-Identifier: Apache-2.0 */
#include "image-bus.h"
#include "roost-names.h"

int method_load_images(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return sd_bus_error_setf(error, ROOST_ERROR_NOT_SUPPORTED, "not yet");
}

int method_save_images(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return sd_bus_error_setf(error, ROOST_ERROR_NOT_SUPPORTED, "not yet");
}

int method_import_image(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return sd_bus_error_setf(error, ROOST_ERROR_NOT_SUPPORTED, "not yet");
}
