/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "roost-names.h"

/* --- exec ----------------------------------------------------------------- */

typedef struct ExecOpts {
        bool detach, interactive, tty, privileged;
        char *detach_keys, *user, *workdir;
        char **env, **env_file;
} ExecOpts;

static const CliOption exec_options[] = {
        { 'd', "detach", OPT_BOOL, offsetof(ExecOpts, detach), NULL, "Detached mode: run command in the background", NULL },
        { 0, "detach-keys", OPT_STRING, offsetof(ExecOpts, detach_keys), "string", "Override the key sequence for detaching a container", NULL },
        { 'e', "env", OPT_STRV, offsetof(ExecOpts, env), "list", "Set environment variables", NULL },
        { 0, "env-file", OPT_STRV, offsetof(ExecOpts, env_file), "list", "Read in a file of environment variables", NULL },
        { 'i', "interactive", OPT_BOOL, offsetof(ExecOpts, interactive), NULL, "Keep STDIN open even if not attached", NULL },
        { 't', "tty", OPT_BOOL, offsetof(ExecOpts, tty), NULL, "Allocate a pseudo-TTY", NULL },
        { 'u', "user", OPT_STRING, offsetof(ExecOpts, user), "string", "Username or UID (format: \"<name|uid>[:<group|gid>]\")", NULL },
        { 'w', "workdir", OPT_STRING, offsetof(ExecOpts, workdir), "string", "Working directory inside the container", NULL },
        {},
};

static int run_exec(const Command *cmd, void *o, int argc, char **argv) {
        ExecOpts *e = o;
        g_autofree char *path = NULL;
        g_autoptr(RoostContainer1) c = NULL;
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) fdv = NULL;
        g_autoptr(GUnixFDList) fds = NULL;
        g_autoptr(GPtrArray) env = g_ptr_array_new_with_free_func(g_free);
        GVariantBuilder b;
        int sock, code;

        if (e->tty && e->interactive && !isatty(STDIN_FILENO))
                return cli_fail("the input device is not a TTY: drop -t, or run from a terminal");
        for (char **f = e->env_file; f && *f; f++) {
                g_autofree char *text = NULL;
                g_auto(GStrv) lines = NULL;
                if (!g_file_get_contents(*f, &text, NULL, &error))
                        return cli_fail("cannot read the env file %s: %s", *f, error->message);
                lines = g_strsplit(text, "\n", -1);
                for (char **l = lines; *l; l++)
                        if (**l && **l != '#' && strchr(*l, '='))
                                g_ptr_array_add(env, g_strdup(g_strstrip(*l)));
        }
        for (char **x = e->env; x && *x; x++)
                g_ptr_array_add(env, strchr(*x, '=') ? g_strdup(*x) : g_strdup_printf("%s=%s", *x, g_getenv(*x) ?: ""));
        g_ptr_array_add(env, NULL);

        if (cli_connect() < 0 || !(path = cli_container_path(argv[0])) || !(c = cli_container_proxy(path)))
                return EXIT_ROOST_ERROR;
        g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
        g_variant_builder_add(&b, "{sv}", "Cmd", g_variant_new_strv((const char *const *) (argv + 1), argc - 1));
        if (env->len > 1)
                g_variant_builder_add(&b, "{sv}", "Env", g_variant_new_strv((const char *const *) env->pdata, -1));
        if (e->user)
                g_variant_builder_add(&b, "{sv}", "User", g_variant_new_string(e->user));
        if (e->workdir)
                g_variant_builder_add(&b, "{sv}", "WorkingDir", g_variant_new_string(e->workdir));
        g_variant_builder_add(&b, "{sv}", "Tty", g_variant_new_boolean(e->tty));
        if (e->tty) {
                unsigned rows, cols;
                if (cli_terminal_size(&rows, &cols))
                        g_variant_builder_add(&b, "{sv}", "ConsoleSize", g_variant_new("(uu)", rows, cols));
        }
        g_variant_builder_add(&b, "{sv}", "Stdin", g_variant_new_boolean(e->interactive));
        g_variant_builder_add(&b, "{sv}", "Detach", g_variant_new_boolean(e->detach));
        if (e->detach_keys)
                g_variant_builder_add(&b, "{sv}", "DetachKeys", g_variant_new_string(e->detach_keys));

        if (!roost_container1_call_exec_sync(c, g_variant_builder_end(&b), NULL, &fdv, &fds, NULL, &error))
                return cli_start_error_exit(error);
        sock = g_unix_fd_list_get(fds, g_variant_get_handle(fdv), NULL);
        if (sock < 0)
                return cli_fail("roostd did not hand over the exec stream");
        if (e->detach) {
                /* it runs on its own; the stream carries nothing */
                close(sock);
                return 0;
        }
        {
                CliStreamOptions so = { .tty = e->tty, .send_stdin = e->interactive, .sig_proxy = false };
                code = cli_stream_run(sock, &so);
        }
        close(sock);
        if (code == CLI_STREAM_DETACHED)
                return 0;
        return code < 0 ? EXIT_ROOST_ERROR : code;
}

const Command cmd_exec = {
        .name = "exec", .usage = "[OPTIONS] CONTAINER COMMAND [ARG...]", .summary = "Execute a command in a running container",
        .aliases = "roost container exec, roost exec", .group = GROUP_COMMON, .options = exec_options,
        .opts_size = sizeof(ExecOpts), .min_args = 2, .max_args = -1, .stop_at_positional = true, .run = run_exec,
};

/* --- attach --------------------------------------------------------------- */

typedef struct AttachOpts {
        bool no_stdin, sig_proxy;
        char *detach_keys;
} AttachOpts;

static const CliOption attach_options[] = {
        { 0, "detach-keys", OPT_STRING, offsetof(AttachOpts, detach_keys), "string", "Override the key sequence for detaching a container", NULL },
        { 0, "no-stdin", OPT_BOOL, offsetof(AttachOpts, no_stdin), NULL, "Do not attach STDIN", NULL },
        { 0, "sig-proxy", OPT_BOOL, offsetof(AttachOpts, sig_proxy), NULL, "Proxy all received signals to the process", "true" },
        {},
};

static void attach_init(void *o) {
        ((AttachOpts *) o)->sig_proxy = true;
}

static bool get_bool_prop(RoostContainer1 *c, const char *name) {
        g_autoptr(GVariant) v = g_dbus_proxy_call_sync(G_DBUS_PROXY(c), "org.freedesktop.DBus.Properties.Get",
                                                       g_variant_new("(ss)", ROOST_CONTAINER_IFACE, name),
                                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
        g_autoptr(GVariant) inner = NULL;
        if (!v)
                return false;
        g_variant_get(v, "(v)", &inner);
        return g_variant_get_boolean(inner);
}

static int run_attach(const Command *cmd, void *o, int argc, char **argv) {
        AttachOpts *a = o;
        g_autofree char *path = NULL;
        g_autoptr(RoostContainer1) c = NULL;
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) fdv = NULL;
        g_autoptr(GUnixFDList) fds = NULL;
        GVariantBuilder b;
        bool tty, stdin_open;
        int sock, code;

        if (cli_connect() < 0 || !(path = cli_container_path(argv[0])) || !(c = cli_container_proxy(path)))
                return EXIT_ROOST_ERROR;
        tty = get_bool_prop(c, "Tty");
        stdin_open = get_bool_prop(c, "OpenStdin") && !a->no_stdin;
        g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
        g_variant_builder_add(&b, "{sv}", "Stdin", g_variant_new_boolean(stdin_open));
        if (a->detach_keys)
                g_variant_builder_add(&b, "{sv}", "DetachKeys", g_variant_new_string(a->detach_keys));
        if (!roost_container1_call_attach_sync(c, g_variant_builder_end(&b), NULL, &fdv, &fds, NULL, &error))
                return cli_fail_gerror(error, NULL);
        sock = g_unix_fd_list_get(fds, g_variant_get_handle(fdv), NULL);
        if (sock < 0)
                return cli_fail("roostd did not hand over the container's stream");
        {
                CliStreamOptions so = { .tty = tty, .send_stdin = stdin_open, .sig_proxy = a->sig_proxy, .container = c };
                code = cli_stream_run(sock, &so);
        }
        close(sock);
        if (code == CLI_STREAM_DETACHED)
                return 0;
        return code < 0 ? EXIT_ROOST_ERROR : code;
}

const Command cmd_attach = {
        .name = "attach", .usage = "[OPTIONS] CONTAINER", .summary = "Attach local standard input, output, and error streams to a running container",
        .aliases = "roost container attach, roost attach", .group = GROUP_OTHER, .options = attach_options,
        .opts_size = sizeof(AttachOpts), .min_args = 1, .max_args = 1, .run = run_attach, .init = attach_init,
};
