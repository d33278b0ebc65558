/*
 * Batched products with the wasm backend's float32 arithmetic (kernels/wasmMatmul.ts):
 * every output starts at 0 and adds the products a[i, p] * b[p, j] one p at a time, in
 * order, each product and each sum rounded to float32 (no fused multiply-add: built with
 * -ffp-contract=off). That is XNNPACK's arithmetic (chunk 0); wasm's own loop for a batch of
 * tiny products (attention's) instead sums chunks of 48 p from 0 and adds each chunk's sum to
 * the output in order (chunk 48). The order is all that fixes the bits, so the same results
 * come out however the outputs are grouped: here 4 rows by 16 columns at a time in vector
 * registers, with AVX where the CPU has it.
 *
 *   orderedBatchMatmul(a, b, out, batch, m, n, k, transposeA, transposeB, strideA, strideB, chunk)
 *
 * a: [.., m, k] ([.., k, m] if transposeA), b: [.., k, n] ([.., n, k] if transposeB),
 * out: [batch, m, n]; stride 0 broadcasts. A transposed b is read in place; a transposed a is
 * copied into rows once per product.
 */
#include <node_api.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "views.h"

#define ROWS 4
#define COLS 16

typedef float v8 __attribute__((vector_size(32)));

/* Rows [i, i + rows) of a (row r, column p at a[r * rowStep + p * colStep]) x the 16 columns
   of `panel` ([k][16], zero-padded past `cols`), p in [p0, p1): written to out, or added to it. */
static inline __attribute__((always_inline)) void block(int rows, const float *a, int64_t rowStep, int64_t colStep, int64_t p0, int64_t p1,
                                                        const float *panel, float *out, int64_t n, int64_t cols, int add) {
  v8 acc[ROWS][2];
  for (int r = 0; r < ROWS; r++) acc[r][0] = acc[r][1] = (v8){0};
  for (int64_t p = p0; p < p1; p++) {
    v8 b0, b1;
    memcpy(&b0, panel + p * COLS, sizeof b0);
    memcpy(&b1, panel + p * COLS + 8, sizeof b1);
    for (int r = 0; r < rows; r++) {
      const float x = a[r * rowStep + p * colStep];
      const v8 xs = {x, x, x, x, x, x, x, x};
      acc[r][0] = acc[r][0] + xs * b0;
      acc[r][1] = acc[r][1] + xs * b1;
    }
  }
  for (int r = 0; r < rows; r++) {
    float row[COLS];
    memcpy(row, &acc[r][0], sizeof acc[r][0]);
    memcpy(row + 8, &acc[r][1], sizeof acc[r][1]);
    float *to = out + r * n;
    if (add) {
      for (int64_t c = 0; c < cols; c++) to[c] = to[c] + row[c];
    } else {
      memcpy(to, row, (size_t)cols * sizeof(float));
    }
  }
}

/* from: [k][m] -> to: [m][k], in tiles that stay in cache. */
static void transpose_into(const float *from, float *to, int64_t k, int64_t m) {
  enum { TILE = 32 };
  for (int64_t p0 = 0; p0 < k; p0 += TILE) {
    const int64_t p1 = p0 + TILE < k ? p0 + TILE : k;
    for (int64_t i0 = 0; i0 < m; i0 += TILE) {
      const int64_t i1 = i0 + TILE < m ? i0 + TILE : m;
      for (int64_t p = p0; p < p1; p++) {
        for (int64_t i = i0; i < i1; i++) to[i * k + p] = from[p * m + i];
      }
    }
  }
}

/* aRows: m x k scratch for a transposed a (NULL when a is not transposed). */
AVX_CLONES static void ordered_products(const float *a, const float *b, float *out, int64_t batch, int64_t m,
                                                                              int64_t n, int64_t k, int transposeA, int transposeB, int64_t strideA,
                                                                              int64_t strideB, int64_t chunk, float *panel, float *aRows) {
  /* A transposed a is copied into rows first: its blocks would otherwise read one cache line
     per p for every 16 columns of the output (the same values in the same order either way). */
  const int64_t rowStep = k, colStep = 1;
  for (int64_t t = 0; t < batch; t++) {
    const float *at = a + t * strideA, *bt = b + t * strideB;
    if (transposeA) {
      if (t == 0 || strideA != 0) transpose_into(at, aRows, k, m);
      at = aRows;
    }
    float *ot = out + t * m * n;
    for (int64_t j0 = 0; j0 < n; j0 += COLS) {
      const int64_t cols = n - j0 < COLS ? n - j0 : COLS;
      for (int64_t p = 0; p < k; p++) {
        float *to = panel + p * COLS;
        memset(to, 0, COLS * sizeof(float));
        if (transposeB) {
          for (int64_t j = 0; j < cols; j++) to[j] = bt[(j0 + j) * k + p];
        } else {
          memcpy(to, bt + p * n + j0, (size_t)cols * sizeof(float));
        }
      }
      /* The first chunk's sums are the outputs (0 + s is s: a sum from +0 is never -0). */
      for (int64_t p0 = 0; p0 < k; p0 += chunk) {
        const int64_t p1 = p0 + chunk < k ? p0 + chunk : k;
        const int add = p0 > 0;
        int64_t i = 0;
        for (; i + ROWS <= m; i += ROWS) block(ROWS, at + i * rowStep, rowStep, colStep, p0, p1, panel, ot + i * n + j0, n, cols, add);
        const float *rest = at + i * rowStep;
        float *restOut = ot + i * n + j0;
        switch (m - i) {
          case 3: block(3, rest, rowStep, colStep, p0, p1, panel, restOut, n, cols, add); break;
          case 2: block(2, rest, rowStep, colStep, p0, p1, panel, restOut, n, cols, add); break;
          case 1: block(1, rest, rowStep, colStep, p0, p1, panel, restOut, n, cols, add); break;
        }
      }
    }
  }
}

static napi_value ordered_batch_matmul(napi_env env, napi_callback_info info) {
  napi_value argv[12];
  float *arrays[3];
  size_t lengths[3];
  if (!exact_args(env, info, 12, argv, "orderedBatchMatmul", "expected 12 arguments") ||
      !float_arrays(env, argv, 3, arrays, lengths, "orderedBatchMatmul", "a, b and out must be Float32Arrays")) {
    return NULL;
  }
  int64_t dims[7];
  bool transposed[2];
  for (int i = 0; i < 7; i++) {
    if (napi_get_value_int64(env, argv[i < 4 ? 3 + i : 5 + i], &dims[i]) != napi_ok || dims[i] < 0) {
      throw_named(env, "orderedBatchMatmul", "batch, m, n, k, the strides and chunk must be non-negative integers", 1);
      return NULL;
    }
  }
  if (napi_get_value_bool(env, argv[7], &transposed[0]) != napi_ok || napi_get_value_bool(env, argv[8], &transposed[1]) != napi_ok) {
    throw_named(env, "orderedBatchMatmul", "transposeA and transposeB must be booleans", 1);
    return NULL;
  }
  const int64_t batch = dims[0], m = dims[1], n = dims[2], k = dims[3], strideA = dims[4], strideB = dims[5];
  const int64_t chunk = dims[6] > 0 ? dims[6] : k;
  if (!batch_fits(batch, m, n, k, strideA, strideB, lengths[0], lengths[1], lengths[2])) {
    throw_named(env, "orderedBatchMatmul", "shapes do not fit the arrays", 0);
    return NULL;
  }
  if (batch == 0 || m == 0 || n == 0) return NULL;
  if (k == 0) {
    memset(arrays[2], 0, (size_t)(batch * m * n) * sizeof(float));
    return NULL;
  }
  float *panel = malloc((size_t)k * COLS * sizeof(float));
  float *aRows = transposed[0] ? malloc((size_t)(m * k) * sizeof(float)) : NULL;
  if (!panel || (transposed[0] && !aRows)) {
    free(panel);
    free(aRows);
    throw_named(env, "orderedBatchMatmul", "out of memory", 0);
    return NULL;
  }
  ordered_products(arrays[0], arrays[1], arrays[2], batch, m, n, k, transposed[0], transposed[1], strideA, strideB, chunk, panel, aRows);
  free(panel);
  free(aRows);
  return NULL;
}

void define_ordered_matmul(napi_env env, napi_value exports) {
  napi_property_descriptor property = {"orderedBatchMatmul", NULL, ordered_batch_matmul, NULL, NULL, NULL, napi_enumerable, NULL};
  napi_define_properties(env, exports, 1, &property);
}
