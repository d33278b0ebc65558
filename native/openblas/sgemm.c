/*
 * A batched single-precision matrix product over an installed CBLAS (OpenBLAS), for the
 * opt-in `wasm-openblas` backend: it reads and writes Float32Array views of the wasm heap,
 * so no value is copied on the way in or out.
 *
 *   sgemmBatch(a, b, c, batch, m, n, k, transposeA, transposeB, strideA, strideB)
 *
 * computes, for i < batch, C_i = op(A_i) op(B_i) with C_i = c[i*m*n ...] (m x n, row-major),
 * A_i = a[i*strideA ...] (m x k, or k x m when transposeA) and B_i = b[i*strideB ...]
 * (k x n, or n x k when transposeB); a stride of 0 broadcasts one operand over the batch.
 * Runs on the calling thread: OpenBLAS is limited to one thread at load. The addon also
 * carries the row gather and scatter kernels (rows.c), the population's Adam (adam.c) and
 * dropout masks (dropout.c), and the wasm backend's products (ordered.c) and reductions and
 * broadcast arithmetic (elementwise.c), each bitwise equal to its counterpart.
 */
#include <cblas.h>
#include <node_api.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "views.h"

#define CHECK(call)                                                     \
  do {                                                                  \
    if ((call) != napi_ok) {                                            \
      throw_named(env, "sgemmBatch", "invalid arguments", 1);           \
      return NULL;                                                      \
    }                                                                   \
  } while (0)

static napi_value sgemm_batch(napi_env env, napi_callback_info info) {
  napi_value args[11];
  float *arrays[3];
  size_t lengths[3];
  if (!exact_args(env, info, 11, args, "sgemmBatch", "expected 11 arguments") ||
      !float_arrays(env, args, 3, arrays, lengths, "sgemmBatch", "a, b and c must be Float32Arrays")) {
    return NULL;
  }
  const float *a = arrays[0], *b = arrays[1];
  float *c = arrays[2];
  int64_t batch, m, n, k, strideA, strideB;
  bool transposeA, transposeB;
  CHECK(napi_get_value_int64(env, args[3], &batch));
  CHECK(napi_get_value_int64(env, args[4], &m));
  CHECK(napi_get_value_int64(env, args[5], &n));
  CHECK(napi_get_value_int64(env, args[6], &k));
  CHECK(napi_get_value_bool(env, args[7], &transposeA));
  CHECK(napi_get_value_bool(env, args[8], &transposeB));
  CHECK(napi_get_value_int64(env, args[9], &strideA));
  CHECK(napi_get_value_int64(env, args[10], &strideB));
  if (batch < 0 || m < 0 || n < 0 || k < 0 || strideA < 0 || strideB < 0 ||
      !batch_fits(batch, m, n, k, strideA, strideB, lengths[0], lengths[1], lengths[2])) {
    throw_named(env, "sgemmBatch", "shapes do not fit the arrays", 0);
    return NULL;
  }
  const int lda = transposeA ? (int)m : (int)k;
  const int ldb = transposeB ? (int)k : (int)n;
  if (k == 0) {
    /* An empty sum: BLAS may leave C untouched when k is 0. */
    memset(c, 0, (size_t)(batch * m * n) * sizeof(float));
    return NULL;
  }
  for (int64_t i = 0; i < batch; i++) {
    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                (int)m, (int)n, (int)k, 1.0f, a + i * strideA, lda, b + i * strideB, ldb, 0.0f, c + i * m * n, (int)n);
  }
  return NULL;
}

static napi_value config(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  napi_create_string_utf8(env, openblas_get_config(), NAPI_AUTO_LENGTH, &out);
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  openblas_set_num_threads(1);
  napi_property_descriptor properties[] = {
      {"sgemmBatch", NULL, sgemm_batch, NULL, NULL, NULL, napi_enumerable, NULL},
      {"config", NULL, config, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, 2, properties);
  define_row_kernels(env, exports);
  define_adam(env, exports);
  define_dropout(env, exports);
  define_ordered_matmul(env, exports);
  define_elementwise(env, exports);
  define_transpose(env, exports);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
