/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <glib.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "content-store.h"
#include "fileio.h"
#include "log.h"
#include "paths.h"
#include "tree.h"

#define BLOBS_DIR "blobs/sha256"
#define INGEST_DIR "ingest"

void content_store_free(ContentStore *cs) {
        if (!cs)
                return;
        safe_close(cs->blobs_fd);
        safe_close(cs->ingest_fd);
        free(cs->root);
        free(cs);
}

int content_store_open(const char *data_dir, ContentStore **ret) {
        _cleanup_free_ char *blobs = strjoin(data_dir, "/" BLOBS_DIR), *ingest = strjoin(data_dir, "/" INGEST_DIR);
        ContentStore *cs;
        int r;

        if (!blobs || !ingest)
                return -ENOMEM;
        if ((r = mkdir_p(blobs, 0700)) < 0 || (r = mkdir_p(ingest, 0700)) < 0)
                return log_error_errno(r, "Failed to create the content store in %s: %m", data_dir);
        cs = calloc(1, sizeof *cs);
        if (!cs)
                return -ENOMEM;
        cs->root = strdup(data_dir);
        cs->blobs_fd = open(blobs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        cs->ingest_fd = open(ingest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (!cs->root || cs->blobs_fd < 0 || cs->ingest_fd < 0) {
                r = log_error_errno(errno ?: ENOMEM, "Failed to open the content store in %s: %m", data_dir);
                content_store_free(cs);
                return r;
        }
        /* partial downloads of an earlier run: nobody can finish them */
        r = rm_rf_children(cs->ingest_fd);
        if (r < 0)
                log_warning_errno(r, "Failed to empty %s: %m", ingest);
        *ret = cs;
        return 0;
}

int content_store_has(ContentStore *cs, const char *digest, uint64_t *ret_size) {
        struct stat st;

        if (!digest_is_valid(digest))
                return -EINVAL;
        if (fstatat(cs->blobs_fd, digest_hex(digest), &st, AT_SYMLINK_NOFOLLOW) < 0)
                return errno == ENOENT ? 0 : -errno;
        if (!S_ISREG(st.st_mode))
                return 0;
        if (ret_size)
                *ret_size = (uint64_t) st.st_size;
        return 1;
}

uint64_t content_store_blob_size(ContentStore *cs, const char *digest) {
        uint64_t s = 0;
        return content_store_has(cs, digest, &s) > 0 ? s : 0;
}

int content_store_open_blob(ContentStore *cs, const char *digest) {
        int fd;

        if (!digest_is_valid(digest))
                return -EINVAL;
        fd = openat(cs->blobs_fd, digest_hex(digest), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

int content_store_read(ContentStore *cs, const char *digest, size_t max, char **ret, size_t *ret_size) {
        _cleanup_close_ int fd = content_store_open_blob(cs, digest);
        _cleanup_free_ char *buf = NULL;
        char got[DIGEST_STRING_MAX];
        size_t n;
        int r;

        if (fd < 0)
                return fd;
        r = read_full_fd(fd, max, &buf, &n);
        if (r < 0)
                return r;
        sha256_digest(buf, n, got);
        if (!streq(got, digest))
                return log_error_errno(EBADMSG, "Blob %s in the content store is damaged (its content has digest %s).",
                                       digest, got);
        *ret = TAKE_PTR(buf);
        if (ret_size)
                *ret_size = n;
        return 0;
}

int content_store_write(ContentStore *cs, const void *p, size_t n, char ret_digest[static DIGEST_STRING_MAX]) {
        Ingest *in;
        int r;

        r = ingest_start(cs, NULL, (int64_t) n, &in);
        if (r < 0)
                return r;
        r = ingest_write(in, p, n);
        if (r < 0) {
                ingest_abort(in);
                return r;
        }
        return ingest_commit(in, ret_digest, NULL);
}

int content_store_remove(ContentStore *cs, const char *digest) {
        if (!digest_is_valid(digest))
                return -EINVAL;
        if (unlinkat(cs->blobs_fd, digest_hex(digest), 0) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}

int content_store_list(ContentStore *cs, char ***ret) {
        _cleanup_strv_free_ char **names = NULL, **l = calloc(1, sizeof(char *));
        int r;

        if (!l)
                return -ENOMEM;
        r = readdir_names_at(cs->blobs_fd, &names);
        if (r < 0)
                return r;
        for (char **n = names; *n; n++) {
                char *dg = strjoin(DIGEST_SHA256_PREFIX, *n);
                if (!dg)
                        return -ENOMEM;
                if (!digest_is_valid(dg)) {
                        free(dg);
                        continue;
                }
                if (strv_push(&l, dg) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

/* --- ingest ------------------------------------------------------------------ */

int ingest_start(ContentStore *cs, const char *expected_digest, int64_t expected_size, Ingest **ret) {
        Ingest *in = calloc(1, sizeof *in);
        uint64_t rnd = 0;

        if (!in)
                return -ENOMEM;
        in->cs = cs;
        in->expected_size = expected_size;
        (void) getrandom(&rnd, sizeof rnd, 0);
        snprintf(in->name, sizeof in->name, "%016llx", (unsigned long long) rnd);
        in->hash = sha256_new();
        in->expected = expected_digest ? strdup(expected_digest) : NULL;
        if (!in->hash || (expected_digest && !in->expected)) {
                ingest_abort(in);
                return -ENOMEM;
        }
        in->fd = openat(cs->ingest_fd, in->name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (in->fd < 0) {
                int r = -errno;
                in->fd = -EBADF;
                ingest_abort(in);
                return r;
        }
        *ret = in;
        return 0;
}

int ingest_write(Ingest *in, const void *p, size_t n) {
        int r;

        if (in->expected_size >= 0 && in->size + n > (uint64_t) in->expected_size)
                return -EFBIG;
        r = loop_write(in->fd, p, n);
        if (r < 0)
                return r;
        sha256_update(in->hash, p, n);
        in->size += n;
        return 0;
}

static void ingest_free(Ingest *in) {
        safe_close(in->fd);
        sha256_free(in->hash);
        free(in->expected);
        free(in);
}

void ingest_abort(Ingest *in) {
        if (!in)
                return;
        if (in->fd >= 0)
                (void) unlinkat(in->cs->ingest_fd, in->name, 0);
        ingest_free(in);
}

int ingest_commit(Ingest *in, char *ret_digest, char **ret_error) {
        char got[DIGEST_STRING_MAX];
        int r;

        sha256_final(in->hash, got);
        if (in->expected_size >= 0 && in->size != (uint64_t) in->expected_size) {
                if (ret_error)
                        *ret_error = g_strdup_printf("blob %s: got %llu bytes, expected %lld", strna(in->expected),
                                                     (unsigned long long) in->size, (long long) in->expected_size);
                ingest_abort(in);
                return -EPIPE;
        }
        if (in->expected && !streq(got, in->expected)) {
                if (ret_error)
                        *ret_error = g_strdup_printf("blob %s: the content received has digest %s: it is corrupt or was "
                                                     "tampered with, nothing was stored", in->expected, got);
                ingest_abort(in);
                return -EBADMSG;
        }
        if (fchmod(in->fd, 0644) < 0 || renameat(in->cs->ingest_fd, in->name, in->cs->blobs_fd, digest_hex(got)) < 0) {
                r = -errno;
                ingest_abort(in);
                return r;
        }
        in->fd = safe_close(in->fd);
        if (ret_digest)
                memcpy(ret_digest, got, DIGEST_STRING_MAX);
        ingest_free(in);
        return 0;
}
