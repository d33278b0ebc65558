/*
 * Transposes of 4-byte values (float32, int32) of any rank up to 8, for the wasm backend's
 * Transpose (kernels/wasmTranspose.ts): pure data movement, so the same bits as wasm's kernel,
 * whose loops for rank 5 and more are generic and slow.
 *
 *   transpose(x, out, dims, strides)
 *     out is row-major over dims (the output's dimensions); strides[d] is the step in x of
 *     the output's dimension d (x's row-major stride of the input axis it comes from).
 */
#include <node_api.h>
#include <stdint.h>

#include "views.h"

#define MAX_RANK 8

static napi_value transpose(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!exact_args(env, info, 4, argv, "transpose", "expected 4 arguments")) return NULL;
  uint32_t *x, *out;
  size_t xLength, outLength;
  napi_typedarray_type type;
  void *data;
  /* Any 4-byte typed array: the values are moved, never read as numbers. */
  if (napi_get_typedarray_info(env, argv[0], &type, &xLength, &data, NULL, NULL) != napi_ok ||
      !(type == napi_float32_array || type == napi_int32_array || type == napi_uint32_array)) {
    throw_named(env, "transpose", "x and out must be Float32Arrays or Int32Arrays", 1);
    return NULL;
  }
  x = data;
  if (napi_get_typedarray_info(env, argv[1], &type, &outLength, &data, NULL, NULL) != napi_ok ||
      !(type == napi_float32_array || type == napi_int32_array || type == napi_uint32_array)) {
    throw_named(env, "transpose", "x and out must be Float32Arrays or Int32Arrays", 1);
    return NULL;
  }
  out = data;
  double *dimValues, *strideValues;
  size_t rank, strideRank;
  if (!typed_view(env, argv[2], napi_float64_array, (void **)&dimValues, &rank) ||
      !typed_view(env, argv[3], napi_float64_array, (void **)&strideValues, &strideRank) || rank != strideRank || rank == 0 || rank > MAX_RANK) {
    throw_named(env, "transpose", "dims and strides must be Float64Arrays of equal length, 1 to 8", 1);
    return NULL;
  }
  int64_t dims[MAX_RANK], strides[MAX_RANK];
  uint64_t size = 1, last = 0;
  for (size_t d = 0; d < rank; d++) {
    if (!(dimValues[d] >= 0 && strideValues[d] >= 0)) {
      throw_named(env, "transpose", "dims and strides must be non-negative", 0);
      return NULL;
    }
    dims[d] = (int64_t)dimValues[d];
    strides[d] = (int64_t)strideValues[d];
    size *= (uint64_t)dims[d];
    if (dims[d] > 0) last += (uint64_t)(dims[d] - 1) * (uint64_t)strides[d];
  }
  if (size == 0) return NULL;
  if (size > outLength || last >= xLength) {
    throw_named(env, "transpose", "shapes do not fit the arrays", 0);
    return NULL;
  }
  const int64_t inner = dims[rank - 1], step = strides[rank - 1];
  int64_t index[MAX_RANK] = {0};
  int64_t from = 0;
  for (uint32_t *to = out, *end = out + size; to < end; to += inner) {
    const uint32_t *src = x + from;
    for (int64_t j = 0; j < inner; j++) to[j] = src[j * step];
    for (size_t d = rank - 1; d-- > 0;) {
      if (++index[d] < dims[d]) {
        from += strides[d];
        break;
      }
      from -= (dims[d] - 1) * strides[d];
      index[d] = 0;
    }
  }
  return NULL;
}

void define_transpose(napi_env env, napi_value exports) {
  napi_property_descriptor property = {"transpose", NULL, transpose, NULL, NULL, NULL, napi_enumerable, NULL};
  napi_define_properties(env, exports, 1, &property);
}
