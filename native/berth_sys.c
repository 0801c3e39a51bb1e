/*
 * berth_sys: the few Linux system calls berth needs that Node's fs cannot make.
 * chroot (layer extraction inside the target root), mknod (device nodes and overlay
 * whiteouts), extended attributes (overlay opaque dirs, security.capability),
 * mount/umount2 (overlay snapshots without spawning mount(8)), unshare, syncfs,
 * and a SOCK_SEQPACKET client for conmon's attach socket (seqpacket.c).
 * Every function but syncfs (a promise, run on libuv's thread pool) is synchronous and throws
 * an Error carrying `code` (errno name).
 */
#define _GNU_SOURCE
#include <node_api.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/mount.h>
#include <sys/xattr.h>
#include <fcntl.h>

#include "seqpacket.h"

#define MAX_STR 4096

/* An Error for errno `err` with `code`, `errno` and `syscall` set, as Node's fs errors have. */
static napi_value errno_error(napi_env env, int err, const char *syscall, const char *path) {
  char msg[MAX_STR + 128];
  snprintf(msg, sizeof msg, "%s %s: %s", syscall, path ? path : "", strerror(err));
  napi_value code, message, error, errnum, sc;
  const char *name = strerrorname_np(err);
  napi_create_string_utf8(env, name ? name : "EUNKNOWN", NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, code, message, &error);
  napi_create_int32(env, -err, &errnum);
  napi_set_named_property(env, error, "errno", errnum);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &sc);
  napi_set_named_property(env, error, "syscall", sc);
  return error;
}

napi_value throw_errno(napi_env env, int err, const char *syscall, const char *path) {
  napi_throw(env, errno_error(env, err, syscall, path));
  return NULL;
}

static int get_str(napi_env env, napi_value v, char *buf, size_t len) {
  size_t out;
  if (napi_get_value_string_utf8(env, v, buf, len, &out) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a string argument");
    return -1;
  }
  return 0;
}

static int get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < want) {
    napi_throw_type_error(env, NULL, "missing arguments");
    return -1;
  }
  return 0;
}

static napi_value js_chroot(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  char path[MAX_STR];
  if (get_args(env, info, 1, argv) || get_str(env, argv[0], path, sizeof path)) return NULL;
  if (chdir(path) != 0) return throw_errno(env, errno, "chdir", path);
  if (chroot(".") != 0) return throw_errno(env, errno, "chroot", path);
  if (chdir("/") != 0) return throw_errno(env, errno, "chdir", "/");
  return NULL;
}

static napi_value js_mknod(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  char path[MAX_STR];
  uint32_t mode, major, minor;
  if (get_args(env, info, 4, argv) || get_str(env, argv[0], path, sizeof path)) return NULL;
  napi_get_value_uint32(env, argv[1], &mode);
  napi_get_value_uint32(env, argv[2], &major);
  napi_get_value_uint32(env, argv[3], &minor);
  if (mknod(path, (mode_t)mode, makedev(major, minor)) != 0) return throw_errno(env, errno, "mknod", path);
  return NULL;
}

static napi_value js_lsetxattr(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  char path[MAX_STR], name[256];
  void *data;
  size_t len;
  if (get_args(env, info, 3, argv) || get_str(env, argv[0], path, sizeof path) || get_str(env, argv[1], name, sizeof name)) return NULL;
  if (napi_get_buffer_info(env, argv[2], &data, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "value must be a Buffer");
    return NULL;
  }
  if (lsetxattr(path, name, data, len, 0) != 0) return throw_errno(env, errno, "lsetxattr", path);
  return NULL;
}

static napi_value js_lgetxattr(napi_env env, napi_callback_info info) {
  napi_value argv[2], result;
  char path[MAX_STR], name[256];
  if (get_args(env, info, 2, argv) || get_str(env, argv[0], path, sizeof path) || get_str(env, argv[1], name, sizeof name)) return NULL;
  ssize_t n = lgetxattr(path, name, NULL, 0);
  if (n < 0) {
    if (errno == ENODATA || errno == ENOTSUP) { napi_get_null(env, &result); return result; }
    return throw_errno(env, errno, "lgetxattr", path);
  }
  void *buf;
  napi_create_buffer(env, (size_t)n, &buf, &result);
  if (n > 0 && lgetxattr(path, name, buf, (size_t)n) < 0) return throw_errno(env, errno, "lgetxattr", path);
  return result;
}

static napi_value js_llistxattr(napi_env env, napi_callback_info info) {
  napi_value argv[1], result;
  char path[MAX_STR];
  if (get_args(env, info, 1, argv) || get_str(env, argv[0], path, sizeof path)) return NULL;
  napi_create_array(env, &result);
  ssize_t n = llistxattr(path, NULL, 0);
  if (n < 0) {
    if (errno == ENOTSUP) return result;
    return throw_errno(env, errno, "llistxattr", path);
  }
  if (n == 0) return result;
  char *buf = malloc((size_t)n);
  if (!buf) return throw_errno(env, ENOMEM, "llistxattr", path);
  n = llistxattr(path, buf, (size_t)n);
  if (n < 0) { int e = errno; free(buf); return throw_errno(env, e, "llistxattr", path); }
  uint32_t idx = 0;
  for (ssize_t off = 0; off < n; off += (ssize_t)strlen(buf + off) + 1) {
    napi_value s;
    napi_create_string_utf8(env, buf + off, NAPI_AUTO_LENGTH, &s);
    napi_set_element(env, result, idx++, s);
  }
  free(buf);
  return result;
}

static napi_value js_mount(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  char source[MAX_STR], target[MAX_STR], fstype[64];
  char *data = malloc(65536);
  double flags;
  if (!data) return throw_errno(env, ENOMEM, "mount", "");
  if (get_args(env, info, 5, argv) || get_str(env, argv[0], source, sizeof source) || get_str(env, argv[1], target, sizeof target) ||
      get_str(env, argv[2], fstype, sizeof fstype) || get_str(env, argv[4], data, 65536)) { free(data); return NULL; }
  napi_get_value_double(env, argv[3], &flags);
  int rc = mount(source, target, fstype[0] ? fstype : NULL, (unsigned long)flags, data[0] ? data : NULL);
  int e = errno;
  free(data);
  if (rc != 0) return throw_errno(env, e, "mount", target);
  return NULL;
}

static napi_value js_umount2(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  char target[MAX_STR];
  int32_t flags;
  if (get_args(env, info, 2, argv) || get_str(env, argv[0], target, sizeof target)) return NULL;
  napi_get_value_int32(env, argv[1], &flags);
  if (umount2(target, flags) != 0) return throw_errno(env, errno, "umount2", target);
  return NULL;
}

static napi_value js_unshare(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t flags;
  if (get_args(env, info, 1, argv)) return NULL;
  napi_get_value_int32(env, argv[0], &flags);
  if (unshare(flags) != 0) return throw_errno(env, errno, "unshare", "");
  return NULL;
}

/*
 * syncfs(2) on libuv's thread pool: flushing a filesystem can take a second under write load,
 * and the daemon's event loop must not stop for it. Returns a promise.
 */
typedef struct {
  char path[MAX_STR];
  int err;
  const char *syscall;
  napi_deferred deferred;
  napi_async_work work;
} syncfs_job;

static void syncfs_execute(napi_env env, void *data) {
  (void)env;
  syncfs_job *job = data;
  int fd = open(job->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    job->err = errno;
    job->syscall = "open";
    return;
  }
  if (syncfs(fd) != 0) {
    job->err = errno;
    job->syscall = "syncfs";
  }
  close(fd);
}

static void syncfs_complete(napi_env env, napi_status status, void *data) {
  syncfs_job *job = data;
  if (status == napi_ok && job->err == 0) {
    napi_value undef;
    napi_get_undefined(env, &undef);
    napi_resolve_deferred(env, job->deferred, undef);
  } else {
    int err = job->err ? job->err : ECANCELED;
    napi_reject_deferred(env, job->deferred, errno_error(env, err, job->syscall ? job->syscall : "syncfs", job->path));
  }
  napi_delete_async_work(env, job->work);
  free(job);
}

static napi_value js_syncfs(napi_env env, napi_callback_info info) {
  napi_value argv[1], promise, name;
  syncfs_job *job = calloc(1, sizeof *job);
  if (!job) return throw_errno(env, ENOMEM, "syncfs", "");
  if (get_args(env, info, 1, argv) || get_str(env, argv[0], job->path, sizeof job->path)) {
    free(job);
    return NULL;
  }
  napi_create_promise(env, &job->deferred, &promise);
  napi_create_string_utf8(env, "berth:syncfs", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, syncfs_execute, syncfs_complete, job, &job->work);
  napi_queue_async_work(env, job->work);
  return promise;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"chroot", NULL, js_chroot, NULL, NULL, NULL, napi_enumerable, NULL},
    {"mknod", NULL, js_mknod, NULL, NULL, NULL, napi_enumerable, NULL},
    {"lsetxattr", NULL, js_lsetxattr, NULL, NULL, NULL, napi_enumerable, NULL},
    {"lgetxattr", NULL, js_lgetxattr, NULL, NULL, NULL, napi_enumerable, NULL},
    {"llistxattr", NULL, js_llistxattr, NULL, NULL, NULL, napi_enumerable, NULL},
    {"mount", NULL, js_mount, NULL, NULL, NULL, napi_enumerable, NULL},
    {"umount2", NULL, js_umount2, NULL, NULL, NULL, napi_enumerable, NULL},
    {"unshare", NULL, js_unshare, NULL, NULL, NULL, napi_enumerable, NULL},
    {"syncfs", NULL, js_syncfs, NULL, NULL, NULL, napi_enumerable, NULL},
    {"seqpacketConnect", NULL, seqpacket_connect, NULL, NULL, NULL, napi_enumerable, NULL},
    {"seqpacketWrite", NULL, seqpacket_write, NULL, NULL, NULL, napi_enumerable, NULL},
    {"seqpacketShutdown", NULL, seqpacket_shutdown, NULL, NULL, NULL, napi_enumerable, NULL},
    {"seqpacketClose", NULL, seqpacket_close, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
