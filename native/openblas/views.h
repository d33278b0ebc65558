/* Argument helpers shared by the addon's functions. */
#ifndef GSSNN_NATIVE_VIEWS_H
#define GSSNN_NATIVE_VIEWS_H

#include <node_api.h>
#include <stdio.h>

/* The data pointer and element count of a typed array of the given type; 0 if it is not one. */
static inline int typed_view(napi_env env, napi_value value, napi_typedarray_type want, void **data, size_t *length) {
  napi_typedarray_type type;
  if (napi_get_typedarray_info(env, value, &type, length, data, NULL, NULL) != napi_ok) return 0;
  return type == want;
}

/* Throws "<name>: <what>" as a TypeError (type != 0) or a RangeError. */
static inline void throw_named(napi_env env, const char *name, const char *what, int type) {
  char message[256];
  snprintf(message, sizeof message, "%s: %s", name, what);
  if (type) napi_throw_type_error(env, NULL, message);
  else napi_throw_range_error(env, NULL, message);
}

void define_row_kernels(napi_env env, napi_value exports);
void define_adam(napi_env env, napi_value exports);
void define_blocked_matmul(napi_env env, napi_value exports);

#endif
