/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>

#include "cli.h"

/* roost cp: tar streams through roostd's CopyFrom/CopyTo; on this side GNU
 * tar packs and unpacks. */

typedef struct CpOpts {
        bool archive, follow_link, quiet;
} CpOpts;

static const CliOption cp_options[] = {
        { 'a', "archive", OPT_BOOL, offsetof(CpOpts, archive), NULL, "Archive mode (keep the ownership the tar stream carries)", NULL },
        { 'L', "follow-link", OPT_BOOL, offsetof(CpOpts, follow_link), NULL, "Always follow symbol link in SRC_PATH", NULL },
        { 'q', "quiet", OPT_BOOL, offsetof(CpOpts, quiet), NULL, "Suppress progress output during copy", NULL },
        {},
};

/* "name:path" is a container path unless it looks like a local path */
static bool split_container(const char *arg, char **ret_container, char **ret_path) {
        const char *colon = strchr(arg, ':');

        if (!colon || arg[0] == '/' || arg[0] == '.' || (strchr(arg, '/') && strchr(arg, '/') < colon))
                return false;
        *ret_container = g_strndup(arg, (gsize) (colon - arg));
        *ret_path = g_strdup(colon + 1);
        return true;
}

static int run_tar(char **argv, int stdin_fd, int stdout_fd) {
        g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
        g_autoptr(GSubprocess) p = NULL;
        g_autoptr(GError) error = NULL;

        if (stdin_fd >= 0)
                g_subprocess_launcher_take_stdin_fd(l, stdin_fd);
        if (stdout_fd >= 0)
                g_subprocess_launcher_take_stdout_fd(l, stdout_fd);
        p = g_subprocess_launcher_spawnv(l, (const char *const *) argv, &error);
        if (!p)
                return cli_fail("cannot run tar: %s", error->message);
        if (!g_subprocess_wait_check(p, NULL, &error))
                return cli_fail("tar failed: %s", error->message);
        return 0;
}

/* Copies in to out until EOF; closes in. */
static int stream_out(int in, int out, const char *what) {
        char buf[65536];
        ssize_t n;

        while ((n = read(in, buf, sizeof buf)) > 0)
                if (write(out, buf, (size_t) n) != n) {
                        int e = errno;
                        close(in);
                        return cli_fail("writing to %s: %s", what, g_strerror(e));
                }
        close(in);
        if (n < 0)
                return cli_fail("reading the archive from roostd: %s", g_strerror(errno));
        return 0;
}

/* The tar stream of path in the container, as an fd. */
static int copy_from_fd(RoostContainer1 *c, const char *src) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) fdv = NULL;
        g_autoptr(GUnixFDList) fds = NULL;
        int fd;

        if (!roost_container1_call_copy_from_sync(c, src, NULL, &fdv, &fds, NULL, &error))
                return cli_fail_gerror(error, NULL), -1;
        fd = g_unix_fd_list_get(fds, g_variant_get_handle(fdv), NULL);
        if (fd < 0)
                return cli_fail("roostd did not hand over the archive"), -1;
        return fd;
}

static int copy_from(RoostContainer1 *c, const char *name, const char *src, const char *dest, CpOpts *o) {
        struct stat st;
        int fd = copy_from_fd(c, src);

        if (fd < 0)
                return EXIT_ROOST_ERROR;
        if (g_str_equal(dest, "-"))
                return stream_out(fd, STDOUT_FILENO, "standard output");
        if (stat(dest, &st) == 0 && S_ISDIR(st.st_mode)) {
                char *argv[] = { "tar", "-x", "-f", "-", "-C", (char *) dest, o->archive ? "--same-owner" : "--no-same-owner", NULL };
                return run_tar(argv, fd, -1);
        }
        {
                /* a new name: unpack next to it, then move the one entry into place */
                g_autofree char *dir = g_path_get_dirname(dest);
                g_autofree char *tmp = g_build_filename(dir, ".roost-cp-XXXXXX", NULL);
                g_autoptr(GDir) d = NULL;
                g_autofree char *entry = NULL;
                const char *n;
                int count = 0, r;

                if (!g_mkdtemp(tmp))
                        return close(fd), cli_fail("cannot write into %s: %s", dir, g_strerror(errno));
                {
                        char *argv[] = { "tar", "-x", "-f", "-", "-C", tmp, o->archive ? "--same-owner" : "--no-same-owner", NULL };
                        r = run_tar(argv, fd, -1);
                }
                d = g_dir_open(tmp, 0, NULL);
                while (d && (n = g_dir_read_name(d))) {
                        count++;
                        g_free(entry);
                        entry = g_build_filename(tmp, n, NULL);
                }
                if (r == 0 && count == 1 && rename(entry, dest) < 0)
                        r = cli_fail("cannot create %s: %s", dest, g_strerror(errno));
                {
                        char *argv[] = { "rm", "-rf", "--", tmp, NULL };
                        (void) g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
                }
                return r;
        }
}

static int copy_to(RoostContainer1 *c, const char *src, const char *dest, CpOpts *o) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GUnixFDList) fds = g_unix_fd_list_new();
        g_autoptr(GSubprocess) tar = NULL;
        int idx, in;

        if (g_str_equal(src, "-"))
                in = dup(STDIN_FILENO);
        else {
                g_autofree char *dir = g_path_get_dirname(src), *base = g_path_get_basename(src);
                g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE);
                struct stat st;

                if ((o->follow_link ? stat(src, &st) : lstat(src, &st)) < 0)
                        return cli_fail("could not find the file %s on the host: %s", src, g_strerror(errno));
                if (o->follow_link)
                        tar = g_subprocess_launcher_spawn(l, &error, "tar", "-c", "-f", "-", "-h", "-C", dir, "--", base, NULL);
                else
                        tar = g_subprocess_launcher_spawn(l, &error, "tar", "-c", "-f", "-", "-C", dir, "--", base, NULL);
                if (!tar)
                        return cli_fail("cannot run tar: %s", error->message);
                in = dup(g_unix_input_stream_get_fd(G_UNIX_INPUT_STREAM(g_subprocess_get_stdout_pipe(tar))));
        }
        idx = g_unix_fd_list_append(fds, in, &error);
        close(in);
        if (idx < 0)
                return cli_fail("%s", error->message);
        if (!roost_container1_call_copy_to_sync(c, dest, g_variant_new_handle(idx), fds, NULL, NULL, &error)) {
                if (tar)
                        g_subprocess_force_exit(tar);
                return cli_fail_gerror(error, NULL);
        }
        if (tar && !g_subprocess_wait_check(tar, NULL, &error))
                return cli_fail("tar failed: %s", error->message);
        return 0;
}

static int run_cp(const Command *cmd, void *opts, int argc, char **argv) {
        CpOpts *o = opts;
        g_autofree char *c1 = NULL, *p1 = NULL, *c2 = NULL, *p2 = NULL, *path = NULL;
        g_autoptr(RoostContainer1) c = NULL;
        bool from = split_container(argv[0], &c1, &p1), to = split_container(argv[1], &c2, &p2);

        if (from == to)
                return cli_fail("copying %s: one of the two paths must be CONTAINER:PATH (and only one)",
                                from ? "between containers is not supported" : "needs a container");
        if (cli_connect() < 0 || !(path = cli_container_path(from ? c1 : c2)) || !(c = cli_container_proxy(path)))
                return EXIT_ROOST_ERROR;
        if (from) {
                g_autofree char *abs = p1[0] == '/' ? g_strdup(p1) : g_strconcat("/", p1, NULL);
                return copy_from(c, c1, abs, argv[1], o);
        }
        {
                g_autofree char *abs = p2[0] == '/' ? g_strdup(p2) : g_strconcat("/", p2, NULL);
                return copy_to(c, argv[0], abs, o);
        }
}

const Command cmd_cp = {
        .name = "cp", .usage = "[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\troost cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH",
        .summary = "Copy files/folders between a container and the local filesystem",
        .aliases = "roost container cp, roost cp", .group = GROUP_OTHER, .options = cp_options,
        .opts_size = sizeof(CpOpts), .min_args = 2, .max_args = 2, .run = run_cp,
};

/* --- export ---------------------------------------------------------------- */

typedef struct ExportOpts {
        char *output;
} ExportOpts;

static const CliOption export_options[] = {
        { 'o', "output", OPT_STRING, offsetof(ExportOpts, output), "string", "Write to a file, instead of STDOUT", NULL },
        {},
};

/* docker export: the container's file system as a tar stream. A file is
 * written under a temporary name and renamed when complete. */
static int run_export(const Command *cmd, void *opts, int argc, char **argv) {
        ExportOpts *o = opts;
        g_autofree char *path = NULL, *tmp = NULL;
        g_autoptr(RoostContainer1) c = NULL;
        int fd, out, r;

        if (!o->output && isatty(STDOUT_FILENO))
                return cli_fail("cowardly refusing to save to a terminal. Use the -o flag or redirect");
        if (cli_connect() < 0 || !(path = cli_container_path(argv[0])) || !(c = cli_container_proxy(path)))
                return EXIT_ROOST_ERROR;
        if (o->output) {
                g_autofree char *dir = g_path_get_dirname(o->output), *base = g_path_get_basename(o->output);
                tmp = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
                out = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, 0644);
                if (out < 0)
                        return cli_fail("cannot write %s: %s", o->output, g_strerror(errno));
        } else
                out = STDOUT_FILENO;
        fd = copy_from_fd(c, "/");
        r = fd < 0 ? EXIT_ROOST_ERROR : stream_out(fd, out, o->output ? o->output : "standard output");
        if (o->output) {
                if (r == 0 && fsync(out) < 0)
                        r = cli_fail("writing to %s: %s", o->output, g_strerror(errno));
                close(out);
                if (r == 0 && rename(tmp, o->output) < 0)
                        r = cli_fail("cannot write %s: %s", o->output, g_strerror(errno));
                if (r != 0)
                        (void) unlink(tmp);
        }
        return r;
}

const Command cmd_export = {
        .name = "export", .usage = "[OPTIONS] CONTAINER",
        .summary = "Export a container's filesystem as a tar archive",
        .aliases = "roost container export, roost export", .group = GROUP_OTHER, .options = export_options,
        .opts_size = sizeof(ExportOpts), .min_args = 1, .max_args = 1, .run = run_export,
};
