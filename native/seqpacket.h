#ifndef BERTH_SEQPACKET_H
#define BERTH_SEQPACKET_H
#include <node_api.h>
napi_value throw_errno(napi_env env, int err, const char *syscall, const char *path);
napi_value seqpacket_connect(napi_env env, napi_callback_info info);
napi_value seqpacket_write(napi_env env, napi_callback_info info);
napi_value seqpacket_shutdown(napi_env env, napi_callback_info info);
napi_value seqpacket_close(napi_env env, napi_callback_info info);
#endif
