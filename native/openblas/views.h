/* Argument helpers shared by the addon's functions. */
#ifndef GSSNN_NATIVE_VIEWS_H
#define GSSNN_NATIVE_VIEWS_H

#include <node_api.h>
#include <stdint.h>
#include <stdio.h>

/* A function compiled twice, with AVX and without, the CPU choosing at load (x86-64 ELF:
   GCC and clang); elsewhere compiled once for the target. */
#if defined(__x86_64__) && defined(__ELF__)
#define AVX_CLONES __attribute__((target_clones("avx", "default")))
#else
#define AVX_CLONES
#endif

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

/* The call's arguments into argv; throws `what` and returns 0 unless there are exactly count. */
static inline int exact_args(napi_env env, napi_callback_info info, size_t count, napi_value *argv, const char *name, const char *what) {
  size_t argc = count;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok && argc == count) return 1;
  throw_named(env, name, what, 1);
  return 0;
}

/* Arguments argv[0..count) as Float32Arrays; throws `what` and returns 0 if one is not. */
static inline int float_arrays(napi_env env, const napi_value *argv, size_t count, float **arrays, size_t *lengths, const char *name, const char *what) {
  for (size_t i = 0; i < count; i++) {
    if (!typed_view(env, argv[i], napi_float32_array, (void **)&arrays[i], &lengths[i])) {
      throw_named(env, name, what, 1);
      return 0;
    }
  }
  return 1;
}

/* Whether `batch` products of [m, k] (every strideA values) and [k, n] (every strideB) into a
   [batch, m, n] result stay inside arrays of these lengths. */
static inline int batch_fits(int64_t batch, int64_t m, int64_t n, int64_t k, int64_t strideA, int64_t strideB, size_t lengthA, size_t lengthB, size_t lengthOut) {
  return batch == 0 || ((uint64_t)((batch - 1) * strideA + m * k) <= lengthA && (uint64_t)((batch - 1) * strideB + k * n) <= lengthB &&
                        (uint64_t)(batch * m * n) <= lengthOut);
}

void define_row_kernels(napi_env env, napi_value exports);
void define_adam(napi_env env, napi_value exports);
void define_dropout(napi_env env, napi_value exports);
void define_ordered_matmul(napi_env env, napi_value exports);
void define_elementwise(napi_env env, napi_value exports);
void define_transpose(napi_env env, napi_value exports);

#endif
