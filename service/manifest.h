/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "macro.h"
#include "oci-types.h"

/* OCI image index / manifest, Docker manifest list / schema 2, and image
 * configs: parsed from bounded buffers, checked, and the platform chosen. */

typedef struct Platform {
        char *os;
        char *arch;
        char *variant; /* NULL: any */
} Platform;

typedef struct Descriptor {
        char *media_type;
        char *digest;
        uint64_t size;
        Platform platform;   /* index entries */
        char *ref_name;      /* org.opencontainers.image.ref.name (image layouts) */
        char *image_name;    /* io.containerd.image.name (docker save's layouts) */
} Descriptor;

typedef enum ManifestKind {
        MANIFEST_INDEX,  /* OCI index or Docker manifest list */
        MANIFEST_IMAGE,  /* OCI manifest or Docker schema 2 */
} ManifestKind;

typedef struct Manifest {
        ManifestKind kind;
        char *media_type;
        Descriptor config;      /* MANIFEST_IMAGE */
        Descriptor *layers;     /* MANIFEST_IMAGE */
        size_t n_layers;
        Descriptor *manifests;  /* MANIFEST_INDEX */
        size_t n_manifests;
} Manifest;

typedef struct ImageConfig {
        char *os, *arch, *variant;
        char *created;          /* RFC 3339 as written, or NULL */
        int64_t created_unix;   /* 0 when unknown */
        char *author;
        char *user, *working_dir, *stop_signal;
        char **entrypoint, **cmd, **env;
        char **labels;          /* key, value, key, value, ... */
        char **exposed_ports;   /* "80/tcp", ... */
        char **volumes;         /* "/data", ... */
        char **diff_ids;
        struct ImageHistory *history;   /* the config's history, oldest first */
        size_t n_history;
} ImageConfig;

/* One step of an image's history ("docker history"). */
typedef struct ImageHistory {
        int64_t created;        /* seconds since the epoch, 0 when unknown */
        char *created_by, *comment;
        bool empty_layer;       /* made no layer (ENV, CMD, ...) */
} ImageHistory;

/* Errors returned, each with a message in *ret_error naming the fault:
 *   -EPROTONOSUPPORT  Docker schema 1 (deprecated and removed)
 *   -EMEDIUMTYPE      an unknown media type (of the manifest or a layer)
 *   -EBADMSG          not JSON, or JSON that is not a manifest
 *   -E2BIG            too many layers or index entries */
int manifest_parse(const char *data, size_t size, const char *content_type, Manifest **ret, char **ret_error);
void manifest_free(Manifest *m);
static inline void manifest_freep(Manifest **m) {
        manifest_free(*m);
}

/* The entry of an index for this platform, or NULL. A NULL variant in want
 * matches any; arm64 treats "" and "v8" alike. */
const Descriptor *manifest_select_platform(const Manifest *index, const Platform *want);

/* "linux/arm64/v8", "linux/amd64", "arm64" (os defaults to linux). */
int platform_parse(const char *s, Platform *ret);
char *platform_to_string(const Platform *p);
void platform_done(Platform *p);

LayerCompression layer_compression(const char *media_type);
bool media_type_is_config(const char *mt);

int image_config_parse(const char *data, size_t size, ImageConfig **ret, char **ret_error);
void image_config_free(ImageConfig *c);
static inline void image_config_freep(ImageConfig **c) {
        image_config_free(*c);
}

/* chain[0] = diff[0]; chain[i] = sha256(chain[i-1] + " " + diff[i]) */
int chain_ids_compute(char *const *diff_ids, char ***ret);

void descriptor_done(Descriptor *d);
