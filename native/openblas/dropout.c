/*
 * Dropout multipliers from seedrandom's alea generator (src/gssnn/population/dropoutMasks.ts):
 * the generator's double arithmetic step for step (built with -ffp-contract=off, so
 * 2091639 * s0 + c * 2^-32 rounds twice, as in JavaScript), each value rounded to float32
 * and compared with `keep`, so the multipliers equal the JavaScript fill's bit for bit.
 *
 *   aleaDropout(out, states, blocks, keep, scale)
 *
 * Block i has its own generator at states[4i .. 4i+4) = (c, s0, s1, s2) and its place in out
 * at blocks[4i .. 4i+4) = (start, batch, rowStride, cells): for b < batch, the `cells` values
 * from out[start + b * rowStride] on are set to scale (kept) or 0. One value depends on the
 * one before through a chain of about twenty cycles, so eight generators advance side by side.
 */
#include <node_api.h>
#include <stdint.h>

#include "views.h"

#define LANES 8

typedef struct {
  double c, s0, s1, s2;
  float *row;
  int64_t cell, cells, rowsLeft, rowStride;
} Lane;

/* Advances one generator by one value and writes its multiplier; returns 0 once the block is full. */
static inline int lane_step(Lane *g, float keep, float scale) {
  const double t = 2091639.0 * g->s0 + g->c * 2.3283064365386963e-10;
  g->s0 = g->s1;
  g->s1 = g->s2;
  g->c = (double)(int32_t)t; /* t | 0: t lies in [0, 2091640) */
  g->s2 = t - g->c;
  g->row[g->cell] = (float)g->s2 < keep ? scale : 0.0f;
  if (++g->cell < g->cells) return 1;
  g->cell = 0;
  g->row += g->rowStride;
  return --g->rowsLeft > 0;
}

static napi_value alea_dropout(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  float *out;
  double *states, *blocks;
  size_t outLength, stateLength, blockLength;
  if (!exact_args(env, info, 5, argv, "aleaDropout", "expected 5 arguments")) return NULL;
  if (!typed_view(env, argv[0], napi_float32_array, (void **)&out, &outLength) ||
      !typed_view(env, argv[1], napi_float64_array, (void **)&states, &stateLength) ||
      !typed_view(env, argv[2], napi_float64_array, (void **)&blocks, &blockLength)) {
    throw_named(env, "aleaDropout", "out must be a Float32Array, states and blocks Float64Arrays", 1);
    return NULL;
  }
  double keepValue, scaleValue;
  if (napi_get_value_double(env, argv[3], &keepValue) != napi_ok || napi_get_value_double(env, argv[4], &scaleValue) != napi_ok) {
    throw_named(env, "aleaDropout", "keep and scale must be numbers", 1);
    return NULL;
  }
  if (stateLength != blockLength || stateLength % 4 != 0) {
    throw_named(env, "aleaDropout", "states and blocks must both hold 4 values per block", 0);
    return NULL;
  }
  const size_t count = blockLength / 4;
  for (size_t i = 0; i < count; i++) {
    const double start = blocks[4 * i], batch = blocks[4 * i + 1], rowStride = blocks[4 * i + 2], cells = blocks[4 * i + 3];
    if (!(start >= 0 && batch >= 0 && rowStride >= 0 && cells >= 0)) {
      throw_named(env, "aleaDropout", "start, batch, rowStride and cells must be non-negative", 0);
      return NULL;
    }
    if (batch > 0 && cells > 0 && start + (batch - 1) * rowStride + cells > (double)outLength) {
      throw_named(env, "aleaDropout", "the blocks do not fit out", 0);
      return NULL;
    }
  }
  const float keep = (float)keepValue, scale = (float)scaleValue;
  Lane lanes[LANES];
  size_t next = 0, active = 0, owner[LANES];
  for (;;) {
    /* Fill free lanes with the next non-empty blocks. */
    while (active < LANES && next < count) {
      const double *b = blocks + 4 * next;
      if (b[1] > 0 && b[3] > 0) {
        const double *s = states + 4 * next;
        lanes[active] = (Lane){s[0], s[1], s[2], s[3], out + (int64_t)b[0], 0, (int64_t)b[3], (int64_t)b[1], (int64_t)b[2]};
        owner[active++] = next;
      }
      next++;
    }
    if (active == 0) break;
    for (size_t i = 0; i < active;) {
      if (lane_step(&lanes[i], keep, scale)) {
        i++;
        continue;
      }
      double *s = states + 4 * owner[i];
      s[0] = lanes[i].c, s[1] = lanes[i].s0, s[2] = lanes[i].s1, s[3] = lanes[i].s2;
      lanes[i] = lanes[--active];
      owner[i] = owner[active];
    }
  }
  return NULL;
}

void define_dropout(napi_env env, napi_value exports) {
  napi_property_descriptor property = {"aleaDropout", NULL, alea_dropout, NULL, NULL, NULL, napi_enumerable, NULL};
  napi_define_properties(env, exports, 1, &property);
}
