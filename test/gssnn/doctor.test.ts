/** `synth doctor` end to end: the report, the JSON form, and user errors. */
import { describe, expect, it } from 'vitest';
import { OPENBLAS } from '../helpers/backends.ts';
import { synthSync } from '../helpers/cli.ts';

const synth = (args: string[], env: Record<string, string | undefined> = {}) => synthSync(args, { env });

describe('synth doctor', () => {
  it('reports versions, the backend, why faster ones are missing, and a speed probe as JSON', () => {
    const { code, stdout, stderr } = synth(['doctor', '--json', '--seconds', '0.2'], { SYNTH_BACKEND: undefined });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.packages['@tensorflow/tfjs-core']).toMatch(/^4\./);
    expect(['tfjs-node-gpu', 'tfjs-node', 'wasm']).toContain(report.backend.name);
    expect(report.segmentKernels).toBe(true);
    if (report.backend.name === 'wasm') expect(report.backend.unavailable['tfjs-node']).toMatch(/\S/);
    if (report.openblas.available) expect(report.openblas.config).toMatch(/OpenBLAS/);
    else expect(report.openblas.why).toMatch(/npm run build:native/);
    expect(report.probe.matmul.gflops).toBeGreaterThan(0);
    expect(report.probe.messagePassing.stepsPerSecond).toBeGreaterThan(0);
  });

  it('honours SYNTH_BACKEND and prints a readable report', () => {
    const { code, stdout } = synth(['doctor', '--seconds', '0'], { SYNTH_BACKEND: 'cpu' });
    expect(code).toBe(0);
    expect(stdout).toMatch(/backend: cpu .*chosen by SYNTH_BACKEND/);
    expect(stdout).toMatch(/faster: .*tfjs-node/);
    expect(stdout).not.toMatch(/GFLOP/);
  });

  it('uses wasm-openblas when named and the addon is built, and says how to build it otherwise (exit 1)', () => {
    const { code, stdout, stderr } = synth(['doctor', '--seconds', '0', '--backend', 'wasm-openblas']);
    if (OPENBLAS) {
      expect(code).toBe(0);
      expect(stdout).toMatch(/backend: wasm-openblas .*openblas: OpenBLAS/);
    } else {
      expect(code).toBe(1);
      expect(stderr).toMatch(/backend "wasm-openblas" could not be loaded: the OpenBLAS addon is not built; build it with `npm run build:native`/);
    }
  });

  it('explains an unknown backend (exit 1)', () => {
    const unknown = synth(['doctor', '--backend', 'tpu']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown backend "tpu"/);
    expect(unknown.stderr).toMatch(/hint: use one of tfjs-node-gpu, tfjs-node, wasm, wasm-openblas, cpu/);
  });
});
