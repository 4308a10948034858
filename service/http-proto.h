/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <jansson.h>
#include <sys/types.h>

#include "http.h"

/* The protocol between roostd (http.c) and roost-http, its HTTP helper
 * (roost-http.c). Both ends are AF_UNIX SOCK_SEQPACKET sockets: one message
 * per datagram, its first byte the type.
 *
 * On the control socket (roost-http's fd 3), roostd -> roost-http:
 *   START    the request's HttpRequestParams as a JSON object, with one end
 *            of a new socketpair passed along (SCM_RIGHTS): the request's own
 *            socket.
 * On a request's socket, roost-http -> roostd:
 *   HEADERS  {"response": HttpResponse, "version": 1|2|3}
 *   DATA     body bytes, at most HTTP_DATA_MAX
 *   DONE     {"r": 0|-errno, "message": ..., "response": HttpResponse},
 *            a NUL, then the raw error body (if any): raw because it is not
 *            necessarily UTF-8, which JSON would mangle.
 * roostd cancels a request by closing its end; roost-http cancels them all
 * and exits when the control socket reaches EOF. Flow control is the
 * sockets' own: roost-http pauses a transfer while its socket is full. */

enum {
        HTTP_MSG_START = 'S',
        HTTP_MSG_HEADERS = 'H',
        HTTP_MSG_DATA = 'D',
        HTTP_MSG_DONE = 'E',
};

#define HTTP_DATA_MAX (64 * 1024)

void http_response_clear(HttpResponse *r);

json_t *http_params_to_json(const HttpRequestParams *p);
/* p's strings point into o; p->headers is a new array (free() it), or NULL */
int http_params_from_json(const json_t *o, HttpRequestParams *p);

/* without error_body (DONE carries it raw) */
json_t *http_response_to_json(const HttpResponse *r);
/* r must be clear; its strings are copied */
void http_response_from_json(const json_t *o, HttpResponse *r);

/* Receives one message (nonblocking) into a new buffer of its exact size,
 * NUL-terminated beyond its length; *ret_fd (when not NULL) takes a passed
 * descriptor or -EBADF, and any other passed one is closed. Returns its
 * length, 0 at EOF, or a negative errno (-EAGAIN: none yet). */
ssize_t http_msg_recv(int fd, char **ret_buf, int *ret_fd);
/* Sends a type byte, a and b (b may be NULL) as one message, with fd passed
 * along when >= 0; nonblocking, never SIGPIPE. 0 or a negative errno. */
int http_msg_send(int fd, char type, const void *a, size_t a_len, const void *b, size_t b_len, int pass_fd);
