/*
 * The population's Adam update (src/gssnn/population/adam.ts) in C: each value computed in
 * float32 in the same order as the JavaScript kernel, whose every operation is rounded to
 * float32 (Math.fround), so the results are equal bit for bit (built with -ffp-contract=off:
 * a fused multiply-add would round once instead of twice).
 *
 *   adamUpdate(param, grad, m, v, factors, paramOut, mOut, vOut, members, constants)
 *
 * Arrays are [members, per]; factors is [members, 3] = (step size, sqrt of the second bias
 * correction, 1 if the member updates else 0); constants is a Float32Array of (beta1,
 * 1 - beta1, beta2, 1 - beta2, eps), each already rounded to float32.
 */
#include <math.h>
#include <node_api.h>
#include <string.h>

#include "views.h"

static napi_value adam_update(napi_env env, napi_callback_info info) {
  napi_value argv[10];
  float *arrays[8];
  size_t lengths[8];
  if (!exact_args(env, info, 10, argv, "adamUpdate", "expected 10 arguments") ||
      !float_arrays(env, argv, 8, arrays, lengths, "adamUpdate", "the first eight arguments must be Float32Arrays")) {
    return NULL;
  }
  int64_t members;
  float *constants;
  size_t constantCount;
  if (napi_get_value_int64(env, argv[8], &members) != napi_ok || members <= 0 ||
      !typed_view(env, argv[9], napi_float32_array, (void **)&constants, &constantCount) || constantCount != 5) {
    throw_named(env, "adamUpdate", "members must be a positive integer and constants a Float32Array of 5", 1);
    return NULL;
  }
  const size_t n = lengths[0];
  for (int i = 1; i < 8; i++) {
    if (i != 4 && lengths[i] != n) {
      throw_named(env, "adamUpdate", "param, grad, m, v and the outputs must have equal lengths", 0);
      return NULL;
    }
  }
  if (lengths[4] != (size_t)(3 * members) || n % (size_t)members != 0) {
    throw_named(env, "adamUpdate", "factors must be [members, 3] and the weights divide into members", 0);
    return NULL;
  }
  const float *p = arrays[0], *g = arrays[1], *m0 = arrays[2], *v0 = arrays[3], *f = arrays[4];
  float *p1 = arrays[5], *m1 = arrays[6], *v1 = arrays[7];
  const float b1 = constants[0], oneMinusB1 = constants[1], b2 = constants[2], oneMinusB2 = constants[3], eps = constants[4];
  const size_t per = n / (size_t)members;
  for (int64_t k = 0; k < members; k++) {
    const size_t from = (size_t)k * per, to = from + per;
    if (f[3 * k + 2] == 0.0f) {
      memcpy(p1 + from, p + from, per * sizeof(float));
      memcpy(m1 + from, m0 + from, per * sizeof(float));
      memcpy(v1 + from, v0 + from, per * sizeof(float));
      continue;
    }
    const float stepSize = f[3 * k], sqrtCorrection2 = f[3 * k + 1];
    for (size_t i = from; i < to; i++) {
      const float gi = g[i];
      const float mi = m0[i] * b1 + gi * oneMinusB1;
      const float vi = v0[i] * b2 + (gi * gi) * oneMinusB2;
      const float denominator = sqrtf(vi) / sqrtCorrection2 + eps;
      m1[i] = mi;
      v1[i] = vi;
      p1[i] = p[i] - (mi / denominator) * stepSize;
    }
  }
  return NULL;
}

void define_adam(napi_env env, napi_value exports) {
  napi_property_descriptor property = {"adamUpdate", NULL, adam_update, NULL, NULL, NULL, napi_enumerable, NULL};
  napi_define_properties(env, exports, 1, &property);
}
