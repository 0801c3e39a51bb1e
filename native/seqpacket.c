/*
 * A SOCK_SEQPACKET unix socket client driven by libuv, for conmon's attach
 * socket (Node's net module only speaks SOCK_STREAM). Each received packet is
 * handed to JS whole; writes send one packet each, queueing on EAGAIN.
 *
 * JS API: seqpacketConnect(path, onData(buf|null), onDrain()) -> handle
 *         handle methods via seqpacketWrite(h, buf) -> bool (false: queued),
 *         seqpacketShutdown(h), seqpacketClose(h)
 */
#define _GNU_SOURCE
#include <node_api.h>
#include <uv.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "seqpacket.h"

#define RECV_MAX 65536

typedef struct pkt {
  struct pkt *next;
  size_t len;
  char data[];
} pkt;

typedef struct {
  uv_poll_t poll;
  int fd;
  int closed;
  int shutdown_pending;
  int closing;     /* uv_close called: the fd goes as soon as libuv lets go of it */
  int close_done;  /* ... and it went */
  int finalized;   /* the JS handle was garbage-collected: free on close_done */
  napi_env env;
  napi_ref on_data;
  napi_ref on_drain;
  napi_async_context async;
  pkt *head, *tail;
  char buf[RECV_MAX];
} conn;

static void call_js(conn *c, napi_ref ref, napi_value arg) {
  napi_env env = c->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value fn, recv, result;
  napi_get_reference_value(env, ref, &fn);
  /* MakeCallback needs an object as the receiver. */
  napi_get_global(env, &recv);
  if (arg == NULL) napi_get_null(env, &arg);
  napi_make_callback(env, c->async, recv, fn, 1, &arg, &result);
  napi_close_handle_scope(env, scope);
}

static void update_poll(conn *c);
static void begin_close(conn *c);

static void flush_queue(conn *c) {
  while (c->head) {
    ssize_t n = send(c->fd, c->head->data, c->head->len, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    pkt *p = c->head;
    c->head = p->next;
    if (!c->head) c->tail = NULL;
    free(p);
    if (n < 0) break; /* peer gone: drop the rest, the read side reports EOF */
  }
  while (c->head) { pkt *p = c->head; c->head = p->next; free(p); }
  c->tail = NULL;
  if (c->shutdown_pending) { shutdown(c->fd, SHUT_WR); c->shutdown_pending = 0; }
  call_js(c, c->on_drain, NULL);
}

static void on_poll(uv_poll_t *h, int status, int events) {
  conn *c = (conn *)h->data;
  if (c->closed) return;
  if (events & UV_WRITABLE) flush_queue(c);
  if (c->closed) return;
  if (status < 0 || (events & (UV_READABLE | UV_DISCONNECT))) {
    for (;;) {
      ssize_t n = recv(c->fd, c->buf, sizeof c->buf, MSG_DONTWAIT);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        uv_poll_stop(&c->poll);
        c->closed = 1;
        call_js(c, c->on_data, NULL);
        begin_close(c);
        return;
      }
      napi_handle_scope scope;
      napi_open_handle_scope(c->env, &scope);
      napi_value b;
      void *dst;
      napi_create_buffer_copy(c->env, (size_t)n, c->buf, &dst, &b);
      call_js(c, c->on_data, b);
      napi_close_handle_scope(c->env, scope);
      if (c->closed) return;
    }
  }
  update_poll(c);
}

static void update_poll(conn *c) {
  if (c->closed) return;
  int ev = UV_READABLE | UV_DISCONNECT;
  if (c->head) ev |= UV_WRITABLE;
  uv_poll_start(&c->poll, ev, on_poll);
}

static void on_uv_close(uv_handle_t *h) {
  conn *c = (conn *)h->data;
  /* The fd may only be closed once libuv no longer polls it. */
  if (c->fd >= 0) close(c->fd);
  c->fd = -1;
  while (c->head) { pkt *p = c->head; c->head = p->next; free(p); }
  c->close_done = 1;
  if (c->finalized) free(c);
}

/* Release the fd now rather than when the JS handle is collected (a daemon may see thousands). */
static void begin_close(conn *c) {
  c->closed = 1;
  if (c->closing) return;
  c->closing = 1;
  uv_poll_stop(&c->poll);
  uv_close((uv_handle_t *)&c->poll, on_uv_close);
}

static void finalize(napi_env env, void *data, void *hint) {
  (void)hint;
  conn *c = (conn *)data;
  napi_delete_reference(env, c->on_data);
  napi_delete_reference(env, c->on_drain);
  napi_async_destroy(env, c->async);
  c->finalized = 1;
  if (c->close_done) free(c);
  else begin_close(c);
}

static conn *get_conn(napi_env env, napi_value v) {
  void *data = NULL;
  napi_get_value_external(env, v, &data);
  return (conn *)data;
}

napi_value seqpacket_connect(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
  size_t plen;
  if (argc < 3 || napi_get_value_string_utf8(env, argv[0], path, sizeof path, &plen) != napi_ok || plen >= sizeof path - 1) {
    napi_throw_type_error(env, NULL, "seqpacketConnect(path, onData, onDrain): bad arguments or path too long");
    return NULL;
  }
  int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, errno, "socket", path);
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  memcpy(addr.sun_path, path, plen);
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    int e = errno;
    close(fd);
    return throw_errno(env, e, "connect", path);
  }
  conn *c = calloc(1, sizeof *c);
  c->fd = fd;
  c->env = env;
  napi_create_reference(env, argv[1], 1, &c->on_data);
  napi_create_reference(env, argv[2], 1, &c->on_drain);
  napi_value name, resource;
  napi_create_string_utf8(env, "berth:seqpacket", NAPI_AUTO_LENGTH, &name);
  napi_create_object(env, &resource);
  napi_async_init(env, resource, name, &c->async);
  uv_loop_t *loop;
  napi_get_uv_event_loop(env, &loop);
  uv_poll_init(loop, &c->poll, fd);
  c->poll.data = c;
  update_poll(c);
  napi_value ext;
  napi_create_external(env, c, finalize, NULL, &ext);
  return ext;
}

napi_value seqpacket_write(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], result;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  conn *c = get_conn(env, argv[0]);
  void *data;
  size_t len;
  if (!c || napi_get_buffer_info(env, argv[1], &data, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "seqpacketWrite(handle, buffer)");
    return NULL;
  }
  int sent = 0;
  if (!c->closed && !c->head) {
    ssize_t n = send(c->fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n >= 0) sent = 1;
    else if (errno != EAGAIN && errno != EWOULDBLOCK) sent = 1; /* broken: drop, EOF follows */
  }
  if (!sent && !c->closed) {
    pkt *p = malloc(sizeof *p + len);
    p->next = NULL;
    p->len = len;
    memcpy(p->data, data, len);
    if (c->tail) c->tail->next = p; else c->head = p;
    c->tail = p;
    update_poll(c);
  }
  napi_get_boolean(env, sent || c->closed, &result);
  return result;
}

napi_value seqpacket_shutdown(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  conn *c = get_conn(env, argv[0]);
  if (c && !c->closed) {
    if (c->head) c->shutdown_pending = 1;
    else shutdown(c->fd, SHUT_WR);
  }
  return NULL;
}

napi_value seqpacket_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  conn *c = get_conn(env, argv[0]);
  if (c && !c->closing) {
    shutdown(c->fd, SHUT_RDWR);
    begin_close(c);
  }
  return NULL;
}
