/* SPDX-License-Identifier: Apache-2.0 */
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/utsname.h>

#include "facts.h"
#include "fileio.h"
#include "log.h"
#include "process.h"

const char *oci_arch_from_uname(const char *machine) {
        static const struct {
                const char *uname, *oci;
        } table[] = {
                { "x86_64", "amd64" },   { "aarch64", "arm64" }, { "armv7l", "arm" },
                { "i686", "386" },       { "i386", "386" },      { "ppc64le", "ppc64le" },
                { "s390x", "s390x" },    { "riscv64", "riscv64" }, { "loongarch64", "loong64" },
        };
        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (streq(table[i].uname, machine))
                        return table[i].oci;
        return machine;
}

static const char *cgroup_version(void) {
        struct statfs fs;

        if (statfs("/sys/fs/cgroup", &fs) < 0)
                return "none";
        if (fs.f_type == CGROUP2_SUPER_MAGIC)
                return "v2";
        if (statfs("/sys/fs/cgroup/unified", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC)
                return "hybrid";
        return "v1";
}

/* The controllers available to this user's systemd manager: those listed in
 * cgroup.controllers of the user@UID.service cgroup we run under (or of our
 * own cgroup when there is none). */
static int cgroup_controllers(char ***ret) {
        _cleanup_free_ char *self = NULL, *path = NULL, *list = NULL;
        char *p, *end, unit[64];
        int r;

        r = read_full_file("/proc/self/cgroup", 64 * 1024, &self, NULL);
        if (r < 0)
                return r;
        p = strstr(self, "0::");
        if (!p)
                return -ENOENT;
        p += 3;
        end = strchrnul(p, '\n');
        *end = 0;
        snprintf(unit, sizeof unit, "/user@%u.service", getuid());
        end = strstr(p, unit);
        if (end)
                end[strlen(unit)] = 0;
        path = strjoin("/sys/fs/cgroup", p, "/cgroup.controllers");
        if (!path)
                return -ENOMEM;
        r = read_full_file(path, 4096, &list, NULL);
        if (r < 0)
                return r;
        for (char *s = list, *save = NULL, *t; (t = strtok_r(s, " \n", &save)); s = NULL)
                if (strv_extend(ret, t) < 0)
                        return -ENOMEM;
        return 0;
}

static void runtime_facts(Facts *f, const Config *c) {
        _cleanup_free_ char *out = NULL;
        int r;

        f->runtime = strdup(c->runtime);
        r = find_executable(isempty(c->runtime_path) ? c->runtime : c->runtime_path, &f->runtime_path);
        if (r < 0) {
                log_warning("OCI runtime %s not found%s%s: containers cannot run until it is installed (apt-get install %s).",
                            c->runtime, isempty(c->runtime_path) ? "" : " at ", strempty(c->runtime_path), c->runtime);
                f->runtime_path = strdup("");
                f->runtime_version = strdup("");
                return;
        }
        r = spawn_wait((char *[]) { f->runtime_path, "--version", NULL }, 5000, &out);
        if (r == 0) {
                /* "crun version 1.8.1" / "runc version 1.1.5" */
                char *nl = strchrnul(out, '\n'), *v;
                *nl = 0;
                v = strstr(out, "version ");
                f->runtime_version = strdup(v ? v + 8 : out);
        } else
                f->runtime_version = strdup("unknown");
}

int facts_gather(Facts *f, const Config *c, bool overlay, bool systemd_scopes) {
        struct utsname u;

        if (uname(&u) < 0)
                return -errno;
        f->kernel_version = strdup(u.release);
        f->os = strdup("linux");
        f->arch = strdup(oci_arch_from_uname(u.machine));
        f->cgroup_version = strdup(cgroup_version());
        if (cgroup_controllers(&f->cgroup_controllers) < 0)
                log_debug("Cannot read the delegated cgroup controllers.");
        if (!f->cgroup_controllers)
                f->cgroup_controllers = calloc(1, sizeof(char *));
        f->systemd_scopes = systemd_scopes;
        f->overlay = overlay;
        runtime_facts(f, c);

        if (streq(c->storage_driver, "overlayfs") && !overlay)
                return log_error_errno(EOPNOTSUPP,
                                       "roost.conf sets [Storage] Driver=overlayfs, but rootless overlayfs (userxattr) does not "
                                       "work here (kernel %s). Set Driver=auto or Driver=copy.", u.release);
        f->storage_driver = strdup(streq(c->storage_driver, "copy") || !overlay ? "copy" : "overlayfs");

        if (!f->kernel_version || !f->os || !f->arch || !f->cgroup_version || !f->cgroup_controllers ||
            !f->runtime || !f->runtime_path || !f->runtime_version || !f->storage_driver)
                return -ENOMEM;
        return 0;
}

void facts_done(Facts *f) {
        free(f->kernel_version);
        free(f->os);
        free(f->arch);
        free(f->runtime);
        free(f->runtime_path);
        free(f->runtime_version);
        free(f->cgroup_version);
        strv_free(f->cgroup_controllers);
        free(f->storage_driver);
        *f = (Facts) {};
}
