/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "fileio.h"
#include "hosts.h"
#include "macro.h"
#include "netns-defs.h"

#define NAME_MAX_LEN 253

static bool valid_address(const char *s) {
        unsigned char b[sizeof(struct in6_addr)];
        return s && (inet_pton(AF_INET, s, b) == 1 || inet_pton(AF_INET6, s, b) == 1);
}

static bool valid_name(const char *s, size_t len) {
        if (len == 0 || len > NAME_MAX_LEN)
                return false;
        for (size_t i = 0; i < len; i++) {
                char c = s[i];
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '-' || c == '_'))
                        return false;
        }
        return true;
}

/* space-separated names, at least one */
static bool valid_names(const char *s) {
        bool any = false;

        if (!s)
                return false;
        while (*s) {
                size_t n = strcspn(s, " ");
                if (n > 0) {
                        if (!valid_name(s, n))
                                return false;
                        any = true;
                }
                s += n;
                s += strspn(s, " ");
        }
        return any;
}

/* prints "address\tnames\n" with runs of spaces in names folded */
static void put_line(FILE *f, const char *address, const char *names) {
        bool first = true;

        fprintf(f, "%s\t", address);
        while (*names) {
                size_t n = strcspn(names, " ");
                if (n > 0) {
                        fprintf(f, "%s%.*s", first ? "" : " ", (int) n, names);
                        first = false;
                }
                names += n;
                names += strspn(names, " ");
        }
        fputc('\n', f);
}

static int finish_memstream(FILE *f, char **buf, char **ret) {
        if (fflush(f) != 0 || ferror(f)) {
                fclose(f);
                free(*buf);
                return -ENOMEM;
        }
        fclose(f);
        *ret = *buf;
        return 0;
}

int hosts_render(const HostsParams *p, char **ret) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f;

        if (!p->hostname || !valid_names(p->hostname) || strchr(p->hostname, ' '))
                return -EINVAL;
        if (p->name && (!valid_names(p->name) || strchr(p->name, ' ')))
                return -EINVAL;
        if (p->address && !valid_address(p->address))
                return -EINVAL;
        if (p->host_gateway && !valid_address(p->host_gateway))
                return -EINVAL;
        for (size_t i = 0; i < p->n_add_hosts; i++)
                if (!valid_address(p->add_hosts[i].address) || !valid_names(p->add_hosts[i].names))
                        return -EINVAL;
        for (size_t i = 0; i < p->n_peers; i++)
                if (!valid_address(p->peers[i].address) || !valid_names(p->peers[i].names))
                        return -EINVAL;

        f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;
        put_line(f, "127.0.0.1", "localhost localhost.localdomain");
        put_line(f, "::1", "localhost ip6-localhost ip6-loopback");
        for (size_t i = 0; i < p->n_add_hosts; i++)
                put_line(f, p->add_hosts[i].address, p->add_hosts[i].names);
        fprintf(f, "%s\t%s", p->address ?: "127.0.1.1", p->hostname);
        if (p->name && !streq(p->name, p->hostname))
                fprintf(f, " %s", p->name);
        fputc('\n', f);
        if (p->host_gateway)
                put_line(f, p->host_gateway, NETNS_HOST_ALIAS);
        for (size_t i = 0; i < p->n_peers; i++)
                put_line(f, p->peers[i].address, p->peers[i].names);
        return finish_memstream(f, &buf, ret);
}

int hosts_parse_add_host(const char *s, const char *host_gateway, char **ret_name, char **ret_address) {
        _cleanup_free_ char *name = NULL, *address = NULL;
        const char *colon, *a;

        if (!s)
                return -EINVAL;
        /* the name cannot hold ':', the address (IPv6) can: split at the first */
        colon = strchr(s, ':');
        if (!colon || !valid_name(s, (size_t) (colon - s)))
                return -EINVAL;
        a = colon + 1;
        /* docker also accepts a bracketed IPv6 address here */
        if (*a == '[' && endswith(a, "]"))
                address = strndup(a + 1, strlen(a) - 2);
        else if (streq(a, "host-gateway")) {
                if (!host_gateway)
                        return -EADDRNOTAVAIL;
                address = strdup(host_gateway);
        } else
                address = strdup(a);
        name = strndup(s, (size_t) (colon - s));
        if (!name || !address)
                return -ENOMEM;
        if (!valid_address(address))
                return -EINVAL;
        *ret_name = TAKE_PTR(name);
        *ret_address = TAKE_PTR(address);
        return 0;
}

static bool valid_word(const char *s) {
        if (isempty(s))
                return false;
        for (; *s; s++)
                if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '#' || *s == ';')
                        return false;
        return true;
}

int resolv_render(const ResolvParams *p, char **ret) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f;

        for (const char *const *i = p->nameservers; i && *i; i++)
                if (!valid_address(*i))
                        return -EINVAL;
        for (const char *const *i = p->search; i && *i; i++)
                if (!valid_word(*i))
                        return -EINVAL;
        for (const char *const *i = p->options; i && *i; i++)
                if (!valid_word(*i))
                        return -EINVAL;

        f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;
        for (const char *const *i = p->nameservers; i && *i; i++)
                fprintf(f, "nameserver %s\n", *i);
        if (p->search && p->search[0]) {
                fputs("search", f);
                for (const char *const *i = p->search; *i; i++)
                        fprintf(f, " %s", *i);
                fputc('\n', f);
        }
        if (p->options && p->options[0]) {
                fputs("options", f);
                for (const char *const *i = p->options; *i; i++)
                        fprintf(f, " %s", *i);
                fputc('\n', f);
        }
        return finish_memstream(f, &buf, ret);
}

int hosts_file_rewrite(int dirfd, const char *path, const char *content) {
        _cleanup_close_ int fd = -EBADF;
        struct stat st;
        int r;

        fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0644);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        if (ftruncate(fd, 0) < 0)
                return -errno;
        r = loop_write(fd, content, strlen(content));
        if (r < 0)
                return r;
        return 0;
}
