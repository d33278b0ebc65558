/*
 * Row gather and its adjoint, the scatter-add, on Float32Arrays: the same arithmetic in the
 * same order as gatherRowsInto and scatterRowsInto in src/gssnn/kernels/segment.ts, so their
 * results are equal bit for bit (a float32 sum computed in double and rounded, as JavaScript
 * does, is the correctly rounded float32 sum). x is [outer, rows, inner] for the gather,
 * out is [outer, rows, inner] for the scatter; ids are checked against rows first.
 *
 *   gatherRows(x, ids, out, outer, rows, inner)   out[o, m, :] = x[o, ids[m], :]
 *   scatterRows(dy, ids, out, outer, rows, inner) out = 0; out[o, ids[m], :] += dy[o, m, :]
 */
#include <node_api.h>
#include <stdint.h>
#include <string.h>

#include "views.h"

typedef struct {
  float *values;
  size_t valuesLength;
  int32_t *ids;
  size_t count;
  float *out;
  size_t outLength;
  int64_t outer, rows, inner;
} RowArgs;

static int row_args(napi_env env, napi_callback_info info, const char *name, RowArgs *args) {
  napi_value argv[6];
  if (!exact_args(env, info, 6, argv, name, "expected 6 arguments (values, ids, out, outer, rows, inner)")) return 0;
  void *ids;
  if (!typed_view(env, argv[0], napi_float32_array, (void **)&args->values, &args->valuesLength) ||
      !typed_view(env, argv[1], napi_int32_array, &ids, &args->count) ||
      !typed_view(env, argv[2], napi_float32_array, (void **)&args->out, &args->outLength)) {
    throw_named(env, name, "values and out must be Float32Arrays, ids an Int32Array", 1);
    return 0;
  }
  args->ids = (int32_t *)ids;
  if (napi_get_value_int64(env, argv[3], &args->outer) != napi_ok || napi_get_value_int64(env, argv[4], &args->rows) != napi_ok ||
      napi_get_value_int64(env, argv[5], &args->inner) != napi_ok || args->outer < 0 || args->rows < 0 || args->inner < 0) {
    throw_named(env, name, "outer, rows and inner must be non-negative integers", 1);
    return 0;
  }
  for (size_t k = 0; k < args->count; k++) {
    if (args->ids[k] < 0 || args->ids[k] >= args->rows) {
      throw_named(env, name, "an id is outside [0, rows)", 0);
      return 0;
    }
  }
  return 1;
}

static napi_value gather_rows(napi_env env, napi_callback_info info) {
  RowArgs a;
  if (!row_args(env, info, "gatherRows", &a)) return NULL;
  const int64_t m = (int64_t)a.count;
  if ((uint64_t)(a.outer * a.rows * a.inner) > a.valuesLength || (uint64_t)(a.outer * m * a.inner) > a.outLength) {
    throw_named(env, "gatherRows", "shapes do not fit the arrays", 0);
    return NULL;
  }
  float *to = a.out;
  for (int64_t o = 0; o < a.outer; o++) {
    const float *base = a.values + o * a.rows * a.inner;
    for (int64_t k = 0; k < m; k++, to += a.inner) memcpy(to, base + (int64_t)a.ids[k] * a.inner, (size_t)a.inner * sizeof(float));
  }
  return NULL;
}

static napi_value scatter_rows(napi_env env, napi_callback_info info) {
  RowArgs a;
  if (!row_args(env, info, "scatterRows", &a)) return NULL;
  const int64_t m = (int64_t)a.count;
  if ((uint64_t)(a.outer * m * a.inner) > a.valuesLength || (uint64_t)(a.outer * a.rows * a.inner) > a.outLength) {
    throw_named(env, "scatterRows", "shapes do not fit the arrays", 0);
    return NULL;
  }
  memset(a.out, 0, (size_t)(a.outer * a.rows * a.inner) * sizeof(float));
  const float *from = a.values;
  for (int64_t o = 0; o < a.outer; o++) {
    float *base = a.out + o * a.rows * a.inner;
    for (int64_t k = 0; k < m; k++, from += a.inner) {
      float *to = base + (int64_t)a.ids[k] * a.inner;
      for (int64_t c = 0; c < a.inner; c++) to[c] += from[c];
    }
  }
  return NULL;
}

void define_row_kernels(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"gatherRows", NULL, gather_rows, NULL, NULL, NULL, napi_enumerable, NULL},
      {"scatterRows", NULL, scatter_rows, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, 2, properties);
}
