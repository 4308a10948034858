/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Names shared by roost's programs: D-Bus names, error names, file names.
 * Each lives here once. */

#define ROOST_BUS_NAME "io.roost.Roost1"
#define ROOST_MANAGER_PATH "/io/roost/Roost1"
#define ROOST_MANAGER_IFACE "io.roost.Manager1"
#define ROOST_CONTAINER_IFACE "io.roost.Container1"
#define ROOST_IMAGE_IFACE "io.roost.Image1"
#define ROOST_JOB_IFACE "io.roost.Job1"
#define ROOST_CONTAINER_PATH_PREFIX ROOST_MANAGER_PATH "/container"
#define ROOST_IMAGE_PATH_PREFIX ROOST_MANAGER_PATH "/image"
#define ROOST_JOB_PATH_PREFIX ROOST_MANAGER_PATH "/job"

/* D-Bus API version: bumped when a method or property changes incompatibly. */
#define ROOST_API_VERSION "1"

#define ROOST_ERROR_PREFIX "io.roost.Error."
#define ROOST_ERROR_INVALID_ARGUMENT ROOST_ERROR_PREFIX "InvalidArgument"
#define ROOST_ERROR_NO_SUCH_CONTAINER ROOST_ERROR_PREFIX "NoSuchContainer"
#define ROOST_ERROR_NO_SUCH_IMAGE ROOST_ERROR_PREFIX "NoSuchImage"
#define ROOST_ERROR_NO_SUCH_JOB ROOST_ERROR_PREFIX "NoSuchJob"
#define ROOST_ERROR_EXISTS ROOST_ERROR_PREFIX "Exists"
#define ROOST_ERROR_IN_USE ROOST_ERROR_PREFIX "InUse"
#define ROOST_ERROR_NOT_SUPPORTED ROOST_ERROR_PREFIX "NotSupported"
#define ROOST_ERROR_PERMISSION_DENIED ROOST_ERROR_PREFIX "PermissionDenied"
#define ROOST_ERROR_LIMIT ROOST_ERROR_PREFIX "Limit"
#define ROOST_ERROR_REGISTRY ROOST_ERROR_PREFIX "Registry"
#define ROOST_ERROR_TIMEOUT ROOST_ERROR_PREFIX "Timeout"
#define ROOST_ERROR_INVALID_IMAGE ROOST_ERROR_PREFIX "InvalidImage" /* corrupt, malformed or hostile content */
#define ROOST_ERROR_FAILED ROOST_ERROR_PREFIX "Failed"
#define ROOST_ERROR_NOT_RUNNING ROOST_ERROR_PREFIX "NotRunning"
#define ROOST_ERROR_COMMAND_NOT_FOUND ROOST_ERROR_PREFIX "CommandNotFound" /* docker's exit 127 */
#define ROOST_ERROR_CANNOT_INVOKE ROOST_ERROR_PREFIX "CannotInvoke"       /* docker's exit 126 */
#define ROOST_ERROR_NO_SUCH_VOLUME ROOST_ERROR_PREFIX "NoSuchVolume"
#define ROOST_ERROR_NO_SUCH_NETWORK ROOST_ERROR_PREFIX "NoSuchNetwork"

/* Upper bounds on what callers may send (bytes). */
#define ROOST_NAME_MAX 128      /* container, volume and network names */
#define ROOST_REFERENCE_MAX 1024 /* image references */
#define ROOST_ARG_MAX 65536     /* any other single string argument */

/* Files and directories, relative to $XDG_RUNTIME_DIR, $XDG_DATA_HOME and
 * $XDG_CONFIG_HOME. */
#define ROOST_DIR_NAME "roost"
#define ROOST_CONFIG_FILE "roost.conf"
#define ROOST_CONFIG_DROPIN_DIR "roost.conf.d"
#define ROOST_STATE_DB "state.db"
#define ROOST_HOLDER_FILE "holder"
#define ROOST_NETNS_FILE "netns"

#define ROOSTD_UNIT "roostd.service"
#define ROOST_SLICE "roost.slice"
#define ROOST_SCOPE_PREFIX "roost-"     /* roost-<id>.scope */
#define ROOST_CONTAINERS_DIR "containers" /* under the runtime and data dirs */
#define ROOST_BYPASS_DIR "bypass"         /* under the runtime dir: roost-portfwd's seccomp listeners */
#define ROOST_VOLUMES_DIR "volumes"       /* under the data dir */
#define ROOST_CONTAINER_LOG "ctr.log"

/* Image verifier plugins (as containerd's), below $XDG_CONFIG_HOME/roost and <sysconfdir>/roost */
#define ROOST_IMAGE_VERIFIERS_DIR "image-verifiers"

#define ROOST_ENABLE_HINT "systemctl --user enable --now roostd"
