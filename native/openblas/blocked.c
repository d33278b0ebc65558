/*
 * The wasm backend's own batched product (the loop it runs for a batch of more than one
 * product; kernels/wasmMatmul.ts sends it attention's many tiny products) with the same
 * float32 arithmetic, so the same bits: every output starts at 0 and receives, block by
 * block of 48 along the shared dimension in order, a block sum that starts at 0 and adds
 * the products a[i, k] * b[k, j] one k at a time. Here the sums of one row are kept side by
 * side so that they advance together (vectorisable; each sum's own order is unchanged).
 *
 *   blockedBatchMatmul(a, b, out, batch, m, n, k, strideA, strideB)
 *
 * a: [.., m, k], b: [.., k, n] (untransposed), out: [batch, m, n]; stride 0 broadcasts.
 */
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "views.h"

#define BLOCK 48

static napi_value blocked_batch_matmul(napi_env env, napi_callback_info info) {
  napi_value argv[9];
  float *arrays[3];
  size_t lengths[3];
  if (!exact_args(env, info, 9, argv, "blockedBatchMatmul", "expected 9 arguments") ||
      !float_arrays(env, argv, 3, arrays, lengths, "blockedBatchMatmul", "a, b and out must be Float32Arrays")) {
    return NULL;
  }
  const float *a = arrays[0], *b = arrays[1];
  float *out = arrays[2];
  int64_t dims[6];
  for (int i = 0; i < 6; i++) {
    if (napi_get_value_int64(env, argv[3 + i], &dims[i]) != napi_ok || dims[i] < 0) {
      throw_named(env, "blockedBatchMatmul", "batch, m, n, k and the strides must be non-negative integers", 1);
      return NULL;
    }
  }
  const int64_t batch = dims[0], m = dims[1], n = dims[2], k = dims[3], strideA = dims[4], strideB = dims[5];
  if (!batch_fits(batch, m, n, k, strideA, strideB, lengths[0], lengths[1], lengths[2])) {
    throw_named(env, "blockedBatchMatmul", "shapes do not fit the arrays", 0);
    return NULL;
  }
  memset(out, 0, (size_t)(batch * m * n) * sizeof(float));
  float *sums = malloc((size_t)(n > 0 ? n : 1) * sizeof(float));
  if (!sums) {
    throw_named(env, "blockedBatchMatmul", "out of memory", 0);
    return NULL;
  }
  for (int64_t t = 0; t < batch; t++) {
    const float *at = a + t * strideA, *bt = b + t * strideB;
    float *ot = out + t * m * n;
    for (int64_t k0 = 0; k0 < k; k0 += BLOCK) {
      const int64_t k1 = k0 + BLOCK < k ? k0 + BLOCK : k;
      for (int64_t i = 0; i < m; i++) {
        for (int64_t j = 0; j < n; j++) sums[j] = 0.0f;
        for (int64_t p = k0; p < k1; p++) {
          const float x = at[i * k + p];
          const float *row = bt + p * n;
          for (int64_t j = 0; j < n; j++) sums[j] += x * row[j];
        }
        float *o = ot + i * n;
        for (int64_t j = 0; j < n; j++) o[j] += sums[j];
      }
    }
  }
  free(sums);
  return NULL;
}

void define_blocked_matmul(napi_env env, napi_value exports) {
  napi_property_descriptor property = {"blockedBatchMatmul", NULL, blocked_batch_matmul, NULL, NULL, NULL, napi_enumerable, NULL};
  napi_define_properties(env, exports, 1, &property);
}
