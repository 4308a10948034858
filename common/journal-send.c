/* SPDX-License-Identifier: Apache-2.0 */
#include <endian.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "fileio.h"
#include "journal-send.h"
#include "macro.h"

#define JOURNAL_ENTRY_MAX (8u * 1024 * 1024)

int journal_open(const char *path) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        _cleanup_close_ int fd = -EBADF;

        path = path ?: JOURNAL_SOCKET_PATH;
        if (strlen(path) >= sizeof sa.sun_path)
                return -EINVAL;
        strcpy(sa.sun_path, path);
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        if (connect(fd, (struct sockaddr *) &sa, sizeof sa) < 0)
                return -errno;
        return TAKE_FD(fd);
}

bool journal_field_name_valid(const char *name, size_t len) {
        if (len == 0 || len > 64 || name[0] == '_' || (name[0] >= '0' && name[0] <= '9'))
                return false;
        for (size_t i = 0; i < len; i++)
                if (!((name[i] >= 'A' && name[i] <= 'Z') || (name[i] >= '0' && name[i] <= '9') || name[i] == '_'))
                        return false;
        return true;
}

/* Serializes the fields: "KEY=value\n", or "KEY\n<le64 size>value\n" when
 * the value holds a newline. */
static int journal_serialize(const struct iovec *fields, size_t n, uint8_t **ret, size_t *ret_size) {
        size_t size = 0;
        uint8_t *buf, *p;

        for (size_t i = 0; i < n; i++) {
                const char *eq = memchr(fields[i].iov_base, '=', fields[i].iov_len);
                if (!eq || !journal_field_name_valid(fields[i].iov_base, (size_t) (eq - (char *) fields[i].iov_base)))
                        return -EINVAL;
                size += fields[i].iov_len + 1 + 8;
                if (size > JOURNAL_ENTRY_MAX)
                        return -E2BIG;
        }
        buf = p = malloc(size ?: 1);
        if (!buf)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                const char *f = fields[i].iov_base, *eq = memchr(f, '=', fields[i].iov_len);
                size_t klen = (size_t) (eq - f), vlen = fields[i].iov_len - klen - 1;

                if (memchr(eq + 1, '\n', vlen)) {
                        uint64_t le = htole64((uint64_t) vlen);
                        memcpy(p, f, klen);
                        p += klen;
                        *p++ = '\n';
                        memcpy(p, &le, 8);
                        p += 8;
                        memcpy(p, eq + 1, vlen);
                        p += vlen;
                } else {
                        memcpy(p, f, fields[i].iov_len);
                        p += fields[i].iov_len;
                }
                *p++ = '\n';
        }
        *ret = buf;
        *ret_size = (size_t) (p - buf);
        return 0;
}

static int journal_send_memfd(int fd, const uint8_t *data, size_t size, int flags) {
        _cleanup_close_ int mfd = memfd_create("journal-entry", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        union {
                struct cmsghdr h;
                uint8_t buf[CMSG_SPACE(sizeof(int))];
        } control = {};
        struct msghdr mh = { .msg_control = &control, .msg_controllen = sizeof control };
        struct cmsghdr *cmsg;
        int r;

        if (mfd < 0)
                return -errno;
        r = loop_write(mfd, data, size);
        if (r < 0)
                return r;
        if (fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
                return -errno;
        cmsg = CMSG_FIRSTHDR(&mh);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cmsg), &mfd, sizeof(int));
        if (sendmsg(fd, &mh, MSG_NOSIGNAL | flags) < 0)
                return -errno;
        return 0;
}

int journal_sendv(int fd, const struct iovec *fields, size_t n, int flags) {
        _cleanup_free_ uint8_t *buf = NULL;
        size_t size;
        int r;

        r = journal_serialize(fields, n, &buf, &size);
        if (r < 0)
                return r;
        if (send(fd, buf, size, MSG_NOSIGNAL | flags) >= 0)
                return 0;
        if (errno != EMSGSIZE && errno != ENOBUFS)
                return -errno;
        return journal_send_memfd(fd, buf, size, flags);
}
