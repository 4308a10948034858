/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <fcntl.h>
#include <unistd.h>

#include "cli.h"

/* docker run's --pull: always pull, pull when missing, or never. */
int cli_image_ensure(const char *ref, const char *policy, const char *platform, bool quiet) {
        g_autoptr(GError) error = NULL;
        g_autofree char *path = NULL;
        bool have;

        if (!g_str_equal(policy, "always") && !g_str_equal(policy, "missing") && !g_str_equal(policy, "never"))
                return cli_fail("invalid --pull \"%s\": use always, missing or never", policy);
        have = roost_manager1_call_get_image_sync(cli.manager, ref, &path, NULL, &error);
        if (!have && error && !g_dbus_error_is_remote_error(error))
                return cli_fail_gerror(error, NULL);
        if (g_str_equal(policy, "never") || (have && g_str_equal(policy, "missing")))
                return 0;
        if (!have && !quiet)
                fprintf(stderr, "Unable to find image '%s' locally\n", ref);
        /* pull's progress goes to stderr (or nowhere with -q), so that `run`
         * keeps stdout for the container */
        {
                int saved = dup(STDOUT_FILENO), null = open("/dev/null", O_WRONLY | O_CLOEXEC), r;
                fflush(stdout);
                dup2(quiet ? null : STDERR_FILENO, STDOUT_FILENO);
                if (null >= 0)
                        close(null);
                r = cli_pull_image(ref, platform, quiet);
                fflush(stdout);
                if (saved >= 0) {
                        dup2(saved, STDOUT_FILENO);
                        close(saved);
                }
                return r;
        }
}
