/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>

#include "config.h"
#include "fileio.h"
#include "kv.h"
#include "log.h"
#include "process.h"
#include "shim-proto.h"

#define LOG_MAX_FILES_LIMIT 100

typedef struct ConfigParse {
        ShimConfig *c;
        char *err;
        size_t errlen;
        bool have_holder;
        const char *detach_keys;
} ConfigParse;

static int config_error(ConfigParse *p, unsigned line, const char *fmt, ...) _printf_(3, 4);
static int config_error(ConfigParse *p, unsigned line, const char *fmt, ...) {
        va_list ap;
        int n = 0;

        if (line > 0)
                n = snprintf(p->err, p->errlen, SHIM_CONF_FILE ":%u: ", line);
        else
                n = snprintf(p->err, p->errlen, SHIM_CONF_FILE ": ");
        if (n < 0 || (size_t) n >= p->errlen)
                return -EINVAL;
        va_start(ap, fmt);
        vsnprintf(p->err + n, p->errlen - (size_t) n, fmt, ap);
        va_end(ap);
        return -EINVAL;
}

static bool id_valid(const char *s) {
        size_t n = strlen(s);

        if (n == 0 || n > SHIM_ID_MAX || s[0] == '.' || s[0] == '-')
                return false;
        for (const char *c = s; *c; c++)
                if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                      *c == '_' || *c == '.' || *c == '-'))
                        return false;
        return true;
}

static int set_string(ConfigParse *p, char **field, const char *key, const char *value, unsigned line) {
        if (strlen(value) > 4096)
                return config_error(p, line, "%s is longer than 4096 bytes", key);
        free(*field);
        *field = strdup(value);
        return *field ? 0 : -ENOMEM;
}

static int set_path(ConfigParse *p, char **field, const char *key, const char *value, unsigned line) {
        if (value[0] != '/')
                return config_error(p, line, "%s must be an absolute path, not \"%s\"", key, value);
        if (strstr(value, "/../") || endswith(value, "/.."))
                return config_error(p, line, "%s must not contain \"..\": \"%s\"", key, value);
        return set_string(p, field, key, value, line);
}

static int set_bool(ConfigParse *p, bool *field, const char *key, const char *value, unsigned line) {
        if (kv_parse_bool(value, field) < 0)
                return config_error(p, line, "%s must be true or false, not \"%s\"", key, value);
        return 0;
}

static int config_field(const char *key, const char *value, unsigned line, void *userdata) {
        ConfigParse *p = userdata;
        ShimConfig *c = p->c;
        uint64_t u;

        if (streq(key, "id")) {
                if (!id_valid(value))
                        return config_error(p, line, "id \"%s\" is not a valid container id (1-%d of [A-Za-z0-9_.-])",
                                            value, SHIM_ID_MAX);
                return set_string(p, &c->id, key, value, line);
        }
        if (streq(key, "name"))
                return set_string(p, &c->name, key, value, line);
        if (streq(key, "bundle"))
                return set_path(p, &c->bundle, key, value, line);
        if (streq(key, "runtime")) {
                if (isempty(value))
                        return config_error(p, line, "runtime is empty");
                return set_string(p, &c->runtime, key, value, line);
        }
        if (streq(key, "runtime_root"))
                return set_path(p, &c->runtime_root, key, value, line);
        if (streq(key, "holder_pid")) {
                if (kv_parse_uint64(value, INT32_MAX, &u) < 0)
                        return config_error(p, line, "holder_pid must be a process ID (or 0), not \"%s\"", value);
                c->holder_pid = (pid_t) u;
                p->have_holder = true;
                return 0;
        }
        if (streq(key, "holder_starttime")) {
                if (kv_parse_uint64(value, UINT64_MAX, &u) < 0)
                        return config_error(p, line, "holder_starttime must be a number, not \"%s\"", value);
                c->holder_starttime = u;
                return 0;
        }
        if (streq(key, "terminal"))
                return set_bool(p, &c->terminal, key, value, line);
        if (streq(key, "stdin"))
                return set_bool(p, &c->stdin_open, key, value, line);
        if (streq(key, "log_driver")) {
                if (streq(value, "file"))
                        c->log_driver = LOG_DRIVER_FILE;
                else if (streq(value, "journald"))
                        c->log_driver = LOG_DRIVER_JOURNALD;
                else if (streq(value, "none"))
                        c->log_driver = LOG_DRIVER_NONE;
                else
                        return config_error(p, line, "log_driver must be file, journald or none, not \"%s\"", value);
                return 0;
        }
        if (streq(key, "log_path")) {
                if (isempty(value)) {
                        free(c->log_path);
                        c->log_path = NULL;
                        return 0;
                }
                return set_path(p, &c->log_path, key, value, line);
        }
        if (streq(key, "log_max_size")) {
                if (kv_parse_size(value, &c->log_max_size) < 0)
                        return config_error(p, line, "log_max_size must be a size in bytes (suffix k, m or g allowed), not \"%s\"", value);
                return 0;
        }
        if (streq(key, "log_max_files")) {
                if (kv_parse_uint64(value, LOG_MAX_FILES_LIMIT, &u) < 0 || u == 0)
                        return config_error(p, line, "log_max_files must be 1-%d, not \"%s\"", LOG_MAX_FILES_LIMIT, value);
                c->log_max_files = (unsigned) u;
                return 0;
        }
        if (streq(key, "log_tag"))
                return set_string(p, &c->log_tag, key, value, line);
        if (streq(key, "journal_socket"))
                return set_path(p, &c->journal_socket, key, value, line);
        if (streq(key, "detach_keys")) {
                char msg[256];
                if (detach_keys_parse(value, &c->detach_keys, msg, sizeof msg) < 0)
                        return config_error(p, line, "%s", msg);
                return 0;
        }
        if (streq(key, "cgroup")) {
                if (!streq(value, "disabled") && value[0] != '/')
                        return config_error(p, line, "cgroup must be \"disabled\" or an absolute cgroup path, not \"%s\"", value);
                return set_string(p, &c->cgroup, key, value, line);
        }
        if (streq(key, "console_size")) {
                /* ROWSxCOLS, "0x0" for unknown: the pty's size before the container runs */
                char *x = strchr(value, 'x');
                uint64_t rows, cols;
                int bad = !x;
                if (x) {
                        *x = 0;
                        bad = kv_parse_uint64(value, UINT16_MAX, &rows) < 0 || kv_parse_uint64(x + 1, UINT16_MAX, &cols) < 0 ||
                              (rows == 0) != (cols == 0);
                        *x = 'x';
                }
                if (bad)
                        return config_error(p, line, "console_size must be ROWSxCOLUMNS (0x0: unknown), not \"%s\"", value);
                c->console_rows = (unsigned) rows;
                c->console_cols = (unsigned) cols;
                return 0;
        }
        /* a newer roostd may know more: say so, but run */
        log_warning(SHIM_CONF_FILE ":%u: unknown key \"%s\", ignored.", line, key);
        return 0;
}

int shim_config_parse(char *text, ShimConfig *ret, char *errbuf, size_t errlen) {
        ShimConfig c = { .log_max_files = 1 };
        ConfigParse p = { .c = &c, .err = errbuf, .errlen = errlen };
        unsigned bad = 0;
        char *exe = NULL;
        int r;

        (void) detach_keys_parse(DETACH_KEYS_DEFAULT, &c.detach_keys, NULL, 0);
        r = kv_parse(text, config_field, &p, &bad);
        if (r == -EBADMSG)
                r = config_error(&p, bad, "not a key=value line");
        if (r >= 0) {
                if (!c.id)
                        r = config_error(&p, 0, "id is missing");
                else if (!c.bundle)
                        r = config_error(&p, 0, "bundle is missing");
                else if (!c.runtime)
                        r = config_error(&p, 0, "runtime is missing");
                else if (!c.runtime_root)
                        r = config_error(&p, 0, "runtime_root is missing");
                else if (!p.have_holder)
                        r = config_error(&p, 0, "holder_pid is missing (0 runs the runtime in the shim's own namespaces)");
                else if (c.log_driver != LOG_DRIVER_NONE && !c.log_path)
                        r = config_error(&p, 0, "log_path is missing (or set log_driver=none)");
        }
        if (r >= 0 && find_executable(c.runtime, &exe) < 0)
                r = config_error(&p, 0, "runtime \"%s\" is not an executable (not found in PATH)", c.runtime);
        if (r >= 0) {
                free(c.runtime);
                c.runtime = exe;
                if (!c.name && !(c.name = strdup(c.id)))
                        r = -ENOMEM;
                if (!c.cgroup && !(c.cgroup = strdup("disabled")))
                        r = -ENOMEM;
                if (c.log_driver == LOG_DRIVER_NONE) {
                        free(c.log_path);
                        c.log_path = NULL;
                }
        }
        if (r < 0) {
                shim_config_done(&c);
                return r;
        }
        *ret = c;
        return 0;
}

int shim_config_load(int dirfd, ShimConfig *ret, char *errbuf, size_t errlen) {
        _cleanup_free_ char *text = NULL;
        size_t size;
        int r;

        r = read_full_file_at(dirfd, SHIM_CONF_FILE, SHIM_CONF_MAX, &text, &size);
        if (r < 0) {
                snprintf(errbuf, errlen, "cannot read " SHIM_CONF_FILE ": %s", strerror(-r));
                return r;
        }
        if (memchr(text, 0, size)) {
                snprintf(errbuf, errlen, SHIM_CONF_FILE " holds a NUL byte");
                return -EINVAL;
        }
        return shim_config_parse(text, ret, errbuf, errlen);
}

void shim_config_done(ShimConfig *c) {
        free(c->id);
        free(c->name);
        free(c->bundle);
        free(c->runtime);
        free(c->runtime_root);
        free(c->log_path);
        free(c->log_tag);
        free(c->journal_socket);
        free(c->cgroup);
        *c = (ShimConfig) {};
}

const char *log_driver_to_string(LogDriver d) {
        switch (d) {
        case LOG_DRIVER_FILE: return "file";
        case LOG_DRIVER_JOURNALD: return "journald";
        case LOG_DRIVER_NONE: return "none";
        }
        return "?";
}
