/* SPDX-License-Identifier: Apache-2.0 */
/* The layer unpacker against crafted tar streams: nothing may escape the
 * directory, and a layer that tries is refused naming the entry. */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <glib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "digest.h"
#include "unpack.h"

typedef struct Entry {
        mode_t type;
        const char *name;
        const char *data;     /* regular files */
        const char *link;     /* symlink target, or hard link target when hard */
        bool hard;
        unsigned mode;
        const char *xattr_name, *xattr_value;
        unsigned major, minor;
} Entry;

static char *root_dir; /* one per test */

static void rm_rf(const char *dir) {
        g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);
        g_assert_cmpint(system(cmd), ==, 0);
}

/* A tar of entries in memory, compressed with filter ("none", "gzip", "zstd"). */
static GBytes *make_tar(const Entry *entries, size_t n, const char *filter, char uncompressed_digest[DIGEST_STRING_MAX]) {
        size_t cap = 1 << 20, used = 0;
        g_autofree char *buf = g_malloc(cap);
        struct archive *a;

        for (int pass = 0; pass < 2; pass++) {
                a = archive_write_new();
                archive_write_set_format_pax_restricted(a);
                if (pass == 1 && g_str_equal(filter, "gzip"))
                        archive_write_add_filter_gzip(a);
                else if (pass == 1 && g_str_equal(filter, "zstd"))
                        archive_write_add_filter_zstd(a);
                else
                        archive_write_add_filter_none(a);
                archive_write_set_bytes_in_last_block(a, 1);
                g_assert_cmpint(archive_write_open_memory(a, buf, cap, &used), ==, ARCHIVE_OK);
                for (size_t i = 0; i < n; i++) {
                        struct archive_entry *e = archive_entry_new();
                        archive_entry_set_pathname(e, entries[i].name);
                        archive_entry_set_mode(e, entries[i].type | (entries[i].mode ?: 0644));
                        archive_entry_set_mtime(e, 1700000000, 0);
                        if (entries[i].hard) {
                                archive_entry_set_hardlink(e, entries[i].link);
                                archive_entry_set_size(e, 0);
                        } else if (entries[i].type == AE_IFLNK)
                                archive_entry_set_symlink(e, entries[i].link);
                        else if (entries[i].type == AE_IFCHR || entries[i].type == AE_IFBLK)
                                archive_entry_set_rdev(e, makedev(entries[i].major, entries[i].minor));
                        if (entries[i].type == AE_IFREG && !entries[i].hard)
                                archive_entry_set_size(e, entries[i].data ? (la_int64_t) strlen(entries[i].data) : 0);
                        if (entries[i].xattr_name)
                                archive_entry_xattr_add_entry(e, entries[i].xattr_name, entries[i].xattr_value,
                                                              strlen(entries[i].xattr_value));
                        g_assert_cmpint(archive_write_header(a, e), ==, ARCHIVE_OK);
                        if (entries[i].type == AE_IFREG && entries[i].data && !entries[i].hard)
                                archive_write_data(a, entries[i].data, strlen(entries[i].data));
                        archive_entry_free(e);
                }
                archive_write_close(a);
                archive_write_free(a);
                if (pass == 0)
                        sha256_digest(buf, used, uncompressed_digest);
        }
        return g_bytes_new(buf, used);
}

static int stream_fd(GBytes *b) {
        int fd = memfd_create("layer", MFD_CLOEXEC);
        gsize n;
        const char *p = g_bytes_get_data(b, &n);

        g_assert_cmpint(fd, >=, 0);
        g_assert_cmpint(write(fd, p, n), ==, (ssize_t) n);
        g_assert_cmpint(lseek(fd, 0, SEEK_SET), ==, 0);
        return fd;
}

/* Unpacks entries into root_dir; returns the result, *ret_error set on failure. */
static int unpack(const Entry *entries, size_t n, const char *filter, UnpackMode mode, bool check_diff, char **ret_error,
                  UnpackResult *ret) {
        char diff[DIGEST_STRING_MAX];
        g_autoptr(GBytes) tar = make_tar(entries, n, filter, diff);
        int in = stream_fd(tar);
        int root = open(root_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        UnpackParams p = { .in_fd = in, .root_fd = root, .mode = mode, .layer = "sha256:test",
                           .diff_id = check_diff ? diff : NULL, .keep_owners = geteuid() == 0 };
        UnpackResult res = {};
        int r;

        r = unpack_layer(&p, &res, ret_error);
        close(in);
        close(root);
        if (r >= 0)
                g_assert_cmpstr(res.diff_id, ==, diff);
        if (ret)
                *ret = res;
        return r;
}

static char *in_root(const char *rel) {
        return g_build_filename(root_dir, rel, NULL);
}

static void setup(void) {
        g_autofree char *base = g_get_current_dir();
        g_autofree char *tmpl = g_build_filename(base, "unpack-test-XXXXXX", NULL);
        root_dir = g_mkdtemp(g_strdup(tmpl));
        g_assert_nonnull(root_dir);
}

static void teardown(void) {
        rm_rf(root_dir);
        g_clear_pointer(&root_dir, g_free);
}

static void test_normalize(void) {
        const char *const ok[][2] = {
                { "a/b", "a/b" }, { "./a/b/", "a/b" }, { "a//b/./c", "a/b/c" }, { ".", "" }, { "./", "" },
                { "a/.wh.b", "a/.wh.b" },
        };
        const char *const bad[] = { "/etc/passwd", "../x", "a/../../x", "a/..", "..", "/" };
        for (size_t i = 0; i < G_N_ELEMENTS(ok); i++) {
                g_autofree char *out = NULL;
                g_assert_cmpint(unpack_normalize_path(ok[i][0], &out), ==, 0);
                g_assert_cmpstr(out, ==, ok[i][1]);
        }
        for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
                g_autofree char *out = NULL;
                g_assert_cmpint(unpack_normalize_path(bad[i], &out), ==, -EXDEV);
        }
}

static void test_regular(gconstpointer filter) {
        const Entry e[] = {
                { AE_IFDIR, "etc/", .mode = 0755 },
                { AE_IFREG, "etc/hello", "hello\n", .mode = 0640 },
                { AE_IFREG, "bin/tool", "#!/bin/sh\n", .mode = 04755 }, /* parent made on the way */
                { AE_IFLNK, "bin/alias", .link = "/bin/tool", .mode = 0777 },
                { AE_IFREG, "bin/tool2", .link = "bin/tool", .hard = true },
                { AE_IFIFO, "run/fifo", .mode = 0600 },
                { AE_IFREG, "etc/hello", "replaced\n", .mode = 0644 }, /* a later entry replaces */
        };
        g_autofree char *hello = in_root("etc/hello"), *tool = in_root("bin/tool"), *tool2 = in_root("bin/tool2");
        g_autofree char *alias = in_root("bin/alias"), *fifo = in_root("run/fifo"), *text = NULL, *target = NULL;
        g_autofree char *error = NULL;
        UnpackResult res;
        struct stat a, b;

        g_assert_cmpint(unpack(e, G_N_ELEMENTS(e), filter, UNPACK_OVERLAY, true, &error, &res), ==, 0);
        g_assert_null(error);
        g_assert_cmpuint(res.entries, ==, G_N_ELEMENTS(e));
        g_assert_true(g_file_get_contents(hello, &text, NULL, NULL));
        g_assert_cmpstr(text, ==, "replaced\n");
        g_assert_cmpint(stat(tool, &a), ==, 0);
        g_assert_cmpint(stat(tool2, &b), ==, 0);
        g_assert_cmpuint(a.st_ino, ==, b.st_ino);
        if (geteuid() == 0)
                g_assert_cmpint(a.st_mode & 07777, ==, 04755);
        target = g_file_read_link(alias, NULL);
        g_assert_cmpstr(target, ==, "/bin/tool");
        g_assert_cmpint(lstat(fifo, &a), ==, 0);
        g_assert_true(S_ISFIFO(a.st_mode));
        g_assert_cmpint(a.st_mtime, ==, 1700000000);
}

/* A file outside the root that an escape would create. */
static char *outside(const char *name) {
        g_autofree char *parent = g_path_get_dirname(root_dir);
        return g_strdup_printf("%s/%s-%d", parent, name, (int) getpid());
}

static void assert_refused(const Entry *e, size_t n, const char *entry, const char *escape_path) {
        g_autofree char *error = NULL;
        int r = unpack(e, n, "gzip", UNPACK_OVERLAY, false, &error, NULL);

        g_assert_cmpint(r, ==, -EXDEV);
        g_assert_nonnull(error);
        g_assert_nonnull(strstr(error, "sha256:test"));
        g_assert_nonnull(strstr(error, entry));
        if (escape_path)
                g_assert_false(g_file_test(escape_path, G_FILE_TEST_EXISTS));
}

static void test_traversal(void) {
        g_autofree char *esc = outside("roost-escape-traversal");
        g_autofree char *base = g_path_get_basename(esc);
        g_autofree char *name = g_strdup_printf("../%s", base);
        g_autofree char *deep = g_strdup_printf("a/../../%s", base);
        const Entry e1[] = { { AE_IFREG, "ok.txt", "ok" }, { AE_IFREG, name, "escaped" } };
        const Entry e2[] = { { AE_IFDIR, "a/" }, { AE_IFREG, deep, "escaped" } };
        assert_refused(e1, 2, name, esc);
        assert_refused(e2, 2, deep, esc);
}

static void test_absolute(void) {
        g_autofree char *esc = outside("roost-escape-abs");
        const Entry e[] = { { AE_IFREG, esc, "escaped" } };
        assert_refused(e, 1, esc, esc);
}

static void test_symlink_then_file(void) {
        g_autofree char *esc = outside("roost-escape-symlink");
        g_autofree char *dir = g_path_get_dirname(esc), *base = g_path_get_basename(esc);
        g_autofree char *through_abs = g_strdup_printf("evil/%s", base), *through_rel = g_strdup_printf("evil2/%s", base);
        const Entry e1[] = { { AE_IFLNK, "evil", .link = dir }, { AE_IFREG, through_abs, "escaped" } };
        const Entry e2[] = { { AE_IFLNK, "evil2", .link = "../.." }, { AE_IFREG, through_rel, "escaped" } };
        /* a directory symlink, then a directory entry through it */
        const Entry e3[] = { { AE_IFLNK, "evil3", .link = "/" }, { AE_IFDIR, "evil3/tmp/" } };
        assert_refused(e1, 2, through_abs, esc);
        assert_refused(e2, 2, through_rel, esc);
        assert_refused(e3, 2, "evil3/tmp", NULL);
}

static void test_hardlink_out(void) {
        g_autofree char *esc = outside("roost-escape-hardlink-target");
        g_autofree char *base = g_path_get_basename(esc);
        g_autofree char *rel = g_strdup_printf("../%s", base);
        g_autofree char *error = NULL;
        g_autofree char *l1 = in_root("l1"), *l2 = in_root("l2");
        const Entry e1[] = { { AE_IFREG, "l1", .link = rel, .hard = true } };
        const Entry e2[] = { { AE_IFREG, "l2", .link = "/etc/passwd", .hard = true } };
        const Entry e3[] = { { AE_IFLNK, "up", .link = ".." }, { AE_IFREG, "l3", .link = "up/x", .hard = true } };
        const Entry e4[] = { { AE_IFREG, "l4", .link = "not-here", .hard = true } };

        g_assert_true(g_file_set_contents(esc, "outside", -1, NULL));
        assert_refused(e1, 1, "l1", NULL);
        g_assert_false(g_file_test(l1, G_FILE_TEST_EXISTS));
        assert_refused(e2, 1, "l2", NULL);
        g_assert_false(g_file_test(l2, G_FILE_TEST_EXISTS));
        assert_refused(e3, 2, "l3", NULL);
        g_assert_cmpint(unpack(e4, 1, "none", UNPACK_OVERLAY, false, &error, NULL), ==, -ENOENT);
        g_assert_nonnull(strstr(error, "l4"));
        unlink(esc);
}

static void test_devices(void) {
        const Entry e[] = {
                { AE_IFDIR, "dev/" },
                { AE_IFREG, "dev/README", "x" },
                { AE_IFCHR, "dev/null", .major = 1, .minor = 3, .mode = 0666 },
                { AE_IFBLK, "dev/loop0", .major = 7, .minor = 0 },
        };
        g_autofree char *error = NULL, *null = in_root("dev/null"), *loop = in_root("dev/loop0"), *readme = in_root("dev/README");
        UnpackResult res;

        g_assert_cmpint(unpack(e, G_N_ELEMENTS(e), "none", UNPACK_OVERLAY, true, &error, &res), ==, 0);
        g_assert_cmpuint(res.skipped, ==, 2);
        g_assert_false(g_file_test(null, G_FILE_TEST_EXISTS));
        g_assert_false(g_file_test(loop, G_FILE_TEST_EXISTS));
        g_assert_true(g_file_test(readme, G_FILE_TEST_EXISTS));
}

static void test_whiteouts_overlay(void) {
        const Entry e[] = {
                { AE_IFDIR, "data/" },
                { AE_IFREG, "data/.wh.a", "" },
                { AE_IFDIR, "data/dir/" },
                { AE_IFREG, "data/dir/y", "y" },
                { AE_IFREG, "data/dir/.wh..wh..opq", "" },
        };
        g_autofree char *a = in_root("data/a"), *dir = in_root("data/dir"), *y = in_root("data/dir/y");
        g_autofree char *marker = in_root("data/.wh.a"), *opq = in_root("data/dir/.wh..wh..opq");
        g_autofree char *error = NULL;
        struct stat st;
        char v[8] = "";

        if (geteuid() != 0) {
                g_test_skip("overlay whiteouts are device nodes: needs root (or the roost user namespace)");
                return;
        }
        g_assert_cmpint(unpack(e, G_N_ELEMENTS(e), "zstd", UNPACK_OVERLAY, true, &error, NULL), ==, 0);
        g_assert_cmpint(lstat(a, &st), ==, 0);
        g_assert_true(S_ISCHR(st.st_mode));
        g_assert_cmpint(major(st.st_rdev), ==, 0);
        g_assert_cmpint(minor(st.st_rdev), ==, 0);
        g_assert_cmpint(getxattr(dir, "user.overlay.opaque", v, sizeof v), ==, 1);
        g_assert_cmpint(v[0], ==, 'y');
        g_assert_true(g_file_test(y, G_FILE_TEST_EXISTS));
        g_assert_false(g_file_test(marker, G_FILE_TEST_EXISTS));
        g_assert_false(g_file_test(opq, G_FILE_TEST_EXISTS));
}

static void test_whiteouts_apply(void) {
        const Entry lower[] = {
                { AE_IFREG, "data/a", "a" },
                { AE_IFREG, "data/b", "b" },
                { AE_IFREG, "data/dir/x", "x" },
                { AE_IFREG, "data/dir/sub/z", "z" },
        };
        const Entry upper[] = {
                { AE_IFREG, "data/.wh.a", "" },
                { AE_IFREG, "data/dir/y", "y" },
                { AE_IFREG, "data/dir/.wh..wh..opq", "" },
                { AE_IFREG, "data/.wh..wh.plnk", "" },
        };
        g_autofree char *a = in_root("data/a"), *b = in_root("data/b"), *x = in_root("data/dir/x");
        g_autofree char *sub = in_root("data/dir/sub"), *y = in_root("data/dir/y"), *opq = in_root("data/dir/.wh..wh..opq");
        g_autofree char *error = NULL;

        g_assert_cmpint(unpack(lower, G_N_ELEMENTS(lower), "none", UNPACK_APPLY, true, &error, NULL), ==, 0);
        g_assert_cmpint(unpack(upper, G_N_ELEMENTS(upper), "gzip", UNPACK_APPLY, true, &error, NULL), ==, 0);
        g_assert_false(g_file_test(a, G_FILE_TEST_EXISTS));
        g_assert_true(g_file_test(b, G_FILE_TEST_EXISTS));
        g_assert_false(g_file_test(x, G_FILE_TEST_EXISTS));
        g_assert_false(g_file_test(sub, G_FILE_TEST_EXISTS));
        g_assert_true(g_file_test(y, G_FILE_TEST_EXISTS));
        g_assert_false(g_file_test(opq, G_FILE_TEST_EXISTS));
}

static void test_xattrs(void) {
        const Entry e[] = {
                { AE_IFREG, "kept", "x", .xattr_name = "user.roost-test", .xattr_value = "v1" },
                /* overlayfs metadata must not come from a layer */
                { AE_IFDIR, "forged/", .xattr_name = "user.overlay.opaque", .xattr_value = "y" },
                { AE_IFREG, "forged2", "x", .xattr_name = "user.overlay.redirect", .xattr_value = "/etc" },
        };
        g_autofree char *kept = in_root("kept"), *forged = in_root("forged"), *forged2 = in_root("forged2");
        g_autofree char *error = NULL;
        char v[16] = "";

        g_assert_cmpint(unpack(e, G_N_ELEMENTS(e), "gzip", UNPACK_OVERLAY, true, &error, NULL), ==, 0);
        g_assert_cmpint(getxattr(kept, "user.roost-test", v, sizeof v), ==, 2);
        g_assert_cmpmem(v, 2, "v1", 2);
        g_assert_cmpint(getxattr(forged, "user.overlay.opaque", v, sizeof v), ==, -1);
        g_assert_cmpint(errno, ==, ENODATA);
        g_assert_cmpint(getxattr(forged2, "user.overlay.redirect", v, sizeof v), ==, -1);
}

static void test_bad_streams(void) {
        const Entry e[] = { { AE_IFREG, "f", "content" } };
        char diff[DIGEST_STRING_MAX];
        g_autoptr(GBytes) tar = make_tar(e, 1, "gzip", diff);
        g_autofree char *error = NULL;
        UnpackResult res;
        int root = open(root_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), in;
        UnpackParams p = { .root_fd = root, .layer = "sha256:test",
                           .diff_id = "sha256:0000000000000000000000000000000000000000000000000000000000000000" };

        /* a wrong diff_id */
        in = stream_fd(tar);
        p.in_fd = in;
        g_assert_cmpint(unpack_layer(&p, &res, &error), ==, -EILSEQ);
        g_assert_nonnull(strstr(error, "diff_id"));
        g_assert_nonnull(strstr(error, diff));
        close(in);
        g_clear_pointer(&error, g_free);

        /* gzip that stops in the middle */
        {
                gsize n;
                const char *data = g_bytes_get_data(tar, &n);
                g_autoptr(GBytes) half = g_bytes_new(data, n / 2);
                in = stream_fd(half);
                p.in_fd = in;
                p.diff_id = NULL;
                g_assert_cmpint(unpack_layer(&p, &res, &error), ==, -EBADMSG);
                g_assert_nonnull(strstr(error, "sha256:test"));
                close(in);
                g_clear_pointer(&error, g_free);
        }
        /* not a tar at all */
        {
                g_autoptr(GBytes) junk = g_bytes_new_static("this is not a tar archive, not even close......", 48);
                in = stream_fd(junk);
                p.in_fd = in;
                g_assert_cmpint(unpack_layer(&p, &res, &error), <, 0);
                g_assert_nonnull(error);
                close(in);
        }
        close(root);
}

static void add(const char *path, GTestFunc fn) {
        g_test_add_vtable(path, 0, NULL, (GTestFixtureFunc) setup, (GTestFixtureFunc) fn, (GTestFixtureFunc) teardown);
}

static void test_regular_none(void) {
        test_regular("none");
}
static void test_regular_gzip(void) {
        test_regular("gzip");
}
static void test_regular_zstd(void) {
        test_regular("zstd");
}

int main(int argc, char **argv) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/unpack/normalize", test_normalize);
        add("/unpack/regular/none", test_regular_none);
        add("/unpack/regular/gzip", test_regular_gzip);
        add("/unpack/regular/zstd", test_regular_zstd);
        add("/unpack/refuse/traversal", test_traversal);
        add("/unpack/refuse/absolute", test_absolute);
        add("/unpack/refuse/symlink-then-file", test_symlink_then_file);
        add("/unpack/refuse/hardlink-out", test_hardlink_out);
        add("/unpack/devices-skipped", test_devices);
        add("/unpack/whiteouts/overlay", test_whiteouts_overlay);
        add("/unpack/whiteouts/apply", test_whiteouts_apply);
        add("/unpack/xattrs", test_xattrs);
        add("/unpack/bad-streams", test_bad_streams);
        return g_test_run();
}
