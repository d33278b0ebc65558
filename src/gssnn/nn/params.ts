/**
 * The trainable weights of one model, created in a fixed order from one seeded stream so
 * that the same seed gives the same initialization on every backend. Each weight has a
 * stable path name (`encoder.block0.conv3`) used by save/load; tfjs's own variable names
 * stay auto-generated because they must be unique across the process.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '../../util/random.ts';

export type Init =
  /** PyTorch's default for linear and conv weights and biases: U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
  | { kind: 'fanIn'; fanIn: number }
  | { kind: 'zeros' }
  | { kind: 'ones' };

export class ParamStore {
  readonly names: string[] = [];
  readonly variables: tf.Variable[] = [];
  private readonly rng: Random;

  constructor(seed: number) {
    this.rng = new Random(seed);
  }

  create(name: string, shape: readonly number[], init: Init): tf.Variable {
    if (this.names.includes(name)) throw new Error(`ParamStore: duplicate weight name ${name}`);
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    if (init.kind === 'ones') values.fill(1);
    else if (init.kind === 'fanIn') {
      const bound = 1 / Math.sqrt(init.fanIn);
      for (let i = 0; i < size; i++) values[i] = this.rng.uniform(-bound, bound);
    }
    const initial = tf.tensor(values, [...shape], 'float32');
    const variable = tf.variable(initial, true);
    initial.dispose();
    this.names.push(name);
    this.variables.push(variable);
    return variable;
  }

  /** Takes ownership of a weight created elsewhere (a shared layer), under a path name. */
  adopt(name: string, variable: tf.Variable): tf.Variable {
    if (this.names.includes(name)) throw new Error(`ParamStore: duplicate weight name ${name}`);
    this.names.push(name);
    this.variables.push(variable);
    return variable;
  }

  parameterCount(): number {
    return this.variables.reduce((n, v) => n + v.size, 0);
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}
