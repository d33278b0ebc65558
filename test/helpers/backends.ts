/**
 * The wasm backends a test runs on: `wasm`, and `wasm-openblas` where the optional OpenBLAS
 * addon is built (CI builds it; SYNTH_REQUIRE_OPENBLAS=1 makes its absence a failure in
 * test/gssnn/openblas.test.ts rather than a skip).
 */
import { openBlasAvailable } from '../../src/gssnn/kernels/openblas.ts';

export const OPENBLAS = openBlasAvailable();

export const WASM_BACKENDS = OPENBLAS ? (['wasm', 'wasm-openblas'] as const) : (['wasm'] as const);
