/**
 * A scalar reverse-mode automatic differentiation tape in float64: every value is one node
 * with at most two parents and the local partial derivative towards each. Slow per value but
 * obviously correct, which is what a reference for tiny networks needs. It shares no code with
 * tfjs or the toolkit.
 */

/** A node of the tape: an index into it. */
export type Scalar = number;

const NO_PARENT = -1;
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * erf in float64 with relative error below 1e-14: the Maclaurin series where it converges
 * without much cancellation, the continued fraction of erfc (modified Lentz) beyond.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a < 2.5) {
    // erf x = 2/sqrt(pi) sum_n (-1)^n x^(2n+1) / (n! (2n+1))
    let power = a; // a^(2n+1) / n! with its sign
    let sum = a;
    for (let n = 1; n < 200; n++) {
      power *= (-a * a) / n;
      const term = power / (2 * n + 1);
      sum += term;
      if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.sign(x) * TWO_OVER_SQRT_PI * sum;
  }
  return Math.sign(x) * (1 - erfcLarge(a));
}

/** erfc(a) for a >= 2.5: exp(-a^2)/sqrt(pi) / (a + (1/2)/(a + 1/(a + (3/2)/(a + ...)))). */
function erfcLarge(a: number): number {
  const tiny = 1e-300;
  let f = a;
  let c = f;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const coefficient = n / 2;
    d = a + coefficient * d;
    d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
    c = a + coefficient / c;
    if (Math.abs(c) < tiny) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
}

export class Tape {
  private readonly values: number[] = [];
  private readonly parentA: number[] = [];
  private readonly parentB: number[] = [];
  private readonly partialA: number[] = [];
  private readonly partialB: number[] = [];

  get size(): number {
    return this.values.length;
  }

  private node(value: number, a = NO_PARENT, da = 0, b = NO_PARENT, db = 0): Scalar {
    this.values.push(value);
    this.parentA.push(a);
    this.partialA.push(da);
    this.parentB.push(b);
    this.partialB.push(db);
    return this.values.length - 1;
  }

  /** A value with no parents: an input, a weight or a constant. */
  leaf(value: number): Scalar {
    return this.node(value);
  }

  value(x: Scalar): number {
    return this.values[x];
  }

  add(x: Scalar, y: Scalar): Scalar {
    return this.node(this.values[x] + this.values[y], x, 1, y, 1);
  }

  sub(x: Scalar, y: Scalar): Scalar {
    return this.node(this.values[x] - this.values[y], x, 1, y, -1);
  }

  mul(x: Scalar, y: Scalar): Scalar {
    return this.node(this.values[x] * this.values[y], x, this.values[y], y, this.values[x]);
  }

  div(x: Scalar, y: Scalar): Scalar {
    const vy = this.values[y];
    const q = this.values[x] / vy;
    return this.node(q, x, 1 / vy, y, -q / vy);
  }

  /** x * c for a constant c. */
  scale(x: Scalar, c: number): Scalar {
    return this.node(this.values[x] * c, x, c);
  }

  /** x + c for a constant c. */
  shift(x: Scalar, c: number): Scalar {
    return this.node(this.values[x] + c, x, 1);
  }

  exp(x: Scalar): Scalar {
    const e = Math.exp(this.values[x]);
    return this.node(e, x, e);
  }

  log(x: Scalar): Scalar {
    return this.node(Math.log(this.values[x]), x, 1 / this.values[x]);
  }

  sqrt(x: Scalar): Scalar {
    const s = Math.sqrt(this.values[x]);
    return this.node(s, x, 0.5 / s);
  }

  /** max(x, 0), with derivative 0 at 0 (as PyTorch). */
  relu(x: Scalar): Scalar {
    const v = this.values[x];
    return this.node(v > 0 ? v : 0, x, v > 0 ? 1 : 0);
  }

  erf(x: Scalar): Scalar {
    const v = this.values[x];
    return this.node(erf(v), x, TWO_OVER_SQRT_PI * Math.exp(-v * v));
  }

  /** log(1 + exp(x)), computed without overflow; its derivative is sigmoid(x). */
  softplus(x: Scalar): Scalar {
    const v = this.values[x];
    const value = Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
    const sigmoid = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
    return this.node(value, x, sigmoid);
  }

  sum(xs: readonly Scalar[]): Scalar {
    if (xs.length === 0) return this.leaf(0);
    let total = xs[0];
    for (let i = 1; i < xs.length; i++) total = this.add(total, xs[i]);
    return total;
  }

  mean(xs: readonly Scalar[]): Scalar {
    return this.scale(this.sum(xs), 1 / xs.length);
  }

  dot(xs: readonly Scalar[], ys: readonly Scalar[]): Scalar {
    if (xs.length !== ys.length) throw new Error(`dot: lengths ${xs.length} and ${ys.length} differ`);
    return this.sum(xs.map((x, i) => this.mul(x, ys[i])));
  }

  /** d output / d node for every node of the tape. */
  gradient(output: Scalar): Float64Array {
    return this.backward(output, (partial) => partial);
  }

  /**
   * The same backward pass with every partial derivative taken in absolute value: for each
   * node, the sum of the magnitudes of the terms its gradient adds up. Rounding error of a
   * gradient computed in low precision scales with this, not with the gradient, when the
   * terms cancel.
   */
  gradientMagnitude(output: Scalar): Float64Array {
    return this.backward(output, Math.abs);
  }

  private backward(output: Scalar, partialOf: (partial: number) => number): Float64Array {
    const adjoint = new Float64Array(this.values.length);
    adjoint[output] = 1;
    for (let i = output; i >= 0; i--) {
      const g = adjoint[i];
      if (g === 0) continue;
      const a = this.parentA[i];
      if (a !== NO_PARENT) adjoint[a] += g * partialOf(this.partialA[i]);
      const b = this.parentB[i];
      if (b !== NO_PARENT) adjoint[b] += g * partialOf(this.partialB[i]);
    }
    return adjoint;
  }
}
