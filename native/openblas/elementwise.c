/*
 * The wasm backend's float32 Add, Sub, Multiply and RealDiv (with broadcasting) and its Sum
 * and Mean, with the same arithmetic: each output of a binary operation is one IEEE 754
 * operation on its two inputs; each sum starts at 0 and adds the reduced values one at a
 * time in row-major order of the reduced axes, and a mean divides that sum by their count.
 * So the results are the same bits (NaN payloads aside). kernels/wasmElementwise.ts merges
 * dimensions and computes strides.
 *
 *   binaryOp(op, a, b, out, dims, stridesA, stridesB)
 *     op: 0 add, 1 sub, 2 mul, 3 div; dims: the output's dimensions (Float64Array), strides
 *     of a and b per dimension (0 where broadcast); out is row-major over dims.
 *   reduceSum(x, out, keptDims, keptStrides, reducedDims, reducedStrides, mean)
 *     out[o] = sum over reduced positions r (row-major) of x[offset(o) + offset(r)].
 */
#include <node_api.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "views.h"

#define MAX_RANK 8

/* Reads `count` non-negative integers from a Float64Array; 0 (and throws) if it is not one. */
static int read_dims(napi_env env, napi_value value, int64_t *out, size_t *count, const char *name) {
  double *values;
  size_t length;
  if (!typed_view(env, value, napi_float64_array, (void **)&values, &length) || length > MAX_RANK) {
    throw_named(env, name, "dimensions and strides must be Float64Arrays of at most 8 values", 1);
    return 0;
  }
  for (size_t i = 0; i < length; i++) {
    if (!(values[i] >= 0) || values[i] != (double)(int64_t)values[i]) {
      throw_named(env, name, "dimensions and strides must be non-negative integers", 0);
      return 0;
    }
    out[i] = (int64_t)values[i];
  }
  *count = length;
  return 1;
}

/* The largest offset (+1) that dims and strides reach; 0 for an empty shape. */
static uint64_t extent(const int64_t *dims, const int64_t *strides, size_t rank) {
  uint64_t last = 0;
  for (size_t i = 0; i < rank; i++) {
    if (dims[i] == 0) return 0;
    last += (uint64_t)(dims[i] - 1) * (uint64_t)strides[i];
  }
  return last + 1;
}

#define INNER(EXPR)                                                                  \
  if (sa == 1 && sb == 1) {                                                          \
    for (int64_t j = 0; j < inner; j++) { const float x = pa[j], y = pb[j]; po[j] = EXPR; } \
  } else if (sa == 1 && sb == 0) {                                                   \
    const float y = pb[0];                                                           \
    for (int64_t j = 0; j < inner; j++) { const float x = pa[j]; po[j] = EXPR; }    \
  } else if (sa == 0 && sb == 1) {                                                   \
    const float x = pa[0];                                                           \
    for (int64_t j = 0; j < inner; j++) { const float y = pb[j]; po[j] = EXPR; }    \
  } else {                                                                           \
    for (int64_t j = 0; j < inner; j++) { const float x = pa[j * sa], y = pb[j * sb]; po[j] = EXPR; } \
  }

AVX_CLONES static void binary_loop(int op, const float *a, const float *b, float *out, const int64_t *dims,
                                                                         const int64_t *stridesA, const int64_t *stridesB, size_t rank) {
  const int64_t inner = dims[rank - 1], sa = stridesA[rank - 1], sb = stridesB[rank - 1];
  int64_t index[MAX_RANK] = {0};
  int64_t offA = 0, offB = 0;
  for (float *po = out;; po += inner) {
    const float *pa = a + offA, *pb = b + offB;
    switch (op) {
      case 0: INNER(x + y) break;
      case 1: INNER(x - y) break;
      case 2: INNER(x * y) break;
      default: INNER(x / y) break;
    }
    /* Advance the odometer over the outer dimensions. */
    size_t d = rank - 1;
    while (d > 0) {
      d--;
      if (++index[d] < dims[d]) {
        offA += stridesA[d];
        offB += stridesB[d];
        break;
      }
      offA -= (dims[d] - 1) * stridesA[d];
      offB -= (dims[d] - 1) * stridesB[d];
      index[d] = 0;
      if (d == 0) return;
    }
    if (rank == 1) return;
  }
}

static napi_value binary_op(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  if (!exact_args(env, info, 7, argv, "binaryOp", "expected 7 arguments")) return NULL;
  int32_t op;
  if (napi_get_value_int32(env, argv[0], &op) != napi_ok || op < 0 || op > 3) {
    throw_named(env, "binaryOp", "op must be 0 (add), 1 (sub), 2 (mul) or 3 (div)", 1);
    return NULL;
  }
  float *arrays[3];
  size_t lengths[3];
  if (!float_arrays(env, argv + 1, 3, arrays, lengths, "binaryOp", "a, b and out must be Float32Arrays")) return NULL;
  int64_t dims[MAX_RANK], stridesA[MAX_RANK], stridesB[MAX_RANK];
  size_t rank, rankA, rankB;
  if (!read_dims(env, argv[4], dims, &rank, "binaryOp") || !read_dims(env, argv[5], stridesA, &rankA, "binaryOp") ||
      !read_dims(env, argv[6], stridesB, &rankB, "binaryOp")) {
    return NULL;
  }
  if (rank == 0 || rankA != rank || rankB != rank) {
    throw_named(env, "binaryOp", "dims and both strides must have the same length, at least 1", 0);
    return NULL;
  }
  uint64_t size = 1;
  for (size_t i = 0; i < rank; i++) size *= (uint64_t)dims[i];
  if (size > lengths[2] || extent(dims, stridesA, rank) > lengths[0] || extent(dims, stridesB, rank) > lengths[1]) {
    throw_named(env, "binaryOp", "shapes do not fit the arrays", 0);
    return NULL;
  }
  if (size > 0) binary_loop(op, arrays[0], arrays[1], arrays[2], dims, stridesA, stridesB, rank);
  return NULL;
}

/* Offsets of every position of dims/strides in row-major order. */
static void offsets(const int64_t *dims, const int64_t *strides, size_t rank, int64_t *out, int64_t count) {
  int64_t index[MAX_RANK] = {0};
  int64_t offset = 0;
  for (int64_t i = 0; i < count; i++) {
    out[i] = offset;
    for (size_t d = rank; d-- > 0;) {
      if (++index[d] < dims[d]) {
        offset += strides[d];
        break;
      }
      offset -= (dims[d] - 1) * strides[d];
      index[d] = 0;
    }
  }
}

#define OUT_BLOCK 64

static napi_value reduce_sum(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  float *arrays[2];
  size_t lengths[2];
  if (!exact_args(env, info, 7, argv, "reduceSum", "expected 7 arguments") ||
      !float_arrays(env, argv, 2, arrays, lengths, "reduceSum", "x and out must be Float32Arrays")) {
    return NULL;
  }
  int64_t keptDims[MAX_RANK], keptStrides[MAX_RANK], redDims[MAX_RANK], redStrides[MAX_RANK];
  size_t keptRank, keptStrideRank, redRank, redStrideRank;
  if (!read_dims(env, argv[2], keptDims, &keptRank, "reduceSum") || !read_dims(env, argv[3], keptStrides, &keptStrideRank, "reduceSum") ||
      !read_dims(env, argv[4], redDims, &redRank, "reduceSum") || !read_dims(env, argv[5], redStrides, &redStrideRank, "reduceSum")) {
    return NULL;
  }
  bool mean;
  if (napi_get_value_bool(env, argv[6], &mean) != napi_ok) {
    throw_named(env, "reduceSum", "mean must be a boolean", 1);
    return NULL;
  }
  if (keptRank != keptStrideRank || redRank != redStrideRank) {
    throw_named(env, "reduceSum", "each dimension needs one stride", 0);
    return NULL;
  }
  int64_t outCount = 1, redCount = 1;
  for (size_t i = 0; i < keptRank; i++) outCount *= keptDims[i];
  for (size_t i = 0; i < redRank; i++) redCount *= redDims[i];
  const uint64_t keptExtent = extent(keptDims, keptStrides, keptRank), redExtent = extent(redDims, redStrides, redRank);
  if ((uint64_t)outCount > lengths[1] || (outCount > 0 && redCount > 0 && keptExtent + redExtent - 1 > lengths[0])) {
    throw_named(env, "reduceSum", "shapes do not fit the arrays", 0);
    return NULL;
  }
  if (outCount == 0) return NULL;
  float *out = arrays[1];
  const float *x = arrays[0];
  int64_t *outOffsets = malloc((size_t)outCount * sizeof(int64_t));
  int64_t *redOffsets = malloc((size_t)(redCount > 0 ? redCount : 1) * sizeof(int64_t));
  if (!outOffsets || !redOffsets) {
    free(outOffsets);
    free(redOffsets);
    throw_named(env, "reduceSum", "out of memory", 0);
    return NULL;
  }
  offsets(keptDims, keptStrides, keptRank, outOffsets, outCount);
  offsets(redDims, redStrides, redRank, redOffsets, redCount);
  const float count = (float)redCount;
  for (int64_t o0 = 0; o0 < outCount; o0 += OUT_BLOCK) {
    const int64_t o1 = o0 + OUT_BLOCK < outCount ? o0 + OUT_BLOCK : outCount;
    float sums[OUT_BLOCK] = {0};
    for (int64_t r = 0; r < redCount; r++) {
      const float *base = x + redOffsets[r];
      for (int64_t o = o0; o < o1; o++) sums[o - o0] += base[outOffsets[o]];
    }
    for (int64_t o = o0; o < o1; o++) out[o] = mean ? sums[o - o0] / count : sums[o - o0];
  }
  free(outOffsets);
  free(redOffsets);
  return NULL;
}

void define_elementwise(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"binaryOp", NULL, binary_op, NULL, NULL, NULL, napi_enumerable, NULL},
      {"reduceSum", NULL, reduce_sum, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, 2, properties);
}
