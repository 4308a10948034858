/* SPDX-License-Identifier: Apache-2.0 */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <glib.h>
#include "json.h"
#include <sys/random.h>
#include <sys/stat.h>

#include "archive-io.h"
#include "digest.h"
#include "fileio.h"
#include "macro.h"
#include "unpack.h"

#define BLOCK (128 * 1024)
#define PLAN_MAX (16 * 1024 * 1024)

/* A blob being written into ingest/, renamed into blobs/ by its digest. */
typedef struct Sink {
        int ingest_fd, blobs_fd, fd;
        char name[32];
        Sha256 *hash;
        uint64_t size;
} Sink;

static int sink_open(Sink *s, int ingest_fd, int blobs_fd) {
        uint64_t rnd = 0;

        *s = (Sink) { .ingest_fd = ingest_fd, .blobs_fd = blobs_fd };
        (void) getrandom(&rnd, sizeof rnd, 0);
        snprintf(s->name, sizeof s->name, "load-%016llx", (unsigned long long) rnd);
        s->hash = sha256_new();
        if (!s->hash)
                return -ENOMEM;
        s->fd = openat(ingest_fd, s->name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        return s->fd < 0 ? -errno : 0;
}

static int sink_write(Sink *s, const void *p, size_t n) {
        int r = loop_write(s->fd, p, n);
        if (r < 0)
                return r;
        sha256_update(s->hash, p, n);
        s->size += n;
        return 0;
}

static void sink_abort(Sink *s) {
        if (s->fd >= 0) {
                (void) unlinkat(s->ingest_fd, s->name, 0);
                s->fd = safe_close(s->fd);
        }
        sha256_free(s->hash);
        s->hash = NULL;
}

static int sink_commit(Sink *s, char digest[static DIGEST_STRING_MAX]) {
        sha256_final(s->hash, digest);
        sha256_free(s->hash);
        s->hash = NULL;
        if (fchmod(s->fd, 0644) < 0 || renameat(s->ingest_fd, s->name, s->blobs_fd, digest_hex(digest)) < 0) {
                int r = -errno;
                (void) unlinkat(s->ingest_fd, s->name, 0);
                s->fd = safe_close(s->fd);
                return r;
        }
        s->fd = safe_close(s->fd);
        return 0;
}

int archive_load(int in_fd, int ingest_fd, int blobs_fd, FILE *out, char **ret_error) {
        struct archive *a = archive_read_new();
        struct archive_entry *e;
        g_autoptr(RJsonBuilder) b = rjson_builder_new();
        g_autoptr(json_t) root = NULL;
        g_autofree char *text = NULL;
        unsigned n = 0;
        int r = 0, k;

        if (!a)
                return -ENOMEM;
        archive_read_support_filter_all(a);
        archive_read_support_format_tar(a);
        if (archive_read_open_fd(a, in_fd, BLOCK) != ARCHIVE_OK) {
                *ret_error = g_strdup_printf("cannot read the archive: %s", archive_error_string(a) ?: "unknown error");
                archive_read_free(a);
                return -EBADMSG;
        }
        rjson_begin_object(b);
        rjson_key(b, "files");
        rjson_begin_object(b);
        while ((k = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
                const char *name = archive_entry_pathname(e);
                char digest[DIGEST_STRING_MAX];
                const char *hex;
                const void *buf;
                size_t len;
                la_int64_t off;
                Sink s;

                if (k < ARCHIVE_WARN) {
                        *ret_error = g_strdup_printf("the archive is damaged after %u files: %s", n,
                                                     archive_error_string(a) ?: "unknown error");
                        r = -EBADMSG;
                        break;
                }
                if (archive_entry_filetype(e) != AE_IFREG || !name)
                        continue;
                r = sink_open(&s, ingest_fd, blobs_fd);
                if (r < 0) {
                        *ret_error = g_strdup_printf("cannot store %s: %s", name, strerror(-r));
                        break;
                }
                while ((k = archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK) {
                        r = sink_write(&s, buf, len);
                        if (r < 0)
                                break;
                }
                if (r < 0 || k < ARCHIVE_WARN) {
                        *ret_error = g_strdup_printf("cannot read %s from the archive: %s", name,
                                                     r < 0 ? strerror(-r) : archive_error_string(a));
                        sink_abort(&s);
                        r = r < 0 ? r : -EBADMSG;
                        break;
                }
                r = sink_commit(&s, digest);
                if (r < 0) {
                        *ret_error = g_strdup_printf("cannot store %s: %s", name, strerror(-r));
                        break;
                }
                hex = startswith(name, "./") ? name + 2 : name;
                hex = startswith(hex, "blobs/sha256/");
                if (hex && !streq(hex, digest_hex(digest))) {
                        *ret_error = g_strdup_printf("%s in the archive has digest %s: the archive is corrupt", name, digest);
                        r = -EBADMSG;
                        break;
                }
                rjson_member_string(b, startswith(name, "./") ? name + 2 : name, digest);
                n++;
        }
        archive_read_free(a);
        if (r < 0)
                return r;
        if (n == 0) {
                *ret_error = g_strdup("the archive holds no files: is it an image archive (docker save, podman save, "
                                      "skopeo oci-archive)?");
                return -EBADMSG;
        }
        rjson_end_object(b);
        rjson_end_object(b);
        root = rjson_builder_root(b);
        text = rjson_dump(root, false);
        if (!text)
                return -ENOMEM;
        fprintf(out, "%s\n", text);
        return 0;
}

static const char *sniff_compression(int fd) {
        unsigned char m[4] = {};

        if (pread(fd, m, sizeof m, 0) < 2)
                return "none";
        if (m[0] == 0x1f && m[1] == 0x8b)
                return "gzip";
        if (m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
                return "zstd";
        return "none";
}

int archive_import(int in_fd, int ingest_fd, int blobs_fd, FILE *out, char **ret_error) {
        char digest[DIGEST_STRING_MAX], buf[BLOCK];
        _cleanup_close_ int check = -EBADF;
        UnpackResult res = {};
        const char *comp;
        Sink s;
        int r;

        r = sink_open(&s, ingest_fd, blobs_fd);
        if (r < 0) {
                *ret_error = g_strdup_printf("cannot store the tarball: %s", strerror(-r));
                return r;
        }
        for (;;) {
                ssize_t n = read(in_fd, buf, sizeof buf);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        r = -errno;
                        *ret_error = g_strdup_printf("cannot read the tarball: %m");
                        sink_abort(&s);
                        return r;
                }
                if (n == 0)
                        break;
                r = sink_write(&s, buf, (size_t) n);
                if (r < 0) {
                        *ret_error = g_strdup_printf("cannot store the tarball: %s", strerror(-r));
                        sink_abort(&s);
                        return r;
                }
        }
        /* check it before it becomes a blob: a tar (compressed or not) */
        check = openat(ingest_fd, s.name, O_RDONLY | O_CLOEXEC);
        if (check < 0) {
                r = -errno;
                sink_abort(&s);
                return r;
        }
        comp = sniff_compression(check);
        {
                UnpackParams p = { .in_fd = check, .root_fd = -1, .layer = "(the tarball)" };
                r = unpack_layer(&p, &res, ret_error);
        }
        if (r >= 0 && res.entries == 0) {
                *ret_error = g_strdup("the tarball is empty (no files): nothing to import");
                r = -EBADMSG;
        }
        if (r < 0) {
                sink_abort(&s);
                return r;
        }
        r = sink_commit(&s, digest);
        if (r < 0) {
                *ret_error = g_strdup_printf("cannot store the tarball: %s", strerror(-r));
                return r;
        }
        fprintf(out, "ok %s %llu %s %s %llu\n", digest, (unsigned long long) s.size, res.diff_id, comp,
                (unsigned long long) res.size);
        return 0;
}

static int write_blob(struct archive *w, int blobs_fd, const char *digest, bool decompress, uint64_t size,
                      char **ret_error) {
        _cleanup_close_ int fd = -EBADF;
        uint64_t done = 0;
        char buf[BLOCK];

        if (!digest_is_valid(digest)) {
                *ret_error = g_strdup_printf("invalid blob digest %s in the plan", digest);
                return -EINVAL;
        }
        fd = openat(blobs_fd, digest_hex(digest), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0) {
                *ret_error = g_strdup_printf("blob %s is missing from the content store", digest);
                return -ENOENT;
        }
        if (decompress) {
                struct archive *r = archive_read_new();
                struct archive_entry *e;
                const void *b;
                size_t n;
                la_int64_t off;
                int k;

                archive_read_support_filter_gzip(r);
                archive_read_support_filter_zstd(r);
                archive_read_support_format_raw(r);
                if (archive_read_open_fd(r, fd, BLOCK) != ARCHIVE_OK || archive_read_next_header(r, &e) != ARCHIVE_OK) {
                        *ret_error = g_strdup_printf("cannot decompress blob %s", digest);
                        archive_read_free(r);
                        return -EBADMSG;
                }
                while ((k = archive_read_data_block(r, &b, &n, &off)) == ARCHIVE_OK && done + n <= size) {
                        if (archive_write_data(w, b, n) != (la_ssize_t) n) {
                                *ret_error = g_strdup_printf("cannot write the archive: %s", archive_error_string(w));
                                archive_read_free(r);
                                return -EIO;
                        }
                        done += n;
                }
                archive_read_free(r);
                if (k < ARCHIVE_WARN || done != size) {
                        *ret_error = g_strdup_printf("blob %s decompresses to %llu bytes, not %llu", digest,
                                                     (unsigned long long) done, (unsigned long long) size);
                        return -EBADMSG;
                }
                return 0;
        }
        for (;;) {
                ssize_t n = read(fd, buf, sizeof buf);
                if (n < 0) {
                        *ret_error = g_strdup_printf("cannot read blob %s: %m", digest);
                        return -errno;
                }
                if (n == 0)
                        break;
                if (archive_write_data(w, buf, (size_t) n) != n) {
                        *ret_error = g_strdup_printf("cannot write the archive: %s", archive_error_string(w));
                        return -EIO;
                }
                done += (uint64_t) n;
        }
        if (done != size) {
                *ret_error = g_strdup_printf("blob %s has %llu bytes, not %llu", digest, (unsigned long long) done,
                                             (unsigned long long) size);
                return -EBADMSG;
        }
        return 0;
}

int archive_save(int plan_fd, int blobs_fd, int out_fd, char **ret_error) {
        _cleanup_free_ char *text = NULL;
        g_autoptr(json_t) root = NULL;
        struct archive *w = NULL;
        const json_t *entries;
        size_t len;
        int r;

        r = read_full_fd(plan_fd, PLAN_MAX, &text, &len);
        if (r < 0 || !(root = rjson_parse(text, (ssize_t) len, NULL)) || !json_is_object(root) ||
            !json_object_get(root, "entries")) {
                *ret_error = g_strdup("cannot read the save plan");
                return -EINVAL;
        }
        /* NULL (no entries) when it is not an array */
        entries = rjson_get_array(root, "entries");
        w = archive_write_new();
        if (!w)
                return -ENOMEM;
        archive_write_set_format_pax_restricted(w);
        archive_write_set_bytes_in_last_block(w, 1);
        if (archive_write_open_fd(w, out_fd) != ARCHIVE_OK) {
                *ret_error = g_strdup_printf("cannot write the archive: %s", archive_error_string(w));
                archive_write_free(w);
                return -EIO;
        }
        g_autoptr(GHashTable) dirs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        for (size_t i = 0; r >= 0 && i < json_array_size(entries); i++) {
                const json_t *o = json_array_get(entries, i);
                const char *name = rjson_get_string(o, "name");
                const char *data = rjson_get_string(o, "data");
                const char *blob = rjson_get_string(o, "blob");
                bool decompress = rjson_get_bool_or(o, "decompress", false);
                uint64_t size = data ? strlen(data) : (uint64_t) rjson_get_int_or(o, "size", 0);
                struct archive_entry *e = archive_entry_new();

                if (!name || (!data && !blob)) {
                        archive_entry_free(e);
                        *ret_error = g_strdup("a save plan entry has no name or content");
                        r = -EINVAL;
                        break;
                }
                /* the parent directories first, as tar writers do: some readers
                 * make missing ones owned by root, which an unprivileged
                 * reader then cannot chown */
                for (const char *slash = strchr(name, '/'); slash; slash = strchr(slash + 1, '/')) {
                        g_autofree char *dir = g_strndup(name, (gsize) (slash - name + 1));
                        struct archive_entry *de;
                        if (g_hash_table_contains(dirs, dir))
                                continue;
                        de = archive_entry_new();
                        archive_entry_set_pathname(de, dir);
                        archive_entry_set_filetype(de, AE_IFDIR);
                        archive_entry_set_perm(de, 0755);
                        archive_entry_set_uid(de, getuid());
                        archive_entry_set_gid(de, getgid());
                        archive_entry_set_mtime(de, 0, 0);
                        if (archive_write_header(w, de) != ARCHIVE_OK) {
                                *ret_error = g_strdup_printf("cannot write the archive: %s", archive_error_string(w));
                                r = -EIO;
                        }
                        archive_entry_free(de);
                        g_hash_table_add(dirs, g_steal_pointer(&dir));
                }
                archive_entry_set_pathname(e, name);
                archive_entry_set_filetype(e, AE_IFREG);
                archive_entry_set_perm(e, 0644);
                /* owned by whoever saved it, so an unprivileged reader that
                 * keeps owners can extract it */
                archive_entry_set_uid(e, getuid());
                archive_entry_set_gid(e, getgid());
                archive_entry_set_size(e, (la_int64_t) size);
                archive_entry_set_mtime(e, 0, 0);
                if (archive_write_header(w, e) != ARCHIVE_OK) {
                        *ret_error = g_strdup_printf("cannot write the archive: %s", archive_error_string(w));
                        r = -EIO;
                } else if (data) {
                        if (archive_write_data(w, data, size) != (la_ssize_t) size) {
                                *ret_error = g_strdup_printf("cannot write the archive: %s", archive_error_string(w));
                                r = -EIO;
                        }
                } else
                        r = write_blob(w, blobs_fd, blob, decompress, size, ret_error);
                archive_entry_free(e);
        }
        if (r >= 0 && archive_write_close(w) != ARCHIVE_OK) {
                *ret_error = g_strdup_printf("cannot finish the archive: %s", archive_error_string(w));
                r = -EIO;
        }
        archive_write_free(w);
        return r;
}
