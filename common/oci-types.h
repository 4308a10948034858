/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* OCI and Docker media types, and the limits roost applies to what a
 * registry or an archive sends. Each lives here once. */

#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_OCI_LAYER "application/vnd.oci.image.layer.v1.tar"
#define MT_OCI_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define MT_OCI_LAYER_ZSTD "application/vnd.oci.image.layer.v1.tar+zstd"
#define MT_OCI_LAYER_ND "application/vnd.oci.image.layer.nondistributable.v1.tar"
#define MT_OCI_LAYER_ND_GZIP "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"
#define MT_OCI_LAYER_ND_ZSTD "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd"
#define MT_OCI_DESCRIPTOR "application/vnd.oci.descriptor.v1+json"
#define MT_OCI_LAYOUT_FILE "oci-layout"

#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define MT_DOCKER_LAYER_GZIP "application/vnd.docker.image.rootfs.diff.tar.gzip"
#define MT_DOCKER_LAYER_FOREIGN_GZIP "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"
#define MT_DOCKER_SCHEMA1 "application/vnd.docker.distribution.manifest.v1+json"
#define MT_DOCKER_SCHEMA1_SIGNED "application/vnd.docker.distribution.manifest.v1+prettyjws"

/* What a pull sends in Accept, most wanted first. */
#define OCI_ACCEPT_MANIFESTS \
        MT_OCI_INDEX ", " MT_OCI_MANIFEST ", " MT_DOCKER_LIST ", " MT_DOCKER_MANIFEST

/* Limits (bytes). A manifest or index is a few KiB in practice; containerd
 * refuses more than 4 MiB. A config carries history and labels: 8 MiB is
 * generous. */
#define OCI_MANIFEST_MAX (4U * 1024 * 1024)
#define OCI_CONFIG_MAX (8U * 1024 * 1024)
#define OCI_LAYERS_MAX 127U      /* overlayfs stacks at most ~128 lower dirs usefully */
#define OCI_INDEX_ENTRIES_MAX 1024U

/* Annotations used by OCI image layouts and archives. */
#define OCI_ANNOTATION_REF_NAME "org.opencontainers.image.ref.name"
#define CONTAINERD_ANNOTATION_IMAGE_NAME "io.containerd.image.name"

/* Compression of a layer, from its media type. */
typedef enum LayerCompression {
        LAYER_COMPRESSION_INVALID = -1,
        LAYER_COMPRESSION_NONE,
        LAYER_COMPRESSION_GZIP,
        LAYER_COMPRESSION_ZSTD,
} LayerCompression;
