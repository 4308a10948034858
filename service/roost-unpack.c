/* SPDX-License-Identifier: Apache-2.0 */
/* roost-unpack: roostd's helper for work on image and container trees that
 * must happen inside the roost user namespace (where the files' owners are
 * the user and its subordinate IDs). roostd starts it in the namespace
 * holder's user and mount namespaces with the directories it works on as
 * open file descriptors; it never resolves a path of its own outside them.
 *
 *   roost-unpack layer --layer DIGEST [--diff-id DIGEST] [--apply] [--no-owners] [--copy-parent]
 *        stdin: the layer stream; fd 3: the directory to unpack into; with
 *        --copy-parent, fd 4 is the parent layer's tree, copied first
 *   roost-unpack copy      fd 3: source directory, fd 4: empty destination
 *   roost-unpack remove NAME...   removes NAME... (whole trees) below fd 3
 *   roost-unpack load      stdin: an image archive; fd 3: ingest/, fd 4: blobs/sha256
 *   roost-unpack import    stdin: a root file system tarball; fd 3, fd 4 as load
 *   roost-unpack save      stdin: the plan (JSON); fd 3: blobs/sha256; fd 4: the output
 * (load, import and save run outside the user namespace: they only touch
 * the content store, which belongs to the user)
 *
 * On success it prints "ok" (for layer: "ok DIFF_ID SIZE ENTRIES SKIPPED")
 * on stdout and exits 0; on failure one line saying why, and exits with the
 * errno of the failure. It is a
 * separate program (exec'd, not a fork of roostd) so that it holds none of
 * roostd's descriptors (other layers' pipes, sockets), and so that tests can
 * run it on crafted tar streams. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <sys/stat.h>

#include "archive-io.h"
#include "macro.h"
#include "tree.h"
#include "unpack.h"

#define FD_ROOT 3
#define FD_DEST 4

/* The exit status is the errno of the failure (1..125), so roostd knows an
 * escape (EXDEV) from a bad diff_id (EILSEQ) from a damaged stream (EBADMSG). */
static int exit_status(int r) {
        return r < 0 ? MIN(-r, 125) : 0;
}

static int usage(void) {
        printf("error: usage: roost-unpack layer|copy|remove ... (an internal helper of roostd)\n");
        return 2;
}

static int cmd_layer(int argc, char **argv) {
        static const struct option options[] = {
                { "layer", required_argument, NULL, 'l' },
                { "diff-id", required_argument, NULL, 'd' },
                { "apply", no_argument, NULL, 'a' },
                { "no-owners", no_argument, NULL, 'n' },
                { "copy-parent", no_argument, NULL, 'c' },
                {},
        };
        UnpackParams p = { .in_fd = STDIN_FILENO, .root_fd = FD_ROOT, .mode = UNPACK_OVERLAY, .layer = "(unnamed)",
                           .keep_owners = true };
        UnpackResult res = {};
        _cleanup_free_ char *error = NULL;
        bool copy_parent = false;
        int c, r;

        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0)
                switch (c) {
                case 'l':
                        p.layer = optarg;
                        break;
                case 'd':
                        p.diff_id = optarg;
                        break;
                case 'a':
                        p.mode = UNPACK_APPLY;
                        break;
                case 'n':
                        p.keep_owners = false;
                        break;
                case 'c':
                        copy_parent = true;
                        break;
                default:
                        return usage();
                }
        if (copy_parent) {
                /* the copy driver: this layer's tree starts as its parent's */
                r = copy_tree_at(FD_DEST, FD_ROOT);
                if (r < 0) {
                        printf("error: layer %s: copying the parent layer failed: %s\n", p.layer, strerror(-r));
                        return exit_status(r);
                }
        }
        r = unpack_layer(&p, &res, &error);
        if (r < 0) {
                printf("error: %s\n", error ?: strerror(-r));
                return exit_status(r);
        }
        printf("ok %s %llu %u %u\n", res.diff_id, (unsigned long long) res.size, res.entries, res.skipped);
        return 0;
}

int main(int argc, char **argv) {
        umask(0);
        if (argc < 2)
                return usage();
        if (streq(argv[1], "layer"))
                return cmd_layer(argc - 1, argv + 1);
        if (streq(argv[1], "copy")) {
                int r = copy_tree_at(FD_ROOT, FD_DEST);
                if (r < 0) {
                        printf("error: copying the tree failed: %s\n", strerror(-r));
                        return exit_status(r);
                }
                printf("ok\n");
                return 0;
        }
        if (streq(argv[1], "load") || streq(argv[1], "import") || streq(argv[1], "save")) {
                _cleanup_free_ char *error = NULL;
                int r;
                if (streq(argv[1], "load"))
                        r = archive_load(STDIN_FILENO, FD_ROOT, FD_DEST, stdout, &error);
                else if (streq(argv[1], "import"))
                        r = archive_import(STDIN_FILENO, FD_ROOT, FD_DEST, stdout, &error);
                else
                        r = archive_save(STDIN_FILENO, FD_ROOT, FD_DEST, &error);
                if (r < 0) {
                        printf("error: %s\n", error ?: strerror(-r));
                        return exit_status(r);
                }
                if (streq(argv[1], "save"))
                        printf("ok\n");
                return 0;
        }
        if (streq(argv[1], "remove")) {
                for (int i = 2; i < argc; i++) {
                        int r;
                        if (strchr(argv[i], '/') || streq(argv[i], "..") || streq(argv[i], ".")) {
                                printf("error: refusing to remove \"%s\": not a plain name\n", argv[i]);
                                return 1;
                        }
                        r = rm_rf_at(FD_ROOT, argv[i]);
                        if (r < 0) {
                                printf("error: removing %s failed: %s\n", argv[i], strerror(-r));
                                return exit_status(r);
                        }
                }
                printf("ok\n");
                return 0;
        }
        return usage();
}
